// Tests for RegionCode: the 2024 list, retired codes resolved through the history file (single
// steps, chains, renames, reused codes), splits and dead ends as errors, and the embedded data.
#include "core/region.h"

#include <gtest/gtest.h>

#include <set>
#include <string>
#include <thread>
#include <vector>

#include "core/embedded.h"
#include "core/text.h"

namespace gradus {
namespace {

std::string error_en(std::string_view text) {
  Result<RegionCode> r = RegionCode::parse(text);
  return r ? std::string() : r.error().message.en;
}

TEST(RegionCode, CurrentCodes) {
  Result<RegionCode> r = RegionCode::parse("110108");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->code(), 110108);
  EXPECT_EQ(r->name(), "海淀区");
  EXPECT_EQ(r->province_code(), 110000);
  EXPECT_EQ(r->province_name(), "北京市");
  EXPECT_FALSE(r->retired_from().has_value());

  r = RegionCode::parse("320508");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->name(), "姑苏区");
  EXPECT_EQ(r->province_name(), "江苏省");
  EXPECT_EQ(r->str(), "320508");

  // Province and prefecture levels are codes too; so are counties directly under a province.
  EXPECT_EQ(RegionCode::parse("320000")->name(), "江苏省");
  EXPECT_EQ(RegionCode::parse("320500")->name(), "苏州市");
  EXPECT_EQ(RegionCode::parse("429004")->name(), "仙桃市");
  EXPECT_EQ(RegionCode::parse("429004")->province_name(), "湖北省");
}

TEST(RegionCode, Normalisation) {
  for (std::string_view text : {" 320508 ", "３２０５０８",
                                "\xE3\x80\x80"
                                "320508\t"}) {
    Result<RegionCode> r = RegionCode::parse(text);
    ASSERT_TRUE(r) << text;
    EXPECT_EQ(r->code(), 320508);
  }
}

TEST(RegionCode, MalformedCodes) {
  for (std::string_view text : {"", "32050", "3205081", "32O508", "320-08", "苏州"}) {
    Result<RegionCode> r = RegionCode::parse(text);
    ASSERT_FALSE(r) << text;
    EXPECT_EQ(r.error().code, StatusCode::invalid_argument);
    EXPECT_NE(r.error().message.en.find("expected 6 digits (GB/T 2260)"), std::string::npos);
    EXPECT_NE(r.error().message.zh.find("应为 6 位数字"), std::string::npos);
  }
}

TEST(RegionCode, UnknownCodeIsAnErrorNamingIt) {
  const std::string en = error_en("999999");
  EXPECT_NE(en.find("region code 999999 is neither in the 2024 list"), std::string::npos) << en;
  // A code in the zone range (70–99) under a prefecture that does not exist is still an error.
  EXPECT_NE(error_en("329971").find("329971"), std::string::npos);
  Result<RegionCode> r = RegionCode::parse("999999");
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.zh.find("999999"), std::string::npos);
}

TEST(RegionCode, DevelopmentZoneStatisticalCodeIsAccepted) {
  Result<RegionCode> sip = RegionCode::parse("320571");  // 苏州工业园区 (NBS statistical code)
  ASSERT_TRUE(sip) << sip.error().message.en;
  EXPECT_TRUE(sip->statistical_zone());
  EXPECT_EQ(sip->province_code(), 320000);
  EXPECT_TRUE(sip->within("3205"));
  Result<RegionCode> gusu = RegionCode::parse("320508");
  ASSERT_TRUE(gusu);
  EXPECT_FALSE(gusu->statistical_zone());
}

TEST(RegionCode, RetiredCodeResolvesToSuccessor) {
  // 沧浪区 merged into 姑苏区 in 2012.
  Result<RegionCode> r = RegionCode::parse("320502");
  ASSERT_TRUE(r) << r.error().message.en;
  EXPECT_EQ(r->code(), 320508);
  EXPECT_EQ(r->retired_from(), 320502);
  EXPECT_EQ(r->name(), "姑苏区");
  // 崇文区 → 东城区 (2010).
  EXPECT_EQ(RegionCode::parse("110103")->code(), 110101);
}

TEST(RegionCode, ChainsAreFollowed) {
  // 藁城县 132325 → 藁城市 132302 (1989) → 130182 (1993) → 藁城区 130109 (2014).
  Result<RegionCode> r = RegionCode::parse("132325");
  ASSERT_TRUE(r) << r.error().message.en;
  EXPECT_EQ(r->code(), 130109);
  EXPECT_EQ(r->retired_from(), 132325);
  // 简阳县 512424 → 511027 → 简阳市 511082 → 513902 → 512081 → 510185 (Chengdu, 2016).
  r = RegionCode::parse("512424");
  ASSERT_TRUE(r) << r.error().message.en;
  EXPECT_EQ(r->code(), 510185);
  EXPECT_EQ(r->name(), "简阳市");
  EXPECT_EQ(r->province_name(), "四川省");
}

TEST(RegionCode, RenameWithPartialTransferContinuesTheCode) {
  // 扶余市 222303 → 扶余区 220702 (1992); in 1995 220702 was renamed 宁江区 and part of it went to
  // 220724. The code itself is listed among the successors, so 220702 continues.
  Result<RegionCode> r = RegionCode::parse("222303");
  ASSERT_TRUE(r) << r.error().message.en;
  EXPECT_EQ(r->code(), 220702);
  EXPECT_EQ(r->name(), "宁江区");
}

TEST(RegionCode, BranchesThatConvergeResolve) {
  // 北安县 232621 went to 232602 and 232627 in 1982; both became 北安市 231181.
  Result<RegionCode> r = RegionCode::parse("232621");
  ASSERT_TRUE(r) << r.error().message.en;
  EXPECT_EQ(r->code(), 231181);
}

TEST(RegionCode, ReusedCodes) {
  // 511400 was 涪陵市 (1995–1997) and is 眉山市 since 2000: it is current.
  Result<RegionCode> r = RegionCode::parse("511400");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->name(), "眉山市");
  EXPECT_FALSE(r->retired_from().has_value());
  // 132201 was 邢台市 (1981–1983), then 南宫市 (1986–1993): the latest use is resolved.
  r = RegionCode::parse("132201");
  ASSERT_TRUE(r) << r.error().message.en;
  EXPECT_EQ(r->code(), 130581);
  EXPECT_EQ(r->name(), "南宫市");
}

TEST(RegionCode, SplitIsAnErrorListingTheCandidates) {
  // 桥东区 (Shijiazhuang) was split between 长安区 and 桥西区 in 2014.
  Result<RegionCode> r = RegionCode::parse("130103");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, StatusCode::invalid_argument);
  EXPECT_EQ(r.error().message.en,
            "region code 130103 (桥东区) was retired in 2014 and split into several current "
            "divisions (130102 长安区, 130104 桥西区); give the current code");
  EXPECT_EQ(
      r.error().message.zh,
      "行政区划代码 130103（桥东区）已于 2014 年撤销并分入多个现行区划（130102 长安区、130104 "
      "桥西区），请填写现行代码");
}

TEST(RegionCode, RetiredWithoutSuccessorIsAnError) {
  // 邯郸地区 was abolished in 1993 with no successor code in the history.
  const std::string en = error_en("132100");
  EXPECT_EQ(en,
            "region code 132100 (邯郸地区) was retired in 1993 and the history has no current "
            "successor for it");
}

TEST(RegionCode, Within) {
  const RegionCode r = RegionCode::from_code(320508);
  EXPECT_TRUE(r.within(""));
  EXPECT_TRUE(r.within("32"));
  EXPECT_TRUE(r.within("3205"));
  EXPECT_TRUE(r.within("320508"));
  EXPECT_FALSE(r.within("3206"));
  EXPECT_FALSE(r.within("51"));
  EXPECT_FALSE(r.within("3205080"));
  EXPECT_FALSE(r.within("3a"));
  // Leading zeros are not an issue for real codes (they start at 11), but str() pads anyway.
  EXPECT_EQ(RegionCode::from_code(12345).str(), "012345");
}

TEST(RegionCode, FromCodeDoesNotResolve) {
  const RegionCode r = RegionCode::from_code(110108);
  EXPECT_EQ(r.name(), "海淀区");
  EXPECT_EQ(RegionCode::from_code(320502).name(), "");  // retired: no current name
  EXPECT_EQ(RegionCode::from_code(999999).province_name(), "");
}

// Rows of an embedded CSV file (no quoting in these files), header dropped.
std::vector<std::vector<std::string_view>> embedded_rows(std::string_view path) {
  std::vector<std::vector<std::string_view>> rows;
  const auto text = embedded_file(path);
  if (!text) return rows;
  bool header = true;
  for (std::string_view line : split(*text, '\n')) {
    if (header || line.empty()) {
      header = false;
      continue;
    }
    rows.push_back(split(line, ','));
  }
  return rows;
}

TEST(RegionCode, EveryCurrentCodeParsesToItself) {
  const auto rows = embedded_rows("data/admin_divisions_2024.csv");
  ASSERT_EQ(rows.size(), 3213u);
  for (const auto& row : rows) {
    ASSERT_EQ(row.size(), 3u);
    Result<RegionCode> r = RegionCode::parse(row[0]);
    ASSERT_TRUE(r) << row[0];
    EXPECT_EQ(r->str(), row[0]);
    EXPECT_EQ(r->name(), row[1]);
    EXPECT_FALSE(r->retired_from().has_value());
    EXPECT_FALSE(r->province_name().empty()) << row[0];
  }
}

// Every retired code either resolves to a current code or is an error that names it. The counts
// were computed independently (a Python reading of the same rules over the same file).
TEST(RegionCode, EveryRetiredCodeResolvesOrNamesItself) {
  const auto rows = embedded_rows("data/admin_divisions_history_1981_2024.csv");
  ASSERT_EQ(rows.size(), 6823u);
  std::set<std::string_view> retired;
  for (const auto& row : rows) {
    ASSERT_EQ(row.size(), 6u);
    if (!RegionCode::from_code(std::stoi(std::string(row[0]))).name().empty()) continue;
    retired.insert(row[0]);
  }
  int resolved = 0, split_up = 0, dead_end = 0;
  for (std::string_view code : retired) {
    Result<RegionCode> r = RegionCode::parse(code);
    if (r) {
      ++resolved;
      EXPECT_EQ(r->retired_from(), std::stoi(std::string(code)));
      EXPECT_FALSE(r->name().empty()) << code;
    } else {
      const std::string& en = r.error().message.en;
      EXPECT_NE(en.find("region code " + std::string(code)), std::string::npos) << en;
      (en.find("split into") != std::string::npos ? split_up : dead_end)++;
    }
  }
  EXPECT_EQ(retired.size(), 3237u);
  EXPECT_EQ(resolved, 2745);
  EXPECT_EQ(split_up, 306);
  EXPECT_EQ(dead_end, 186);
}

TEST(RegionCode, ConcurrentUse) {
  std::vector<std::thread> threads;
  std::vector<int> ok(4, 0);
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([t, &ok] {
      for (int i = 0; i < 200; ++i) ok[t] += RegionCode::parse("320502") ? 1 : 0;
    });
  }
  for (auto& th : threads) th.join();
  for (int n : ok) EXPECT_EQ(n, 200);
}

}  // namespace
}  // namespace gradus
