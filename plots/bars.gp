# Clustered bars: the first row names the series, the first column the groups.
# spawnbench sets: columns (series + 1), ylabel, logy.
load plotdir.'/common.gp'
set style data histograms
set style histogram clustered gap 1
set style fill solid 0.85 border -1
set boxwidth 0.9
set xtics rotate by -30 scale 0
set ylabel ylabel
if (logy) { set logscale y } else { set yrange [0:*] }
plot for [c=2:columns] datafile using c:xtic(1) title columnheader(c)
load plotdir.'/finish.gp'
