// The application calendar: when a firm can apply for a tier (the yearly calls, 申报窗口) and when
// the title is expected, nationally or in its province. Read from calendar/calls.yaml (embedded)
// and from a zone's own file; the growth path dates its steps by it (analysis/path.h).
//
//   std::string errors;
//   CallCalendar cal = CallCalendar::shipped(&errors);
//   std::optional<Call> c = cal.next("little-giant", 320000, *Date::parse("2026-06-30"));
//   c->open.to_string() == "2027-04-25"   // the 2026 filing closed on 05-25
//
// A pattern is read from one year's notice (`observed`) and assumed for the other years; a call
// says whether its dates are as published. Thread-safe for concurrent reads once built.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/date.h"
#include "core/status.h"
#include "core/text.h"

namespace gradus {

struct CallPattern {
  struct Window {
    int open_month = 1, open_day = 1, close_month = 12, close_day = 31;
    std::optional<std::pair<int, int>> decision;  // month, day (before `close`: the next year)
  };
  std::string tier;        // policy id
  int32_t province = 0;    // province code (510000); 0 = national
  Text authority;
  int observed = 0;        // the year whose notice gave the dates
  std::vector<Window> windows;  // in calendar order
  // REFERENCE.md confidence tags (A, B, C, ?) of the filing dates and of the decision day; "" = none.
  std::string filing_confidence, decision_confidence;
  std::string source;
  Text notes;
  std::string file;        // where it was read from
};

// One call of one year.
struct Call {
  const CallPattern* pattern = nullptr;  // into the calendar: valid until it is next changed
  Date open, close;
  Date decision;                 // the day the title is expected
  bool decision_known = false;   // false: the end of the call's year, assumed
  bool as_published = false;     // the year is the pattern's `observed` year
};

class CallCalendar {
 public:
  // The shipped calendar (calendar/*.yaml embedded in the binary). A file that does not load is
  // left out and its problems appended to `*errors` (a shipped one failing is a bug tests catch).
  static CallCalendar shipped(std::string* errors);

  // Adds the patterns of a calendar file; one for the same tier and region replaces the loaded
  // one. Every problem is reported as `file:line:col: message`, and then nothing is added.
  Status add_text(std::string_view yaml, const std::string& file);
  Status add_file(const std::string& path);

  // The first call of `tier` for a firm registered in `region` (any 6-digit code; 0 = unknown)
  // whose filing closes on or after `day`, looking up to 10 years ahead; the firm's province's
  // pattern if there is one, else the national one, else nullopt (no dates known).
  std::optional<Call> next(std::string_view tier, int32_t region, Date day) const;

  const std::vector<CallPattern>& patterns() const { return patterns_; }

 private:
  std::vector<CallPattern> patterns_;
};

}  // namespace gradus
