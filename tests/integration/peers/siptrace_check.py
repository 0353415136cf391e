#!/usr/bin/env python3
"""Helpers for kamailio_siptrace_test.sh (Python 3 stdlib only).

  free-ports N                      N distinct loopback ports free for both UDP and TCP
  tcp-hep PCAP PORT OUT.pcap        reassemble the TCP streams to 127.0.0.1:PORT in PCAP, split
                                    them into HEPv3 frames (by the 16-bit length field), print the
                                    frame count and write each frame as one UDP datagram to
                                    OUT.pcap (so `siphon decode` sees exactly one HEP per packet)
  check ARGS...                     compare siphon's stored records with the ground truth, see
                                    check() below; prints FAIL lines, exit 1 on any failure
  compare-agent ARGS...             the agent's records against Kamailio's (compare_agent())
  chain ARGS...                     partial tracing on a chain of two proxies (chain())
"""
import collections
import json
import re
import socket
import struct
import subprocess
import sys


def free_ports(n):
    held, ports = [], []
    while len(ports) < n:
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
        held += [t, u]
        if port not in ports:
            ports.append(port)
    print(" ".join(map(str, ports)))
    for s in held:
        s.close()


def pcap_write(path, payloads, dport):
    with open(path, "wb") as f:
        f.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1))
        for i, (ts, data) in enumerate(payloads):
            udp = struct.pack("!HHHH", 40000, dport, 8 + len(data), 0) + data
            ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(udp), i & 0xFFFF, 0, 64, 17, 0,
                             socket.inet_aton("127.0.0.1"), socket.inet_aton("127.0.0.1"))
            csum = 0
            for j in range(0, 20, 2):
                csum += (ip[j] << 8) | ip[j + 1]
            while csum >> 16:
                csum = (csum & 0xFFFF) + (csum >> 16)
            ip = ip[:10] + struct.pack("!H", ~csum & 0xFFFF) + ip[12:]
            frame = b"\0" * 12 + b"\x08\x00" + ip + udp
            sec = int(ts)
            f.write(struct.pack("<IIII", sec, int(round((ts - sec) * 1e6)), len(frame), len(frame)))
            f.write(frame)


def tcp_hep(pcap, port, out):
    rows = subprocess.run(
        ["tshark", "-r", pcap, "-Y", "tcp.dstport==%s && tcp.len>0" % port, "-o",
         "tcp.relative_sequence_numbers:FALSE", "-T", "fields", "-e", "tcp.stream", "-e",
         "tcp.seq", "-e", "frame.time_epoch", "-e", "tcp.payload"],
        check=True, capture_output=True, text=True).stdout.splitlines()
    streams = collections.defaultdict(dict)
    for line in rows:
        stream, seq, ts, payload = line.split("\t")
        streams[int(stream)].setdefault(int(seq), (float(ts), bytes.fromhex(payload.replace(":", ""))))
    frames, bad = [], 0
    for stream in sorted(streams):
        segs = streams[stream]
        buf, ts_at, expect = b"", [], None
        for seq in sorted(segs):
            ts, data = segs[seq]
            if expect is not None and seq != expect:
                if seq < expect:  # overlapping retransmission
                    data = data[expect - seq:]
                else:
                    print("tcp-hep: stream %d: gap at seq %d" % (stream, expect), file=sys.stderr)
                    bad += 1
            ts_at.append((len(buf), ts))
            buf += data
            expect = seq + len(segs[seq][1])
        i = 0
        while i + 6 <= len(buf):
            if buf[i:i + 4] != b"HEP3":
                print("tcp-hep: stream %d: no HEP3 magic at offset %d" % (stream, i), file=sys.stderr)
                bad += 1
                break
            length = struct.unpack("!H", buf[i + 4:i + 6])[0]
            if length < 6 or i + length > len(buf):
                print("tcp-hep: stream %d: truncated frame at offset %d" % (stream, i), file=sys.stderr)
                bad += 1
                break
            ts = [t for off, t in ts_at if off <= i + length - 1][-1]
            frames.append((ts, buf[i:i + length]))
            i += length
        if i != len(buf) and bad == 0:
            print("tcp-hep: stream %d: %d trailing bytes" % (stream, len(buf) - i), file=sys.stderr)
            bad += 1
    pcap_write(out, frames, int(port))
    print(len(frames))
    return 1 if bad else 0


def load_jsonl(path):
    with open(path) as f:
        return [json.loads(line) for line in f if line.strip()]


def load_wire(path):
    """tshark's fields (udp.srcport, udp.dstport, Call-ID, CSeq, method, status, time) per SIP
    message on the wire; a reply's method is its status code, as in the method column."""
    wire = []
    for l in open(path):
        f = l.rstrip("\n").split("\t")
        if len(f) < 7 or not f[2]:
            continue
        sport, dport, callid, cseq, method, status, ts = f[:7]
        wire.append(dict(sport=int(sport), dport=int(dport), callid=callid, cseq=cseq,
                         method=status if status else method, ts=float(ts)))
    return wire


def check(a):
    """a: dict of --key value options, see kamailio_siptrace_test.sh."""
    fails = []

    def fail(msg):
        fails.append(msg)
        print("FAIL [%s]: %s" % (a["case"], msg))

    n_hep = int(a["hep-count"])
    hepv = int(a["hep-version"])
    calls = int(a["calls"])
    t0, t1 = int(a["t0"]), int(a["t1"])
    ports = set(int(p) for p in a["ports"].split(","))
    core_mode = a["mode"] == "core"

    # 1. the serve stats line
    line = [l for l in open(a["serve-err"]) if l.startswith("serve: received")]
    if not line:
        fail("no 'serve: received' line on serve's stderr")
    else:
        m = re.match(r"serve: received (\d+), stored (\d+) \(unparsed SIP (\d+)\), dropped (\d+)", line[-1])
        if not m:
            fail("stats line not understood: %r" % line[-1])
        else:
            rec, sto, unp, drp = map(int, m.groups())
            if not (rec == sto == n_hep) or drp != 0 or unp != 0:
                fail("stats line %r: want received == stored == %d (HEP packets Kamailio sent), "
                     "unparsed 0, dropped 0" % (line[-1].strip(), n_hep))

    # 2. search returns every packet
    recs = load_jsonl(a["search"])
    if len(recs) != n_hep:
        fail("search returned %d records, Kamailio sent %d HEP packets" % (len(recs), n_hep))

    # 3. the Call-IDs sipp used (from the SIP on the wire)
    wire = load_wire(a["wire"])
    wire_callids = set(w["callid"] for w in wire)
    if len(wire_callids) != calls:
        fail("%d distinct Call-IDs on the wire, want %d" % (len(wire_callids), calls))
    got_callids = set(r.get("callid") for r in recs)
    if wire_callids - got_callids:
        fail("Call-IDs sipp used but not stored: %s" % sorted(wire_callids - got_callids)[:5])
    if got_callids - wire_callids:
        fail("stored Call-IDs sipp did not use: %s" % sorted(got_callids - wire_callids)[:5])

    # 4. per record
    bad = collections.Counter()
    examples = {}

    def bad_rec(what, r):
        bad[what] += 1
        examples.setdefault(what, r)

    for r in recs:
        method, cseq = str(r.get("method") or ""), str(r.get("cseq") or "")
        cm = re.fullmatch(r"(\d+) ([A-Z]+)", cseq)
        if not cm:
            bad_rec("cseq not 'N METHOD'", r)
            continue
        if r.get("type") == 1:
            if method not in ("INVITE", "ACK", "BYE"):
                bad_rec("unexpected request method", r)
            # requests: the CSeq method is the method (CANCEL/ACK of a non-2xx would keep the
            # INVITE's number; none in these scenarios, the 2xx ACK carries 'N ACK')
            if cm.group(2) != method:
                bad_rec("request method != CSeq method", r)
            if r.get("ruri_user") != "callee":
                bad_rec("ruri_user != callee", r)
        elif r.get("type") == 2:
            if not re.fullmatch(r"[1-6]\d\d", method):
                bad_rec("reply method is not a 3-digit code", r)
            if cm.group(2) not in ("INVITE", "BYE"):
                bad_rec("reply to unexpected CSeq method", r)
        else:
            bad_rec("type is neither 1 (request) nor 2 (reply)", r)
        if not re.fullmatch(r"caller\d+", str(r.get("from_user") or "")):
            bad_rec("from_user not callerN", r)
        if r.get("to_user") != "callee":
            bad_rec("to_user != callee", r)
        if r.get("source_ip") != "127.0.0.1" or r.get("destination_ip") != "127.0.0.1":
            bad_rec("address not 127.0.0.1", r)
        if r.get("source_port") not in ports or r.get("destination_port") not in ports:
            bad_rec("port not among the sipp/kamailio ports", r)
        if r.get("source_port") == r.get("destination_port"):
            bad_rec("source port == destination port", r)
        ts = r.get("micro_ts")
        if not isinstance(ts, int) or not (t0 <= ts <= t1):
            bad_rec("micro_ts outside the test's wall-clock window", r)
        if r.get("hep_version") != hepv:
            bad_rec("hep_version != %d" % hepv, r)
        if r.get("family") != 2:
            bad_rec("family != 2", r)
        if hepv >= 2 and r.get("capture_id") != 2001:
            bad_rec("capture_id != 2001", r)
        if r.get("correlation_id") != r.get("callid"):
            # core mode sends no 0x0011 chunk (correlation_id falls back to the Call-ID);
            # transaction mode sends sip_trace()'s "$ci", the Call-ID, on some messages
            bad_rec("correlation_id != callid", r)
        if "msg" not in r and "msg_b64" not in r:
            bad_rec("no msg", r)
        elif "msg" in r and ("Call-ID: %s" % r.get("callid")) not in r["msg"]:
            bad_rec("msg does not contain the Call-ID header", r)
    for what, n in bad.items():
        fail("%d record(s): %s, e.g. %s" % (n, what, json.dumps(examples[what])[:600]))

    # 5. exact multiset match with `siphon decode` of the captured HEP packets
    def key(r, with_ts):
        k = (r.get("callid"), r.get("cseq"), str(r.get("method")), r.get("source_port"),
             r.get("destination_port"), r.get("type"), r.get("from_user"), r.get("to_user"))
        return k + ((r.get("micro_ts"),) if with_ts else ())

    with_ts = hepv >= 2  # v1 has no timestamp: decode uses the pcap time, serve the arrival time
    dec = load_jsonl(a["decode"])
    if len(dec) != n_hep:
        fail("siphon decode found %d HEP records in the capture, %d HEP packets" % (len(dec), n_hep))
    cd, cs = collections.Counter(key(r, with_ts) for r in dec), collections.Counter(key(r, with_ts) for r in recs)
    if cd != cs:
        fail("stored records differ from the decoded capture: only in capture %s; only stored %s"
             % (list((cd - cs).elements())[:3], list((cs - cd).elements())[:3]))
    if hepv == 1:
        # arrival time vs the capture's time of the packet: close
        dts = sorted(r["micro_ts"] for r in dec)
        sts = sorted(r["micro_ts"] for r in recs)
        if len(dts) == len(sts):
            worst = max((abs(x - y) for x, y in zip(dts, sts)), default=0)
            if worst > 500000:
                fail("HEPv1 arrival times differ from capture times by up to %d us" % worst)

    # 6. core mode mirrors every SIP message Kamailio sent or received: exact match with the wire
    if core_mode:
        wk = collections.Counter((w["callid"], w["cseq"], w["method"], w["sport"], w["dport"]) for w in wire)
        sk = collections.Counter((r.get("callid"), r.get("cseq"), str(r.get("method")), r.get("source_port"),
                                  r.get("destination_port")) for r in recs)
        if wk != sk:
            fail("stored records differ from the SIP on the wire (%d messages): only on wire %s; only stored %s"
                 % (len(wire), list((wk - sk).elements())[:3], list((sk - wk).elements())[:3]))
        elif hepv >= 2:
            # Kamailio stamps the HEP packet when it traces the message: within 0.5 s of the wire
            by_w, by_s = collections.defaultdict(list), collections.defaultdict(list)
            for w in wire:
                by_w[(w["callid"], w["cseq"], w["method"], w["sport"], w["dport"])].append(int(w["ts"] * 1e6))
            for r in recs:
                by_s[(r.get("callid"), r.get("cseq"), str(r.get("method")), r.get("source_port"),
                      r.get("destination_port"))].append(r["micro_ts"])
            worst = max(abs(x - y) for k in by_w for x, y in zip(sorted(by_w[k]), sorted(by_s[k])))
            if worst > 500000:
                fail("HEP timestamps differ from the wire times by up to %d us" % worst)
    else:
        # transaction mode traces a subset (no relayed ACK): every stored record is on the wire
        wk = collections.Counter((w["callid"], w["cseq"], w["method"], w["sport"], w["dport"]) for w in wire)
        sk = collections.Counter((r.get("callid"), r.get("cseq"), str(r.get("method")), r.get("source_port"),
                                  r.get("destination_port")) for r in recs)
        if sk - wk:
            fail("stored records that are not on the wire: %s" % list((sk - wk).elements())[:3])

    by_kind = collections.Counter(str(r.get("method")) for r in recs)
    print("[%s] HEP packets sent by Kamailio %d, stored %d, SIP on wire %d, Call-IDs %d: %s"
          % (a["case"], n_hep, len(recs), len(wire), len(got_callids),
             " ".join("%s=%d" % kv for kv in sorted(by_kind.items()))))
    return 1 if fails else 0


def compare_agent(a):
    """The agent's records of the SIP capture against Kamailio's HEP of the same calls: equal by
    (Call-ID, CSeq, method/status, source port, destination port) but for the ACKs to the 2xx
    Kamailio 5.6 does not trace: in transaction mode the ACK it relays to the UAS (no tm
    callback sees it; the received one is traced by sip_trace("m")), in dialog mode both (the
    dialog's DLGCB_CONFIRMED fires on the 200, before any ACK). Every agent record carries its
    Call-ID as correlation id."""
    kport, uas, calls = int(a["kport"]), int(a["uas"]), int(a["calls"])
    missed_per_call = 2 if a["mode"] == "dialog" else 1
    fails = []

    def fail(msg):
        fails.append(msg)
        print("FAIL [%s]: %s" % (a["case"], msg))

    def key(r):
        return (r.get("callid"), r.get("cseq"), str(r.get("method")), r.get("source_port"),
                r.get("destination_port"))

    kam = collections.Counter(key(r) for r in load_jsonl(a["kamailio"]))
    agent_recs = load_jsonl(a["agent"])
    agent = collections.Counter(key(r) for r in agent_recs)
    only_kam = kam - agent
    if only_kam:
        fail("traced by Kamailio, not by the agent: %s" % list(only_kam.elements())[:3])
    extra = list((agent - kam).elements())
    acks = [k for k in extra if k[2] == "ACK"]
    relayed = [k for k in acks if k[3] == kport and k[4] == uas]
    if len(extra) != len(acks) or len(acks) != calls * missed_per_call or len(relayed) != calls:
        fail("agent's messages beyond Kamailio's: %d (%d ACKs, %d relayed), want the %d ACKs "
             "Kamailio misses; e.g. %s" % (len(extra), len(acks), len(relayed),
                                           calls * missed_per_call,
                                           [k for k in extra if k[2] != "ACK"][:3]))
    uncorrelated = [r for r in agent_recs if r.get("correlation_id") != r.get("callid")]
    if uncorrelated:
        fail("%d agent record(s) without the Call-ID as correlation id" % len(uncorrelated))
    print("[%s] agent: %d messages = Kamailio's %d + %d ACKs it misses (%d relayed)"
          % (a["case"], sum(agent.values()), sum(kam.values()), len(acks), len(relayed)))
    return 1 if fails else 0


def chain(a):
    """Partial tracing (OpenSIPS's C / c, HEP-AND-MODULES.md §5.3) on a chain sipp UAC -> proxy
    P1 -> proxy P2 -> sipp UAS: the records of the agent tracing for P1 (--p1) and of the one
    tracing for P2 (--p2), together, hold every SIP message on the wire exactly once, keyed by
    (Call-ID, CSeq, method/status, source port, destination port, capture time). --full, the
    collector of both proxies' core-mode siptrace, holds the P1 - P2 hop twice (each proxy
    mirrors what it sends and what it receives): the duplicates partial tracing avoids."""
    k1, k2 = int(a["k1"]), int(a["k2"])
    fails = []

    def fail(msg):
        fails.append(msg)
        print("FAIL [%s]: %s" % (a["case"], msg))

    def key(callid, cseq, method, sport, dport):
        return (callid, cseq, str(method), sport, dport)

    wire = load_wire(a["wire"])
    calls = len(set(w["callid"] for w in wire))
    if calls != int(a["calls"]):
        fail("%d Call-IDs on the wire, want %s" % (calls, a["calls"]))
    # A retransmission is the same key twice on the wire: the time tells the copies apart.
    wk = collections.Counter(key(w["callid"], w["cseq"], w["method"], w["sport"], w["dport"])
                             + (int(round(w["ts"] * 1e6)),) for w in wire)
    got = {}
    for side in ("p1", "p2"):
        got[side] = collections.Counter(
            key(r.get("callid"), r.get("cseq"), r.get("method"), r.get("source_port"),
                r.get("destination_port")) + (r.get("micro_ts"),) for r in load_jsonl(a[side]))
    both = got["p1"] & got["p2"]
    if both:
        fail("traced by both agents: %d, e.g. %s" % (sum(both.values()), list(both.elements())[:2]))
    union = got["p1"] + got["p2"]
    if union != wk:
        fail("the two agents together differ from the wire (%d messages): missing %s; extra %s"
             % (len(wire), list((wk - union).elements())[:3], list((union - wk).elements())[:3]))
    hops = collections.Counter()
    for side in ("p1", "p2"):
        for k in got[side]:
            hops[(side, tuple(sorted((k[3], k[4]))))] += got[side][k]
    detail = ", ".join("%s %d-%d: %d" % (s, h[0], h[1], n) for (s, h), n in sorted(hops.items()))
    if "full" in a:
        full = collections.Counter(key(r.get("callid"), r.get("cseq"), r.get("method"),
                                       r.get("source_port"), r.get("destination_port"))
                                   for r in load_jsonl(a["full"]))
        wire_keys = collections.Counter(k[:5] for k in wk.elements())
        between = sum(n for k, n in wire_keys.items() if {k[3], k[4]} == {k1, k2})
        doubled = sum(max(0, full[k] - n) for k, n in wire_keys.items())
        if full - wire_keys - wire_keys or doubled != between:
            fail("full tracing on both proxies: %d extra copies, want the %d messages between "
                 "them once more" % (doubled, between))
        detail += "; full tracing on both stores %d (the %d between P1 and P2 twice)" % (
            sum(full.values()), between)
    print("[%s] wire %d messages, p1 %d + p2 %d: %s" % (
        a["case"], len(wire), sum(got["p1"].values()), sum(got["p2"].values()), detail))
    return 1 if fails else 0


def main(argv):
    if argv[1] == "free-ports":
        free_ports(int(argv[2]))
        return 0
    if argv[1] == "tcp-hep":
        return tcp_hep(argv[2], argv[3], argv[4])
    if argv[1] == "compare-agent":
        opts = {}
        it = iter(argv[2:])
        for k in it:
            opts[k.lstrip("-")] = next(it)
        return compare_agent(opts)
    if argv[1] == "chain":
        opts = {}
        it = iter(argv[2:])
        for k in it:
            opts[k.lstrip("-")] = next(it)
        return chain(opts)
    if argv[1] == "check":
        opts = {}
        it = iter(argv[2:])
        for k in it:
            opts[k.lstrip("-")] = next(it)
        return check(opts)
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
