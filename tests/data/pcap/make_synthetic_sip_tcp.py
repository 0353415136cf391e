#!/usr/bin/env python3
"""Writes synthetic__sip_tcp_reassembly.pcap: SIP over TCP built to exercise stream reassembly.

Run from this folder: python3 make_synthetic_sip_tcp.py. Pure Python, no dependencies; the pcap
bytes are written by hand (Ethernet / IPv4 / TCP, checksums filled in).

Contents (see SOURCES.md): connection A 192.0.2.10:40001 -> 192.0.2.20:5060 with a client ISN
just below 2^32 so the sequence numbers wrap; two SIP messages in one segment (both ways); a CRLFCRLF keep-alive; a MESSAGE with a
70,000-byte body in 1,400-byte segments sent with a swap (out of order), an exact
retransmission and an overlapping retransmission; a message whose header is cut mid-line; FIN
both ways. Connection B (no handshake, capture starts mid-message) begins with the tail of a
body (one segment), then an INVITE. Connection C carries a TLS ClientHello on 5061, connection D an HTTP GET:
neither is SIP.
"""
import struct

def csum(data):
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return (~s) & 0xFFFF

def ip4(a):
    return bytes(int(x) for x in a.split("."))

FIN, SYN, RST, PSH, ACK = 1, 2, 4, 8, 16

def frame(src, dst, sport, dport, seq, ack, flags, payload=b""):
    tcp = struct.pack("!HHIIBBHHH", sport, dport, seq & 0xFFFFFFFF, ack & 0xFFFFFFFF, 5 << 4,
                      flags, 65535, 0, 0)
    pseudo = ip4(src) + ip4(dst) + struct.pack("!BBH", 0, 6, len(tcp) + len(payload))
    c = csum(pseudo + tcp + payload)
    tcp = tcp[:16] + struct.pack("!H", c) + tcp[18:]
    total = 20 + len(tcp) + len(payload)
    ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, total, 0, 0x4000, 64, 6, 0, ip4(src), ip4(dst))
    ip = ip[:10] + struct.pack("!H", csum(ip)) + ip[12:]
    eth = b"\x02\x00\x00\x00\x00\x02" + b"\x02\x00\x00\x00\x00\x01" + b"\x08\x00"
    return eth + ip + tcp + payload

records = []
t = [1700000000_000000]

def emit(*args, **kw):
    t[0] += 1000
    records.append((t[0], frame(*args, **kw)))

def sip(start, call_id, cseq, body=b"", extra=""):
    head = (start + "\r\n"
            "Via: SIP/2.0/TCP 192.0.2.10:40001;branch=z9hG4bK-" + call_id + "-" + str(cseq) + "\r\n"
            "From: <sip:alice@example.com>;tag=1\r\n"
            "To: <sip:bob@example.com>\r\n"
            "Call-ID: " + call_id + "\r\n"
            "CSeq: " + str(cseq) + " " + start.split(" ")[0] + "\r\n" + extra +
            "Content-Length: " + str(len(body)) + "\r\n\r\n")
    return head.encode() + body

C, S = "192.0.2.10", "192.0.2.20"
cseq, sseq = 0xFFFFF000, 1000
emit(C, S, 40001, 5060, cseq, 0, SYN)
emit(S, C, 5060, 40001, sseq, cseq + 1, SYN | ACK)
cseq += 1; sseq += 1
emit(C, S, 40001, 5060, cseq, sseq, ACK)

two = sip("OPTIONS sip:bob@example.com SIP/2.0", "a1", 1) + sip("REGISTER sip:example.com SIP/2.0", "a2", 1)
emit(C, S, 40001, 5060, cseq, sseq, PSH | ACK, two); cseq += len(two)
resp = sip("SIP/2.0 200 OK", "a1", 1) + sip("SIP/2.0 200 OK", "a2", 1)
emit(S, C, 5060, 40001, sseq, cseq, PSH | ACK, resp); sseq += len(resp)
# A CRLFCRLF keep-alive (RFC 5626 §3.5.1) in a segment of its own: tshark stops dissecting a
# segment at one, so putting it between two messages would hide the second from tshark.
emit(S, C, 5060, 40001, sseq, cseq, PSH | ACK, b"\r\n\r\n"); sseq += 4

body = b"".join(b"line %05d of a large text body for reassembly...............\r\n" % i
                for i in range(1200))[:70000]
big = sip("MESSAGE sip:bob@example.com SIP/2.0", "a3", 2, body, "Content-Type: text/plain\r\n")
segs = [(cseq + o, big[o:o + 1400]) for o in range(0, len(big), 1400)]
order = list(range(len(segs)))
order[5], order[6] = order[6], order[5]          # out of order
order.insert(order.index(10) + 1, 10)            # exact retransmission
for k in order:
    s, d = segs[k]
    emit(C, S, 40001, 5060, s, sseq, ACK, d)
    if k == 20:                                   # overlapping retransmission: half of 20 + half of 21
        o = (s - cseq) + 700
        emit(C, S, 40001, 5060, cseq + o, sseq, ACK, big[o:o + 1400])
cseq += len(big)
ok = sip("SIP/2.0 200 OK", "a3", 2)
emit(S, C, 5060, 40001, sseq, cseq, PSH | ACK, ok); sseq += len(ok)

cut = sip("BYE sip:bob@example.com SIP/2.0", "a3", 3)
emit(C, S, 40001, 5060, cseq, sseq, ACK, cut[:57]); cseq += 57
emit(C, S, 40001, 5060, cseq, sseq, PSH | ACK, cut[57:]); cseq += len(cut) - 57
ok = sip("SIP/2.0 200 OK", "a3", 3)
emit(S, C, 5060, 40001, sseq, cseq, PSH | ACK, ok); sseq += len(ok)
emit(C, S, 40001, 5060, cseq, sseq, FIN | ACK); cseq += 1
emit(S, C, 5060, 40001, sseq, cseq, FIN | ACK); sseq += 1
emit(C, S, 40001, 5060, cseq, sseq, ACK)

B = "192.0.2.11"
tail = b"a=rtpmap:0 PCMU/8000\r\na=sendrecv\r\n"
inv = sip("INVITE sip:bob@example.com SIP/2.0", "b1", 1, b"v=0\r\n", "Content-Type: application/sdp\r\n")
emit(B, S, 40002, 5060, 77777, 5555, PSH | ACK, tail)
emit(B, S, 40002, 5060, 77777 + len(tail), 5555, PSH | ACK, inv)

hello = bytes([0x16, 0x03, 0x01, 0x00, 0x31, 0x01, 0x00, 0x00, 0x2d, 0x03, 0x03]) + bytes(45)
emit(C, S, 40003, 5061, 500, 0, SYN)
emit(C, S, 40003, 5061, 501, 0, PSH | ACK, hello)
get = b"GET /index.html HTTP/1.1\r\nHost: example.com\r\n\r\n"
emit(C, S, 40004, 80, 900, 0, SYN)
emit(C, S, 40004, 80, 901, 0, PSH | ACK, get)

with open("synthetic__sip_tcp_reassembly.pcap", "wb") as f:
    f.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 262144, 1))
    for ts, b in records:
        f.write(struct.pack("<IIII", ts // 1000000, ts % 1000000, len(b), len(b)))
        f.write(b)
