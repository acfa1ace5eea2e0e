/*
 * Machine probes: a few short loops that depend on the machine more than on
 * the code that creates processes, run before and after every suite and kept
 * in meta.json, so that a comparison can tell a machine that moved (a host
 * that throttles, a guest whose memory is backed otherwise this week) from a
 * kernel that changed.
 */
#ifndef SPAWNBENCH_PROBES_H
#define SPAWNBENCH_PROBES_H

#include <jansson.h>

enum probe {
	PROBE_USER_LOOP,     /* ns per iteration of an arithmetic loop: the CPU alone */
	PROBE_MEMCPY,        /* ns per MiB copied, buffers already faulted in: the memory bandwidth */
	PROBE_PAGE_FAULT,    /* ns per first touch of an anonymous page: the memory path, kernel included */
	PROBE_SYSCALL,       /* ns per getppid(): entering and leaving the kernel */
	PROBE_COUNT
};
extern const char *const probe_names[];   /* user_loop_ns, memcpy_ns_per_mib, page_fault_ns, syscall_ns */

/* Runs every probe (repeated, on the first CPU of the machine) and returns {name: {median, ci_low, ci_high, n}}. */
json_t *probes_run(void);

/* A probe's median in a bundle's meta.json ("before" or "after"), or NaN. */
double probe_median(json_t *meta, const char *when, enum probe probe);

#endif
