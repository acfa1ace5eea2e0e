/*
 * Everything a bundle becomes once written: charts, report.md,
 * reproduce.md, bmf.json and the summary tables, each from the bundle read
 * back. The run calls these through struct run_renderer, so the measuring
 * side never includes a renderer.
 */
#include "render.h"

#include <stdio.h>

#include "bundle_load.h"
#include "export.h"
#include "report.h"
#include "reproduce.h"
#include "safe_output.h"
#include "table.h"
#include "util.h"

/* bmf.json: the bundle in the Bencher Metric Format, for `bencher run --adapter json --file`. */
static int write_bmf(const struct loaded_bundle *bundle, const char *dir)
{
	char *path = xasprintf("%s/bmf.json", dir);
	FILE *file = output_file_create(path);
	free(path);
	if (!file)
		return -1;
	int written = export_write(bundle, EXPORT_BMF, file);
	return fclose(file) == 0 && written == 0 ? 0 : -1;
}

int render_bundle(const char *dir, struct chart_report *charts, char *why, size_t why_size)
{
	struct loaded_bundle bundle;
	if (bundle_load(dir, &bundle, why, why_size) != 0)
		return -1;
	int drawn = (int)plots_render(&bundle, dir, charts);
	if (report_write(&bundle, charts, dir) != 0 || reproduce_write(&bundle, dir) != 0 || write_bmf(&bundle, dir) != 0) {
		snprintf(why, why_size, "cannot write report.md, reproduce.md and bmf.json in %s", dir);
		drawn = -1;
	}
	bundle_unload(&bundle);
	return drawn;
}

/* The charts and the reports of a bundle just written (still NAME.partial): read back as --report would. */
static void render_after_run(const char *dir)
{
	struct chart_report charts;
	char why[600];
	int drawn = render_bundle(dir, &charts, why, sizeof why);
	if (drawn < 0)
		warn("no charts or reports: %s", why);
	else
		fprintf(stderr, "spawnbench: %d of %zu charts drawn, report.md and reproduce.md written\n", drawn, charts.count);
}

/* The summary tables, from the bundle read back like every other rendering: its axes are its cells'. */
static void print_tables_after_run(const char *path)
{
	struct loaded_bundle bundle;
	char why[600];
	if (bundle_load(path, &bundle, why, sizeof why) != 0) {
		warn("no summary tables: %s", why);
		return;
	}
	table_print(stdout, &bundle.results, &bundle.axes);
	table_print_counters(stdout, &bundle.results, &bundle.axes, &bundle.events);
	table_print_commands(stdout, &bundle.results);
	bundle_unload(&bundle);
}

const struct run_renderer bundle_renderer = { render_after_run, print_tables_after_run };
