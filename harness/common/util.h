/* Errors, allocation and small string helpers for the orchestrator. */
#ifndef SPAWNBENCH_UTIL_H
#define SPAWNBENCH_UTIL_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdnoreturn.h>
#include <sys/types.h>

/* Exit statuses, as the README lists them. */
enum exit_status {
	EXIT_OK = 0,
	EXIT_RUN_FAILED = 1,    /* could not run: missing dependency, no cell measured */
	EXIT_BAD_INPUT = 2,     /* bad option, config, value or bundle */
	EXIT_REGRESSION = 3,    /* --compare found a significant regression */
	EXIT_INTERRUPTED = 130, /* Ctrl-C or SIGTERM: the bundle keeps the finished cells */
};

/* Exit statuses of --compare --bisect, git bisect run's: 0 good, 1 bad, 125 cannot tell (skip). */
enum bisect_status { BISECT_GOOD = 0, BISECT_BAD = 1, BISECT_SKIP = 125 };

/* The status die_bad_input exits with: 2, or 125 under --bisect (bad input cannot tell good from bad). */
void set_bad_input_status(int status);

/* One line "spawnbench: MESSAGE" on stderr, then exit 2 / exit 1. */
noreturn void die_bad_input(const char *format, ...) __attribute__((format(printf, 1, 2)));
noreturn void die(const char *format, ...) __attribute__((format(printf, 1, 2)));
void warn(const char *format, ...) __attribute__((format(printf, 1, 2)));

void *xmalloc(size_t size);
void *xcalloc(size_t count, size_t size);
void *xrealloc(void *pointer, size_t size);
char *xstrdup(const char *text);
char *xasprintf(const char *format, ...) __attribute__((format(printf, 1, 2)));

/* Strips leading and trailing white space in place; returns text. */
char *trim(char *text);

/* Reads a whole small file (e.g. under /proc) without its trailing newline; NULL if unreadable. */
char *read_text_file(const char *path);
/* Reads a whole file of at most limit bytes into *size bytes (caller frees); NULL with errno if it cannot. */
char *read_binary_file(const char *path, size_t limit, size_t *size);

/*
 * Waits at most seconds for the child pid to exit, without reaping it (its
 * pid and process group stay reserved until reap_child); false if it still
 * runs then.
 */
bool wait_bounded(pid_t pid, double seconds);
/* Reaps the child pid (waiting if needed); its wait status. */
int reap_child(pid_t pid);

/* CLOCK_MONOTONIC in seconds. */
double monotonic_seconds(void);

/* Directory holding the spawnbench tree (build/.. of the running binary). */
const char *project_root(void);
/* Directory of the running binary, where the worker and the helper are built too. */
const char *binary_dir(void);

#endif
