#include "initramfs.h"

#include <dirent.h>
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "util.h"

#define BZIMAGE_MAGIC_OFFSET 0x202
#define BZIMAGE_VERSION_POINTER 0x20e
#define MAX_MODULES 16
#define MAX_MODULE_BYTES (64u << 20)

int bzimage_release(const char *path, char *release, size_t size, char *why, size_t why_size)
{
	unsigned char header[0x210];
	char text[256] = "";
	FILE *file = fopen(path, "rb");
	bool ok = file && fread(header, 1, sizeof header, file) == sizeof header &&
		  memcmp(header + BZIMAGE_MAGIC_OFFSET, "HdrS", 4) == 0;
	/* the version string's offset, less 0x200, is at 0x20e */
	unsigned offset = ok ? (unsigned)(header[BZIMAGE_VERSION_POINTER] | header[BZIMAGE_VERSION_POINTER + 1] << 8) : 0;
	ok = ok && offset && fseek(file, (long)offset + 0x200, SEEK_SET) == 0 && fgets(text, sizeof text, file);
	if (file)
		fclose(file);
	if (!ok || sscanf(text, "%255s", text) != 1) {
		snprintf(why, why_size, "%s is not a Linux kernel image (bzImage)", path);
		return -1;
	}
	snprintf(release, size, "%s", text);
	return 0;
}

/* newc: "070701", then 13 fields of 8 hex digits, the name and its NUL padded to 4 bytes, the data padded to 4. */
static void cpio_entry(FILE *out, const char *name, unsigned mode, const void *data, size_t size)
{
	static unsigned inode = 1;
	size_t name_size = strlen(name) + 1;
	fprintf(out, "070701%08X%08X%08X%08X%08X%08X%08zX%08X%08X%08X%08X%08zX%08X", inode++, mode, 0u, 0u, 1u, 0u,
		size, 0u, 0u, 0u, 0u, name_size, 0u);
	fwrite(name, 1, name_size, out);
	for (size_t pad = (4 - (110 + name_size) % 4) % 4; pad; pad--)
		fputc(0, out);
	if (size)
		fwrite(data, 1, size, out);
	for (size_t pad = (4 - size % 4) % 4; pad; pad--)
		fputc(0, out);
}

static int cpio_file(FILE *out, const char *name, const char *path, unsigned mode, char *why, size_t why_size)
{
	size_t size;
	char *data = read_binary_file(path, MAX_MODULE_BYTES, &size);
	if (!data) {
		snprintf(why, why_size, "cannot read %s for the guest: %s", path, strerror(errno));
		return -1;
	}
	cpio_entry(out, name, 0100000 | mode, data, size);
	free(data);
	return 0;
}

struct module {
	char name[64];
	char path[4096];
	char depends[256];
	bool loaded;
};

struct module_set {
	struct module modules[MAX_MODULES];
	size_t count;
	char order[MAX_MODULES][64];   /* file names in load order */
	size_t ordered;
};

/* "virtio-pci" and "virtio_pci" are one module. */
static void module_name(const char *file, char *name, size_t size)
{
	size_t length = strcspn(file, ".");
	snprintf(name, size, "%.*s", (int)(length < size ? length : size - 1), file);
	for (char *c = name; *c; c++)
		*c = *c == '-' ? '_' : *c;
}

/* Finds name.ko under dir (recursively) into path. */
static bool find_module(const char *dir, const char *name, char *path, size_t size)
{
	DIR *d = opendir(dir);
	struct dirent *entry;
	bool found = false;
	while (d && !found && (entry = readdir(d))) {
		char child[4096], base[256];
		if (entry->d_name[0] == '.')
			continue;
		snprintf(child, sizeof child, "%s/%s", dir, entry->d_name);
		module_name(entry->d_name, base, sizeof base);
		if (entry->d_type == DT_DIR)
			found = find_module(child, name, path, size);
		else if (strcmp(base, name) == 0 && strstr(entry->d_name, ".ko") && !strstr(entry->d_name, ".ko."))
			found = snprintf(path, size, "%s", child) > 0;
	}
	if (d)
		closedir(d);
	return found;
}

/* The module's "depends=a,b" from its .modinfo strings. */
static void module_depends(const char *path, char *depends, size_t size)
{
	size_t length;
	char *data = read_binary_file(path, MAX_MODULE_BYTES, &length);
	depends[0] = '\0';
	for (size_t i = 0; data && i + 8 < length; i++)
		if (memcmp(data + i, "depends=", 8) == 0 && (i == 0 || data[i - 1] == '\0')) {
			snprintf(depends, size, "%.*s", (int)strnlen(data + i + 8, length - i - 8), data + i + 8);
			break;
		}
	free(data);
}

/* Whether modules.builtin names the module: built into the kernel, nothing to load. */
static bool built_in(const char *modules_dir, const char *name)
{
	char path[4096], line[512], base[256];
	snprintf(path, sizeof path, "%s/modules.builtin", modules_dir);
	FILE *file = fopen(path, "r");
	bool found = false;
	while (file && !found && fgets(line, sizeof line, file)) {
		line[strcspn(line, "\n")] = '\0';
		const char *slash = strrchr(line, '/');
		module_name(slash ? slash + 1 : line, base, sizeof base);
		found = strcmp(base, name) == 0;
	}
	if (file)
		fclose(file);
	return found;
}

/* Adds name and, first, what it depends on (depth bounds a cycle); -1 with why when the kernel lacks it. */
static int add_module(struct module_set *set, const char *modules_dir, const char *name, int depth, char *why,
		      size_t why_size)
{
	for (size_t i = 0; i < set->ordered; i++)
		if (strcmp(set->order[i], name) == 0)
			return 0;
	if (built_in(modules_dir, name))
		return 0;
	if (depth > 8 || set->count == MAX_MODULES) {
		snprintf(why, why_size, "the modules of %s depend on too many others", name);
		return -1;
	}
	struct module *m = &set->modules[set->count++];
	snprintf(m->name, sizeof m->name, "%s", name);
	char kernel_dir[4096];
	snprintf(kernel_dir, sizeof kernel_dir, "%s/kernel", modules_dir);
	if (!find_module(kernel_dir, name, m->path, sizeof m->path)) {
		snprintf(why, why_size, "the kernel has no %s, neither built in nor a module under %s", name, modules_dir);
		return -1;
	}
	module_depends(m->path, m->depends, sizeof m->depends);
	char *depends = xstrdup(m->depends), *save = NULL;
	for (char *d = strtok_r(depends, ",", &save); d; d = strtok_r(NULL, ",", &save))
		if (add_module(set, modules_dir, d, depth + 1, why, why_size) != 0) {
			free(depends);
			return -1;
		}
	free(depends);
	snprintf(set->order[set->ordered++], sizeof set->order[0], "%s", name);
	return 0;
}

static int write_modules(FILE *out, const char *modules_dir, char *why, size_t why_size)
{
	struct module_set set;
	memset(&set, 0, sizeof set);
	cpio_entry(out, "modules", 040755, NULL, 0);
	if (modules_dir && (add_module(&set, modules_dir, "virtio_pci", 0, why, why_size) != 0 ||
			    add_module(&set, modules_dir, "virtio_console", 0, why, why_size) != 0))
		return -1;
	char order[MAX_MODULES * 72] = "";
	for (size_t i = 0; i < set.ordered; i++) {
		for (size_t m = 0; m < set.count; m++) {
			if (strcmp(set.modules[m].name, set.order[i]) != 0)
				continue;
			char name[128];
			snprintf(name, sizeof name, "modules/%s.ko", set.order[i]);
			if (cpio_file(out, name, set.modules[m].path, 0644, why, why_size) != 0)
				return -1;
		}
		snprintf(order + strlen(order), sizeof order - strlen(order), "%s.ko\n", set.order[i]);
	}
	cpio_entry(out, "modules/order", 0100644, order, strlen(order));
	return 0;
}

int initramfs_write(const char *path, const struct initramfs_files *files, char *why, size_t why_size)
{
	FILE *out = fopen(path, "wb");
	if (!out) {
		snprintf(why, why_size, "cannot write %s: %s", path, strerror(errno));
		return -1;
	}
	int result = cpio_file(out, "init", files->agent, 0755, why, why_size);
	if (result == 0)
		result = cpio_file(out, "spawnbench-worker", files->worker, 0755, why, why_size);
	if (result == 0)
		result = cpio_file(out, "spawnbench-helper", files->helper, 0755, why, why_size);
	if (result == 0)
		result = cpio_file(out, "spawnbench-helper-glibc", files->helper_glibc, 0755, why, why_size);
	if (result == 0)
		result = write_modules(out, files->modules_dir, why, why_size);
	cpio_entry(out, "TRAILER!!!", 0, NULL, 0);
	if (fclose(out) != 0 && result == 0) {
		snprintf(why, why_size, "cannot write %s: %s", path, strerror(errno));
		result = -1;
	}
	return result;
}
