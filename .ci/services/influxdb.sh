#!/usr/bin/env bash
# InfluxDB 1.x for the metrics tests (test/kit/metrics-influx.test.ts):
# Debian's influxdb, influxd run directly (no systemd) with its own config in
# a temp dir: HTTP API on 127.0.0.1:8086, RPC on 127.0.0.1:8088, meta/data/wal
# under /tmp, no usage reporting, no _internal monitor database.
#   start  does nothing if 127.0.0.1:8086 already answers; else installs
#          the package if missing, starts influxd in the background, waits
#          (max 60 s).
#   stop   stops only the influxd that start started, and removes its data.
set -euo pipefail
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"
state=/tmp/tskit-influxdb
answers() { (exec 3<>/dev/tcp/127.0.0.1/8086) 2>/dev/null; }

case "${1:-}" in
start)
  if answers; then echo "influxdb: already answering on 127.0.0.1:8086"; exit 0; fi
  if ! command -v influxd >/dev/null; then
    flock /tmp/apt.lock apt-get install -y --no-install-recommends influxdb >/dev/null
  fi
  rm -rf "$state" && mkdir -p "$state"
  cat >"$state/influxdb.conf" <<CONF
reporting-disabled = true
bind-address = "127.0.0.1:8088"
[meta]
  dir = "$state/meta"
[data]
  dir = "$state/data"
  wal-dir = "$state/wal"
  query-log-enabled = false
[monitor]
  store-enabled = false
[http]
  bind-address = "127.0.0.1:8086"
  log-enabled = false
CONF
  nohup influxd run -config "$state/influxdb.conf" >"$state/log" 2>&1 &
  echo $! >"$state/pid"
  started influxdb "127.0.0.1:8086" "$state/log"
  ;;
stop)
  stop_started influxdb "$state"
  ;;
*)
  echo "usage: $0 start|stop" >&2
  exit 2
  ;;
esac
