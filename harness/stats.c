#include "stats.h"

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_fit.h>
#include <gsl/gsl_sort.h>
#include <gsl/gsl_statistics_double.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

#define OUTLIER_MADS 3.0

bool median_ci_ranks(size_t n, size_t *lo, size_t *hi)
{
	/* largest lo with P(B <= lo - 1) <= 0.025; the interval is symmetric */
	size_t rank = 0;
	while (rank + 1 <= n / 2 && gsl_cdf_binomial_P((unsigned)rank, 0.5, (unsigned)n) <= 0.025)
		rank++;
	if (rank == 0)
		return false;
	*lo = rank;
	*hi = n - rank + 1;
	return true;
}

static size_t copy_finite(const double *values, size_t n, double *out)
{
	size_t kept = 0;
	for (size_t i = 0; i < n; i++)
		if (!isnan(values[i]))
			out[kept++] = values[i];
	return kept;
}

static size_t count_outliers(const double *sorted, size_t n, double median)
{
	double *work = xmalloc(n * sizeof *work);
	double scaled_mad = gsl_stats_mad(sorted, 1, n, work); /* 1.4826 x MAD */
	free(work);
	size_t outliers = 0;
	for (size_t i = 0; i < n; i++)
		if (fabs(sorted[i] - median) > OUTLIER_MADS * scaled_mad && scaled_mad > 0)
			outliers++;
	return outliers;
}

void summarize(const double *values, size_t count, struct summary *out)
{
	memset(out, 0, sizeof *out);
	double *sorted = xmalloc((count ? count : 1) * sizeof *sorted);
	size_t n = copy_finite(values, count, sorted);
	out->n = n;
	out->median = out->ci_low = out->ci_high = out->mean = out->stddev = NAN;
	out->min = out->p90 = out->p99 = out->max = NAN;
	if (n > 0) {
		size_t lo, hi;
		gsl_sort(sorted, 1, n);
		out->median = gsl_stats_median_from_sorted_data(sorted, 1, n);
		if (median_ci_ranks(n, &lo, &hi)) {
			out->ci_low = sorted[lo - 1];
			out->ci_high = sorted[hi - 1];
		}
		out->mean = gsl_stats_mean(sorted, 1, n);
		out->stddev = n > 1 ? gsl_stats_sd_m(sorted, 1, n, out->mean) : 0;
		out->min = sorted[0];
		out->max = sorted[n - 1];
		out->p90 = gsl_stats_quantile_from_sorted_data(sorted, 1, n, 0.90);
		out->p99 = gsl_stats_quantile_from_sorted_data(sorted, 1, n, 0.99);
		out->outliers = count_outliers(sorted, n, out->median);
	}
	free(sorted);
}

double median_of(const double *values, size_t count)
{
	struct summary summary;
	summarize(values, count, &summary);
	return summary.median;
}

bool fit_line(const double *x, const double *y, size_t n, struct linear_fit *fit)
{
	memset(fit, 0, sizeof *fit);
	fit->points = n;
	bool distinct = false;
	for (size_t i = 1; i < n; i++)
		distinct |= x[i] != x[0];
	if (n < 2 || !distinct)
		return false;
	double cov00, cov01, cov11, residual_sum;
	gsl_fit_linear(x, 1, y, 1, n, &fit->intercept, &fit->slope, &cov00, &cov01, &cov11, &residual_sum);
	double mean = gsl_stats_mean(y, 1, n);
	double total = 0;
	for (size_t i = 0; i < n; i++)
		total += (y[i] - mean) * (y[i] - mean);
	fit->r2 = total > 0 ? 1 - residual_sum / total : 1;
	return true;
}
