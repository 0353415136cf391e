#!/usr/bin/env bash
# Compares two builds of one Google Benchmark binary on a VM whose speed drifts.
#
#   bench/pair.sh BEFORE_BINARY AFTER_BINARY FILTER [ROUNDS] [DIVISOR]
#
# Why. On this project's VM the same binary can run 2x slower for a minute and then recover,
# with no steal time shown, so repetitions inside one run measure the minute, not the change.
# Here each round runs BEFORE then AFTER back to back (one run of the first benchmark FILTER
# selects); a drift then hits both sides of a round alike. Prints each round's two CPU times
# divided by DIVISOR (1; agent_bench's per-pass benchmarks: 4096, the frames of a pass), then
# the median of each side and the median and range of the per-round ratios AFTER/BEFORE.
# ROUNDS (default 7) is at most 50.
set -euo pipefail

before=${1:?usage: $0 BEFORE_BINARY AFTER_BINARY FILTER [ROUNDS] [DIVISOR]}
after=${2:?usage: $0 BEFORE_BINARY AFTER_BINARY FILTER [ROUNDS] [DIVISOR]}
filter=${3:?usage: $0 BEFORE_BINARY AFTER_BINARY FILTER [ROUNDS] [DIVISOR]}
rounds=${4:-7}
divisor=${5:-1}
if [ "$rounds" -lt 1 ] || [ "$rounds" -gt 50 ]; then
  echo "pair.sh: ROUNDS must be 1 to 50" >&2
  exit 2
fi

cpu_time() {  # the first result line's CPU time (in its own unit) divided by the divisor
  "$1" --benchmark_filter="$filter" --benchmark_format=csv 2>/dev/null |
    awk -F, -v d="$divisor" '/^"/ && !done { printf "%.1f", $4 / d; done = 1 }'
}

results=""
for _ in $(seq "$rounds"); do
  b=$(cpu_time "$before")
  a=$(cpu_time "$after")
  [ -n "$b" ] && [ -n "$a" ] || { echo "pair.sh: no benchmark matches '$filter'" >&2; exit 1; }
  echo "$b $a"
  results+="$b $a"$'\n'
done
# Medians by sort(1): Debian's default awk (mawk) has no asort.
median() { sort -g | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
first() { sort -g | head -1; }
last() { sort -g | tail -1; }
b_med=$(printf '%s' "$results" | awk '{ print $1 }' | median)
a_med=$(printf '%s' "$results" | awk '{ print $2 }' | median)
ratios=$(printf '%s' "$results" | awk '{ printf "%.3f\n", $2 / $1 }')
echo "median before $b_med  after $a_med  after/before $(median <<<"$ratios")" \
  "(rounds $(first <<<"$ratios") to $(last <<<"$ratios"))"
