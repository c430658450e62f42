// Tests for Date: the accepted forms, validation, calendar arithmetic and completed_years.
#include "core/date.h"

#include <gtest/gtest.h>

#include <string>

namespace gradus {
namespace {

std::string parsed(std::string_view text) {
  Result<Date> r = Date::parse(text);
  return r ? r->to_string() : "error: " + r.error().message.en;
}

TEST(Date, ParsesTheDocumentedForms) {
  EXPECT_EQ(parsed("2022-07-01"), "2022-07-01");
  EXPECT_EQ(parsed("2022/7/1"), "2022-07-01");
  EXPECT_EQ(parsed("2022.07.01"), "2022-07-01");
  EXPECT_EQ(parsed("2022年7月1日"), "2022-07-01");
  EXPECT_EQ(parsed("2022年07月01日"), "2022-07-01");
  EXPECT_EQ(parsed("2022年7月1"), "2022-07-01");
  // A bare year means January 1.
  EXPECT_EQ(parsed("2022"), "2022-01-01");
  EXPECT_EQ(parsed("2022年"), "2022-01-01");
  // Trimmed; full width normalised.
  EXPECT_EQ(parsed("  2022-07-01\t"), "2022-07-01");
  EXPECT_EQ(parsed("２０２２－０７－０１"), "2022-07-01");
  EXPECT_EQ(parsed("\xE3\x80\x80"
                   "２０２２年７月１日"),
            "2022-07-01");
}

TEST(Date, RejectsInvalidDates) {
  for (std::string_view bad :
       {"", "abc", "2022-13-01", "2022-00-10", "2022-02-30", "2023-02-29", "2022-04-31",
        "2022-07-00", "1899-12-31", "2201-01-01", "2022-07", "2022年7月", "2022-07-01T08:00",
        "2022-07-01 08:00", "07/01/2022x", "-2022", "2022--07-01", "２０２２－１３－０１"}) {
    EXPECT_FALSE(Date::parse(bad)) << bad;
  }
  EXPECT_TRUE(Date::parse("2024-02-29"));
  EXPECT_TRUE(Date::parse("2000-02-29"));
  EXPECT_FALSE(Date::parse("1900-02-29"));
  Result<Date> r = Date::parse("2022-02-30");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, StatusCode::invalid_argument);
  EXPECT_EQ(r.error().message.en,
            "\"2022-02-30\" is not a date: that day does not exist in that month");
  EXPECT_NE(r.error().message.zh.find("不是日期"), std::string::npos);
}

TEST(Date, RejectsTrailingSeparators) {
  // A separator must be followed by a number.
  EXPECT_FALSE(Date::parse("2022-")) << parsed("2022-");
  EXPECT_FALSE(Date::parse("2022-07-01-")) << parsed("2022-07-01-");
  EXPECT_FALSE(Date::parse("2022/07/01/")) << parsed("2022/07/01/");
}

TEST(Date, CivilArithmetic) {
  EXPECT_EQ(Date::from_days(0).to_string(), "1970-01-01");
  EXPECT_EQ(Date::from_ymd(1970, 1, 1).days(), 0);
  EXPECT_EQ(Date::from_ymd(2000, 3, 1).days(), 11017);
  EXPECT_EQ(Date::from_ymd(1969, 12, 31).days(), -1);
  EXPECT_EQ(Date::from_ymd(1900, 1, 1).to_string(), "1900-01-01");
  const Date d = Date::from_ymd(2024, 2, 29);
  EXPECT_EQ(d.year(), 2024);
  EXPECT_EQ(d.month(), 2);
  EXPECT_EQ(d.day(), 29);
  // Every day from 1900 to 2200 round-trips through (year, month, day).
  for (int32_t n = Date::from_ymd(1900, 1, 1).days(); n <= Date::from_ymd(2200, 12, 31).days();
       ++n) {
    const Date x = Date::from_days(n);
    ASSERT_EQ(Date::from_ymd(x.year(), x.month(), x.day()), x) << n;
  }
}

TEST(Date, PlusYears) {
  EXPECT_EQ(Date::from_ymd(2022, 7, 1).plus_years(3), Date::from_ymd(2025, 7, 1));
  EXPECT_EQ(Date::from_ymd(2024, 2, 29).plus_years(1), Date::from_ymd(2025, 2, 28));
  EXPECT_EQ(Date::from_ymd(2024, 2, 29).plus_years(4), Date::from_ymd(2028, 2, 29));
  EXPECT_EQ(Date::from_ymd(2024, 2, 29).plus_years(-1), Date::from_ymd(2023, 2, 28));
}

TEST(Date, CompletedYears) {
  // The examples of date.h and the data contract.
  EXPECT_EQ(completed_years(*Date::parse("2022-07-01"), Date::from_ymd(2026, 1, 1)), 3);
  EXPECT_EQ(completed_years(*Date::parse("2022-01-01"), Date::from_ymd(2026, 1, 1)), 4);
  EXPECT_EQ(completed_years(*Date::parse("2022"), Date::from_ymd(2026, 1, 1)), 4);
  // The anniversary completes the year; the day before does not.
  EXPECT_EQ(completed_years(Date::from_ymd(2020, 6, 15), Date::from_ymd(2023, 6, 15)), 3);
  EXPECT_EQ(completed_years(Date::from_ymd(2020, 6, 15), Date::from_ymd(2023, 6, 14)), 2);
  EXPECT_EQ(completed_years(Date::from_ymd(2020, 6, 15), Date::from_ymd(2020, 6, 15)), 0);
  EXPECT_EQ(completed_years(Date::from_ymd(2020, 12, 31), Date::from_ymd(2021, 12, 30)), 0);
  // `to` before `from`.
  EXPECT_EQ(completed_years(Date::from_ymd(2026, 1, 1), Date::from_ymd(2022, 1, 1)), 0);
  // Born on Feb 29: the anniversary in a common year is Feb 28.
  EXPECT_EQ(completed_years(Date::from_ymd(2020, 2, 29), Date::from_ymd(2021, 2, 28)), 1);
  EXPECT_EQ(completed_years(Date::from_ymd(2020, 2, 29), Date::from_ymd(2021, 2, 27)), 0);
  EXPECT_EQ(completed_years(Date::from_ymd(2020, 2, 29), Date::from_ymd(2024, 2, 28)), 3);
  EXPECT_EQ(completed_years(Date::from_ymd(2020, 2, 29), Date::from_ymd(2024, 2, 29)), 4);
}

TEST(Date, TodayIsPlausible) {
  const Date t = Date::today();
  EXPECT_GE(t.year(), 2024);
  EXPECT_LE(t.year(), 2200);
}

TEST(Date, Ordering) {
  EXPECT_LT(Date::from_ymd(2022, 7, 1), Date::from_ymd(2022, 7, 2));
  EXPECT_EQ(*Date::parse("2022/7/1"), *Date::parse("2022年7月1日"));
  EXPECT_EQ(Date(), Date::from_days(0));
}

}  // namespace
}  // namespace gradus
