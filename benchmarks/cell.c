#include "cell.h"

#include <string.h>

const char *const action_names[ACTION_COUNT] = { "exit", "exec" };
const char *const writer_names[WRITER_COUNT] = { "child", "parent" };
const char *const pattern_names[PATTERN_COUNT] = { "sequential", "random" };
const char *const backing_names[BACKING_COUNT] = { "private", "shared", "thp" };
const char *const placement_names[PLACEMENT_COUNT] = { "same-cpu", "other-cpu", "any" };
const char *const thread_mode_names[THREAD_MODE_COUNT] = { "busy", "idle" };
const char *const creator_scope_names[CREATOR_SCOPE_COUNT] = { "process", "thread" };
const char *const measurer_names[MEASURER_COUNT] = { "worker", "hyperfine" };

int name_index(const char *const *names, size_t count, const char *name)
{
	for (size_t i = 0; i < count; i++)
		if (strcmp(names[i], name) == 0)
			return (int)i;
	return -1;
}

uint64_t cell_pages_written(const struct cell *cell)
{
	uint64_t pages = cell->heap_bytes / PAGE_BYTES;
	return (uint64_t)(cell->write_ratio * (double)pages + 0.5);
}

struct cell cell_init(enum measurer measurer)
{
	return (struct cell){ .measurer = measurer, .creators = 1 };
}
