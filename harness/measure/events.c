#define _GNU_SOURCE
#include <linux/perf_event.h> /* before libpfm's header: the kernel's full struct */
#include <perfmon/pfmlib_perf_event.h>

#include "events.h"
#include "guest.h"

#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "util.h"

/*
 * Reasons tlb:tlb_flush records (enum tlb_flush_reason) when the running
 * kernel's format cannot be read: what kernels from 4.x to 6.x declared.
 * Otherwise the format decides (6.18 adds "remote wrong CPU").
 */
static const struct symbolic_value fallback_flush_reasons[] = {
	{ 0, "flush on task switch", "task_switch" }, { 1, "remote shootdown", "remote_shootdown" },
	{ 2, "local shootdown", "local_shootdown" },  { 3, "local MM shootdown", "local_mm_shootdown" },
	{ 4, "remote IPI send", "remote_ipi_send" },
};

/* "local MM shootdown" as a column suffix, local_mm_shootdown; "flush on task switch" keeps its old name, task_switch. */
static void symbolic_column(const char *text, char *column, size_t size)
{
	size_t used = 0;
	if (strncmp(text, "flush on ", 9) == 0)
		text += 9;
	for (const char *c = text; *c && used + 1 < size; c++)
		column[used++] = isalnum((unsigned char)*c) ? (char)tolower((unsigned char)*c) : '_';
	column[used] = '\0';
}

size_t symbolic_values_parse(const char *format, const char *field, struct symbolic_value *values, size_t max)
{
	char opening[96];
	snprintf(opening, sizeof opening, "__print_symbolic(REC->%s,", field);
	const char *cursor = strstr(format, opening);
	size_t count = 0;
	if (!cursor)
		return 0;
	cursor += strlen(opening);
	/* { N, "text" } pairs until the closing parenthesis */
	for (;;) {
		long value;
		int used = 0;
		char text[48];
		while (*cursor == ' ' || *cursor == ',')
			cursor++;
		if (count == max || sscanf(cursor, "{ %ld , \"%47[^\"]\" }%n", &value, text, &used) != 2 || used == 0)
			return count;
		values[count].value = value;
		memcpy(values[count].text, text, sizeof text);
		symbolic_column(text, values[count].column, sizeof values[count].column);
		count++;
		cursor += used;
	}
}

/* The reasons of tlb:tlb_flush as the running kernel declares them, or the fallback table. */
static size_t flush_reasons(struct symbolic_value *reasons, size_t max)
{
	const char *events = tracefs_events_dir();
	char *path = events ? xasprintf("%s/tlb/tlb_flush/format", events) : NULL;
	char *format = path ? read_text_file(path) : NULL;
	size_t count = format ? symbolic_values_parse(format, "reason", reasons, max) : 0;
	free(path);
	free(format);
	if (count)
		return count;
	count = sizeof fallback_flush_reasons / sizeof fallback_flush_reasons[0];
	memcpy(reasons, fallback_flush_reasons, sizeof fallback_flush_reasons);
	return count;
}

const char *tracefs_events_dir(void)
{
	static const char *const candidates[] = { "/sys/kernel/tracing/events", "/sys/kernel/debug/tracing/events" };
	struct stat info;
	for (size_t i = 0; i < sizeof candidates / sizeof candidates[0]; i++) {
		char *probe = xasprintf("%s/header_page", candidates[i]);
		int found = stat(probe, &info) == 0;
		free(probe);
		if (found)
			return candidates[i];
	}
	return NULL;
}

static bool pfm_ready(void)
{
	static int state; /* 0 not tried, 1 ready, -1 failed */
	if (!state)
		state = pfm_initialize() == PFM_SUCCESS ? 1 : -1;
	return state == 1;
}

static bool looks_like_tracepoint(const char *name)
{
	const char *colon = strchr(name, ':');
	if (!colon || colon == name || !colon[1] || strchr(colon + 1, ':'))
		return false;
	for (const char *c = name; *c; c++)
		if (!(islower((unsigned char)*c) || isdigit((unsigned char)*c) || *c == '_' || *c == ':'))
			return false;
	return true;
}

/*
 * tracefs where the kernel expects it, mounted by us as root only when a
 * tracepoint is asked for and nothing has mounted it: a mount, not a
 * setting, so there is nothing to restore.
 */
static const char *tracefs_events_dir_mounted(void)
{
	static bool tried;
	const char *events = tracefs_events_dir();
	if (events || tried || geteuid() != 0 || access("/sys/kernel/tracing", F_OK) != 0)
		return events;
	tried = true;
	if (mount("none", "/sys/kernel/tracing", "tracefs", 0, NULL) != 0)
		return NULL;
	warn("mounted tracefs on /sys/kernel/tracing for the tracepoint counters");
	return tracefs_events_dir();
}

static enum encode_result encode_tracepoint(const char *name, struct event_encoding *encoding, char *why,
					    size_t why_size)
{
	const char *events = tracefs_events_dir_mounted();
	if (!events) {
		if (access("/sys/kernel/tracing", F_OK) == 0 && access("/sys/kernel/tracing", R_OK | X_OK) != 0)
			snprintf(why, why_size, "tracefs is not readable by this user (tracepoints need root here)");
		else
			snprintf(why, why_size, "no tracefs: mount it with 'mount -t tracefs none /sys/kernel/tracing' (as root)");
		return ENCODE_NO_TRACEFS;
	}
	char *group = xstrdup(name);
	char *event = strchr(group, ':');
	*event++ = '\0';
	char *path = xasprintf("%s/%s/%s/id", events, group, event);
	char *id = read_text_file(path);
	free(path);
	free(group);
	if (!id) {
		snprintf(why, why_size, "'%s' is no tracepoint under %s, nor an event libpfm4 knows", name, events);
		return ENCODE_UNKNOWN;
	}
	encoding->type = PERF_TYPE_TRACEPOINT;
	encoding->config = strtoull(id, NULL, 10);
	snprintf(encoding->qualified, sizeof encoding->qualified, "tracepoint %s (id %s)", name, id);
	free(id);
	return ENCODE_OK;
}

static enum encode_result encode_with_libpfm(const char *name, struct event_encoding *encoding, char *why,
					     size_t why_size)
{
	struct perf_event_attr attr;
	pfm_perf_encode_arg_t arg;
	char *qualified = NULL;
	memset(&attr, 0, sizeof attr);
	memset(&arg, 0, sizeof arg);
	attr.size = sizeof attr;
	arg.size = sizeof arg; /* with 0, only the oldest part of the struct is copied */
	arg.attr = &attr;
	arg.fstr = &qualified;
	int result = pfm_get_os_event_encoding(name, PFM_PLM0 | PFM_PLM3, PFM_OS_PERF_EVENT_EXT, &arg);
	if (result != PFM_SUCCESS) {
		snprintf(why, why_size, "'%s': %s (libpfm4)", name, pfm_strerror(result));
		return result == PFM_ERR_NOTFOUND ? ENCODE_UNKNOWN : ENCODE_BAD_SYNTAX;
	}
	encoding->type = attr.type;
	encoding->config = attr.config;
	encoding->config1 = attr.config1;
	encoding->config2 = attr.config2;
	encoding->exclude_user = attr.exclude_user;
	encoding->exclude_kernel = attr.exclude_kernel;
	encoding->exclude_hv = attr.exclude_hv;
	snprintf(encoding->qualified, sizeof encoding->qualified, "%s", qualified ? qualified : name);
	free(qualified);
	return ENCODE_OK;
}

enum encode_result event_encode(const char *name, struct event_encoding *encoding, char *why, size_t why_size)
{
	memset(encoding, 0, sizeof *encoding);
	if (!*name || strpbrk(name, " ,\t")) {
		snprintf(why, why_size, "'%s' is not an event name", name);
		return ENCODE_BAD_SYNTAX;
	}
	if (!pfm_ready()) {
		snprintf(why, why_size, "libpfm4 did not initialise");
		return ENCODE_UNKNOWN;
	}
	enum encode_result result = encode_with_libpfm(name, encoding, why, why_size);
	if (result == ENCODE_UNKNOWN && looks_like_tracepoint(name))
		result = encode_tracepoint(name, encoding, why, why_size);
	return result;
}

static long perf_open(const struct event_encoding *encoding, bool exclude_kernel)
{
	struct perf_event_attr attr;
	memset(&attr, 0, sizeof attr);
	attr.size = sizeof attr;
	attr.type = encoding->type;
	attr.config = encoding->config;
	attr.config1 = encoding->config1;
	attr.config2 = encoding->config2;
	attr.exclude_user = encoding->exclude_user;
	attr.exclude_kernel = exclude_kernel;
	attr.exclude_hv = encoding->exclude_hv || exclude_kernel;
	attr.disabled = 1;
	attr.inherit = 1;
	long fd = syscall(SYS_perf_event_open, &attr, 0, -1, -1, PERF_FLAG_FD_CLOEXEC);
	if (fd >= 0 && encoding->filter[0] && ioctl(fd, PERF_EVENT_IOC_SET_FILTER, encoding->filter) != 0) {
		int error = errno;
		close(fd);
		errno = error;
		return -1;
	}
	return fd;
}

static bool is_hardware(uint32_t type)
{
	return type == PERF_TYPE_HARDWARE || type == PERF_TYPE_HW_CACHE || type == PERF_TYPE_RAW ||
	       type >= PERF_TYPE_MAX;
}

/* Events the kernel raises in kernel mode: user-space-only counting would read zero. */
static bool counts_in_kernel_only(const struct event_encoding *encoding)
{
	return encoding->type == PERF_TYPE_TRACEPOINT ||
	       (encoding->type == PERF_TYPE_SOFTWARE && (encoding->config == PERF_COUNT_SW_CONTEXT_SWITCHES ||
							  encoding->config == PERF_COUNT_SW_CPU_MIGRATIONS));
}

static char *paranoia(void)
{
	char *level = read_text_file("/proc/sys/kernel/perf_event_paranoid");
	char *text = xasprintf("perf_event_paranoid = %s and not root", level ? level : "?");
	free(level);
	return text;
}

static char *unavailable_reason(const struct event_encoding *encoding, int error)
{
	if (is_hardware(encoding->type) && (error == ENOENT || error == EOPNOTSUPP || error == EINVAL || error == ENODEV))
		return xasprintf("no hardware PMU exposed to this kernel (a virtual machine?): %s", strerror(error));
	return xasprintf("this kernel cannot count it: %s", strerror(error));
}

/* Opens the event once; fills not_counted, or note when only user space can be counted. */
static void probe(struct event *event, struct event_encoding *encoding)
{
	long fd = perf_open(encoding, encoding->exclude_kernel);
	if (fd >= 0) {
		close((int)fd);
		return;
	}
	int error = errno;
	if (error != EACCES && error != EPERM) {
		event->not_counted = unavailable_reason(encoding, error);
		return;
	}
	char *why = paranoia();
	if (encoding->exclude_kernel || encoding->exclude_user || counts_in_kernel_only(encoding)) {
		/* kernel-only (":k"), or raised in kernel mode: user-space-only counting would read zero */
		event->not_counted = xasprintf("not permitted (%s)%s", why,
					       encoding->exclude_kernel ? "" : ": it counts in the kernel");
	} else if ((fd = perf_open(encoding, true)) >= 0) {
		close((int)fd);
		encoding->exclude_kernel = encoding->exclude_hv = true;
		event->user_only = true;
		event->note = xasprintf("user space only: kernel counting not permitted (%s)", why);
	} else {
		error = errno;
		event->not_counted = error == EACCES || error == EPERM ? xasprintf("not permitted (%s)", why)
								       : unavailable_reason(encoding, error);
	}
	free(why);
}

/* A CSV-safe column name: tracepoints by their event name, others with [^A-Za-z0-9] as '_'. */
static char *column_name(const char *name, const struct event_encoding *encoding, const char *suffix)
{
	const char *base = name;
	if (encoding && encoding->type == PERF_TYPE_TRACEPOINT)
		base = strchr(name, ':') + 1;
	char *column = xasprintf("%s%s%s", base, suffix ? "_" : "", suffix ? suffix : "");
	for (char *c = column; *c; c++)
		if (!isalnum((unsigned char)*c))
			*c = '_';
	return column;
}

static char *worker_spec(const struct event_encoding *e)
{
	unsigned exclude = (unsigned)e->exclude_user | (unsigned)e->exclude_kernel << 1 | (unsigned)e->exclude_hv << 2;
	return xasprintf("%" PRIx32 ":%" PRIx64 ":%" PRIx64 ":%" PRIx64 ":%x%s%s", e->type, e->config, e->config1,
			 e->config2, exclude, e->filter[0] ? ":" : "", e->filter);
}

static struct event *add_event(struct event_set *set, const char *name, char *why, size_t why_size)
{
	if (set->count == MAX_RUN_EVENTS) {
		snprintf(why, why_size, "more than %d events", MAX_RUN_EVENTS);
		return NULL;
	}
	struct event *event = &set->events[set->count++];
	memset(event, 0, sizeof *event);
	event->name = xstrdup(name);
	return event;
}

/* Probes an encoded event and fills in what the bundle and the worker need. */
static void finish_event(struct event *event, struct event_encoding *encoding, const char *suffix)
{
	event->column = column_name(event->name, encoding, suffix);
	probe(event, encoding);
	event->qualified = encoding->filter[0] ? xasprintf("%s, filter %s", encoding->qualified, encoding->filter)
					       : xstrdup(encoding->qualified);
	if (!event->not_counted)
		event->encoded = worker_spec(encoding);
}

/* tlb:tlb_flush: the total, then one event per reason, with a tracepoint filter each. */
static int add_flush_events(struct event_set *set, const struct event_encoding *base, char *why, size_t why_size)
{
	struct symbolic_value reasons[MAX_FLUSH_REASONS];
	size_t count = flush_reasons(reasons, MAX_FLUSH_REASONS);
	for (size_t i = 0; i < count; i++) {
		struct event_encoding encoding = *base;
		struct event *event = add_event(set, "tlb:tlb_flush", why, why_size);
		if (!event)
			return -1;
		snprintf(encoding.filter, sizeof encoding.filter, "reason==%ld", reasons[i].value);
		finish_event(event, &encoding, reasons[i].column);
		event->meaning = xasprintf("reason %ld: %s", reasons[i].value, reasons[i].text);
	}
	return 0;
}

static int resolve_one(struct event_set *set, const char *name, bool strict, char *why, size_t why_size)
{
	struct event_encoding encoding;
	char problem[320];
	enum encode_result result = event_encode(name, &encoding, problem, sizeof problem);
	if (result != ENCODE_OK && result != ENCODE_NO_TRACEFS && strict) {
		snprintf(why, why_size, "%s (see ./run.sh --list)", problem);
		return -1;
	}
	struct event *event = add_event(set, name, why, why_size);
	if (!event)
		return -1;
	if (result != ENCODE_OK) {
		event->column = column_name(name, NULL, NULL);
		event->not_counted = xstrdup(problem);
		return 0;
	}
	finish_event(event, &encoding, NULL);
	if (encoding.type == PERF_TYPE_TRACEPOINT && strcmp(name, "tlb:tlb_flush") == 0)
		return add_flush_events(set, &encoding, why, why_size);
	return 0;
}

int events_resolve(struct event_set *set, char *const *names, size_t count, bool strict, char *why, size_t why_size)
{
	memset(set, 0, sizeof *set);
	for (size_t i = 0; i < count; i++)
		if (resolve_one(set, names[i], strict, why, why_size) != 0)
			return -1;
	return 0;
}

void events_list(FILE *out)
{
	static char *const catalogue[] = {
		"page-faults", "minor-faults", "major-faults", "context-switches", "cpu-migrations", "cycles",
		"cycles:k", "instructions", "dTLB-load-misses", "dTLB-store-misses", "iTLB-load-misses",
		"tlb:tlb_flush", "exceptions:page_fault_user",
	};
	struct event_set set;
	char why[256];
	events_resolve(&set, catalogue, sizeof catalogue / sizeof catalogue[0], false, why, sizeof why);
	fprintf(out, "events (perf names; PMU-specific names as libpfm4 takes them, tracepoints as group:event):\n");
	for (size_t i = 0; i < set.count; i++) {
		const struct event *event = &set.events[i];
		const char *label = strcmp(event->name, "tlb:tlb_flush") == 0 ? event->column : event->name;
		if (event->not_counted)
			fprintf(out, "  %-28s not counted: %s\n", label, event->not_counted);
		else
			fprintf(out, "  %-28s counted%s%s\n", label, event->note ? ", " : "", event->note ? event->note : "");
	}
	events_free(&set);
}

static char *copy_text(const char *text)
{
	return text ? xstrdup(text) : NULL;
}

/* A tracepoint's encoding with the guest kernel's id in place of the host's ("2:ID:..."); NULL if it has none. */
static char *guest_encoding(const struct event *event, struct guest *guest)
{
	unsigned type;
	int used = 0;
	if (!event->encoded || sscanf(event->encoded, "%x:%*[0-9a-f]%n", &type, &used) != 1 || !used)
		return copy_text(event->encoded);
	if (type != PERF_TYPE_TRACEPOINT)
		return copy_text(event->encoded);
	char system[128], name[128];
	if (sscanf(event->name, "%127[^:]:%127s", system, name) != 2)
		return NULL;
	long id = guest_tracepoint_id(guest, system, name);
	return id < 0 ? NULL : xasprintf("%x:%lx%s", type, (unsigned long)id, event->encoded + used);
}

void events_for_guest(const struct event_set *host, struct guest *guest, struct event_set *out)
{
	memset(out, 0, sizeof *out);
	out->count = host->count;
	for (size_t i = 0; i < host->count; i++) {
		const struct event *from = &host->events[i];
		struct event *to = &out->events[i];
		*to = (struct event){ copy_text(from->name), copy_text(from->column), guest_encoding(from, guest),
				      copy_text(from->qualified), copy_text(from->not_counted), copy_text(from->note),
				      copy_text(from->meaning), from->user_only };
		if (from->encoded && !to->encoded && !to->not_counted)
			to->not_counted = xasprintf("the guest's kernel has no tracepoint %s", from->name);
	}
}
