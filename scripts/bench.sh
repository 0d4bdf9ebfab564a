#!/usr/bin/env bash
# Measures corridor on this machine and prints a Markdown section for BENCHMARKS.md:
# throughput of the baseline at 1 and 2 threads (hyperfine), of the slowest scenario the
# documented limits allow (benches/worst-case.ron), peak memory at 10,000 and 1,000,000 trials
# (/usr/bin/time -v), and chart drawing time.
# Usage: scripts/bench.sh [TRIALS] [WORST_TRIALS]   (default 200000 trials for the baseline's
# throughput runs, 16 for the worst case's)
# Needs: hyperfine and GNU time (Debian: apt-get install hyperfine time).
set -euo pipefail
cd "$(dirname "$0")/.."
trials=${1:-200000}
worst_trials=${2:-16}
years=11
cargo build --release --quiet
bin=target/release/corridor
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

echo "## Run of $(date -u +%Y-%m-%d) on $(nproc) cores: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(free -g | awk '/Mem:/{print $2}') GiB"
echo
echo "Load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
echo
echo "### Throughput (baseline, $trials trials × $years years, charts off)"
echo
echo "| threads | mean time (s) | trial-years/s |"
echo "|---|---|---|"
for t in 1 2; do
  hyperfine --warmup 1 --runs 5 --export-json "$out/h$t.json" --style none \
    "$bin run --trials $trials --threads $t --quiet --charts none --out $out/r$t" >/dev/null
  mean=$(python3 -c "import json;print(json.load(open('$out/h$t.json'))['results'][0]['mean'])")
  python3 -c "print(f'| $t | {$mean:.3f} | {($trials*$years)/$mean/1e6:.2f} M |')"
done
echo
echo "Command: \`hyperfine --warmup 1 --runs 5 '$bin run --trials $trials --threads T --quiet --charts none --out DIR'\`"
echo
echo "### Throughput at the limits (benches/worst-case.ron, $worst_trials trials × 200 years)"
echo
echo "The engine's own trials/s from run.json (writing 36,381 statistics takes a second more),"
echo "median of 3 runs."
echo
echo "| threads | trials/s | 100,000 trials would take |"
echo "|---|---|---|"
for t in 1 2; do
  for r in 1 2 3; do
    "$bin" run benches/worst-case.ron --trials "$worst_trials" --threads $t --quiet --charts none \
      --out "$out/w$t-$r" >/dev/null
  done
  python3 - "$out" "$t" <<'PY'
import json, statistics, sys
out, t = sys.argv[1], sys.argv[2]
rate = statistics.median(json.load(open(f"{out}/w{t}-{r}/run.json"))["trials_per_second"] for r in (1, 2, 3))
print(f"| {t} | {rate:.2f} | {100000 / rate / 3600:.1f} h |")
PY
done
echo
echo "Command: \`$bin run benches/worst-case.ron --trials $worst_trials --threads T --quiet --charts none --out DIR\`"
echo
echo "### Peak memory (baseline, 2 threads, charts on)"
echo
echo "| trials | peak RSS (MiB) | wall (s) |"
echo "|---|---|---|"
for n in 10000 1000000; do
  /usr/bin/time -v "$bin" run --trials $n --quiet --out "$out/m$n" 2>"$out/time$n" >/dev/null
  rss=$(awk -F: '/Maximum resident/{print $2}' "$out/time$n" | xargs)
  wall=$(awk -F': ' '/Elapsed \(wall/{print $2}' "$out/time$n")
  python3 -c "print(f'| {$n:,} | {$rss/1024:.1f} | $wall |')"
done
echo
echo "Command: \`/usr/bin/time -v $bin run --trials N --quiet --out DIR\`"
echo
echo "### Chart drawing (baseline, 10,000 trials)"
echo
hyperfine --warmup 1 --runs 5 --export-json "$out/c.json" --style none \
  "$bin run --trials 10000 --quiet --charts none --out $out/c0" \
  "$bin run --trials 10000 --quiet --charts svg,png --out $out/c1" >/dev/null
python3 - "$out/c.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))["results"]
none, full = r[0]["mean"], r[1]["mean"]
print(f"Run without charts {none:.3f} s, with SVG+PNG charts and report {full:.3f} s: drawing takes {full-none:.3f} s.")
PY
