#define _GNU_SOURCE
#include "hyperfine.h"

#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <math.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "util.h"
#include "worker_link.h"

extern char **environ;

const char *command_program(const char *command, const struct sampler_paths *paths)
{
	const char *helper = named_helper(command, paths);
	return helper ? helper : command;
}

/*
 * Waits for hyperfine (pid, also its process group) until deadline; on
 * SIGINT or SIGTERM of the run, or past the deadline, kills the whole group.
 */
static int wait_for_group(pid_t pid, double deadline, struct cell_result *result)
{
	while (!wait_bounded(pid, 0.02)) {
		bool late = monotonic_seconds() > deadline;
		if (stop_requested || late) {
			result->interrupted = stop_requested != 0;
			result->timed_out = late;
			break;
		}
	}
	/* hyperfine has exited or is to be stopped; not reaped yet, so its group's id is still its own */
	kill(-pid, SIGKILL);
	return reap_child(pid);
}

/* Runs hyperfine into json_path, its output into log_path; returns its wait status, or -1 if it did not start. */
static int run_hyperfine(const char *command, const struct suite_config *config, const char *json_path,
			 const char *log_path, struct cell_result *result)
{
	char warmup[32], runs[32];
	snprintf(warmup, sizeof warmup, "%lu", config->warmup);
	snprintf(runs, sizeof runs, "%lu", config->hyperfine_runs);
	char *argv[] = { "hyperfine", "-N", "--style", "none", "--warmup", warmup, "--runs", runs,
			 "--export-json", (char *)json_path, "--", (char *)command, NULL };
	posix_spawn_file_actions_t actions;
	posix_spawn_file_actions_init(&actions);
	posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, log_path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	posix_spawn_file_actions_adddup2(&actions, STDOUT_FILENO, STDERR_FILENO);
	posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
	/* a process group of its own: hyperfine and every run it starts are stopped together */
	posix_spawnattr_t attributes;
	posix_spawnattr_init(&attributes);
	posix_spawnattr_setflags(&attributes, POSIX_SPAWN_SETPGROUP);
	posix_spawnattr_setpgroup(&attributes, 0);
	pid_t pid;
	int status = -1, error = posix_spawnp(&pid, "hyperfine", &actions, &attributes, argv, environ);
	posix_spawn_file_actions_destroy(&actions);
	posix_spawnattr_destroy(&attributes);
	if (error)
		return -1;
	/* every run may take the timeout, warm-up included, and a little for hyperfine itself */
	double deadline = monotonic_seconds() + config->timeout_seconds * (double)(config->warmup + config->hyperfine_runs) + 10;
	status = wait_for_group(pid, deadline, result);
	reap_orphans();
	return status;
}

/* The runs' times from hyperfine's JSON, as roundtrip samples; -1 with the status set. */
static int import_times(const char *json_path, struct cell_result *result)
{
	json_error_t error;
	json_t *root = json_load_file(json_path, 0, &error);
	json_t *entry = json_array_get(json_object_get(root, "results"), 0);
	json_t *times = json_object_get(entry, "times"), *time, *code;
	size_t index;
	if (!json_is_array(times)) {
		json_decref(root);
		result->status = CELL_FAILED;
		snprintf(result->reason, sizeof result->reason, "hyperfine wrote no times: %s", error.text);
		return -1;
	}
	json_array_foreach(json_object_get(entry, "exit_codes"), index, code)
		if (json_integer_value(code) != 0) {
			result->status = CELL_FAILED;
			snprintf(result->reason, sizeof result->reason, "the command exited with status %lld",
				 (long long)json_integer_value(code));
			json_decref(root);
			return -1;
		}
	struct sample_table *table = &result->samples;
	table->capacity = json_array_size(times);
	table->values = xmalloc((table->capacity ? table->capacity : 1) * table->columns * sizeof *table->values);
	json_array_foreach(times, index, time) {
		double *row = sample_row(table, table->rows++);
		for (size_t column = 0; column < table->columns; column++)
			row[column] = NAN;
		row[COLUMN_ROUNDTRIP_US] = json_number_value(time) * 1e6;
		row[COLUMN_COUNTED] = 0;
		row[COLUMN_ROUND] = 0; /* hyperfine runs a command once, in one round */
		row[COLUMN_CREATOR] = 0;
	}
	json_decref(root);
	return 0;
}

static void describe_failure(const char *log_path, int status, struct cell_result *result)
{
	char *log = read_text_file(log_path);
	const char *last = log ? strrchr(log, '\n') : NULL;
	result->status = CELL_FAILED;
	snprintf(result->reason, sizeof result->reason, "hyperfine exited with status %d: %.200s",
		 WIFEXITED(status) ? WEXITSTATUS(status) : -1, last ? last + 1 : log ? log : "");
	free(log);
}

void measure_command(const struct cell *cell, const struct suite_config *config, const struct event_set *events,
		     const struct sampler_paths *paths, struct cell_result *result)
{
	double started = monotonic_seconds();
	size_t counted = 0;
	memset(result, 0, sizeof *result);
	for (size_t i = 0; i < events->count; i++)
		counted += events->events[i].encoded != NULL;
	result->samples.columns = FIXED_COLUMNS + 2 * counted; /* as wide as every other row */
	char json_path[] = "/tmp/spawnbench-hyperfine-XXXXXX", log_path[] = "/tmp/spawnbench-hyperfine-log-XXXXXX";
	int json_fd = mkstemp(json_path), log_fd = mkstemp(log_path);
	if (json_fd < 0 || log_fd < 0)
		die("cannot create a temporary file in /tmp");
	close(json_fd);
	close(log_fd);
	int status = run_hyperfine(command_program(cell->command_line, paths), config, json_path, log_path, result);
	if (status == -1) {
		result->status = CELL_SKIPPED;
		snprintf(result->reason, sizeof result->reason, "hyperfine is not installed (apt-get install hyperfine)");
	} else if (result->timed_out) {
		result->status = CELL_FAILED;
		snprintf(result->reason, sizeof result->reason, "hyperfine ran past %.0f s per run (--timeout): killed",
			 config->timeout_seconds);
	} else if (!result->interrupted && status != 0) {
		describe_failure(log_path, status, result);
	} else if (!result->interrupted) {
		import_times(json_path, result);
	}
	unlink(json_path);
	unlink(log_path);
	result->seconds = monotonic_seconds() - started;
}
