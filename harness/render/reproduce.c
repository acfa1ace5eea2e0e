#include "reproduce.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "chart_run.h"
#include "csv.h"
#include "parse.h"
#include "primitive.h"
#include "stats.h"
#include "table.h"
#include "table_writer.h"
#include "safe_output.h"
#include "util.h"

const char *const claim_verdict_names[] = { "holds", "holds in shape", "differs", "cannot be tested here" };

#define SIXTEEN_MIB (16ull << 20)
#define MAX_POINTS 64

/* ---- the rules ---- */

enum shape rule_linear(const double *x, const double *y, size_t n, struct line_check *check)
{
	struct linear_fit fit;
	memset(check, 0, sizeof *check);
	if (n < 3)
		return SHAPE_TOO_FEW;
	if (!fit_line_relative(x, y, n, &fit, &check->max_relative)) {
		check->failed = "a median at or below 0, or one heap only";
		return SHAPE_NO;
	}
	check->slope = fit.slope;
	check->slope_low = fit.slope_low;
	check->slope_high = fit.slope_high;
	if (!(fit.slope_low > 0))
		check->failed = fit.slope_high < 0 ? "it falls" : "no significant slope: flat";
	else if (check->max_relative > LINEAR_RESIDUAL)
		check->failed = "a median lies more than 10% from the line: curved";
	return check->failed ? SHAPE_NO : SHAPE_YES;
}

enum shape rule_flat(const double *x, const double *y, size_t n, double *ratio)
{
	if (n < 2)
		return SHAPE_TOO_FEW;
	double low = y[0], high = y[0];
	for (size_t i = 1; i < n; i++) {
		low = fmin(low, y[i]);
		high = fmax(high, y[i]);
	}
	*ratio = high / low;
	if (*ratio <= FLAT_RATIO)
		return SHAPE_YES;
	struct linear_fit fit;
	bool no_slope = fit_line(x, y, n, &fit) && fit.verdict == FIT_FLAT;
	return no_slope && *ratio < 2 ? SHAPE_YES : SHAPE_NO;
}

bool rule_in_band(double value, double low, double high)
{
	if (low == high)
		return value >= 0.75 * low && value <= 1.25 * high;
	return value >= low && value <= high;
}

/* ---- the reference data ---- */

static int reference_row(const struct csv_table *table, size_t row, struct reference *r, const int *columns)
{
	char *end;
	memset(r, 0, sizeof *r);
	r->claim = (int)strtol(csv_field(table, row, (size_t)columns[0]), &end, 10);
	r->low = strtod(csv_field(table, row, (size_t)columns[2]), NULL);
	r->high = strtod(csv_field(table, row, (size_t)columns[3]), NULL);
	snprintf(r->quantity, sizeof r->quantity, "%s", csv_field(table, row, (size_t)columns[1]));
	snprintf(r->unit, sizeof r->unit, "%s", csv_field(table, row, (size_t)columns[4]));
	r->published = xstrdup(csv_field(table, row, (size_t)columns[5]));
	r->source = xstrdup(csv_field(table, row, (size_t)columns[6]));
	return *end || !r->claim || !*r->source || !*r->published || r->low > r->high ? -1 : 0;
}

int references_load(const char *path, struct references *references, char *why, size_t why_size)
{
	static const char *const names[] = { "claim", "quantity", "low", "high", "unit", "published", "source" };
	struct csv_table table;
	int columns[7];
	memset(references, 0, sizeof *references);
	if (csv_read(path, &table, why, why_size) != 0)
		return -1;
	for (size_t i = 0; i < 7; i++)
		if ((columns[i] = csv_column(&table, names[i])) < 0) {
			snprintf(why, why_size, "%s: no column %s", path, names[i]);
			csv_free(&table);
			return -1;
		}
	references->rows = xcalloc(table.rows, sizeof *references->rows);
	for (size_t row = 0; row < table.rows; row++, references->count++)
		if (reference_row(&table, row, &references->rows[row], columns) != 0) {
			snprintf(why, why_size, "%s:%zu: a claim number, a low <= high, the published figure and its source "
						"are needed", path, row + 2);
			references->count++;
			csv_free(&table);
			references_free(references);
			return -1;
		}
	csv_free(&table);
	return 0;
}

void references_free(struct references *references)
{
	for (size_t i = 0; i < references->count; i++) {
		free(references->rows[i].published);
		free(references->rows[i].source);
	}
	free(references->rows);
	memset(references, 0, sizeof *references);
}

const struct reference *reference_find(const struct references *references, int claim, const char *quantity)
{
	for (size_t i = 0; i < references->count; i++)
		if (references->rows[i].claim == claim && (!quantity || strcmp(references->rows[i].quantity, quantity) == 0))
			return &references->rows[i];
	return NULL;
}

/* ---- selecting measured values ---- */

/* What a claim looks at; the rest of the cell at spawnbench's defaults. */
struct selector {
	const char *primitive;
	enum action action;
	enum backing backing;
	unsigned fragments;
	double ratio;
	enum writer writer;
	const char *exec_program;   /* an exec cell's program; NULL: the helper */
};

static const struct cell_summary *select_cell(const struct loaded_bundle *b, const struct selector *s, uint64_t heap)
{
	int primitive = primitive_index(s->primitive);
	if (primitive < 0)
		return NULL;
	struct cell key = { .creators = 1, .primitive = (unsigned)primitive, .action = s->action, .heap_bytes = heap, .write_ratio = s->ratio,
			    .writer = s->writer, .backing = s->backing, .fragments = s->fragments, .exec_program = s->exec_program };
	return results_find_ok(&b->results, &key);
}

static double select_median(const struct loaded_bundle *b, const struct selector *s, uint64_t heap, int phase)
{
	const struct cell_summary *cell = select_cell(b, s, heap);
	return cell ? cell->phases[phase].median : NAN;
}

/* The heaps the bundle measured, ascending, from min_heap: its heap axis, which the loader takes from its cells. */
static size_t bundle_heaps(const struct loaded_bundle *b, uint64_t min_heap, uint64_t *heaps, size_t max)
{
	size_t count = 0;
	for (size_t h = 0; h < b->axes.counts[DIMENSION_HEAP] && count < max; h++)
		if ((uint64_t)b->axes.values[DIMENSION_HEAP][h] >= min_heap)
			heaps[count++] = (uint64_t)b->axes.values[DIMENSION_HEAP][h];
	return count;
}

/* The selector's value at each heap from min_heap: x in GiB; value(cell) gives y (NaN: left out). */
static size_t heap_series(const struct loaded_bundle *b, const struct selector *s, uint64_t min_heap,
			  double (*value)(const struct cell_summary *cell), double *x, double *y)
{
	uint64_t heaps[MAX_POINTS];
	size_t count = bundle_heaps(b, min_heap, heaps, MAX_POINTS), n = 0;
	for (size_t h = 0; h < count; h++) {
		const struct cell_summary *cell = select_cell(b, s, heaps[h]);
		double v = cell ? value(cell) : NAN;
		if (isnan(v))
			continue;
		x[n] = (double)heaps[h] / (1 << 30);
		y[n++] = v;
	}
	return n;
}

static double create_us(const struct cell_summary *cell) { return cell->phases[COLUMN_CREATE_US].median; }
static double roundtrip_us(const struct cell_summary *cell) { return cell->phases[COLUMN_ROUNDTRIP_US].median; }
static double page_tables_kib(const struct cell_summary *cell) { return cell->child_page_tables_kib; }

/* ---- the claims ---- */

static void untestable(struct claim_outcome *o, const char *why)
{
	o->verdict = CLAIM_UNTESTABLE;
	snprintf(o->reason, sizeof o->reason, "%s", why);
}

static void set_rule(struct claim_outcome *o, const char *rule)
{
	snprintf(o->rule, sizeof o->rule, "%s", rule);
}

/* The claim's published quantity, or NULL with the outcome "cannot be tested here" saying which is missing. */
static const struct reference *claim_reference(const struct references *refs, int claim, const char *quantity,
					       struct claim_outcome *o)
{
	const struct reference *ref = reference_find(refs, claim, quantity);
	if (!ref) {
		char why[200];
		snprintf(why, sizeof why, "results/reference/published.csv has no %s for claim %d", quantity, claim);
		untestable(o, why);
	}
	return ref;
}

static const char *band_text(const struct reference *ref, char *buf, size_t size);

/*
 * The claim's published band, and the rule that states it: before, the band
 * ("at least 5", "0.5 to 2"), after. NULL, with the outcome "cannot be tested
 * here", when published.csv lacks the quantity.
 */
static const struct reference *band_rule(const struct references *refs, int claim, const char *quantity,
					 struct claim_outcome *o, const char *before, const char *after)
{
	const struct reference *ref = claim_reference(refs, claim, quantity, o);
	char band[64];
	if (ref)
		snprintf(o->rule, sizeof o->rule, "%s%s%s", before, band_text(ref, band, sizeof band), after);
	return ref;
}

/* "5 to 10", "at least 5": a band as published.csv gives it. */
static const char *band_text(const struct reference *ref, char *buf, size_t size)
{
	if (isinf(ref->high))
		snprintf(buf, size, "at least %g", ref->low);
	else
		snprintf(buf, size, "%g to %g", ref->low, ref->high);
	return buf;
}

/* A linear series against a published band: holds in the band, holds in shape outside it. */
static void judge_linear_band(struct claim_outcome *o, enum shape shape, const struct line_check *line,
			      const struct reference *ref, double scale, const char *what)
{
	double value = line->slope * scale;
	snprintf(o->measured, sizeof o->measured, "%s %.3g %s (95%% CI %.3g to %.3g; the farthest median %.1f%% off the line)",
		 what, value, ref->unit, line->slope_low * scale, line->slope_high * scale, 100 * line->max_relative);
	if (shape == SHAPE_NO) {
		o->verdict = CLAIM_DIFFERS;
		snprintf(o->reason, sizeof o->reason, "not linear: %s", line->failed);
	} else if (rule_in_band(value, ref->low, ref->high)) {
		o->verdict = CLAIM_HOLDS;
		if (ref->low == ref->high)
			snprintf(o->reason, sizeof o->reason, "linear, and %.4g is within 25%% of the published %g", value, ref->low);
		else
			snprintf(o->reason, sizeof o->reason, "linear, and %.4g is in the published %g to %g", value, ref->low,
				 ref->high);
	} else {
		o->verdict = CLAIM_HOLDS_IN_SHAPE;
		double nearest = value > ref->high ? ref->high : ref->low;
		char ratio[32];
		format_ratio(value / nearest, ratio, sizeof ratio);
		snprintf(o->reason, sizeof o->reason, "linear, with another slope: %.4g, %s the published %g", value, ratio,
			 nearest);
	}
}

/* A value of fork+exit cells against heaps from 16 MiB, linear and in the claim's published band. */
static void fork_linear_claim(const struct loaded_bundle *b, const struct reference *ref, struct claim_outcome *o,
			      double (*value)(const struct cell_summary *cell), double scale, const char *what)
{
	const struct selector fork_exit = { "fork", ACTION_EXIT, BACKING_PRIVATE, 0, 0, WRITER_CHILD, NULL };
	double x[MAX_POINTS], y[MAX_POINTS];
	struct line_check line;
	size_t n = heap_series(b, &fork_exit, SIXTEEN_MIB, value, x, y);
	enum shape shape = rule_linear(x, y, n, &line);
	if (shape == SHAPE_TOO_FEW)
		return untestable(o, "needs fork+exit of private heaps at 3 sizes from 16 MiB");
	judge_linear_band(o, shape, &line, ref, scale, what);
}

static void claim_fork_linear(const struct loaded_bundle *b, const struct references *refs, struct claim_outcome *o)
{
	set_rule(o, RULE_LINEAR " (fork's create phase, heaps from 16 MiB); the slope in the published band");
	const struct reference *ref = claim_reference(refs, 1, "fork_ms_per_gib", o);
	if (ref)
		fork_linear_claim(b, ref, o, create_us, 1e-3, "fork() alone:");
}

static void claim_page_tables(const struct loaded_bundle *b, const struct references *refs, struct claim_outcome *o)
{
	set_rule(o, RULE_LINEAR " (a forked child's VmPTE, heaps from 16 MiB); the slope within 25% of the published figure");
	const struct reference *ref = claim_reference(refs, 2, "child_page_tables_kib_per_gib", o);
	if (ref)
		fork_linear_claim(b, ref, o, page_tables_kib, 1, "the child's page tables grow");
}

/* The largest x that both series have (they may end at different heaps: a cell skipped or failed), or -1. */
static double largest_common_x(const double *x, size_t n, const double *other_x, size_t other_n, size_t *i, size_t *j)
{
	for (size_t a = n; a-- > 0;)
		for (size_t b = other_n; b-- > 0;)
			if (x[a] == other_x[b]) {
				*i = a;
				*j = b;
				return x[a];
			}
	return -1;
}

static void claim_exec_growth(const struct loaded_bundle *b, const struct references *refs, struct claim_outcome *o)
{
	const struct selector fork_exec = { "fork", ACTION_EXEC, BACKING_PRIVATE, 0, 0, WRITER_CHILD, NULL };
	const struct selector vfork_exec = { "vfork", ACTION_EXEC, BACKING_PRIVATE, 0, 0, WRITER_CHILD, NULL };
	const struct selector spawn_exec = { "posix_spawn", ACTION_EXEC, BACKING_PRIVATE, 0, 0, WRITER_CHILD, NULL };
	double x[MAX_POINTS], fork_y[MAX_POINTS], vfork_x[MAX_POINTS], vfork_y[MAX_POINTS];
	double spawn_x[MAX_POINTS], spawn_y[MAX_POINTS], vfork_ratio = 0, spawn_ratio = 0;
	struct line_check line;
	size_t n = heap_series(b, &fork_exec, SIXTEEN_MIB, roundtrip_us, x, fork_y);
	size_t nv = heap_series(b, &vfork_exec, 0, roundtrip_us, vfork_x, vfork_y);
	size_t ns = heap_series(b, &spawn_exec, 0, roundtrip_us, spawn_x, spawn_y);
	set_rule(o, RULE_LINEAR " (fork+exec roundtrip from 16 MiB); " RULE_FLAT " (vfork+exec and posix_spawn, every heap); "
		    "fork+exec over posix_spawn at the largest heap both have, in the published range");
	const struct reference *ref = claim_reference(refs, 3, "fork_exec_over_posix_spawn", o);
	if (!ref)
		return;
	enum shape grows = rule_linear(x, fork_y, n, &line);
	enum shape vfork_flat = rule_flat(vfork_x, vfork_y, nv, &vfork_ratio);
	enum shape spawn_flat = rule_flat(spawn_x, spawn_y, ns, &spawn_ratio);
	size_t at_fork = 0, at_spawn = 0;
	double common = largest_common_x(x, n, spawn_x, ns, &at_fork, &at_spawn);
	if (grows == SHAPE_TOO_FEW || vfork_flat == SHAPE_TOO_FEW || spawn_flat == SHAPE_TOO_FEW || common < 0)
		return untestable(o, "needs fork, vfork and posix_spawn exec'ing at 3 heaps from 16 MiB");
	double ratio = fork_y[at_fork] / spawn_y[at_spawn];
	char band[64], ratio_text[32];
	format_ratio(ratio, ratio_text, sizeof ratio_text);
	snprintf(o->measured, sizeof o->measured,
		 "fork+exec grows %.3g ms per GiB (95%% CI %.3g to %.3g); vfork+exec largest/smallest %.2f, posix_spawn %.2f; "
		 "fork+exec %s posix_spawn at %.2g GiB", line.slope / 1000, line.slope_low / 1000, line.slope_high / 1000,
		 vfork_ratio, spawn_ratio, ratio_text, common);
	if (grows != SHAPE_YES || vfork_flat != SHAPE_YES || spawn_flat != SHAPE_YES) {
		o->verdict = CLAIM_DIFFERS;
		snprintf(o->reason, sizeof o->reason, "%s%s", grows != SHAPE_YES ? "fork+exec does not grow linearly: " : "",
			 grows != SHAPE_YES ? line.failed : "vfork+exec or posix_spawn is not flat");
	} else {
		o->verdict = rule_in_band(ratio, ref->low, ref->high) ? CLAIM_HOLDS : CLAIM_HOLDS_IN_SHAPE;
		snprintf(o->reason, sizeof o->reason, "fork+exec grows, the others stay flat; the ratio %s is %s the published %s",
			 ratio_text, o->verdict == CLAIM_HOLDS ? "in" : "outside", band_text(ref, band, sizeof band));
	}
}

static void claim_small_parent(const struct loaded_bundle *b, const struct references *refs, struct claim_outcome *o)
{
	static const uint64_t heaps[] = { 1744ull << 10, 11980ull << 10 }; /* 1.7 and 11.7 MiB, TLPI's parents */
	const struct selector fork_exec = { "fork", ACTION_EXEC, BACKING_PRIVATE, 0, 0, WRITER_CHILD, NULL };
	const struct selector vfork_exec = { "vfork", ACTION_EXEC, BACKING_PRIVATE, 0, 0, WRITER_CHILD, NULL };
	double ratio[2];
	for (int i = 0; i < 2; i++)
		ratio[i] = select_median(b, &fork_exec, heaps[i], COLUMN_ROUNDTRIP_US) /
			   select_median(b, &vfork_exec, heaps[i], COLUMN_ROUNDTRIP_US);
	const struct reference *ref = claim_reference(refs, 4, "fork_exec_over_vfork_exec_small", o);
	if (!ref)
		return;
	set_rule(o, "fork+exec over vfork+exec at 1.7 and 11.7 MiB each within 50% of the published 1.26 and 2.4; "
		    "in shape: a small gap (under 3) that grows with the heap");
	if (isnan(ratio[0]) || isnan(ratio[1]))
		return untestable(o, "needs fork+exec and vfork+exec at heaps 1744K and 11980K");
	snprintf(o->measured, sizeof o->measured, "fork+exec over vfork+exec: %.2f at 1.7 MiB, %.2f at 11.7 MiB", ratio[0], ratio[1]);
	bool close = fabs(ratio[0] / ref->low - 1) <= 0.5 && fabs(ratio[1] / ref->high - 1) <= 0.5;
	bool shape = ratio[0] < 3 && ratio[1] > ratio[0];
	o->verdict = close && shape ? CLAIM_HOLDS : shape ? CLAIM_HOLDS_IN_SHAPE : CLAIM_DIFFERS;
	snprintf(o->reason, sizeof o->reason, "%s", close && shape ? "both ratios near the published ones"
						    : shape ? "the gap is small and grows, with other ratios"
							    : "the gap is not small, or does not grow");
}

/* The writer's faults per written page of the selector, at the largest heap it wrote. */
static double written_faults(const struct loaded_bundle *b, const struct selector *s, uint64_t *heap)
{
	uint64_t heaps[MAX_POINTS];
	size_t count = bundle_heaps(b, 1, heaps, MAX_POINTS);
	for (size_t h = count; h-- > 0;) {
		const struct cell_summary *cell = select_cell(b, s, heaps[h]);
		if (!cell || !cell_pages_written(&cell->cell))
			continue;
		*heap = heaps[h];
		return cell->medians[s->writer == WRITER_CHILD ? COLUMN_CHILD_MINFLT : COLUMN_PARENT_MINFLT] /
		       (double)cell_pages_written(&cell->cell);
	}
	return NAN;
}

static void claim_faults(const struct loaded_bundle *b, const struct references *refs, struct claim_outcome *o)
{
	const struct selector fork_exec = { "fork", ACTION_EXEC, BACKING_PRIVATE, 0, 0.5, WRITER_PARENT, NULL };
	const struct selector vfork_exec = { "vfork", ACTION_EXEC, BACKING_PRIVATE, 0, 0.5, WRITER_PARENT, NULL };
	const struct selector spawn_exec = { "posix_spawn", ACTION_EXEC, BACKING_PRIVATE, 0, 0.5, WRITER_PARENT, NULL };
	uint64_t heap = 0, other_heap = 0;
	double after_fork = written_faults(b, &fork_exec, &heap);
	double after_vfork = written_faults(b, &vfork_exec, &other_heap);
	double after_spawn = written_faults(b, &spawn_exec, &other_heap);
	set_rule(o, "faults per page the parent writes after fork+exec, and after vfork+exec and posix_spawn, each in its "
		    "band of results/reference/published.csv");
	const struct reference *one_ref = claim_reference(refs, 5, "faults_per_written_page", o);
	const struct reference *none_ref = one_ref ? claim_reference(refs, 5, "faults_per_written_page_after_vfork_or_spawn", o)
						   : NULL;
	if (!none_ref)
		return;
	char one_band[64], none_band[64];
	snprintf(o->rule, sizeof o->rule, "after fork+exec %s faults per page the parent writes; after vfork+exec and "
					  "posix_spawn %s", band_text(one_ref, one_band, sizeof one_band),
		 band_text(none_ref, none_band, sizeof none_band));
	if (isnan(after_fork) || (isnan(after_vfork) && isnan(after_spawn)))
		return untestable(o, "needs the parent writing half its heap after fork+exec and after vfork+exec or posix_spawn");
	snprintf(o->measured, sizeof o->measured, "faults per written page: %.3f after fork+exec, %.3f after vfork+exec, "
						  "%.3f after posix_spawn", after_fork, after_vfork, after_spawn);
	bool one = after_fork >= one_ref->low && after_fork <= one_ref->high;
	bool none = (isnan(after_vfork) || (after_vfork >= none_ref->low && after_vfork <= none_ref->high)) &&
		    (isnan(after_spawn) || (after_spawn >= none_ref->low && after_spawn <= none_ref->high));
	o->verdict = one && none ? CLAIM_HOLDS : CLAIM_DIFFERS;
	snprintf(o->reason, sizeof o->reason, "%s", one && none ? "one extra fault per written page after fork, none otherwise"
								: "the fault counts are not one and none");
}

static void claim_mappings(const struct loaded_bundle *b, const struct references *refs, struct claim_outcome *o)
{
	double x[MAX_POINTS], y[MAX_POINTS];
	struct line_check line;
	size_t n = 0;
	uint64_t heaps[MAX_POINTS];
	size_t heap_count = bundle_heaps(b, 1, heaps, MAX_POINTS);
	/* the heap with the most layouts measured */
	for (size_t h = 0; h < heap_count; h++) {
		double hx[MAX_POINTS], hy[MAX_POINTS];
		size_t hn = 0;
		for (size_t i = 0; i < b->results.count && hn < MAX_POINTS; i++) {
			const struct cell_summary *c = &b->results.cells[i];
			const struct selector s = { "fork", ACTION_EXIT, BACKING_PRIVATE, c->cell.fragments, 0, WRITER_CHILD, NULL };
			if (c->cell.heap_bytes != heaps[h] || select_cell(b, &s, heaps[h]) != c)
				continue;
			hx[hn] = c->cell.fragments ? 2.0 * c->cell.fragments : 1; /* a fragment and its guard page */
			hy[hn++] = c->phases[COLUMN_ROUNDTRIP_US].median;
		}
		if (hn > n) {
			n = hn;
			memcpy(x, hx, n * sizeof *x);
			memcpy(y, hy, n * sizeof *y);
		}
	}
	set_rule(o, RULE_LINEAR " (fork+exit roundtrip against the number of mappings); the slope in the published band");
	const struct reference *ref = claim_reference(refs, 6, "fork_us_per_vma", o);
	if (!ref)
		return;
	enum shape shape = rule_linear(x, y, n, &line);
	if (shape == SHAPE_TOO_FEW)
		return untestable(o, "needs fork+exit at one heap with 3 layouts (contiguous, fragmented:N)");
	judge_linear_band(o, shape, &line, ref, 1, "fork+exit grows");
}

static void claim_shared(const struct loaded_bundle *b, const struct references *refs, struct claim_outcome *o)
{
	const struct selector shared = { "fork", ACTION_EXIT, BACKING_SHARED, 0, 0, WRITER_CHILD, NULL };
	const struct selector private = { "fork", ACTION_EXIT, BACKING_PRIVATE, 0, 0, WRITER_CHILD, NULL };
	double x[MAX_POINTS], y[MAX_POINTS], flat_ratio = 0;
	size_t n = heap_series(b, &shared, SIXTEEN_MIB, create_us, x, y);
	const struct reference *ref = band_rule(refs, 7, "private_over_shared", o, RULE_FLAT " (fork's create with MAP_SHARED "
						"heaps from 16 MiB); private over shared at the largest heap ", "");
	if (!ref)
		return;
	enum shape flat_shape = rule_flat(x, y, n, &flat_ratio);
	if (flat_shape == SHAPE_TOO_FEW)
		return untestable(o, "needs fork+exit of shared heaps at 2 sizes from 16 MiB");
	uint64_t largest = (uint64_t)(x[n - 1] * (1 << 30));
	double private_us = select_median(b, &private, largest, COLUMN_CREATE_US);
	snprintf(o->measured, sizeof o->measured, "fork() with a shared heap: largest/smallest %.2f from 16 MiB to %.2g GiB, "
						  "%.0f us at %.2g GiB; private %.0f us", flat_ratio, x[n - 1], y[n - 1], x[n - 1], private_us);
	bool flat = flat_shape == SHAPE_YES, cheaper = rule_in_band(private_us / y[n - 1], ref->low, ref->high);
	o->verdict = flat && cheaper ? CLAIM_HOLDS : flat ? CLAIM_HOLDS_IN_SHAPE : CLAIM_DIFFERS;
	snprintf(o->reason, sizeof o->reason, "%s", flat && cheaper ? "shared memory costs fork nothing per GiB"
						    : flat ? "flat, but private is not much dearer here"
							   : "fork with shared memory grows with it");
}

static void claim_thp(const struct loaded_bundle *b, const struct references *refs, struct claim_outcome *o)
{
	const struct selector thp = { "fork", ACTION_EXIT, BACKING_THP, 0, 0, WRITER_CHILD, NULL };
	const struct selector private = { "fork", ACTION_EXIT, BACKING_PRIVATE, 0, 0, WRITER_CHILD, NULL };
	double x[MAX_POINTS], y[MAX_POINTS];
	size_t n = heap_series(b, &thp, SIXTEEN_MIB, create_us, x, y);
	const struct reference *ref = band_rule(refs, 8, "private_over_thp", o, "fork's create with 4 KiB pages over that with "
						"THP at the same (largest) heap ", "; in shape: cheaper");
	if (!ref)
		return;
	if (n == 0)
		return untestable(o, "needs fork+exit of a thp heap from 16 MiB (skipped where THP does not take)");
	uint64_t largest = (uint64_t)(x[n - 1] * (1 << 30));
	double ratio = select_median(b, &private, largest, COLUMN_CREATE_US) / y[n - 1];
	if (isnan(ratio))
		return untestable(o, "needs fork+exit of a private heap of the same size");
	char ratio_text[32];
	format_ratio(ratio, ratio_text, sizeof ratio_text);
	snprintf(o->measured, sizeof o->measured, "fork() of a %.2g GiB heap: %s cheaper with THP (4 KiB over THP)", x[n - 1],
		 ratio_text);
	o->verdict = rule_in_band(ratio, ref->low, ref->high) ? CLAIM_HOLDS : ratio > 1.2 ? CLAIM_HOLDS_IN_SHAPE : CLAIM_DIFFERS;
	snprintf(o->reason, sizeof o->reason, "%s", o->verdict == CLAIM_HOLDS ? "huge pages leave few page-table entries to copy"
						    : o->verdict == CLAIM_HOLDS_IN_SHAPE ? "cheaper, by less than published"
											   : "no cheaper with THP");
}

/* The cost per written page of fork+exit's child writer at heap, contiguous, sequential, same CPU, with backing; NaN if none. */
static double cow_fit_at(const struct fit_row *fits, size_t count, uint64_t heap, enum backing backing)
{
	for (size_t i = 0; i < count; i++) {
		const struct cell *k = &fits[i].key;
		if (fits[i].model == FIT_COW && k->primitive == (unsigned)primitive_index("fork") && k->action == ACTION_EXIT &&
		    k->writer == WRITER_CHILD && k->measurer == MEASURER_WORKER && !k->exec_program && k->backing == backing && k->heap_bytes == heap &&
		    k->fragments == 0 && k->pattern == PATTERN_SEQUENTIAL && k->placement == PLACEMENT_SAME_CPU)
			return fits[i].fit.slope;
	}
	return NAN;
}

static void claim_thp_fault(const struct loaded_bundle *b, const struct references *refs, struct claim_outcome *o)
{
	struct fit_row *fits;
	size_t count = results_fit(&b->results, &fits);
	double us[2] = { NAN, NAN };
	uint64_t heap = 0, heaps[MAX_POINTS];
	/* the largest heap where both backings were written, contiguous and sequential on one CPU: like with like */
	for (size_t h = bundle_heaps(b, 1, heaps, MAX_POINTS); h-- > 0 && (isnan(us[0]) || isnan(us[1]));) {
		heap = heaps[h];
		us[0] = cow_fit_at(fits, count, heap, BACKING_PRIVATE);
		us[1] = cow_fit_at(fits, count, heap, BACKING_THP);
	}
	free(fits);
	const struct reference *ref = band_rule(refs, 9, "thp_over_private_fault", o, "a written page's cost with THP over "
						"that with 4 KiB pages, at the same heap, ", " (a 4 KiB copy, not 2 MiB)");
	if (!ref)
		return;
	if (isnan(us[0]) || isnan(us[1]))
		return untestable(o, "needs the child writing 2 ratios of a private and of a thp heap of one size after fork");
	snprintf(o->measured, sizeof o->measured, "a written page costs %.2f us with 4 KiB pages, %.2f us with THP (heap %.2g GiB)",
		 us[0], us[1], (double)heap / (1 << 30));
	o->verdict = rule_in_band(us[1] / us[0], ref->low, ref->high) ? CLAIM_HOLDS : CLAIM_DIFFERS;
	snprintf(o->reason, sizeof o->reason, "%s", o->verdict == CLAIM_HOLDS ? "a copy-on-write fault in a THP copies 4 KiB"
										: "THP faults cost far more: a huge page copied?");
}

static void claim_small_ratios(const struct loaded_bundle *b, const struct references *refs, struct claim_outcome *o)
{
	const struct selector exit_sel = { "fork", ACTION_EXIT, BACKING_PRIVATE, 0, 0, WRITER_CHILD, NULL };
	const struct selector exec_sel = { "fork", ACTION_EXEC, BACKING_PRIVATE, 0, 0, WRITER_CHILD, NULL };
	const struct selector shell_sel = { "fork", ACTION_EXEC, BACKING_PRIVATE, 0, 0, WRITER_CHILD, "/bin/sh -c true" };
	double exit_us = select_median(b, &exit_sel, 0, COLUMN_ROUNDTRIP_US);
	double exec_ratio = select_median(b, &exec_sel, 0, COLUMN_ROUNDTRIP_US) / exit_us;
	double shell_ratio = select_median(b, &shell_sel, 0, COLUMN_ROUNDTRIP_US) / exit_us;
	set_rule(o, "at heap 0, fork+exec over fork+exit and fork+/bin/sh -c over fork+exit in the published ranges; "
		    "in shape: exit < exec < shell");
	const struct reference *exec_ref = claim_reference(refs, 10, "fork_exec_over_fork_exit", o);
	const struct reference *shell_ref = exec_ref ? claim_reference(refs, 10, "fork_shell_over_fork_exit", o) : NULL;
	if (!shell_ref)
		return;
	if (isnan(exec_ratio) || isnan(shell_ratio))
		return untestable(o, "needs fork+exit, fork+exec of the helper and of '/bin/sh -c true' at heap 0");
	snprintf(o->measured, sizeof o->measured, "fork+exit : fork+exec : fork+sh -c = 1 : %.2f : %.2f", exec_ratio, shell_ratio);
	bool in_range = rule_in_band(exec_ratio, exec_ref->low, exec_ref->high) &&
			rule_in_band(shell_ratio, shell_ref->low, shell_ref->high);
	bool ordered = 1 < exec_ratio && exec_ratio < shell_ratio;
	o->verdict = in_range ? CLAIM_HOLDS : ordered ? CLAIM_HOLDS_IN_SHAPE : CLAIM_DIFFERS;
	snprintf(o->reason, sizeof o->reason, "%s", in_range ? "both ratios in the published ranges"
						    : ordered ? "the same order, with other ratios" : "not even the order holds");
}

typedef void (*claim_check)(const struct loaded_bundle *, const struct references *, struct claim_outcome *);

static const struct {
	int claim;
	claim_check check;
} claim_checks[] = {
	{ 1, claim_fork_linear }, { 2, claim_page_tables }, { 3, claim_exec_growth }, { 4, claim_small_parent },
	{ 5, claim_faults },      { 6, claim_mappings },    { 7, claim_shared },      { 8, claim_thp },
	{ 9, claim_thp_fault },   { 10, claim_small_ratios },
};

size_t reproduce_claims(const struct loaded_bundle *bundle, const struct references *references,
			struct claim_outcome *outcomes, size_t max)
{
	size_t count = 0;
	for (size_t i = 0; i < sizeof claim_checks / sizeof claim_checks[0] && count < max; i++) {
		struct claim_outcome *o = &outcomes[count++];
		memset(o, 0, sizeof *o);
		o->claim = claim_checks[i].claim;
		snprintf(o->measured, sizeof o->measured, "-");
		if (!reference_find(references, o->claim, NULL))
			untestable(o, "no published figure for it in results/reference/published.csv");
		else
			claim_checks[i].check(bundle, references, o);
	}
	return count;
}

/* Claim 1's chart: fork's create against heap, with the published band of ms per GiB. */
static bool write_band_chart(const struct loaded_bundle *b, const struct references *refs, const char *dir)
{
	const struct selector fork_exit = { "fork", ACTION_EXIT, BACKING_PRIVATE, 0, 0, WRITER_CHILD, NULL };
	const struct reference *ref = reference_find(refs, 1, NULL);
	double x[MAX_POINTS], y[MAX_POINTS];
	size_t n = heap_series(b, &fork_exit, 1, create_us, x, y);
	struct chart_files files;
	char note[400];
	if (n < 2 || !ref || !chart_files_open(&files, dir, "claim1_fork_band"))
		return false;
	for (size_t i = 0; i < n; i++)
		fprintf(files.data, "%.6f %.4f\n", x[i], y[i] / 1000);
	fprintf(files.variables, "low = %.17g\nhigh = %.17g\n", ref->low, ref->high);
	gp_assign_text(files.variables, "xlabel", "parent's populated heap (GiB)");
	gp_assign_text(files.variables, "ylabel", "fork() alone, create median (ms)");
	gp_assign_text(files.variables, "band_title", "published, ms per GiB");
	char subtitle[300];
	snprintf(subtitle, sizeof subtitle, "%s, kernel %s, %s, suite %s", bundle_machine_text(b, "host"),
		 bundle_machine_text(b, "kernel_release"), bundle_machine_text(b, "cpu_model"), b->suite);
	return chart_files_draw(&files, "band.gp", "Claim 1: fork() alone against the heap, with the published band",
				subtitle, note, sizeof note);
}

static void write_claim_table(FILE *out, const struct claim_outcome *outcomes, size_t count)
{
	static const char *const headers[] = { "#", "verdict", "measured here", "why", "rule" };
	static const int widths[5] = { 0 };
	struct table_writer table;
	table_begin(&table, out, TABLE_MARKDOWN, widths, 5);
	table_cells(&table, headers, 5);
	table_end_row(&table);
	for (size_t i = 0; i < count; i++) {
		table_cellf(&table, "%d", outcomes[i].claim);
		table_cellf(&table, "**%s**", claim_verdict_names[outcomes[i].verdict]);
		table_cell(&table, outcomes[i].measured);
		table_cell(&table, outcomes[i].reason);
		table_cell(&table, outcomes[i].rule);
		table_end_row(&table);
	}
}

static void write_claim_details(FILE *out, const struct references *refs, const struct claim_outcome *outcomes,
				size_t count)
{
	for (size_t i = 0; i < count; i++) {
		fprintf(out, "\n### Claim %d: %s\n\n", outcomes[i].claim, claim_verdict_names[outcomes[i].verdict]);
		for (size_t r = 0; r < refs->count; r++)
			if (refs->rows[r].claim == outcomes[i].claim && (r == 0 || refs->rows[r - 1].claim != outcomes[i].claim))
				fprintf(out, "- published: %s\n- sources: %s\n", refs->rows[r].published, refs->rows[r].source);
		fprintf(out, "- measured here: %s\n- verdict: %s, %s\n- rule: %s\n", outcomes[i].measured,
			claim_verdict_names[outcomes[i].verdict], outcomes[i].reason, outcomes[i].rule);
	}
}

int reproduce_write(const struct loaded_bundle *bundle, const char *dir)
{
	struct references refs;
	struct claim_outcome outcomes[16];
	char why[600];
	char *reference_path = xasprintf("%s/results/reference/published.csv", project_root());
	int loaded = references_load(reference_path, &refs, why, sizeof why);
	free(reference_path);
	if (loaded != 0) {
		warn("no reproduce.md: %s", why);
		return -1;
	}
	char *path = xasprintf("%s/reproduce.md", dir);
	FILE *out = output_file_create(path);
	free(path);
	if (!out) {
		references_free(&refs);
		return -1;
	}
	size_t count = reproduce_claims(bundle, &refs, outcomes, 16);
	fprintf(out, "# Reproducing published numbers\n\nSuite %s on %s, kernel %s, %s. The shape (linearity, flatness, ratios) "
		     "is what transfers from one machine to another; absolute values rarely do. Verdicts: holds; holds in "
		     "shape; differs; cannot be tested here (and why). The published figures and their sources are in "
		     "results/reference/published.csv.\n\n", bundle->suite, bundle_machine_text(bundle, "host"),
		bundle_machine_text(bundle, "kernel_release"), bundle_machine_text(bundle, "virtualisation"));
	write_claim_table(out, outcomes, count);
	if (write_band_chart(bundle, &refs, dir))
		fprintf(out, "\n![claim 1](plots/claim1_fork_band.png)\n");
	write_claim_details(out, &refs, outcomes, count);
	references_free(&refs);
	return fclose(out) == 0 ? 0 : -1;
}
