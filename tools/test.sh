#!/usr/bin/env bash
# Builds Siphon twice and runs the whole test suite in each build:
#   build/       Release-with-debug-info build: unit, fuzz-replay and integration tests
#   build-asan/  AddressSanitizer + UndefinedBehaviorSanitizer build: the same tests
# Exits non-zero on any failure. Used by README.md and .ci/run.
set -euo pipefail
cd "$(dirname "$0")/.."
tools/install-deps.sh
jobs=$(nproc)

run_suite() {
  local dir=$1; shift
  cmake -S . -B "$dir" -G Ninja -DSIPHON_WERROR=ON "$@" >/dev/null
  cmake --build "$dir" -j "$jobs"
  cmake --build "$dir" -j "$jobs" --target check_headers
  ctest --test-dir "$dir" --output-on-failure -j "$jobs" --timeout 600
}

echo "== release build + tests"
run_suite build -DCMAKE_BUILD_TYPE=RelWithDebInfo
echo "== sanitizer build (address,undefined) + tests"
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
  run_suite build-asan -DCMAKE_BUILD_TYPE=Debug -DSIPHON_SANITIZE=address,undefined
