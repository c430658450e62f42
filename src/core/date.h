// Calendar dates as days since 1970-01-01 (proleptic Gregorian), with the year arithmetic the
// policies need ("completed years", "within N years").
//
//   Date d = *Date::parse("2022-07-01");
//   completed_years(d, Date::from_ymd(2026, 1, 1)) == 3
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "core/status.h"

namespace gradus {

class Date {
 public:
  constexpr Date() = default;
  static Date from_ymd(int year, int month, int day);
  static constexpr Date from_days(int32_t days) { return Date(days); }
  // Accepts "2022-07-01", "2022/7/1", "2022.07.01", "2022年7月1日" and a bare year "2022"
  // (meaning 2022-01-01).
  static Result<Date> parse(std::string_view text);
  // Today's date in UTC+8 (China Standard Time).
  static Date today();

  constexpr int32_t days() const { return days_; }
  int year() const;
  int month() const;
  int day() const;
  std::string to_string() const;  // ISO 8601

  // The same month and day `n` years later (Feb 29 → Feb 28 in a common year).
  Date plus_years(int n) const;

  friend constexpr bool operator==(Date a, Date b) = default;
  friend constexpr auto operator<=>(Date a, Date b) = default;

 private:
  explicit constexpr Date(int32_t days) : days_(days) {}
  int32_t days_ = 0;
};

// Whole years from `from` to `to` (0 if `to` < `from`): 2022-07-01 → 2026-01-01 is 3.
int completed_years(Date from, Date to);

}  // namespace gradus
