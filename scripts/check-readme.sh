#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# Keeps README.md true: its embedding snippet must be pool/examples/embed.c verbatim, and every
# scripts/... path and every file path it names must exist.
set -euo pipefail
top=${1:-$(cd "$(dirname "$0")/.." && pwd)}
cd "$top"
fail=0

snippet=$(awk '/<!-- embed.c begin -->/{f=1;next} /<!-- embed.c end -->/{f=0} f' README.md |
	sed '/^```/d')
if [ -z "$snippet" ]; then
	echo "check-readme: README.md has no embed.c snippet between the markers" >&2
	fail=1
elif ! diff -u pool/examples/embed.c <(printf '%s\n' "$snippet") >&2; then
	echo "check-readme: README's snippet differs from pool/examples/embed.c (diff above)" >&2
	fail=1
fi

for p in $(grep -oE '(scripts|pool|xdp_prog|userspace|bench)/[A-Za-z0-9_./-]+[A-Za-z0-9_]' README.md | sort -u); do
	case "$p" in *.png|*.json) continue ;; esac
	if [ ! -e "$p" ]; then
		echo "check-readme: README names $p, which does not exist" >&2
		fail=1
	fi
done
[ $fail = 0 ] && echo "check-readme: README snippet and paths are in sync"
exit $fail
