# Medians with their 95% CI against kernel release, one line per heap.
# spawnbench sets: blocks, kernels, ylabel, colors, and the ticks (ticks.gp): one per kernel release.
load plotdir.'/common.gp'
set xlabel "kernel release (bundles in version order)"
set ylabel ylabel
set logscale y
load plotdir.'/ticks.gp'
set xrange [-0.5:kernels - 0.5]
plot for [i=0:blocks-1] datafile index i using 1:2:3:4 with yerrorlines lt int(word(colors, i + 1)) ps 0.7 \
	title columnheader(1)
load plotdir.'/finish.gp'
