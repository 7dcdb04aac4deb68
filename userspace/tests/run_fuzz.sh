#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# Bounded libFuzzer run of a target (suite 'fuzz'): at most $XL_FUZZ_SECS seconds (default 20;
# 5 when the valgrind setup runs, since the target carries ASan, which Valgrind cannot host) and
# 2,000,000 inputs, fixed seed. Usage: run_fuzz.sh TARGET
set -euo pipefail
target=$(readlink -f "$1")
secs=${XL_FUZZ_SECS:-20}
[ "${XL_UNDER_VALGRIND:-0}" = 1 ] && secs=5
work=$(mktemp -d /tmp/xl_fuzz.XXXXXX)
trap 'rm -rf "$work"' EXIT
cd "$work"   # crash-*/leak-* artifacts land here and are printed below if any
set +e
"$target" -seed=1 -max_total_time="$secs" -runs=2000000 -timeout=10 -rss_limit_mb=2048 \
	-print_final_stats=1 2>&1 | tail -n 25
rc=${PIPESTATUS[0]}
set -e
if [ "$rc" -ne 0 ]; then
	for f in "$work"/crash-* "$work"/leak-* "$work"/timeout-*; do
		[ -e "$f" ] && { echo "artifact $f:"; od -c "$f" | head -n 20; }
	done
fi
exit "$rc"
