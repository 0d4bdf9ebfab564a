#!/usr/bin/env bash
# Seeds for the read_partials fuzz target (docs/fuzzing.md): real shard files of a small scenario,
# alone and as sets joined by a 0xFF byte, written to fuzz/corpus/read_partials/. Shard files
# change with the model and the corridor version, so they are made fresh rather than kept.
#
# Usage: fuzz/seed_partials.sh [CORRIDOR_BINARY]   (default: target/release/corridor, built if missing)
set -euo pipefail
cd "$(dirname "$0")/.."
bin=${1:-target/release/corridor}
[[ -x $bin ]] || cargo build --release
# 7 years, production growing log-linearly from a subnormal anchor: histograms that span many
# powers of two, in files of about 40 kB.
scenario=tests/fuzz_regressions/valid-log-linear-from-a-subnormal-anchor.ron
out=fuzz/corpus/read_partials
mkdir -p "$out"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
for k in 0 1 2; do
    "$bin" run "$scenario" --trials 30 --seed 7 --shard "$k/3" --out "$tmp/s$k" --threads 1 --quiet
done
"$bin" run "$scenario" --trials 5 --seed 7 --shard 0/1 --out "$tmp/one" --threads 1 --quiet
join() { # join FILE... : the files separated by 0xFF
    local first=1
    for f in "$@"; do
        ((first)) || printf '\xff'
        first=0
        cat "$f"
    done
}
p() { echo "$tmp/$1/partial.json"; }
join "$(p one)" >"$out/one-of-one"
join "$(p s0)" "$(p s1)" "$(p s2)" >"$out/three-of-three"
join "$(p s2)" "$(p s0)" >"$out/two-of-three"
join "$(p s1)" "$(p s1)" "$(p s0)" "$(p s2)" >"$out/one-repeated"
join "$(p one)" "$(p s0)" >"$out/two-runs"
ls -l "$out"
