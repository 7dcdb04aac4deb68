#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# Suite 'netns': the whole comparison in --quick form on a fresh veth testbed, then checks that
# every server produced a non-empty, sane result and that results/latency.json conforms to the
# schema. Exit 77 (meson: skipped) when not root or under the valgrind setup, with the reason.
#   test_e2e.sh SOURCE_ROOT BUILD_ROOT
set -euo pipefail
src=$1 build=$2
if [ "$(id -u)" -ne 0 ]; then
	echo "SKIP: needs root (network namespaces, XDP, AF_XDP)" >&2
	exit 77
fi
if [ "${XL_UNDER_VALGRIND:-0}" = 1 ]; then
	# The harness times servers; under memcheck they would measure Valgrind. The client, the
	# histogram and the JSON writer run under memcheck in the unit suite (lat_client, lat_hist,
	# lat_schema), and xlane's data path in the netns suite.
	echo "SKIP: a latency comparison under Valgrind measures Valgrind" >&2
	exit 77
fi
out=$(mktemp -d /tmp/xl-lat-e2e.XXXXXX)
trap 'rm -rf "$out"' EXIT

start=$SECONDS
# --nice -5: below 0, so xlane-wakeup and DPDK also run with the NAPI thread at nice 0
"$src/scripts/bench-latency.sh" --quick --build "$build" --out "$out" --nice -5 >"$out/stdout.txt" &
run_pid=$!
wait $run_pid
took=$((SECONDS - start))
cat "$out/stdout.txt"
echo "quick run took ${took}s"
json=$out/latency.json

fail=0
bad() { echo "FAIL: $*" >&2; fail=1; }

jq -e --arg kind results -f "$src/bench/latency/schema.jq" "$json" >/dev/null || bad "schema"
# the code that ran: this checkout's commit (null outside a git checkout)
want_commit=$(git -C "$src" rev-parse HEAD 2>/dev/null || true)
jq -e --arg c "$want_commit" '.source.commit == (if $c == "" then null else $c end)' "$json" >/dev/null ||
	bad "source.commit $(jq -c .source "$json"), want '${want_commit:-null}'"
# The budget keeps CI short: a minute, and a minute and a half for a sanitizer build, where every
# server and client is instrumented (41 s plain and 48-52 s under ASan on 2026-12-04)
budget=60
case "${XL_SANITIZE:-none}" in none | "") ;; *) budget=90 ;; esac
[ "$took" -lt "$budget" ] || bad "the quick run took ${took}s (budget: under ${budget}s, sanitizer: ${XL_SANITIZE:-none})"

# Every server must be there. xlane's two are excused only while the xlane program is not built
# at all (the data path lands separately); once it exists, a skip is a failure.
expect=(kernel-block kernel-mmsg kernel-busypoll dpdk-af_xdp xlane-wakeup xlane-busypoll)
for s in "${expect[@]}"; do
	if ! jq -e --arg s "$s" 'any(.servers[]; .name == $s)' "$json" >/dev/null; then
		if [[ "$s" == xlane-* ]] && [ ! -x "$build/userspace/cli/xlane" ]; then
			echo "NOTE: $s not measured: $build/userspace/cli/xlane is not built yet" >&2
			continue
		fi
		bad "$s produced no result: $(jq -r --arg s "$s" '.skipped[] | select(.server == $s) | .reason' "$json")"
		continue
	fi
	# sane: every run echoed, little loss, percentiles inside 1 us .. 50 ms at the median,
	# ordered, and a positive throughput
	problems=$(jq -r --arg s "$s" '
		.servers[] | select(.name == $s) | .runs as $runs
		| (["pingpong-spin", "pingpong-block", "sweep", "tput"] - ($runs | keys) | map("missing run \(.)")[]),
		  ($runs | to_entries[] | .key as $k | .value as $d
		   | (if $d.summary.received == 0 and ($d.steps | map(.received) | add // 0) == 0 then "\($k): nothing echoed" else empty end),
		     (if ($d.mode == "pingpong") then
			(if $d.summary.loss_ratio > 0.01 then "\($k): loss \($d.summary.loss_ratio)" else empty end),
			(if $d.summary.latency_ns.p50.median < 1000 or $d.summary.latency_ns.p50.median > 50000000
			 then "\($k): p50 \($d.summary.latency_ns.p50.median) ns is not plausible" else empty end),
			(if $d.summary.latency_ns.min.median > $d.summary.latency_ns.max.median then "\($k): min > max" else empty end),
			(if ($d.hdr | length) < 2 then "\($k): empty HDR curve" else empty end)
		      else empty end),
		     (if $d.mode == "tput" and $d.max_rate.pps.median <= 0 then "\($k): no rate passed" else empty end))' "$json")
	[ -z "$problems" ] || bad "$s: $problems"
	st=$(jq --arg s "$s" '.servers[] | select(.name == $s) | .exit_status' "$json")
	if [ "$st" != 0 ]; then
		# the harness's own servers must shut down cleanly (this also catches sanitizer reports);
		# xlane's exit status is the data path's business: reported loudly, recorded in the JSON
		if [[ "$s" == xlane-* ]]; then
			echo "WARN: $s exited with status $st at shutdown (see servers[].exit_status)" >&2
		else
			bad "$s exited with status $st (crash or sanitizer report at shutdown)"
		fi
	fi
done
# the round-trip breakdown: every xlane server has a stamped run whose segments are sane and add
# up to about its round trip (the p50s of three segments against the p50 of their sum)
for s in xlane-busypoll xlane-wakeup; do
	jq -e --arg s "$s" '.servers[] | select(.name == $s)' "$json" >/dev/null || continue
	problems=$(jq -r --arg s "$s" '.breakdown.runs[$s] as $r
		| if $r == null then "no stamped run (breakdown: \(.breakdown | tojson | .[0:200]))" else
		  $r.breakdown as $b | ($b.segments_ns | [.client_to_xdp.p50, .xdp_to_worker.p50, .worker_to_client.p50] | add) as $sum
		  | (if ($b.source | test("ktime|rx_meta") | not) then "stamp source \($b.source)" else empty end),
		    (if $b.echoes.ktime + $b.echoes.rx_meta < $r.summary.received * 0.99 then "only \($b.echoes.ktime + $b.echoes.rx_meta) of \($r.summary.received) echoes stamped" else empty end),
		    (if ($b.segments_ns | to_entries | map(select(.value.p50 <= 0)) | length) > 0 then "a segment with p50 0" else empty end),
		    (if $sum < 0.5 * $r.summary.latency_ns.p50.median or $sum > 2 * $r.summary.latency_ns.p50.median
		     then "segments add to \($sum) ns, round trip p50 \($r.summary.latency_ns.p50.median) ns" else empty end)
		  end' "$json")
	[ -z "$problems" ] || bad "$s breakdown: $problems"
done
grep -q "round-trip breakdown (xlane" "$out/stdout.txt" || bad "stdout has no round-trip breakdown"
# paired rounds: xlane busy poll right next to DPDK and to the busy-polling socket path; every
# round has a sane p50 and p99 of each for both client modes, every ratio comes from its round
problems=$(jq -r '.paired as $p | if $p == null then "missing" elif $p.skipped then "skipped: \($p.skipped)" else
	(if $p.server != "xlane-busypoll" or $p.references != ["dpdk-af_xdp", "kernel-busypoll"]
	 then "server \($p.server), references \($p.references)" else empty end),
	(if ($p.runs | length) != $p.rounds or $p.rounds < 1 then "\($p.runs | length) runs for \($p.rounds) rounds" else empty end),
	($p.runs[] | .round as $r | .results as $x | ([$p.server] + $p.references)[] as $s
	 | ("pingpong-spin", "pingpong-block") as $k | $x[$s][$k] as $v
	 | if $v == null then "round \($r): no \($k) of \($s)"
	   elif $v.received == 0 or $v.p50_ns < 1000 or $v.p50_ns > 50000000 or $v.p99_ns < $v.p50_ns
	   then "round \($r): \($s) \($k) not sane: \($v | tojson)" else empty end),
	($p.ratios | to_entries[] | .key as $n | .value | to_entries[] | .key as $k | .value | to_entries[]
	 | select((.value.per_round | length) != $p.rounds) | "\($n) \($k) \(.key): \(.value.per_round | length) of \($p.rounds) rounds"),
	($p.runs[0].results as $x | ($x["xlane-busypoll"]["pingpong-spin"].p50_ns / $x["dpdk-af_xdp"]["pingpong-spin"].p50_ns) as $want
	 | $p.ratios["xlane-busypoll/dpdk-af_xdp"]["pingpong-spin"].p50.per_round[0] as $got
	 | if $got != $want then "round 1 spin p50 ratio \($got), from its results \($want)" else empty end),
	([$p.runs[].results["xlane-busypoll"]["pingpong-block"].p99_ns] | min) as $x
	| ([$p.runs[].results["kernel-busypoll"]["pingpong-block"].p99_ns] | min) as $k
	| (if $p.best["xlane-busypoll"]["pingpong-block"].p99_ns != $x then "best xlane block p99 is not the lowest round" else empty end),
	  (if $p.best_ratios["xlane-busypoll/kernel-busypoll"]["pingpong-block"].p99 != $x / $k
	   then "fastest-round block p99 ratio \($p.best_ratios["xlane-busypoll/kernel-busypoll"]["pingpong-block"].p99), want \($x / $k)" else empty end)
	end' "$json")
[ -z "$problems" ] || bad "paired rounds: $problems"
grep -q "^paired rounds (xlane-busypoll" "$out/stdout.txt" || bad "stdout has no paired rounds"
# receive-only throughput: every receiver counted something, never more than was sent
problems=$(jq -r '.receive_only as $r | if $r.skipped then "skipped: \($r.skipped)" else
	($r.receivers | to_entries[] | .key as $k
	 | (if (.value.runs | length) == 0 then "\($k): no run" else empty end),
	   (.value.runs[] | if .received <= 0 then "\($k): received \(.received)"
	                    elif .received > .sent then "\($k): received \(.received) > sent \(.sent)" else empty end)) end' "$json")
[ -z "$problems" ] || bad "receive-only: $problems"
grep -q "receive-only throughput" "$out/stdout.txt" || bad "stdout has no receive-only throughput"
# the ceiling (XDP_DROP) ran in the same run, on the testbed, and is in the ratios
jq -e '.receive_only.receivers["xdp-drop-rxonly"].runs | length > 0' "$json" >/dev/null ||
	bad "receive-only: no xdp-drop ceiling run"
jq -e '.receive_only.ratios | has("xlane-busypoll/xdp-drop") and has("dpdk/xdp-drop")' "$json" >/dev/null ||
	bad "receive-only: no ratios to the xdp-drop ceiling: $(jq -c .receive_only.ratios "$json")"
# both NAPI placements (thread at the server's nice, and at nice 0), each with what it got, and
# each receiver's best placement in the "best" ratios
for v in xlane-wakeup-rxonly-napi-nice0 dpdk-af_xdp-rxonly-napi-nice0 kernel-recvmmsg-rxonly-napi-nice0; do
	jq -e --arg v "$v" '.receive_only.receivers[$v] | (.runs | length > 0) and (.rx_placement | test("at nice 0"))' \
		"$json" >/dev/null || bad "receive-only: no $v run with the NAPI thread at nice 0"
done
# the echo throughput search runs a spinning server under its NAPI thread, a sleeping one not
jq -e '[.servers[] | select(.name | test("busypoll|dpdk")) | .rx_placement.throughput
	| test("session at nice 0, under the thread")] | length > 0 and all' "$json" >/dev/null ||
	bad "tput: a spinning server's search did not run under its NAPI thread: $(jq -c '[.servers[] | .rx_placement.throughput]' "$json")"
jq -e '[.servers[] | select(.name | test("wakeup|block|mmsg")) | .rx_placement.throughput
	| test("session at nice 0") | not] | all' "$json" >/dev/null ||
	bad "tput: a sleeping server's search ran under its NAPI thread"
# and the spinning receivers under the thread (the receiver at nice 0, the thread at the run's)
for v in dpdk-af_xdp-rxonly-server-nice0 xlane-busypoll-rxonly-server-nice0; do
	jq -e --arg v "$v" '.receive_only.receivers[$v] | (.runs | length > 0)
		and (.rx_placement | test("at nice -5;.*the receiver at nice 0"))' "$json" >/dev/null ||
		bad "receive-only: no $v run with the receiver at nice 0 under the NAPI thread at -5"
done
jq -e '.receive_only.receivers["xlane-wakeup-rxonly"].rx_placement | test("at nice -5;.*the receiver at nice -5")' "$json" >/dev/null ||
	bad "receive-only: xlane-wakeup-rxonly did not run with the NAPI thread at the server's nice"
jq -e '.receive_only.best as $b | ($b.xlane.receiver | startswith("xlane-")) and ($b.dpdk.receiver | startswith("dpdk-"))
	and ($b["xlane/dpdk"] == $b.xlane.rx_pps / $b.dpdk.rx_pps)' "$json" >/dev/null ||
	bad "receive-only: best placements/ratios wrong: $(jq -c .receive_only.best "$json")"
grep -q "each receiver at its best placement" "$out/stdout.txt" || bad "stdout has no best-placement line"
# within each repetition: every run says its repetition, and each side's figure is its best
# receiver in that repetition, the ratio recomputed from them
problems=$(jq -r '.receive_only as $r
	| ($r.receivers | to_entries[] | .key as $k | .value.runs[] | select(.rep == null) | "\($k): a run without its repetition"),
	  (($r.by_repetition.per_rep // []) | if length == 0 then "no by_repetition.per_rep" else .[] end
	   | .rep as $i | .xlane as $x | .dpdk as $d
	   | ([$r.receivers | to_entries[] | select(.key | startswith("xlane-")) | .value.runs[] | select(.rep == $i) | .rx_pps] | max) as $xm
	   | (if $x.rx_pps != $xm then "rep \($i): xlane \($x.rx_pps), its best run \($xm)" else empty end),
	     (if .["xlane/dpdk"] != $x.rx_pps / $d.rx_pps then "rep \($i): xlane/dpdk \(.["xlane/dpdk"]), want \($x.rx_pps / $d.rx_pps)" else empty end))' "$json")
[ -z "$problems" ] || bad "receive-only by repetition: $problems"
grep -q "within each repetition" "$out/stdout.txt" || bad "stdout has no within-repetition ratios"
# the JSON records the command line it was run with, options included
jq -e --arg o "$out" '.command | startswith("scripts/bench-latency.sh --quick ") and contains("--out \($o) --nice -5")' \
	"$json" >/dev/null || bad "command not recorded with its options: $(jq -c .command "$json")"
grep -q "at the top step" "$out/stdout.txt" || bad "stdout has no receive rate at the top (overload) step"
# the default generator is lat_blast's XDP live-frames engine; every run says which one sent its load
jq -e '.receive_only.generator | test("XDP live frames")' "$json" >/dev/null ||
	bad "receive-only generator is not the XDP live-frames one: $(jq -c .receive_only.generator "$json")"
jq -e '[.receive_only.receivers[].runs[].steps[].generator | test("XDP live frames")] | all' "$json" >/dev/null ||
	bad "a receive-only step was not sent by the XDP live-frames generator"
# the DPDK peer says what it stands in for
jq -e '.servers[] | select(.name == "dpdk-af_xdp") | .stands_in_for | test("testpmd")' "$json" >/dev/null ||
	bad "dpdk-af_xdp does not say it stands in for testpmd"
grep -q "in for dpdk-testpmd" "$out/stdout.txt" || bad "stdout does not say dpdk_echo stands in for testpmd"
for p in latency_hdr_spin.png latency_hdr_block.png lat_vs_load.png throughput.png; do
	[ -s "$out/$p" ] || bad "plot $p missing"
done
# nothing left behind: the run's testbed namespaces are gone (a namespace whose last process is
# still exiting can take a moment to disappear: wait up to 5 s)
left=
for _ in $(seq 50); do
	left=$(ls /run/netns 2>/dev/null | grep -E "^xlb$run_pid-" || true)
	[ -n "$left" ] || break
	sleep 0.1
done
[ -z "$left" ] || bad "testbed namespaces left behind: $left"
exit $fail
