#!/usr/bin/env bash
# Submit a corridor run to Slurm as N shards (a job array) plus a merge job that waits for them.
#
#   scripts/slurm/submit.sh --trials 1000000 --seed 7 --shards 16 --out /shared/runs/baseline-1m \
#       scenarios/baseline.ron -- --partition=compute --account=myproject
#
# Options:
#   --trials T        trials of the whole run                                         [required]
#   --seed S          random seed                                                     [required]
#   --shards N        number of shards = array tasks 0..N-1                           [required]
#   --out DIR         output root on storage every node can see                       [required]
#                     shards go to DIR/shards/<K>/, the merged results to DIR/merged/,
#                     Slurm's logs to DIR/logs/
#   --cpus C          CPUs (and corridor threads) per shard                 [default: 4]
#   --max-running M   run at most M shards at once (--array=0-(N-1)%M)      [default: no limit]
#   --bin PATH        corridor binary, visible from every node
#                     [default: $CORRIDOR_BIN, else corridor on PATH, else this checkout's
#                      target/release/corridor]
#   --parsable        print only "ARRAY_JOB_ID MERGE_JOB_ID"
#   -- ...            everything after -- goes to both sbatch calls (partition, account, qos,
#                     --time, --mem-per-cpu, ...); it overrides the #SBATCH lines in the templates
#
# The results in DIR/merged/ are byte-identical to those of
#   corridor run SCENARIO --trials T --seed S
# on one machine, whatever N, C and the nodes (see docs/scale-out.md).
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/../.." && pwd)

usage() {
    sed -n '2,/^set -euo/p' "${BASH_SOURCE[0]}" | sed '$d; s/^# \{0,1\}//'
    exit "${1:-2}"
}
die() { echo "submit.sh: $*" >&2; exit 2; }

trials='' seed='' shards='' out='' cpus=4 max_running='' bin=${CORRIDOR_BIN:-} parsable=0 scenario=''
sbatch_args=()
while (($#)); do
    case $1 in
        --trials) trials=${2:?--trials needs a value}; shift 2 ;;
        --seed) seed=${2:?--seed needs a value}; shift 2 ;;
        --shards) shards=${2:?--shards needs a value}; shift 2 ;;
        --out) out=${2:?--out needs a value}; shift 2 ;;
        --cpus) cpus=${2:?--cpus needs a value}; shift 2 ;;
        --max-running) max_running=${2:?--max-running needs a value}; shift 2 ;;
        --bin) bin=${2:?--bin needs a value}; shift 2 ;;
        --parsable) parsable=1; shift ;;
        -h | --help) usage 0 ;;
        --) shift; sbatch_args=("$@"); break ;;
        -*) die "unknown option $1 (see --help)" ;;
        *) [[ -z $scenario ]] || die "one scenario per submission (got $scenario and $1)"; scenario=$1; shift ;;
    esac
done

[[ -n $scenario ]] || die "give a scenario file (see --help)"
[[ -n $trials && -n $seed && -n $shards && -n $out ]] || die "--trials, --seed, --shards and --out are required (see --help)"
[[ $trials =~ ^[0-9]+$ && $trials -ge 1 ]] || die "--trials must be a positive integer"
[[ $seed =~ ^[0-9]+$ ]] || die "--seed must be a non-negative integer"
[[ $shards =~ ^[0-9]+$ && $shards -ge 1 && $shards -le 100000 ]] || die "--shards must be 1 to 100000"
((shards <= trials)) || die "--shards ($shards) is more than --trials ($trials)"
[[ $cpus =~ ^[0-9]+$ && $cpus -ge 1 ]] || die "--cpus must be a positive integer"
[[ -z $max_running || $max_running =~ ^[1-9][0-9]*$ ]] || die "--max-running must be a positive integer"
[[ -f $scenario ]] || die "no scenario file $scenario"

# Absolute paths: jobs start on other nodes, possibly in other directories.
scenario=$(realpath "$scenario")
mkdir -p "$out"
out=$(realpath "$out")
if [[ -z $bin ]]; then
    bin=$(command -v corridor || true)
    [[ -n $bin ]] || bin=${CARGO_TARGET_DIR:-$repo/target}/release/corridor
fi
[[ -x $bin ]] || die "no corridor binary at $bin (cargo build --release, or pass --bin)"
bin=$(realpath "$bin")
for v in "$scenario" "$out" "$bin"; do
    [[ $v != *,* ]] || die "path $v contains a comma, which sbatch --export cannot carry"
done

# A fresh root, so that merge never mixes shards of two runs.
if [[ -n $(ls -A "$out/shards" 2>/dev/null) || -e $out/merged ]]; then
    die "$out already holds shards or merged results; choose another --out or remove them"
fi
mkdir -p "$out/shards" "$out/logs"

# Refuse an invalid scenario now rather than in N queued jobs.
"$bin" check "$scenario" >&2 || die "$scenario is not a valid scenario (corridor check above)"

array=0-$((shards - 1))
[[ -n $max_running ]] && array+="%$max_running"

array_id=$(sbatch --parsable \
    --array="$array" \
    --cpus-per-task="$cpus" \
    --job-name="corridor-shard" \
    --output="$out/logs/shard-%a.out" \
    --export="ALL,CORRIDOR_BIN=$bin,CORRIDOR_SCENARIO=$scenario,CORRIDOR_TRIALS=$trials,CORRIDOR_SEED=$seed,CORRIDOR_OUT=$out,CORRIDOR_SHARDS=$shards" \
    "${sbatch_args[@]}" \
    "$here/corridor-shard.sbatch")
array_id=${array_id%%;*} # "id;cluster" on multi-cluster sites

if ! merge_id=$(sbatch --parsable \
    --dependency="afterok:$array_id" \
    --job-name="corridor-merge" \
    --output="$out/logs/merge.out" \
    --export="ALL,CORRIDOR_BIN=$bin,CORRIDOR_OUT=$out" \
    "${sbatch_args[@]}" \
    "$here/corridor-merge.sbatch"); then
    scancel "$array_id" || true
    die "could not submit the merge job; cancelled array job $array_id"
fi
merge_id=${merge_id%%;*}

# A record of what was submitted, next to the results.
cat >"$out/submitted.txt" <<EOF
scenario=$scenario
trials=$trials
seed=$seed
shards=$shards
cpus_per_shard=$cpus
bin=$bin
array_job=$array_id
merge_job=$merge_id
submitted=$(date -u +%Y-%m-%dT%H:%M:%SZ)
check: $bin run $scenario --trials $trials --seed $seed --out DIR, then cmp DIR/summary.json $out/merged/summary.json
EOF

if ((parsable)); then
    echo "$array_id $merge_id"
else
    echo "submitted array job $array_id ($shards shards, tasks $array) and merge job $merge_id (afterok:$array_id)"
    echo "follow:   squeue -j $array_id,$merge_id"
    echo "logs:     $out/logs/"
    echo "results:  $out/merged/ when job $merge_id has finished"
fi
