#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# Suite 'netns': lat_blast's frame engines, AF_XDP (--xsk) and XDP live frames (--xdp), on a
# fresh veth testbed. A kernel UDP socket on the server receives what each sends over IPv4 and
# IPv6, so the kernel checks every header and checksum; a receiver checks each datagram's
# identity (sequence number, source port of its flow, payload pattern). Also: the bind mode is
# reported, --count is exact, --rate is kept, bad options fail with a message. Exit 77 (meson:
# skipped) when not root.
#   test_blast.sh SOURCE_ROOT BUILD_ROOT
set -uo pipefail
src=$1 build=$2
if [ "$(id -u)" -ne 0 ]; then
	echo "SKIP: needs root (network namespaces, AF_XDP)" >&2
	exit 77
fi
blast=$build/bench/latency/lat_blast
tb=xlbx$$
work=$(mktemp -d /tmp/xl-blast.XXXXXX)
rpid=
cleanup() {
	[ -z "$rpid" ] || kill "$rpid" 2>/dev/null
	"$src/scripts/testbed.sh" down "$tb" >/dev/null 2>&1
	rm -rf "$work"
}
trap cleanup EXIT
eval "$("$src/scripts/testbed.sh" up "$tb" --queues 1)" || exit 1
mac=$(ip -n "$XL_TB_SRV_NS" -j link show dev "$XL_TB_SRV_IF" | jq -r '.[0].address')

fails=0 checks=0
ok() { checks=$((checks + 1)); echo "ok   $*"; }
fail() { checks=$((checks + 1)); fails=$((fails + 1)); echo "FAIL: $*"; }

# receiver ADDR SECONDS: counts datagrams on ADDR:7000 and checks each one's identity; prints
# "received N bad M dups D flows F" once no datagram came for 1 s (or SECONDS passed)
receiver() {
	ip netns exec "$XL_TB_SRV_NS" python3 - "$1" "$2" <<'PY'
import socket, sys, time
addr, secs = sys.argv[1], float(sys.argv[2])
fam = socket.AF_INET6 if ":" in addr else socket.AF_INET
s = socket.socket(fam, socket.SOCK_DGRAM)
s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 8 << 20)
s.bind((addr, 7000))
s.settimeout(1.0)
print("listening", flush=True)
seen, bad, dups, ports = set(), 0, 0, set()
end = time.monotonic() + secs
while time.monotonic() < end:
    try:
        data, peer = s.recvfrom(2048)
    except socket.timeout:
        if seen:
            break
        continue
    seq = int.from_bytes(data[:8], "big")
    pattern = bytes((0xb1 + i) & 0xff for i in range(8, len(data)))
    if len(data) != 64 or data[8:] != pattern or not 40000 <= peer[1] < 40004 or \
            peer[1] != 40000 + seq % 4:
        bad += 1
        continue
    if seq in seen:
        dups += 1
    seen.add(seq)
    ports.add(peer[1])
print(f"received {len(seen)} bad {bad} dups {dups} flows {len(ports)}", flush=True)
PY
}

# /proc/net/snmp6 is "Udp6InCsumErrors N" per line
csum6_errors() { ip netns exec "$XL_TB_SRV_NS" awk '$1 == "Udp6InCsumErrors" { print $2 }' /proc/net/snmp6; }
csum4_errors() {
	ip netns exec "$XL_TB_SRV_NS" awk '$1 == "Udp:" { if (!n++) { for (i = 2; i <= NF; i++) if ($i == "InCsumErrors") c = i } else print $c }' /proc/net/snmp
}

n=800 # below the receive backlog (1000): the kernel has no reason to drop any
for engine in xsk xdp; do
	# veth takes xdp_frames only into a NAPI instance: GRO on gives the server's veth one (a
	# NIC's default), with no XDP program in the way of the kernel's checks
	gro=off
	[ $engine = xsk ] || gro=on
	ip netns exec "$XL_TB_SRV_NS" ethtool -K "$XL_TB_SRV_IF" gro $gro >/dev/null
	for fam in 4 6; do
		t="$engine IPv$fam"
		if [ $fam = 4 ]; then dst=$XL_TB_SRV_IP4; before=$(csum4_errors); else dst=$XL_TB_SRV_IP6; before=$(csum6_errors); fi
		receiver "$dst" 20 >"$work/rx$fam.txt" &
		rpid=$!
		for _ in $(seq 50); do grep -q listening "$work/rx$fam.txt" && break; sleep 0.1; done
		# --xdp paces per datagram: 20000/s keeps the server's socket ahead of it
		rate=()
		[ $engine = xsk ] || rate=(--rate 20000)
		out=$(ip netns exec "$XL_TB_CLI_NS" timeout 20 "$blast" --server "$dst" --$engine "$XL_TB_CLI_IF" \
			--dst-mac "$mac" --count $n --flows 4 "${rate[@]}" --json "$work/b$fam.json" 2>&1)
		rc=$?
		wait "$rpid"
		rpid=
		if [ $fam = 4 ]; then after=$(csum4_errors); else after=$(csum6_errors); fi
		[ $rc -eq 0 ] && ok "$t: lat_blast --$engine exit 0" || fail "$t: lat_blast --$engine exit $rc: $out"
		if [ $engine = xsk ]; then
			jq -e --argjson n $n '.sent == $n and .engine == "af_xdp" and .tx_invalid_descs == 0 and .device_drops >= 0' "$work/b$fam.json" >/dev/null &&
				ok "$t: sent exactly --count $n, no invalid descriptors" ||
				fail "$t: $(cat "$work/b$fam.json" 2>/dev/null)"
			# veth has no zero-copy: the engine must have tried, fallen back and said so
			if jq -e '.bind_mode == "copy" and (.bind_note | length) > 0' "$work/b$fam.json" >/dev/null &&
				grep -q "copy mode" <<<"$out"; then
				ok "$t: copy mode reported, with why: $(jq -r .bind_note "$work/b$fam.json")"
			else
				fail "$t: bind mode not reported: $out"
			fi
		else
			# 800 datagrams at 20000/s take 40 ms: well under 60 ms means no pacing
			jq -e --argjson n $n '.sent == $n and .engine == "xdp_live" and .frames_run >= $n and .seconds >= 0.038' \
				"$work/b$fam.json" >/dev/null &&
				ok "$t: sent exactly --count $n at --rate 20000 ($(jq -r .seconds "$work/b$fam.json") s)" ||
				fail "$t: $(cat "$work/b$fam.json" 2>/dev/null)"
		fi
		read -r _ got _ bad _ dups _ flows < <(grep received "$work/rx$fam.txt")
		[ "${got:-0}" -ge $((n * 99 / 100)) ] && [ "${bad:-1}" -eq 0 ] && [ "${dups:-1}" -eq 0 ] && [ "${flows:-0}" -eq 4 ] &&
			ok "$t: $got of $n datagrams received, each with its sequence, flow port and pattern" ||
			fail "$t: receiver: $(cat "$work/rx$fam.txt")"
		[ "$after" -eq "$before" ] && ok "$t: no UDP checksum errors in the server's kernel" ||
			fail "$t: UDP checksum errors went from $before to $after"
	done
done

# options that cannot work fail before anything is sent, naming the problem
expect() { # want-status text -- args
	local want=$1 text=$2 out rc
	shift 3
	out=$(ip netns exec "$XL_TB_CLI_NS" "$blast" "$@" 2>&1)
	rc=$?
	[ $rc -eq "$want" ] && grep -qF -- "$text" <<<"$out" && ok "lat_blast $* -> $rc" ||
		fail "lat_blast $* -> $rc (want $want, '$text'): $out"
}
expect 2 "--xsk needs --dst-mac" -- --server "$XL_TB_SRV_IP4" --xsk "$XL_TB_CLI_IF"
expect 2 "is not a MAC address" -- --server "$XL_TB_SRV_IP4" --xsk "$XL_TB_CLI_IF" --dst-mac 02:00:zz:00:00:01
expect 2 "need --xsk" -- --server "$XL_TB_SRV_IP4" --flows 4
expect 1 "no such interface" -- --server "$XL_TB_SRV_IP4" --xsk xl-none --dst-mac "$mac" --count 1
expect 2 "needs at least 8 bytes" -- --server "$XL_TB_SRV_IP4" --xsk "$XL_TB_CLI_IF" --dst-mac "$mac" --size 4
expect 2 "--xdp needs --dst-mac" -- --server "$XL_TB_SRV_IP4" --xdp "$XL_TB_CLI_IF"
expect 2 "two engines" -- --server "$XL_TB_SRV_IP4" --xdp "$XL_TB_CLI_IF" --xsk "$XL_TB_CLI_IF" --dst-mac "$mac"
expect 2 "--batch does not apply to --xdp" -- --server "$XL_TB_SRV_IP4" --xdp "$XL_TB_CLI_IF" --dst-mac "$mac" --batch 8
expect 2 "--queue needs --xsk" -- --server "$XL_TB_SRV_IP4" --xdp "$XL_TB_CLI_IF" --dst-mac "$mac" --queue 1
expect 1 "no such interface" -- --server "$XL_TB_SRV_IP4" --xdp xl-none --dst-mac "$mac" --count 1

echo "test_blast: $((checks - fails))/$checks checks passed"
[ $fails -eq 0 ]
