#include "progress.h"

#include "measurers.h"
#include "primitive.h"

#include <math.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "util.h"


/* Expected cost of one round of a cell: its share of the budget plus populating and tearing down its heap. */
static double cell_weight(const struct progress *progress, const struct cell *cell)
{
	return progress->budget_seconds + 0.05 + 1.5 * (double)cell->heap_bytes / (1 << 30);
}

void progress_init(struct progress *progress, const struct plan *plan, const struct suite_config *config)
{
	*progress = (struct progress){ .terminal = isatty(STDERR_FILENO), .started = monotonic_seconds(),
				       .budget_seconds = config->budget_seconds / (double)config->rounds,
				       .rounds = config->rounds };
	for (size_t i = 0; i < plan->count; i++) {
		if (plan->cells[i].not_applicable[0] || plan->cells[i].skipped[0])
			continue;
		size_t rounds = measurers[plan->cells[i].cell.measurer].once ? 1 : config->rounds;
		progress->total += rounds;
		progress->total_weight += (double)rounds * cell_weight(progress, &plan->cells[i].cell);
	}
}

void format_duration(double seconds, char *buf, size_t size)
{
	long whole = (long)(seconds + 0.5);
	if (whole >= 3600)
		snprintf(buf, size, "%ldh%02ldm", whole / 3600, whole % 3600 / 60);
	else if (whole >= 60)
		snprintf(buf, size, "%ldm%02lds", whole / 60, whole % 60);
	else
		snprintf(buf, size, "%lds", whole);
}

void format_duration_precise(double seconds, char *buf, size_t size)
{
	if (seconds < 1)
		snprintf(buf, size, "%.0fms", seconds * 1000);
	else if (seconds < 10)
		snprintf(buf, size, "%.1fs", seconds);
	else
		format_duration(seconds, buf, size);
}

static void time_left(const struct progress *progress, char *buf, size_t size)
{
	double elapsed = monotonic_seconds() - progress->started;
	if (progress->schedule && progress->schedule->active) {
		/* the plan's estimate: what is left of the cells as measured so far, rescaled to the time */
		format_duration(fmax(0, schedule_expected_end(progress->schedule) - monotonic_seconds()), buf, size);
		snprintf(buf + strlen(buf), size - strlen(buf), " left");
		return;
	}
	if (progress->done_weight <= 0) {
		snprintf(buf, size, "estimating");
		return;
	}
	double left = elapsed * (progress->total_weight - progress->done_weight) / progress->done_weight;
	format_duration(left, buf, size);
	snprintf(buf + strlen(buf), size - strlen(buf), " left");
}

/* The cell's description, after the progress's label. */
static void describe(const struct progress *progress, const struct cell *cell, char *buf, size_t size)
{
	size_t used = (size_t)snprintf(buf, size, "%s", progress->label ? progress->label : "");
	cell_describe(cell, buf + (used < size ? used : size - 1), size - (used < size ? used : size - 1));
}

/* "round 3/5", or past the planned rounds (a suite with time to spare) "round 7, extra". */
static void round_text(const struct progress *progress, unsigned round, char *buf, size_t size)
{
	if (round < progress->rounds)
		snprintf(buf, size, "round %u/%lu", round + 1, progress->rounds);
	else
		snprintf(buf, size, "round %u, extra", round + 1);
}

void progress_begin_cell(struct progress *progress, const struct cell *cell, unsigned round)
{
	if (!progress->terminal)
		return;
	char description[320], left[32];
	describe(progress, cell, description, sizeof description);
	time_left(progress, left, sizeof left);
	char rounds[48];
	round_text(progress, round, rounds, sizeof rounds);
	fprintf(stderr, "\r\033[K[%zu/%zu] %s %s  (%s)", progress->done + 1, progress->total, rounds, description, left);
	fflush(stderr);
}

void progress_end_cell(struct progress *progress, const struct cell *cell, unsigned round, const char *status,
		       double seconds)
{
	char description[320];
	progress->done++;
	if (progress->done > progress->total)
		progress->total = progress->done; /* an extra round of a suite with time to spare */
	progress->done_weight += cell_weight(progress, cell);
	describe(progress, cell, description, sizeof description);
	char rounds[48];
	round_text(progress, round, rounds, sizeof rounds);
	if (progress->terminal) {
		fprintf(stderr, "\r\033[K");
		if (status[0] != 'o') /* keep what was skipped or failed on screen */
			fprintf(stderr, "[%zu/%zu] %s %s: %s\n", progress->done, progress->total, rounds, description, status);
	} else {
		char left[32];
		time_left(progress, left, sizeof left);
		fprintf(stderr, "cell %zu/%zu %s %s: %s (%.1f s; %s)\n", progress->done, progress->total, rounds,
			description, status, seconds, left);
	}
	fflush(stderr);
}

void progress_finish(struct progress *progress)
{
	if (progress->terminal)
		fprintf(stderr, "\r\033[K");
}

double progress_elapsed(const struct progress *progress)
{
	return monotonic_seconds() - progress->started;
}
