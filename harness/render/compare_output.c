#define _GNU_SOURCE
#include "compare_output.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "chart_run.h"
#include "parse.h"
#include "table.h"
#include "table_writer.h"
#include "safe_output.h"
#include "util.h"

static const char *const verdict_names[] = { "unchanged", "regression", "improvement", "inconclusive" };
static const char *const verdict_headings[] = {
	"unchanged", "regressions", "improvements",
	"inconclusive: the CI straddles the threshold (more rounds, or a run more per side, would tell)",
};

static int by_change_descending(const void *a, const void *b)
{
	double x = ((const struct comparison_row *)a)->ci.ratio, y = ((const struct comparison_row *)b)->ci.ratio;
	return (x < y) - (x > y);
}

static void print_bundle_line(FILE *out, const char *label, const struct loaded_bundle *b)
{
	const char *start = json_string_value(json_object_get(b->meta, "start_time"));
	fprintf(out, "%s %s: kernel %s, host %s, suite %s, %s, %s\n", label, b->path, bundle_machine_text(b, "kernel_release"),
		bundle_machine_text(b, "host"), b->suite, start ? start : "?", b->status);
}

static void print_rows(FILE *out, const struct comparison *c, enum verdict verdict, bool markdown)
{
	size_t count = comparison_count(c, verdict);
	struct comparison_row *rows = xmalloc((count ? count : 1) * sizeof *rows);
	size_t n = 0;
	for (size_t i = 0; i < c->count; i++)
		if (c->rows[i].verdict == verdict)
			rows[n++] = c->rows[i];
	qsort(rows, n, sizeof *rows, by_change_descending);
	if (verdict == VERDICT_IMPROVEMENT) /* the largest improvement first */
		for (size_t i = 0; i < n / 2; i++) {
			struct comparison_row swap = rows[i];
			rows[i] = rows[n - 1 - i];
			rows[n - 1 - i] = swap;
		}
	fprintf(out, "\n%s%s (%zu)\n", markdown ? "## " : "# ", verdict_headings[verdict], n);
	static const int widths[] = { -90, -9, 9, -12, 7, 0 };
	static const char *const headers[] = { "cell", "phase", "old", "new", "change", "95% CI of the change" };
	struct table_writer table;
	table_begin(&table, out, markdown ? TABLE_MARKDOWN : TABLE_TERMINAL, widths, 6);
	if (n && markdown) {
		fputc('\n', out);
		table_cells(&table, headers, 6);
		table_end_row(&table);
	}
	for (size_t i = 0; i < n; i++) {
		char description[256], old_text[32], new_text[32];
		cell_describe(&rows[i].cell, description, sizeof description);
		format_microseconds(rows[i].old_median, old_text, sizeof old_text);
		format_microseconds(rows[i].new_median, new_text, sizeof new_text);
		table_cell(&table, description);
		table_cell(&table, phase_names[rows[i].phase]);
		table_cell(&table, old_text);
		table_cellf(&table, markdown ? "%s" : "-> %s", new_text);
		table_cellf(&table, "%+.1f%%", 100 * (rows[i].ci.ratio - 1));
		table_cellf(&table, markdown ? "%+.1f%% to %+.1f%%" : "[%+.1f%%, %+.1f%%]", 100 * (rows[i].ci.low - 1),
			    100 * (rows[i].ci.high - 1));
		table_end_row(&table);
	}
	free(rows);
}

/* The machine probes before each suite, old and new side by side. */
static void print_probes(FILE *out, const struct comparison *c, bool markdown)
{
	bool any = false;
	for (int p = 0; p < PROBE_COUNT; p++)
		any |= !isnan(c->old_probes[p]) || !isnan(c->new_probes[p]);
	if (!any)
		return;
	fprintf(out, "%smachine probes (median before the suite; old -> new):", markdown ? "- " : "");
	for (int p = 0; p < PROBE_COUNT; p++) {
		char ratio[32];
		format_ratio(c->new_probes[p] / c->old_probes[p], ratio, sizeof ratio);
		fprintf(out, "%s %s %.3g -> %.3g (%s)", p ? "," : "", probe_names[p], c->old_probes[p], c->new_probes[p], ratio);
	}
	fprintf(out, "\n");
}

/* A counted median of a cell in a bundle (a fault column or an event's), or NaN. */
static double count_of(const struct loaded_bundle *b, const struct cell *cell, const char *column)
{
	const struct cell_summary *s = results_find(&b->results, cell);
	int index = name_index(fixed_column_names, FIXED_COLUMNS, column);
	if (index < 0)
		index = event_median_index(&b->events, column);
	return s && index >= 0 ? s->medians[index] : NAN;
}

/* What emulation does not change: faults and TLB flushes per creation, old and new, per compared cell. */
static void print_counts(FILE *out, const struct comparison *c, bool markdown)
{
	static const char *const columns[] = { "child_minflt", "parent_minflt", "tlb_flush" };
	fprintf(out, "\n%scounts per creation, old -> new (emulation does not change them)\n", markdown ? "## " : "# ");
	for (size_t i = 0; i < c->count; i++) {
		if (c->rows[i].phase != COLUMN_ROUNDTRIP_US)
			continue;
		char label[300];
		cell_label(&c->rows[i].cell, label, sizeof label);
		fprintf(out, "%s%s:", markdown ? "- " : "  ", label);
		for (size_t k = 0; k < sizeof columns / sizeof columns[0]; k++) {
			double old_count = count_of(&c->old, &c->rows[i].cell, columns[k]);
			double new_count = count_of(&c->new, &c->rows[i].cell, columns[k]);
			if (!isnan(old_count) || !isnan(new_count))
				fprintf(out, " %s %.0f -> %.0f", columns[k], old_count, new_count);
		}
		fprintf(out, "\n");
	}
}

void comparison_print(FILE *out, const struct comparison *c, bool markdown)
{
	if (markdown)
		fprintf(out, "# spawnbench comparison\n\n");
	if (c->emulated)
		fprintf(out, "%sEMULATED: a side was measured in a guest under qemu's TCG, instruction by instruction: its "
			     "timings mean nothing for a kernel's performance, so no regression or improvement is called. "
			     "The counts (faults, TLB flushes) compare.%s\n\n", markdown ? "**" : "", markdown ? "**" : "");
	print_bundle_line(out, markdown ? "- old:" : "old:", &c->old);
	print_bundle_line(out, markdown ? "- new:" : "new:", &c->new);
	fprintf(out, "%smethod: bootstrap 95%% CI of the ratio of medians (new over old), %d resamples of the plain "
		     "iterations; a regression or an improvement is a CI wholly beyond the %.1f%% threshold, unchanged a "
		     "CI wholly within it, inconclusive one that straddles it\n",
		markdown ? "- " : "", COMPARE_RESAMPLES, 100 * c->threshold);
	for (size_t i = 0; i < c->warning_count; i++)
		fprintf(out, "%swarning: %s%s\n", markdown ? "- **" : "", c->warnings[i], markdown ? "**" : "");
	print_probes(out, c, markdown);
	print_rows(out, c, VERDICT_REGRESSION, markdown);
	print_rows(out, c, VERDICT_IMPROVEMENT, markdown);
	print_rows(out, c, VERDICT_INCONCLUSIVE, markdown);
	fprintf(out, "\n%s%zu cell phases unchanged (the CI within the threshold)\n", markdown ? "" : "# ",
		comparison_count(c, VERDICT_UNCHANGED));
	if (c->unmatched_total)
		fprintf(out, "\n%scells not compared (%zu)\n", markdown ? "## " : "# ", c->unmatched_total);
	for (size_t i = 0; i < c->unmatched_count; i++)
		fprintf(out, "%s%s\n", markdown ? "- " : "  ", c->unmatched[i]);
	if (c->unmatched_total > c->unmatched_count)
		fprintf(out, "%s... and %zu more\n", markdown ? "- " : "  ", c->unmatched_total - c->unmatched_count);
	if (c->emulated)
		print_counts(out, c, markdown);
}

static void write_csv(const struct comparison *c, FILE *file)
{
	write_dimension_header(file);
	fputs(",phase,old_n,old_median_us,new_n,new_median_us,change_percent,change_ci_low_percent,"
	      "change_ci_high_percent,verdict\n", file);
	for (size_t i = 0; i < c->count; i++) {
		const struct comparison_row *r = &c->rows[i];
		write_dimensions(file, &r->cell);
		fprintf(file, ",%s,%zu,%.3f,%zu,%.3f,%.2f,%.2f,%.2f,%s\n", phase_names[r->phase], r->old_n, r->old_median,
			r->new_n, r->new_median, 100 * (r->ci.ratio - 1), 100 * (r->ci.low - 1), 100 * (r->ci.high - 1),
			verdict_names[r->verdict]);
	}
}

/* The roundtrip ratios as a forest plot: at most the 120 largest changes. */
static void write_chart(const struct comparison *c, const char *dir, char *note, size_t note_size)
{
	size_t n = 0;
	struct comparison_row *rows = xmalloc((c->count ? c->count : 1) * sizeof *rows);
	for (size_t i = 0; i < c->count; i++)
		if (c->rows[i].phase == COLUMN_ROUNDTRIP_US)
			rows[n++] = c->rows[i];
	qsort(rows, n, sizeof *rows, by_change_descending);
	size_t shown = n > 120 ? 120 : n;
	struct chart_files files;
	if (!chart_files_open(&files, dir, "compare_ratios")) {
		free(rows);
		snprintf(note, note_size, "cannot write the chart's data");
		return;
	}
	for (size_t i = 0; i < shown; i++) {
		char label[128];
		cell_label(&rows[i].cell, label, sizeof label);
		fprintf(files.data, "%zu %.5f %.5f %.5f ", shown - 1 - i, rows[i].ci.ratio, rows[i].ci.low, rows[i].ci.high);
		gp_data_label(files.data, label);
		fputc('\n', files.data);
	}
	fprintf(files.variables, "rows = %zu\nthreshold = %g\n", shown ? shown : 1, c->threshold);
	gp_assign_text(files.variables, "xlabel", "roundtrip median, new over old (95% CI)");
	char heading[200];
	snprintf(heading, sizeof heading, "Roundtrip new/old: %s -> %s", bundle_machine_text(&c->old, "kernel_release"),
		 bundle_machine_text(&c->new, "kernel_release"));
	chart_files_draw(&files, "forest.gp", heading, "dashed: the threshold; the largest changes at the top", note, note_size);
	free(rows);
}

int comparison_write(const struct comparison *c, const char *dir)
{
	char note[400] = "";
	FILE *csv, *md;
	if (output_file_pair_create(dir, "compare.csv", "compare.md", &csv, &md) != 0)
		return -1;
	write_csv(c, csv);
	fclose(csv);
	comparison_print(md, c, true);
	write_chart(c, dir, note, sizeof note);
	fprintf(md, "\n## Chart\n\n%s\n", note[0] ? note : "![roundtrip ratios](plots/compare_ratios.png)");
	return fclose(md) == 0 ? 0 : -1;
}
