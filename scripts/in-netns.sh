#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# Run a command inside a network namespace with bpffs available at /sys/fs/bpf.
#
#   scripts/in-netns.sh NS CMD [ARGS...]
#
# `ip netns exec` gives the command a fresh sysfs (so /sys/class/net shows the namespace's own
# interfaces) and thereby hides bpffs. If NS belongs to a testbed (NAME-srv / NAME-cli made by
# scripts/testbed.sh), that testbed's private bpffs instance is bind-mounted on /sys/fs/bpf, so
# every command run this way in that testbed shares the same pins. Otherwise a fresh bpffs is
# mounted (pins then live only as long as the command).
set -euo pipefail

[ $# -ge 2 ] || {
	echo "usage: $0 NS CMD [ARGS...]" >&2
	exit 2
}
ns=$1
shift
[ -e "/run/netns/$ns" ] || {
	echo "in-netns: no network namespace '$ns'" >&2
	exit 1
}

tb=${ns%-srv}
tb=${tb%-cli}
bpffs=/run/xlane-testbed/$tb/bpf
if [ "$tb" != "$ns" ] && mountpoint -q "$bpffs"; then
	src=$bpffs
else
	src=
fi

# ip netns exec runs the command in a private mount namespace, so these mounts end with it.
# shellcheck disable=SC2016
exec ip netns exec "$ns" /bin/sh -c '
	if [ -n "$0" ]; then
		mount --bind "$0" /sys/fs/bpf
	else
		mount -t bpf bpf /sys/fs/bpf
	fi || { echo "in-netns: cannot mount bpffs on /sys/fs/bpf" >&2; exit 1; }
	exec "$@"' "$src" "$@"
