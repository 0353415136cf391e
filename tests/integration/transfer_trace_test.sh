#!/usr/bin/env bash
# An attended transfer (RFC 5589 §7) traced by the agent and seen as one flow:
#   call 1  A - B      INVITE, 200, ACK; then A's REFER to B whose Refer-To names call 2 in its
#                      percent-encoded Replaces, 202, NOTIFYs, BYE
#   call 2  A - C      the consultation: INVITE, 200, ACK; C's BYE once replaced
#   call 3  B - C      the transferee's INVITE with Replaces: call 2, 200, ACK, BYE
#   call 4  D - E      an unrelated call
# The agent reads a pcap of it (built here) with one scope-d rule on INVITEs that takes the
# Call-ID as correlation and `extra_correlation = "replaces"`, into the embedded store; then
# `siphon flow --correlation <call 2's Call-ID>` must show calls 1, 2 and 3 and not call 4, and
# `flow --call-id` of call 1 the same legs (the join runs both ways).
#
# Usage: transfer_trace_test.sh SIPHON_BINARY DATA_DIR
set -u
SIPHON=$(realpath "${1:?usage: $0 SIPHON_BINARY DATA_DIR}")
TMP=$(mktemp -d /tmp/siphon-transfer-it.XXXXXX)
failures=0
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }
cleanup() {
  if [ "$failures" -ne 0 ]; then echo "transfer_trace: work directory kept: $TMP"; else rm -rf "$TMP"; fi
}
trap cleanup EXIT

python3 - "$TMP/transfer.pcap" <<'PY'
import socket, struct, sys
A, B, C, D, E = "10.0.0.1", "10.0.0.2", "10.0.0.3", "10.0.0.4", "10.0.0.5"
out = []
t = [1700000000.0]

def sip(src, dst, start, cid, cseq, ftag, ttag, extra="", via_branch="z9hG4bK"):
    via_branch += str(len(out))
    if start.startswith("SIP/2.0"):
        via_branch = REQ_BRANCH[(cid, cseq)]
    else:
        REQ_BRANCH[(cid, cseq)] = via_branch
    to = "<sip:peer@example.com>" + (f";tag={ttag}" if ttag else "")
    msg = (f"{start}\r\nVia: SIP/2.0/UDP {src}:5060;branch={via_branch}\r\n"
           f"From: <sip:user@example.com>;tag={ftag}\r\nTo: {to}\r\nCall-ID: {cid}\r\n"
           f"CSeq: {cseq}\r\n{extra}Content-Length: 0\r\n\r\n")
    t[0] += 0.01
    out.append((t[0], src, dst, msg.encode()))

REQ_BRANCH = {}
def call(a, b, cid, ftag, ttag, extra=""):
    sip(a, b, f"INVITE sip:peer@{b} SIP/2.0", cid, "1 INVITE", ftag, "", extra)
    sip(b, a, "SIP/2.0 200 OK", cid, "1 INVITE", ftag, ttag)
    sip(a, b, f"ACK sip:peer@{b} SIP/2.0", cid, "1 ACK", ftag, ttag)

def bye(a, b, cid, ftag, ttag, n):
    sip(a, b, f"BYE sip:peer@{b} SIP/2.0", cid, f"{n} BYE", ftag, ttag)
    sip(b, a, "SIP/2.0 200 OK", cid, f"{n} BYE", ftag, ttag)

c1, c2, c3, c4 = "xfer-call-1@a.example", "xfer-call-2@a.example", "xfer-call-3@b.example", "other-call-4@d.example"
call(A, B, c1, "fa1", "tb1")
call(A, C, c2, "fa2", "tc2")
refer_to = "Refer-To: <sip:peer@10.0.0.3?Replaces=xfer-call-2%40a.example%3Bto-tag%3Dtc2%3Bfrom-tag%3Dfa2>\r\n"
sip(A, B, "REFER sip:peer@10.0.0.2 SIP/2.0", c1, "2 REFER", "fa1", "tb1", refer_to)
sip(B, A, "SIP/2.0 202 Accepted", c1, "2 REFER", "fa1", "tb1")
call(B, C, c3, "fb3", "tc3", "Replaces: xfer-call-2@a.example;to-tag=tc2;from-tag=fa2\r\n")
bye(C, A, c2, "tc2", "fa2", 1)
sip(B, A, "NOTIFY sip:user@10.0.0.1 SIP/2.0", c1, "1 NOTIFY", "tb1", "fa1", "Event: refer\r\n")
sip(A, B, "SIP/2.0 200 OK", c1, "1 NOTIFY", "tb1", "fa1")
bye(A, B, c1, "fa1", "tb1", 3)
call(D, E, c4, "fd4", "te4")
bye(D, E, c4, "fd4", "te4", 2)

with open(sys.argv[1], "wb") as f:
    f.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1))
    for i, (ts, src, dst, data) in enumerate(out):
        udp = struct.pack("!HHHH", 5060, 5060, 8 + len(data), 0) + data
        ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(udp), i, 0, 64, 17, 0,
                         socket.inet_aton(src), socket.inet_aton(dst))
        s = sum((ip[j] << 8) | ip[j + 1] for j in range(0, 20, 2))
        while s >> 16:
            s = (s & 0xFFFF) + (s >> 16)
        ip = ip[:10] + struct.pack("!H", ~s & 0xFFFF) + ip[12:]
        frame = b"\0" * 12 + b"\x08\x00" + ip + udp
        sec = int(ts)
        f.write(struct.pack("<IIII", sec, int(round((ts - sec) * 1e6)), len(frame), len(frame)))
        f.write(frame)

PY

cat >"$TMP/agent.toml" <<'EOF'
[[trace]]
method = ["INVITE"]
scope = "d"
correlation = "call-id"
extra_correlation = "replaces"
EOF
"$SIPHON" agent -c "$TMP/agent.toml" --pcap "$TMP/transfer.pcap" --db "sqlite:$TMP/x.db" \
  >"$TMP/agent.out" 2>"$TMP/agent.err" || fail "agent: $(cat "$TMP/agent.err")"
grep -q "stored 22, replayed at " "$TMP/agent.err" || fail "agent summary, want every one of the 22 messages stored: $(cat "$TMP/agent.err")"

legs() {  # the Call-IDs a flow shows, sorted, one line
  "$SIPHON" flow --db "sqlite:$TMP/x.db" "$@" --width 200 >"$TMP/flow.txt" 2>"$TMP/flow.err" ||
    { echo "flow failed: $(cat "$TMP/flow.err")"; return; }
  grep -oE '(xfer|other)-call-[0-9]@[a-z.]+' "$TMP/flow.txt" | sort -u | tr '\n' ' '
}
want="xfer-call-1@a.example xfer-call-2@a.example xfer-call-3@b.example "
got=$(legs --correlation xfer-call-2@a.example)
[ "$got" = "$want" ] || fail "flow --correlation call 2: '$got', want '$want'"
got=$(legs --call-id xfer-call-1@a.example)
[ "$got" = "$want" ] || fail "flow --call-id call 1: '$got', want '$want'"
grep -q "REFER" "$TMP/flow.txt" || fail "the flow lacks the REFER: $(cat "$TMP/flow.txt")"
arrows=$(grep -oE '[0-9]+ arrow\(s\)' "$TMP/flow.txt" | grep -oE '^[0-9]+')
[ "$arrows" = 17 ] || fail "flow of calls 1-3: $arrows arrows, want 17: $(head -5 "$TMP/flow.txt")"
got=$(legs --call-id other-call-4@d.example)
[ "$got" = "other-call-4@d.example " ] || fail "flow of the unrelated call: '$got'"

# The control: without extra_correlation nothing ties the calls, and the flow is call 2 alone.
grep -v extra_correlation "$TMP/agent.toml" >"$TMP/plain.toml"
"$SIPHON" agent -c "$TMP/plain.toml" --pcap "$TMP/transfer.pcap" --db "sqlite:$TMP/plain.db" \
  >/dev/null 2>&1 || fail "agent without extra_correlation"
got=$("$SIPHON" flow --db "sqlite:$TMP/plain.db" --correlation xfer-call-2@a.example --width 200 2>&1 |
  grep -oE '(xfer|other)-call-[0-9]@[a-z.]+' | sort -u | tr '\n' ' ')
[ "$got" = "xfer-call-2@a.example " ] || fail "control flow: '$got', want call 2 alone"

[ "$failures" -eq 0 ] && echo "transfer_trace_test: all checks passed"
exit $((failures > 0))
