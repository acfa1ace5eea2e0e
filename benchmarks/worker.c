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
 *
 * One iteration is creation.c's; a cell's extra threads are extra_threads.c's
 * and its other creators creators.c's.
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
#include <sys/wait.h>
#include <unistd.h>

#include "cell.h"
#include "creation.h"
#include "creators.h"
#include "dimension.h"
#include "extra_threads.h"
#include "primitive.h"
#include "protocol.h"

#define MAX_CPUS 256

static FILE *protocol_in, *protocol_out;

struct cpu_list {
	int cpus[MAX_CPUS];
	size_t count;
};

struct worker {
	struct creator first;           /* creator 0: this thread */
	struct counters counters;
	struct creator_group creators;  /* the cell's other creators */
	struct cpu_list thread_cpus;    /* where the extra threads run, in turn */
	struct cpu_list creator_cpus;   /* where creator i runs: [i % count] */
};

noreturn void worker_say_and_exit(const char *verdict, const char *why, int status)
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
		worker_say_and_exit(PROTOCOL_FAIL, "bad number on the command line", 2);
	return number;
}

static void add_cpu(struct cpu_list *list, const char *text)
{
	if (list->count == MAX_CPUS)
		worker_say_and_exit(PROTOCOL_FAIL, "too many CPUs on the command line", 2);
	list->cpus[list->count++] = (int)parse_number(text);
}

/* One word of the program an exec'ing child runs: the orchestrator split the command as a shell would. */
static void add_exec_word(struct creator *c, char *word)
{
	if (c->exec_words == MAX_EXEC_WORDS)
		worker_say_and_exit(PROTOCOL_FAIL, "more than 64 words in the program to exec", 2);
	c->exec_argv[c->exec_words++] = word;
	c->exec_argv[c->exec_words] = NULL;
}

/* The cell's dimensions come as --FLAG=TEXT, one option per row of dimension_table with a worker flag. */
enum { OPTION_DIMENSION = 256 };

static void set_dimension(struct creator *c, enum dimension_id id, const char *text)
{
	double value;
	char why[200];
	if (dimension_parse(id, text, &value, why, sizeof why) != 0)
		worker_say_and_exit(PROTOCOL_FAIL, "bad dimension value on the command line", 2);
	cell_set(&c->cell, id, value);
}

static void take_option(struct worker *w, int option)
{
	struct creator *c = &w->first;
	switch (option) {
	case 'm': c->move_to_cpu = (int)parse_number(optarg); break;
	case 'H': c->exec_is_helper = true; c->exec_argv[0] = optarg; break;
	case 'x': add_exec_word(c, optarg); break;
	case 't': add_cpu(&w->thread_cpus, optarg); break;
	case 'c': add_cpu(&w->creator_cpus, optarg); break;
	case 'w': pin_to_cpu((int)parse_number(optarg)); break; /* in a guest: no orchestrator to pin it */
	case 'e':
		if (counters_add(&w->counters, optarg) != 0)
			worker_say_and_exit(PROTOCOL_FAIL, "bad event specification", 2);
		break;
	default:
		if (option >= OPTION_DIMENSION && option < OPTION_DIMENSION + DIMENSION_COUNT)
			set_dimension(c, (enum dimension_id)(option - OPTION_DIMENSION), optarg);
		else
			worker_say_and_exit(PROTOCOL_FAIL, "bad command line", 2);
	}
}

static void parse_arguments(struct worker *w, int argc, char **argv)
{
	static const struct option fixed[] = {
		{ "move-to-cpu", required_argument, NULL, 'm' }, { "helper", required_argument, NULL, 'H' },
		{ "exec-word", required_argument, NULL, 'x' },   { "event", required_argument, NULL, 'e' },
		{ "thread-cpu", required_argument, NULL, 't' },  { "creator-cpu", required_argument, NULL, 'c' },
		{ "worker-cpu", required_argument, NULL, 'w' },
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
	while ((option = getopt_long(argc, argv, "", options, NULL)) != -1)
		take_option(w, option);
	if (!w->first.exec_argv[0])
		worker_say_and_exit(PROTOCOL_FAIL, "no --helper or --exec-word program", 2);
}

/* What a child forked from this worker sees of itself: its page tables and its threads. */
struct child_facts {
	unsigned long page_tables_kib;
	unsigned long threads;
};

/* A /proc/self/status field ("VmPTE:", "Threads:"), or 0. */
static unsigned long status_field(const char *field)
{
	char line[256];
	unsigned long value = 0;
	size_t length = strlen(field);
	FILE *file = fopen("/proc/self/status", "r");
	while (file && fgets(line, sizeof line, file))
		if (strncmp(line, field, length) == 0)
			value = strtoul(line + length, NULL, 10);
	if (file)
		fclose(file);
	return value;
}

/*
 * A child forked from this worker with its heap and its threads: it reads its
 * own VmPTE and thread count and sends them up a pipe. Untimed, once per
 * worker, before the warm-up (which absorbs the write-protection this fork
 * leaves behind).
 */
static struct child_facts probe_child(void)
{
	int fds[2];
	struct child_facts facts = { 0, 0 };
	if (pipe(fds) != 0)
		return facts;
	fflush(protocol_out);
	pid_t pid = fork();
	if (pid == 0) {
		facts = (struct child_facts){ status_field("VmPTE:"), status_field("Threads:") };
		_exit(write(fds[1], &facts, sizeof facts) == sizeof facts ? 0 : 1);
	}
	close(fds[1]);
	if (pid > 0 && read(fds[0], &facts, sizeof facts) != sizeof facts)
		facts = (struct child_facts){ 0, 0 };
	close(fds[0]);
	if (pid > 0)
		waitpid(pid, NULL, 0);
	return facts;
}

static void footprint(unsigned long *rss_kib, unsigned *mappings)
{
	char line[256];
	FILE *file = fopen("/proc/self/maps", "r");
	*rss_kib = status_field("VmRSS:");
	*mappings = 0;
	while (file && fgets(line, sizeof line, file))
		if (strchr(line, '\n'))
			(*mappings)++;
	if (file)
		fclose(file);
}

static void start_extra_threads(struct worker *w)
{
	char why[200];
	const struct cell *cell = &w->first.cell;
	if (extra_threads_start(cell->threads, cell->thread_mode, w->thread_cpus.cpus, w->thread_cpus.count, why,
				sizeof why) != 0)
		worker_say_and_exit(PROTOCOL_FAIL, why, 1);
}

static void set_up(struct worker *w)
{
	unsigned long rss_kib;
	unsigned mappings;
	struct creator *first = &w->first;
	bool own_heaps = first->cell.creator_scope == CREATOR_SCOPE_PROCESS;
	footprint(&rss_kib, &mappings); /* before the heap: the worker's own footprint */
	creator_set_up_channels(first);
	if (own_heaps) /* forked before the heap exists: each creator populates its own */
		creators_start(&w->creators, first, w->creator_cpus.cpus, w->creator_cpus.count);
	creator_set_up_heap(first);
	if (!own_heaps)
		creators_start(&w->creators, first, w->creator_cpus.cpus, w->creator_cpus.count);
	start_extra_threads(w);
	struct child_facts child = probe_child();
	/* the events were probed by the orchestrator; they are opened for a "count" block only */
	fprintf(protocol_out, PROTOCOL_READY, rss_kib, mappings,
		first->cell.backing == BACKING_THP ? anon_huge_bytes() : 0, child.page_tables_kib,
		process_thread_count(), child.threads);
	fflush(protocol_out);
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
	fprintf(protocol_out, " %ld %ld %ld %ld %u", s->child_minflt, s->child_majflt, s->parent_minflt,
		s->parent_majflt, s->creator);
	for (int i = 0; i < w->counters.count; i++) {
		const struct counter_reading *r = &s->readings[i];
		/* the events are creator 0's */
		if (!s->counted || s->creator || w->counters.open_errno[i])
			fputs(" -", protocol_out);
		else
			fprintf(protocol_out, " %" PRIu64 "/%" PRIu64 "/%" PRIu64, r->value, r->enabled_ns, r->running_ns);
	}
	fputc('\n', protocol_out);
}

/* One creator: each sample is printed as it comes, with nothing buffered when the next child is created. */
static void run_alone(struct worker *w, unsigned long count, bool counted)
{
	struct sample sample;
	for (unsigned long i = 0; i < count; i++) {
		fflush(protocol_out);
		creator_run_iteration(&w->first, &sample, counted);
		print_sample(w, &sample);
	}
}

/* Several creators: all of them at once, each keeping its samples; then every sample. */
static void run_together(struct worker *w, unsigned long count, bool counted)
{
	size_t total;
	fflush(protocol_out);
	struct sample *samples = creators_run_batch(&w->creators, &w->first, count, counted, &total);
	for (size_t i = 0; i < total; i++)
		print_sample(w, &samples[i]);
	free(samples);
}

static void serve(struct worker *w)
{
	char line[64];
	unsigned long count;
	while (fgets(line, sizeof line, protocol_in)) {
		bool counted = sscanf(line, PROTOCOL_COUNT, &count) == 1;
		if (strcmp(line, PROTOCOL_QUIT) == 0)
			return;
		if (!counted && sscanf(line, PROTOCOL_RUN, &count) != 1)
			worker_say_and_exit(PROTOCOL_FAIL, "unknown command from the orchestrator", 2);
		if (counted)
			counters_open(&w->counters);
		if (w->creators.count)
			run_together(w, count, counted);
		else
			run_alone(w, count, counted);
		if (counted)
			counters_close(&w->counters);
		/* after the batch, outside every window: do the THP heap's pages stay huge? */
		fprintf(protocol_out, PROTOCOL_END, clone_used(),
			w->first.cell.backing == BACKING_THP ? anon_huge_bytes() : 0);
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
	static struct worker w; /* large (the creators' links): not on the stack */
	w.first.helper_read_fd = -1;
	w.first.move_to_cpu = -1;
	w.first.cell.creators = 1;
	w.first.counters = &w.counters;
	signal(SIGPIPE, SIG_DFL);
	open_protocol();
	parse_arguments(&w, argc, argv);
	w.first.primitive = primitive_table[w.first.cell.primitive];
	set_up(&w);
	serve(&w);
	creators_stop(&w.creators);
	heap_destroy(&w.first.heap);
	return 0;
}
