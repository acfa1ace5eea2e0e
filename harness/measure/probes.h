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

#include "schema.h"


/* Runs every probe (repeated, on the first CPU of the machine) and returns {name: {median, ci_low, ci_high, n}}. */
json_t *probes_run(void);


#endif
