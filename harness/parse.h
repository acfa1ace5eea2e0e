/*
 * Pure parsers for the values a config or the command line gives. Each
 * returns 0, or -1 with the problem in words in why (without the culprit's
 * name: the caller adds file:line or the option).
 */
#ifndef SPAWNBENCH_PARSE_H
#define SPAWNBENCH_PARSE_H

#include <stddef.h>
#include <stdint.h>

/* "0", "4096", "4K", "64M", "1G", "1.5G", "2GiB": bytes; a multiple of 4 KiB. */
int parse_size(const char *text, uint64_t *bytes, char *why, size_t why_size);
/* A fraction from 0 to 1. */
int parse_ratio(const char *text, double *ratio, char *why, size_t why_size);
/* "2", "2s", "500ms", "1m": seconds, > 0. */
int parse_duration(const char *text, double *seconds, char *why, size_t why_size);
/* A whole number from min to max. */
int parse_count(const char *text, unsigned long min, unsigned long max, unsigned long *count,
		char *why, size_t why_size);
/* "contiguous" -> 0, "fragmented:N" -> N (N >= 2). */
int parse_layout(const char *text, unsigned *fragments, char *why, size_t why_size);

/* "0", "4K", "64M", "1G", "1536M": the shortest exact form of a size. */
void format_size(uint64_t bytes, char *buf, size_t size);

/*
 * Splits a comma-separated list in place into at most max items (trimmed);
 * returns the count, or -1 if there are more, or an item is empty.
 */
int split_list(char *text, char **items, int max);



/*
 * Splits a command line into words as a POSIX shell would, with no expansion
 * (the rules hyperfine's -N follows, so a command means one thing in every
 * place spawnbench takes one): blanks separate words; 'single quotes' keep
 * everything; "double quotes" keep everything but \" \\ \$ \` and
 * backslash-newline; a backslash outside quotes keeps the next character.
 * Returns the word count (words malloc'd, NULL-terminated, at most max), or -1
 * with why: an unclosed quote, a trailing backslash, a control character,
 * no word at all, or more than max words.
 */
#define MAX_COMMAND_WORDS 64
int shell_words_split(const char *command, char ***words, size_t max, char *why, size_t why_size);
void shell_words_free(char **words);

#endif
