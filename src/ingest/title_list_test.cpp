// Tests of published title lists: reading the real seed list, tier vocabulary, 公示 rows, dates,
// and matching by USCC, full name, short name, with ambiguity reported; a GBK list reads the same.
#include "ingest/title_list.h"

#include <gtest/gtest.h>
#include <iconv.h>

#include <fstream>
#include <iterator>
#include <map>

#include "core/fields.h"

namespace gradus {
namespace {

TEST(TitleList, ReadsAGbkList) {
  // The seed list as Chinese Excel saves "CSV (逗号分隔)": the same rows.
  const std::string utf8_path =
      std::string(GRADUS_SOURCE_DIR) + "/tests/data/srdi_enterprises_seed_from_news.csv";
  const std::string gbk_path = ::testing::TempDir() + "gradus_title_list_gbk.csv";
  {
    std::ifstream in(utf8_path, std::ios::binary);
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    iconv_t cd = iconv_open("GB18030", "UTF-8");
    ASSERT_NE(cd, reinterpret_cast<iconv_t>(-1));
    std::string gbk(text.size() * 2, '\0');
    char* src = text.data();
    size_t src_left = text.size();
    char* dst = gbk.data();
    size_t dst_left = gbk.size();
    ASSERT_NE(iconv(cd, &src, &src_left, &dst, &dst_left), static_cast<size_t>(-1));
    iconv_close(cd);
    gbk.resize(gbk.size() - dst_left);
    std::ofstream(gbk_path, std::ios::binary) << gbk;
  }
  Result<TitleList> utf8 = read_title_list(utf8_path);
  Result<TitleList> gbk = read_title_list(gbk_path);
  ASSERT_TRUE(utf8.ok());
  ASSERT_TRUE(gbk.ok()) << gbk.error().message.en;
  ASSERT_EQ(gbk->rows.size(), utf8->rows.size());
  for (size_t i = 0; i < gbk->rows.size(); ++i) {
    EXPECT_EQ(gbk->rows[i].name, utf8->rows[i].name);
    EXPECT_EQ(gbk->rows[i].title.tier, utf8->rows[i].title.tier);
  }
}

TEST(TitleList, ReadsTheRealSeedList) {
  Result<TitleList> list =
      read_title_list(std::string(GRADUS_SOURCE_DIR) + "/tests/data/srdi_enterprises_seed_from_news.csv");
  ASSERT_TRUE(list.ok()) << list.error().message.en;
  EXPECT_EQ(list->rows.size(), 115u);
  std::map<std::string, int> tiers;
  int proposed = 0, problems = 0;
  for (const TitleListRow& r : list->rows) {
    if (r.problem) {
      ++problems;
      continue;
    }
    tiers[r.title.tier]++;
    proposed += r.proposed;
  }
  EXPECT_GT(tiers["little-giant"], 0);
  EXPECT_GT(tiers["innovative-sme"], 0);
  EXPECT_GT(tiers["provincial-little-giant"], 0) << "provincial little giants never count as the national title";
  EXPECT_GT(proposed, 0);
  // The first row: 北京臻迪科技股份有限公司, national little giant, batch 1, 2019, published.
  const TitleListRow& first = list->rows.front();
  EXPECT_EQ(first.name, "北京臻迪科技股份有限公司");
  EXPECT_EQ(first.title.tier, "little-giant");
  EXPECT_EQ(first.title.level, "national");
  EXPECT_EQ(first.title.batch, "1");
  EXPECT_EQ(first.title.since.to_string(), "2019-01-01");
  EXPECT_FALSE(first.proposed);
  ASSERT_FALSE(first.notes.empty()) << "only the year is given: the row must say how the date was taken";
  // The row with "valid 2021-07-01..2024-06-30" in its status takes both dates.
  bool found_period = false;
  for (const TitleListRow& r : list->rows) {
    if (r.title.valid_to && r.title.valid_to->to_string() == "2024-06-30") {
      found_period = true;
      EXPECT_EQ(r.title.since.to_string(), "2021-07-01");
    }
  }
  EXPECT_TRUE(found_period);
}

TEST(TitleList, MatchesByUsccNameAndShortNameAndReportsAmbiguity) {
  PoolBuilder b;
  const FieldId name = find_field("name")->id;
  const char* firms[][2] = {{"91320505MA1P7K3C1N", "北京臻迪科技股份有限公司"},
                            {"91320214MA1W2NTU16", "示例电力电子（深圳）有限公司"},
                            {"91441900MA56R3GT6T", "示例电子电路（东莞）有限公司"},
                            {"91340104MA2U8QEH0Q", "皖仪科技股份有限公司"}};
  for (auto& f : firms) b.set_text(b.enterprise(f[0]), name, f[1]);
  Pool pool = std::move(b).finish();
  TitleList list;
  auto row = [&](std::string n, std::string uscc = "") {
    TitleListRow r;
    r.name = std::move(n);
    r.uscc = std::move(uscc);
    r.title.tier = "little-giant";
    list.rows.push_back(r);
  };
  row("北京臻迪科技股份有限公司");           // full name
  row("北京 臻迪科技股份有限公司");          // spaces do not matter
  row("皖仪科技");                           // short name, unique
  row("示例电");                             // short name, two candidates
  row("某公司", "91441900MA56R3GT6T");       // USCC wins
  row("不存在的公司");
  std::vector<TitleMatch> m = match_title_list(list, pool);
  ASSERT_EQ(m.size(), 6u);
  EXPECT_EQ(m[0].kind, TitleMatchKind::by_name);
  EXPECT_EQ(pool.uscc(*m[0].enterprise), "91320505MA1P7K3C1N");
  EXPECT_EQ(m[1].kind, TitleMatchKind::by_name);
  EXPECT_EQ(m[2].kind, TitleMatchKind::by_short_name);
  EXPECT_EQ(pool.uscc(*m[2].enterprise), "91340104MA2U8QEH0Q");
  EXPECT_EQ(m[3].kind, TitleMatchKind::ambiguous);
  EXPECT_EQ(m[3].candidates.size(), 2u);
  EXPECT_EQ(m[4].kind, TitleMatchKind::by_uscc);
  EXPECT_EQ(m[5].kind, TitleMatchKind::unmatched);
}

TEST(TitleList, NamesAreNormalised) {
  EXPECT_EQ(normalize_enterprise_name("瑞普（天津）生物药业有限公司"), normalize_enterprise_name("瑞普(天津)生物药业有限公司"));
  EXPECT_EQ(normalize_enterprise_name(" ＡＢＣ 科技 "), "abc科技");
}

TEST(TitleList, AFileWithoutNameAndTierColumnsIsRefused) {
  Result<TitleList> list = read_title_list(std::string(GRADUS_SOURCE_DIR) + "/samples/pool.csv");
  ASSERT_FALSE(list.ok());
  EXPECT_NE(list.error().message.en.find("no list header"), std::string::npos);
}

}  // namespace
}  // namespace gradus
