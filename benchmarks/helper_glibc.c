/*
 * spawnbench-helper-glibc: the exec helper as an ordinary static glibc
 * program (exec = helper-glibc). Its start window closes in main, after
 * glibc's start-up (about 25 more page faults than the freestanding helper). Its
 * first act is to take CLOCK_MONOTONIC and write it to the descriptor named
 * in argv[1], which closes the "start" window of the exec action.
 */
#include <stdint.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	if (argc > 1) {
		int64_t ns = (int64_t)now.tv_sec * 1000000000 + now.tv_nsec;
		if (write(atoi(argv[1]), &ns, sizeof ns) != sizeof ns)
			return 1;
	}
	return 0;
}
