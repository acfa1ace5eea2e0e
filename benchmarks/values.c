#include "values.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static int size_multiplier(const char *suffix, uint64_t *multiplier)
{
	static const struct {
		const char *names[3];
		uint64_t multiplier;
	} units[] = {
		{ { "", "B", NULL }, 1 },
		{ { "K", "KiB", "KB" }, 1ull << 10 },
		{ { "M", "MiB", "MB" }, 1ull << 20 },
		{ { "G", "GiB", "GB" }, 1ull << 30 },
		{ { "T", "TiB", "TB" }, 1ull << 40 },
	};
	for (size_t u = 0; u < sizeof units / sizeof units[0]; u++)
		for (int n = 0; n < 3 && units[u].names[n]; n++)
			if (strcasecmp(suffix, units[u].names[n]) == 0) {
				*multiplier = units[u].multiplier;
				return 0;
			}
	return -1;
}

int parse_size(const char *text, uint64_t *bytes, char *why, size_t why_size)
{
	char *end;
	uint64_t multiplier;
	errno = 0;
	double number = strtod(text, &end);
	if (end == text || errno || number < 0 || !isfinite(number) || size_multiplier(end, &multiplier) != 0) {
		snprintf(why, why_size, "not a size (write it as 0, 4K, 64M, 1G)");
		return -1;
	}
	double value = number * (double)multiplier;
	if (value > (double)(1ull << 50)) {
		snprintf(why, why_size, "too large (at most 1P)");
		return -1;
	}
	*bytes = (uint64_t)value;
	if ((double)*bytes != value || *bytes % PAGE_BYTES) {
		snprintf(why, why_size, "not a whole number of 4 KiB pages");
		return -1;
	}
	return 0;
}

int parse_ratio(const char *text, double *ratio, char *why, size_t why_size)
{
	char *end;
	errno = 0;
	*ratio = strtod(text, &end);
	if (end == text || *end || errno || !(*ratio >= 0 && *ratio <= 1)) {
		snprintf(why, why_size, "not a fraction from 0 to 1");
		return -1;
	}
	return 0;
}

int parse_count(const char *text, unsigned long min, unsigned long max, unsigned long *count,
		char *why, size_t why_size)
{
	char *end;
	errno = 0;
	unsigned long long number = strtoull(text, &end, 10);
	if (end == text || *end || errno || text[0] == '-' || number < min || number > max) {
		snprintf(why, why_size, "not a whole number from %lu to %lu", min, max);
		return -1;
	}
	*count = (unsigned long)number;
	return 0;
}

int parse_layout(const char *text, unsigned *fragments, char *why, size_t why_size)
{
	unsigned long count;
	if (strcmp(text, "contiguous") == 0) {
		*fragments = 0;
		return 0;
	}
	if (strncmp(text, "fragmented:", 11) == 0 && parse_count(text + 11, 2, 1u << 20, &count, why, why_size) == 0) {
		*fragments = (unsigned)count;
		return 0;
	}
	snprintf(why, why_size, "not a layout (contiguous, or fragmented:N with N from 2)");
	return -1;
}

void format_size(uint64_t bytes, char *buf, size_t size)
{
	static const char suffixes[] = "KMGT";
	if (bytes == 0 || bytes % 1024) {
		snprintf(buf, size, "%llu", (unsigned long long)bytes);
		return;
	}
	int unit = 0;
	bytes /= 1024;
	while (unit < 3 && bytes % 1024 == 0) {
		bytes /= 1024;
		unit++;
	}
	snprintf(buf, size, "%llu%c", (unsigned long long)bytes, suffixes[unit]);
}

void format_double_exact(double value, char *buf, size_t size)
{
	/* the shortest of 15, 16 or 17 significant digits that reads back as the same double */
	for (int digits = 15; digits <= 17; digits++) {
		snprintf(buf, size, "%.*g", digits, value);
		if (strtod(buf, NULL) == value)
			return;
	}
}

void layout_format(unsigned fragments, char *buf, size_t size)
{
	if (fragments == 0)
		snprintf(buf, size, "contiguous");
	else
		snprintf(buf, size, "fragmented:%u", fragments);
}
