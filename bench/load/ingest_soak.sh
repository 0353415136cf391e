#!/usr/bin/env bash
# ingest_soak.sh: the collector's end-to-end ingest on this machine. Starts `siphon serve` on
# loopback with a fresh store, sends RATE HEPv3 packets/s over UDP for SECONDS with
# siphon-hep-load (same machine), then reports: sent, received, stored, dropped by reason,
# kernel UDP receive-buffer drops, peak RSS, bytes on disk per stored message, the collector's
# CPU per stored message, how long after the last packet the last call was searchable, and the
# RSS each second of the load.
# Bounded in count and time.
#
# The memory the collector reports (ctl stats: queue, store page cache, the rest) is sampled
# when the load ends, at its highest. CONFIG is an optional `siphon serve -c` file (e.g.
# store_cache_mb = 2).
#
# HEPGEN=PATH sends with that hepgen.py (../shared/peers/hepgen.py: Python, one send() per
# packet, packets generated before the clock starts) instead of siphon-hep-load: a slower sender
# with its own pacing and SIP, as issue 13 asks for a second view. RATE 0: 60,000 x SECONDS
# packets as fast as it goes.
#
# LOAD_ARGS adds options to siphon-hep-load's, e.g. LOAD_ARGS="--real-mix tests/data/pcap" for
# the SIP of the real captures instead of synthetic calls.
#
#   bench/load/ingest_soak.sh BUILD_DIR [RATE=100000] [SECONDS=5] [CONFIG]
#   HEPGEN=../shared/peers/hepgen.py bench/load/ingest_soak.sh BUILD_DIR 50000 20
set -euo pipefail
BUILD=${1:?build dir}; RATE=${2:-100000}; SECS=${3:-5}; CONFIG=${4:-}
SIPHON=$BUILD/src/cli/siphon; LOAD=$BUILD/bench/load/siphon-hep-load
COUNT=$((RATE * SECS))
[ -n "${HEPGEN:-}" ] && [ "$RATE" -eq 0 ] && COUNT=$((60000 * SECS))  # as fast as hepgen goes (about 90k/s here)
DIR=$(mktemp -d /tmp/siphon-soak.XXXXXX)
PORT=$(python3 -c 'import socket; s=socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
HTTP=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
"$SIPHON" serve ${CONFIG:+-c "$CONFIG"} --listen "udp:127.0.0.1:$PORT" --db "sqlite:$DIR/soak.db" --http "127.0.0.1:$HTTP" \
  >"$DIR/serve.out" 2>"$DIR/serve.err" &
PID=$!
trap 'kill $PID 2>/dev/null || true; wait $PID 2>/dev/null || true; rm -rf "$DIR"' EXIT
for _ in $(seq 50); do grep -q "listening on" "$DIR/serve.out" 2>/dev/null && break; sleep 0.1; done
rcv_errors() { awk '/^Udp:/{getline; print $6}' /proc/net/snmp; }
# The collector's CPU time (user + system, clock ticks): per stored message it compares builds
# even when the machine's speed drifts, which the loss at a fixed rate does not.
cpu_ticks() { awk '{print $14 + $15}' /proc/$PID/stat; }
cpu_before=$(cpu_ticks)
before=$(rcv_errors)
RUN=soak$$
# RSS once a second while the load runs: memory must stay bounded under overload.
( while kill -0 $PID 2>/dev/null; do awk '/VmRSS/{printf "%d ", $2/1024}' /proc/$PID/status; sleep 1; done ) \
  >"$DIR/rss.txt" 2>/dev/null &
SAMPLER=$!
if [ -n "${HEPGEN:-}" ]; then
  # The same summary as siphon-hep-load's: rate, sent, seconds.
  # Exit status 2: stopped by --max-seconds before COUNT; what it sent is in its summary.
  { python3 "$HEPGEN" --port "$PORT" --count "$COUNT" --rate "$RATE" --max-seconds $((SECS * 3 + 10)) \
      --run-id "$RUN" --json --quiet || [ $? -eq 2 ]; } |
    python3 -c 'import json,sys; d=json.load(sys.stdin); print(json.dumps({"rate": d["rate_pps"], "sent": d["sent"], "seconds": d["elapsed_s"]}))' \
      >"$DIR/load.json"
else
  "$LOAD" --target "udp:127.0.0.1:$PORT" --count "$COUNT" --rate "$RATE" --max-seconds $((SECS * 3 + 10)) \
    --run-id "$RUN" ${LOAD_ARGS:-} >"$DIR/load.json"
fi
SENT=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["sent"])' "$DIR/load.json")
t_sent=$(date +%s.%N)
kill $SAMPLER 2>/dev/null || true
at_end=$("$SIPHON" ctl --api "http://127.0.0.1:$HTTP" stats --format json)
# The last scenario's Call-ID: searchable when the store has it.
last=$((COUNT / 4))
found=""
for _ in $(seq 200); do
  if "$SIPHON" search --db "sqlite:$DIR/soak.db" --since -10m --limit 1 --format jsonl 2>/dev/null \
       | grep -q "$RUN-"; then
    n=$("$SIPHON" ctl --api "http://127.0.0.1:$HTTP" stats --format json | python3 -c 'import json,sys; d=json.load(sys.stdin); print(d["stored"]+d["dropped"])')
    if [ "$n" -ge "$SENT" ]; then found=$(date +%s.%N); break; fi
  fi
  sleep 0.1
done
after=$(rcv_errors)
stats=$("$SIPHON" ctl --api "http://127.0.0.1:$HTTP" stats --format json)
rss=$(awk '/VmHWM/{print $2}' /proc/$PID/status)
cpu=$(( $(cpu_ticks) - cpu_before ))
kill -TERM $PID; wait $PID || true
trap 'rm -rf "$DIR"' EXIT
db_bytes=$(du -cb "$DIR"/soak.db* | tail -1 | cut -f1)
python3 - "$DIR/load.json" "$stats" "$rss" "$db_bytes" "$((after - before))" "$t_sent" "${found:-0}" "$(cat "$DIR/rss.txt")" "$at_end" "$cpu" "$(getconf CLK_TCK)" <<'PY'
import json, sys
load = json.load(open(sys.argv[1])); st = json.loads(sys.argv[2])
mem = json.loads(sys.argv[9]).get("memory", {})
rss_kb, db, kdrops, t_sent, t_found = int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5]), float(sys.argv[6]), float(sys.argv[7])
stored = st["stored"]
print(json.dumps({
  "offered_rate": load["rate"], "sent": load["sent"], "seconds": load["seconds"],
  "received": st["received"], "stored": stored, "dropped": st["dropped"],
  "dropped_by_reason": {k: v for k, v in st["dropped_by_reason"].items() if v},
  "kernel_udp_rcvbuf_drops": kdrops, "loss": load["sent"] - stored,
  "peak_rss_mb": round(rss_kb / 1024, 1), "disk_bytes_per_msg": round(db / max(stored, 1), 1),
  "all_stored_after_s": round(t_found - t_sent, 2) if t_found else None,
  "collector_cpu_us_per_stored_msg": round(int(sys.argv[10]) / int(sys.argv[11]) * 1e6 / max(stored, 1), 2),
  "rss_mb_each_second": [int(x) for x in sys.argv[8].split()],
  "memory_mb_at_end_of_load": {k.replace("_bytes", ""): round(v / 2**20, 1) for k, v in mem.items()},
}))
PY
