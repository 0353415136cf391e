#!/usr/bin/env bash
# HEP routing between real processes on loopback (docs/CLI.md "Routing rules"):
#
#  1. A chain of three collectors: `siphon serve` A takes an agent's HEP (sngrep__aaa.pcap, 81
#     SIP messages, with an auth key), and one rule deletes the auth key, sets the capture id
#     and node, sets custom_field1, and relays to `siphon serve` B (HEPv3/TCP) and to Kamailio
#     5.6 sipcapture (HEPv3/UDP, the real peer). B must store every message with A's edits;
#     Kamailio must store every relayed message (with the capture id A set).
#  2. B is stopped (SIGTERM) in the middle of a 20,000-message stream and started again on the
#     same store: B ends with every message A relayed, none twice (A spools while B is away and
#     replays in order; B drains its senders when it stops).
#  3. A loop: C relays everything to D and D to C. Each stores every message once, and each
#     counts the other's copies of its own packets as relay_loop drops.
#  4. Split and report in the embedded store, read with the sqlite3 shell: a named hep_route
#     sends RTCP to report_capture and SIP of one capture id to its own table.
#
# Usage: hep_route_test.sh SIPHON_BINARY HEP_LOAD_BINARY SQLITE_EXTENSION
# Installs kamailio, kamailio-sqlite-modules and sqlite3 with apt if missing; without them the
# Kamailio checks are skipped (the rest still runs). Every process started here is stopped by
# PID (trap); every wait and every load loop is bounded; loopback only. KEEP=1 keeps the files.
set -u

SIPHON=$(realpath "${1:?usage: $0 SIPHON HEP_LOAD SQLITE_EXTENSION}")
LOAD=$(realpath "${2:?usage: $0 SIPHON HEP_LOAD SQLITE_EXTENSION}")
EXT=$(realpath "${3:?usage: $0 SIPHON HEP_LOAD SQLITE_EXTENSION}")
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
PEERS=$HERE/peers
DATA=$HERE/../data/pcap
TMP=$(mktemp -d /tmp/siphon-route-it.XXXXXX)
declare -A PIDS
failures=0

log() { echo "hep_route: $*"; }
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }
stop() {  # stop NAME: SIGTERM, wait up to 10 s, then SIGKILL
  local pid=${PIDS[$1]:-}
  [ -n "$pid" ] || return 0
  kill -TERM "$pid" 2>/dev/null
  for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  if kill -0 "$pid" 2>/dev/null; then log "$1 ($pid) did not stop on SIGTERM; SIGKILL"; kill -KILL "$pid"; fi
  wait "$pid" 2>/dev/null
  unset "PIDS[$1]"
}
cleanup() {
  for name in "${!PIDS[@]}"; do stop "$name"; done
  if [ "${KEEP:-0}" = 1 ] || [ "$failures" -ne 0 ]; then log "work directory kept: $TMP"; else rm -rf "$TMP"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

read -r PA PB PC PD PE PK HA HB HC HD HE < <(python3 "$PEERS/siptrace_check.py" free-ports 11)

serve() {  # serve NAME HTTP_PORT TOML: starts `siphon serve` NAME, waits until it listens
  # Top-level keys first: everything after a [[route]] header belongs to that table.
  printf 'http = "127.0.0.1:%s"\ndb_url = "sqlite:%s"\n' "$2" "$TMP/$1.db" >"$TMP/$1.toml"
  printf '%s\n' "$3" >>"$TMP/$1.toml"
  timeout 600 "$SIPHON" serve -c "$TMP/$1.toml" >>"$TMP/$1.out" 2>>"$TMP/$1.err" &
  PIDS[$1]=$!
  for _ in $(seq 100); do
    [ "$(grep -c '^http on' "$TMP/$1.out" 2>/dev/null)" -ge "${4:-1}" ] && return 0
    kill -0 "${PIDS[$1]}" 2>/dev/null || break
    sleep 0.1
  done
  fail "$1 did not start: $(tail -3 "$TMP/$1.err")"
  return 1
}
stat() {  # stat HTTP_PORT KEY: a counter of `siphon ctl stats --format json` (dotted path)
  timeout 5 "$SIPHON" ctl --api "http://127.0.0.1:$1" stats --format json 2>/dev/null | python3 -c '
import json, sys
v = json.load(sys.stdin)
for k in sys.argv[1].split("."):
    v = v.get(k, 0) if isinstance(v, dict) else 0
print(v)' "$2" 2>/dev/null || echo -1
}
wait_stat() {  # wait_stat HTTP_PORT KEY VALUE SECONDS
  local v
  for _ in $(seq $(($4 * 10))); do
    v=$(stat "$1" "$2")
    [ "$v" = "$3" ] && return 0
    sleep 0.1
  done
  fail "$1: stats $2 is $v after $4 s, want $3"
  return 1
}
stage() {  # stage HTTP_PORT STAGE COUNTER: one counter of one stage (`ctl stats` text form)
  timeout 5 "$SIPHON" ctl --api "http://127.0.0.1:$1" stats 2>/dev/null |
    grep -F "$2:" | grep -o "[ ;]$3=[0-9]*" | head -1 | cut -d= -f2
}
# Every stored record of a store: one JSON object per line.
records() { timeout 60 "$SIPHON" search --db "sqlite:$TMP/$1.db" --limit 1000000 --format jsonl 2>/dev/null; }

# ---- Kamailio sipcapture, when it can be had ----------------------------------------------------
KAMAILIO=""
if bash "$PEERS/install-hep-receivers.sh" kamailio kamailio-sqlite-modules sqlite3 >"$TMP/install.log" 2>&1; then
  KAMAILIO=$(command -v kamailio || echo /usr/sbin/kamailio)
  MODULES=$(dirname "$(dpkg -L kamailio-sqlite-modules | grep '/db_sqlite.so$' | head -1)")
else
  log "SKIP the Kamailio checks: $(tail -1 "$TMP/install.log")"
fi
command -v sqlite3 >/dev/null || { fail "sqlite3 is not installed"; exit 1; }
if [ -n "$KAMAILIO" ]; then
  mkdir -p "$TMP/k/run"
  sqlite3 "$TMP/k/capture.db" <"$PEERS/sip_capture-sqlite.sql" && sqlite3 "$TMP/k/capture.db" "PRAGMA journal_mode=WAL;" >/dev/null
  "$KAMAILIO" -DD -E -f "$PEERS/kamailio-sipcapture.cfg" -L "$MODULES" -w "$TMP/k" -Y "$TMP/k/run" \
    -P "$TMP/k/kamailio.pid" -A "DBURL=\"sqlite:///$TMP/k/capture.db\"" -A "HEP_ADDR=127.0.0.1" \
    -A "HEP_PORT=$PK" >"$TMP/k/kamailio.log" 2>&1 &
  PIDS[kamailio]=$!
  for _ in $(seq 100); do ss -Hlun "sport = :$PK" | grep -q "127.0.0.1:$PK" && break; sleep 0.1; done
  ss -Hlun "sport = :$PK" | grep -q "127.0.0.1:$PK" || fail "Kamailio did not listen: $(tail -3 "$TMP/k/kamailio.log")"
  sleep 0.3  # its worker opens the database after the socket is bound
fi
krows() { sqlite3 -cmd ".timeout 2000" "$TMP/k/capture.db" "$1" 2>/dev/null || echo -1; }

# ---- 1. A -> B and Kamailio, with A's chunk edits ---------------------------------------------
RELAYS="\"tcp:127.0.0.1:$PB\""
[ -n "$KAMAILIO" ] && RELAYS="$RELAYS, \"udp:127.0.0.1:$PK\""
B_TOML="listen = [\"udp:127.0.0.1:$PB\", \"tcp:127.0.0.1:$PB\"]"
serve b "$HB" "$B_TOML" || exit 1
serve a "$HA" "listen = [\"udp:127.0.0.1:$PA\"]
relay_spool_dir = \"$TMP/a-spool\"
[[route]]
capture_id = 2023
del_chunk = [\"auth_key\"]
set_chunk = [\"captagent_id=2999\", \"node=edge-1\"]
custom_field1 = \"via-\$hep_net(dst_port)\"
relay = [$RELAYS]" || exit 1
printf 'hep_auth_key = "agent-key"\n' >"$TMP/agent.toml"
"$SIPHON" agent -c "$TMP/agent.toml" --pcap "$DATA/sngrep__aaa.pcap" --hep "udp:127.0.0.1:$PA" \
  --capture-id 2023 >/dev/null 2>"$TMP/agent.err" || fail "agent: $(cat "$TMP/agent.err")"
wait_stat "$HA" stored 81 20
wait_stat "$HB" stored 81 20
if [ -n "$KAMAILIO" ]; then
  for _ in $(seq 100); do [ "$(krows 'SELECT count(*) FROM sip_capture')" -ge 81 ] && break; sleep 0.1; done
  k=$(krows "SELECT count(*) || ',' || sum(node LIKE '%:2999') FROM sip_capture")
  [ "$k" = "81,81" ] || fail "Kamailio stored '$k' (rows, rows with capture id 2999), want 81,81"
  grep -E "Not all elements|couldn't parse hepv3|unknown protocol|hep_payload is over" "$TMP/k/kamailio.log" &&
    fail "Kamailio complained about our HEP"
  log "1: A stored 81, relayed to B (stored $(stat "$HB" stored)) and Kamailio (stored ${k%,*})"
fi
records b | python3 -c '
import json, sys
bad = 0
rows = [json.loads(l) for l in sys.stdin if l.strip()]
for r in rows:
    if r["capture_id"] != 2999 or r["node"] != "edge-1" or r["has_auth_key"] or r["custom_field1"] != "via-'"$PA"'":
        bad += 1
if len(rows) != 81 or bad:
    print("FAIL: B: %d rows, %d without the edits: %s" % (len(rows), bad, rows[:1])); sys.exit(1)
' || failures=$((failures + 1))
[ "$(records a | grep -c '"capture_id":2999')" = 81 ] || fail "A does not store the edited records"

# ---- 2. B stops mid-stream and comes back: every message, none twice ------------------------
"$LOAD" --target "udp:127.0.0.1:$PA" --count 20000 --rate 5000 --max-seconds 30 --capture-id 2023 \
  --run-id kb >"$TMP/load.json" 2>&1 &
LOADPID=$!
sleep 1.5
stop b
sleep 1
serve b "$HB" "$B_TOML" 2 || exit 1
wait "$LOADPID" || fail "load generator: $(cat "$TMP/load.json")"
sent=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["sent"])' "$TMP/load.json")
wait_stat "$HA" stored $((81 + sent)) 30
first=$(grep '^serve: received' "$TMP/b.err" | head -1 | awk '{print $3}' | tr -d ,)  # B's first run
wait_stat "$HB" stored $((81 + sent - first)) 60
stop b
spooled=$(stage "$HA" "hep_out tcp:127.0.0.1:$PB" spooled)
replayed=$(stage "$HA" "hep_out tcp:127.0.0.1:$PB" replayed)
records b | python3 -c '
import json, sys
want = int(sys.argv[1])
keys = [(r["callid"], r["cseq"], r["micro_ts"], r["method"]) for r in map(json.loads, filter(str.strip, sys.stdin))]
if len(keys) != want or len(set(keys)) != want:
    print("FAIL: B after its restart: %d records, %d distinct, want %d" % (len(keys), len(set(keys)), want)); sys.exit(1)
' $((81 + sent)) || failures=$((failures + 1))
[ "$spooled" = "$replayed" ] && [ "${spooled:-0}" -gt 0 ] || fail "A spooled $spooled and replayed $replayed while B was away"
log "2: $sent messages; B stopped and restarted mid-stream; A spooled and replayed $spooled; B has all $((81 + sent)), none twice"
stop a

# ---- 3. C and D relay to each other -----------------------------------------------------------
serve c "$HC" "listen = [\"udp:127.0.0.1:$PC\"]
[[route]]
relay = [\"udp:127.0.0.1:$PD\"]" || exit 1
serve d "$HD" "listen = [\"udp:127.0.0.1:$PD\"]
[[route]]
relay = [\"udp:127.0.0.1:$PC\"]" || exit 1
"$LOAD" --target "udp:127.0.0.1:$PC" --count 1000 --rate 5000 --run-id lc >/dev/null 2>&1 || fail "load to C"
"$LOAD" --target "udp:127.0.0.1:$PD" --count 500 --rate 5000 --run-id ld >/dev/null 2>&1 || fail "load to D"
wait_stat "$HC" stored 1500 20
wait_stat "$HD" stored 1500 20
wait_stat "$HC" dropped_by_reason.relay_loop 1000 10
wait_stat "$HD" dropped_by_reason.relay_loop 500 10
sleep 0.5
[ "$(stat "$HC" stored),$(stat "$HD" stored)" = "1500,1500" ] || fail "the loop stored more than once"
log "3: C and D relay to each other: each stored 1500; relay_loop C $(stat "$HC" dropped_by_reason.relay_loop), D $(stat "$HD" dropped_by_reason.relay_loop)"
stop c
stop d

# ---- 4. a named hep_route: RTCP to report_capture, capture id 2001 to its own table ------------
serve e "$HE" "listen = [\"udp:127.0.0.1:$PE\"]
hep_route = \"split\"
[[route]]
name = \"split\"
payload_type = \"rtcp\"
report_capture = { correlation = \"\$hep(correlation_id)\", table = \"rtcp_capture\" }
[[route]]
name = \"split\"
capture_id = 2001
payload_type = 1
table = \"sip_capture_agent2001\"" || exit 1
"$SIPHON" agent --pcap "$DATA/hep-wireshark__hep.pcap" --hep "udp:127.0.0.1:$PE" >/dev/null 2>"$TMP/agent4.err" ||
  fail "agent: $(cat "$TMP/agent4.err")"
wait_stat "$HE" stored 8 20
stop e
shell=$(sqlite3 -cmd ".load $EXT" "$TMP/e.db" \
  "SELECT (SELECT count(*) FROM rtcp_capture) || ',' || (SELECT count(*) FROM sip_capture WHERE tbl = 'sip_capture_agent2001') || ',' || (SELECT count(*) FROM logs_capture) || ',' || (SELECT count(*) FROM rtcp_capture WHERE correlation_id <> '')" 2>&1)
[ "$shell" = "1,6,1,1" ] || fail "sqlite3 shell: rtcp_capture, sip_capture_agent2001, logs_capture, correlated: '$shell', want 1,6,1,1"
log "4: sqlite3 shell: rtcp_capture 1 (correlated), sip_capture_agent2001 6, logs_capture 1"

[ "$failures" -eq 0 ] && log "all checks passed"
exit $((failures > 0))
