#include "findings_concurrency.h"

#include <math.h>
#include <stdbool.h>
#include <string.h>

#include "format.h"
#include "parse.h"
#include "primitive.h"
#include "query.h"

/* The median of a counted event per page written, or NaN. */
static double counter_per_page(const struct loaded_bundle *b, const struct cell_summary *cell, const char *column)
{
	int index = event_median_index(&b->events, column);
	double pages = (double)cell_pages_written(&cell->cell);
	return index < 0 || pages == 0 ? NAN : cell->medians[index] / pages;
}

static void write_pair(const struct cell *key, char *buf, size_t size)
{
	snprintf(buf, size, "%s+%s", primitive_table[key->primitive]->name, action_names[key->action]);
}

/* ", 1.00 TLB-flush IPIs sent per page", when tlb_flush_remote_ipi_send was counted. */
static void flushes_per_page(const struct loaded_bundle *b, const struct cell_summary *cell, char *buf, size_t size)
{
	double ipis = counter_per_page(b, cell, "tlb_flush_remote_ipi_send");
	double shootdowns = counter_per_page(b, cell, "tlb_flush_remote_shootdown");
	buf[0] = '\0';
	if (!isnan(ipis))
		snprintf(buf, size, ", %.2f TLB-flush IPIs sent per page", ipis);
	if (shootdowns >= 0.005) /* the receiving side: not traced where a hypervisor does the flush */
		snprintf(buf + strlen(buf), size - strlen(buf), ", %.2f remote shootdowns per page", shootdowns);
}

/* Microseconds with two decimals: a copy-on-write fault costs a few. */
static void format_page_us(double us, char *buf, size_t size)
{
	snprintf(buf, size, "%.2f us", us);
}

/* The next ok cell like key with extra threads, every count and mode of the bundle in turn (*at from 0); NULL after the last. */
static const struct cell_summary *next_threaded(const struct loaded_bundle *b, struct cell *key, size_t *at)
{
	const struct axes *axes = &b->axes;
	size_t modes = axes->counts[DIMENSION_THREAD_MODE];
	while (*at < axes->counts[DIMENSION_THREADS] * modes) {
		key->threads = (unsigned)axes->values[DIMENSION_THREADS][*at / modes];
		key->thread_mode = (enum thread_mode)axes->values[DIMENSION_THREAD_MODE][*at % modes];
		(*at)++;
		const struct cell_summary *cell = key->threads ? results_find_ok(&b->results, key) : NULL;
		if (cell)
			return cell;
	}
	return NULL;
}

/* One sentence per thread count and mode: the write loop per page against the same cell without threads. */
static void threads_copy_on_write(FILE *out, const struct loaded_bundle *b, struct cell key)
{
	const struct cell_summary *alone = results_find_ok(&b->results, &key);
	double pages = (double)cell_pages_written(&key);
	if (!alone || !pages || faults_per_written_page(&b->results, &key, key.writer) < 0.5)
		return; /* no copy-on-write faults to speak of */
	double alone_us = alone->phases[COLUMN_COW_US].median / pages;
	char pair[64], heap[32], text[32], flushes[200];
	write_pair(&key, pair, sizeof pair);
	format_size(key.heap_bytes, heap, sizeof heap);
	format_page_us(alone_us, text, sizeof text);
	flushes_per_page(b, alone, flushes, sizeof flushes);
	fprintf(out, "- Each page the %s writes after %s (heap %s, ratio %g; tlb_flush_remote_ipi_send counts the IPIs) "
		     "costs %s single-threaded%s", writer_names[key.writer], pair, heap, key.write_ratio, text, flushes);
	const struct cell_summary *cell;
	for (size_t at = 0; (cell = next_threaded(b, &key, &at));) {
		const struct summary *cow = &cell->phases[COLUMN_COW_US];
		char low[32], high[32], ratio[32];
		format_page_us(cow->median / pages, text, sizeof text);
		format_page_us(cow->ci_low / pages, low, sizeof low);
		format_page_us(cow->ci_high / pages, high, sizeof high);
		format_ratio(cow->median / pages / alone_us, ratio, sizeof ratio);
		flushes_per_page(b, cell, flushes, sizeof flushes);
		fprintf(out, "; with %u %s thread%s on other CPUs %s (95%% CI %s to %s), %s the single-threaded cost%s",
			key.threads, thread_mode_names[key.thread_mode], key.threads == 1 ? "" : "s", text, low, high,
			ratio, flushes);
	}
	fprintf(out, ".\n");
}

/* The roundtrip at the largest heap with each thread count and mode. */
static void threads_roundtrip(FILE *out, const struct loaded_bundle *b, struct cell key)
{
	const struct cell_summary *alone = results_find_ok(&b->results, &key);
	if (!alone)
		return;
	double alone_us = alone->phases[COLUMN_ROUNDTRIP_US].median;
	char pair[64], heap[32], text[32];
	write_pair(&key, pair, sizeof pair);
	format_size(key.heap_bytes, heap, sizeof heap);
	format_microseconds(alone_us, text, sizeof text);
	fprintf(out, "- %s of a %s parent: roundtrip %s single-threaded", pair, heap, text);
	const struct cell_summary *cell;
	for (size_t at = 0; (cell = next_threaded(b, &key, &at));) {
		char ratio[32];
		format_microseconds(cell->phases[COLUMN_ROUNDTRIP_US].median, text, sizeof text);
		format_ratio(cell->phases[COLUMN_ROUNDTRIP_US].median / alone_us, ratio, sizeof ratio);
		fprintf(out, "; %s with %u %s (%s)", text, key.threads, thread_mode_names[key.thread_mode], ratio);
	}
	fprintf(out, ".\n");
}

/* "2 creators as processes make 17726 creations/s (95% CI ...), 1.09 of twice one creator's rate". */
static void creators_throughput(FILE *out, const struct loaded_bundle *b, struct cell key)
{
	const struct cell_summary *one = results_find_ok(&b->results, &key);
	const struct axes *axes = &b->axes;
	if (!one || isnan(one->creations_per_s.median))
		return;
	char pair[64], heap[32];
	write_pair(&key, pair, sizeof pair);
	format_size(key.heap_bytes, heap, sizeof heap);
	fprintf(out, "- %s at heap %s: one creator makes %.0f creations/s", pair, heap, one->creations_per_s.median);
	for (size_t c = 0; c < axes->counts[DIMENSION_CREATORS]; c++)
		for (size_t s = 0; s < axes->counts[DIMENSION_CREATOR_SCOPE]; s++) {
			key.creators = (unsigned)axes->values[DIMENSION_CREATORS][c];
			key.creator_scope = (enum creator_scope)axes->values[DIMENSION_CREATOR_SCOPE][s];
			const struct cell_summary *cell = key.creators > 1 ? results_find_ok(&b->results, &key) : NULL;
			if (!cell || isnan(cell->creations_per_s.median))
				continue;
			const struct summary *rate = &cell->creations_per_s;
			fprintf(out, "; %u as %s %.0f/s (95%% CI %.0f to %.0f), %.2f of %u times one creator's rate%s",
				key.creators, key.creator_scope == CREATOR_SCOPE_PROCESS ? "processes" : "threads", rate->median, rate->ci_low,
				rate->ci_high, rate->median / (key.creators * one->creations_per_s.median), key.creators,
				cell->oversubscribed ? " (oversubscribed: more creators than PUs)" : "");
		}
	fprintf(out, ".\n");
}

void findings_concurrency(FILE *out, const struct loaded_bundle *b)
{
	const struct axes *axes = &b->axes;
	bool threads = axes->counts[DIMENSION_THREADS] > 1, creators = axes->counts[DIMENSION_CREATORS] > 1;
	for (size_t p = 0; p < axes->counts[DIMENSION_PRIMITIVE]; p++)
		for (size_t a = 0; a < axes->counts[DIMENSION_ACTION]; a++) {
			struct cell key = axes_base_cell(axes), written = written_key(&b->results, axes);
			size_t heaps = axes->counts[DIMENSION_HEAP];
			key.primitive = written.primitive = (unsigned)axes->values[DIMENSION_PRIMITIVE][p];
			key.action = written.action = (enum action)axes->values[DIMENSION_ACTION][a];
			if (creators)
				creators_throughput(out, b, key); /* at the first (smallest) heap */
			if (!threads)
				continue;
			key.heap_bytes = heaps ? (uint64_t)axes->values[DIMENSION_HEAP][heaps - 1] : 0;
			threads_roundtrip(out, b, key);
			for (size_t w = 0; w < axes->counts[DIMENSION_WRITER]; w++) {
				written.writer = (enum writer)axes->values[DIMENSION_WRITER][w];
				threads_copy_on_write(out, b, written);
			}
		}
}
