/*
 * Input from other people's machines: command lines split as a shell would,
 * CSV as other tools re-save it, strings that reach gnuplot, suite text that
 * inih would take otherwise than meant, and output paths.
 */
#define _GNU_SOURCE
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "bundle_load.h"
#include "chart_run.h"
#include "config.h"
#include "csv.h"
#include "parse.h"
#include "safe_output.h"
#include "tests.h"
#include "util.h"

static void test_shell_words(void **state)
{
	(void)state;
	static const struct { const char *command; const char *words[4]; } good[] = {
		{ "/bin/sh -c 'exit 0'", { "/bin/sh", "-c", "exit 0" } },
		{ "  a \"b c\"\td\\ e ", { "a", "b c", "d e" } },
		{ "'it'\\''s'", { "it's" } },
		{ "\"a\\\"b\\\\c\\$d\\`e\\x\"", { "a\"b\\c$d`e\\x" } },
		{ "x '' y", { "x", "", "y" } },
		{ "/bin/echo a,\"b\";c", { "/bin/echo", "a,b;c" } },
	};
	char **words, why[128];
	for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
		int count = shell_words_split(good[i].command, &words, MAX_COMMAND_WORDS, why, sizeof why);
		size_t expected = 0;
		while (expected < 4 && good[i].words[expected])
			expected++;
		if (count != (int)expected)
			fail_msg("'%s': %d words (%s), %zu expected", good[i].command, count, count < 0 ? why : "", expected);
		for (size_t w = 0; w < expected; w++)
			assert_string_equal(words[w], good[i].words[w]);
		assert_null(words[expected]);
		shell_words_free(words);
	}
	static const char *const bad[] = { "'abc", "\"abc", "abc\\", "", "   ", "a\nb", "a\x1b[2Jb" };
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		why[0] = '\0';
		assert_int_equal(shell_words_split(bad[i], &words, MAX_COMMAND_WORDS, why, sizeof why), -1);
		assert_true(why[0] != '\0');
	}
	assert_int_equal(shell_words_split("a b c", &words, 2, why, sizeof why), -1);
	assert_non_null(strstr(why, "more than 2 words"));
}

/* Reads text as a CSV file named t.csv: 0 or -1 with why. */
static int read_text(const char *text, struct csv_table *table, char *why, size_t why_size)
{
	FILE *file = fmemopen((void *)text, strlen(text), "r");
	assert_non_null(file);
	int result = csv_read_file(file, "t.csv", table, why, why_size);
	fclose(file);
	return result;
}

static void test_csv_as_other_tools_write_it(void **state)
{
	(void)state;
	static const char *const same_table[] = {
		"a,b,c\n1,\"x,y\",3\n4,\"say \"\"hi\"\"\",6\n",
		"a,b,c\r\n1,\"x,y\",3\r\n4,\"say \"\"hi\"\"\",6\r\n",
		"a,b,c\r\n1,\"x,y\",3\r\n4,\"say \"\"hi\"\"\",6",
		"\"a\",\"b\",\"c\"\n\"1\",\"x,y\",\"3\"\n\"4\",\"say \"\"hi\"\"\",\"6\"\n",
	};
	char why[200];
	for (size_t i = 0; i < sizeof same_table / sizeof same_table[0]; i++) {
		struct csv_table table;
		if (read_text(same_table[i], &table, why, sizeof why) != 0)
			fail_msg("case %zu: %s", i, why);
		assert_int_equal(table.columns, 3);
		assert_int_equal(table.rows, 2);
		assert_string_equal(csv_field(&table, 0, 1), "x,y");
		assert_string_equal(csv_field(&table, 1, 1), "say \"hi\"");
		assert_string_equal(csv_field(&table, 1, 2), "6");
		csv_free(&table);
	}
	struct csv_table table;
	assert_int_equal(read_text("a,b\r\n\"line one\r\nline two\",2\r\n3,4\r\n", &table, why, sizeof why), 0);
	assert_int_equal(table.rows, 2);
	assert_string_equal(csv_field(&table, 0, 0), "line one\r\nline two");
	assert_string_equal(csv_field(&table, 1, 0), "3");
	csv_free(&table);
	assert_int_equal(read_text("a,b\n1,2\n3\n", &table, why, sizeof why), -1);
	assert_non_null(strstr(why, "t.csv:3: the row's fields do not match the header"));
	assert_int_equal(read_text("a,b\n1,2\n3", &table, why, sizeof why), -1);
	assert_non_null(strstr(why, "t.csv:3: the file ends in the middle of a row"));
	assert_int_equal(read_text("a,b\n1,\"2\n", &table, why, sizeof why), -1);
	assert_non_null(strstr(why, "t.csv:2: a quoted field is never closed"));
	assert_int_equal(read_text("", &table, why, sizeof why), -1);
}

static void test_csv_written_reads_back(void **state)
{
	(void)state;
	static const char *const texts[] = { "plain", "a,b", "say \"hi\"", "two\nlines", "cr\rhere", "" };
	char *buffer;
	size_t size;
	FILE *file = open_memstream(&buffer, &size);
	fputs("x,text\n", file);
	for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++) {
		fprintf(file, "%zu,", i);
		csv_write_text(file, texts[i]);
		fputc('\n', file);
	}
	fclose(file);
	struct csv_table table;
	char why[200];
	if (read_text(buffer, &table, why, sizeof why) != 0)
		fail_msg("%s", why);
	assert_int_equal(table.rows, sizeof texts / sizeof texts[0]);
	for (size_t i = 0; i < table.rows; i++)
		assert_string_equal(csv_field(&table, i, 1), texts[i]);
	csv_free(&table);
	free(buffer);
	static const double doubles[] = { 0.1, 0.5, 0.1234567, 1.0 / 3, 2.0 / 3 * 1e-9, 65537.5, 1e300 };
	for (size_t i = 0; i < sizeof doubles / sizeof doubles[0]; i++) {
		char text[40];
		format_double_exact(doubles[i], text, sizeof text);
		assert_true(strtod(text, NULL) == doubles[i]);
	}
	char text[40];
	format_double_exact(0.1, text, sizeof text);
	assert_string_equal(text, "0.1");
}

/* What one call writes into a variables file. */
static char *gp_text_of(const char *value)
{
	char *buffer;
	size_t size;
	FILE *file = open_memstream(&buffer, &size);
	gp_assign_text(file, "v", value);
	fclose(file);
	return buffer;
}

static void test_gnuplot_strings_are_literals(void **state)
{
	(void)state;
	char *text = gp_text_of("6.1`touch x` $(id) \"q\" it's\nsystem('id') #");
	/* single quotes: gnuplot substitutes nothing inside; ' doubled; no newline to start a command */
	assert_string_equal(text, "v = '6.1`touch x` $(id) \"q\" it''s system(''id'') #'\n");
	free(text);
	char buffer[200] = "";
	gp_append_text(buffer, sizeof buffer, "w", "a'\r\nb");
	assert_string_equal(buffer, "w = 'a''  b'\n");
	char *data;
	size_t size;
	FILE *file = open_memstream(&data, &size);
	gp_data_label(file, "hyperfine: /bin/echo \"x\"\n1 2 3");
	fclose(file);
	assert_string_equal(data, "\"hyperfine: /bin/echo 'x' 1 2 3\"");
	free(data);
}

/* config_parse_text's answer for a suite's text: 0, or -1 with why. */
static int parse_suite(const char *text, struct suite_config *config, char *why, size_t why_size)
{
	config_init(config);
	return config_parse_text(config, text, "s.conf", why, why_size);
}

static void test_suite_text_taken_as_meant(void **state)
{
	(void)state;
	struct suite_config config;
	char why[600];
	assert_int_equal(parse_suite("[hyperfine]\ncommands = /bin/sh -c 'a;b'; /bin/true;helper\n", &config, why,
				     sizeof why), 0);
	assert_int_equal(config.command_count, 3);
	assert_string_equal(config.commands[0], "/bin/sh -c 'a;b'");
	assert_string_equal(config.commands[1], "/bin/true");
	config_free(&config);
	static const struct { const char *text, *expected; } bad[] = {
		{ "[hyperfine]\ncommands = /bin/true ; /bin/false\n", "s.conf:2: ';' after a blank" },
		{ "[suite]\nheap = 0,\n  4K\n", "s.conf:3: an indented line after a key" },
		{ "[suite]\nexec = /bin/sh -c 'exit 0\n", "s.conf:2: exec = /bin/sh -c 'exit 0: '/bin/sh -c 'exit 0': a single quote is never closed" },
		{ "[suite]\nexec = /bin/true\x1b[2J\n", "s.conf:2: exec = /bin/true\\x1b[2J: holds a control character" },
		{ "[hyperfine]\ncommands = /bin/true; \"unclosed\n", "s.conf:2: commands = " },
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		why[0] = '\0';
		if (parse_suite(bad[i].text, &config, why, sizeof why) != -1 || !strstr(why, bad[i].expected))
			fail_msg("case %zu: '%s', expected '%s'", i, why, bad[i].expected);
		config_free(&config);
	}
	char long_line[400];
	snprintf(long_line, sizeof long_line, "[suite]\ndescription = %0250d\n", 0);
	assert_int_equal(parse_suite(long_line, &config, why, sizeof why), -1);
	assert_non_null(strstr(why, "s.conf:2: a line longer than 198 characters"));
	config_free(&config);
	config_init(&config);
	assert_int_equal(config_set(&config, NULL, "exec", "/bin/true\nx", why, sizeof why), CONFIG_BAD_VALUE);
	config_free(&config);
	assert_int_equal(parse_suite("[suite]\r\nheap = 0, 4K\r\nexec = /bin/sh -c 'exit 0'\r\n", &config, why, sizeof why), 0);
	assert_int_equal(config.axes.counts[DIMENSION_HEAP], 2);
	config_free(&config);
}

static void test_output_directories(void **state)
{
	(void)state;
	char dir[] = "/tmp/spawnbench-unit.XXXXXX", final[4096], why[4200];
	assert_non_null(mkdtemp(dir));
	char *empty = xasprintf("%s/empty", dir), *slashed = xasprintf("%s/empty//", dir), *full = xasprintf("%s/full", dir);
	char *file = xasprintf("%s/full/x", dir), *link = xasprintf("%s/link", dir);
	assert_int_equal(mkdir(empty, 0700), 0);
	assert_int_equal(mkdir(full, 0700), 0);
	fclose(fopen(file, "w"));
	assert_int_equal(symlink(empty, link), 0);
	assert_int_equal(output_dir_choose(slashed, final, sizeof final, why, sizeof why), 0);
	assert_string_equal(final, empty); /* DIR// is DIR: DIR.partial beside it, then renamed over it */
	struct stat info;
	assert_int_equal(stat(empty, &info), 0); /* kept: nothing removes it before the bundle replaces it */
	assert_int_equal(output_dir_choose(full, final, sizeof final, why, sizeof why), -1);
	assert_non_null(strstr(why, "not an empty directory"));
	assert_int_equal(output_dir_choose(link, final, sizeof final, why, sizeof why), -1);
	assert_null(output_file_create(link)); /* never through a link */
	char *other = xasprintf("%s/other", dir);
	assert_int_equal(output_dir_choose(other, final, sizeof final, why, sizeof why), 0);
	assert_int_equal(bundle_tree_check(dir, why, sizeof why), -1);
	assert_non_null(strstr(why, "/link: a symbolic link"));
	unlink(link);
	assert_int_equal(bundle_tree_check(dir, why, sizeof why), 0);
	unlink(file);
	rmdir(full);
	rmdir(empty);
	rmdir(dir);
	free(empty), free(slashed), free(full), free(file), free(link), free(other);
}

/* Found by fuzz_bundle: a summary.csv row with an unknown dimension leaked the whole table (seen under LeakSanitizer). */
static void test_bundle_with_an_unknown_dimension(void **state)
{
	(void)state;
	char dir[] = "/tmp/spawnbench-unit.XXXXXX", why[600];
	assert_non_null(mkdtemp(dir));
	char *meta = xasprintf("%s/meta.json", dir), *summary = xasprintf("%s/summary.csv", dir);
	FILE *file = fopen(meta, "wx");
	fputs("{\"schema_version\": 1, \"status\": \"complete\"}", file);
	fclose(file);
	file = fopen(summary, "wx");
	fputs("primitive,action,heap_bytes,write_ratio,writer,pattern,backing,layout,placement,command,phase,median_us,status\n"
	      "fork,exit,0,0,child,sequential,private,contiguous,same-cpu,,roundtrip,80,ok\n"
	      "spoon,exit,0,0,child,sequential,private,contiguous,same-cpu,,roundtrip,80,ok\n", file);
	fclose(file);
	struct loaded_bundle bundle;
	assert_int_equal(bundle_load(dir, &bundle, why, sizeof why), -1);
	assert_non_null(strstr(why, "summary.csv: line 3: a dimension this spawnbench does not know (primitive = spoon)"));
	unlink(meta);
	unlink(summary);
	rmdir(dir);
	free(meta);
	free(summary);
}

const struct CMUnitTest input_tests[] = {
	cmocka_unit_test(test_bundle_with_an_unknown_dimension),
	cmocka_unit_test(test_shell_words),
	cmocka_unit_test(test_csv_as_other_tools_write_it),
	cmocka_unit_test(test_csv_written_reads_back),
	cmocka_unit_test(test_gnuplot_strings_are_literals),
	cmocka_unit_test(test_suite_text_taken_as_meant),
	cmocka_unit_test(test_output_directories),
};
const size_t input_test_count = sizeof input_tests / sizeof input_tests[0];
