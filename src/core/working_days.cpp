// China's working days from the yearly holiday notices (working_days.h).
#include "core/working_days.h"

#include <cstdio>
#include <cstdlib>
#include <optional>
#include <vector>

#include "core/embedded.h"

namespace gradus {

namespace {

constexpr std::string_view kShippedFile = "data/cn_public_holidays.csv";

// 0 = Monday … 6 = Sunday.
int weekday(Date d) {
  static const int32_t monday = Date::from_ymd(2024, 1, 1).days();  // a Monday
  const int32_t diff = d.days() - monday;
  return static_cast<int>(((diff % 7) + 7) % 7);
}

std::vector<std::string_view> split_commas(std::string_view line) {
  std::vector<std::string_view> out;
  size_t start = 0;
  for (;;) {
    size_t comma = line.find(',', start);
    out.push_back(line.substr(start, comma == std::string_view::npos ? line.npos : comma - start));
    if (comma == std::string_view::npos) return out;
    start = comma + 1;
  }
}

}  // namespace

Result<WorkingDays> WorkingDays::parse(std::string_view csv, std::string_view file) {
  WorkingDays wd;
  wd.file_ = std::string(file);
  size_t line_no = 0;
  auto bad = [&](const std::string& zh, const std::string& en) {
    const std::string at = std::string(file) + ":" + std::to_string(line_no) + ": ";
    return invalid(at + zh, at + en);
  };
  size_t pos = 0;
  while (pos < csv.size()) {
    size_t end = csv.find('\n', pos);
    if (end == std::string_view::npos) end = csv.size();
    std::string_view line = csv.substr(pos, end - pos);
    pos = end + 1;
    ++line_no;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line_no == 1) {
      if (line != "date,kind,holiday,notice")
        return bad("表头应为 date,kind,holiday,notice",
                   "the header must be date,kind,holiday,notice");
      continue;
    }
    if (line.empty()) continue;
    const std::vector<std::string_view> cells = split_commas(line);
    if (cells.size() != 4) return bad("应有 4 列", "expected 4 columns");
    Result<Date> day = Date::parse(cells[0]);
    if (!day)
      return bad("日期无效：" + std::string(cells[0]), "invalid date: " + std::string(cells[0]));
    if (cells[1] != "off" && cells[1] != "work")
      return bad("kind 须为 off 或 work", "kind must be off or work");
    if (cells[3].empty()) return bad("缺少出处（notice）", "the notice (source) is missing");
    const bool working = cells[1] == "work";
    const int wday = weekday(*day);
    if (working && wday < 5)
      return bad(
          std::string(cells[0]) + " 本是工作日，不能是调休上班的周末",
          std::string(cells[0]) + " is a weekday already: it cannot be a weekend made working");
    if (!wd.special_.emplace(day->days(), Special{working, std::string(cells[2])}).second)
      return bad(std::string(cells[0]) + " 重复出现", std::string(cells[0]) + " appears twice");
    auto [it, added] = wd.notices_.emplace(day->year(), std::string(cells[3]));
    if (!added && it->second != cells[3])
      return bad(std::to_string(day->year()) + " 年的各行应出自同一通知",
                 "the rows of " + std::to_string(day->year()) + " must come from one notice");
  }
  if (wd.notices_.empty()) {
    line_no = 1;
    return bad("没有任何年份的放假安排", "no year's holidays");
  }
  wd.first_year_ = wd.notices_.begin()->first;
  wd.last_year_ = wd.notices_.rbegin()->first;
  for (int y = wd.first_year_; y <= wd.last_year_; ++y) {
    if (!wd.notices_.count(y)) {
      line_no = 0;
      return bad("缺少 " + std::to_string(y) + " 年的放假安排",
                 "the holidays of " + std::to_string(y) + " are missing");
    }
  }
  return wd;
}

const WorkingDays& WorkingDays::shipped() {
  static const WorkingDays wd = [] {
    std::optional<std::string_view> text = embedded_file(kShippedFile);
    Result<WorkingDays> parsed =
        text ? parse(*text, kShippedFile)
             : Result<WorkingDays>(invalid("未嵌入节假日数据", "the holiday data is not embedded"));
    if (!parsed) {
      std::fprintf(stderr, "gradus: %s\n", parsed.error().message.en.c_str());
      std::abort();
    }
    return std::move(*parsed);
  }();
  return wd;
}

Status WorkingDays::covered(Date day) const {
  const int y = day.year();
  if (y >= first_year_ && y <= last_year_) return Status::ok_status();
  return error(StatusCode::failed_precondition,
               std::to_string(y) + " 年的放假安排（国务院办公厅通知）不在 " + file_ + " 中（收录 " +
                   std::to_string(first_year_) + "–" + std::to_string(last_year_) +
                   " 年）：无法计算该年的工作日，待通知发布后补入",
               "the holidays of " + std::to_string(y) +
                   " (the State Council General Office's notice) "
                   "are not in " +
                   file_ + " (it has " + std::to_string(first_year_) + "–" +
                   std::to_string(last_year_) +
                   "): working days of that year cannot be counted "
                   "until the notice is added");
}

Result<bool> WorkingDays::is_working_day(Date day) const {
  if (Status s = covered(day); !s.ok()) return s;
  auto it = special_.find(day.days());
  if (it != special_.end()) return it->second.working;
  return weekday(day) < 5;
}

Result<Date> WorkingDays::period_end(Date start, int n) const {
  if (n < 1) return invalid("工作日数须至少为 1", "the number of working days must be at least 1");
  Date d = start;
  int counted = 0;
  for (;;) {
    Result<bool> w = is_working_day(d);
    if (!w) return w.error();
    if (*w && ++counted == n) return d;
    d = Date::from_days(d.days() + 1);
  }
}

Result<int> WorkingDays::working_days_between(Date from, Date to) const {
  int n = 0;
  for (Date d = from; d <= to; d = Date::from_days(d.days() + 1)) {
    Result<bool> w = is_working_day(d);
    if (!w) return w.error();
    n += *w ? 1 : 0;
  }
  return n;
}

std::string WorkingDays::notice(int year) const {
  auto it = notices_.find(year);
  return it == notices_.end() ? std::string() : it->second;
}

std::string WorkingDays::holiday(Date day) const {
  auto it = special_.find(day.days());
  return it == special_.end() || it->second.working ? std::string() : it->second.holiday;
}

}  // namespace gradus
