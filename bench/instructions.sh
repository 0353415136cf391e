#!/usr/bin/env bash
# Instructions per frame of agent_bench's per-pass benchmarks, counted by valgrind's callgrind:
# the figure that two builds can be compared by when the machine's speed drifts too much for
# pair.sh's timings to tell a few percent apart.
#
#   bench/instructions.sh AGENT_BENCH_BINARY FILTER [AGENT_BENCH_BINARY_AFTER]
#
# Counts the instructions executed inside replay() (the frames of the passes, not the set-up:
# loading the capture, preloading dialogs) and divides them by the frames replayed (the calls
# of FrameRecordExtractor::onFrame), so the number of passes Google Benchmark chose does not
# matter. With a second binary, prints both and the ratio AFTER/BEFORE.
#
# What it does not show: the cost of a cache miss, a mispredicted branch or an atomic
# read-modify-write, which count as one instruction each. Pair a change that trades
# instructions for memory traffic with pair.sh on a quiet machine.
set -euo pipefail

usage="usage: $0 AGENT_BENCH_BINARY FILTER [AGENT_BENCH_BINARY_AFTER]"
first=${1:?$usage}
filter=${2:?$usage}
second=${3:-}
command -v valgrind > /dev/null || { echo "instructions.sh: needs valgrind (apt install valgrind)" >&2; exit 2; }

per_frame() {  # BINARY -> instructions per replayed frame
  local out
  out=$(mktemp)
  valgrind --tool=callgrind --callgrind-out-file="$out" --toggle-collect='*replay*' "$1" \
    --benchmark_filter="$filter" --benchmark_min_time=0.01 > /dev/null 2> "$out.log"
  local ir frames
  ir=$(awk '/Collected :/ { print $NF }' "$out.log")
  frames=$(callgrind_annotate --tree=caller --inclusive=yes "$out" 2> /dev/null |
    awk '/^$/ { n = 0 }  # a new block: its callers ("<"), then the function ("*")
         /< .*replay.*\([0-9,]+x\)/ && match($0, /\([0-9,]+x\)/) {
           s = substr($0, RSTART + 1, RLENGTH - 3); gsub(",", "", s); n += s }
         /\*  .*FrameRecordExtractor::onFrame\(/ { print n; found = 1; exit }
         END { if (!found) print 0 }')
  rm -f "$out" "$out.log"
  if [ -z "$ir" ] || [ "$frames" -eq 0 ]; then
    echo "instructions.sh: no frames replayed (does FILTER select one per-pass benchmark?)" >&2
    exit 1
  fi
  awk -v ir="$ir" -v f="$frames" 'BEGIN { printf "%.1f\n", ir / f }'
}

before=$(per_frame "$first")
if [ -z "$second" ]; then
  echo "$before instructions per frame ($filter)"
  exit 0
fi
after=$(per_frame "$second")
awk -v b="$before" -v a="$after" -v f="$filter" \
  'BEGIN { printf "before %.1f  after %.1f instructions per frame (%s)  after/before %.3f\n", b, a, f, a / b }'
