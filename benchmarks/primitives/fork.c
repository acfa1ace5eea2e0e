/*
 * fork(): glibc's wrapper (atfork handlers, then clone without CLONE_VM).
 * The parent's page tables are copied and its private pages write-protected
 * for copy-on-write; the cost grows with the populated heap.
 */
#include <unistd.h>

#include "child.h"
#include "primitive.h"

static pid_t create_fork(const struct child_job *job)
{
	pid_t pid = fork();
	if (pid == 0)
		child_run(job);
	return pid;
}

const struct primitive primitive_fork = {
	.name = "fork",
	.summary = "fork(): copies page tables, private pages shared copy-on-write",
	.child_can_exit = true,
	.child_can_write = true,
	.create = create_fork,
};
