/*
 * Shared by the in-kernel tests' leak checks: a heap's free memory,
 * counted exactly.
 */
#ifndef HEAP_AVAIL_H
#define HEAP_AVAIL_H

#include <uk/alloc.h>

/* Free memory of heap a (of uk_alloc_heap_create; the default heap is
 * one), every CPU's cache of freed blocks emptied first however long a
 * CPU takes to answer: availmem alone waits 20 ms at most, and a CPU
 * under memcheck may answer later, its cached blocks then uncounted. */
static inline __ssz heap_avail(struct uk_alloc *a)
{
	uk_alloc_heap_flush(a);
	return uk_alloc_availmem(a);
}

#endif
