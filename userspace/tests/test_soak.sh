#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# CI soak (suite 'netns'): scripts/soak.sh for 60 s (XL_SOAK_SECS overrides) against this build:
# nothing lost, frames conserved, no RSS growth, no steady-state page faults, clean exit.
# Usage: test_soak.sh BUILD_ROOT
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
build=$(readlink -f "$1")
if [ "${XL_UNDER_VALGRIND:-0}" = 1 ]; then
	# Under memcheck xlane runs ~50x slower: a soak would measure Valgrind, not xlane, and its
	# RSS and fault figures would be Valgrind's. The soak's checks run in the plain and ASan jobs.
	echo "test_soak: SKIP: a 60-second soak under Valgrind is not meaningful (XL_UNDER_VALGRIND=1)"
	exit 77
fi
if [ "$(id -u)" -ne 0 ]; then
	echo "test_soak: SKIP: needs root (network namespaces, XDP, AF_XDP)"
	exit 77
fi
out=$(mktemp -d /tmp/xl_soak_ci.XXXXXX)
trap 'rm -rf "$out"' EXIT
secs=${XL_SOAK_SECS:-60}
set +e
"$here/../../scripts/soak.sh" "$secs" --build "$build" --csv "$out/soak.csv" --plot "$out/soak.png"
rc=$?
set -e
[ "$rc" -eq 0 ] || { echo "test_soak: samples:"; cat "$out/soak.csv" 2>/dev/null; }
exit "$rc"
