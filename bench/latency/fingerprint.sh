#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# Print the system fingerprint stored with every latency result, as one JSON object:
# kernel, CPU model, frequency governor, interface and driver, NUMA node of the interface,
# queue counts, ring sizes, offloads, XDP programs attached, busy-poll settings,
# napi_defer_hard_irqs, gro_flush_timeout, threaded NAPI, RPS, CPU pinning.
#
#   fingerprint.sh --iface IF [--netns NS] [--peer-iface IF --peer-netns NS]
#                  [--srv-cpu N] [--cli-cpu N] [--rx-steering TEXT]
# Reads only; changes nothing.
set -euo pipefail

iface= netns= peer_iface= peer_netns= srv_cpu=-1 cli_cpu=-1 rx_steering="default"
while [ $# -gt 0 ]; do
	case "$1" in
	--iface) iface=$2; shift 2 ;;
	--netns) netns=$2; shift 2 ;;
	--peer-iface) peer_iface=$2; shift 2 ;;
	--peer-netns) peer_netns=$2; shift 2 ;;
	--srv-cpu) srv_cpu=$2; shift 2 ;;
	--cli-cpu) cli_cpu=$2; shift 2 ;;
	--rx-steering) rx_steering=$2; shift 2 ;;
	*) echo "fingerprint: unknown argument '$1'" >&2; exit 2 ;;
	esac
done
[ -n "$iface" ] || { echo "fingerprint: --iface is required" >&2; exit 2; }

# run in the interface's namespace (ip netns exec also gives that namespace's sysfs)
in_ns() {
	local ns=$1
	shift
	if [ -n "$ns" ]; then ip netns exec "$ns" "$@"; else "$@"; fi
}
rd() { # rd NS FILE: file content or null
	in_ns "$1" cat "$2" 2>/dev/null | head -c 200 | tr -d '\n' || true
}
js() { # a JSON string, or null when empty
	if [ -n "${1:-}" ]; then jq -Rn --arg v "$1" '$v'; else echo null; fi
}

iface_json() {
	local ns=$1 dev=$2 sys=/sys/class/net/$2 drv rings offl xdp
	drv=$(in_ns "$ns" ethtool -i "$dev" 2>/dev/null | jq -Rn '[inputs | select(test(": ")) | index(": ") as $i | {key: .[:$i], value: .[$i+2:]}] | from_entries' 2>/dev/null || echo null)
	if rings=$(in_ns "$ns" ethtool -g "$dev" 2>/dev/null); then
		rings=$(printf '%s' "$rings" | tr '\t' ' ' | awk 'NF' | jq -Rs .)
	else
		rings='"not reported by the driver (ethtool -g unsupported)"'
	fi
	offl=$(in_ns "$ns" ethtool -k "$dev" 2>/dev/null | jq -Rn '[inputs
		| select(test("^(generic-receive-offload|tx-checksumming|rx-checksumming|generic-segmentation-offload|rx-gro-hw|rx-udp-gro-forwarding): "))
		| index(": ") as $i | {key: .[:$i], value: (.[$i+2:] | split(" ")[0])}] | from_entries' 2>/dev/null || echo null)
	xdp=$(in_ns "$ns" ip -j -d link show dev "$dev" 2>/dev/null | jq -c '.[0].xdp // null' 2>/dev/null || echo null)
	jq -n --arg dev "$dev" --arg ns "$ns" --argjson drv "${drv:-null}" --argjson rings "${rings:-null}" \
		--argjson offl "${offl:-null}" --argjson xdp "${xdp:-null}" \
		--arg mtu "$(rd "$ns" "$sys/mtu")" \
		--arg numa "$(rd "$ns" "$sys/device/numa_node")" \
		--arg rxq "$(in_ns "$ns" sh -c "ls -d $sys/queues/rx-* 2>/dev/null | wc -l")" \
		--arg txq "$(in_ns "$ns" sh -c "ls -d $sys/queues/tx-* 2>/dev/null | wc -l")" \
		--arg rps "$(rd "$ns" "$sys/queues/rx-0/rps_cpus")" \
		--arg defer "$(rd "$ns" "$sys/napi_defer_hard_irqs")" \
		--arg gro "$(rd "$ns" "$sys/gro_flush_timeout")" \
		--arg threaded "$(rd "$ns" "$sys/threaded")" \
		'{name: $dev, netns: (if $ns == "" then null else $ns end), driver: $drv, mtu: ($mtu | tonumber? // null),
		  numa_node: (if $numa == "" then "none (no device node: virtual interface)" else ($numa | tonumber) end),
		  rx_queues: ($rxq | tonumber), tx_queues: ($txq | tonumber), rings: $rings, offloads: $offl,
		  xdp_attached: $xdp, rps_cpus_rx0: $rps,
		  napi_defer_hard_irqs: ($defer | tonumber? // null), gro_flush_timeout: ($gro | tonumber? // null),
		  threaded_napi: ($threaded | tonumber? // null)}'
}

srv=$(iface_json "$netns" "$iface")
if [ -n "$peer_iface" ]; then peer=$(iface_json "$peer_netns" "$peer_iface"); else peer=null; fi

gov=$(cat /sys/devices/system/cpu/cpu0/cpufreq/scaling_governor 2>/dev/null || true)
[ -n "$gov" ] || gov="none (no cpufreq: fixed or host-controlled frequency)"
virt=$(systemd-detect-virt 2>/dev/null || true)

jq -n \
	--arg kernel "$(uname -r)" --arg kver "$(uname -v)" --arg arch "$(uname -m)" \
	--arg cpu "$(awk -F': ' '/^model name/ {print $2; exit}' /proc/cpuinfo)" \
	--arg mhz "$(awk -F': ' '/^cpu MHz/ {print $2; exit}' /proc/cpuinfo)" \
	--arg ncpu "$(nproc)" --arg gov "$gov" --arg virt "${virt:-unknown}" \
	--arg load "$(cut -d' ' -f1-3 /proc/loadavg)" \
	--arg nodes "$(ls -d /sys/devices/system/node/node* 2>/dev/null | wc -l)" \
	--arg clk "$(cat /sys/devices/system/clocksource/clocksource0/current_clocksource 2>/dev/null)" \
	--arg ag "$(cat /proc/sys/kernel/sched_autogroup_enabled 2>/dev/null)" \
	--arg bp "$(sysctl -n net.core.busy_poll 2>/dev/null)" \
	--arg br "$(sysctl -n net.core.busy_read 2>/dev/null)" \
	--arg rmem "$(in_ns "$netns" sysctl -n net.core.rmem_max 2>/dev/null)" \
	--arg wmem "$(in_ns "$netns" sysctl -n net.core.wmem_max 2>/dev/null)" \
	--argjson srv "$srv" --argjson peer "$peer" \
	--argjson scpu "$srv_cpu" --argjson ccpu "$cli_cpu" --arg steer "$rx_steering" \
	'{kernel: $kernel, kernel_build: $kver, arch: $arch, cpu_model: $cpu,
	  cpu_mhz: ($mhz | tonumber? // null), cpus: ($ncpu | tonumber), numa_nodes: ($nodes | tonumber),
	  governor: $gov, virtualization: $virt, clocksource: $clk,
	  loadavg_at_start: $load,
	  iface: $srv.name, driver: ($srv.driver.driver // null), numa_node: $srv.numa_node,
	  rx_queues: $srv.rx_queues, tx_queues: $srv.tx_queues, rings: $srv.rings,
	  napi_defer_hard_irqs: $srv.napi_defer_hard_irqs, gro_flush_timeout: $srv.gro_flush_timeout,
	  busy_poll: {"net.core.busy_poll": ($bp | tonumber? // null), "net.core.busy_read": ($br | tonumber? // null),
	              per_socket: "SO_BUSY_POLL / SO_PREFER_BUSY_POLL set by each busy-polling server (see servers[].server_stats)"},
	  socket_buffers: {"net.core.rmem_max": ($rmem | tonumber? // null), "net.core.wmem_max": ($wmem | tonumber? // null)},
	  pinning: {server_cpu: $scpu, client_cpu: $ccpu},
	  sched_autogroup: ($ag | tonumber? // null),
	  rx_steering: $steer,
	  server_iface: $srv, client_iface: $peer}'
