#!/usr/bin/env bash
# Compares the speed of two corridor binaries by alternating runs (A, B, A, B, ...): on a shared
# VM the noise drifts over minutes, and alternating exposes both binaries to the same drift.
# Prints each binary's fastest whole run (start-up, simulation and every output file) and the
# range of its engine throughput (run.json's trial_years_per_second: the simulation and its
# statistics alone), since a change to what a run writes moves the first and not the second.
# Usage: scripts/compare.sh BINARY_A BINARY_B [ROUNDS] [SCENARIO]   (default 6 rounds of 100,000
# trials, 1 thread, the built-in baseline; a SCENARIO file both binaries read, such as
# benches/baseline-50743cc.ron, keeps a changed baseline from hiding or faking a gain)
set -euo pipefail
a=$1 b=$2 rounds=${3:-6} scenario=${4:-}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
for _ in $(seq "$rounds"); do
  for w in a b; do
    bin=$a; [ "$w" = b ] && bin=$b
    rm -rf "$tmp/$w"
    t=$( { /usr/bin/time -f "%e" "$bin" run ${scenario:+"$scenario"} --trials 100000 --quiet --charts none --threads 1 \
      --out "$tmp/$w" >/dev/null; } 2>&1 )
    engine=$(python3 -c "import json; print(json.load(open('$tmp/$w/run.json'))['trial_years_per_second'])")
    echo "$w $t $engine" >>"$tmp/log"
  done
done
python3 - "$tmp/log" <<'PY'
import sys
runs = {"a": [], "b": []}
for line in open(sys.argv[1]):
    w, t, e = line.split()
    runs[w].append((float(t), float(e)))
best = {w: min(t for t, _ in r) for w, r in runs.items()}
for w in "ab":
    es = [e for _, e in runs[w]]
    print(f"{w.upper()}: fastest run {best[w]:.2f} s; engine {min(es):,.0f}-{max(es):,.0f} trial-years/s")
ea = sorted(e for _, e in runs["a"]); eb = sorted(e for _, e in runs["b"])
med = lambda v: v[len(v) // 2]
print(f"B is {best['a'] / best['b']:.3f}x as fast as A by the fastest run, "
      f"{med(eb) / med(ea):.3f}x by the median engine throughput")
PY
