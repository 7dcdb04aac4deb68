#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# Pool benchmark: xl_pool vs DPDK rte_mempool vs malloc/free (bench/pool_bench), first with 2 MiB
# hugepages (the anchor), then with 4 KiB pages (--no-huge).
#   scripts/pool-bench.sh [pool_bench options...]     extra options go to both runs
# Defaults here: --clock cpu --reps 7 --duration-ms 35 (any of them can be overridden). Per-thread
# CPU time is used because this runs on shared, oversubscribed machines (a CI VM): elapsed time
# there swings 10x with preemption while CPU time stays put; on an idle machine with pinned
# threads the two agree. The JSON holds both.
# Builds build/run if needed. Reserves 2 MiB hugepages through /proc/sys/vm/nr_hugepages for the
# run and restores the previous value on exit, failure and interrupt included. Writes
# results/pool_bench.json and results/pool_bench_nohuge.json. About a minute on 2 cores.
# Environment: XL_BUILD_DIR (default build/run), XL_RESULTS_DIR (default results),
# XL_BENCH_HUGEPAGES (pages to have free; default: both pools, as sized by --objs and --obj-size,
# plus 32 for the EAL's heap and slack).
set -euo pipefail
cd "$(dirname "$0")/.."

build=${XL_BUILD_DIR:-build/run}
results=${XL_RESULTS_DIR:-results}
# Size the reservation from the options the pools are built with.
objs=16384 obj_size=2048 prev=
for a in "$@"; do
	case "$prev" in
	--objs) objs=$a ;;
	--obj-size) obj_size=$a ;;
	esac
	case "$a" in
	--objs=*) objs=${a#--objs=} ;;
	--obj-size=*) obj_size=${a#--obj-size=} ;;
	esac
	prev=$a
done
[[ "$objs" =~ ^[0-9]+$ && "$obj_size" =~ ^[0-9]+$ ]] || { echo "pool-bench: bad --objs/--obj-size" >&2; exit 1; }
# two pools of objs slots, each slot at most obj_size + 128 bytes (header, colour, alignment)
need=${XL_BENCH_HUGEPAGES:-$(((2 * objs * (obj_size + 128) + (2 << 20) - 1) / (2 << 20) + 32))}
nr=/proc/sys/vm/nr_hugepages
bin=$build/bench/pool_bench/pool_bench
defaults=(--clock cpu --reps 7 --duration-ms 35)

log() { printf 'pool-bench: %s\n' "$*" >&2; }

# Build only the benchmark: never wait for (or fail on) unrelated targets.
[ -d "$build" ] || meson setup "$build" --buildtype=release >/dev/null
meson compile -C "$build" bench/pool_bench/pool_bench >/dev/null ||
	meson compile -C "$build" bench/pool_bench/pool_bench
mkdir -p "$results"

hp_free() { awk '/^HugePages_Free:/ { print $2 }' /proc/meminfo; }

# pool_bench runs in the background so that a signal reaches this script at once (wait returns),
# and the trap can stop it by PID and remove the EAL's runtime directory it would have removed.
child=
run_bench() {
	local rc=0
	"$bin" "$@" &
	child=$!
	wait "$child" || rc=$?
	child=
	return "$rc"
}
stop_child() {
	if [ -n "$child" ]; then
		kill "$child" 2>/dev/null || true
		wait "$child" 2>/dev/null || true
		rmdir "/var/run/dpdk/xlpb$child" 2>/dev/null || true
		child=
	fi
}

old=$(cat "$nr")
changed=0
restore() {
	if [ "$changed" = 1 ]; then
		echo "$old" >"$nr" 2>/dev/null || log "could not restore $nr to $old"
		log "nr_hugepages restored to $old (now $(cat "$nr"))"
		changed=0
	fi
}
trap 'stop_child; restore' EXIT
trap 'stop_child; restore; exit 130' INT
trap 'stop_child; restore; exit 143' TERM

huge_ok=1
free=$(hp_free)
if [ "$free" -lt "$need" ]; then
	if [ -w "$nr" ]; then
		changed=1
		echo $((old + need - free)) >"$nr" || true
		free=$(hp_free)
		log "nr_hugepages $old -> $(cat "$nr") for the run ($free free)"
	fi
	if [ "$free" -lt "$need" ]; then
		log "only $free free 2 MiB hugepages (want $need; root can reserve them): hugepage run skipped"
		huge_ok=0
	fi
fi

status=0
if [ "$huge_ok" = 1 ]; then
	echo "=== pool_bench, 2 MiB hugepages: $bin ${defaults[*]} --json $results/pool_bench.json $*"
	run_bench "${defaults[@]}" --json "$results/pool_bench.json" "$@" || status=$?
	echo
fi
restore

echo "=== pool_bench, 4 KiB pages: $bin ${defaults[*]} --no-huge --json $results/pool_bench_nohuge.json $*"
run_bench "${defaults[@]}" --no-huge --json "$results/pool_bench_nohuge.json" "$@" || status=$?

if [ "$huge_ok" = 0 ] && [ "$status" = 0 ]; then
	status=1
fi
exit "$status"
