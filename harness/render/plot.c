#define _GNU_SOURCE
#include "plot.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "chart_run.h"
#include "parse.h"
#include "primitive.h"
#include "table.h"
#include "util.h"

struct plot_context {
	const struct loaded_bundle *bundle;
	const struct axes *axes;
	const char *bundle_dir;
	struct chart_files files;      /* the chart being drawn */
	char subtitle[400];
	struct fit_row *fits;
	size_t fit_count;
	struct chart_report *report;
};

/* One chart: its file name, heading, the function that draws it and what that function varies. */
struct chart_spec {
	const char *name;
	const char *heading;           /* NULL: the drawing function words it (it names a heap or a writer) */
	void (*draw)(struct plot_context *ctx, const struct chart_spec *spec);
	int phase;                     /* against heap: the phase whose median and CI are drawn */
	const char *counter;           /* against heap: a counted event's column instead of a phase */
	const char *ylabel;
	bool faults;                   /* copy-on-write by heap: the writer's faults, not its write loop */
	enum writer writer;            /* copy-on-write by primitive: whose writes */
	enum dimension_id dimension;   /* by dimension: the dimension compared; against a count: the x axis */
	/* against a count (threads, creators): one line per primitive, action and value of series (and writer) */
	enum dimension_id series;
	bool (*value)(const struct cell_summary *cell, struct summary *out);   /* the y: median and interval */
	bool written;                  /* at the largest written heap and ratio, one line per writer too */
	bool ideal;                    /* and a dotted line of the count times the value at the count's first */
};

/* A data file of line blocks: each block starts with its title line, blocks apart by two blank lines. */
struct blocks {
	FILE *file;
	int count;
	char colors[256], dashes[256];   /* gnuplot word lists: line type and dash type per block */
};

static struct chart_outcome *new_chart(struct plot_context *ctx, const char *name, const char *heading)
{
	chart_files_discard(&ctx->files); /* the previous chart's, if it was not drawn */
	struct chart_outcome *chart = &ctx->report->charts[ctx->report->count++];
	memset(chart, 0, sizeof *chart);
	snprintf(chart->name, sizeof chart->name, "%s", name);
	snprintf(chart->heading, sizeof chart->heading, "%s", heading);
	return chart;
}

static FILE *open_data(struct plot_context *ctx, const char *name)
{
	if (!chart_files_open(&ctx->files, ctx->bundle_dir, name))
		die("cannot write chart data under %s/plots: %s", ctx->bundle_dir, strerror(errno));
	return ctx->files.data;
}

/* The data is complete: close it so that gnuplot reads it whole. */
static void close_data(struct plot_context *ctx)
{
	fclose(ctx->files.data);
	ctx->files.data = NULL;
}

/* Runs gnuplot on the chart's data and variables with script; records drawn or why not. */
static void draw(struct plot_context *ctx, struct chart_outcome *chart, const char *script, const char *variables)
{
	fputs(variables, ctx->files.variables);
	chart->drawn = chart_files_draw(&ctx->files, script, chart->heading, ctx->subtitle, chart->note, sizeof chart->note);
}

/* Starts a block titled title, drawn in line type color (1-10) and dash type dash (1 solid, 2 dashed). */
static void block_start(struct blocks *blocks, const char *title, int color, int dash)
{
	fputs(blocks->count ? "\n\n" : "", blocks->file);
	gp_data_label(blocks->file, title);
	fputc('\n', blocks->file);
	size_t used = strlen(blocks->colors);
	snprintf(blocks->colors + used, sizeof blocks->colors - used, "%s%d", used ? " " : "", color);
	used = strlen(blocks->dashes);
	snprintf(blocks->dashes + used, sizeof blocks->dashes - used, "%s%d", used ? " " : "", dash);
	blocks->count++;
}

/*
 * A tick at each heap above 0 of the suite, named as in the configs ("4K"),
 * and a margin, without which a log axis drops the tick at its very end.
 */
static void size_ticks(struct plot_context *ctx)
{
	const struct axes *axes = ctx->axes;
	char labels[MAX_VALUES][32];
	const char *label_list[MAX_VALUES];
	double values[MAX_VALUES], smallest = 0, largest = 0;
	size_t count = 0;
	for (size_t h = 0; h < axes->counts[DIMENSION_HEAP]; h++) {
		if (!(uint64_t)axes->values[DIMENSION_HEAP][h])
			continue;
		format_size((uint64_t)axes->values[DIMENSION_HEAP][h], labels[count], sizeof labels[count]);
		label_list[count] = labels[count];
		values[count++] = (double)(uint64_t)axes->values[DIMENSION_HEAP][h];
		smallest = smallest ? fmin(smallest, (double)(uint64_t)axes->values[DIMENSION_HEAP][h]) : (double)(uint64_t)axes->values[DIMENSION_HEAP][h];
		largest = fmax(largest, (double)(uint64_t)axes->values[DIMENSION_HEAP][h]);
	}
	gp_assign_ticks(ctx->files.variables, count, label_list, values);
	fprintf(ctx->files.variables, "xmin = %.0f\nxmax = %.0f\n", smallest / 1.3, largest * 1.3);
}

/* The blocks' variables for lines.gp, after the chart's own. */
static void block_variables(const struct blocks *blocks, char *variables, size_t size)
{
	size_t used = strlen(variables);
	snprintf(variables + used, size - used, "blocks = %d\n", blocks->count);
	gp_append_text(variables, size, "colors", blocks->colors);
	gp_append_text(variables, size, "dashes", blocks->dashes);
}

/* A primitive's colour: its place in the primitive table, the same in every chart. */
static int primitive_color(unsigned primitive)
{
	return (int)primitive + 1;
}

static void not_drawn(struct chart_outcome *chart, const char *format, ...) __attribute__((format(printf, 2, 3)));
static void not_drawn(struct chart_outcome *chart, const char *format, ...)
{
	va_list args;
	va_start(args, format);
	vsnprintf(chart->note, sizeof chart->note, format, args);
	va_end(args);
	chart->drawn = false;
}

static void label(unsigned primitive, enum action action, char *buf, size_t size)
{
	snprintf(buf, size, "%s %s", primitive_table[primitive]->name, action_names[action]);
}

static const struct cell_summary *ok_cell(const struct plot_context *ctx, const struct cell *key)
{
	return results_find_ok(&ctx->bundle->results, key);
}

/* Every primitive and action of the suite, in its order; false when done. */
/* The base cell of one primitive and action: every other dimension at its first value. */
static struct cell pair_key(const struct axes *axes, unsigned primitive, enum action action)
{
	struct cell key = axes_base_cell(axes);
	key.primitive = primitive;
	key.action = action;
	return key;
}

static bool next_pair(const struct axes *axes, size_t *index, unsigned *primitive, enum action *action)
{
	size_t total = axes->counts[DIMENSION_PRIMITIVE] * axes->counts[DIMENSION_ACTION];
	if (*index >= total)
		return false;
	*primitive = (unsigned)axes->values[DIMENSION_PRIMITIVE][*index / axes->counts[DIMENSION_ACTION]];
	*action = (enum action)axes->values[DIMENSION_ACTION][*index % axes->counts[DIMENSION_ACTION]];
	(*index)++;
	return true;
}

/* A phase's median with its CI, or a counter's median, against heap size: one line per primitive and action. */
static void chart_against_heap(struct plot_context *ctx, const struct chart_spec *spec)
{
	struct chart_outcome *chart = new_chart(ctx, spec->name, spec->heading);
	int counter = spec->counter ? event_median_index(&ctx->bundle->events, spec->counter) : -1;
	if (spec->counter && counter < 0)
		return not_drawn(chart, "%s was not counted in this bundle", spec->counter);
	struct blocks blocks = { .file = open_data(ctx, spec->name) };
	unsigned primitive;
	enum action action;
	char title[64];
	for (size_t pair = 0; next_pair(ctx->axes, &pair, &primitive, &action);) {
		struct cell key = pair_key(ctx->axes, primitive, action);
		bool started = false;
		for (size_t h = 0; h < ctx->axes->counts[DIMENSION_HEAP]; h++) {
			key.heap_bytes = (uint64_t)ctx->axes->values[DIMENSION_HEAP][h];
			const struct cell_summary *cell = ok_cell(ctx, &key);
			double value = !cell ? NAN : spec->counter ? cell->medians[counter] : cell->phases[spec->phase].median;
			if (key.heap_bytes == 0 || isnan(value))
				continue; /* a log axis has no room for heap 0: the report's table has it */
			if (!started) {
				label(primitive, action, title, sizeof title);
				block_start(&blocks, title, primitive_color(primitive), (int)action + 1);
				started = true;
			}
			if (spec->counter) {
				fprintf(blocks.file, "%llu %.6g\n", (unsigned long long)key.heap_bytes, value);
				continue;
			}
			const struct summary *s = &cell->phases[spec->phase];
			fprintf(blocks.file, "%llu %.3f %.3f %.3f\n", (unsigned long long)key.heap_bytes, s->median,
				isnan(s->ci_low) ? s->median : s->ci_low, isnan(s->ci_high) ? s->median : s->ci_high);
		}
	}
	close_data(ctx);
	if (!blocks.count)
		return not_drawn(chart, "no measured cell with a heap above 0%s%s", spec->counter ? " counted " : "",
				 spec->counter ? spec->counter : "");
	char variables[1000], ylabel[64];
	snprintf(ylabel, sizeof ylabel, "%s median (us), 95%% CI", phase_names[spec->phase]);
	snprintf(variables, sizeof variables, "logx = 1\nlogy = %d\nsizes = 1\nerrorbars = %d\n", !spec->counter,
		 !spec->counter);
	gp_append_text(variables, sizeof variables, "xlabel", "parent's populated heap");
	gp_append_text(variables, sizeof variables, "ylabel", spec->counter ? spec->ylabel : ylabel);
	block_variables(&blocks, variables, sizeof variables);
	size_ticks(ctx);
	draw(ctx, chart, "lines.gp", variables);
}

/* The write loop (or the writer's faults) against write ratio, by heap, for one primitive, action and writer. */
static void chart_cow_by_heap(struct plot_context *ctx, const struct chart_spec *spec)
{
	bool faults = spec->faults;
	const char *name = spec->name;
	struct cell key = axes_base_cell(ctx->axes);
	key.primitive = (unsigned)ctx->axes->values[DIMENSION_PRIMITIVE][0];
	key.action = (enum action)ctx->axes->values[DIMENSION_ACTION][0];
	key.writer = (enum writer)ctx->axes->values[DIMENSION_WRITER][0];
	char heading[200];
	snprintf(heading, sizeof heading, "Copy-on-write: the %s's %s after %s+%s, against write ratio, by heap",
		 writer_names[key.writer], faults ? "minor faults" : "write loop", primitive_table[key.primitive]->name,
		 action_names[key.action]);
	struct chart_outcome *chart = new_chart(ctx, name, heading);
	struct blocks blocks = { .file = open_data(ctx, name) };
	for (size_t h = 0; h < ctx->axes->counts[DIMENSION_HEAP]; h++) {
		key.heap_bytes = (uint64_t)ctx->axes->values[DIMENSION_HEAP][h];
		bool started = false;
		for (size_t r = 0; r < ctx->axes->counts[DIMENSION_RATIO]; r++) {
			key.write_ratio = ctx->axes->values[DIMENSION_RATIO][r];
			const struct cell_summary *cell = ok_cell(ctx, &key);
			double value = !cell ? NAN
				       : faults ? cell->medians[key.writer == WRITER_CHILD ? COLUMN_CHILD_MINFLT : COLUMN_PARENT_MINFLT]
						: cell->phases[COLUMN_COW_US].median / 1000;
			if (!cell || isnan(value) || !cell_pages_written(&key))
				continue;
			if (!started) {
				char title[64], heap[32];
				format_size(key.heap_bytes, heap, sizeof heap);
				snprintf(title, sizeof title, "heap %s", heap);
				block_start(&blocks, title, blocks.count + 1, 1);
				started = true;
			}
			fprintf(blocks.file, "%g %.6g\n", key.write_ratio, value);
		}
	}
	close_data(ctx);
	if (!blocks.count)
		return not_drawn(chart, "no cell wrote to its heap (write ratios above 0 are needed)");
	char variables[1000];
	snprintf(variables, sizeof variables, "logx = 0\nlogy = 1\nsizes = 0\nerrorbars = 0\nratio = 1\n");
	gp_append_text(variables, sizeof variables, "xlabel", "write ratio (share of the heap's pages written, one store each)");
	gp_append_text(variables, sizeof variables, "ylabel",
		       faults ? "minor faults of the writer (median)" : "write loop (ms, median)");
	block_variables(&blocks, variables, sizeof variables);
	draw(ctx, chart, "lines.gp", variables);
}

/* The write loop against write ratio at the largest written heap, one line per primitive and action. */
static void chart_cow_primitives(struct plot_context *ctx, const struct chart_spec *spec)
{
	enum writer writer = spec->writer;
	const char *name = spec->name;
	struct cell key = written_key(&ctx->bundle->results, ctx->axes);
	char heap[32], heading[200];
	format_size(key.heap_bytes, heap, sizeof heap);
	snprintf(heading, sizeof heading, "Copy-on-write: the %s's write loop against write ratio, heap %s",
		 writer_names[writer], heap);
	struct chart_outcome *chart = new_chart(ctx, name, heading);
	struct blocks blocks = { .file = open_data(ctx, name) };
	key.writer = writer;
	unsigned primitive;
	enum action action;
	for (size_t pair = 0; next_pair(ctx->axes, &pair, &primitive, &action);) {
		key.primitive = primitive;
		key.action = action;
		bool started = false;
		for (size_t r = 0; r < ctx->axes->counts[DIMENSION_RATIO]; r++) {
			key.write_ratio = ctx->axes->values[DIMENSION_RATIO][r];
			const struct cell_summary *cell = ok_cell(ctx, &key);
			if (!cell || !cell_pages_written(&key) || isnan(cell->phases[COLUMN_COW_US].median))
				continue;
			if (!started) {
				char title[64];
				label(primitive, action, title, sizeof title);
				block_start(&blocks, title, primitive_color(primitive), (int)action + 1);
				started = true;
			}
			fprintf(blocks.file, "%g %.6g\n", key.write_ratio, cell->phases[COLUMN_COW_US].median / 1000);
		}
	}
	close_data(ctx);
	if (!blocks.count)
		return not_drawn(chart, "no cell with the %s as writer wrote to its heap", writer_names[writer]);
	char variables[1000];
	snprintf(variables, sizeof variables, "logx = 0\nlogy = 0\nsizes = 0\nerrorbars = 0\nratio = 1\n");
	gp_append_text(variables, sizeof variables, "xlabel", "write ratio");
	gp_append_text(variables, sizeof variables, "ylabel", "write loop (ms, median)");
	block_variables(&blocks, variables, sizeof variables);
	draw(ctx, chart, "lines.gp", variables);
}

/* A bars row's first column: its group, "fork exit". */
static void bars_group(FILE *file, unsigned primitive, enum action action)
{
	char group[64];
	label(primitive, action, group, sizeof group);
	gp_data_label(file, group);
}

/* A bars data file: a header naming the series, then one row per group. */
static void bars_header(FILE *file, const char *const *series, size_t count)
{
	fprintf(file, "group");
	for (size_t i = 0; i < count; i++) {
		fputc(' ', file);
		gp_data_label(file, series[i]);
	}
	fprintf(file, "\n");
}

static void bars_value(FILE *file, double value, bool *any)
{
	if (isnan(value)) {
		fprintf(file, " ?");
	} else {
		fprintf(file, " %.6g", value);
		*any = true;
	}
}

/* A fit's slope in ms per GiB with its interval: three columns, "?" where there is no fit or too few points. */
static void bars_slope(FILE *file, const struct fit_row *fit, bool *any)
{
	bool known = fit && fit->fit.verdict != FIT_TOO_FEW;
	bars_value(file, known ? fit->fit.slope / 1000 : NAN, any);
	bars_value(file, known ? fit->fit.slope_low / 1000 : NAN, any);
	bars_value(file, known ? fit->fit.slope_high / 1000 : NAN, any);
}

static void draw_bars(struct plot_context *ctx, struct chart_outcome *chart, size_t series, const char *ylabel,
		      bool logy)
{
	char variables[300];
	snprintf(variables, sizeof variables, "columns = %zu\nlogy = %d\n", series + 1, logy);
	gp_append_text(variables, sizeof variables, "ylabel", ylabel);
	draw(ctx, chart, "bars.gp", variables);
}

/* The fitted cost model: ms per GiB of roundtrip and create, per primitive and action. */
static void chart_fits(struct plot_context *ctx, const struct chart_spec *spec)
{
	struct chart_outcome *chart = new_chart(ctx, spec->name, spec->heading);
	static const char *const series[] = { "roundtrip", "", "", "create", "", "" };
	FILE *file = open_data(ctx, chart->name);
	bars_header(file, series, 6);
	unsigned primitive;
	enum action action;
	bool any = false;
	for (size_t pair = 0; next_pair(ctx->axes, &pair, &primitive, &action);) {
		struct cell key = pair_key(ctx->axes, primitive, action);
		const struct fit_row *roundtrip = fit_find(ctx->fits, ctx->fit_count, FIT_HEAP, &key, COLUMN_ROUNDTRIP_US);
		const struct fit_row *create = fit_find(ctx->fits, ctx->fit_count, FIT_HEAP, &key, COLUMN_CREATE_US);
		if (!roundtrip && !create)
			continue;
		bars_group(file, primitive, action);
		bars_slope(file, roundtrip, &any);
		bars_slope(file, create, &any);
		fprintf(file, "\n");
	}
	close_data(ctx);
	if (!any)
		return not_drawn(chart, "a fit needs at least three heap sizes measured");
	char variables[300];
	snprintf(variables, sizeof variables, "series = 2\n");
	gp_append_text(variables, sizeof variables, "ylabel", "ms per GiB (slope; a bar whose interval crosses 0 is flat)");
	draw(ctx, chart, "bars_ci.gp", variables);
}

/* us per written page from the copy-on-write fits at the largest written heap, by writer. */
static void chart_us_per_page(struct plot_context *ctx, const struct chart_spec *spec)
{
	struct cell key = written_key(&ctx->bundle->results, ctx->axes);
	char heap[32], heading[200];
	format_size(key.heap_bytes, heap, sizeof heap);
	snprintf(heading, sizeof heading, "Cost per written page (slope of the write loop over pages written), heap %s", heap);
	struct chart_outcome *chart = new_chart(ctx, spec->name, heading);
	FILE *file = open_data(ctx, chart->name);
	bars_header(file, writer_names, WRITER_COUNT);
	unsigned primitive;
	enum action action;
	bool any = false;
	for (size_t pair = 0; next_pair(ctx->axes, &pair, &primitive, &action);) {
		const struct fit_row *fits[WRITER_COUNT];
		key.primitive = primitive;
		key.action = action;
		for (enum writer writer = WRITER_CHILD; writer < WRITER_COUNT; writer++) {
			key.writer = writer;
			fits[writer] = fit_find(ctx->fits, ctx->fit_count, FIT_COW, &key, COLUMN_COW_US);
		}
		if (!fits[WRITER_CHILD] && !fits[WRITER_PARENT])
			continue; /* no such cells (posix_spawn has no exit action): no empty group */
		bars_group(file, primitive, action);
		for (enum writer writer = WRITER_CHILD; writer < WRITER_COUNT; writer++)
			bars_value(file, fits[writer] ? fits[writer]->fit.slope : NAN, &any);
		fprintf(file, "\n");
	}
	close_data(ctx);
	if (!any)
		return not_drawn(chart, "a fit needs at least two write ratios above 0 at one heap");
	draw_bars(ctx, chart, WRITER_COUNT, "us per written page (one fault each after fork)", false);
}

/* Roundtrip at the largest heap for each value of one dimension, when the bundle has more than one. */
static void chart_dimension(struct plot_context *ctx, const struct chart_spec *spec)
{
	enum dimension_id dimension = spec->dimension;
	const char *dimension_name = dimension_table[dimension].name;
	size_t value_count = ctx->axes->counts[dimension];
	char heading[200], heap[32];
	size_t heaps = ctx->axes->counts[DIMENSION_HEAP];
	uint64_t largest = heaps ? (uint64_t)ctx->axes->values[DIMENSION_HEAP][heaps - 1] : 0; /* sorted */
	format_size(largest, heap, sizeof heap);
	snprintf(heading, sizeof heading, "Roundtrip median by %s, heap %s", dimension_name, heap);
	struct chart_outcome *chart = new_chart(ctx, spec->name, heading);
	if (value_count < 2)
		return not_drawn(chart, "the bundle has one %s only", dimension_name);
	FILE *file = open_data(ctx, spec->name);
	fprintf(file, "group");
	for (size_t v = 0; v < value_count; v++) {
		char text[64];
		dimension_label(dimension, ctx->axes->values[dimension][v], text, sizeof text);
		fputc(' ', file);
		gp_data_label(file, text);
	}
	fprintf(file, "\n");
	unsigned primitive;
	enum action action;
	bool any = false;
	for (size_t pair = 0; next_pair(ctx->axes, &pair, &primitive, &action);) {
		struct cell key = pair_key(ctx->axes, primitive, action);
		key.heap_bytes = largest;
		bars_group(file, primitive, action);
		for (size_t v = 0; v < value_count; v++) {
			cell_set(&key, dimension, ctx->axes->values[dimension][v]);
			const struct cell_summary *cell = ok_cell(ctx, &key);
			bars_value(file, cell ? cell->phases[COLUMN_ROUNDTRIP_US].median : NAN, &any);
		}
		fprintf(file, "\n");
	}
	close_data(ctx);
	if (!any)
		return not_drawn(chart, "no measured cell at heap %s", heap);
	draw_bars(ctx, chart, value_count, "roundtrip median (us)", true);
}

/* Whole commands (hyperfine) beside the harness's exec cells at heap 0. */
static void chart_commands(struct plot_context *ctx, const struct chart_spec *spec)
{
	struct chart_outcome *chart = new_chart(ctx, spec->name, spec->heading);
	static const char *const series[] = { "roundtrip median" };
	FILE *file = open_data(ctx, chart->name);
	bars_header(file, series, 1);
	bool any_command = false, any = false;
	const struct run_results *results = &ctx->bundle->results;
	for (size_t i = 0; i < results->count; i++) {
		const struct cell_summary *c = &results->cells[i];
		bool command = c->cell.measurer == MEASURER_HYPERFINE;
		bool harness_exec = !command && c->cell.action == ACTION_EXEC && c->cell.heap_bytes == 0 &&
				    !cell_pages_written(&c->cell);
		if (c->status != CELL_OK || (!command && !harness_exec))
			continue;
		any_command |= command;
		char group[600];
		if (command)
			snprintf(group, sizeof group, "hyperfine: %s", c->cell.command_line);
		else if (c->cell.exec_program)
			snprintf(group, sizeof group, "harness: %s exec %s", primitive_table[c->cell.primitive]->name,
				 c->cell.exec_program);
		else
			snprintf(group, sizeof group, "harness: %s exec", primitive_table[c->cell.primitive]->name);
		gp_data_label(file, group);
		bars_value(file, c->phases[COLUMN_ROUNDTRIP_US].median, &any);
		fprintf(file, "\n");
	}
	close_data(ctx);
	if (!any_command)
		return not_drawn(chart, "no whole commands in this bundle (the exec suite has them)");
	draw_bars(ctx, chart, 1, "roundtrip median (us)", false);
}

/* The ys of the charts against a count: a summary's median and interval (false when the cell has none). */
static bool roundtrip_value(const struct cell_summary *cell, struct summary *out)
{
	*out = cell->phases[COLUMN_ROUNDTRIP_US];
	return !isnan(out->median);
}

/* The write loop over the pages written: us per copy-on-write fault (per store where nothing is shared). */
static bool cow_per_page_value(const struct cell_summary *cell, struct summary *out)
{
	double pages = (double)cell_pages_written(&cell->cell);
	*out = cell->phases[COLUMN_COW_US];
	out->median /= pages;
	out->ci_low /= pages;
	out->ci_high /= pages;
	return pages > 0 && !isnan(out->median);
}

static bool creations_value(const struct cell_summary *cell, struct summary *out)
{
	*out = cell->creations_per_s;
	return !isnan(out->median);
}

/*
 * The cell at key, or where the count is at its first value (no threads, one
 * creator) the one cell the suite measured there: the series means nothing
 * then (the n/a rule measured it at the series' first value).
 */
static const struct cell_summary *count_cell(const struct plot_context *ctx, const struct chart_spec *spec,
					     struct cell key)
{
	const struct cell_summary *cell = ok_cell(ctx, &key);
	if (!cell) {
		cell_set(&key, spec->series, ctx->axes->values[spec->series][0]);
		cell = ok_cell(ctx, &key);
	}
	return cell;
}

/* One line of a chart against a count: key with the count at each of its values. */
static void count_line(struct plot_context *ctx, const struct chart_spec *spec, struct blocks *blocks,
		       struct cell key, const char *title, int color, int dash)
{
	enum dimension_id x = spec->dimension;
	bool started = false;
	for (size_t v = 0; v < ctx->axes->counts[x]; v++) {
		struct summary y;
		cell_set(&key, x, ctx->axes->values[x][v]);
		const struct cell_summary *cell = count_cell(ctx, spec, key);
		if (!cell || !spec->value(cell, &y))
			continue;
		if (!started)
			block_start(blocks, title, color, dash);
		started = true;
		fprintf(blocks->file, "%g %.6g %.6g %.6g\n", ctx->axes->values[x][v], y.median,
			isnan(y.ci_low) ? y.median : y.ci_low, isnan(y.ci_high) ? y.median : y.ci_high);
	}
}

/* The dotted line of perfect scaling: the count times the value at the count's first value. */
static void ideal_line(struct plot_context *ctx, const struct chart_spec *spec, struct blocks *blocks,
		       struct cell key, const char *title, int color)
{
	enum dimension_id x = spec->dimension;
	struct summary one;
	cell_set(&key, x, ctx->axes->values[x][0]);
	const struct cell_summary *cell = count_cell(ctx, spec, key);
	if (!cell || !spec->value(cell, &one))
		return;
	block_start(blocks, title, color, 3);
	for (size_t v = 0; v < ctx->axes->counts[x]; v++) {
		double ideal = one.median * ctx->axes->values[x][v] / ctx->axes->values[x][0];
		fprintf(blocks->file, "%g %.6g %.6g %.6g\n", ctx->axes->values[x][v], ideal, ideal, ideal);
	}
}

/* The lines of one primitive and action: one per series value (and writer), and the ideal. */
static void count_lines_of_pair(struct plot_context *ctx, const struct chart_spec *spec, struct blocks *blocks,
				struct cell key)
{
	const struct axes *axes = ctx->axes;
	size_t writers = spec->written ? axes->counts[DIMENSION_WRITER] : 1;
	for (size_t w = 0; w < writers; w++) {
		if (spec->written)
			key.writer = (enum writer)axes->values[DIMENSION_WRITER][w];
		for (size_t s = 0; s < axes->counts[spec->series]; s++) {
			char title[128], series[32];
			cell_set(&key, spec->series, axes->values[spec->series][s]);
			dimension_label(spec->series, axes->values[spec->series][s], series, sizeof series);
			label(key.primitive, key.action, title, sizeof title);
			snprintf(title + strlen(title), sizeof title - strlen(title), "%s%s, %s",
				 spec->written ? ", writer " : "", spec->written ? writer_names[key.writer] : "", series);
			count_line(ctx, spec, blocks, key, title, primitive_color(key.primitive), (int)s + 1);
		}
		if (spec->ideal) {
			char title[128];
			label(key.primitive, key.action, title, sizeof title);
			strncat(title, ", ideal", sizeof title - strlen(title) - 1);
			ideal_line(ctx, spec, blocks, key, title, primitive_color(key.primitive));
		}
	}
}

/* The base of a chart against a count: the largest written heap and ratio, or the largest (or smallest) heap. */
static struct cell count_chart_key(const struct plot_context *ctx, const struct chart_spec *spec, char *heap,
				   size_t heap_size)
{
	struct cell key = axes_base_cell(ctx->axes);
	size_t heaps = ctx->axes->counts[DIMENSION_HEAP];
	if (spec->written)
		key = written_key(&ctx->bundle->results, ctx->axes);
	else if (!spec->ideal && heaps) /* sorted: the largest, where the threads show most */
		key.heap_bytes = (uint64_t)ctx->axes->values[DIMENSION_HEAP][heaps - 1];
	format_size(key.heap_bytes, heap, heap_size);
	return key;
}

/* A value against threads or creators: lines per primitive and action, by series, with 95% CIs. */
static void chart_against_count(struct plot_context *ctx, const struct chart_spec *spec)
{
	char heap[32], heading[300];
	struct cell key = count_chart_key(ctx, spec, heap, sizeof heap);
	snprintf(heading, sizeof heading, "%s, heap %s", spec->heading, heap);
	struct chart_outcome *chart = new_chart(ctx, spec->name, heading);
	const char *count_name = dimension_table[spec->dimension].name;
	if (ctx->axes->counts[spec->dimension] < 2)
		return not_drawn(chart, "the bundle has one value of %s only", count_name);
	struct blocks blocks = { .file = open_data(ctx, spec->name) };
	unsigned primitive;
	enum action action;
	for (size_t pair = 0; next_pair(ctx->axes, &pair, &primitive, &action);) {
		key.primitive = primitive;
		key.action = action;
		count_lines_of_pair(ctx, spec, &blocks, key);
	}
	close_data(ctx);
	if (!blocks.count)
		return not_drawn(chart, "no measured cell at heap %s with more than one value of %s", heap, count_name);
	char variables[1000];
	snprintf(variables, sizeof variables, "logx = 0\nlogy = 0\nsizes = 0\nerrorbars = 1\nwhole_x = 1\n");
	gp_append_text(variables, sizeof variables, "xlabel", dimension_table[spec->dimension].help);
	gp_append_text(variables, sizeof variables, "ylabel", spec->ylabel);
	block_variables(&blocks, variables, sizeof variables);
	draw(ctx, chart, "lines.gp", variables);
}

static void describe_machine(struct plot_context *ctx)
{
	const struct loaded_bundle *b = ctx->bundle;
	const char *start = json_string_value(json_object_get(b->meta, "start_time"));
	snprintf(ctx->subtitle, sizeof ctx->subtitle, "%s, kernel %s, %s, suite %s, %s",
		 bundle_machine_text(b, "host"), bundle_machine_text(b, "kernel_release"),
		 bundle_machine_text(b, "cpu_model"), b->suite, start ? start : "");
}

/* Every chart a bundle gets, in the report's order. */
static const struct chart_spec chart_specs[] = {
	{ .name = "roundtrip_vs_heap", .heading = "Roundtrip (create, run, reap the child) against the parent's heap", .draw = chart_against_heap,
	  .phase = COLUMN_ROUNDTRIP_US },
	{ .name = "create_vs_heap", .heading = "Create (the call until it returns in the parent) against the parent's heap", .draw = chart_against_heap,
	  .phase = COLUMN_CREATE_US },
	{ .name = "fit_ms_per_gib", .heading = "Fitted cost per GiB of populated heap (least squares over heap sizes), 95% CI", .draw = chart_fits },
	{ .name = "cow_time_by_heap", .heading = NULL, .draw = chart_cow_by_heap, .faults = false },
	{ .name = "cow_faults_by_heap", .heading = NULL, .draw = chart_cow_by_heap, .faults = true },
	{ .name = "cow_child_writer", .heading = NULL, .draw = chart_cow_primitives, .writer = WRITER_CHILD },
	{ .name = "cow_parent_writer", .heading = NULL, .draw = chart_cow_primitives, .writer = WRITER_PARENT },
	{ .name = "cow_us_per_page", .heading = NULL, .draw = chart_us_per_page },
	{ .name = "tlb_flushes_vs_heap", .heading = "TLB flushes per creation (tlb:tlb_flush), nothing written", .draw = chart_against_heap,
	  .counter = "tlb_flush", .ylabel = "TLB flushes per creation (median)" },
	{ .name = "faults_vs_heap", .heading = "Minor faults per creation, worker and child (perf), nothing written", .draw = chart_against_heap,
	  .counter = "minor_faults", .ylabel = "minor faults per creation (median)" },
	{ .name = "by_backing", .heading = NULL, .draw = chart_dimension, .dimension = DIMENSION_BACKING },
	{ .name = "by_layout", .heading = NULL, .draw = chart_dimension, .dimension = DIMENSION_LAYOUT },
	{ .name = "by_placement", .heading = NULL, .draw = chart_dimension, .dimension = DIMENSION_PLACEMENT },
	{ .name = "roundtrip_vs_threads", .heading = "Roundtrip against the parent's extra threads (busy: spinning on another CPU)",
	  .draw = chart_against_count, .dimension = DIMENSION_THREADS, .series = DIMENSION_THREAD_MODE, .value = roundtrip_value,
	  .ylabel = "roundtrip median (us), 95% CI" },
	{ .name = "cow_per_page_vs_threads", .heading = "Cost per written page after creation against the parent's extra threads",
	  .draw = chart_against_count, .dimension = DIMENSION_THREADS, .series = DIMENSION_THREAD_MODE,
	  .value = cow_per_page_value, .written = true, .ylabel = "write loop per page written (us), 95% CI" },
	{ .name = "creations_vs_creators", .heading = "Creations per second of every creator together (dotted: the creators times one creator's rate)",
	  .draw = chart_against_count, .dimension = DIMENSION_CREATORS, .series = DIMENSION_CREATOR_SCOPE,
	  .value = creations_value, .ideal = true, .ylabel = "creations per second, 95% CI" },
	{ .name = "whole_commands", .heading = "Whole commands timed by hyperfine -N beside the harness's exec cells at heap 0", .draw = chart_commands },
};

size_t plots_render(const struct loaded_bundle *bundle, const char *dir, struct chart_report *report)
{
	struct plot_context ctx = { .bundle = bundle, .axes = &bundle->axes, .bundle_dir = dir, .report = report };
	memset(report, 0, sizeof *report);
	describe_machine(&ctx);
	ctx.fit_count = results_fit(&bundle->results, &ctx.fits);
	for (size_t i = 0; i < sizeof chart_specs / sizeof chart_specs[0]; i++)
		chart_specs[i].draw(&ctx, &chart_specs[i]);
	chart_files_discard(&ctx.files);
	free(ctx.fits);
	size_t drawn = 0;
	for (size_t i = 0; i < report->count; i++)
		drawn += report->charts[i].drawn;
	return drawn;
}
