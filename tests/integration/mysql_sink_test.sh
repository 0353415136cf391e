#!/usr/bin/env bash
# `siphon serve` into a real MariaDB server (db_url = mysql://...): a throw-away server made here
# (mysql_install_db and mariadbd in a temp dir, loopback, a free port, a password login), HEPv3
# over UDP with SIP on two capture days (table_name with strftime), malformed SIP, RTCP and a
# vendor chunk; every row is checked column by column with the mariadb client, msg byte for byte.
# Then: search and flow over MySQL print what they print over the embedded store for the same
# capture; the server is stopped under a running collector (the batches wait in the spool) and
# started again (every record once); a collector stopped while the server is silent (SIGSTOP)
# spools and ends in seconds; the agent's trace_to_database writes Kamailio's sip_trace.
#
# Usage: mysql_sink_test.sh SIPHON_BINARY DATA_DIR
# Installs mariadb-server with apt when missing (needs root). Every process started here is
# stopped by PID (trap); every wait is bounded; loopback only. Exit 77 (skipped) without it.
set -u

SIPHON=$(realpath "${1:?usage: $0 SIPHON_BINARY DATA_DIR}")
DATA=$(realpath "${2:?usage: $0 SIPHON_BINARY DATA_DIR}")
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
. "$HERE/peers/wait_stopped.sh"
CHECK="$HERE/peers/postgres_check.py"
TMP=$(mktemp -d /tmp/siphon-mysql-it.XXXXXX)
SERVE_PID=""
DB_PID=""
failures=0

fail() { echo "FAIL: $*"; failures=$((failures + 1)); }
stop_pid() {  # stop_pid PID SIGNAL: signal, wait up to 20 s, then KILL
  kill -"$2" "$1" 2>/dev/null
  for _ in $(seq 200); do kill -0 "$1" 2>/dev/null || return 0; sleep 0.1; done
  kill -KILL "$1" 2>/dev/null
}
cleanup() {
  if [ -n "$SERVE_PID" ]; then stop_pid "$SERVE_PID" TERM; wait "$SERVE_PID" 2>/dev/null; fi
  if [ -n "$DB_PID" ]; then kill -CONT "$DB_PID" 2>/dev/null; stop_pid "$DB_PID" TERM; wait "$DB_PID" 2>/dev/null; fi
  if [ "$failures" -ne 0 ] || [ "${KEEP:-0}" = 1 ]; then echo "mysql_sink: work directory kept: $TMP"; else rm -rf "$TMP"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# ---- MariaDB: install if missing, never start the distribution's own server -------------------
if ! command -v mariadbd >/dev/null 2>&1 && [ ! -x /usr/sbin/mariadbd ]; then
  if [ "$(id -u)" != 0 ]; then echo "SKIP: mariadb-server is not installed and we are not root"; exit 77; fi
  policy=0
  if [ ! -e /usr/sbin/policy-rc.d ]; then
    printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d && chmod +x /usr/sbin/policy-rc.d && policy=1
  fi
  if ! DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends mariadb-server mariadb-client >"$TMP/apt.log" 2>&1; then
    apt-get update -qq >>"$TMP/apt.log" 2>&1
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends mariadb-server mariadb-client >>"$TMP/apt.log" 2>&1
  fi
  [ "$policy" = 1 ] && rm -f /usr/sbin/policy-rc.d
  command -v mariadbd >/dev/null 2>&1 || [ -x /usr/sbin/mariadbd ] ||
    { echo "SKIP: could not install mariadb-server: $(tail -3 "$TMP/apt.log")"; exit 77; }
fi
MARIADBD=$(command -v mariadbd || echo /usr/sbin/mariadbd)

read -r PORT HTTP DBPORT < <(python3 "$HERE/peers/siptrace_check.py" free-ports 3)
API="http://127.0.0.1:$HTTP"
RUN=my$$x$RANDOM
DBDIR=$TMP/db
SOCK=$TMP/mysqld.sock
mkdir -p "$DBDIR"
if ! mysql_install_db --no-defaults --datadir="$DBDIR" --user="$(id -un)" --auth-root-authentication-method=socket \
    >"$TMP/install_db.log" 2>&1; then
  fail "mysql_install_db: $(tail -5 "$TMP/install_db.log")"
  exit 1
fi
db_start() {
  "$MARIADBD" --no-defaults --datadir="$DBDIR" --socket="$SOCK" --port="$DBPORT" --bind-address=127.0.0.1 \
    --user="$(id -un)" --pid-file="$TMP/mysqld.pid" --log-error="$TMP/mysqld.err" --skip-log-bin \
    --innodb-buffer-pool-size=64M --innodb-log-file-size=48M >/dev/null 2>&1 &
  DB_PID=$!
  for _ in $(seq 300); do
    mariadb --no-defaults -S "$SOCK" -u root -e "SELECT 1" >/dev/null 2>&1 && return 0
    kill -0 "$DB_PID" 2>/dev/null || break
    sleep 0.1
  done
  fail "mariadbd did not start: $(tail -5 "$TMP/mysqld.err")"
  return 1
}
db_stop() {
  stop_pid "$DB_PID" TERM
  wait "$DB_PID" 2>/dev/null
  DB_PID=""
}
db_start || exit 1
ROOT=(timeout 30 mariadb --no-defaults -S "$SOCK" -u root)
"${ROOT[@]}" -e "CREATE DATABASE siphon_it; CREATE DATABASE siphon_trace; CREATE DATABASE siphon_ret;
  CREATE USER 'siphon'@'127.0.0.1' IDENTIFIED BY 'p@ss:w/rd';
  GRANT ALL ON siphon_it.* TO 'siphon'@'127.0.0.1'; GRANT ALL ON siphon_trace.* TO 'siphon'@'127.0.0.1';
  GRANT ALL ON siphon_ret.* TO 'siphon'@'127.0.0.1';" ||
  { fail "could not create the user and databases"; exit 1; }
MY=(timeout 30 mariadb --no-defaults -h 127.0.0.1 -P "$DBPORT" -u siphon -pp@ss:w/rd siphon_it)
DB_URL="mysql://siphon:p%40ss%3Aw%2Frd@127.0.0.1:$DBPORT/siphon_it"
log_version=$("${ROOT[@]}" -N -e "SELECT VERSION()")
echo "mysql_sink: MariaDB $log_version on 127.0.0.1:$DBPORT"

stat() {  # stat KEY: one counter from `siphon ctl stats --format json` (dotted path)
  timeout 5 "$SIPHON" ctl --api "$API" stats --format json 2>/dev/null | python3 -c '
import json, sys
v = json.load(sys.stdin)
for k in sys.argv[1].split("."):
    v = v.get(k, 0) if isinstance(v, dict) else 0
print(v)' "$1" 2>/dev/null || echo -1
}
stat_sink() {  # stat_sink COUNT: one count of the storage sink's stage
  timeout 5 "$SIPHON" ctl --api "$API" stats --format json 2>/dev/null | python3 -c '
import json, sys
print(sum(s["counts"].get(sys.argv[1], 0) for s in json.load(sys.stdin)["stages"] if s["kind"] == "sink"))' "$1" 2>/dev/null || echo -1
}
wait_stat() {  # wait_stat KEY VALUE SECONDS
  local i v
  for i in $(seq $(($3 * 10))); do
    v=$(stat "$1")
    [ "$v" = "$2" ] && return 0
    sleep 0.1
  done
  fail "stats $1 is $v after $3 s, want $2"
  return 1
}
serve_start() {  # serve_start NAME [MORE-TOML]
  cat >"$TMP/$1.toml" <<TOML
capture_node = "pgit"
table_name = "sip_capture_%Y%m%d"
listen = ["udp:127.0.0.1:$PORT"]
db_url = "$DB_URL"
http = "127.0.0.1:$HTTP"
spool_dir = "$TMP/spool"
${2:-}
TOML
  timeout 120 "$SIPHON" serve -c "$TMP/$1.toml" >"$TMP/$1.out" 2>"$TMP/$1.err" &
  SERVE_PID=$!
  for _ in $(seq 100); do
    grep -q '^http on' "$TMP/$1.out" 2>/dev/null && break
    kill -0 "$SERVE_PID" 2>/dev/null || break
    sleep 0.1
  done
  grep -q "^listening on udp:127.0.0.1:$PORT" "$TMP/$1.out" ||
    { fail "serve did not start: $(cat "$TMP/$1.out" "$TMP/$1.err")"; return 1; }
  grep -q "^storing into mysql://siphon:\*\*\*@127.0.0.1:$DBPORT/${DB_NAME:-siphon_it}" "$TMP/$1.out" ||
    fail "serve does not name the database with the password hidden: $(grep storing "$TMP/$1.out")"
  ! grep -q 'p%40ss\|p@ss' "$TMP/$1.out" "$TMP/$1.err" || fail "the password appears in serve's output"
}
serve_stop() {  # serve_stop NAME: SIGTERM, exit 0 within 20 s
  kill -TERM "$SERVE_PID"
  for _ in $(seq 200); do kill -0 "$SERVE_PID" 2>/dev/null || break; sleep 0.1; done
  if kill -0 "$SERVE_PID" 2>/dev/null; then
    fail "serve still running 20 s after SIGTERM"
  else
    wait "$SERVE_PID"
    local rc=$?
    [ "$rc" = 0 ] || fail "serve exited $rc after SIGTERM: $(cat "$TMP/$1.err")"
  fi
  SERVE_PID=""
}

# ---- 1. every record stored, column by column ----------------------------------------------
serve_start one || exit 1
N=400
sent=$(python3 "$CHECK" send "$PORT" "$RUN" "$N" "$TMP/expected.json") || fail "send failed"
wait_stat stored "$sent" 30
serve_stop one
want="serve: received $sent, stored $sent (unparsed SIP 1), dropped 0"
grep -qxF "$want" "$TMP/one.err" || fail "stats line: want '$want', got '$(grep '^serve: received' "$TMP/one.err")'"
python3 "$CHECK" check-mysql "$TMP/expected.json" "${MY[@]}" || failures=$((failures + 1))
tables=$("${MY[@]}" -N -B -e "SELECT GROUP_CONCAT(table_name ORDER BY table_name) FROM information_schema.tables WHERE table_schema = 'siphon_it'")
[ "$tables" = "rtcp_capture,sip_capture_20231114,sip_capture_20231115" ] || fail "tables: $tables"
keys=$("${MY[@]}" -N -B -e "SELECT GROUP_CONCAT(DISTINCT column_name ORDER BY column_name) FROM information_schema.statistics WHERE table_schema = 'siphon_it' AND table_name = 'sip_capture_20231114'")
[ "$keys" = "callid,callid_aleg,correlation_id,date,from_user,id,ruri_user,to_user" ] || fail "indexed columns: $keys"

timeout 30 "$SIPHON" search --db "$DB_URL" --call-id "$RUN-3@it.example" --format jsonl >"$TMP/s1.jsonl" 2>"$TMP/s1.err" ||
  fail "search --call-id: $(cat "$TMP/s1.err")"
timeout 30 "$SIPHON" search --db "$DB_URL" --ip 10.1.0.2 --node pgit --method INVITE --since 2023-11-15T00:00:00Z \
  --limit 5 >"$TMP/s3.txt" 2>"$TMP/s3.err" || fail "search --ip --node --method --since: $(cat "$TMP/s3.err")"
python3 - "$TMP" "$RUN" "$TMP/expected.json" <<'PY' || failures=$((failures + 1))
import base64, json, sys
tmp, run, expected = sys.argv[1], sys.argv[2], json.load(open(sys.argv[3]))
bad = []
s1 = [json.loads(l) for l in open(tmp + "/s1.jsonl") if l.strip()]
want = next(e for e in expected if e["value"] == run + "-3@it.example")
if len(s1) != 1:
    bad.append("--call-id found %d records" % len(s1))
else:
    for k in ("method", "from_user", "to_user", "cseq", "source_ip", "node", "micro_ts"):
        if str(s1[0].get(k)) != want["cols"][k]:
            bad.append("--call-id: %s is %r, want %r" % (k, s1[0].get(k), want["cols"][k]))
    if base64.b64decode(s1[0].get("msg_b64", "")).hex() != want["cols"]["msg"]:
        bad.append("--call-id: msg_b64 is not the message sent")
rows = [l for l in open(tmp + "/s3.txt") if l.strip()][1:]
if len(rows) != 5 or any(" INVITE " not in l or "2023-11-15" not in l for l in rows):
    bad.append("--ip --node --method --since --limit 5: %r" % rows)
for b in bad: print("FAIL: search: " + b)
sys.exit(1 if bad else 0)
PY

# ---- 2. search and flow over MySQL print what the embedded store prints ----------------------
# sngrep__aaa.pcap (81 SIP messages) into a collector writing MySQL, and into an embedded store.
AAA="$DATA/pcap/sngrep__aaa.pcap"
serve_start two || exit 1
"$SIPHON" agent --pcap "$AAA" --hep "udp:127.0.0.1:$PORT" >/dev/null 2>"$TMP/agent2.err" || fail "agent: $(cat "$TMP/agent2.err")"
wait_stat stored 81 30
# The dashboard's statistics over MySQL, counted from the rows: what the search finds.
python3 "$HERE/peers/stats_api_check.py" "$API" 2000-01-01T00:00:00Z 2030-01-01T00:00:00Z || failures=$((failures + 1))
# The HTTP API over MySQL: a search gives message ids, and each id gives its message back.
curl -s "$API/api/v1/search?call_id=11894297-4432a9f8@192.168.1.2&since=2000-01-01T00:00:00Z&limit=20" >"$TMP/api_search.json"
python3 - "$TMP/api_search.json" "$API" <<'PY' || failures=$((failures + 1))
import json, sys, urllib.parse, urllib.request
body = json.load(open(sys.argv[1]))
recs = body.get("records", [])
bad = []
if len(recs) != 8:
    bad.append("search: %d records, want 8" % len(recs))
for r in recs[:3]:
    mid = r.get("id", "")
    if not mid.startswith("r."):
        bad.append("message id %r" % mid)
        continue
    m = json.load(urllib.request.urlopen(sys.argv[2] + "/api/v1/message/" + urllib.parse.quote(mid)))
    if m.get("callid") != r.get("callid") or m.get("micro_ts") != r.get("micro_ts") or "SIP/2.0" not in m.get("msg", ""):
        bad.append("message %s: %s" % (mid, {k: m.get(k) for k in ("callid", "micro_ts", "cseq")}))
for b in bad: print("FAIL: API over MySQL: " + b)
sys.exit(1 if bad else 0)
PY
serve_stop two
"$SIPHON" agent --pcap "$AAA" --db "sqlite:$TMP/ref.db" >/dev/null 2>"$TMP/agent_ref.err" || fail "agent --db sqlite: $(cat "$TMP/agent_ref.err")"
for s in my sq; do
  db=$DB_URL; [ "$s" = sq ] && db="sqlite:$TMP/ref.db"
  timeout 30 "$SIPHON" search --db "$db" --since 2000-01-01T00:00:00Z --until 2010-01-01T00:00:00Z --limit 1000 --format jsonl \
    >"$TMP/aaa_$s.jsonl" 2>"$TMP/aaa_s$s.err" || fail "search --db $s: $(cat "$TMP/aaa_s$s.err")"
  timeout 30 "$SIPHON" flow --db "$db" --call-id 11894297-4432a9f8@192.168.1.2 --format text >"$TMP/flow_$s.txt" 2>"$TMP/flow_$s.err" ||
    fail "flow --db $s: $(cat "$TMP/flow_$s.err")"
  timeout 30 "$SIPHON" export --db "$db" --call-id 11894297-4432a9f8@192.168.1.2 -o "$TMP/call_$s.pcap" 2>"$TMP/export_$s.err" ||
    fail "export --db $s: $(cat "$TMP/export_$s.err")"
done
python3 - "$TMP" <<'PY' || failures=$((failures + 1))
import json, sys
tmp = sys.argv[1]
keys = ("callid", "micro_ts", "method", "cseq", "source_ip", "source_port", "destination_port", "msg", "msg_b64")
def load(name):
    return sorted(json.dumps([r.get(k) for k in keys]) for r in (json.loads(l) for l in open(tmp + "/" + name) if l.strip()))
bad = []
my, sq = load("aaa_my.jsonl"), load("aaa_sq.jsonl")
if my != sq or len(my) != 81:
    bad.append("search: %d records from MySQL, %d from the embedded store, want 81 each and equal" % (len(my), len(sq)))
fm, fs = open(tmp + "/flow_my.txt").read(), open(tmp + "/flow_sq.txt").read()
if fm != fs or "INVITE" not in fm:
    bad.append("flow differs between MySQL and the embedded store:\n%s\n---\n%s" % (fm, fs))
if open(tmp + "/call_my.pcap", "rb").read() != open(tmp + "/call_sq.pcap", "rb").read():
    bad.append("export: the pcaps differ")
for b in bad: print("FAIL: read path: " + b)
sys.exit(1 if bad else 0)
PY

# ---- 3. the server is killed mid-stream, then the collector is killed while it spools -----------
# 3,000 INVITEs at 1,500/s; mariadbd gets SIGKILL a second into it (InnoDB recovers at the next
# start). While it is down the batches go to the spool, /health says so; once every message
# received is stored or spooled, the collector gets SIGKILL. The server and a new collector
# start: the spool is replayed, every message the first collector received is stored once.
serve_start three "insert_retries = 1" || exit 1
RUN3=${RUN}s
python3 "$CHECK" stream "$PORT" "$RUN3" 3000 1500 >/dev/null &
STREAM_PID=$!
sleep 1
kill -KILL "$DB_PID"; wait "$DB_PID" 2>/dev/null; DB_PID=""
wait "$STREAM_PID"
received=0
for _ in $(seq 300); do
  received=$(stat received); handled=$(( $(stat stored) + $(stat spool_records) ))
  [ "$received" -gt 0 ] && [ "$handled" = "$received" ] && break
  sleep 0.1
done
spooled=$(stat spool_records)
[ "$received" -gt 2500 ] && [ "$spooled" -gt 0 ] && [ "$(stat dropped)" = 0 ] ||
  fail "before the kill: received $received, stored $(stat stored), spooled $spooled, dropped $(stat dropped)"
curl -s "$API/health" | grep -q '"state":"spooling"' || fail "/health while spooling: $(curl -s "$API/health")"
pkill -KILL -P "$SERVE_PID"; wait "$SERVE_PID" 2>/dev/null; SERVE_PID=""  # timeout(1)'s child
db_start || exit 1
serve_start three2 || exit 1
wait_stat stored "$spooled" 60
for _ in $(seq 100); do curl -s "$API/health" | grep -q '"status":"ok"' && break; sleep 0.1; done
curl -s "$API/health" | grep -q '"status":"ok"' || fail "/health after the replay: $(curl -s "$API/health")"
serve_stop three2
rows=$("${MY[@]}" -N -B -e "SELECT CONCAT(COUNT(*), '|', COUNT(DISTINCT callid)) FROM sip_capture_20231114 WHERE callid LIKE '${RUN3}-%'")
[ "$rows" = "$received|$received" ] || fail "after the kills: rows|distinct = $rows, want $received|$received"
echo "mysql_sink: killed mid-stream: $received received, $spooled spooled across a SIGKILL, all stored once"

# ---- 3b. the collector stops while the server is silent ------------------------------------------
# mariadbd gets SIGSTOP: its kernel still acknowledges TCP, and Connector/C would wait its 60 s for
# an answer. SIGTERM interrupts the lane after its 5 s grace (the socket is shut down): the
# records are spooled and left on disk, and the next run stores them once.
serve_start silent || exit 1
RUN3B=${RUN}q
kill -STOP "$DB_PID"
wait_stopped "$DB_PID" || fail "mariadbd did not stop"
python3 "$CHECK" stream "$PORT" "$RUN3B" 40 400 >/dev/null
wait_stat received 40 20
serve_stop silent
kill -CONT "$DB_PID"
grep -q 'interrupting it' "$TMP/silent.err" && grep -q '40 records stay spooled in' "$TMP/silent.err" ||
  fail "stopping with a silent server: $(cat "$TMP/silent.err")"
serve_start silent2 || exit 1
wait_stat stored 40 60
serve_stop silent2
rows=$("${MY[@]}" -N -B -e "SELECT CONCAT(COUNT(*), '|', COUNT(DISTINCT callid)) FROM sip_capture_20231114 WHERE callid LIKE '${RUN3B}-%'")
[ "$rows" = "40|40" ] || fail "after stopping on a silent server: rows|distinct = $rows, want 40|40"
echo "mysql_sink: stopped while the server was silent: 40 spooled, then stored once"

# ---- 4. the agent's trace_to_database into MySQL: Kamailio's sip_trace ------------------------
cat >"$TMP/trace.toml" <<'TOML'
trace_to_database = 1
local_addresses = ["192.168.1.2"]
[[trace]]
method = ["INVITE"]
scope = "d"
correlation = "call-id"
traced_users = ["from_user", "to_user"]
TOML
TRACE_URL="mysql://siphon:p%40ss%3Aw%2Frd@127.0.0.1:$DBPORT/siphon_trace"
"$SIPHON" agent -c "$TMP/trace.toml" --pcap "$AAA" --db "$TRACE_URL" >/dev/null 2>"$TMP/trace.err" ||
  fail "agent --db mysql: $(cat "$TMP/trace.err")"
MYT=(timeout 30 mariadb --no-defaults -h 127.0.0.1 -P "$DBPORT" -u siphon -pp@ss:w/rd siphon_trace)
cols=$("${MYT[@]}" -N -B -e "SELECT GROUP_CONCAT(column_name ORDER BY ordinal_position) FROM information_schema.columns WHERE table_schema = 'siphon_trace' AND table_name = 'sip_trace'")
want_cols="id,time_stamp,time_us,callid,traced_user,msg,method,status,fromip,toip,fromtag,totag,direction"
case "$cols" in "$want_cols",*) ;; *) fail "sip_trace columns: $cols, want $want_cols first";; esac
reply=$("${MYT[@]}" -N -B -e "SELECT CONCAT_WS('|', method, status, fromip, toip, direction) FROM sip_trace WHERE traced_user = '' AND status = '407' ORDER BY id LIMIT 1")
[ "$reply" = "INVITE|407|udp:212.242.33.35:5060|udp:192.168.1.2:5060|in" ] || fail "a 407 row: '$reply'"
rows=$("${MYT[@]}" -N -B -e "SELECT CONCAT_WS('|', SUM(traced_user = ''), COUNT(*) >= 3 * SUM(traced_user = ''), COUNT(DISTINCT callid)) FROM sip_trace")
[ "$rows" = "41|1|4" ] || fail "sip_trace rows: '$rows', want 41 messages of 4 calls, a '' row and user rows each"
n=$(timeout 30 "$SIPHON" search --db "$TRACE_URL" --limit 1000 --format jsonl | wc -l)
[ "$n" = 41 ] || fail "search of the sip_trace table: $n records, want 41 (each once)"

# ---- 5. retention: day tables past their limit dropped, other tables' old rows deleted ------------
DB_NAME=siphon_ret
DB_URL="mysql://siphon:p%40ss%3Aw%2Frd@127.0.0.1:$DBPORT/siphon_ret"
MYR=(timeout 30 mariadb --no-defaults -h 127.0.0.1 -P "$DBPORT" -u siphon -pp@ss:w/rd siphon_ret)
serve_start ret1 || exit 1
python3 "$CHECK" aged "$PORT" "${RUN}o" 10 20 >/dev/null
python3 "$CHECK" aged "$PORT" "${RUN}n" 0 20 >/dev/null
wait_stat stored 42 30
serve_stop ret1
old_day=$(date -u -d "@$(( $(date +%s) - 10 * 86400 ))" +%Y%m%d)
today=$(date -u +%Y%m%d)
[ "$("${MYR[@]}" -N -B -e "SELECT COUNT(*) FROM sip_capture_$old_day")" = 20 ] || fail "no day table of 10 days ago to expire"
serve_start ret2 'retention = ["sip_capture_%Y%m%d=3"]
retention_days = 5' || exit 1
python3 "$CHECK" aged "$PORT" "${RUN}m" 0 1 >/dev/null
wait_stat stored 2 30
for _ in $(seq 100); do [ "$(stat_sink expired_tables)" = 1 ] && break; sleep 0.1; done
[ "$(stat_sink expired_tables)" = 1 ] || fail "expired_tables is $(stat_sink expired_tables), want 1"
serve_stop ret2
tables=$("${MYR[@]}" -N -B -e "SELECT GROUP_CONCAT(table_name ORDER BY table_name) FROM information_schema.tables WHERE table_schema = 'siphon_ret'")
[ "$tables" = "rtcp_capture,sip_capture_$today" ] || fail "tables after retention: $tables"
rtcp=$("${MYR[@]}" -N -B -e "SELECT GROUP_CONCAT(correlation_id ORDER BY correlation_id) FROM rtcp_capture")
[ "$rtcp" = "${RUN}m-rtcp,${RUN}n-rtcp" ] || fail "rtcp_capture after retention: $rtcp (the 10-day-old row must go)"

if [ "$failures" -eq 0 ]; then echo "mysql_sink: all checks passed"; exit 0; fi
echo "mysql_sink: $failures failure(s)"
exit 1
