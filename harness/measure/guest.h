/*
 * A kernel under test in a virtual machine (the kernel matrix): resolving
 * what --kernel names (a bzImage, a Debian linux-image .deb, or the name of
 * such a package, fetched and unpacked into a cache without installing it),
 * booting it in qemu with spawnbench's initramfs, and the channel to the
 * agent there (benchmarks/agent.c), through which a cell's worker is started
 * and then speaks the same line protocol as a local one.
 */
#ifndef SPAWNBENCH_GUEST_H
#define SPAWNBENCH_GUEST_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

struct guest {
	char spec[PATH_MAX];          /* as given to --kernel */
	char image[PATH_MAX];         /* the bzImage */
	char modules_dir[PATH_MAX];   /* its /lib/modules/RELEASE, or "" */
	char append[512];             /* ,append=ARGS: added to the kernel's command line */
	char image_release[128];      /* from the image's header, before booting */
	/* said by the agent once booted */
	char release[128], version[256], cmdline[1024];
	const char *accelerator;      /* "kvm", or "tcg" (emulated: timings mean nothing) */
	uint64_t memory_bytes;
	unsigned cpus;
	char work_dir[PATH_MAX];      /* private: the initramfs and the socket */
	char console_path[PATH_MAX];  /* the guest's console log (in its bundle) */
	pid_t qemu;
	int channel;                  /* the connected virtio-serial socket; -1 when down */
	bool loopback;                /* --kernel loopback: the agent on the host itself, no virtual machine */
	bool failed;
	char why[600];
	double boot_seconds;
};

/* Fills guest from a --kernel SPEC, fetching and unpacking a package into cache_dir; -1 with why (bad input). */
int guest_resolve(struct guest *guest, const char *spec, const char *cache_dir, char *why, size_t why_size);

/* Where fetched kernels are kept: $XDG_CACHE_HOME/spawnbench/kernels or ~/.cache/spawnbench/kernels. */
void guest_cache_dir(char *buf, size_t size);

struct initramfs_files;
/*
 * Boots the guest (console log at console_path), under KVM when a boot with
 * it works and TCG otherwise, and waits for its agent. false with
 * guest->why (and failed set) if it did not boot; the console's last lines
 * are in why.
 */
bool guest_boot(struct guest *guest, const struct initramfs_files *files, const char *console_path);

/* This kernel's id of tracepoint SYSTEM:NAME, or -1. */
long guest_tracepoint_id(struct guest *guest, const char *system, const char *name);

/* Powers the guest off (killing qemu if it does not stop) and removes its private files. */
void guest_stop(struct guest *guest);

/* The guest's path of a program ("/spawnbench-worker" in the initramfs; a loopback agent's is the host's). */
const char *guest_program_path(const struct guest *guest, const char *host_path);

/* The guest's memory for cells: what it was given, less its kernel's and the agent's share. */
#define GUEST_SYSTEM_BYTES (256ull << 20)
uint64_t guest_memory_for_cells(const struct guest *guest);

/* Whether the host can run guests under KVM (/dev/kvm opens read-write). */
bool guest_kvm_available(void);

#endif
