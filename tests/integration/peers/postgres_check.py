#!/usr/bin/env python3
"""Helpers for postgres_sink_test.sh and mysql_sink_test.sh (Python 3 stdlib only).

  send PORT RUN COUNT EXPECTED.json   send HEPv3 over UDP to 127.0.0.1:PORT: COUNT SIP messages on
                                      two capture days (strftime tables), one malformed SIP, one
                                      RTCP report with a correlation id, one record with a vendor
                                      chunk; write what a database row must hold to EXPECTED.json
  check EXPECTED.json PSQL...         query the tables with the psql command line PSQL... and
                                      compare every column of every expected row; prints FAIL
                                      lines, exit 1 on any failure
  check-mysql EXPECTED.json MYSQL...  the same with the mariadb client command line MYSQL...
  stream PORT RUN COUNT RATE          send COUNT INVITEs (Call-IDs RUN-0@it.example ...) at RATE
                                      per second: a load to stop a database under
  aged PORT RUN DAYS_AGO COUNT        send COUNT INVITEs and one RTCP report timestamped DAYS_AGO
                                      days before now (Call-IDs RUN-0@it.example ...)
"""
import json
import socket
import struct
import subprocess
import sys
import time

DAY1 = 1700000000  # 2023-11-14 22:13:20 UTC
DAY2 = DAY1 + 86400  # 2023-11-15


def chunk(ctype, value, vendor=0):
    return struct.pack("!HHH", vendor, ctype, 6 + len(value)) + value


def hep3(payload, ts, usec, ptype=1, corr=None, extra=b"", src=("10.1.0.1", 5060),
         dst=("10.1.0.2", 5080), capture_id=2001):
    body = (chunk(1, b"\x02") + chunk(2, b"\x11") + chunk(3, socket.inet_aton(src[0])) +
            chunk(4, socket.inet_aton(dst[0])) + chunk(7, struct.pack("!H", src[1])) +
            chunk(8, struct.pack("!H", dst[1])) + chunk(9, struct.pack("!I", ts)) +
            chunk(10, struct.pack("!I", usec)) + chunk(11, bytes([ptype])) +
            chunk(12, struct.pack("!I", capture_id)) + chunk(15, payload))
    if corr is not None:
        body += chunk(0x11, corr.encode())
    body += extra
    return b"HEP3" + struct.pack("!H", 6 + len(body)) + body


def invite(run, i):
    callid = "%s-%d@it.example" % (run, i)
    # A non-UTF-8 byte in a header value and a NUL in the body: the text columns get U+FFFD,
    # msg must keep every byte.
    sdp = b"v=0\r\no=- 1 1 IN IP4 10.1.0.1\r\ns=\x00\xff\r\n"
    msg = ("INVITE sip:bob%d@it.example SIP/2.0\r\n"
           "Via: SIP/2.0/UDP 10.1.0.1:5060;branch=z9hG4bK-%d\r\n"
           "From: \"Alice\" <sip:alice%d@it.example>;tag=f%d\r\n"
           "To: <sip:bob%d@it.example>\r\n"
           "Call-ID: %s\r\nCSeq: %d INVITE\r\n" % (i, i, i, i, i, callid, i + 1)).encode()
    msg += b"User-Agent: it\xe9agent\r\nContent-Type: application/sdp\r\n"
    msg += b"Content-Length: %d\r\n\r\n" % len(sdp) + sdp
    return callid, msg


def send(port, run, count, out):
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    target = ("127.0.0.1", int(port))
    expected = []
    for i in range(int(count)):
        callid, msg = invite(run, i)
        ts = DAY1 if i % 2 == 0 else DAY2
        table = "sip_capture_20231114" if ts == DAY1 else "sip_capture_20231115"
        sock.sendto(hep3(msg, ts, i), target)
        expected.append({"table": table, "key": "callid", "value": callid, "cols": {
            "date": time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime(ts)),
            "micro_ts": str(ts * 1000000 + i), "method": "INVITE", "ruri_user": "bob%d" % i,
            "from_user": "alice%d" % i, "from_tag": "f%d" % i, "to_user": "bob%d" % i,
            "cseq": "%d INVITE" % (i + 1), "correlation_id": callid,
            "user_agent": "it\ufffdagent", "source_ip": "10.1.0.1", "source_port": "5060",
            "destination_ip": "10.1.0.2", "destination_port": "5080", "proto": "1",
            "family": "2", "type": "1", "node": "pgit:2001", "parse_error": "",
            "hep_version": "3", "capture_id": "2001", "payload_type": "1",
            "msg": msg.hex()}})
        if i % 200 == 199:
            time.sleep(0.02)  # loopback UDP: keep the socket buffer from overflowing
    # Malformed SIP: stored raw, marked unparsed, in the day's table.
    bad = b"NOT SIP AT ALL \xff\xfe\r\n\r\n" + run.encode()
    sock.sendto(hep3(bad, DAY1, 999999, corr=run + "-bad"), target)
    expected.append({"table": "sip_capture_20231114", "key": "correlation_id",
                     "value": run + "-bad", "cols": {"type": "0", "method": "",
                                                     "parse_error_set": "t", "msg": bad.hex()}})
    # RTCP (payload type 5): rtcp_capture, type 3, the literal table name (no strftime).
    rtcp = bytes.fromhex("81c8000c") + run.encode()
    sock.sendto(hep3(rtcp, DAY1, 7, ptype=5, corr=run + "-rtcp"), target)
    expected.append({"table": "rtcp_capture", "key": "correlation_id", "value": run + "-rtcp",
                     "cols": {"type": "3", "payload_type": "5", "micro_ts": str(DAY1 * 1000000 + 7),
                              "node": "pgit:2001", "msg": rtcp.hex()}})
    # A vendor chunk the collector has no field for: kept in hep_chunks as it came.
    callid, msg = invite(run + "-chunk", 0)
    vendor = chunk(0x0099, b"\x01\x02\x03", vendor=0x0021)
    sock.sendto(hep3(msg, DAY1, 8, extra=vendor), target)
    expected.append({"table": "sip_capture_20231114", "key": "callid", "value": callid,
                     "cols": {"hep_chunks": vendor.hex(), "msg": msg.hex()}})
    with open(out, "w") as f:
        json.dump(expected, f)
    print(len(expected))


COLUMNS = ["date", "micro_ts", "method", "ruri_user", "from_user", "from_tag", "to_user", "cseq",
           "correlation_id", "user_agent", "source_ip", "source_port", "destination_ip",
           "destination_port", "proto", "family", "type", "node", "parse_error", "hep_version",
           "capture_id", "payload_type", "msg", "hep_chunks"]
REPORT_COLUMNS = ["date", "micro_ts", "correlation_id", "source_ip", "source_port",
                  "destination_ip", "destination_port", "proto", "family", "type", "node",
                  "hep_version", "capture_id", "payload_type", "msg", "hep_chunks"]


def query(psql, table, key, value):
    cols = COLUMNS if table.startswith("sip_capture") else REPORT_COLUMNS
    sel = []
    for c in cols:
        if c in ("msg", "hep_chunks"):
            sel.append("encode(%s, 'hex')" % c)
        elif c == "parse_error":
            sel.append("coalesce(parse_error, '')")
        else:
            sel.append("%s::text" % c)
    if table.startswith("sip_capture"):
        sel.append("(parse_error IS NOT NULL)::text")
        cols = cols + ["parse_error_set"]
    # The value is a fixed test string ([A-Za-z0-9@.-]); psql -v quotes it as a literal.
    sql = "SELECT %s FROM %s WHERE %s = :'v'" % (", ".join(sel), table, key)
    out = subprocess.run(psql + ["-v", "v=" + value, "-At", "-F", "\x1f"], input=sql,
                         capture_output=True, text=True, timeout=30).stdout
    rows = [dict(zip(cols, line.split("\x1f"))) for line in out.splitlines()]
    for r in rows:
        if r.get("parse_error_set") == "true":
            r["parse_error_set"] = "t"
    return rows


def query_mysql(mysql, table, key, value):
    cols = COLUMNS if table.startswith("sip_capture") else REPORT_COLUMNS
    sel = []
    for c in cols:
        if c in ("msg", "hep_chunks"):
            sel.append("LOWER(HEX(%s))" % c)
        elif c == "parse_error":
            sel.append("COALESCE(parse_error, '')")
        else:
            sel.append("CAST(%s AS CHAR)" % c)
    if table.startswith("sip_capture"):
        sel.append("IF(parse_error IS NULL, 'f', 't')")
        cols = cols + ["parse_error_set"]
    # The value is a fixed test string ([A-Za-z0-9@.-]): safe as a literal here.
    sql = "SELECT CONCAT_WS(CHAR(31), %s) FROM `%s` WHERE %s = '%s'" % (", ".join(sel), table, key, value)
    out = subprocess.run(mysql + ["-N", "-B", "-r", "-e", sql], capture_output=True, text=True,
                         timeout=30).stdout
    return [dict(zip(cols, line.split("\x1f"))) for line in out.splitlines()]


def check(expected_file, client, lookup=None):
    lookup = lookup or query
    expected = json.load(open(expected_file))
    fails = 0
    for e in expected:
        rows = lookup(client, e["table"], e["key"], e["value"])
        if len(rows) != 1:
            print("FAIL: %s %s=%s: %d rows" % (e["table"], e["key"], e["value"], len(rows)))
            fails += 1
            continue
        for col, want in e["cols"].items():
            got = rows[0].get(col)
            if got != want:
                print("FAIL: %s %s=%s: column %s is %r, want %r" %
                      (e["table"], e["key"], e["value"], col, got, want))
                fails += 1
    print("checked %d rows, %d mismatches" % (len(expected), fails))
    return 1 if fails else 0


def stream(port, run, count, rate):
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    target = ("127.0.0.1", int(port))
    count, rate = int(count), float(rate)
    start = time.time()
    for i in range(count):
        _, msg = invite(run, i)
        sock.sendto(hep3(msg, DAY1, i), target)
        ahead = (i + 1) / rate - (time.time() - start)
        if ahead > 0:
            time.sleep(ahead)
    print(count)


def aged(port, run, days_ago, count):
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    target = ("127.0.0.1", int(port))
    ts = int(time.time()) - int(days_ago) * 86400
    for i in range(int(count)):
        _, msg = invite(run, i)
        sock.sendto(hep3(msg, ts, i), target)
    sock.sendto(hep3(bytes.fromhex("81c8000c") + run.encode(), ts, 7, ptype=5, corr=run + "-rtcp"), target)
    print(int(count) + 1)


def main(argv):
    if argv[1] == "send":
        send(argv[2], argv[3], argv[4], argv[5])
        return 0
    if argv[1] == "check":
        return check(argv[2], argv[3:])
    if argv[1] == "stream":
        stream(argv[2], argv[3], argv[4], argv[5])
        return 0
    if argv[1] == "aged":
        aged(argv[2], argv[3], argv[4], argv[5])
        return 0
    if argv[1] == "check-mysql":
        return check(argv[2], argv[3:], query_mysql)
    print(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
