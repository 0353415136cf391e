#!/usr/bin/env bash
# Builds Siphon twice and runs the test suite in each build; exits non-zero on any failure.
#   build/       Release: every test (unit, fuzz-corpus replay, integration with real peers),
#                and check-headers (every header compiles on its own)
#   build-asan/  AddressSanitizer + UndefinedBehaviorSanitizer: every test but the real-peer
#                one (Kamailio/sipp run their own code; our side of it is covered in Release)
# Used by README.md and .ci/run.
set -euo pipefail
cd "$(dirname "$0")/.."
tools/install-deps.sh
jobs=$(nproc)

configure_and_build() {
  local dir=$1; shift
  cmake -S . -B "$dir" -G Ninja -DSIPHON_WERROR=ON "$@" >/dev/null
  cmake --build "$dir" -j "$jobs"
}

echo "== release build + tests"
configure_and_build build -DCMAKE_BUILD_TYPE=Release
cmake --build build -j "$jobs" --target check_headers
ctest --test-dir build --output-on-failure -j "$jobs" --timeout 600

echo "== sanitizer build (address,undefined) + tests"
configure_and_build build-asan -DCMAKE_BUILD_TYPE=Debug -DSIPHON_SANITIZE=address,undefined
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
  ctest --test-dir build-asan --output-on-failure -j "$jobs" --timeout 600 -LE peers
