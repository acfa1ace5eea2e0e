#include "kversion.h"

#include <ctype.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

/* A release as it orders: 6.1-rc1 < 6.1 = 6.1.0 < 6.1.0-57 < 6.1.1 < 6.2-rc1. */
struct release {
	long long parts[4];   /* major, minor, patch, sublevel; absent ones are 0 */
	bool candidate;       /* -rcN: before the release it precedes */
	long long candidate_number;
	const char *rest;     /* what follows: a distribution's ABI number, a flavour */
};

static void parse_release(const char *text, struct release *release)
{
	memset(release, 0, sizeof *release);
	const char *cursor = text;
	for (int i = 0; i < 4 && isdigit((unsigned char)*cursor); i++) {
		char *end;
		release->parts[i] = strtoll(cursor, &end, 10);
		cursor = end;
		if (*cursor != '.' || !isdigit((unsigned char)cursor[1]))
			break;
		cursor++;
	}
	if (strncmp(cursor, "-rc", 3) == 0 && isdigit((unsigned char)cursor[3])) {
		char *end;
		release->candidate = true;
		release->candidate_number = strtoll(cursor + 3, &end, 10);
		cursor = end;
	}
	release->rest = cursor;
}

/* The next number in *cursor, or -1 when there is none. */
static long long next_number(const char **cursor)
{
	while (**cursor && !isdigit((unsigned char)**cursor))
		(*cursor)++;
	if (!**cursor)
		return -1;
	char *end;
	long long number = strtoll(*cursor, &end, 10);
	*cursor = end;
	return number;
}

static int compare_numbers(long long x, long long y)
{
	return x < y ? -1 : x > y ? 1 : 0;
}

/* What follows the version: its numbers in turn (an ABI number, -57 < -58), then the text. */
static int compare_rest(const char *a, const char *b)
{
	const char *cursor_a = a, *cursor_b = b;
	for (;;) {
		long long x = next_number(&cursor_a), y = next_number(&cursor_b);
		if (x != y)
			return compare_numbers(x, y);
		if (x < 0)
			return strcmp(a, b);
	}
}

int kernel_version_compare(const char *a, const char *b)
{
	struct release x, y;
	parse_release(a, &x);
	parse_release(b, &y);
	for (int i = 0; i < 4; i++)
		if (x.parts[i] != y.parts[i])
			return compare_numbers(x.parts[i], y.parts[i]);
	if (x.candidate != y.candidate)
		return x.candidate ? -1 : 1;
	if (x.candidate_number != y.candidate_number)
		return compare_numbers(x.candidate_number, y.candidate_number);
	int rest = compare_rest(x.rest, y.rest);
	return rest ? rest : strcmp(a, b);
}
