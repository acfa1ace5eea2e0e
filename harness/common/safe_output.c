#define _GNU_SOURCE
#include "safe_output.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util.h"

FILE *output_file_create(const char *path)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0644);
	if (fd < 0)
		return NULL;
	struct stat info;
	if (fstat(fd, &info) != 0 || !S_ISREG(info.st_mode)) {
		close(fd);
		errno = EINVAL; /* a FIFO or a device under a bundle's file name */
		return NULL;
	}
	FILE *file = fdopen(fd, "w");
	if (!file)
		close(fd);
	return file;
}

int output_file_pair_create(const char *dir, const char *first, const char *second, FILE **first_file,
			    FILE **second_file)
{
	char *first_path = xasprintf("%s/%s", dir, first), *second_path = xasprintf("%s/%s", dir, second);
	*first_file = output_file_create(first_path);
	*second_file = output_file_create(second_path);
	free(first_path);
	free(second_path);
	if (*first_file && *second_file)
		return 0;
	if (*first_file)
		fclose(*first_file);
	if (*second_file)
		fclose(*second_file);
	return -1;
}

int output_dir_make(const char *path)
{
	if (mkdir(path, 0755) == 0)
		return 0;
	struct stat info;
	if (errno != EEXIST || lstat(path, &info) != 0)
		return -1;
	if (S_ISLNK(info.st_mode) || !S_ISDIR(info.st_mode)) {
		errno = S_ISLNK(info.st_mode) ? ELOOP : ENOTDIR;
		return -1;
	}
	return 0;
}

static const char *entry_kind(mode_t mode)
{
	return S_ISLNK(mode) ? "a symbolic link" : S_ISFIFO(mode) ? "a FIFO" : S_ISSOCK(mode) ? "a socket" : "a device";
}

/* Depth-first over dir; a bundle is shallow (plots/data/ is its deepest part), so 4 levels are plenty. */
static int check_dir(const char *dir, int depth, char *why, size_t why_size)
{
	DIR *stream = opendir(dir);
	if (!stream)
		return 0; /* what cannot be listed is reported by whoever opens it */
	int result = 0;
	struct dirent *entry;
	while (result == 0 && (entry = readdir(stream))) {
		if (strcmp(entry->d_name, ".") == 0 || strcmp(entry->d_name, "..") == 0)
			continue;
		char *path = xasprintf("%s/%s", dir, entry->d_name);
		struct stat info;
		if (lstat(path, &info) == 0 && !S_ISREG(info.st_mode) && !S_ISDIR(info.st_mode)) {
			snprintf(why, why_size, "%s: %s; a bundle holds regular files only (nothing was written)", path,
				 entry_kind(info.st_mode));
			result = -1;
		} else if (S_ISDIR(info.st_mode) && depth < 4) {
			result = check_dir(path, depth + 1, why, why_size);
		}
		free(path);
	}
	closedir(stream);
	return result;
}

int bundle_tree_check(const char *dir, char *why, size_t why_size)
{
	return check_dir(dir, 1, why, why_size);
}

void text_strip_controls(char *text)
{
	for (unsigned char *c = (unsigned char *)text; *c; c++)
		if (*c < 0x20 || *c == 0x7f)
			*c = ' ';
}

char *text_escape_controls(const char *text)
{
	char *copy = xmalloc(4 * strlen(text) + 1), *out = copy;
	for (const unsigned char *c = (const unsigned char *)text; *c; c++)
		out += *c < 0x20 || *c == 0x7f ? sprintf(out, "\\x%02x", *c) : sprintf(out, "%c", *c);
	*out = '\0';
	return copy;
}

bool text_has_controls(const char *text)
{
	for (const unsigned char *c = (const unsigned char *)text; *c; c++)
		if (*c < 0x20 || *c == 0x7f)
			return true;
	return false;
}

void path_strip_trailing_slashes(char *path)
{
	size_t length = strlen(path);
	while (length > 1 && path[length - 1] == '/')
		path[--length] = '\0';
}

static bool dir_is_empty(const char *path)
{
	DIR *stream = opendir(path);
	if (!stream)
		return false;
	struct dirent *entry;
	bool empty = true;
	while (empty && (entry = readdir(stream)))
		empty = strcmp(entry->d_name, ".") == 0 || strcmp(entry->d_name, "..") == 0;
	closedir(stream);
	return empty;
}

int output_dir_choose(const char *requested, char *final_path, size_t size, char *why, size_t why_size)
{
	int length = snprintf(final_path, size, "%s", requested);
	if (length <= 0 || (size_t)length + sizeof ".partial" > size) {
		snprintf(why, why_size, "--output %s: the path is empty or too long", requested);
		return -1;
	}
	path_strip_trailing_slashes(final_path);
	struct stat info;
	if (lstat(final_path, &info) != 0)
		return 0;
	if (!S_ISDIR(info.st_mode) || !dir_is_empty(final_path)) {
		snprintf(why, why_size, "--output %s: exists and is not an empty directory; nothing overwritten", requested);
		return -1;
	}
	return 0;
}
