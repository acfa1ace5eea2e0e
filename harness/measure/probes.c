#define _GNU_SOURCE
#include "probes.h"

#include <math.h>
#include <sched.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "stats.h"
#include "util.h"


#define REPETITIONS 15            /* enough for a distribution-free CI of the median */
#define LOOP_ITERATIONS 2000000
#define COPY_BYTES (16u << 20)
#define FAULT_BYTES (16u << 20)
#define SYSCALLS 20000
#define PAGE 4096

static double now_ns(void)
{
	return monotonic_seconds() * 1e9;
}

/* One repetition of each probe: the time per unit, in ns. */
static double user_loop(void)
{
	volatile uint64_t state = 1;
	double start = now_ns();
	for (unsigned i = 0; i < LOOP_ITERATIONS; i++)
		state = state * 6364136223846793005ull + 1442695040888963407ull;
	return (now_ns() - start) / LOOP_ITERATIONS;
}

static double memory_copy(char *from, char *to)
{
	double start = now_ns();
	memcpy(to, from, COPY_BYTES);
	__asm__ volatile("" : : "r"(to) : "memory"); /* the copy is used */
	return (now_ns() - start) / (COPY_BYTES >> 20);
}

static double page_faults(void)
{
	char *memory = mmap(NULL, FAULT_BYTES, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (memory == MAP_FAILED)
		return NAN;
	madvise(memory, FAULT_BYTES, MADV_NOHUGEPAGE); /* one fault per 4 KiB page */
	double start = now_ns();
	for (size_t offset = 0; offset < FAULT_BYTES; offset += PAGE)
		memory[offset] = 1;
	double ns = (now_ns() - start) / (FAULT_BYTES / PAGE);
	munmap(memory, FAULT_BYTES);
	return ns;
}

static double system_calls(void)
{
	double start = now_ns();
	for (unsigned i = 0; i < SYSCALLS; i++)
		syscall(SYS_getppid);
	return (now_ns() - start) / SYSCALLS;
}

static json_t *probe_summary(const double *values)
{
	struct summary s;
	summarize(values, REPETITIONS, &s);
	return json_pack("{s:f, s:f, s:f, s:I}", "median", s.median, "ci_low", s.ci_low, "ci_high", s.ci_high, "n",
			 (json_int_t)s.n);
}

json_t *probes_run(void)
{
	cpu_set_t previous, first;
	bool pinned = sched_getaffinity(0, sizeof previous, &previous) == 0;
	CPU_ZERO(&first);
	for (int cpu = 0; pinned && cpu < CPU_SETSIZE; cpu++)
		if (CPU_ISSET(cpu, &previous)) {
			CPU_SET(cpu, &first);
			break;
		}
	pinned = pinned && sched_setaffinity(0, sizeof first, &first) == 0;
	char *from = xmalloc(COPY_BYTES), *to = xmalloc(COPY_BYTES);
	memset(from, 1, COPY_BYTES);
	memset(to, 2, COPY_BYTES); /* both faulted in: the copy measures bandwidth, not faults */
	double values[PROBE_COUNT][REPETITIONS];
	for (int r = 0; r < REPETITIONS; r++) {
		values[PROBE_USER_LOOP][r] = user_loop();
		values[PROBE_MEMCPY][r] = memory_copy(from, to);
		values[PROBE_PAGE_FAULT][r] = page_faults();
		values[PROBE_SYSCALL][r] = system_calls();
	}
	free(from);
	free(to);
	if (pinned)
		sched_setaffinity(0, sizeof previous, &previous);
	json_t *probes = json_object();
	for (int p = 0; p < PROBE_COUNT; p++)
		json_object_set_new(probes, probe_names[p], probe_summary(values[p]));
	return probes;
}
