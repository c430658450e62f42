// Civil-date arithmetic (days-from-civil, after Howard Hinnant's public-domain algorithm).
#include "core/date.h"

#include <chrono>

namespace gradus {

namespace {

int32_t days_from_civil(int y, unsigned m, unsigned d) {
  y -= m <= 2;
  const int era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int>(doe) - 719468;
}

void civil_from_days(int32_t z, int* y, int* m, int* d) {
  z += 719468;
  const int era = (z >= 0 ? z : z - 146096) / 146097;
  const unsigned doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int yy = static_cast<int>(yoe) + era * 400;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  *d = static_cast<int>(doy - (153 * mp + 2) / 5 + 1);
  *m = static_cast<int>(mp < 10 ? mp + 3 : mp - 9);
  *y = yy + (*m <= 2);
}

bool is_leap(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

int days_in_month(int y, int m) {
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && is_leap(y) ? 29 : kDays[m - 1];
}

}  // namespace

Date Date::from_ymd(int year, int month, int day) {
  return Date(days_from_civil(year, static_cast<unsigned>(month), static_cast<unsigned>(day)));
}

Result<Date> Date::parse(std::string_view text) {
  std::string norm = normalize_width(trim(text));
  std::string_view s = trim(norm);
  auto bad = [&](const std::string& zh, const std::string& en) {
    return Status{StatusCode::invalid_argument,
                  Text{quoted(text) + " 不是日期：" + zh, quoted(text) + " is not a date: " + en}};
  };
  int parts[3] = {0, 1, 1};
  int count = 0;
  size_t i = 0;
  while (i < s.size() && count < 3) {
    if (s[i] < '0' || s[i] > '9') return bad("应为 YYYY-MM-DD", "expected YYYY-MM-DD");
    int v = 0, n = 0;
    while (i < s.size() && s[i] >= '0' && s[i] <= '9' && n < 5) v = v * 10 + (s[i++] - '0'), ++n;
    parts[count++] = v;
    if (i == s.size()) break;
    std::string_view rest = s.substr(i);
    if (s[i] == '-' || s[i] == '/' || s[i] == '.') {
      if (++i == s.size() || count == 3) return bad("应为 YYYY-MM-DD", "expected YYYY-MM-DD");
    } else if (rest.starts_with("年") || rest.starts_with("月")) {
      i += 3;
    } else if (rest == "日") {
      i = s.size();
      break;
    } else {
      return bad("应为 YYYY-MM-DD", "expected YYYY-MM-DD");
    }
  }
  if (i != s.size() || count == 2) return bad("应为 YYYY-MM-DD 或年份", "expected YYYY-MM-DD or a year");
  if (parts[0] < 1900 || parts[0] > 2200) return bad("年份超出范围", "the year is out of range");
  if (parts[1] < 1 || parts[1] > 12) return bad("月份无效", "the month is invalid");
  if (parts[2] < 1 || parts[2] > days_in_month(parts[0], parts[1])) {
    return bad("该月没有这一天", "that day does not exist in that month");
  }
  return from_ymd(parts[0], parts[1], parts[2]);
}

Date Date::today() {
  auto now = std::chrono::system_clock::now() + std::chrono::hours(8);
  auto days = std::chrono::floor<std::chrono::days>(now).time_since_epoch().count();
  return Date(static_cast<int32_t>(days));
}

int Date::year() const {
  int y, m, d;
  civil_from_days(days_, &y, &m, &d);
  return y;
}
int Date::month() const {
  int y, m, d;
  civil_from_days(days_, &y, &m, &d);
  return m;
}
int Date::day() const {
  int y, m, d;
  civil_from_days(days_, &y, &m, &d);
  return d;
}

std::string Date::to_string() const {
  int y, m, d;
  civil_from_days(days_, &y, &m, &d);
  char buf[48];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", y, m, d);
  return buf;
}

Date Date::plus_years(int n) const {
  int y, m, d;
  civil_from_days(days_, &y, &m, &d);
  y += n;
  if (m == 2 && d == 29 && !is_leap(y)) d = 28;
  return from_ymd(y, m, d);
}

int completed_years(Date from, Date to) {
  if (to < from) return 0;
  int fy, fm, fd, ty, tm, td;
  civil_from_days(from.days(), &fy, &fm, &fd);
  civil_from_days(to.days(), &ty, &tm, &td);
  // Same as "from.plus_years(years) > to" with plus_years' Feb 29 → Feb 28 rule, without building dates.
  if (fm == 2 && fd == 29 && !is_leap(ty)) fd = 28;
  int years = ty - fy;
  if (fm > tm || (fm == tm && fd > td)) --years;
  return years;
}

}  // namespace gradus
