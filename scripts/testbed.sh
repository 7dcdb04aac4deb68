#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# The veth testbed: two network namespaces joined by one veth pair whose BOTH ends live inside them.
#
#   scripts/testbed.sh up   NAME [--queues N]   create NAME-srv and NAME-cli (N rx/tx queues, default 2)
#   scripts/testbed.sh down NAME                remove them (idempotent: safe to run twice or after a crash)
#   scripts/testbed.sh env  NAME                print the shell variables describing the testbed
#
# Layout (nothing is ever created in the root network namespace):
#   NAME-srv: interface xl-srv  198.18.0.1/24  2001:2::1/64   (the server: xlane attaches here)
#   NAME-cli: interface xl-cli  198.18.0.2/24  2001:2::2/64   (the client: TX checksum offload off)
# The veth is created inside NAME-srv and its peer is born directly in NAME-cli (ip ... peer netns).
# A private bpffs instance is mounted at /run/xlane-testbed/NAME/bpf; scripts/in-netns.sh bind-mounts
# it on /sys/fs/bpf inside the namespace, so pins made by one command (xlane run) are seen by the
# next (xlane rule add) and vanish with the testbed.
set -euo pipefail

SRV_IF=xl-srv
CLI_IF=xl-cli
SRV_IP4=198.18.0.1
CLI_IP4=198.18.0.2
SRV_IP6=2001:2::1
CLI_IP6=2001:2::2
STATE_ROOT=/run/xlane-testbed

usage() {
	echo "usage: $0 up NAME [--queues N] | down NAME | env NAME" >&2
	exit 2
}

die() {
	echo "testbed: $*" >&2
	exit 1
}

check_name() {
	# Namespace names end up in paths and interface-free; keep them short and plain.
	[[ "$1" =~ ^[A-Za-z0-9_.-]{1,40}$ ]] || die "bad testbed name '$1' (1-40 chars of [A-Za-z0-9_.-])"
}

print_env() {
	local name=$1
	cat <<EOF
XL_TB_NAME=$name
XL_TB_SRV_NS=$name-srv
XL_TB_CLI_NS=$name-cli
XL_TB_SRV_IF=$SRV_IF
XL_TB_CLI_IF=$CLI_IF
XL_TB_SRV_IP4=$SRV_IP4
XL_TB_CLI_IP4=$CLI_IP4
XL_TB_SRV_IP6=$SRV_IP6
XL_TB_CLI_IP6=$CLI_IP6
XL_TB_BPFFS=$STATE_ROOT/$name/bpf
EOF
}

down() {
	local name=$1 ns rc=0
	check_name "$name"
	for ns in "$name-srv" "$name-cli"; do
		# Deleting a namespace deletes the veth end inside it (and with it the peer). Test the
		# name file, not `ip netns list`, whose output races with other namespaces going away.
		# A process that is still leaving (e.g. a server just killed, in the private mount
		# namespace of `ip netns exec`) keeps the name busy for a moment: retry, bounded.
		for _ in $(seq 30); do
			[ -e "/run/netns/$ns" ] || break
			ip netns del "$ns" 2>/dev/null || sleep 0.1
		done
		[ -e "/run/netns/$ns" ] && { echo "testbed: could not remove namespace $ns" >&2; rc=1; }
	done
	if [ -d "$STATE_ROOT/$name" ]; then
		if mountpoint -q "$STATE_ROOT/$name/bpf"; then
			umount "$STATE_ROOT/$name/bpf" 2>/dev/null || umount -l "$STATE_ROOT/$name/bpf" || true
		fi
		rm -rf -- "${STATE_ROOT:?}/$name"
	fi
	return $rc
}

up() {
	local name=$1 queues=$2 srv cli
	check_name "$name"
	[[ "$queues" =~ ^[0-9]+$ ]] && [ "$queues" -ge 1 ] && [ "$queues" -le 64 ] ||
		die "--queues must be 1..64, got '$queues'"
	[ "$(id -u)" -eq 0 ] || die "needs root (network namespaces, veth, bpffs)"
	srv="$name-srv"
	cli="$name-cli"
	if [ -e "/run/netns/$srv" ] || [ -e "/run/netns/$cli" ]; then
		die "testbed '$name' already exists (run: $0 down $name)"
	fi

	# From here on, any failure tears down what was built.
	trap 'rc=$?; [ $rc -ne 0 ] && down "$name"; exit $rc' EXIT
	trap 'exit 130' INT TERM

	ip netns add "$srv"
	ip netns add "$cli"
	ip -n "$srv" link set lo up
	ip -n "$cli" link set lo up

	ip -n "$srv" link add "$SRV_IF" numtxqueues "$queues" numrxqueues "$queues" type veth \
		peer name "$CLI_IF" netns "$cli" numtxqueues "$queues" numrxqueues "$queues"

	ip -n "$srv" addr add "$SRV_IP4/24" dev "$SRV_IF"
	ip -n "$cli" addr add "$CLI_IP4/24" dev "$CLI_IF"
	ip -n "$srv" -6 addr add "$SRV_IP6/64" dev "$SRV_IF" nodad
	ip -n "$cli" -6 addr add "$CLI_IP6/64" dev "$CLI_IF" nodad
	# veth leaves TX checksums partial; an AF_XDP echo would reflect a bad checksum. Full checksums
	# from the client make the reflected frames valid.
	ip netns exec "$cli" ethtool -K "$CLI_IF" tx off >/dev/null
	ip -n "$srv" link set "$SRV_IF" up
	ip -n "$cli" link set "$CLI_IF" up

	mkdir -p "$STATE_ROOT/$name/bpf"
	chmod 0700 "$STATE_ROOT/$name"
	mount -t bpf bpf "$STATE_ROOT/$name/bpf"
	chmod 0700 "$STATE_ROOT/$name/bpf"

	trap - EXIT INT TERM
	print_env "$name"
}

[ $# -ge 2 ] || usage
cmd=$1
name=$2
shift 2
case "$cmd" in
up)
	queues=2
	while [ $# -gt 0 ]; do
		case "$1" in
		--queues)
			[ $# -ge 2 ] || usage
			queues=$2
			shift 2
			;;
		--queues=*)
			queues=${1#--queues=}
			shift
			;;
		*) usage ;;
		esac
	done
	up "$name" "$queues"
	;;
down)
	[ $# -eq 0 ] || usage
	down "$name"
	;;
env)
	check_name "$name"
	print_env "$name"
	;;
*) usage ;;
esac
