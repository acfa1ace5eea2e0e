/*
 * The orchestrator's end of one worker: start it pinned and in a process
 * group of its own, talk to it line by line with a deadline, and kill and
 * reap it and every child it left on any path.
 */
#ifndef SPAWNBENCH_WORKER_LINK_H
#define SPAWNBENCH_WORKER_LINK_H

#include <stdbool.h>
#include <stddef.h>
#include <signal.h>
#include <sys/types.h>

#include "topology.h"

struct guest;

struct worker_link {
	struct guest *guest;       /* a worker in a guest, through its agent; NULL: a local process */
	bool guest_exited;         /* the agent said the guest's worker ended (a crash says so mid-batch) */
	int guest_exit_status;
	pid_t pid;                 /* also the process group */
	int to_worker, from_worker;
	char buffer[1 << 16];
	size_t buffered;
};

enum read_result { READ_LINE, READ_EOF, READ_TIMEOUT, READ_INTERRUPTED };

/* Set by SIGINT/SIGTERM; every wait checks it. */
extern volatile sig_atomic_t stop_requested;

void worker_link_install_signal_handlers(void);

int worker_link_start(struct worker_link *link, char *const argv[], const struct placement_plan *placement);
/*
 * The same worker started in guest by its agent: argv's programs become the
 * initramfs's, the placement a --worker-cpu; then the channel is the link's.
 */
int worker_link_start_guest(struct worker_link *link, struct guest *guest, char *const argv[],
			    const struct placement_plan *placement);
int worker_link_send(struct worker_link *link, const char *line);
enum read_result worker_link_read_line(struct worker_link *link, char *line, size_t size, double timeout_seconds);
/* Kills the worker's process group and reaps all of it. */
void worker_link_kill(struct worker_link *link);
/*
 * Kills and reaps every process reparented to the orchestrator (a child
 * subreaper): what a measured program started and left behind in a session
 * of its own. Called when no child of ours should be alive.
 */
void reap_orphans(void);
/* Waits a bounded time for the worker to exit, then kills what is left of its group;
 * "" or what went wrong, in words, in why. */
void worker_link_finish(struct worker_link *link, double timeout_seconds, char *why, size_t why_size);

#endif
