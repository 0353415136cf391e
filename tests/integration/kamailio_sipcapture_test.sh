#!/usr/bin/env bash
# Real-peer integration test of the agent: Kamailio 5.6 (Debian) `sipcapture` is the HEP
# receiver. `siphon agent --pcap` replays real captures from tests/data/pcap as HEP v1, v2 and
# v3 over UDP and HEPv3 over TCP; Kamailio must store every message in its sip_capture table
# (SQLite), and each stored row must equal `siphon decode` of the same capture: per Call-ID
# counts, payload byte-exact (msg column), source/destination ip and port, family, transport,
# micro_ts (v2/v3; v1 has no timestamp, Kamailio stamps the arrival time), node
# "capture_node:capture id" (v1: no capture id). See peers/hep_receiver_check.py.
#
# Messages Kamailio itself refuses (its core SIP parser, not the HEP) are listed with the reason
# in peers/kamailio-sipcapture-refused.tsv; the check requires Kamailio's log to say so. Today:
# the 6 messages of heplify__sip_ipv6_udp.pcap (IPv6 in Via without brackets); IPv6 HEP itself
# is covered by synthetic__sip_tunnels.pcap.
#
# Usage: kamailio_sipcapture_test.sh SIPHON_BINARY DATA_DIR
#   env: CASES="udp:1 udp:2 udp:3 tcp:3", KEEP=1 keeps the work directory.
# Kamailio runs as one foreground process (-DD) on 127.0.0.1:free port with its own work dir,
# runtime dir and pid file; it is stopped by PID (trap). Every wait is bounded; loopback only.
# Installs kamailio, kamailio-sqlite-modules and sqlite3 with apt if missing; exit 77 (skipped)
# when that is not possible.
#
# HEP over TCP: Kamailio 5.6 takes HEPv3/TCP only through its non-SIP hook (tcp_accept_hep3,
# tcp_accept_no_cl, sipcapture nonsip_hook=1), and with the hook on it stops storing HEP over UDP
# (shared/peers/README.md §4), so the tcp case runs a TCP-only Kamailio. v1/v2 have no length
# field and are UDP only (the agent refuses them over TCP).
set -u

SIPHON=$(realpath "${1:?usage: $0 SIPHON_BINARY DATA_DIR}")
DATA=$(realpath "${2:?usage: $0 SIPHON_BINARY DATA_DIR}")/pcap
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
PEERS=$HERE/peers
CHECK=$PEERS/hep_receiver_check.py
REFUSED=$PEERS/kamailio-sipcapture-refused.tsv
CASES=${CASES:-"udp:1 udp:2 udp:3 tcp:3"}
CAPID=2023
NODE=siphon-it
TMP=$(mktemp -d /tmp/siphon-sipcapture-it.XXXXXX)
KPID=""
failures=0

log() { echo "kamailio_sipcapture: $*"; }
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }

stop_kamailio() {  # SIGTERM, wait up to 10 s, then SIGKILL; Kamailio stops its children itself
  [ -n "$KPID" ] || return 0
  if kill -0 "$KPID" 2>/dev/null; then
    kill -TERM "$KPID" 2>/dev/null
    for _ in $(seq 100); do kill -0 "$KPID" 2>/dev/null || break; sleep 0.1; done
    if kill -0 "$KPID" 2>/dev/null; then
      log "kamailio $KPID did not stop on SIGTERM; SIGKILL"
      kill -KILL "$KPID" 2>/dev/null
    fi
  fi
  wait "$KPID" 2>/dev/null
  KPID=""
}
cleanup() {
  stop_kamailio
  if [ "${KEEP:-0}" = 1 ] || [ "$failures" -ne 0 ]; then log "work directory kept: $TMP"; else rm -rf "$TMP"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# ---------------------------------------------------------------- prerequisites
bash "$PEERS/install-hep-receivers.sh" kamailio kamailio-sqlite-modules sqlite3 >"$TMP/install.log" 2>&1
rc=$?
if [ $rc -eq 3 ]; then log "SKIP: cannot install Kamailio: $(tail -1 "$TMP/install.log")"; exit 77; fi
[ $rc -eq 0 ] || { fail "installing the peers: $(tail -3 "$TMP/install.log")"; exit 1; }
KAMAILIO=$(command -v kamailio || echo /usr/sbin/kamailio)
MODULES=$(dirname "$(dpkg -L kamailio-sqlite-modules | grep '/db_sqlite.so$' | head -1)")
[ -x "$KAMAILIO" ] && [ -f "$MODULES/sipcapture.so" ] || { fail "kamailio or its modules not found"; exit 1; }
log "$("$KAMAILIO" -v 2>/dev/null | head -1)"

# file -> SIP messages tshark counts (tests/data/pcap/SOURCES.md); `siphon decode` gives the
# same records, which are the reference for every stored row.
FILES="sngrep__aaa.pcap:81 heplify__sip_tcp_websocket.pcap:39 heplify__sip_ipv6_udp.pcap:6
       synthetic__sip_tunnels.pcap:10 sipnab__sip-routing-error.pcapng:58 heplify__sip_sctp.pcap:4
       sngrep__ipip.pcap:4"
: >"$TMP/decoded.jsonl"
for item in $FILES; do
  f=${item%:*}
  "$SIPHON" decode "$DATA/$f" >"$TMP/$f.jsonl" 2>/dev/null || fail "decode $f"
  cat "$TMP/$f.jsonl" >>"$TMP/decoded.jsonl"
done

rows() { sqlite3 -cmd ".timeout 2000" "$1" "SELECT count(*) FROM sip_capture" 2>/dev/null || echo -1; }
listening() {  # listening tcp|udp PORT
  local flag=-Hlun
  [ "$1" = tcp ] && flag=-Hltn
  ss $flag "sport = :$2" 2>/dev/null | grep -q "127.0.0.1:$2"
}

declare -A SUMMARY
for case in $CASES; do
  transport=${case%%:*}; version=${case#*:}
  W=$TMP/$transport-v$version
  mkdir -p "$W/run"
  DB=$W/capture.db
  sqlite3 "$DB" <"$PEERS/sip_capture-sqlite.sql" || { fail "$case: schema"; continue; }
  # WAL: the test polls the row count while Kamailio writes; db_sqlite has no busy timeout, so
  # in rollback-journal mode a concurrent reader makes Kamailio's INSERT fail ("database is
  # locked"). WAL is a property of the file, so setting it here is enough.
  sqlite3 "$DB" "PRAGMA journal_mode=WAL;" >/dev/null
  PORT=$(python3 "$CHECK" free-port)
  # db_sqlite takes the text after "sqlite://" as the path: "sqlite:///tmp/x" is the relative
  # "tmp/x" (Kamailio chdirs to -w), so the absolute $DB makes it "sqlite:////tmp/...".
  defs=(-A "DBURL=\"sqlite:///$DB\"" -A "HEP_ADDR=127.0.0.1" -A "HEP_PORT=$PORT")
  [ "$transport" = tcp ] && defs+=(-A WITH_TCP)
  # -DD: no daemon, but Kamailio forks its workers; stopping the main PID stops them all.
  "$KAMAILIO" -DD -E -f "$PEERS/kamailio-sipcapture.cfg" -L "$MODULES" -w "$W" -Y "$W/run" \
    -P "$W/kamailio.pid" "${defs[@]}" >"$W/kamailio.log" 2>&1 &
  KPID=$!
  for _ in $(seq 100); do listening "$transport" "$PORT" && break; sleep 0.1; done
  if ! listening "$transport" "$PORT"; then
    fail "$case: Kamailio did not listen on $transport:127.0.0.1:$PORT: $(grep -E 'ERROR|CRITICAL' "$W/kamailio.log" | head -3)"
    stop_kamailio; continue
  fi
  sleep 0.3  # workers finish child_init (database connection) after the socket is bound

  stored_total=0
  want_total=0
  for item in $FILES; do
    f=${item%:*}; want=${item#*:}
    # --replay-speed max, as before pacing existed: Kamailio closes a HEP/TCP connection on a
    # message it cannot parse (heplify__sip_ipv6_udp.pcap), and what it stores of a file sent
    # at once is what this test counts; a paced sender would meet the closed connection.
    if ! "$SIPHON" agent --pcap "$DATA/$f" --hep "$transport:127.0.0.1:$PORT" --hep-version "$version" \
         --capture-id "$CAPID" --replay-speed max 2>"$W/agent.err"; then
      fail "$case $f: agent exit status $? ($(cat "$W/agent.err"))"; continue
    fi
    grep -q "^agent: read [0-9]* packets, $want records, sent $want, .* dropped 0" "$W/agent.err" ||
      fail "$case $f: agent summary: $(cat "$W/agent.err")"
    want_total=$((want_total + $(python3 "$CHECK" expect-stored "$TMP/$f.jsonl" "$REFUSED" "$transport")))
    # Wait (10 s at most) until Kamailio stored what it should; anything missing is reported by
    # the check below.
    for _ in $(seq 100); do [ "$(rows "$DB")" -ge "$want_total" ] && break; sleep 0.1; done
    n=$(rows "$DB")
    SUMMARY[$case:$f]="sent $want, stored $((n - stored_total))"
    stored_total=$n
  done
  sleep 0.5  # anything stored beyond what was sent would show up now
  stop_kamailio

  # HEP-level complaints would mean Kamailio did not take our packets as HEP at all.
  if grep -E "Not all elements|NO IP's set|couldn't parse hepv3|unsupported family|unknown protocol|hep_payload is over|len less than offset|database is locked" \
       "$W/kamailio.log" >"$W/hep-errors.txt"; then
    fail "$case: Kamailio logged HEP/storage errors: $(head -3 "$W/hep-errors.txt")"
  fi
  if ! python3 "$CHECK" kamailio "$DB" "$TMP/decoded.jsonl" "$version" "$CAPID" "$NODE" \
       "$W/kamailio.log" "$transport" --refused "$REFUSED" >"$W/check.txt" 2>&1; then
    fail "$case: stored rows differ from what the agent sent:"
    grep FAIL "$W/check.txt" | head -20
  fi
  log "HEPv$version/$transport: $(grep '^stored' "$W/check.txt")"
  for item in $FILES; do f=${item%:*}; log "  $f: ${SUMMARY[$case:$f]:-not run}"; done
done

[ "$failures" -eq 0 ] && log "all checks passed"
exit $((failures > 0))
