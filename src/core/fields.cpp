// The field catalogue's table. Order within the table is the column order of exports.
#include "core/fields.h"

#include <string>
#include <vector>

#include "core/text.h"

namespace gradus {

namespace {

constexpr EnumValue kProductFields[] = {
    {"core_basics", "制造业核心基础领域（六基）", "core basic manufacturing fields"},
    {"made_in_china_key", "制造强国十大重点产业领域", "ten key Made-in-China sectors"},
    {"cyber_power", "网络强国领域", "cyber-power fields"},
    {"chain_key_link", "产业链关键环节", "key link of an industrial chain"},
    {"fills_gap", "补短板/锻长板/填空白", "fills a gap / strengthens a link"},
    {"time_honored_brand", "中华老字号", "China time-honoured brand"},
    {"serves_chain_leader", "为链主企业配套", "supplies a chain-leading firm"},
    {"future_industry", "未来产业/新兴产业", "future / emerging industry"},
};
constexpr EnumValue kRdInstitution[] = {
    {"none", "无", "none"},
    {"enterprise", "企业自建/联建（市级以下）", "own or joint (below municipal)"},
    {"municipal", "市级", "municipal"},
    {"provincial", "省部级", "provincial / ministerial"},
    {"national", "国家级", "national"},
};
constexpr EnumValue kQualityAward[] = {
    {"none", "无", "none"},
    {"municipal", "市级", "municipal"},
    {"provincial", "省级", "provincial"},
    {"national", "国家级", "national"},
};
constexpr EnumValue kLocalFeatures[] = {
    {"key_industry_system", "属于本省重点产业体系", "in the province's key industry systems"},
    {"intangible_heritage", "非物质文化遗产", "intangible cultural heritage"},
    {"geographical_indication", "地理标志", "geographical-indication mark"},
    {"first_set_product", "省级首台（套）/首批次/首版次产品", "provincial first-set / first-batch / first-version product"},
    {"local_resources", "利用本地资源、具有区域独特性", "regionally unique, using local resources"},
};

using K = FieldKind;
using S = FieldScope;

struct Row {
  const char* name;
  const char* zh;
  const char* en;
  FieldKind kind;
  FieldScope scope;
  std::span<const EnumValue> values;
  bool extension;
};

constexpr Row kRows[] = {
    {"uscc", "统一社会信用代码", "unified social credit code", K::text, S::enterprise, {}, false},
    {"name", "企业名称", "enterprise name", K::text, S::enterprise, {}, false},
    {"region", "注册地行政区划代码", "region code", K::region, S::enterprise, {}, false},
    {"park", "所属园区", "park", K::text, S::enterprise, {}, false},
    {"industry", "国民经济行业代码", "industry code", K::industry, S::enterprise, {}, false},
    {"founded", "成立日期", "date founded", K::date, S::enterprise, {}, false},
    {"niche_since", "进入细分市场时间", "in the niche market since", K::date, S::enterprise, {}, false},
    {"niche_market", "细分市场", "niche market", K::text, S::enterprise, {}, false},
    {"leading_product", "主导产品", "leading product", K::text, S::enterprise, {}, false},
    {"leading_product_share", "主导产品收入占比", "leading-product share of revenue", K::ratio, S::enterprise, {}, false},
    {"leading_product_sei", "主导产品属于战略性新兴产业", "leading product in strategic emerging industries", K::boolean, S::enterprise, {}, false},
    {"product_field", "主导产品所属领域", "field of the leading product", K::enum_set, S::enterprise, kProductFields, false},
    {"market_share_domestic", "国内细分市场占有率", "domestic niche-market share", K::ratio, S::enterprise, {}, false},
    {"market_share_international", "国际细分市场占有率", "international niche-market share", K::ratio, S::enterprise, {}, false},
    {"market_rank_domestic", "国内细分市场排名", "domestic niche-market rank", K::count, S::enterprise, {}, false},
    {"market_rank_global", "全球细分市场排名", "global niche-market rank", K::count, S::enterprise, {}, false},
    {"rd_institution", "研发机构级别", "level of R&D institution", K::enumeration, S::enterprise, kRdInstitution, false},
    {"quality_system", "管理体系认证", "management-system certification", K::boolean, S::enterprise, {}, false},
    {"product_cert_developed", "发达国家产品认证", "product certified in developed countries", K::boolean, S::enterprise, {}, false},
    {"own_brand", "自主品牌", "own brand", K::boolean, S::enterprise, {}, false},
    {"it_core_business", "核心业务信息系统支撑", "core business supported by an information system", K::boolean, S::enterprise, {}, false},
    {"standards_led", "主导或参与制修订标准数", "standards led or co-drafted", K::count, S::enterprise, {}, false},
    {"quality_award", "质量奖级别", "quality award level", K::enumeration, S::enterprise, kQualityAward, false},
    {"digital_level", "数字化水平等级", "digitalisation level", K::count, S::enterprise, {}, false},
    {"listed", "是否上市", "listed", K::boolean, S::enterprise, {}, false},
    {"valuation_usd", "估值（亿美元）", "valuation (100 million USD)", K::decimal, S::enterprise, {}, false},
    {"ip_class1", "Ⅰ类知识产权数", "Class I IP", K::count, S::enterprise, {}, false},
    {"ip_class1_self", "自主研发Ⅰ类知识产权数", "self-developed Class I IP", K::count, S::enterprise, {}, false},
    {"ip_class1_high_value", "Ⅰ类高价值知识产权数", "high-value Class I IP", K::count, S::enterprise, {}, false},
    {"ip_class2", "Ⅱ类知识产权数", "Class II IP", K::count, S::enterprise, {}, false},
    // Extensions (docs/data-format.md).
    {"ip_class1_applied", "已实际应用的Ⅰ类知识产权数", "Class I IP applied with economic benefit", K::count, S::enterprise, {}, true},
    {"ip_class1_applied_own_top3", "自有且排名前三的已应用Ⅰ类知识产权数", "applied Class I IP, own, firm among top 3 holders", K::count, S::enterprise, {}, true},
    {"standards_lead", "牵头制定标准数", "standards led as lead drafter (last 5 years)", K::count, S::enterprise, {}, true},
    {"local_features", "地方特色", "local features", K::enum_set, S::enterprise, kLocalFeatures, true},
    {"hte_innovation_score", "高企创新能力评价得分", "HTE innovation-capability score", K::decimal, S::enterprise, {}, true},
    // Yearly facts.
    {"revenue", "营业收入", "operating revenue", K::money, S::yearly, {}, false},
    {"main_revenue", "主营业务收入", "main-business revenue", K::money, S::yearly, {}, false},
    {"net_profit", "净利润", "net profit", K::money, S::yearly, {}, false},
    {"total_assets", "资产总额", "total assets", K::money, S::yearly, {}, false},
    {"total_liabilities", "负债总额", "total liabilities", K::money, S::yearly, {}, false},
    {"rd_expense", "研发费用", "R&D expense", K::money, S::yearly, {}, false},
    {"rd_expense_domestic", "境内研发费用", "domestic R&D expense", K::money, S::yearly, {}, false},
    {"total_cost", "成本费用总额", "total cost and expense", K::money, S::yearly, {}, false},
    {"high_tech_revenue", "高新技术产品（服务）收入", "high-tech product (service) revenue", K::money, S::yearly, {}, false},
    {"employees", "从业人员", "employees", K::count, S::yearly, {}, false},
    {"rd_staff", "研发人员", "R&D staff", K::count, S::yearly, {}, false},
    {"tech_staff", "科技人员", "technical staff", K::count, S::yearly, {}, false},
    {"equity_financing", "新增股权融资", "new equity financing", K::money, S::yearly, {}, false},
    {"quality_score", "专精特新发展质量评价得分", "SRDI development-quality score", K::decimal, S::yearly, {}, false},
};

std::vector<FieldDef> build_table() {
  std::vector<FieldDef> out;
  FieldId id = 0;
  for (const Row& r : kRows) {
    out.push_back(FieldDef{id++, r.name, r.zh, r.en, r.kind, r.scope, r.values, r.extension});
  }
  return out;
}

const std::vector<FieldDef>& table() {
  static const std::vector<FieldDef> t = build_table();
  return t;
}

// Strips a trailing unit in ASCII or full-width parentheses; reports it.
std::string_view strip_unit(std::string_view header, std::string* unit) {
  size_t open = header.rfind('(');
  if (open != std::string_view::npos && header.ends_with(")")) {
    *unit = std::string(trim(header.substr(open + 1, header.size() - open - 2)));
    return trim(header.substr(0, open));
  }
  return header;
}

constexpr EnumValue kIncidentKinds[] = {
    {"safety_major", "较大及以上安全生产事故", "major production-safety accident"},
    {"cyber_data_security", "重大网络安全/数据安全事件", "major cyber or data-security incident"},
    {"environment", "重大环境违法", "major environmental violation"},
    {"quality", "严重质量问题", "serious quality problem"},
    {"tax_evasion", "偷漏税", "tax evasion"},
    {"data_fraud", "数据造假", "data falsification"},
    {"serious_dishonesty", "列入严重失信主体名单", "on the serious-dishonesty list"},
    {"abnormal_operations", "列入经营异常名录", "on the abnormal-operations list"},
    {"research_misconduct", "严重科研失信", "serious research misconduct"},
    {"industry_violation", "严重违反行业监管规定", "serious breach of industry regulations"},
};
constexpr EnumValue kAwardLevels[] = {
    {"provincial", "省部级", "provincial / ministerial"},
    {"national", "国家级", "national"},
};
constexpr EnumValue kMakerChina[] = {
    {"national_top500", "全国500强企业组名单", "national top-500 enterprise group"},
    {"national_top50", "全国50强企业组名单", "national top-50 enterprise group"},
};
constexpr EnumValue kHonourKinds[] = {
    {"high_tech_enterprise", "高新技术企业", "high and new technology enterprise"},
    {"tech_innovation_demo", "国家级技术创新示范企业", "national technology-innovation demonstration enterprise"},
    {"ip_advantage", "知识产权优势企业", "IP advantage enterprise"},
    {"ip_demo", "知识产权示范企业", "IP demonstration enterprise"},
    {"single_champion", "制造业单项冠军", "manufacturing single champion"},
};
constexpr EnumValue kIpKinds[] = {
    {"invention_patent", "发明专利", "invention patent"},
    {"defence_patent", "国防专利", "defence patent"},
    {"plant_variety", "植物新品种", "plant variety"},
    {"crop_variety", "国家级农作物品种", "national crop variety"},
    {"new_drug", "国家新药", "national new drug"},
    {"tcm_protected_1", "国家一级中药保护品种", "national first-grade protected TCM variety"},
    {"ic_layout", "集成电路布图设计专有权", "IC layout design"},
    {"software_copyright", "软件著作权", "software copyright"},
    {"utility_model", "实用新型专利", "utility model"},
    {"design_patent", "外观设计专利", "design patent"},
};
constexpr EnumValue kHighValue[] = {
    {"overseas_family", "海外同族专利", "overseas family patent"},
    {"maintained_10y", "维持年限超过10年", "maintained more than 10 years"},
    {"pledge_financing", "较高质押融资金额", "high pledge financing"},
    {"national_award", "获国家科学技术奖或中国专利奖", "won a national S&T award or China Patent Award"},
};
constexpr EnumValue kTitleStatuses[] = {
    {"valid", "有效", "valid"},
    {"expired", "已过期", "expired"},
    {"revoked", "已撤销", "revoked"},
};

}  // namespace

int FieldDef::enum_index(std::string_view id) const { return gradus::enum_index(values, id); }

int enum_index(std::span<const EnumValue> values, std::string_view id) {
  for (size_t i = 0; i < values.size(); ++i) {
    if (values[i].id == id || values[i].zh == id) return static_cast<int>(i);
  }
  return -1;
}

std::span<const FieldDef> all_fields() { return table(); }
const FieldDef& field(FieldId id) { return table()[id]; }

const FieldDef* find_field(std::string_view name) {
  for (const FieldDef& f : table()) {
    if (f.name == name) return &f;
  }
  return nullptr;
}

const FieldDef* find_field_by_header(std::string_view header, bool* in_yuan) {
  *in_yuan = false;
  std::string norm = normalize_width(trim(header));
  std::string unit;
  std::string_view base = strip_unit(trim(norm), &unit);
  const FieldDef* found = find_field(base);
  if (found == nullptr) found = find_field(ascii_lower(base));
  if (found == nullptr) {
    for (const FieldDef& f : table()) {
      std::string label_norm = normalize_width(f.zh);
      std::string label_unit;
      std::string_view label_base = strip_unit(label_norm, &label_unit);
      if (label_base == base || label_norm == norm) {
        found = &f;
        break;
      }
    }
  }
  if (found != nullptr && found->kind == FieldKind::money && (unit == "元" || unit == "yuan")) {
    *in_yuan = true;
  }
  return found;
}

std::string_view unit_zh(FieldKind kind) {
  switch (kind) {
    case FieldKind::money: return "万元";
    case FieldKind::ratio: return "%";
    case FieldKind::count: return "";
    default: return "";
  }
}
std::string_view unit_en(FieldKind kind) {
  switch (kind) {
    case FieldKind::money: return "10k yuan";
    case FieldKind::ratio: return "%";
    default: return "";
  }
}

std::span<const EnumValue> incident_kinds() { return kIncidentKinds; }
std::span<const EnumValue> award_levels() { return kAwardLevels; }
std::span<const EnumValue> maker_china_lists() { return kMakerChina; }
std::span<const EnumValue> honour_kinds() { return kHonourKinds; }
std::span<const EnumValue> ip_kinds() { return kIpKinds; }
std::span<const EnumValue> ip_high_value_kinds() { return kHighValue; }
std::span<const EnumValue> title_statuses() { return kTitleStatuses; }

}  // namespace gradus
