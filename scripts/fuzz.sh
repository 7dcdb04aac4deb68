#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# Long-running fuzzing outside CI: runs the libFuzzer targets for as long as asked, growing a
# persistent corpus per target, and keeps every crash/disagreement reproducer.
#
#   scripts/fuzz.sh [--time SECS] [--build DIR] [--out DIR] [--merge] [TARGET...]
#
#   TARGET   steer  xdp_prog/tests/fuzz_steer: the steering program (BPF_PROG_TEST_RUN, root)
#                   against the reference classifier (differential)
#            rules  userspace/tests/fuzz_rules: the rule and option parsers (every rejection
#                   names its token, nothing crashes)
#            default: both, one after the other, --time each
#   --time   seconds per target (default 3600)
#   --build  a build directory configured with clang available (default build/rel); the targets
#            are built there by `meson compile` if missing
#   --out    working corpora and artifacts (default results/fuzz): OUT/TARGET/corpus grows run
#            after run (libFuzzer writes each input that adds coverage there), OUT/TARGET/ holds
#            crash-*, leak-*, timeout-* reproducers and fuzz.log
#   --merge  afterwards, merge into the committed corpus (xdp_prog/tests/corpus, steer only)
#            just the inputs that add coverage to it (libFuzzer -merge=1): review and commit
#            them, so the CI corpus grows with every bug found
# The committed corpus is only read (it seeds the run) unless --merge is given. Exit status: 0
# when every target ran clean, 1 when one found a problem (its reproducers are listed).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
secs=3600
build=$root/build/rel
out=$root/results/fuzz
merge=0
targets=()
while [ $# -gt 0 ]; do
	case $1 in
	--time) secs=$2; shift 2 ;;
	--build) build=$2; shift 2 ;;
	--out) out=$2; shift 2 ;;
	--merge) merge=1; shift ;;
	-h | --help) sed -n 3,25p "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
	steer | rules) targets+=("$1"); shift ;;
	*) echo "fuzz: unknown argument '$1' (targets: steer, rules)" >&2; exit 2 ;;
	esac
done
[[ "$secs" =~ ^[0-9]+$ ]] && [ "$secs" -ge 1 ] || { echo "fuzz: --time needs seconds >= 1, not '$secs'" >&2; exit 2; }
[ ${#targets[@]} -gt 0 ] || targets=(steer rules)
[ -d "$build" ] || { echo "fuzz: no build directory $build (meson setup $build)" >&2; exit 2; }

bin_of() { case $1 in steer) echo "$build/xdp_prog/tests/fuzz_steer" ;; rules) echo "$build/userspace/tests/fuzz_rules" ;; esac; }
seed_of() { case $1 in steer) echo "$root/xdp_prog/tests/corpus" ;; rules) echo "" ;; esac; }

missing=()
for t in "${targets[@]}"; do [ -x "$(bin_of "$t")" ] || missing+=("$(bin_of "$t")"); done
if [ ${#missing[@]} -gt 0 ]; then
	echo "fuzz: building ${missing[*]}"
	meson compile -C "$build" >/dev/null || { echo "fuzz: meson compile -C $build failed" >&2; exit 2; }
	for b in "${missing[@]}"; do
		[ -x "$b" ] || { echo "fuzz: $b not built: needs clang (meson option fuzz)" >&2; exit 2; }
	done
fi

status=0
jobs_pids=()
cleanup() { local p; for p in "${jobs_pids[@]}"; do kill "$p" 2>/dev/null || true; done; }
trap cleanup EXIT
trap 'exit 130' INT TERM
for t in "${targets[@]}"; do
	bin=$(bin_of "$t")
	seed=$(seed_of "$t")
	dir=$out/$t
	mkdir -p "$dir/corpus"
	if [ "$t" = steer ] && [ "$(id -u)" != 0 ]; then
		echo "fuzz: steer: skipped: needs root (BPF_PROG_TEST_RUN)"
		continue
	fi
	before=$(find "$dir/corpus" -type f | wc -l)
	echo "fuzz: $t: ${secs}s, corpus $dir/corpus ($before inputs)${seed:+, seeded from $seed}"
	set +e
	# shellcheck disable=SC2086
	"$bin" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
		-artifact_prefix="$dir/" "$dir/corpus" $seed >"$dir/fuzz.log" 2>&1 &
	jobs_pids=($!)
	wait "${jobs_pids[0]}"
	rc=$?
	jobs_pids=()
	set -e
	after=$(find "$dir/corpus" -type f | wc -l)
	execs=$(awk '/stat::number_of_executed_units/ { print $2 }' "$dir/fuzz.log")
	echo "fuzz: $t: exit $rc, ${execs:-?} executions, corpus $before -> $after inputs"
	grep -E 'DISAGREEMENT|ERROR|SUMMARY|Test unit written' "$dir/fuzz.log" | sed "s/^/fuzz: $t: /" || true
	if [ "$rc" -ne 0 ]; then
		status=1
		echo "fuzz: $t: FOUND A PROBLEM; reproducers:"
		find "$dir" -maxdepth 1 -name 'crash-*' -o -maxdepth 1 -name 'leak-*' -o -maxdepth 1 -name 'timeout-*' |
			sed "s/^/fuzz: $t:   /"
		echo "fuzz: $t: replay one with: $bin FILE"
	fi
	if [ "$merge" = 1 ] && [ -n "$seed" ]; then
		n0=$(find "$seed" -type f | wc -l)
		"$bin" -merge=1 "$seed" "$dir/corpus" >"$dir/merge.log" 2>&1 ||
			{ echo "fuzz: $t: merge failed (see $dir/merge.log)"; status=1; }
		echo "fuzz: $t: merged into $seed: $n0 -> $(find "$seed" -type f | wc -l) inputs (review and commit)"
	fi
done
exit $status
