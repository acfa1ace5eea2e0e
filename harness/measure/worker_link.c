#define _GNU_SOURCE
#include <signal.h>

#include "worker_link.h"

#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "guest.h"
#include "protocol.h"
#include "util.h"

volatile sig_atomic_t stop_requested;

static void request_stop(int signal_number)
{
	stop_requested = signal_number;
}

void worker_link_install_signal_handlers(void)
{
	struct sigaction action;
	memset(&action, 0, sizeof action);
	action.sa_handler = request_stop; /* no SA_RESTART: a wait returns EINTR */
	sigaction(SIGINT, &action, NULL);
	sigaction(SIGTERM, &action, NULL);
	signal(SIGPIPE, SIG_IGN);
	/* orphans of a killed worker come back to us and are reaped */
	prctl(PR_SET_CHILD_SUBREAPER, 1);
}

static void exec_worker(int to_worker[2], int from_worker[2], char *const argv[],
			const struct placement_plan *placement)
{
	setpgid(0, 0); /* Ctrl-C reaches the orchestrator, which stops the worker itself */
	prctl(PR_SET_PDEATHSIG, SIGKILL); /* an orchestrator killed outright takes its worker along */
	if (placement->bind)
		sched_setaffinity(0, sizeof placement->worker_cpus, &placement->worker_cpus);
	/*
	 * The protocol on descriptors 3 (in) and 4 (out); 0, 1 and 2 on /dev/null,
	 * so that a program the worker's children exec writes nowhere that matters.
	 * Moved above 10 first: a pipe may already sit on 3 or 4.
	 */
	int in = fcntl(to_worker[0], F_DUPFD, 10), out = fcntl(from_worker[1], F_DUPFD, 10);
	int null = open("/dev/null", O_RDWR);
	if (in < 0 || out < 0 || null < 0 || dup2(in, PROTOCOL_IN_FD) < 0 || dup2(out, PROTOCOL_OUT_FD) < 0 || dup2(null, STDIN_FILENO) < 0 ||
	    dup2(null, STDOUT_FILENO) < 0 || dup2(null, STDERR_FILENO) < 0)
		_exit(127);
	closefrom(5);
	signal(SIGINT, SIG_DFL);
	signal(SIGTERM, SIG_DFL);
	signal(SIGPIPE, SIG_DFL);
	execv(argv[0], argv);
	_exit(127);
}

int worker_link_start(struct worker_link *link, char *const argv[], const struct placement_plan *placement)
{
	int to_worker[2], from_worker[2];
	memset(link, 0, sizeof *link);
	if (pipe2(to_worker, O_CLOEXEC) != 0)
		return -1;
	if (pipe2(from_worker, O_CLOEXEC) != 0) {
		close(to_worker[0]);
		close(to_worker[1]);
		return -1;
	}
	fflush(NULL);
	link->pid = fork();
	if (link->pid == 0)
		exec_worker(to_worker, from_worker, argv, placement);
	close(to_worker[0]);
	close(from_worker[1]);
	link->to_worker = to_worker[1];
	link->from_worker = from_worker[0];
	if (link->pid < 0)
		return -1;
	setpgid(link->pid, link->pid); /* both sides set it: no race with the first kill */
	return 0;
}

/* "start N" and the N words, each on its line, the host's program paths made the guest's. */
static int send_start(struct guest *guest, char *const argv[], const struct placement_plan *placement)
{
	char *text = NULL;
	size_t size = 0, count = 0;
	for (; argv[count]; count++)
		if (strchr(argv[count], '\n'))
			return -1; /* a word the line protocol cannot carry */
	FILE *out = open_memstream(&text, &size);
	int cpu = -1;
	for (int c = 0; placement->bind && c < CPU_SETSIZE && cpu < 0; c++)
		cpu = CPU_ISSET(c, &placement->worker_cpus) ? c : -1;
	fprintf(out, "start %zu\n%s\n", count + (cpu >= 0), guest_program_path(guest, argv[0]));
	for (size_t i = 1; i < count; i++)
		if (strncmp(argv[i], "--helper=", 9) == 0)
			fprintf(out, "--helper=%s\n", guest_program_path(guest, argv[i] + 9));
		else
			fprintf(out, "%s\n", argv[i]);
	if (cpu >= 0)
		fprintf(out, "--worker-cpu=%d\n", cpu);
	fclose(out);
	int sent = write(guest->channel, text, size) == (ssize_t)size ? 0 : -1;
	free(text);
	return sent;
}

int worker_link_start_guest(struct worker_link *link, struct guest *guest, char *const argv[],
			    const struct placement_plan *placement)
{
	memset(link, 0, sizeof *link);
	link->guest = guest;
	link->to_worker = link->from_worker = -1;
	if (guest->failed || guest->channel < 0 || send_start(guest, argv, placement) != 0)
		return -1;
	link->to_worker = dup(guest->channel);
	link->from_worker = dup(guest->channel);
	return link->to_worker >= 0 && link->from_worker >= 0 ? 0 : -1;
}

int worker_link_send(struct worker_link *link, const char *line)
{
	size_t length = strlen(line);
	return write(link->to_worker, line, length) == (ssize_t)length ? 0 : -1;
}


static int take_line(struct worker_link *link, char *line, size_t size)
{
	char *newline = memchr(link->buffer, '\n', link->buffered);
	if (!newline)
		return 0;
	size_t length = (size_t)(newline - link->buffer);
	size_t copied = length < size - 1 ? length : size - 1;
	memcpy(line, link->buffer, copied);
	line[copied] = '\0';
	link->buffered -= length + 1;
	memmove(link->buffer, newline + 1, link->buffered);
	return 1;
}

/* In a guest, the agent's "exited STATUS" after the worker's last line: the worker's end of output. */
static bool guest_worker_exited(struct worker_link *link, const char *line)
{
	if (!link->guest || sscanf(line, "exited %d", &link->guest_exit_status) != 1)
		return false;
	link->guest_exited = true;
	return true;
}

enum read_result worker_link_read_line(struct worker_link *link, char *line, size_t size, double timeout_seconds)
{
	double deadline = monotonic_seconds() + timeout_seconds;
	if (link->guest_exited)
		return READ_EOF;
	while (!take_line(link, line, size)) {
		if (stop_requested)
			return READ_INTERRUPTED;
		double left = deadline - monotonic_seconds();
		if (left <= 0)
			return READ_TIMEOUT;
		struct pollfd poll_fd = { .fd = link->from_worker, .events = POLLIN };
		int ready = poll(&poll_fd, 1, left > 1 ? 1000 : (int)(left * 1000) + 1);
		if (ready <= 0)
			continue; /* EINTR or a slice of the deadline passed: check again */
		if (link->buffered == sizeof link->buffer)
			link->buffered = 0; /* a line longer than the buffer: drop it */
		ssize_t got = read(link->from_worker, link->buffer + link->buffered, sizeof link->buffer - link->buffered);
		if (got == 0)
			return READ_EOF;
		if (got > 0)
			link->buffered += (size_t)got;
	}
	return guest_worker_exited(link, line) ? READ_EOF : READ_LINE;
}

static void close_pipes(struct worker_link *link)
{
	if (link->to_worker >= 0)
		close(link->to_worker);
	if (link->from_worker >= 0)
		close(link->from_worker);
	link->to_worker = link->from_worker = -1;
}

/*
 * Whatever is left of the worker's process group (a program it exec'd may
 * have left a process in the background) is killed, not waited for: SIGKILL
 * cannot be ignored, so the reaping that follows ends at once.
 */
static void kill_and_reap_group(pid_t group)
{
	kill(-group, SIGKILL);
	while (waitpid(-group, NULL, 0) > 0 || errno == EINTR)
		;
}

void reap_orphans(void)
{
	DIR *proc = opendir("/proc");
	struct dirent *entry;
	pid_t self = getpid();
	while (proc && (entry = readdir(proc))) {
		char path[64], stat_line[512];
		pid_t pid = (pid_t)strtol(entry->d_name, NULL, 10), parent = 0;
		if (pid <= 0)
			continue;
		snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
		FILE *file = fopen(path, "re");
		bool read = file && fgets(stat_line, sizeof stat_line, file);
		if (file)
			fclose(file);
		const char *after_name = read ? strrchr(stat_line, ')') : NULL; /* the name may hold spaces */
		if (after_name && sscanf(after_name, ") %*c %d", &parent) == 1 && parent == self) {
			kill(pid, SIGKILL);
			while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
				;
		}
	}
	if (proc)
		closedir(proc);
}

/*
 * A guest's worker is not killed from here: once it has said its last word
 * it exits, and the agent says so ("exited STATUS"). One that does not within
 * timeout_seconds leaves the guest unusable: it is powered off, and the rest
 * of its cells fail.
 */
static int guest_worker_end(struct worker_link *link, double timeout_seconds)
{
	char line[256];
	for (;;) {
		enum read_result got = worker_link_read_line(link, line, sizeof line, timeout_seconds);
		if (link->guest_exited)
			break;
		if (got != READ_LINE) {
			snprintf(link->guest->why, sizeof link->guest->why,
				 "a worker in the guest did not end within %.0f s: the guest was stopped", timeout_seconds);
			link->guest->failed = true;
			guest_stop(link->guest);
			break;
		}
	}
	close_pipes(link);
	return link->guest_exited ? link->guest_exit_status : -1;
}

void worker_link_kill(struct worker_link *link)
{
	if (link->guest) {
		worker_link_send(link, PROTOCOL_QUIT); /* heard only by a worker that still listens */
		guest_worker_end(link, 10);
		link->guest = NULL;
		return;
	}
	if (link->pid <= 0)
		return;
	kill(link->pid, SIGKILL);
	close_pipes(link);
	kill_and_reap_group(link->pid);
	reap_orphans();
	link->pid = 0;
}

void worker_link_finish(struct worker_link *link, double timeout_seconds, char *why, size_t why_size)
{
	int status = 0;
	if (link->guest) {
		status = guest_worker_end(link, timeout_seconds);
		why[0] = '\0';
		if (link->guest->failed)
			snprintf(why, why_size, "%s", link->guest->why);
		else if (WIFSIGNALED(status))
			snprintf(why, why_size, "worker in the guest killed by signal %d (%s)", WTERMSIG(status),
				 strsignal(WTERMSIG(status)));
		else if (WIFEXITED(status) && WEXITSTATUS(status) != 0)
			snprintf(why, why_size, "worker in the guest exited with status %d", WEXITSTATUS(status));
		link->guest = NULL;
		return;
	}
	close_pipes(link);
	bool exited = wait_bounded(link->pid, timeout_seconds);
	if (!exited)
		kill(link->pid, SIGKILL);
	kill(-link->pid, SIGKILL); /* before reaping the worker: its group's id is still reserved */
	status = reap_child(link->pid);
	kill_and_reap_group(link->pid);
	reap_orphans();
	link->pid = 0;
	why[0] = '\0';
	if (!exited)
		snprintf(why, why_size, "the worker did not exit within %.0f s (--timeout) of its last word: killed",
			 timeout_seconds);
	else if (WIFSIGNALED(status))
		snprintf(why, why_size, "worker killed by signal %d (%s)%s", WTERMSIG(status), strsignal(WTERMSIG(status)),
			 WTERMSIG(status) == SIGKILL ? ": out of memory? see dmesg" : "");
	else if (WEXITSTATUS(status) == 127)
		snprintf(why, why_size, "could not start the worker");
	else if (WEXITSTATUS(status) != 0)
		snprintf(why, why_size, "worker exited with status %d", WEXITSTATUS(status));
}
