/* Summary statistics and fits, on GSL. */
#ifndef SPAWNBENCH_STATS_H
#define SPAWNBENCH_STATS_H

#include <stdbool.h>
#include <stddef.h>

struct summary {
	size_t n;                   /* values that were not NaN */
	double median, ci_low, ci_high;   /* 95% CI; NaN when n < 6 (see summarize_rounds) */
	size_t rounds;              /* rounds (fresh workers) the values came from */
	double between_share;       /* share of the median's variance between rounds, 0..1; NaN with one round */
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

/*
 * Summarises values[0..n) taken in rounds (round[i] is value i's round),
 * rounds as clusters, each weighing the same however many values it gave:
 * the median is that of the rounds' equal mixture, and its 95% CI a cluster
 * bootstrap (rounds drawn with replacement, each with its own median drawn
 * from its sampling distribution), so drift between rounds widens the
 * interval. With one round, the distribution-free CI of summarize. The other
 * fields are those of the pooled values.
 */
void summarize_rounds(const double *values, const double *round, size_t n, struct summary *out);
/*
 * The same with resamples bootstrap draws instead of the summary's 2000: a
 * stopping rule's quick look (its interval's ends move by about a percent of
 * the half-width from one seed to another at 400).
 */
#define QUICK_RESAMPLES 400
void summarize_rounds_resampled(const double *values, const double *round, size_t n, size_t resamples,
				struct summary *out);

/* Median of values[0..n), skipping NaN; NaN if none. */
double median_of(const double *values, size_t n);

/*
 * What a fit may say: a slope (its 95% CI excludes 0); flat (the CI holds 0:
 * no significant slope); or nothing, with fewer than 3 points or constant
 * values (two points always fit a line, and a constant has no R²).
 */
enum fit_verdict { FIT_SLOPE, FIT_FLAT, FIT_TOO_FEW };
extern const char *const fit_verdict_names[];

struct linear_fit {
	size_t points;
	double intercept, slope, r2;       /* r2 NaN for constant values */
	double slope_low, slope_high;      /* 95% CI (Student's t, n - 2 degrees of freedom); NaN under 3 points */
	enum fit_verdict verdict;
};

/* Least squares y = intercept + slope x; false with fewer than 2 distinct x. */
bool fit_line(const double *x, const double *y, size_t n, struct linear_fit *fit);

/*
 * Least squares on relative residuals (weights 1/y^2, y > 0): the line that
 * stays closest to every point in proportion to it, with its slope's 95% CI;
 * max_relative is the largest |y - line| / y. false with fewer than 3
 * points, 2 distinct x, or a y <= 0.
 */
bool fit_line_relative(const double *x, const double *y, size_t n, struct linear_fit *fit, double *max_relative);

#endif
