/*
 * spawnbench-agent: /init of a guest's initramfs (the kernel matrix). It
 * mounts what the worker reads (/proc, /sys, tracefs), loads the kernel's
 * virtio modules, opens the virtio-serial port to the orchestrator and
 * serves its requests, one line each:
 *
 *     -> agent release R / agent version V / agent cmdline C, then agent ready
 *     <- start N, then N lines: the worker's argv (the agent's own paths)
 *        the worker runs with the port as descriptors 3 and 4, speaking the
 *        line protocol of protocol.h as a local worker does; once it has
 *        exited:  -> exited STATUS   (the wait status)
 *     <- tracepoint SYSTEM NAME   -> tracepoint ID (this kernel's; -1 if none)
 *     <- poweroff                 (the guest powers off)
 *
 * Statically linked against libc alone, like the worker; reads the port a
 * byte at a time, so that nothing it has not answered is buffered when the
 * worker takes the port over.
 *
 * spawnbench-agent --loopback FD: the same on the host, over descriptor FD,
 * mounting, loading and powering off nothing (the channel's own cost,
 * measured against a local worker: --kernel loopback).
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <stdbool.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/reboot.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "protocol.h"

#define MAX_ARGS 256
#define LINE_BYTES 4096
#define PORT_WAIT_SECONDS 30

static void say(int port, const char *format, const char *text)
{
	char line[LINE_BYTES];
	int length = snprintf(line, sizeof line, format, text);
	if (length > 0 && write(port, line, (size_t)length) != length)
		return; /* the host has gone: nothing to tell */
}

static void mount_filesystems(void)
{
	mkdir("/dev", 0755);
	mkdir("/proc", 0755);
	mkdir("/sys", 0755);
	mkdir("/tmp", 01777);
	mount("devtmpfs", "/dev", "devtmpfs", 0, NULL);
	mount("proc", "/proc", "proc", 0, NULL);
	mount("sysfs", "/sys", "sysfs", 0, NULL);
	mount("tracefs", "/sys/kernel/tracing", "tracefs", 0, NULL);
	mount("tmpfs", "/tmp", "tmpfs", 0, NULL);
}

/* The modules in /modules/order, one file name a line, in the order they load (dependencies first). */
static void load_modules(void)
{
	FILE *order = fopen("/modules/order", "r");
	char name[256], path[300];
	while (order && fgets(name, sizeof name, order)) {
		name[strcspn(name, "\n")] = '\0';
		snprintf(path, sizeof path, "/modules/%s", name);
		int fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd >= 0 && syscall(SYS_finit_module, fd, "", 0) != 0 && errno != EEXIST)
			fprintf(stderr, "spawnbench-agent: %s: %s\n", name, strerror(errno));
		if (fd >= 0)
			close(fd);
	}
	if (order)
		fclose(order);
}

/* The virtio-serial port named spawnbench: /dev/vportNpM whose sysfs name says so. */
static int open_port(void)
{
	for (int tries = 0; tries < PORT_WAIT_SECONDS * 10; tries++) {
		DIR *dir = opendir("/sys/class/virtio-ports");
		struct dirent *entry;
		while (dir && (entry = readdir(dir))) {
			char path[512], name[64] = "";
			snprintf(path, sizeof path, "/sys/class/virtio-ports/%s/name", entry->d_name);
			FILE *file = fopen(path, "r");
			if (file && fgets(name, sizeof name, file) && strncmp(name, "spawnbench", 10) == 0) {
				fclose(file);
				snprintf(path, sizeof path, "/dev/%s", entry->d_name);
				closedir(dir);
				return open(path, O_RDWR | O_CLOEXEC);
			}
			if (file)
				fclose(file);
		}
		if (dir)
			closedir(dir);
		nanosleep(&(struct timespec){ 0, 100000000 }, NULL);
	}
	return -1;
}

/* One line from the port, a byte at a time; -1 at its end. */
static int read_line(int port, char *line, size_t size)
{
	size_t used = 0;
	for (;;) {
		char byte;
		ssize_t got = read(port, &byte, 1);
		if (got < 0 && errno == EINTR)
			continue;
		if (got <= 0)
			return -1;
		if (byte == '\n')
			break;
		if (used + 1 < size)
			line[used++] = byte;
	}
	line[used] = '\0';
	return 0;
}

static void introduce(int port)
{
	struct utsname name;
	char cmdline[LINE_BYTES] = "";
	FILE *file = fopen("/proc/cmdline", "r");
	if (file && fgets(cmdline, sizeof cmdline, file))
		cmdline[strcspn(cmdline, "\n")] = '\0';
	if (file)
		fclose(file);
	uname(&name);
	say(port, "agent release %s\n", name.release);
	say(port, "agent version %s\n", name.version);
	say(port, "agent cmdline %s\n", cmdline);
	say(port, "agent ready%s\n", "");
}

/* The worker, its protocol on the port; the agent waits for it and says how it ended. */
static void start_worker(int port, unsigned long count)
{
	static char words[MAX_ARGS][LINE_BYTES];
	char *argv[MAX_ARGS + 1];
	if (count == 0 || count > MAX_ARGS)
		return say(port, "exited %s\n", "-1");
	for (unsigned long i = 0; i < count; i++) {
		if (read_line(port, words[i], sizeof words[i]) != 0)
			return;
		argv[i] = words[i];
	}
	argv[count] = NULL;
	pid_t pid = fork();
	if (pid == 0) {
		/* above 10 too: on 3 or 4 it would be overwritten by the port, and then stand for the program's output */
		int null = fcntl(open("/dev/null", O_RDWR), F_DUPFD, 10);
		dup2(port, PROTOCOL_IN_FD);
		dup2(port, PROTOCOL_OUT_FD);
		dup2(null, STDIN_FILENO);
		dup2(null, STDOUT_FILENO);
		dup2(null, STDERR_FILENO);
		execv(argv[0], argv);
		_exit(127);
	}
	int status = -1;
	while (pid > 0 && waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	while (waitpid(-1, NULL, WNOHANG) > 0)
		; /* as init, every orphan comes back here */
	char text[32];
	snprintf(text, sizeof text, "%d", status);
	say(port, "exited %s\n", text);
}

static void tracepoint_id(int port, const char *request)
{
	char system[128], name[128], path[400], id[32] = "-1";
	if (sscanf(request, "tracepoint %127s %127s", system, name) == 2 && !strchr(system, '.') && !strchr(name, '.')) {
		snprintf(path, sizeof path, "/sys/kernel/tracing/events/%s/%s/id", system, name);
		FILE *file = fopen(path, "r");
		if (!file || !fgets(id, sizeof id, file))
			snprintf(id, sizeof id, "-1");
		if (file)
			fclose(file);
		id[strcspn(id, "\n")] = '\0';
	}
	say(port, "tracepoint %s\n", id);
}

int main(int argc, char **argv)
{
	bool loopback = argc == 3 && strcmp(argv[1], "--loopback") == 0;
	if (!loopback) {
		mount_filesystems();
		load_modules();
	}
	/* above 10: the worker's descriptors 3 and 4 are dup2'd from it, and dup2 onto itself would keep close-on-exec */
	int opened = loopback ? atoi(argv[2]) : open_port();
	int port = fcntl(opened, F_DUPFD_CLOEXEC, 10);
	if (opened >= 0)
		close(opened);
	if (port < 0) {
		fprintf(stderr, "spawnbench-agent: no virtio-serial port named spawnbench\n");
		if (!loopback)
			reboot(RB_POWER_OFF);
		return 1;
	}
	introduce(port);
	char line[LINE_BYTES];
	unsigned long count;
	while (read_line(port, line, sizeof line) == 0) {
		if (sscanf(line, "start %lu", &count) == 1)
			start_worker(port, count);
		else if (strncmp(line, "tracepoint ", 11) == 0)
			tracepoint_id(port, line);
		else if (strcmp(line, "poweroff") == 0)
			break;
	}
	if (loopback)
		return 0;
	sync();
	reboot(RB_POWER_OFF);
	return 0;
}
