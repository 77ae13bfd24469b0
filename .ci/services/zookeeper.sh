#!/usr/bin/env bash
# ZooKeeper for the sd tests (test/kit/sd-zookeeper.test.ts): Debian's
# zookeeper package, run directly with java in standalone mode (no systemd),
# client port 127.0.0.1:2181, admin HTTP server off, data in a temp dir.
#   start  does nothing if 127.0.0.1:2181 already answers; else installs the
#          package if missing, starts the server in the background, waits (max 60 s).
#   stop   stops only the server that start started, and removes its data.
set -euo pipefail
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"
state=/tmp/tskit-zookeeper
jar=/usr/share/java/zookeeper.jar
answers() { (exec 3<>/dev/tcp/127.0.0.1/2181) 2>/dev/null; }

case "${1:-}" in
start)
  if answers; then echo "zookeeper: already answering on 127.0.0.1:2181"; exit 0; fi
  if [ ! -f "$jar" ] || ! command -v java >/dev/null; then
    flock /tmp/apt.lock apt-get install -y --no-install-recommends zookeeper default-jre-headless >/dev/null
  fi
  rm -rf "$state" && mkdir -p "$state/data"
  cat >"$state/zoo.cfg" <<CFG
tickTime=500
minSessionTimeout=1000
dataDir=$state/data
clientPort=2181
clientPortAddress=127.0.0.1
admin.enableServer=false
4lw.commands.whitelist=ruok,stat
CFG
  # The jar's manifest names its dependencies (netty, slf4j, …) in /usr/share/java.
  nohup java -Xmx256m -Dzookeeper.jmx.log4j.disable=true -cp "$jar" \
    org.apache.zookeeper.server.ZooKeeperServerMain "$state/zoo.cfg" >"$state/log" 2>&1 &
  echo $! >"$state/pid"
  started zookeeper "127.0.0.1:2181" "$state/log"
  ;;
stop)
  stop_started zookeeper "$state"
  ;;
*)
  echo "usage: $0 start|stop" >&2
  exit 2
  ;;
esac
