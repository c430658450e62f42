// Tests for IndustryCode: the two accepted forms, normalisation, the section check and unknown
// classes, against the embedded GB/T 4754-2017 classes.
#include "core/industry.h"

#include <gtest/gtest.h>

#include <set>
#include <string>
#include <vector>

#include "core/embedded.h"
#include "core/text.h"

namespace gradus {
namespace {

std::string error_en(std::string_view text) {
  Result<IndustryCode> r = IndustryCode::parse(text);
  return r ? std::string() : r.error().message.en;
}

TEST(IndustryCode, BareClass) {
  Result<IndustryCode> r = IndustryCode::parse("3976");
  ASSERT_TRUE(r) << r.error().message.en;
  EXPECT_EQ(r->class_code(), 3976);
  EXPECT_EQ(r->section(), 'C');
  EXPECT_EQ(r->full(), "C3976");
  EXPECT_EQ(r->name(), "光电子器件制造");
  EXPECT_EQ(r->section_name(), "制造业");
}

TEST(IndustryCode, WithSectionAndNormalised) {
  for (std::string_view text : {"C3976", "c3976", " C3976\t", "Ｃ３９７６", "３９７６"}) {
    Result<IndustryCode> r = IndustryCode::parse(text);
    ASSERT_TRUE(r) << text;
    EXPECT_EQ(*r, *IndustryCode::parse("3976"));
  }
  EXPECT_EQ(IndustryCode::parse("I6513")->name(), "应用软件开发");
  EXPECT_EQ(IndustryCode::parse("4411")->section(), 'D');
  EXPECT_EQ(IndustryCode::parse("T9700")->name(), "国际组织");
}

TEST(IndustryCode, LeadingZero) {
  Result<IndustryCode> r = IndustryCode::parse("0111");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->class_code(), 111);
  EXPECT_EQ(r->full(), "A0111");
  EXPECT_EQ(r->name(), "稻谷种植");
  EXPECT_EQ(IndustryCode::from_class(111).full(), "A0111");
}

TEST(IndustryCode, WrongSectionNamesTheCorrectOne) {
  Result<IndustryCode> r = IndustryCode::parse("A3976");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, StatusCode::invalid_argument);
  EXPECT_EQ(r.error().message.en,
            "\"A3976\" has the wrong section letter: class 3976 (光电子器件制造) is in section C "
            "制造业, not A");
  EXPECT_EQ(r.error().message.zh,
            "\"A3976\" 的门类字母有误：小类 3976（光电子器件制造）属于门类 C 制造业，而不是 A");
  // A letter that is no section at all gets the same answer.
  EXPECT_NE(error_en("Z6513").find("is in section I 信息传输、软件和信息技术服务业, not Z"),
            std::string::npos);
}

TEST(IndustryCode, UnknownClass) {
  const std::string en = error_en("3977");
  EXPECT_EQ(en, "\"3977\" is not an industry code: GB/T 4754-2017 has no class 3977");
  EXPECT_NE(error_en("C0000").find("has no class 0000"), std::string::npos);
  Result<IndustryCode> r = IndustryCode::parse("9999");
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.zh.find("GB/T 4754-2017 中没有小类 9999"), std::string::npos);
}

TEST(IndustryCode, Malformed) {
  for (std::string_view text :
       {"", "C", "397", "C397", "39761", "CC3976", "C-3976", "C 3976", "3976.0", "光电子"}) {
    const std::string en = error_en(text);
    EXPECT_NE(en.find("expected a four-digit GB/T 4754-2017 class such as \"C3976\" or \"3976\""),
              std::string::npos)
        << text << ": " << en;
  }
}

TEST(IndustryCode, FromClassUnknown) {
  const IndustryCode i = IndustryCode::from_class(3977);
  EXPECT_EQ(i.section(), '?');
  EXPECT_EQ(i.name(), "");
  EXPECT_EQ(i.full(), "3977");
  EXPECT_EQ(i.section_name(), "");
}

TEST(IndustryCode, EveryEmbeddedClassParses) {
  const auto text = embedded_file("data/gbt4754_2017_classes.csv");
  ASSERT_TRUE(text.has_value());
  std::vector<std::string_view> lines = split(*text, '\n');
  ASSERT_EQ(lines.front(), "code,section,name");
  int count = 0;
  std::set<char> sections;
  for (size_t i = 1; i < lines.size(); ++i) {
    if (lines[i].empty()) continue;
    const auto f = split(lines[i], ',');
    ASSERT_EQ(f.size(), 3u) << lines[i];
    Result<IndustryCode> r = IndustryCode::parse(std::string(f[1]) + std::string(f[0]));
    ASSERT_TRUE(r) << lines[i];
    EXPECT_EQ(r->full(), std::string(f[1]) + std::string(f[0]));
    EXPECT_EQ(r->name(), f[2]);
    EXPECT_FALSE(r->section_name().empty()) << lines[i];
    sections.insert(r->section());
    ++count;
  }
  // GB/T 4754-2017 with amendment No. 1: 20 sections, 1382 classes.
  EXPECT_EQ(count, 1382);
  EXPECT_EQ(sections.size(), 20u);
}

}  // namespace
}  // namespace gradus
