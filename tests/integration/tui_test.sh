#!/usr/bin/env bash
# `siphon tui` driven through tmux (send-keys, then capture-pane) in an 80x24 terminal, over a
# store that `siphon serve` filled with load-generator calls: the call list counts the stored
# calls, '/' filters it to one Call-ID, Enter opens its ladder with one arrow per message and
# the selected message below, Down steps to the next one, 'e' writes a pcap that tshark reads
# back, 'q' goes back and quits. Without a terminal it refuses (exit 2).
#
# Usage: tui_test.sh SIPHON_BINARY LOADGEN_BINARY
# Every process is stopped by PID or by the tmux server of its own socket; every wait is
# bounded; loopback only.
set -u

SIPHON=$(realpath "${1:?usage: $0 SIPHON_BINARY LOADGEN_BINARY}")
LOADGEN=$(realpath "${2:?usage: $0 SIPHON_BINARY LOADGEN_BINARY}")
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
TMP=$(mktemp -d /tmp/siphon-tui-it.XXXXXX)
SOCK="$TMP/tmux.sock"
SERVE_PID=""
failures=0

fail() { echo "FAIL: $*"; failures=$((failures + 1)); }
tm() { tmux -S "$SOCK" "$@"; }
cleanup() {
  tm kill-server 2>/dev/null
  if [ -n "$SERVE_PID" ]; then kill -KILL "$SERVE_PID" 2>/dev/null; fi
  if [ "$failures" -ne 0 ] || [ "${KEEP:-0}" = 1 ]; then echo "tui: work directory kept: $TMP"; else rm -rf "$TMP"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

command -v tmux >/dev/null || { echo "tui: tmux not installed"; exit 77; }
command -v tshark >/dev/null || { echo "tui: tshark not installed"; exit 77; }

# ---- a store with calls -----------------------------------------------------------------------------
read -r PORT < <(python3 "$HERE/peers/siptrace_check.py" free-ports 1)
DB="sqlite:$TMP/it.db"
RUN=tui$$x$RANDOM
store_load() {  # store_load NAME RUN-ID COUNT RATE: a collector stores that load into $DB, then stops
  timeout 60 "$SIPHON" serve --listen "udp:127.0.0.1:$PORT" --db "$DB" >"$TMP/$1.out" 2>"$TMP/$1.err" &
  SERVE_PID=$!
  for _ in $(seq 100); do grep -q "^listening on" "$TMP/$1.out" 2>/dev/null && break; sleep 0.1; done
  timeout 60 "$LOADGEN" --target "udp:127.0.0.1:$PORT" --count "$3" --rate "$4" --run-id "$2" --max-seconds 20 \
    >/dev/null 2>"$TMP/$1.load.err" || fail "siphon-hep-load ($1): $(cat "$TMP/$1.load.err")"
  sleep 0.5
  kill -TERM "$SERVE_PID"; wait "$SERVE_PID"; SERVE_PID=""
}
store_load serve "$RUN" 300 3000

"$SIPHON" search --db "$DB" --since -1h --limit 100000 --format jsonl 2>/dev/null >"$TMP/all.jsonl"
CALLS=$(jq -r .callid "$TMP/all.jsonl" | sort -u | wc -l)
# An INVITE call with all its 7 messages: the one the test opens.
CID=$(jq -r 'select(.method == "BYE") | .callid' "$TMP/all.jsonl" | head -1)
MSGS=$(jq -r --arg c "$CID" 'select(.callid == $c) | .callid' "$TMP/all.jsonl" | wc -l)
[ -n "$CID" ] && [ "$MSGS" -ge 5 ] || { fail "no complete INVITE call in the store ($CID: $MSGS)"; exit 1; }

# ---- not a terminal: refused ---------------------------------------------------------------------------
"$SIPHON" tui --db "$DB" </dev/null >/dev/null 2>"$TMP/notty.err"; rc=$?
[ "$rc" = 2 ] || fail "tui without a terminal exited $rc, want 2"

# ---- the terminal --------------------------------------------------------------------------------------
screen() { tm capture-pane -t tui -p; }
wait_for() {  # TEXT: until the screen shows it (5 s at most)
  for _ in $(seq 50); do screen | grep -qF -- "$1" && return 0; sleep 0.1; done
  return 1
}
tm new-session -d -s tui -x 80 -y 24 -c "$TMP" "$SIPHON tui --db $DB --since -1h; echo TUI-EXIT \$?; sleep 30"
wait_for "call(s)" || fail "the call list did not appear: $(screen)"
screen >"$TMP/list.txt"
head -1 "$TMP/list.txt" | grep -qF "$CALLS call(s)" || fail "the list header says '$(head -1 "$TMP/list.txt")', the store holds $CALLS calls"
grep -q "^Time (UTC) *From *To *Method *State *Msgs *Call-ID" "$TMP/list.txt" || fail "no column heads: $(sed -n 2p "$TMP/list.txt")"
[ "$(awk 'length > 80' "$TMP/list.txt" | wc -l)" = 0 ] || fail "lines wider than 80 columns"
grep -qE "COMPLETED|IN CALL" "$TMP/list.txt" || fail "no answered call in the list"

# '/' filter to the one Call-ID (typed), Enter keeps it
# Live: a collector stores more calls into the same store while the list shows; a refresh
# (every second, reading only what is new) adds them.
store_load serve2 "${RUN}b" 30 300
BEFORE=$CALLS
CALLS=$("$SIPHON" search --db "$DB" --since -1h --limit 100000 --format jsonl 2>/dev/null | jq -r .callid | sort -u | wc -l)
[ "$CALLS" -gt "$BEFORE" ] || fail "the second load stored no new call ($BEFORE, $CALLS)"
for _ in $(seq 100); do screen | head -1 | grep -qF "$CALLS call(s)" && break; sleep 0.1; done
screen | head -1 | grep -qF "$CALLS call(s)" || fail "the list did not grow from $BEFORE to $CALLS calls: $(screen | head -1)"

tm send-keys -t tui "/" && tm send-keys -t tui -l "$CID" && tm send-keys -t tui Enter
wait_for "1 call(s) of $CALLS" || fail "the filter did not narrow to one call: $(screen | head -3)"
screen | sed -n 3p | grep -qF "COMPLETED" || fail "the filtered call is not COMPLETED: $(screen | sed -n 3p)"

# Enter: the ladder
tm send-keys -t tui Enter
wait_for "Call $CID" || fail "Enter did not open the call: $(screen | head -3)"
screen >"$TMP/ladder.txt"
grep -qF "$MSGS message(s), 1 leg(s)" "$TMP/ladder.txt" || fail "ladder header: $(head -1 "$TMP/ladder.txt")"
arrows=$(grep -cE '^[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{3} .*(-->|<--|->\||\|<-)' "$TMP/ladder.txt")
[ "$arrows" = "$MSGS" ] || fail "the ladder draws $arrows arrows, the call has $MSGS messages"
grep -q "^INVITE sip:" "$TMP/ladder.txt" || fail "the INVITE is not printed under the ladder"
tm send-keys -t tui Down
wait_for "SIP/2.0 100" || fail "Down did not select the 100 Trying: $(screen | tail -12)"

# 'e': a pcap of the call, which tshark reads back
tm send-keys -t tui e
wait_for "exported $MSGS message(s)" || fail "export: $(screen | tail -1)"
pcap=$(ls "$TMP"/call-*.pcap 2>/dev/null | head -1)
[ -n "$pcap" ] || fail "no pcap written"
if [ -n "$pcap" ]; then
  n=$(tshark -r "$pcap" -Y sip -T fields -e sip.Call-ID 2>/dev/null | grep -cF "$CID")
  [ "$n" = "$MSGS" ] || fail "tshark reads $n SIP messages of the call in $pcap, want $MSGS"
fi

# q: back to the list, q: quit
tm send-keys -t tui q
wait_for "1 call(s) of $CALLS" || fail "q did not go back to the list"
tm send-keys -t tui q
wait_for "TUI-EXIT 0" || fail "q on the list did not quit cleanly: $(screen | tail -3)"

if [ "$failures" -ne 0 ]; then
  echo "tui: $failures failure(s)"
  exit 1
fi
echo "tui: the call list showed $BEFORE calls, then $CALLS as a collector stored more, the filter found $CID, its ladder drew $MSGS arrows, the pcap held $MSGS messages"
exit 0
