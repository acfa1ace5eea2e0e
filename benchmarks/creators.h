/*
 * Several creators measuring one cell at once (the creators dimension): the
 * worker's own thread is creator 0; creators 1 to N-1 are processes forked
 * before any heap exists, each populating its own (creator_scope process),
 * or threads sharing creator 0's heap (creator_scope thread). Each is pinned
 * to its CPU and waits for a batch; a batch starts on all of them at once and
 * each keeps its samples in memory until the batch ends, so no creator's
 * reporting falls inside another's timed windows.
 */
#ifndef SPAWNBENCH_CREATORS_H
#define SPAWNBENCH_CREATORS_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "creation.h"

#define MAX_CREATOR_LINKS 64

struct creator_link {
	pid_t pid;                  /* process scope */
	pthread_t thread;           /* thread scope */
	struct creator *creator;    /* thread scope: its state, owned here */
	int cpu;                    /* thread scope: where it runs; -1 unpinned */
	int command_fd, result_fd;  /* the worker's ends: batches to the creator, samples from it */
	int creator_command_fd, creator_result_fd;   /* thread scope: the creator's ends */
};

struct creator_group {
	enum creator_scope scope;
	unsigned count;             /* creators besides creator 0 */
	struct creator_link links[MAX_CREATOR_LINKS];
};

/*
 * Starts creators 1 to cell.creators - 1 as copies of first, creator i on
 * cpus[i % cpu_count] (none pinned when cpu_count is 0). Process scope: call
 * it before first's heap exists. Thread scope: after, for they share it.
 * Returns once every creator is ready to measure.
 */
void creators_start(struct creator_group *group, const struct creator *first, const int *cpus, size_t cpu_count);

/*
 * count iterations on every creator at once (counted: creator 0 reads its
 * events). Returns the samples, creator 0's first, then each creator's in
 * turn (*total of them; the caller frees).
 */
struct sample *creators_run_batch(struct creator_group *group, struct creator *first, unsigned long count,
				  bool counted, size_t *total);

/* Ends every creator and waits for it. */
void creators_stop(struct creator_group *group);

#endif
