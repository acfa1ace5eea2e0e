#define _GNU_SOURCE
#include "csv.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

/*
 * RFC 4180, as other tools write it when they re-save a bundle: records end
 * in LF or CRLF (the last one may end in neither), a field may be quoted, and
 * a quoted field may hold commas, doubled quotes, CR and LF.
 */

struct field_list {
	char **items;
	size_t count, capacity;
};

struct text_buffer {
	char *text;
	size_t length, capacity;
};

static void push(struct field_list *list, char *item)
{
	if (list->count == list->capacity) {
		list->capacity = list->capacity ? list->capacity * 2 : 16;
		list->items = xrealloc(list->items, list->capacity * sizeof *list->items);
	}
	list->items[list->count++] = item;
}

static void append_char(struct text_buffer *buffer, char c)
{
	if (buffer->length + 1 >= buffer->capacity) {
		buffer->capacity = buffer->capacity ? buffer->capacity * 2 : 64;
		buffer->text = xrealloc(buffer->text, buffer->capacity);
	}
	buffer->text[buffer->length++] = c;
}

static char *take_text(struct text_buffer *buffer)
{
	append_char(buffer, '\0');
	char *text = xstrdup(buffer->text);
	buffer->length = 0;
	return text;
}

struct csv_reader {
	FILE *file;
	const char *path;
	int line;                 /* of the record being read, for messages */
	int next_line;            /* physical line the reader is on */
	struct text_buffer field;
};

enum record_end { RECORD_DONE, RECORD_LAST, RECORD_NONE, RECORD_BAD_QUOTE };

/* A quoted field's body, after its opening quote; false at the end of the file before the closing quote. */
static bool read_quoted(struct csv_reader *reader)
{
	int c;
	while ((c = getc_unlocked(reader->file)) != EOF) {
		if (c == '"') {
			int next = getc_unlocked(reader->file);
			if (next != '"') {
				if (next != EOF)
					ungetc(next, reader->file);
				return true;
			}
		} else if (c == '\n') {
			reader->next_line++;
		}
		append_char(&reader->field, (char)c);
	}
	return false;
}

/* Reads one record into fields; RECORD_NONE at the end of the file with nothing read. */
static enum record_end read_record(struct csv_reader *reader, struct field_list *fields)
{
	int c = getc_unlocked(reader->file);
	if (c == EOF)
		return RECORD_NONE;
	ungetc(c, reader->file);
	reader->line = reader->next_line;
	for (;;) {
		c = getc_unlocked(reader->file);
		if (c == '"' && reader->field.length == 0) {
			if (!read_quoted(reader))
				return RECORD_BAD_QUOTE;
			continue;
		}
		if (c == '\r') {
			int next = getc_unlocked(reader->file);
			if (next == '\n' || next == EOF)
				c = next;
			else
				ungetc(next, reader->file);
		}
		if (c == ',' || c == '\n' || c == EOF) {
			push(fields, take_text(&reader->field));
			if (c == '\n') {
				reader->next_line++;
				return RECORD_DONE;
			}
			if (c == EOF)
				return RECORD_LAST;
			continue;
		}
		append_char(&reader->field, (char)c);
	}
}

static void free_fields(struct field_list *fields)
{
	for (size_t i = 0; i < fields->count; i++)
		free(fields->items[i]);
	free(fields->items);
	memset(fields, 0, sizeof *fields);
}

/* Reads every record; -1 with why naming the file and line at fault. */
static int read_records(struct csv_reader *reader, struct csv_table *table, struct field_list *fields, char *why,
			size_t why_size)
{
	for (size_t record = 0;; record++) {
		size_t before = fields->count;
		enum record_end end = read_record(reader, fields);
		if (end == RECORD_NONE)
			return 0;
		if (end == RECORD_BAD_QUOTE) {
			snprintf(why, why_size, "%s:%d: a quoted field is never closed (the file ends in the middle of a row)",
				 reader->path, reader->line);
			return -1;
		}
		size_t got = fields->count - before;
		if (record == 0)
			table->columns = got;
		else if (got != table->columns) {
			snprintf(why, why_size, "%s:%d: %s (%zu fields, the header has %zu)", reader->path, reader->line,
				 end == RECORD_LAST ? "the file ends in the middle of a row"
						    : "the row's fields do not match the header",
				 got, table->columns);
			return -1;
		}
		if (end == RECORD_LAST)
			return 0;
	}
}

int csv_read_file(FILE *file, const char *path, struct csv_table *table, char *why, size_t why_size)
{
	memset(table, 0, sizeof *table);
	struct csv_reader reader = { .file = file, .path = path, .line = 1, .next_line = 1 };
	struct field_list fields = { 0 };
	int result = read_records(&reader, table, &fields, why, why_size);
	free(reader.field.text);
	if (result == 0 && fields.count == 0) {
		snprintf(why, why_size, "%s: empty, no header", path);
		result = -1;
	}
	if (result != 0) {
		free_fields(&fields);
		memset(table, 0, sizeof *table);
		return -1;
	}
	table->header = fields.items;
	table->fields = fields.items + table->columns;
	table->rows = (fields.count - table->columns) / table->columns;
	return 0;
}

int csv_read(const char *path, struct csv_table *table, char *why, size_t why_size)
{
	memset(table, 0, sizeof *table);
	FILE *file = fopen(path, "re");
	if (!file) {
		snprintf(why, why_size, "%s: cannot be read", path);
		return -1;
	}
	int result = csv_read_file(file, path, table, why, why_size);
	fclose(file);
	return result;
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

void csv_write_text(FILE *file, const char *text)
{
	if (!strpbrk(text, ",\"\r\n")) {
		fputs(text, file);
		return;
	}
	fputc('"', file);
	for (const char *c = text; *c; c++) {
		if (*c == '"')
			fputc('"', file);
		fputc(*c, file);
	}
	fputc('"', file);
}

