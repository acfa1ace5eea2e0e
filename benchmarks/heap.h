/*
 * The parent's populated memory: one mapping, or N mappings split by
 * one-page PROT_NONE gaps (the fragmented layout), every page written before
 * any timing starts.
 */
#ifndef SPAWNBENCH_HEAP_H
#define SPAWNBENCH_HEAP_H

#include <stddef.h>
#include <stdint.h>

#include "cell.h"

struct heap {
	unsigned char *reservation;   /* whole mapping, gaps included */
	size_t reservation_bytes;
	size_t pages;                 /* writable pages */
	unsigned fragments;           /* 0: contiguous, no gaps */
	uint32_t *order;              /* page visit order, NULL when sequential */
};

/*
 * Maps and populates the heap for cell; on failure returns -1 and puts
 * the reason in words in why.
 */
int heap_create(struct heap *heap, const struct cell *cell, char *why, size_t why_size);
void heap_destroy(struct heap *heap);

/* Stores value into the first count pages of the visit order. */
void heap_write_pages(const struct heap *heap, size_t count, unsigned char value);

/* AnonHugePages of this process, from /proc/self/smaps_rollup, in bytes. */
uint64_t anon_huge_bytes(void);

#endif
