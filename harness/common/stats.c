#include "stats.h"

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_fit.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>
#include <gsl/gsl_sort.h>
#include <gsl/gsl_statistics_double.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

#define OUTLIER_MADS 3.0
#define CLUSTER_RESAMPLES 2000
#define MAX_SUMMARY_ROUNDS 128
#define SKETCH_POINTS 33          /* a round's shape in the cluster bootstrap */

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
	out->rounds = n > 0;
	out->between_share = NAN;
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

const char *const fit_verdict_names[] = { "slope", "flat (no significant slope)", "not enough points" };

static bool distinct_x(const double *x, size_t n)
{
	for (size_t i = 1; i < n; i++)
		if (x[i] != x[0])
			return true;
	return false;
}

/* The slope's 95% CI from its variance, and the verdict it allows. */
static void judge_slope(struct linear_fit *fit, double slope_variance, bool constant)
{
	fit->slope_low = fit->slope_high = NAN;
	fit->verdict = FIT_TOO_FEW;
	if (fit->points < 3 || constant)
		return;
	double half = gsl_cdf_tdist_Pinv(0.975, (double)fit->points - 2) * sqrt(fmax(slope_variance, 0));
	fit->slope_low = fit->slope - half;
	fit->slope_high = fit->slope + half;
	fit->verdict = fit->slope_low > 0 || fit->slope_high < 0 ? FIT_SLOPE : FIT_FLAT;
}

/* A fit of n points that says nothing yet; whether the points can make a line at all (min_points, distinct x). */
static bool fit_start(struct linear_fit *fit, const double *x, size_t n, size_t min_points)
{
	memset(fit, 0, sizeof *fit);
	fit->points = n;
	fit->r2 = fit->slope_low = fit->slope_high = NAN;
	fit->verdict = FIT_TOO_FEW;
	return n >= min_points && distinct_x(x, n);
}

bool fit_line(const double *x, const double *y, size_t n, struct linear_fit *fit)
{
	if (!fit_start(fit, x, n, 2))
		return false;
	double cov00, cov01, cov11, residual_sum;
	gsl_fit_linear(x, 1, y, 1, n, &fit->intercept, &fit->slope, &cov00, &cov01, &cov11, &residual_sum);
	double mean = gsl_stats_mean(y, 1, n);
	double total = 0;
	for (size_t i = 0; i < n; i++)
		total += (y[i] - mean) * (y[i] - mean);
	fit->r2 = total > 0 ? 1 - residual_sum / total : NAN;
	judge_slope(fit, cov11, total == 0); /* gsl scales cov11 by the residual variance */
	return true;
}

bool fit_line_relative(const double *x, const double *y, size_t n, struct linear_fit *fit, double *max_relative)
{
	if (!fit_start(fit, x, n, 3))
		return false;
	double *weights = xmalloc(n * sizeof *weights);
	for (size_t i = 0; i < n; i++) {
		if (!(y[i] > 0)) {
			free(weights);
			return false;
		}
		weights[i] = 1 / (y[i] * y[i]);
	}
	double cov00, cov01, cov11, chi_square;
	gsl_fit_wlinear(x, 1, weights, 1, y, 1, n, &fit->intercept, &fit->slope, &cov00, &cov01, &cov11, &chi_square);
	free(weights);
	*max_relative = 0;
	for (size_t i = 0; i < n; i++)
		*max_relative = fmax(*max_relative, fabs(y[i] - (fit->intercept + fit->slope * x[i])) / y[i]);
	/* gsl_fit_wlinear takes the weights as 1/variance: scale by the residuals' own variance */
	judge_slope(fit, cov11 * chi_square / (double)(n - 2), false);
	return true;
}

/* One round's values, sorted. */
struct round_values {
	double *sorted;
	size_t n;
	double median;
};

/* The round of value i as an index, or MAX_SUMMARY_ROUNDS when it has none (NaN value, or round out of range). */
static size_t round_index(const double *values, const double *round, size_t i)
{
	bool usable = !isnan(values[i]) && round[i] >= 0 && round[i] < MAX_SUMMARY_ROUNDS;
	return usable ? (size_t)round[i] : MAX_SUMMARY_ROUNDS;
}

/* Groups the finite values by round, in two passes over them; returns how many rounds gave any. */
static size_t group_rounds(const double *values, const double *round, size_t count, struct round_values *rounds)
{
	size_t sizes[MAX_SUMMARY_ROUNDS + 1] = { 0 }, slot[MAX_SUMMARY_ROUNDS + 1], k = 0;
	for (size_t i = 0; i < count; i++)
		sizes[round_index(values, round, i)]++;
	for (size_t r = 0; r < MAX_SUMMARY_ROUNDS; r++) {
		slot[r] = k;
		if (!sizes[r])
			continue;
		rounds[k].sorted = xmalloc(sizes[r] * sizeof *rounds[k].sorted);
		rounds[k++].n = 0;
	}
	for (size_t i = 0; i < count; i++) {
		size_t r = round_index(values, round, i);
		if (r < MAX_SUMMARY_ROUNDS)
			rounds[slot[r]].sorted[rounds[slot[r]].n++] = values[i];
	}
	for (size_t j = 0; j < k; j++) {
		gsl_sort(rounds[j].sorted, 1, rounds[j].n);
		rounds[j].median = gsl_stats_median_from_sorted_data(rounds[j].sorted, 1, rounds[j].n);
	}
	return k;
}

struct weighted_value {
	double value, weight;
};

static int by_value(const void *a, const void *b)
{
	double x = ((const struct weighted_value *)a)->value, y = ((const struct weighted_value *)b)->value;
	return (x > y) - (x < y);
}

/* The median of the rounds' equal mixture: each value weighs 1/(its round's count). */
static double mixture_median(const struct round_values *rounds, size_t k)
{
	size_t total = 0, used = 0;
	for (size_t r = 0; r < k; r++)
		total += rounds[r].n;
	struct weighted_value *all = xmalloc(total * sizeof *all);
	for (size_t r = 0; r < k; r++)
		for (size_t i = 0; i < rounds[r].n; i++)
			all[used++] = (struct weighted_value){ rounds[r].sorted[i], 1.0 / (double)rounds[r].n };
	qsort(all, total, sizeof *all, by_value);
	double half = k / 2.0, cumulative = 0, median = all[total - 1].value;
	for (size_t i = 0; i < total; i++) {
		cumulative += all[i].weight;
		if (cumulative >= half - 1e-12) {
			/* exactly half: midway to the next value, as an ordinary median of an even count */
			median = fabs(cumulative - half) < 1e-12 && i + 1 < total ? (all[i].value + all[i + 1].value) / 2
										  : all[i].value;
			break;
		}
	}
	free(all);
	return median;
}

/*
 * A resampled median of one round: the median of n draws with replacement
 * from its values is its quantile at a Beta((n+1)/2, (n+1)/2) point, so it
 * is drawn at once instead of by drawing n values.
 */
static double resampled_round_median(const struct round_values *round, gsl_rng *rng)
{
	double a = ((double)round->n + 1) / 2, p = gsl_ran_beta(rng, a, a);
	return gsl_stats_quantile_from_sorted_data(round->sorted, 1, round->n, p);
}

static int by_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

/* A round's shape: its values at SKETCH_POINTS evenly spaced quantiles. */
static void round_sketch(const struct round_values *round, double *sketch)
{
	for (size_t q = 0; q < SKETCH_POINTS; q++)
		sketch[q] = gsl_stats_quantile_from_sorted_data(round->sorted, 1, round->n, (q + 0.5) / SKETCH_POINTS);
}

/*
 * The cluster bootstrap: each resample draws k rounds with replacement; each
 * drawn round, its shape (a quantile sketch) moved by how far its resampled
 * median lies from its median, weighs the same in the pool; the statistic is
 * the pool's median, the mixture median of the resample. Its 2.5% and 97.5%
 * points bound the CI, which therefore stays among values the rounds gave.
 * The variance of the round medians beyond what their own sampling explains
 * is the between-round part.
 */
static void cluster_interval(const struct round_values *rounds, size_t k, size_t resamples, struct summary *out)
{
	gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
	gsl_rng_set(rng, 20261129); /* fixed: the same samples give the same interval */
	double *statistic = xmalloc(resamples * sizeof *statistic), within = 0;
	double *sketches = xmalloc(k * SKETCH_POINTS * sizeof *sketches), *pool = xmalloc(k * SKETCH_POINTS * sizeof *pool);
	for (size_t r = 0; r < k; r++)
		round_sketch(&rounds[r], sketches + r * SKETCH_POINTS);
	for (size_t b = 0; b < resamples; b++) {
		for (size_t draw = 0; draw < k; draw++) {
			size_t r = gsl_rng_uniform_int(rng, k);
			double shift = resampled_round_median(&rounds[r], rng) - rounds[r].median;
			for (size_t q = 0; q < SKETCH_POINTS; q++)
				pool[draw * SKETCH_POINTS + q] = sketches[r * SKETCH_POINTS + q] + shift;
		}
		statistic[b] = gsl_stats_median(pool, 1, k * SKETCH_POINTS);
	}
	free(sketches);
	free(pool);
	qsort(statistic, resamples, sizeof *statistic, by_double);
	out->ci_low = fmin(out->median, statistic[(size_t)(0.025 * resamples)]);
	out->ci_high = fmax(out->median, statistic[(size_t)(0.975 * resamples) - 1]);
	/* the share of the round medians' spread that their own sampling does not explain */
	double medians[MAX_SUMMARY_ROUNDS], draws[64];
	for (size_t r = 0; r < k; r++) {
		medians[r] = rounds[r].median;
		for (size_t d = 0; d < 64; d++)
			draws[d] = resampled_round_median(&rounds[r], rng);
		within += gsl_stats_variance(draws, 1, 64) / (double)k;
	}
	double spread = gsl_stats_variance(medians, 1, k), between = fmax(0, spread - within);
	out->between_share = between + within > 0 ? between / (between + within) : 0;
	free(statistic);
	gsl_rng_free(rng);
}

void summarize_rounds(const double *values, const double *round, size_t count, struct summary *out)
{
	summarize_rounds_resampled(values, round, count, CLUSTER_RESAMPLES, out);
}

void summarize_rounds_resampled(const double *values, const double *round, size_t count, size_t resamples,
				struct summary *out)
{
	summarize(values, count, out);
	struct round_values rounds[MAX_SUMMARY_ROUNDS];
	size_t k = out->n ? group_rounds(values, round, count, rounds) : 0;
	out->rounds = k;
	if (k > 1) {
		out->median = mixture_median(rounds, k);
		if (out->n >= 6)
			cluster_interval(rounds, k, resamples, out);
	}
	for (size_t r = 0; r < k; r++)
		free(rounds[r].sorted);
}
