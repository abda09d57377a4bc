// Counts heap allocations by interposing malloc/calloc/realloc in the l4spec
// executable and forwarding to glibc's implementations. Counting only: the
// allocator itself is unchanged.
#include <stddef.h>
#include "AllocCounter.h"

#if defined(__GLIBC__) || defined(__linux__)
extern void *__libc_malloc(size_t);
extern void *__libc_calloc(size_t, size_t);
extern void *__libc_realloc(void *, size_t);

static unsigned long counter;

void *malloc(size_t n) {
    __atomic_fetch_add(&counter, 1, __ATOMIC_RELAXED);
    return __libc_malloc(n);
}

void *calloc(size_t a, size_t b) {
    __atomic_fetch_add(&counter, 1, __ATOMIC_RELAXED);
    return __libc_calloc(a, b);
}

void *realloc(void *p, size_t n) {
    __atomic_fetch_add(&counter, 1, __ATOMIC_RELAXED);
    return __libc_realloc(p, n);
}

unsigned long l4spec_allocation_count(void) {
    return __atomic_load_n(&counter, __ATOMIC_RELAXED);
}
#else
unsigned long l4spec_allocation_count(void) { return 0; }
#endif
