# SPDX-License-Identifier: BSD-2-Clause
# Latency against offered load (open-loop sweep, latency from the intended send time).
# Variables: datadir, servers, out, subtitle
set terminal pngcairo size 1100,650 font ",10"
set output out
set termoption noenhanced
set title sprintf("Latency against offered load (open loop, coordinated omission corrected)\n%s", subtitle)
set logscale y 10
set xlabel "offered load (probes/s)"
set ylabel "round-trip latency (us)"
set grid
set key outside right top
set format x "%.0s%c"
plot for [i=1:words(servers)] sprintf("%s/sweep-%s.tsv", datadir, word(servers, i)) \
         using 1:2 with linespoints lw 2 lc i title word(servers, i)." p50", \
     for [i=1:words(servers)] sprintf("%s/sweep-%s.tsv", datadir, word(servers, i)) \
         using 1:3 with linespoints dt 2 lw 1 lc i title word(servers, i)." p99"
