#include "table_writer.h"

#include <stdarg.h>

#include "csv.h"

void table_begin(struct table_writer *t, FILE *out, enum table_style style, const int *widths, size_t columns)
{
	*t = (struct table_writer){ .out = out, .style = style, .columns = columns < TABLE_MAX_COLUMNS ? columns : TABLE_MAX_COLUMNS };
	for (size_t c = 0; c < t->columns; c++)
		t->widths[c] = widths[c];
}

void table_cell(struct table_writer *t, const char *text)
{
	size_t c = t->column++;
	switch (t->style) {
	case TABLE_TERMINAL:
		fprintf(t->out, "%s%*s", c ? " " : "", c < t->columns ? t->widths[c] : 0, text);
		break;
	case TABLE_MARKDOWN:
		fprintf(t->out, "%s %s |", c ? "" : "|", text);
		break;
	case TABLE_CSV:
		if (c)
			fputc(',', t->out);
		csv_write_text(t->out, text);
		break;
	}
}

void table_cellf(struct table_writer *t, const char *format, ...)
{
	char text[512];
	va_list args;
	va_start(args, format);
	vsnprintf(text, sizeof text, format, args);
	va_end(args);
	table_cell(t, text);
}

void table_end_row(struct table_writer *t)
{
	fputc('\n', t->out);
	if (t->style == TABLE_MARKDOWN && t->rows == 0) {
		fputc('|', t->out);
		for (size_t c = 0; c < t->column; c++)
			fputs("---|", t->out);
		fputc('\n', t->out);
	}
	t->rows++;
	t->column = 0;
}

void table_cells(struct table_writer *t, const char *const *texts, size_t count)
{
	for (size_t i = 0; i < count; i++)
		table_cell(t, texts[i]);
}
