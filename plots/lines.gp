# Lines, one per data block (each block starts with its title line), with
# 95% CI error bars when the data has columns 3 and 4 (errorbars = 1).
# spawnbench sets: blocks, xlabel, ylabel, logx, logy, sizes (x in bytes), errorbars,
# colors and dashes (one word per block: the line type, the dash type), and with sizes
# the ticks (ticks.gp) and xmin, xmax; ratio (x from 0 to 1) and whole_x (x a count) may be set.
load plotdir.'/common.gp'
set xlabel xlabel
set ylabel ylabel
if (logx) { set logscale x 2 }
if (logy) { set logscale y }
if (sizes) { load plotdir.'/ticks.gp'; set xrange [xmin:xmax] } # ticks at the heaps measured, named as in the configs
if (!logy) { set yrange [0:*] }
if (exists("ratio") && ratio) { set xrange [0:1] }
if (exists("whole_x") && whole_x) { set xtics 1; set offsets 0.2, 0.2, 0, 0 } # counts: threads, creators
if (errorbars) {
	plot for [i=0:blocks-1] datafile index i using 1:2:3:4 with yerrorlines \
		lt int(word(colors, i + 1)) dt int(word(dashes, i + 1)) ps 0.7 title columnheader(1)
} else {
	plot for [i=0:blocks-1] datafile index i using 1:2 with linespoints \
		lt int(word(colors, i + 1)) dt int(word(dashes, i + 1)) ps 0.7 title columnheader(1)
}
load plotdir.'/finish.gp'
