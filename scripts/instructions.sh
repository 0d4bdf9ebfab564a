#!/usr/bin/env bash
# Instructions per trial-year of the baseline's engine, counted by callgrind: deterministic for a
# given binary, so it shows changes of a few percent that wall-clock timing on a shared VM cannot.
# Counts the inclusive cost of rayon's worker (the simulation and the statistics, not the start-up
# or the writing of results) and divides by trials × 11 years.
# Usage: scripts/instructions.sh [BINARY] [TRIALS] [SCENARIO]   (default: build and count
# target/release/corridor; 6000 trials; the built-in baseline, or a SCENARIO file such as
# benches/baseline-50743cc.ron that an older binary reads too)
# Needs: valgrind (Debian: apt-get install valgrind).
set -euo pipefail
given=${1:+$(realpath "$1")}  # before the cd below, so a relative path still names it
cd "$(dirname "$0")/.."
if [ -n "$given" ]; then
  bin=$given
else
  cargo build --release --quiet  # the working tree's binary, never a stale one
  bin=target/release/corridor
fi
trials=${2:-6000}
scenario=${3:+$(realpath "$3")}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
valgrind --tool=callgrind --callgrind-out-file="$tmp/cg.out" "$bin" run ${scenario:+"$scenario"} --trials "$trials" \
  --quiet --charts none --threads 1 --out "$tmp/out" >/dev/null 2>"$tmp/err"
callgrind_annotate --inclusive=yes "$tmp/cg.out" >"$tmp/annotated" 2>/dev/null
n=$(awk '/rayon::iter::plumbing::bridge_producer_consumer::helper/ { gsub(",", "", $1); print $1; exit }' \
  "$tmp/annotated")
python3 -c "print(f'{$n / ($trials * 11):,.0f} instructions per trial-year ($trials trials)')"
