/*
 * A guest's initramfs (the kernel matrix): an uncompressed cpio archive in
 * the kernel's "newc" format holding /init (spawnbench's agent), the static
 * worker and helpers, and the kernel's own modules the channel needs
 * (virtio-serial over PCI), in the order they load.
 */
#ifndef SPAWNBENCH_INITRAMFS_H
#define SPAWNBENCH_INITRAMFS_H

#include <stddef.h>

/* The kernel's release ("6.1.0-47-amd64"), from a bzImage's header; -1 with why if path is no bzImage. */
int bzimage_release(const char *path, char *release, size_t size, char *why, size_t why_size);

struct initramfs_files {
	const char *agent, *worker, *helper, *helper_glibc;   /* host paths of the static programs */
	const char *modules_dir;     /* the kernel's /lib/modules/RELEASE, or NULL when it has none */
};

/*
 * Writes the archive to path: the programs at /init, /spawnbench-worker,
 * /spawnbench-helper, /spawnbench-helper-glibc, and under /modules the
 * modules of virtio_pci and virtio_console with their dependencies (those not
 * built in) and /modules/order. 0, or -1 with why.
 */
int initramfs_write(const char *path, const struct initramfs_files *files, char *why, size_t why_size);

#endif
