#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# exe_wrapper of the meson 'valgrind' test setup. ELF test programs run under Valgrind memcheck with
# children followed (Criterion runs each test in a child process); shell-script tests run as they
# are, with XL_UNDER_VALGRIND=1 so they can put the programs they drive under Valgrind themselves.
#
# Valgrind's --error-exitcode only reaches the parent's exit status, and a Criterion child's exit
# status is not the runner's: so every process writes its own log, and this wrapper fails the test
# when any log reports an error or a leak.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
export XL_UNDER_VALGRIND=1
# --fair-sched=yes: Valgrind runs one thread at a time, and its default lock lets a thread that
# never blocks (lat_client's open-loop sender, which polls) take it back again and again. On the
# VM of 2026-12-05 that starved lat_client's simulated echo server: it read 42-133 of 400 probes
# before the test ended, and lat_client failed 5 of 5 runs; with the fair ticket lock, 0 of 5.
# Through VALGRIND_OPTS it also reaches the shell-script tests that start Valgrind themselves
# (test_cli.sh, test_cli_netns.sh, test_install.sh).
# (netns-test.sh runs through this script and calls it again: the option goes in once)
case " ${VALGRIND_OPTS:-} " in
*" --fair-sched="*) ;;
*) export VALGRIND_OPTS="--fair-sched=yes${VALGRIND_OPTS:+ $VALGRIND_OPTS}" ;;
esac
if [ "$(head -c 4 "$1" | od -An -c | tr -d ' ')" != '177ELF' ]; then
	exec "$@"
fi
logs=$(mktemp -d /tmp/xl-vg.XXXXXX)
valgrind --error-exitcode=99 --leak-check=full \
	--show-leak-kinds=definite,indirect,possible --errors-for-leak-kinds=definite,indirect,possible \
	--trace-children=yes --trace-children-skip='/usr/bin/*,/bin/*,/usr/sbin/*,/sbin/*' \
	--child-silent-after-fork=no --log-file="$logs/vg.%p.log" \
	--suppressions="$here/valgrind.supp" ${XL_VG_EXTRA_SUPP:+--suppressions="$XL_VG_EXTRA_SUPP"} "$@" &
child=$!
# A signal for the wrapped program (a test stopping a daemon with SIGTERM) goes to it, and this
# script still collects the logs; without the trap bash would die and orphan the program.
trap 'kill -TERM "$child" 2>/dev/null' TERM
trap 'kill -INT "$child" 2>/dev/null' INT
while :; do
	wait "$child"
	rc=$?
	# wait returns >128 when a trapped signal interrupted it; the child may still run
	kill -0 "$child" 2>/dev/null || break
done
trap - TERM INT
bad=0
for f in "$logs"/vg.*.log; do
	[ -e "$f" ] || continue
	if grep -qE '== ERROR SUMMARY: [1-9]' "$f"; then
		echo "vg.sh: Valgrind found errors in process ${f##*/vg.}:" >&2
		cat "$f" >&2
		bad=1
	fi
done
n=$(ls "$logs" | wc -l)
rm -rf "$logs"
if [ $bad = 1 ]; then
	exit 99
fi
echo "vg.sh: $n process(es) under memcheck, no errors, no leaks" >&2
exit $rc
