// Tests of Pool::with_firms: changed firms replace their rows entirely (facts, years, texts,
// events), new ones are appended, the others are kept, and the years widen as needed.
#include "engine/pool.h"

#include <gtest/gtest.h>

#include "core/fields.h"

namespace gradus {
namespace {

FieldId fid(const char* name) { return find_field(name)->id; }

TEST(PoolWithFirms, ReplacesAppendsAndKeeps) {
  PoolBuilder base;
  for (const char* u : {"A", "B", "C"}) {
    uint32_t e = base.enterprise(u);
    base.set_text(e, fid("name"), std::string("firm ") + u);
    base.set_yearly(e, fid("revenue"), 2024, 1000 + e);
    base.set(e, fid("founded"), 100 + e);
  }
  base.add_title(1, TitleRecord{"srdi-sme", Date::from_ymd(2024, 1, 1), std::nullopt, 0, "", ""});
  const Pool before = std::move(base).finish();

  PoolBuilder edits;
  uint32_t b = edits.enterprise("B");  // changed: a new year, no founding date, no title
  edits.set_text(b, fid("name"), "firm B renamed");
  edits.set_yearly(b, fid("revenue"), 2025, 7);
  uint32_t d = edits.enterprise("D");  // new
  edits.set_text(d, fid("name"), "firm D");
  edits.add_title(d,
                  TitleRecord{"little-giant", Date::from_ymd(2025, 7, 1), std::nullopt, 0, "", ""});
  const Pool changed = std::move(edits).finish();

  const Pool after = before.with_firms(changed);
  ASSERT_EQ(after.size(), 4u);
  EXPECT_EQ(after.first_year(), 2024);
  EXPECT_EQ(after.last_year(), 2025);
  const uint32_t ia = *after.find("A"), ib = *after.find("B"), ic = *after.find("C"),
                 id = *after.find("D");
  EXPECT_EQ(ia, 0u);
  EXPECT_EQ(ib, 1u);
  EXPECT_EQ(ic, 2u);
  EXPECT_EQ(id, 3u);
  EXPECT_EQ(after.uscc(id), "D");
  EXPECT_EQ(after.text(fid("name"), ib), "firm B renamed");
  EXPECT_EQ(after.text(fid("name"), ic), "firm C");
  // B's 2024 revenue is gone (it is replaced entirely), its 2025 one is there; A and C keep theirs.
  const Column* r24 = after.yearly(fid("revenue"), 2024);
  const Column* r25 = after.yearly(fid("revenue"), 2025);
  ASSERT_NE(r24, nullptr);
  ASSERT_NE(r25, nullptr);
  EXPECT_TRUE(r24->present[ia]);
  EXPECT_EQ(r24->values[ic], 1002);
  EXPECT_FALSE(r24->present[ib]);
  EXPECT_TRUE(r25->present[ib]);
  EXPECT_EQ(r25->values[ib], 7);
  EXPECT_FALSE(r25->present[ia]);
  EXPECT_FALSE(r24->present[id]);
  EXPECT_FALSE(after.column(fid("founded")).present[ib]);
  EXPECT_EQ(after.column(fid("founded")).values[ic], 102);
  // Events follow their firm.
  EXPECT_TRUE(after.titles().of(ib).empty());
  ASSERT_EQ(after.titles().of(id).size(), 1u);
  EXPECT_EQ(after.titles().of(id)[0].tier, "little-giant");
  EXPECT_TRUE(after.titles().of(ia).empty());
  // The original is untouched.
  EXPECT_EQ(before.size(), 3u);
  ASSERT_EQ(before.titles().of(1).size(), 1u);
  EXPECT_EQ(before.text(fid("name"), 1), "firm B");
}

TEST(PoolWithFirms, NothingChangedIsTheSamePool) {
  PoolBuilder base;
  uint32_t e = base.enterprise("A");
  base.set_yearly(e, fid("revenue"), 2023, 5);
  const Pool before = std::move(base).finish();
  const Pool after = before.with_firms(Pool());
  ASSERT_EQ(after.size(), 1u);
  EXPECT_EQ(after.yearly(fid("revenue"), 2023)->values[0], 5);
  EXPECT_EQ(after.uscc(0), "A");
}

}  // namespace
}  // namespace gradus
