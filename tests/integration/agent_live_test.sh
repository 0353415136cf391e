#!/usr/bin/env bash
# `siphon agent --interface` live: captures SIP on a veth pair in network namespaces this test
# creates (falls back to `lo` where namespaces cannot be made), sends it as HEP to a real
# `siphon serve`, and is driven with `siphon ctl trace off|on|check` and `ctl stats`; SIGTERM
# prints the summary. Every message sent while trace is on is stored; none while it is off.
# Then a [[trace]] rule on `interface` and `listen` with trace_to_database: the sip_trace rows
# have the direction the captured interface's own address gives, and lo's traffic no rule.
#
# Usage: agent_live_test.sh SIPHON_BINARY   (needs root: packet capture, namespaces)
set -u
SIPHON=$(realpath "$1")
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
TMP=$(mktemp -d /tmp/siphon-agent-live.XXXXXX)
NS=siphon-live-$$
SERVE_PID=""; AGENT_PID=""; failures=0
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }
cleanup() {
  for pid in $AGENT_PID $SERVE_PID; do
    kill -TERM "$pid" 2>/dev/null
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$pid" 2>/dev/null
  done
  ip netns del "$NS" 2>/dev/null
  ip link del "veth-$$" 2>/dev/null
  if [ "$failures" -ne 0 ]; then echo "agent_live: work directory kept: $TMP"; else rm -rf "$TMP"; fi
}
trap cleanup EXIT

# The capture side: veth-$$ (10.233.$(($$ % 200)).1) in our namespace, its peer in $NS (.2). SIP
# is sent from inside $NS to .1, so it crosses the veth where the agent captures.
NET=10.233.$(($$ % 200))
IF=lo; DST=127.0.0.1; SEND=()
if ip netns add "$NS" 2>/dev/null && ip link add "veth-$$" type veth peer name "vp-$$" netns "$NS" 2>/dev/null; then
  ip addr add "$NET.1/24" dev "veth-$$" && ip link set "veth-$$" up
  ip -n "$NS" addr add "$NET.2/24" dev "vp-$$" && ip -n "$NS" link set "vp-$$" up && ip -n "$NS" link set lo up
  IF=veth-$$; DST=$NET.1; SEND=(ip netns exec "$NS")
else
  echo "NOTE: cannot create a network namespace here; capturing on lo"
fi

read -r PORT HTTP AHTTP < <(python3 "$HERE/peers/siptrace_check.py" free-ports 3)
"$SIPHON" serve --listen "udp:127.0.0.1:$PORT" --db "sqlite:$TMP/c.db" --http "127.0.0.1:$HTTP" >"$TMP/serve.out" 2>&1 &
SERVE_PID=$!
"$SIPHON" agent --interface "$IF" --filter "udp port 5099" --hep "udp:127.0.0.1:$PORT" --node live1 \
  --http "127.0.0.1:$AHTTP" >"$TMP/agent.out" 2>"$TMP/agent.err" &
AGENT_PID=$!
for _ in $(seq 100); do grep -q "capturing" "$TMP/agent.out" 2>/dev/null && grep -q "listening on" "$TMP/serve.out" && break; sleep 0.1; done
grep -q "capturing" "$TMP/agent.out" || fail "agent did not start: $(cat "$TMP/agent.err")"

send() {  # send N TAG: N SIP OPTIONS to DST:5099 (plus 5 to port 5098, outside the filter)
  "${SEND[@]}" python3 - "$DST" "$1" "$2" <<'PY'
import socket, sys, time
dst, n, tag = sys.argv[1], int(sys.argv[2]), sys.argv[3]
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
for i in range(n):
    cid = f"{tag}-{i}@live.test"
    msg = (f"OPTIONS sip:probe@{dst}:5099 SIP/2.0\r\nVia: SIP/2.0/UDP 10.0.0.9:5060;branch=z9hG4bK{tag}{i}\r\n"
           f"From: <sip:{tag}@live.test>;tag=1\r\nTo: <sip:probe@live.test>\r\nCall-ID: {cid}\r\n"
           f"CSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n")
    s.sendto(msg.encode(), (dst, 5099))
    time.sleep(0.002)
for i in range(5):
    s.sendto(b"OPTIONS sip:x@y SIP/2.0\r\nCall-ID: other\r\n\r\n", (dst, 5098))
PY
}
ctl() { "$SIPHON" ctl --api "http://127.0.0.1:$AHTTP" "$@"; }
count() { "$SIPHON" ctl --api "http://127.0.0.1:$HTTP" stats --format json | python3 -c 'import json,sys; print(json.load(sys.stdin)["stored"])'; }
wait_count() { for _ in $(seq 100); do [ "$(count)" -ge "$1" ] && return 0; sleep 0.1; done; return 1; }

[ "$(ctl trace check)" = on ] || fail "trace check: want on"
send 50 on1
wait_count 50 || fail "trace on: stored $(count), want 50"
[ "$(ctl trace off)" = off ] || fail "trace off"
send 30 off
sleep 1
[ "$(count)" -eq 50 ] || fail "trace off: stored $(count), want still 50"
[ "$(ctl trace on)" = on ] || fail "trace on"
send 20 on2
wait_count 70 || fail "trace on again: stored $(count), want 70"
sleep 0.5
[ "$(count)" -eq 70 ] || fail "stored $(count), want exactly 70 (port 5098 is filtered out)"
ctl stats --format json >"$TMP/stats.json" || fail "ctl stats"
python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert d["relayed"] == 70 and d["dropped_by_reason"]["trace_off"] == 30, d' "$TMP/stats.json" ||
  fail "agent stats: $(cat "$TMP/stats.json")"
kill -TERM "$AGENT_PID"; wait "$AGENT_PID"; rc=$?; AGENT_PID=""
[ $rc -eq 0 ] || fail "agent exit status $rc"
grep -q "^agent: read [0-9]* packets, 100 records, sent 70," "$TMP/agent.err" || fail "summary: $(cat "$TMP/agent.err")"
n=$("$SIPHON" search --db "sqlite:$TMP/c.db" --node live1 --limit 1000 --format jsonl 2>/dev/null | grep -c '"method":"OPTIONS"')
[ "$n" -eq 70 ] || fail "search --node live1: $n, want 70"

# Tracing rules on live capture: `interface` takes what that interface captured, and without
# local_addresses the captured interfaces' own addresses give the sip_trace direction (the
# OPTIONS go to $DST, an address of $IF: "in"). With the veth, lo is captured too and what
# crosses it matches no rule.
IFS_ARGS=(--interface "$IF"); [ "$IF" != lo ] && IFS_ARGS+=(--interface lo)
cat >"$TMP/trace.toml" <<EOF
[[trace]]
interface = "$IF"
listen = "udp:$DST:5099"
correlation = "on-$IF"
EOF
"$SIPHON" agent -c "$TMP/trace.toml" "${IFS_ARGS[@]}" --filter "udp port 5099" --db "sqlite:$TMP/t.db" \
  >"$TMP/agent2.out" 2>"$TMP/agent2.err" &
AGENT_PID=$!
for _ in $(seq 100); do grep -q capturing "$TMP/agent2.out" 2>/dev/null && break; sleep 0.1; done
sleep 0.3
send 10 rule
if [ "$IF" != lo ]; then
  saved_dst=$DST saved_send=("${SEND[@]}"); DST=127.0.0.1 SEND=()
  send 4 onlo
  DST=$saved_dst SEND=("${saved_send[@]}")
fi
sleep 1
kill -TERM "$AGENT_PID"; wait "$AGENT_PID"; rc=$?; AGENT_PID=""
[ $rc -eq 0 ] || fail "traced agent exit status $rc: $(cat "$TMP/agent2.err")"
# The sip_trace view reads the blocks through the store's SQLite extension, beside the binary.
SQL=(sqlite3 -cmd ".load $(dirname "$SIPHON")/../store/siphon_sqlite" "$TMP/t.db")
rows=$("${SQL[@]}" "SELECT direction || ' ' || correlation_id FROM sip_trace WHERE callid LIKE 'rule-%'" | sort | uniq -c | sed 's/^ *//')
[ "$rows" = "10 in on-$IF" ] || fail "sip_trace rows of the interface rule: '$rows', want '10 in on-$IF'"
other=$("${SQL[@]}" "SELECT count(*) FROM sip_trace WHERE callid LIKE 'onlo-%'")
[ "$other" = 0 ] || fail "lo's messages: $other traced, want 0 (no rule takes them)"
if [ "$IF" != lo ]; then
  grep -q "no_rule: 4" "$TMP/agent2.err" || fail "summary should count lo's 4 as no_rule: $(cat "$TMP/agent2.err")"
fi

[ "$failures" -eq 0 ] && echo "agent_live_test: all checks passed ($IF)"
exit $((failures > 0))
