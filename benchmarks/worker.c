/*
 * spawnbench-worker: the process that creates children. It is started fresh
 * for one cell, statically linked against libc alone, so that its footprint
 * (mappings, page tables) is small and the same in every cell.
 *
 * It maps and populates the heap (outside every timed window), then answers
 * the orchestrator in the line protocol of protocol.h.
 *
 * Plain and counted iterations are kept apart: an inherited event is copied
 * into each child at creation and folded back at its exit, inside the timed
 * windows, and opening or closing one (a tracepoint above all) disturbs the
 * iterations that follow. So the events are opened only for a "count" block,
 * after every plain iteration of the cell.
 *     <- quit
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cell.h"
#include "child.h"
#include "counters.h"
#include "dimension.h"
#include "heap.h"
#include "primitive.h"
#include "protocol.h"

#define CLONE_STACK_BYTES (256u << 10)
#define MAX_EXEC_WORDS 64

static FILE *protocol_in, *protocol_out;

struct worker {
	struct cell cell;
	const struct primitive *primitive;
	struct heap heap;
	struct counters counters;
	struct child_report *report;    /* MAP_SHARED: the child writes, we read */
	char *exec_argv[MAX_EXEC_WORDS + 1];  /* the program and its arguments, or the helper and its descriptor */
	size_t exec_words;
	char helper_fd_arg[16];
	bool exec_is_helper;            /* the helper reports its start time on a pipe */
	int helper_read_fd;
	void *clone_stack_top;
	uint64_t pages_to_write;
	int move_to_cpu;                /* other-cpu placement: the child's first act */
	unsigned iteration;
};

struct sample {
	bool counted;
	int64_t create_ns, start_ns, cow_ns, roundtrip_ns;   /* -1: does not apply */
	long child_minflt, child_majflt, parent_minflt, parent_majflt;
	struct counter_reading readings[MAX_EVENTS];
};

extern char **environ;

static _Noreturn void say_and_exit(const char *verdict, const char *why, int status)
{
	if (protocol_out) {
		fprintf(protocol_out, "%s%s\n", verdict, why);
		fflush(protocol_out);
	}
	exit(status);
}

static uint64_t parse_number(const char *value)
{
	char *end;
	errno = 0;
	unsigned long long number = strtoull(value, &end, 10);
	if (errno || *end || end == value)
		say_and_exit(PROTOCOL_FAIL, "bad number on the command line", 2);
	return number;
}

/* One word of the program an exec'ing child runs: the orchestrator split the command as a shell would. */
static void add_exec_word(struct worker *w, char *word)
{
	if (w->exec_words == MAX_EXEC_WORDS)
		say_and_exit(PROTOCOL_FAIL, "more than 64 words in the program to exec", 2);
	w->exec_argv[w->exec_words++] = word;
	w->exec_argv[w->exec_words] = NULL;
}

/* The cell's dimensions come as --FLAG=TEXT, one option per row of dimension_table with a worker flag. */
enum { OPTION_DIMENSION = 256 };

static void set_dimension(struct worker *w, enum dimension_id id, const char *text)
{
	double value;
	char why[200];
	if (dimension_parse(id, text, &value, why, sizeof why) != 0)
		say_and_exit(PROTOCOL_FAIL, "bad dimension value on the command line", 2);
	cell_set(&w->cell, id, value);
}

static void parse_arguments(struct worker *w, int argc, char **argv)
{
	static const struct option fixed[] = {
		{ "move-to-cpu", required_argument, NULL, 'm' }, { "helper", required_argument, NULL, 'H' },
		{ "exec-word", required_argument, NULL, 'x' },   { "event", required_argument, NULL, 'e' },
	};
	struct option options[sizeof fixed / sizeof fixed[0] + DIMENSION_COUNT + 1];
	size_t count = sizeof fixed / sizeof fixed[0];
	memcpy(options, fixed, sizeof fixed);
	for (size_t d = 0; d < DIMENSION_COUNT; d++)
		if (dimension_table[d].worker_flag)
			options[count++] = (struct option){ dimension_table[d].worker_flag, required_argument, NULL,
							    OPTION_DIMENSION + (int)d };
	options[count] = (struct option){ 0 };
	int option;
	while ((option = getopt_long(argc, argv, "", options, NULL)) != -1) {
		switch (option) {
		case 'm': w->move_to_cpu = (int)parse_number(optarg); break;
		case 'H': w->exec_is_helper = true; w->exec_argv[0] = optarg; break;
		case 'x': add_exec_word(w, optarg); break;
		case 'e':
			if (counters_add(&w->counters, optarg) != 0)
				say_and_exit(PROTOCOL_FAIL, "bad event specification", 2);
			break;
		default:
			if (option >= OPTION_DIMENSION && option < OPTION_DIMENSION + DIMENSION_COUNT)
				set_dimension(w, (enum dimension_id)(option - OPTION_DIMENSION), optarg);
			else
				say_and_exit(PROTOCOL_FAIL, "bad command line", 2);
		}
	}
	if (!w->exec_argv[0])
		say_and_exit(PROTOCOL_FAIL, "no --helper or --exec-word program", 2);
}

/* A /proc/self/status field in kB ("VmPTE:"), or 0. */
static unsigned long status_kib(const char *field)
{
	char line[256];
	unsigned long kib = 0;
	size_t length = strlen(field);
	FILE *file = fopen("/proc/self/status", "r");
	while (file && fgets(line, sizeof line, file))
		if (strncmp(line, field, length) == 0)
			kib = strtoul(line + length, NULL, 10);
	if (file)
		fclose(file);
	return kib;
}

/*
 * The page tables of a child forked from this worker with its heap: the child
 * reads its own VmPTE and sends it up a pipe. Untimed, once per worker, before
 * the warm-up (which absorbs the write-protection this fork leaves behind).
 */
static unsigned long child_page_tables_kib(void)
{
	int fds[2];
	unsigned long kib = 0;
	if (pipe(fds) != 0)
		return 0;
	fflush(protocol_out);
	pid_t pid = fork();
	if (pid == 0) {
		kib = status_kib("VmPTE:");
		_exit(write(fds[1], &kib, sizeof kib) == sizeof kib ? 0 : 1);
	}
	close(fds[1]);
	if (pid > 0 && read(fds[0], &kib, sizeof kib) != sizeof kib)
		kib = 0;
	close(fds[0]);
	if (pid > 0)
		waitpid(pid, NULL, 0);
	return kib;
}

static void footprint(unsigned long *rss_kib, unsigned *mappings)
{
	char line[256];
	FILE *file = fopen("/proc/self/status", "r");
	*rss_kib = 0;
	*mappings = 0;
	while (file && fgets(line, sizeof line, file))
		sscanf(line, "VmRSS: %lu", rss_kib);
	if (file)
		fclose(file);
	file = fopen("/proc/self/maps", "r");
	while (file && fgets(line, sizeof line, file))
		if (strchr(line, '\n'))
			(*mappings)++;
	if (file)
		fclose(file);
}

static void set_up_exec(struct worker *w)
{
	if (!w->exec_is_helper)
		return;
	int fds[2];
	if (pipe2(fds, O_CLOEXEC | O_NONBLOCK) != 0)
		say_and_exit(PROTOCOL_FAIL, "pipe for the helper's start time", 1);
	/* the write end must survive exec: the helper writes its start time there */
	fcntl(fds[1], F_SETFD, 0);
	w->helper_read_fd = fds[0];
	snprintf(w->helper_fd_arg, sizeof w->helper_fd_arg, "%d", fds[1]);
	w->exec_argv[1] = w->helper_fd_arg;
}

static void set_up_heap(struct worker *w)
{
	char why[256];
	if (heap_create(&w->heap, &w->cell, why, sizeof why) != 0)
		say_and_exit(PROTOCOL_FAIL, why, 1);
	if (w->cell.backing == BACKING_THP) {
		uint64_t huge = anon_huge_bytes();
		if (huge < w->cell.heap_bytes / 10 * 9) {
			snprintf(why, sizeof why,
				 "THP did not take: AnonHugePages %" PRIu64 " KiB of %" PRIu64 " KiB "
				 "(see /sys/kernel/mm/transparent_hugepage/enabled and defrag)",
				 huge >> 10, w->cell.heap_bytes >> 10);
			say_and_exit(PROTOCOL_SKIP, why, 0);
		}
	}
	w->pages_to_write = cell_pages_written(&w->cell);
}

static void set_up(struct worker *w)
{
	unsigned long rss_kib;
	unsigned mappings;
	footprint(&rss_kib, &mappings); /* before the heap: the worker's own footprint */
	w->report = mmap(NULL, PAGE_BYTES, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	void *stack = mmap(NULL, CLONE_STACK_BYTES, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (w->report == MAP_FAILED || stack == MAP_FAILED)
		say_and_exit(PROTOCOL_FAIL, "mmap of the report page or the clone stack", 1);
	w->clone_stack_top = (char *)stack + CLONE_STACK_BYTES;
	set_up_exec(w);
	set_up_heap(w);
	/* the events were probed by the orchestrator; they are opened for a "count" block only */
	fprintf(protocol_out, PROTOCOL_READY, rss_kib, mappings,
	       w->cell.backing == BACKING_THP ? anon_huge_bytes() : 0,
	       child_page_tables_kib());
	fflush(protocol_out);
}

/* Pipes that let the parent write while a fork-like child is still alive. */
struct parent_write_sync {
	int release[2];      /* exit action: the child waits here until we have written */
	int exec_notice[2];  /* exec action: close-on-exec, so EOF means the child has exec'd */
};

static bool parent_writes(const struct worker *w)
{
	return w->cell.writer == WRITER_PARENT && w->pages_to_write > 0;
}

static void prepare_job(struct worker *w, struct child_job *job, struct parent_write_sync *sync)
{
	memset(job, 0, sizeof *job);
	job->action = w->cell.action;
	job->exec_argv = w->exec_argv;
	job->exec_envp = environ;
	job->heap = &w->heap;
	job->pages_to_write = w->cell.writer == WRITER_CHILD ? w->pages_to_write : 0;
	job->write_value = (unsigned char)(w->iteration | 1);
	job->report = w->report;
	job->stack_top = w->clone_stack_top;
	job->move_to_cpu = w->move_to_cpu;
	job->release_fd = job->parent_end_fd = -1;
	sync->release[0] = sync->release[1] = sync->exec_notice[0] = sync->exec_notice[1] = -1;
	if (!parent_writes(w) || w->primitive->parent_suspended)
		return;
	if (w->cell.action == ACTION_EXIT && pipe2(sync->release, O_CLOEXEC) == 0) {
		job->release_fd = sync->release[0];
		job->parent_end_fd = sync->release[1];
	} else if (w->cell.action == ACTION_EXEC && pipe2(sync->exec_notice, O_CLOEXEC) != 0) {
		say_and_exit(PROTOCOL_FAIL, "pipe for the exec notice", 1);
	}
}

static void close_fd(int *fd)
{
	if (*fd >= 0)
		close(*fd);
	*fd = -1;
}

/* Returns the cow window in ns: the parent's write loop, with the child alive or exec'd. */
static int64_t parent_write(struct worker *w, struct parent_write_sync *sync)
{
	char byte;
	close_fd(&sync->release[0]);
	close_fd(&sync->exec_notice[1]);
	if (sync->exec_notice[0] >= 0)
		while (read(sync->exec_notice[0], &byte, 1) < 0 && errno == EINTR)
			; /* returns 0 once the child's exec closed its end */
	/* timed window "cow" (parent writer): the write loop alone */
	int64_t cow_start = monotonic_ns();
	heap_write_pages(&w->heap, w->pages_to_write, (unsigned char)(w->iteration | 1));
	int64_t cow_end = monotonic_ns();
	if (sync->release[1] >= 0 && write(sync->release[1], "g", 1) != 1)
		say_and_exit(PROTOCOL_FAIL, "could not release the child", 1);
	close_fd(&sync->release[1]);
	close_fd(&sync->exec_notice[0]);
	return cow_end - cow_start;
}

static int64_t helper_start_ns(const struct worker *w)
{
	int64_t start = -1, value;
	while (read(w->helper_read_fd, &value, sizeof value) == sizeof value)
		start = value;
	return start;
}

static void check_child_status(const struct worker *w, int status)
{
	char why[200];
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		return;
	if (WIFSIGNALED(status))
		snprintf(why, sizeof why, "child killed by signal %d (%s)", WTERMSIG(status),
			 strsignal(WTERMSIG(status)));
	else if (WEXITSTATUS(status) == CHILD_EXEC_FAILED && w->cell.action == ACTION_EXEC)
		snprintf(why, sizeof why, "exec of %s failed in the child", w->exec_argv[0]);
	else
		snprintf(why, sizeof why, "child exited with status %d", WEXITSTATUS(status));
	say_and_exit(PROTOCOL_FAIL, why, 1);
}

static void fill_phases(const struct worker *w, struct sample *s, int64_t call_ns, int64_t parent_cow_ns)
{
	const struct child_report *report = w->report;
	if (w->cell.action == ACTION_EXEC)
		s->start_ns = w->exec_is_helper ? helper_start_ns(w) : -1;
	else
		s->start_ns = report->start_ns;
	if (s->start_ns >= 0)
		s->start_ns -= call_ns;
	if (w->pages_to_write == 0)
		s->cow_ns = -1;
	else if (w->cell.writer == WRITER_PARENT)
		s->cow_ns = parent_cow_ns;
	else
		s->cow_ns = report->cow_end_ns - report->cow_start_ns;
}

static void run_iteration(struct worker *w, struct sample *s, bool counted)
{
	struct child_job job;
	struct parent_write_sync sync;
	struct rusage parent_before, parent_after, child_usage;
	int status;
	int64_t parent_cow_ns = -1;

	prepare_job(w, &job, &sync);
	memset(w->report, 0, sizeof *w->report);
	s->counted = counted;
	if (counted)
		counters_start(&w->counters);
	getrusage(RUSAGE_SELF, &parent_before);

	/* timed windows "create", "start" and "roundtrip" open: just before the call */
	int64_t call_ns = monotonic_ns();
	pid_t pid = w->primitive->create(&job);
	int64_t returned_ns = monotonic_ns();
	/* window "create" closes: the call has returned in the parent */
	if (pid < 0) {
		char why[160];
		snprintf(why, sizeof why, "%s failed: %s", w->primitive->name, strerror(errno));
		say_and_exit(PROTOCOL_FAIL, why, 1);
	}
	if (parent_writes(w))
		parent_cow_ns = parent_write(w, &sync);
	while (wait4(pid, &status, 0, &child_usage) < 0 && errno == EINTR)
		;
	int64_t reaped_ns = monotonic_ns();
	/* window "roundtrip" closes: wait4 has returned the reaped child */

	getrusage(RUSAGE_SELF, &parent_after);
	if (counted)
		counters_stop(&w->counters, s->readings);
	check_child_status(w, status);
	s->create_ns = returned_ns - call_ns;
	s->roundtrip_ns = reaped_ns - call_ns;
	fill_phases(w, s, call_ns, parent_cow_ns);
	s->child_minflt = child_usage.ru_minflt;
	s->child_majflt = child_usage.ru_majflt;
	s->parent_minflt = parent_after.ru_minflt - parent_before.ru_minflt;
	s->parent_majflt = parent_after.ru_majflt - parent_before.ru_majflt;
	w->iteration++;
}

static void print_ns(int64_t ns)
{
	if (ns < 0)
		fputs(" -", protocol_out);
	else
		fprintf(protocol_out, " %" PRId64, ns);
}

static void print_sample(const struct worker *w, const struct sample *s)
{
	fprintf(protocol_out, PROTOCOL_SAMPLE, s->counted);
	print_ns(s->create_ns);
	print_ns(s->start_ns);
	print_ns(s->cow_ns);
	print_ns(s->roundtrip_ns);
	fprintf(protocol_out, " %ld %ld %ld %ld", s->child_minflt, s->child_majflt, s->parent_minflt, s->parent_majflt);
	for (int i = 0; i < w->counters.count; i++) {
		const struct counter_reading *r = &s->readings[i];
		if (!s->counted || w->counters.open_errno[i])
			fputs(" -", protocol_out);
		else
			fprintf(protocol_out, " %" PRIu64 "/%" PRIu64 "/%" PRIu64, r->value, r->enabled_ns, r->running_ns);
	}
	fputc('\n', protocol_out);
}

static void serve(struct worker *w)
{
	char line[64];
	unsigned long count;
	struct sample sample;
	while (fgets(line, sizeof line, protocol_in)) {
		bool counted = sscanf(line, PROTOCOL_COUNT, &count) == 1;
		if (strcmp(line, PROTOCOL_QUIT) == 0)
			return;
		if (!counted && sscanf(line, PROTOCOL_RUN, &count) != 1)
			say_and_exit(PROTOCOL_FAIL, "unknown command from the orchestrator", 2);
		if (counted)
			counters_open(&w->counters);
		for (unsigned long i = 0; i < count; i++) {
			fflush(protocol_out); /* nothing buffered when a child is created */
			run_iteration(w, &sample, counted);
			print_sample(w, &sample);
		}
		if (counted)
			counters_close(&w->counters);
		/* after the batch, outside every window: do the THP heap's pages stay huge? */
		fprintf(protocol_out, PROTOCOL_END, clone_used(),
			w->cell.backing == BACKING_THP ? anon_huge_bytes() : 0);
		fflush(protocol_out);
	}
}

/* The channel to the orchestrator, kept from every program a child execs. */
static void open_protocol(void)
{
	fcntl(PROTOCOL_IN_FD, F_SETFD, FD_CLOEXEC);
	fcntl(PROTOCOL_OUT_FD, F_SETFD, FD_CLOEXEC);
	protocol_in = fdopen(PROTOCOL_IN_FD, "r");
	protocol_out = fdopen(PROTOCOL_OUT_FD, "w");
	if (!protocol_in || !protocol_out)
		exit(2); /* started by hand, not by spawnbench: nobody to tell */
}

int main(int argc, char **argv)
{
	struct worker w;
	memset(&w, 0, sizeof w);
	w.helper_read_fd = -1;
	w.move_to_cpu = -1;
	signal(SIGPIPE, SIG_DFL);
	open_protocol();
	parse_arguments(&w, argc, argv);
	w.primitive = primitive_table[w.cell.primitive];
	set_up(&w);
	serve(&w);
	heap_destroy(&w.heap);
	return 0;
}
