# SPDX-License-Identifier: BSD-2-Clause
# HDR-style percentile curves, every server on one chart. Variables (gnuplot -e):
#   datadir, run, servers (space-separated), out, subtitle, client
set terminal pngcairo size 1100,650 font ",10"
set output out
set termoption noenhanced
set title sprintf("Round-trip latency by percentile, ping-pong with a %s client\n%s", client, subtitle)
set logscale x 10
set logscale y 10
set xlabel "percentile"
set ylabel "round-trip latency (us)"
set xtics ("0%%" 1, "90%%" 10, "99%%" 100, "99.9%%" 1000, "99.99%%" 10000, "99.999%%" 100000, "99.9999%%" 1000000)
set grid xtics ytics mytics
set key top left
set xrange [1:*]
plot for [i=1:words(servers)] sprintf("%s/hdr-%s-%s.tsv", datadir, run, word(servers, i)) \
         using 1:2 with steps lw 2 lc i title word(servers, i)
