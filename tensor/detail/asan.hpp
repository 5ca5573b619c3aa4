#pragma once
// GG_ASAN is 1 when the including file is compiled with AddressSanitizer. g++ defines
// __SANITIZE_ADDRESS__; clang 14 does not (clang 15 does) and answers only
// __has_feature(address_sanitizer). The caching allocator poisons its cached blocks under
// ASan; the allocation-count and peak-memory tests change what they measure.
#if defined(__SANITIZE_ADDRESS__)
#define GG_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define GG_ASAN 1
#endif
#endif
#ifndef GG_ASAN
#define GG_ASAN 0
#endif
