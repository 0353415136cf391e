#include <cstdio>
#include <cstdlib>

#include "core/result.h"

namespace siphon::core::detail {

void assertFailed(const char* cond, const char* why, const char* file, int line) {
  std::fprintf(stderr, "siphon: invariant failed at %s:%d: %s (%s)\n", file, line, cond, why);
  std::abort();
}

}  // namespace siphon::core::detail
