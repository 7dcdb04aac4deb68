#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# Run a benchmark process at a nice value that holds against the kernel's threads.
#
#   bench/latency/own-session.sh NICE CMD [ARGS...]
#
# With autogroup scheduling on (kernel.sched_autogroup_enabled=1, the default of many kernels),
# every session is a task group of its own, and a task's nice value weighs only against the
# other tasks of its session. Kernel threads (the NAPI thread, ksoftirqd) are outside any
# autogroup: against them, a whole session weighs as nice 0, whatever its tasks' nice values.
# On this VM two busy loops on one CPU, at nice -20 and at nice 0 in two sessions, each took
# half of it; with the first one's autogroup at nice -20 too, it took 99 %.
#
# So CMD starts a session of its own (setsid: it stays this process, the PID the caller keeps),
# the session's autogroup gets NICE, and CMD runs at nice NICE. Its own session also keeps its
# weight on its CPU from being shared with the harness's other processes: a task group's weight
# is split over the CPUs where its tasks run, so a server in the client's session would weigh
# less on its CPU whenever the client is busy on the other one.
set -eu
[ $# -ge 2 ] || { echo "usage: $0 NICE CMD [ARGS...]" >&2; exit 2; }
n=$1
shift
# shellcheck disable=SC2016 # $0 and $@ belong to the inner shell
exec setsid sh -c '
	[ ! -w /proc/self/autogroup ] || echo "$0" >/proc/self/autogroup 2>/dev/null || true
	exec nice -n "$0" "$@"' "$n" "$@"
