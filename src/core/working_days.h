// China's working days: Monday to Friday, except the public holidays (放假调休), plus the weekend
// days made working days (调休上班) — as the State Council General Office announces them each
// year (data/cn_public_holidays.csv, embedded; one notice per year, cited on every row). A public
// notice runs for a number of working days (公示期), so the workflow counts them here.
//
//   const WorkingDays& wd = WorkingDays::shipped();
//   Result<Date> end = wd.period_end(*Date::parse("2025-09-28"), 5);  // 2025-10-10: 国庆 skipped
//   Result<bool> w = wd.is_working_day(*Date::parse("2025-09-28"));   // true: a Sunday worked
//
// A year without its notice in the file is not guessed: any question about a day of that year
// fails (failed_precondition) naming the year and the file. Thread-safety: immutable once built;
// shipped() is built once, thread-safely.
#pragma once

#include <map>
#include <string>
#include <string_view>

#include "core/date.h"
#include "core/status.h"

namespace gradus {

class WorkingDays {
 public:
  // Reads the CSV (date,kind,holiday,notice; kind `off` or `work`); problems as file:line.
  static Result<WorkingDays> parse(std::string_view csv, std::string_view file);
  // The embedded data/cn_public_holidays.csv (a broken shipped file is a bug the tests catch:
  // this aborts with its message).
  static const WorkingDays& shipped();

  // Whether `day` is a working day.
  Result<bool> is_working_day(Date day) const;
  // The last day of a period of `n` (≥ 1) working days that starts on `start`: `start` counts as
  // the first when it is a working day, else the period starts on the next one.
  Result<Date> period_end(Date start, int n) const;
  // The working days from `from` to `to`, both included (0 when to < from).
  Result<int> working_days_between(Date from, Date to) const;

  // The years whose notice the file holds (first, last; every year between is present).
  int first_year() const { return first_year_; }
  int last_year() const { return last_year_; }
  // The notice a year's days come from ("" for a year not covered).
  std::string notice(int year) const;
  // The holiday a day off belongs to ("" for a working day or a plain weekend).
  std::string holiday(Date day) const;

 private:
  Status covered(Date day) const;

  struct Special {
    bool working = false;
    std::string holiday;
  };
  std::map<int32_t, Special> special_;  // by day number: the days that differ from Mon–Fri
  std::map<int, std::string> notices_;  // year → notice
  int first_year_ = 0, last_year_ = -1;
  std::string file_;
};

}  // namespace gradus
