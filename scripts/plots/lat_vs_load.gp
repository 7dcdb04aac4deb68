# SPDX-License-Identifier: BSD-2-Clause
# Latency against offered load (open-loop sweep, latency from the intended send time).
# Variables: datadir, servers, out, subtitle
set terminal pngcairo size 1100,650 font ",10"
set output out
set title sprintf("Latency against offered load (open loop, coordinated omission corrected)\n{/*0.8 %s}", subtitle)
set logscale y 10
set xlabel "offered load (probes/s)"
set ylabel "round-trip latency (us)"
set grid
set key top left
set format x "%.0s%c"
plot for [s in servers] sprintf("%s/sweep-%s.tsv", datadir, s) using 1:2 with linespoints lw 2 title s." p50", \
     for [s in servers] sprintf("%s/sweep-%s.tsv", datadir, s) using 1:3 with linespoints dt 2 lw 1 title s." p99"
