#!/usr/bin/env bash
# Builds Siphon twice and runs the test suite in each build; exits non-zero on any failure.
#   build/       Release: every test (unit, fuzz-corpus replay, integration with real peers),
#                and check-headers (every header compiles on its own)
#   build-asan/  AddressSanitizer + UndefinedBehaviorSanitizer: every test but the real-peer
#                one (Kamailio/sipp run their own code; our side of it is covered in Release)
#   build-fuzz/  the README's fuzz configuration and command (clang-14, libFuzzer, ASan+UBSan):
#                the `fuzzers` target, so the documented command cannot rot, and each fuzzer
#                replays its corpus and regressions once
# Used by README.md and .ci/run.
set -euo pipefail
cd "$(dirname "$0")/.."
tools/install-deps.sh
jobs=$(nproc)

# Each phase says when it starts (seconds since the script began), so that a suite that grows
# towards its 25 minutes shows where.
phase() { echo "== $* (at ${SECONDS} s)"; }

configure_and_build() {
  local dir=$1; shift
  cmake -S . -B "$dir" -G Ninja -DSIPHON_WERROR=ON "$@" >/dev/null
  cmake --build "$dir" -j "$jobs"
}

phase "release build + tests"
configure_and_build build -DCMAKE_BUILD_TYPE=Release
cmake --build build -j "$jobs" --target check_headers
phase "release tests"
ctest --test-dir build --output-on-failure -j "$jobs" --timeout 600

phase "sanitizer build (address,undefined) + tests"
# -g1: line tables, which is what a sanitizer's report needs to name file and line; full
# debug info (-g) makes this build about 10 % slower and is for a debugger, not for CI.
configure_and_build build-asan -DCMAKE_BUILD_TYPE=Debug -DCMAKE_CXX_FLAGS_DEBUG=-g1 \
  -DSIPHON_SANITIZE=address,undefined
phase "sanitizer tests"
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
  ctest --test-dir build-asan --output-on-failure -j "$jobs" --timeout 600 -LE peers

phase "fuzz build (clang-14, libFuzzer, the README's command) + corpus replay"
CC=clang-14 CXX=clang++-14 cmake -S . -B build-fuzz -G Ninja -DSIPHON_WERROR=ON -DSIPHON_FUZZ=ON \
  -DSIPHON_SANITIZE=address,undefined -DSIPHON_TESTS=OFF >/dev/null
cmake --build build-fuzz -j "$jobs" --target fuzzers
for fuzzer in build-fuzz/fuzz/*_fuzz; do
  name=$(basename "$fuzzer" _fuzz)
  dirs=(fuzz/corpus/"$name")
  [ -d fuzz/regressions/"$name" ] && dirs+=(fuzz/regressions/"$name")
  # -runs=0: run every input once and stop (the corpus is left as it is).
  "$fuzzer" -runs=0 "${dirs[@]}" >/dev/null 2>&1 || { echo "fuzz replay failed: $name"; exit 1; }
done
echo "fuzz replay: $(ls build-fuzz/fuzz/*_fuzz | wc -l) fuzzers"
phase "done"
