#include "parse.h"

#include <errno.h>
#include <stdbool.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cell.h"
#include "util.h"

int parse_duration(const char *text, double *seconds, char *why, size_t why_size)
{
	char *end;
	errno = 0;
	double number = strtod(text, &end);
	double scale = -1;
	if (strcmp(end, "") == 0 || strcmp(end, "s") == 0)
		scale = 1;
	else if (strcmp(end, "ms") == 0)
		scale = 1e-3;
	else if (strcmp(end, "m") == 0 || strcmp(end, "min") == 0)
		scale = 60;
	else if (strcmp(end, "h") == 0)
		scale = 3600;
	if (end == text || errno || scale < 0 || !(number > 0) || !isfinite(number)) {
		snprintf(why, why_size, "not a duration above 0 (write it as 2s, 500ms, 15m, 1h)");
		return -1;
	}
	*seconds = number * scale;
	return 0;
}

int split_list(char *text, char **items, int max)
{
	int count = 0;
	char *cursor = text;
	for (;;) {
		char *comma = strchr(cursor, ',');
		if (comma)
			*comma = '\0';
		char *item = trim(cursor);
		if (!*item || count == max)
			return -1;
		items[count++] = item;
		if (!comma)
			return count;
		cursor = comma + 1;
	}
}

struct word_builder {
	char **words;
	size_t count, max;
	char *current;
	size_t length;
	bool started;        /* a word is open, even an empty one ('' is a word) */
};

static void word_add_char(struct word_builder *b, char c)
{
	b->current[b->length++] = c;
	b->started = true;
}

static int word_finish(struct word_builder *b)
{
	if (!b->started)
		return 0;
	if (b->count == b->max)
		return -1;
	b->current[b->length] = '\0';
	b->words[b->count++] = xstrdup(b->current);
	b->length = 0;
	b->started = false;
	return 0;
}

/* A double-quoted part from after its opening quote; the character after its closing quote, or NULL. */
static const char *double_quoted(struct word_builder *b, const char *c)
{
	for (; *c && *c != '"'; c++) {
		if (*c == '\\' && c[1] && strchr("\"\\$`\n", c[1])) {
			if (c[1] != '\n')
				word_add_char(b, c[1]);
			c++;
		} else {
			word_add_char(b, *c);
		}
	}
	b->started = true;
	return *c ? c + 1 : NULL;
}

static int split_fail(struct word_builder *b, char *why, size_t why_size, const char *problem)
{
	snprintf(why, why_size, "%s", problem);
	for (size_t i = 0; i < b->count; i++)
		free(b->words[i]);
	free(b->words);
	free(b->current);
	return -1;
}

int shell_words_split(const char *command, char ***words, size_t max, char *why, size_t why_size)
{
	struct word_builder b = { .words = xcalloc(max + 1, sizeof *b.words), .max = max,
				  .current = xmalloc(strlen(command) + 1) };
	for (const unsigned char *u = (const unsigned char *)command; *u; u++)
		if ((*u < 0x20 && *u != '\t') || *u == 0x7f)
			return split_fail(&b, why, why_size, "holds a control character (a newline, an escape)");
	const char *c = command;
	while (*c) {
		if (*c == ' ' || *c == '\t') {
			if (word_finish(&b) != 0)
				break;
			c++;
		} else if (*c == '\'') {
			const char *end = strchr(c + 1, '\'');
			if (!end)
				return split_fail(&b, why, why_size, "a single quote is never closed");
			for (const char *q = c + 1; q < end; q++)
				word_add_char(&b, *q);
			b.started = true;
			c = end + 1;
		} else if (*c == '"') {
			if (!(c = double_quoted(&b, c + 1)))
				return split_fail(&b, why, why_size, "a double quote is never closed");
		} else if (*c == '\\') {
			if (!c[1])
				return split_fail(&b, why, why_size, "ends in a backslash");
			word_add_char(&b, c[1]);
			c += 2;
		} else {
			word_add_char(&b, *c++);
		}
	}
	if (*c || word_finish(&b) != 0) {
		char problem[48];
		snprintf(problem, sizeof problem, "more than %zu words", max);
		return split_fail(&b, why, why_size, problem);
	}
	if (b.count == 0)
		return split_fail(&b, why, why_size, "no word: an empty command");
	free(b.current);
	*words = b.words;
	return (int)b.count;
}

void shell_words_free(char **words)
{
	if (!words)
		return;
	for (char **w = words; *w; w++)
		free(*w);
	free(words);
}
