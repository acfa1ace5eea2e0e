#define _GNU_SOURCE
#include "extra_threads.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "creation.h"

#define EXTRA_THREAD_STACK_BYTES (64u << 10)
#define BUSY_STACK_BYTES 2048

struct extra_thread {
	enum thread_mode mode;
	int cpu;              /* -1: not pinned */
	int started_fd;       /* one byte once pinned and running */
};

/* Spins storing to its own stack, one cache line after another: never sleeps, never faults. */
static _Noreturn void spin(void)
{
	unsigned char stack[BUSY_STACK_BYTES];
	volatile unsigned char *line = stack; /* volatile: every store happens */
	for (unsigned i = 0;; i++)
		line[(i * 64) % BUSY_STACK_BYTES] = (unsigned char)i;
}

static void *extra_thread_main(void *argument)
{
	struct extra_thread thread = *(struct extra_thread *)argument;
	free(argument);
	if (thread.cpu >= 0)
		pin_to_cpu(thread.cpu);
	if (write(thread.started_fd, "s", 1) != 1)
		return NULL;
	if (thread.mode == THREAD_MODE_BUSY)
		spin();
	for (;;)
		pause(); /* idle: blocked until the worker exits */
}

static int start_one(enum thread_mode mode, int cpu, int started_fd, pthread_attr_t *attributes)
{
	pthread_t id;
	struct extra_thread *thread = malloc(sizeof *thread);
	if (!thread)
		return ENOMEM;
	*thread = (struct extra_thread){ mode, cpu, started_fd };
	int error = pthread_create(&id, attributes, extra_thread_main, thread);
	if (error)
		free(thread);
	return error;
}

/* Waits for count threads to say they run where they were put. */
static int await_started(int fd, unsigned count)
{
	char byte;
	for (unsigned i = 0; i < count; i++)
		if (read(fd, &byte, 1) != 1)
			return -1;
	return 0;
}

int extra_threads_start(unsigned count, enum thread_mode mode, const int *cpus, size_t cpu_count, char *why,
			size_t why_size)
{
	int started[2];
	pthread_attr_t attributes;
	if (!count)
		return 0;
	if (pipe2(started, O_CLOEXEC) != 0 || pthread_attr_init(&attributes) != 0) {
		snprintf(why, why_size, "extra threads: %s", strerror(errno));
		return -1;
	}
	pthread_attr_setstacksize(&attributes, EXTRA_THREAD_STACK_BYTES);
	int error = 0;
	for (unsigned i = 0; i < count && !error; i++)
		error = start_one(mode, cpu_count ? cpus[i % cpu_count] : -1, started[1], &attributes);
	pthread_attr_destroy(&attributes);
	if (error || await_started(started[0], count) != 0) {
		snprintf(why, why_size, "could not start %u extra threads: %s", count, strerror(error ? error : errno));
		return -1;
	}
	close(started[0]);
	close(started[1]);
	return 0;
}

unsigned process_thread_count(void)
{
	char line[256];
	unsigned threads = 0;
	FILE *file = fopen("/proc/self/status", "r");
	while (file && fgets(line, sizeof line, file))
		sscanf(line, "Threads: %u", &threads);
	if (file)
		fclose(file);
	return threads;
}
