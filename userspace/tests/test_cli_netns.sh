#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# The xlane program against a real instance (suite 'netns', root): run through
# scripts/netns-test.sh, which makes a fresh veth testbed, runs this script in its server
# namespace with bpffs mounted and the XL_TB_* variables set, and always tears it down.
#   xlane run on the server interface, then status, rule add/list/del (by match and by id),
#   echoed UDP traffic from the client namespace, exact stats in --json and --prometheus,
#   stats --watch, SIGTERM (clean exit 0, nothing attached; also sent twice at once, as under
#   timeout(1)), SIGKILL + xlane detach.
# Under the valgrind setup (XL_UNDER_VALGRIND=1) the control commands run under memcheck (the
# daemon itself does not: the kernel writes its AF_XDP rings behind Valgrind's back).
# Usage: test_cli_netns.sh [--jobs=N (ignored)] XLANE_BINARY OTHER_XDP_OBJECT
#   OTHER_XDP_OBJECT: a BPF object with SEC("xdp") (xdp_prog's pass.bpf.o), attached with ip(8)
#   to show that xlane refuses to replace a program it did not attach.
set -uo pipefail
args=()
for a in "$@"; do
	case $a in
	--jobs=*) ;;
	*) args+=("$(readlink -f "$a")") ;;
	esac
done
xlane=${args[0]:-}
other_obj=${args[1]:-}
[ -x "$xlane" ] && [ -f "$other_obj" ] || { echo "usage: $0 XLANE_BINARY OTHER_XDP_OBJECT"; exit 2; }
ifc=${XL_TB_SRV_IF:?run me through scripts/netns-test.sh}
cli_ns=$XL_TB_CLI_NS
fails=0
checks=0
vg=()
if [ "${XL_UNDER_VALGRIND:-0}" = 1 ]; then
	here=$(cd "$(dirname "$0")" && pwd)
	vg=(valgrind --error-exitcode=99 --leak-check=full --show-leak-kinds=definite,indirect,possible
	    --errors-for-leak-kinds=definite,indirect,possible --quiet
	    --suppressions="$here/../../scripts/valgrind.supp" --suppressions="$here/bpf_syscall.supp")
fi
work=$(mktemp -d /tmp/xl_cli_netns.XXXXXX)
dpid=
cleanup() {
	# dpid is xlane, or the timeout(1) whose child it is
	[ -n "$dpid" ] && pkill -KILL -P "$dpid" 2>/dev/null
	[ -n "$dpid" ] && kill -KILL "$dpid" 2>/dev/null
	"$xlane" detach "$ifc" >/dev/null 2>&1
	rm -rf "$work"
}
trap cleanup EXIT

fail() {
	echo "FAIL: $*"
	fails=$((fails + 1))
}

# expect STATUS TEXT -- ARGS...: xlane ARGS exits STATUS and its output contains TEXT
expect() {
	local want=$1 text=$2 out rc
	shift 3
	checks=$((checks + 1))
	out=$("${vg[@]}" "$xlane" "$@" 2>&1)
	rc=$?
	if [ "$rc" -ne "$want" ] || ! grep -qF -- "$text" <<<"$out"; then
		fail "xlane $* -> exit $rc (want $want), output lacks '$text':"
		sed 's/^/    | /' <<<"$out"
	else
		printf 'ok   xlane %s  -> %d\n' "$*" "$rc"
	fi
	last_out=$out
}

# jqcheck FILTER: the last output satisfies the jq filter
jqcheck() {
	checks=$((checks + 1))
	if jq -e "$1" >/dev/null <<<"$last_out"; then
		echo "ok   jq '$1'"
	else
		fail "jq -e '$1' on: $last_out"
	fi
}

# wait_refresh: waits (at most 3 s) for the daemon's next statistics refresh after now, so the
# frame locations that follow were read after the traffic before this call ended
wait_refresh() {
	local t0 up
	t0=$(date +%s%N)
	for _ in $(seq 30); do
		up=$("$xlane" stats "$ifc" --json 2>/dev/null | jq -r '.updated_ns // 0')
		[ "${up:-0}" -gt "$t0" ] && return 0
		sleep 0.1
	done
	fail "no statistics refresh within 3 s"
}

start_daemon() {
	"$xlane" run "$ifc" --queues 0-1 --rule "udp dport 7000" --handler echo \
		>"$work/run.log" 2>&1 &
	dpid=$!
	for _ in $(seq 100); do
		grep -q "xlane: ready" "$work/run.log" && return 0
		kill -0 "$dpid" 2>/dev/null || break
		sleep 0.1
	done
	echo "xlane run did not become ready:"
	cat "$work/run.log"
	exit 1
}

# send PORT N [4|6 [SPORT]]: N identified UDP datagrams from the client; prints the number of
# correct echoes (payload intact, from the address and port they were sent to)
send() {
	local fam=${3:-4} src=$XL_TB_CLI_IP4 dst=$XL_TB_SRV_IP4
	if [ "$fam" = 6 ]; then
		src=$XL_TB_CLI_IP6
		dst=$XL_TB_SRV_IP6
	fi
	ip netns exec "$cli_ns" python3 - "$src" "$dst" "$1" "$2" "$fam" "${4:-0}" <<'PY'
import socket, sys, time
src, dst, port, n = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
fam = socket.AF_INET6 if sys.argv[5] == "6" else socket.AF_INET
s = socket.socket(fam, socket.SOCK_DGRAM)
s.bind((src, int(sys.argv[6])))
deadline = time.monotonic() + 20
sent = {}
good = set()
# One probe in flight, waiting up to 0.5 s for its echo. An echo that comes later still counts
# for its own probe (matched by payload, which carries the seq), so a stall under CI load
# cannot make every later probe read the previous echo; a final drain collects the stragglers.
def recv_until(t_end, want):
    while (want not in good) if want is not None else (len(good) < len(sent)):
        left = t_end - time.monotonic()
        if left <= 0:
            return
        s.settimeout(left)
        try:
            data, addr = s.recvfrom(2048)
        except (socket.timeout, ConnectionRefusedError):
            return
        seq = sent.get(data)
        if seq is not None and addr[:2] == (dst, port):
            good.add(seq)
for i in range(n):
    if time.monotonic() > deadline:
        break
    msg = b"xlane-cli-test seq=%08d " % i + bytes((i + k) & 0xff for k in range(48))
    sent[msg] = i
    s.sendto(msg, (dst, port))
    recv_until(time.monotonic() + 0.5, i)
recv_until(time.monotonic() + 2, None)
print(len(good))
PY
}

start_daemon
grep -q "queue 0: " "$work/run.log" && grep -q "queue 1: " "$work/run.log" ||
	fail "run: no per-queue bind mode report: $(cat "$work/run.log")"

expect 0 "$ifc: xlane running" -- status "$ifc"
expect 0 "udp dport 7000 fast id 0  # hits 0" -- rule list "$ifc"
expect 0 "added on $ifc: prefix 198.18.0.0/24 pass id 9" -- rule add "$ifc" prefix 198.18.0.0/24 pass id 9
expect 1 "id 9 is used by another rule" -- rule add "$ifc" "tcp dport 80 id 9"
expect 2 "(word 3)" -- rule add "$ifc" udp dport 99999
expect 0 '"rule":"prefix 198.18.0.0/24 pass id 9"' -- rule list "$ifc" --json
jqcheck 'length == 2'

n=200
checks=$((checks + 1))
got=$(send 7000 $n)
[ "$got" = "$n" ] && echo "ok   $n echoes of $n" || fail "echoes: $got of $n"

wait_refresh
expect 0 '"iface"' -- stats "$ifc" --json --prometheus "$work/xlane.prom"
jqcheck "([.queues[].rx_packets] | add) == $n"
jqcheck "([.queues[].tx_packets] | add) == $n"
jqcheck ".steer.steered.port == $n"
jqcheck '.frames.settled == true and .frames.conserved == true'
jqcheck '.queues | length == 2'
jqcheck '.ntuple.filters == 0 and .ntuple.queue == null'
checks=$((checks + 1))
if grep -qx "xlane_steer_steered_total{iface=\"$ifc\",via=\"port\"} $n" "$work/xlane.prom" &&
	[ "$(find "$work" -name 'xlane.prom.tmp.*' | wc -l)" = 0 ]; then
	echo "ok   prometheus textfile"
else
	fail "prometheus textfile: $(grep steered_total "$work/xlane.prom")"
fi
expect 0 "udp dport 7000 fast id 0  # hits $n" -- rule list "$ifc"

# IPv6: an exact 5-tuple rule and a port rule limited to the server's IPv6 address
expect 0 "added on $ifc: flow udp [$XL_TB_CLI_IP6]:6000 -> [$XL_TB_SRV_IP6]:7002 fast id 1" -- \
	rule add "$ifc" flow udp "[$XL_TB_CLI_IP6]:6000" '->' "[$XL_TB_SRV_IP6]:7002"
expect 0 "added on $ifc: udp dport 7003 daddr $XL_TB_SRV_IP6 fast id 2" -- \
	rule add "$ifc" udp dport 7003 daddr "[$XL_TB_SRV_IP6]"
k=50
checks=$((checks + 1))
got=$(send 7002 $k 6 6000)
[ "$got" = "$k" ] && echo "ok   IPv6 exact rule: $k echoes of $k" || fail "IPv6 exact: $got of $k"
checks=$((checks + 1))
got=$(send 7003 $k 6)
[ "$got" = "$k" ] && echo "ok   IPv6 port+daddr rule: $k echoes of $k" || fail "IPv6 port: $got of $k"
expect 0 '"iface"' -- stats "$ifc" --json
jqcheck ".steer.steered.exact == $k and .steer.steered.port == $n + $k"
expect 0 "deleted on $ifc: id 1" -- rule del "$ifc" id 1
expect 0 "deleted on $ifc: udp dport 7003 daddr $XL_TB_SRV_IP6 fast id 2" -- \
	rule del "$ifc" udp dport 7003 daddr "$XL_TB_SRV_IP6"

# delete by match: the port is no longer steered; the prefix PASS rule now decides
expect 0 "deleted on $ifc: udp dport 7000 fast id 0" -- rule del "$ifc" udp dport 7000
expect 1 "no such rule: udp dport 7000" -- rule del "$ifc" udp dport 7000
m=20
checks=$((checks + 1))
got=$(send 7000 $m)
[ "$got" = 0 ] && echo "ok   no echo after rule del" || fail "echoes after rule del: $got"
expect 0 '"iface"' -- stats "$ifc" --json
jqcheck ".steer.steered.port == $n + $k"
jqcheck ".steer.passed.rule == $m"
expect 0 "deleted on $ifc: id 9" -- rule del "$ifc" id 9
expect 1 "no rule with id 9" -- rule del "$ifc" id 9
expect 0 "" -- rule list "$ifc"
checks=$((checks + 1))
[ -z "$last_out" ] && echo "ok   no rules left" || fail "rules left: $last_out"

expect 0 "hot flows on $ifc: on, threshold 50000 pps" -- hot set "$ifc" --threshold 50k
expect 0 '"enabled":true' -- hot show "$ifc" --json
jqcheck '.threshold_pps == 50000'
expect 0 "hot flows on $ifc: off" -- hot set "$ifc" --threshold 0
expect 0 "steering:" -- stats "$ifc" --watch 1 --count 2
checks=$((checks + 1))
[ "$(grep -c "^xlane on $ifc" <<<"$last_out")" = 2 ] && echo "ok   --watch 1 --count 2: 2 rounds" ||
	fail "--watch --count 2 printed $(grep -c "^xlane on" <<<"$last_out") rounds"
expect 1 "a live 'xlane run' still holds it" -- detach "$ifc"

# stopped_clean LABEL: the daemon (dpid) ends with exit 0, said it detached, and left nothing
stopped_clean() {
	local rc
	wait "$dpid"
	rc=$?
	dpid=
	checks=$((checks + 1))
	if [ "$rc" = 0 ] && grep -q "xlane: stopped; $ifc detached" "$work/run.log" &&
		! ip link show dev "$ifc" | grep -q "prog/xdp"; then
		echo "ok   $1: exit 0, detached"
	else
		fail "$1: exit $rc; $(tail -n 3 "$work/run.log"); $(ip link show dev "$ifc")"
		"$xlane" detach "$ifc" >/dev/null 2>&1
	fi
}

# SIGTERM: clean stop, exit 0, nothing left attached
kill -TERM "$dpid"
stopped_clean SIGTERM
expect 1 "$ifc: xlane is not running" -- status "$ifc"

# SIGTERM twice at once is one request: timeout(1) sends it to the command, then to its process
# group; the copy that lands while the first one's stop is under way must not kill the process
for how in "two signals 10 ms apart" "under timeout(1)"; do
	if [ "$how" = "under timeout(1)" ]; then
		timeout -s TERM 30 "$xlane" run "$ifc" --queues 0-1 --rule "udp dport 7000" \
			>"$work/run.log" 2>&1 &
		dpid=$!
		for _ in $(seq 100); do grep -q "xlane: ready" "$work/run.log" && break; sleep 0.1; done
		kill -TERM "$dpid"
	else
		start_daemon
		kill -TERM "$dpid"
		sleep 0.01
		kill -TERM "$dpid"
	fi
	stopped_clean "SIGTERM, $how"
done

# SIGKILL: whatever stays behind, xlane detach removes it
start_daemon
kill -KILL "$dpid"
wait "$dpid" 2>/dev/null
dpid=
expect 1 "$ifc: xlane is not running (pins of pid" -- status "$ifc"
expect 0 "" -- detach "$ifc"
checks=$((checks + 1))
if ! ip link show dev "$ifc" | grep -q "prog/xdp" && [ ! -e "/sys/fs/bpf/xlane/$ifc" ]; then
	echo "ok   SIGKILL + detach: nothing attached, no pins ($last_out)"
else
	fail "after SIGKILL + detach: $(ip link show dev "$ifc"); $(ls /sys/fs/bpf/xlane 2>&1)"
fi
expect 1 "$ifc: xlane is not running" -- status "$ifc"

# another XDP program in the way: named, exit 1, and left attached
ip link set dev "$ifc" xdp obj "$other_obj" sec xdp || fail "cannot attach $other_obj"
expect 1 "another XDP program is in the way on $ifc" -- run "$ifc"
expect 0 "nothing of xlane's on $ifc" -- detach "$ifc"
checks=$((checks + 1))
ip link show dev "$ifc" | grep -q "prog/xdp" && echo "ok   the other program is still attached" ||
	fail "xlane removed a program it did not attach"
ip link set dev "$ifc" xdp off

# not permitted: the same commands as an unprivileged user
for c in "run $ifc" "rule list $ifc" "stats $ifc"; do
	checks=$((checks + 1))
	# shellcheck disable=SC2086
	out=$(setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=-all \
		--bounding-set=-all "$xlane" $c 2>&1)
	rc=$?
	if [ "$rc" = 1 ] && grep -q "not permitted" <<<"$out"; then
		echo "ok   unprivileged xlane $c -> 1 ($out)"
	else
		fail "unprivileged xlane $c -> $rc: $out"
	fi
done

# queue out of range on the testbed's multi-queue veth
q=${XL_TB_QUEUES:-2}
expect 1 "xlane: run: queue $q out of range: $ifc has $q RX queues (0-$((q - 1)))" -- run "$ifc" --queues "0,$q"

# not enough locked memory: root without CAP_IPC_LOCK (RLIMIT_MEMLOCK stays small)
checks=$((checks + 1))
out=$(timeout 20 setpriv --bounding-set=-ipc_lock --inh-caps=-ipc_lock "$xlane" run "$ifc" 2>&1)
rc=$?
if [ "$rc" = 1 ] && grep -q "not enough locked memory" <<<"$out"; then
	echo "ok   without CAP_IPC_LOCK -> 1 ($out)"
elif [ "$rc" = 124 ] || grep -q "xlane: ready" <<<"$out"; then
	fail "without CAP_IPC_LOCK the UMEM was registered anyway (RLIMIT_MEMLOCK large?): $out"
else
	fail "without CAP_IPC_LOCK -> $rc: $out"
fi
expect 1 "$ifc: xlane is not running" -- status "$ifc"

echo "test_cli_netns: $((checks - fails))/$checks checks passed"
[ "$fails" -eq 0 ]
