#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# meson test wrapper for the 'netns' suite: runs one test program inside a fresh, uniquely named
# veth testbed (scripts/testbed.sh) and always tears the testbed down, even when the test crashes
# or the wrapper is killed.
#
#   scripts/netns-test.sh [--queues N] PROGRAM [ARGS...]
#
# PROGRAM runs in the server namespace (NAME-srv) with bpffs mounted, the XL_TB_* variables of
# `testbed.sh env` exported, and Criterion's --jobs=1 (the tests of one program share the testbed
# and attach to the same interface, so they run one after the other). Under the meson 'valgrind'
# setup (XL_UNDER_VALGRIND=1) PROGRAM runs under scripts/vg.sh (memcheck).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
queues=2
if [ "${1:-}" = --queues ]; then
	queues=$2
	shift 2
fi
[ $# -ge 1 ] || {
	echo "usage: $0 [--queues N] PROGRAM [ARGS...]" >&2
	exit 2
}
if [ "$(id -u)" -ne 0 ]; then
	# Criterion-style skip marker for the log; meson counts exit 77 as skipped.
	echo "netns-test: SKIP: needs root (network namespaces, XDP, AF_XDP)" >&2
	exit 77
fi
prog=$(readlink -f "$1")
shift
# unique per run: program name + pid + random
name="xt$(basename "$prog" | tr -cd 'a-z0-9' | tail -c 8)$$$RANDOM"
name=${name:0:30}

cleanup() {
	"$here/testbed.sh" down "$name" >/dev/null 2>&1 || true
}
trap cleanup EXIT
trap 'exit 130' INT TERM

envs=$("$here/testbed.sh" up "$name" --queues "$queues")
wrap=()
if [ "${XL_UNDER_VALGRIND:-0}" = 1 ]; then
	wrap=("$here/vg.sh")
	# bpf(2) attr false positives of memcheck (see the file)
	export VALGRIND_OPTS="${VALGRIND_OPTS:-} --suppressions=$here/../userspace/tests/valgrind-bpf.supp"
fi
set +e
# shellcheck disable=SC2086
"$here/in-netns.sh" "$name-srv" env $envs XL_TB_QUEUES="$queues" "${wrap[@]}" "$prog" --jobs=1 "$@"
rc=$?
set -e
exit $rc
