#include "report.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "findings_concurrency.h"
#include "parse.h"
#include "primitive.h"
#include "table.h"
#include "safe_output.h"
#include "util.h"

struct findings {
	FILE *out;
	const struct loaded_bundle *bundle;
	const struct axes *axes;
	struct fit_row *fits;
	size_t fit_count;
};

/* The roundtrip median of an ok cell like the base with this primitive, action and heap; NaN otherwise. */
static double roundtrip(const struct findings *f, const char *primitive, enum action action, uint64_t heap)
{
	struct cell key = axes_base_cell(f->axes);
	int index = primitive_index(primitive);
	if (index < 0)
		return NAN;
	key.primitive = (unsigned)index;
	key.action = action;
	key.heap_bytes = heap;
	const struct cell_summary *cell = results_find(&f->bundle->results, &key);
	return cell && cell->status == CELL_OK ? cell->phases[COLUMN_ROUNDTRIP_US].median : NAN;
}

static uint64_t largest_heap_with(const struct findings *f, const char *primitive, enum action action)
{
	uint64_t largest = 0;
	for (size_t h = 0; h < f->axes->counts[DIMENSION_HEAP]; h++)
		if (!isnan(roundtrip(f, primitive, action, (uint64_t)f->axes->values[DIMENSION_HEAP][h])) && (uint64_t)f->axes->values[DIMENSION_HEAP][h] > largest)
			largest = (uint64_t)f->axes->values[DIMENSION_HEAP][h];
	return largest;
}

/* "fork+exit of a 1G parent takes 36.2ms, 80 times posix_spawn+exec of the same parent (452us)." */
static void finding_largest_parent(const struct findings *f)
{
	uint64_t heap = largest_heap_with(f, "fork", ACTION_EXIT);
	double fork_us = roundtrip(f, "fork", ACTION_EXIT, heap);
	const char *other = "posix_spawn";
	enum action other_action = ACTION_EXEC;
	double other_us = roundtrip(f, other, other_action, heap);
	if (isnan(other_us)) {
		other = "vfork";
		other_action = ACTION_EXIT;
		other_us = roundtrip(f, other, other_action, heap);
	}
	if (heap == 0 || isnan(fork_us) || isnan(other_us))
		return;
	char size[32], fork_text[32], other_text[32], ratio[32];
	format_size(heap, size, sizeof size);
	format_microseconds(fork_us, fork_text, sizeof fork_text);
	format_microseconds(other_us, other_text, sizeof other_text);
	format_ratio(fork_us / other_us, ratio, sizeof ratio);
	fprintf(f->out, "- fork+exit of a %s parent takes %s (roundtrip median), %s %s+%s of the same parent (%s).\n",
		size, fork_text, ratio, other, action_names[other_action], other_text);
}

/* "Per GiB of populated heap, the roundtrip of fork+exit grows by 27.2 ms (95% CI ...); of vfork+exit: flat (...)" */
static void finding_slopes(const struct findings *f)
{
	bool first = true;
	for (size_t p = 0; p < f->axes->counts[DIMENSION_PRIMITIVE]; p++)
		for (size_t a = 0; a < f->axes->counts[DIMENSION_ACTION]; a++) {
			struct cell key = axes_base_cell(f->axes);
			key.primitive = (unsigned)f->axes->values[DIMENSION_PRIMITIVE][p];
			key.action = (enum action)f->axes->values[DIMENSION_ACTION][a];
			const struct fit_row *fit = fit_find(f->fits, f->fit_count, FIT_HEAP, &key, COLUMN_ROUNDTRIP_US);
			if (!fit)
				continue;
			char slope[160];
			format_slope(&fit->fit, 1e-3, "ms", slope, sizeof slope);
			fprintf(f->out, "%s %s+%s %s%s", first ? "- Per GiB of populated heap, the roundtrip of" : ";",
				primitive_table[key.primitive]->name, action_names[key.action],
				fit->fit.verdict == FIT_TOO_FEW ? "cannot be fitted: "
				: fit->fit.verdict == FIT_FLAT ? "is "
				: fit->fit.slope > 0 ? "grows by " : "changes by ", slope);
			first = false;
		}
	if (!first)
		fprintf(f->out, ".\n");
}

static bool cow_figures(const struct findings *f, const char *primitive, enum action action, enum writer writer,
			double *per_page, double *us_per_page, char *heap, size_t heap_size)
{
	struct cell key = written_key(&f->bundle->results, f->axes);
	int index = primitive_index(primitive);
	if (index < 0 || key.write_ratio == 0)
		return false;
	key.primitive = (unsigned)index;
	key.action = action;
	key.writer = writer;
	*per_page = faults_per_written_page(&f->bundle->results, &key, writer);
	const struct fit_row *fit = fit_find(f->fits, f->fit_count, FIT_COW, &key, COLUMN_COW_US);
	*us_per_page = fit && fit->fit.verdict == FIT_SLOPE ? fit->fit.slope : NAN; /* flat or two ratios: no cost to state */
	format_size(key.heap_bytes, heap, heap_size);
	return !isnan(*per_page) && !isnan(*us_per_page);
}

static void finding_copy_on_write(const struct findings *f)
{
	double per_page, us;
	char heap[32];
	if (cow_figures(f, "fork", ACTION_EXIT, WRITER_CHILD, &per_page, &us, heap, sizeof heap))
		fprintf(f->out, "- After fork, the child's writes take %.2f minor faults per written page, %.2f us each "
				"(slope over write ratios at heap %s): a page is copied when it is first written, not before.\n",
			per_page, us, heap);
	if (cow_figures(f, "fork", ACTION_EXEC, WRITER_PARENT, &per_page, &us, heap, sizeof heap))
		fprintf(f->out, "- After fork+exec, the parent's own writes still take %.2f faults per written page, %.2f us each "
				"(heap %s): its pages stay write-protected after the child has gone.\n",
			per_page, us, heap);
	if (cow_figures(f, "vfork", ACTION_EXEC, WRITER_PARENT, &per_page, &us, heap, sizeof heap))
		fprintf(f->out, "- After vfork+exec, the parent's writes take %.2f faults per written page, %.2f us each: "
				"nothing was shared copy-on-write.\n", per_page, us);
}

static double counter_at(const struct findings *f, const char *column, const char *primitive, enum action action,
			 uint64_t heap)
{
	int index = event_median_index(&f->bundle->events, column), primitive_at = primitive_index(primitive);
	struct cell key = axes_base_cell(f->axes);
	if (index < 0 || primitive_at < 0)
		return NAN;
	key.primitive = (unsigned)primitive_at;
	key.action = action;
	key.heap_bytes = heap;
	const struct cell_summary *cell = results_find(&f->bundle->results, &key);
	return cell && cell->status == CELL_OK ? cell->medians[index] : NAN;
}

static void finding_tlb_flushes(const struct findings *f)
{
	uint64_t heap = largest_heap_with(f, "fork", ACTION_EXIT);
	double fork_flushes = counter_at(f, "tlb_flush", "fork", ACTION_EXIT, heap);
	double vfork_flushes = counter_at(f, "tlb_flush", "vfork", ACTION_EXIT, heap);
	char size[32];
	format_size(heap, size, sizeof size);
	if (!isnan(fork_flushes) && !isnan(vfork_flushes))
		fprintf(f->out, "- fork+exit of a %s parent flushes the TLB %.0f times per creation (tlb:tlb_flush); vfork+exit %.0f times.\n",
			size, fork_flushes, vfork_flushes);
}

void difference_sentence(double difference_us, double noise_us, const char *verb, char *buf, size_t size)
{
	char difference[32], noise[32];
	format_microseconds(fabs(difference_us), difference, sizeof difference);
	format_microseconds(noise_us, noise, sizeof noise);
	if (isnan(noise_us) || isnan(difference_us))
		snprintf(buf, size, "%s %s%s (no interval to judge it by)", verb, difference_us < 0 ? "-" : "", difference);
	else if (fabs(difference_us) <= noise_us)
		snprintf(buf, size, "changes nothing beyond the noise (%s%s, within +-%s, the 95%% CI of the median)",
			 difference_us < 0 ? "-" : "+", difference, noise);
	else if (difference_us < 0)
		snprintf(buf, size, "saves %s (beyond +-%s, the 95%% CI of the median)", difference, noise);
	else
		snprintf(buf, size, "%s %s (beyond +-%s, the 95%% CI of the median)", verb, difference, noise);
}

static void finding_counter_cost(const struct findings *f)
{
	struct cell key = axes_base_cell(f->axes);
	int fork = primitive_index("fork");
	size_t counted = 0;
	for (size_t i = 0; i < f->bundle->events.count; i++)
		counted += f->bundle->events.events[i].encoded != NULL;
	if (fork < 0 || !counted)
		return;
	key.primitive = (unsigned)fork;
	key.action = ACTION_EXIT;
	key.heap_bytes = (uint64_t)f->axes->values[DIMENSION_HEAP][0];
	const struct cell_summary *cell = results_find(&f->bundle->results, &key);
	if (!cell || isnan(cell->counted_roundtrip_us) || isnan(cell->phases[COLUMN_ROUNDTRIP_US].median))
		return;
	char size[32], sentence[200];
	const struct summary *plain = &cell->phases[COLUMN_ROUNDTRIP_US];
	format_size(key.heap_bytes, size, sizeof size);
	difference_sentence(cell->counted_roundtrip_us - plain->median, (plain->ci_high - plain->ci_low) / 2, "adds",
			    sentence, sizeof sentence);
	fprintf(f->out, "- Counting %zu events %s to a fork+exit at heap %s; the counts come from iterations of their own, "
			"so the timings here are free of that cost.\n", counted, sentence, size);
}

static void finding_hyperfine_agreement(const struct findings *f)
{
	double harness_us, hyperfine_us, ratio = harness_over_hyperfine(&f->bundle->results, f->axes, &harness_us, &hyperfine_us);
	if (isnan(ratio))
		return;
	char harness[32], hyperfine[32];
	format_microseconds(harness_us, harness, sizeof harness);
	format_microseconds(hyperfine_us, hyperfine, sizeof hyperfine);
	fprintf(f->out, "- Cross-check: the harness's posix_spawn+exec of spawnbench's helper at heap 0 takes %s, hyperfine -N's "
			"median for the same helper %s: ratio %.2f (harness over hyperfine; hyperfine's own process and "
			"timing are in its figure).\n", harness, hyperfine, ratio);
}

/* THP cells whose heap did not stay huge while measured (meta.json's thp_stayed_huge): their later iterations were PTE-mapped. */
static void finding_thp_split(const struct findings *f)
{
	json_t *cells = json_object_get(f->bundle->meta, "cells"), *item;
	size_t index, split = 0, thp = 0;
	json_array_foreach(cells, index, item) {
		json_t *stayed = json_object_get(item, "thp_stayed_huge");
		if (!json_is_boolean(stayed))
			continue;
		thp++;
		split += json_is_false(stayed);
	}
	if (split)
		fprintf(f->out, "- In %zu of %zu thp cells the heap did not stay huge while measured (a parent's writes after "
				"fork split its huge pages, so later iterations copied 4 KiB page tables): meta.json's "
				"heap_thp_bytes_after says how much stayed.\n", split, thp);
}

/* How many cells' roundtrip varied mostly between workers (summary.csv's between_round_share above a half). */
static void finding_between_rounds(const struct findings *f)
{
	size_t cells = 0, between = 0;
	for (size_t i = 0; i < f->bundle->results.count; i++) {
		const struct cell_summary *cell = &f->bundle->results.cells[i];
		const struct summary *s = &cell->phases[COLUMN_ROUNDTRIP_US];
		if (cell->status != CELL_OK || s->rounds < 3 || isnan(s->between_share))
			continue;
		cells++;
		between += s->between_share > 0.5;
	}
	if (cells)
		fprintf(f->out, "- In %zu of %zu cells measured in 3 rounds or more, most of the roundtrip's variance lies between "
				"workers (rounds), not within one: their intervals are as wide as the workers disagree, and more "
				"rounds, not more iterations, would narrow them (between_round_share in summary.csv).\n",
			between, cells);
}

void report_findings(FILE *out, const struct loaded_bundle *bundle)
{
	struct findings f = { .out = out, .bundle = bundle, .axes = &bundle->axes };
	f.fit_count = results_fit(&bundle->results, &f.fits);
	finding_largest_parent(&f);
	finding_slopes(&f);
	finding_copy_on_write(&f);
	finding_tlb_flushes(&f);
	finding_counter_cost(&f);
	finding_hyperfine_agreement(&f);
	finding_thp_split(&f);
	finding_between_rounds(&f);
	findings_concurrency(out, bundle);
	free(f.fits);
}

static void write_machine(FILE *out, const struct loaded_bundle *b)
{
	const char *start = json_string_value(json_object_get(b->meta, "start_time"));
	const char *end = json_string_value(json_object_get(b->meta, "end_time"));
	const char *version = json_string_value(json_object_get(b->meta, "spawnbench_version"));
	json_t *cpus = json_object_get(json_object_get(b->meta, "machine"), "cpus_online");
	double memory_kib = strtod(bundle_machine_text(b, "memory_total"), NULL);
	fprintf(out, "# spawnbench report: suite %s\n\n", b->suite);
	if (bundle_emulated(b))
		fprintf(out, "**%s**\n\n", EMULATED_WARNING);
	fprintf(out, "Measured on **%s**, kernel **%s** (%s), %s, %lld CPUs, %.1f GiB of memory; %s; THP %s; clock source %s.\n",
		bundle_machine_text(b, "host"), bundle_machine_text(b, "kernel_release"),
		bundle_machine_text(b, "kernel_version"), bundle_machine_text(b, "cpu_model"),
		(long long)json_integer_value(cpus), memory_kib / (1 << 20),
		bundle_machine_text(b, "virtualisation"), bundle_machine_text(b, "thp_enabled"),
		bundle_machine_text(b, "clock_source"));
	fprintf(out, "Status **%s**, from %s to %s, spawnbench %s.\n\n", b->status, start ? start : "?", end ? end : "?",
		version ? version : "?");
}

static void write_tables(FILE *out, const struct loaded_bundle *b)
{
	fprintf(out, "## Tables\n\nMedians; the bundle's summary.csv has every phase with its 95%% CI, and fits.csv the fits.\n\n```");
	table_print(out, &b->results, &b->axes);
	table_print_counters(out, &b->results, &b->axes, &b->events);
	table_print_commands(out, &b->results);
	fprintf(out, "```\n\n");
}

static void write_charts(FILE *out, const struct chart_report *charts)
{
	fprintf(out, "## Charts\n\n");
	for (size_t i = 0; i < charts->count; i++) {
		const struct chart_outcome *chart = &charts->charts[i];
		if (chart->drawn)
			fprintf(out, "### %s\n\n![%s](plots/%s.png)\n\n[SVG](plots/%s.svg)%s%s\n\n", chart->heading, chart->name,
				chart->name, chart->name, chart->note[0] ? " — " : "", chart->note);
	}
	bool any_missing = false;
	for (size_t i = 0; i < charts->count; i++)
		if (!charts->charts[i].drawn) {
			if (!any_missing)
				fprintf(out, "Not drawn:\n\n");
			any_missing = true;
			fprintf(out, "- %s (%s): %s\n", charts->charts[i].name, charts->charts[i].heading, charts->charts[i].note);
		}
	fprintf(out, "\n");
}

/* n/a cells grouped by reason with a count; skipped and failed cells one by one. */
static void write_not_measured(FILE *out, const struct loaded_bundle *b)
{
	static const char *const labels[] = { "ok", "n/a", "skipped", "failed" };
	const struct run_results *results = &b->results;
	fprintf(out, "## Cells not measured\n\n");
	bool any = false;
	for (size_t i = 0; i < results->count; i++) {
		const struct cell_summary *c = &results->cells[i];
		if (c->status == CELL_OK)
			continue;
		bool seen = false;
		for (size_t j = 0; j < i && c->status == CELL_NOT_APPLICABLE; j++)
			seen |= results->cells[j].status == CELL_NOT_APPLICABLE && strcmp(results->cells[j].reason, c->reason) == 0;
		if (seen)
			continue;
		size_t same = 0;
		for (size_t j = i; j < results->count && c->status == CELL_NOT_APPLICABLE; j++)
			same += results->cells[j].status == CELL_NOT_APPLICABLE && strcmp(results->cells[j].reason, c->reason) == 0;
		char description[256];
		cell_describe(&c->cell, description, sizeof description);
		if (c->status == CELL_NOT_APPLICABLE)
			fprintf(out, "- n/a, %zu cells: %s\n", same, c->reason);
		else
			fprintf(out, "- %s: %s: %s\n", labels[c->status], description, c->reason);
		any = true;
	}
	fprintf(out, any ? "\n" : "Every cell of the plan was measured.\n\n");
}

/* The roundtrip's relative CI half-width of a measured cell, NaN when it has no interval. */
static double reached_half_width(const struct cell_summary *c)
{
	const struct summary *s = &c->phases[COLUMN_ROUNDTRIP_US];
	return (s->ci_high - s->ci_low) / 2 / s->median;
}

/*
 * How many measured cells reached the CI target, and the widest intervals:
 * a cell the time (or the budget) cut short keeps its status ok, and says
 * here what it reached.
 */
static void write_precision(FILE *out, const struct loaded_bundle *b)
{
	size_t measured = 0, reached = 0, sized = 0;
	const struct cell_summary *widest[5] = { 0 };
	for (size_t i = 0; i < b->results.count; i++) {
		const struct cell_summary *c = &b->results.cells[i];
		if (c->status != CELL_OK || c->cell.measurer != MEASURER_WORKER)
			continue;
		measured++;
		sized += c->iterations_sized;
		double reached_here = reached_half_width(c);
		if (reached_here <= b->ci_target) {
			reached++;
			continue;
		}
		for (size_t k = 0; k < 5; k++)
			if (!widest[k] || !(reached_half_width(widest[k]) >= reached_here)) {
				memmove(widest + k + 1, widest + k, (4 - k) * sizeof *widest);
				widest[k] = c;
				break;
			}
	}
	fprintf(out, "## Precision\n\n");
	if (isnan(b->ci_target) || !measured) {
		fprintf(out, "No CI target is recorded, or no cell was measured.\n\n");
		return;
	}
	fprintf(out, "%zu of %zu measured cells reached the CI target (the roundtrip median's 95%% CI within ±%.3g%%)",
		reached, measured, 100 * b->ci_target);
	if (b->time[0])
		fprintf(out, " in the suite's time of %s", b->time);
	fprintf(out, ". The others keep status ok with the interval they reached (summary.csv: ci_low_us, ci_high_us "
		     "beside ci_target); the widest:\n\n");
	if (sized)
		fprintf(out, "%zu cells ran at the minimum of iterations per round: one iteration is long beside their share "
			     "of the time (meta.json's cells say iterations_sized).\n\n", sized);
	for (size_t k = 0; k < 5 && widest[k]; k++) {
		char description[256];
		cell_describe(&widest[k]->cell, description, sizeof description);
		fprintf(out, "- %s: ±%.3g%% over %zu rounds\n", description, 100 * reached_half_width(widest[k]),
			widest[k]->phases[COLUMN_ROUNDTRIP_US].rounds);
	}
	fprintf(out, "\n");
}

static void write_events(FILE *out, const struct loaded_bundle *b)
{
	fprintf(out, "## Counters\n\n");
	if (!b->events.count) {
		fprintf(out, "No perf events were requested.\n\n");
		return;
	}
	for (size_t i = 0; i < b->events.count; i++) {
		const struct event *e = &b->events.events[i];
		if (e->not_counted)
			fprintf(out, "- %s (%s): **not counted**: %s\n", e->name, e->column, e->not_counted);
		else
			fprintf(out, "- %s (%s): counted%s%s\n", e->name, e->column, e->note ? "; " : "", e->note ? e->note : "");
	}
	for (size_t i = 0; i < b->missing_count; i++)
		fprintf(out, "- summary.csv has no column for %s: left out of the tables and charts\n", b->missing[i]);
	fprintf(out, "\n");
}

int report_write(const struct loaded_bundle *bundle, const struct chart_report *charts, const char *dir)
{
	char *path = xasprintf("%s/report.md", dir);
	FILE *out = output_file_create(path);
	free(path);
	if (!out)
		return -1;
	write_machine(out, bundle);
	fprintf(out, "## Key findings\n\n");
	report_findings(out, bundle);
	fprintf(out, "\n");
	write_tables(out, bundle);
	write_charts(out, charts);
	write_not_measured(out, bundle);
	write_precision(out, bundle);
	write_events(out, bundle);
	return fclose(out) == 0 ? 0 : -1;
}
