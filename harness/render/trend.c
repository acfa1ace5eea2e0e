#include "trend.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "chart_run.h"
#include "csv.h"
#include "kversion.h"
#include "parse.h"
#include "primitive.h"
#include "compare.h"
#include "safe_output.h"
#include "table.h"
#include "table_writer.h"
#include "util.h"

static const char *release_of(const struct loaded_bundle *b)
{
	return bundle_machine_text(b, "kernel_release");
}

static int by_kernel_version(const void *a, const void *b)
{
	return kernel_version_compare(release_of(a), release_of(b));
}

int trend_load(char *const *paths, size_t count, struct trend *trend, char *why, size_t why_size)
{
	trend->bundles = xcalloc(count, sizeof *trend->bundles);
	trend->count = 0;
	for (size_t i = 0; i < count; i++) {
		if (bundle_load(paths[i], &trend->bundles[i], why, why_size) != 0) {
			trend_free(trend);
			return -1;
		}
		trend->count++;
	}
	qsort(trend->bundles, trend->count, sizeof *trend->bundles, by_kernel_version);
	return 0;
}

void trend_free(struct trend *trend)
{
	for (size_t i = 0; i < trend->count; i++)
		bundle_unload(&trend->bundles[i]);
	free(trend->bundles);
	memset(trend, 0, sizeof *trend);
}

/* The cell that writes nothing for this primitive, action and heap, as the bundle's base; NULL if not ok. */
static const struct cell_summary *trend_cell(const struct loaded_bundle *b, unsigned primitive, enum action action,
					     uint64_t heap)
{
	struct cell key = axes_base_cell(&b->axes);
	key.primitive = primitive;
	key.action = action;
	key.heap_bytes = heap;
	key.write_ratio = 0;
	return results_find_ok(&b->results, &key);
}

/* Every heap any bundle measured, sorted; returns the count. */
static size_t all_heaps(const struct trend *trend, uint64_t *heaps, size_t max)
{
	struct axes merged = { 0 };
	for (size_t i = 0; i < trend->count; i++)
		for (size_t h = 0; h < trend->bundles[i].axes.counts[DIMENSION_HEAP]; h++)
			axes_add_sorted(&merged, DIMENSION_HEAP, trend->bundles[i].axes.values[DIMENSION_HEAP][h]);
	size_t count = merged.counts[DIMENSION_HEAP] < max ? merged.counts[DIMENSION_HEAP] : max;
	for (size_t h = 0; h < count; h++)
		heaps[h] = (uint64_t)merged.values[DIMENSION_HEAP][h];
	return count;
}

/* Whether any bundle measured this primitive and action at any heap. */
static bool pair_present(const struct trend *trend, unsigned primitive, enum action action, const uint64_t *heaps,
			 size_t heap_count)
{
	for (size_t i = 0; i < trend->count; i++)
		for (size_t h = 0; h < heap_count; h++)
			if (trend_cell(&trend->bundles[i], primitive, action, heaps[h]))
				return true;
	return false;
}

/* A table with leading columns of these widths, then one 16 wide per bundle; its header row begun. */
static void begin_table(struct table_writer *table, FILE *out, const struct trend *trend, bool markdown,
			const int *leading, size_t leading_count, const char *const *headers)
{
	int widths[TABLE_MAX_COLUMNS];
	size_t columns = 0;
	for (; columns < leading_count; columns++)
		widths[columns] = leading[columns];
	for (size_t i = 0; i < trend->count && columns < TABLE_MAX_COLUMNS; i++)
		widths[columns++] = 16;
	table_begin(table, out, markdown ? TABLE_MARKDOWN : TABLE_TERMINAL, widths, columns);
	table_cells(table, headers, leading_count);
	for (size_t i = 0; i < trend->count; i++)
		table_cell(table, release_of(&trend->bundles[i]));
	table_end_row(table);
}

/*
 * The machine probes of each bundle, in the same order: a kernel's numbers
 * mean something only beside a machine that stayed the same. A user-space
 * loop that moved by more than PROBE_MOVED from the first bundle is said.
 */
static void print_probes(FILE *out, const struct trend *trend, bool markdown)
{
	static const int widths[] = { -26 };
	static const char *const headers[] = { "machine probe (median before the suite)" };
	struct table_writer table;
	fputc('\n', out);
	begin_table(&table, out, trend, markdown, widths, 1, headers);
	for (int p = 0; p < PROBE_COUNT; p++) {
		table_cell(&table, probe_names[p]);
		for (size_t i = 0; i < trend->count; i++)
			table_cellf(&table, "%.3g", probe_median(trend->bundles[i].meta, "before", p));
		table_end_row(&table);
	}
	double first = trend->count ? probe_median(trend->bundles[0].meta, "before", PROBE_USER_LOOP) : NAN;
	for (size_t i = 1; i < trend->count; i++) {
		double ratio = probe_median(trend->bundles[i].meta, "before", PROBE_USER_LOOP) / first;
		if (ratio > PROBE_MOVED || ratio < 1 / PROBE_MOVED)
			fprintf(out, "%swarning: the user-space loop probe of %s is %.2gx the first bundle's: the machine moved, "
				     "not only the kernel\n", markdown ? "\n- " : "", release_of(&trend->bundles[i]), ratio);
	}
}

/* The first line of a trend with emulated bundles: which, and what that means. */
static void print_emulated(FILE *out, const struct trend *trend, bool markdown)
{
	bool any = false;
	for (size_t i = 0; i < trend->count; i++)
		if (bundle_emulated(&trend->bundles[i])) {
			fprintf(out, "%s%s %s", any ? "" : markdown ? "**" : "", any ? "," : "emulated bundles:",
				bundle_machine_text(&trend->bundles[i], "kernel_release"));
			any = true;
		}
	if (any)
		fprintf(out, ". %s No change between kernels is called from their timings.%s\n\n",
			strchr(EMULATED_WARNING, ' ') + 1, markdown ? "**" : "");
}

void trend_print(FILE *out, const struct trend *trend, bool markdown)
{
	print_emulated(out, trend, markdown);
	uint64_t heaps[MAX_VALUES * 4];
	size_t heap_count = all_heaps(trend, heaps, sizeof heaps / sizeof heaps[0]);
	static const int widths[] = { -12, -6, 6 };
	static const char *const headers[] = { "primitive", "action", "heap" };
	struct table_writer table;
	begin_table(&table, out, trend, markdown, widths, 3, headers);
	for (unsigned p = 0; p < primitive_count; p++)
		for (enum action a = ACTION_EXIT; a < ACTION_COUNT; a++)
			for (size_t h = 0; h < heap_count && pair_present(trend, p, a, heaps, heap_count); h++) {
				char size[32], text[32];
				format_size(heaps[h], size, sizeof size);
				table_cell(&table, primitive_table[p]->name);
				table_cell(&table, action_names[a]);
				table_cell(&table, size);
				for (size_t i = 0; i < trend->count; i++) {
					const struct cell_summary *cell = trend_cell(&trend->bundles[i], p, a, heaps[h]);
					format_microseconds(cell ? cell->phases[COLUMN_ROUNDTRIP_US].median : NAN, text, sizeof text);
					table_cell(&table, text);
				}
				table_end_row(&table);
			}
	print_probes(out, trend, markdown);
}

static void write_csv(const struct trend *trend, FILE *file)
{
	static const char *const headers[] = { "kernel_release", "bundle", "primitive", "action", "heap_bytes", "n",
						"median_us", "ci_low_us", "ci_high_us" };
	static const int widths[9] = { 0 };
	struct table_writer table;
	table_begin(&table, file, TABLE_CSV, widths, 9);
	table_cells(&table, headers, 9);
	table_end_row(&table);
	for (size_t i = 0; i < trend->count; i++) {
		const struct loaded_bundle *b = &trend->bundles[i];
		for (size_t c = 0; c < b->results.count; c++) {
			const struct cell_summary *s = &b->results.cells[c];
			if (s->cell.measurer != MEASURER_WORKER || s->cell.exec_program || cell_pages_written(&s->cell) ||
			    trend_cell(b, s->cell.primitive, s->cell.action, s->cell.heap_bytes) != s)
				continue;
			const struct summary *r = &s->phases[COLUMN_ROUNDTRIP_US];
			table_cell(&table, release_of(b));
			table_cell(&table, b->path);
			table_cell(&table, primitive_table[s->cell.primitive]->name);
			table_cell(&table, action_names[s->cell.action]);
			table_cellf(&table, "%llu", (unsigned long long)s->cell.heap_bytes);
			table_cellf(&table, "%zu", r->n);
			table_cellf(&table, "%.3f", r->median);
			table_cellf(&table, "%.3f", r->ci_low);
			table_cellf(&table, "%.3f", r->ci_high);
			table_end_row(&table);
		}
	}
}

/* One chart: this primitive and action against kernel release, a line per heap. */
static bool write_chart(const struct trend *trend, const char *dir, unsigned primitive, enum action action,
			const uint64_t *heaps, size_t heap_count, char *name, size_t name_size)
{
	struct chart_files files;
	snprintf(name, name_size, "trend_%s_%s", primitive_table[primitive]->name, action_names[action]);
	if (!chart_files_open(&files, dir, name))
		return false;
	int blocks = 0;
	char colors[256] = "";
	for (size_t h = 0; h < heap_count; h++) {
		bool started = false;
		for (size_t i = 0; i < trend->count; i++) {
			const struct cell_summary *cell = trend_cell(&trend->bundles[i], primitive, action, heaps[h]);
			if (!cell)
				continue;
			if (!started) {
				char size[32];
				format_size(heaps[h], size, sizeof size);
				char title[48];
				snprintf(title, sizeof title, "heap %s", size);
				fputs(blocks ? "\n\n" : "", files.data);
				gp_data_label(files.data, title);
				fputc('\n', files.data);
				snprintf(colors + strlen(colors), sizeof colors - strlen(colors), "%s%d", blocks ? " " : "", blocks + 1);
				blocks++;
				started = true;
			}
			const struct summary *s = &cell->phases[COLUMN_ROUNDTRIP_US];
			fprintf(files.data, "%zu %.3f %.3f %.3f\n", i, s->median, isnan(s->ci_low) ? s->median : s->ci_low,
				isnan(s->ci_high) ? s->median : s->ci_high);
		}
	}
	fprintf(files.variables, "blocks = %d\nkernels = %zu\n", blocks, trend->count);
	gp_assign_text(files.variables, "colors", colors);
	gp_assign_text(files.variables, "ylabel", "roundtrip median (us), 95% CI");
	const char **releases = xcalloc(trend->count, sizeof *releases);
	double *positions = xcalloc(trend->count, sizeof *positions);
	for (size_t i = 0; i < trend->count; i++) {
		releases[i] = release_of(&trend->bundles[i]); /* bundle text: a literal, read with value() */
		positions[i] = (double)i;
	}
	gp_assign_ticks(files.variables, trend->count, releases, positions);
	free(releases);
	free(positions);
	char heading[200], note[400];
	snprintf(heading, sizeof heading, "%s+%s: roundtrip against kernel release, nothing written",
		 primitive_table[primitive]->name, action_names[action]);
	return chart_files_draw(&files, "trend.gp", heading, "one bundle per kernel, in version order", note, sizeof note);
}

int trend_write(const struct trend *trend, const char *dir)
{
	FILE *csv, *md;
	if (output_file_pair_create(dir, "trend.csv", "trend.md", &csv, &md) != 0)
		return -1;
	write_csv(trend, csv);
	fclose(csv);
	fprintf(md, "# spawnbench trend\n\nRoundtrip medians of the cells that write nothing, bundles in kernel version order.\n\n");
	trend_print(md, trend, true);
	uint64_t heaps[MAX_VALUES * 4];
	size_t heap_count = all_heaps(trend, heaps, sizeof heaps / sizeof heaps[0]);
	fprintf(md, "\n## Charts\n\n");
	for (unsigned p = 0; p < primitive_count; p++)
		for (enum action a = ACTION_EXIT; a < ACTION_COUNT; a++) {
			char name[64];
			if (pair_present(trend, p, a, heaps, heap_count) &&
			    write_chart(trend, dir, p, a, heaps, heap_count, name, sizeof name))
				fprintf(md, "![%s](plots/%s.png)\n\n", name, name);
		}
	return fclose(md) == 0 ? 0 : -1;
}
