/*
 * The perf events a run counts. Names are perf's (generic names, PMU-specific
 * names with unit masks and modifiers as libpfm4 takes them, tracepoints
 * "group:event"); each is encoded here and probed once by opening it. The
 * worker receives only the encoded events that can be counted.
 */
#ifndef SPAWNBENCH_EVENTS_H
#define SPAWNBENCH_EVENTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "schema.h"


/* What encoding a name gives (unit-tested). */
struct event_encoding {
	uint32_t type;
	uint64_t config, config1, config2;
	bool exclude_user, exclude_kernel, exclude_hv;
	char filter[64];
	char qualified[256];
};

enum encode_result { ENCODE_OK, ENCODE_UNKNOWN, ENCODE_NO_TRACEFS, ENCODE_BAD_SYNTAX };

/* Encodes one perf name (not the tlb:tlb_flush expansion); on failure why says what. */
enum encode_result event_encode(const char *name, struct event_encoding *encoding, char *why, size_t why_size);

/*
 * Encodes and probes names into set. strict (names typed on the command line):
 * an unknown or malformed name is an error, -1 with why. Otherwise it is
 * recorded as not counted, with the reason, and the run goes on.
 */
int events_resolve(struct event_set *set, char *const *names, size_t count, bool strict, char *why, size_t why_size);

/* Prints which of a catalogue of useful events this machine can count, and why not. */
void events_list(FILE *out);

struct guest;
/*
 * The host's events as a guest counts them: a copy, each tracepoint with the
 * guest kernel's id (asked of its agent); one the guest lacks is not counted.
 */
void events_for_guest(const struct event_set *host, struct guest *guest, struct event_set *out);

/*
 * The reasons a tracepoint's format declares for a field printed with
 * __print_symbolic (tlb_flush's reason): each value and its text, in order.
 * Returns how many (at most max); 0 when the format has none.
 */
#define MAX_FLUSH_REASONS 16
struct symbolic_value {
	long value;
	char text[48];       /* "remote wrong CPU" */
	char column[48];     /* "remote_wrong_cpu" */
};
size_t symbolic_values_parse(const char *format, const char *field, struct symbolic_value *values, size_t max);

/* The tracefs events directory, or NULL when tracefs is not mounted. */
const char *tracefs_events_dir(void);

#endif
