#!/usr/bin/env bash
# The real sqlite3 shell reads a Siphon store through the siphon_sqlite extension.
#   sqlite_shell_view_test.sh STORE_SINK_TEST_BINARY SIPHON_SQLITE_MODULE
set -euo pipefail
TEST_BIN=$1; MODULE=$2
command -v sqlite3 >/dev/null || { echo "sqlite3 shell not installed (tools/install-deps.sh)"; exit 1; }
DIR=$(mktemp -d); trap 'rm -rf "$DIR"' EXIT
SIPHON_KEEP_STORE="$DIR/s.db" "$TEST_BIN" --gtest_filter='*RoutesByStrftime*' >/dev/null
# Without the extension the view says what is missing.
if sqlite3 "$DIR/s.db" "SELECT count(*) FROM sip_capture" 2>"$DIR/err"; then
  echo "FAIL: the view worked without the extension"; exit 1
fi
grep -q "siphon_messages" "$DIR/err" || { echo "FAIL: unclear error: $(cat "$DIR/err")"; exit 1; }
out=$(sqlite3 "$DIR/s.db" ".load ${MODULE%.so}" \
  "SELECT method || ' ' || from_user || ' ' || callid FROM sip_capture;")
[ "$out" = "INVITE alice call-1@example.com" ] || { echo "FAIL: got '$out'"; exit 1; }
echo "1 passed, 0 failed"
