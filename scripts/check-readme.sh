#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# Keeps README.md true: its code snippets must be the example files verbatim, and every
# file path it names must exist.
set -euo pipefail
top=${1:-$(cd "$(dirname "$0")/.." && pwd)}
cd "$top"
fail=0

# README snippets that must be a file of the tree verbatim: marker name -> file.
check_snippet() { # marker file
	local snippet
	snippet=$(awk -v b="<!-- $1 begin -->" -v e="<!-- $1 end -->" \
		'$0 == b {f=1; next} $0 == e {f=0} f' README.md | sed '/^```/d')
	if [ -z "$snippet" ]; then
		echo "check-readme: README.md has no $1 snippet between its markers" >&2
		fail=1
	elif ! diff -u "$2" <(printf '%s\n' "$snippet") >&2; then
		echo "check-readme: README's $1 snippet differs from $2 (diff above)" >&2
		fail=1
	fi
}
check_snippet embed.c pool/examples/embed.c
check_snippet custom_handler.c userspace/examples/custom_handler.c

# paths of the tree, not parts of a longer path (build/run/bench/... is a build output)
for p in $(grep -oE '(^|[][ `(|])(scripts|pool|xdp_prog|userspace|bench)/[A-Za-z0-9_./-]+[A-Za-z0-9_]' README.md |
	sed -E 's/^[][ `(|]//' | sort -u); do
	case "$p" in *.png|*.json) continue ;; esac
	if [ ! -e "$p" ]; then
		echo "check-readme: README names $p, which does not exist" >&2
		fail=1
	fi
done
[ $fail = 0 ] && echo "check-readme: README snippet and paths are in sync"
exit $fail
