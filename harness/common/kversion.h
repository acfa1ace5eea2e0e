/* Ordering kernel releases: 5.15 < 6.1-rc1 < 6.1 < 6.1.0-57 < 6.1.1 < 6.2-rc1 < 6.12.117 < 6.18.44. */
#ifndef SPAWNBENCH_KVERSION_H
#define SPAWNBENCH_KVERSION_H

/*
 * Compares two kernel release strings: the version's numbers in turn (6.12 >
 * 6.9, 6.1 = 6.1.0), a release candidate before its release (6.1-rc1 < 6.1),
 * then the numbers of what follows (6.1.0-57 < 6.1.0-58), then the text.
 * <0, 0, >0.
 */
int kernel_version_compare(const char *a, const char *b);

#endif
