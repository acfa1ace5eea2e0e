/*
 * The parent's extra threads (the threads dimension): started before the
 * heap is measured, each pinned to its CPU, then left running until the
 * worker exits. A busy thread keeps the worker's address space live on its
 * CPU, so fork's write-protection and the copy-on-write faults after it
 * must flush that CPU's TLB too; an idle one sleeps.
 */
#ifndef SPAWNBENCH_EXTRA_THREADS_H
#define SPAWNBENCH_EXTRA_THREADS_H

#include <stddef.h>

#include "cell.h"

/*
 * Starts count threads in mode, thread i pinned to cpus[i % cpu_count] (no
 * pinning when cpu_count is 0), and returns once every one runs where it was
 * put. 0, or -1 with why.
 */
int extra_threads_start(unsigned count, enum thread_mode mode, const int *cpus, size_t cpu_count, char *why,
			size_t why_size);

/* The calling process's threads, from /proc/self/status (0 if unknown). */
unsigned process_thread_count(void);

#endif
