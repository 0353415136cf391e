#!/usr/bin/env python3
"""Checks for the real HEP receiver tests (kamailio_sipcapture_test.sh, sngrep_hep_test.sh):
compare what a third-party receiver stored with `siphon decode` of the capture the agent replayed.

  free-port                                   one loopback port free for UDP and TCP
  pcap-frames FILE                            complete frames in a (growing) classic pcap file
  expect-stored DECODED.jsonl REFUSED udp|tcp how many of the decoded records Kamailio should
                                              store (those not listed in REFUSED, see below)
  kamailio DB DECODED.jsonl VERSION CAPID NODE LOG udp|tcp [--refused FILE]
        Kamailio sipcapture's SQLite table sip_capture against the decoded records (the messages
        the agent sent): per Call-ID counts, and per message the payload (byte-exact), source and
        destination ip/port, family, transport (Kamailio's proto enum), micro_ts (HEP v2/v3;
        v1 has no timestamp), node (capture_node[:capture id]). A message Kamailio did not store
        is a failure unless it is listed in --refused (lines "udp|tcp|*<TAB>Call-ID<TAB>first
        line or *<TAB>text in Kamailio's log<TAB>why") and LOG holds that text (once per
        message over UDP, once over TCP); it is printed either way.
  sngrep PCAP DECODED.jsonl VERSION
        the SIP sngrep saved with -O (read with tshark) against the decoded records: per Call-ID
        counts, the multiset of (Call-ID, CSeq, first line), and per message the payload
        (byte-exact), timestamp, addresses and ports (see check_sngrep for sngrep's quirks).
Prints one "stored ..." summary line and FAIL lines; exit 1 on any failure.
"""
import base64
import collections
import ipaddress
import json
import socket
import sqlite3
import struct
import subprocess
import sys


def free_port():
    while True:
        t = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        t.bind(("127.0.0.1", 0))
        port = t.getsockname()[1]
        u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        try:
            u.bind(("127.0.0.1", port))
        except OSError:
            t.close()
            u.close()
            continue
        t.close()
        u.close()
        print(port)
        return


def load_decoded(path):
    out = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            if not line.strip():
                continue
            r = json.loads(line)
            msg = r["msg"].encode("utf-8") if "msg" in r else base64.b64decode(r["msg_b64"])
            r["_msg"] = msg
            out.append(r)
    return out


def norm_ip(s):
    try:
        return str(ipaddress.ip_address(s))
    except ValueError:
        return "BAD:" + repr(s)


def first_line(msg):
    return msg.split(b"\r\n", 1)[0].split(b"\n", 1)[0].decode("utf-8", "replace")


def msg_key(r, msg, with_ts):
    key = (r["callid"] or "", norm_ip(r["source_ip"]), int(r["source_port"]),
           norm_ip(r["destination_ip"]), int(r["destination_port"]), int(r["family"]), msg)
    return key + ((int(r["micro_ts"]),) if with_ts else ())


def describe(key):
    return "%s %s:%d -> %s:%d ts %s: %s" % (
        key[0], key[1], key[2], key[3], key[4], key[7] if len(key) > 7 else "-", first_line(key[6]))


def load_refused(path, transport):
    """Lines: udp|tcp|* <TAB> Call-ID <TAB> first line or * <TAB> text Kamailio logs <TAB> why."""
    refused = []
    if path:
        with open(path, encoding="utf-8") as f:
            for line in f:
                if line.strip() and not line.startswith("#"):
                    tr, callid, fl, log_text, why = line.rstrip("\n").split("\t", 4)
                    if tr in ("*", transport):
                        refused.append((callid, fl, log_text, why))
    return refused


def refusal_for(refused, key):
    for callid, fl, log_text, why in refused:
        if callid == key[0] and fl in ("*", first_line(key[6])):
            return log_text, why
    return None


def check_kamailio(db, decoded_path, version, capid, node, log_path, transport, refused_path):
    version = int(version)
    with_ts = version >= 2
    want_node = node if version == 1 else "%s:%s" % (node, capid)
    decoded = load_decoded(decoded_path)
    con = sqlite3.connect(db)
    con.row_factory = sqlite3.Row
    rows = [dict(r) for r in con.execute("SELECT * FROM sip_capture")]
    con.close()
    for r in rows:
        m = r["msg"]
        r["_msg"] = bytes(m) if isinstance(m, (bytes, bytearray)) else (m or "").encode()
    with open(log_path, encoding="utf-8", errors="replace") as f:
        log = f.read()
    refused = load_refused(refused_path, transport)
    failures = []

    # Every message: payload byte-exact, addresses, ports, family, micro_ts (v2/v3).
    want = collections.defaultdict(list)
    for r in decoded:
        want[msg_key(r, r["_msg"], with_ts)].append(int(r["proto"]))
    got = collections.defaultdict(list)
    for r in rows:
        got[msg_key(r, r["_msg"], with_ts)].append(int(r["proto"] or 0))
    explained = 0
    per_refusal = collections.Counter()
    for key in sorted(want, key=describe):
        n_missing = len(want[key]) - len(got.get(key, []))
        if n_missing <= 0:
            continue
        refusal = refusal_for(refused, key)
        if refusal is None:
            failures.append("not stored by Kamailio (x%d): %s" % (n_missing, describe(key)))
        elif refusal[0] not in log:
            failures.append("listed as refused but the Kamailio log lacks %r: %s" % (refusal[0], describe(key)))
        else:
            explained += n_missing
            per_refusal[refusal[0]] += n_missing
            print("note: Kamailio refused (x%d) %s -- log: %r; %s" % (n_missing, describe(key), refusal[0], refusal[1]))
    for key in sorted(got, key=describe):
        n_extra = len(got[key]) - len(want.get(key, []))
        if n_extra > 0:
            failures.append("stored but not sent (x%d) (or a field differs): %s" % (n_extra, describe(key)))
    # Over UDP each refused datagram is logged. Over TCP Kamailio logs the first one and closes
    # the connection (tcp_read.c: a message that fails -> CONN_ERROR -> connection released), so
    # the rest of that stream is never read.
    for log_text, n in per_refusal.items():
        if log.count(log_text) < (n if transport == "udp" else 1):
            failures.append("%d messages refused but the Kamailio log says %r only %d times" %
                            (n, log_text, log.count(log_text)))
    for callid, fl, _, _ in refused:
        if any(k[0] == callid and fl in ("*", first_line(k[6])) for k in got):
            failures.append("listed as refused but stored: %s %s" % (callid, fl))
    # Transport: Kamailio's proto enum (1 UDP, 2 TCP, 4 SCTP). Quirk: its HEPv3 parser maps only
    # ip_proto 6 and 17 and leaves the transport of anything else (SCTP) unset, so v3 SCTP
    # rows carry whatever was there; v1/v2 map 132 to SCTP.
    for key, protos in want.items():
        if key not in got or len(got[key]) != len(protos):
            continue
        exp = sorted(protos)
        act = sorted(got[key])
        if version == 3 and 4 in exp:
            continue
        if exp != act:
            failures.append("proto %s, want %s: %s" % (act, exp, describe(key)))

    want_calls = collections.Counter(r["callid"] or "" for r in decoded)
    got_calls = collections.Counter(r["callid"] or "" for r in rows)
    for callid in sorted(set(want_calls) | set(got_calls)):
        if want_calls[callid] != got_calls[callid]:
            print("note: Call-ID %s: decode %d, Kamailio %d" % (callid, want_calls[callid], got_calls[callid]))

    bad_node = [r["node"] for r in rows if r["node"] != want_node]
    if bad_node:
        failures.append("node %r, want %r (%d rows)" % (bad_node[0], want_node, len(bad_node)))
    for r in rows:
        if int(r["type"] or 0) not in (1, 2):
            failures.append("type %r for %s" % (r["type"], r["callid"]))
        if (r["correlation_id"] or "") != (r["callid"] or ""):
            failures.append("correlation_id %r != callid %r" % (r["correlation_id"], r["callid"]))
    if not with_ts:
        # v1 carries no time: Kamailio stamps the arrival time (not the capture's).
        old = [r for r in rows if int(r["micro_ts"]) < 1_600_000_000_000_000]
        if old:
            failures.append("v1: %d rows with a capture-time micro_ts; want arrival time" % len(old))

    print("stored %d of %d sent (%d Call-IDs; %d refused by Kamailio as documented)" %
          (len(rows), len(decoded), len(want_calls), explained))
    for f in failures:
        print("FAIL: " + f)
    return 1 if failures else 0


def epoch_us(text):
    sec, _, frac = text.partition(".")
    return int(sec) * 1_000_000 + int((frac + "000000")[:6])


def check_sngrep(pcap, decoded_path, version):
    """sngrep 1.6 writes every decapsulated message as an Ethernet/IPv4/UDP frame with the HEP
    timestamp, ports and addresses. Quirks: IPv6 addresses are written as 0.0.0.0 (its pcap
    writer has IPv4 only) and, for HEPv2, the payload is followed by NUL bytes up to ~4 KB
    (HEPv2 has no length field; sngrep copies its whole receive buffer)."""
    decoded = load_decoded(decoded_path)
    want_sip = collections.Counter()
    want_pkt = collections.Counter()
    for r in decoded:
        want_sip[(r["callid"] or "", r["cseq"] or "", first_line(r["_msg"]))] += 1
        v6 = int(r["family"]) == 10
        want_pkt[(int(r["micro_ts"]), "0.0.0.0" if v6 else r["source_ip"], int(r["source_port"]),
                  "0.0.0.0" if v6 else r["destination_ip"], int(r["destination_port"]), r["_msg"])] += 1
    out = subprocess.run(
        ["tshark", "-r", pcap, "-o", "udp.try_heuristic_first:TRUE",
         "-T", "fields", "-E", "separator=/t", "-E", "occurrence=f",
         "-e", "frame.time_epoch", "-e", "ip.src", "-e", "udp.srcport", "-e", "ip.dst", "-e", "udp.dstport",
         "-e", "udp.payload", "-e", "sip.Call-ID", "-e", "sip.CSeq", "-e", "sip.Request-Line",
         "-e", "sip.Status-Line"],
        capture_output=True, text=True, check=False)
    got_sip = collections.Counter()
    got_pkt = collections.Counter()
    for line in out.stdout.splitlines():
        parts = line.split("\t")
        parts += [""] * (10 - len(parts))
        ts, src, sport, dst, dport, payload, callid, cseq, req, status = parts[:10]
        got_sip[(callid, cseq, req or status)] += 1
        body = bytes.fromhex(payload.replace(":", ""))
        if int(version) == 2:
            body = body.rstrip(b"\0")
        got_pkt[(epoch_us(ts), src, int(sport or 0), dst, int(dport or 0), body)] += 1
    failures = []
    for key, n in sorted((want_sip - got_sip).items()):
        failures.append("not saved by sngrep (x%d): %s" % (n, key))
    for key, n in sorted((got_sip - want_sip).items()):
        failures.append("saved by sngrep but not sent (x%d): %s" % (n, key))
    for key, n in sorted((want_pkt - got_pkt).items()):
        failures.append("no frame with this time/address/ports/payload (x%d): %s %s:%d -> %s:%d %s" %
                        (n, key[0], key[1], key[2], key[3], key[4], first_line(key[5])))
    calls = collections.Counter(k[0] for k in want_sip.elements())
    print("saved %d of %d sent (%d Call-IDs; %d byte-exact with time, addresses and ports)" %
          (sum(got_sip.values()), sum(want_sip.values()), len(calls),
           sum((want_pkt & got_pkt).values())))
    for f in failures:
        print("FAIL: " + f)
    return 1 if failures else 0


def expect_stored(decoded_path, refused_path, transport):
    refused = load_refused(refused_path, transport)
    n = 0
    for r in load_decoded(decoded_path):
        if refusal_for(refused, msg_key(r, r["_msg"], False)) is None:
            n += 1
    print(n)
    return 0


def pcap_frames(path):
    """Complete records in a classic pcap file (0 while it has no header yet)."""
    try:
        with open(path, "rb") as f:
            data = f.read()
    except OSError:
        print(0)
        return 0
    if len(data) < 24:
        print(0)
        return 0
    endian = "<" if data[:4] in (b"\xd4\xc3\xb2\xa1", b"\x4d\x3c\xb2\xa1") else ">"
    n, off = 0, 24
    while off + 16 <= len(data):
        incl = struct.unpack(endian + "I", data[off + 8:off + 12])[0]
        if off + 16 + incl > len(data):
            break
        off += 16 + incl
        n += 1
    print(n)
    return 0


def main(argv):
    if len(argv) >= 2 and argv[1] == "free-port":
        free_port()
        return 0
    if len(argv) == 3 and argv[1] == "pcap-frames":
        return pcap_frames(argv[2])
    if len(argv) == 5 and argv[1] == "expect-stored":
        return expect_stored(argv[2], argv[3], argv[4])
    if len(argv) >= 9 and argv[1] == "kamailio":
        refused = None
        if len(argv) == 11 and argv[9] == "--refused":
            refused = argv[10]
        return check_kamailio(*argv[2:9], refused)
    if len(argv) == 5 and argv[1] == "sngrep":
        return check_sngrep(argv[2], argv[3], argv[4])
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
