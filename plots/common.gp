# Shared by every chart. spawnbench sets: out (path without extension),
# heading (what the chart shows), subtitle (machine and kernel), datafile.
set terminal pngcairo size 1100,650 font "Sans,10" noenhanced
set output out.'.png'
set title heading."\n".subtitle noenhanced
set grid lc rgb "#dddddd"
set key outside right top vertical noenhanced box opaque
set border 3
set tics nomirror
set datafile missing "?"
# one colour per primitive (or heap), wide apart; spawnbench names them per line
set linetype 1 lc rgb "#1f77b4" lw 1.6 pt 7
set linetype 2 lc rgb "#d62728" lw 1.6 pt 5
set linetype 3 lc rgb "#2ca02c" lw 1.6 pt 9
set linetype 4 lc rgb "#ff7f0e" lw 1.6 pt 11
set linetype 5 lc rgb "#9467bd" lw 1.6 pt 13
set linetype 6 lc rgb "#8c564b" lw 1.6 pt 7
set linetype 7 lc rgb "#e377c2" lw 1.6 pt 5
set linetype 8 lc rgb "#17becf" lw 1.6 pt 9
set linetype 9 lc rgb "#7f7f7f" lw 1.6 pt 11
set linetype 10 lc rgb "#bcbd22" lw 1.6 pt 13
set linetype cycle 10
