// Tests for the field catalogue: the contract's names, lookups by name and header (with units),
// enum values, and the table's invariants.
#include "core/fields.h"

#include <gtest/gtest.h>

#include <set>
#include <string>

namespace gradus {
namespace {

// Every field of the data contract (shared/spec/enterprise-data.md): static, IP counts, yearly.
constexpr std::string_view kContractFields[] = {"uscc",
                                                "name",
                                                "region",
                                                "park",
                                                "industry",
                                                "founded",
                                                "niche_since",
                                                "niche_market",
                                                "leading_product",
                                                "leading_product_share",
                                                "leading_product_sei",
                                                "product_field",
                                                "market_share_domestic",
                                                "market_share_international",
                                                "market_rank_domestic",
                                                "market_rank_global",
                                                "rd_institution",
                                                "quality_system",
                                                "product_cert_developed",
                                                "own_brand",
                                                "it_core_business",
                                                "standards_led",
                                                "quality_award",
                                                "digital_level",
                                                "listed",
                                                "valuation_usd",
                                                "ip_class1",
                                                "ip_class1_self",
                                                "ip_class1_high_value",
                                                "ip_class2",
                                                "revenue",
                                                "main_revenue",
                                                "net_profit",
                                                "total_assets",
                                                "total_liabilities",
                                                "rd_expense",
                                                "rd_expense_domestic",
                                                "total_cost",
                                                "high_tech_revenue",
                                                "employees",
                                                "rd_staff",
                                                "tech_staff",
                                                "equity_financing",
                                                "quality_score"};

TEST(Fields, ContractFieldsExist) {
  for (std::string_view name : kContractFields) {
    const FieldDef* f = find_field(name);
    ASSERT_NE(f, nullptr) << name;
    EXPECT_FALSE(f->extension) << name;
  }
}

TEST(Fields, TableInvariants) {
  std::set<std::string_view> names, labels;
  FieldId expected = 0;
  for (const FieldDef& f : all_fields()) {
    EXPECT_EQ(f.id, expected++);
    EXPECT_EQ(&field(f.id), &f);
    EXPECT_TRUE(names.insert(f.name).second) << "duplicate name " << f.name;
    EXPECT_TRUE(labels.insert(f.zh).second) << "duplicate label " << f.zh;
    EXPECT_FALSE(f.en.empty()) << f.name;
    const bool enumish = f.kind == FieldKind::enumeration || f.kind == FieldKind::enum_set;
    EXPECT_EQ(enumish, !f.values.empty()) << f.name;
  }
  EXPECT_EQ(all_fields().size(), names.size());
}

TEST(Fields, KindsAndScopes) {
  const FieldDef* revenue = find_field("revenue");
  ASSERT_NE(revenue, nullptr);
  EXPECT_EQ(revenue->kind, FieldKind::money);
  EXPECT_EQ(revenue->scope, FieldScope::yearly);
  EXPECT_TRUE(revenue->numeric());
  EXPECT_EQ(find_field("uscc")->kind, FieldKind::text);
  EXPECT_EQ(find_field("uscc")->scope, FieldScope::enterprise);
  EXPECT_EQ(find_field("region")->kind, FieldKind::region);
  EXPECT_EQ(find_field("industry")->kind, FieldKind::industry);
  EXPECT_EQ(find_field("founded")->kind, FieldKind::date);
  EXPECT_EQ(find_field("employees")->kind, FieldKind::count);
  EXPECT_EQ(find_field("leading_product_share")->kind, FieldKind::ratio);
  EXPECT_FALSE(find_field("listed")->numeric());
  EXPECT_TRUE(find_field("ip_class1_applied")->extension);
  EXPECT_EQ(find_field("no_such_field"), nullptr);
  EXPECT_EQ(find_field("Revenue"), nullptr);  // names are exact; headers are lenient
}

TEST(Fields, HeadersWithUnits) {
  bool in_yuan = true;
  EXPECT_EQ(find_field_by_header("营业收入（万元）", &in_yuan), find_field("revenue"));
  EXPECT_FALSE(in_yuan);
  EXPECT_EQ(find_field_by_header("营业收入（元）", &in_yuan), find_field("revenue"));
  EXPECT_TRUE(in_yuan);
  EXPECT_EQ(find_field_by_header("营业收入(元)", &in_yuan), find_field("revenue"));
  EXPECT_TRUE(in_yuan);
  EXPECT_EQ(find_field_by_header(" 营业收入 ", &in_yuan), find_field("revenue"));
  EXPECT_FALSE(in_yuan);
  EXPECT_EQ(find_field_by_header("revenue", &in_yuan), find_field("revenue"));
  EXPECT_EQ(find_field_by_header("Revenue", &in_yuan), find_field("revenue"));
  EXPECT_EQ(find_field_by_header("rd_expense (yuan)", &in_yuan), find_field("rd_expense"));
  EXPECT_TRUE(in_yuan);
  // Labels with their own parentheses.
  EXPECT_EQ(find_field_by_header("高新技术产品（服务）收入", &in_yuan),
            find_field("high_tech_revenue"));
  EXPECT_FALSE(in_yuan);
  EXPECT_EQ(find_field_by_header("高新技术产品（服务）收入（元）", &in_yuan),
            find_field("high_tech_revenue"));
  EXPECT_TRUE(in_yuan);
  EXPECT_EQ(find_field_by_header("估值（亿美元）", &in_yuan), find_field("valuation_usd"));
  EXPECT_FALSE(in_yuan);
  EXPECT_EQ(find_field_by_header("估值", &in_yuan), find_field("valuation_usd"));
  // 元 only converts money.
  EXPECT_EQ(find_field_by_header("从业人员（人）", &in_yuan), find_field("employees"));
  EXPECT_FALSE(in_yuan);
  EXPECT_EQ(find_field_by_header("从业人员（元）", &in_yuan), find_field("employees"));
  EXPECT_FALSE(in_yuan);
  EXPECT_EQ(find_field_by_header("不存在的列", &in_yuan), nullptr);
  EXPECT_EQ(find_field_by_header("", &in_yuan), nullptr);
}

TEST(Fields, EveryLabelAndNameIsFoundAsAHeader) {
  for (const FieldDef& f : all_fields()) {
    bool in_yuan = true;
    EXPECT_EQ(find_field_by_header(f.zh, &in_yuan), &f) << f.zh;
    EXPECT_FALSE(in_yuan);
    EXPECT_EQ(find_field_by_header(f.name, &in_yuan), &f) << f.name;
  }
}

TEST(Fields, EnumValues) {
  const FieldDef* rd = find_field("rd_institution");
  ASSERT_NE(rd, nullptr);
  EXPECT_EQ(rd->kind, FieldKind::enumeration);
  EXPECT_EQ(rd->enum_index("none"), 0);
  EXPECT_EQ(rd->enum_index("national"), 4);
  EXPECT_EQ(rd->enum_index("国家级"), 4);  // by Chinese label too
  EXPECT_EQ(rd->enum_index("galactic"), -1);
  EXPECT_EQ(find_field("product_field")->kind, FieldKind::enum_set);
  EXPECT_EQ(find_field("product_field")->enum_index("chain_key_link"), 3);
  // Ordered event enums.
  EXPECT_LT(enum_index(award_levels(), "provincial"), enum_index(award_levels(), "national"));
  EXPECT_LT(enum_index(maker_china_lists(), "national_top500"),
            enum_index(maker_china_lists(), "national_top50"));
  EXPECT_GE(enum_index(incident_kinds(), "abnormal_operations"), 0);
  EXPECT_GE(enum_index(honour_kinds(), "high_tech_enterprise"), 0);
  EXPECT_EQ(ip_kinds().size(), 10u);
  EXPECT_EQ(ip_high_value_kinds().size(), 4u);
  EXPECT_EQ(enum_index(title_statuses(), "revoked"), 2);
}

TEST(Fields, Units) {
  EXPECT_EQ(unit_zh(FieldKind::money), "万元");
  EXPECT_EQ(unit_en(FieldKind::money), "10k yuan");
  EXPECT_EQ(unit_zh(FieldKind::ratio), "%");
  EXPECT_EQ(unit_zh(FieldKind::text), "");
}

}  // namespace
}  // namespace gradus
