#!/usr/bin/env bash
# Instructions per trial-year of the baseline's engine, counted by callgrind: deterministic for a
# given binary, so it shows changes of a few percent that wall-clock timing on a shared VM cannot.
# Counts the whole program twice, at TRIALS and at a tenth of them, and divides the difference by
# the extra trials × 11 years: what a trial-year costs (the simulation, its statistics and their
# share of the merges), without the start-up or the writing of results, which do not grow with
# the trials. (Until 2026-11-28 it counted rayon's worker inclusively; the result files are now
# rendered on rayon's workers too. On 506bd91 at 2,000 trials the old count gave 33,834 and this
# one 35,019: compare figures of one method only.)
# Usage: scripts/instructions.sh [BINARY] [TRIALS] [SCENARIO]   (default: build and count
# target/release/corridor; 6000 trials; the built-in baseline, or a SCENARIO file such as
# benches/baseline-50743cc.ron that an older binary reads too)
# Needs: valgrind (Debian: apt-get install valgrind).
set -euo pipefail
source "$(dirname "$0")/binary.sh"  # bin, scenario, tmp; at the repository root
trials=${2:-6000}
count() {  # total instructions of one run of $1 trials
  valgrind --tool=callgrind --callgrind-out-file="$tmp/cg.$1" "$bin" run ${scenario:+"$scenario"} --trials "$1" \
    --quiet --charts none --threads 1 --out "$tmp/out.$1" >/dev/null 2>"$tmp/err"
  awk '/^(summary|totals):/ { print $2; exit }' "$tmp/cg.$1"
}
few=$((trials / 10))
n=$(count "$trials")
m=$(count "$few")
python3 -c "print(f'{($n - $m) / (($trials - $few) * 11):,.0f} instructions per trial-year ($few to $trials trials)')"
