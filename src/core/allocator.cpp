// glibc malloc parameters for bulk work (see allocator.h).
#include "core/allocator.h"

#include <cstdlib>
#include <cstring>
#include <fstream>
#include <string>

#if defined(__GLIBC__)
#include <malloc.h>
#include <unistd.h>
#endif

#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#define GRADUS_SANITIZED 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer)
#define GRADUS_SANITIZED 1
#endif
#endif

namespace gradus {
namespace {

#if defined(__GLIBC__) && !defined(GRADUS_SANITIZED)
// True when the kernel hands out transparent huge pages only where a program asks (madvise).
bool huge_pages_on_request() {
  std::ifstream in("/sys/kernel/mm/transparent_hugepage/enabled");
  std::string modes;
  std::getline(in, modes);
  return modes.find("[madvise]") != std::string::npos;
}

// Starts the program again with glibc.malloc.hugetlb=1 when that helps and is not set yet.
void restart_with_huge_pages(char** argv) {
  if (argv == nullptr || argv[0] == nullptr) return;
  const char* off = std::getenv("GRADUS_NO_HUGE_PAGES");
  if (off != nullptr && std::strcmp(off, "1") == 0) return;
  const char* tunables = std::getenv("GLIBC_TUNABLES");
  const std::string current = tunables != nullptr ? tunables : "";
  if (current.find("glibc.malloc.hugetlb") != std::string::npos) return;  // set, or set by us
  if (!huge_pages_on_request()) return;
  const std::string updated =
      current.empty() ? "glibc.malloc.hugetlb=1" : current + ":glibc.malloc.hugetlb=1";
  if (setenv("GLIBC_TUNABLES", updated.c_str(), 1) != 0) return;
  execv("/proc/self/exe", argv);
  // Could not start again: go on without huge pages, with the environment as it was.
  if (tunables != nullptr) {
    setenv("GLIBC_TUNABLES", current.c_str(), 1);
  } else {
    unsetenv("GLIBC_TUNABLES");
  }
}
#endif

}  // namespace

void tune_allocator_for_bulk_work(char** argv) {
#if defined(__GLIBC__) && !defined(GRADUS_SANITIZED)
  restart_with_huge_pages(argv);
  // Blocks of 4 MB and more (a column of a large pool) are mapped on their own and given back
  // when freed: kept in the heap (glibc's cap, 32 MB) they made loading 1M enterprise-years peak
  // 45 MB above the 1.5 GB target; smaller thresholds cost parsing time (bench/README.md).
  mallopt(M_MMAP_THRESHOLD, 4 * 1024 * 1024);
  mallopt(M_TRIM_THRESHOLD, 1024 * 1024 * 1024);
  mallopt(M_TOP_PAD, 64 * 1024 * 1024);
  // No fast bins: freeing a large block then no longer sweeps them (malloc_consolidate was a tenth
  // of the whole-pool gap analysis); small blocks are still cached per thread (tcache).
  mallopt(M_MXFAST, 0);
#else
  (void)argv;
#endif
}

}  // namespace gradus
