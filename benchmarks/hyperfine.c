/*
 * Not a primitive spawnbench runs: whole-command timings taken by
 * `hyperfine -N` (which starts each run with posix_spawn underneath) and
 * imported into the bundle as cells of their own, one per command.
 */
#include "primitive.h"

const struct primitive primitive_hyperfine = {
	.name = "hyperfine",
	.summary = "whole commands timed by hyperfine -N (listed under [hyperfine] commands)",
	.external = true,
};
