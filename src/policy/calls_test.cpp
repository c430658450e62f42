// Application calendar tests: the shipped calendar loads, the next call is found for a day and a
// province (the province's own pattern before the national one), decisions before the close fall
// in the next year, and a malformed file is refused with every problem located.
#include "policy/calls.h"

#include <gtest/gtest.h>

namespace gradus {
namespace {

Date d(const char* s) { return *Date::parse(s); }

TEST(CallCalendar, ShippedCalendarLoadsAndFindsTheNextLittleGiantCall) {
  std::string errors;
  const CallCalendar cal = CallCalendar::shipped(&errors);
  ASSERT_TRUE(errors.empty()) << errors;
  ASSERT_FALSE(cal.patterns().empty());

  // Before the 2026 window closes: that window, as published.
  std::optional<Call> c = cal.next("little-giant", 320508, d("2026-05-25"));
  ASSERT_TRUE(c.has_value());
  EXPECT_EQ(c->open.to_string(), "2026-04-25");
  EXPECT_EQ(c->close.to_string(), "2026-05-25");
  EXPECT_EQ(c->decision.to_string(), "2026-08-01");
  EXPECT_TRUE(c->decision_known);
  EXPECT_TRUE(c->as_published);
  // The day after it closes: next year's, assumed to repeat the 2026 dates.
  c = cal.next("little-giant", 0, d("2026-05-26"));
  ASSERT_TRUE(c.has_value());
  EXPECT_EQ(c->open.to_string(), "2027-04-25");
  EXPECT_FALSE(c->as_published);

  // SRDI: Sichuan's own call; no dates for Jiangsu (no national pattern).
  c = cal.next("srdi-sme", 510104, d("2026-06-01"));
  ASSERT_TRUE(c.has_value());
  EXPECT_EQ(c->open.to_string(), "2027-02-01");
  EXPECT_FALSE(c->decision_known);
  EXPECT_EQ(c->decision.to_string(), "2027-12-31");
  EXPECT_FALSE(cal.next("srdi-sme", 320508, d("2026-06-01")).has_value());
  EXPECT_FALSE(cal.next("no-such-tier", 510104, d("2026-06-01")).has_value());
}

TEST(CallCalendar, ProvinceBeatsNationalAndALaterFileReplaces) {
  CallCalendar cal;
  ASSERT_TRUE(cal.add_text(R"(calls:
  - tier: srdi-sme
    region: national
    observed: 2026
    windows: [{open: 03-01, close: 03-31, decision: 06-30}]
    source: test
  - tier: srdi-sme
    region: 320000
    observed: 2026
    windows:
      - {open: 01-10, close: 01-31, decision: 04-01}
      - {open: 09-01, close: 10-15, decision: 01-20}
    source: test
)",
                           "a.yaml")
                  .ok());
  std::optional<Call> c = cal.next("srdi-sme", 320508, d("2026-02-01"));
  ASSERT_TRUE(c.has_value());
  EXPECT_EQ(c->open.to_string(), "2026-09-01");
  EXPECT_EQ(c->decision.to_string(), "2027-01-20");  // before the close: the next year
  c = cal.next("srdi-sme", 110105, d("2026-02-01"));
  ASSERT_TRUE(c.has_value());
  EXPECT_EQ(c->open.to_string(), "2026-03-01");

  ASSERT_TRUE(cal.add_text("calls:\n  - {tier: srdi-sme, region: 320000, observed: 2027, source: zone,\n"
                           "     windows: [{open: 05-01, close: 05-31}]}\n",
                           "zone.yaml")
                  .ok());
  EXPECT_EQ(cal.patterns().size(), 2u);
  c = cal.next("srdi-sme", 320508, d("2026-02-01"));
  ASSERT_TRUE(c.has_value());
  EXPECT_EQ(c->open.to_string(), "2026-05-01");
  EXPECT_EQ(c->pattern->file, "zone.yaml");
}

TEST(CallCalendar, MalformedFilesAreRefusedWithEveryProblemLocated) {
  CallCalendar cal;
  Status s = cal.add_text(R"(calls:
  - tier: srdi-sme
    region: 320500
    observed: twenty
    windows:
      - {open: 02-30, close: 03-31}
      - {open: 03-01, close: 02-01}
    source: test
    colour: red
)",
                          "bad.yaml");
  ASSERT_FALSE(s.ok());
  const std::string& m = s.message.en;
  EXPECT_NE(m.find("bad.yaml:3:13: 'region' must be 'national' or a province code"), std::string::npos) << m;
  EXPECT_NE(m.find("bad.yaml:4:15: 'observed' must be the year"), std::string::npos) << m;
  EXPECT_NE(m.find("'open' must be a month and day MM-DD (\"04-25\"), not '02-30'"), std::string::npos) << m;
  EXPECT_NE(m.find("a window must close after it opens"), std::string::npos) << m;
  EXPECT_NE(m.find("bad.yaml:9:5: unknown key 'colour'"), std::string::npos) << m;
  EXPECT_TRUE(cal.patterns().empty());  // nothing added

  EXPECT_FALSE(cal.add_text("calls: [", "broken.yaml").ok());
  EXPECT_FALSE(cal.add_text("tiers: []", "wrong.yaml").ok());
  EXPECT_FALSE(cal.add_file("/nonexistent/calls.yaml").ok());
}

}  // namespace
}  // namespace gradus
