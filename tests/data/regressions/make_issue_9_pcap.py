#!/usr/bin/env python3
"""Writes issue-9-sip-by-content.pcap from the issue-9-*.sip messages (and two non-SIP
controls): one Ethernet/IPv4/UDP frame each, 10.0.0.1:5060 -> 10.0.0.2:5060, 1 ms apart.

    python3 make_issue_9_pcap.py   # in this folder
"""
import struct

FILES = ["issue-9-sip-version-7.sip", "issue-9-sip-version-7-reply.sip",
         "issue-9-request-line-trailing-whitespace.sip"]
# Controls that must stay "not SIP": an HTTP request, and a SIP-shaped line with no header.
CONTROLS = [b"NOTIFY * HTTP/1.1\r\nHost: 239.255.255.250:1900\r\n\r\n",
            b"OPTIONS sip:x@example.com SIP/7.0\r\n\r\n"]


def checksum(data):
    s = 0
    for i in range(0, len(data), 2):
        s += (data[i] << 8) + (data[i + 1] if i + 1 < len(data) else 0)
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return (~s) & 0xFFFF


def frame(payload, ident):
    udp = struct.pack("!HHHH", 5060, 5060, 8 + len(payload), 0) + payload
    ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(udp), ident, 0x4000, 64, 17, 0,
                     bytes([10, 0, 0, 1]), bytes([10, 0, 0, 2]))
    ip = ip[:10] + struct.pack("!H", checksum(ip)) + ip[12:]
    return b"\x02\x00\x00\x00\x00\x02\x02\x00\x00\x00\x00\x01\x08\x00" + ip + udp


payloads = [open(f, "rb").read() for f in FILES] + CONTROLS
with open("issue-9-sip-by-content.pcap", "wb") as out:
    out.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1))
    for i, p in enumerate(payloads):
        f = frame(p, i + 1)
        out.write(struct.pack("<IIII", 1700000000, 1000 * i, len(f), len(f)) + f)
