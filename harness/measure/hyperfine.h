/*
 * Whole-command timings: `hyperfine -N` runs a command many times, and its
 * per-run times become the cell's samples (the roundtrip phase only; hyperfine
 * sees no other). hyperfine starts each run with posix_spawn underneath, so
 * these are comparable with the harness's posix_spawn+exec cells.
 */
#ifndef SPAWNBENCH_HYPERFINE_H
#define SPAWNBENCH_HYPERFINE_H

#include "config.h"
#include "events.h"
#include "sampler.h"

/* The program a command names: "helper" is spawnbench's exec helper. */
const char *command_program(const char *command, const struct sampler_paths *paths);

void measure_command(const struct cell *cell, const struct suite_config *config, const struct event_set *events,
		     const struct sampler_paths *paths, struct cell_result *result);

#endif
