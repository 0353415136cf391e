#!/usr/bin/env python3
"""Side-by-side ingest benchmark: every store Siphon writes, and Kamailio 5.6 sipcapture, at the
same rates, with the same real SIP (Python 3 stdlib only).

  bench/load/backends.py BUILD_DIR [--rates 5000,10000,20000,40000] [--seconds 10]
                         [--backends embedded,postgres,mysql,clickhouse,clickhouse2,
                                     kamailio-postgres,kamailio-mysql,kamailio-sqlite]
                         [--compare embedded:kamailio-sqlite,postgres:kamailio-postgres]

For each backend a throw-away server (loopback, free ports, a temporary directory, stock
durability) and a collector (`siphon serve`, or Kamailio sipcapture with 4 workers and plain
INSERTs), then for each rate: siphon-hep-load --real-mix tests/data/pcap sends RATE * SECONDS
HEPv3 packets (real captured SIP; per pass unique Call-IDs, tags, branches, users, CSeq numbers and
SDP origins: tests/support/real_capture_traffic.h), the script waits
until the row count stops changing, and records what was stored, lost, and how fast. `clickhouse2`
is two shards with a collector each, the load split between them. At the end: bytes on disk per
stored message (tables and indexes) for each backend, and a table with each backend's highest
zero-loss rate next to Kamailio's at that rate. Every process is stopped by PID; every wait is
bounded; all traffic on loopback.
"""
import argparse
import json
import os
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
PEERS = os.path.join(ROOT, "tests", "integration", "peers")
KAM = os.path.join(ROOT, "bench", "load", "kamailio")


def free_ports(n):
    held, ports = [], []
    while len(ports) < n:
        t = socket.socket()
        t.bind(("127.0.0.1", 0))
        p = t.getsockname()[1]
        u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        try:
            u.bind(("127.0.0.1", p))
        except OSError:
            t.close()
            u.close()
            continue
        held += [t, u]
        ports.append(p)
    for s in held:
        s.close()
    return ports


class Procs:
    """Processes started here, stopped by PID in reverse order."""

    def __init__(self):
        self.items = []

    def start(self, args, log, env=None, user=None):
        p = subprocess.Popen(args, stdout=open(log, "w"), stderr=subprocess.STDOUT, env=env,
                             user=user, start_new_session=True)
        self.items.append(p)
        return p

    def stop(self, p, sig=signal.SIGTERM):
        if p.poll() is None:
            p.send_signal(sig)
            try:
                p.wait(30)
            except subprocess.TimeoutExpired:
                p.kill()
                p.wait()
        if p in self.items:
            self.items.remove(p)

    def stop_all(self):
        for p in reversed(list(self.items)):
            self.stop(p)


def wait_until(seconds, fn):
    end = time.time() + seconds
    while time.time() < end:
        try:
            if fn():
                return True
        except Exception:
            pass
        time.sleep(0.2)
    return False


# ---- servers ------------------------------------------------------------------------------

class Postgres:
    def __init__(self, procs, tmp):
        self.bin = sorted(d for d in os.listdir("/usr/lib/postgresql"))[-1]
        self.bin = "/usr/lib/postgresql/%s/bin" % self.bin
        self.dir = os.path.join(tmp, "pg")
        os.makedirs(self.dir)
        self.user = "postgres" if os.getuid() == 0 else None
        if self.user:
            shutil.chown(self.dir, "postgres", "postgres")
            shutil.chown(tmp, "postgres", "postgres")
        self.port = free_ports(1)[0]
        subprocess.run([self.bin + "/initdb", "-D", self.dir + "/data", "-U", "postgres", "-E", "UTF8",
                        "--no-locale", "-A", "trust"], check=True, capture_output=True, user=self.user)
        subprocess.run([self.bin + "/pg_ctl", "-D", self.dir + "/data", "-w", "-l", self.dir + "/log",
                        "-o", "-c listen_addresses=127.0.0.1 -c port=%d -c unix_socket_directories=%s "
                        "-c shared_buffers=256MB -c max_wal_size=2GB" % (self.port, self.dir), "start"],
                       check=True, capture_output=True, user=self.user)
        self.sql("CREATE DATABASE bench", db="postgres")

    def sql(self, q, db="bench"):
        r = subprocess.run([self.bin + "/psql", "-X", "-q", "-At", "-h", self.dir, "-p", str(self.port),
                            "-U", "postgres", "-d", db, "-c", q], capture_output=True, text=True, timeout=120)
        return r.stdout.strip()

    def url(self, scheme="postgres"):
        return "%s://postgres@127.0.0.1:%d/bench" % (scheme, self.port)

    def rows(self):
        total = 0
        for t in self.sql("SELECT tablename FROM pg_tables WHERE schemaname = 'public'").split():
            total += int(self.sql("SELECT count(*) FROM \"%s\"" % t) or 0)
        return total

    def bytes(self):
        return int(self.sql("SELECT coalesce(sum(pg_total_relation_size(c.oid)), 0) FROM pg_class c JOIN "
                            "pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'public' AND "
                            "c.relkind = 'r'") or 0)

    def stop(self):
        subprocess.run([self.bin + "/pg_ctl", "-D", self.dir + "/data", "-m", "fast", "stop"],
                       capture_output=True, user=self.user)


class Mariadb:
    def __init__(self, procs, tmp):
        self.procs = procs
        self.dir = os.path.join(tmp, "my")
        self.sock = os.path.join(tmp, "my.sock")
        self.port = free_ports(1)[0]
        user = subprocess.run(["id", "-un"], capture_output=True, text=True).stdout.strip()
        subprocess.run(["mysql_install_db", "--no-defaults", "--datadir=" + self.dir, "--user=" + user,
                        "--auth-root-authentication-method=socket"], check=True, capture_output=True)
        self.proc = procs.start(["mariadbd", "--no-defaults", "--datadir=" + self.dir, "--socket=" + self.sock,
                                 "--port=%d" % self.port, "--bind-address=127.0.0.1", "--user=" + user,
                                 "--skip-log-bin", "--innodb-buffer-pool-size=256M",
                                 "--innodb-log-file-size=512M"], os.path.join(tmp, "my.log"))
        if not wait_until(60, lambda: self.sql("SELECT 1", db="") == "1"):
            raise RuntimeError("mariadbd did not start")
        self.sql("CREATE DATABASE bench; CREATE USER 'b'@'127.0.0.1' IDENTIFIED BY 'b'; "
                 "GRANT ALL ON bench.* TO 'b'@'127.0.0.1'", db="")

    def sql(self, q, db="bench"):
        args = ["mariadb", "--no-defaults", "-S", self.sock, "-u", "root", "-N", "-B", "-e", q]
        if db:
            args.append(db)
        return subprocess.run(args, capture_output=True, text=True, timeout=120).stdout.strip()

    def url(self):
        return "mysql://b:b@127.0.0.1:%d/bench" % self.port

    def rows(self):
        total = 0
        for t in self.sql("SHOW TABLES").split():
            total += int(self.sql("SELECT COUNT(*) FROM `%s`" % t) or 0)
        return total

    def bytes(self):
        self.sql("ANALYZE TABLE " + ", ".join("`%s`" % t for t in self.sql("SHOW TABLES").split()) or "SELECT 1")
        return int(self.sql("SELECT COALESCE(SUM(data_length + index_length), 0) FROM information_schema.tables "
                            "WHERE table_schema = 'bench'") or 0)

    def stop(self):
        self.procs.stop(self.proc)


class ClickHouse:
    def __init__(self, procs, tmp, name, shard_ports=None, ports=None):
        self.procs = procs
        self.dir = os.path.join(tmp, name)
        self.http, self.tcp, inter = ports or free_ports(3)
        subprocess.run([sys.executable, os.path.join(PEERS, "clickhouse_config.py"), self.dir, str(self.http),
                        str(self.tcp), str(inter)] + [str(p) for p in (shard_ports or [])], check=True)
        self.proc = procs.start(["clickhouse-server", "--config-file=" + os.path.join(self.dir, "config.xml")],
                                os.path.join(self.dir, "stdout"))
        if not wait_until(60, lambda: self.sql("SELECT 1", db="default") == "1"):
            raise RuntimeError("clickhouse-server did not start")
        self.sql("CREATE DATABASE IF NOT EXISTS bench", db="default")

    def sql(self, q, db="bench"):
        req = urllib.request.Request("http://127.0.0.1:%d/?database=%s" % (self.http, db), data=q.encode())
        return urllib.request.urlopen(req, timeout=120).read().decode().strip()

    def url(self):
        return "clickhouse://127.0.0.1:%d/bench" % self.http

    def rows(self, table="sip_capture"):
        tables = self.sql("SELECT name FROM system.tables WHERE database = 'bench' AND engine LIKE '%MergeTree' "
                          "AND name != 'siphon_keys'").split()
        return sum(int(self.sql("SELECT count() FROM `%s`" % t) or 0) for t in tables)

    def bytes(self):
        return int(self.sql("SELECT sum(bytes_on_disk) FROM system.parts WHERE database = 'bench' AND active") or 0)

    def stop(self):
        self.procs.stop(self.proc)


# ---- collectors ---------------------------------------------------------------------------

class Siphon:
    def __init__(self, procs, tmp, build, name, db_url, extra=""):
        self.build = build
        self.port, self.http = free_ports(2)
        conf = os.path.join(tmp, name + ".toml")
        with open(conf, "w") as f:
            f.write('listen = ["udp:127.0.0.1:%d"]\nhttp = "127.0.0.1:%d"\ndb_url = "%s"\n'
                    'spool_dir = "%s"\nqueue_memory_mb = 512\nqueue_size = 1000000\n%s\n'
                    % (self.port, self.http, db_url, os.path.join(tmp, name + "-spool"), extra))
        self.procs = procs
        self.proc = procs.start([os.path.join(build, "src/cli/siphon"), "serve", "-c", conf],
                                os.path.join(tmp, name + ".log"))
        if not wait_until(30, lambda: self.stats() is not None):
            raise RuntimeError("siphon serve did not start: " + open(os.path.join(tmp, name + ".log")).read())

    def stats(self):
        return json.load(urllib.request.urlopen("http://127.0.0.1:%d/api/v1/stats" % self.http, timeout=5))

    def stop(self):
        self.procs.stop(self.proc)


class Kamailio:
    def __init__(self, procs, tmp, name, module, db_url, extra=()):
        self.port = free_ports(1)[0]
        run = os.path.join(tmp, name + "-run")
        os.makedirs(run)
        mods = os.path.dirname(subprocess.run(["sh", "-c", "dpkg -L kamailio | grep '/sipcapture.so$'"],
                                              capture_output=True, text=True).stdout.strip())
        self.procs = procs
        self.proc = procs.start(["kamailio", "-DD", "-E", "-L", mods, "-f", os.path.join(KAM, "sipcapture-db.cfg"),
                                 "-Y", run, "-P", os.path.join(run, "pid"), "-A", 'DBMODULE="%s"' % module,
                                 "-A", 'DBURL="%s"' % db_url, "-A", "HEP_PORT=%d" % self.port] + list(extra),
                                os.path.join(tmp, name + ".log"))
        time.sleep(2)
        if self.proc.poll() is not None:
            raise RuntimeError("kamailio did not start: " + open(os.path.join(tmp, name + ".log")).read()[-2000:])

    def stop(self):
        self.procs.stop(self.proc)


# ---- one backend at every rate ------------------------------------------------------------

def send(build, targets, rate, count, run, procs, tmp):
    """The load split over `targets` (one siphon-hep-load each); returns packets sent and the
    longest time one generator spent sending (not preparing its calls)."""
    loads = []
    for i, port in enumerate(targets):
        log = os.path.join(tmp, "load-%s-%d.json" % (run, i))
        loads.append((procs.start([os.path.join(build, "bench/load/siphon-hep-load"), "--target",
                                   "udp:127.0.0.1:%d" % port, "--count", str(count // len(targets)),
                                   "--rate", str(rate / len(targets)), "--max-seconds", "120",
                                   "--run-id", "%s%d" % (run, i), "--real-mix",
                                   os.path.join(ROOT, "tests/data/pcap")], log), log))
    sent, seconds = 0, 0.0
    for p, log in loads:
        p.wait(200)
        procs.items.remove(p)
        for line in open(log):
            if line.startswith("{"):
                summary = json.loads(line)
                sent += summary["sent"]
                seconds = max(seconds, summary["seconds"])
    return sent, seconds


def run_backend(name, build, rates, seconds, tmp, procs, results, siphon_config=""):
    print("== %s" % name, flush=True)
    servers, collectors, targets = [], [], []
    if name == "embedded":
        s = Siphon(procs, tmp, build, name, "sqlite:" + os.path.join(tmp, "siphon.db"), siphon_config)
        collectors, targets = [s], [s.port]
        rows = lambda: sum(c.stats()["stored"] for c in collectors)

        def size():
            s.stop()  # closes the store: its WAL is checkpointed into the file
            return sum(os.path.getsize(os.path.join(tmp, f)) for f in os.listdir(tmp) if f.startswith("siphon.db"))
    elif name in ("postgres", "kamailio-postgres"):
        db = Postgres(procs, tmp)
        servers = [db]
        if name == "postgres":
            c = Siphon(procs, tmp, build, name, db.url(), siphon_config)
            collectors, targets = [c], [c.port]
        else:
            schema = open(os.path.join(KAM, "sip_capture-postgres.sql")).read()
            db.sql(schema)
            k = Kamailio(procs, tmp, name, "db_postgres.so", db.url())
            collectors, targets = [k], [k.port]
        rows, size = db.rows, db.bytes
    elif name in ("mysql", "kamailio-mysql"):
        db = Mariadb(procs, tmp)
        servers = [db]
        if name == "mysql":
            c = Siphon(procs, tmp, build, name, db.url(), siphon_config)
            collectors, targets = [c], [c.port]
        else:
            db.sql(open(os.path.join(KAM, "sip_capture-mysql.sql")).read())
            k = Kamailio(procs, tmp, name, "db_mysql.so", db.url())
            collectors, targets = [k], [k.port]
        rows, size = db.rows, db.bytes
    elif name == "kamailio-sqlite":
        # db_sqlite has no busy timeout: one worker (run-sipcapture.sh's advice), WAL journal.
        path = os.path.join(tmp, "kamailio.db")
        con = sqlite3.connect(path)
        con.executescript(open(os.path.join(PEERS, "sip_capture-sqlite.sql")).read())  # the test's schema
        con.execute("PRAGMA journal_mode=WAL")
        con.close()
        k = Kamailio(procs, tmp, name, "db_sqlite.so", "sqlite://" + path,
                     ["-A", "CHILDREN=1", "-A", 'SQLITE_JOURNAL="%s=WAL;"' % path])
        collectors, targets = [k], [k.port]

        def rows():
            c = sqlite3.connect("file:%s?mode=ro" % path, uri=True, timeout=10)
            try:
                return c.execute("SELECT count(*) FROM sip_capture").fetchone()[0]
            finally:
                c.close()

        def size():
            k.stop()
            return sum(os.path.getsize(os.path.join(tmp, f)) for f in os.listdir(tmp) if f.startswith("kamailio.db"))
    elif name == "clickhouse":
        ch = ClickHouse(procs, tmp, "ch1")
        servers = [ch]
        c = Siphon(procs, tmp, build, name, ch.url(), siphon_config)
        collectors, targets = [c], [c.port]
        rows, size = ch.rows, ch.bytes
    elif name == "clickhouse2":
        p1, p2 = free_ports(3), free_ports(3)
        shards = [p1[1], p2[1]]
        chs = [ClickHouse(procs, tmp, "ch%d" % i, shards, ports) for i, ports in ((1, p1), (2, p2))]
        servers = chs
        collectors = [Siphon(procs, tmp, build, "%s-%d" % (name, i), ch.url(),
                             'clickhouse_cluster = "siphon"\n' + siphon_config)
                      for i, ch in enumerate(chs)]
        targets = [c.port for c in collectors]
        rows = lambda: sum(ch.rows() for ch in chs)
        size = lambda: sum(ch.bytes() for ch in chs)
    else:
        raise SystemExit("unknown backend " + name)

    before = 0
    for rate in rates:
        count = rate * seconds
        sent, sending_s = send(build, targets, rate, count, "%s%d" % (name.replace("-", ""), rate), procs, tmp)
        # From the first packet, not from the generator's start: preparing 1.2 M unique calls of
        # the real mix takes it about 7 s, which no collector should be charged for.
        t0 = time.time() - sending_s
        last, same, stored_total, t_last = -1, 0, 0, time.time()
        deadline = time.time() + max(60, 4 * seconds)
        while time.time() < deadline:
            stored_total = rows()
            if stored_total == last:
                same += 1
                if same >= 4 and stored_total >= before:
                    break
            else:
                same, t_last = 0, time.time()
            last = stored_total
            time.sleep(0.5)
        stored = stored_total - before
        before = stored_total
        wall = stored / max(0.001, t_last - t0)  # until the last row arrived
        r = {"backend": name, "rate": rate, "sent": sent, "stored": stored, "lost": sent - stored,
             "wall_rows_s": round(wall)}
        results.append(r)
        print("  rate %6d: sent %7d, stored %7d, lost %6d, %6d rows/s" % (rate, sent, stored, sent - stored, wall),
              flush=True)
    total = before
    b = size()
    results.append({"backend": name, "bytes": b, "rows": total, "bytes_per_row": round(b / max(1, total))})
    print("  %d rows, %d bytes on disk: %d B/message" % (total, b, b / max(1, total)), flush=True)
    for c in collectors:
        c.stop()
    for s in servers:
        s.stop()


def best_rate(rs, baseline=0.0):
    """The highest rate that lost nothing beyond `baseline` (a fraction of what was sent)."""
    ok = [r["rate"] for r in rs if "rate" in r and r["lost"] <= baseline * r["sent"] + 0.5]
    return max(ok) if ok else None


def refused_fraction(rs):
    """What a collector loses at the lowest rate, where load is not the reason: the messages it
    cannot store at all (Kamailio's parser refuses some of the real mix), plus 0.1 %."""
    low = min((r for r in rs if "rate" in r), key=lambda r: r["rate"], default=None)
    return 0.0 if low is None or low["lost"] <= 0 else low["lost"] / max(1, low["sent"]) + 0.001


def print_comparison(by, rates, pairs, failures):
    """Rate by rate, stored and lost for each backend; then each pair's highest zero-loss rates
    and their ratio (bench/compare.sh). Siphon's zero loss is strict; Kamailio's is counted
    beyond what it refuses at the lowest rate, or it would have none. A backend that did not
    run (`failures`: name -> why) says so in its row instead of a rate it never had."""
    names = [n for pair in pairs for n in pair if n in by]
    print("\n| rate/s | " + " | ".join("%s stored (lost)" % n for n in names) + " |")
    print("|---:|" + "---:|" * len(names))
    for rate in rates:
        cells = []
        for n in names:
            r = next((r for r in by[n] if r.get("rate") == rate), None)
            cells.append("-" if r is None else "%d (%d)" % (r["stored"], r["lost"]))
        print("| %d | %s |" % (rate, " | ".join(cells)))
    print("\n| Siphon | highest zero-loss rate/s | Kamailio 5.6 sipcapture | refuses at any rate "
          "| highest rate/s without more loss | ratio |")
    print("|---|---:|---|---:|---:|---:|")
    for siphon, kam in pairs:
        missing = [n for n in (siphon, kam) if n not in by]
        if missing:
            why = "; ".join("%s did not run: %s" % (n, " ".join(failures.get(n, "no figures").split())[:200])
                            for n in missing)
            s = best_rate(by[siphon]) if siphon in by else None
            print("| %s | %s | %s | - | - | %s |" % (siphon, s or "-", kam, why))
            continue
        base = refused_fraction(by.get(kam, []))
        s, k = best_rate(by.get(siphon, [])), best_rate(by.get(kam, []), base)
        if s is None or k is None:
            ratio = "-"
        else:
            ratio = "%s%.1fx" % (">= " if s == max(rates) else "", s / k)
        print("| %s | %s | %s | %.1f %% | %s | %s |" % (siphon, s or "none", kam, 100 * max(0, base - 0.001),
                                                     k or "none", ratio))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("build")
    ap.add_argument("--rates", default="5000,10000,20000,40000")
    ap.add_argument("--seconds", type=int, default=10)
    ap.add_argument("--backends", default="embedded,postgres,mysql,clickhouse,clickhouse2,kamailio-postgres,kamailio-mysql")
    ap.add_argument("--json", help="write every figure here")
    ap.add_argument("--compare", help="pairs SIPHON:KAMAILIO (comma-separated): also print the stepped-rate "
                                      "table and the ratio of each pair's highest zero-loss rates")
    ap.add_argument("--siphon-config", default="",
                    help="more lines for every siphon serve's configuration (e.g. 'store_zstd_level = 1')")
    a = ap.parse_args()
    rates = [int(r) for r in a.rates.split(",")]
    if a.seconds > 30 or max(rates) > 200000:
        raise SystemExit("bounded: --seconds <= 30, rates <= 200000")
    results = []
    failures = {}
    for name in a.backends.split(","):
        tmp = tempfile.mkdtemp(prefix="siphon-backends-")
        os.chmod(tmp, 0o755)
        procs = Procs()
        try:
            run_backend(name, os.path.abspath(a.build), rates, a.seconds, tmp, procs, results, a.siphon_config)
        except Exception as e:  # one backend failing must not hide the others' figures
            print("  %s failed: %s" % (name, e), flush=True)
            failures[name] = str(e).strip() or type(e).__name__
        finally:
            procs.stop_all()
            shutil.rmtree(tmp, ignore_errors=True)
    # The summary: each backend's highest rate without loss, and Kamailio's figure at that rate.
    print("\nbackend            zero-loss rows/s   B/message   Kamailio PG at that rate   Kamailio MySQL at that rate")
    by = {}
    for r in results:
        by.setdefault(r["backend"], []).append(r)
    def at(backend, rate):
        for r in by.get(backend, []):
            if r.get("rate") == rate:
                return r
        return None
    for name, rs in by.items():
        ok = [r for r in rs if "rate" in r and r["lost"] <= 0]
        best = max(ok, key=lambda r: r["rate"]) if ok else None
        bpr = next((r["bytes_per_row"] for r in rs if "bytes_per_row" in r), 0)
        kp, km = (at("kamailio-postgres", best["rate"]), at("kamailio-mysql", best["rate"])) if best else (None, None)
        fmt = lambda k: "-" if not k else "%d stored of %d (%.2fx)" % (k["stored"], k["sent"], best["stored"] / max(1, k["stored"]))
        print("%-18s %16s %11d   %-26s %s" % (name, best["rate"] if best else "none", bpr, fmt(kp), fmt(km)))
    if a.compare:
        print_comparison(by, rates, [p.split(":") for p in a.compare.split(",")], failures)
    if a.json:
        json.dump(results, open(a.json, "w"), indent=1)


if __name__ == "__main__":
    main()
