#define _GNU_SOURCE
#include "chart_run.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "safe_output.h"
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
	bool made = output_dir_make(files->plots_dir) == 0 && output_dir_make(data_dir) == 0;
	char *data_path = xasprintf("%s/%s.dat", data_dir, name), *vars_path = xasprintf("%s/%s.gp", data_dir, name);
	if (made) {
		files->data = output_file_create(data_path);
		files->variables = output_file_create(vars_path);
	}
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

/* 'VALUE' with ' doubled and control characters (a newline would end the line) as spaces. */
static void quote_single(const char *value, char *out, size_t size)
{
	size_t used = 0;
	out[used++] = '\'';
	for (const unsigned char *c = (const unsigned char *)value; *c && used + 3 < size; c++) {
		if (*c == '\'')
			out[used++] = '\'';
		out[used++] = *c < 0x20 || *c == 0x7f ? ' ' : (char)*c;
	}
	out[used++] = '\'';
	out[used] = '\0';
}

void gp_assign_text(FILE *variables, const char *name, const char *value)
{
	char quoted[2 * 1024 + 3];
	quote_single(value, quoted, sizeof quoted);
	fprintf(variables, "%s = %s\n", name, quoted);
}

void gp_append_text(char *buffer, size_t size, const char *name, const char *value)
{
	char quoted[2 * 1024 + 3];
	quote_single(value, quoted, sizeof quoted);
	size_t used = strlen(buffer);
	if (used < size)
		snprintf(buffer + used, size - used, "%s = %s\n", name, quoted);
}

void gp_assign_ticks(FILE *variables, size_t count, const char *const *labels, const double *values)
{
	fprintf(variables, "tick_count = %zu\n", count);
	for (size_t i = 0; i < count; i++) {
		char name[32];
		snprintf(name, sizeof name, "tick_label_%zu", i + 1);
		gp_assign_text(variables, name, labels[i]);
		fprintf(variables, "tick_value_%zu = %.17g\n", i + 1, values[i]);
	}
}

void gp_data_label(FILE *data, const char *text)
{
	fputc('"', data);
	for (const unsigned char *c = (const unsigned char *)text; *c; c++)
		fputc(*c == '"' ? '\'' : *c < 0x20 || *c == 0x7f ? ' ' : (char)*c, data);
	fputc('"', data);
}

/* Runs gnuplot VARS SCRIPT inside the plots directory, its stderr into log; the wait status, or -1. */
static int run_gnuplot(const char *plots_dir, const char *vars, const char *script, const char *log)
{
	posix_spawn_file_actions_t actions;
	posix_spawn_file_actions_init(&actions);
	posix_spawn_file_actions_addchdir_np(&actions, plots_dir);
	posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
	posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, log, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW, 0644);
	char *argv[] = { "gnuplot", (char *)vars, (char *)script, NULL };
	pid_t pid;
	int status = -1;
	/* a chart takes gnuplot well under a second; one that does not end in a minute is stopped */
	if (posix_spawnp(&pid, "gnuplot", &actions, NULL, argv, environ) == 0) {
		if (!wait_bounded(pid, 60))
			kill(pid, SIGKILL);
		status = reap_child(pid);
	}
	posix_spawn_file_actions_destroy(&actions);
	return status;
}

bool chart_files_draw(struct chart_files *files, const char *script, const char *heading, const char *subtitle,
		      char *note, size_t note_size)
{
	char *plotdir = xasprintf("%s/plots", project_root());
	char *data = xasprintf("data/%s.dat", files->name);
	gp_assign_text(files->variables, "plotdir", plotdir);
	gp_assign_text(files->variables, "out", files->name);
	gp_assign_text(files->variables, "datafile", data);
	gp_assign_text(files->variables, "heading", heading);
	gp_assign_text(files->variables, "subtitle", subtitle);
	chart_files_discard(files);
	char *vars = xasprintf("data/%s.gp", files->name);
	char *script_path = xasprintf("%s/%s", plotdir, script);
	char *log_path = xasprintf("%s/data/%s.log", files->plots_dir, files->name);
	/* gnuplot writes NAME.png and NAME.svg where it runs: none may be a link already */
	char *png = xasprintf("%s/%s.png", files->plots_dir, files->name), *svg = xasprintf("%s/%s.svg", files->plots_dir, files->name);
	struct stat info;
	bool linked = (lstat(png, &info) == 0 && !S_ISREG(info.st_mode)) || (lstat(svg, &info) == 0 && !S_ISREG(info.st_mode));
	int status = linked ? -2 : run_gnuplot(files->plots_dir, vars, script_path, log_path);
	char *log = linked ? NULL : read_text_file(log_path);
	note[0] = '\0';
	if (status == -2)
		snprintf(note, note_size, "%s.png or .svg is not a regular file: not drawn over", files->name);
	else if (status == -1)
		snprintf(note, note_size, "gnuplot could not be started (apt-get install gnuplot-nox)");
	else if (log && *log)
		snprintf(note, note_size, "gnuplot: %.360s", log);
	free(log);
	free(plotdir);
	free(data);
	free(vars);
	free(script_path);
	free(log_path);
	free(png);
	free(svg);
	return status == 0;
}
