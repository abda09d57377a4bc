#ifndef L4SPEC_CACHE_HINTS_H
#define L4SPEC_CACHE_HINTS_H

/// Asks the CPU to fetch the cache line of `address` for writing, without
/// waiting for it: the explorer prefetches the visited-table slots of a
/// state's successors before probing them, so their cache misses overlap.
static inline void l4spec_prefetch_for_write(const void *address) {
    __builtin_prefetch(address, 1, 3);
}

#endif

#include <stddef.h>

/// Zeroed memory for the visited table, backed by transparent huge pages
/// where the system offers them (Linux madvise mode): random probes into a
/// table of hundreds of megabytes otherwise miss the TLB on nearly every
/// access. Returns NULL on failure.
void *l4spec_table_allocate(size_t bytes);
void l4spec_table_free(void *address, size_t bytes);
