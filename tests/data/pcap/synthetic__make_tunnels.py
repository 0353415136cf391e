#!/usr/bin/env python3
"""Writes the synthetic tunnel/fragment/SCTP captures of tests/data/pcap (see SOURCES.md).

Run from this folder: python3 synthetic__make_tunnels.py
Deterministic: the same bytes every run (fixed timestamps, no randomness). IPv4 header and
UDP checksums are computed (UDP over IPv6 may not send 0, RFC 8200 §8.1).
"""

import struct

SIP = (
    b"OPTIONS sip:bob@example.com SIP/2.0\r\n"
    b"Via: SIP/2.0/UDP 192.168.1.10:5060;branch=z9hG4bK-tunnel\r\n"
    b"From: <sip:alice@example.com>;tag=1\r\n"
    b"To: <sip:bob@example.com>\r\n"
    b"Call-ID: tunnel-test@192.168.1.10\r\n"
    b"CSeq: 1 OPTIONS\r\n"
    b"Max-Forwards: 70\r\n"
    b"Content-Length: 0\r\n\r\n"
)


def checksum(data):
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while s > 0xFFFF:
        s = (s & 0xFFFF) + (s >> 16)
    return (~s) & 0xFFFF


def ipv4(src, dst, proto, payload, ident=0x1234, flags_offset=0):
    hdr = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(payload), ident, flags_offset, 64,
                      proto, 0, bytes(src), bytes(dst))
    hdr = hdr[:10] + struct.pack("!H", checksum(hdr)) + hdr[12:]
    return hdr + payload


def ipv6(src_last, dst_last, nh, payload):
    def addr(last):
        return bytes([0x20, 0x01, 0x0D, 0xB8]) + bytes(11) + bytes([last])
    return struct.pack("!IHBB", 0x60000000, len(payload), nh, 64) + addr(src_last) + \
        addr(dst_last) + payload


def udp(sport, dport, payload, src=None, dst=None):
    """UDP with its checksum over the pseudo-header of src/dst (4 or 16 bytes each)."""
    length = 8 + len(payload)
    seg = struct.pack("!HHHH", sport, dport, length, 0) + payload
    if len(src) == 4:
        pseudo = src + dst + struct.pack("!BBH", 0, 17, length)
    else:
        pseudo = src + dst + struct.pack("!IxxxB", length, 17)
    c = checksum(pseudo + seg) or 0xFFFF
    return seg[:6] + struct.pack("!H", c) + seg[8:]


def v6addr(last):
    return bytes([0x20, 0x01, 0x0D, 0xB8]) + bytes(11) + bytes([last])


def ethernet(ether_type, payload):
    return bytes([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]) + struct.pack("!H", ether_type) + payload


def gre(proto, payload, key=None, seq=None):
    flags = (0x2000 if key is not None else 0) | (0x1000 if seq is not None else 0)
    out = struct.pack("!HH", flags, proto)
    if key is not None:
        out += struct.pack("!I", key)
    if seq is not None:
        out += struct.pack("!I", seq)
    return out + payload


def pptp(call_id, ppp, seq=None, ack=None):
    """PPTP's enhanced GRE (RFC 2637 4.1): version 1, protocol 0x880B, K always set."""
    first = 0x20 | (0x10 if seq is not None else 0)
    second = 0x01 | (0x80 if ack is not None else 0)
    out = struct.pack("!BBHHH", first, second, 0x880B, len(ppp), call_id)
    if seq is not None:
        out += struct.pack("!I", seq)
    if ack is not None:
        out += struct.pack("!I", ack)
    return out + ppp


def ppp(protocol, payload, acfc=False, pfc=False):
    """A PPP frame (RFC 1661) without HDLC flags and FCS, as PPTP carries it."""
    out = b"" if acfc else b"\xff\x03"
    out += struct.pack("!B", protocol) if pfc else struct.pack("!H", protocol)
    return out + payload


def erspan2(vlan, session, frame):
    return struct.pack("!II", (1 << 28) | (vlan << 16) | session, 0) + frame


def erspan3(vlan, session, frame):
    # Version 2, timestamp, SGT 0, P=1, FT=0 (Ethernet), HW id 3, O=0.
    return struct.pack("!III", (2 << 28) | (vlan << 16) | session, 5208,
                       0x8000 | (3 << 4)) + frame


def sctp_data(tsn, flags, data, ppid=0):
    chunk = struct.pack("!BBHIHHI", 0, flags, 16 + len(data), tsn, 0, tsn & 0xFFFF, ppid) + data
    return chunk + bytes((4 - len(chunk) % 4) % 4)


def write_pcap(name, frames):
    with open(name, "wb") as f:
        f.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1))  # LINKTYPE_ETHERNET
        for i, frame in enumerate(frames):
            f.write(struct.pack("<IIII", 1700000000 + i, 0, len(frame), len(frame)) + frame)


INNER4 = ipv4((192, 168, 1, 10), (192, 168, 1, 20), 17,
              udp(5060, 5080, SIP, bytes([192, 168, 1, 10]), bytes([192, 168, 1, 20])))
INNER6 = ipv6(0x10, 0x20, 17, udp(5060, 5080, SIP, v6addr(0x10), v6addr(0x20)))
O4 = ((203, 0, 113, 1), (203, 0, 113, 2))


def outer4(proto, payload):
    return ipv4(O4[0], O4[1], proto, payload)


def outer6(proto, payload):
    return ipv6(0xA1, 0xA2, proto, payload)


tunnels = [
    ethernet(0x0800, outer4(4, INNER4)),                                   # 4in4
    ethernet(0x0800, outer4(41, INNER6)),                                  # 6in4
    ethernet(0x86DD, outer6(4, INNER4)),                                   # 4in6
    ethernet(0x86DD, outer6(41, INNER6)),                                  # 6in6
    ethernet(0x0800, outer4(47, gre(0x0800, INNER4, key=7, seq=1))),      # GRE IPv4, key+seq
    ethernet(0x0800, outer4(47, gre(0x86DD, INNER6))),                     # GRE IPv6
    ethernet(0x0800, outer4(47, gre(0x6558, ethernet(0x0800, INNER4)))),   # GRE bridged Ethernet
    ethernet(0x0800, outer4(47, gre(0x88BE, ethernet(0x0800, INNER4)))),   # ERSPAN I
    ethernet(0x0800, outer4(47, gre(0x88BE, erspan2(100, 5, ethernet(0x0800, INNER4)), seq=2))),
    ethernet(0x0800, outer4(47, gre(0x22EB, erspan3(20, 3, ethernet(0x86DD, INNER6)), seq=3))),
]
write_pcap("synthetic__sip_tunnels.pcap", tunnels)

# PPTP: SIP inside PPP inside enhanced GRE, as a VPN client's calls cross a PPTP tunnel; and
# the two kinds of PPTP packets with no IP inside (skipped as unsupported, not malformed).
pptp_frames = [
    ethernet(0x0800, outer4(47, pptp(0x4000, ppp(0x0021, INNER4), seq=1, ack=0))),  # full
    ethernet(0x0800, outer4(47, pptp(0x4000, ppp(0x21, INNER4, acfc=True, pfc=True), seq=2))),
    ethernet(0x0800, outer4(47, pptp(0x4001, ppp(0x0057, INNER6), seq=1))),         # IPv6
    ethernet(0x0800, outer4(47, pptp(0x4000, b"", ack=2))),                         # ack only
    ethernet(0x0800, outer4(47, pptp(0x4000, ppp(0xC021, bytes([9, 1, 0, 8, 0, 0, 0, 0])),
                                     seq=3))),                                    # LCP echo
]
write_pcap("synthetic__sip_pptp.pcap", pptp_frames)

# One big SIP INVITE over UDP/IPv4 in three fragments, sent last-first; then one SCTP packet
# carrying two whole SIP messages in two DATA chunks.
invite = (b"INVITE sip:bob@example.com SIP/2.0\r\n" +
          b"".join(b"X-Filler-%02d: %s\r\n" % (i, b"abcdefghijklmnopqrstuvwxyz0123456789" * 2)
                   for i in range(40)) +
          b"Content-Length: 0\r\n\r\n")
datagram = udp(5060, 5060, invite, bytes([10, 0, 0, 1]), bytes([10, 0, 0, 2]))
pieces = [datagram[i:i + 1480] for i in range(0, len(datagram), 1480)]
frags = []
for k, piece in enumerate(pieces):
    more = 0x2000 if k + 1 < len(pieces) else 0
    frags.append(ethernet(0x0800, ipv4((10, 0, 0, 1), (10, 0, 0, 2), 17, piece, ident=0xBEEF,
                                       flags_offset=more | (k * 1480 // 8))))
sctp_packet = struct.pack("!HHII", 5060, 5060, 0xDEADBEEF, 0) + \
    sctp_data(1, 0x03, SIP) + sctp_data(2, 0x03, SIP.replace(b"CSeq: 1", b"CSeq: 2"))
write_pcap("synthetic__sip_fragments_sctp.pcap",
           list(reversed(frags)) + [ethernet(0x0800, ipv4((10, 0, 0, 1), (10, 0, 0, 2), 132,
                                                          sctp_packet))])
