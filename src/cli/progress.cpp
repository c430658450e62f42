// Progress lines and bars on stderr (see progress.h).
#include "cli/progress.h"

#include <unistd.h>

#include <cstdio>

namespace gradus {

Progress::Progress(std::string what, std::string unit, Lang lang)
    : what_(std::move(what)),
      unit_(std::move(unit)),
      lang_(lang),
      terminal_(isatty(STDERR_FILENO) != 0),
      start_(std::chrono::steady_clock::now()),
      last_(start_) {}

void Progress::update(uint64_t done, uint64_t total) {
  const auto now = std::chrono::steady_clock::now();
  const double since_last = std::chrono::duration<double>(now - last_).count();
  if (since_last < (terminal_ ? 0.1 : 5.0)) return;
  last_ = now;
  const double elapsed = std::chrono::duration<double>(now - start_).count();
  const double rate = elapsed > 0 ? static_cast<double>(done) / elapsed : 0;
  const double left = rate > 0 && total > done ? static_cast<double>(total - done) / rate : 0;
  const double frac = total > 0 ? static_cast<double>(done) / static_cast<double>(total) : 0;
  if (terminal_) {
    constexpr int kWidth = 30;
    const int filled = static_cast<int>(frac * kWidth);
    std::string bar(static_cast<size_t>(filled), '=');
    bar.resize(kWidth, ' ');
    std::fprintf(stderr,
                 lang_ == Lang::zh ? "\r%s [%s] %3.0f%%  %llu/%llu %s  %.0f %s/秒  剩余约 %.0f 秒 "
                                   : "\r%s [%s] %3.0f%%  %llu/%llu %s  %.0f %s/s  ETA %.0fs ",
                 what_.c_str(), bar.c_str(), frac * 100, static_cast<unsigned long long>(done),
                 static_cast<unsigned long long>(total), unit_.c_str(), rate, unit_.c_str(), left);
    drawn_ = true;
  } else {
    std::fprintf(stderr,
                 lang_ == Lang::zh ? "%s：%llu/%llu %s（%.0f%%），%.0f %s/秒，剩余约 %.0f 秒\n"
                                   : "%s: %llu/%llu %s (%.0f%%), %.0f %s/s, about %.0f s left\n",
                 what_.c_str(),
                 static_cast<unsigned long long>(done), static_cast<unsigned long long>(total),
                 unit_.c_str(), frac * 100, rate, unit_.c_str(), left);
  }
}

void Progress::finish(uint64_t done) {
  const double elapsed =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  if (drawn_) std::fprintf(stderr, "\r\033[K");
  // Short jobs stay quiet when stderr is a log or a pipe (their output is compared in tests).
  if (!terminal_ && elapsed < 2.0) return;
  std::fprintf(stderr,
               lang_ == Lang::zh ? "%s：%llu %s，用时 %.2f 秒（%.0f %s/秒）\n"
                                 : "%s: %llu %s in %.2f s (%.0f %s/s)\n",
               what_.c_str(),
               static_cast<unsigned long long>(done), unit_.c_str(), elapsed,
               elapsed > 0 ? static_cast<double>(done) / elapsed : 0.0, unit_.c_str());
}

}  // namespace gradus
