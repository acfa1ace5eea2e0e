# Clustered bars with their 95% CI: the first row names the series, each followed by two
# columns for its interval; the first column names the groups. spawnbench sets: series, ylabel.
load plotdir.'/common.gp'
set style data histograms
set style histogram errorbars gap 1 lw 1.2
set style fill solid 0.85 border -1
set boxwidth 0.9
set xtics rotate by -30 scale 0
set ylabel ylabel
set xzeroaxis lt -1
plot for [s=0:series-1] datafile using (column(2 + 3 * s)):(column(3 + 3 * s)):(column(4 + 3 * s)):xtic(1) \
	title columnheader(2 + 3 * s)
load plotdir.'/finish.gp'
