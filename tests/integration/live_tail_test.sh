#!/usr/bin/env bash
# The live tail end to end: a real `siphon serve`, three `siphon search --follow` viewers with
# different filters connected to its API (GET /api/v1/tail), then load-generator calls. Each
# viewer prints exactly the records the store holds for its filters (checked against
# `siphon search` of the same store afterwards), a viewer past the limit is refused (503), and
# stopping the collector ends the viewers cleanly.
#
# Usage: live_tail_test.sh SIPHON_BINARY LOADGEN_BINARY
# Every process is stopped by PID (trap); every wait is bounded; loopback only.
set -u

SIPHON=$(realpath "${1:?usage: $0 SIPHON_BINARY LOADGEN_BINARY}")
LOADGEN=$(realpath "${2:?usage: $0 SIPHON_BINARY LOADGEN_BINARY}")
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
TMP=$(mktemp -d /tmp/siphon-live-tail-it.XXXXXX)
SERVE_PID=""
FOLLOW_PIDS=()
failures=0

fail() { echo "FAIL: $*"; failures=$((failures + 1)); }
cleanup() {
  for pid in "${FOLLOW_PIDS[@]}" $SERVE_PID; do
    kill -TERM "$pid" 2>/dev/null
  done
  for pid in "${FOLLOW_PIDS[@]}" $SERVE_PID; do
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$pid" 2>/dev/null
  done
  if [ "$failures" -ne 0 ] || [ "${KEEP:-0}" = 1 ]; then echo "live_tail: work directory kept: $TMP"; else rm -rf "$TMP"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

read -r PORT HTTP < <(python3 "$HERE/peers/siptrace_check.py" free-ports 2)
API="http://127.0.0.1:$HTTP"
DB="sqlite:$TMP/it.db"
RUN=lt$$x$RANDOM
cat >"$TMP/siphon.toml" <<TOML
listen = ["udp:127.0.0.1:$PORT"]
db_url = "$DB"
http = "127.0.0.1:$HTTP"
TOML
timeout 120 "$SIPHON" serve -c "$TMP/siphon.toml" >"$TMP/serve.out" 2>"$TMP/serve.err" &
SERVE_PID=$!
for _ in $(seq 100); do
  grep -q '^http on' "$TMP/serve.out" 2>/dev/null && break
  kill -0 "$SERVE_PID" 2>/dev/null || break
  sleep 0.1
done
grep -q '^http on' "$TMP/serve.out" || { fail "serve did not start: $(cat "$TMP/serve.out" "$TMP/serve.err")"; exit 1; }

# ---- three viewers: every INVITE, every 200 reply, everything -------------------------------------
follow() {  # NAME ARGS...
  local name=$1
  shift
  timeout 60 "$SIPHON" search --follow --api "$API" --format jsonl "$@" >"$TMP/$name.jsonl" 2>"$TMP/$name.err" &
  FOLLOW_PIDS+=($!)
}
follow invites --method INVITE
follow ok --status 200
follow all
for name in invites ok all; do
  for _ in $(seq 100); do grep -q "following" "$TMP/$name.err" 2>/dev/null && break; sleep 0.05; done
  grep -q "following" "$TMP/$name.err" || fail "viewer $name did not connect: $(cat "$TMP/$name.err")"
done

# ---- traffic ------------------------------------------------------------------------------------------
timeout 60 "$LOADGEN" --target "udp:127.0.0.1:$PORT" --count 2000 --rate 4000 --run-id "$RUN" \
  --max-seconds 30 >"$TMP/load.json" 2>"$TMP/load.err" || fail "siphon-hep-load: exit $? ($(cat "$TMP/load.err"))"
for _ in $(seq 100); do
  [ "$(wc -l <"$TMP/all.jsonl")" -ge 2000 ] && break
  sleep 0.1
done

# ---- stop: the viewers end with the collector ---------------------------------------------------------
kill -TERM "$SERVE_PID"
wait "$SERVE_PID"; rc=$?; SERVE_PID=""
[ "$rc" = 0 ] || fail "serve exited $rc after SIGTERM"
for pid in "${FOLLOW_PIDS[@]}"; do
  wait "$pid"; rc=$?
  [ "$rc" = 0 ] || fail "a viewer exited $rc when the collector stopped"
done
FOLLOW_PIDS=()

# ---- each viewer saw exactly what the store holds for its filters --------------------------------------
compare() {  # NAME SEARCH-ARGS...
  local name=$1
  shift
  "$SIPHON" search --db "$DB" --since -1h --limit 100000 --format jsonl "$@" 2>/dev/null |
    jq -r '.callid + " " + (.micro_ts | tostring) + " " + .method' | sort >"$TMP/$name.stored"
  jq -r '.callid + " " + (.micro_ts | tostring) + " " + .method' "$TMP/$name.jsonl" | sort >"$TMP/$name.seen"
  local stored seen
  stored=$(wc -l <"$TMP/$name.stored")
  seen=$(wc -l <"$TMP/$name.seen")
  [ "$stored" -gt 0 ] || fail "$name: the store holds no record for its filters"
  cmp -s "$TMP/$name.stored" "$TMP/$name.seen" || fail "$name: the viewer saw $seen record(s), the store holds $stored for its filters"
  echo "live_tail: viewer '$name' ($*) saw $seen record(s) as they were stored; the store holds $stored"
}
compare invites --method INVITE
compare ok --status 200
compare all

# ---- the viewer limit: 16 (TailOptions::max_viewers) ----------------------------------------------------
timeout 60 "$SIPHON" serve -c "$TMP/siphon.toml" >"$TMP/serve2.out" 2>"$TMP/serve2.err" &
SERVE_PID=$!
for _ in $(seq 100); do grep -q '^http on' "$TMP/serve2.out" 2>/dev/null && break; sleep 0.1; done
for i in $(seq 16); do
  timeout 30 curl -sN "$API/api/v1/tail" >/dev/null 2>&1 &
  FOLLOW_PIDS+=($!)
done
for _ in $(seq 100); do  # until the 16 are connected (process start-up on a loaded machine)
  [ "$(ss -Htn state established "( sport = :$HTTP )" | wc -l)" -ge 16 ] && break
  sleep 0.1
done
sleep 0.5
code=$(curl -s -m 5 -o "$TMP/17th.json" -w '%{http_code}' "$API/api/v1/tail")
[ "$code" = 503 ] || fail "a 17th viewer got HTTP $code, want 503"
code=$(curl -s -m 5 -o /dev/null -w '%{http_code}' "$API/api/v1/stats")
[ "$code" = 200 ] || fail "with 16 viewers watching, /api/v1/stats answered $code"

if [ "$failures" -ne 0 ]; then
  echo "live_tail: $failures failure(s)"
  exit 1
fi
echo "live_tail: all checks passed"
exit 0
