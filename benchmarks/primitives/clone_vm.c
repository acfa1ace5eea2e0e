/*
 * clone(CLONE_VM|CLONE_VFORK) on the child's own stack: what glibc's
 * posix_spawn does, but with the child running benchmark code. A child
 * that writes the heap writes the parent's own pages: nothing is copied,
 * no fault is taken; the cell is kept as a control.
 */
#define _GNU_SOURCE
#include <sched.h>
#include <signal.h>

#include "child.h"
#include "primitive.h"

static int clone_vm_child(void *job)
{
	child_run(job);
}

static pid_t create_clone_vm(const struct child_job *job)
{
	return clone(clone_vm_child, job->stack_top, CLONE_VM | CLONE_VFORK | SIGCHLD, (void *)job);
}

const struct primitive primitive_clone_vm = {
	.name = "clone-vm",
	.summary = "clone(CLONE_VM|CLONE_VFORK) on its own stack, as glibc's posix_spawn",
	.child_can_exit = true,
	.child_can_write = true,
	.shares_memory = true,
	.parent_suspended = true,
	.create = create_clone_vm,
};
