#!/usr/bin/env bash
# Scale-out with ClickHouse (Debian's clickhouse-server 18.16): a cluster of two shards (two
# servers on loopback, each with its own data directory and ports, both defining the cluster
# `siphon`), two `siphon serve` collectors writing their own shard's tables with
# clickhouse_cluster = "siphon" (Distributed tables <table>_all over both), and then:
#   - a B2BUA call whose A leg went through collector A (shard 1) and whose B leg (X-CID: the A
#     leg) went through collector B (shard 2): `siphon flow` against either server shows both
#     legs, and `siphon search --call-id` finds each leg from either server;
#   - a load through each collector: every message is on its shard, and a search over the
#     cluster counts them all;
#   - shard 2 stops under collector B: B spools, /health says so; shard 2 comes back: every
#     message is stored once;
#   - ClickHouse stores a batch and its answer is lost (a proxy resets the connection): the
#     collector spools the batch as failed, finds it stored when it replays, stores it once;
#   - retention_days = 3 on a collector: messages from ten days ago are dropped (whole day
#     partitions, as 18.16 has no TTL), today's stay;
#   - every column of every row of the check set, read back from the cluster, is what was sent.
#
# Usage: clickhouse_cluster_test.sh SIPHON_BINARY HEP_LOAD_BINARY
# Installs clickhouse-server with apt when missing (root). Every process is stopped by PID;
# every wait is bounded; loopback only. Exit 77 (skipped) when ClickHouse cannot be had.
set -u

SIPHON=$(realpath "${1:?usage: $0 SIPHON_BINARY HEP_LOAD_BINARY}")
LOAD=$(realpath "${2:?usage: $0 SIPHON_BINARY HEP_LOAD_BINARY}")
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
TMP=$(mktemp -d /tmp/siphon-ch-it.XXXXXX)
PIDS=()
failures=0

fail() { echo "FAIL: $*"; failures=$((failures + 1)); }
stop_pid() {  # stop_pid PID: TERM, wait up to 20 s, then KILL
  kill -TERM "$1" 2>/dev/null
  for _ in $(seq 200); do kill -0 "$1" 2>/dev/null || break; sleep 0.1; done
  kill -KILL "$1" 2>/dev/null
  wait "$1" 2>/dev/null
  return 0
}
cleanup() {
  local i
  for ((i = ${#PIDS[@]} - 1; i >= 0; i--)); do stop_pid "${PIDS[$i]}"; done
  if [ "$failures" -ne 0 ] || [ "${KEEP:-0}" = 1 ]; then echo "clickhouse_cluster: work directory kept: $TMP"; else rm -rf "$TMP"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

if ! command -v clickhouse-server >/dev/null 2>&1; then
  if [ "$(id -u)" != 0 ]; then echo "SKIP: clickhouse-server is not installed and we are not root"; exit 77; fi
  policy=0
  if [ ! -e /usr/sbin/policy-rc.d ]; then
    printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d && chmod +x /usr/sbin/policy-rc.d && policy=1
  fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends clickhouse-server >"$TMP/apt.log" 2>&1 ||
    { apt-get update -qq >>"$TMP/apt.log" 2>&1; DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends clickhouse-server >>"$TMP/apt.log" 2>&1; }
  [ "$policy" = 1 ] && rm -f /usr/sbin/policy-rc.d
  command -v clickhouse-server >/dev/null 2>&1 || { echo "SKIP: could not install clickhouse-server: $(tail -3 "$TMP/apt.log")"; exit 77; }
fi

read -r H1 T1 I1 H2 T2 I2 PA HA PB HB PC HC PD HD PX < <(python3 "$HERE/peers/siptrace_check.py" free-ports 15)
declare -A CH_PID
ch_start() {  # ch_start N HTTP TCP INTERSERVER
  local dir=$TMP/ch$1
  [ -f "$dir/config.xml" ] || python3 "$HERE/peers/clickhouse_config.py" "$dir" "$2" "$3" "$4" "$T1" "$T2" ||
    { fail "config of server $1"; return 1; }
  clickhouse-server --config-file="$dir/config.xml" >"$dir/stdout" 2>&1 &
  CH_PID[$1]=$!
  PIDS+=($!)
  for _ in $(seq 300); do
    [ "$(curl -s "http://127.0.0.1:$2/?query=SELECT%201" 2>/dev/null)" = 1 ] && return 0
    kill -0 "${CH_PID[$1]}" 2>/dev/null || break
    sleep 0.1
  done
  fail "clickhouse server $1 did not start: $(tail -5 "$dir/log/server.err.log" "$dir/stdout" 2>/dev/null)"
  return 1
}
chq() { curl -s "http://127.0.0.1:$1/?database=siphon" --data-binary "$2"; }  # chq HTTP SQL
ch_start 1 "$H1" "$T1" "$I1" || exit 1
ch_start 2 "$H2" "$T2" "$I2" || exit 1
for h in "$H1" "$H2"; do curl -s "http://127.0.0.1:$h/" --data-binary "CREATE DATABASE IF NOT EXISTS siphon" >/dev/null; done
echo "clickhouse_cluster: ClickHouse $(chq "$H1" "SELECT version()") x2, shards on tcp $T1 and $T2"

declare -A SERVE_PID
stat() {  # stat HTTP KEY
  timeout 5 "$SIPHON" ctl --api "http://127.0.0.1:$1" stats --format json 2>/dev/null | python3 -c '
import json, sys
v = json.load(sys.stdin)
for k in sys.argv[1].split("."):
    v = v.get(k, 0) if isinstance(v, dict) else 0
print(v)' "$2" 2>/dev/null || echo -1
}
wait_stat() {  # wait_stat HTTP KEY VALUE SECONDS
  local v
  for _ in $(seq $(($4 * 10))); do
    v=$(stat "$1" "$2")
    [ "$v" = "$3" ] && return 0
    sleep 0.1
  done
  fail "collector on $1: $2 is $v after $4 s, want $3"
  return 1
}
serve_start() {  # serve_start NAME UDP HTTP CH_HTTP [MORE-TOML]
  cat >"$TMP/$1.toml" <<TOML
listen = ["udp:127.0.0.1:$2"]
http = "127.0.0.1:$3"
db_url = "clickhouse://127.0.0.1:$4/${DB:-siphon}"
clickhouse_cluster = "siphon"
spool_dir = "$TMP/spool-${SPOOL:-$1}"
${5:-}
TOML
  timeout 200 "$SIPHON" serve -c "$TMP/$1.toml" >"$TMP/$1.out" 2>"$TMP/$1.err" &
  SERVE_PID[$1]=$!
  PIDS+=($!)
  for _ in $(seq 100); do
    grep -q '^http on' "$TMP/$1.out" 2>/dev/null && return 0
    kill -0 "${SERVE_PID[$1]}" 2>/dev/null || break
    sleep 0.1
  done
  fail "collector $1 did not start: $(cat "$TMP/$1.out" "$TMP/$1.err")"
  return 1
}
serve_start a "$PA" "$HA" "$H1" || exit 1
serve_start b "$PB" "$HB" "$H2" || exit 1

# ---- 1. a B2BUA call across shards ------------------------------------------------------------
NOW=$(date +%s)
python3 - "$HERE/peers" "$PA" "$PB" "$NOW" "$TMP/expected.json" <<'PY'
import json, socket, sys
sys.path.insert(0, sys.argv[1])
from postgres_check import hep3
pa, pb, now, out = int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), sys.argv[5]
sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
def sip(start, cid, cseq, extra=""):
    return ("%s\r\nVia: SIP/2.0/UDP 10.9.0.1:5060;branch=z9hG4bK%d\r\nFrom: <sip:alice@ch.example>;tag=a\r\n"
            "To: <sip:bob@ch.example>\r\nCall-ID: %s\r\nCSeq: %s\r\n%sContent-Length: 0\r\n\r\n"
            % (start, hash((start, cid, cseq)) & 0xffff, cid, cseq, extra)).encode()
a_leg, b_leg = "leg-a-%d@ch.example" % now, "leg-b-%d@ch.example" % now
legs = [
    (pa, sip("INVITE sip:bob@b2bua SIP/2.0", a_leg, "1 INVITE")),
    (pb, sip("INVITE sip:bob@10.9.0.3 SIP/2.0", b_leg, "1 INVITE", "X-CID: %s\r\n" % a_leg)),
    (pb, sip("SIP/2.0 200 OK", b_leg, "1 INVITE", "X-CID: %s\r\n" % a_leg)),
    (pa, sip("SIP/2.0 200 OK", a_leg, "1 INVITE")),
]
for i, (port, msg) in enumerate(legs):
    sock.sendto(hep3(msg, now, 1000 + i), ("127.0.0.1", port))
json.dump({"a_leg": a_leg, "b_leg": b_leg}, open(out, "w"))
PY
wait_stat "$HA" stored 2 20
wait_stat "$HB" stored 2 20
A_LEG=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["a_leg"])' "$TMP/expected.json")
B_LEG=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["b_leg"])' "$TMP/expected.json")
[ "$(chq "$H1" "SELECT count() FROM sip_capture WHERE callid = '$A_LEG'")" = 2 ] || fail "the A leg is not on shard 1"
[ "$(chq "$H2" "SELECT count() FROM sip_capture WHERE callid = '$B_LEG'")" = 2 ] || fail "the B leg is not on shard 2"
for h in "$H1" "$H2"; do
  "$SIPHON" flow --db "clickhouse://127.0.0.1:$h/siphon" --call-id "$A_LEG" --format text >"$TMP/flow_$h.txt" 2>"$TMP/flow_$h.err" ||
    fail "flow from server :$h: $(cat "$TMP/flow_$h.err")"
  grep -q "4 message(s).*2 leg(s)" "$TMP/flow_$h.txt" || fail "flow from server :$h: $(head -3 "$TMP/flow_$h.txt")"
  for leg in "$A_LEG" "$B_LEG"; do
    n=$("$SIPHON" search --db "clickhouse://127.0.0.1:$h/siphon" --call-id "$leg" --format jsonl 2>"$TMP/s.err" | wc -l)
    [ "$n" = 2 ] || fail "search --call-id $leg from server :$h: $n records ($(cat "$TMP/s.err"))"
  done
done
cmp -s "$TMP/flow_$H1.txt" "$TMP/flow_$H2.txt" || fail "the flow differs between the servers"
# The HTTP API of collector A over the cluster: the B leg (on shard 2) by search, and by its id.
python3 - "http://127.0.0.1:$HA" "$B_LEG" <<'PY' || failures=$((failures + 1))
import json, sys, urllib.parse, urllib.request
api, leg = sys.argv[1], sys.argv[2]
body = json.load(urllib.request.urlopen(api + "/api/v1/search?" + urllib.parse.urlencode({"call_id": leg, "since": "-1h"})))
recs = body.get("records", [])
bad = [] if len(recs) == 2 else ["search: %d records of the B leg, want 2" % len(recs)]
for r in recs:
    m = json.load(urllib.request.urlopen(api + "/api/v1/message/" + urllib.parse.quote(r.get("id", ""))))
    if m.get("callid") != leg or m.get("micro_ts") != r.get("micro_ts") or "X-CID" not in m.get("msg", ""):
        bad.append("message %s: %s" % (r.get("id"), m))
call = json.load(urllib.request.urlopen(api + "/api/v1/call?" + urllib.parse.urlencode({"call_id": leg})))
if len(call.get("legs", [])) != 2:
    bad.append("call: %s" % call.get("legs"))
for b in bad: print("FAIL: API over ClickHouse: " + b)
sys.exit(1 if bad else 0)
PY
# The dashboard's statistics over the cluster (the Distributed tables), counted by ClickHouse.
python3 "$HERE/peers/stats_api_check.py" "http://127.0.0.1:$HA" 2000-01-01T00:00:00Z 2030-01-01T00:00:00Z ||
  failures=$((failures + 1))

# ---- 2. a load through each collector: each shard holds its part, the cluster all --------------
N=20000
"$LOAD" --target "udp:127.0.0.1:$PA" --count "$N" --rate 20000 --max-seconds 30 --run-id "cha$$" >"$TMP/load_a.json" ||
  fail "load through A"
"$LOAD" --target "udp:127.0.0.1:$PB" --count "$N" --rate 20000 --max-seconds 30 --run-id "chb$$" >"$TMP/load_b.json" ||
  fail "load through B"
wait_stat "$HA" stored $((N + 2)) 60
wait_stat "$HB" stored $((N + 2)) 60
s1=$(chq "$H1" "SELECT count() FROM sip_capture"); s2=$(chq "$H2" "SELECT count() FROM sip_capture")
all=$(chq "$H1" "SELECT count() FROM sip_capture_all")
[ "$s1" = $((N + 2)) ] && [ "$s2" = $((N + 2)) ] && [ "$all" = $((2 * N + 4)) ] ||
  fail "rows: shard 1 $s1, shard 2 $s2, cluster $all; want $((N + 2)) each, $((2 * N + 4)) in all"
n=$("$SIPHON" search --db "clickhouse://127.0.0.1:$H2/siphon" --since -1h --limit 100000 --format jsonl | wc -l)
[ "$n" = $((2 * N + 4)) ] || fail "search over the cluster from server 2: $n records, want $((2 * N + 4))"
echo "clickhouse_cluster: shard 1 $s1 rows, shard 2 $s2, the cluster $all"

# ---- 3. shard 2 is killed mid-stream, then collector B while it spools ---------------------------
# 6,000 messages at 3,000/s through B; shard 2 gets SIGKILL a second into them. Once B has
# stored or spooled everything it received, B gets SIGKILL. Shard 2 and a new B start: the spool
# is replayed and shard 2 holds every message B received, once.
"$LOAD" --target "udp:127.0.0.1:$PB" --count 6000 --rate 3000 --max-seconds 30 --run-id "chc$$" >"$TMP/load_c.json" &
LOAD_PID=$!
sleep 1
kill -KILL "${CH_PID[2]}"; wait "${CH_PID[2]}" 2>/dev/null
wait "$LOAD_PID"
received=0
for _ in $(seq 300); do
  received=$(stat "$HB" received); handled=$(( $(stat "$HB" stored) + $(stat "$HB" spool_records) ))
  [ "$received" -gt 0 ] && [ "$handled" = "$received" ] && break
  sleep 0.1
done
spooled=$(stat "$HB" spool_records)
[ "$spooled" -gt 0 ] && [ "$(stat "$HB" dropped)" = 0 ] ||
  fail "collector B before its kill: received $received, stored $(stat "$HB" stored), spooled $spooled, dropped $(stat "$HB" dropped)"
curl -s "http://127.0.0.1:$HB/health" | grep -q '"state":"spooling"' || fail "/health of B: $(curl -s "http://127.0.0.1:$HB/health")"
pkill -KILL -P "${SERVE_PID[b]}"; wait "${SERVE_PID[b]}" 2>/dev/null  # timeout(1)'s child
ch_start 2 "$H2" "$T2" "$I2" || exit 1
SPOOL=b serve_start b2 "$PB" "$HB" "$H2" || exit 1
wait_stat "$HB" stored "$spooled" 90
rows=$(chq "$H2" "SELECT count() FROM sip_capture"); twice=$(chq "$H2" "SELECT count() - uniqExact(callid, micro_ts, msg) FROM sip_capture")
[ "$rows" = "$received" ] && [ "$twice" = 0 ] ||
  fail "shard 2 after the kills: $rows rows, $twice twice; want the $received collector B received, once each"
echo "clickhouse_cluster: shard 2 killed mid-stream: B received $received, $spooled spooled across its own SIGKILL, all stored once"

# ---- 3b. an answer lost: ClickHouse stores a batch, the collector never hears so ----------------
# A proxy in front of shard 1 resets the collector's connection once the answer to its first
# sip_capture INSERT comes back. The batch is in doubt: spooled as failed, it must be found
# stored when replayed (already_stored), not stored twice.
chq "$H1" "CREATE DATABASE IF NOT EXISTS doubt" >/dev/null
python3 "$HERE/peers/lost_answer_proxy.py" "$PX" "$H1" 'INSERT%20INTO%20%60sip_capture%60' >"$TMP/proxy.out" 2>&1 &
PIDS+=($!)
for _ in $(seq 50); do grep -q ready "$TMP/proxy.out" && break; sleep 0.1; done
DB=doubt serve_start d "$PD" "$HD" "$PX" || exit 1
"$LOAD" --target "udp:127.0.0.1:$PD" --count 2000 --rate 2000 --max-seconds 30 --run-id "chd$$" >"$TMP/load_d.json" ||
  fail "load through D"
received=$(stat "$HD" received)
wait_stat "$HD" stored "$received" 30
rows=$(curl -s "http://127.0.0.1:$H1/?database=doubt" --data-binary "SELECT count() FROM sip_capture")
twice=$(curl -s "http://127.0.0.1:$H1/?database=doubt" --data-binary "SELECT count() - uniqExact(callid, micro_ts, msg) FROM sip_capture")
found=$(timeout 5 "$SIPHON" ctl --api "http://127.0.0.1:$HD" stats --format json | python3 -c '
import json, sys
print(sum(s.get("counts", {}).get("already_stored", 0) for s in json.load(sys.stdin).get("stages", [])))')
grep -q lost "$TMP/proxy.out" || fail "the proxy lost no answer: $(cat "$TMP/proxy.out")"
grep -q "insert into sip_capture" "$TMP/d.err" || fail "collector D saw no failure: $(cat "$TMP/d.err")"
[ "$rows" = "$received" ] && [ "$twice" = 0 ] && [ "$found" -gt 0 ] ||
  fail "answer lost: $rows rows, $twice twice, $found found stored; want the $received collector D received, once each"
echo "clickhouse_cluster: an INSERT's answer lost: D received $received, $found found stored on replay, all stored once"

# ---- 4. retention_days: whole day partitions older than that go --------------------------------
serve_start c "$PC" "$HC" "$H1" "retention_days = 3" || exit 1
python3 - "$HERE/peers" "$PC" "$NOW" <<'PY'
import socket, sys
sys.path.insert(0, sys.argv[1])
from postgres_check import hep3, invite
port, now = int(sys.argv[2]), int(sys.argv[3])
sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
for i in range(100):
    callid, msg = invite("ret-%s" % ("old" if i % 2 else "new"), i)
    sock.sendto(hep3(msg, now - 10 * 86400 if i % 2 else now, i), ("127.0.0.1", port))
PY
wait_stat "$HC" stored 100 30
for _ in $(seq 100); do
  [ "$(chq "$H1" "SELECT count() FROM sip_capture WHERE callid LIKE 'ret-old-%'")" = 0 ] && break
  sleep 0.1
done
old=$(chq "$H1" "SELECT count() FROM sip_capture WHERE callid LIKE 'ret-old-%'")
new=$(chq "$H1" "SELECT count() FROM sip_capture WHERE callid LIKE 'ret-new-%'")
[ "$old" = 0 ] && [ "$new" = 50 ] || fail "retention: $old rows from 10 days ago left (want 0), $new of today (want 50)"
grep -q 'retention: dropped' "$TMP/c.err" || fail "collector C did not say what retention dropped: $(cat "$TMP/c.err")"

# ---- 5. columns read back from the cluster ----------------------------------------------------
n=$("$SIPHON" search --db "clickhouse://127.0.0.1:$H1/siphon" --call-id "$B_LEG" --format jsonl | python3 -c '
import json, sys
rows = [json.loads(l) for l in sys.stdin if l.strip()]
bad = [r for r in rows if r.get("source_ip") != "10.1.0.1" or r.get("destination_port") != 5080 or
       r.get("capture_id") != 2001 or r.get("callid_aleg", "").startswith("leg-a-") is False or
       "X-CID" not in r.get("msg", "")]
print(len(rows) - len(bad))')
[ "$n" = 2 ] || fail "B leg's columns from the cluster: $n of 2 rows right"

for c in a b2 c; do
  [ -n "${SERVE_PID[$c]:-}" ] && stop_pid "${SERVE_PID[$c]}"
  grep -q '^serve: received' "$TMP/$c.err" || fail "collector $c did not stop cleanly: $(tail -3 "$TMP/$c.err")"
done
if [ "$failures" -eq 0 ]; then echo "clickhouse_cluster: all checks passed"; exit 0; fi
echo "clickhouse_cluster: $failures failure(s)"
exit 1
