// Progress reporting for long commands: on a terminal, one line redrawn in place with a bar, the
// rate and the time left; otherwise (a log, a pipe) a plain line every few seconds, and a closing
// line only for jobs that took more than 2 seconds. Writes to
// stderr so that stdout stays clean for results.
//
//   Progress p("importing", "rows", Lang::en);   // the words around the numbers follow `lang`
//   for (...) p.update(done, total);
//   p.finish(total);
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

#include "core/text.h"

namespace gradus {

class Progress {
 public:
  Progress(std::string what, std::string unit, Lang lang);
  void update(uint64_t done, uint64_t total);
  void finish(uint64_t done);

 private:
  std::string what_, unit_;
  Lang lang_;
  bool terminal_;
  std::chrono::steady_clock::time_point start_, last_;
  bool drawn_ = false;
};

}  // namespace gradus
