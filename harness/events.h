/*
 * The perf events a run counts: names as the user gave them, each probed
 * once before the run; the worker receives the encoded ones only.
 */
#ifndef SPAWNBENCH_EVENTS_H
#define SPAWNBENCH_EVENTS_H

#include <stdbool.h>
#include <stddef.h>

#define MAX_RUN_EVENTS 32

struct event {
	char *name;          /* as requested, or a generated column name (tlb_flush_reason3) */
	char *column;        /* samples.csv / summary.csv column */
	char *encoded;       /* worker spec TYPE:CONFIG:CONFIG1:CONFIG2:EXCLUDE[:FILTER], NULL if not counted */
	char *qualified;     /* libpfm's fully qualified name, or the tracepoint */
	char *not_counted;   /* why it cannot be counted, NULL if it can */
	bool user_only;      /* kernel counting refused: user space only */
};

struct event_set {
	size_t count;
	struct event events[MAX_RUN_EVENTS];
};

#endif
