#!/usr/bin/env bash
# The web UI end to end: a real `siphon serve` (HEPv3/UDP in, SQLite store, HTTP API with a read
# token) holds load-generator calls and one call whose INVITE carries markup in a header; then
# web_ui/ui_test.mjs drives Debian's chromium through playwright-core: search, token prompt, call
# page, ladder arrows = messages of GET /api/v1/call, message panel with SDP, pcap download read
# back by tshark, stats page, a screenshot of the call page; a call with real RTCP whose media
# quality table shows what tshark reads in the same packets, with its charts drawn.
#
# Set-up it does itself: `apt-get install -y chromium` (and nodejs npm) when missing (root
# only), `npm ci` in web_ui/ (playwright-core only; node_modules is git-ignored). Exit 77
# (skipped) when node, chromium or tshark cannot be had.
#
# Usage: web_ui_test.sh SIPHON_BINARY LOADGEN_BINARY
# Every process started here is stopped by PID (trap); every wait is bounded; loopback only.
set -u

SIPHON=$(realpath "${1:?usage: $0 SIPHON_BINARY LOADGEN_BINARY}")
LOADGEN=$(realpath "${2:?usage: $0 SIPHON_BINARY LOADGEN_BINARY}")
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
UI_TEST="$HERE/web_ui"
TMP=$(mktemp -d /tmp/siphon-web-ui-it.XXXXXX)
SERVE_PID=""
failures=0

fail() { echo "FAIL: $*"; failures=$((failures + 1)); }
skip() { echo "web_ui: skipped: $*"; exit 77; }
cleanup() {
  if [ -n "$SERVE_PID" ] && kill -0 "$SERVE_PID" 2>/dev/null; then
    kill -TERM "$SERVE_PID" 2>/dev/null
    for _ in $(seq 50); do kill -0 "$SERVE_PID" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$SERVE_PID" 2>/dev/null
    wait "$SERVE_PID" 2>/dev/null
  fi
  if [ "$failures" -ne 0 ] || [ "${KEEP:-0}" = 1 ]; then echo "web_ui: work directory kept: $TMP"; else rm -rf "$TMP"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# ---- tools ---------------------------------------------------------------------------------------
if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
  [ "$(id -u)" = 0 ] || skip "node/npm not installed and not root"
  DEBIAN_FRONTEND=noninteractive timeout 240 apt-get install -y nodejs npm >"$TMP/apt.log" 2>&1 ||
    skip "apt-get install nodejs npm failed: $(tail -3 "$TMP/apt.log")"
fi
if [ ! -x /usr/bin/chromium ]; then
  [ "$(id -u)" = 0 ] || skip "chromium not installed and not root"
  DEBIAN_FRONTEND=noninteractive timeout 240 apt-get install -y chromium >"$TMP/apt.log" 2>&1 ||
    skip "apt-get install chromium failed: $(tail -3 "$TMP/apt.log")"
fi
command -v tshark >/dev/null || skip "tshark not installed"
if [ ! -f "$UI_TEST/node_modules/playwright-core/package.json" ]; then
  (cd "$UI_TEST" && timeout 180 npm ci --no-audit --no-fund >"$TMP/npm.log" 2>&1) ||
    (cd "$UI_TEST" && timeout 180 npm install --no-audit --no-fund >>"$TMP/npm.log" 2>&1) ||
    skip "npm could not install playwright-core: $(tail -3 "$TMP/npm.log")"
fi

# ---- serve -------------------------------------------------------------------------------------
read -r PORT HTTP < <(python3 "$HERE/peers/siptrace_check.py" free-ports 2)
API="http://127.0.0.1:$HTTP"
RUN=ui$$x$RANDOM
TOKEN="read-$RUN-$(od -An -N8 -tx1 /dev/urandom | tr -d ' \n')"
cat >"$TMP/siphon.toml" <<TOML
capture_node = "ui01"
listen = ["udp:127.0.0.1:$PORT"]
db_url = "sqlite:$TMP/it.db"
http = "127.0.0.1:$HTTP"
api_read_tokens = ["$TOKEN"]
TOML
timeout 240 "$SIPHON" serve -c "$TMP/siphon.toml" >"$TMP/serve.out" 2>"$TMP/serve.err" &
SERVE_PID=$!
for _ in $(seq 100); do
  grep -q "^listening on udp:127.0.0.1:$PORT" "$TMP/serve.out" 2>/dev/null && grep -q '^http on' "$TMP/serve.out" && break
  kill -0 "$SERVE_PID" 2>/dev/null || break
  sleep 0.1
done
grep -q '^http on' "$TMP/serve.out" || { fail "serve did not start: $(cat "$TMP/serve.out" "$TMP/serve.err")"; exit 1; }

# ---- the UI is in the binary, and the API wants the token ------------------------------------
code=$(curl -s -o "$TMP/index.html" -w '%{http_code} %{content_type}' "$API/")
[ "$code" = "200 text/html; charset=utf-8" ] || fail "GET / answered '$code'"
grep -q '<script type="module" src="/ui/app.js">' "$TMP/index.html" || fail "GET / is not the UI's index.html"
code=$(curl -s -o /dev/null -w '%{http_code} %{content_type}' "$API/ui/app.js")
[ "$code" = "200 text/javascript; charset=utf-8" ] || fail "GET /ui/app.js answered '$code'"
code=$(curl -s -o /dev/null -w '%{http_code}' "$API/ui/no-such-file.js")
[ "$code" = 404 ] || fail "GET /ui/no-such-file.js answered $code, want 404"
code=$(curl -s -o /dev/null -w '%{http_code}' "$API/api/v1/stats")
[ "$code" = 401 ] || fail "GET /api/v1/stats without the token answered $code, want 401"

# ---- traffic: load-generator calls, and one call with markup in its INVITE ---------------------
timeout 60 "$LOADGEN" --target "udp:127.0.0.1:$PORT" --count 280 --rate 2000 --run-id "$RUN" \
  --max-seconds 30 >"$TMP/load.json" 2>"$TMP/load.err" || fail "siphon-hep-load: exit $? ($(cat "$TMP/load.err"))"
XSS_CALL="$RUN-xss@it"
python3 - "$PORT" "$XSS_CALL" <<'PY' || fail "sending the markup call"
import socket, struct, sys, time
port, cid = int(sys.argv[1]), sys.argv[2]

def chunk(t, v):
    return struct.pack("!HHH", 0, t, 6 + len(v)) + v

def hep(payload, src, dst, sport, dport, ts):
    body = chunk(1, b"\x02") + chunk(2, bytes([17]))
    body += chunk(3, socket.inet_aton(src)) + chunk(4, socket.inet_aton(dst))
    body += chunk(7, struct.pack("!H", sport)) + chunk(8, struct.pack("!H", dport))
    body += chunk(9, struct.pack("!I", int(ts))) + chunk(10, struct.pack("!I", int(ts * 1e6) % 1000000))
    body += chunk(11, b"\x01") + chunk(12, struct.pack("!I", 2001)) + chunk(15, payload)
    return b"HEP3" + struct.pack("!H", 6 + len(body)) + body

sdp = "v=0\r\no=- 1 1 IN IP4 192.0.2.10\r\ns=-\r\nc=IN IP4 192.0.2.10\r\nt=0 0\r\nm=audio 4000 RTP/AVP 0\r\n"
invite = ("INVITE sip:bob@192.0.2.20 SIP/2.0\r\nVia: SIP/2.0/UDP 192.0.2.10:5060;branch=z9hG4bK-x1\r\n"
          "From: \"<b>Mallory</b>\" <sip:mallory@example.com>;tag=m1\r\nTo: <sip:bob@example.com>\r\n"
          "Call-ID: %s\r\nCSeq: 1 INVITE\r\n"
          "X-Note: <img src=x onerror=\"window.__siphonXss=1\"><script>window.__siphonXss=2</script>\r\n"
          "Content-Type: application/sdp\r\nContent-Length: %d\r\n\r\n%s") % (cid, len(sdp), sdp)
reply = ("SIP/2.0 486 Busy <here>\r\nVia: SIP/2.0/UDP 192.0.2.10:5060;branch=z9hG4bK-x1\r\n"
         "From: <sip:mallory@example.com>;tag=m1\r\nTo: <sip:bob@example.com>;tag=b1\r\n"
         "Call-ID: %s\r\nCSeq: 1 INVITE\r\nContent-Length: 0\r\n\r\n") % cid
t = time.time() - 2
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.sendto(hep(invite.encode(), "192.0.2.10", "192.0.2.20", 5060, 5060, t), ("127.0.0.1", port))
s.sendto(hep(reply.encode(), "192.0.2.20", "192.0.2.10", 5060, 5060, t + 0.05), ("127.0.0.1", port))
PY
# A call with media quality: the 5 SR/RR compounds of a real FreeSWITCH capture as HEP payload
# type 5 (binary RTCP, correlation id = the call's Call-ID), beside the call's INVITE and 200.
QOS_CALL="$RUN-qos@it"
QOS_PCAP="$HERE/../data/pcap/ndpi__rtcp_multiple_pkts_in_the_same_datagram.pcap"
tshark -r "$QOS_PCAP" -Y rtcp -T fields -e ip.src -e udp.srcport -e ip.dst -e udp.dstport -e udp.payload \
  >"$TMP/qos_rtcp.tsv" 2>/dev/null || fail "tshark could not read $QOS_PCAP"
python3 - "$PORT" "$QOS_CALL" "$TMP/qos_rtcp.tsv" <<'PY' || fail "sending the RTCP call"
import socket, struct, sys, time
port, cid, tsv = int(sys.argv[1]), sys.argv[2], sys.argv[3]

def chunk(t, v):
    return struct.pack("!HHH", 0, t, 6 + len(v)) + v

def hep(payload, src, dst, sport, dport, ts, ptype, correlation=b""):
    body = chunk(1, b"\x02") + chunk(2, bytes([17]))
    body += chunk(3, socket.inet_aton(src)) + chunk(4, socket.inet_aton(dst))
    body += chunk(7, struct.pack("!H", sport)) + chunk(8, struct.pack("!H", dport))
    body += chunk(9, struct.pack("!I", int(ts))) + chunk(10, struct.pack("!I", int(ts * 1e6) % 1000000))
    body += chunk(11, bytes([ptype])) + chunk(12, struct.pack("!I", 2001)) + chunk(15, payload)
    if correlation:
        body += chunk(17, correlation)
    return b"HEP3" + struct.pack("!H", 6 + len(body)) + body

def sip(first, cseq):
    return ("%s\r\nVia: SIP/2.0/UDP 217.12.244.34:5060;branch=z9hG4bK-q%s\r\n"
            "From: <sip:alice@example.com>;tag=qa\r\nTo: <sip:bob@example.com>%s\r\n"
            "Call-ID: %s\r\nCSeq: %s\r\nContent-Length: 0\r\n\r\n") % (
                first, cseq.split()[0], ";tag=qb" if first.startswith("SIP/") else "", cid, cseq)

t = time.time() - 30
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.sendto(hep(sip("INVITE sip:bob@217.12.247.98 SIP/2.0", "1 INVITE").encode(),
             "217.12.244.34", "217.12.247.98", 5060, 5060, t, 1), ("127.0.0.1", port))
s.sendto(hep(sip("SIP/2.0 200 OK", "1 INVITE").encode(),
             "217.12.247.98", "217.12.244.34", 5060, 5060, t + 0.5, 1), ("127.0.0.1", port))
for i, line in enumerate(open(tsv).read().split("\n")):
    if not line.strip():
        continue
    src, sport, dst, dport, payload = line.split("\t")
    s.sendto(hep(bytes.fromhex(payload.replace(":", "")), src, dst, int(sport), int(dport),
                 t + 1 + 5 * i, 5, cid.encode()), ("127.0.0.1", port))
PY
# What tshark reads in the same packets, per SSRC: the last SR packet count of the SSRC, the last
# cumulative loss a report block gave for it, and its largest jitter (8 kHz units, in ms).
QOS_EXPECT=$(tshark -r "$QOS_PCAP" -Y rtcp -T fields -e rtcp.senderssrc -e rtcp.pt -e rtcp.sender.packetcount \
  -e rtcp.ssrc.identifier -e rtcp.ssrc.cum_nr -e rtcp.ssrc.jitter 2>/dev/null | python3 -c '
import json, sys
streams = {}
def get(ssrc):
    return streams.setdefault(ssrc, {"packets": 0, "lost": 0, "jitter_max": 0.0})
for line in sys.stdin:
    f = line.rstrip("\n").split("\t")
    if len(f) < 6:
        continue
    sender = f[0].split(",")[0]
    if f[1].split(",")[0] == "200" and f[2]:
        get(int(sender, 16))["packets"] = int(f[2])
    cums = [c for c in f[4].split(",") if c]
    ids = f[3].split(",")[:len(cums)]  # report blocks first; the SDES chunk SSRC follows
    jits = f[5].split(",")
    for ssrc, cum, jit in zip(ids, cums, jits):
        s = get(int(ssrc, 16))
        s["lost"] = int(cum)
        s["jitter_max"] = max(s["jitter_max"], int(jit) / 8.0)
print(json.dumps({"0x%08x" % k: v for k, v in streams.items()}))')
[ -n "$QOS_EXPECT" ] || fail "tshark gave no RTCP figures"
echo "web_ui: tshark reads these streams in the RTCP of $QOS_CALL: $QOS_EXPECT"

want=289
for _ in $(seq 100); do
  stored=$(curl -s -H "Authorization: Bearer $TOKEN" "$API/api/v1/stats" |
           python3 -c 'import json,sys; print(json.load(sys.stdin).get("stored", 0))' 2>/dev/null)
  [ "${stored:-0}" -ge "$want" ] && break
  sleep 0.1
done
[ "${stored:-0}" -ge "$want" ] || fail "stored ${stored:-?} records, want $want"

# ---- the browser ---------------------------------------------------------------------------------
SIPHON_URL="$API" SIPHON_TOKEN="$TOKEN" SIPHON_XSS_CALL="$XSS_CALL" OUT_DIR="$TMP" \
  SIPHON_QOS_CALL="$QOS_CALL" SIPHON_QOS_EXPECT="$QOS_EXPECT" SIPHON_HEP_PORT="$PORT" \
  timeout 180 node "$UI_TEST/ui_test.mjs" 2>&1 | tee "$TMP/ui_test.log"
rc=${PIPESTATUS[0]}
[ "$rc" = 0 ] || fail "ui_test.mjs exited $rc"
# The screenshot outlives the work directory: SCREENSHOT_TO, or a fixed name under /tmp.
SHOT="${SCREENSHOT_TO:-/tmp/siphon-web-ui-call-page.png}"
if [ -f "$TMP/call-page.png" ] && cp "$TMP/call-page.png" "$SHOT"; then echo "web_ui: screenshot of the call page: $SHOT"; fi
# The call with RTCP: SCREENSHOT_DIR (docs/screenshots when refreshing the README's pictures).
if [ -n "${SCREENSHOT_DIR:-}" ]; then
  for shot in call-qos dashboard; do
    [ -f "$TMP/$shot.png" ] && cp "$TMP/$shot.png" "$SCREENSHOT_DIR/$shot.png" && echo "web_ui: screenshot: $SCREENSHOT_DIR/$shot.png"
  done
fi

kill -0 "$SERVE_PID" 2>/dev/null || fail "serve died during the test: $(tail -5 "$TMP/serve.err")"
if [ "$failures" -ne 0 ]; then
  echo "web_ui: $failures failure(s)"
  exit 1
fi
echo "web_ui: all checks passed"
exit 0
