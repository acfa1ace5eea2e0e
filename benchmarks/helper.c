/*
 * spawnbench-helper: the program an exec'ing child runs, freestanding (no
 * libc, no start-up code). Its entry point is its first instruction: it
 * takes CLOCK_MONOTONIC with a raw system call and writes it to the
 * descriptor named in argv[1], which closes the "start" window of the exec
 * action; then it exits. So "start" holds the kernel's work (the call, exec,
 * loading this small static image, scheduling it) and one clock_gettime
 * system call, and nothing of a C library's start-up. On an architecture
 * without the entry point below, it falls back to an ordinary main.
 */
#include <stdint.h>

#if defined(__x86_64__)

#include <sys/syscall.h>

static long raw_syscall3(long number, long a, long b, long c)
{
	long result;
	__asm__ volatile("syscall" : "=a"(result) : "a"(number), "D"(a), "S"(b), "d"(c) : "rcx", "r11", "memory");
	return result;
}

/* "17" -> 17; -1 unless a plain decimal number. */
static long parse_descriptor(const char *text)
{
	long value = 0;
	if (!text || !*text)
		return -1;
	for (; *text; text++) {
		if (*text < '0' || *text > '9' || value > 100000)
			return -1;
		value = value * 10 + (*text - '0');
	}
	return value;
}

struct kernel_timespec {
	long tv_sec, tv_nsec;
};

/* Called from _start with the initial stack: argc, then argv[0..argc). */
__attribute__((noreturn, used)) static void helper_main(long *stack)
{
	struct kernel_timespec now;
	raw_syscall3(SYS_clock_gettime, 1 /* CLOCK_MONOTONIC */, (long)&now, 0);
	long argc = stack[0];
	char **argv = (char **)(stack + 1);
	int status = 0;
	if (argc > 1) {
		int64_t ns = (int64_t)now.tv_sec * 1000000000 + now.tv_nsec;
		long fd = parse_descriptor(argv[1]);
		status = fd < 0 || raw_syscall3(SYS_write, fd, (long)&ns, sizeof ns) != sizeof ns;
	}
	raw_syscall3(SYS_exit_group, status, 0, 0);
	__builtin_unreachable();
}

/* The entry point: the stack pointer as the kernel left it, aligned for the call. */
__asm__(".text\n"
	".global _start\n"
	"_start:\n"
	"	xor %rbp, %rbp\n"
	"	mov %rsp, %rdi\n"
	"	and $-16, %rsp\n"
	"	call helper_main\n"
	"	hlt\n");

#else

#include "helper_glibc.c" /* elsewhere: the ordinary program */

#endif
