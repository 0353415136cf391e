#!/usr/bin/env bash
# `siphon serve` into a real PostgreSQL server (db_url = postgres://...): a throw-away cluster
# made here with initdb (password login, loopback, a free port, its socket in the temp dir),
# HEPv3 over UDP with SIP on two capture days (table_name with strftime), malformed SIP, RTCP and
# a vendor chunk; every row is checked column by column with psql, msg byte for byte. Then the
# database is stopped under a running collector: the records are counted as storage_error drops,
# the collector keeps running, and writes again once the database is back. A database that stops
# answering (SIGSTOP) is given up after the db_url's io_timeout, and its records are spooled;
# stopping the collector meanwhile takes seconds, not the timeout.
#
# Usage: postgres_sink_test.sh SIPHON_BINARY
# Installs postgresql with apt when missing (needs root). Every process started here is stopped
# by PID (trap); every wait is bounded; loopback only. Exit 77 (skipped) without PostgreSQL.
set -u

SIPHON=$(realpath "${1:?usage: $0 SIPHON_BINARY}")
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
CHECK="$HERE/peers/postgres_check.py"
. "$HERE/peers/wait_stopped.sh"
TMP=$(mktemp -d /tmp/siphon-pg-it.XXXXXX)
SERVE_PID=""
PG_PID=""
failures=0

fail() { echo "FAIL: $*"; failures=$((failures + 1)); }
as_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
stop_pid() {  # stop_pid PID SIGNAL: signal, wait up to 10 s, then KILL
  kill -"$2" "$1" 2>/dev/null
  for _ in $(seq 100); do kill -0 "$1" 2>/dev/null || return 0; sleep 0.1; done
  kill -KILL "$1" 2>/dev/null
}
cleanup() {
  if [ -n "$SERVE_PID" ]; then stop_pid "$SERVE_PID" TERM; wait "$SERVE_PID" 2>/dev/null; fi
  # A check that failed between SIGSTOP and SIGCONT must not leave stopped processes behind.
  # shellcheck disable=SC2046
  if [ -n "$PG_PID" ]; then kill -CONT "$PG_PID" $(pgrep -P "$PG_PID") 2>/dev/null; stop_pid "$PG_PID" INT; fi
  if [ "$failures" -ne 0 ] || [ "${KEEP:-0}" = 1 ]; then echo "postgres_sink: work directory kept: $TMP"; else rm -rf "$TMP"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# ---- PostgreSQL: install if missing, never start the distribution's own cluster ----------------
if ! ls -d /usr/lib/postgresql/*/bin >/dev/null 2>&1; then
  if [ "$(id -u)" != 0 ]; then echo "SKIP: postgresql is not installed and we are not root"; exit 77; fi
  mkdir -p /etc/postgresql-common
  grep -q '^create_main_cluster' /etc/postgresql-common/createcluster.conf 2>/dev/null ||
    echo "create_main_cluster = false" >>/etc/postgresql-common/createcluster.conf
  policy=0
  if [ ! -e /usr/sbin/policy-rc.d ]; then
    printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d && chmod +x /usr/sbin/policy-rc.d && policy=1
  fi
  if ! DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends postgresql >"$TMP/apt.log" 2>&1; then
    apt-get update -qq >>"$TMP/apt.log" 2>&1
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends postgresql >>"$TMP/apt.log" 2>&1
  fi
  [ "$policy" = 1 ] && rm -f /usr/sbin/policy-rc.d
  if ! ls -d /usr/lib/postgresql/*/bin >/dev/null 2>&1; then
    echo "SKIP: could not install postgresql: $(tail -3 "$TMP/apt.log")"
    exit 77
  fi
fi
BIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)

read -r PORT HTTP PGPORT < <(python3 "$HERE/peers/siptrace_check.py" free-ports 3)
API="http://127.0.0.1:$HTTP"
RUN=pg$$x$RANDOM
PGDIR=$TMP/pg
chmod 711 "$TMP"
mkdir -p "$PGDIR"
[ "$(id -u)" = 0 ] && chown postgres:postgres "$PGDIR"
# Password login over TCP (scram), so that the URL's user and percent-encoded password are used.
if ! as_pg "$BIN/initdb" -D "$PGDIR/data" -U postgres -E UTF8 --no-locale --auth-local=trust \
    --auth-host=scram-sha-256 >"$PGDIR/initdb.log" 2>&1; then
  fail "initdb: $(tail -5 "$PGDIR/initdb.log")"
  exit 1
fi
pg_start() {
  # fsync off: a throw-away cluster; durability is not what is tested here.
  as_pg "$BIN/pg_ctl" -D "$PGDIR/data" -w -t 30 -l "$PGDIR/server.log" \
    -o "-c listen_addresses=127.0.0.1 -c port=$PGPORT -c unix_socket_directories=$PGDIR -c fsync=off" \
    start >/dev/null || { fail "postgres did not start: $(tail -5 "$PGDIR/server.log")"; return 1; }
  PG_PID=$(head -1 "$PGDIR/data/postmaster.pid")
}
pg_stop() {
  stop_pid "$PG_PID" INT
  PG_PID=""
}
pg_start || exit 1
PSQL_ADMIN=("$BIN/psql" -X -q -v ON_ERROR_STOP=1 -h "$PGDIR" -p "$PGPORT" -U postgres -d postgres)
"${PSQL_ADMIN[@]}" -c "CREATE ROLE siphon LOGIN PASSWORD 'p@ss:w/rd'" -c "CREATE DATABASE siphon_it OWNER siphon" \
  >/dev/null || { fail "could not create the role and database"; exit 1; }
export PGPASSWORD='p@ss:w/rd'
PSQL=(timeout 30 "$BIN/psql" -X -q -h 127.0.0.1 -p "$PGPORT" -U siphon -d siphon_it)
DB_NAME=siphon_it
DB_URL="postgres://siphon:p%40ss%3Aw%2Frd@127.0.0.1:$PGPORT/$DB_NAME"

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
  grep -q "^storing into postgres://siphon:\*\*\*@127.0.0.1:$PGPORT/$DB_NAME" "$TMP/$1.out" ||
    fail "serve does not name the database with the password hidden: $(grep storing "$TMP/$1.out")"
  ! grep -q 'p%40ss\|p@ss' "$TMP/$1.out" "$TMP/$1.err" || fail "the password appears in serve's output"
}
serve_stop() {  # serve_stop NAME: SIGTERM, exit 0 within 10 s
  kill -TERM "$SERVE_PID"
  for _ in $(seq 100); do kill -0 "$SERVE_PID" 2>/dev/null || break; sleep 0.1; done
  if kill -0 "$SERVE_PID" 2>/dev/null; then
    fail "serve still running 10 s after SIGTERM"
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
wait_stat stored "$sent" 20
serve_stop one
want="serve: received $sent, stored $sent (unparsed SIP 1), dropped 0"
grep -qxF "$want" "$TMP/one.err" || fail "stats line: want '$want', got '$(grep '^serve: received' "$TMP/one.err")'"
python3 "$CHECK" check "$TMP/expected.json" "${PSQL[@]}" || failures=$((failures + 1))
tables=$("${PSQL[@]}" -At -c "SELECT string_agg(tablename, ',' ORDER BY tablename) FROM pg_tables WHERE schemaname = 'public'")
[ "$tables" = "rtcp_capture,sip_capture_20231114,sip_capture_20231115" ] || fail "tables: $tables"
counts=$("${PSQL[@]}" -At -c "SELECT (SELECT count(*) FROM sip_capture_20231114) || ',' || (SELECT count(*) FROM sip_capture_20231115) || ',' || (SELECT count(*) FROM rtcp_capture)")
[ "$counts" = "$((N / 2 + 2)),$((N / 2)),1" ] || fail "row counts per table: $counts, want $((N / 2 + 2)),$((N / 2)),1"
idx=$("${PSQL[@]}" -At -c "SELECT count(*) FROM pg_indexes WHERE tablename = 'sip_capture_20231114' AND indexdef LIKE '%(callid)%'")
[ "$idx" = 1 ] || fail "no callid index on sip_capture_20231114"

# ---- search over PostgreSQL: the same filters and output as over the embedded store -----------
timeout 30 "$SIPHON" search --db "$DB_URL" --call-id "$RUN-3@it.example" --format jsonl >"$TMP/s1.jsonl" 2>"$TMP/s1.err" ||
  fail "search --call-id: $(cat "$TMP/s1.err")"
timeout 30 "$SIPHON" search --db "$DB_URL" --correlation "$RUN-rtcp" --format jsonl >"$TMP/s2.jsonl" 2>"$TMP/s2.err" ||
  fail "search --correlation: $(cat "$TMP/s2.err")"
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
    r = s1[0]
    for k in ("method", "from_user", "to_user", "cseq", "source_ip", "node", "micro_ts"):
        if str(r.get(k)) != want["cols"][k]:
            bad.append("--call-id: %s is %r, want %r" % (k, r.get(k), want["cols"][k]))
    if base64.b64decode(r.get("msg_b64", "")).hex() != want["cols"]["msg"]:
        bad.append("--call-id: msg_b64 is not the message sent")
s2 = [json.loads(l) for l in open(tmp + "/s2.jsonl") if l.strip()]
if len(s2) != 1 or s2[0].get("type") != 3 or s2[0].get("payload_type") != 5:
    bad.append("--correlation rtcp: %s" % s2)
rows = [l for l in open(tmp + "/s3.txt") if l.strip()][1:]
if len(rows) != 5 or any(" INVITE " not in l or "2023-11-15" not in l for l in rows):
    bad.append("--ip --node --method --since --limit 5: %r" % rows)
if "more match" not in open(tmp + "/s3.err").read():
    bad.append("--limit 5 does not say that more match")
for b in bad: print("FAIL: search: " + b)
sys.exit(1 if bad else 0)
PY

# A server that stops answering in the middle of a search: a proxy passes the login and the
# table listing, then keeps the SELECT's answer to itself. With io_timeout=2 in the URL the
# search gives up after 2 s with a clear error, instead of holding its caller for ever.
read -r SILENT_PORT < <(python3 "$HERE/peers/siptrace_check.py" free-ports 1)
python3 "$HERE/peers/lost_answer_proxy.py" "$SILENT_PORT" "$PGPORT" 'micro_ts::int8' 1 silent >"$TMP/silent-proxy.out" 2>&1 &
SILENT_PROXY=$!
for _ in $(seq 50); do grep -q ready "$TMP/silent-proxy.out" 2>/dev/null && break; sleep 0.1; done
started=$SECONDS
if timeout 30 "$SIPHON" search --db "postgres://siphon:p%40ss%3Aw%2Frd@127.0.0.1:$SILENT_PORT/$DB_NAME?io_timeout=2" \
    --call-id "$RUN-3@it.example" >/dev/null 2>"$TMP/s-silent.err"; then
  fail "a search the server never answered succeeded"
fi
took=$((SECONDS - started))
grep -q 'no answer within 2 s (io_timeout)' "$TMP/s-silent.err" && grep -q lost "$TMP/silent-proxy.out" && [ "$took" -lt 20 ] ||
  fail "a search the server stopped answering: after ${took} s: $(cat "$TMP/s-silent.err")"
kill "$SILENT_PROXY" 2>/dev/null; wait "$SILENT_PROXY" 2>/dev/null
echo "postgres_sink: a search the server stopped answering failed after ${took} s (io_timeout=2)"

# ---- 2. the database stops under a running collector, then comes back ----------------------------
# Without a spool (spool_dir = ""), as Kamailio: a batch the database refuses after
# insert_retries is dropped and counted, and /health says the sink is down (503).
serve_start two 'spool_dir = ""' || exit 1
# The dashboard's statistics over PostgreSQL, counted from the rows: what the search finds.
python3 "$HERE/peers/stats_api_check.py" "$API" 2000-01-01T00:00:00Z 2030-01-01T00:00:00Z || failures=$((failures + 1))
RUN2=${RUN}b
python3 "$CHECK" send "$PORT" "${RUN2}u" 10 "$TMP/up.json" >/dev/null
wait_stat stored 13 20
pg_stop
python3 "$CHECK" send "$PORT" "${RUN2}d" 20 "$TMP/down.json" >/dev/null
wait_stat dropped_by_reason.storage_error 23 20
kill -0 "$SERVE_PID" 2>/dev/null || fail "serve stopped when the database went away: $(cat "$TMP/two.err")"
grep -q 'siphon: postgres .*records dropped until the database is back' "$TMP/two.err" || fail "no log line for the failed batch: $(cat "$TMP/two.err")"
code=$(curl -s -o "$TMP/health2.json" -w '%{http_code}' "$API/health")
[ "$code" = 503 ] && grep -q '"state":"down"' "$TMP/health2.json" || fail "/health while dropping: $code $(cat "$TMP/health2.json")"
pg_start || exit 1
python3 "$CHECK" send "$PORT" "${RUN2}r" 30 "$TMP/back.json" >/dev/null
wait_stat stored 46 20
serve_stop two
want="serve: received 69, stored 46 (unparsed SIP 3), dropped 23 (storage_error: 23)"
grep -qxF "$want" "$TMP/two.err" || fail "stats line: want '$want', got '$(grep '^serve: received' "$TMP/two.err")'"
python3 "$CHECK" check "$TMP/back.json" "${PSQL[@]}" >"$TMP/back.check" || fail "rows after reconnect: $(cat "$TMP/back.check")"
lost=$("${PSQL[@]}" -At -c "SELECT count(*) FROM sip_capture_20231114 WHERE callid LIKE '${RUN2}d-%'")
[ "$lost" = 0 ] || fail "$lost records of the dropped batch are in the database"

# ---- 2b. with a spool, an outage loses nothing: the batches wait on disk and are replayed --------
# The database stops under a running collector: every batch goes to spool_dir, /health says
# "spooling" (200), ctl stats and /metrics show the spool's depth and age. The collector is
# stopped while the database is still down (the spool stays on disk), the database comes back,
# a new collector replays the spool first: every record is stored once.
serve_start spool "spool_dir = \"$TMP/spool\"
insert_retries = 2" || exit 1
RUN3=${RUN}s
python3 "$CHECK" send "$PORT" "${RUN3}u" 10 "$TMP/s_up.json" >/dev/null
wait_stat stored 13 20
pg_stop
python3 "$CHECK" send "$PORT" "${RUN3}d" 20 "$TMP/s_down.json" >/dev/null
wait_stat received 36 20
for _ in $(seq 100); do
  [ "$(stat spool_records)" = 23 ] && break
  sleep 0.1
done
[ "$(stat spool_records)" = 23 ] || fail "spool_records is $(stat spool_records), want 23"
code=$(curl -s -o "$TMP/health_s.json" -w '%{http_code}' "$API/health")
[ "$code" = 200 ] && grep -q '"status":"degraded"' "$TMP/health_s.json" && grep -q '"state":"spooling"' "$TMP/health_s.json" ||
  fail "/health while spooling: $code $(cat "$TMP/health_s.json")"
timeout 5 "$SIPHON" ctl --api "$API" stats >"$TMP/ctl_s.txt" 2>&1
grep -q '^sink postgres .*: spooling, spooled 23 records' "$TMP/ctl_s.txt" || fail "ctl stats while spooling: $(grep '^sink' "$TMP/ctl_s.txt")"
curl -s "$API/metrics" >"$TMP/metrics_s.txt"
grep -q '^siphon_spool_records{sink="postgres .*"} 23$' "$TMP/metrics_s.txt" && grep -q '^siphon_sink_state{sink="postgres .*",state="spooling"} 1$' "$TMP/metrics_s.txt" &&
  grep -q '^siphon_spool_age_seconds{sink="postgres' "$TMP/metrics_s.txt" || fail "/metrics while spooling: $(grep -E 'spool|sink_state' "$TMP/metrics_s.txt")"
[ "$(stat dropped)" = 0 ] || fail "records dropped while spooling: $(stat dropped_by_reason)"
serve_stop spool
grep -q 'records stay spooled in' "$TMP/spool.err" || fail "stopping with a spool: $(cat "$TMP/spool.err")"
ls "$TMP"/spool/postgres_127.0.0.1_*_siphon_it/*.dbspool >/dev/null 2>&1 || fail "no spool files left for the next run"
pg_start || exit 1
serve_start spool2 "spool_dir = \"$TMP/spool\"" || exit 1
python3 "$CHECK" send "$PORT" "${RUN3}r" 30 "$TMP/s_back.json" >/dev/null
wait_stat stored 56 30
for _ in $(seq 50); do grep -q '"status":"ok"' <(curl -s "$API/health") && break; sleep 0.1; done
curl -s "$API/health" | grep -q '"status":"ok"' || fail "/health after the replay: $(curl -s "$API/health")"
serve_stop spool2
grep -q 'records spooled by an earlier run; replaying them' "$TMP/spool2.err" && grep -q 'spool replayed' "$TMP/spool2.err" ||
  fail "replay at start: $(cat "$TMP/spool2.err")"
for part in up down back; do
  python3 "$CHECK" check "$TMP/s_$part.json" "${PSQL[@]}" >"$TMP/s_$part.check" || fail "rows of the $part part: $(tail -3 "$TMP/s_$part.check")"
done
twice=$("${PSQL[@]}" -At -c "SELECT count(*) - count(DISTINCT callid || cseq || micro_ts) FROM sip_capture_20231114 WHERE callid LIKE '${RUN3}%'")
[ "$twice" = 0 ] || fail "$twice records stored twice after the replay"
[ -z "$(ls "$TMP"/spool/postgres_127.0.0.1_*_siphon_it/ 2>/dev/null)" ] || fail "spool files left after the replay: $(ls "$TMP"/spool/*/)"

# ---- 2c. the database is killed mid-stream, then the collector is killed while it spools -----------
# 3,000 INVITEs at 1,500/s; PostgreSQL gets SIGQUIT (immediate shutdown: no checkpoint, crash
# recovery at the next start) a second into it. Once every message received is stored or
# spooled, the collector gets SIGKILL. PostgreSQL and a new collector start: the spool is
# replayed, and every message the first collector received is in the table exactly once.
serve_start kill "spool_dir = \"$TMP/spool-kill\"" || exit 1
RUN4=${RUN}k
python3 "$CHECK" stream "$PORT" "$RUN4" 3000 1500 >/dev/null &
STREAM_PID=$!
sleep 1
kill -QUIT "$PG_PID"
for _ in $(seq 100); do kill -0 "$PG_PID" 2>/dev/null || break; sleep 0.1; done
PG_PID=""
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
# SERVE_PID is timeout(1)'s; the collector is its child.
pkill -KILL -P "$SERVE_PID"; wait "$SERVE_PID" 2>/dev/null; SERVE_PID=""
pg_start || exit 1
serve_start kill2 "spool_dir = \"$TMP/spool-kill\"" || exit 1
wait_stat stored "$spooled" 60
serve_stop kill2
rows=$("${PSQL[@]}" -At -F '|' -c "SELECT count(*), count(DISTINCT callid) FROM sip_capture_20231114 WHERE callid LIKE '${RUN4}-%'")
[ "$rows" = "$received|$received" ] || fail "after the kills: rows|distinct = $rows, want $received|$received"
echo "postgres_sink: killed mid-stream: $received received, $spooled spooled across a SIGKILL, all stored once"

# ---- 2d. the database stops answering without closing its connection -------------------------
# SIGSTOP on PostgreSQL and all its processes: their kernel still acknowledges TCP, so only a
# clock sees the silence. With io_timeout=2 in the db_url the write in flight gives up after 2 s,
# its batch and the ones after it go to the spool, nothing is dropped; once the server runs
# again the spool is replayed and every record is stored once.
DB_URL_PLAIN=$DB_URL
DB_URL="$DB_URL?io_timeout=2&connect_timeout=2"
serve_start hung "spool_dir = \"$TMP/spool-hung\"
insert_retries = 0" || exit 1
DB_URL=$DB_URL_PLAIN
RUN5=${RUN}h
python3 "$CHECK" stream "$PORT" "${RUN5}a" 50 1000 >/dev/null
wait_stat stored 50 20
PG_PROCS="$PG_PID $(pgrep -P "$PG_PID" | tr '\n' ' ')"
# shellcheck disable=SC2086
kill -STOP $PG_PROCS
# shellcheck disable=SC2086
wait_stopped $PG_PROCS || fail "PostgreSQL did not stop"
python3 "$CHECK" stream "$PORT" "${RUN5}b" 100 200 >/dev/null
for _ in $(seq 300); do
  [ "$(stat spool_records)" = 100 ] && break
  sleep 0.1
done
spooled=$(stat spool_records)
dropped=$(stat dropped)
# shellcheck disable=SC2086
kill -CONT $PG_PROCS
[ "$spooled" = 100 ] && [ "$dropped" = 0 ] ||
  fail "while the server was stopped: spooled $spooled, dropped $dropped, want 100 and 0: $(cat "$TMP/hung.err")"
grep -q 'no answer within 2 s (io_timeout): connection closed' "$TMP/hung.err" ||
  fail "no log line for the silent server: $(cat "$TMP/hung.err")"
wait_stat stored 150 60
serve_stop hung
rows=$("${PSQL[@]}" -At -F '|' -c "SELECT count(*), count(DISTINCT callid) FROM sip_capture_20231114 WHERE callid LIKE '${RUN5}%'")
[ "$rows" = "150|150" ] || fail "after the silent server: rows|distinct = $rows, want 150|150"
echo "postgres_sink: a stopped server: $spooled spooled after io_timeout, all 150 stored once"

# ---- 2e. the collector stops while the database is silent ----------------------------------------
# io_timeout stays at its 60 s. SIGTERM must not wait for it (a service manager kills after its
# own timeout, and the queue with it): after the lane's 5 s grace the write is interrupted, the
# records are spooled and left on disk, and the next run stores them once.
serve_start silent "spool_dir = \"$TMP/spool-silent\"" || exit 1
RUN6=${RUN}q
PG_PROCS="$PG_PID $(pgrep -P "$PG_PID" | tr '\n' ' ')"
# shellcheck disable=SC2086
kill -STOP $PG_PROCS
# shellcheck disable=SC2086
wait_stopped $PG_PROCS || fail "PostgreSQL did not stop"
python3 "$CHECK" stream "$PORT" "$RUN6" 40 400 >/dev/null
wait_stat received 40 20
serve_stop silent
# shellcheck disable=SC2086
kill -CONT $PG_PROCS
grep -q 'interrupting it' "$TMP/silent.err" && grep -q '40 records stay spooled in' "$TMP/silent.err" ||
  fail "stopping with a silent database: $(cat "$TMP/silent.err")"
serve_start silent2 "spool_dir = \"$TMP/spool-silent\"" || exit 1
wait_stat stored 40 60
serve_stop silent2
rows=$("${PSQL[@]}" -At -F '|' -c "SELECT count(*), count(DISTINCT callid) FROM sip_capture_20231114 WHERE callid LIKE '${RUN6}-%'")
[ "$rows" = "40|40" ] || fail "after stopping on a silent database: rows|distinct = $rows, want 40|40"
echo "postgres_sink: stopped while the database was silent: 40 spooled, then stored once"

# ---- 3. routing into PostgreSQL: a named hep_route reports RTCP, splits SIP by capture id --------
# hep-wireshark__hep.pcap: 8 HEPv3 packets of capture agent 2001 (6 SIP, 1 RTCP, 1 log), relayed by
# the agent with their own chunks. Rules see only the HEP chunks (no SIP parse before them).
serve_start three '
hep_route = "split"
[[route]]
name = "split"
payload_type = "rtcp"
report_capture = { correlation = "rtcp-$hep(correlation_id)", table = "rtcp_capture" }
[[route]]
name = "split"
capture_id = 2001
payload_type = 1
table = "sip_capture_agent2001"
custom_field1 = "$hep_net(proto_id)"
resume_sip = true' || exit 1
"$SIPHON" agent --pcap "$HERE/../data/pcap/hep-wireshark__hep.pcap" --hep "udp:127.0.0.1:$PORT" \
  >/dev/null 2>"$TMP/agent3.err" || fail "agent: $(cat "$TMP/agent3.err")"
wait_stat stored 8 20
serve_stop three
split=$("${PSQL[@]}" -At -c "SELECT count(*) || ',' || min(custom_field1) FROM sip_capture_agent2001")
[ "$split" = "6,udp" ] || fail "sip_capture_agent2001: $split, want 6 rows with custom_field1 udp"
report=$("${PSQL[@]}" -At -c "SELECT count(*) FROM rtcp_capture WHERE correlation_id LIKE 'rtcp-%'")
[ "$report" = 1 ] || fail "rtcp_capture: $report rows with the report_capture correlation, want 1"
logs=$("${PSQL[@]}" -At -c "SELECT count(*) FROM logs_capture")
[ "$logs" = 1 ] || fail "logs_capture: $logs rows, want 1 (no rule: stored as without rules)"

# ---- 3b. homer5_on = 0: the report tables have OpenSIPS's Homer-6 columns (§3.4) --------------
# A database of its own: the Homer-5 report tables of section 3 have the other column set.
"${PSQL_ADMIN[@]}" -c "CREATE DATABASE siphon_h6 OWNER siphon" >/dev/null 2>"$TMP/h6db.err" ||
  fail "create siphon_h6: $(cat "$TMP/h6db.err")"
DB_NAME=siphon_h6
DB_URL="postgres://siphon:p%40ss%3Aw%2Frd@127.0.0.1:$PGPORT/$DB_NAME"
PSQL6=(timeout 30 "$BIN/psql" -X -q -h 127.0.0.1 -p "$PGPORT" -U siphon -d siphon_h6)
serve_start h6 '
homer5_on = 0
hep_route = "h6"
[[route]]
name = "h6"
payload_type = "rtcp"
report_capture = { correlation = "rtcp-$hep(correlation_id)", table = "ops_report_capture" }' || exit 1
"$SIPHON" agent --pcap "$HERE/../data/pcap/hep-wireshark__hep.pcap" --hep "udp:127.0.0.1:$PORT" \
  >/dev/null 2>"$TMP/agent_h6.err" || fail "agent: $(cat "$TMP/agent_h6.err")"
wait_stat stored 8 20
serve_stop h6
cols=$("${PSQL6[@]}" -At -c "SELECT string_agg(column_name, ',' ORDER BY ordinal_position) FROM information_schema.columns WHERE table_name = 'ops_report_capture'")
want_cols="id,tss,tsu,transaction_id,correlation_id,source_ip,source_port,destination_ip,destination_port,capture_ip,proto,family,type,capt_id,node,event,payload_len,data,gid"
case "$cols" in "$want_cols",*) ;; *) fail "ops_report_capture columns: $cols, want $want_cols first";; esac
h6=$("${PSQL6[@]}" -At -F '|' -c "SELECT transaction_id LIKE 'rtcp-%', capture_ip, capt_id, node, gid, payload_len = length(data), tsu BETWEEN 0 AND 999999 FROM ops_report_capture")
[ "$h6" = "t|127.0.0.1|2001|pgit|10|t|t" ] || fail "ops_report_capture row: '$h6', want 't|127.0.0.1|2001|pgit|10|t|t'"
logs6=$("${PSQL6[@]}" -At -F '|' -c "SELECT count(*), min(capture_ip), min(node) FROM logs_capture")
[ "$logs6" = "1|127.0.0.1|pgit" ] || fail "logs_capture (Homer-6): '$logs6', want 1|127.0.0.1|pgit"
sip_table=$("${PSQL6[@]}" -At -c "SELECT min(table_name) FROM information_schema.tables WHERE table_name LIKE 'sip_capture_%'")
sip6=$("${PSQL6[@]}" -At -c "SELECT count(*) FROM \"$sip_table\" WHERE node = 'pgit:2001' AND callid <> ''" 2>&1)
[ "$sip6" = 6 ] || fail "SIP rows keep sip_capture's columns and Homer-5 node: '$sip6' in '$sip_table', want 6"
DB_NAME=siphon_it
DB_URL="postgres://siphon:p%40ss%3Aw%2Frd@127.0.0.1:$PGPORT/$DB_NAME"

# ---- 3c. the agent's trace_to_database into PostgreSQL: Kamailio's sip_trace table (§4.6) ------
# sngrep__aaa.pcap: a UA (192.168.1.2, the traced server's address here) registering and calling.
# INVITE dialogs are traced with their users (traced_user_avp: one row per user), REGISTER
# transactions into a table of their own (trace_table_avp); the same agent run into the embedded
# store is the reference: `siphon search` and `siphon flow` over either store print the same.
"${PSQL_ADMIN[@]}" -c "CREATE DATABASE siphon_trace OWNER siphon" >/dev/null 2>"$TMP/tracedb.err" ||
  fail "create siphon_trace: $(cat "$TMP/tracedb.err")"
TRACE_URL="postgres://siphon:p%40ss%3Aw%2Frd@127.0.0.1:$PGPORT/siphon_trace"
PSQLT=(timeout 30 "$BIN/psql" -X -q -h 127.0.0.1 -p "$PGPORT" -U siphon -d siphon_trace)
cat >"$TMP/trace.toml" <<'TOML'
trace_to_database = 1
local_addresses = ["192.168.1.2"]
[[trace]]
method = ["INVITE"]
scope = "d"
correlation = "call-id"
traced_users = ["from_user", "to_user"]
[[trace]]
method = ["REGISTER"]
scope = "t"
table = "sip_trace_reg"
TOML
AAA="$HERE/../data/pcap/sngrep__aaa.pcap"
timeout 60 "$SIPHON" agent -c "$TMP/trace.toml" --pcap "$AAA" --db "$TRACE_URL" >"$TMP/trace_pg.out" 2>"$TMP/trace_pg.err" ||
  fail "agent --db postgres: $(cat "$TMP/trace_pg.err")"
timeout 60 "$SIPHON" agent -c "$TMP/trace.toml" --pcap "$AAA" --db "sqlite:$TMP/trace.db" >"$TMP/trace_sq.out" 2>"$TMP/trace_sq.err" ||
  fail "agent --db sqlite: $(cat "$TMP/trace_sq.err")"
! grep -q 'p%40ss\|p@ss' "$TMP/trace_pg.out" "$TMP/trace_pg.err" || fail "the password appears in the agent's output"
tables=$("${PSQLT[@]}" -At -c "SELECT string_agg(tablename, ',' ORDER BY tablename) FROM pg_tables WHERE schemaname = 'public'")
[ "$tables" = "sip_trace,sip_trace_reg" ] || fail "agent tables: '$tables', want sip_trace,sip_trace_reg (no sip_capture)"
cols=$("${PSQLT[@]}" -At -c "SELECT string_agg(column_name, ',' ORDER BY ordinal_position) FROM information_schema.columns WHERE table_name = 'sip_trace'")
want_cols="id,time_stamp,time_us,callid,traced_user,msg,method,status,fromip,toip,fromtag,totag,direction"
case "$cols" in "$want_cols",*) ;; *) fail "sip_trace columns: $cols, want $want_cols first";; esac
# The messages of 4 INVITE dialogs; each has its '' row, plus from_user's and to_user's.
rows=$("${PSQLT[@]}" -At -F '|' -c "SELECT count(*) FILTER (WHERE traced_user = ''), count(*), count(DISTINCT callid) FROM sip_trace")
IFS='|' read -r t_msgs t_rows t_calls <<<"$rows"
[ "${t_calls:-0}" = 4 ] || fail "sip_trace: $t_calls calls, want 4 ($rows)"
[ "${t_rows:-0}" -ge $((3 * ${t_msgs:-0})) ] && [ "${t_msgs:-0}" -gt 20 ] ||
  fail "sip_trace: $t_rows rows for $t_msgs messages, want a '' row and a from/to user row each"
reply=$("${PSQLT[@]}" -At -F '|' -c "SELECT method, status, fromip, toip, direction, fromtag <> '', time_us BETWEEN 0 AND 999999 FROM sip_trace WHERE traced_user = '' AND status = '407' ORDER BY id LIMIT 1")
[ "$reply" = "INVITE|407|udp:212.242.33.35:5060|udp:192.168.1.2:5060|in|t|t" ] ||
  fail "a 407 row: '$reply', want 'INVITE|407|udp:212.242.33.35:5060|udp:192.168.1.2:5060|in|t|t'"
req=$("${PSQLT[@]}" -At -F '|' -c "SELECT method, status, direction FROM sip_trace WHERE traced_user = '' AND method = 'ACK' ORDER BY id LIMIT 1")
[ "$req" = "ACK||out" ] || fail "an ACK row: '$req', want 'ACK||out'"
reg=$("${PSQLT[@]}" -At -F '|' -c "SELECT count(*), count(DISTINCT callid), min(traced_user) FROM sip_trace_reg")
[ "$reg" = "40|2|" ] || fail "sip_trace_reg: '$reg', want 40 REGISTER transaction messages of 2 Call-IDs, one '' row each"
# search and flow read the sip_trace tables as they read sip_capture, each message once.
for s in pg sq; do
  db=$TRACE_URL; [ "$s" = sq ] && db="sqlite:$TMP/trace.db"
  timeout 30 "$SIPHON" search --db "$db" --limit 1000 --format jsonl >"$TMP/trace_$s.jsonl" 2>"$TMP/trace_s$s.err" ||
    fail "search --db $s: $(cat "$TMP/trace_s$s.err")"
  timeout 30 "$SIPHON" search --db "$db" --status 407 --format jsonl >"$TMP/trace407_$s.jsonl" 2>>"$TMP/trace_s$s.err" ||
    fail "search --status 407 --db $s: $(cat "$TMP/trace_s$s.err")"
  timeout 30 "$SIPHON" flow --db "$db" --call-id 11894297-4432a9f8@192.168.1.2 --format text >"$TMP/trace_flow_$s.txt" 2>"$TMP/trace_f$s.err" ||
    fail "flow --db $s: $(cat "$TMP/trace_f$s.err")"
done
python3 - "$TMP" "$t_msgs" <<'PY' || failures=$((failures + 1))
import json, sys
tmp, t_msgs = sys.argv[1], int(sys.argv[2])
keys = ("callid", "micro_ts", "method", "cseq", "source_ip", "destination_port", "correlation_id", "msg", "msg_b64")
def load(name):
    return sorted(json.dumps([r.get(k) for k in keys]) for r in (json.loads(l) for l in open(tmp + "/" + name) if l.strip()))
bad = []
pg, sq = load("trace_pg.jsonl"), load("trace_sq.jsonl")
if pg != sq or len(pg) != t_msgs + 40:
    bad.append("search: %d records from PostgreSQL, %d from the embedded store, want %d each and equal" % (len(pg), len(sq), t_msgs + 40))
p407, s407 = load("trace407_pg.jsonl"), load("trace407_sq.jsonl")
if p407 != s407 or not p407:
    bad.append("search --status 407: %d vs %d records" % (len(p407), len(s407)))
fp, fs = open(tmp + "/trace_flow_pg.txt").read(), open(tmp + "/trace_flow_sq.txt").read()
if fp != fs or "INVITE" not in fp:
    bad.append("flow differs between PostgreSQL and the embedded store:\n%s\n---\n%s" % (fp, fs))
for b in bad: print("FAIL: trace_to_database: " + b)
sys.exit(1 if bad else 0)
PY

# ---- 3d. retention: day tables past their limit are dropped, other tables lose their old rows ------
# A database of its own. First a collector without retention stores messages of 10 days ago and
# of today (day tables sip_capture_%Y%m%d, and the plain rtcp_capture); then one with
# `retention = ["sip_capture_%Y%m%d=3"]` and `retention_days = 5` writes a message: its writer's
# housekeeping drops the old day table and deletes the old RTCP row, and says so in the metrics.
"${PSQL_ADMIN[@]}" -c "CREATE DATABASE siphon_ret OWNER siphon" >/dev/null 2>"$TMP/retdb.err" ||
  fail "create siphon_ret: $(cat "$TMP/retdb.err")"
DB_NAME=siphon_ret
DB_URL="postgres://siphon:p%40ss%3Aw%2Frd@127.0.0.1:$PGPORT/$DB_NAME"
PSQLR=(timeout 30 "$BIN/psql" -X -q -h 127.0.0.1 -p "$PGPORT" -U siphon -d siphon_ret)
serve_start ret1 || exit 1
python3 "$CHECK" aged "$PORT" "${RUN}o" 10 20 >/dev/null
python3 "$CHECK" aged "$PORT" "${RUN}n" 0 20 >/dev/null
wait_stat stored 42 20
serve_stop ret1
old_day=$(date -u -d "@$(( $(date +%s) - 10 * 86400 ))" +%Y%m%d)
today=$(date -u +%Y%m%d)
[ "$("${PSQLR[@]}" -At -c "SELECT count(*) FROM sip_capture_$old_day")" = 20 ] || fail "no day table of 10 days ago to expire"
serve_start ret2 'retention = ["sip_capture_%Y%m%d=3"]
retention_days = 5' || exit 1
python3 "$CHECK" aged "$PORT" "${RUN}m" 0 1 >/dev/null
wait_stat stored 2 20
for _ in $(seq 100); do [ "$(stat_sink expired_tables)" = 1 ] && break; sleep 0.1; done
[ "$(stat_sink expired_tables)" = 1 ] || fail "expired_tables is $(stat_sink expired_tables), want 1"
curl -s "$API/metrics" | grep -q 'counter="expired_records"} [1-9]' || fail "/metrics has no expired_records"
serve_stop ret2
tables=$("${PSQLR[@]}" -At -c "SELECT string_agg(tablename, ',' ORDER BY tablename) FROM pg_tables WHERE schemaname = 'public'")
[ "$tables" = "rtcp_capture,sip_capture_$today" ] || fail "tables after retention: $tables, want rtcp_capture,sip_capture_$today"
rtcp=$("${PSQLR[@]}" -At -c "SELECT string_agg(correlation_id, ',' ORDER BY correlation_id) FROM rtcp_capture")
[ "$rtcp" = "${RUN}m-rtcp,${RUN}n-rtcp" ] || fail "rtcp_capture after retention: $rtcp (the 10-day-old row must go)"
DB_NAME=siphon_it
DB_URL="postgres://siphon:p%40ss%3Aw%2Frd@127.0.0.1:$PGPORT/$DB_NAME"

# ---- 4. a bad or unsupported db_url is refused at start, naming db_url ------------------------------
out=$(timeout 30 "$SIPHON" serve --db "postgres://u:topsecret@127.0.0.1:0/x" --listen "udp:127.0.0.1:$PORT" --http off 2>&1)
rc=$?
[ "$rc" = 2 ] || fail "bad port: exit $rc, want 2 ($out)"
case "$out" in *db_url*) ;; *) fail "bad db_url message does not name db_url: $out";; esac
case "$out" in *topsecret*) fail "the password appears in the error: $out";; esac
out=$(timeout 30 "$SIPHON" serve --db "redis://127.0.0.1:1/x" --listen "udp:127.0.0.1:$PORT" --http off 2>&1)
rc=$?
[ "$rc" = 2 ] || fail "redis://: exit $rc, want 2 ($out)"
case "$out" in *"unknown scheme"*) ;; *) fail "redis://: $out";; esac

if [ "$failures" -eq 0 ]; then echo "postgres_sink: all checks passed"; exit 0; fi
echo "postgres_sink: $failures failure(s)"
exit 1
