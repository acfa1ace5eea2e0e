#define _GNU_SOURCE
#include "creators.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "protocol.h"

struct batch_command {
	unsigned long count;
	bool counted;
};

/* A creator's two pipes: batch commands to it, its samples back. */
struct creator_pipes {
	int command[2], result[2];
};

static int read_full(int fd, void *buffer, size_t size)
{
	for (size_t done = 0; done < size;) {
		ssize_t got = read(fd, (char *)buffer + done, size - done);
		if (got < 0 && errno == EINTR)
			continue;
		if (got <= 0)
			return -1;
		done += (size_t)got;
	}
	return 0;
}

static int write_full(int fd, const void *buffer, size_t size)
{
	for (size_t done = 0; done < size;) {
		ssize_t put = write(fd, (const char *)buffer + done, size - done);
		if (put < 0 && errno == EINTR)
			continue;
		if (put <= 0)
			return -1;
		done += (size_t)put;
	}
	return 0;
}

static struct sample *allocate_samples(unsigned long count)
{
	struct sample *samples = calloc(count ? count : 1, sizeof *samples);
	if (!samples)
		worker_say_and_exit(PROTOCOL_FAIL, "no memory for a batch's samples", 1);
	return samples;
}

/* A creator's life: one batch per command until the worker closes the command pipe. */
static void serve_batches(struct creator *c, int command_fd, int result_fd)
{
	struct batch_command command;
	while (read_full(command_fd, &command, sizeof command) == 0) {
		struct sample *samples = allocate_samples(command.count);
		for (unsigned long i = 0; i < command.count; i++)
			creator_run_iteration(c, &samples[i], command.counted);
		int sent = write_full(result_fd, samples, command.count * sizeof *samples);
		free(samples);
		if (sent != 0)
			return;
	}
}

static void open_pipes(struct creator_pipes *pipes)
{
	if (pipe2(pipes->command, O_CLOEXEC) != 0 || pipe2(pipes->result, O_CLOEXEC) != 0)
		worker_say_and_exit(PROTOCOL_FAIL, "pipes to a creator", 1);
}

/* Process scope: the copy sets up its own channels and heap, says it is ready, then serves. */
static _Noreturn void run_creator_process(struct creator *c, int cpu, const struct creator_pipes *pipes)
{
	prctl(PR_SET_PDEATHSIG, SIGKILL); /* a worker killed outright takes its creators along */
	close(pipes->command[1]);
	close(pipes->result[0]);
	if (cpu >= 0)
		pin_to_cpu(cpu);
	creator_set_up_channels(c);
	creator_set_up_heap(c);
	char ready = 'r';
	if (write_full(pipes->result[1], &ready, 1) == 0)
		serve_batches(c, pipes->command[0], pipes->result[1]);
	_exit(0);
}

/* The worker's ends of the creators started before: a creator process must not hold them open. */
static void close_earlier_links(const struct creator_group *group, const struct creator_link *link)
{
	for (const struct creator_link *earlier = group->links; earlier < link; earlier++) {
		close(earlier->command_fd);
		close(earlier->result_fd);
	}
}

static void start_process(const struct creator_group *group, struct creator_link *link, struct creator *copy,
			  int cpu)
{
	struct creator_pipes pipes;
	open_pipes(&pipes);
	fflush(NULL); /* nothing buffered twice */
	link->pid = fork();
	if (link->pid < 0)
		worker_say_and_exit(PROTOCOL_FAIL, "fork of a creator", 1);
	if (link->pid == 0) {
		close_earlier_links(group, link);
		run_creator_process(copy, cpu, &pipes);
	}
	close(pipes.command[0]);
	close(pipes.result[1]);
	link->command_fd = pipes.command[1];
	link->result_fd = pipes.result[0];
}

/* Thread scope: the copy shares first's heap; its channels are its own. */
static void *creator_thread_main(void *argument)
{
	struct creator_link *link = argument;
	char ready = 'r';
	if (link->cpu >= 0)
		pin_to_cpu(link->cpu);
	if (write_full(link->creator_result_fd, &ready, 1) == 0)
		serve_batches(link->creator, link->creator_command_fd, link->creator_result_fd);
	return NULL;
}

static void start_thread(struct creator_link *link, struct creator *copy, int cpu)
{
	struct creator_pipes pipes;
	open_pipes(&pipes);
	creator_set_up_channels(copy);
	link->creator = copy;
	link->cpu = cpu;
	link->command_fd = pipes.command[1];
	link->result_fd = pipes.result[0];
	link->creator_command_fd = pipes.command[0];
	link->creator_result_fd = pipes.result[1];
	if (pthread_create(&link->thread, NULL, creator_thread_main, link) != 0)
		worker_say_and_exit(PROTOCOL_FAIL, "could not start a creator thread", 1);
}

/* Waits for the creator's one byte: its heap and channels are set up. */
static void await_ready(const struct creator_link *link)
{
	char ready;
	if (read_full(link->result_fd, &ready, 1) != 0)
		worker_say_and_exit(PROTOCOL_FAIL, "a creator ended before it was ready", 1);
}

void creators_start(struct creator_group *group, const struct creator *first, const int *cpus, size_t cpu_count)
{
	memset(group, 0, sizeof *group);
	group->scope = first->cell.creator_scope;
	group->count = first->cell.creators > 1 ? first->cell.creators - 1 : 0;
	if (group->count > MAX_CREATOR_LINKS)
		worker_say_and_exit(PROTOCOL_FAIL, "too many creators", 2);
	for (unsigned i = 0; i < group->count; i++) {
		struct creator_link *link = &group->links[i];
		struct creator *copy = malloc(sizeof *copy);
		if (!copy)
			worker_say_and_exit(PROTOCOL_FAIL, "no memory for a creator", 1);
		*copy = *first;
		copy->index = i + 1;
		copy->counters = NULL; /* the events are creator 0's */
		copy->iteration = 0;
		int cpu = cpu_count ? cpus[(i + 1) % cpu_count] : -1;
		if (group->scope == CREATOR_SCOPE_PROCESS)
			start_process(group, link, copy, cpu);
		else
			start_thread(link, copy, cpu);
		if (group->scope == CREATOR_SCOPE_PROCESS)
			free(copy); /* the child has its own */
	}
	for (unsigned i = 0; i < group->count; i++)
		await_ready(&group->links[i]);
}

struct sample *creators_run_batch(struct creator_group *group, struct creator *first, unsigned long count,
				  bool counted, size_t *total)
{
	struct batch_command command = { count, counted };
	struct sample *samples = allocate_samples(count * (group->count + 1));
	/* every creator starts now: the others as soon as they read the command */
	for (unsigned i = 0; i < group->count; i++)
		if (write_full(group->links[i].command_fd, &command, sizeof command) != 0)
			worker_say_and_exit(PROTOCOL_FAIL, "a creator stopped listening", 1);
	for (unsigned long i = 0; i < count; i++)
		creator_run_iteration(first, &samples[i], counted);
	for (unsigned i = 0; i < group->count; i++)
		if (read_full(group->links[i].result_fd, samples + count * (i + 1), count * sizeof *samples) != 0)
			worker_say_and_exit(PROTOCOL_FAIL, "a creator ended without its samples", 1);
	*total = count * (group->count + 1);
	return samples;
}

void creators_stop(struct creator_group *group)
{
	for (unsigned i = 0; i < group->count; i++) {
		struct creator_link *link = &group->links[i];
		close(link->command_fd); /* end of batches: the creator returns */
		if (group->scope == CREATOR_SCOPE_PROCESS) {
			while (waitpid(link->pid, NULL, 0) < 0 && errno == EINTR)
				;
		} else {
			pthread_join(link->thread, NULL);
			close(link->creator_command_fd);
			close(link->creator_result_fd);
			free(link->creator);
		}
		close(link->result_fd);
	}
	group->count = 0;
}
