# What every .ci/services/<name>.sh shares: waiting for the server it started
# to answer, and stopping only the process it started. Sourced, not run.
#   started NAME WHAT LOG   waits up to 60 s for the script's answers(), reports
#                           "NAME: started on WHAT (pid …)", or the log's tail and exit 1
#   stop_started NAME STATE stops the process whose pid STATE/pid holds, then removes STATE

started() {
  local name=$1 what=$2 log=$3
  for _ in $(seq 1 120); do
    if answers; then echo "$name: started on $what (pid $(cat "$state/pid"))"; exit 0; fi
    sleep 0.5
  done
  echo "$name: did not answer on $what within 60 s; log:" >&2
  tail -20 "$log" >&2
  exit 1
}

stop_started() {
  local name=$1 dir=$2
  if [ -f "$dir/pid" ]; then
    local pid
    pid=$(cat "$dir/pid")
    kill "$pid" 2>/dev/null || true
    for _ in $(seq 1 40); do kill -0 "$pid" 2>/dev/null || break; sleep 0.25; done
    kill -9 "$pid" 2>/dev/null || true
    rm -rf "$dir"
    echo "$name: stopped"
  fi
}
