#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# The latency/throughput comparison in ONE run, same client, same testbed:
#   kernel-block     kernel UDP echo, blocking recvmsg/sendmsg            (the baseline of every ratio)
#   kernel-mmsg      kernel UDP echo, recvmmsg/sendmmsg batches
#   kernel-busypoll  kernel UDP echo, SO_BUSY_POLL + SO_PREFER_BUSY_POLL, non-blocking spin
#   xlane-wakeup     `xlane run --handler echo` (AF_XDP, need_wakeup)     [when the xlane binary works]
#   xlane-busypoll   `xlane run --handler echo --busy-poll`               [when the xlane binary works]
#   dpdk-af_xdp      bench/latency/dpdk_echo on DPDK's net_af_xdp PMD: it STANDS IN FOR
#                    `dpdk-testpmd --forward-mode=5tswap`, which Debian 12 does not package
# plus the cold-path tax (the kernel path with xlane attached, steering another port, against
# nothing attached) and the round-trip breakdown of the xlane servers (client -> XDP -> worker ->
# client, from the stamps of `xlane run --rx-stamp --handler echo-ts` and `lat_client --stamp`),
# the receive-only throughput of each receiver next to the path's ceiling on the veth testbed
# (xdp-drop: XDP_DROP in the same run, as scripts/rx-ceiling.sh measures it alone), and paired
# rounds: xlane-busypoll right next to each latency reference (dpdk-af_xdp, kernel-busypoll),
# round after round, with the ratios taken within each round. Results:
# results/latency.json (schema: bench/latency/schema.jq), the table on stdout, PNG plots in
# results/ (scripts/plot.sh), client logs in results/latency-log.txt.
#
#   scripts/bench-latency.sh [--quick] [--build DIR] [--out DIR] [--cpus SRV,CLI] [--servers LIST]
#                            [--rt PRIO]   run server and client SCHED_FIFO PRIO (1..99), so other
#                                          load on a shared machine cannot deschedule them (the
#                                          kernel's RT throttling still leaves 5 % to everything else)
#                            [--nice N]    run server and client at nice N (-20..19), each in a
#                                          session of its own whose autogroup gets N too: a milder
#                                          way to keep other load from descheduling them; the NAPI
#                                          thread of the receive-only runs gets N too, and below 0
#                                          the receivers that sleep also run above it (the thread
#                                          at nice 0), those that spin under it (at nice 0)
#                            [--rounds N]  paired rounds (default 10; 1 with --quick; 0: none)
#                            [--generator xdp|xsk|sendmmsg]  the receive-only load: lat_blast
#                                          redirecting XDP live frames (default: the server's veth
#                                          receives xdp_frames, as from a NIC's ring), on an AF_XDP
#                                          TX socket (the server's veth receives skbs), or on a
#                                          kernel UDP socket; xdp falls back to xsk, xsk to
#                                          sendmmsg, when it cannot start
#   scripts/bench-latency.sh --srv-iface IF --srv-ip ADDR [--srv-ip6 ADDR] [--srv-netns NS]
#                            [--cli-iface IF] [--cli-netns NS] ...       (real interfaces: no testbed)
#
# On the veth testbed (the default) both ends live in namespaces this script creates
# (scripts/testbed.sh, 198.18.0.0/15 and 2001:2::/48) and are removed by a trap on any exit.
# Every load is bounded by a probe count and a duration; every server by --max-seconds.
set -euo pipefail
cd "$(dirname "$0")/.."
top=$PWD
cmdline="scripts/bench-latency.sh${*:+ $*}" # recorded in the JSON before the options are shifted away

quick=0 build= out=results cpus=0,1 servers=all rt=0 nice=0 rx_gen=xdp rounds=
srv_if= cli_if= srv_ns= cli_ns= srv_ip= srv_ip6= real=0
usage() {
	sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//' >&2
	exit 2
}
while [ $# -gt 0 ]; do
	case "$1" in
	--quick) quick=1; shift ;;
	--build) build=$2; shift 2 ;;
	--out) out=$2; shift 2 ;;
	--cpus) cpus=$2; shift 2 ;;
	--servers) servers=$2; shift 2 ;;
	--rt) rt=$2; shift 2 ;;
	--nice) nice=$2; shift 2 ;;
	--generator) rx_gen=$2; shift 2 ;;
	--rounds) rounds=$2; shift 2 ;;
	--srv-iface) srv_if=$2; real=1; shift 2 ;;
	--cli-iface) cli_if=$2; shift 2 ;;
	--srv-netns) srv_ns=$2; shift 2 ;;
	--cli-netns) cli_ns=$2; shift 2 ;;
	--srv-ip) srv_ip=$2; shift 2 ;;
	--srv-ip6) srv_ip6=$2; shift 2 ;;
	-h | --help) usage ;;
	*) echo "bench-latency: unknown argument '$1' (--help)" >&2; exit 2 ;;
	esac
done
[[ "$cpus" =~ ^([0-9]+),([0-9]+)$ ]] || { echo "bench-latency: --cpus wants SRV,CLI, got '$cpus'" >&2; exit 2; }
srv_cpu=${BASH_REMATCH[1]} cli_cpu=${BASH_REMATCH[2]}
[ "$srv_cpu" != "$cli_cpu" ] || { echo "bench-latency: server and client need distinct CPUs" >&2; exit 2; }
[[ "$rt" =~ ^[0-9]+$ ]] && [ "$rt" -le 99 ] || { echo "bench-latency: --rt wants 1..99, got '$rt'" >&2; exit 2; }
[[ "$rx_gen" =~ ^(xdp|xsk|sendmmsg)$ ]] || { echo "bench-latency: --generator wants xdp, xsk or sendmmsg, got '$rx_gen'" >&2; exit 2; }
[[ "$nice" =~ ^-?[0-9]+$ ]] && [ "$nice" -ge -20 ] && [ "$nice" -le 19 ] ||
	{ echo "bench-latency: --nice wants -20..19, got '$nice'" >&2; exit 2; }
[ -z "$rounds" ] || { [[ "$rounds" =~ ^[0-9]+$ ]] && [ "$rounds" -le 100 ]; } ||
	{ echo "bench-latency: --rounds wants 0..100, got '$rounds'" >&2; exit 2; }
# Servers and clients: SCHED_FIFO with --rt; otherwise each in a session of its own whose
# autogroup has its nice value (bench/latency/own-session.sh), so that --nice weighs against the
# NAPI thread too, and a server's weight on its CPU does not depend on the client's load.
sched_pfx() { # nice -> the command prefix of a server or client at that nice value, in PFX
	if [ "$rt" -gt 0 ]; then PFX=(chrt -f "$rt"); else PFX=("$top/bench/latency/own-session.sh" "$1"); fi
}
sched_pfx "$nice"
rt_pfx=("${PFX[@]}")
# Servers that spin on their socket or rings rather than sleep when idle. Under the NAPI thread
# they keep their CPU only while the thread has nothing to do; above it they starve it.
spins() { [[ "$1" =~ ^(kernel-busypoll|xlane-busypoll|dpdk-af_xdp)$ ]]; }
[ "$(id -u)" -eq 0 ] || { echo "bench-latency: needs root (namespaces, XDP, AF_XDP)" >&2; exit 1; }
for t in jq taskset ip; do
	command -v $t >/dev/null || { echo "bench-latency: $t is missing (scripts/deps.sh)" >&2; exit 1; }
done

# ---- parameters: --quick keeps the whole run under a minute (CI) ------------------------------
if [ "$quick" = 1 ]; then
	REPEAT=3 DUR=0.2 WARM=0.1 V6_REPEAT=1 SWEEP_RATES=5000,20000 STEP=0.1 TPUT_REPEAT=1
	TPUT_START=20000 TPUT_MAX=400000 DRAIN=50 TAX_REPEAT=1 BD_SIZE=72 RX_REPEAT=1 RX_DUR=0.1 RX_SETTLE=0.05 RX_RATES=3000000
	PAIR_ROUNDS=1 PAIR_DUR=0.2 PAIR_WARM=0.1
else
	REPEAT=3 DUR=3 WARM=1 V6_REPEAT=3 SWEEP_RATES=5000,10000,25000,50000,100000,150000,200000,300000
	STEP=0.5 TPUT_REPEAT=3 TPUT_START=20000 TPUT_MAX=4000000 DRAIN=200 TAX_REPEAT=3 BD_SIZE=72 RX_REPEAT=3 RX_DUR=1 RX_SETTLE=0.3
	RX_RATES=250000,500000,1000000,1500000,2000000,2500000,3000000,4000000,6000000
	PAIR_ROUNDS=10 PAIR_DUR=1 PAIR_WARM=0.5
fi
[ -z "$rounds" ] || PAIR_ROUNDS=$rounds
# no server outlives this, whatever happens to the script
if [ "$quick" = 1 ]; then MAXS=120; else MAXS=1800; fi
PORT=7000 TAX_PORT=7001

# ---- build --------------------------------------------------------------------------------------
if [ -z "$build" ]; then
	build=build/bench
	[ -d "$build" ] || meson setup "$build" --buildtype=release >/dev/null
	meson compile -C "$build" >/dev/null
fi
bin=$build/bench/latency
for b in lat_client lat_echo_kernel lat_table; do
	[ -x "$bin/$b" ] || { echo "bench-latency: $bin/$b not built" >&2; exit 1; }
done
xlane=$build/userspace/cli/xlane

mkdir -p "$out"
rm -rf "$out/raw"
tmp=$(mktemp -d /tmp/xl-bench-lat.XXXXXX)
log=$out/latency-log.txt
: >"$log"
srv_pid=

# ---- testbed --------------------------------------------------------------------------------------
tb=xlb$$
cleanup() {
	local rc=$?
	if [ -n "$srv_pid" ] && kill -0 "$srv_pid" 2>/dev/null; then
		kill -TERM "$srv_pid" 2>/dev/null || true
		for _ in $(seq 50); do kill -0 "$srv_pid" 2>/dev/null || break; sleep 0.1; done
		kill -KILL "$srv_pid" 2>/dev/null || true
	fi
	[ "$real" = 1 ] || scripts/testbed.sh down "$tb" >/dev/null 2>&1 || true
	rm -rf "$tmp" "/var/run/dpdk/xlb$$" # dpdk_echo's EAL runtime directory (--file-prefix)
	exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT TERM

if [ "$real" = 0 ]; then
	eval "$(scripts/testbed.sh up "$tb" --queues 1)"
	srv_ns=$XL_TB_SRV_NS cli_ns=$XL_TB_CLI_NS srv_if=$XL_TB_SRV_IF cli_if=$XL_TB_CLI_IF
	srv_ip=$XL_TB_SRV_IP4 srv_ip6=$XL_TB_SRV_IP6
	# Static neighbours: an AF_XDP server that owns the queue (dpdk_echo) never answers ARP/ND,
	# and no server should pay for neighbour resolution inside a measurement.
	mac=$(ip -n "$srv_ns" -j link show dev "$srv_if" | jq -r '.[0].address')
	ip -n "$cli_ns" neigh replace "$srv_ip" lladdr "$mac" dev "$cli_if" nud permanent
	ip -n "$cli_ns" -6 neigh replace "$srv_ip6" lladdr "$mac" dev "$cli_if" nud permanent
else
	[ -n "$srv_ip" ] || { echo "bench-latency: --srv-iface needs --srv-ip" >&2; exit 2; }
fi

# Command prefixes, as arrays of real programs (not shell functions), so that a server started
# in the background IS the process whose PID we keep and kill: ip netns exec, in-netns.sh,
# taskset and timeout all exec their command.
srv_pfx=() cli_pfx=() srv_bpf_pfx=()
if [ -n "$srv_ns" ]; then srv_pfx=(ip netns exec "$srv_ns") srv_bpf_pfx=(scripts/in-netns.sh "$srv_ns"); fi
[ -z "$cli_ns" ] || cli_pfx=(ip netns exec "$cli_ns")
in_srv() { "${srv_pfx[@]}" "$@"; }
in_cli() { "${cli_pfx[@]}" "$@"; }
in_srv_bpf() { "${srv_bpf_pfx[@]}" "$@"; }
say() { printf '[bench-latency %3ss] %s\n' "$SECONDS" "$*" >&2; }

# ---- receive-side placement -------------------------------------------------------------------------
# veth runs the receiver's softirq work on the SENDING CPU unless told otherwise. Latency runs
# keep that default; the throughput search moves it to the server's CPU (RPS for the socket path,
# threaded NAPI pinned to the server's CPU for XDP) so each server pays for its own receive work.
srv_mask=$(printf '%x' $((1 << srv_cpu)))
# With the XDP generator (lat_blast --xdp) the testbed's server veth has GRO on during the
# receive-only runs: veth takes xdp_frames only into a NAPI instance, which a veth without an XDP
# program has only with GRO on (a NIC's default; veth's is off). The latency runs keep it off.
rx_default() {
	in_srv sh -c "echo 0 > /sys/class/net/$srv_if/queues/rx-0/rps_cpus; echo 0 > /sys/class/net/$srv_if/threaded" 2>/dev/null || true
	[ "$real" = 1 ] || in_srv ethtool -K "$srv_if" gro off >/dev/null 2>&1 || true
}
rx_on_server() { # [napi-nice] -> prints what it obtained (napi-nice: the NAPI thread's nice; default: the server's)
	local what=() pid knice=${1:-$nice}
	if [ "$rx_gen" = xdp ] && [ "$real" = 0 ]; then
		if in_srv ethtool -K "$srv_if" gro on >/dev/null 2>&1; then
			what+=("GRO on (veth: a NAPI instance for xdp_frames)")
		else
			what+=("GRO not available")
		fi
	fi
	if in_srv sh -c "echo $srv_mask > /sys/class/net/$srv_if/queues/rx-0/rps_cpus" 2>/dev/null; then
		what+=("RPS rx-0 -> cpu$srv_cpu")
	else
		what+=("RPS not available")
	fi
	if in_srv sh -c "echo 1 > /sys/class/net/$srv_if/threaded" 2>/dev/null; then
		local n=0
		local pat="napi/$srv_if-"
		for pid in $(pgrep "^${pat:0:15}" || true); do # kernel threads: comm is cut at 15 chars
			taskset -pc "$srv_cpu" "$pid" >/dev/null && n=$((n + 1))
			# the kthread shares the CPU with the server: by default it gets the server's weight,
			# or a spinning server at a better nice value starves the receive path it depends on
			renice -n "$knice" -p "$pid" >/dev/null || true
		done
		what+=("threaded NAPI on, $n napi kthread(s) pinned to cpu$srv_cpu at nice $knice")
	else
		what+=("threaded NAPI not available (no NAPI instance: no XDP program attached)")
	fi
	local IFS=';'
	echo "${what[*]}"
}

# ---- servers ----------------------------------------------------------------------------------------
xlane_ok=0 xlane_why=
if [ -x "$xlane" ] && "$xlane" run --help >/dev/null 2>&1; then
	xlane_ok=1
else
	xlane_why="xlane binary missing or 'xlane run' not working ($xlane)"
fi
dpdk_ok=0 dpdk_why="dpdk_echo not built (libdpdk-dev missing)"
[ -x "$bin/dpdk_echo" ] && dpdk_ok=1 dpdk_why=

declare -A DESC CMD
DESC[kernel-block]="kernel UDP socket, blocking recvmsg/sendmsg (baseline)"
DESC[kernel-mmsg]="kernel UDP socket, recvmmsg/sendmmsg batches of 32"
DESC[kernel-busypoll]="kernel UDP socket, SO_BUSY_POLL=50us + SO_PREFER_BUSY_POLL, non-blocking recvmmsg spin"
DESC[xlane-wakeup]="xlane run --handler echo, AF_XDP with need_wakeup"
DESC[xlane-busypoll]="xlane run --handler echo --busy-poll"
DESC[dpdk-af_xdp]="dpdk_echo (5tswap) on DPDK net_af_xdp; STANDS IN FOR dpdk-testpmd --forward-mode=5tswap, which Debian 12 does not package"

server_cmd() { # name stats_file [xlane rule port] [stamp] -> the command line, in an array SRV_CMD
	local name=$1 stats=$2 rport=${3:-$PORT} handler=(--handler echo) rt_pfx PFX
	# srv_nice: this server's nice value when it is not --nice (a receive-only placement)
	sched_pfx "${srv_nice:-$nice}"
	rt_pfx=("${PFX[@]}")
	# stamp: the RX-stamping program and the handler that returns the stamps (the breakdown);
	# rxonly: receive and count only (the receive-only throughput comparison)
	case "${4:-}" in
	stamp) handler=(--handler echo-ts --rx-stamp) ;;
	rxonly) handler=(--handler count) ;;
	esac
	case "$name" in
	kernel-block | kernel-mmsg | kernel-busypoll)
		local mode=${name#kernel-}
		[ "${4:-}" != rxonly ] || mode=rxonly # the recvmmsg path without the echo
		SRV_CMD=("${srv_pfx[@]}" "${rt_pfx[@]}" taskset -c "$srv_cpu" "$bin/lat_echo_kernel" --mode "$mode"
			--port "$PORT" --max-seconds "$MAXS" --stats "$stats") ;;
	xlane-wakeup | xlane-busypoll)
		SRV_CMD=("${srv_bpf_pfx[@]}" "${rt_pfx[@]}" taskset -c "$srv_cpu" timeout -s TERM "$MAXS" "$xlane" run "$srv_if"
			--queues 0 --rule "udp dport $rport" "${handler[@]}" --cpus "$srv_cpu")
		if [ "$name" = xlane-busypoll ]; then SRV_CMD+=(--busy-poll); fi ;;
	dpdk-af_xdp)
		# (LSAN_OPTIONS matters only for ASan builds: the PMD leaks libxdp's umem struct)
		SRV_CMD=("${srv_bpf_pfx[@]}" "${rt_pfx[@]}" env
			"LSAN_OPTIONS=${LSAN_OPTIONS:+$LSAN_OPTIONS:}suppressions=$top/bench/latency/lsan-dpdk.supp:print_suppressions=0"
			"$bin/dpdk_echo" -l "$srv_cpu" --no-pci --no-huge -m 256
			--file-prefix "xlb$$" --log-level=lib.eal:warning
			--vdev "net_af_xdp0,iface=$srv_if,start_queue=0,queue_count=1"
			-- --max-seconds "$MAXS" --stats "$stats")
		if [ "${4:-}" = rxonly ]; then SRV_CMD+=(--rxonly); fi ;;
	esac
}

client() { # label key family-ip json [lat_client options...]
	local label=$1 key=$2 ip=$3 json=$4
	shift 4
	echo "### $label $key" >>"$log"
	in_cli "${rt_pfx[@]}" taskset -c "$cli_cpu" "$bin/lat_client" --server "$ip" --port "$PORT" --label "$label" \
		--cpu "$cli_cpu" --drain-ms "$DRAIN" --json "$json" "$@" >>"$log"
}

wait_ready() { # name: probe until an echo comes back (bounded: 15 s)
	local i
	for i in $(seq 75); do
		kill -0 "$srv_pid" 2>/dev/null || return 1
		if in_cli "$bin/lat_client" --server "$srv_ip" --port "$PORT" --count 3 --duration 0.2 \
			--warmup 0 --repeat 1 --timeout-ms 50 --drain-ms 0 --quiet --json "$tmp/ready.json" \
			>/dev/null 2>&1 && [ "$(jq .summary.received "$tmp/ready.json")" -gt 0 ]; then
			return 0
		fi
		sleep 0.2
	done
	return 1
}

start_server() { # name stats errlog [rule port] [stamp]
	server_cmd "$1" "$2" "${4:-$PORT}" "${5:-}"
	echo "${SRV_CMD[*]}" >"$tmp/cmd-$1"
	"${SRV_CMD[@]}" >"$3" 2>&1 &
	srv_pid=$!
}

srv_exit=0
stop_server() { # sets srv_exit: the server's exit status (0 after a clean SIGTERM shutdown)
	srv_exit=0
	[ -n "$srv_pid" ] || return 0
	kill -TERM "$srv_pid" 2>/dev/null || true
	for _ in $(seq 100); do kill -0 "$srv_pid" 2>/dev/null || break; sleep 0.1; done
	kill -KILL "$srv_pid" 2>/dev/null || true
	wait "$srv_pid" 2>/dev/null || srv_exit=$?
	srv_pid=
}

skipped='[]'
skip() { # name reason
	say "SKIP $1: $2"
	skipped=$(jq -c --arg n "$1" --arg r "$2" '. + [{server: $n, reason: $r}]' <<<"$skipped")
}

testbed_alive() {
	[ "$real" = 1 ] || { [ -e "/run/netns/$srv_ns" ] && [ -e "/run/netns/$cli_ns" ]; } || {
		echo "bench-latency: the testbed namespaces $srv_ns/$cli_ns vanished (removed by someone" \
			"else?); partial results are in $out/raw" >&2
		exit 1
	}
}

run_server() { # name
	testbed_alive
	local name=$1 st=$tmp/stats-$1.json err=$tmp/err-$1.txt runs=$tmp/runs-$1 modes=null steer
	mkdir -p "$runs"
	rx_default
	start_server "$name" "$st" "$err"
	if ! wait_ready "$name"; then
		skip "$name" "server did not answer: $(tail -n 3 "$err" | tr '\n' ' ')"
		stop_server
		return 0
	fi
	say "$name: ping-pong, spinning client ($REPEAT x ${DUR}s)"
	client "$name" pingpong-spin "$srv_ip" "$runs/pingpong-spin.json" --mode pingpong --wait spin \
		--duration "$DUR" --warmup "$WARM" --repeat "$REPEAT"
	say "$name: ping-pong, blocking client ($REPEAT x ${DUR}s)"
	client "$name" pingpong-block "$srv_ip" "$runs/pingpong-block.json" --mode pingpong --wait block \
		--duration "$DUR" --warmup "$WARM" --repeat "$REPEAT"
	if [ -n "$srv_ip6" ]; then
		say "$name: ping-pong over IPv6, spinning client"
		client "$name" pingpong-spin-ipv6 "$srv_ip6" "$runs/pingpong-spin-ipv6.json" --mode pingpong \
			--wait spin --duration "$DUR" --warmup 0 --repeat "$V6_REPEAT"
	fi
	say "$name: open-loop sweep ($SWEEP_RATES pps, ${STEP}s each)"
	client "$name" sweep "$srv_ip" "$runs/sweep.json" --mode sweep --rates "$SWEEP_RATES" --step "$STEP" \
		--warmup 0 --repeat 1
	steer=$(rx_on_server)
	# a server that spins needs the NAPI thread above it (see the receive-only placements below):
	# for the search its session's autogroup goes to nice 0, the thread stays at --nice
	if [ "$nice" -lt 0 ] && [ "$rt" = 0 ] && spins "$name" &&
		echo 0 2>/dev/null >"/proc/$srv_pid/autogroup"; then
		steer+=";the server's session at nice 0, under the thread"
	fi
	say "$name: throughput search (receive work on cpu$srv_cpu: $steer)"
	client "$name" tput "$srv_ip" "$runs/tput.json" --mode tput --rate-start "$TPUT_START" \
		--rate-max "$TPUT_MAX" --step "$STEP" --warmup 0 --repeat "$TPUT_REPEAT"
	rx_default
	if [[ "$name" == xlane-* ]]; then
		in_srv_bpf "$xlane" stats "$srv_if" --json >"$tmp/modes-$name.json" 2>/dev/null &&
			jq -e . "$tmp/modes-$name.json" >/dev/null 2>&1 && modes=$(cat "$tmp/modes-$name.json")
	fi
	stop_server
	[ "$srv_exit" = 0 ] || say "$name exited with status $srv_exit: $(tail -n 2 "$err" | tr '\n' ' ')"
	[ -s "$st" ] || st=/dev/null
	jq -n --arg name "$name" --argjson exit "$srv_exit" --arg cmd "$(cat "$tmp/cmd-$name")" \
		--arg steer "$steer" --argjson modes "$modes" \
		--slurpfile stats "$st" \
		--arg stands "$([ "$name" = dpdk-af_xdp ] && echo "dpdk-testpmd --forward-mode=5tswap (not packaged by Debian 12)")" \
		'{name: $name, description: $description, command: $cmd,
		  stands_in_for: (if $stands == "" then null else $stands end),
		  rx_placement: {latency: "veth default: receive softirq on the sending CPU", throughput: $steer},
		  exit_status: $exit, server_stats: ($stats[0] // null), xlane_stats: $modes, runs: {}}' \
		--arg description "${DESC[$name]}" >"$tmp/server-$name.json"
	local f k
	for k in pingpong-spin pingpong-block pingpong-spin-ipv6 sweep tput; do
		f=$runs/$k.json
		[ -s "$f" ] || continue
		jq --arg k "$k" --slurpfile d "$f" '.runs[$k] = $d[0]' \
			"$tmp/server-$name.json" >"$tmp/x.json" && mv "$tmp/x.json" "$tmp/server-$name.json"
	done
	mkdir -p "$out/raw" && cp "$tmp/server-$name.json" "$out/raw/" # kept even if a later step fails
}

all=(kernel-block kernel-mmsg kernel-busypoll xlane-wakeup xlane-busypoll dpdk-af_xdp)
if [ "$servers" = all ]; then list=("${all[@]}"); else IFS=, read -r -a list <<<"$servers"; fi
for s in "${list[@]}"; do
	[[ " ${all[*]} " == *" $s "* ]] || { echo "bench-latency: unknown server '$s' (${all[*]})" >&2; exit 2; }
done

say "testbed ${srv_ns:-root}:$srv_if <-> ${cli_ns:-root}:$cli_if; server on cpu$srv_cpu, client on cpu$cli_cpu"
bench/latency/fingerprint.sh --iface "$srv_if" --netns "$srv_ns" ${cli_if:+--peer-iface "$cli_if" --peer-netns "$cli_ns"} \
	--srv-cpu "$srv_cpu" --cli-cpu "$cli_cpu" \
	--rx-steering "latency runs: veth default (receive softirq on the sending CPU); throughput search: RPS + threaded NAPI pinned to the server CPU (per server in servers[].rx_placement)" \
	>"$tmp/fingerprint.json"

i=0
for s in "${list[@]}"; do
	i=$((i + 1))
	say "server $i/${#list[@]}: $s"
	case "$s" in
	xlane-*) [ "$xlane_ok" = 1 ] || { skip "$s" "$xlane_why"; continue; } ;;
	dpdk-*) [ "$dpdk_ok" = 1 ] || { skip "$s" "$dpdk_why"; continue; } ;;
	esac
	run_server "$s"
done

# ---- paired rounds: xlane busy poll against each latency reference, the drift cancelled -------------------
# This VM's speed moves by a quarter between minutes and even between seconds (one server's ping-pong
# p50 at 5.1 us in one minute and 6.6 us in the next), more than the differences measured here,
# and the per-server runs above are minutes apart. So each round runs xlane-busypoll and each
# reference of the latency target (dpdk-af_xdp, kernel-busypoll) one right after the other, each
# a fresh server for one short ping-pong per client mode, and the ratios are taken within the
# round. Every other round runs them in the reverse order, so that a steady drift favours none.
paired='{"skipped": "xlane-busypoll and a reference (dpdk-af_xdp, kernel-busypoll) are not both in --servers"}'
pair_list=()
if [[ " ${list[*]} " == *" xlane-busypoll "* ]] && [ "$xlane_ok" = 1 ]; then
	for s in dpdk-af_xdp kernel-busypoll; do
		[[ " ${list[*]} " == *" $s "* ]] || continue
		[ "$s" != dpdk-af_xdp ] || [ "$dpdk_ok" = 1 ] || continue
		pair_list+=("$s")
	done
	[ ${#pair_list[@]} -eq 0 ] || pair_list=(xlane-busypoll "${pair_list[@]}")
fi
if [ "$PAIR_ROUNDS" = 0 ]; then
	paired='{"skipped": "--rounds 0"}'
	pair_list=()
fi
if [ ${#pair_list[@]} -gt 0 ]; then
	pair_rounds='[]'
	for round in $(seq "$PAIR_ROUNDS"); do
		order=("${pair_list[@]}")
		if [ $((round % 2)) = 0 ]; then
			order=()
			for ((j = ${#pair_list[@]} - 1; j >= 0; j--)); do order+=("${pair_list[j]}"); done
		fi
		say "paired round $round/$PAIR_ROUNDS: ${order[*]} (ping-pong, spinning then blocking client, ${PAIR_DUR}s each)"
		res='{}'
		for s in "${order[@]}"; do
			testbed_alive
			rx_default
			start_server "$s" /dev/null "$tmp/err-pair-$s.txt"
			if wait_ready "$s"; then
				for w in spin block; do
					f=$tmp/pair-$round-$s-$w.json
					rm -f "$f"
					client "$s" "paired-$w" "$srv_ip" "$f" --mode pingpong --wait "$w" \
						--duration "$PAIR_DUR" --warmup "$PAIR_WARM" --repeat 1 --quiet || true
					[ -s "$f" ] || continue
					# a run that got no echo has no latency to compare: it is left out, and said
					if [ "$(jq '.summary.received' "$f")" = 0 ]; then
						say "paired round $round: $s got no echo with a $w client"
						continue
					fi
					res=$(jq -c --arg s "$s" --arg k "pingpong-$w" --slurpfile d "$f" \
						'.[$s][$k] = ($d[0].summary | {p50_ns: .latency_ns.p50.median, p99_ns: .latency_ns.p99.median,
						                               sent, received, loss_ratio})' <<<"$res")
				done
			else
				say "paired round $round: $s did not answer: $(tail -n 2 "$tmp/err-pair-$s.txt" | tr '\n' ' ')"
			fi
			stop_server
			[ "$srv_exit" = 0 ] || say "WARN: paired round $round: $s exited with status $srv_exit at shutdown"
		done
		pair_rounds=$(jq -c --argjson r "$round" --arg order "${order[*]}" --argjson res "$res" \
			'. + [{round: $r, order: ($order | split(" ")), results: $res}]' <<<"$pair_rounds")
	done
	paired=$(jq -n --argjson rounds "$pair_rounds" --arg list "${pair_list[*]}" \
		--arg dur "$PAIR_DUR" --arg warm "$PAIR_WARM" \
		'def stat: map(select(. != null)) | sort
		   | if length == 0 then null else {median: .[(length - 1) / 2 | floor], min: .[0], max: .[-1], rounds: length} end;
		 ($list | split(" ")) as $l
		 | {server: $l[0], references: $l[1:], rounds: ($rounds | length),
		    duration_s: ($dur | tonumber), warmup_s: ($warm | tonumber),
		    method: "each round: every server fresh, one after another, one ping-pong per client mode; every other round in reverse order; ratios within a round",
		    runs: $rounds,
		    best: ([$l[] as $s | {key: $s, value: ([("pingpong-spin", "pingpong-block") as $k
		      | {key: $k, value: {p50_ns: ([$rounds[].results[$s][$k].p50_ns // empty] | min),
		                          p99_ns: ([$rounds[].results[$s][$k].p99_ns // empty] | min)}}] | from_entries)}]
		      | from_entries),
		    ratios: ([$l[1:][] as $ref
		      | {key: "\($l[0])/\($ref)",
		         value: ([("pingpong-spin", "pingpong-block") as $k
		           | {key: $k, value: ([("p50", "p99") as $p
		               | {key: $p, value: ([$rounds[] | .results as $x
		                   | ($x[$l[0]][$k]["\($p)_ns"]) as $a | ($x[$ref][$k]["\($p)_ns"]) as $b
		                   | if $a != null and ($b // 0) > 0 then {round, ratio: ($a / $b)} else empty end]
		                 | {per_round: map(.ratio)} + ((map(.ratio) | stat) // {}))}] | from_entries)}] | from_entries)}]
		      | from_entries)}
		 | .best as $b
		 | .best_ratios = ([$l[1:][] as $ref | {key: "\($l[0])/\($ref)",
		     value: ([("pingpong-spin", "pingpong-block") as $k | {key: $k,
		       value: ([("p50", "p99") as $p | ($b[$l[0]][$k]["\($p)_ns"]) as $a | ($b[$ref][$k]["\($p)_ns"]) as $c
		         | {key: $p, value: (if $a != null and ($c // 0) > 0 then $a / $c else null end)}] | from_entries)}]
		       | from_entries)}] | from_entries)')
fi

# ---- cold-path tax: the kernel path with xlane attached (steering another port) vs nothing ------------
tax='{"skipped": "xlane not available"}'
if [ "$xlane_ok" = 1 ] && [[ " ${list[*]} " == *" kernel-block "* ]]; then
	testbed_alive
	say "cold-path tax: kernel-block alone, then with xlane attached (rule: udp dport $TAX_PORT)"
	rx_default
	for phase in without with_xlane; do
		mkdir -p "$tmp/tax-$phase"
		xl_pid=
		if [ "$phase" = with_xlane ]; then
			server_cmd xlane-wakeup /dev/null "$TAX_PORT"
			"${SRV_CMD[@]}" >"$tmp/err-tax-xlane.txt" 2>&1 &
			xl_pid=$!
			for _ in $(seq 150); do # until it serves (bounded: 15 s)
				grep -q "xlane: ready" "$tmp/err-tax-xlane.txt" 2>/dev/null && break
				kill -0 "$xl_pid" 2>/dev/null || break
				sleep 0.1
			done
		fi
		start_server kernel-block "$tmp/tax-$phase/stats.json" "$tmp/err-tax-$phase.txt"
		if wait_ready kernel-block; then
			client kernel-block pingpong-spin "$srv_ip" "$tmp/tax-$phase/pingpong-spin.json" --mode pingpong \
				--wait spin --duration "$DUR" --warmup "$WARM" --repeat "$TAX_REPEAT" --quiet
			client kernel-block tput "$srv_ip" "$tmp/tax-$phase/tput.json" --mode tput --rate-start "$TPUT_START" \
				--rate-max "$TPUT_MAX" --step "$STEP" --warmup 0 --repeat "$TAX_REPEAT" --quiet
		fi
		stop_server
		if [ -n "$xl_pid" ]; then
			xl_alive=0
			kill -0 "$xl_pid" 2>/dev/null && xl_alive=1
			kill -TERM "$xl_pid" 2>/dev/null || true
			wait "$xl_pid" 2>/dev/null || true
			[ "$xl_alive" = 1 ] || echo "xlane exited early: $(tail -n 2 "$tmp/err-tax-xlane.txt")" >"$tmp/tax-xlane-died"
		fi
	done
	if [ -s "$tmp/tax-without/pingpong-spin.json" ] && [ -s "$tmp/tax-with_xlane/pingpong-spin.json" ] &&
		[ ! -e "$tmp/tax-xlane-died" ]; then
		tax=$(jq -n --slurpfile a "$tmp/tax-without/pingpong-spin.json" --slurpfile b "$tmp/tax-with_xlane/pingpong-spin.json" \
			--slurpfile ta "$tmp/tax-without/tput.json" --slurpfile tb "$tmp/tax-with_xlane/tput.json" \
			--arg rule "udp dport $TAX_PORT" \
			'def r($x; $y): if $y > 0 then $x / $y else null end;
			 {server: "kernel-block", xlane_rule: $rule,
			  without: {"pingpong-spin": $a[0], tput: $ta[0]}, with_xlane: {"pingpong-spin": $b[0], tput: $tb[0]},
			  ratio_with_to_without: {
			    p50: r($b[0].summary.latency_ns.p50.median; $a[0].summary.latency_ns.p50.median),
			    p99: r($b[0].summary.latency_ns.p99.median; $a[0].summary.latency_ns.p99.median),
			    max_rate: r($tb[0].max_rate.pps.median; $ta[0].max_rate.pps.median)}}')
	else
		tax=$(jq -n --arg why "$(cat "$tmp/tax-xlane-died" 2>/dev/null || echo "a measurement failed (see $log)")" '{skipped: $why}')
	fi
elif [ "$xlane_ok" != 1 ]; then
	tax=$(jq -n --arg why "$xlane_why" '{skipped: $why}')
else
	tax='{"skipped": "kernel-block not in --servers"}'
fi

# ---- round-trip breakdown: xlane with RX stamps, probes that carry a timestamp trailer --------------------
# xl_steer_ts stamps each steered frame in XDP (the RX metadata kfunc, else bpf_ktime_get_ns), the
# echo-ts handler copies that stamp and its own into the probe's trailer, and lat_client --stamp
# splits each round trip: client -> XDP, XDP -> worker, worker -> client. All CLOCK_MONOTONIC.
breakdown='{"skipped": "xlane not available"}'
if [ "$xlane_ok" = 1 ]; then
	bd_runs='{}'
	for name in xlane-busypoll xlane-wakeup; do
		[[ " ${list[*]} " == *" $name "* ]] || continue
		testbed_alive
		rx_default
		start_server "$name" /dev/null "$tmp/err-bd-$name.txt" "$PORT" stamp
		echo "${SRV_CMD[*]}" >"$tmp/cmd-bd-$name"
		if wait_ready "$name"; then
			say "breakdown: $name with RX stamps (--rx-stamp --handler echo-ts), ping-pong, spinning client"
			client "$name" pingpong-spin-stamped "$srv_ip" "$tmp/bd-$name.json" --mode pingpong --wait spin \
				--duration "$DUR" --warmup "$WARM" --repeat "$REPEAT" --stamp --size "$BD_SIZE" || true
		else
			say "breakdown: $name with RX stamps did not answer: $(tail -n 2 "$tmp/err-bd-$name.txt" | tr '\n' ' ')"
		fi
		stop_server
		if [ -s "$tmp/bd-$name.json" ]; then
			bd_runs=$(jq -c --arg n "$name" --slurpfile d "$tmp/bd-$name.json" --arg cmd "$(cat "$tmp/cmd-bd-$name")" \
				'.[$n] = ($d[0] + {server_command: $cmd})' <<<"$bd_runs")
		fi
	done
	if [ "$bd_runs" != '{}' ]; then
		breakdown=$(jq -n --argjson runs "$bd_runs" --arg size "$BD_SIZE" \
			'{program: "xl_steer_ts (device-bound; struct xl_rx_meta in the XDP metadata area)",
			  handler: "echo-ts (fills the probe trailer, struct xl_ts_trailer)",
			  payload_bytes: ($size | tonumber),
			  clocks: "client send/receive and worker: CLOCK_MONOTONIC; XDP: bpf_ktime_get_ns (the same clock); rx_meta: the device RX timestamp, reported when the device gives one",
			  runs: $runs}')
	elif [[ " ${list[*]} " == *" xlane-"* ]]; then
		breakdown='{"skipped": "no stamped run succeeded (see the log)"}'
	else
		breakdown='{"skipped": "no xlane server in --servers"}'
	fi
else
	breakdown=$(jq -n --arg why "$xlane_why" '{skipped: $why}')
fi

# ---- receive-only throughput: each receiver counts what lat_blast sends as fast as one CPU can ---------
# The generator (--generator): lat_blast --xdp (the default) runs xl_blast in BPF_PROG_TEST_RUN's
# live-frames mode, which redirects the datagram out of the client's veth: the server's veth
# receives xdp_frames, as a NIC's driver hands its XDP program DMA buffers, and the generator
# sends about 10 M/s here, paced per datagram in the program. lat_blast --xsk (AF_XDP TX, copy
# mode) builds an skb per datagram, which the server's veth converts back (a copy) before its XDP
# program runs, and tops out near 1.3 M/s: the limit of every receiver's best step before
# 2026-12-04. Both need the next hop's MAC (the testbed's static neighbour, or the client's
# neighbour table); sendmmsg is the kernel UDP socket.
blast_step() { # rate json: one step of the generator in use, for RX_DUR seconds
	local gen=()
	[ "$rx_gen" = sendmmsg ] || gen=(--"$rx_gen" "$cli_if" --dst-mac "$rx_mac")
	in_cli "${rt_pfx[@]}" taskset -c "$cli_cpu" "$bin/lat_blast" --server "$srv_ip" --port "$PORT" \
		--size 64 --rate "$1" --duration "$RX_DUR" "${gen[@]}" --json "$2" 2>>"$log" || true
}
if [ "$rx_gen" != sendmmsg ]; then
	rx_mac=${mac:-}
	[ -n "$rx_mac" ] || [ -z "$cli_if" ] ||
		rx_mac=$(in_cli ip -j neigh show "$srv_ip" dev "$cli_if" 2>/dev/null | jq -r '.[0].lladdr // empty' || true)
	if [ -z "$cli_if" ] || [ -z "$rx_mac" ]; then
		say "rxonly: no client interface or no MAC for $srv_ip: the kernel UDP generator (sendmmsg) instead of $rx_gen"
		rx_gen=sendmmsg
	fi
fi
# Receive work runs on the server's CPU (rx_on_server), so each receiver pays for its own. The
# receivers: the kernel recvmmsg path (lat_echo_kernel --mode rxonly, from kernel-mmsg), xlane
# with --handler count (both modes), DPDK net_af_xdp with --rxonly (testpmd's rxonly). A fresh
# server per repetition; a receiver's rate is what it counted over the blaster's sending time.
wait_log() { # errlog pattern: until the server's log says it serves (bounded: 15 s)
	local i
	for i in $(seq 150); do
		kill -0 "$srv_pid" 2>/dev/null || return 1
		grep -q "$2" "$1" 2>/dev/null && return 0
		sleep 0.1
	done
	return 1
}
rx_now() { # name stats -> frames the receiver has counted so far (it keeps running)
	local i
	case "$1" in
	xlane-*) in_srv_bpf "$xlane" stats "$srv_if" --json 2>/dev/null | jq '[.queues[].rx_packets] | add // 0' ;;
	xdp-drop) in_srv ethtool -S "$srv_if" 2>/dev/null | awk '$1 == "rx_queue_0_xdp_drops:" { n = $2 } END { print n + 0 }' ;;
	*) # SIGUSR1 makes lat_echo_kernel and dpdk_echo write their counts; again every 0.5 s, in
	   # case the first one came just before a blocking receive
		rm -f "$2"
		for i in $(seq 150); do
			[ $((i % 25)) != 1 ] || kill -USR1 "$srv_pid" 2>/dev/null || true
			jq -e .rx "$2" >/dev/null 2>&1 && break
			sleep 0.02
		done
		jq '.rx // 0' "$2" 2>/dev/null || echo 0 ;;
	esac
}
rxonly='{"skipped": "no receiver in --servers"}'
rx_list=()
for s in kernel-mmsg xlane-busypoll xlane-wakeup dpdk-af_xdp; do
	[[ " ${list[*]} " == *" $s "* ]] || continue
	case "$s" in
	xlane-*) [ "$xlane_ok" = 1 ] || continue ;;
	dpdk-*) [ "$dpdk_ok" = 1 ] || continue ;;
	esac
	rx_list+=("$s")
done
# The ceiling, in the same run: xl_drop (XDP_DROP, xdp_prog/drop.bpf.o) on the server's veth, the
# same generator and placement, counted by veth's XDP drop counter. Nothing is redirected, copied
# or received in user space, so no AF_XDP receiver here can pass it. Veth testbed only (the
# counter is veth's), and only next to at least one receiver.
drop_obj=$build/xdp_prog/drop.bpf.o
if [ ${#rx_list[@]} -gt 0 ] && [ "$real" = 0 ] && [ -s "$drop_obj" ]; then rx_list+=(xdp-drop); fi
# The NAPI thread's weight against the receiver's is part of the placement (each server runs in
# a session of its own whose autogroup has its nice value, so these are real weights). With
# --nice below 0 every receiver runs with the thread at its own nice value (equal weight), and
# the others in the placement that suits them too, so that each gets its best:
# - NAME@napi-nice0, the thread at nice 0 under the receiver: a receiver that sleeps when idle
#   (xlane-wakeup, the kernel's recvmmsg path; DPDK too, for symmetry), woken by each flush of its
#   ring, preempts the thread, drains the ring and sleeps again;
# - NAME@server-nice0, the receiver at nice 0 under the thread: a receiver that spins (DPDK,
#   xlane-busypoll) starves the thread it depends on when it outranks it.
# Each receiver's best placement enters the "best" ratios.
if [ "$nice" -lt 0 ] && [ "$rt" = 0 ]; then
	for s in "${rx_list[@]}"; do
		case "$s" in xlane-wakeup | dpdk-af_xdp | kernel-mmsg) rx_list+=("$s@napi-nice0") ;; esac
	done
	for s in "${rx_list[@]}"; do
		if spins "$s"; then rx_list+=("$s@server-nice0"); fi
	done
fi
rx_parse() { # entry -> base (the server), knice (its NAPI thread's nice), snice (the server's), name (its JSON key)
	base=${1%@*} knice=$nice snice=$nice
	local var=
	if [[ "$1" == *@* ]]; then var=${1#*@}; fi
	case "$var" in napi-nice0) knice=0 ;; server-nice0) snice=0 ;; esac
	name=${base/kernel-mmsg/kernel-recvmmsg}-rxonly${var:+-$var}
}
if [ ${#rx_list[@]} -gt 0 ]; then
	rx_res='{}'
	declare -A rx_runs=() rx_steer=()
	for s in "${rx_list[@]}"; do rx_runs[$s]='[]' rx_steer[$s]=; done
	# Repetitions interleave the receivers (rep 1 of each, then rep 2 of each, ...): this VM's
	# state moves within minutes (XDP_DROP's ceiling went from 1.2 M/s to 3.0 M/s between two
	# repetitions of one run), and interleaving spreads that over every receiver alike. Every
	# other repetition runs the receivers in reverse order, so that a drift within a repetition
	# does not always favour the same ones; the ratios within each repetition ("by_repetition")
	# then compare receivers a few minutes apart at most.
	for rep in $(seq "$RX_REPEAT"); do
		order=("${rx_list[@]}")
		if [ $((rep % 2)) = 0 ]; then
			order=()
			for ((ri = ${#rx_list[@]} - 1; ri >= 0; ri--)); do order+=("${rx_list[ri]}"); done
		fi
		for s in "${order[@]}"; do
			rx_parse "$s"
			testbed_alive
			rx_default
			st=$tmp/rx-$s-$rep.json
			rm -f "$st"
			if [ "$base" = xdp-drop ]; then
				echo "ip -n $srv_ns link set dev $srv_if xdpdrv obj $drop_obj sec xdp" >"$tmp/cmd-$s"
				if ! ip -n "$srv_ns" link set dev "$srv_if" xdpdrv obj "$drop_obj" sec xdp 2>"$tmp/err-rx-$s.txt"; then
					say "rxonly: $name: cannot attach $drop_obj: $(tail -n 2 "$tmp/err-rx-$s.txt" | tr '\n' ' ')"
					continue
				fi
			else
				srv_nice=$snice start_server "$base" "$st" "$tmp/err-rx-$s.txt" "$PORT" rxonly
				[ "$s" = "$base" ] || cp "$tmp/cmd-$base" "$tmp/cmd-$s"
				case "$base" in
				kernel-*) pat="rxonly echo on UDP port" ;; xlane-*) pat="xlane: ready" ;; *) pat="dpdk_echo: rxonly on port" ;;
				esac
				if ! wait_log "$tmp/err-rx-$s.txt" "$pat"; then
					say "rxonly: $name did not start: $(tail -n 2 "$tmp/err-rx-$s.txt" | tr '\n' ' ')"
					stop_server
					continue
				fi
			fi
			steer=$(rx_on_server "$knice")
			[ "$base" = xdp-drop ] || [ "$rt" -gt 0 ] || steer+=";the receiver at nice $snice"
			rx_steer[$s]=$steer
			steps='[]'
			for rate in ${RX_RATES//,/ }; do
				before=$(rx_now "$base" "$st")
				say "rxonly: $name rep $rep/$RX_REPEAT: lat_blast ($rx_gen) at $rate/s for ${RX_DUR}s (receive work: $steer)"
				bj=$tmp/blast-$s-$rep-$rate.json
				blast_step "$rate" "$bj"
				while [ "$rx_gen" != sendmmsg ] && [ ! -s "$bj" ]; do
					next=sendmmsg
					[ "$rx_gen" != xdp ] || next=xsk
					say "rxonly: the $rx_gen generator did not run ($(tail -n 1 "$log")); $next from here on"
					rx_gen=$next
					blast_step "$rate" "$bj"
				done
				sleep "$RX_SETTLE" # what is in flight lands and is counted
				after=$(rx_now "$base" "$st")
				[ -s "$bj" ] || continue
				# XDP_DROP also takes the client kernel's own few frames (neighbour discovery):
				# the ceiling counts at most what was sent
				steps=$(jq -c --arg before "$before" --arg after "$after" --arg rate "$rate" --slurpfile g "$bj" \
					--argjson cap "$([ "$base" = xdp-drop ] && echo true || echo false)" \
					'(($after | tonumber) - ($before | tonumber)
					  | if $cap then [., $g[0].sent] | min else . end) as $rx
					 | . + [{offered_pps: ($rate | tonumber), generator: $g[0].generator, sent: $g[0].sent,
					         seconds: $g[0].seconds, sent_pps: $g[0].sent_pps, received: $rx,
					         device_drops: ($g[0].device_drops // null),
					         rx_pps: ($rx / $g[0].seconds),
					         loss_ratio: (if $g[0].sent > 0 then 1 - $rx / $g[0].sent else 0 end)}]' \
					<<<"$steps" 2>/dev/null || echo "$steps")
			done
			if [ "$base" = xdp-drop ]; then
				ip -n "$srv_ns" link set dev "$srv_if" xdpdrv off 2>/dev/null || true
			else
				stop_server
			fi
			rx_default
			# the run: its peak step (most received per second), and the highest rate it
			# took with less than 0.1 % loss
			rx_runs[$s]=$(jq -c --argjson steps "$steps" --argjson rep "$rep" \
				'if ($steps | length) == 0 then . else
				 ($steps | max_by(.rx_pps)) as $p
				 | . + [$p + {rep: $rep, generator_limited: ($p.received >= 0.95 * $p.sent),
				             max_lossfree_pps: ([$steps[] | select(.loss_ratio < 0.001) | .sent_pps] | max),
				             steps: $steps}] end' <<<"${rx_runs[$s]}")
		done
	done
	for s in "${rx_list[@]}"; do
		rx_parse "$s"
		runs=${rx_runs[$s]} steer=${rx_steer[$s]}
		rx_res=$(jq -c --arg n "$name" --argjson runs "$runs" --arg steer "$steer" --arg cmd "$(cat "$tmp/cmd-$s" 2>/dev/null)" \
			'.[$n] = {command: $cmd, rx_placement: $steer, runs: $runs,
			          rx_pps: ($runs | map(.rx_pps) | sort | if length > 0 then {median: .[(length - 1) / 2 | floor], min: .[0], max: .[-1]} else null end),
			          max_lossfree_pps: ($runs | map(.max_lossfree_pps // 0) | sort | if length > 0 then {median: .[(length - 1) / 2 | floor], min: .[0], max: .[-1]} else null end)}' \
			<<<"$rx_res")
	done
	# (from stdin: with every step of a dozen receivers the document outgrows one argument's
	# 128 KiB)
	rxonly=$(jq -c --arg dur "$RX_DUR" --arg rates "$RX_RATES" --arg cc "$cli_cpu" --arg sc "$srv_cpu" \
		'. as $r | def ratio($a; $b): if ($r[$a].rx_pps.median // 0) > 0 and ($r[$b].rx_pps.median // 0) > 0
		                     then $r[$a].rx_pps.median / $r[$b].rx_pps.median else null end;
		 {generator: ([$r[].runs[].generator] | unique | join(", ") | "\(.): 64-byte payloads, on cpu\($cc)"),
		  duration_s: ($dur | tonumber), offered_pps: ($rates | split(",") | map(tonumber)), receive_work: "on cpu\($sc) (RPS for the socket path, threaded NAPI for XDP)",
		  receivers: $r,
		  ratios: {"xlane-busypoll/dpdk": ratio("xlane-busypoll-rxonly"; "dpdk-af_xdp-rxonly"),
		           "xlane-busypoll/kernel-recvmmsg": ratio("xlane-busypoll-rxonly"; "kernel-recvmmsg-rxonly"),
		           "xlane-wakeup/dpdk": ratio("xlane-wakeup-rxonly"; "dpdk-af_xdp-rxonly"),
		           "xlane-wakeup/kernel-recvmmsg": ratio("xlane-wakeup-rxonly"; "kernel-recvmmsg-rxonly"),
		           "xlane-busypoll/xdp-drop": ratio("xlane-busypoll-rxonly"; "xdp-drop-rxonly"),
		           "dpdk/xdp-drop": ratio("dpdk-af_xdp-rxonly"; "xdp-drop-rxonly")},
		  best: (def top($p): [$r | to_entries[] | select(.key | startswith($p)) | select(.value.rx_pps != null)
		                       | {receiver: .key, rx_pps: .value.rx_pps.median}] | max_by(.rx_pps);
		         top("xlane-") as $x | top("dpdk-") as $d | top("kernel-recvmmsg-") as $k
		         | {xlane: $x, dpdk: $d, "kernel-recvmmsg": $k,
		            "xlane/dpdk": (if $x and $d then $x.rx_pps / $d.rx_pps else null end),
		            "xlane/kernel-recvmmsg": (if $x and $k then $x.rx_pps / $k.rx_pps else null end)}),
		  by_repetition: (def topr($p; $i): [$r | to_entries[] | select(.key | startswith($p)) | .key as $n
		                                      | .value.runs[] | select(.rep == $i) | {receiver: $n, rx_pps}] | max_by(.rx_pps);
		                  def over($a; $b): if $a and $b and $b.rx_pps > 0 then $a.rx_pps / $b.rx_pps else null end;
		                  def spread: map(select(. != null)) | sort
		                              | if length > 0 then {median: .[(length - 1) / 2 | floor], min: .[0], max: .[-1], n: length} else null end;
		                  [[$r[].runs[].rep] | unique | .[] as $i
		                   | topr("xlane-"; $i) as $x | topr("dpdk-"; $i) as $d | topr("kernel-recvmmsg-"; $i) as $k
		                   | {rep: $i, xlane: $x, dpdk: $d, "kernel-recvmmsg": $k,
		                      "xlane/dpdk": over($x; $d), "xlane/kernel-recvmmsg": over($x; $k)}] as $per
		                  | {per_rep: $per,
		                     ratios: {"xlane/dpdk": ($per | map(.["xlane/dpdk"]) | spread),
		                              "xlane/kernel-recvmmsg": ($per | map(.["xlane/kernel-recvmmsg"]) | spread)}})}' <<<"$rx_res")
fi

# ---- results -------------------------------------------------------------------------------------------
shopt -s nullglob
# the code that ran: the checkout's commit, and whether tracked files differed from it
src_commit=$(git -C "$top" rev-parse HEAD 2>/dev/null || true)
src_dirty=null
if [ -n "$src_commit" ]; then
	src_dirty=false
	[ -z "$(git -C "$top" status --porcelain --untracked-files=no 2>/dev/null)" ] || src_dirty=true
fi
srv_files=()
for s in "${list[@]}"; do [ -e "$tmp/server-$s.json" ] && srv_files+=("$tmp/server-$s.json"); done
jq -n --arg cmd "$cmdline" --argjson quick "$([ "$quick" = 1 ] && echo true || echo false)" \
	--arg commit "$src_commit" --argjson dirty "$src_dirty" \
	--slurpfile fp "$tmp/fingerprint.json" --argjson skipped "$skipped" \
	--slurpfile tax <(printf '%s' "$tax") --slurpfile breakdown <(printf '%s' "$breakdown") \
	--slurpfile rxonly <(printf '%s' "$rxonly") --slurpfile paired <(printf '%s' "$paired") \
	--argjson cfg "$(jq -n --arg r "$REPEAT" --arg d "$DUR" --arg w "$WARM" --arg rates "$SWEEP_RATES" \
		--arg step "$STEP" --arg tr "$TPUT_REPEAT" --arg ts "$TPUT_START" --arg tm "$TPUT_MAX" \
		--arg rt "$rt" --arg nice "$nice" --arg port "$PORT" --arg ip "$srv_ip" --arg ip6 "$srv_ip6" --arg sc "$srv_cpu" --arg cc "$cli_cpu" \
		--arg tb "$([ "$real" = 1 ] && echo "real interfaces" || echo "veth testbed scripts/testbed.sh --queues 1")" \
		'{testbed: $tb, server_ip: $ip, server_ip6: $ip6, port: ($port | tonumber), payload_bytes: 64,
		  repeat: ($r | tonumber), duration_s: ($d | tonumber), warmup_s: ($w | tonumber),
		  sweep_rates_pps: ($rates | split(",") | map(tonumber)), step_s: ($step | tonumber),
		  tput_repeat: ($tr | tonumber), tput_rate_start: ($ts | tonumber), tput_rate_max: ($tm | tonumber),
		  loss_target: 0.001, server_cpu: ($sc | tonumber), client_cpu: ($cc | tonumber),
		  scheduling: (if $rt != "0" then "SCHED_FIFO priority \($rt) (--rt)" elif $nice != "0" then "SCHED_OTHER at nice \($nice) (--nice), each process in a session of its own whose autogroup has nice \($nice)" else "SCHED_OTHER, nice 0 (default), each process in a session of its own" end),
		  baseline: "kernel-block", timestamps: "CLOCK_MONOTONIC in the client at send and at receive (user space to user space)"}')" \
	'{schema: "xlane-latency/1", generated_utc: (now | todate), command: $cmd, quick: $quick,
	  source: {commit: (if $commit == "" then null else $commit end), modified: $dirty},
	  fingerprint: $fp[0], config: $cfg, servers: [inputs], cold_path_tax: $tax[0], breakdown: $breakdown[0],
	  receive_only: $rxonly[0], paired: $paired[0],
	  skipped: $skipped}' \
	"${srv_files[@]}" >"$out/latency.json"
jq -e --arg kind results -f bench/latency/schema.jq "$out/latency.json" >/dev/null

echo
echo "xlane latency comparison ($([ "$quick" = 1 ] && echo quick || echo full) run; server cpu$srv_cpu, client cpu$cli_cpu; $(jq -r '.fingerprint | "\(.kernel), \(.cpu_model), \(.iface) (\(.driver))"' "$out/latency.json"))"
echo "dpdk-af_xdp is bench/latency/dpdk_echo standing in for dpdk-testpmd --forward-mode=5tswap (Debian 12 ships no testpmd)."
jq -r -f bench/latency/table.jq "$out/latency.json" | "$bin/lat_table" --baseline kernel-block
jq -r '.cold_path_tax | if .skipped then "cold-path tax: skipped (\(.skipped))"
	else "cold-path tax (kernel-block with xlane attached for \(.xlane_rule) / without): p50 \(.ratio_with_to_without.p50 * 100 | round / 100)x, p99 \(.ratio_with_to_without.p99 * 100 | round / 100)x, max rate \(.ratio_with_to_without.max_rate // 0 | . * 100 | round / 100)x" end' "$out/latency.json"
jq -r -f bench/latency/paired.jq "$out/latency.json"
jq -r -f bench/latency/breakdown.jq "$out/latency.json"
jq -r -f bench/latency/rxonly.jq "$out/latency.json"
jq -r '.skipped[] | "skipped: \(.server): \(.reason)"' "$out/latency.json"
if command -v gnuplot >/dev/null; then
	scripts/plot.sh "$out/latency.json" "$out" >&2 || say "plots failed (see above)"
else
	say "gnuplot missing: no plots (scripts/deps.sh installs gnuplot-nox)"
fi
say "done: $out/latency.json, $log"
