/*
 * vfork(): the child borrows the parent's address space and the parent is
 * suspended until the child execs or exits, so nothing is copied and the
 * cost does not grow with the heap. The child may only exec or _exit.
 */
#include <unistd.h>

#include "child.h"
#include "primitive.h"

static pid_t create_vfork(const struct child_job *job)
{
	pid_t pid = vfork();
	if (pid == 0)
		child_run(job); /* never returns: execs or _exits */
	return pid;
}

const struct primitive primitive_vfork = {
	.name = "vfork",
	.summary = "vfork(): child borrows the address space, parent suspended until exec/exit",
	.child_can_exit = true,
	.child_can_write = false,
	.no_child_write = "vfork child writing the heap is undefined (POSIX)",
	.shares_memory = true,
	.parent_suspended = true,
	.create = create_vfork,
};
