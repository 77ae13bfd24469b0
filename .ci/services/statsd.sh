#!/usr/bin/env bash
# Etsy's StatsD daemon (npm package statsd 0.9.0; Debian has no statsd server
# package) for the metrics tests (test/kit/metrics-statsd.test.ts): UDP on
# 127.0.0.1:8125, management interface (TCP) on 127.0.0.1:8126, from which the
# tests read what arrived ("counters", "timers") and delete what they sent.
# It flushes hourly, to the console backend only, so what a test sends stays
# readable until it deletes it. The package is installed once, outside the
# project tree, into /tmp/tskit-statsd-pkg (optional native deps omitted).
#   start  does nothing if 127.0.0.1:8126 already answers; else installs the
#          package if missing, starts the daemon in the background, waits
#          (max 60 s).
#   stop   stops only the daemon that start started, and removes its state.
set -euo pipefail
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"
state=/tmp/tskit-statsd
pkg=/tmp/tskit-statsd-pkg
answers() { (exec 3<>/dev/tcp/127.0.0.1/8126) 2>/dev/null; }

case "${1:-}" in
start)
  if answers; then echo "statsd: already answering on 127.0.0.1:8126"; exit 0; fi
  if [ ! -f "$pkg/node_modules/statsd/stats.js" ]; then
    mkdir -p "$pkg"
    npm install --prefix "$pkg" --no-save --no-audit --no-fund --omit=optional statsd@0.9.0 >/dev/null
  fi
  rm -rf "$state" && mkdir -p "$state"
  cat >"$state/config.js" <<CONF
{
  address: "127.0.0.1",
  port: 8125,
  mgmt_address: "127.0.0.1",
  mgmt_port: 8126,
  flushInterval: 3600000,
  backends: ["./backends/console"],
  title: false
}
CONF
  nohup node "$pkg/node_modules/statsd/stats.js" "$state/config.js" >"$state/log" 2>&1 &
  echo $! >"$state/pid"
  started statsd "127.0.0.1:8125/udp, management on 127.0.0.1:8126" "$state/log"
  ;;
stop)
  stop_started statsd "$state"
  ;;
*)
  echo "usage: $0 start|stop" >&2
  exit 2
  ;;
esac
