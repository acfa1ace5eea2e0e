/*
 * One chart on disk: its data and gnuplot variables under DIR/plots/data/,
 * drawn by a script in plots/ into DIR/plots/NAME.png and NAME.svg.
 *
 * Every string that reaches gnuplot is data, never code: variables are
 * single-quoted literals (gnuplot substitutes nothing inside single quotes)
 * with control characters removed, labels in data files cannot close their
 * quotes, and gnuplot runs inside DIR/plots with relative file names, so no
 * path from a bundle appears in a script at all.
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

/* NAME = 'VALUE' in a variables file: a literal whatever VALUE holds. */
void gp_assign_text(FILE *variables, const char *name, const char *value);
/* The same, appended to a buffer of variables being built. */
void gp_append_text(char *buffer, size_t size, const char *name, const char *value);

/*
 * tick_count and tick_label_I / tick_value_I (I from 1): ticks that lines.gp
 * and trend.gp set one by one through value(), with no eval.
 */
void gp_assign_ticks(FILE *variables, size_t count, const char *const *labels, const double *values);

/* A label in a data file, in double quotes: a quote inside becomes ', a control character a space. */
void gp_data_label(FILE *data, const char *text);

#endif
