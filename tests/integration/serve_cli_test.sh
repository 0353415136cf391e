#!/usr/bin/env bash
# `siphon serve` driven from outside as an operator would: a TOML configuration file with seed
# key names (-c), HEPv3 load from siphon-hep-load, runtime control with `siphon ctl` (stats,
# capture off/on), SIGHUP (reload, keeps running), SIGTERM (flush, exit 0, stats line), the
# stored records found by `siphon search`, and a bad configuration key rejected with exit 2.
#
# Usage: serve_cli_test.sh SIPHON_BINARY LOADGEN_BINARY
# Every process started here is stopped by PID (trap); every wait is bounded; loopback only.
set -u

SIPHON=$(realpath "${1:?usage: $0 SIPHON_BINARY LOADGEN_BINARY}")
LOADGEN=$(realpath "${2:?usage: $0 SIPHON_BINARY LOADGEN_BINARY}")
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
TMP=$(mktemp -d /tmp/siphon-serve-cli-it.XXXXXX)
SERVE_PID=""
failures=0

fail() { echo "FAIL: $*"; failures=$((failures + 1)); }
cleanup() {
  if [ -n "$SERVE_PID" ] && kill -0 "$SERVE_PID" 2>/dev/null; then
    kill -TERM "$SERVE_PID" 2>/dev/null
    for _ in $(seq 50); do kill -0 "$SERVE_PID" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$SERVE_PID" 2>/dev/null
    wait "$SERVE_PID" 2>/dev/null
  fi
  if [ "$failures" -ne 0 ] || [ "${KEEP:-0}" = 1 ]; then echo "serve_cli: work directory kept: $TMP"; else rm -rf "$TMP"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

read -r PORT HTTP < <(python3 "$HERE/peers/siptrace_check.py" free-ports 2)
API="http://127.0.0.1:$HTTP"
RUN=it$$x$RANDOM
stat() {  # stat KEY: one counter from `siphon ctl stats --format json` (dotted path)
  "$SIPHON" ctl --api "$API" stats --format json 2>/dev/null | python3 -c '
import json, sys
v = json.load(sys.stdin)
for k in sys.argv[1].split("."):
    v = v.get(k, 0) if isinstance(v, dict) else 0
print(v)' "$1" 2>/dev/null || echo -1
}
wait_stat() {  # wait_stat KEY VALUE SECONDS
  local i v
  for i in $(seq $(($3 * 10))); do
    v=$(stat "$1")
    [ "$v" = "$2" ] && return 0
    sleep 0.1
  done
  fail "stats $1 is $v after $3 s, want $2 ($("$SIPHON" ctl --api "$API" stats --format json 2>&1))"
  return 1
}
load() {  # load COUNT RUN_ID
  timeout 60 "$LOADGEN" --target "udp:127.0.0.1:$PORT" --count "$1" --rate 20000 --run-id "$2" \
    --max-seconds 30 >"$TMP/load-$2.json" 2>"$TMP/load-$2.err" ||
    fail "siphon-hep-load --count $1: exit $? ($(cat "$TMP/load-$2.err"))"
}

cat >"$TMP/siphon.toml" <<TOML
# seed (Kamailio sipcapture) parameter names
capture_node = "it01"
table_name = "sip_capture_%Y%m%d"
listen = ["udp:127.0.0.1:$PORT", "tcp:127.0.0.1:$PORT"]
db_url = "sqlite:$TMP/it.db"
http = "127.0.0.1:$HTTP"
capture_on = 1
hep_capture_on = 1
TOML

# ---- start -------------------------------------------------------------------------------
timeout 120 "$SIPHON" serve -c "$TMP/siphon.toml" >"$TMP/serve.out" 2>"$TMP/serve.err" &
SERVE_PID=$!
for _ in $(seq 100); do
  [ "$(grep -c '^listening on' "$TMP/serve.out" 2>/dev/null)" -ge 2 ] && grep -q '^http on' "$TMP/serve.out" && break
  kill -0 "$SERVE_PID" 2>/dev/null || break
  sleep 0.1
done
if ! grep -q "^listening on udp:127.0.0.1:$PORT" "$TMP/serve.out"; then
  fail "serve -c did not start: $(cat "$TMP/serve.out" "$TMP/serve.err")"
  exit 1
fi
grep -q "^listening on tcp:127.0.0.1:$PORT" "$TMP/serve.out" || fail "no tcp listener: $(cat "$TMP/serve.out")"
grep -q "^storing into sqlite:$TMP/it.db" "$TMP/serve.out" || fail "db_url not applied: $(cat "$TMP/serve.out")"

# ---- 5000 HEPv3 packets --------------------------------------------------------------------
load 5000 "$RUN"
wait_stat received 5000 10
wait_stat stored 5000 10
[ "$(stat dropped)" = 0 ] || fail "dropped $(stat dropped) after 5000 packets"

# ---- capture off: counted as dropped capture_off, not stored ---------------------------------
out=$("$SIPHON" ctl --api "$API" capture off 2>&1)
[ "$out" = off ] || fail "ctl capture off printed '$out'"
out=$("$SIPHON" ctl --api "$API" capture check 2>&1)
[ "$out" = off ] || fail "ctl capture check printed '$out' after off"
load 100 "${RUN}off"
wait_stat dropped_by_reason.capture_off 100 10
wait_stat received 5100 5
[ "$(stat stored)" = 5000 ] || fail "stored $(stat stored) with capture off, want 5000"
out=$("$SIPHON" ctl --api "$API" capture on 2>&1)
[ "$out" = on ] || fail "ctl capture on printed '$out'"

# ---- SIGHUP: reloads, keeps running ----------------------------------------------------------
kill -HUP "$SERVE_PID"
for _ in $(seq 50); do grep -q 'SIGHUP' "$TMP/serve.err" && break; sleep 0.1; done
sleep 0.3
kill -0 "$SERVE_PID" 2>/dev/null || fail "serve stopped on SIGHUP: $(cat "$TMP/serve.err")"
grep -q 'serve: SIGHUP: configuration reloaded (capture_on=1, hep_capture_on=1)' "$TMP/serve.err" ||
  fail "no reload line after SIGHUP: $(cat "$TMP/serve.err")"
out=$("$SIPHON" ctl --api "$API" capture check 2>&1)
[ "$out" = on ] || fail "ctl capture check printed '$out' after SIGHUP"
load 10 "${RUN}hup"
wait_stat stored 5010 10

# ---- SIGTERM: flush, exit 0, stats line ------------------------------------------------------
kill -TERM "$SERVE_PID"
for _ in $(seq 100); do kill -0 "$SERVE_PID" 2>/dev/null || break; sleep 0.1; done
if kill -0 "$SERVE_PID" 2>/dev/null; then
  fail "serve still running 10 s after SIGTERM"
else
  wait "$SERVE_PID"
  rc=$?
  SERVE_PID=""
  [ "$rc" = 0 ] || fail "serve exited $rc after SIGTERM"
fi
want='serve: received 5110, stored 5010 (unparsed SIP 0), dropped 100 (capture_off: 100)'
grep -qxF "$want" "$TMP/serve.err" || fail "stats line: want '$want', got '$(grep '^serve: received' "$TMP/serve.err")'"

# ---- search finds every stored record ----------------------------------------------------------
"$SIPHON" search --db "sqlite:$TMP/it.db" --limit 100000 --format jsonl >"$TMP/all.jsonl" 2>"$TMP/search.err" ||
  fail "search failed: $(cat "$TMP/search.err")"
python3 - "$TMP/all.jsonl" "$RUN" <<'PY' || failures=$((failures + 1))
import collections, json, sys
recs = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
run = sys.argv[2]
by = collections.Counter()
for r in recs:
    cid = r.get("callid", "")
    by["off" if cid.startswith(run + "off") else "hup" if cid.startswith(run + "hup") else
       "main" if cid.startswith(run) else "other"] += 1
bad = []
if by["main"] != 5000: bad.append("%d records of the 5000-packet run" % by["main"])
if by["off"] != 0: bad.append("%d records sent while capture was off" % by["off"])
if by["hup"] != 10: bad.append("%d records of the 10 packets after SIGHUP" % by["hup"])
if by["other"]: bad.append("%d records with foreign Call-IDs" % by["other"])
nodes = collections.Counter(str(r.get("node")) for r in recs)
if any(not (n == "it01" or n.startswith("it01:")) for n in nodes):
    bad.append("node column not it01[:capture id]: %s" % dict(nodes))
if any(not r.get("method") or not r.get("cseq") for r in recs):
    bad.append("records without method/cseq")
for b in bad: print("FAIL: search: " + b)
print("serve_cli: search: %d records (%s), nodes %s" % (len(recs), dict(by), dict(nodes)))
sys.exit(1 if bad else 0)
PY
# --node matches the whole node column, Kamailio's "capture_node:capture_id" (the load
# generator's capture id is 2001)
n=$("$SIPHON" search --db "sqlite:$TMP/it.db" --node it01:2001 --limit 100000 --format jsonl 2>/dev/null | wc -l)
[ "$n" = 5010 ] || fail "search --node it01:2001 returned $n records, want 5010"

# ---- a bad configuration key: exit 2, the key named ------------------------------------------
printf 'capture_node = "it01"\ncapture_nodee = "typo"\nlisten = ["udp:127.0.0.1:%s"]\nhttp = "off"\n' "$PORT" >"$TMP/bad.toml"
timeout 10 "$SIPHON" serve -c "$TMP/bad.toml" >"$TMP/bad.out" 2>"$TMP/bad.err"
rc=$?
[ "$rc" = 2 ] || fail "serve -c bad.toml exited $rc, want 2"
grep -q "capture_nodee" "$TMP/bad.err" || fail "serve -c bad.toml did not name the key: $(cat "$TMP/bad.err")"
# a bad value of a known key: exit 2 too
printf 'capture_on = "maybe"\nlisten = ["udp:127.0.0.1:%s"]\nhttp = "off"\n' "$PORT" >"$TMP/bad2.toml"
timeout 10 "$SIPHON" serve -c "$TMP/bad2.toml" >"$TMP/bad2.out" 2>"$TMP/bad2.err"
rc=$?
[ "$rc" = 2 ] || fail "serve -c bad2.toml (capture_on = \"maybe\") exited $rc, want 2"
grep -q "capture_on" "$TMP/bad2.err" || fail "serve -c bad2.toml did not name capture_on: $(cat "$TMP/bad2.err")"

if [ "$failures" -ne 0 ]; then
  echo "serve_cli: $failures failure(s)"
  exit 1
fi
echo "serve_cli: all checks passed"
exit 0
