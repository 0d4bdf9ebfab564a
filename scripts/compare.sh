#!/usr/bin/env bash
# Compares the speed of two corridor binaries by alternating runs (A, B, A, B, ...) and keeping
# each one's fastest: on a shared VM the noise drifts over minutes, and alternating exposes both
# binaries to the same drift.
# Usage: scripts/compare.sh BINARY_A BINARY_B [ROUNDS] [SCENARIO]   (default 6 rounds of 100,000
# trials, 1 thread, the built-in baseline; a SCENARIO file both binaries read, such as
# benches/baseline-50743cc.ron, keeps a changed baseline from hiding or faking a gain)
set -euo pipefail
a=$1 b=$2 rounds=${3:-6} scenario=${4:-}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
best_a=999 best_b=999
for _ in $(seq "$rounds"); do
  for w in a b; do
    bin=$a; [ "$w" = b ] && bin=$b
    t=$( { /usr/bin/time -f "%e" "$bin" run ${scenario:+"$scenario"} --trials 100000 --quiet --charts none --threads 1 \
      --out "$tmp/$w" >/dev/null; } 2>&1 )
    if [ "$w" = a ]; then best_a=$(python3 -c "print(min($best_a, $t))")
    else best_b=$(python3 -c "print(min($best_b, $t))"); fi
  done
done
python3 -c "print(f'A {$best_a:.2f} s   B {$best_b:.2f} s   B is {$best_a / $best_b:.3f}x as fast as A')"
