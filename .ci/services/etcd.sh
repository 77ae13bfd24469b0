#!/usr/bin/env bash
# etcd v3 for the sd tests (test/kit/sd-etcd.test.ts): Debian's etcd-server,
# started directly (no systemd), bound to 127.0.0.1 (client 2379, peer 2380),
# data in a temp dir under /tmp.
#   start  does nothing if 127.0.0.1:2379 already answers; else installs the
#          package if missing, starts etcd in the background, waits (max 60 s).
#   stop   stops only the etcd that start started, and removes its data.
set -euo pipefail
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"
state=/tmp/tskit-etcd
answers() { (exec 3<>/dev/tcp/127.0.0.1/2379) 2>/dev/null; }

case "${1:-}" in
start)
  if answers; then echo "etcd: already answering on 127.0.0.1:2379"; exit 0; fi
  if ! command -v etcd >/dev/null; then
    flock /tmp/apt.lock apt-get install -y --no-install-recommends etcd-server >/dev/null
  fi
  rm -rf "$state" && mkdir -p "$state"
  # ETCD_UNSUPPORTED_ARCH is not needed on amd64; the unsafe flag skips fsync (test data only).
  nohup etcd --name tskit-ci --data-dir "$state/data" \
    --listen-client-urls http://127.0.0.1:2379 --advertise-client-urls http://127.0.0.1:2379 \
    --listen-peer-urls http://127.0.0.1:2380 --initial-advertise-peer-urls http://127.0.0.1:2380 \
    --initial-cluster tskit-ci=http://127.0.0.1:2380 --unsafe-no-fsync --logger zap \
    >"$state/log" 2>&1 &
  echo $! >"$state/pid"
  started etcd "127.0.0.1:2379" "$state/log"
  ;;
stop)
  stop_started etcd "$state"
  ;;
*)
  echo "usage: $0 start|stop" >&2
  exit 2
  ;;
esac
