# Measured points with a published band overlaid: y = low * x and y = high * x.
# spawnbench sets: low, high, xlabel, ylabel, band_title. Data: x, y.
load plotdir.'/common.gp'
set xlabel xlabel
set ylabel ylabel
set xrange [0:*]
set yrange [0:*]
plot datafile using 1:2 with linespoints lt 1 title "measured here", \
	low * x with lines lt 2 dt 2 title sprintf("%s: %g", band_title, low), \
	high * x with lines lt 2 dt 3 title sprintf("%s: %g", band_title, high)
load plotdir.'/finish.gp'
