// Tests that the shipped samples (samples/pool.csv, pool.json, bad.csv) load as documented in
// docs/data-format.md: the good ones without a single error or warning, bad.csv with exactly the
// documented errors.
#include <gtest/gtest.h>

#include <fstream>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "core/date.h"
#include "ingest/test_util.h"

namespace gradus {
namespace {

using V = std::vector<std::string>;
using namespace gradus::testing;  // NOLINT

std::string sample(const char* name) { return std::string(GRADUS_SOURCE_DIR) + "/samples/" + name; }

TEST(Samples, PoolCsvLoadsCleanly) {
  IngestReport report;
  Result<Pool> pool = load_pool_file(sample("pool.csv"), report);
  ASSERT_TRUE(pool.ok()) << pool.error().message.en;
  EXPECT_EQ(errors(report), V{});
  EXPECT_EQ(warnings(report), V{});
  EXPECT_EQ(report.rows_read, 72u);
  EXPECT_EQ(pool->size(), 24u);
  EXPECT_EQ(pool->first_year(), 2023);
  EXPECT_EQ(pool->last_year(), 2025);
  // Every firm has all three fiscal years of revenue and a 2025 employee count.
  for (uint32_t e = 0; e < pool->size(); ++e) {
    for (int y = 2023; y <= 2025; ++y) {
      EXPECT_TRUE(pool->yearly(fid("revenue"), y)->present[e]) << pool->uscc(e) << " " << y;
    }
    EXPECT_TRUE(pool->yearly(fid("employees"), 2025)->present[e]);
    EXPECT_TRUE(pool->column(fid("industry")).present[e]);
    EXPECT_NE(pool->text(fid("name"), e).find("示例"), std::string::npos);
  }
  const std::string giant = "91320214MA1W2NTU16";  // 示例光电器件（无锡）: already a little giant
  auto e = pool->find(giant);
  ASSERT_TRUE(e.has_value());
  EXPECT_EQ(pool->titles().of(*e).size(), 3u);
  EXPECT_EQ(yearly(*pool, giant, "revenue", 2025), micros("21500"));
  const std::string incident = "91441900MA56R3GT6T";  // 示例电子电路（东莞）: tax evasion in 2024
  EXPECT_EQ(pool->incidents().of(*pool->find(incident)).size(), 1u);
}

TEST(Samples, PoolJsonLoadsCleanly) {
  IngestReport report;
  Result<Pool> pool = load_pool_file(sample("pool.json"), report);
  ASSERT_TRUE(pool.ok()) << pool.error().message.en;
  EXPECT_EQ(errors(report), V{});
  EXPECT_EQ(warnings(report), V{});
  ASSERT_EQ(pool->size(), 3u);
  EXPECT_EQ(pool->ip_items().of(0).size(), 7u);
  EXPECT_EQ(pool->awards().of(0).size(), 1u);
  EXPECT_EQ(pool->titles().of(0).size(), 2u);
  EXPECT_EQ(pool->incidents().of(2).size(), 2u);
  EXPECT_EQ(yearly(*pool, "91330108MA2KB7NE9C", "revenue", 2025), micros("1325.6"));
  EXPECT_EQ(yearly(*pool, "91320115MA1YH3CT48", "revenue", 2023), micros("6520.4"));
}

TEST(Samples, BadCsvGivesTheDocumentedErrors) {
  IngestReport report;
  Result<Pool> pool = load_pool_file(sample("bad.csv"), report);
  ASSERT_TRUE(pool.ok());
  EXPECT_EQ(
      errors(report),
      (V{"bad.csv: row 4, column uscc: \"91110108MA0BAD023E\" is not a valid unified social "
         "credit code: the check digit (18th character, GB 32100) should be 'D', it is 'E'",
         "bad.csv: row 5, column revenue: \"12,3O0\" is not a number: a misplaced thousands "
         "separator",
         "bad.csv: row 7, column main_revenue: \"5200\" is greater than operating revenue "
         "(revenue \"5000\")",
         "bad.csv: row 9, column founded: \"2013-01-01\" disagrees with row 8 (\"2012-01-01\"): "
         "a static fact has one value per enterprise",
         "bad.csv: row 11, column year: \"2025\" is a duplicate: the same enterprise already "
         "has a row for 2025 (row 10)"}));
  EXPECT_EQ(
      errors(report, Lang::zh)[3],
      "bad.csv：第 9 行，列 founded：\"2013-01-01\" 与第 8 行的值（\"2012-01-01\"）不一致：同一企业"
      "的静态信息只能有一个值");
  EXPECT_EQ(report.rows_read, 10u);
  EXPECT_EQ(report.enterprises_loaded, 1u);
  EXPECT_EQ(report.enterprises_rejected, 5u);
  ASSERT_EQ(pool->size(), 1u);
  EXPECT_EQ(pool->uscc(0), "91110108MA0BAD015J");
}

std::string read(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

// Random byte edits of the samples: every result is a report or a whole-file error, never a
// crash, and rejected enterprises never appear in the pool.
TEST(Samples, MutatedSamplesNeverCrash) {
  std::mt19937 rng(20260630);
  const char alphabet[] = ",;:\"\n\r{}[]-.0123456789eE\\ aZ\xE4\xB8\x80";
  for (const char* name : {"pool.csv", "pool.json", "bad.csv"}) {
    const std::string original = read(sample(name));
    ASSERT_FALSE(original.empty());
    for (int round = 0; round < 150; ++round) {
      std::string text = original;
      const int edits = 1 + static_cast<int>(rng() % 4);
      for (int k = 0; k < edits; ++k) {
        const size_t at = rng() % text.size();
        switch (rng() % 3) {
          case 0:
            text[at] = alphabet[rng() % (sizeof alphabet - 1)];
            break;
          case 1:
            text.erase(at, 1 + rng() % 8);
            break;
          default:
            text.insert(at, 1, alphabet[rng() % (sizeof alphabet - 1)]);
            break;
        }
        if (text.empty()) text = "x";
      }
      IngestReport report;
      Result<Pool> pool = load_pool_text(text, InputFormat::automatic, name, report);
      if (!pool.ok()) continue;
      for (const InputError& e : report.errors) {
        if (!e.uscc.empty()) {
          EXPECT_FALSE(pool->find(e.uscc).has_value()) << e.uscc;
        }
        EXPECT_FALSE(format_input_error(e, Lang::zh).empty());
      }
      EXPECT_EQ(pool->size(), report.enterprises_loaded);
    }
  }
}

}  // namespace
}  // namespace gradus
