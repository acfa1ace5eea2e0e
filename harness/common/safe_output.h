/*
 * Writing into a bundle that came from someone else's machine: only regular
 * files, never through a symbolic link, never outside the directory named.
 */
#ifndef SPAWNBENCH_SAFE_OUTPUT_H
#define SPAWNBENCH_SAFE_OUTPUT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

/* Creates or truncates path for writing; NULL (errno ELOOP) when path is a symbolic link. */
FILE *output_file_create(const char *path);

/* dir/first and dir/second, both created as output_file_create does; -1 (neither left open) if either fails. */
int output_file_pair_create(const char *dir, const char *first, const char *second, FILE **first_file,
			    FILE **second_file);

/* mkdir path, or accepts an existing directory that is not a symbolic link; -1 otherwise. */
int output_dir_make(const char *path);

/*
 * A bundle's tree holds directories and regular files only: -1 with one line
 * naming the first entry that is a symbolic link, a FIFO, a device or a socket.
 */
int bundle_tree_check(const char *dir, char *why, size_t why_size);

/* Replaces control characters (C0, DEL) in place with a space: text for a terminal, a chart or Markdown. */
void text_strip_controls(char *text);
bool text_has_controls(const char *text);
/* A copy for a one-line message: control characters as \xNN. Free it. */
char *text_escape_controls(const char *text);

/* "DIR/" and "DIR//" as "DIR" (but "/" stays "/"), so that DIR.partial is a sibling of DIR. */
void path_strip_trailing_slashes(char *path);



/*
 * The final path for an output directory the user named with --output:
 * trailing slashes dropped; it must not exist, or be an empty directory that
 * is not a link (rename(2) then replaces it, and nothing deletes it before).
 * -1 with why, naming the path.
 */
int output_dir_choose(const char *requested, char *final_path, size_t size, char *why, size_t why_size);
#endif
