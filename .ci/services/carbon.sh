#!/usr/bin/env bash
# Graphite's carbon-cache for the metrics tests (test/kit/metrics-graphite.test.ts):
# Debian's graphite-carbon, run directly (no systemd) with a conf dir in a temp
# dir: plaintext line receiver on 127.0.0.1:2003, pickle and cache-query
# receivers on 127.0.0.1 too, whisper files under /tmp/tskit-carbon/storage/whisper
# (the tests read them with python3-whisper's whisper-fetch). Every metric is
# kept at 1-second resolution for an hour, and files are created and updated
# without carbon's default rate limits, so a test sees its points at once.
#   start  does nothing if 127.0.0.1:2003 already answers; else installs the
#          package if missing, starts carbon-cache in the background, waits
#          (max 60 s).
#   stop   stops only the carbon-cache that start started, and removes its data.
set -euo pipefail
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"
state=/tmp/tskit-carbon
answers() { (exec 3<>/dev/tcp/127.0.0.1/2003) 2>/dev/null; }

case "${1:-}" in
start)
  if answers; then echo "carbon: already answering on 127.0.0.1:2003"; exit 0; fi
  if ! command -v carbon-cache >/dev/null; then
    flock /tmp/apt.lock apt-get install -y --no-install-recommends graphite-carbon >/dev/null
  fi
  rm -rf "$state" && mkdir -p "$state/conf" "$state/storage/whisper" "$state/log"
  cat >"$state/conf/carbon.conf" <<CONF
[cache]
STORAGE_DIR = $state/storage/
LOCAL_DATA_DIR = $state/storage/whisper/
CONF_DIR = $state/conf/
LOG_DIR = $state/log/
PID_DIR = $state/
DATABASE = whisper
ENABLE_LOGROTATION = False
MAX_CACHE_SIZE = inf
MAX_UPDATES_PER_SECOND = inf
MAX_CREATES_PER_MINUTE = inf
LINE_RECEIVER_INTERFACE = 127.0.0.1
LINE_RECEIVER_PORT = 2003
ENABLE_UDP_LISTENER = False
PICKLE_RECEIVER_INTERFACE = 127.0.0.1
PICKLE_RECEIVER_PORT = 2004
CACHE_QUERY_INTERFACE = 127.0.0.1
CACHE_QUERY_PORT = 7002
LOG_LISTENER_CONN_SUCCESS = False
WHISPER_AUTOFLUSH = True
CONF
  cat >"$state/conf/storage-schemas.conf" <<CONF
[default]
pattern = .*
retentions = 1s:1h
CONF
  cat >"$state/conf/storage-aggregation.conf" <<CONF
[default]
pattern = .*
xFilesFactor = 0
aggregationMethod = average
CONF
  nohup carbon-cache --config="$state/conf/carbon.conf" --pidfile="$state/carbon.pid" --nodaemon start \
    >"$state/log/console.log" 2>&1 &
  echo $! >"$state/pid"
  started carbon "127.0.0.1:2003" "$state/log/console.log"
  ;;
stop)
  stop_started carbon "$state"
  ;;
*)
  echo "usage: $0 start|stop" >&2
  exit 2
  ;;
esac
