#define _GNU_SOURCE
#include "matrix.h"

#include <errno.h>
#include <gsl/gsl_rng.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "guest.h"
#include "initramfs.h"
#include "machine.h"
#include "measurers.h"
#include "run_lane.h"
#include "safe_output.h"
#include "topology.h"
#include "util.h"
#include "worker_link.h"

#define MEMORY_STEP (64ull << 20)

struct matrix {
	struct event_set host_events;   /* as the host counts them; each guest's are a copy */
	struct run *lanes;
	struct guest *guests;
	struct cell_progress **progress;
	size_t count;
	char dir[4096];
};

/* What each guest is given: its largest cell's memory and the guest's own share, in steps of 64 MiB. */
static uint64_t guest_memory(const struct plan *plan)
{
	uint64_t largest = 0;
	for (size_t i = 0; i < plan->count; i++) {
		const struct planned_cell *p = &plan->cells[i];
		if (!p->not_applicable[0] && p->cell.measurer == MEASURER_WORKER && cell_memory_needed(&p->cell) > largest)
			largest = cell_memory_needed(&p->cell);
	}
	uint64_t memory = largest + GUEST_SYSTEM_BYTES;
	return (memory + MEMORY_STEP - 1) / MEMORY_STEP * MEMORY_STEP;
}

/* Every --kernel resolved (a package fetched), and the guests' memory checked, before anything boots. */
static void resolve_kernels(struct matrix *m, const struct run_request *request, const struct plan *plan)
{
	char cache[4096], why[1024];
	guest_cache_dir(cache, sizeof cache);
	uint64_t memory = guest_memory(plan);
	for (size_t k = 0; k < m->count; k++) {
		if (text_has_controls(request->kernels[k])) { /* every message below names it: one line each */
			char *shown = text_escape_controls(request->kernels[k]);
			die_bad_input("--kernel %s: control characters in a kernel's name or command line", shown);
		}
		if (guest_resolve(&m->guests[k], request->kernels[k], cache, why, sizeof why) != 0)
			die_bad_input("%s", why);
		m->guests[k].memory_bytes = memory;
		m->guests[k].cpus = topology_pu_count();
	}
	uint64_t available = memory_available();
	if (memory * m->count > available)
		die_bad_input("--kernel: %zu guests of %" PRIu64 " MiB each (the suite's largest cell and the guest's own "
			      "%llu MiB) need more than the %" PRIu64 " MiB available", m->count, memory >> 20,
			      GUEST_SYSTEM_BYTES >> 20, available >> 20);
}

/* The parent directory: --output, or results/<time>_kernels_<suite>; new, or empty and not a link. */
static void make_matrix_dir(struct matrix *m, const struct run_request *request, const char *suite)
{
	char wanted[4096], why[4200];
	if (request->output_dir) {
		snprintf(wanted, sizeof wanted, "%s", request->output_dir);
	} else {
		char stamp[32];
		time_t now = time(NULL);
		strftime(stamp, sizeof stamp, "%Y%m%dT%H%M%S", gmtime(&now));
		snprintf(wanted, sizeof wanted, "%s/results/%s_kernels_%s", project_root(), stamp, suite);
	}
	if (output_dir_choose(wanted, m->dir, sizeof m->dir, why, sizeof why) != 0)
		die_bad_input("%s", why);
	if (output_dir_make(m->dir) != 0)
		die_bad_input("--output %s: cannot make it: %s", m->dir, strerror(errno));
}

/* Boots every guest: all run from here to the end; one that does not boot is marked failed, the rest go on. */
static void boot_guests(struct matrix *m, const struct sampler_paths *paths)
{
	char agent[4096];
	snprintf(agent, sizeof agent, "%s/spawnbench-agent", binary_dir());
	struct initramfs_files files = { agent, paths->worker, paths->helper, paths->helper_glibc, NULL };
	for (size_t k = 0; k < m->count && !stop_requested; k++) {
		struct guest *g = &m->guests[k];
		char console[4200];
		snprintf(console, sizeof console, "%s/%zu.console.log", m->dir, k + 1);
		if (g->loopback)
			fprintf(stderr, "spawnbench: starting the agent on the host (loopback: no virtual machine)\n");
		else
			fprintf(stderr, "spawnbench: booting kernel %s (%s) in qemu\n", g->image_release, g->spec);
		if (guest_boot(g, &files, console))
			fprintf(stderr, "spawnbench: kernel %s booted in %.1f s (%s%s)\n", g->release, g->boot_seconds,
				g->accelerator, strcmp(g->accelerator, "tcg") == 0 ? ": emulated, timings mean nothing" : "");
		else
			warn("%s", g->why);
	}
}

/* meta.json: the guest's kernel in "machine" (what trend and compare read), the host's own under "host". */
static void describe_guest(struct run *lane, const struct guest *g)
{
	json_t *meta = lane->bundle.meta, *machine = json_object_get(meta, "machine");
	json_object_set_new(meta, "host", json_deep_copy(machine));
	bool emulated = g->accelerator && strcmp(g->accelerator, "tcg") == 0;
	if (!g->loopback) { /* the guest's kernel and its share of the machine; the host's CPU */
		json_object_set_new(machine, "kernel_release", json_string(g->release[0] ? g->release : g->image_release));
		json_object_set_new(machine, "kernel_version", json_string(g->version));
		json_object_set_new(machine, "kernel_command_line", json_string(g->cmdline));
		json_object_set_new(machine, "virtualisation", json_string(emulated ? "qemu (tcg, emulated)" : "qemu (kvm)"));
		json_object_set_new(machine, "memory_total", json_sprintf("%llu", (unsigned long long)(g->memory_bytes >> 10)));
		json_object_set_new(machine, "thp_enabled", json_string("the guest kernel's default"));
	}
	json_object_set_new(meta, "emulated", json_boolean(emulated));
	json_object_set_new(meta, "guest", json_pack("{s:s, s:s, s:s, s:s, s:s, s:s?, s:b, s:I, s:I, s:f, s:s?}",
						     "kernel", g->spec, "image", g->image, "kernel_release", g->release,
						     "kernel_version", g->version, "kernel_command_line", g->cmdline,
						     "accelerator", g->accelerator, "emulated", emulated,
						     "memory_mib", (json_int_t)(g->memory_bytes >> 20), "cpus",
						     (json_int_t)g->cpus, "boot_seconds", g->boot_seconds,
						     "failed", g->failed ? g->why : NULL));
}

/* Lane k: the first lane's set-up shared, its own plan (cells it cannot measure skipped), events and bundle. */
static void open_lane(struct matrix *m, size_t k, const struct run_request *request)
{
	struct run *lane = &m->lanes[k], *first = &m->lanes[0];
	struct guest *g = &m->guests[k];
	char why[512], dir[4400];
	if (k > 0) {
		lane->config = first->config;
		lane->plan = first->plan;
		lane->plan.cells = xmalloc((first->plan.count ? first->plan.count : 1) * sizeof *lane->plan.cells);
		memcpy(lane->plan.cells, first->plan.cells, first->plan.count * sizeof *lane->plan.cells);
		lane->paths = first->paths;
		lane->renderer = first->renderer;
		lane->started = first->started;
		lane->shares_setup = true;
	}
	lane->guest = lane->paths.guest = g;
	/* a guest that did not boot cannot be asked for its tracepoints: they are not counted */
	events_for_guest(&m->host_events, g, &lane->events);
	for (size_t i = 0; i < lane->plan.count; i++)
		if (lane->plan.cells[i].cell.measurer != MEASURER_WORKER && !lane->plan.cells[i].not_applicable[0])
			snprintf(lane->plan.cells[i].skipped, sizeof lane->plan.cells[i].skipped,
				 "whole commands are timed on the host only");
	snprintf(dir, sizeof dir, "%s/%zu_%s", m->dir, k + 1, g->release[0] ? g->release : g->image_release);
	if (bundle_open(&lane->bundle, dir, &lane->config, &lane->events, request->argc, request->argv, why,
			sizeof why) != 0)
		die_bad_input("%s", why);
	describe_guest(lane, g);
	progress_init(&lane->progress, &lane->plan, &lane->config);
	lane->progress.label = lane->label;
	snprintf(lane->label, sizeof lane->label, "kernel %s: ", g->release[0] ? g->release : g->image_release);
}

/* A guest that did not boot: every cell it would have measured fails with the reason. */
static void fail_lane(struct run *lane)
{
	for (size_t i = 0; i < lane->plan.count; i++) {
		struct planned_cell *p = &lane->plan.cells[i];
		if (!p->not_applicable[0] && !p->skipped[0])
			snprintf(p->skipped, sizeof p->skipped, "the guest did not boot: %.180s", lane->guest->why);
	}
}

/*
 * Round after round, cell after cell in an order shuffled anew each round
 * (the same for every kernel), each cell's round on every kernel in turn:
 * the kernels' rounds alternate, and drift of the host falls on all alike.
 */
static void measure_interleaved(struct matrix *m)
{
	struct run *first = &m->lanes[0];
	size_t count = first->plan.count, *order = xcalloc(count ? count : 1, sizeof *order);
	gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
	unsigned long seed = (unsigned long)time(NULL) ^ ((unsigned long)getpid() << 16);
	gsl_rng_set(rng, seed);
	for (size_t k = 0; k < m->count; k++) {
		m->progress[k] = xcalloc(count ? count : 1, sizeof *m->progress[k]);
		json_object_set_new(m->lanes[k].bundle.meta, "cell_order_seed", json_integer((json_int_t)seed));
	}
	for (unsigned round = 0; round < first->config.rounds && !stop_requested; round++) {
		for (size_t i = 0; i < count; i++)
			order[i] = i;
		lane_shuffle(order, count, rng);
		for (size_t n = 0; n < count && !stop_requested; n++)
			for (size_t k = 0; k < m->count && !stop_requested; k++)
				if (!m->guests[k].failed && lane_cell_wanted(&m->lanes[k], &m->progress[k][order[n]], order[n], round))
					lane_measure_round(&m->lanes[k], &m->progress[k][order[n]], order[n], round);
	}
	gsl_rng_free(rng);
	free(order);
}

/* The console log into its bundle, the bundle finished; its path kept for the comparison and the trend. */
static int finish_lane(struct matrix *m, size_t k, const struct run_request *request)
{
	struct run *lane = &m->lanes[k];
	char kept[4400];
	snprintf(kept, sizeof kept, "%s/console.log", lane->bundle.temp_path);
	if (!m->guests[k].loopback && rename(m->guests[k].console_path, kept) != 0)
		warn("kernel %s: its console log %s: %s", m->guests[k].image_release, m->guests[k].console_path,
		     strerror(errno));
	char qemu_log[4200];
	snprintf(qemu_log, sizeof qemu_log, "%s.qemu", m->guests[k].console_path);
	unlink(qemu_log);
	lane_record(lane, m->progress[k]);
	int status = lane_finish(lane, progress_elapsed(&lane->progress));
	if (request->matrix && !m->guests[k].failed)
		request->matrix->paths[k] = xstrdup(lane->bundle.final_path);
	return status;
}

int run_matrix(struct suite_config *config, const struct run_request *request)
{
	struct matrix m = { .count = request->kernel_count };
	m.lanes = xcalloc(m.count, sizeof *m.lanes);
	m.guests = xcalloc(m.count, sizeof *m.guests);
	m.progress = xcalloc(m.count, sizeof *m.progress);
	if (config->time_seconds) {
		warn("--kernel: the suite's time plan calibrates on the host; the guests measure with a budget per cell "
		     "(time = none)");
		config->time_seconds = 0;
	}
	lane_prepare(&m.lanes[0], config, request);
	m.host_events = m.lanes[0].events;
	memset(&m.lanes[0].events, 0, sizeof m.lanes[0].events);
	resolve_kernels(&m, request, &m.lanes[0].plan);
	make_matrix_dir(&m, request, m.lanes[0].config.name);
	boot_guests(&m, &m.lanes[0].paths);
	for (size_t k = 0; k < m.count; k++) {
		open_lane(&m, k, request);
		if (m.guests[k].failed)
			fail_lane(&m.lanes[k]);
	}
	measure_interleaved(&m);
	for (size_t k = 0; k < m.count; k++)
		guest_stop(&m.guests[k]);
	int status = EXIT_OK;
	for (size_t k = 0; k < m.count; k++) {
		int lane_status = finish_lane(&m, k, request);
		status = status == EXIT_OK ? lane_status : status;
	}
	if (request->matrix) {
		request->matrix->count = m.count;
		request->matrix->dir = xstrdup(m.dir);
	}
	for (size_t k = m.count; k-- > 0;)
		lane_release(&m.lanes[k]);
	events_free(&m.host_events);
	free(m.lanes);
	free(m.guests);
	free(m.progress);
	return stop_requested ? 128 + stop_requested : status;
}
