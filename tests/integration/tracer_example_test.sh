#!/usr/bin/env bash
# examples/trace_from_a_server.c against a real `siphon serve`: the example (built by CMake)
# traces an INVITE received over TLS and its relayed copy as HEP; the collector stores both,
# and `siphon search` finds them by Call-ID and by the caller's correlation id. Then the
# example is compiled again the way the README tells a SIP server to link the library (cc,
# the public header, -lsiphon_tracer), and that binary must work too.
#
# Usage: tracer_example_test.sh SIPHON EXAMPLE INCLUDE_DIR LIBRARY_DIR EXAMPLE_SOURCE [SANITIZE]
# SANITIZE: the build's sanitizers (address,undefined), which a program loading a sanitized
# library must be built with too (the runtime must come first).
# Every process started here is stopped by PID (trap); every wait is bounded; loopback only.
set -u

SIPHON=$(realpath "$1")
EXAMPLE=$(realpath "$2")
INCLUDE_DIR=$3
LIB_DIR=$4
SOURCE=$5
SANITIZE=${6:-}
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
TMP=$(mktemp -d /tmp/siphon-tracer-example-it.XXXXXX)
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
  if [ "$failures" -ne 0 ] || [ "${KEEP:-0}" = 1 ]; then echo "tracer_example: work directory kept: $TMP"; else rm -rf "$TMP"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

read -r PORT < <(python3 "$HERE/peers/siptrace_check.py" free-ports 1)
cat >"$TMP/serve.toml" <<TOML
listen = ["udp:127.0.0.1:$PORT"]
db_url = "sqlite:$TMP/store.db"
TOML
timeout 120 "$SIPHON" serve -c "$TMP/serve.toml" >"$TMP/serve.out" 2>"$TMP/serve.err" &
SERVE_PID=$!
for _ in $(seq 100); do
  grep -q '^listening on' "$TMP/serve.out" 2>/dev/null && break
  kill -0 "$SERVE_PID" 2>/dev/null || break
  sleep 0.1
done
grep -q "^listening on udp:127.0.0.1:$PORT" "$TMP/serve.out" ||
  { fail "serve did not start: $(cat "$TMP/serve.out" "$TMP/serve.err")"; exit 1; }

run_example() {  # run_example BINARY WANT_RECORDS
  local out
  out=$(timeout 30 "$1" "udp:127.0.0.1:$PORT" 2>&1) || fail "$1 exit $?: $out"
  [ "$out" = "accepted 2, traced 2, sent 2, dropped 0" ] || fail "$1 printed '$out'"
  local n=0
  for _ in $(seq 100); do
    n=$("$SIPHON" search --db "sqlite:$TMP/store.db" --call-id example-call-1@example.com \
          --format jsonl 2>/dev/null | wc -l)
    [ "$n" -ge "$2" ] && break
    sleep 0.1
  done
  [ "$n" = "$2" ] || fail "search --call-id found $n records after $1, want $2"
}

# ---- the example CMake built --------------------------------------------------------------
run_example "$EXAMPLE" 2
"$SIPHON" search --db "sqlite:$TMP/store.db" --correlation example-session-1 --format jsonl \
  >"$TMP/corr.jsonl" 2>"$TMP/corr.err" || fail "search --correlation: $(cat "$TMP/corr.err")"
[ "$(wc -l <"$TMP/corr.jsonl")" = 2 ] || fail "search --correlation found $(wc -l <"$TMP/corr.jsonl"), want 2"
python3 - "$TMP/corr.jsonl" <<'PY' || fail "stored records: $(cat "$TMP/corr.jsonl")"
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
text = json.dumps(rows)
for want in ("192.0.2.10", "192.0.2.20", "INVITE"):
    assert want in text, want
PY

# ---- the example as the README builds it: cc, the header, -lsiphon_tracer ------------------
cc -std=c11 -Wall -Wextra -Werror ${SANITIZE:+-fsanitize=$SANITIZE} -I"$INCLUDE_DIR" "$SOURCE" -o "$TMP/example" \
  -L"$LIB_DIR" -lsiphon_tracer -Wl,-rpath,"$LIB_DIR" 2>"$TMP/cc.err" ||
  fail "cc as the README says: $(cat "$TMP/cc.err")"
[ -x "$TMP/example" ] && run_example "$TMP/example" 4

if [ "$failures" -ne 0 ]; then echo "tracer_example: $failures failure(s)"; exit 1; fi
echo "tracer_example: ok"
