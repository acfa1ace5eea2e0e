/*
 * The text forms of the values a dimension takes, read and written the same
 * way by the orchestrator, the worker and the bundle loader (libc only: the
 * worker links it). Each parser returns 0, or -1 with the problem in words in
 * why (without the culprit's name: the caller adds file:line or the option).
 */
#ifndef SPAWNBENCH_VALUES_H
#define SPAWNBENCH_VALUES_H

#include <stddef.h>
#include <stdint.h>

#define PAGE_BYTES 4096u

/* "0", "4096", "4K", "64M", "1G", "1.5G", "2GiB": bytes; a multiple of 4 KiB. */
int parse_size(const char *text, uint64_t *bytes, char *why, size_t why_size);
/* A fraction from 0 to 1. */
int parse_ratio(const char *text, double *ratio, char *why, size_t why_size);
/* A whole number from min to max. */
int parse_count(const char *text, unsigned long min, unsigned long max, unsigned long *count,
		char *why, size_t why_size);
/* "contiguous" -> 0, "fragmented:N" -> N (N >= 2). */
int parse_layout(const char *text, unsigned *fragments, char *why, size_t why_size);

/* "0", "4K", "64M", "1G", "1536M": the shortest exact form of a size. */
void format_size(uint64_t bytes, char *buf, size_t size);
/* "contiguous" or "fragmented:N". */
void layout_format(unsigned fragments, char *buf, size_t size);
/* The shortest decimal text that reads back as the same double. */
void format_double_exact(double value, char *buf, size_t size);

#endif
