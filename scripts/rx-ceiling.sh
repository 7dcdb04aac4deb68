#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# The receive path's ceiling on the veth testbed: xl_drop (XDP_DROP, xdp_prog/drop.bpf.c) on the
# server's veth, its receive work on the server's CPU (threaded NAPI pinned there, as for the
# receive-only comparison of scripts/bench-latency.sh), and lat_blast stepping the offered rate
# from the client's CPU: --generator xdp (default: XDP live frames, which the server's veth
# receives as xdp_frames, as from a NIC) or xsk (AF_XDP TX: skbs, which veth converts before XDP). What XDP_DROP sustains bounds every AF_XDP receiver
# on the same testbed (xlane, DPDK's net_af_xdp): each of them also redirects, copies the frame
# into its UMEM and runs a user-space loop on that CPU.
#
#   scripts/rx-ceiling.sh [--quick] [--build DIR] [--rates LIST] [--duration S] [--repeat N]
#                         [--cpus SRV,CLI] [--generator xdp|xsk] [--json FILE]
#
# Defaults: --build build/run (built if needed), --rates 250000,500000,1000000,1500000,2000000,
# 3000000,5000000,10000000, --duration 1, --repeat 3, --cpus 0,1, --generator xdp,
# --json results/rx-ceiling.json.
# --quick: rates 300000,3000000, 0.3 s, one repetition (a smoke run, seconds).
# Per step: the datagrams lat_blast sent, the frames XDP dropped (veth's rx_queue_0_xdp_drops),
# the datagrams veth refused because its ring was full (--xsk: lat_blast's device_drops; --xdp: the
# client veth's tx_queue_0_xdp_xmit_errors), and the loss
# (1 - XDP frames / sent, at least 0: XDP_DROP also takes the few frames the client's kernel sends
# on its own, such as IPv6 neighbour discovery). Root; the testbed's namespaces are removed on any
# exit. The figures move with the machine's state (on the README's VM the peak was 1.25 M/s in
# one run and 2.0 M/s in another): compare them with receivers measured in the same session.
set -euo pipefail
cd "$(dirname "$0")/.."

build=build/run rates=250000,500000,1000000,1500000,2000000,3000000,5000000,10000000 dur=1 repeat=3
cpus=0,1 json=results/rx-ceiling.json gen=xdp
usage() { sed -n '10,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//' >&2; exit "$1"; }
die() { echo "rx-ceiling: $*" >&2; exit 2; }
while [ $# -gt 0 ]; do
	case "$1" in
	--quick) rates=300000,3000000 dur=0.3 repeat=1; shift ;;
	--build|--rates|--duration|--repeat|--cpus|--json|--generator)
		[ $# -ge 2 ] || die "$1 needs a value"
		case "$1" in
		--build) build=$2 ;; --rates) rates=$2 ;; --duration) dur=$2 ;;
		--repeat) repeat=$2 ;; --cpus) cpus=$2 ;; --json) json=$2 ;; --generator) gen=$2 ;;
		esac
		shift 2 ;;
	-h|--help) usage 0 ;;
	*) die "unknown option '$1'" ;;
	esac
done
[[ "$rates" =~ ^[0-9]+(,[0-9]+)*$ ]] || die "--rates wants packets/s separated by commas, got '$rates'"
for r in ${rates//,/ }; do [ "$r" -gt 0 ] || die "--rates: a rate of 0"; done
if ! [[ "$dur" =~ ^[0-9]+(\.[0-9]+)?$ ]] || ! awk "BEGIN { exit !($dur > 0 && $dur <= 60) }"; then
	die "--duration wants 0 < S <= 60, got '$dur'"
fi
if ! [[ "$repeat" =~ ^[0-9]+$ ]] || [ "$repeat" -lt 1 ] || [ "$repeat" -gt 20 ]; then
	die "--repeat wants 1..20, got '$repeat'"
fi
[[ "$gen" =~ ^(xdp|xsk)$ ]] || die "--generator wants xdp or xsk, got '$gen'"
[[ "$cpus" =~ ^([0-9]+),([0-9]+)$ ]] || die "--cpus wants SRV,CLI, got '$cpus'"
srv_cpu=${BASH_REMATCH[1]} cli_cpu=${BASH_REMATCH[2]}
[ "$srv_cpu" != "$cli_cpu" ] || die "server and client need distinct CPUs"
[ "$(id -u)" -eq 0 ] || { echo "rx-ceiling: needs root (namespaces, XDP, AF_XDP)" >&2; exit 1; }
for t in jq ethtool ip taskset; do
	command -v $t >/dev/null || { echo "rx-ceiling: $t is missing (scripts/deps.sh)" >&2; exit 1; }
done

[ -d "$build" ] || meson setup "$build" --buildtype=release >/dev/null
meson compile -C "$build" xdp_prog/drop.bpf.o bench/latency/lat_blast >/dev/null
obj=$build/xdp_prog/drop.bpf.o blast=$build/bench/latency/lat_blast

tb=xlceil$$
tmp=$(mktemp -d /tmp/xl-rx-ceiling.XXXXXX)
cleanup() {
	local rc=$?
	scripts/testbed.sh down "$tb" >/dev/null 2>&1 || true
	rm -rf "$tmp"
	exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT TERM
say() { printf '[rx-ceiling %3ss] %s\n' "$SECONDS" "$*" >&2; }

eval "$(scripts/testbed.sh up "$tb" --queues 1)"
srv_ns=$XL_TB_SRV_NS cli_ns=$XL_TB_CLI_NS srv_if=$XL_TB_SRV_IF cli_if=$XL_TB_CLI_IF
mac=$(ip -n "$srv_ns" -j link show dev "$srv_if" | jq -r '.[0].address')
ip -n "$srv_ns" link set dev "$srv_if" xdpdrv obj "$obj" sec xdp ||
	{ echo "rx-ceiling: cannot attach $obj in native mode to $srv_if" >&2; exit 1; }
# the receive work on the server's CPU: veth's NAPI exists once XDP is attached
ip netns exec "$srv_ns" sh -c "echo 1 > /sys/class/net/$srv_if/threaded" ||
	{ echo "rx-ceiling: no threaded NAPI on $srv_if" >&2; exit 1; }
n=0 pat="napi/$srv_if-"
for pid in $(pgrep "^${pat:0:15}" || true); do # kernel threads: comm is cut at 15 chars
	taskset -pc "$srv_cpu" "$pid" >/dev/null && n=$((n + 1))
done
[ "$n" -gt 0 ] || { echo "rx-ceiling: no NAPI thread of $srv_if to pin" >&2; exit 1; }
placement="threaded NAPI on, $n napi kthread(s) pinned to cpu$srv_cpu"
xdp_drops() { ip netns exec "$srv_ns" ethtool -S "$srv_if" | awk '$1 == "rx_queue_0_xdp_drops:" { print $2 }'; }
# redirected frames that found the server veth's ring full (veth counts them on the sending side)
xmit_errors() { ip netns exec "$cli_ns" ethtool -S "$cli_if" | awk '$1 == "tx_queue_0_xdp_xmit_errors:" { n = $2 } END { print n + 0 }'; }
[ -n "$(xdp_drops)" ] || { echo "rx-ceiling: $srv_if has no rx_queue_0_xdp_drops counter" >&2; exit 1; }

steps='[]'
for rep in $(seq "$repeat"); do
	for rate in ${rates//,/ }; do
		say "rep $rep/$repeat: lat_blast --$gen at $rate/s for ${dur}s (receive work: cpu$srv_cpu)"
		before=$(xdp_drops) xe0=$(xmit_errors)
		ip netns exec "$cli_ns" taskset -c "$cli_cpu" "$blast" --server "$XL_TB_SRV_IP4" --port 7000 \
			--size 64 --rate "$rate" --duration "$dur" --"$gen" "$cli_if" --dst-mac "$mac" \
			--json "$tmp/b.json" 2>>"$tmp/blast.log" || {
			echo "rx-ceiling: lat_blast failed: $(tail -n 2 "$tmp/blast.log")" >&2
			exit 1
		}
		sleep 0.2 # what is in flight lands
		after=$(xdp_drops) xe1=$(xmit_errors)
		steps=$(jq -c --argjson rep "$rep" --argjson rate "$rate" --argjson x "$((after - before))" \
			--argjson xe "$((xe1 - xe0))" \
			--slurpfile g "$tmp/b.json" '. + [{rep: $rep, offered_pps: $rate, sent: $g[0].sent,
			 seconds: $g[0].seconds, sent_pps: $g[0].sent_pps, xdp_frames: $x,
			 xdp_pps: ($x / $g[0].seconds), device_drops: ($g[0].device_drops // $xe),
			 loss_ratio: (if $g[0].sent > 0 then ([1 - $x / $g[0].sent, 0] | max) else 0 end)}]' <<<"$steps")
	done
done

mkdir -p "$(dirname "$json")"
jq -n --argjson steps "$steps" --arg placement "$placement" --arg kernel "$(uname -r)" \
	--arg cpu "$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo)" \
	--arg gen "$(jq -r .generator "$tmp/b.json")" --argjson dur "$dur" --argjson repeat "$repeat" \
	--arg sc "$srv_cpu" --arg cc "$cli_cpu" \
	'def med: sort | .[(length - 1) / 2 | floor];
	 ($steps | group_by(.offered_pps) | map({offered_pps: .[0].offered_pps,
	     sent_pps: (map(.sent_pps) | med), xdp_pps: (map(.xdp_pps) | med),
	     device_drops: (map(.device_drops) | med), loss_ratio: (map(.loss_ratio) | med)})) as $rows
	 | {program: "xl_drop (XDP_DROP), native mode", kernel: $kernel, cpu_model: $cpu,
	    generator: "\($gen) on cpu\($cc), 64-byte payloads", receive_work: "\($placement)",
	    server_cpu: ($sc | tonumber), duration_s: $dur, repeat: $repeat,
	    peak_xdp_pps: ($rows | map(.xdp_pps) | max),
	    max_lossfree_sent_pps: ([$rows[] | select(.loss_ratio < 0.001) | .sent_pps] | max),
	    rows: $rows, steps: $steps}' >"$json"

printf '%-12s %12s %12s %12s %9s\n' offered/s sent/s XDP/s ring-drops loss
jq -r '.rows[] | [.offered_pps, (.sent_pps | floor), (.xdp_pps | floor), (.device_drops | floor),
	"\(.loss_ratio * 1000 | round / 10)%"] | @tsv' "$json" |
	awk -F'\t' '{ printf "%-12s %12s %12s %12s %9s\n", $1, $2, $3, $4, $5 }'
jq -r '"peak \(.peak_xdp_pps | floor) frames/s through XDP_DROP; highest step under 0.1 % loss: \(.max_lossfree_sent_pps // "none" | if type == "number" then floor else . end) sent/s (medians of \(.repeat); receive work: \(.receive_work))"' "$json"
echo "rx-ceiling: $json" >&2
