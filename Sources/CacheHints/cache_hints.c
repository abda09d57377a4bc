#include "CacheHints.h"
#include <sys/mman.h>

void *l4spec_table_allocate(size_t bytes) {
    if (bytes == 0) bytes = 1;
    void *p = mmap(NULL, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED) return NULL;
#ifdef MADV_HUGEPAGE
    madvise(p, bytes, MADV_HUGEPAGE);
#endif
    return p;
}

void l4spec_table_free(void *address, size_t bytes) {
    if (address != NULL) munmap(address, bytes == 0 ? 1 : bytes);
}
