#pragma once
// Counts heap allocations made by any thread of this process while counting is on.
//
// alloc_counter.cpp replaces the global operator new (every form). Outside AddressSanitizer
// builds it also replaces malloc, calloc, realloc, posix_memalign, aligned_alloc, memalign,
// valloc and pvalloc (forwarding to glibc's own), so allocations made by C code and by shared
// libraries (libgomp, libstdc++) are counted too. Under AddressSanitizer, which owns malloc,
// only operator new is counted.
#include <cstddef>

namespace gg::test {

void start_counting_allocations();
// Stops counting and returns the number of allocations since start_counting_allocations().
std::size_t stop_counting_allocations();
// True when malloc and its relatives are counted as well as operator new.
bool counts_malloc();

}  // namespace gg::test
