#define _GNU_SOURCE
#include "util.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static void print_message(const char *format, va_list args)
{
	fputs("spawnbench: ", stderr);
	vfprintf(stderr, format, args);
	fputc('\n', stderr);
}

static int bad_input_status = EXIT_BAD_INPUT;

void set_bad_input_status(int status)
{
	bad_input_status = status;
}

void die_bad_input(const char *format, ...)
{
	va_list args;
	va_start(args, format);
	print_message(format, args);
	va_end(args);
	exit(bad_input_status);
}

void die(const char *format, ...)
{
	va_list args;
	va_start(args, format);
	print_message(format, args);
	va_end(args);
	exit(EXIT_RUN_FAILED);
}

void warn(const char *format, ...)
{
	va_list args;
	va_start(args, format);
	print_message(format, args);
	va_end(args);
}

void *xmalloc(size_t size)
{
	void *pointer = malloc(size ? size : 1);
	if (!pointer)
		die("out of memory");
	return pointer;
}

void *xcalloc(size_t count, size_t size)
{
	void *pointer = calloc(count ? count : 1, size ? size : 1);
	if (!pointer)
		die("out of memory");
	return pointer;
}

void *xrealloc(void *pointer, size_t size)
{
	pointer = realloc(pointer, size ? size : 1);
	if (!pointer)
		die("out of memory");
	return pointer;
}

char *xstrdup(const char *text)
{
	char *copy = strdup(text);
	if (!copy)
		die("out of memory");
	return copy;
}

char *xasprintf(const char *format, ...)
{
	va_list args;
	char *text;
	va_start(args, format);
	int length = vasprintf(&text, format, args);
	va_end(args);
	if (length < 0)
		die("out of memory");
	return text;
}

char *trim(char *text)
{
	while (isspace((unsigned char)*text))
		text++;
	size_t length = strlen(text);
	while (length && isspace((unsigned char)text[length - 1]))
		text[--length] = '\0';
	return text;
}

char *read_text_file(const char *path)
{
	FILE *file = fopen(path, "r");
	if (!file)
		return NULL;
	char *text = NULL;
	size_t size = 0;
	ssize_t length = getdelim(&text, &size, '\0', file);
	fclose(file);
	if (length < 0) {
		free(text);
		return NULL;
	}
	while (length > 0 && text[length - 1] == '\n')
		text[--length] = '\0';
	return text;
}

char *read_binary_file(const char *path, size_t limit, size_t *size)
{
	FILE *file = fopen(path, "rb");
	struct stat info;
	if (!file)
		return NULL;
	if (fstat(fileno(file), &info) != 0 || !S_ISREG(info.st_mode) || (uint64_t)info.st_size > limit) {
		fclose(file);
		errno = EFBIG;
		return NULL;
	}
	char *data = xmalloc((size_t)info.st_size + 1);
	*size = fread(data, 1, (size_t)info.st_size, file);
	fclose(file);
	data[*size] = '\0';
	return data;
}

/* Strips the last path component of path, in place. */
static void strip_last_component(char *path)
{
	char *slash = strrchr(path, '/');
	if (slash && slash != path)
		*slash = '\0';
}

double monotonic_seconds(void)
{
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	return (double)now.tv_sec + now.tv_nsec / 1e9;
}

const char *binary_dir(void)
{
	static char directory[PATH_MAX];
	if (directory[0])
		return directory;
	ssize_t length = readlink("/proc/self/exe", directory, sizeof directory - 1);
	if (length < 0)
		die("cannot read /proc/self/exe");
	directory[length] = '\0';
	strip_last_component(directory);
	return directory;
}

const char *project_root(void)
{
	static char root[PATH_MAX];
	if (!root[0]) {
		snprintf(root, sizeof root, "%s", binary_dir());
		strip_last_component(root);
	}
	return root;
}

bool wait_bounded(pid_t pid, double seconds)
{
	double deadline = monotonic_seconds() + seconds;
	for (;;) {
		siginfo_t info = { 0 };
		/* WNOWAIT: the child stays a zombie, so its pid (and process group) cannot be reused before it is reaped */
		int got = waitid(P_PID, (id_t)pid, &info, WEXITED | WNOHANG | WNOWAIT);
		if ((got == 0 && info.si_pid == pid) || (got < 0 && errno != EINTR))
			return true;
		if (monotonic_seconds() > deadline)
			return false;
		usleep(2000);
	}
}

int reap_child(pid_t pid)
{
	int status = 0;
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	return status;
}
