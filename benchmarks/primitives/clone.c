/*
 * clone3() without CLONE_VM (fork-like, raw syscall: no atfork handlers,
 * no glibc bookkeeping), falling back to clone() where clone3 is missing.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <linux/sched.h>
#include <signal.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "child.h"
#include "primitive.h"

/* Which system call clone_used() last went through: "clone3" or "clone". */
static const char *clone_syscall = "clone3";

const char *clone_used(void)
{
	return clone_syscall;
}

static long raw_clone(void)
{
	struct clone_args args;
	memset(&args, 0, sizeof args);
	args.exit_signal = SIGCHLD;
	long ret = syscall(SYS_clone3, &args, sizeof args);
	if (ret == -1 && errno == ENOSYS) {
		clone_syscall = "clone";
		ret = syscall(SYS_clone, SIGCHLD, NULL, NULL, NULL, NULL);
	}
	return ret;
}

static pid_t create_clone(const struct child_job *job)
{
	long pid = raw_clone();
	if (pid == 0)
		child_run(job);
	return (pid_t)pid;
}

const struct primitive primitive_clone = {
	.name = "clone",
	.summary = "clone3() without CLONE_VM: fork-like, raw syscall",
	.child_can_exit = true,
	.child_can_write = true,
	.create = create_clone,
};
