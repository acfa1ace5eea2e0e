/*
 * The report's findings about the cases real programs hit, in sentences from
 * the data: a parent with extra threads (busy or idle) while it creates and
 * its pages are written, and several creators at once.
 */
#ifndef SPAWNBENCH_FINDINGS_CONCURRENCY_H
#define SPAWNBENCH_FINDINGS_CONCURRENCY_H

#include <stdio.h>

#include "bundle_load.h"

/* "- " lines; nothing when the bundle has one value of threads and of creators. */
void findings_concurrency(FILE *out, const struct loaded_bundle *bundle);

#endif
