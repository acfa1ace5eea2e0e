# Ratios with their 95% CI, one row per cell (a forest plot), with the
# threshold band. spawnbench sets: rows, threshold, xlabel.
# Data columns: row, ratio, ci_low, ci_high, "label".
load plotdir.'/common.gp'
set terminal pngcairo size 1100, 160 + 16 * rows font "Sans,9" noenhanced
set output out.'.png'
set key off
set xlabel xlabel
set yrange [-1:rows]
set format x "%.2f"
set xtics 0.05
set ytics scale 0
set grid xtics lc rgb "#dddddd"
set arrow 1 from 1, graph 0 to 1, graph 1 nohead lc rgb "#555555"
set arrow 2 from 1 + threshold, graph 0 to 1 + threshold, graph 1 nohead dt 2 lc rgb "#d62728"
set arrow 3 from 1 - threshold, graph 0 to 1 - threshold, graph 1 nohead dt 2 lc rgb "#2ca02c"
plot datafile using 2:1:3:4:ytic(5) with xerrorbars pt 7 ps 0.6 lc rgb "#1f77b4"
set terminal svg size 1100, 160 + 16 * rows font "Sans,9" noenhanced dynamic
set output out.'.svg'
replot
set output
