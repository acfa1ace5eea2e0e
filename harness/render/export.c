#include "export.h"

#include <ctype.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "csv.h"
#include "parse.h"
#include "primitive.h"
#include "table.h"
#include "util.h"

const char *const export_format_names[] = { "bmf", "kv" };

#define MAX_NAME 1024        /* Bencher's longest benchmark name */
#define MAX_COMMAND_IN_NAME 600

/* FNV-1a: a long command is cut in a name, and its hash keeps the name unique. */
static uint32_t text_hash(const char *text)
{
	uint32_t hash = 2166136261u;
	for (const unsigned char *c = (const unsigned char *)text; *c; c++)
		hash = (hash ^ *c) * 16777619u;
	return hash;
}

/* A cell's command in its name: a long one cut, with its hash keeping the name unique. */
static void command_part(const struct cell *cell, char *buf, size_t size)
{
	const char *command = cell_command_text(cell);
	if (!*command)
		snprintf(buf, size, "%s", "");
	else if (strlen(command) <= MAX_COMMAND_IN_NAME)
		snprintf(buf, size, "/command=%s", command);
	else
		snprintf(buf, size, "/command=%.*s#%08x", MAX_COMMAND_IN_NAME - 40, command, (unsigned)text_hash(command));
}

/*
 * Names a cell by every dimension it states (dimension_named), "fork/exit/heap=64M/ratio=0.5/writer=child/...",
 * then its command and the phase; heap_part and ratio_part, when given, stand for those two.
 */
static void name_cell(const struct cell *cell, const char *heap_part, const char *ratio_part, const char *phase, char *buf,
		      size_t size)
{
	char name[MAX_NAME + MAX_COMMAND_IN_NAME + 64] = "", command[MAX_COMMAND_IN_NAME + 32];
	size_t used = 0;
	for (size_t d = 0; d < DIMENSION_COUNT; d++) {
		char text[64], part[96];
		const char *given = d == DIMENSION_HEAP ? heap_part : d == DIMENSION_RATIO ? ratio_part : NULL;
		if (!dimension_named(d, cell_get(cell, d)))
			continue;
		if (d == DIMENSION_PRIMITIVE)
			cell_column_text(cell, d, text, sizeof text); /* a whole command's cell: hyperfine */
		else
			dimension_label(d, cell_get(cell, d), text, sizeof text);
		if (given)
			snprintf(part, sizeof part, "%s", given);
		else if (dimension_table[d].described_bare)
			snprintf(part, sizeof part, "%s", text);
		else
			snprintf(part, sizeof part, "%s=%s", dimension_table[d].name, text);
		used += (size_t)snprintf(name + used, sizeof name - used, "%s%s", d ? "/" : "", part);
	}
	command_part(cell, command, sizeof command);
	/* whole, then cut to Bencher's longest name (the command's hash keeps a cut name unique) */
	char whole[sizeof name + sizeof command + 80];
	snprintf(whole, sizeof whole, "%s%s/%.64s", name, command, phase);
	size_t limit = size < MAX_NAME + 1 ? size : MAX_NAME + 1, length = strlen(whole);
	if (length >= limit)
		length = limit - 1;
	memcpy(buf, whole, length);
	buf[length] = '\0';
}

void export_benchmark_name(const struct cell *cell, const char *phase, char *buf, size_t size)
{
	name_cell(cell, NULL, NULL, phase, buf, size);
}

void export_fit_name(const struct cell *key, bool over_heap, const char *phase, char *buf, size_t size)
{
	char fit_phase[64];
	snprintf(fit_phase, sizeof fit_phase, over_heap ? "fit-heap-%s" : "fit-cow", phase);
	name_cell(key, over_heap ? "heap=all" : NULL, over_heap ? NULL : "ratio=all", fit_phase, buf, size);
}

void export_measure_name(const char *column, char *buf, size_t size)
{
	size_t used = 0, limit = size < 65 ? size - 1 : 64;
	for (const char *c = column; *c && used < limit; c++) {
		char out = isalnum((unsigned char)*c) ? (char)tolower((unsigned char)*c) : '-';
		if (out == '-' && (used == 0 || buf[used - 1] == '-'))
			continue;
		buf[used++] = out;
	}
	while (used && buf[used - 1] == '-')
		used--;
	buf[used] = '\0';
}

/* A Bencher metric: value, and its interval where there is one. */
static json_t *metric(double value, double lower, double upper)
{
	json_t *object = json_pack("{s:f}", "value", value);
	if (!isnan(lower) && !isnan(upper) && lower <= value && value <= upper) {
		json_object_set_new(object, "lower_value", json_real(lower));
		json_object_set_new(object, "upper_value", json_real(upper));
	}
	return object;
}

/* The counters' medians of a cell (faults, then the counted events) as measures of one benchmark. */
static void add_counter_measures(json_t *benchmark, const struct loaded_bundle *b, const struct cell_summary *cell)
{
	for (int column = COLUMN_CHILD_MINFLT; column <= COLUMN_PARENT_MAJFLT; column++)
		if (!isnan(cell->medians[column])) {
			char name[65];
			export_measure_name(fixed_column_names[column], name, sizeof name);
			json_object_set_new(benchmark, name, metric(cell->medians[column], NAN, NAN));
		}
	for (size_t i = 0; i < b->events.count; i++) {
		int index = event_median_index(&b->events, b->events.events[i].column);
		if (index < 0 || isnan(cell->medians[index]))
			continue;
		char name[65];
		export_measure_name(b->events.events[i].column, name, sizeof name);
		json_object_set_new(benchmark, name, metric(cell->medians[index], NAN, NAN));
	}
}

static void add_fits(json_t *root, const struct loaded_bundle *b)
{
	struct fit_row *fits;
	size_t count = results_fit(&b->results, &fits);
	for (size_t i = 0; i < count; i++) {
		const struct linear_fit *fit = &fits[i].fit;
		if (fit->verdict == FIT_TOO_FEW)
			continue;
		char name[MAX_NAME + 1];
		bool heap = fits[i].model == FIT_HEAP;
		double scale = heap ? 1e-3 : 1;
		export_fit_name(&fits[i].key, heap, phase_names[fits[i].phase], name, sizeof name);
		json_object_set_new(root, name, json_pack("{s:o}", heap ? "ms-per-gib" : "us-per-page",
							 metric(fit->slope * scale, fit->slope_low * scale, fit->slope_high * scale)));
	}
	free(fits);
}

static json_t *bmf_document(const struct loaded_bundle *b)
{
	json_t *root = json_object();
	for (size_t i = 0; i < b->results.count; i++) {
		const struct cell_summary *cell = &b->results.cells[i];
		if (cell->status != CELL_OK)
			continue;
		for (int phase = 0; phase < PHASE_COUNT; phase++) {
			const struct summary *s = &cell->phases[phase];
			if (!s->n || isnan(s->median))
				continue;
			char name[MAX_NAME + 1];
			export_benchmark_name(&cell->cell, phase_names[phase], name, sizeof name);
			/* Bencher's latency is in nanoseconds */
			json_t *benchmark = json_pack("{s:o}", "latency", metric(s->median * 1000, s->ci_low * 1000, s->ci_high * 1000));
			if (phase == COLUMN_ROUNDTRIP_US)
				add_counter_measures(benchmark, b, cell);
			json_object_set_new(root, name, benchmark);
		}
	}
	add_fits(root, b);
	return root;
}

/*
 * LKP's form: one "name: value" line per figure; the name is the benchmark's
 * with '/' and blanks as '.', '=' as '_', and anything but letters, digits
 * and . _ + - as '_', so that a parse script splits it at the colon only.
 */
static void kv_line(FILE *out, const char *benchmark, const char *measure, double value)
{
	for (const char *c = benchmark; *c; c++)
		fputc(*c == '/' || *c == ' ' ? '.' : isalnum((unsigned char)*c) || strchr("._+-", *c) ? *c : '_', out);
	char text[40];
	format_double_exact(value, text, sizeof text);
	fprintf(out, ".%s: %s\n", measure, text);
}

static int by_name(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static void write_kv(json_t *document, FILE *out)
{
	const char **names = xcalloc(json_object_size(document) + 1, sizeof *names);
	size_t count = 0;
	const char *name;
	json_t *benchmark;
	json_object_foreach(document, name, benchmark)
		names[count++] = name;
	qsort(names, count, sizeof *names, by_name);
	for (size_t i = 0; i < count; i++) {
		json_t *measures = json_object_get(document, names[i]), *value;
		const char *measure;
		json_object_foreach(measures, measure, value) {
			kv_line(out, names[i], measure, json_number_value(json_object_get(value, "value")));
			if (json_object_get(value, "lower_value")) {
				char bound[80];
				snprintf(bound, sizeof bound, "%s_ci_low", measure);
				kv_line(out, names[i], bound, json_number_value(json_object_get(value, "lower_value")));
				snprintf(bound, sizeof bound, "%s_ci_high", measure);
				kv_line(out, names[i], bound, json_number_value(json_object_get(value, "upper_value")));
			}
		}
	}
	free(names);
}

int export_write(const struct loaded_bundle *bundle, enum export_format format, FILE *out)
{
	json_t *document = bmf_document(bundle);
	int result = 0;
	if (format == EXPORT_BMF)
		result = json_dumpf(document, out, JSON_INDENT(2) | JSON_SORT_KEYS | JSON_REAL_PRECISION(12)) == 0 &&
				 fputc('\n', out) != EOF ? 0 : -1;
	else
		write_kv(document, out);
	json_decref(document);
	return ferror(out) ? -1 : result;
}
