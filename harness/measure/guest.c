#define _GNU_SOURCE
#include "guest.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>

#include "initramfs.h"
#include "safe_output.h"
#include "topology.h"
#include "util.h"
#include "worker_link.h"

extern char **environ;

#define COMMAND_SECONDS 600.0      /* apt-get download, dpkg-deb -x */
#define BOOT_SECONDS_KVM 60.0      /* from qemu's start to the agent's first word */
#define BOOT_SECONDS_TCG 180.0
#define STOP_SECONDS 10.0
#define CONSOLE_TAIL_LINES 8

void guest_cache_dir(char *buf, size_t size)
{
	const char *cache = getenv("XDG_CACHE_HOME"), *home = getenv("HOME");
	if (cache && cache[0] == '/')
		snprintf(buf, size, "%s/spawnbench/kernels", cache);
	else
		snprintf(buf, size, "%s/.cache/spawnbench/kernels", home && home[0] == '/' ? home : "/tmp");
}

static int make_dirs(const char *path)
{
	char partial[PATH_MAX];
	snprintf(partial, sizeof partial, "%s", path);
	for (char *slash = partial + 1; (slash = strchr(slash, '/')); slash++) {
		*slash = '\0';
		if (mkdir(partial, 0755) != 0 && errno != EEXIST)
			return -1;
		*slash = '/';
	}
	return mkdir(partial, 0755) != 0 && errno != EEXIST ? -1 : 0;
}

/* Runs argv (never through a shell) in dir, its output to /dev/null; its exit status, or -1. */
static int run_program(char *const argv[], const char *dir)
{
	posix_spawn_file_actions_t actions;
	pid_t pid;
	posix_spawn_file_actions_init(&actions);
	if (dir)
		posix_spawn_file_actions_addchdir_np(&actions, dir);
	posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
	posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, "/dev/null", O_WRONLY, 0);
	posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, "/dev/null", O_WRONLY, 0);
	int spawned = posix_spawnp(&pid, argv[0], &actions, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&actions);
	if (spawned != 0)
		return -1;
	if (!wait_bounded(pid, COMMAND_SECONDS))
		kill(pid, SIGKILL);
	int status = reap_child(pid);
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

/* A package name, checked before it reaches apt-get as an argument: linux-image-..., nothing an option could be. */
static bool package_name(const char *text)
{
	if (strncmp(text, "linux-image-", 12) != 0 || strlen(text) > 100)
		return false;
	for (const char *c = text; *c; c++)
		if (!((*c >= 'a' && *c <= 'z') || (*c >= '0' && *c <= '9') || *c == '.' || *c == '+' || *c == '-'))
			return false;
	return true;
}

/* The first entry of dir whose name starts with prefix (and ends with suffix), into path. */
static bool find_entry(const char *dir, const char *prefix, const char *suffix, char *path, size_t size)
{
	DIR *d = opendir(dir);
	struct dirent *entry;
	bool found = false;
	while (d && !found && (entry = readdir(d))) {
		size_t length = strlen(entry->d_name), suffix_length = strlen(suffix);
		if (strncmp(entry->d_name, prefix, strlen(prefix)) == 0 && length >= suffix_length &&
		    strcmp(entry->d_name + length - suffix_length, suffix) == 0)
			found = snprintf(path, size, "%s/%s", dir, entry->d_name) > 0;
	}
	if (d)
		closedir(d);
	return found;
}

/* Unpacks a .deb into cache_dir/NAME (dpkg-deb -x: no maintainer script, no bootloader hook runs). */
static int unpack_deb(struct guest *g, const char *deb, const char *cache_dir, char *why, size_t why_size)
{
	const char *base = strrchr(deb, '/') ? strrchr(deb, '/') + 1 : deb;
	char unpacked[PATH_MAX], boot[PATH_MAX + 8];
	snprintf(unpacked, sizeof unpacked, "%s/%.*s", cache_dir, (int)(strlen(base) - 4), base);
	snprintf(boot, sizeof boot, "%s/boot", unpacked);
	struct stat info;
	if (stat(boot, &info) != 0) {
		char *argv[] = { "dpkg-deb", "-x", (char *)deb, unpacked, NULL };
		if (make_dirs(unpacked) != 0 || run_program(argv, NULL) != 0) {
			snprintf(why, why_size, "--kernel %s: dpkg-deb -x could not unpack it", g->spec);
			return -1;
		}
	}
	if (!find_entry(boot, "vmlinuz-", "", g->image, sizeof g->image)) {
		snprintf(why, why_size, "--kernel %s: the package holds no boot/vmlinuz-*", g->spec);
		return -1;
	}
	const char *release = strrchr(g->image, '/') + strlen("/vmlinuz-");
	if (snprintf(g->modules_dir, sizeof g->modules_dir, "%.3800s/lib/modules/%.200s", unpacked, release) < 0)
		g->modules_dir[0] = '\0';
	return 0;
}

/* apt-get download NAME into the cache (without installing it), then unpacks it. */
static int fetch_package(struct guest *g, const char *name, const char *cache_dir, char *why, size_t why_size)
{
	char deb[PATH_MAX], prefix[128];
	snprintf(prefix, sizeof prefix, "%.100s_", name); /* package_name bounds it */
	if (!find_entry(cache_dir, prefix, ".deb", deb, sizeof deb)) {
		char *argv[] = { "apt-get", "download", "-q", (char *)name, NULL };
		if (make_dirs(cache_dir) != 0 || run_program(argv, cache_dir) != 0 ||
		    !find_entry(cache_dir, prefix, ".deb", deb, sizeof deb)) {
			snprintf(why, why_size, "--kernel %s: apt-get download %s failed (is it a package of this "
				 "distribution? apt-get update first?)", g->spec, name);
			return -1;
		}
	}
	return unpack_deb(g, deb, cache_dir, why, why_size);
}

/* IMAGE[,append=ARGS] */
static void split_spec(struct guest *g, const char *spec, char *image, size_t size)
{
	snprintf(g->spec, sizeof g->spec, "%s", spec);
	snprintf(image, size, "%s", spec);
	char *append = strstr(image, ",append=");
	if (append) {
		snprintf(g->append, sizeof g->append, "%s", append + strlen(",append="));
		*append = '\0';
	}
}

int guest_resolve(struct guest *g, const char *spec, const char *cache_dir, char *why, size_t why_size)
{
	char image[PATH_MAX];
	struct stat info;
	memset(g, 0, sizeof *g);
	g->channel = -1;
	split_spec(g, spec, image, sizeof image);
	if (strcmp(image, "loopback") == 0) {
		g->loopback = true;
		return 0;
	}
	size_t length = strlen(image);
	int result = 0;
	if (length > 4 && strcmp(image + length - 4, ".deb") == 0 && stat(image, &info) == 0 && S_ISREG(info.st_mode)) {
		char absolute[PATH_MAX];
		result = realpath(image, absolute) ? unpack_deb(g, absolute, cache_dir, why, why_size) : -1;
	} else if (!strchr(image, '/') && package_name(image)) {
		result = fetch_package(g, image, cache_dir, why, why_size);
	} else if (stat(image, &info) != 0 || !S_ISREG(info.st_mode)) {
		snprintf(why, why_size, "--kernel %s: no such file, and not a linux-image package name", spec);
		return -1;
	} else {
		snprintf(g->image, sizeof g->image, "%s", image);
	}
	if (result != 0)
		return -1;
	char problem[PATH_MAX + 64];
	if (bzimage_release(g->image, g->image_release, sizeof g->image_release, problem, sizeof problem) != 0) {
		snprintf(why, why_size, "--kernel %s: %s", spec, problem);
		return -1;
	}
	if (!g->modules_dir[0]) { /* a bare image: its modules where the host keeps them, if it does */
		snprintf(g->modules_dir, sizeof g->modules_dir, "/lib/modules/%s", g->image_release);
		if (stat(g->modules_dir, &info) != 0)
			g->modules_dir[0] = '\0';
	}
	return 0;
}

uint64_t guest_memory_for_cells(const struct guest *g)
{
	return g->memory_bytes > GUEST_SYSTEM_BYTES ? g->memory_bytes - GUEST_SYSTEM_BYTES : 0;
}

bool guest_kvm_available(void)
{
	int fd = open("/dev/kvm", O_RDWR | O_CLOEXEC);
	if (fd >= 0)
		close(fd);
	return fd >= 0;
}

const char *guest_program_path(const struct guest *g, const char *host_path)
{
	const char *base = strrchr(host_path, '/');
	return g->loopback || !base ? host_path : base; /* the initramfs keeps the programs at its root */
}

static void guest_failed(struct guest *g, const char *format, ...) __attribute__((format(printf, 2, 3)));
static void guest_failed(struct guest *g, const char *format, ...)
{
	va_list args;
	va_start(args, format);
	vsnprintf(g->why, sizeof g->why, format, args);
	va_end(args);
	g->failed = true;
}

/* The console log's last lines, on one line ("... | ... | ..."), controls removed. */
static void console_tail(const struct guest *g, char *buf, size_t size)
{
	size_t length;
	char *text = read_binary_file(g->console_path, 64u << 20, &length);
	buf[0] = '\0';
	if (!text)
		return;
	size_t start = length, lines = 0;
	while (start > 0 && lines <= CONSOLE_TAIL_LINES)
		lines += text[--start] == '\n';
	for (char *c = text + start; *c; c++)
		*c = *c == '\n' ? '|' : *c;
	text_strip_controls(text + start);
	snprintf(buf, size, "%s", text + start);
	free(text);
}

static char *const *qemu_argv(const struct guest *g, const char *initramfs, const char *socket_path, const char *accel)
{
	static char memory[32], cpus[16], append[1200], chardev[PATH_MAX + 64], serial[PATH_MAX + 16];
	static char *argv[40];
	snprintf(memory, sizeof memory, "%llu", (unsigned long long)(g->memory_bytes >> 20));
	snprintf(cpus, sizeof cpus, "%u", g->cpus);
	/* panic=-1: a panic reboots at once, and -no-reboot turns that into qemu's exit */
	snprintf(append, sizeof append, "console=ttyS0 panic=-1 quiet %s", g->append);
	snprintf(chardev, sizeof chardev, "socket,id=channel,path=%s,server=on,wait=off", socket_path);
	snprintf(serial, sizeof serial, "file:%s", g->console_path);
	char *words[] = { "qemu-system-x86_64", "-machine", "q35", "-accel", (char *)accel, "-cpu",
			  strcmp(accel, "kvm") == 0 ? "host" : "max", "-smp", cpus, "-m", memory, "-kernel",
			  (char *)g->image, "-initrd", (char *)initramfs, "-append", append, "-display", "none",
			  "-monitor", "none", "-nic", "none", "-no-reboot", "-serial", serial, "-device",
			  "virtio-serial-pci", "-chardev", chardev, "-device",
			  "virtserialport,chardev=channel,name=spawnbench", NULL };
	memcpy(argv, words, sizeof words);
	return argv;
}

static pid_t start_qemu(const struct guest *g, const char *initramfs, const char *socket_path, const char *accel)
{
	posix_spawn_file_actions_t actions;
	pid_t pid;
	char log[PATH_MAX + 8];
	snprintf(log, sizeof log, "%s.qemu", g->console_path);
	posix_spawn_file_actions_init(&actions);
	posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
	posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, log, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW, 0644);
	posix_spawn_file_actions_adddup2(&actions, STDOUT_FILENO, STDERR_FILENO);
	int spawned = posix_spawnp(&pid, "qemu-system-x86_64", &actions, NULL, qemu_argv(g, initramfs, socket_path, accel),
				   environ);
	posix_spawn_file_actions_destroy(&actions);
	return spawned == 0 ? pid : -1;
}

static int connect_channel(const char *socket_path, pid_t qemu)
{
	struct sockaddr_un address = { .sun_family = AF_UNIX };
	snprintf(address.sun_path, sizeof address.sun_path, "%s", socket_path);
	for (int tries = 0; tries < 100; tries++) {
		int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
		if (fd >= 0 && connect(fd, (struct sockaddr *)&address, sizeof address) == 0)
			return fd;
		if (fd >= 0)
			close(fd);
		if (waitpid(qemu, NULL, WNOHANG) == qemu)
			return -1;
		usleep(50000);
	}
	return -1;
}

/*
 * One line from the channel, a byte at a time (what follows belongs to the
 * worker); false at the deadline, at its end, or on Ctrl-C.
 */
static bool channel_line(struct guest *g, char *line, size_t size, double deadline)
{
	size_t used = 0;
	while (monotonic_seconds() < deadline && !stop_requested) {
		struct pollfd poll_fd = { .fd = g->channel, .events = POLLIN };
		if (poll(&poll_fd, 1, 200) <= 0)
			continue;
		char byte;
		if (read(g->channel, &byte, 1) != 1)
			return false;
		if (byte == '\n') {
			line[used] = '\0';
			return true;
		}
		if (used + 1 < size)
			line[used++] = byte;
	}
	return false;
}

/* "agent release ...", "agent version ...", "agent cmdline ...", then "agent ready". */
static bool await_agent(struct guest *g, double deadline)
{
	char line[2048];
	while (channel_line(g, line, sizeof line, deadline)) {
		if (strncmp(line, "agent release ", 14) == 0)
			snprintf(g->release, sizeof g->release, "%.127s", line + 14);
		else if (strncmp(line, "agent version ", 14) == 0)
			snprintf(g->version, sizeof g->version, "%.255s", line + 14);
		else if (strncmp(line, "agent cmdline ", 14) == 0)
			snprintf(g->cmdline, sizeof g->cmdline, "%.1023s", line + 14);
		else if (strcmp(line, "agent ready") == 0)
			return true;
	}
	return false;
}

/* vCPU i of the guest on host PU i: qemu names its vCPU threads "CPU i/TCG" (or /KVM). */
static void pin_vcpus(pid_t qemu)
{
	char dir[64];
	snprintf(dir, sizeof dir, "/proc/%d/task", (int)qemu);
	DIR *tasks = opendir(dir);
	struct dirent *entry;
	while (tasks && (entry = readdir(tasks))) {
		char path[400], *comm;
		unsigned vcpu;
		snprintf(path, sizeof path, "%.63s/%.255s/comm", dir, entry->d_name);
		comm = read_text_file(path);
		if (comm && sscanf(comm, "CPU %u/", &vcpu) == 1) {
			cpu_set_t set;
			CPU_ZERO(&set);
			CPU_SET(vcpu % topology_pu_count(), &set);
			sched_setaffinity((pid_t)atoi(entry->d_name), sizeof set, &set);
		}
		free(comm);
	}
	if (tasks)
		closedir(tasks);
}

static void stop_qemu(struct guest *g);

static bool boot_with(struct guest *g, const char *initramfs, const char *socket_path, const char *accel,
		      double timeout_seconds)
{
	double started = monotonic_seconds();
	unlink(socket_path);
	g->accelerator = accel;
	g->qemu = start_qemu(g, initramfs, socket_path, accel);
	if (g->qemu < 0)
		return false;
	g->channel = connect_channel(socket_path, g->qemu);
	if (g->channel >= 0 && await_agent(g, started + timeout_seconds)) {
		g->boot_seconds = monotonic_seconds() - started;
		pin_vcpus(g->qemu);
		return true;
	}
	stop_qemu(g); /* the initramfs stays for the next accelerator */
	return false;
}

/* The agent on the host over a socket pair: what the channel costs, without a virtual machine. */
static bool start_loopback(struct guest *g, const struct initramfs_files *files)
{
	int pair[2];
	struct utsname name;
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, pair) != 0)
		return guest_failed(g, "socketpair: %s", strerror(errno)), false;
	char fd[16];
	snprintf(fd, sizeof fd, "%d", pair[1]);
	char *argv[] = { (char *)files->agent, "--loopback", fd, NULL };
	posix_spawn_file_actions_t actions;
	posix_spawn_file_actions_init(&actions);
	posix_spawn_file_actions_adddup2(&actions, pair[1], pair[1]); /* kept across exec: dup2 onto itself clears close-on-exec */
	int spawned = posix_spawn(&g->qemu, files->agent, &actions, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&actions);
	close(pair[1]);
	g->channel = pair[0];
	uname(&name);
	snprintf(g->image_release, sizeof g->image_release, "%s", name.release);
	g->accelerator = "loopback";
	if (spawned != 0 || !await_agent(g, monotonic_seconds() + 10))
		return guest_failed(g, "the loopback agent did not start"), stop_qemu(g), false;
	return true;
}

bool guest_boot(struct guest *g, const struct initramfs_files *files, const char *console_path)
{
	if (g->loopback)
		return start_loopback(g, files);
	char why[512], initramfs[PATH_MAX + 16], socket_path[PATH_MAX + 16], tail[1200];
	snprintf(g->console_path, sizeof g->console_path, "%s", console_path);
	snprintf(g->work_dir, sizeof g->work_dir, "/tmp/spawnbench-guest.XXXXXX");
	if (!mkdtemp(g->work_dir))
		return guest_failed(g, "cannot make a directory for the guest: %s", strerror(errno)), false;
	snprintf(initramfs, sizeof initramfs, "%s/initramfs.cpio", g->work_dir);
	snprintf(socket_path, sizeof socket_path, "%s/channel", g->work_dir);
	struct initramfs_files with_modules = *files;
	with_modules.modules_dir = g->modules_dir[0] ? g->modules_dir : NULL;
	if (initramfs_write(initramfs, &with_modules, why, sizeof why) != 0)
		return guest_failed(g, "%s", why), guest_stop(g), false;
	/* KVM where a boot with it succeeds; TCG otherwise, and then the timings are emulated */
	if ((guest_kvm_available() && boot_with(g, initramfs, socket_path, "kvm", BOOT_SECONDS_KVM)) ||
	    boot_with(g, initramfs, socket_path, "tcg", BOOT_SECONDS_TCG)) {
		unlink(initramfs);
		return true;
	}
	console_tail(g, tail, sizeof tail);
	guest_failed(g, "kernel %s did not boot to spawnbench's agent (within %.0f s under TCG; its console: %s)%s; "
		     "last lines: %s", g->image_release, BOOT_SECONDS_TCG, g->console_path,
		     g->modules_dir[0] ? "" : " - no modules for it under /lib/modules: a kernel with virtio as modules needs "
					      "them (give its .deb)", tail[0] ? tail : "(empty)");
	guest_stop(g);
	return false;
}

long guest_tracepoint_id(struct guest *g, const char *system, const char *name)
{
	char request[300], line[128];
	long id = -1;
	snprintf(request, sizeof request, "tracepoint %s %s\n", system, name);
	if (g->channel < 0 || write(g->channel, request, strlen(request)) != (ssize_t)strlen(request) ||
	    !channel_line(g, line, sizeof line, monotonic_seconds() + 10) || sscanf(line, "tracepoint %ld", &id) != 1)
		return -1;
	return id;
}

/* Powers the guest off, or kills qemu when it does not stop; the guest's files stay. */
static void stop_qemu(struct guest *g)
{
	if (g->channel >= 0) {
		if (write(g->channel, "poweroff\n", 9) != 9) {
			/* the agent is gone already: qemu is stopped below all the same */
		}
		close(g->channel);
		g->channel = -1;
	}
	if (g->qemu > 0) {
		/* on Ctrl-C, no wait for a guest that may not even have booted */
		if (stop_requested || !wait_bounded(g->qemu, STOP_SECONDS))
			kill(g->qemu, SIGKILL);
		reap_child(g->qemu);
		g->qemu = 0;
	}
}

void guest_stop(struct guest *g)
{
	stop_qemu(g);
	if (g->work_dir[0]) {
		char path[PATH_MAX + 32];
		snprintf(path, sizeof path, "%s/initramfs.cpio", g->work_dir);
		unlink(path);
		snprintf(path, sizeof path, "%s/channel", g->work_dir);
		unlink(path);
		rmdir(g->work_dir);
		g->work_dir[0] = '\0';
	}
}
