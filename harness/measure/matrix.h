/*
 * The kernel matrix (--kernel, repeatable): every kernel booted in a guest of
 * its own at the same time, the suite's rounds alternating between them
 * (round 1 of a cell on every kernel, then round 2 ...) so that drift of the
 * host falls on all alike, and one bundle per kernel.
 */
#ifndef SPAWNBENCH_MATRIX_H
#define SPAWNBENCH_MATRIX_H

#include "config.h"
#include "run.h"

/* Measures config (which it takes over) on every kernel of request; the bundles' paths into request->matrix. */
int run_matrix(struct suite_config *config, const struct run_request *request);

#endif
