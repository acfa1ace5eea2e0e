#define _GNU_SOURCE
#include "chart_run.h"

#include <errno.h>
#include <fcntl.h>
#include <spawn.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "util.h"

extern char **environ;

bool chart_files_open(struct chart_files *files, const char *dir, const char *name)
{
	memset(files, 0, sizeof *files);
	snprintf(files->name, sizeof files->name, "%s", name);
	int length = snprintf(files->plots_dir, sizeof files->plots_dir, "%s/plots", dir);
	if (length < 0 || (size_t)length >= sizeof files->plots_dir)
		return false;
	char *data_dir = xasprintf("%s/data", files->plots_dir);
	mkdir(files->plots_dir, 0755);
	mkdir(data_dir, 0755);
	char *data_path = xasprintf("%s/%s.dat", data_dir, name), *vars_path = xasprintf("%s/%s.gp", data_dir, name);
	files->data = fopen(data_path, "w");
	files->variables = fopen(vars_path, "w");
	free(data_dir);
	free(data_path);
	free(vars_path);
	if (!files->data || !files->variables) {
		chart_files_discard(files);
		return false;
	}
	return true;
}

void chart_files_discard(struct chart_files *files)
{
	if (files->data)
		fclose(files->data);
	if (files->variables)
		fclose(files->variables);
	files->data = files->variables = NULL;
}

/* A gnuplot double-quoted string assignment. */
static void gp_string(FILE *file, const char *name, const char *value)
{
	fprintf(file, "%s = \"", name);
	for (const char *c = value; *c; c++)
		fprintf(file, *c == '"' || *c == '\\' ? "\\%c" : "%c", *c);
	fprintf(file, "\"\n");
}

/* Runs gnuplot VARS SCRIPT with its stderr into log; the wait status, or -1 if it did not start. */
static int run_gnuplot(const char *vars, const char *script, const char *log)
{
	posix_spawn_file_actions_t actions;
	posix_spawn_file_actions_init(&actions);
	posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, log, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	char *argv[] = { "gnuplot", (char *)vars, (char *)script, NULL };
	pid_t pid;
	int status = -1;
	if (posix_spawnp(&pid, "gnuplot", &actions, NULL, argv, environ) == 0)
		while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
			;
	posix_spawn_file_actions_destroy(&actions);
	return status;
}

bool chart_files_draw(struct chart_files *files, const char *script, const char *heading, const char *subtitle,
		      char *note, size_t note_size)
{
	char *plotdir = xasprintf("%s/plots", project_root());
	char *out = xasprintf("%s/%s", files->plots_dir, files->name);
	char *data = xasprintf("%s/data/%s.dat", files->plots_dir, files->name);
	gp_string(files->variables, "plotdir", plotdir);
	gp_string(files->variables, "out", out);
	gp_string(files->variables, "datafile", data);
	gp_string(files->variables, "heading", heading);
	gp_string(files->variables, "subtitle", subtitle);
	chart_files_discard(files);
	char *vars = xasprintf("%s/data/%s.gp", files->plots_dir, files->name);
	char *script_path = xasprintf("%s/%s", plotdir, script);
	char *log_path = xasprintf("%s/data/%s.log", files->plots_dir, files->name);
	int status = run_gnuplot(vars, script_path, log_path);
	char *log = read_text_file(log_path);
	note[0] = '\0';
	if (status == -1)
		snprintf(note, note_size, "gnuplot could not be started (apt-get install gnuplot-nox)");
	else if (log && *log)
		snprintf(note, note_size, "gnuplot: %.360s", log);
	free(log);
	free(plotdir);
	free(out);
	free(data);
	free(vars);
	free(script_path);
	free(log_path);
	return status == 0;
}
