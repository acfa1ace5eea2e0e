/* Ordering kernel releases: 5.15 < 6.1.0-57 < 6.12.117 < 6.18.44. */
#ifndef SPAWNBENCH_KVERSION_H
#define SPAWNBENCH_KVERSION_H

/*
 * Compares two kernel release strings by their numbers in turn (6.12 > 6.9);
 * a release that is a prefix of the other comes first; ties by text. <0, 0, >0.
 */
int kernel_version_compare(const char *a, const char *b);

#endif
