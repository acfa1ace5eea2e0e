/*
 * Pure parsers for the values a config or the command line gives. Each
 * returns 0, or -1 with the problem in words in why (without the culprit's
 * name: the caller adds file:line or the option).
 */
#ifndef SPAWNBENCH_PARSE_H
#define SPAWNBENCH_PARSE_H

#include <stddef.h>
#include <stdint.h>

#include "values.h"

/* "2", "2s", "500ms", "1m", "1h": seconds, > 0. */
int parse_duration(const char *text, double *seconds, char *why, size_t why_size);

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
