#!/usr/bin/env bash
# Real-peer integration test of the agent: sngrep 1.6 (Debian) is the HEP receiver.
# `sngrep -N -q -L udp:127.0.0.1:PORT -O saved.pcap` listens for HEP without its curses
# interface (-N; no terminal is needed, none is given) and saves every decapsulated SIP message
# as a pcap. `siphon agent --pcap` replays real captures from tests/data/pcap as HEPv3 and HEPv2
# (sngrep has no HEPv1 and listens on UDP only; one version per listener, set with
# `set eep.listen.version N` in a config file given with -f). The saved pcap, read with tshark,
# must hold every message the agent sent (`siphon decode` of the same capture): the same
# (Call-ID, CSeq, first line) multiset, and per message the same payload bytes, timestamp,
# addresses and ports. sngrep's own quirks (peers/hep_receiver_check.py check_sngrep): it writes
# IPv6 addresses as 0.0.0.0 and every message as UDP, and pads HEPv2 payloads with NUL bytes to
# ~4 KB (the check strips trailing NULs for v2).
#
# Usage: sngrep_hep_test.sh SIPHON_BINARY DATA_DIR
#   env: VERSIONS="3 2", KEEP=1 keeps the work directory.
# Each sngrep runs under `timeout 120` and is stopped by PID (trap); every wait is bounded;
# loopback only. Installs sngrep and tshark with apt if missing; exit 77 (skipped) when that
# is not possible.
set -u

SIPHON=$(realpath "${1:?usage: $0 SIPHON_BINARY DATA_DIR}")
DATA=$(realpath "${2:?usage: $0 SIPHON_BINARY DATA_DIR}")/pcap
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
PEERS=$HERE/peers
CHECK=$PEERS/hep_receiver_check.py
VERSIONS=${VERSIONS:-"3 2"}
TMP=$(mktemp -d /tmp/siphon-sngrep-it.XXXXXX)
SPID=""
failures=0

log() { echo "sngrep_hep: $*"; }
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }

stop_sngrep() {  # SIGTERM (sngrep closes its pcap), wait up to 5 s, then SIGKILL
  [ -n "$SPID" ] || return 0
  if kill -0 "$SPID" 2>/dev/null; then
    kill -TERM "$SPID" 2>/dev/null
    for _ in $(seq 50); do kill -0 "$SPID" 2>/dev/null || break; sleep 0.1; done
    kill -0 "$SPID" 2>/dev/null && kill -KILL "$SPID" 2>/dev/null
  fi
  wait "$SPID" 2>/dev/null
  SPID=""
}
cleanup() {
  stop_sngrep
  if [ "${KEEP:-0}" = 1 ] || [ "$failures" -ne 0 ]; then log "work directory kept: $TMP"; else rm -rf "$TMP"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

bash "$PEERS/install-hep-receivers.sh" sngrep tshark >"$TMP/install.log" 2>&1
rc=$?
if [ $rc -eq 3 ]; then log "SKIP: cannot install sngrep: $(tail -1 "$TMP/install.log")"; exit 77; fi
[ $rc -eq 0 ] || { fail "installing the peers: $(tail -3 "$TMP/install.log")"; exit 1; }
log "$(sngrep -V 2>/dev/null | head -1)"
sngrep -V 2>/dev/null | grep -q "EEP/HEP support" || { fail "this sngrep has no EEP/HEP support"; exit 1; }

# file -> SIP messages tshark counts (tests/data/pcap/SOURCES.md)
FILES="sngrep__aaa.pcap:81 heplify__sip_tcp_websocket.pcap:39 heplify__sip_ipv6_udp.pcap:6
       synthetic__sip_tunnels.pcap:10 sipnab__sip-routing-error.pcapng:58 heplify__sip_sctp.pcap:4
       sngrep__ipip.pcap:4"
: >"$TMP/decoded.jsonl"
for item in $FILES; do
  "$SIPHON" decode "$DATA/${item%:*}" >>"$TMP/decoded.jsonl" 2>/dev/null || fail "decode ${item%:*}"
done

frames() { python3 "$CHECK" pcap-frames "$1"; }

for version in $VERSIONS; do
  W=$TMP/v$version
  mkdir -p "$W"
  printf 'set eep.listen.version %s\n' "$version" >"$W/sngreprc"
  PORT=$(python3 "$CHECK" free-port)
  # -F: ignore ~/.sngreprc and /etc/sngreprc; -f: only our setting. HOME is the work dir so
  # nothing of the user's is read or written.
  HOME=$W timeout 120 sngrep -F -f "$W/sngreprc" -N -q -L "udp:127.0.0.1:$PORT" -O "$W/saved.pcap" \
    >"$W/sngrep.log" 2>&1 &
  SPID=$!
  for _ in $(seq 100); do ss -Hlun "sport = :$PORT" 2>/dev/null | grep -q "127.0.0.1:$PORT" && break; sleep 0.1; done
  if ! ss -Hlun "sport = :$PORT" 2>/dev/null | grep -q "127.0.0.1:$PORT"; then
    fail "v$version: sngrep did not listen on udp:127.0.0.1:$PORT: $(head -3 "$W/sngrep.log")"
    stop_sngrep; continue
  fi

  total=0
  declare -A SAVED=()
  for item in $FILES; do
    f=${item%:*}; want=${item#*:}
    before=$(frames "$W/saved.pcap")
    if ! "$SIPHON" agent --pcap "$DATA/$f" --hep "udp:127.0.0.1:$PORT" --hep-version "$version" \
         --capture-id 2024 2>"$W/agent.err"; then
      fail "v$version $f: agent exit status $? ($(cat "$W/agent.err"))"; continue
    fi
    grep -q "^agent: read [0-9]* packets, $want records, sent $want, .* dropped 0" "$W/agent.err" ||
      fail "v$version $f: agent summary: $(cat "$W/agent.err")"
    total=$((total + want))
    # sngrep writes each message to its pcap as it arrives; wait (10 s at most) for all of them
    # (one file at a time: sngrep drops HEP that arrives in bursts of hundreds, shared/peers/README §6).
    for _ in $(seq 100); do [ "$(frames "$W/saved.pcap")" -ge "$total" ] && break; sleep 0.1; done
    SAVED[$f]=$(( $(frames "$W/saved.pcap") - before ))
  done
  sleep 0.3  # a duplicate would show up now
  stop_sngrep
  if ! python3 "$CHECK" sngrep "$W/saved.pcap" "$TMP/decoded.jsonl" "$version" >"$W/check.txt" 2>&1; then
    fail "v$version: sngrep's saved messages differ from what the agent sent:"
    grep FAIL "$W/check.txt" | head -20
  fi
  log "HEPv$version/udp: $(grep '^saved' "$W/check.txt")"
  for item in $FILES; do f=${item%:*}; log "  $f: sent ${item#*:}, saved ${SAVED[$f]:-0}"; done
  unset SAVED
done

[ "$failures" -eq 0 ] && log "all checks passed"
exit $((failures > 0))
