#!/usr/bin/env bash
# The scaling benchmark (issue 18): the engine's cost per trial-year as the events per year grow
# 1 -> 64 -> 365 and the routes 8 -> 64 (scenarios from scripts/scaling.py). Prints a Markdown
# table: instructions per trial-year counted by callgrind (deterministic, as scripts/instructions.sh)
# and the engine's own trial-years/s on 1 thread from run.json (wall clock: noisy on a shared machine).
# Usage: scripts/scaling.sh [BINARY]   (default: build and use target/release/corridor)
# Needs: valgrind, python3.
set -euo pipefail
source "$(dirname "$0")/binary.sh"  # bin, tmp; at the repository root
echo "| events/yr | routes | instructions per trial-year | ratio to 1 event, 8 routes | trial-years/s (1 thread) |"
echo "|---:|---:|---:|---:|---:|"
base=""
for routes in 8 64; do
  for events in 1 64 365; do
    # Fewer trials where a trial costs more, so each point takes seconds under callgrind.
    trials=$(( events == 1 ? 2000 : (events == 64 ? 200 : 40) ))
    sc="$tmp/e$events-r$routes.ron"
    python3 scripts/scaling.py --events "$events" --routes "$routes" >"$sc"
    valgrind --tool=callgrind --callgrind-out-file="$tmp/cg.out" "$bin" run "$sc" --trials "$trials" \
      --quiet --charts none --threads 1 --out "$tmp/cg" >/dev/null 2>"$tmp/err"
    callgrind_annotate --inclusive=yes "$tmp/cg.out" >"$tmp/annotated" 2>/dev/null
    n=$(awk '/rayon::iter::plumbing::bridge_producer_consumer::helper/ { gsub(",", "", $1); print $1; exit }' \
      "$tmp/annotated")
    "$bin" run "$sc" --trials $(( trials * 10 )) --quiet --charts none --threads 1 --out "$tmp/run" >/dev/null
    rate=$(python3 -c "import json; print(json.load(open('$tmp/run/run.json'))['trial_years_per_second'])")
    per=$(python3 -c "print($n / ($trials * 11))")
    [ -z "$base" ] && base=$per
    python3 -c "print(f'| $events | $routes | {$per:,.0f} | {$per / $base:.1f}x | {$rate:,.0f} |')"
  done
done
