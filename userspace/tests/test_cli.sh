#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# The xlane program's errors and exit statuses (xlane(8), EXIT STATUS): 0 ok, 1 runtime failure,
# 2 usage error. Every message names the token or the object. No traffic, no attach: the checks
# that look at interfaces run in a private network namespace (unshare -n), where only an
# unconfigured lo exists. Under the valgrind test setup (XL_UNDER_VALGRIND=1) every xlane run
# is itself under Valgrind memcheck.
# Usage: test_cli.sh XLANE_BINARY XLANE_MAN_PAGE
set -uo pipefail
xlane=$1
man=$2
fails=0
checks=0
vg=()
if [ "${XL_UNDER_VALGRIND:-0}" = 1 ]; then
	here=$(cd "$(dirname "$0")" && pwd)
	vg=(valgrind --error-exitcode=99 --leak-check=full --show-leak-kinds=definite,indirect,possible
	    --errors-for-leak-kinds=definite,indirect,possible --quiet
	    --suppressions="$here/../../scripts/valgrind.supp" --suppressions="$here/bpf_syscall.supp")
fi

# A private network namespace for everything (so 'lo' is ours); skip with a reason if we cannot.
if [ -z "${XL_CLI_IN_NETNS:-}" ]; then
	if unshare -n true 2>/dev/null; then
		XL_CLI_IN_NETNS=1 exec unshare -n "$0" "$@"
	elif unshare -rn true 2>/dev/null; then
		XL_CLI_IN_NETNS=1 exec unshare -rn "$0" "$@"
	fi
	echo "SKIP: cannot create a private network namespace (unshare -n / -rn)"
	exit 77
fi

# expect STATUS TEXT -- ARGS...: run xlane ARGS, check the exit status and that the combined
# output contains TEXT (fixed string).
expect() {
	local want=$1 text=$2 out rc
	shift 3
	checks=$((checks + 1))
	out=$("${vg[@]}" "$xlane" "$@" 2>&1)
	rc=$?
	if [ "$rc" -ne "$want" ] || ! grep -qF -- "$text" <<<"$out"; then
		echo "FAIL: xlane $* -> exit $rc (want $want), output lacks '$text':"
		sed 's/^/    | /' <<<"$out"
		fails=$((fails + 1))
	else
		printf 'ok   xlane %s  -> %d\n' "$*" "$rc"
	fi
}

# global
expect 0 "xlane 0.1.0" -- --version
expect 0 "Commands:" -- --help
expect 2 "Usage: xlane" --
expect 2 "xlane: unknown option '--bogus' (see 'xlane --help')" -- --bogus
expect 2 "xlane: unknown command 'frob' (see 'xlane --help')" -- frob
expect 2 "xlane: rule: missing subcommand (expected add, del, list)" -- rule
expect 2 "xlane: hot: unknown subcommand 'frob' (expected set, show)" -- hot frob lo
expect 0 "Usage: xlane rule add IFACE RULE..." -- help rule add
expect 2 "unknown command 'frob'" -- help frob

# usage errors: the token is named, and pointed at
expect 2 "xlane: run: missing argument IFACE (see 'xlane run --help')" -- run
expect 2 "xlane: run: unknown option '--bogus'" -- run lo --bogus
expect 2 "xlane: run: --queues: bad list '0-x' at 'x'" -- run lo --queues 0-x
expect 2 "  xlane run lo --queues 0-x
                        ^~~" -- run lo --queues 0-x
expect 2 "xlane: run: --rx-ring: '1000' is not a power of two" -- run lo --rx-ring 1000
expect 2 "xlane: run: --queues: '64' is out of range at '64' (0-63)" -- run lo --queues 64
expect 2 "xlane: run: --handler: unknown value 'frob'" -- run lo --handler frob
expect 2 "xlane: run: --handler fwd needs --fwd IFACE" -- run lo --handler fwd
expect 2 "xlane: run: option '--busy-poll' takes no value" -- run lo --busy-poll=1
expect 2 "xlane: run: --busy-poll-idle-us 50 is only used with --busy-poll" -- run lo --busy-poll-idle-us 50
expect 2 "xlane: run: --busy-poll-idle-us: '20000000' is out of range (0-10000000)" -- \
	run lo --busy-poll --busy-poll-idle-us 20000000
expect 2 "xlane: run: option '--cpus' needs a value (LIST)" -- run lo --cpus
expect 2 "xlane: run: unexpected argument 'extra'" -- run lo extra
expect 2 "(word 3)" -- run lo --rule "udp dport 70000"
expect 2 "xlane: rule add: rule: expected a port number (1-65535), got '70000' (word 3)" -- \
	rule add lo udp dport 70000 fast
expect 2 "  udp dport 70000 fast
            ^~~~~" -- rule add lo udp dport 70000 fast
expect 2 "xlane: rule add: rule: destination is IPv6 but the source is IPv4 (word 5)" -- \
	rule add lo flow udp 198.18.0.2:5000 '->' '[2001:2::1]:7000'
expect 2 "xlane: rule add: rule: host bits set in '198.18.0.1/24'" -- rule add lo prefix 198.18.0.1/24
expect 2 "xlane: rule add: rule: unexpected 'fastt'; expected fast, pass, id N or daddr ADDR (word 4)" -- \
	rule add lo "udp dport 7000 fastt"
expect 2 "xlane: rule add: missing argument RULE" -- rule add lo
expect 2 "xlane: rule del: expected a rule id (0-65535), got 'x'" -- rule del lo id x
expect 2 "xlane: hot set: nothing to change" -- hot set lo
expect 2 "xlane: hot set: --threshold: '5q' is not a number" -- hot set lo --threshold 5q
expect 2 "xlane: stats: --watch: '2x' is not a number" -- stats lo --watch 2x
expect 2 "xlane: stats: unknown option '-z'" -- stats lo -z

# runtime failures: the object is named
expect 1 "xlane: run: no such interface 'nosuch0'" -- run nosuch0
expect 1 "xlane: run: queue 5 out of range: lo has 1 RX queue (0-0)" -- run lo --queues 5
expect 1 "xlane: run: --fwd: no such interface 'nosuch1'" -- run lo --handler fwd --fwd nosuch1
expect 1 "xlane: rule add: no such interface 'nosuch0'" -- rule add nosuch0 udp dport 7000
expect 1 "xlane: rule list: no running xlane instance on lo" -- rule list lo
expect 1 "xlane: stats: no running xlane instance on lo" -- stats lo
expect 1 "xlane: hot show: no running xlane instance on lo" -- hot show lo
expect 1 "xlane: detach: no such interface 'nosuch0'" -- detach nosuch0
expect 1 "xlane: status: no such interface 'nosuch0'" -- status nosuch0
expect 1 "lo: xlane is not running" -- status lo
expect 0 "nothing of xlane's on lo" -- detach lo

# --help on every subcommand, generated from its option table
for c in run "rule add" "rule del" "rule list" "hot set" "hot show" stats detach status; do
	# shellcheck disable=SC2086
	expect 0 "Usage: xlane $c" -- $c --help
	# shellcheck disable=SC2086
	expect 0 "-h, --help" -- $c -h
done
expect 0 "(default: 2048)" -- run --help
expect 0 "echo     swap addresses" -- run --help

# the man page renders without warnings
checks=$((checks + 1))
if command -v groff >/dev/null; then
	warn=$(groff -man -ww -z "$man" 2>&1)
	if [ -n "$warn" ]; then
		echo "FAIL: groff warnings in $man:"; echo "$warn"; fails=$((fails + 1))
	else
		echo "ok   groff -man -ww $man"
	fi
else
	echo "note: groff not installed, man page rendering not checked"
fi

echo "test_cli: $((checks - fails))/$checks checks passed"
[ "$fails" -eq 0 ]
