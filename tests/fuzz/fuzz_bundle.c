/*
 * Fuzz target: a whole bundle from someone else's machine. The input is
 * meta.json, summary.csv and samples.csv apart by lines "%%%%"; they are
 * written into a private directory and opened the way --plot, --report,
 * --compare and --trend open a bundle: the loader with its checks, the raw
 * samples, the fits, and the tables printed from them.
 */
#define _GNU_SOURCE
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bundle_load.h"
#include "results.h"
#include "samples_load.h"
#include "table.h"

static char directory[4096];
static FILE *sink;

/* Writes the next part of the input (up to "\n%%%%\n" or the end) into DIR/name. */
static const uint8_t *write_part(const char *name, const uint8_t *data, const uint8_t *end)
{
	static const char separator[] = "\n%%%%\n";
	const uint8_t *stop = memmem(data, (size_t)(end - data), separator, sizeof separator - 1);
	size_t length = (size_t)((stop ? stop : end) - data);
	char path[128];
	snprintf(path, sizeof path, "%s/%s", directory, name);
	FILE *file = fopen(path, "w");
	if (file) {
		fwrite(data, 1, length, file);
		fclose(file);
	}
	return stop ? stop + sizeof separator - 1 : end;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (!sink) { /* a private directory under $TMPDIR (tests/fuzz/run.sh sets its own) */
		const char *tmp = getenv("TMPDIR");
		snprintf(directory, sizeof directory, "%s/spawnbench-fuzz.XXXXXX", tmp ? tmp : "/tmp");
		if (!mkdtemp(directory) || !(sink = fopen("/dev/null", "w")))
			abort();
	}
	const uint8_t *end = data + size;
	data = write_part("meta.json", data, end);
	data = write_part("summary.csv", data, end);
	write_part("samples.csv", data, end);
	struct loaded_bundle bundle;
	struct bundle_samples samples;
	char why[1024];
	if (bundle_load(directory, &bundle, why, sizeof why) != 0)
		return 0;
	struct fit_row *fits;
	results_fit(&bundle.results, &fits);
	free(fits);
	table_print(sink, &bundle.results, &bundle.axes);
	table_print_counters(sink, &bundle.results, &bundle.axes, &bundle.events);
	table_print_commands(sink, &bundle.results);
	if (samples_load(directory, &samples, why, sizeof why) == 0)
		samples_free(&samples);
	bundle_unload(&bundle);
	return 0;
}
