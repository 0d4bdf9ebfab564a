#!/usr/bin/env bash
# Checks that a change to the engine changed no result: runs two corridor binaries on the same
# scenarios (3,000 trials, seed 9, 2 threads) and compares summary.json, intervals.csv,
# percentiles.csv, tails.csv and report.md byte for byte (every copy of them, e.g. a scenario's
# variants). Exits 1 if any differ. run.json (timings), results.xlsx and the charts are not
# compared: the first differs from run to run, the others are drawn from summary.json.
# Usage: scripts/same-outputs.sh NEW_BINARY REFERENCE_BINARY [SCENARIO ...]   (default: the
# built-in baseline, the hindcast, btc-expansion, the 50743cc baseline, cpc-terminal-outage
# and russia-transit-cutoff)
set -euo pipefail
new=$(realpath "$1") ref=$(realpath "$2")
shift 2
cd "$(dirname "$0")/.."
if [ $# -eq 0 ]; then
  set -- baseline scenarios/hindcast-2025.ron scenarios/btc-expansion.ron \
    benches/baseline-50743cc.ron scenarios/cpc-terminal-outage.ron scenarios/russia-transit-cutoff.ron
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
status=0
for scenario in "$@"; do
  file=$scenario; [ "$scenario" = baseline ] && file=""  # the built-in baseline
  rm -rf "$tmp/ref" "$tmp/new"
  for side in ref new; do
    bin=$ref; [ "$side" = new ] && bin=$new
    "$bin" run ${file:+"$file"} --trials 3000 --seed 9 --threads 2 --quiet --out "$tmp/$side" >/dev/null
  done
  compared=0
  while IFS= read -r f; do
    compared=$((compared + 1))
    cmp -s "$tmp/ref/$f" "$tmp/new/$f" || { echo "DIFFER: $scenario: $f"; status=1; }
  done < <(cd "$tmp/ref" && find . \( -name summary.json -o -name intervals.csv -o -name percentiles.csv \
    -o -name tails.csv -o -name report.md \) | sort)
  echo "$scenario: $compared files compared"
done
[ "$status" = 0 ] && echo "all identical" || echo "some differ"
exit "$status"
