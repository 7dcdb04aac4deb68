# SPDX-License-Identifier: BSD-2-Clause
# Highest echo rate with < 0.1 % loss per server (median over repetitions, bars: min..max).
# Variables: datafile (name, median, min, max per line), out, subtitle
set terminal pngcairo size 1000,600 font ",10"
set output out
set termoption noenhanced
set title sprintf("Highest echo rate with less than 0.1%% loss (receive work on the server CPU)\n%s", subtitle)
set style fill solid 0.6 border -1
set boxwidth 0.6
set ylabel "echoed probes/s"
set yrange [0:*]
set grid ytics
set xtics rotate by -20
set format y "%.0s%c"
plot datafile using 0:2:xtic(1) with boxes notitle, \
     datafile using 0:2:3:4 with yerrorbars lc rgb "black" pt 0 notitle
