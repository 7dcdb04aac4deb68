#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# Soak: sustained mixed traffic through `xlane run` on a fresh veth testbed, then proof that
# nothing was lost and nothing grew.
#
#   scripts/soak.sh DURATION [--plot FILE] [--csv FILE] [--build DIR] [--rate PPS]
#                   [--kernel-rate PPS] [--warmup SEC] [--slope-max BYTES_PER_S]
#
# Traffic (all inside the testbed's two namespaces, 198.18.0.0/15 and 2001:2::/48 only):
#   steered  UDP to port 7000 over IPv4 and IPv6 (rule 'udp dport 7000'): echoed by xlane's workers
#   kernel   UDP to port 7001 over IPv4: not steered, echoed by a normal kernel socket
#            (bench/latency lat_echo_kernel) in the server namespace
# Each sender is lat_client in open mode: bounded rate (--rate, --kernel-rate), bounded time
# (DURATION) and bounded count; every payload carries its sequence number, so replies are matched
# one by one (duplicates, corruption and strays are counted, not guessed).
# Every second the xlane process's RSS and minor/major faults (/proc/PID/status, /proc/PID/stat)
# and the frame locations of `xlane stats --json` are sampled into a CSV.
# Checks at the end (each failure is named, exit status 1):
#   accounted     sent == replies + every named drop counter (xlane per-queue drops, XDP_STATISTICS,
#                 veth drops on both ends, UDP socket errors in both namespaces, send errors):
#                 no silent loss (the served veth's redirect drops mirror the socket's, so they
#                 are checked equal to it, "mirror", instead of being counted twice)
#   per-packet    xlane: steered by the program == received by workers + dropped at the socket
#                 (XDP_STATISTICS rx_dropped + rx_ring_full), and
#                 received == transmitted + dropped by a named verdict
#   conserved     the frame-conservation sum from the stats == total UMEM frames, exactly
#   rss-slope     least-squares RSS slope over the samples after the warm-up <= --slope-max
#                 (default 4096 B/s)
#   faults        no minor or major page fault of the xlane process after the warm-up
#   clean-exit    xlane exits 0 on SIGTERM (it fails when a frame did not come back)
# Outputs: the CSV (default results/soak.csv) and, with gnuplot, a PNG of RSS and frames in use over
# time (--plot, default results/soak.png; scripts/plots/memory_over_time.gp).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)

usage() {
	sed -n 5,7p "$0" | sed 's/^# //' >&2
	exit 2
}

[ $# -ge 1 ] || usage
duration=$1
shift
[[ "$duration" =~ ^[0-9]+$ ]] && [ "$duration" -ge 5 ] && [ "$duration" -le 86400 ] ||
	{ echo "soak: DURATION must be 5..86400 seconds, not '$duration'" >&2; exit 2; }
plot=$root/results/soak.png
csv=$root/results/soak.csv
build=${XL_BUILD_DIR:-$root/build/rel}
rate=2000
krate=1000
warmup=10
slope_max=4096
while [ $# -gt 0 ]; do
	case $1 in
	--plot) plot=$2; shift 2 ;;
	--csv) csv=$2; shift 2 ;;
	--build) build=$2; shift 2 ;;
	--rate) rate=$2; shift 2 ;;
	--kernel-rate) krate=$2; shift 2 ;;
	--warmup) warmup=$2; shift 2 ;;
	--slope-max) slope_max=$2; shift 2 ;;
	*) echo "soak: unknown option '$1'" >&2; usage ;;
	esac
done
for v in rate krate warmup slope_max; do
	[[ "${!v}" =~ ^[0-9]+$ ]] || { echo "soak: --${v//_/-} needs a number, not '${!v}'" >&2; exit 2; }
done
[ "$rate" -ge 1 ] && [ "$rate" -le 100000 ] || { echo "soak: --rate must be 1..100000" >&2; exit 2; }
[ "$krate" -le 100000 ] || { echo "soak: --kernel-rate must be 0..100000" >&2; exit 2; }
[ "$warmup" -lt $((duration - 3)) ] || { echo "soak: --warmup must leave 3 s of samples" >&2; exit 2; }
xlane=${XL_XLANE:-$build/userspace/cli/xlane}
client=${XL_LAT_CLIENT:-$build/bench/latency/lat_client}
kecho=${XL_LAT_ECHO:-$build/bench/latency/lat_echo_kernel}
for b in "$xlane" "$client" "$kecho"; do
	[ -x "$b" ] || { echo "soak: $b not built (meson compile -C $build)" >&2; exit 2; }
done
for t in jq ip awk; do
	command -v $t >/dev/null || { echo "soak: needs $t" >&2; exit 2; }
done
[ "$(id -u)" -eq 0 ] || { echo "soak: needs root (namespaces, XDP, AF_XDP)" >&2; exit 77; }

name="soak$$"
work=$(mktemp -d /tmp/xl_soak.XXXXXX)
pids=()
cleanup() {
	local p
	for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
	for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
	"$here/testbed.sh" down "$name" >/dev/null 2>&1 || true
	rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

srv=$name-srv
cli=$name-cli
"$here/testbed.sh" up "$name" --queues 2 >/dev/null
insrv() { "$here/in-netns.sh" "$srv" "$@"; }
stats() { insrv "$xlane" stats xl-srv --json; }

# kernel-side counters of everything that can drop a packet outside xlane: one "name value" a line
kcounters() {
	local ns
	for ns in "$srv" "$cli"; do
		ip -n "$ns" -s -j link show | jq -r --arg ns "$ns" '.[] | select(.ifname != "lo") |
			"\($ns).\(.ifname).rx_dropped \(.stats64.rx.dropped)",
			"\($ns).\(.ifname).tx_dropped \(.stats64.tx.dropped)",
			"\($ns).\(.ifname).rx_errors \(.stats64.rx.errors)",
			"\($ns).\(.ifname).tx_errors \(.stats64.tx.errors)"'
		ip netns exec "$ns" ethtool -S "$(ip -n "$ns" -j link show | jq -r '.[] | select(.ifname != "lo") | .ifname')" |
			awk -v ns="$ns" '/drops|errors|_full/ { sub(":", "", $1); print ns ".veth." $1, $2 }'
		for f in /proc/net/snmp /proc/net/snmp6; do
			ip netns exec "$ns" cat "$f"
		done | awk -v ns="$ns" '
			/^Udp:/ { if (!h) { for (i = 2; i <= NF; i++) k[i] = $i; h = 1 } else
				for (i = 2; i <= NF; i++) if (k[i] ~ /^(InErrors|NoPorts|RcvbufErrors|SndbufErrors|InCsumErrors|MemErrors)$/) print ns ".udp." k[i], $i }
			/^Udp6(InErrors|NoPorts|RcvbufErrors|SndbufErrors|InCsumErrors|MemErrors)/ { print ns ".udp6." substr($1, 5), $2 }'
	done | sort
}

# 1. xlane with the echo handler (workers on the last CPU), and the kernel echo
ncpu=$(nproc)
insrv "$xlane" run xl-srv --rule 'udp dport 7000' --handler echo --cpus $((ncpu - 1)) \
	>"$work/xlane.log" 2>&1 &
xl_wrapper=$!
pids+=("$xl_wrapper")
ip netns exec "$srv" "$kecho" --mode block --port 7001 --max-seconds $((duration + 60)) \
	--stats "$work/kecho.json" >"$work/kecho.log" 2>&1 &
pids+=($!)
xpid=
for _ in $(seq 100); do
	if grep -q "ready" "$work/xlane.log" 2>/dev/null; then
		xpid=$(stats | jq -r .pid) && break
	fi
	kill -0 "$xl_wrapper" 2>/dev/null || break
	sleep 0.1
done
[ -n "$xpid" ] && [ -r "/proc/$xpid/stat" ] || { echo "soak: xlane did not start:" >&2; cat "$work/xlane.log" >&2; exit 1; }
cat "$work/xlane.log"
kc0=$(kcounters)

# 2. traffic: bounded rate, time (DURATION) and count
start_client() { # TAG ADDR PORT RATE
	ip netns exec "$cli" timeout -s INT $((duration + 30)) "$client" -S "$2" -p "$3" -m open \
		-r "$4" -d "$duration" -n $(($4 * duration + 1)) -R 1 --warmup 0 -f 4 --drain-ms 1000 \
		--cpu 0 --label "$1" --json "$work/$1.json" --quiet >"$work/$1.log" 2>&1 &
	cpids+=($!)
	pids+=($!)
}
cpids=()
v6rate=$((rate / 4 > 0 ? rate / 4 : 1))
start_client steered4 198.18.0.1 7000 "$rate"
start_client steered6 2001:2::1 7000 "$v6rate"
[ "$krate" -gt 0 ] && start_client kernel4 198.18.0.1 7001 "$krate"
echo "soak: ${duration}s: steered ${rate} pps IPv4 + ${v6rate} pps IPv6 (port 7000, xlane echo)," \
	"kernel-bound ${krate} pps (port 7001, kernel echo); xlane pid $xpid"

# 3. one sample a second, while the senders run
echo "t_s,rss_kib,minflt,majflt,frames_total,frames_in_use,frames_pool,frames_sum,rx_packets,tx_packets" >"$work/soak.csv"
t0=$(date +%s.%N)
i=0
while :; do
	alive=0
	for p in "${cpids[@]}"; do kill -0 "$p" 2>/dev/null && alive=1; done
	[ $alive = 1 ] || break
	[ "$i" -le $((duration + 40)) ] || { echo "soak: senders overran their time bound" >&2; exit 1; }
	rss=$(awk '/^VmRSS:/ { print $2 }' "/proc/$xpid/status")
	read -r minflt majflt < <(awk '{ sub(/.*\) /, ""); print $8, $10 }' "/proc/$xpid/stat")
	now=$(date +%s.%N)
	stats | jq -r --arg t "$(awk -v a="$now" -v b="$t0" 'BEGIN { printf "%.2f", a - b }')" \
		--arg rss "$rss" --arg mi "$minflt" --arg ma "$majflt" '
		[($t, $rss, $mi, $ma | tonumber), .frames.total, .frames.total - .frames.pool, .frames.pool,
		 .frames.sum, ([.queues[].rx_packets] | add), ([.queues[].tx_packets] | add)] | @csv' \
		>>"$work/soak.csv"
	i=$((i + 1))
	sleep $(awk -v i="$i" -v t0="$t0" -v now="$(date +%s.%N)" 'BEGIN { s = t0 + i - now; print (s > 0 ? s : 0) }')
done
fail=()
for p in "${cpids[@]}"; do wait "$p" || fail+=("sender-exit(pid $p)"); done
sleep 2 # let the workers publish their last counters and the stats refresh
s1=$(stats)
sleep 1.2
s2=$(stats)
kc1=$(kcounters)

# 4. checks
sent=0
recv=0
senderr=0
for f in "$work"/steered4.json "$work"/steered6.json "$work"/kernel4.json; do
	[ -e "$f" ] || continue
	read -r s r e < <(jq -r '.repetitions[0] | "\(.sent) \(.received) \(.send_errors)"' "$f")
	echo "soak: $(basename "$f" .json): sent $s, replies $r, send errors $e," \
		"$(jq -r '.repetitions[0] | "dups \(.dups), corrupt \(.corrupt), stale \(.stale), foreign \(.foreign)"' "$f")"
	sent=$((sent + s))
	recv=$((recv + r))
	senderr=$((senderr + e))
	[ "$(jq '.repetitions[0] | .dups + .corrupt + .foreign' "$f")" = 0 ] || fail+=("replies-intact($(basename "$f" .json))")
done
# xlane's named drop counters
xdrops=$(jq -r '.queues[] | "q\(.queue).dropped \(.dropped)", "q\(.queue).pass_unsupported \(.pass_unsupported)",
	"q\(.queue).tx_full_drops \(.tx_full_drops)", "q\(.queue).xdp.rx_dropped \(.xdp_statistics.rx_dropped)",
	"q\(.queue).xdp.rx_ring_full \(.xdp_statistics.rx_ring_full)",
	"q\(.queue).xdp.rx_invalid_descs \(.xdp_statistics.rx_invalid_descs)",
	"q\(.queue).xdp.tx_invalid_descs \(.xdp_statistics.tx_invalid_descs)"' <<<"$s2")
kdelta=$(join -a 2 -e 0 -o 0,1.2,2.2 <(echo "$kc0") <(echo "$kc1") | awk '$3 - $2 != 0 { print $1, $3 - $2 }')
# A frame the program redirected but the socket could not take (RX ring full, no fill frame) is
# counted by the socket (above) and again by veth on the served interface (its per-queue XDP
# drops and its rx_dropped): the same frames, so those two are checked against the socket's
# count instead of being added to it.
sockdrop=$(jq '[.queues[] | .xdp_statistics.rx_dropped + .xdp_statistics.rx_ring_full] | add' <<<"$s2")
vqdrop=$(awk -v p="$srv.veth.rx_queue_" 'index($1, p) == 1 && $1 ~ /_drops$/ { s += $2 } END { print s + 0 }' <<<"$kdelta")
vrxdrop=$(awk -v k="$srv.xl-srv.rx_dropped" '$1 == k { s += $2 } END { print s + 0 }' <<<"$kdelta")
for v in "veth per-queue drops $vqdrop" "xl-srv rx_dropped $vrxdrop"; do
	[ "${v##* }" -eq 0 ] || [ "${v##* }" -eq "$sockdrop" ] ||
		fail+=("mirror($srv ${v% *} != socket drops $sockdrop)")
done
kdelta=$(awk -v p="$srv.veth.rx_queue_" -v k="$srv.xl-srv.rx_dropped" \
	'!(index($1, p) == 1 && $1 ~ /_drops$/) && $1 != k' <<<"$kdelta")
drops=$(printf '%s\n%s\nclient.send_errors %s\n' "$xdrops" "$kdelta" "$senderr" | awk 'NF == 2 && $2 != 0')
ndrops=$(printf '%s\n' "$drops" | awk '{ s += $2 } END { print s + 0 }')
echo "soak: packets sent $sent, replies $recv, named drops $ndrops${drops:+:}"
[ -n "$drops" ] && printf '%s\n' "$drops" | sed 's/^/soak:   /'
[ $((recv + ndrops)) -eq "$sent" ] ||
	fail+=("accounted(sent $sent != replies $recv + named drops $ndrops: $((sent - recv - ndrops)) silent)")
# kernel UDP counters do not see the steered path; xlane must balance on its own
read -r steered rx tx vdrop xrxdrop < <(jq -r '[(.steer.steered | add), ([.queues[].rx_packets] | add),
	([.queues[].tx_packets] | add), ([.queues[] | .dropped + .pass_unsupported + .tx_full_drops + .fwd_packets] | add),
	([.queues[] | .xdp_statistics.rx_dropped + .xdp_statistics.rx_ring_full] | add)] | map(tostring) | join(" ")' <<<"$s2")
echo "soak: xlane: steered $steered, worker rx $rx, tx $tx, verdict drops $vdrop, socket drops $xrxdrop"
[ "$steered" -eq $((rx + xrxdrop)) ] || fail+=("per-packet(steered $steered != worker rx $rx + socket drops $xrxdrop)")
[ "$rx" -eq $((tx + vdrop)) ] || fail+=("per-packet(worker rx $rx != tx $tx + verdict drops $vdrop)")
# Only the fast-lane counters must be still: ARP, neighbour discovery and MLD keep passing to the
# kernel (and moving seen/passed) whenever the kernel sends them, senders or not.
[ "$(jq -c .steer.steered <<<"$s1")" = "$(jq -c .steer.steered <<<"$s2")" ] ||
	fail+=("quiescent(steered counters still moving after the senders stopped: $(jq -c .steer.steered <<<"$s1") -> $(jq -c .steer.steered <<<"$s2"))")
read -r ftotal fsum fcons < <(jq -r '.frames | "\(.total) \(.sum) \(.conserved)"' <<<"$s2")
echo "soak: frames: total $ftotal, conservation sum $fsum ($(jq -c '.frames | del(.total, .sum, .conserved)' <<<"$s2"))"
[ "$ftotal" -eq "$fsum" ] && [ "$fcons" = true ] || fail+=("conserved(sum $fsum != total $ftotal)")
nsamp=$(($(wc -l <"$work/soak.csv") - 1))
read -r slope nfit dflt dmaj < <(awk -F, -v w="$warmup" 'NR > 1 && $1 >= w {
		n++; x = $1; y = $2 * 1024; sx += x; sy += y; sxx += x * x; sxy += x * y
		if (n == 1) { f0 = $3; m0 = $4 } f1 = $3; m1 = $4 }
	END { d = n * sxx - sx * sx; printf "%.1f %d %d %d\n", (n > 1 && d != 0) ? (n * sxy - sx * sy) / d : 0, n, f1 - f0, m1 - m0 }' "$work/soak.csv")
echo "soak: $nsamp samples; RSS slope after ${warmup}s: $slope B/s over $nfit samples (bound $slope_max);" \
	"RSS $(awk -F, 'NR == 2 { a = $2 } END { print a " -> " $2 }' "$work/soak.csv") KiB"
echo "soak: page faults after warm-up: minor $dflt, major $dmaj"
[ "$nfit" -ge 3 ] || fail+=("rss-slope(only $nfit samples after the warm-up)")
awk -v s="$slope" -v m="$slope_max" 'BEGIN { exit !(s <= m) }' || fail+=("rss-slope($slope B/s > $slope_max)")
[ "$dflt" -eq 0 ] && [ "$dmaj" -eq 0 ] || fail+=("faults(minor $dflt, major $dmaj in steady state)")
# 5. clean exit: SIGTERM, drain, every frame back (xlane fails otherwise)
kill -TERM "$xpid"
xrc=0
wait "$xl_wrapper" || xrc=$?
tail -n 3 "$work/xlane.log" | sed 's/^/xlane: /'
[ "$xrc" -eq 0 ] || fail+=("clean-exit(xlane exit status $xrc)")
mkdir -p "$(dirname "$csv")"
cp "$work/soak.csv" "$csv"
echo "soak: CSV $csv"
if command -v gnuplot >/dev/null; then
	mkdir -p "$(dirname "$plot")"
	gnuplot -e "csv='$csv'; out='$plot'; slope='$slope'; warmup=$warmup" "$here/plots/memory_over_time.gp" &&
		echo "soak: plot $plot" || fail+=("plot(gnuplot failed)")
else
	echo "soak: gnuplot not installed: no plot"
fi
if [ ${#fail[@]} -gt 0 ]; then
	printf 'soak: FAILED: %s\n' "${fail[@]}" >&2
	exit 1
fi
echo "soak: PASS"
