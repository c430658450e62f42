// Working days across the holidays of the shipped notices, and the file's checks.
#include "core/working_days.h"

#include <gtest/gtest.h>

namespace gradus {
namespace {

Date day(const char* s) { return *Date::parse(s); }

TEST(WorkingDays, ShippedYearsAreContiguousAndCited) {
  const WorkingDays& wd = WorkingDays::shipped();
  EXPECT_EQ(wd.first_year(), 2024);
  EXPECT_GE(wd.last_year(), 2026);
  EXPECT_EQ(wd.notice(2024), "国办发明电〔2023〕7号");
  EXPECT_EQ(wd.notice(2025), "国办发明电〔2024〕12号");
  EXPECT_FALSE(wd.notice(2026).empty());
}

TEST(WorkingDays, WeekendsHolidaysAndWorkedSundays) {
  const WorkingDays& wd = WorkingDays::shipped();
  EXPECT_TRUE(*wd.is_working_day(day("2025-09-26")));   // a Friday
  EXPECT_FALSE(*wd.is_working_day(day("2025-09-27")));  // a Saturday
  EXPECT_TRUE(*wd.is_working_day(day("2025-09-28")));   // a Sunday worked (调休上班)
  EXPECT_FALSE(*wd.is_working_day(day("2025-10-08")));  // a Wednesday of National Day
  EXPECT_EQ(wd.holiday(day("2025-10-08")), "国庆节、中秋节");
  EXPECT_TRUE(*wd.is_working_day(day("2025-10-11")));   // a Saturday worked
  EXPECT_FALSE(*wd.is_working_day(day("2026-02-23")));  // a Monday of Spring Festival 2026
  EXPECT_TRUE(*wd.is_working_day(day("2026-02-28")));   // a Saturday worked
  EXPECT_FALSE(*wd.is_working_day(day("2024-06-10")));  // Dragon Boat 2024, a Monday
}

TEST(WorkingDays, ANoticePeriodAcrossNationalDay) {
  const WorkingDays& wd = WorkingDays::shipped();
  // From Sunday 2025-09-28 (worked): 09-28, 29, 30, then 10-09, 10-10.
  EXPECT_EQ(*wd.period_end(day("2025-09-28"), 5), day("2025-10-10"));
  // From Wednesday 2026-09-30: 09-30, 10-08, 10-09, Saturday 10-10 (worked), 10-12.
  EXPECT_EQ(*wd.period_end(day("2026-09-30"), 5), day("2026-10-12"));
  // Starting on a day off: the period starts on the next working day.
  EXPECT_EQ(*wd.period_end(day("2026-10-01"), 1), day("2026-10-08"));
  EXPECT_EQ(*wd.working_days_between(day("2026-10-01"), day("2026-10-12")), 4);
  EXPECT_EQ(*wd.working_days_between(day("2026-10-12"), day("2026-10-01")), 0);
  EXPECT_FALSE(wd.period_end(day("2026-10-01"), 0).ok());
}

TEST(WorkingDays, AYearWithoutItsNoticeIsNotGuessed) {
  const WorkingDays& wd = WorkingDays::shipped();
  const int after = wd.last_year() + 1;
  Result<bool> w = wd.is_working_day(Date::from_ymd(after, 3, 2));
  ASSERT_FALSE(w.ok());
  EXPECT_EQ(w.error().code, StatusCode::failed_precondition);
  EXPECT_NE(w.error().message.en.find(std::to_string(after)), std::string::npos);
  EXPECT_FALSE(wd.is_working_day(day("2023-12-29")).ok());
  // A period running into a year not covered fails rather than guessing.
  EXPECT_FALSE(wd.period_end(Date::from_ymd(wd.last_year(), 12, 28), 10).ok());
}

TEST(WorkingDays, FileChecks) {
  const std::string head = "date,kind,holiday,notice\n";
  EXPECT_TRUE(WorkingDays::parse(head + "2025-01-01,off,元旦,N\n", "f.csv").ok());
  EXPECT_FALSE(WorkingDays::parse("date,kind\n2025-01-01,off\n", "f.csv").ok());
  EXPECT_FALSE(WorkingDays::parse(head + "2025-13-01,off,元旦,N\n", "f.csv").ok());
  EXPECT_FALSE(WorkingDays::parse(head + "2025-01-01,holiday,元旦,N\n", "f.csv").ok());
  EXPECT_FALSE(WorkingDays::parse(head + "2025-01-01,off,元旦,\n", "f.csv").ok());
  // A weekday cannot be a weekend made working; a day twice; two notices for one year; a gap.
  Result<WorkingDays> weekday = WorkingDays::parse(head + "2025-01-02,work,x,N\n", "f.csv");
  ASSERT_FALSE(weekday.ok());
  EXPECT_NE(weekday.error().message.en.find("f.csv:2:"), std::string::npos);
  EXPECT_FALSE(WorkingDays::parse(head + "2025-01-01,off,a,N\n2025-01-01,off,a,N\n", "f.csv").ok());
  EXPECT_FALSE(WorkingDays::parse(head + "2025-01-01,off,a,N\n2025-05-01,off,b,M\n", "f.csv").ok());
  EXPECT_FALSE(WorkingDays::parse(head + "2024-01-01,off,a,N\n2026-01-01,off,b,M\n", "f.csv").ok());
  EXPECT_FALSE(WorkingDays::parse(head, "f.csv").ok());
}

}  // namespace
}  // namespace gradus
