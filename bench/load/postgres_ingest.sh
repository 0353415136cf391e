#!/usr/bin/env bash
# postgres_ingest.sh: rows/s the collector writes into PostgreSQL. Starts a throw-away PostgreSQL
# cluster (initdb in a temp dir, loopback, free port; stock durability unless FSYNC=off), starts
# `siphon serve --db postgres://...`, sends COUNT HEPv3 packets over UDP with siphon-hep-load at
# RATE/s, waits until all are stored or dropped, and reports:
#   wall rows/s   stored rows / (time from the first packet to the last row stored)
#   sink rows/s   stored rows / time spent inside the sink's transactions (store_batch_us):
#                 what the PostgreSQL sink can sustain, whatever the load generator's rate
# Bounded in count and time; every process started here is stopped by PID.
#
#   bench/load/postgres_ingest.sh BUILD_DIR [COUNT=200000] [RATE=50000] [CONFIG.toml]
#   (CONFIG: more collector keys, e.g. db_connections = 1)
set -euo pipefail
BUILD=${1:?build dir}; COUNT=${2:-200000}; RATE=${3:-50000}; CONFIG=${4:-}
SIPHON=$BUILD/src/cli/siphon; LOAD=$BUILD/bench/load/siphon-hep-load
BIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
DIR=$(mktemp -d /tmp/siphon-pg-bench.XXXXXX)
chmod 711 "$DIR"; mkdir "$DIR/pg"
as_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
[ "$(id -u)" = 0 ] && chown postgres:postgres "$DIR/pg"
read -r PORT HTTP PGPORT < <(python3 "$(dirname "$0")/../../tests/integration/peers/siptrace_check.py" free-ports 3)
PID=""; PGPID=""
cleanup() {
  [ -n "$PID" ] && { kill "$PID" 2>/dev/null || true; wait "$PID" 2>/dev/null || true; }
  [ -n "$PGPID" ] && { kill -INT "$PGPID" 2>/dev/null || true; for _ in $(seq 100); do kill -0 "$PGPID" 2>/dev/null || break; sleep 0.1; done; }
  rm -rf "$DIR"
}
trap cleanup EXIT
as_pg "$BIN/initdb" -D "$DIR/pg/data" -U postgres -E UTF8 --no-locale -A trust >/dev/null
as_pg "$BIN/pg_ctl" -D "$DIR/pg/data" -w -l "$DIR/pg/server.log" \
  -o "-c listen_addresses=127.0.0.1 -c port=$PGPORT -c unix_socket_directories=$DIR/pg -c fsync=${FSYNC:-on} -c shared_buffers=256MB -c max_wal_size=2GB" \
  start >/dev/null
PGPID=$(head -1 "$DIR/pg/data/postmaster.pid")
"$BIN/psql" -X -q -h "$DIR/pg" -p "$PGPORT" -U postgres -c "CREATE DATABASE bench" >/dev/null
CONF_ARGS=(); [ -n "$CONFIG" ] && CONF_ARGS=(-c "$CONFIG")
"$SIPHON" serve "${CONF_ARGS[@]}" --listen "udp:127.0.0.1:$PORT" --db "postgres://postgres@127.0.0.1:$PGPORT/bench" \
  --http "127.0.0.1:$HTTP" >"$DIR/serve.out" 2>"$DIR/serve.err" &
PID=$!
for _ in $(seq 100); do grep -q "^http on" "$DIR/serve.out" 2>/dev/null && break; sleep 0.1; done
stats() { "$SIPHON" ctl --api "http://127.0.0.1:$HTTP" stats --format json; }
t0=$(date +%s.%N)
"$LOAD" --target "udp:127.0.0.1:$PORT" --count "$COUNT" --rate "$RATE" --max-seconds 120 \
  --run-id "pgb$$" >"$DIR/load.json"
# Done when every received packet is stored or dropped (UDP may lose some before the collector).
prev=-1
for _ in $(seq 1200); do
  read -r received done_n < <(stats | python3 -c 'import json,sys; d=json.load(sys.stdin); print(d["received"], d["stored"]+d["dropped"])')
  [ "$done_n" -ge "$received" ] && [ "$done_n" = "$prev" ] && break
  prev=$done_n
  sleep 0.5
done
t1=$(date +%s.%N)
stats | python3 -c '
import json, sys
d = json.load(sys.stdin)
t0, t1, count, rate = float(sys.argv[1]), float(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
busy = d.get("store_batches", 0) * d.get("store_batch_ms_avg", 0) / 1e3
print("sent %d at %d/s: received %d, stored %d, dropped %d %s" % (count, rate, d["received"], d["stored"], d["dropped"], d.get("dropped_by_reason", {})))
print("wall rows/s %.0f (%.2f s)" % (d["stored"] / (t1 - t0), t1 - t0))
if busy: print("sink rows/s %.0f (%d transactions, %.2f s inside them, longest %.0f ms)" % (d["stored"] / busy, d.get("store_batches", 0), busy, d.get("store_batch_ms_max", 0)))
' "$t0" "$t1" "$COUNT" "$RATE"
"$BIN/psql" -X -q -At -h "$DIR/pg" -p "$PGPORT" -U postgres -d bench -c "SELECT 'rows in sip_capture: ' || count(*) || ', ' || pg_size_pretty(pg_total_relation_size('sip_capture')) || ' with indexes and TOAST (' || pg_total_relation_size('sip_capture') / greatest(count(*), 1) || ' B/row)' FROM sip_capture"
