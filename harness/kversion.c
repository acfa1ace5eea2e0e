#include "kversion.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

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

int kernel_version_compare(const char *a, const char *b)
{
	const char *cursor_a = a, *cursor_b = b;
	for (;;) {
		long long x = next_number(&cursor_a), y = next_number(&cursor_b);
		if (x != y)
			return x < y ? -1 : 1;
		if (x < 0)
			return strcmp(a, b);
	}
}
