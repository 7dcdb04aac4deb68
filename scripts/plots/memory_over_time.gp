# SPDX-License-Identifier: BSD-2-Clause
# Memory over time from scripts/soak.sh's CSV: the xlane process's RSS (left axis) and UMEM frames
# in use, i.e. outside the pool (right axis), one sample a second, like a memory profiler's plot.
# Variables: csv (t_s,rss_kib,minflt,majflt,frames_total,frames_in_use,...), out, slope (B/s after
# the warm-up, as printed by soak.sh), warmup (s)
set terminal pngcairo size 1000,600 font ",10"
set output out
set termoption noenhanced
set datafile separator ","
set key top left
set title sprintf("xlane soak: RSS and UMEM frames in use (RSS slope after %d s warm-up: %s B/s)", warmup, slope)
set xlabel "time (s)"
set ylabel "RSS (MiB)"
set y2label "frames in use (of the UMEM)"
set ytics nomirror
set y2tics
set yrange [0:*]
set y2range [0:*]
set grid
set arrow from warmup, graph 0 to warmup, graph 1 nohead dt 2 lc rgb "gray40"
plot csv every ::1 using 1:($2 / 1024.0) axes x1y1 with linespoints pt 7 ps 0.4 lw 2 title "RSS", \
     csv every ::1 using 1:6 axes x1y2 with steps lw 1.5 title "frames in use", \
     csv every ::1 using 1:5 axes x1y2 with lines dt 3 lc rgb "gray50" title "frames total"
