#define _GNU_SOURCE
#include "machine.h"

#include <dirent.h>
#include <gnu/libc-version.h>
#include <hwloc.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "util.h"

static struct utsname names;

static void load_names(void)
{
	if (!names.release[0])
		uname(&names);
}

const char *machine_kernel_release(void)
{
	load_names();
	return names.release;
}

const char *machine_host_name(void)
{
	load_names();
	return names.nodename;
}

/* Sets key to the file's text, or null when it cannot be read. */
static void set_file(json_t *object, const char *key, const char *path)
{
	char *text = read_text_file(path);
	json_object_set_new(object, key, text ? json_string(text) : json_null());
	free(text);
}

/* The value after "key<TAB>: " in /proc/cpuinfo or "key: " in /proc/meminfo. */
static char *proc_field(const char *path, const char *key)
{
	FILE *file = fopen(path, "r");
	char line[512];
	char *value = NULL;
	size_t key_length = strlen(key);
	while (!value && file && fgets(line, sizeof line, file)) {
		char *colon = strchr(line, ':');
		if (strncmp(line, key, key_length) == 0 && colon && (line[key_length] == ':' || line[key_length] == ' ' ||
								    line[key_length] == '\t'))
			value = xstrdup(trim(colon + 1));
	}
	if (file)
		fclose(file);
	return value;
}

static const char *virtualisation(void)
{
	char *flags = proc_field("/proc/cpuinfo", "flags");
	bool hypervisor = flags && strstr(flags, " hypervisor");
	free(flags);
	return hypervisor ? "virtual machine (cpuinfo: hypervisor)" : "none detected";
}

static json_t *mitigations(void)
{
	json_t *object = json_object();
	const char *directory = "/sys/devices/system/cpu/vulnerabilities";
	DIR *dir = opendir(directory);
	struct dirent *entry;
	while (dir && (entry = readdir(dir))) {
		if (entry->d_name[0] == '.')
			continue;
		char *path = xasprintf("%s/%s", directory, entry->d_name);
		set_file(object, entry->d_name, path);
		free(path);
	}
	if (dir)
		closedir(dir);
	return object;
}

static json_t *memory_and_cpu(void)
{
	json_t *object = json_object();
	char *model = proc_field("/proc/cpuinfo", "model name");
	char *total = proc_field("/proc/meminfo", "MemTotal");
	json_object_set_new(object, "cpu_model", model ? json_string(model) : json_null());
	json_object_set_new(object, "cpus_online", json_integer(sysconf(_SC_NPROCESSORS_ONLN)));
	json_object_set_new(object, "memory_total", total ? json_string(total) : json_null());
	free(model);
	free(total);
	return object;
}

/* FNV-1a (64 bits) of a whole file, as 16 hex digits; NULL if it cannot be read. A change detector, not a signature. */
static char *file_fnv1a(const char *path)
{
	FILE *file = fopen(path, "re");
	if (!file)
		return NULL;
	uint64_t hash = 14695981039346656037ull;
	int c;
	while ((c = getc_unlocked(file)) != EOF)
		hash = (hash ^ (uint64_t)(unsigned char)c) * 1099511628211ull;
	bool failed = ferror(file);
	fclose(file);
	return failed ? NULL : xasprintf("%016llx", (unsigned long long)hash);
}

/*
 * The running kernel's configuration, hashed: /proc/config.gz where the
 * kernel exposes it, /boot/config-RELEASE otherwise; the source is recorded
 * with the hash, since the two files of one configuration hash differently.
 */
static void kernel_config(json_t *machine)
{
	char *boot = xasprintf("/boot/config-%s", names.release);
	const char *sources[] = { "/proc/config.gz", boot };
	for (size_t i = 0; i < 2; i++) {
		char *hash = file_fnv1a(sources[i]);
		if (hash) {
			json_object_set_new(machine, "kernel_config_fnv1a64", json_string(hash));
			json_object_set_new(machine, "kernel_config_source", json_string(sources[i]));
			free(hash);
			break;
		}
	}
	if (!json_object_get(machine, "kernel_config_fnv1a64"))
		json_object_set_new(machine, "kernel_config_fnv1a64", json_null());
	free(boot);
}

/* What changes process creation's timings without changing the kernel: ASLR, frequency, isolated CPUs. */
static void timing_settings(json_t *machine)
{
	set_file(machine, "aslr", "/proc/sys/kernel/randomize_va_space");
	set_file(machine, "cpufreq_governor", "/sys/devices/system/cpu/cpu0/cpufreq/scaling_governor");
	set_file(machine, "cpu_boost", "/sys/devices/system/cpu/cpufreq/boost");
	set_file(machine, "intel_no_turbo", "/sys/devices/system/cpu/intel_pstate/no_turbo");
	set_file(machine, "nohz_full", "/sys/devices/system/cpu/nohz_full");
	set_file(machine, "isolated_cpus", "/sys/devices/system/cpu/isolated");
}

json_t *machine_describe(void)
{
	load_names();
	json_t *machine = memory_and_cpu();
	json_object_set_new(machine, "host", json_string(names.nodename));
	json_object_set_new(machine, "kernel_release", json_string(names.release));
	json_object_set_new(machine, "kernel_version", json_string(names.version));
	json_object_set_new(machine, "architecture", json_string(names.machine));
	set_file(machine, "kernel_command_line", "/proc/cmdline");
	json_object_set_new(machine, "virtualisation", json_string(virtualisation()));
	set_file(machine, "clock_source", "/sys/devices/system/clocksource/clocksource0/current_clocksource");
	set_file(machine, "thp_enabled", "/sys/kernel/mm/transparent_hugepage/enabled");
	set_file(machine, "thp_defrag", "/sys/kernel/mm/transparent_hugepage/defrag");
	set_file(machine, "perf_event_paranoid", "/proc/sys/kernel/perf_event_paranoid");
	set_file(machine, "max_map_count", "/proc/sys/vm/max_map_count");
	set_file(machine, "overcommit_memory", "/proc/sys/vm/overcommit_memory");
	json_object_set_new(machine, "mitigations", mitigations());
	json_object_set_new(machine, "glibc", json_string(gnu_get_libc_version()));
	json_object_set_new(machine, "compiler", json_string("gcc " __VERSION__));
	json_object_set_new(machine, "hwloc", json_string(HWLOC_VERSION));
	timing_settings(machine);
	kernel_config(machine);
	return machine;
}
