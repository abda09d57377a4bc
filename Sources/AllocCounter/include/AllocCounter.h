#ifndef L4SPEC_ALLOC_COUNTER_H
#define L4SPEC_ALLOC_COUNTER_H
/// Number of heap allocations (malloc, calloc, realloc) made by this process so
/// far. Used by `l4spec bench` to report allocations per step.
unsigned long l4spec_allocation_count(void);
#endif
