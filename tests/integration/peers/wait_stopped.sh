# Sourced by the database tests. wait_stopped PID...: returns 0 once every thread of every
# PID is stopped (state T), 1 after 5 s. SIGSTOP is delivered asynchronously, thread by
# thread: on a loaded machine a server once answered a query sent right after `kill -STOP`.
wait_stopped() {
  local states=""
  for _ in $(seq 100); do
    states=$(for pid in "$@"; do cat /proc/"$pid"/task/*/stat 2>/dev/null; done |
      sed 's/.*) //' | cut -c1 | sort -u | tr -d '\n')
    [ "$states" = "T" ] && return 0
    sleep 0.05
  done
  echo "wait_stopped: not every thread of $* stopped after 5 s (states '$states')" >&2
  return 1
}
