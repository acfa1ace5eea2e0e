#define _GNU_SOURCE
#include "csv.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

struct field_list {
	char **items;
	size_t count, capacity;
};

static void push(struct field_list *list, char *item)
{
	if (list->count == list->capacity) {
		list->capacity = list->capacity ? list->capacity * 2 : 16;
		list->items = xrealloc(list->items, list->capacity * sizeof *list->items);
	}
	list->items[list->count++] = item;
}

/* Splits one line (no newline) into fields; returns 0, or -1 on an unclosed quote. */
static int split_line(const char *line, struct field_list *fields)
{
	char *field = xmalloc(strlen(line) + 1);
	size_t length = 0;
	bool quoted = false;
	for (const char *c = line;; c++) {
		if (quoted && *c == '"' && c[1] == '"') {
			field[length++] = '"';
			c++;
		} else if (*c == '"' && (quoted || length == 0)) {
			quoted = !quoted;
		} else if ((*c == ',' && !quoted) || *c == '\0') {
			field[length] = '\0';
			push(fields, xstrdup(field));
			length = 0;
			if (*c == '\0')
				break;
		} else {
			field[length++] = *c;
		}
	}
	free(field);
	return quoted ? -1 : 0;
}

int csv_read(const char *path, struct csv_table *table, char *why, size_t why_size)
{
	memset(table, 0, sizeof *table);
	FILE *file = fopen(path, "r");
	if (!file) {
		snprintf(why, why_size, "%s: cannot be read", path);
		return -1;
	}
	struct field_list fields = { 0 };
	char *line = NULL;
	size_t size = 0;
	ssize_t length;
	int line_number = 0, result = 0;
	while ((length = getline(&line, &size, file)) >= 0) {
		line_number++;
		bool complete = length > 0 && line[length - 1] == '\n';
		if (complete)
			line[--length] = '\0';
		size_t before = fields.count;
		if (split_line(line, &fields) != 0 || !complete ||
		    (line_number > 1 && fields.count - before != table->columns)) {
			snprintf(why, why_size, "%s:%d: %s", path, line_number,
				 complete ? "the row's fields do not match the header" : "the file ends in the middle of a row");
			result = -1;
			break;
		}
		if (line_number == 1)
			table->columns = fields.count;
	}
	free(line);
	fclose(file);
	if (result == 0 && line_number == 0) {
		snprintf(why, why_size, "%s: empty, no header", path);
		result = -1;
	}
	if (result != 0) {
		for (size_t i = 0; i < fields.count; i++)
			free(fields.items[i]);
		free(fields.items);
		memset(table, 0, sizeof *table);
		return -1;
	}
	table->header = fields.items;
	table->fields = fields.items + table->columns;
	table->rows = (fields.count - table->columns) / (table->columns ? table->columns : 1);
	return 0;
}

void csv_free(struct csv_table *table)
{
	size_t total = table->columns * (table->rows + 1);
	for (size_t i = 0; i < total; i++)
		free(table->header[i]);
	free(table->header);
	memset(table, 0, sizeof *table);
}

int csv_column(const struct csv_table *table, const char *name)
{
	for (size_t i = 0; i < table->columns; i++)
		if (strcmp(table->header[i], name) == 0)
			return (int)i;
	return -1;
}
