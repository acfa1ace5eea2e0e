# Draws the chart just plotted again as SVG beside the PNG.
set terminal svg size 1100,650 font "Sans,10" noenhanced dynamic
set output out.'.svg'
replot
set output
