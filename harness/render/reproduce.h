/*
 * Reproducing published numbers: the claims of results/reference/published.csv
 * checked against a bundle by stated rules, into reproduce.md. A claim the
 * bundle has no data for "cannot be tested here", with the reason.
 */
#ifndef SPAWNBENCH_REPRODUCE_H
#define SPAWNBENCH_REPRODUCE_H

#include <stddef.h>

#include "bundle_load.h"

struct reference {
	int claim;
	char quantity[64], unit[32];
	double low, high;
	char *published, *source;
};

struct references {
	struct reference *rows;
	size_t count;
};

/* Reads published.csv; -1 with why naming the file and line. */
int references_load(const char *path, struct references *references, char *why, size_t why_size);
void references_free(struct references *references);
const struct reference *reference_find(const struct references *references, int claim, const char *quantity);

/*
 * The rules, printed beside each verdict. Each can fail: x^0.7, x^0.9, x^1.1,
 * x^1.5, a falling and a constant series are not linear; a series that grows
 * 2x is not flat (tests/unit/test_reproduce.c).
 */
#define RULE_LINEAR "linear: at least 3 points, each median within 10% of one straight line (least squares on " \
		    "relative residuals), and a rising slope whose 95% CI excludes 0"
#define RULE_FLAT "flat: largest over smallest median at most 1.5, or under 2 with a slope whose 95% CI holds 0"
#define LINEAR_RESIDUAL 0.10
#define FLAT_RATIO 1.5

enum shape { SHAPE_TOO_FEW, SHAPE_YES, SHAPE_NO };

/* What rule_linear saw: the line, its slope's CI, and how far the worst point lies from it. */
struct line_check {
	double slope, slope_low, slope_high;
	double max_relative;   /* the largest |y - line| / y */
	const char *failed;    /* why not linear, or NULL */
};

/* Linear by RULE_LINEAR; check filled when there are enough points. */
enum shape rule_linear(const double *x, const double *y, size_t n, struct line_check *check);
/* Flat by RULE_FLAT; ratio is the largest over the smallest (x: the heaps, for the slope). */
enum shape rule_flat(const double *x, const double *y, size_t n, double *ratio);
/* Whether value lies in [low, high]; a single figure (low == high) allows 25% either way. */
bool rule_in_band(double value, double low, double high);

enum claim_verdict { CLAIM_HOLDS, CLAIM_HOLDS_IN_SHAPE, CLAIM_DIFFERS, CLAIM_UNTESTABLE };
extern const char *const claim_verdict_names[];

struct claim_outcome {
	int claim;
	enum claim_verdict verdict;
	char measured[400], reason[400], rule[600];
};

/* Every claim against the bundle; returns how many outcomes (one per claim). */
size_t reproduce_claims(const struct loaded_bundle *bundle, const struct references *references,
			struct claim_outcome *outcomes, size_t max);

/* Writes dir/reproduce.md (and the claim 1 chart); -1 if it cannot. */
int reproduce_write(const struct loaded_bundle *bundle, const char *dir);

#endif
