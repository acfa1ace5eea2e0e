#include "cell.h"

#include <stdio.h>
#include <string.h>

const char *const action_names[ACTION_COUNT] = { "exit", "exec" };
const char *const writer_names[WRITER_COUNT] = { "child", "parent" };
const char *const pattern_names[PATTERN_COUNT] = { "sequential", "random" };
const char *const backing_names[BACKING_COUNT] = { "private", "shared", "thp" };
const char *const placement_names[PLACEMENT_COUNT] = { "same-cpu", "other-cpu", "any" };

int name_index(const char *const *names, size_t count, const char *name)
{
	for (size_t i = 0; i < count; i++)
		if (strcmp(names[i], name) == 0)
			return (int)i;
	return -1;
}

static bool same_command(const char *a, const char *b)
{
	return (!a && !b) || (a && b && strcmp(a, b) == 0);
}

bool cell_same_group(const struct cell *a, const struct cell *b, bool ignore_heap)
{
	return a->primitive == b->primitive && a->action == b->action && a->writer == b->writer &&
	       a->pattern == b->pattern && a->backing == b->backing && a->fragments == b->fragments &&
	       a->placement == b->placement && same_command(a->command, b->command) &&
	       (ignore_heap ? a->write_ratio == b->write_ratio : a->heap_bytes == b->heap_bytes);
}

bool cell_equal(const struct cell *a, const struct cell *b)
{
	return cell_same_group(a, b, true) && a->heap_bytes == b->heap_bytes;
}

uint64_t cell_pages_written(const struct cell *cell)
{
	uint64_t pages = cell->heap_bytes / PAGE_BYTES;
	return (uint64_t)(cell->write_ratio * (double)pages + 0.5);
}

void layout_format(unsigned fragments, char *buf, size_t size)
{
	if (fragments == 0)
		snprintf(buf, size, "contiguous");
	else
		snprintf(buf, size, "fragmented:%u", fragments);
}
