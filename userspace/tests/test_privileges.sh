#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# Privileges (suite 'netns', root): run through scripts/netns-test.sh (fresh testbed, server
# namespace, bpffs mounted, XL_TB_* set, always torn down).
#   - a non-root user (uid/gid 65534, no groups, no capabilities) gets "not permitted" from
#     `xlane run`, and nothing is left behind: no XDP program on the interface, no pins;
#   - root lacking a capability that setup needs (CAP_NET_ADMIN, CAP_BPF, CAP_NET_RAW; each with
#     CAP_SYS_ADMIN, which covers the first two) gets "not permitted" and never a half-attached
#     program;
#   - a running instance: says "capabilities kept: none", and every one of its threads (main and
#     workers) has empty effective, permitted, inheritable, ambient and bounding sets;
#   - its pins under /sys/fs/bpf/xlane are root-only: directories 0700, files 0600, owner root;
#     the unprivileged user can neither read them nor use `xlane stats`/`rule list` on them;
#   - it still serves (UDP echo from the client namespace) and stops cleanly (exit 0, detached)
#     with no capability left.
# Usage: test_privileges.sh [--jobs=N (ignored)] XLANE_BINARY
set -uo pipefail
xlane=
for a in "$@"; do
	case $a in
	--jobs=*) ;;
	*) xlane=$(readlink -f "$a") ;;
	esac
done
[ -x "$xlane" ] || { echo "usage: $0 XLANE_BINARY"; exit 2; }
ifc=${XL_TB_SRV_IF:?run me through scripts/netns-test.sh}
cli_ns=${XL_TB_CLI_NS:?}
srv_ip=${XL_TB_SRV_IP4:-198.18.0.1}
command -v setpriv >/dev/null || { echo "test_privileges: SKIP: setpriv (util-linux) missing"; exit 77; }
work=$(mktemp -d /tmp/xl_priv.XXXXXX)
chmod 0755 "$work"
dpid=
fails=0
checks=0
cleanup() {
	[ -n "$dpid" ] && kill -KILL "$dpid" 2>/dev/null
	"$xlane" detach "$ifc" >/dev/null 2>&1
	rm -rf "$work"
}
trap cleanup EXIT
fail() {
	echo "FAIL: $*"
	fails=$((fails + 1))
}
ok() { echo "ok   $*"; }
check() { checks=$((checks + 1)); }
nobody=(setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=-all --bounding-set=-all)

attached() { ip -d link show dev "$ifc" | grep -qE "prog/xdp|xdp(generic|drv)? *id"; }
pins() { find /sys/fs/bpf/xlane -mindepth 1 2>/dev/null; }

# 1. unprivileged and half-privileged runs: refused, nothing left
try_run() { # LABEL WANT_TEXT CMD...
	local label=$1 want=$2 out rc
	shift 2
	check
	out=$(timeout 20 "$@" "$xlane" run "$ifc" --rule 'udp dport 7000' 2>&1)
	rc=$?
	if [ "$rc" = 1 ] && grep -qi -- "$want" <<<"$out"; then
		ok "$label: exit 1, '$(head -n 1 <<<"$out")'"
	else
		fail "$label: exit $rc (want 1 and '$want'): $out"
	fi
	check
	if attached; then
		fail "$label: an XDP program was left on $ifc"
		"$xlane" detach "$ifc" >/dev/null 2>&1
	else
		ok "$label: no XDP program on $ifc"
	fi
	check
	if [ -n "$(pins)" ]; then
		fail "$label: pins left behind: $(pins | tr '\n' ' ')"
		"$xlane" detach "$ifc" >/dev/null 2>&1
	else
		ok "$label: no pins left"
	fi
}
try_run "uid 65534" "not permitted" "${nobody[@]}"
# CAP_SYS_ADMIN also grants what CAP_NET_ADMIN and CAP_BPF do, so each case removes it too
try_run "root without CAP_NET_ADMIN and CAP_SYS_ADMIN" "not permitted" \
	setpriv --inh-caps=-net_admin,-sys_admin --bounding-set=-net_admin,-sys_admin
# CAP_NET_RAW is needed last (the AF_XDP sockets, after load and pin): the late failure path
try_run "root without CAP_NET_RAW" "not permitted" \
	setpriv --inh-caps=-net_raw --bounding-set=-net_raw
try_run "root without CAP_BPF and CAP_SYS_ADMIN" "not permitted" \
	setpriv --inh-caps=-bpf,-sys_admin --bounding-set=-bpf,-sys_admin

# 2. a running instance
"$xlane" run "$ifc" --rule 'udp dport 7000' >"$work/run.log" 2>&1 &
dpid=$!
for _ in $(seq 100); do
	grep -q "ready" "$work/run.log" && break
	kill -0 "$dpid" 2>/dev/null || break
	sleep 0.1
done
check
if grep -q "ready" "$work/run.log"; then
	ok "xlane run is serving"
else
	fail "xlane run did not start: $(cat "$work/run.log")"
	exit 1
fi
check
grep -qx "xlane: capabilities kept: none" "$work/run.log" && ok "it says: capabilities kept: none" ||
	fail "no 'capabilities kept: none' line: $(cat "$work/run.log")"
nthreads=0
for t in /proc/"$dpid"/task/*; do
	nthreads=$((nthreads + 1))
	check
	bad=$(awk '/^Cap(Inh|Prm|Eff|Bnd|Amb):/ && $2 !~ /^0+$/ { printf "%s%s ", $1, $2 }' "$t/status")
	[ -z "$bad" ] && ok "thread $(basename "$t") ($(cat "$t/comm")): no capability" ||
		fail "thread $(basename "$t") still holds: $bad"
done
check
# main thread + one worker per queue
[ "$nthreads" -ge $((1 + ${XL_TB_QUEUES:-2})) ] && ok "$nthreads threads checked" ||
	fail "only $nthreads threads: the workers were not seen"
while read -r mode owner path; do
	check
	if [ -d "$path" ]; then want=700; else want=600; fi
	[ "$mode" = "$want" ] && [ "$owner" = root:root ] && ok "$path $mode $owner" ||
		fail "$path is $mode $owner (want $want root:root)"
done < <(find /sys/fs/bpf/xlane -exec stat -c '%a %U:%G %n' {} +)
check
[ -n "$(pins)" ] && ok "pins exist: $(pins | wc -l)" || fail "no pins under /sys/fs/bpf/xlane"
for p in $(pins); do
	[ -f "$p" ] || continue
	check
	if "${nobody[@]}" cat "$p" >/dev/null 2>&1; then
		fail "uid 65534 can read $p"
	else
		ok "uid 65534 cannot read $(basename "$p")"
	fi
done
for c in "stats $ifc" "rule list $ifc"; do
	check
	# shellcheck disable=SC2086
	out=$("${nobody[@]}" "$xlane" $c 2>&1)
	rc=$?
	[ "$rc" = 1 ] && grep -q "not permitted" <<<"$out" && ok "uid 65534: xlane $c -> $out" ||
		fail "uid 65534: xlane $c -> $rc: $out"
done
# still serving without capabilities: a UDP echo through the worker
check
reply=$(ip netns exec "$cli_ns" timeout 5 python3 -c '
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.settimeout(2)
for i in range(3):
    s.sendto(b"xlane-priv-%d" % i, (sys.argv[1], 7000))
    print(s.recv(2048).decode())
' "$srv_ip" 2>&1)
[ "$(tr '\n' ' ' <<<"$reply")" = "xlane-priv-0 xlane-priv-1 xlane-priv-2 " ] &&
	ok "echo served with no capability" || fail "no echo after the drop: $reply"
check
kill -TERM "$dpid"
wait "$dpid"
rc=$?
dpid=
[ "$rc" = 0 ] && ! attached && [ -z "$(pins)" ] &&
	ok "SIGTERM: exit 0, detached and unpinned without any capability" ||
	fail "SIGTERM: exit $rc, attached: $(attached && echo yes || echo no), pins: $(pins | tr '\n' ' '); $(tail -n 2 "$work/run.log")"

echo "test_privileges: $((checks - fails))/$checks checks passed"
[ "$fails" -eq 0 ]
