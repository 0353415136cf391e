#!/usr/bin/env bash
# `siphon decode` against real captures (tests/data/pcap), checked with tshark as the peer:
# record counts equal tshark's SIP message counts (from shared/corpus/MANIFEST.md, tshark 4.0),
# payloads are byte-exact, HEP captures give HEP records, NOT_SIP captures give none, and bad
# input gives the documented exit codes (docs/CLI.md).
#
# Usage: decode_cli_test.sh SIPHON_BINARY DATA_DIR
set -u

SIPHON=$1
DATA=$2/pcap
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
failures=0

fail() {
  echo "FAIL: $*"
  failures=$((failures + 1))
}

# file → SIP messages tshark counts (UDP-only captures; MANIFEST.md "SIP msgs").
declare -A EXPECTED=(
  [heplify__sip_ipv6_udp.pcap]=6
  [heplify__ipip0.pcap]=8
  [suricata-verify__public-cloudshark-sip-s0.pcap]=10
  [suricata-verify__sip_compact_form.pcap]=1
  [suricata-verify__sip_header_multi_val.pcap]=1
  [suricata-verify__sip_sdp.pcap]=2
  [pcapplusplus__sip_reqs.pcap]=4
  [pcapplusplus__sip_non_default_port.pcap]=2
  [pcapplusplus__sip_not_sdp.pcap]=1
  [pcapplusplus__sdp.pcap]=1
  [ndpi__sip_hello.pcapng]=8
  [zeek__sip-long-request-response-paths.pcap]=2
  [sipnab__DTMFsipinfo.pcap]=32
  [sipnab__h263-over-rtp.pcap]=4
  [sipnab__sip-rtp-opus-hybrid.pcap]=2
  [sipnab__sip-proxy.pcap]=11
  [sipnab__sip-register.pcap]=2
  [sipnab__sip-routing-error.pcapng]=58
  [sngrep__aaa.pcap]=81
  [sipnab__SIP_DTMF2.cap]=29
)

for f in "${!EXPECTED[@]}"; do
  want=${EXPECTED[$f]}
  if ! "$SIPHON" decode "$DATA/$f" >"$TMP/out.jsonl" 2>"$TMP/err.txt"; then
    fail "$f: exit status $? ($(cat "$TMP/err.txt"))"
    continue
  fi
  got=$(wc -l <"$TMP/out.jsonl")
  [ "$got" -eq "$want" ] || fail "$f: $got records, tshark counts $want"
  # Every record has a SIP start line (type 1 request or 2 reply).
  bad=$(jq -r 'select(.type != 1 and .type != 2) | .callid' "$TMP/out.jsonl" | wc -l)
  [ "$bad" -eq 0 ] || fail "$f: $bad records did not parse as SIP"
  grep -q "^decode: [0-9]* packets, $want records, skipped: " "$TMP/err.txt" ||
    fail "$f: summary line: $(cat "$TMP/err.txt")"
  # Text format: one line per record too.
  got_text=$("$SIPHON" decode --format text "$DATA/$f" 2>/dev/null | wc -l)
  [ "$got_text" -eq "$want" ] || fail "$f: --format text printed $got_text lines, want $want"
done

# Byte-exact payloads: each record's msg equals the UDP payload tshark shows, in order.
for f in suricata-verify__public-cloudshark-sip-s0.pcap heplify__sip_ipv6_udp.pcap \
         sipnab__sip-proxy.pcap ndpi__sip_hello.pcapng heplify__ipip0.pcap; do
  "$SIPHON" decode "$DATA/$f" >"$TMP/out.jsonl" 2>/dev/null
  tshark -r "$DATA/$f" -Y sip -T fields -e udp.payload 2>/dev/null | tr -d ':' >"$TMP/want.hex"
  : >"$TMP/got.hex"
  while IFS= read -r line; do
    printf '%s' "$line" | jq -j '.msg' | od -An -v -tx1 | tr -d ' \n' >>"$TMP/got.hex"
    echo >>"$TMP/got.hex"
  done <"$TMP/out.jsonl"
  cmp -s "$TMP/got.hex" "$TMP/want.hex" || fail "$f: msg bytes differ from tshark's udp.payload"
done

# HEP: 8 HEPv3 records, 6 SIP + 1 log (100) + 1 RTCP JSON (5); no parse_error on non-SIP.
f=hep-wireshark__hep.pcap
"$SIPHON" decode "$DATA/$f" >"$TMP/hep.jsonl" 2>"$TMP/err.txt" || fail "$f: exit status $?"
[ "$(wc -l <"$TMP/hep.jsonl")" -eq 8 ] || fail "$f: $(wc -l <"$TMP/hep.jsonl") records, want 8"
[ "$(jq -s '[.[] | select(.payload_type == 1)] | length' "$TMP/hep.jsonl")" -eq 6 ] ||
  fail "$f: want 6 SIP records"
[ "$(jq -s '[.[] | select(.payload_type == 100)] | length' "$TMP/hep.jsonl")" -eq 1 ] ||
  fail "$f: want 1 log record"
[ "$(jq -s '[.[] | select(.payload_type == 5)] | length' "$TMP/hep.jsonl")" -eq 1 ] ||
  fail "$f: want 1 RTCP JSON record"
[ "$(jq -s '[.[] | select(.hep_version == 3 and .capture_id == 2001 and .has_auth_key)] | length' \
    "$TMP/hep.jsonl")" -eq 8 ] || fail "$f: want hep_version 3, capture_id 2001, auth key"
[ "$(jq -s '[.[] | select(.payload_type != 1 and has("parse_error"))] | length' \
    "$TMP/hep.jsonl")" -eq 0 ] || fail "$f: non-SIP payloads must not carry parse_error"
[ "$(jq -s '[.[] | select(.correlation_id == "")] | length' "$TMP/hep.jsonl")" -eq 0 ] ||
  fail "$f: every record has a correlation_id"

# A HEP packet that does not decode: no record, the reason on stderr and in the summary, exit 0
# (bad input is data, not a failure).
f=synthetic__broken_hep.pcap
out=$("$SIPHON" decode "$DATA/$f" 2>"$TMP/err.txt")
rc=$?
[ $rc -eq 0 ] || fail "$f: exit status $rc"
[ -z "$out" ] || fail "$f: printed a record: $out"
grep -q "$f: packet 1: HEP packet not decoded: bad_total_length" "$TMP/err.txt" ||
  fail "$f: no HEP error line: $(cat "$TMP/err.txt")"
grep -q "errors: 1 (hep_bad_total_length: 1)" "$TMP/err.txt" ||
  fail "$f: summary does not count the HEP error: $(cat "$TMP/err.txt")"

# NOT_SIP controls: nothing to print, and that is a success.
for f in suricata-verify__ssdp__NOT_SIP.pcap heplify__ipv6_udp_fragmented__NOT_SIP.pcap \
         ndpi__4in4tunnel__NOT_SIP.pcap zeek__erspanI__NOT_SIP.pcap zeek__erspanIII__NOT_SIP.pcap; do
  out=$("$SIPHON" decode "$DATA/$f" 2>"$TMP/err.txt")
  rc=$?
  [ $rc -eq 0 ] || fail "$f: exit status $rc"
  [ -z "$out" ] || fail "$f: printed records: $out"
done
grep -q "fragment: 4" <("$SIPHON" decode "$DATA/heplify__ipv6_udp_fragmented__NOT_SIP.pcap" 2>&1) ||
  fail "fragments are not counted"

# Reassembly: SIP over TCP (stream reassembly, several messages per segment, one message over
# many segments, retransmissions), SIP over WebSocket, SCTP with a message split over two DATA
# chunks, IP fragments, IP-in-IP/GRE/ERSPAN tunnels. Counts are tshark's (MANIFEST.md or
# tests/data/pcap/SOURCES.md); `proto` 2 is TCP, 5 WS (Kamailio's transport enum).
declare -A REASSEMBLY_EXPECTED=(
  [suricata-verify__sip-tcp.pcap]=2 [heplify__sip_ipv4_tcp.pcap]=7
  [heplify__sip_tcp_websocket.pcap]=39 [heplify__sip_sctp.pcap]=4 [sngrep__ipip.pcap]=4
  [synthetic__sip_tcp_reassembly.pcap]=9 [synthetic__sip_tunnels.pcap]=10
  [synthetic__sip_fragments_sctp.pcap]=3)
for f in "${!REASSEMBLY_EXPECTED[@]}"; do
  n=$("$SIPHON" decode "$DATA/$f" 2>"$TMP/err.txt" | jq -r 'select(.type == 1 or .type == 2) | .method' | wc -l)
  [ "$n" -eq "${REASSEMBLY_EXPECTED[$f]}" ] || fail "$f: $n SIP records, tshark counts ${REASSEMBLY_EXPECTED[$f]} ($(cat "$TMP/err.txt"))"
done
# Byte-exact across reassembly: the 70,000-byte MESSAGE body comes out whole.
big=$("$SIPHON" decode "$DATA/synthetic__sip_tcp_reassembly.pcap" 2>/dev/null | jq -r 'select(.method == "MESSAGE") | .msg | length' | sort -n | tail -1)
[ "${big:-0}" -gt 70000 ] || fail "synthetic__sip_tcp_reassembly.pcap: the 70 KB MESSAGE is not whole ($big)"
# The fragmented INVITE is reassembled: one record of 3537 bytes.
len=$("$SIPHON" decode "$DATA/synthetic__sip_fragments_sctp.pcap" 2>/dev/null | jq -r 'select(.method == "INVITE") | .msg | length')
[ "$len" = 3537 ] || fail "synthetic__sip_fragments_sctp.pcap: reassembled INVITE is $len bytes, want 3537"

# Several files in one run.
n=$("$SIPHON" decode "$DATA/sipnab__sip-register.pcap" "$DATA/pcapplusplus__sdp.pcap" 2>/dev/null | wc -l)
[ "$n" -eq 3 ] || fail "two files: $n records, want 3"

# A file that is not a capture: exit 1 and a message naming it.
"$SIPHON" decode "$DATA/not-a-capture.pcap" >/dev/null 2>"$TMP/err.txt"
rc=$?
[ $rc -eq 1 ] || fail "not-a-capture.pcap: exit status $rc, want 1"
grep -q "not-a-capture.pcap: not a pcap or pcapng file (bad magic)" "$TMP/err.txt" ||
  fail "not-a-capture.pcap: message: $(cat "$TMP/err.txt")"
"$SIPHON" decode "$TMP/missing.pcap" >/dev/null 2>"$TMP/err.txt"
rc=$?
[ $rc -eq 1 ] || fail "missing file: exit status $rc, want 1"
grep -q "missing.pcap" "$TMP/err.txt" || fail "missing file: message does not name the file"

# Bad usage: exit 2.
"$SIPHON" decode --format xml "$DATA/pcapplusplus__sdp.pcap" >/dev/null 2>&1
rc=$?
[ $rc -eq 2 ] || fail "--format xml: exit status $rc, want 2"
"$SIPHON" decode >/dev/null 2>&1
rc=$?
[ $rc -eq 2 ] || fail "no FILE: exit status $rc, want 2"

# Issue 9: SIP is decided by content, not by a version number. A SIP/7.0 request, a SIP/7.0
# reply and a request line with trailing whitespace are kept, raw, with their parse_error; an
# SSDP NOTIFY and a SIP-shaped line without any header line stay "not SIP", counted.
REG=$(dirname "$DATA")/regressions
"$SIPHON" decode "$REG/issue-9-sip-by-content.pcap" >"$TMP/reg.jsonl" 2>"$TMP/reg.err" ||
  fail "issue 9 capture: exit status $?"
got=$(jq -r '[.callid, .parse_error] | join(" ")' "$TMP/reg.jsonl" | tr '\n' '|')
want="31417@c.example.com bad_version|31418@c.example.com bad_version|3291342@host1.example.com bad_start_line|"
[ "$got" = "$want" ] || fail "issue 9 capture: records '$got', want '$want'"
grep -q "^decode: 5 packets, 3 records, skipped: 2 (not sip: 2," "$TMP/reg.err" ||
  fail "issue 9 capture: summary: $(cat "$TMP/reg.err")"

# A HEP node name that is not UTF-8 beside a text payload: the record is printed, the bad
# byte as U+FFFD.
"$SIPHON" decode --format jsonl "$REG/hep-node-not-utf8.pcap" >"$TMP/node.jsonl" 2>"$TMP/node.err" ||
  fail "node not UTF-8: exit status $?"
[ "$(jq -r '.node + " " + .callid' "$TMP/node.jsonl")" = "$(printf 'node\xef\xbf\xbd n@x')" ] ||
  fail "node not UTF-8: $(cat "$TMP/node.jsonl" "$TMP/node.err")"

if [ $failures -ne 0 ]; then
  echo "$failures failure(s)"
  exit 1
fi
echo "decode_cli_test: all checks passed"
