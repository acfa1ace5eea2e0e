#include "dimension.h"

#include <stdio.h>
#include <string.h>

#include "primitive.h"

/* "not one of fork, vfork, ..." into why; returns -1. */
static int not_one_of(const char *(*name)(const void *names, size_t index), const void *names, size_t count, char *why,
		      size_t why_size)
{
	int used = snprintf(why, why_size, "not one of");
	for (size_t i = 0; i < count && used > 0 && (size_t)used < why_size; i++)
		used += snprintf(why + used, why_size - (size_t)used, "%s %s", i ? "," : "", name(names, i));
	return -1;
}

static const char *primitive_name(const void *names, size_t index)
{
	(void)names;
	return primitive_table[index]->name;
}

static const char *array_name(const void *names, size_t index)
{
	return ((const char *const *)names)[index];
}

static int parse_primitive(const char *text, double *value, char *why, size_t why_size)
{
	int index = primitive_index(text);
	if (index < 0)
		return not_one_of(primitive_name, NULL, primitive_count, why, why_size);
	*value = index;
	return 0;
}

static void format_primitive(double value, char *buf, size_t size)
{
	snprintf(buf, size, "%s", primitive_table[(unsigned)value]->name);
}

static int parse_heap(const char *text, double *value, char *why, size_t why_size)
{
	uint64_t bytes;
	if (parse_size(text, &bytes, why, why_size) != 0)
		return -1;
	*value = (double)bytes; /* exact: sizes are at most 2^50 */
	return 0;
}

static void format_bytes(double value, char *buf, size_t size)
{
	snprintf(buf, size, "%llu", (unsigned long long)value);
}

static void label_heap(double value, char *buf, size_t size)
{
	format_size((uint64_t)value, buf, size);
}

static int parse_ratio_value(const char *text, double *value, char *why, size_t why_size)
{
	return parse_ratio(text, value, why, why_size);
}

static int parse_layout_value(const char *text, double *value, char *why, size_t why_size)
{
	unsigned fragments;
	if (parse_layout(text, &fragments, why, why_size) != 0)
		return -1;
	*value = fragments;
	return 0;
}

static void format_layout(double value, char *buf, size_t size)
{
	layout_format((unsigned)value, buf, size);
}

/* Bounds of the counting dimensions: threads may be none; a cell has at least one creator. */
#define MAX_THREADS 256
#define MAX_CREATORS 64

static int parse_whole(const char *text, unsigned long min, unsigned long max, double *value, char *why, size_t why_size)
{
	unsigned long count;
	if (parse_count(text, min, max, &count, why, why_size) != 0)
		return -1;
	*value = (double)count;
	return 0;
}

static int parse_threads(const char *text, double *value, char *why, size_t why_size)
{
	return parse_whole(text, 0, MAX_THREADS, value, why, why_size);
}

static int parse_creators(const char *text, double *value, char *why, size_t why_size)
{
	return parse_whole(text, 1, MAX_CREATORS, value, why, why_size);
}

static void format_whole(double value, char *buf, size_t size)
{
	snprintf(buf, size, "%u", (unsigned)value);
}

#define NAMES(array) .names = array, .name_count = sizeof array / sizeof array[0]
#define STORED(member, kind) .cell_offset = offsetof(struct cell, member), .storage = kind

_Static_assert(sizeof(enum action) == sizeof(unsigned) && sizeof(enum writer) == sizeof(unsigned) &&
		       sizeof(enum pattern) == sizeof(unsigned) && sizeof(enum backing) == sizeof(unsigned) &&
		       sizeof(enum placement) == sizeof(unsigned) && sizeof(enum thread_mode) == sizeof(unsigned) &&
		       sizeof(enum creator_scope) == sizeof(unsigned),
	       "enumerated dimensions are stored as unsigned");

const struct dimension dimension_table[DIMENSION_COUNT] = {
	[DIMENSION_PRIMITIVE] = { "primitive", "primitives", "primitive", "primitive", "LIST",
				  "fork, vfork, posix_spawn, clone, clone-vm", "fork",
				  STORED(primitive, STORED_UNSIGNED), MAX_VALUES,
				  .parse = parse_primitive, .format = format_primitive,
				  .labelled_always = true, .described_bare = true, .plan_depth = 0 },
	[DIMENSION_ACTION] = { "action", "action", "action", "action", "LIST", "what the child does: exit, exec", "exit",
			       STORED(action, STORED_UNSIGNED), ACTION_COUNT, NAMES(action_names),
			       .labelled_always = true, .described_bare = true, .plan_depth = 1 },
	[DIMENSION_HEAP] = { "heap", "heap", "heap_bytes", "heap", "SIZES", "populated parent memory: 0, 4K, 64M, 1G ...",
			     "0", STORED(heap_bytes, STORED_U64), MAX_VALUES,
			     .parse = parse_heap, .format = format_bytes, .label = label_heap,
			     .labelled_always = true, .plan_depth = 9 },
	[DIMENSION_RATIO] = { "ratio", "ratios", "write_ratio", "ratio", "LIST",
			      "fraction of the heap's pages written after creation, 0 to 1", "0",
			      STORED(write_ratio, STORED_DOUBLE), MAX_VALUES,
			      .parse = parse_ratio_value, .format = format_double_exact,
			      .label_prefix = "r=", .labelled_always = true, .plan_depth = 12 },
	[DIMENSION_WRITER] = { "writer", "writer", "writer", "writer", "LIST", "who writes: child, parent", "child",
			       STORED(writer, STORED_UNSIGNED), WRITER_COUNT, NAMES(writer_names),
			       .labelled_always = true, .plan_depth = 10 },
	[DIMENSION_PATTERN] = { "pattern", "pattern", "pattern", "pattern", "LIST", "write order: sequential, random",
				"sequential", STORED(pattern, STORED_UNSIGNED), PATTERN_COUNT, NAMES(pattern_names),
				.plan_depth = 11 },
	[DIMENSION_BACKING] = { "backing", "backing", "backing", "backing", "LIST", "private (4 KiB pages), shared, thp",
				"private", STORED(backing, STORED_UNSIGNED), BACKING_COUNT, NAMES(backing_names),
				.plan_depth = 2 },
	[DIMENSION_LAYOUT] = { "layout", "layout", "layout", "layout", "LIST", "contiguous, fragmented:N (N mappings)",
			       "contiguous", STORED(fragments, STORED_UNSIGNED), MAX_VALUES,
			       .parse = parse_layout_value, .format = format_layout, .plan_depth = 3 },
	/* the worker does not see it: the orchestrator pins the worker and names the child's CPU */
	[DIMENSION_PLACEMENT] = { "placement", "placement", "placement", NULL, "LIST",
				  "child's CPU: same-cpu, other-cpu, any", "same-cpu",
				  STORED(placement, STORED_UNSIGNED), PLACEMENT_COUNT, NAMES(placement_names),
				  .plan_depth = 4 },
	[DIMENSION_THREADS] = { "threads", "threads", "threads", "threads", "COUNTS",
				"extra threads in the parent, pinned to the other CPUs: 0, 1, 3 ...", "0",
				STORED(threads, STORED_COUNT), MAX_VALUES, .parse = parse_threads,
				.format = format_whole, .label_prefix = "threads=", .plan_depth = 8, .column_optional = true },
	[DIMENSION_THREAD_MODE] = { "thread_mode", "thread_mode", "thread_mode", "thread-mode", "LIST",
				    "what the extra threads do: busy (spin), idle (sleep)", "busy",
				    STORED(thread_mode, STORED_UNSIGNED), THREAD_MODE_COUNT, NAMES(thread_mode_names),
				    .plan_depth = 7, .column_optional = true },
	[DIMENSION_CREATORS] = { "creators", "creators", "creators", "creators", "COUNTS",
				 "creators measuring the cell at once, each on its own CPU: 1, 2 ...", "1",
				 STORED(creators, STORED_COUNT), MAX_VALUES, .parse = parse_creators,
				 .format = format_whole, .label_prefix = "creators=", .plan_depth = 6, .column_optional = true },
	[DIMENSION_CREATOR_SCOPE] = { "creator_scope", "creator_scope", "creator_scope", "creator-scope", "LIST",
				      "several creators as: process (each its own heap), thread (one heap)",
				      "process", STORED(creator_scope, STORED_UNSIGNED), CREATOR_SCOPE_COUNT,
				      NAMES(creator_scope_names), .plan_depth = 5, .column_optional = true },
};

double cell_get(const struct cell *cell, enum dimension_id id)
{
	const struct dimension *d = &dimension_table[id];
	const char *field = (const char *)cell + d->cell_offset;
	switch (d->storage) {
	case STORED_UNSIGNED:
	case STORED_COUNT: return *(const unsigned *)(const void *)field;
	case STORED_U64: return (double)*(const uint64_t *)(const void *)field;
	case STORED_DOUBLE: return *(const double *)(const void *)field;
	}
	return 0;
}

void cell_set(struct cell *cell, enum dimension_id id, double value)
{
	const struct dimension *d = &dimension_table[id];
	char *field = (char *)cell + d->cell_offset;
	switch (d->storage) {
	case STORED_UNSIGNED:
	case STORED_COUNT: *(unsigned *)(void *)field = (unsigned)value; break;
	case STORED_U64: *(uint64_t *)(void *)field = (uint64_t)value; break;
	case STORED_DOUBLE: *(double *)(void *)field = value; break;
	}
}

int dimension_parse(enum dimension_id id, const char *text, double *value, char *why, size_t why_size)
{
	const struct dimension *d = &dimension_table[id];
	if (d->parse)
		return d->parse(text, value, why, why_size);
	int index = name_index(d->names, d->name_count, text);
	if (index < 0)
		return not_one_of(array_name, d->names, d->name_count, why, why_size);
	*value = index;
	return 0;
}

void dimension_format(enum dimension_id id, double value, char *buf, size_t size)
{
	const struct dimension *d = &dimension_table[id];
	if (d->format)
		d->format(value, buf, size);
	else
		snprintf(buf, size, "%s", d->names[(unsigned)value]);
}

void dimension_label(enum dimension_id id, double value, char *buf, size_t size)
{
	if (dimension_table[id].label)
		dimension_table[id].label(value, buf, size);
	else
		dimension_format(id, value, buf, size);
}

static bool same_text(const char *a, const char *b)
{
	return (!a && !b) || (a && b && strcmp(a, b) == 0);
}

bool cell_same_except(const struct cell *a, const struct cell *b, enum dimension_id except)
{
	if (a->measurer != b->measurer || !same_text(a->exec_program, b->exec_program) ||
	    !same_text(a->command_line, b->command_line))
		return false;
	for (size_t d = 0; d < DIMENSION_COUNT; d++)
		if (d != except && cell_get(a, d) != cell_get(b, d))
			return false;
	return true;
}

bool cell_equal(const struct cell *a, const struct cell *b)
{
	return cell_same_except(a, b, DIMENSION_COUNT);
}

bool axes_add_sorted(struct axes *axes, enum dimension_id id, double value)
{
	double *set = axes->values[id];
	size_t count = axes->counts[id], at = 0;
	while (at < count && set[at] < value)
		at++;
	if (at < count && set[at] == value)
		return true;
	if (count == MAX_VALUES)
		return false;
	memmove(set + at + 1, set + at, (count - at) * sizeof *set);
	set[at] = value;
	axes->counts[id] = count + 1;
	return true;
}

bool axes_holds(const struct axes *axes, enum dimension_id id, double value)
{
	for (size_t i = 0; i < axes->counts[id]; i++)
		if (axes->values[id][i] == value)
			return true;
	return false;
}

struct cell axes_base_cell(const struct axes *axes)
{
	size_t positions[DIMENSION_COUNT] = { 0 };
	return axes_cell(axes, positions);
}

/* The dimension at nesting depth depth. */
static enum dimension_id dimension_at_depth(unsigned depth)
{
	for (size_t d = 0; d < DIMENSION_COUNT; d++)
		if (dimension_table[d].plan_depth == depth)
			return (enum dimension_id)d;
	return DIMENSION_COUNT;
}

bool axes_next(const struct axes *axes, size_t positions[DIMENSION_COUNT])
{
	for (unsigned depth = DIMENSION_COUNT; depth-- > 0;) {
		enum dimension_id d = dimension_at_depth(depth);
		if (++positions[d] < axes->counts[d])
			return true;
		positions[d] = 0;
	}
	return false;
}

struct cell axes_cell(const struct axes *axes, const size_t positions[DIMENSION_COUNT])
{
	struct cell cell = cell_init(MEASURER_WORKER);
	for (size_t d = 0; d < DIMENSION_COUNT; d++)
		if (axes->counts[d])
			cell_set(&cell, d, axes->values[d][positions[d]]);
	return cell;
}

/* Appends text to buf at *used, never past size. */
static void append(char *buf, size_t size, int *used, const char *text)
{
	if (*used >= 0 && (size_t)*used < size)
		*used += snprintf(buf + *used, size - (size_t)*used, "%s", text);
}

/* The program an exec cell's child runs, when not spawnbench's helper: " '/bin/sh -c true'". */
static void append_program(const struct cell *cell, char *buf, size_t size, int *used)
{
	if (!cell->exec_program)
		return;
	append(buf, size, used, " '");
	append(buf, size, used, cell->exec_program);
	append(buf, size, used, "'");
}

static bool describes_command(const struct cell *cell, char *buf, size_t size)
{
	if (cell->measurer == MEASURER_WORKER)
		return false;
	snprintf(buf, size, "%s '%s'", measurer_names[cell->measurer], cell->command_line ? cell->command_line : "");
	return true;
}

/* Whether value is the dimension's fallback, which a short label leaves out. */
static bool at_fallback(enum dimension_id id, double value)
{
	double fallback;
	char why[160];
	return dimension_parse(id, dimension_table[id].fallback, &fallback, why, sizeof why) == 0 && value == fallback;
}

bool dimension_named(enum dimension_id id, double value)
{
	return !dimension_table[id].column_optional || !at_fallback(id, value);
}

void cell_describe(const struct cell *cell, char *buf, size_t size)
{
	if (describes_command(cell, buf, size))
		return;
	int used = 0;
	buf[0] = '\0';
	for (size_t d = 0; d < DIMENSION_COUNT; d++) {
		char value[64];
		if (!dimension_named(d, cell_get(cell, d)))
			continue;
		dimension_label(d, cell_get(cell, d), value, sizeof value);
		if (d)
			append(buf, size, &used, " ");
		if (!dimension_table[d].described_bare) {
			append(buf, size, &used, dimension_table[d].name);
			append(buf, size, &used, "=");
		}
		append(buf, size, &used, value);
	}
	append_program(cell, buf, size, &used);
}

void cell_label(const struct cell *cell, char *buf, size_t size)
{
	if (describes_command(cell, buf, size))
		return;
	int used = 0;
	buf[0] = '\0';
	for (size_t d = 0; d < DIMENSION_COUNT; d++) {
		double value = cell_get(cell, d);
		if (!dimension_table[d].labelled_always && at_fallback(d, value))
			continue;
		char text[64];
		dimension_label(d, value, text, sizeof text);
		if (d)
			append(buf, size, &used, " ");
		if (dimension_table[d].label_prefix)
			append(buf, size, &used, dimension_table[d].label_prefix);
		append(buf, size, &used, text);
	}
	append_program(cell, buf, size, &used);
}
