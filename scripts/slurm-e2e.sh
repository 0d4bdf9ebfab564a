#!/usr/bin/env bash
# End-to-end test of scripts/slurm/: a throwaway single-node Slurm cluster on loopback runs a
# corridor run as an N-shard job array plus the merge job, and the merged summary.json must be
# byte-identical to that of one plain `corridor run` of all trials.
#
#   sudo scripts/slurm-e2e.sh
#
# What it does:
#   1. installs Debian's munge, slurmctld, slurmd and slurm-client (--no-install-recommends)
#      if they are missing; needs root, and apt only then;
#   2. uses the release binary (${CARGO_TARGET_DIR:-target}/release/corridor), building it with
#      `cargo build --release` if it is missing or predates `--shard`/`merge`; a copy is run, so
#      a rebuild during the test cannot mix two binaries;
#   3. starts munged, slurmctld and slurmd in the foreground of background processes, with all
#      config, keys, sockets, state, logs and outputs in one temporary folder, on free ports
#      bound to 127.0.0.1 only; the node's CPUs and memory are what `slurmd -C` reports;
#   4. submits scripts/slurm/submit.sh (array 0..N-1 of corridor-shard.sbatch, then
#      corridor-merge.sbatch with --dependency=afterok) and waits for both, with timeouts;
#   5. checks every shard's partial.sha256, compares merged summary.json, percentiles.csv and
#      scenario.ron with a single run by cmp, and checks that merge refuses a missing,
#      duplicated or damaged shard and one of another seed, trial count, N or scenario text
#      (exit 1, nothing written);
#   6. on exit, whatever happened: cancels its jobs, stops the daemons it started by PID
#      (TERM, then KILL after 15 s), prints the daemon and job logs if anything failed, and
#      removes the temporary folder.
# It touches no system Slurm or munge configuration and no system daemon.
#
# Settings (environment):
#   E2E_SCENARIO  scenario file                      [scenarios/baseline.ron]
#   E2E_TRIALS    trials of the whole run            [20000]
#   E2E_SEED      seed                               [7]
#   E2E_SHARDS    N, shards in the array             [4]
#   E2E_TIMEOUT   seconds to wait for the jobs       [900]
#   E2E_KEEP=1    keep the temporary folder (printed) after the test
#   CORRIDOR_BIN  use this corridor binary instead of building one
#
# Exit status 0 when every check passed, 1 otherwise.
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
scenario=${E2E_SCENARIO:-$repo/scenarios/baseline.ron}
trials=${E2E_TRIALS:-20000}
seed=${E2E_SEED:-7}
shards=${E2E_SHARDS:-4}
job_timeout=${E2E_TIMEOUT:-900}
start_timeout=60 # seconds for each daemon to come up
keep=${E2E_KEEP:-0}

log() { printf '[e2e %s] %s\n' "$(date +%H:%M:%S)" "$*"; }
die() { printf '[e2e %s] FAIL: %s\n' "$(date +%H:%M:%S)" "$*" >&2; exit 1; }

work='' munged_pid='' slurmctld_pid='' slurmd_pid='' jobs=() failed_logs=1

# ---------------------------------------------------------------------------------------------
# Cleanup: runs on every exit (success, failure, Ctrl-C).

alive() { # PID is running (a zombie of ours counts as gone, and is reaped)
    local pid=$1 state
    [[ -n $pid ]] && kill -0 "$pid" 2>/dev/null || return 1
    state=$(sed 's/.*) //' "/proc/$pid/stat" 2>/dev/null | cut -d' ' -f1) || true
    if [[ $state == Z || -z $state ]]; then
        wait "$pid" 2>/dev/null || true
        return 1
    fi
}

stop_pid() { # stop_pid NAME PID: TERM, wait up to 15 s, then KILL
    local name=$1 pid=$2 i
    alive "$pid" || return 0
    log "stopping $name (pid $pid)"
    kill -TERM "$pid" 2>/dev/null || true
    for ((i = 0; i < 150; i++)); do
        alive "$pid" || return 0
        sleep 0.1
    done
    log "$name (pid $pid) ignored SIGTERM for 15 s; sending SIGKILL"
    kill -KILL "$pid" 2>/dev/null || true
    sleep 0.2
    alive "$pid" || true
}

# Processes other than this script that hold a file or directory in the work folder: job steps
# (slurmstepd) and job processes left over if slurmd went away before they ended.
leftover_pids() {
    local d pid
    [[ -n $work && -d $work ]] || return 0
    for d in /proc/[0-9]*; do
        pid=${d#/proc/}
        [[ $pid == "$$" || $pid == "$BASHPID" ]] && continue
        if [[ $(readlink "$d/cwd" 2>/dev/null) == "$work"/* ]] ||
            find "$d/fd" -mindepth 1 -maxdepth 1 -lname "$work/*" -print -quit 2>/dev/null | grep -q .; then
            echo "$pid"
        fi
    done
}

print_logs() {
    local f
    [[ -n $work && -d $work ]] || return 0
    echo "=================== logs (from $work) ===================" >&2
    for f in "$work"/slurm/slurmctld.log "$work"/slurm/slurmd.log "$work"/slurm/*.out \
        "$work"/munge/munged.log "$work"/munge/munged.out "$work"/out/logs/*.out; do
        [[ -s $f ]] || continue
        echo "------------------- $f (last 60 lines) -------------------" >&2
        tail -n 60 "$f" >&2
    done
    echo "==========================================================" >&2
}

cleanup() {
    local status=$? i pid
    trap - EXIT INT TERM
    set +e
    if ((${#jobs[@]})) && alive "$slurmctld_pid"; then
        scancel "${jobs[@]}" 2>/dev/null
        # Let the job steps end while slurmd is still there: each slurmstepd has a socket in the
        # spool folder until it is gone.
        for ((i = 0; i < 100; i++)); do
            [[ -z $(find "$work/slurm/spool" -type s 2>/dev/null) ]] && break
            sleep 0.2
        done
    fi
    stop_pid slurmd "$slurmd_pid"
    stop_pid slurmctld "$slurmctld_pid"
    stop_pid munged "$munged_pid"
    for pid in $(leftover_pids); do
        stop_pid "leftover $(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | cut -c1-60)" "$pid"
    done
    # After the daemons, whose log files are only complete once they have stopped.
    if ((status != 0 && failed_logs)); then print_logs; fi
    if [[ -n $work && -d $work ]]; then
        if [[ $keep == 1 ]]; then
            log "kept $work"
        else
            rm -rf -- "$work"
        fi
    fi
    if ((status == 0)); then
        log "PASS in ${SECONDS}s"
    else
        log "FAILED (exit $status) after ${SECONDS}s"
    fi
    exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# wait_for SECONDS WHAT COMMAND...: polls COMMAND every half second until it succeeds.
wait_for() {
    local limit=$1 what=$2 start=$SECONDS
    shift 2
    until "$@"; do
        ((SECONDS - start < limit)) || die "timed out after ${limit}s waiting for $what"
        sleep 0.5
    done
}

# ---------------------------------------------------------------------------------------------
# 1. Packages.

((EUID == 0)) || die "run as root: it installs packages and starts munged, slurmctld and slurmd"
[[ -f $scenario ]] || die "no scenario $scenario"
[[ $trials =~ ^[0-9]+$ && $seed =~ ^[0-9]+$ && $shards =~ ^[0-9]+$ ]] || die "E2E_TRIALS, E2E_SEED and E2E_SHARDS must be integers"
((shards >= 2 && shards <= trials)) || die "E2E_SHARDS must be from 2 to E2E_TRIALS"

missing=()
for pair in munge:munged munge:mungekey slurmctld:slurmctld slurmd:slurmd slurm-client:sbatch; do
    command -v "${pair#*:}" >/dev/null 2>&1 || command -v "/usr/sbin/${pair#*:}" >/dev/null 2>&1 || missing+=("${pair%%:*}")
done
if ((${#missing[@]})); then
    mapfile -t missing < <(printf '%s\n' "${missing[@]}" | sort -u)
    log "installing ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
export PATH=$PATH:/usr/sbin:/sbin
log "$(slurmctld -V), munge $(munged -V 2>&1 | awk '{print $2}')"

# ---------------------------------------------------------------------------------------------
# 2. The corridor binary.

supports_shards() { "$1" run --help 2>/dev/null | grep -q -- '--shard' && "$1" merge --help >/dev/null 2>&1; }

bin=${CORRIDOR_BIN:-${CARGO_TARGET_DIR:-$repo/target}/release/corridor}
if [[ -z ${CORRIDOR_BIN:-} ]] && ! { [[ -x $bin ]] && supports_shards "$bin"; }; then
    log "building $bin (cargo build --release)"
    (cd "$repo" && cargo build --release)
fi
[[ -x $bin ]] || die "no corridor binary at $bin"
supports_shards "$bin" || die "$bin has no 'run --shard' or no 'merge'; rebuild it (cargo build --release)"

# ---------------------------------------------------------------------------------------------
# 3. The cluster.

work=$(mktemp -d "${TMPDIR:-/tmp}/corridor-slurm-e2e.XXXXXX")
chmod 755 "$work"
mkdir -p "$work"/{bin,munge,munge-socket,slurm/state,slurm/spool,out}
chmod 700 "$work/munge"
chmod 755 "$work/munge-socket"
cp "$bin" "$work/bin/corridor"
bin=$work/bin/corridor
log "work folder $work"

# Ports nothing listens on; slurmctld and slurmd get their own, so a real Slurm is unaffected.
free_port() {
    local p
    for _ in $(seq 200); do
        p=$((20000 + RANDOM % 40000))
        [[ $p == "${1:-}" ]] && continue
        if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then
            echo "$p"
            return 0
        fi
    done
    echo "no free port found" >&2
    return 1
}
ctld_port=$(free_port) || die "no free port for slurmctld"
slurmd_port=$(free_port "$ctld_port") || die "no free port for slurmd"

# munge: own key, socket, pid, seed and log; checked with a credential round trip.
socket=$work/munge-socket/munge.socket
mungekey --create --keyfile="$work/munge/munge.key" --bits=1024 2>/dev/null ||
    { dd if=/dev/urandom of="$work/munge/munge.key" bs=1024 count=1 status=none; }
chmod 600 "$work/munge/munge.key"
setsid munged --foreground --force \
    --key-file="$work/munge/munge.key" --socket="$socket" \
    --pid-file="$work/munge/munged.pid" --seed-file="$work/munge/munged.seed" \
    --log-file="$work/munge/munged.log" >"$work/munge/munged.out" 2>&1 &
munged_pid=$!
munge_ok() {
    alive "$munged_pid" || die "munged exited"
    munge -n -S "$socket" 2>/dev/null | unmunge -S "$socket" >/dev/null 2>&1
}
wait_for "$start_timeout" "munged to answer on $socket" munge_ok
log "munged up (pid $munged_pid)"

# The node as slurmd sees it: CPUs, sockets, cores, threads, RealMemory.
node_hw=$(slurmd -C | head -n 1 | tr ' ' '\n' | grep -E '^(CPUs|Boards|SocketsPerBoard|CoresPerSocket|ThreadsPerCore|RealMemory)=' | tr '\n' ' ')
[[ $node_hw == *CPUs=* && $node_hw == *RealMemory=* ]] || die "cannot read the node's hardware from 'slurmd -C'"
node=e2e
cat >"$work/slurm/slurm.conf" <<EOF
# Throwaway single-node cluster for scripts/slurm-e2e.sh.
ClusterName=corridor-e2e
SlurmctldHost=localhost
SlurmctldPort=$ctld_port
SlurmdPort=$slurmd_port
CommunicationParameters=NoCtldInAddrAny,NoInAddrAny
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$socket
StateSaveLocation=$work/slurm/state
SlurmdSpoolDir=$work/slurm/spool
SlurmctldPidFile=$work/slurm/slurmctld.pid
SlurmdPidFile=$work/slurm/slurmd.pid
SlurmctldLogFile=$work/slurm/slurmctld.log
SlurmdLogFile=$work/slurm/slurmd.log
SlurmctldDebug=info
SlurmdDebug=info
PlugStackConfig=$work/slurm/plugstack.conf
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
SwitchType=switch/none
MpiDefault=none
MailProg=/bin/true
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
SchedulerType=sched/backfill
SchedulerParameters=batch_sched_delay=0,kill_invalid_depend
ReturnToService=2
MinJobAge=600
NodeName=$node NodeAddr=127.0.0.1 NodeHostname=localhost ${node_hw}State=UNKNOWN
PartitionName=e2e Nodes=$node Default=YES MaxTime=INFINITE State=UP
EOF
: >"$work/slurm/plugstack.conf"
export SLURM_CONF=$work/slurm/slurm.conf
log "slurm.conf: node $node ${node_hw}ports $ctld_port/$slurmd_port"

# Both daemons stay in the foreground (-D) so that $! is their PID (setsid execs in place; it
# gives them their own session, so a Ctrl-C or a TERM to this script's process group reaches only
# this script, whose trap then stops them in order). They exit 0 even on fatal errors, so
# readiness is judged by polling, never by their exit status. The "mpi/pmix ... can not load
# PMIx library" errors in their logs are harmless (MpiDefault=none).
setsid slurmctld -D -c -f "$SLURM_CONF" >"$work/slurm/slurmctld.out" 2>&1 &
slurmctld_pid=$!
ctld_ok() {
    alive "$slurmctld_pid" || die "slurmctld exited"
    scontrol ping 2>/dev/null | grep -q 'is UP'
}
wait_for "$start_timeout" "slurmctld to answer scontrol ping" ctld_ok
log "slurmctld up (pid $slurmctld_pid)"

setsid slurmd -D -N "$node" -f "$SLURM_CONF" >"$work/slurm/slurmd.out" 2>&1 &
slurmd_pid=$!
node_idle() {
    alive "$slurmd_pid" || die "slurmd exited"
    alive "$slurmctld_pid" || die "slurmctld exited"
    local state
    state=$(sinfo -h -N -n "$node" -o '%T' 2>/dev/null) || true
    [[ $state == inval || $state == drain* ]] &&
        die "node $node is $state: $(sinfo -h -N -n "$node" -o '%E' 2>/dev/null)"
    [[ $state == idle ]]
}
wait_for "$start_timeout" "node $node to be idle in sinfo" node_idle
log "slurmd up (pid $slurmd_pid); node $node idle"
sinfo -N -o '%N %P %T %c %m'

# Only loopback: every socket our daemons listen on.
listening=$(ss -Hltnp 2>/dev/null | grep -E "pid=($munged_pid|$slurmctld_pid|$slurmd_pid)," || true)
if [[ -n $listening ]]; then
    echo "$listening" | awk '{print "  listening: " $4}'
    if echo "$listening" | awk '{print $4}' | grep -vqE '^127\.0\.0\.1:'; then
        die "a daemon listens beyond loopback"
    fi
fi

# ---------------------------------------------------------------------------------------------
# 4. The run: N shards as an array, then the merge job.

out=$work/out
read -r array_id merge_id < <("$repo/scripts/slurm/submit.sh" --parsable \
    --trials "$trials" --seed "$seed" --shards "$shards" --out "$out" --cpus 1 --bin "$bin" \
    "$scenario" -- --time=00:30:00)
[[ $array_id =~ ^[0-9]+$ && $merge_id =~ ^[0-9]+$ ]] || die "submit.sh did not print two job ids"
jobs=("$array_id" "$merge_id")
log "submitted array job $array_id (tasks 0-$((shards - 1))) and merge job $merge_id (afterok:$array_id)"
squeue -o '%i %j %T %r' -j "$array_id,$merge_id" || true

job_states() { scontrol -o show job "$1" 2>/dev/null | grep -o 'JobState=[A-Z_]*' | cut -d= -f2 | sort | uniq -c | awk '{printf "%s%s=%s", sep, $2, $1; sep=","}'; }
start=$SECONDS last=''
while :; do
    alive "$slurmctld_pid" || die "slurmctld exited during the run"
    alive "$slurmd_pid" || die "slurmd exited during the run"
    a=$(job_states "$array_id")
    m=$(job_states "$merge_id")
    reason=$(scontrol -o show job "$merge_id" 2>/dev/null | grep -o 'Reason=[^ ]*' | cut -d= -f2)
    now="shards: ${a:-?}; merge: ${m:-?}${reason:+ ($reason)}"
    [[ $now != "$last" ]] && log "$now"
    last=$now
    [[ $a =~ (FAILED|CANCELLED|TIMEOUT|NODE_FAIL|OUT_OF_MEMORY|BOOT_FAIL|DEADLINE) ]] && die "a shard did not succeed: $a"
    [[ $m =~ (FAILED|CANCELLED|TIMEOUT|NODE_FAIL|OUT_OF_MEMORY|BOOT_FAIL|DEADLINE) || $reason == DependencyNeverSatisfied ]] &&
        die "the merge job did not succeed: $m ${reason:-}"
    [[ $m == COMPLETED=1 ]] && break
    ((SECONDS - start < job_timeout)) || die "timed out after ${job_timeout}s waiting for jobs $array_id and $merge_id"
    sleep 1
done
[[ $a == "COMPLETED=$shards" ]] || die "expected $shards completed shards, got $a"
log "all $shards shards and the merge completed in $((SECONDS - start))s"

# ---------------------------------------------------------------------------------------------
# 5. Checks.

mapfile -t shard_dirs < <(find "$out/shards" -mindepth 1 -maxdepth 1 -type d | sort)
((${#shard_dirs[@]} == shards)) || die "expected $shards shard folders, found ${#shard_dirs[@]}"
for d in "${shard_dirs[@]}"; do
    for f in partial.json partial.sha256 run.json; do
        [[ -s $d/$f ]] || die "$d has no $f"
    done
    (cd "$d" && sha256sum --check --quiet partial.sha256) || die "$d/partial.json does not match partial.sha256"
done
log "every shard has partial.json, run.json and a matching partial.sha256"

for f in summary.json percentiles.csv scenario.ron run.json; do
    [[ -s $out/merged/$f ]] || die "merged results lack $f"
done

log "single run of all $trials trials for comparison"
"$bin" run "$scenario" --trials "$trials" --seed "$seed" --out "$work/single" --quiet
for f in summary.json percentiles.csv scenario.ron; do
    if cmp "$work/single/$f" "$out/merged/$f"; then
        log "identical: $f ($(sha256sum <"$work/single/$f" | cut -c1-16)…)"
    else
        die "merged $f differs from the single run's"
    fi
done

# Merge must refuse sets that are not one whole run: exit 1, and no output folder.
refuse() { # refuse WHAT SHARD_DIR...
    local what=$1 dest=$work/refused-$RANDOM rc=0
    shift
    "$bin" merge "$@" --out "$dest" >"$work/refuse.out" 2>&1 || rc=$?
    ((rc == 1)) || { cat "$work/refuse.out" >&2; die "merge of $what exited $rc, not 1"; }
    [[ ! -e $dest/summary.json ]] || die "merge of $what wrote $dest/summary.json"
    log "refused $what: $(tail -n 1 "$work/refuse.out")"
}
refuse "a missing shard" "${shard_dirs[@]:1}"
refuse "a duplicated shard" "${shard_dirs[@]}" "${shard_dirs[0]}"
cp -r "${shard_dirs[0]}" "$work/renamed-copy"
refuse "the same shard in two folders" "${shard_dirs[@]}" "$work/renamed-copy"
cp -r "${shard_dirs[0]}" "$work/damaged"
sed -i '0,/"seed":[0-9]*/s//"seed":999/' "$work/damaged/partial.json"
refuse "a damaged shard" "$work/damaged" "${shard_dirs[@]:1}"
"$bin" run "$scenario" --trials "$trials" --seed "$((seed + 1))" --shard "0/$shards" --out "$work/foreign" --quiet
refuse "a shard of another seed" "$work/foreign" "${shard_dirs[@]:1}"
"$bin" run "$scenario" --trials "$((trials + 1))" --seed "$seed" --shard "0/$shards" --out "$work/other-trials" --quiet
refuse "a shard of another trial count" "$work/other-trials" "${shard_dirs[@]:1}"
"$bin" run "$scenario" --trials "$trials" --seed "$seed" --shard "0/$((shards + 1))" --out "$work/other-n" --quiet
refuse "a shard of another shard count" "$work/other-n" "${shard_dirs[@]:1}"
{ cat "$scenario"; printf '\n// edited\n'; } >"$work/edited.ron"
"$bin" run "$work/edited.ron" --trials "$trials" --seed "$seed" --shard "0/$shards" --out "$work/other-scenario" --quiet
refuse "a shard of another scenario text" "$work/other-scenario" "${shard_dirs[@]:1}"

failed_logs=0
echo
echo "merged run.json:"
cat "$out/merged/run.json"
echo
log "OK: $shards Slurm array shards + afterok merge == one run ($trials trials, seed $seed)"
