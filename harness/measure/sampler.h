/*
 * Measuring one cell: a fresh worker, warm-up, then batches of iterations
 * until the median's 95% CI is narrow enough, the budget is spent or the
 * maximum is reached. Raw samples are kept; nothing is printed here.
 */
#ifndef SPAWNBENCH_SAMPLER_H
#define SPAWNBENCH_SAMPLER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cell.h"
#include "config.h"
#include "events.h"
#include "schema.h"
#include "stats.h"


struct cell_result {
	enum cell_status status;
	char reason[320];
	bool interrupted;            /* stopped by a signal: the cell is dropped */
	bool timed_out;              /* a whole-command measurer ran past its time: killed */
	struct sample_table samples;
	unsigned long worker_rss_kib;
	unsigned worker_mappings;
	uint64_t thp_bytes;          /* the heap's huge pages once populated */
	uint64_t thp_bytes_after;    /* the fewest after any batch: a parent writer splits them */
	unsigned rounds_merged;      /* cell_result_merge: rounds in this total */
	unsigned long child_page_tables_kib;   /* a child forked from the heap (untimed): its VmPTE */
	unsigned worker_threads;     /* the worker's threads once set up: 1 + extra threads + creator threads */
	unsigned long child_threads; /* that child's threads: 1, as POSIX says */
	char clone_syscall[16];
	double seconds;              /* wall time of the cell, set-up included */
	double setup_seconds;        /* the worker's start and heap population, until it was ready */
	double batch_seconds;        /* the kept plain iterations' batches */
	double other_batch_seconds;  /* warm-up and counted batches */
	double check_seconds;        /* the stopping rule's interval after each batch */
	double teardown_seconds;     /* from "quit" until the worker is reaped */
};

struct guest;

/* Where a cell's worker runs: the host's programs, and the guest they run in (NULL: here). */
struct sampler_paths {
	struct guest *guest;
	const char *worker;
	const char *helper;         /* freestanding: "start" ends at its first instruction */
	const char *helper_glibc;   /* static glibc: "start" ends in main, after glibc's start-up */
};

/* The helper a cell's command names ("helper-glibc"), or NULL when the command is a program of its own. */
const char *named_helper(const char *command, const struct sampler_paths *paths);

/* The host's MemAvailable, in bytes (0 if unknown). */
uint64_t memory_available(void);

/* Memory a cell needs: the heap, what its writes may copy, and a margin. */
uint64_t cell_memory_needed(const struct cell *cell);

/*
 * One round of a cell: a fresh worker, the round's share of the budget, of
 * the minimum and of the maximum count (config->rounds rounds in all).
 * earlier: the cell's samples from the rounds before (its stopping rule
 * judges the interval of all its rounds as clusters), or NULL. budget: what
 * this round may spend (a suite planned against its time), or NULL for the
 * configuration's share.
 */
/* What one round of a cell may spend: its iterations' time (set-up aside) and their bounds. */
struct round_budget {
	double seconds;
	unsigned long min_iterations, max_iterations;
	unsigned long warmup;        /* iterations run first and not kept */
};

/* The configuration's round: 1/rounds of the budget, the minimum and the maximum. */
struct round_budget round_budget_default(const struct suite_config *config);

void measure_cell(const struct cell *cell, const struct suite_config *config, const struct event_set *events,
		  const struct sampler_paths *paths, unsigned round, const struct sample_table *earlier,
		  const struct round_budget *budget, struct cell_result *result);

/*
 * The plain roundtrips of earlier (may be NULL) and current summarized with
 * rounds as clusters, from QUICK_RESAMPLES bootstrap draws: what the
 * stopping rule and the time plan's extra rounds look at.
 */
void roundtrip_quick_summary(const struct sample_table *earlier, const struct sample_table *current,
			     struct summary *summary);

/* Appends round's samples to the cell's accumulated result (status and worker facts from the round). */
void cell_result_merge(struct cell_result *total, const struct cell_result *round);
void cell_result_free(struct cell_result *result);

#endif
