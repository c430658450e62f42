// How the process asks the C library for memory. Reading a million enterprise-years builds a few
// hundred columns that grow by doubling; with glibc's defaults every large block is a fresh
// mmap() that is unmapped when freed, and memory is faulted in 4 KB at a time (on this project's
// VMs a page fault is expensive: a fifth of the time of reading a large CSV).
//
// tune_allocator_for_bulk_work(argv), first thing in main() of the gradus command and of the
// benchmarks:
//  - keeps blocks up to 4 MB in the heap (larger ones are mapped and given back when freed) and
//    keeps freed memory for reuse, without fast bins
//    (mallopt; whole-pool gap analysis 0.53 → 0.43 s per 10k firms);
//  - when the kernel gives transparent huge pages only to memory that asks for them (the
//    `[madvise]` setting, Debian's default), has glibc ask for them (its glibc.malloc.hugetlb=1
//    tunable). Tunables are read only when a program starts, so the process starts itself again
//    once, at once, with the tunable added to GLIBC_TUNABLES; nothing has happened yet at that
//    point. GRADUS_NO_HUGE_PAGES=1 turns this off.
// Measured on 1M enterprise-years (bench/README.md): CSV parse 3.34 → 2.35 s, load from SQLite
// 2.45 → 1.97 s. The price: memory freed by the process is not handed back to the system until
// it exits, and huge pages round memory up — right for a command that reads, computes and exits;
// a long-running server should decide for itself.
#pragma once

namespace gradus {

// Sets glibc's malloc parameters; may replace the process image (execv) to add the huge-page
// tunable, in which case it does not return. Does nothing under sanitizers or other C libraries.
void tune_allocator_for_bulk_work(char** argv);

}  // namespace gradus
