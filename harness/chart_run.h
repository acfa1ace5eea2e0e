/*
 * One chart on disk: its data and gnuplot variables under DIR/plots/data/,
 * drawn by a script in plots/ into DIR/plots/NAME.png and NAME.svg.
 */
#ifndef SPAWNBENCH_CHART_RUN_H
#define SPAWNBENCH_CHART_RUN_H

#include <limits.h>
#include <stdbool.h>
#include <stdio.h>

struct chart_files {
	char plots_dir[PATH_MAX];
	char name[64];
	FILE *data;        /* NAME.dat: the script's datafile */
	FILE *variables;   /* NAME.gp: the chart's own gnuplot variables, read before the script */
};

/* Creates DIR/plots and DIR/plots/data and opens the chart's files; false if it cannot. */
bool chart_files_open(struct chart_files *files, const char *dir, const char *name);

/*
 * Closes the files and runs gnuplot with them and plots/SCRIPT. Returns true
 * if gnuplot drew the chart; note gets gnuplot's warnings, or why it could not.
 */
bool chart_files_draw(struct chart_files *files, const char *script, const char *heading, const char *subtitle,
		      char *note, size_t note_size);

/* Closes the files without drawing (no data). */
void chart_files_discard(struct chart_files *files);

#endif
