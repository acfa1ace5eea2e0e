#define _GNU_SOURCE
#include "bundle_write.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "csv.h"
#include "machine.h"
#include "parse.h"
#include "primitive.h"
#include "safe_output.h"
#include "topology.h"
#include "util.h"

static void iso_time(char *buf, size_t size, const char *format)
{
	time_t now = time(NULL);
	struct tm utc;
	gmtime_r(&now, &utc);
	strftime(buf, size, format, &utc);
}



/*
 * Times with 3 decimals (ns resolution in us); counts as whole numbers where
 * they are, other values (scaled counts, medians of an even count) exactly.
 */
static void write_number(FILE *file, double value, bool is_time)
{
	char text[40];
	if (isnan(value)) {
		fputs(",", file);
	} else if (is_time) {
		fprintf(file, ",%.3f", value);
	} else if (value == floor(value) && fabs(value) < 1e15) {
		fprintf(file, ",%.0f", value);
	} else {
		format_double_exact(value, text, sizeof text);
		fprintf(file, ",%s", text);
	}
}

static void write_text_field(FILE *file, const char *text)
{
	fputc(',', file);
	csv_write_text(file, text);
}


static void write_event_headers(FILE *file, const struct event_set *events, bool with_scaling)
{
	for (size_t i = 0; i < events->count; i++) {
		if (!events->events[i].encoded)
			continue;
		fprintf(file, ",%s", events->events[i].column);
		if (with_scaling)
			fprintf(file, ",%s_scaling", events->events[i].column);
	}
}

static void start_csv_files(struct bundle *bundle)
{
	char *path = xasprintf("%s/samples.csv", bundle->temp_path);
	bundle->samples = fopen(path, "w");
	free(path);
	path = xasprintf("%s/summary.csv", bundle->temp_path);
	bundle->summary = fopen(path, "w");
	free(path);
	if (!bundle->samples || !bundle->summary)
		die("cannot write in %s: %s", bundle->temp_path, strerror(errno));
	write_dimension_header(bundle->samples);
	fputs(",iteration", bundle->samples);
	for (int column = 0; column < FIXED_COLUMNS; column++)
		fprintf(bundle->samples, ",%s", fixed_column_names[column]);
	write_event_headers(bundle->samples, bundle->events, true);
	fputs("\n", bundle->samples);
	write_dimension_header(bundle->summary);
	fputs(",phase,n,median_us,ci_low_us,ci_high_us,mean_us,stddev_us,min_us,p90_us,p99_us,max_us,outliers,"
	      "rounds,between_round_share,ci_target,"
	      "creations_per_s,creations_per_s_ci_low,creations_per_s_ci_high,scaling_efficiency,oversubscribed",
	      bundle->summary);
	for (int column = COLUMN_CHILD_MINFLT; column <= COLUMN_PARENT_MAJFLT; column++)
		fprintf(bundle->summary, ",%s", fixed_column_names[column]);
	write_event_headers(bundle->summary, bundle->events, false);
	fputs(",status\n", bundle->summary);
}

static void write_topology(const struct bundle *bundle)
{
	char *xml = topology_xml();
	char *path = xasprintf("%s/topology.xml", bundle->temp_path);
	FILE *file = fopen(path, "w");
	if (file && xml)
		fputs(xml, file);
	if (file)
		fclose(file);
	free(path);
	topology_free_xml(xml);
}

static json_t *config_json(const struct suite_config *config)
{
	json_t *object = json_object();
	size_t count;
	const struct option_spec *options = suite_options(&count);
	for (size_t i = 0; i < count; i++)
		json_object_set_new(object, options[i].key, json_string(config->text[i] ? config->text[i] : ""));
	return object;
}

/* The suite's [sweep NAME] sections, as provenance: the plan was [suite]'s values with each sweep's keys over them. */
static json_t *sweeps_json(const struct suite_config *config)
{
	json_t *array = json_array();
	for (size_t i = 0; i < config->sweep_count; i++) {
		json_t *settings = json_object();
		for (size_t k = 0; k < config->sweeps[i].count; k++)
			json_object_set_new(settings, config->sweeps[i].keys[k], json_string(config->sweeps[i].values[k]));
		json_array_append_new(array, json_pack("{s:s, s:o}", "name", config->sweeps[i].name, "settings", settings));
	}
	return array;
}

static json_t *events_json(const struct event_set *events)
{
	json_t *array = json_array();
	for (size_t i = 0; i < events->count; i++) {
		const struct event *event = &events->events[i];
		json_t *item = json_pack("{s:s, s:s, s:b, s:b}", "name", event->name, "column", event->column,
					 "counted", event->encoded != NULL, "user_space_only", event->user_only);
		json_object_set_new(item, "qualified_name", event->qualified ? json_string(event->qualified) : json_null());
		json_object_set_new(item, "not_counted_because",
				    event->not_counted ? json_string(event->not_counted) : json_null());
		json_object_set_new(item, "note", event->note ? json_string(event->note) : json_null());
		if (event->meaning) /* a tlb_flush reason, as the running kernel's tracepoint format declares it */
			json_object_set_new(item, "meaning", json_string(event->meaning));
		json_array_append_new(array, item);
	}
	return array;
}

static void start_meta(struct bundle *bundle, const struct suite_config *config, int argc, char **argv)
{
	char started[32];
	iso_time(started, sizeof started, "%Y-%m-%dT%H:%M:%SZ");
	json_t *command_line = json_array();
	for (int i = 0; i < argc; i++)
		json_array_append_new(command_line, json_string(argv[i]));
	bundle->cells = json_array();
	bundle->meta = json_pack("{s:i, s:s, s:s, s:s, s:o, s:o, s:s, s:o, s:o}", "schema_version",
				 BUNDLE_SCHEMA_VERSION, "suite", config->name, "suite_file", config->source,
				 "spawnbench_version", SPAWNBENCH_VERSION, "config", config_json(config),
				 "command_line", command_line, "start_time", started, "machine", machine_describe(),
				 "events", events_json(bundle->events));
	json_object_set_new(bundle->meta, "sweeps", sweeps_json(config));
}

static int choose_paths(struct bundle *bundle, const char *output_dir, const struct suite_config *config,
			char *why, size_t why_size)
{
	if (output_dir) {
		if (output_dir_choose(output_dir, bundle->final_path, sizeof bundle->final_path, why, why_size) != 0)
			return -1;
	} else {
		char stamp[32];
		iso_time(stamp, sizeof stamp, "%Y%m%dT%H%M%SZ");
		snprintf(bundle->results_dir, sizeof bundle->results_dir, "%s/results", project_root());
		int length = snprintf(bundle->final_path, sizeof bundle->final_path, "%s/%s_%s_%s_%s",
				      bundle->results_dir, stamp, machine_host_name(), machine_kernel_release(),
				      config->name);
		if (length < 0 || (size_t)length >= sizeof bundle->final_path)
			die("the bundle's path is too long");
	}
	int length = snprintf(bundle->temp_path, sizeof bundle->temp_path, "%s.partial", bundle->final_path);
	if (length < 0 || (size_t)length >= sizeof bundle->temp_path) {
		snprintf(why, why_size, "--output: the path is too long");
		return -1;
	}
	if (mkdir(bundle->temp_path, 0755) != 0) {
		snprintf(why, why_size, "cannot create %s: %s", bundle->temp_path, strerror(errno));
		return -1;
	}
	return 0;
}

int bundle_open(struct bundle *bundle, const char *output_dir, const struct suite_config *config,
		const struct event_set *events, int argc, char **argv, char *why, size_t why_size)
{
	memset(bundle, 0, sizeof *bundle);
	bundle->events = events;
	bundle->ci_target = config->ci_target;
	if (choose_paths(bundle, output_dir, config, why, why_size) != 0)
		return -1;
	start_csv_files(bundle);
	write_topology(bundle);
	start_meta(bundle, config, argc, argv);
	return 0;
}

static void write_samples(struct bundle *bundle, const struct cell *cell, const struct sample_table *samples)
{
	for (size_t row = 0; row < samples->rows; row++) {
		const double *values = sample_row(samples, row);
		write_dimensions(bundle->samples, cell);
		fprintf(bundle->samples, ",%zu", row);
		for (size_t column = 0; column < samples->columns; column++)
			write_number(bundle->samples, values[column], column < PHASE_COUNT);
		fputs("\n", bundle->samples);
	}
}

static size_t counted_event_count(const struct event_set *events)
{
	size_t counted = 0;
	for (size_t i = 0; i < events->count; i++)
		counted += events->events[i].encoded != NULL;
	return counted;
}

/* All creators together: creations per second and its interval, the scaling efficiency, whether they shared PUs. */
static void write_throughput(FILE *file, const struct cell_summary *s, double scaling_efficiency)
{
	const struct summary *rate = &s->creations_per_s;
	bool worker = s->cell.measurer == MEASURER_WORKER && s->status == CELL_OK;
	/* three decimals, as the times */
	write_number(file, worker && rate->n ? rate->median : NAN, true);
	write_number(file, worker && rate->n ? rate->ci_low : NAN, true);
	write_number(file, worker && rate->n ? rate->ci_high : NAN, true);
	write_number(file, worker ? scaling_efficiency : NAN, true);
	fprintf(file, ",%d", s->oversubscribed);
}

static void write_summary(struct bundle *bundle, const struct cell_summary *s, double scaling_efficiency)
{
	/* every row as wide as the header, n/a cells (no samples, no columns) included */
	size_t columns = FIXED_COLUMNS + 2 * counted_event_count(bundle->events);
	char status[400];
	status_format(s->status, s->reason, status, sizeof status);
	for (int phase = 0; phase < PHASE_COUNT; phase++) {
		const struct summary *p = &s->phases[phase];
		write_dimensions(bundle->summary, &s->cell);
		fprintf(bundle->summary, ",%s,%zu", phase_names[phase], p->n);
		const double stats[] = { p->median, p->ci_low, p->ci_high, p->mean, p->stddev,
					 p->min, p->p90, p->p99, p->max };
		for (size_t i = 0; i < sizeof stats / sizeof stats[0]; i++)
			write_number(bundle->summary, p->n ? stats[i] : NAN, true);
		fprintf(bundle->summary, ",%zu,%zu", p->outliers, p->rounds);
		if (isnan(p->between_share))
			fputs(",", bundle->summary);
		else
			fprintf(bundle->summary, ",%.3f", p->between_share);
		/* the relative CI half-width the run aimed at: ci_low_us, ci_high_us and median_us say what it reached */
		write_number(bundle->summary, bundle->ci_target, false);
		write_throughput(bundle->summary, s, scaling_efficiency);
		/* the faults' and the events' medians (not the events' scaling columns) */
		for (size_t column = COLUMN_CHILD_MINFLT; column < columns; column++)
			if ((column > COLUMN_PARENT_MAJFLT && column < FIXED_COLUMNS) ||
			    (column >= FIXED_COLUMNS && (column - FIXED_COLUMNS) % 2 == 1))
				continue;
			else
				write_number(bundle->summary, column < s->columns ? s->medians[column] : NAN, false);
		write_text_field(bundle->summary, status);
		fputs("\n", bundle->summary);
	}
}

void bundle_add_samples(struct bundle *bundle, const struct cell *cell, const struct cell_result *round)
{
	write_samples(bundle, cell, &round->samples);
	fflush(bundle->samples);
}

void bundle_add_summary(struct bundle *bundle, const struct cell_summary *summary, double scaling_efficiency,
			const struct cell_result *result, unsigned long rounds)
{
	write_summary(bundle, summary, scaling_efficiency);
	fflush(bundle->summary);
	char status[400];
	status_format(summary->status, summary->reason, status, sizeof status);
	const struct cell *c = &summary->cell;
	json_t *entry = json_object();
	for (size_t d = 0; d < DIMENSION_COUNT; d++) {
		char text[64];
		cell_column_text(c, d, text, sizeof text);
		/* numbers stay numbers in JSON (heap_bytes, write_ratio), names stay names */
		enum value_storage storage = dimension_table[d].storage;
		json_t *value = storage == STORED_DOUBLE		 ? json_real(cell_get(c, d))
				: storage == STORED_U64 || storage == STORED_COUNT ? json_integer((json_int_t)cell_get(c, d))
										   : json_string(text);
		json_object_set_new(entry, dimension_table[d].column, value);
	}
	json_t *facts = json_pack("{s:s, s:I, s:f, s:I, s:I, s:I}", "status", status,
				  "iterations", (json_int_t)result->samples.rows, "seconds", result->seconds,
				  "worker_rss_kib", (json_int_t)result->worker_rss_kib,
				  "worker_mappings", (json_int_t)result->worker_mappings,
				  "heap_thp_bytes", (json_int_t)result->thp_bytes);
	json_object_update(entry, facts);
	json_decref(facts);
	json_array_append_new(bundle->cells, entry);
	if (c->measurer == MEASURER_WORKER && c->primitive == (unsigned)primitive_index("clone") && summary->status == CELL_OK) /* the only one that may fall back to clone() */
		json_object_set_new(entry, "clone_syscall", json_string(result->clone_syscall));
	if (c->backing == BACKING_THP && summary->status == CELL_OK) {
		/* re-read after every batch: a parent writer after fork splits the huge pages for later iterations */
		json_object_set_new(entry, "heap_thp_bytes_after", json_integer((json_int_t)result->thp_bytes_after));
		json_object_set_new(entry, "thp_stayed_huge", json_boolean(result->thp_bytes_after >= c->heap_bytes / 10 * 9));
	}
	if (*cell_command_text(c))
		json_object_set_new(entry, "command", json_string(cell_command_text(c)));
	json_object_set_new(entry, "rounds", json_integer((json_int_t)rounds));
	if (result->child_page_tables_kib)
		json_object_set_new(entry, "child_page_tables_kib", json_integer((json_int_t)result->child_page_tables_kib));
	if (result->worker_threads) {
		/* read from /proc: the worker's threads once set up, and those of a child it forked then */
		json_object_set_new(entry, "worker_threads", json_integer(result->worker_threads));
		json_object_set_new(entry, "child_threads", json_integer((json_int_t)result->child_threads));
	}
	if (!isnan(summary->counted_roundtrip_us))
		json_object_set_new(json_array_get(bundle->cells, json_array_size(bundle->cells) - 1),
				    "counted_roundtrip_median_us", json_real(summary->counted_roundtrip_us));
}

static const char *fit_slope_unit(enum fit_model model)
{
	return model == FIT_HEAP ? "ms_per_gib" : "us_per_page";
}

static void write_fits(const struct bundle *bundle, const struct run_results *results)
{
	struct fit_row *rows;
	size_t count = results_fit(results, &rows);
	char *path = xasprintf("%s/fits.csv", bundle->temp_path);
	FILE *file = fopen(path, "w");
	free(path);
	if (!file)
		die("cannot write fits.csv in %s", bundle->temp_path);
	fputs("model,", file);
	write_dimension_header(file);
	fputs(",phase,points,intercept_us,slope,slope_unit,r2,slope_ci_low,slope_ci_high,verdict\n", file);
	for (size_t i = 0; i < count; i++) {
		const struct fit_row *row = &rows[i];
		/* heap slopes are stored in ms per GiB; copy-on-write slopes in us per page */
		double scale = row->model == FIT_HEAP ? 1e-3 : 1;
		fprintf(file, "%s,", row->model == FIT_HEAP ? "heap" : "cow");
		write_dimensions(file, &row->key);
		fprintf(file, ",%s,%zu,%.3f,%.6f,%s", phase_names[row->phase], row->fit.points, row->fit.intercept,
			row->fit.slope * scale, fit_slope_unit(row->model));
		write_number(file, row->fit.r2, false);
		write_number(file, row->fit.slope_low * scale, false);
		write_number(file, row->fit.slope_high * scale, false);
		fputc(',', file);
		csv_write_text(file, fit_verdict_names[row->fit.verdict]);
		fputc('\n', file);
	}
	fclose(file);
	free(rows);
}

static void point_latest(const struct bundle *bundle)
{
	if (!bundle->results_dir[0])
		return;
	const char *name = strrchr(bundle->final_path, '/') + 1;
	char *link = xasprintf("%s/latest", bundle->results_dir);
	char *temp = xasprintf("%s/.latest.%d", bundle->results_dir, (int)getpid());
	unlink(temp);
	if (symlink(name, temp) != 0 || rename(temp, link) != 0)
		warn("could not point %s at %s", link, name);
	free(link);
	free(temp);
}

int bundle_close(struct bundle *bundle, const struct run_results *results, const char *status)
{
	char ended[32];
	iso_time(ended, sizeof ended, "%Y-%m-%dT%H:%M:%SZ");
	fclose(bundle->samples);
	fclose(bundle->summary);
	write_fits(bundle, results);
	json_object_set_new(bundle->meta, "end_time", json_string(ended));
	json_object_set_new(bundle->meta, "status", json_string(status));
	json_object_set_new(bundle->meta, "cells", bundle->cells);
	char *path = xasprintf("%s/meta.json", bundle->temp_path);
	int written = json_dump_file(bundle->meta, path, JSON_INDENT(2) | JSON_SORT_KEYS);
	free(path);
	json_decref(bundle->meta);
	if (written != 0) {
		warn("could not write meta.json in %s", bundle->temp_path);
		return -1;
	}
	return 0;
}

int bundle_publish(struct bundle *bundle)
{
	if (rename(bundle->temp_path, bundle->final_path) != 0) {
		warn("could not rename %s to %s: %s", bundle->temp_path, bundle->final_path, strerror(errno));
		return -1;
	}
	point_latest(bundle);
	return 0;
}

void bundle_note_last_cell(struct bundle *bundle, const char *key, json_t *value)
{
	json_t *last = json_array_get(bundle->cells, json_array_size(bundle->cells) - 1);
	if (last)
		json_object_set_new(last, key, value);
	else
		json_decref(value);
}
