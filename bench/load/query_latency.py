#!/usr/bin/env python3
"""Query latency at scale, store by store (Python 3 stdlib only; the servers of backends.py):

  bench/load/query_latency.py BUILD_DIR [--messages 10000000] [--stores embedded,postgres,clickhouse]

For each store: a throw-away server (loopback, free ports, stock durability), `fill_store` writes
MESSAGES realistic messages over 48 hours through the collector's storage sink (calls, half with a
B2BUA B-leg, registrations, OPTIONS), then `query_bench` measures, per query, the Call-ID lookup,
whole-call assembly, the first page of a 24 h user search and of a 24 h method search, and prints
their p50 / p99 (µs). Every process is stopped by PID; all traffic on loopback.
"""
import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import backends  # noqa: E402  (the servers)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("build")
    ap.add_argument("--messages", type=int, default=10_000_000)
    ap.add_argument("--stores", default="embedded,postgres,clickhouse")
    a = ap.parse_args()
    if a.messages > 50_000_000:
        raise SystemExit("bounded: --messages <= 50,000,000")
    build = os.path.abspath(a.build)
    for store in a.stores.split(","):
        tmp = tempfile.mkdtemp(prefix="siphon-qlat-")
        os.chmod(tmp, 0o755)
        procs = backends.Procs()
        server = None
        try:
            side = os.path.join(tmp, "q.bench")
            if store == "embedded":
                url = os.path.join(tmp, "q.db")
            elif store == "postgres":
                server = backends.Postgres(procs, tmp)
                url = server.url()
            elif store == "clickhouse":
                server = backends.ClickHouse(procs, tmp, "ch")
                url = server.url()
            else:
                raise SystemExit("unknown store " + store)
            t0 = time.time()
            fill = subprocess.run([os.path.join(build, "bench/fill_store"), "--db", url, "--side", side,
                                   "--messages", str(a.messages), "--hours", "48"],
                                  capture_output=True, text=True, timeout=3600)
            print("== %s: %s (%.0f s)" % (store, fill.stdout.strip(), time.time() - t0), flush=True)
            env = dict(os.environ, SIPHON_QUERY_DB=url, SIPHON_QUERY_SIDE=side)
            bench = subprocess.run([os.path.join(build, "bench/query_bench")], env=env, capture_output=True,
                                   text=True, timeout=3600)
            for line in bench.stdout.splitlines():
                if not line.startswith("BM_"):
                    continue
                name = line.split("/")[0]
                p50 = re.search(r"p50_us=([0-9.]+)([kM]?)", line)
                p99 = re.search(r"p99_us=([0-9.]+)([kM]?)", line)
                scale = {"": 1, "k": 1e3, "M": 1e6}  # Google Benchmark's counter suffixes
                ms = lambda m: float(m.group(1)) * scale[m.group(2)] / 1000 if m else float("nan")
                print("  %-28s p50 %8.2f ms   p99 %8.2f ms" % (name, ms(p50), ms(p99)), flush=True)
            if bench.returncode != 0:
                print(bench.stderr[-2000:])
        finally:
            if server:
                server.stop()
            procs.stop_all()
            shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
