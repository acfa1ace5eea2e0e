#define _GNU_SOURCE
#include "counters.h"

#include <errno.h>
#include <linux/perf_event.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <unistd.h>

struct parsed_event {
	struct perf_event_attr attr;
	const char *filter;
};

static int parse_spec(const char *spec, struct parsed_event *event)
{
	unsigned long long field[5];
	const char *cursor = spec;
	for (int i = 0; i < 5; i++) {
		char *end;
		errno = 0;
		field[i] = strtoull(cursor, &end, 16);
		if (errno || end == cursor || (*end != ':' && *end != '\0') || (*end == '\0' && i < 4))
			return -1;
		cursor = *end ? end + 1 : end;
	}
	memset(event, 0, sizeof *event);
	event->attr.size = sizeof event->attr;
	event->attr.type = (uint32_t)field[0];
	event->attr.config = field[1];
	event->attr.config1 = field[2];
	event->attr.config2 = field[3];
	event->attr.exclude_user = field[4] & 1;
	event->attr.exclude_kernel = (field[4] >> 1) & 1;
	event->attr.exclude_hv = (field[4] >> 2) & 1;
	event->filter = *cursor ? cursor : NULL;
	return 0;
}

int counters_add(struct counters *counters, const char *spec)
{
	struct parsed_event event;
	if (counters->count == MAX_EVENTS || parse_spec(spec, &event) != 0)
		return -1;
	counters->spec[counters->count] = spec;
	counters->fd[counters->count] = -1;
	counters->count++;
	return 0;
}

static int open_event(const char *spec, int *open_errno)
{
	struct parsed_event event;
	parse_spec(spec, &event);
	event.attr.disabled = 1;
	event.attr.inherit = 1; /* the children this worker creates count too */
	event.attr.read_format = PERF_FORMAT_TOTAL_TIME_ENABLED | PERF_FORMAT_TOTAL_TIME_RUNNING;
	int fd = (int)syscall(SYS_perf_event_open, &event.attr, 0, -1, -1, PERF_FLAG_FD_CLOEXEC);
	if (fd >= 0 && event.filter && ioctl(fd, PERF_EVENT_IOC_SET_FILTER, event.filter) != 0) {
		close(fd);
		fd = -1;
	}
	*open_errno = fd < 0 ? errno : 0;
	return fd;
}

void counters_open(struct counters *counters)
{
	for (int i = 0; i < counters->count; i++)
		counters->fd[i] = open_event(counters->spec[i], &counters->open_errno[i]);
}

static void read_counter(int fd, struct counter_reading *reading)
{
	if (read(fd, reading, sizeof *reading) != sizeof *reading)
		memset(reading, 0, sizeof *reading);
}

void counters_start(struct counters *counters)
{
	for (int i = 0; i < counters->count; i++) {
		if (counters->fd[i] < 0)
			continue;
		read_counter(counters->fd[i], &counters->at_start[i]);
		ioctl(counters->fd[i], PERF_EVENT_IOC_ENABLE, 0);
	}
}

void counters_stop(const struct counters *counters, struct counter_reading *readings)
{
	for (int i = 0; i < counters->count; i++)
		if (counters->fd[i] >= 0)
			ioctl(counters->fd[i], PERF_EVENT_IOC_DISABLE, 0);
	for (int i = 0; i < counters->count; i++) {
		memset(&readings[i], 0, sizeof readings[i]);
		if (counters->fd[i] < 0)
			continue;
		read_counter(counters->fd[i], &readings[i]);
		readings[i].value -= counters->at_start[i].value;
		readings[i].enabled_ns -= counters->at_start[i].enabled_ns;
		readings[i].running_ns -= counters->at_start[i].running_ns;
	}
}

void counters_close(struct counters *counters)
{
	for (int i = 0; i < counters->count; i++) {
		if (counters->fd[i] >= 0)
			close(counters->fd[i]);
		counters->fd[i] = -1;
	}
}
