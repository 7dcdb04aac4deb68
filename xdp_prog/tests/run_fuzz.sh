#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# Bounded libFuzzer run of fuzz_steer (meson suite 'fuzz').
# Usage: run_fuzz.sh FUZZER CORPUS_DIR SECONDS
# New inputs go to a temporary directory (never into the committed corpus); a disagreement makes
# the fuzzer abort and leaves its reproducer in $XL_FUZZ_ARTIFACTS (default: the build dir).
# Exit 77 (meson: skipped) with a reason when the run cannot happen here.
set -eu
fuzzer=$1
corpus=$2
secs=$3

if [ "${XL_UNDER_VALGRIND:-0}" != "0" ]; then
	# libFuzzer's instrumented binary does not run under Valgrind; the same comparison runs
	# under Valgrind over the committed corpus in the 'bpf' suite (steer_fuzz_replay).
	echo "SKIP: libFuzzer does not run under Valgrind (steer_fuzz_replay covers the corpus)"
	exit 77
fi
if [ "$(id -u)" != "0" ]; then
	echo "SKIP: the fuzz target needs root for BPF_PROG_TEST_RUN"
	exit 77
fi
work=$(mktemp -d "${TMPDIR:-/tmp}/xl_fuzz.XXXXXX")
trap 'rm -rf "$work"' EXIT INT TERM
artifacts=${XL_FUZZ_ARTIFACTS:-$(dirname "$fuzzer")}
set +e
"$fuzzer" -max_total_time="$secs" -timeout=10 -rss_limit_mb=1024 -print_final_stats=1 \
	-artifact_prefix="$artifacts/fuzz_steer-" "$work" "$corpus" 2>"$work.log"
rc=$?
set -e
grep -E 'fuzz_steer:|stat::number_of_executed_units|stat::new_units_added|DISAGREEMENT|ERROR|SUMMARY|artifact' \
	"$work.log" || true
rm -f "$work.log"
[ $rc -eq 77 ] && exit 77
exit $rc
