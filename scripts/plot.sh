#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# PNG plots of a latency comparison (results/latency.json from scripts/bench-latency.sh):
#   latency_hdr_spin.png, latency_hdr_block.png  HDR percentile curves of every server on one chart
#                                                (x: 1/(1-p), log scale), spinning / blocking client
#   lat_vs_load.png                              p50 and p99 against offered load (open-loop sweep)
#   throughput.png                               highest echo rate with < 0.1 % loss, per server
#
#   scripts/plot.sh [results/latency.json [OUTDIR]]
set -euo pipefail
cd "$(dirname "$0")/.."
json=${1:-results/latency.json}
out=${2:-$(dirname "$json")}
[ -r "$json" ] || { echo "plot: cannot read $json" >&2; exit 1; }
command -v gnuplot >/dev/null || { echo "plot: gnuplot is missing (scripts/deps.sh)" >&2; exit 1; }
data=$(mktemp -d /tmp/xl-plot.XXXXXX)
trap 'rm -rf "$data"' EXIT
mkdir -p "$out"

servers=$(jq -r '[.servers[].name] | join(" ")' "$json")
[ -n "$servers" ] || { echo "plot: no servers in $json" >&2; exit 1; }
title=$(jq -r '"\(.fingerprint.kernel), \(.fingerprint.cpu_model), \(.fingerprint.iface) (\(.fingerprint.driver)); server cpu\(.config.server_cpu), client cpu\(.config.client_cpu)\(if .quick then "; QUICK run" else "" end)"' "$json")

for s in $servers; do
	for run in pingpong-spin pingpong-block; do
		# x = 1/(1-p); the maximum (p = 100 %) is drawn at x = number of samples
		jq -r --arg s "$s" --arg r "$run" '.servers[] | select(.name == $s) | .runs[$r] // empty
			| .summary.received as $n
			| .hdr[] | (if .[0] >= 100 then $n else 1 / (1 - .[0] / 100) end) as $x
			| "\($x)\t\(.[1] / 1000)"' "$json" >"$data/hdr-$run-$s.tsv"
	done
	jq -r --arg s "$s" '.servers[] | select(.name == $s) | .runs.sweep // empty | .steps[]
		| "\(.offered_pps)\t\(.latency_ns.p50 / 1000)\t\(.latency_ns.p99 / 1000)\t\(.rx_pps)"' \
		"$json" >"$data/sweep-$s.tsv"
done
jq -r '.servers[] | select(.runs.tput) | "\(.name)\t\(.runs.tput.max_rate.pps.median)\t\(.runs.tput.max_rate.pps.min)\t\(.runs.tput.max_rate.pps.max)"' \
	"$json" >"$data/tput.tsv"

for run in spin block; do
	gnuplot -e "datadir='$data'; run='pingpong-$run'; servers='$servers'; out='$out/latency_hdr_$run.png'; subtitle='$title'; client='$run'" \
		scripts/plots/latency_hdr.gp
done
gnuplot -e "datadir='$data'; servers='$servers'; out='$out/lat_vs_load.png'; subtitle='$title'" scripts/plots/lat_vs_load.gp
if [ -s "$data/tput.tsv" ]; then
	gnuplot -e "datafile='$data/tput.tsv'; out='$out/throughput.png'; subtitle='$title'" scripts/plots/throughput.gp
fi
echo "plot: $(cd "$out" && ls latency_hdr_spin.png latency_hdr_block.png lat_vs_load.png throughput.png 2>/dev/null | tr '\n' ' ')in $out"
