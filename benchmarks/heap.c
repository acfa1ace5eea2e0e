#define _GNU_SOURCE
#include "heap.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#define HUGE_PAGE_BYTES (2u << 20)

static unsigned char *page_address(const struct heap *heap, size_t page)
{
	/*
	 * fragment f holds pages [f*P/N, (f+1)*P/N) and is followed by one gap page;
	 * inside the cow window this division costs a few ns a page, against ~2 us a fault
	 */
	size_t fragment = heap->fragments ? ((page + 1) * heap->fragments - 1) / heap->pages : 0;
	return heap->reservation + (page + fragment) * PAGE_BYTES;
}

static int map_reservation(struct heap *heap, const struct cell *cell)
{
	int flags = MAP_ANONYMOUS | (cell->backing == BACKING_SHARED ? MAP_SHARED : MAP_PRIVATE);
	size_t bytes = (heap->pages + heap->fragments) * PAGE_BYTES;
	size_t slack = cell->backing == BACKING_THP ? HUGE_PAGE_BYTES : 0;
	unsigned char *map = mmap(NULL, bytes + slack, PROT_READ | PROT_WRITE, flags, -1, 0);
	if (map == MAP_FAILED)
		return -1;
	if (slack) {
		/* huge pages need 2 MiB alignment: trim the slack around it */
		uintptr_t aligned = ((uintptr_t)map + slack - 1) & ~(uintptr_t)(slack - 1);
		size_t head = aligned - (uintptr_t)map;
		if (head)
			munmap(map, head);
		if (slack - head)
			munmap((unsigned char *)aligned + bytes, slack - head);
		map = (unsigned char *)aligned;
	}
	heap->reservation = map;
	heap->reservation_bytes = bytes;
	return 0;
}

static int set_hugepage_advice(const struct heap *heap, const struct cell *cell)
{
	if (cell->backing == BACKING_SHARED)
		return 0;
	/* never rely on the system default: advise before the first touch */
	int advice = cell->backing == BACKING_THP ? MADV_HUGEPAGE : MADV_NOHUGEPAGE;
	return madvise(heap->reservation, heap->reservation_bytes, advice);
}

static int cut_fragment_gaps(const struct heap *heap)
{
	for (unsigned f = 0; f < heap->fragments; f++) {
		size_t last_page = ((size_t)(f + 1) * heap->pages) / heap->fragments - 1;
		if (mprotect(page_address(heap, last_page) + PAGE_BYTES, PAGE_BYTES, PROT_NONE) != 0)
			return -1;
	}
	return 0;
}

static void shuffle_order(struct heap *heap)
{
	/* Fisher-Yates with a fixed seed: the same order in every run */
	uint64_t state = 0x9e3779b97f4a7c15u;
	for (size_t i = 0; i < heap->pages; i++)
		heap->order[i] = (uint32_t)i;
	for (size_t i = heap->pages; i > 1; i--) {
		state ^= state << 13;
		state ^= state >> 7;
		state ^= state << 17;
		size_t j = (size_t)(state % i);
		uint32_t tmp = heap->order[i - 1];
		heap->order[i - 1] = heap->order[j];
		heap->order[j] = tmp;
	}
}

#ifndef MADV_POPULATE_WRITE
#define MADV_POPULATE_WRITE 23 /* Linux 5.14 */
#endif

/*
 * Every page faulted in writable, as if written. One madvise where the kernel
 * has MADV_POPULATE_WRITE and the heap is one mapping (a quarter faster here
 * than a store per page); a store per page otherwise.
 */
static void populate(const struct heap *heap)
{
	if (!heap->fragments && madvise(heap->reservation, heap->reservation_bytes, MADV_POPULATE_WRITE) == 0)
		return;
	for (size_t page = 0; page < heap->pages; page++)
		*(volatile unsigned char *)page_address(heap, page) = 1;
}

int heap_create(struct heap *heap, const struct cell *cell, char *why, size_t why_size)
{
	memset(heap, 0, sizeof *heap);
	heap->pages = cell->heap_bytes / PAGE_BYTES;
	if (heap->pages == 0)
		return 0;
	heap->fragments = cell->fragments;
	if (map_reservation(heap, cell) != 0) {
		snprintf(why, why_size, "mmap of %" PRIu64 " bytes: %s", cell->heap_bytes, strerror(errno));
		return -1;
	}
	if (set_hugepage_advice(heap, cell) != 0 || cut_fragment_gaps(heap) != 0) {
		snprintf(why, why_size, "madvise/mprotect of the heap: %s%s", strerror(errno),
			 errno == ENOMEM ? " (vm.max_map_count reached?)" : "");
		return -1;
	}
	if (cell->pattern == PATTERN_RANDOM) {
		heap->order = malloc(heap->pages * sizeof *heap->order);
		if (!heap->order) {
			snprintf(why, why_size, "no memory for the page order");
			return -1;
		}
		shuffle_order(heap);
	}
	populate(heap);
	return 0;
}

void heap_destroy(struct heap *heap)
{
	if (heap->reservation)
		munmap(heap->reservation, heap->reservation_bytes);
	free(heap->order);
	memset(heap, 0, sizeof *heap);
}

void heap_write_pages(const struct heap *heap, size_t count, unsigned char value)
{
	for (size_t k = 0; k < count; k++) {
		size_t page = heap->order ? heap->order[k] : k;
		*(volatile unsigned char *)page_address(heap, page) = value;
	}
}

uint64_t anon_huge_bytes(void)
{
	FILE *file = fopen("/proc/self/smaps_rollup", "r");
	if (!file)
		return 0;
	char line[256];
	uint64_t kib = 0;
	while (fgets(line, sizeof line, file))
		if (sscanf(line, "AnonHugePages: %" SCNu64, &kib) == 1)
			break;
	fclose(file);
	return kib * 1024;
}
