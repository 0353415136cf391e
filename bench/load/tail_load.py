#!/usr/bin/env python3
"""Live tail under load (issue 14): does ingest hold with N viewers of GET /api/v1/tail?

Runs `siphon serve` (embedded store) twice at the same rate for the same time, once without
viewers and once with N viewers (Server-Sent Events readers: half with no filter, half with
method=INVITE), drives it with siphon-hep-load, and prints what the collector stored and
dropped, what the viewers received, and the CPU seconds serve used. Ingest holds when the run
with viewers stores as much as the one without and drops nothing more.

    python3 bench/load/tail_load.py BUILD_DIR [--rate 50000] [--seconds 10] [--viewers 10]

Loopback only; every process is stopped by PID; every wait is bounded.
"""
import argparse
import http.client
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time


def free_ports(n):
    socks, ports = [], []
    for _ in range(n):
        s = socket.socket()
        s.bind(("127.0.0.1", 0))
        socks.append(s)
        ports.append(s.getsockname()[1])
    for s in socks:
        s.close()
    return ports


class Viewer(threading.Thread):
    def __init__(self, port, query):
        super().__init__(daemon=True)
        self.port, self.query = port, query
        self.records = 0
        self.dropped = 0
        self.connected = threading.Event()
        self.stop = False

    def run(self):
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        conn.request("GET", "/api/v1/tail" + self.query)
        res = conn.getresponse()
        if res.status != 200:
            print("viewer: HTTP %d" % res.status, file=sys.stderr)
            return
        self.connected.set()
        pending = ""
        while not self.stop:
            line = res.fp.readline()
            if not line:
                break
            text = line.decode("utf-8", "replace")
            if text.startswith("event: record"):
                self.records += 1
            elif text.startswith("event: dropped"):
                pending = "dropped"
            elif text.startswith("data: ") and pending == "dropped":
                self.dropped = json.loads(text[6:]).get("dropped", self.dropped)
                pending = ""
        conn.close()


def cpu_seconds(pid):
    with open("/proc/%d/stat" % pid) as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def run(build, rate, seconds, viewers, tmp):
    siphon = os.path.join(build, "src/cli/siphon")
    load = os.path.join(build, "bench/load/siphon-hep-load")
    port, http_port = free_ports(2)
    db = os.path.join(tmp, "tail-%d.db" % viewers)
    serve = subprocess.Popen([siphon, "serve", "--listen", "udp:127.0.0.1:%d" % port, "--db", "sqlite:" + db,
                              "--http", "127.0.0.1:%d" % http_port],
                             stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", http_port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.1)
        watchers = [Viewer(http_port, "" if i % 2 == 0 else "?method=INVITE") for i in range(viewers)]
        for w in watchers:
            w.start()
        for w in watchers:
            w.connected.wait(10)
        cpu0 = cpu_seconds(serve.pid)
        count = int(rate * seconds)
        subprocess.run([load, "--target", "udp:127.0.0.1:%d" % port, "--count", str(count), "--rate", str(rate),
                        "--run-id", "tail%d" % viewers, "--max-seconds", str(seconds * 3)],
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=seconds * 4 + 30)
        time.sleep(6)  # the store writes its statistics every 5 s
        cpu = cpu_seconds(serve.pid) - cpu0
        stats = json.loads(subprocess.run(["curl", "-s", "http://127.0.0.1:%d/api/v1/stats" % http_port],
                                          capture_output=True, text=True, timeout=10).stdout)
        methods = json.loads(subprocess.run(["curl", "-s", "http://127.0.0.1:%d/api/v1/stats/series?by=method&since=-1h"
                                             % http_port], capture_output=True, text=True, timeout=10).stdout)
        invites = sum(s["total"] for s in methods.get("series", []) if s["key"] == "INVITE")
        for w in watchers:
            w.stop = True
        return {"viewers": viewers, "sent": count, "received": stats.get("received", 0),
                "stored": stats.get("stored", 0), "dropped": stats.get("dropped", 0), "invites_stored": invites,
                "viewer_records": [w.records for w in watchers], "viewer_dropped": [w.dropped for w in watchers],
                "serve_cpu_s": round(cpu, 2)}
    finally:
        serve.send_signal(signal.SIGTERM)
        try:
            serve.wait(30)
        except subprocess.TimeoutExpired:
            serve.kill()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("build")
    ap.add_argument("--rate", type=float, default=50000)
    ap.add_argument("--seconds", type=float, default=10)
    ap.add_argument("--viewers", type=int, default=10)
    a = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="siphon-tail-load-") as tmp:
        results = [run(a.build, a.rate, a.seconds, n, tmp) for n in (0, a.viewers)]
    print("%-8s %9s %9s %9s %8s %8s %10s  %s" % ("viewers", "sent", "received", "stored", "dropped", "INVITEs", "serve CPU",
                                                "per viewer (all, INVITE, all, ...): records (dropped)"))
    for r in results:
        per = ", ".join("%d (%d)" % (n, d) for n, d in zip(r["viewer_records"], r["viewer_dropped"]))
        print("%-8d %9d %9d %9d %8d %8d %9.2fs  %s" % (r["viewers"], r["sent"], r["received"], r["stored"], r["dropped"],
                                                      r["invites_stored"], r["serve_cpu_s"], per or "-"))
    print(json.dumps(results))


if __name__ == "__main__":
    main()
