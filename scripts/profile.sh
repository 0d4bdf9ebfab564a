#!/usr/bin/env bash
# Where the engine's time goes, function by function, next to where its instructions go.
#
# Why: callgrind's instruction counts are exact and repeatable here, so changes are judged by
# them (scripts/instructions.sh); but a function that waits on mispredicted branches, cache
# misses or long dependency chains costs more time than its instructions say, and whole-run
# timings on this VM move by ±15% from one run to the next (an A/A test of one binary against
# itself, 20 alternating rounds: 1.13× between the two sides' fastest runs), far more than most
# changes. Sampling shares do not drift that way: perf samples the CPU clock (a software event,
# so it works in a VM without hardware counters) and every sample lands in some function of the
# same run. A function whose time share is well above its instruction share is where the clock
# says to look.
#
# Both columns count what grows with the trials (the trials and their statistics): callgrind
# counts two runs, TRIALS/10 and TRIALS/100, and each function's instructions are the
# difference (as instructions.sh takes the whole program's), so start-up and the result files
# drop out; perf's samples, of one run of TRIALS, are kept for the functions that difference
# names. Self cost per function; inlined code counts in the function it is inlined into, and a
# generic function's copies are summed under one name.
#
# Usage: scripts/profile.sh [BINARY] [TRIALS] [SCENARIO]   (default: build and profile
# target/release/corridor; 30,000 trials sampled, a tenth of them counted; the built-in baseline)
# Needs: perf (Debian: linux-perf) and valgrind.
set -euo pipefail
source "$(dirname "$0")/binary.sh"  # bin, scenario, tmp; at the repository root
trials=${2:-30000}
args=(run ${scenario:+"$scenario"} --quiet --charts none --threads 1)
perf record -q -e cpu-clock -F 4999 -o "$tmp/perf.data" "$bin" "${args[@]}" --trials "$trials" \
  --out "$tmp/out.perf" >/dev/null 2>"$tmp/err"
perf report -i "$tmp/perf.data" --no-children --sort symbol --stdio -g none 2>/dev/null \
  >"$tmp/time.txt"
for n in $((trials / 10)) $((trials / 100)); do
  valgrind --tool=callgrind --callgrind-out-file="$tmp/cg.$n" "$bin" "${args[@]}" --trials "$n" \
    --out "$tmp/out.$n" >/dev/null 2>>"$tmp/err"
  callgrind_annotate --threshold=100 "$tmp/cg.$n" 2>/dev/null >"$tmp/instr.$n"
done
python3 - "$tmp/time.txt" "$tmp/instr.$((trials / 10))" "$tmp/instr.$((trials / 100))" <<'PY'
import re, sys
from collections import defaultdict

def strip(name):  # one name for a function's generic copies and inlined-from files
    name = re.sub(r"::<.*>$|::\{closure#\d+\}.*$| \[.*\]$", "", name.strip())
    # glibc picks its copy and fill routines by CPU, and valgrind's CPU is not the real one.
    name = re.sub(r"^__(memmove|memcpy)_.*$", "memcpy (glibc)", name)
    return re.sub(r"^__memset_.*$", "memset (glibc)", name)

def counts(path):
    out = defaultdict(int)
    for line in open(path):
        m = re.match(r"\s*([\d,]+) \([ \d.]+%\)\s+\S*?:(\S.*)$", line)
        if m and "PROGRAM TOTALS" not in line:
            out[strip(m.group(2))] += int(m.group(1).replace(",", ""))
    return out

many, few = counts(sys.argv[2]), counts(sys.argv[3])
grown = {f: many[f] - few.get(f, 0) for f in many}
everything = sum(v for v in grown.values() if v > 0)
# What grows with the trials; a function at a few instructions a trial is left out.
instr = {f: v for f, v in grown.items() if v > 0.0005 * everything}
time = defaultdict(float)
for line in open(sys.argv[1]):
    m = re.match(r"\s*([\d.]+)%\s+\[\.\]\s+(.*?)\s*(-\s+-\s*)?$", line)
    if m:
        time[strip(m.group(2))] += float(m.group(1))
t_total = sum(v for f, v in time.items() if f in instr)
i_total = sum(instr.values())
rows = sorted(instr, key=lambda f: -time.get(f, 0.0))
print(f"{'time %':>7} {'instr %':>8} {'ratio':>6}  function (self; the trials only)")
shown_t = shown_i = 0.0
for f in rows[:30]:
    t = 100 * time.get(f, 0.0) / t_total
    i = 100 * instr[f] / i_total
    shown_t += t
    shown_i += i
    ratio = f"{t / i:6.2f}" if i > 0.05 else "     -"
    print(f"{t:7.2f} {i:8.2f} {ratio}  {f}")
print(f"{100 - shown_t:7.2f} {100 - shown_i:8.2f}         (the rest)")
PY
