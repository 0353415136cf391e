#!/usr/bin/env bash
# `siphon flow` and `siphon export` on calls stored by a real `siphon serve`:
#  * load-generator calls (HEPv3/UDP): flow text/svg/html of one call; export -> tshark reads back
#    the 7 SIP messages, Call-ID and payload bytes equal to what `siphon search` stored;
#  * a B2BUA call sent as HEPv3 built here: leg A over UDP, leg B over TCP pointing at A with
#    X-CID, leg C tied by OpenSIPS extra correlation (chunk 0x0065) and leg D by HEP 0x0011;
#    flow by any leg shows all four legs; export writes UDP and TCP frames tshark decodes as SIP,
#    byte-exact;
#  * exit codes: unknown Call-ID -> 1, no id or both ids -> 2.
#
# Usage: flow_export_test.sh SIPHON_BINARY LOADGEN_BINARY
# Every process started here is stopped by PID (trap); every wait is bounded; loopback only.
set -u

SIPHON=$(realpath "${1:?usage: $0 SIPHON_BINARY LOADGEN_BINARY}")
LOADGEN=$(realpath "${2:?usage: $0 SIPHON_BINARY LOADGEN_BINARY}")
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
TMP=$(mktemp -d /tmp/siphon-flow-export-it.XXXXXX)
SERVE_PID=""
failures=0

fail() { echo "FAIL: $*"; failures=$((failures + 1)); }
cleanup() {
  if [ -n "$SERVE_PID" ] && kill -0 "$SERVE_PID" 2>/dev/null; then
    kill -TERM "$SERVE_PID" 2>/dev/null
    for _ in $(seq 50); do kill -0 "$SERVE_PID" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$SERVE_PID" 2>/dev/null
    wait "$SERVE_PID" 2>/dev/null
  fi
  if [ "$failures" -ne 0 ] || [ "${KEEP:-0}" = 1 ]; then echo "flow_export: work directory kept: $TMP"; else rm -rf "$TMP"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

command -v tshark >/dev/null || { echo "flow_export: tshark not installed"; exit 1; }
read -r PORT HTTP < <(python3 "$HERE/peers/siptrace_check.py" free-ports 2)
API="http://127.0.0.1:$HTTP"
RUN=fe$$x$RANDOM
DB="sqlite:$TMP/it.db"

timeout 120 "$SIPHON" serve --listen "udp:127.0.0.1:$PORT" --db "$DB" --http "127.0.0.1:$HTTP" \
  >"$TMP/serve.out" 2>"$TMP/serve.err" &
SERVE_PID=$!
for _ in $(seq 100); do
  grep -q "^listening on udp:127.0.0.1:$PORT" "$TMP/serve.out" 2>/dev/null && break
  kill -0 "$SERVE_PID" 2>/dev/null || break
  sleep 0.1
done
grep -q "^listening on udp:127.0.0.1:$PORT" "$TMP/serve.out" || { fail "serve did not start: $(cat "$TMP/serve.out" "$TMP/serve.err")"; exit 1; }

# ---- traffic: 20 load-generator scenarios, then one B2BUA call built here -------------------------
timeout 60 "$LOADGEN" --target "udp:127.0.0.1:$PORT" --count 140 --rate 2000 --run-id "$RUN" \
  --max-seconds 30 >"$TMP/load.json" 2>"$TMP/load.err" || fail "siphon-hep-load: exit $? ($(cat "$TMP/load.err"))"

python3 - "$PORT" "$RUN" "$TMP/b2bua.json" <<'PY' || fail "sending the B2BUA call"
import json, socket, struct, sys, time
port, run, out = int(sys.argv[1]), sys.argv[2], sys.argv[3]

def chunk(t, v):
    return struct.pack("!HHH", 0, t, 6 + len(v)) + v

def hep(payload, src, dst, sport, dport, proto, ts, corr=None, extra=None):
    body = chunk(1, b"\x02") + chunk(2, bytes([proto]))
    body += chunk(3, socket.inet_aton(src)) + chunk(4, socket.inet_aton(dst))
    body += chunk(7, struct.pack("!H", sport)) + chunk(8, struct.pack("!H", dport))
    body += chunk(9, struct.pack("!I", int(ts))) + chunk(10, struct.pack("!I", int(ts * 1e6) % 1000000))
    body += chunk(11, b"\x01") + chunk(12, struct.pack("!I", 2001))
    if corr: body += chunk(0x11, corr.encode())
    if extra: body += chunk(0x65, extra.encode())
    body += chunk(0x13, b"b2bua1") + chunk(15, payload)
    return b"HEP3" + struct.pack("!H", 6 + len(body)) + body

def msg(first, cid, branch, cseq, extra_headers="", body=""):
    reply = first[0].isdigit()
    s = ("SIP/2.0 %s\r\n" % first) if reply else ("%s sip:bob@192.0.2.20 SIP/2.0\r\n" % first)
    s += "Via: SIP/2.0/UDP 192.0.2.10:5060;branch=%s\r\n" % branch
    s += "From: <sip:alice@example.com>;tag=a1\r\nTo: <sip:bob@example.com>%s\r\n" % (";tag=b1" if reply else "")
    s += "Call-ID: %s\r\nCSeq: %s\r\n%s" % (cid, cseq, extra_headers)
    if body: s += "Content-Type: application/sdp\r\n"
    return (s + "Content-Length: %d\r\n\r\n%s" % (len(body), body)).encode()

sdp = "v=0\r\no=- 1 1 IN IP4 192.0.2.10\r\ns=-\r\nc=IN IP4 192.0.2.10\r\nt=0 0\r\nm=audio 4000 RTP/AVP 0\r\n"
A, B, C, D = ("%s-b2b-%s@it" % (run, x) for x in "abcd")
hosts = {"A": ("192.0.2.10", 5060), "S": ("192.0.2.11", 5060), "B": ("192.0.2.20", 5060),
         "C": ("192.0.2.30", 5062), "D": ("192.0.2.40", 5064)}
t = time.time() - 5
sent, packets = [], []
def leg(cid, a, b, proto, corr=None, extra=None, hdr=""):
    global t
    br = "z9hG4bK-" + cid.split("@")[0]
    seq = [(msg("INVITE", cid, br + "1", "1 INVITE", hdr, sdp), True, extra),
           (msg("100 Trying", cid, br + "1", "1 INVITE"), False, None),
           (msg("200 OK", cid, br + "1", "1 INVITE", "", sdp), False, None),
           (msg("ACK", cid, br + "2", "1 ACK"), True, None),
           (msg("BYE", cid, br + "3", "2 BYE"), True, None),
           (msg("200 OK", cid, br + "3", "2 BYE"), False, None)]
    for payload, up, ex in seq:
        (sip, sport), (dip, dport) = (hosts[a], hosts[b]) if up else (hosts[b], hosts[a])
        t += 0.01
        packets.append(hep(payload, sip, dip, sport, dport, proto, t, corr, ex))
        sent.append({"callid": cid, "hex": payload.hex(), "proto": proto})
leg(A, "A", "S", 17)
leg(B, "S", "B", 6, hdr="X-CID: %s\r\n" % A)                       # B2BUA B-leg over TCP
leg(C, "S", "C", 17, extra='{\n\t"net":\t"c1",\n\t"b2b":\t"%s"\n}' % B)  # OpenSIPS 0x0065
leg(D, "S", "D", 17, corr=C)                                       # HEP 0x0011
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
for p in packets:
    s.sendto(p, ("127.0.0.1", port))
json.dump({"legs": [A, B, C, D], "sent": sent}, open(out, "w"))
PY

# A call whose RTCP the agent sends (--rtcp): SIP over TCP in heplify__sip_ipv4_tcp.pcap whose SDP
# names 10.33.6.100:6000 and 10.33.6.101:6050, and two RTCP SRs of those media (ports 6001, 6051).
QOS_PCAP="$HERE/../data/pcap/heplify__sip_ipv4_tcp.pcap"
QOS_CID="158936656982201062716@10.33.6.100"
"$SIPHON" agent --pcap "$QOS_PCAP" --rtcp --replay-speed max --hep "udp:127.0.0.1:$PORT" \
  >/dev/null 2>"$TMP/agent_rtcp.err" || fail "agent --rtcp: $(cat "$TMP/agent_rtcp.err")"
grep -q "records (rtcp 2)" "$TMP/agent_rtcp.err" || fail "agent --rtcp summary: $(tail -1 "$TMP/agent_rtcp.err")"
# An RTP agent's JSON QoS reports of the same call (HEP 34, a full one each way, and a short 35
# one), correlated by its Call-ID, as sipcapture's rtpagent and heplify send them.
python3 - "$HERE/peers" "$PORT" "$QOS_CID" <<'PY'
import json, socket, sys
sys.path.insert(0, sys.argv[1])
from postgres_check import hep3
port, cid = int(sys.argv[2]), sys.argv[3]
def full(src, dst, lost, mos):
    return json.dumps({"CORRELATION_ID": cid, "RTP_SIP_CALL_ID": cid, "TOTAL_PK": 300 - lost, "EXPECTED_PK": 300,
                       "PACKET_LOSS": lost, "JITTER": 1.5, "MAX_JITTER": 4.0, "MEAN_JITTER": 1.5, "MOS": mos,
                       "SRC_IP": src[0], "SRC_PORT": src[1], "DST_IP": dst[0], "DST_PORT": dst[1],
                       "REPORT_NAME": "%s:%d" % src, "TYPE": "HANGUP"}).encode()
a, b = ("10.33.6.100", 6000), ("10.33.6.101", 6050)
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
for i, (payload, ptype) in enumerate([(full(a, b, 3, 4.21), 34), (full(b, a, 0, 4.38), 34),
                                      (json.dumps({"CORRELATION_ID": cid, "MOS": 4.3, "REPORT_NAME": "short"}).encode(), 35)]):
    s.sendto(hep3(payload, 1311857693, 500000 + i, ptype=ptype, corr=cid, src=a, dst=b), ("127.0.0.1", port))
PY
# With [[trace]] rules the RTCP follows its call's scope (no rule names RTCP): all 9 are sent,
# none dropped as no_rule. To a port nobody reads: the collector's count above stays as it is.
printf '[[trace]]\nmethod = ["INVITE"]\nscope = "d"\ncorrelation = "call-id"\n' >"$TMP/trace.toml"
"$SIPHON" agent -c "$TMP/trace.toml" --pcap "$QOS_PCAP" --rtcp --replay-speed max --hep "udp:127.0.0.1:9" \
  >/dev/null 2>"$TMP/agent_traced.err" || fail "agent --rtcp with rules: $(cat "$TMP/agent_traced.err")"
grep -q "records (rtcp 2), sent 9, .*dropped 0" "$TMP/agent_traced.err" ||
  fail "agent --rtcp with a dialog rule: $(tail -1 "$TMP/agent_traced.err")"

# ---- stop serve (SIGTERM flushes everything), then query the file --------------------------------
sleep 0.5
kill -TERM "$SERVE_PID"
for _ in $(seq 100); do kill -0 "$SERVE_PID" 2>/dev/null || break; sleep 0.1; done
wait "$SERVE_PID"; rc=$?; SERVE_PID=""
[ "$rc" = 0 ] || fail "serve exited $rc after SIGTERM"
grep -q "stored 176 " "$TMP/serve.err" || fail "want 164 + 9 + 3 stored records: $(grep '^serve: received' "$TMP/serve.err")"

# ---- a load-generator call ------------------------------------------------------------------------
# a whole call (7 messages): the last scenario of the run may be cut by --count
CID=$("$SIPHON" search --db "$DB" --limit 1000 --format jsonl 2>/dev/null | python3 -c '
import collections, json, sys
n = collections.Counter(json.loads(l)["callid"] for l in sys.stdin if l.strip())
print(next((c for c, k in sorted(n.items()) if k == 7 and "-b2b-" not in c), ""))')
[ -n "$CID" ] || fail "no INVITE found by search"
"$SIPHON" flow --db "$DB" --call-id "$CID" >"$TMP/flow.txt" 2>"$TMP/flow.err" || fail "flow text: $(cat "$TMP/flow.err")"
grep -q -- "-->|" "$TMP/flow.txt" && grep -q " INVITE (SDP) " "$TMP/flow.txt" ||
  fail "flow text has no INVITE arrow: $(cat "$TMP/flow.txt")"
[ "$(grep -c '^[0-9][0-9]:[0-9][0-9]:[0-9][0-9]\.' "$TMP/flow.txt")" = 7 ] || fail "flow text: not 7 arrows: $(cat "$TMP/flow.txt")"
"$SIPHON" flow --db "$DB" --call-id "$CID" --format svg -o "$TMP/flow.svg" 2>"$TMP/flow.err" || fail "flow svg: $(cat "$TMP/flow.err")"
"$SIPHON" flow --db "$DB" --call-id "$CID" --format html -o "$TMP/flow.html" 2>"$TMP/flow.err" || fail "flow html: $(cat "$TMP/flow.err")"
python3 - "$TMP/flow.svg" <<'PY' || fail "flow svg is not well-formed XML with 7 arrows"
import sys, xml.etree.ElementTree as ET
root = ET.parse(sys.argv[1]).getroot()
arrows = [g for g in root.iter("{http://www.w3.org/2000/svg}g") if "arrow" in g.get("class", "").split()]
sys.exit(0 if len(arrows) == 7 and all(g.get("data-index") for g in arrows) else 1)
PY
grep -q '<pre class="msg" id="msg-6"' "$TMP/flow.html" || fail "flow html lacks the 7th message"

"$SIPHON" export --db "$DB" --call-id "$CID" -o "$TMP/call.pcap" 2>"$TMP/export.err" || fail "export: $(cat "$TMP/export.err")"
"$SIPHON" search --db "$DB" --call-id "$CID" --format jsonl >"$TMP/call.jsonl" 2>/dev/null
tshark -r "$TMP/call.pcap" -Y sip -T fields -e sip.Call-ID -e udp.payload -e tcp.payload >"$TMP/call.tshark" 2>"$TMP/tshark.err" ||
  fail "tshark: $(cat "$TMP/tshark.err")"
python3 - "$TMP/call.jsonl" "$TMP/call.tshark" "$CID" <<'PY' || failures=$((failures + 1))
import json, sys
stored = sorted(json.loads(l)["msg"].encode().hex() for l in open(sys.argv[1]) if l.strip())
rows = [l.rstrip("\n").split("\t") for l in open(sys.argv[2]) if l.strip()]
got = sorted((r[1] or r[2]).replace(":", "") for r in rows)
bad = []
if len(rows) != 7: bad.append("tshark read %d SIP messages, want 7" % len(rows))
if any(r[0] != sys.argv[3] for r in rows): bad.append("Call-IDs: %s" % [r[0] for r in rows])
if got != stored: bad.append("payloads differ from the stored messages")
for b in bad: print("FAIL: export: " + b)
sys.exit(1 if bad else 0)
PY

# ---- the B2BUA call: four legs from any of them ---------------------------------------------------
LEGS=($(python3 -c 'import json,sys; print(" ".join(json.load(open(sys.argv[1]))["legs"]))' "$TMP/b2bua.json"))
for leg in "${LEGS[@]}"; do
  "$SIPHON" flow --db "$DB" --call-id "$leg" --width 160 >"$TMP/b2b-$leg.txt" 2>"$TMP/b2b.err" || fail "flow $leg: $(cat "$TMP/b2b.err")"
  grep -q "24 message(s), 24 arrow(s), 4 leg(s)" "$TMP/b2b-$leg.txt" || fail "flow --call-id $leg: $(head -6 "$TMP/b2b-$leg.txt")"
done
"$SIPHON" flow --db "$DB" --correlation "${LEGS[1]}" >"$TMP/b2b-corr.txt" 2>&1 && grep -q "4 leg(s)" "$TMP/b2b-corr.txt" ||
  fail "flow --correlation: $(head -6 "$TMP/b2b-corr.txt")"
"$SIPHON" export --db "$DB" --call-id "${LEGS[0]}" -o "$TMP/b2b.pcap" 2>"$TMP/export.err" || fail "export b2b: $(cat "$TMP/export.err")"
tshark -r "$TMP/b2b.pcap" -Y sip -T fields -e sip.Call-ID -e ip.proto -e udp.payload -e tcp.payload \
  >"$TMP/b2b.tshark" 2>"$TMP/tshark.err" || fail "tshark b2b: $(cat "$TMP/tshark.err")"
python3 - "$TMP/b2bua.json" "$TMP/b2b.tshark" <<'PY' || failures=$((failures + 1))
import json, sys
sent = json.load(open(sys.argv[1]))["sent"]
rows = [l.rstrip("\n").split("\t") for l in open(sys.argv[2]) if l.strip()]
bad = []
if len(rows) != len(sent): bad.append("tshark read %d SIP messages, want %d" % (len(rows), len(sent)))
for s, r in zip(sent, rows):  # capture-time order is the order sent
    if r[0] != s["callid"]: bad.append("Call-ID %s, want %s" % (r[0], s["callid"]))
    if int(r[1]) != s["proto"]: bad.append("ip.proto %s, want %d" % (r[1], s["proto"]))
    if (r[2] or r[3]).replace(":", "") != s["hex"]: bad.append("payload of a %s message differs" % s["callid"])
for b in bad[:10]: print("FAIL: export b2b: " + b)
sys.exit(1 if bad else 0)
PY

# every IPv4/UDP/TCP checksum verifies, and tshark finds nothing odd in the TCP streams
bad=$(tshark -r "$TMP/b2b.pcap" -o ip.check_checksum:TRUE -o udp.check_checksum:TRUE -o tcp.check_checksum:TRUE \
  -Y 'ip.checksum.status==0 || udp.checksum.status==0 || tcp.checksum.status==0 || tcp.analysis.flags' 2>/dev/null | wc -l)
[ "$bad" = 0 ] || fail "tshark reports $bad frame(s) with bad checksums or TCP analysis flags"

# ---- the call whose RTCP the agent sent: flow sums it up per stream as tshark reads it -------------
"$SIPHON" flow --db "$DB" --call-id "$QOS_CID" --width 160 >"$TMP/qos_flow.txt" 2>"$TMP/qos_flow.err" ||
  fail "flow of the RTCP call: $(cat "$TMP/qos_flow.err")"
grep -q "^Media quality (RTCP):" "$TMP/qos_flow.txt" || fail "flow of the RTCP call has no media quality: $(cat "$TMP/qos_flow.txt")"
# tshark: each SR's sender SSRC and packet count; the report block of the second SR
tshark -r "$QOS_PCAP" -Y rtcp -T fields -e rtcp.senderssrc -e rtcp.sender.packetcount \
  -e rtcp.ssrc.identifier -e rtcp.ssrc.cum_nr 2>/dev/null >"$TMP/qos_tshark.tsv"
[ "$(wc -l <"$TMP/qos_tshark.tsv")" = 2 ] || fail "tshark reads $(wc -l <"$TMP/qos_tshark.tsv") RTCP packets, want 2"
while IFS=$'\t' read -r ssrc packets ids cum; do
  line=$(grep "^  stream $ssrc " "$TMP/qos_flow.txt")
  [ -n "$line" ] || { fail "flow has no stream line for $ssrc (tshark's SR sender)"; continue; }
  case "$line" in *"packets $packets "*) ;; *) fail "stream $ssrc: '$line', tshark: $packets packets";; esac
  if [ -n "$cum" ]; then
    reported=${ids%%,*}
    rline=$(grep "^  stream $reported " "$TMP/qos_flow.txt")
    case "$rline" in *"lost $cum "*"reports 1"*) ;; *) fail "stream $reported: '$rline', tshark: lost $cum in one report";; esac
  fi
done <"$TMP/qos_tshark.tsv"
grep -q "^  stream 10.33.6.100:6000 (hep-qos) 10.33.6.100:6000 -> 10.33.6.101:6050  packets 297  lost 3 (1.0%).*MOS 4.2 (reported)" "$TMP/qos_flow.txt" &&
  grep -q "^  stream 10.33.6.101:6050 (hep-qos) .* packets 300  lost 0 (0.0%).*MOS 4.4 (reported)" "$TMP/qos_flow.txt" &&
  grep -q "^  stream short (hep-qos) short .*MOS 4.3 (reported)" "$TMP/qos_flow.txt" ||
  fail "flow has not the agent's QoS reports as streams: $(grep '^  stream ' "$TMP/qos_flow.txt")"
echo "flow_export: agent --rtcp: $(grep -c '^  stream ' "$TMP/qos_flow.txt") stream line(s) under the ladder, as tshark reads the RTCP"

# ---- exit codes -------------------------------------------------------------------------------------
"$SIPHON" flow --db "$DB" --call-id "no-such-call@nowhere" >/dev/null 2>"$TMP/none.err"; rc=$?
[ "$rc" = 1 ] || fail "flow of an unknown Call-ID exited $rc, want 1"
grep -q "no message found" "$TMP/none.err" || fail "flow of an unknown Call-ID said: $(cat "$TMP/none.err")"
"$SIPHON" export --db "$DB" --call-id "no-such-call@nowhere" -o "$TMP/none.pcap" 2>/dev/null; rc=$?
[ "$rc" = 1 ] || fail "export of an unknown Call-ID exited $rc, want 1"
"$SIPHON" flow --db "$DB" >/dev/null 2>&1; rc=$?
[ "$rc" = 2 ] || fail "flow without an id exited $rc, want 2"
"$SIPHON" flow --db "$DB" --call-id a --correlation b >/dev/null 2>&1; rc=$?
[ "$rc" = 2 ] || fail "flow with both ids exited $rc, want 2"
"$SIPHON" export --db "$DB" --call-id a >/dev/null 2>&1; rc=$?
[ "$rc" = 2 ] || fail "export without -o exited $rc, want 2"

if [ "$failures" -ne 0 ]; then
  echo "flow_export: $failures failure(s)"
  exit 1
fi
echo "flow_export: all checks passed"
exit 0
