#define _GNU_SOURCE
#include "creation.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "protocol.h"

#define CLONE_STACK_BYTES (256u << 10)

extern char **environ;

void pin_to_cpu(int cpu)
{
	cpu_set_t set;
	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	sched_setaffinity(0, sizeof set, &set); /* 0: the calling thread */
}

static void set_up_exec(struct creator *c)
{
	if (!c->exec_is_helper)
		return;
	int fds[2];
	if (pipe2(fds, O_CLOEXEC | O_NONBLOCK) != 0)
		worker_say_and_exit(PROTOCOL_FAIL, "pipe for the helper's start time", 1);
	/* the write end must survive exec: the helper writes its start time there */
	fcntl(fds[1], F_SETFD, 0);
	c->helper_read_fd = fds[0];
	snprintf(c->helper_fd_arg, sizeof c->helper_fd_arg, "%d", fds[1]);
	c->exec_argv[1] = c->helper_fd_arg;
}

void creator_set_up_channels(struct creator *c)
{
	c->report = mmap(NULL, PAGE_BYTES, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	void *stack = mmap(NULL, CLONE_STACK_BYTES, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (c->report == MAP_FAILED || stack == MAP_FAILED)
		worker_say_and_exit(PROTOCOL_FAIL, "mmap of the report page or the clone stack", 1);
	c->clone_stack_top = (char *)stack + CLONE_STACK_BYTES;
	set_up_exec(c);
}

void creator_set_up_heap(struct creator *c)
{
	char why[256];
	if (heap_create(&c->heap, &c->cell, why, sizeof why) != 0)
		worker_say_and_exit(PROTOCOL_FAIL, why, 1);
	if (c->cell.backing == BACKING_THP) {
		uint64_t huge = anon_huge_bytes();
		if (huge < c->cell.heap_bytes / 10 * 9) {
			snprintf(why, sizeof why,
				 "THP did not take: AnonHugePages %" PRIu64 " KiB of %" PRIu64 " KiB "
				 "(see /sys/kernel/mm/transparent_hugepage/enabled and defrag)",
				 huge >> 10, c->cell.heap_bytes >> 10);
			worker_say_and_exit(PROTOCOL_SKIP, why, 0);
		}
	}
	c->pages_to_write = cell_pages_written(&c->cell);
}

/* Pipes that let the parent write while a fork-like child is still alive. */
struct parent_write_sync {
	int release[2];      /* exit action: the child waits here until we have written */
	int exec_notice[2];  /* exec action: close-on-exec, so EOF means the child has exec'd */
};

static bool parent_writes(const struct creator *c)
{
	return c->cell.writer == WRITER_PARENT && c->pages_to_write > 0;
}

static void prepare_job(struct creator *c, struct child_job *job, struct parent_write_sync *sync)
{
	memset(job, 0, sizeof *job);
	job->action = c->cell.action;
	job->exec_argv = c->exec_argv;
	job->exec_envp = environ;
	job->heap = &c->heap;
	job->pages_to_write = c->cell.writer == WRITER_CHILD ? c->pages_to_write : 0;
	job->write_value = (unsigned char)(c->iteration | 1);
	job->report = c->report;
	job->stack_top = c->clone_stack_top;
	job->move_to_cpu = c->move_to_cpu;
	job->release_fd = job->parent_end_fd = -1;
	sync->release[0] = sync->release[1] = sync->exec_notice[0] = sync->exec_notice[1] = -1;
	if (!parent_writes(c) || c->primitive->parent_suspended)
		return;
	if (c->cell.action == ACTION_EXIT && pipe2(sync->release, O_CLOEXEC) == 0) {
		job->release_fd = sync->release[0];
		job->parent_end_fd = sync->release[1];
	} else if (c->cell.action == ACTION_EXEC && pipe2(sync->exec_notice, O_CLOEXEC) != 0) {
		worker_say_and_exit(PROTOCOL_FAIL, "pipe for the exec notice", 1);
	}
}

static void close_fd(int *fd)
{
	if (*fd >= 0)
		close(*fd);
	*fd = -1;
}

/* Returns the cow window in ns: the parent's write loop, with the child alive or exec'd. */
static int64_t parent_write(struct creator *c, struct parent_write_sync *sync)
{
	char byte;
	close_fd(&sync->release[0]);
	close_fd(&sync->exec_notice[1]);
	if (sync->exec_notice[0] >= 0)
		while (read(sync->exec_notice[0], &byte, 1) < 0 && errno == EINTR)
			; /* returns 0 once the child's exec closed its end */
	/* timed window "cow" (parent writer): the write loop alone */
	int64_t cow_start = monotonic_ns();
	heap_write_pages(&c->heap, c->pages_to_write, (unsigned char)(c->iteration | 1));
	int64_t cow_end = monotonic_ns();
	if (sync->release[1] >= 0 && write(sync->release[1], "g", 1) != 1)
		worker_say_and_exit(PROTOCOL_FAIL, "could not release the child", 1);
	close_fd(&sync->release[1]);
	close_fd(&sync->exec_notice[0]);
	return cow_end - cow_start;
}

static int64_t helper_start_ns(const struct creator *c)
{
	int64_t start = -1, value;
	while (read(c->helper_read_fd, &value, sizeof value) == sizeof value)
		start = value;
	return start;
}

static void check_child_status(const struct creator *c, int status)
{
	char why[200];
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		return;
	if (WIFSIGNALED(status))
		snprintf(why, sizeof why, "child killed by signal %d (%s)", WTERMSIG(status),
			 strsignal(WTERMSIG(status)));
	else if (WEXITSTATUS(status) == CHILD_EXEC_FAILED && c->cell.action == ACTION_EXEC)
		snprintf(why, sizeof why, "exec of %s failed in the child", c->exec_argv[0]);
	else
		snprintf(why, sizeof why, "child exited with status %d", WEXITSTATUS(status));
	worker_say_and_exit(PROTOCOL_FAIL, why, 1);
}

static void fill_phases(const struct creator *c, struct sample *s, int64_t call_ns, int64_t parent_cow_ns)
{
	const struct child_report *report = c->report;
	if (c->cell.action == ACTION_EXEC)
		s->start_ns = c->exec_is_helper ? helper_start_ns(c) : -1;
	else
		s->start_ns = report->start_ns;
	if (s->start_ns >= 0)
		s->start_ns -= call_ns;
	if (c->pages_to_write == 0)
		s->cow_ns = -1;
	else if (c->cell.writer == WRITER_PARENT)
		s->cow_ns = parent_cow_ns;
	else
		s->cow_ns = report->cow_end_ns - report->cow_start_ns;
}

void creator_run_iteration(struct creator *c, struct sample *s, bool counted)
{
	struct child_job job;
	struct parent_write_sync sync;
	struct rusage parent_before, parent_after, child_usage;
	int status;
	int64_t parent_cow_ns = -1;

	prepare_job(c, &job, &sync);
	memset(c->report, 0, sizeof *c->report);
	s->counted = counted;
	s->creator = c->index;
	counted = counted && c->counters;
	if (counted)
		counters_start(c->counters);
	/* this thread's faults: with several threads, RUSAGE_SELF would add the others' */
	getrusage(RUSAGE_THREAD, &parent_before);

	/* timed windows "create", "start" and "roundtrip" open: just before the call */
	int64_t call_ns = monotonic_ns();
	pid_t pid = c->primitive->create(&job);
	int64_t returned_ns = monotonic_ns();
	/* window "create" closes: the call has returned in the parent */
	if (pid < 0) {
		char why[160];
		snprintf(why, sizeof why, "%s failed: %s", c->primitive->name, strerror(errno));
		worker_say_and_exit(PROTOCOL_FAIL, why, 1);
	}
	if (parent_writes(c))
		parent_cow_ns = parent_write(c, &sync);
	while (wait4(pid, &status, 0, &child_usage) < 0 && errno == EINTR)
		;
	int64_t reaped_ns = monotonic_ns();
	/* window "roundtrip" closes: wait4 has returned the reaped child */

	getrusage(RUSAGE_THREAD, &parent_after);
	if (counted)
		counters_stop(c->counters, s->readings);
	check_child_status(c, status);
	s->create_ns = returned_ns - call_ns;
	s->roundtrip_ns = reaped_ns - call_ns;
	fill_phases(c, s, call_ns, parent_cow_ns);
	s->child_minflt = child_usage.ru_minflt;
	s->child_majflt = child_usage.ru_majflt;
	s->parent_minflt = parent_after.ru_minflt - parent_before.ru_minflt;
	s->parent_majflt = parent_after.ru_majflt - parent_before.ru_majflt;
	c->iteration++;
}

