#define _GNU_SOURCE
#include "child.h"

#include <sched.h>
#include <time.h>
#include <unistd.h>

int64_t monotonic_ns(void)
{
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	return (int64_t)now.tv_sec * 1000000000 + now.tv_nsec;
}

static void move_to_cpu(int cpu)
{
	cpu_set_t set;
	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	sched_setaffinity(0, sizeof set, &set);
}

noreturn void child_run(const struct child_job *job)
{
	job->report->start_ns = monotonic_ns();
	if (job->move_to_cpu >= 0)
		move_to_cpu(job->move_to_cpu);
	if (job->pages_to_write) {
		/* timed window "cow" (child writer): the write loop alone */
		job->report->cow_start_ns = monotonic_ns();
		heap_write_pages(job->heap, job->pages_to_write, job->write_value);
		job->report->cow_end_ns = monotonic_ns();
	}
	if (job->release_fd >= 0) {
		char byte;
		close(job->parent_end_fd); /* so a parent that dies releases us with EOF */
		while (read(job->release_fd, &byte, 1) < 0)
			;
	}
	if (job->action == ACTION_EXEC) {
		execve(job->exec_argv[0], job->exec_argv, job->exec_envp);
		_exit(CHILD_EXEC_FAILED);
	}
	_exit(0);
}
