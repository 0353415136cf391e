#!/usr/bin/env bash
# db_ingest.sh: rows/s the collector writes into an external database. Starts a throw-away
# server (PostgreSQL: initdb; MariaDB: mysql_install_db + mariadbd; ClickHouse: a copy of the
# distribution's config; in a temp dir, loopback, a free port; stock durability unless
# FSYNC=off), starts `siphon serve --db URL`, sends COUNT
# HEPv3 packets over UDP with siphon-hep-load at RATE/s, waits until all are stored or dropped,
# and reports:
#   wall rows/s   stored rows / (time from the first packet to the last row stored)
#   sink rows/s   stored rows / time spent inside the sink's transactions (store_batch_us):
#                 what the sink can sustain, whatever the load generator's rate
# Bounded in count and time; every process started here is stopped by PID.
#
#   bench/load/db_ingest.sh BUILD_DIR postgres|mysql|clickhouse [COUNT=200000] [RATE=50000] [CONFIG.toml]
#   (CONFIG: more collector keys, e.g. db_connections = 1)
set -euo pipefail
BUILD=${1:?build dir}; KIND=${2:?postgres or mysql}; COUNT=${3:-200000}; RATE=${4:-50000}; CONFIG=${5:-}
SIPHON=$BUILD/src/cli/siphon; LOAD=$BUILD/bench/load/siphon-hep-load
DIR=$(mktemp -d /tmp/siphon-db-bench.XXXXXX)
chmod 711 "$DIR"
PEERS="$(dirname "$0")/../../tests/integration/peers"
read -r PORT HTTP DBPORT DBTCP DBINTER < <(python3 "$PEERS/siptrace_check.py" free-ports 5)
PID=""; DBPID=""; DBSTOP=TERM
cleanup() {
  [ -n "$PID" ] && { kill "$PID" 2>/dev/null || true; wait "$PID" 2>/dev/null || true; }
  [ -n "$DBPID" ] && { kill -"$DBSTOP" "$DBPID" 2>/dev/null || true; for _ in $(seq 300); do kill -0 "$DBPID" 2>/dev/null || break; sleep 0.1; done; }
  rm -rf "$DIR"
}
trap cleanup EXIT
case "$KIND" in
  postgres)
    BIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
    mkdir "$DIR/pg"
    as_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
    [ "$(id -u)" = 0 ] && chown postgres:postgres "$DIR/pg"
    as_pg "$BIN/initdb" -D "$DIR/pg/data" -U postgres -E UTF8 --no-locale -A trust >/dev/null
    as_pg "$BIN/pg_ctl" -D "$DIR/pg/data" -w -l "$DIR/pg/server.log" \
      -o "-c listen_addresses=127.0.0.1 -c port=$DBPORT -c unix_socket_directories=$DIR/pg -c fsync=${FSYNC:-on} -c shared_buffers=256MB -c max_wal_size=2GB" \
      start >/dev/null
    DBPID=$(head -1 "$DIR/pg/data/postmaster.pid")
    DBSTOP=INT  # PostgreSQL's fast shutdown
    "$BIN/psql" -X -q -h "$DIR/pg" -p "$DBPORT" -U postgres -c "CREATE DATABASE bench" >/dev/null
    URL="postgres://postgres@127.0.0.1:$DBPORT/bench"
    rows_and_size() {
      "$BIN/psql" -X -q -At -h "$DIR/pg" -p "$DBPORT" -U postgres -d bench -c "SELECT 'rows in sip_capture: ' || count(*) || ', ' || pg_size_pretty(pg_total_relation_size('sip_capture')) || ' with indexes (' || pg_total_relation_size('sip_capture') / greatest(count(*), 1) || ' B/row)' FROM sip_capture"
    }
    ;;
  mysql)
    mkdir "$DIR/my"
    mysql_install_db --no-defaults --datadir="$DIR/my" --user="$(id -un)" --auth-root-authentication-method=socket >/dev/null 2>&1
    # Stock durability: InnoDB flushes its log at every commit (innodb_flush_log_at_trx_commit=1).
    flush=1; [ "${FSYNC:-on}" = off ] && flush=2
    mariadbd --no-defaults --datadir="$DIR/my" --socket="$DIR/my.sock" --port="$DBPORT" --bind-address=127.0.0.1 \
      --user="$(id -un)" --log-error="$DIR/my.err" --skip-log-bin --innodb-buffer-pool-size=256M \
      --innodb-log-file-size=512M --innodb-flush-log-at-trx-commit=$flush >/dev/null 2>&1 &
    DBPID=$!
    for _ in $(seq 300); do mariadb --no-defaults -S "$DIR/my.sock" -u root -e "SELECT 1" >/dev/null 2>&1 && break; sleep 0.1; done
    mariadb --no-defaults -S "$DIR/my.sock" -u root -e "CREATE DATABASE bench; CREATE USER 'b'@'127.0.0.1' IDENTIFIED BY 'b'; GRANT ALL ON bench.* TO 'b'@'127.0.0.1'"
    URL="mysql://b:b@127.0.0.1:$DBPORT/bench"
    rows_and_size() {
      mariadb --no-defaults -S "$DIR/my.sock" -u root -N -B -e "SELECT CONCAT('rows in sip_capture: ', COUNT(*)) FROM bench.sip_capture; SELECT CONCAT(ROUND((data_length + index_length) / 1048576), ' MB with indexes (', ROUND((data_length + index_length) / GREATEST(table_rows, 1)), ' B/row, estimated)') FROM information_schema.tables WHERE table_schema = 'bench' AND table_name = 'sip_capture'" | paste -sd ', '
    }
    ;;
  clickhouse)
    python3 "$PEERS/clickhouse_config.py" "$DIR/ch" "$DBPORT" "$DBTCP" "$DBINTER" >/dev/null
    clickhouse-server --config-file="$DIR/ch/config.xml" >/dev/null 2>&1 &
    DBPID=$!
    for _ in $(seq 300); do [ "$(curl -s "http://127.0.0.1:$DBPORT/?query=SELECT%201")" = 1 ] && break; sleep 0.1; done
    curl -s "http://127.0.0.1:$DBPORT/" --data-binary "CREATE DATABASE bench"
    URL="clickhouse://127.0.0.1:$DBPORT/bench"
    rows_and_size() {
      curl -s "http://127.0.0.1:$DBPORT/?database=bench" --data-binary "SELECT concat('rows in sip_capture: ', toString(sum(rows)), ', ', formatReadableSize(sum(bytes_on_disk)), ' on disk (', toString(round(sum(bytes_on_disk) / sum(rows))), ' B/row), siphon_keys ', toString(round((SELECT sum(bytes_on_disk) FROM system.parts WHERE database = 'bench' AND table = 'siphon_keys' AND active) / sum(rows))), ' B/row') FROM system.parts WHERE database = 'bench' AND table = 'sip_capture' AND active"
    }
    ;;
  *) echo "db_ingest.sh: postgres, mysql or clickhouse" >&2; exit 2 ;;
esac
echo "spool_dir = \"$DIR/spool\"" >"$DIR/serve.toml"
[ -n "$CONFIG" ] && cat "$CONFIG" >>"$DIR/serve.toml"
CONF_ARGS=(-c "$DIR/serve.toml")
"$SIPHON" serve "${CONF_ARGS[@]}" --listen "udp:127.0.0.1:$PORT" --db "$URL" \
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
rows_and_size
