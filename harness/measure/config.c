#include "config.h"

#include <ini.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "parse.h"
#include "primitive.h"
#include "safe_output.h"
#include "util.h"

typedef int (*item_parser)(struct suite_config *config, const char *item, size_t index, char *why,
			   size_t why_size);

/* Applies parse to every item of a comma-separated list; returns the count or -1. */
static int apply_list(struct suite_config *config, char *value, size_t max, item_parser parse, char *why,
		      size_t why_size)
{
	char *items[MAX_VALUES];
	int count = split_list(value, items, max < MAX_VALUES ? (int)max : MAX_VALUES);
	if (count < 0) {
		snprintf(why, why_size, "an empty item, or more than %zu items", max);
		return -1;
	}
	for (int i = 0; i < count; i++) {
		for (int j = 0; j < i; j++)
			if (strcmp(items[i], items[j]) == 0) {
				snprintf(why, why_size, "'%s' is listed twice", items[i]);
				return -1;
			}
		if (parse(config, items[i], (size_t)i, why, why_size) != 0)
			return -1;
	}
	return count;
}

static int parse_event(struct suite_config *c, const char *item, size_t i, char *why, size_t why_size)
{
	(void)why;
	(void)why_size;
	free(c->event_names[i]);
	c->event_names[i] = xstrdup(item);
	return 0;
}

/* A dimension's list: "heap = 0, 64M" into config->axes, in the order given. */
static int set_axis(struct suite_config *c, enum dimension_id id, char *value, char *why, size_t why_size)
{
	const struct dimension *d = &dimension_table[id];
	char *items[MAX_VALUES];
	int count = split_list(value, items, d->max_values < MAX_VALUES ? (int)d->max_values : MAX_VALUES);
	if (count < 0) {
		snprintf(why, why_size, "an empty item, or more than %zu items", d->max_values);
		return -1;
	}
	double values[MAX_VALUES];
	for (int i = 0; i < count; i++) {
		char problem[200];
		if (dimension_parse(id, items[i], &values[i], problem, sizeof problem) != 0) {
			snprintf(why, why_size, "'%s' is %s", items[i], problem);
			return -1;
		}
		for (int j = 0; j < i; j++)
			if (values[j] == values[i]) {
				snprintf(why, why_size, "'%s' is listed twice", items[i]);
				return -1;
			}
	}
	memcpy(c->axes.values[id], values, (size_t)count * sizeof *values);
	c->axes.counts[id] = (size_t)count;
	return 0;
}

static int set_events(struct suite_config *c, char *value, char *why, size_t why_size)
{
	if (strcmp(trim(value), "none") == 0) {
		c->event_count = 0;
		return 0;
	}
	int count = apply_list(c, value, MAX_EVENT_NAMES, parse_event, why, why_size);
	if (count < 0)
		return -1;
	c->event_count = (size_t)count;
	return 0;
}

/* A command as hyperfine -N and the worker take it: words a shell would split it into, checked. */
static int check_command(const char *command, char *why, size_t why_size)
{
	char **words, problem[128];
	if (shell_words_split(command, &words, MAX_COMMAND_WORDS, problem, sizeof problem) < 0) {
		snprintf(why, why_size, "'%s': %s", command, problem);
		return -1;
	}
	shell_words_free(words);
	return 0;
}

/* The next ';' that is not inside quotes or after a backslash, or the string's end. */
static char *command_end(char *text)
{
	char quote = 0;
	for (char *c = text; *c; c++) {
		if (quote) {
			if (*c == '\\' && quote == '"' && c[1])
				c++;
			else if (*c == quote)
				quote = 0;
		} else if (*c == '\\' && c[1]) {
			c++;
		} else if (*c == '\'' || *c == '"') {
			quote = *c;
		} else if (*c == ';') {
			return c;
		}
	}
	return text + strlen(text);
}

/* "helper; /bin/true; sh -c 'a; b'": commands hold commas and spaces, so an unquoted ';' separates them. */
static int set_commands(struct suite_config *c, char *value, char *why, size_t why_size)
{
	for (size_t i = 0; i < c->command_count; i++)
		free(c->commands[i]);
	c->command_count = 0;
	if (strcmp(trim(value), "none") == 0)
		return 0;
	for (char *item = value, *end;; item = end + 1) {
		end = command_end(item);
		bool last = *end == '\0';
		*end = '\0';
		item = trim(item);
		if (!*item || c->command_count == MAX_COMMANDS) {
			snprintf(why, why_size, "an empty command, or more than %d", MAX_COMMANDS);
			return -1;
		}
		if (check_command(item, why, why_size) != 0)
			return -1;
		c->commands[c->command_count++] = xstrdup(item);
		if (last)
			return 0;
	}
}

static int set_description(struct suite_config *c, char *value, char *why, size_t why_size)
{
	(void)why;
	(void)why_size;
	snprintf(c->description, sizeof c->description, "%s", value);
	return 0;
}

static int set_write_heap_limit(struct suite_config *c, char *value, char *why, size_t why_size)
{
	if (strcmp(value, "none") == 0) {
		c->write_heap_limit = 0;
		return 0;
	}
	return parse_size(value, &c->write_heap_limit, why, why_size);
}

static int set_exec(struct suite_config *c, char *value, char *why, size_t why_size)
{
	bool helper = strcmp(value, "helper") == 0 || strcmp(value, "helper-glibc") == 0;
	if (!helper && value[0] != '/') {
		snprintf(why, why_size, "give 'helper', 'helper-glibc' or an absolute path, with arguments if any: /bin/true, "
					"/bin/sh -c 'exit 0'");
		return -1;
	}
	if (!helper && check_command(value, why, why_size) != 0)
		return -1;
	if (strlen(value) >= sizeof c->exec) {
		snprintf(why, why_size, "longer than %zu characters", sizeof c->exec - 1);
		return -1;
	}
	snprintf(c->exec, sizeof c->exec, "%s", value);
	return 0;
}

#define COUNT_OPTION(function, field, min, max)                                               \
	static int function(struct suite_config *c, char *value, char *why, size_t why_size)  \
	{                                                                                     \
		return parse_count(value, min, max, &c->field, why, why_size);                \
	}
COUNT_OPTION(set_warmup, warmup, 0, 10000)
COUNT_OPTION(set_min_iterations, min_iterations, 1, 1000000)
COUNT_OPTION(set_max_iterations, max_iterations, 1, 10000000)
COUNT_OPTION(set_hyperfine_runs, hyperfine_runs, 3, 1000000)
COUNT_OPTION(set_rounds, rounds, 1, 100)

static int set_ci_target(struct suite_config *c, char *value, char *why, size_t why_size)
{
	if (parse_ratio(value, &c->ci_target, why, why_size) != 0 || c->ci_target <= 0) {
		snprintf(why, why_size, "not a fraction above 0 and at most 1 (0.02 is 2%%)");
		return -1;
	}
	return 0;
}

static int set_budget(struct suite_config *c, char *value, char *why, size_t why_size)
{
	return parse_duration(value, &c->budget_seconds, why, why_size);
}

static int set_time(struct suite_config *c, char *value, char *why, size_t why_size)
{
	if (strcmp(value, "none") == 0) {
		c->time_seconds = 0;
		return 0;
	}
	return parse_duration(value, &c->time_seconds, why, why_size);
}

static int set_timeout(struct suite_config *c, char *value, char *why, size_t why_size)
{
	return parse_duration(value, &c->timeout_seconds, why, why_size);
}

/* The options that are not dimensions; the dimensions' come from dimension_table. */
static const struct option_spec other_options[] = {
	{ "description", "suite", "TEXT", "what the suite answers", "", set_description, NULL },
	{ "exec", "suite", "PROGRAM",
	  "what an exec'ing child runs: helper (freestanding), helper-glibc (static glibc), or an absolute path", "helper",
	  set_exec, NULL },
	{ "write_heap_limit", "suite", "SIZE", "measure writes (ratio > 0) on heaps up to this only, or none", "none",
	  set_write_heap_limit, NULL },
	{ "warmup", "sampling", "N", "iterations run first and not kept", "2", set_warmup, NULL },
	{ "min_iterations", "sampling", "N", "kept iterations, at least", "10", set_min_iterations, NULL },
	{ "max_iterations", "sampling", "N", "kept iterations, at most", "10000", set_max_iterations, NULL },
	{ "ci_target", "sampling", "FRACTION", "stop once the median's 95% CI half-width is within it", "0.02", set_ci_target, NULL },
	{ "time", "sampling", "DURATION",
	  "the whole suite's time, charts included, divided among its cells (60s, 15m); none: budget per cell",
	  "none", set_time, NULL },
	{ "budget", "sampling", "DURATION", "with time = none: one cell's iterations (set-up excluded); "
					    "--budget alone sets time none", "2s", set_budget, NULL },
	{ "timeout", "sampling", "DURATION", "one iteration longer than this fails the cell", "30s", set_timeout, NULL },
	{ "rounds", "sampling", "N", "measure every cell N times, round after round, each with 1/N of the budget",
	  "5", set_rounds, NULL },
	{ "events", "counters", "LIST", "perf events counted per iteration, or none", "none", set_events, NULL },
	{ "commands", "hyperfine", "CMDS", "whole commands for hyperfine -N, ';' apart (helper: spawnbench's), or none",
	  "none", set_commands, NULL },
	{ "runs", "hyperfine", "N", "hyperfine runs per command", "200", set_hyperfine_runs, NULL },
};

#define OTHER_OPTION_COUNT (sizeof other_options / sizeof other_options[0])

const struct option_spec *suite_options(size_t *count)
{
	static struct option_spec options[DIMENSION_COUNT + OTHER_OPTION_COUNT];
	if (!options[0].key) {
		for (size_t d = 0; d < DIMENSION_COUNT; d++) {
			const struct dimension *dim = &dimension_table[d];
			options[d] = (struct option_spec){ dim->key, "suite", dim->metavar, dim->help, dim->fallback, NULL, dim };
		}
		memcpy(options + DIMENSION_COUNT, other_options, sizeof other_options);
	}
	*count = DIMENSION_COUNT + OTHER_OPTION_COUNT;
	return options;
}

static const struct option_spec *option_by_key(const char *key)
{
	size_t count;
	const struct option_spec *options = suite_options(&count);
	for (size_t i = 0; i < count; i++)
		if (strcmp(options[i].key, key) == 0)
			return &options[i];
	return NULL;
}

const struct option_spec *option_by_cli_name(const char *name)
{
	char key[64];
	snprintf(key, sizeof key, "%s", name);
	for (char *c = key; *c; c++)
		if (*c == '-')
			*c = '_';
	return option_by_key(key);
}

int config_set(struct suite_config *config, const char *section, const char *key, const char *value,
	       char *why, size_t why_size)
{
	const struct option_spec *option = option_by_key(key);
	if (!option || (section && strcmp(section, option->section) != 0)) {
		if (option)
			snprintf(why, why_size, "key '%s' belongs in [%s], not [%s]", key, option->section, section);
		else
			snprintf(why, why_size, "unknown key '%s'", key);
		return -1;
	}
	if (text_has_controls(value)) {
		snprintf(why, why_size, "holds a control character (a newline, a tab, an escape): not a value a suite takes");
		return CONFIG_BAD_VALUE;
	}
	char *copy = xstrdup(value);
	char problem[256];
	int result = option->dimension ? set_axis(config, (enum dimension_id)(option->dimension - dimension_table), trim(copy),
						  problem, sizeof problem)
				       : option->apply(config, trim(copy), problem, sizeof problem);
	free(copy);
	if (result != 0) {
		snprintf(why, why_size, "%s", problem);
		return CONFIG_BAD_VALUE;
	}
	size_t count, index = (size_t)(option - suite_options(&count));
	free(config->text[index]);
	config->text[index] = xstrdup(value);
	return 0;
}

void config_init(struct suite_config *config)
{
	memset(config, 0, sizeof *config);
	char why[256];
	size_t count;
	const struct option_spec *options = suite_options(&count);
	for (size_t i = 0; i < count; i++)
		if (config_set(config, NULL, options[i].key, options[i].fallback, why, sizeof why) != 0)
			die("built-in default: %s", why);
}

void config_add_override(struct suite_config *config, const char *key, const char *value)
{
	if (config->override_count == sizeof config->override_keys / sizeof config->override_keys[0])
		return;
	config->override_keys[config->override_count] = xstrdup(key);
	config->override_values[config->override_count++] = xstrdup(value);
}

void config_for_sweep(const struct suite_config *config, size_t index, struct suite_config *sweep)
{
	char why[256];
	const struct sweep *s = &config->sweeps[index];
	config_init(sweep);
	size_t count;
	const struct option_spec *options = suite_options(&count);
	/* every value was checked when it was read: these cannot fail */
	for (size_t i = 0; i < count; i++)
		if (config->text[i])
			config_set(sweep, NULL, options[i].key, config->text[i], why, sizeof why);
	for (size_t i = 0; i < s->count; i++)
		config_set(sweep, NULL, s->keys[i], s->values[i], why, sizeof why);
	for (size_t i = 0; i < config->override_count; i++)
		config_set(sweep, NULL, config->override_keys[i], config->override_values[i], why, sizeof why);
}

void config_free(struct suite_config *config)
{
	for (size_t i = 0; i < config->sweep_count; i++)
		for (size_t k = 0; k < config->sweeps[i].count; k++) {
			free(config->sweeps[i].keys[k]);
			free(config->sweeps[i].values[k]);
		}
	for (size_t i = 0; i < config->override_count; i++) {
		free(config->override_keys[i]);
		free(config->override_values[i]);
	}
	for (size_t i = 0; i < MAX_EVENT_NAMES; i++)
		free(config->event_names[i]);
	for (size_t i = 0; i < config->command_count; i++)
		free(config->commands[i]);
	for (size_t i = 0; i < sizeof config->text / sizeof config->text[0]; i++)
		free(config->text[i]);
	memset(config, 0, sizeof *config);
}

/* A suite file whole, at most 1 MiB; NULL if it cannot be read or is larger. */
static char *read_config_file(const char *path)
{
	enum { MAX_CONFIG_BYTES = 1 << 20 };
	FILE *file = fopen(path, "re");
	if (!file)
		return NULL;
	char *text = xmalloc(MAX_CONFIG_BYTES + 1);
	size_t length = fread(text, 1, MAX_CONFIG_BYTES + 1, file);
	bool failed = ferror(file) || length > MAX_CONFIG_BYTES;
	fclose(file);
	if (failed) {
		free(text);
		return NULL;
	}
	text[length] = '\0';
	return text;
}

struct ini_context {
	struct suite_config *config;
	char why[512];
};

/* A [sweep NAME] key: checked on a scratch config now, applied when the plan is built. */
static int add_sweep_key(struct ini_context *context, const char *name, const char *key, const char *value)
{
	struct suite_config *config = context->config, scratch;
	char problem[400];
	struct sweep *sweep = NULL;
	for (size_t i = 0; i < config->sweep_count; i++)
		if (strcmp(config->sweeps[i].name, name) == 0)
			sweep = &config->sweeps[i];
	if (!sweep && config->sweep_count < MAX_SWEEPS) {
		sweep = &config->sweeps[config->sweep_count++];
		snprintf(sweep->name, sizeof sweep->name, "%s", name);
	}
	const struct option_spec *option = option_by_cli_name(key);
	const char *problem_text = !sweep || sweep->count == sizeof sweep->keys / sizeof sweep->keys[0]
					   ? "too many sweeps, or keys in one"
				   : !option ? "unknown key"
				   : strcmp(option->section, "suite") != 0 ? "a sweep sets [suite] keys only"
									    : NULL;
	if (problem_text) {
		snprintf(context->why, sizeof context->why, "[sweep %s] %s: %s", name, key, problem_text);
		return 0;
	}
	config_init(&scratch);
	int result = config_set(&scratch, NULL, key, value, problem, sizeof problem);
	config_free(&scratch);
	if (result != 0) {
		snprintf(context->why, sizeof context->why, "%s = %s: %s", key, value, problem);
		return 0;
	}
	sweep->keys[sweep->count] = xstrdup(key);
	sweep->values[sweep->count++] = xstrdup(value);
	return 1;
}

static int handle_ini_line(void *user, const char *section, const char *key, const char *value)
{
	struct ini_context *context = user;
	char problem[400];
	if (context->why[0])
		return 0; /* report only the first error */
	if (!key)
		return 1; /* a section header */
	if (strncmp(section, "sweep ", 6) == 0)
		return add_sweep_key(context, section + 6, key, value);
	int result = config_set(context->config, section, key, value, problem, sizeof problem);
	if (result == 0)
		return 1;
	char *shown = text_escape_controls(value);
	if (result == CONFIG_BAD_VALUE)
		snprintf(context->why, sizeof context->why, "%s = %s: %s", key, shown, problem);
	else
		snprintf(context->why, sizeof context->why, "%s", problem);
	free(shown);
	return 0;
}

/*
 * What inih would take otherwise than the user meant, refused with the line:
 * a ';' after a blank inside a value (an inline comment to inih, which would
 * cut the value silently), a line too long for inih (it would split it), and
 * an indented line after a key (inih's continuation, which replaces the value).
 */
static int check_ini_text(const char *text, const char *path, char *why, size_t why_size)
{
	int line_number = 0;
	bool after_key = false;
	for (const char *line = text; *line;) {
		const char *end = strchr(line, '\n');
		size_t length = end ? (size_t)(end - line) : strlen(line);
		line_number++;
		char *copy = xmalloc(length + 1);
		memcpy(copy, line, length);
		copy[length] = '\0';
		char *start = copy + strspn(copy, " \t\r");
		const char *problem = NULL;
		if (length >= INI_MAX_LINE - 1)
			problem = "a line longer than 198 characters: inih would split it";
		else if (*start && *start != ';' && *start != '#' && *start != '[' && start > copy && after_key)
			problem = "an indented line after a key: INI takes it as the value's continuation; start it at the margin";
		else if (*start != ';' && *start != '#' && strchr(start, '=') &&
			 (strstr(strchr(start, '='), " ;") || strstr(strchr(start, '='), "\t;")))
			problem = "';' after a blank starts a comment in an INI file and would cut the value: "
				  "write ';' with no blank before it";
		if (*start && *start != ';' && *start != '#')
			after_key = *start != '[';
		free(copy);
		if (problem) {
			snprintf(why, why_size, "%s:%d: %s", path, line_number, problem);
			return -1;
		}
		line = end ? end + 1 : line + length;
	}
	return 0;
}

int config_parse_text(struct suite_config *config, const char *text, const char *path, char *why, size_t why_size)
{
	struct ini_context context = { .config = config };
	if (check_ini_text(text, path, why, why_size) != 0)
		return -1;
	int line = ini_parse_string(text, handle_ini_line, &context);
	if (line != 0) {
		snprintf(why, why_size, "%s:%d: %s", path, line,
			 context.why[0] ? context.why : "not an INI line (key = value, or [section])");
		return -1;
	}
	snprintf(config->source, sizeof config->source, "%s", path);
	return 0;
}

int config_load(struct suite_config *config, const char *path, char *why, size_t why_size)
{
	char *text = read_config_file(path);
	if (!text) {
		snprintf(why, why_size, "%s: cannot open the config, or it is larger than 1 MiB", path);
		return -1;
	}
	int result = config_parse_text(config, text, path, why, why_size);
	free(text);
	return result;
}
