#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# The fast lane on the veth testbed, end to end (the last step of README's first command):
#   testbed up -> `xlane run xl-srv --rule 'udp dport 7000' --handler echo` in the server namespace
#   -> UDP ping-pong from the client namespace over IPv4 and IPv6 to the steered port, and to an
#   unsteered port served by a kernel socket -> `xlane stats` (modes obtained, counters)
#   -> SIGTERM -> check nothing stays attached -> testbed down (also on failure).
#
#   scripts/demo.sh [BUILDDIR]      (default build/run)
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build/run}
xlane=$PWD/$build/userspace/cli/xlane
client=$PWD/$build/bench/latency/lat_client
kecho=$PWD/$build/bench/latency/lat_echo_kernel
for b in "$xlane" "$client" "$kecho"; do
	[ -x "$b" ] || { echo "demo: $b is not built (meson compile -C $build)" >&2; exit 1; }
done

tb=xldemo$$
xl_pid=""
k_pid=""
cleanup() {
	[ -n "$xl_pid" ] && kill -TERM "$xl_pid" 2>/dev/null && wait "$xl_pid" 2>/dev/null
	[ -n "$k_pid" ] && kill -TERM "$k_pid" 2>/dev/null && wait "$k_pid" 2>/dev/null
	scripts/testbed.sh down "$tb" >/dev/null 2>&1 || true
}
trap cleanup EXIT
trap 'exit 130' INT TERM

scripts/testbed.sh up "$tb" --queues 2 >/dev/null
eval "$(scripts/testbed.sh env "$tb")"
# Background jobs are started without these functions, so that $! is the exec chain's PID
# (in-netns.sh execs ip, which execs the program): the PID we signal is the program's.
srv() { scripts/in-netns.sh "$XL_TB_SRV_NS" "$@"; }
cli() { scripts/in-netns.sh "$XL_TB_CLI_NS" "$@"; }
echo "testbed $tb: $XL_TB_SRV_NS/$XL_TB_SRV_IF ($XL_TB_SRV_IP4, $XL_TB_SRV_IP6) <-> $XL_TB_CLI_NS/$XL_TB_CLI_IF"

# A plain kernel UDP echo on port 7001, unsteered: it must keep working next to the fast lane.
scripts/in-netns.sh "$XL_TB_SRV_NS" "$kecho" --mode block --port 7001 --max-seconds 120 >/dev/null 2>&1 &
k_pid=$!

scripts/in-netns.sh "$XL_TB_SRV_NS" "$xlane" run "$XL_TB_SRV_IF" --rule 'udp dport 7000' --handler echo --cpus 0 &
xl_pid=$!
for _ in $(seq 50); do
	# ready once attached (pins appear a moment earlier, while sockets are still being set up)
	srv "$xlane" status "$XL_TB_SRV_IF" 2>/dev/null | grep -qE 'XDP (native|generic)' && break
	kill -0 "$xl_pid" 2>/dev/null || { echo "demo: xlane run exited early" >&2; exit 1; }
	sleep 0.2
done
srv "$xlane" status "$XL_TB_SRV_IF"

ping_pong() { # label addr port
	echo
	echo "--- $1: 2000 UDP ping-pongs to [$2]:$3 from the client namespace"
	cli "$client" --server "$2" --port "$3" --mode pingpong --count 2000 --duration 3 \
		--repeat 1 --warmup 0 --cpu 1 --label "$1" --quiet
}
ping_pong "xlane fast lane, IPv4" "$XL_TB_SRV_IP4" 7000
ping_pong "xlane fast lane, IPv6" "$XL_TB_SRV_IP6" 7000
ping_pong "kernel socket next to xlane, IPv4" "$XL_TB_SRV_IP4" 7001

echo
echo "--- xlane stats $XL_TB_SRV_IF"
srv "$xlane" stats "$XL_TB_SRV_IF"

kill -TERM "$xl_pid"
wait "$xl_pid"
xl_pid=""
if srv ip link show "$XL_TB_SRV_IF" | grep -q ' xdp'; then
	echo "demo: an XDP program is still attached after SIGTERM" >&2
	exit 1
fi
echo
echo "demo: xlane stopped on SIGTERM and left nothing attached on $XL_TB_SRV_IF"
