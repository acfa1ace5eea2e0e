/*
 * posix_spawn(): glibc 2.36 runs clone3(CLONE_VM|CLONE_VFORK) on a
 * private stack and execs the program at once; the child never runs
 * benchmark code, so it can neither write the heap nor just exit.
 */
#include <errno.h>
#include <spawn.h>

#include "child.h"
#include "primitive.h"

static pid_t create_posix_spawn(const struct child_job *job)
{
	pid_t pid;
	int error = posix_spawn(&pid, job->exec_argv[0], NULL, NULL, job->exec_argv, job->exec_envp);
	if (error) {
		errno = error;
		return -1;
	}
	return pid;
}

const struct primitive primitive_posix_spawn = {
	.name = "posix_spawn",
	.summary = "posix_spawn(): glibc's clone3(CLONE_VM|CLONE_VFORK) straight into exec",
	.child_can_exit = false,
	.child_can_write = false,
	.no_child_write = "the posix_spawn child is the exec'd program",
	.shares_memory = true,
	.parent_suspended = true,
	.create = create_posix_spawn,
};
