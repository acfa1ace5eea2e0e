#include "sampler.h"

#include <inttypes.h>
#include <stdarg.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "guest.h"
#include "primitive.h"
#include "protocol.h"
#include "stats.h"
#include "topology.h"
#include "parse.h"
#include "util.h"
#include "worker_link.h"

#define MEMORY_MARGIN_BYTES (256ull << 20)
#define BATCH_SECONDS 0.25       /* check the CI this often */
#define SETUP_SECONDS_PER_GIB 30.0


static double *append_row(struct sample_table *table)
{
	if (table->rows == table->capacity) {
		table->capacity = table->capacity ? table->capacity * 2 : 64;
		table->values = xrealloc(table->values, table->capacity * table->columns * sizeof *table->values);
	}
	return sample_row(table, table->rows++);
}

uint64_t cell_memory_needed(const struct cell *cell)
{
	const struct primitive *primitive = primitive_table[cell->primitive];
	uint64_t copied = 0;
	if (!primitive->shares_memory && cell->backing != BACKING_SHARED)
		copied = cell_pages_written(cell) * PAGE_BYTES;
	/* creator processes each have their heap; creator threads share one and each child copies its own */
	uint64_t heaps = cell->creator_scope == CREATOR_SCOPE_PROCESS ? cell->creators : 1;
	uint64_t memory = heaps * cell->heap_bytes + cell->creators * copied;
	/* page tables: 2 MiB per GiB per copy, within the margin's 5% */
	return memory + MEMORY_MARGIN_BYTES + memory / 20;
}

uint64_t memory_available(void)
{
	FILE *file = fopen("/proc/meminfo", "r");
	char line[128];
	uint64_t kib = 0;
	while (file && fgets(line, sizeof line, file))
		if (sscanf(line, "MemAvailable: %" SCNu64, &kib) == 1)
			break;
	if (file)
		fclose(file);
	return kib * 1024;
}

static void set_status(struct cell_result *result, enum cell_status status, const char *format, ...)
	__attribute__((format(printf, 3, 4)));
static void set_status(struct cell_result *result, enum cell_status status, const char *format, ...)
{
	va_list args;
	result->status = status;
	va_start(args, format);
	vsnprintf(result->reason, sizeof result->reason, format, args);
	va_end(args);
}

const char *named_helper(const char *command, const struct sampler_paths *paths)
{
	return strcmp(command, "helper") == 0 ? paths->helper : strcmp(command, "helper-glibc") == 0 ? paths->helper_glibc : NULL;
}

#define WORKER_ARGV_MAX (40 + MAX_COMMAND_WORDS + 2 * MAX_RUN_EVENTS + 2 * MAX_PLACED_CPUS)

/* argv for the worker; strings live in storage (freed by the caller). */
static char **worker_argv(const struct cell *cell, const struct event_set *events,
			  const struct sampler_paths *paths, const struct placement_plan *placement, char **storage,
			  size_t *stored)
{
	char **argv = xcalloc(WORKER_ARGV_MAX, sizeof *argv);
	size_t n = 0;
#define ARG(text) (argv[n++] = storage[(*stored)++] = (text))
	ARG(xstrdup(paths->worker));
	for (size_t d = 0; d < DIMENSION_COUNT; d++) {
		char value[64];
		if (!dimension_table[d].worker_flag)
			continue;
		dimension_format(d, cell_get(cell, d), value, sizeof value);
		ARG(xasprintf("--%s=%s", dimension_table[d].worker_flag, value));
	}
	if (placement->child_cpu >= 0)
		ARG(xasprintf("--move-to-cpu=%d", placement->child_cpu));
	for (size_t i = 0; i < placement->thread_cpu_count; i++)
		ARG(xasprintf("--thread-cpu=%d", placement->thread_cpus[i]));
	for (size_t i = 0; i < placement->creator_cpu_count; i++)
		ARG(xasprintf("--creator-cpu=%d", placement->creator_cpus[i]));
	char **words = NULL;
	char why[128];
	const char *program = cell->exec_program;
	if (program && named_helper(program, paths)) {
		ARG(xasprintf("--helper=%s", named_helper(program, paths)));
	} else if (program && shell_words_split(program, &words, MAX_COMMAND_WORDS, why, sizeof why) > 0) {
		/* an exec cell's program, when not spawnbench's helper: checked when the suite was read */
		for (char **word = words; *word; word++)
			ARG(xasprintf("--exec-word=%s", *word));
		shell_words_free(words);
	} else
		ARG(xasprintf("--helper=%s", paths->helper));
	for (size_t i = 0; i < events->count; i++)
		if (events->events[i].encoded)
			ARG(xasprintf("--event=%s", events->events[i].encoded));
#undef ARG
	return argv;
}

/* Parses "s COUNTED CREATE START COW ROUNDTRIP CMIN CMAJ PMIN PMAJ [V/E/R ...]" into row. */
static int parse_sample(const char *line, double *row, size_t counted_events)
{
	int counted, used;
	if (sscanf(line, PROTOCOL_SAMPLE "%n", &counted, &used) != 1)
		return -1;
	row[COLUMN_COUNTED] = counted;
	const char *cursor = line + used;
	for (size_t column = 0; column < FIXED_COLUMNS + counted_events; column++) {
		if (column == COLUMN_COUNTED || column == COLUMN_ROUND)
			continue; /* not the worker's to say: the first field, and the orchestrator's */
		char field[96];
		int used;
		if (sscanf(cursor, " %95s%n", field, &used) != 1)
			return -1;
		cursor += used;
		unsigned long long value, enabled, running;
		double *out = column < FIXED_COLUMNS ? &row[column] : &row[FIXED_COLUMNS + 2 * (column - FIXED_COLUMNS)];
		if (strcmp(field, "-") == 0) {
			out[0] = NAN;
			if (column >= FIXED_COLUMNS)
				out[1] = NAN;
		} else if (column < FIXED_COLUMNS) {
			out[0] = strtod(field, NULL) / (column < PHASE_COUNT ? 1000.0 : 1.0); /* ns -> us */
		} else if (sscanf(field, "%llu/%llu/%llu", &value, &enabled, &running) == 3) {
			/* multiplexed counts are scaled by the share of time they ran */
			out[1] = running ? (double)enabled / (double)running : NAN;
			out[0] = running ? (double)value * out[1] : NAN;
		} else {
			return -1;
		}
	}
	return 0;
}

struct sampling {
	const struct cell *cell;
	const struct suite_config *config;
	unsigned round;
	double budget_seconds;       /* this round's share */
	unsigned long min_iterations, max_iterations, warmup;
	struct worker_link link;
	const struct sampler_paths *paths;
	struct cell_result *result;
	size_t counted_events;
	bool worker_gone;            /* its output closed: reap it and say how it ended */
	const struct sample_table *earlier;  /* the cell's earlier rounds, or NULL */
	double started;                      /* when the worker was started */
	unsigned long batches_done;          /* kept batches: the first sets thp_bytes_after */
};

static int converse_batch(struct sampling *s, unsigned long count, bool keep, bool counted);

/* Runs count iterations (counted: with the events open); keep: store them. 0, or -1 with the status set. */
static int run_batch(struct sampling *s, unsigned long count, bool keep, bool counted)
{
	double started = monotonic_seconds();
	int status = converse_batch(s, count, keep, counted);
	double seconds = monotonic_seconds() - started;
	if (keep && !counted)
		s->result->batch_seconds += seconds; /* the kept plain iterations: what a longer budget buys more of */
	else
		s->result->other_batch_seconds += seconds;
	return status;
}

/* One batch's lines: count samples and the end line. */
static int converse_batch(struct sampling *s, unsigned long count, bool keep, bool counted)
{
	char line[4096];
	snprintf(line, sizeof line, counted ? PROTOCOL_COUNT : PROTOCOL_RUN, count);
	if (worker_link_send(&s->link, line) != 0)
		return set_status(s->result, CELL_FAILED, "worker stopped listening"), -1;
	unsigned long lines = count * s->cell->creators; /* each creator's samples, then the end */
	for (unsigned long i = 0; i <= lines; i++) {
		enum read_result got = worker_link_read_line(&s->link, line, sizeof line, s->config->timeout_seconds);
		if (got == READ_INTERRUPTED)
			return s->result->interrupted = true, -1;
		if (got == READ_TIMEOUT)
			return set_status(s->result, CELL_FAILED, "an iteration ran past the %.0f s timeout: killed",
					  s->config->timeout_seconds), -1;
		if (got == READ_EOF)
			return s->worker_gone = true, set_status(s->result, CELL_FAILED, "worker ended without a word"), -1;
		if (strncmp(line, PROTOCOL_FAIL, strlen(PROTOCOL_FAIL)) == 0)
			return set_status(s->result, CELL_FAILED, "%s", line + strlen(PROTOCOL_FAIL)), -1;
		uint64_t thp_after = 0;
		if (i == lines && sscanf(line, PROTOCOL_END_SCAN, s->result->clone_syscall, &thp_after) == 2) {
			if (keep && (!s->batches_done || thp_after < s->result->thp_bytes_after))
				s->result->thp_bytes_after = thp_after;
			s->batches_done += keep;
			return 0;
		}
		double row[FIXED_COLUMNS + 2 * MAX_RUN_EVENTS];
		if (i == lines || parse_sample(line, row, s->counted_events) != 0)
			return set_status(s->result, CELL_FAILED, "worker said something unexpected: %.80s", line), -1;
		row[COLUMN_ROUND] = s->round;
		if (keep)
			memcpy(append_row(&s->result->samples), row, s->result->samples.columns * sizeof *row);
	}
	return 0;
}

/* Appends table's plain roundtrip values and their rounds to values and rounds from index used; the new count. */
static size_t append_roundtrips(const struct sample_table *table, double *values, double *rounds, size_t used)
{
	for (size_t row = 0; table && row < table->rows; row++) {
		const double *sample = sample_row(table, row);
		values[used] = sample[COLUMN_COUNTED] != 0 ? NAN : sample[COLUMN_ROUNDTRIP_US];
		rounds[used++] = sample[COLUMN_ROUND];
	}
	return used;
}

/*
 * Whether this round may stop: the roundtrip's interval over every round so
 * far, rounds as clusters (as summary.csv will give it), is within the
 * target; or the rounds disagree (most of the variance lies between
 * workers), where more iterations of this worker cannot narrow the interval
 * and the next rounds' fresh workers can.
 */
void roundtrip_quick_summary(const struct sample_table *earlier, const struct sample_table *current,
			     struct summary *summary)
{
	size_t capacity = current->rows + (earlier ? earlier->rows : 0);
	double *values = xmalloc((capacity ? capacity : 1) * sizeof *values);
	double *rounds = xmalloc((capacity ? capacity : 1) * sizeof *rounds);
	size_t count = append_roundtrips(current, values, rounds, append_roundtrips(earlier, values, rounds, 0));
	summarize_rounds_resampled(values, rounds, count, QUICK_RESAMPLES, summary);
	free(values);
	free(rounds);
}

/* Iterations kept so far, per creator: a batch of N runs N on every creator at once. */
static size_t iterations_kept(const struct sampling *s)
{
	return s->result->samples.rows / s->cell->creators;
}

static bool precise_enough(const struct sampling *s)
{
	if (iterations_kept(s) < s->min_iterations)
		return false;
	struct summary summary;
	roundtrip_quick_summary(s->earlier, &s->result->samples, &summary);
	double half_width = (summary.ci_high - summary.ci_low) / 2;
	if (!isnan(half_width) && half_width <= s->config->ci_target * summary.median)
		return true;
	/* three rounds at least before the spread between them is believed */
	return summary.rounds >= 3 && summary.between_share > 0.5;
}

/* Batches until the CI target, the budget or the maximum count. */
static void sample_until_done(struct sampling *s)
{
	double started = monotonic_seconds();
	unsigned long batch = s->min_iterations;
	for (;;) {
		if (batch + iterations_kept(s) > s->max_iterations)
			batch = s->max_iterations - iterations_kept(s);
		if (run_batch(s, batch, true, false) != 0)
			return;
		size_t kept = iterations_kept(s);
		double spent = monotonic_seconds() - started;
		double checked = monotonic_seconds();
		bool precise = kept < s->max_iterations && precise_enough(s);
		s->result->check_seconds += monotonic_seconds() - checked;
		if (kept >= s->max_iterations || precise)
			return;
		if (spent >= s->budget_seconds && kept >= s->min_iterations)
			return;
		double per_iteration = spent / (double)kept;
		double left = s->budget_seconds - spent;
		double next = fmin(BATCH_SECONDS, fmax(left, 0)) / per_iteration;
		batch = next < 1 ? 1 : (unsigned long)next;
	}
}

/* Counted iterations after the plain ones: a quarter as many, from 3 to 200. */
static unsigned long counted_block(size_t plain)
{
	size_t block = (plain + 3) / 4;
	return block < 3 ? 3 : block > 200 ? 200 : block;
}

static int read_ready(struct sampling *s)
{
	char line[512];
	double timeout = s->config->timeout_seconds + SETUP_SECONDS_PER_GIB * (double)s->cell->heap_bytes / (1 << 30);
	enum read_result got = worker_link_read_line(&s->link, line, sizeof line, timeout);
	if (got == READ_INTERRUPTED)
		return s->result->interrupted = true, -1;
	if (got == READ_EOF)
		return s->worker_gone = true, set_status(s->result, CELL_FAILED, "worker ended without a word"), -1;
	if (got == READ_TIMEOUT)
		return set_status(s->result, CELL_FAILED, "worker did not set up its heap within %.0f s", timeout), -1;
	if (strncmp(line, PROTOCOL_SKIP, strlen(PROTOCOL_SKIP)) == 0)
		return set_status(s->result, CELL_SKIPPED, "%s", line + strlen(PROTOCOL_SKIP)), -1;
	if (strncmp(line, PROTOCOL_FAIL, strlen(PROTOCOL_FAIL)) == 0)
		return set_status(s->result, CELL_FAILED, "%s", line + strlen(PROTOCOL_FAIL)), -1;
	if (sscanf(line, PROTOCOL_READY_SCAN, &s->result->worker_rss_kib, &s->result->worker_mappings,
		   &s->result->thp_bytes, &s->result->child_page_tables_kib, &s->result->worker_threads,
		   &s->result->child_threads) != 6)
		return set_status(s->result, CELL_FAILED, "worker said something unexpected: %.80s", line), -1;
	return 0;
}

static void converse(struct sampling *s)
{
	if (read_ready(s) != 0)
		return;
	s->result->setup_seconds = monotonic_seconds() - s->started; /* worker start and heap population */
	if (s->warmup && run_batch(s, s->warmup, false, false) != 0)
		return;
	sample_until_done(s);
	/* counts need no spreading over the run: the first round counts them */
	if (s->counted_events && s->round == 0 && s->result->status == CELL_OK && !s->result->interrupted)
		run_batch(s, counted_block(iterations_kept(s)), true, true);
}

static size_t counted_events(const struct event_set *events)
{
	size_t counted = 0;
	for (size_t i = 0; i < events->count; i++)
		counted += events->events[i].encoded != NULL;
	return counted;
}

static bool fits_in_memory(const struct cell *cell, const struct sampler_paths *paths, struct cell_result *result)
{
	/* a guest was given the memory of the suite's largest cell, less what its kernel keeps */
	uint64_t needed = cell_memory_needed(cell);
	uint64_t available = paths->guest ? guest_memory_for_cells(paths->guest) : memory_available();
	if (needed <= available)
		return true;
	set_status(result, CELL_SKIPPED, "needs %.1f GiB, %.1f available", needed / 1073741824.0,
		   available / 1073741824.0);
	return false;
}

static void run_worker(struct sampling *s, char **argv, const struct placement_plan *placement)
{
	char why[256];
	s->started = monotonic_seconds();
	int started = s->paths->guest ? worker_link_start_guest(&s->link, s->paths->guest, argv, placement)
				      : worker_link_start(&s->link, argv, placement);
	if (started != 0) {
		if (s->paths->guest && s->paths->guest->failed)
			set_status(s->result, CELL_FAILED, "%s", s->paths->guest->why);
		else
			set_status(s->result, CELL_FAILED, "could not start the worker");
		return;
	}
	converse(s);
	if (s->worker_gone) {
		worker_link_finish(&s->link, s->config->timeout_seconds, why, sizeof why);
		if (why[0])
			set_status(s->result, CELL_FAILED, "%s", why);
		return;
	}
	if (s->result->status != CELL_OK || s->result->interrupted) {
		worker_link_kill(&s->link);
		return;
	}
	double quitting = monotonic_seconds();
	worker_link_send(&s->link, PROTOCOL_QUIT);
	worker_link_finish(&s->link, s->config->timeout_seconds, why, sizeof why);
	s->result->teardown_seconds = monotonic_seconds() - quitting;
	if (why[0])
		set_status(s->result, CELL_FAILED, "%s", why);
}

/* A round's share of a count, rounded up: the rounds together reach the total. */
static unsigned long round_share(unsigned long total, unsigned long rounds)
{
	return (total + rounds - 1) / rounds;
}

struct round_budget round_budget_default(const struct suite_config *config)
{
	return (struct round_budget){ .seconds = config->budget_seconds / (double)config->rounds,
				      .min_iterations = round_share(config->min_iterations, config->rounds),
				      .max_iterations = round_share(config->max_iterations, config->rounds),
				      .warmup = config->warmup };
}

void measure_cell(const struct cell *cell, const struct suite_config *config, const struct event_set *events,
		  const struct sampler_paths *paths, unsigned round, const struct sample_table *earlier,
		  const struct round_budget *budget, struct cell_result *result)
{
	struct placement_plan placement;
	struct round_budget given = budget ? *budget : round_budget_default(config);
	struct sampling s = { .cell = cell, .config = config, .round = round, .result = result, .earlier = earlier,
			      .paths = paths,
			      .counted_events = counted_events(events), .budget_seconds = given.seconds,
			      .min_iterations = given.min_iterations, .max_iterations = given.max_iterations,
			      .warmup = given.warmup };
	if (s.min_iterations > s.max_iterations)
		s.min_iterations = s.max_iterations;
	double started = monotonic_seconds();
	memset(result, 0, sizeof *result);
	result->samples.columns = FIXED_COLUMNS + 2 * s.counted_events;
	if (!fits_in_memory(cell, paths, result))
		return;
	if (!topology_place(cell, &placement, result->reason, sizeof result->reason)) {
		result->status = CELL_SKIPPED;
		return;
	}
	char *storage[WORKER_ARGV_MAX];
	size_t stored = 0;
	char **argv = worker_argv(cell, events, paths, &placement, storage, &stored);
	run_worker(&s, argv, &placement);
	for (size_t i = 0; i < stored; i++)
		free(storage[i]);
	free(argv);
	result->seconds = monotonic_seconds() - started;
}

void cell_result_merge(struct cell_result *total, const struct cell_result *round)
{
	struct sample_table *table = &total->samples;
	table->columns = round->samples.columns;
	for (size_t row = 0; row < round->samples.rows; row++)
		memcpy(append_row(table), sample_row(&round->samples, row), table->columns * sizeof *table->values);
	total->status = round->status;
	snprintf(total->reason, sizeof total->reason, "%s", round->reason);
	total->worker_rss_kib = round->worker_rss_kib;
	total->worker_mappings = round->worker_mappings;
	total->thp_bytes_after = total->rounds_merged && total->thp_bytes_after < round->thp_bytes_after
					 ? total->thp_bytes_after : round->thp_bytes_after;
	total->rounds_merged++;
	total->thp_bytes = round->thp_bytes;
	total->child_page_tables_kib = round->child_page_tables_kib;
	total->worker_threads = round->worker_threads;
	total->child_threads = round->child_threads;
	snprintf(total->clone_syscall, sizeof total->clone_syscall, "%s", round->clone_syscall);
	total->seconds += round->seconds;
	total->setup_seconds += round->setup_seconds;
	total->batch_seconds += round->batch_seconds;
	total->other_batch_seconds += round->other_batch_seconds;
	total->check_seconds += round->check_seconds;
	total->teardown_seconds += round->teardown_seconds;
}

void cell_result_free(struct cell_result *result)
{
	free(result->samples.values);
	memset(&result->samples, 0, sizeof result->samples);
}
