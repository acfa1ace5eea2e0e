# Ticks at given places with given labels: spawnbench sets tick_count and
# tick_label_I (a string) and tick_value_I (a number) for I from 1. The labels
# are read with value(), as data: nothing here evaluates text as a command.
set xtics (value('tick_label_1') value('tick_value_1'))
if (tick_count > 1) {
	do for [i=2:tick_count] {
		set xtics add (value(sprintf('tick_label_%d', i)) value(sprintf('tick_value_%d', i)))
	}
}
