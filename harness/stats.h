/* Summary statistics and fits, on GSL. */
#ifndef SPAWNBENCH_STATS_H
#define SPAWNBENCH_STATS_H

#include <stdbool.h>
#include <stddef.h>

struct summary {
	size_t n;                   /* values that were not NaN */
	double median, ci_low, ci_high;   /* distribution-free 95% CI; NaN when n < 6 */
	double mean, stddev, min, p90, p99, max;
	size_t outliers;            /* beyond 3 scaled MADs from the median */
};

/*
 * 1-based ranks (lo, hi) of the order statistics that bound a 95% CI of the
 * median of n values: P(lo <= B < hi) >= 0.95 for B ~ Binomial(n, 1/2).
 * false when n is too small for any such interval (n < 6).
 */
bool median_ci_ranks(size_t n, size_t *lo, size_t *hi);

/* Summarises values[0..n), skipping NaN. */
void summarize(const double *values, size_t n, struct summary *out);

/* Median of values[0..n), skipping NaN; NaN if none. */
double median_of(const double *values, size_t n);

struct linear_fit {
	size_t points;
	double intercept, slope, r2;
};

/* Least squares y = intercept + slope x; false with fewer than 2 distinct x. */
bool fit_line(const double *x, const double *y, size_t n, struct linear_fit *fit);

#endif
