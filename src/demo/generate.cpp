// The synthetic pool generator (see generate.h). Every distribution below is written out with the
// generator's own SplitMix64, det_exp and integer arithmetic so that the pool is identical on every
// machine; the shape parameters were tuned so that a few % of the pool pass each tier of the
// shipped policies (application mode, as of June 30 after the last fiscal year).
#include "demo/generate.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <memory>
#include <string_view>

#include "core/embedded.h"
#include "core/uscc.h"

namespace gradus::demo {

double SplitMix64::normal() {
  double s = 0;
  for (int k = 0; k < 12; ++k) s += uniform();
  return s - 6.0;
}

uint32_t SplitMix64::poisson(double lambda) {
  if (lambda <= 0) return 0;
  const double limit = det_exp(-lambda);
  uint32_t k = 0;
  double p = 1.0;
  do {
    ++k;
    p *= uniform();
  } while (p > limit && k < 1000);
  return k - 1;
}

uint32_t SplitMix64::binomial(uint32_t n, double p) {
  uint32_t k = 0;
  for (uint32_t t = 0; t < n; ++t) k += chance(p) ? 1 : 0;
  return k;
}

double det_exp(double x) {
  if (x > 700) x = 700;
  if (x < -700) return 0;
  constexpr double kLn2Hi = 6.93147180369123816490e-01;
  constexpr double kLn2Lo = 1.90821492927058770002e-10;
  constexpr double kInvLn2 = 1.44269504088896338700e+00;
  const double k = std::floor(x * kInvLn2 + 0.5);
  const double r = (x - k * kLn2Hi) - k * kLn2Lo;  // |r| ≤ ln2 / 2
  // Taylor series to degree 14 in Horner form; the truncation error is below 1e-18. The
  // reciprocals are constant-folded (IEEE division, correctly rounded, so the same everywhere).
  static constexpr double kInv[15] = {0,        1.0,       1.0 / 2,  1.0 / 3,  1.0 / 4,
                                      1.0 / 5,  1.0 / 6,   1.0 / 7,  1.0 / 8,  1.0 / 9,
                                      1.0 / 10, 1.0 / 11,  1.0 / 12, 1.0 / 13, 1.0 / 14};
  double p = 1.0;
  for (int n = 14; n >= 1; --n) p = 1.0 + p * r * kInv[n];
  return std::ldexp(p, static_cast<int>(k));
}

double det_log(double x) {
  if (!(x > 0)) return -1e300;
  int e = 0;
  double m = std::frexp(x, &e);  // x = m · 2^e, m in [0.5, 1)
  if (m < 0.70710678118654752440) m *= 2.0, --e;
  // log(m) = 2·atanh(s), s = (m − 1) / (m + 1), |s| < 0.172: odd series to s^25.
  const double s = (m - 1.0) / (m + 1.0);
  const double s2 = s * s;
  double t = 0.0;
  for (int n = 25; n >= 3; n -= 2) t = (t + 1.0 / n) * s2;
  constexpr double kLn2 = 6.93147180559945309417e-01;
  return e * kLn2 + 2.0 * s * (1.0 + t);
}

double det_pow(double x, double a) { return x <= 0 ? 0.0 : det_exp(a * det_log(x)); }

namespace {

// Field ids used by the generator, looked up once.
struct Ids {
  FieldId region, industry, founded, niche_since, leading_product_share, leading_product_sei, product_field,
      market_share_domestic, market_share_international, market_rank_domestic, market_rank_global, rd_institution,
      quality_system, product_cert_developed, own_brand, it_core_business, standards_led, quality_award,
      digital_level, listed, valuation_usd, ip_class1, ip_class1_self, ip_class1_high_value, ip_class2,
      ip_class1_applied, ip_class1_applied_own_top3, standards_lead, hte_innovation_score;
  FieldId revenue, main_revenue, net_profit, total_assets, total_liabilities, rd_expense, rd_expense_domestic,
      total_cost, high_tech_revenue, employees, rd_staff, tech_staff, equity_financing, quality_score;
  FieldId uscc, name, park, niche_market, leading_product;
  uint8_t hte_honour;
};

FieldId id_of(std::string_view name) { return find_field(name)->id; }

const Ids& ids() {
  static const Ids k = [] {
    Ids i{};
    i.region = id_of("region");
    i.industry = id_of("industry");
    i.founded = id_of("founded");
    i.niche_since = id_of("niche_since");
    i.leading_product_share = id_of("leading_product_share");
    i.leading_product_sei = id_of("leading_product_sei");
    i.product_field = id_of("product_field");
    i.market_share_domestic = id_of("market_share_domestic");
    i.market_share_international = id_of("market_share_international");
    i.market_rank_domestic = id_of("market_rank_domestic");
    i.market_rank_global = id_of("market_rank_global");
    i.rd_institution = id_of("rd_institution");
    i.quality_system = id_of("quality_system");
    i.product_cert_developed = id_of("product_cert_developed");
    i.own_brand = id_of("own_brand");
    i.it_core_business = id_of("it_core_business");
    i.standards_led = id_of("standards_led");
    i.quality_award = id_of("quality_award");
    i.digital_level = id_of("digital_level");
    i.listed = id_of("listed");
    i.valuation_usd = id_of("valuation_usd");
    i.ip_class1 = id_of("ip_class1");
    i.ip_class1_self = id_of("ip_class1_self");
    i.ip_class1_high_value = id_of("ip_class1_high_value");
    i.ip_class2 = id_of("ip_class2");
    i.ip_class1_applied = id_of("ip_class1_applied");
    i.ip_class1_applied_own_top3 = id_of("ip_class1_applied_own_top3");
    i.standards_lead = id_of("standards_lead");
    i.hte_innovation_score = id_of("hte_innovation_score");
    i.revenue = id_of("revenue");
    i.main_revenue = id_of("main_revenue");
    i.net_profit = id_of("net_profit");
    i.total_assets = id_of("total_assets");
    i.total_liabilities = id_of("total_liabilities");
    i.rd_expense = id_of("rd_expense");
    i.rd_expense_domestic = id_of("rd_expense_domestic");
    i.total_cost = id_of("total_cost");
    i.high_tech_revenue = id_of("high_tech_revenue");
    i.employees = id_of("employees");
    i.rd_staff = id_of("rd_staff");
    i.tech_staff = id_of("tech_staff");
    i.equity_financing = id_of("equity_financing");
    i.quality_score = id_of("quality_score");
    i.uscc = id_of("uscc");
    i.name = id_of("name");
    i.park = id_of("park");
    i.niche_market = id_of("niche_market");
    i.leading_product = id_of("leading_product");
    i.hte_honour = static_cast<uint8_t>(enum_index(honour_kinds(), "high_tech_enterprise"));
    return i;
  }();
  return k;
}

constexpr int64_t kMicro = 1'000'000;
// 万元 rounded to 0.01 (100 元).
int64_t money(double wan) { return std::llround(wan * 100.0) * 10'000; }
// Percent rounded to 0.1.
int64_t percent(double p) { return std::llround(std::clamp(p, 0.0, 100.0) * 10.0) * 100'000; }
int64_t count(int64_t n) { return n * kMicro; }
double cube(double x) { return x * x * x; }

uint64_t stream_seed(uint64_t seed, uint32_t i) {
  SplitMix64 m(seed);
  return m.next() ^ (0xD1B54A32D192ED03ull * (static_cast<uint64_t>(i) + 1));
}

// Provinces weighted towards the manufacturing regions (where most SME pools are).
struct ProvinceWeight {
  int32_t code;
  int weight;
};
constexpr ProvinceWeight kProvinceWeights[] = {
    {320000, 16}, {330000, 14}, {440000, 16}, {370000, 9}, {350000, 5}, {340000, 6}, {420000, 5}, {430000, 4},
    {510000, 5},  {410000, 5},  {310000, 5},  {110000, 4}, {120000, 2}, {500000, 3}, {610000, 3},
};

constexpr std::string_view kNameHeads[] = {
    "华创", "恒达", "中科", "精工", "瑞丰", "博远", "鼎新", "汇通", "天成", "宏泰", "信达", "联创", "凯瑞", "新源",
    "海川", "金石", "东方", "长青", "卓越", "睿智", "正泰", "永信", "安捷", "德胜", "明阳", "星河", "启航", "卓能",
    "智汇", "力拓", "光启", "锐思", "通用", "同方", "晨光", "领航", "万向", "北辰", "九州", "蓝海",
};
constexpr std::string_view kNameMids[] = {"精密", "智能", "新材料", "电子", "科技", "机械", "光电", "生物",
                                          "软件", "信息", "装备", "化工", "医疗器械", "汽车部件", "环保", "能源"};

const std::string_view kIncidentIds[] = {"safety_major", "cyber_data_security", "environment", "quality",
                                         "tax_evasion", "data_fraud", "serious_dishonesty",
                                         "abnormal_operations", "research_misconduct", "industry_violation"};

// Position of a value in a CSV line: a catalogue field, the year, or one of the event columns.
enum class Col : uint8_t { text, field, year, hte_valid_to, award_level, award_rank, award_date, maker_china, titles, incidents };
struct CsvColumn {
  Col kind;
  FieldId field;
  std::string_view header;
};

const std::vector<CsvColumn>& csv_columns() {
  static const std::vector<CsvColumn> cols = [] {
    std::vector<CsvColumn> out;
    const std::string_view late[] = {"ip_class1", "ip_class1_self", "ip_class1_high_value", "ip_class2",
                                     "ip_class1_applied", "ip_class1_applied_own_top3", "standards_lead",
                                     "hte_innovation_score"};
    auto is_late = [&](std::string_view n) { return std::find(std::begin(late), std::end(late), n) != std::end(late); };
    for (const FieldDef& f : all_fields()) {
      if (f.scope != FieldScope::enterprise || is_late(f.name) || f.name == "local_features") continue;
      out.push_back({f.kind == FieldKind::text ? Col::text : Col::field, f.id, f.name});
    }
    out.push_back({Col::year, 0, "year"});
    for (const FieldDef& f : all_fields())
      if (f.scope == FieldScope::yearly) out.push_back({Col::field, f.id, f.name});
    for (std::string_view n : late) out.push_back({Col::field, id_of(n), n});
    out.push_back({Col::hte_valid_to, 0, "high_tech_enterprise_valid_to"});
    out.push_back({Col::award_level, 0, "award_level"});
    out.push_back({Col::award_rank, 0, "award_rank"});
    out.push_back({Col::award_date, 0, "award_date"});
    out.push_back({Col::maker_china, 0, "maker_china"});
    out.push_back({Col::titles, 0, "titles"});
    out.push_back({Col::incidents, 0, "incidents"});
    return out;
  }();
  return cols;
}

void append_int(std::string& out, int64_t v) {
  char buf[24];
  auto r = std::to_chars(buf, buf + sizeof buf, v);
  out.append(buf, r.ptr);
}

// Shortest exact decimal form of a micros value ("4600", "3.5", "-0.000001"), as Decimal::to_string.
void append_micros(std::string& out, int64_t v) {
  if (v < 0) {
    out.push_back('-');
    v = -v;
  }
  append_int(out, v / kMicro);
  int64_t frac = v % kMicro;
  if (frac == 0) return;
  char f[6];
  for (int k = 5; k >= 0; --k) {
    f[k] = static_cast<char>('0' + frac % 10);
    frac /= 10;
  }
  int len = 6;
  while (f[len - 1] == '0') --len;
  out.push_back('.');
  out.append(f, len);
}

void append_raw(std::string& out, const FieldDef& f, int64_t raw, char section) {
  switch (f.kind) {
    case FieldKind::money:
    case FieldKind::ratio:
    case FieldKind::count:
    case FieldKind::decimal: append_micros(out, raw); return;
    case FieldKind::boolean: out += raw ? "true" : "false"; return;
    case FieldKind::enumeration: out += f.values[raw].id; return;
    case FieldKind::enum_set: {
      bool first = true;
      for (size_t k = 0; k < f.values.size(); ++k) {
        if (!((raw >> k) & 1)) continue;
        if (!first) out.push_back(';');
        out += f.values[k].id;
        first = false;
      }
      return;
    }
    case FieldKind::date: {
      const Date d = Date::from_days(static_cast<int32_t>(raw));
      if (f.name == "niche_since" && d.month() == 1 && d.day() == 1) {
        append_int(out, d.year());  // the contract's bare-year form
      } else {
        out += d.to_string();
      }
      return;
    }
    case FieldKind::region: append_int(out, raw); return;
    case FieldKind::industry: {
      out.push_back(section);
      char buf[5];
      std::snprintf(buf, sizeof buf, "%04d", static_cast<int>(raw));
      out.append(buf, 4);
      return;
    }
    case FieldKind::text: return;
  }
}

}  // namespace

PoolGenerator::PoolGenerator(GeneratorOptions options) : options_(options) {
  if (options_.last_year < options_.first_year) options_.last_year = options_.first_year;
  if (options_.last_year - options_.first_year > 7) options_.first_year = options_.last_year - 7;
  section_of_.assign(10000, '?');
  // GB/T 4754-2017 classes: "code,section,name".
  std::string_view classes = embedded_file("data/gbt4754_2017_classes.csv").value_or("");
  size_t pos = classes.find('\n');
  while (pos != std::string_view::npos && pos + 1 < classes.size()) {
    size_t end = classes.find('\n', pos + 1);
    std::string_view line = classes.substr(pos + 1, end == std::string_view::npos ? end : end - pos - 1);
    pos = end;
    if (line.size() < 7 || line[4] != ',') continue;
    int code = 0;
    std::from_chars(line.data(), line.data() + 4, code);
    const char section = line[5];
    section_of_[code] = section;
    const int division = code / 100;
    if (section == 'C' && division >= 13 && division <= 43) manufacturing_.push_back(code);
    if (division == 65) software_.push_back(code);
    if (division == 51) wholesale_.push_back(code);
    if (division == 73) research_.push_back(code);
  }
  // GB/T 2260 divisions: "code,name,level"; mainland county-level divisions only (11–65).
  std::string_view regions = embedded_file("data/admin_divisions_2024.csv").value_or("");
  pos = regions.find('\n');
  while (pos != std::string_view::npos && pos + 1 < regions.size()) {
    size_t end = regions.find('\n', pos + 1);
    std::string_view line = regions.substr(pos + 1, end == std::string_view::npos ? end : end - pos - 1);
    pos = end;
    if (!line.ends_with(",county") && !line.ends_with(",county\r")) continue;
    int32_t code = 0;
    std::from_chars(line.data(), line.data() + 6, code);
    if (code < 110000 || code >= 660000) continue;
    counties_.push_back({code, code / 10000 * 10000});
  }
  std::sort(counties_.begin(), counties_.end(), [](const Region& a, const Region& b) { return a.code < b.code; });
  for (uint32_t k = 0; k < counties_.size();) {
    uint32_t j = k;
    while (j < counties_.size() && counties_[j].province == counties_[k].province) ++j;
    province_codes_.push_back(counties_[k].province);
    province_ranges_.emplace_back(k, j);
    k = j;
  }
}

void PoolGenerator::make_firm(uint32_t i, FirmRecord& out) const {
  const Ids& id = ids();
  const size_t nf = all_fields().size();
  const int ny = static_cast<int>(years());
  const int y0 = options_.first_year, y1 = options_.last_year;
  const Date ref = Date::from_ymd(y1 + 1, 6, 30);  // the as-of date the pool is tuned for
  SplitMix64 rng(stream_seed(options_.seed, i));

  out.stat.assign(nf, 0);
  out.stat_present.assign(nf, 0);
  out.year_raw.assign(static_cast<size_t>(ny) * nf, 0);
  out.year_present.assign(static_cast<size_t>(ny) * nf, 0);
  out.name.clear(), out.park.clear(), out.niche_market.clear(), out.leading_product.clear();
  out.hte_valid_to.reset();
  out.award.reset();
  out.maker_china.reset();
  out.titles.clear();
  out.incidents.clear();
  auto set = [&](FieldId f, int64_t raw) { out.stat[f] = raw, out.stat_present[f] = 1; };
  auto set_y = [&](int year, FieldId f, int64_t raw) {
    const size_t at = static_cast<size_t>(year - y0) * nf + f;
    out.year_raw[at] = raw, out.year_present[at] = 1;
  };
  auto days_before = [&](int lo, int hi) { return Date::from_days(ref.days() - lo - static_cast<int32_t>(rng.below(hi - lo + 1))); };

  // The latent "innovativeness" of the firm: drives R&D, IP, institutions, titles, market share.
  // Skewed: most firms are ordinary (median q = 0.125), 3.5 % have q > 0.9.
  const double q_u = rng.uniform();
  const double q = q_u * q_u * q_u;
  // "Champions": half of the top ~7 % (q > 0.8), the candidates for the upper tiers, whose traits
  // cohere (bigger, growing, R&D-heavy, niche leaders on a key link of a chain).
  const double hi = q > 0.8 && rng.chance(0.5) ? 1.0 : 0.0;

  // Industry: mostly manufacturing.
  const double s = rng.uniform();
  const std::vector<int32_t>& list = s < 0.80 ? manufacturing_ : s < 0.88 ? software_ : s < 0.95 ? wholesale_ : research_;
  const int32_t industry = list[rng.below(static_cast<uint32_t>(list.size()))];
  if (!rng.chance(0.005)) set(id.industry, industry);

  // Region: 75 % in the big manufacturing provinces, the rest anywhere on the mainland.
  Region region = counties_[rng.below(static_cast<uint32_t>(counties_.size()))];
  if (rng.chance(0.75)) {
    int total = 0;
    for (const ProvinceWeight& w : kProvinceWeights) total += w.weight;
    int pick = static_cast<int>(rng.below(static_cast<uint32_t>(total)));
    int32_t province = kProvinceWeights[0].code;
    for (const ProvinceWeight& w : kProvinceWeights) {
      if (pick < w.weight) {
        province = w.code;
        break;
      }
      pick -= w.weight;
    }
    auto it = std::lower_bound(province_codes_.begin(), province_codes_.end(), province);
    if (it != province_codes_.end() && *it == province) {
      auto [b, e] = province_ranges_[it - province_codes_.begin()];
      region = counties_[b + rng.below(e - b)];
    }
  }
  set(id.region, region.code);

  // Founded: mostly 3–25 years before the last fiscal year; 5 % are young firms without early years.
  const bool young = rng.chance(0.05);
  const int founded_year = young ? y1 - static_cast<int>(rng.below(2)) - 1
                                 : y0 - 1 - static_cast<int>(22.0 * det_pow(rng.uniform(), 1.4));
  // (One draw per statement: the order in which function arguments are evaluated is unspecified.)
  auto random_day_in = [&](int year) {
    const int month = 1 + static_cast<int>(rng.below(12));
    const int day = 1 + static_cast<int>(rng.below(28));
    return Date::from_ymd(year, month, day);
  };
  const Date founded = random_day_in(founded_year);
  set(id.founded, founded.days());
  if (rng.chance(0.92)) {
    const int span = std::max(1, (y1 - founded_year) / 2 + 1);
    const int niche_year = founded_year + static_cast<int>(rng.below(static_cast<uint32_t>(span)));
    Date niche = rng.chance(0.4) ? Date::from_ymd(niche_year, 1, 1) : random_day_in(niche_year);
    if (niche < founded) niche = founded;
    set(id.niche_since, niche.days());
  }

  // The USCC: 9 (市场监管) 1 (企业), the county code, the organisation-code body and both check
  // characters. Bodies are a bijection of i (digits for older firms, "MA" + 6 characters for firms
  // registered from 2016), so every code is unique for up to 10^8 enterprises.
  {
    static constexpr std::string_view kAlphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY";
    char body[9] = {};
    if (founded_year >= 2016) {
      uint64_t v = (static_cast<uint64_t>(i) * 387420489ull + 12345ull) % 887503681ull;  // 31^6
      body[0] = 'M', body[1] = 'A';
      for (int k = 7; k >= 2; --k) body[k] = kAlphabet[v % 31], v /= 31;
    } else {
      uint64_t v = (static_cast<uint64_t>(i) * 48271ull + 9876543ull) % 100000000ull;
      for (int k = 7; k >= 0; --k) body[k] = static_cast<char>('0' + v % 10), v /= 10;
    }
    char code[19];
    std::snprintf(code, sizeof code, "91%06d%s", region.code, body);
    code[16] = Uscc::org_check_char(std::string_view(code + 8, 8));
    code[17] = Uscc::uscc_check_char(std::string_view(code, 17));
    code[18] = 0;
    out.uscc.assign(code, 18);
  }
  // Names are clearly synthetic (示例 = "sample"), so that no demo firm is mistaken for a real one.
  out.name = "示例";
  out.name += kNameHeads[rng.below(std::size(kNameHeads))];
  out.name += kNameMids[rng.below(std::size(kNameMids))];
  out.name += rng.chance(0.2) ? "股份有限公司" : "有限公司";
  if (rng.chance(0.4)) out.park = std::to_string(region.code / 100) + "高新区";
  if (rng.chance(0.5)) out.niche_market = "细分市场" + std::to_string(rng.below(5000));
  if (rng.chance(0.6)) out.leading_product = "产品" + std::to_string(rng.below(20000));

  // ---- Yearly facts, drawn from the last year backwards.
  const double z = rng.normal();
  double rev = std::clamp(3000.0 * det_exp(1.25 * z + 0.6 * (q - 0.33) + 1.2 * hi - 0.07), 3.0, 5.0e6);
  double emp = std::max(3.0, rev / (55.0 * det_exp(0.45 * rng.normal())));
  const double main_base = 100.0 - (45.0 - 37.0 * hi) * cube(rng.uniform());
  const double debt_u1 = rng.uniform();
  const double debt_base = 20.0 + 70.0 * (debt_u1 + rng.uniform()) / 2.0 - 15.0 * hi;
  const double turnover = det_exp(0.5 * rng.normal());
  const double margin_base = 0.05 + 0.06 * rng.normal();
  // R&D intensity: log-normal, median 0.5 % (q = 0), 1 % (median firm), 12 % (q = 1), capped at
  // 15 %; 8 % of the ordinary firms report none.
  const double rd_base =
      rng.chance(0.08 * (1.0 - q)) ? 0.0 : std::min(15.0, 0.5 * det_exp(2.9 * q + 0.5 * hi + 0.7 * rng.normal()));
  const double staff_extra = 0.03 + 0.05 * rng.uniform();
  const double tech_extra = 0.05 + 0.15 * rng.uniform();
  const double domestic = 0.7 + 0.3 * rng.uniform();
  const bool has_ht = rng.chance(0.3 + 0.6 * q);
  const double ht_share = std::min(98.0, 10.0 + 85.0 * (0.6 * q + 0.4 * rng.uniform()));
  const bool has_quality = rng.chance(0.1 + 0.7 * q + 0.3 * hi);
  const double equity_p = 0.006 + 0.06 * q * q;
  const int data_from = std::max(y0, founded_year);
  for (int y = y1; y >= y0; --y) {
    const double g = 0.05 + 0.15 * rng.normal() + 0.08 * (q - 0.33) + 0.08 * hi;
    const double main_share = std::min(100.0, main_base + 2.0 * rng.normal());
    const double debt = std::clamp(debt_base + 3.0 * rng.normal(), 15.0, 95.0);
    const double margin = std::clamp(margin_base + 0.02 * rng.normal(), -0.4, 0.4);
    const double rd_ratio = std::clamp(rd_base * (1.0 + 0.12 * rng.normal()), 0.0, 15.0);
    const double equity = rng.chance(equity_p) ? 800.0 * det_exp(1.1 * rng.normal()) : 0.0;
    const double qs = 30.0 + 60.0 * (0.6 * q + 0.4 * rng.uniform()) + 10.0 * hi;
    if (y >= data_from) {
      const int64_t rev_raw = money(rev);
      const int64_t emp_n = std::max<int64_t>(3, std::llround(emp));
      const int64_t rd_staff = std::min<int64_t>(emp_n, static_cast<int64_t>(emp_n * std::min(0.85, rd_ratio / 100.0 * 2.5 + staff_extra)));
      const int64_t tech_staff = std::min<int64_t>(emp_n, rd_staff + static_cast<int64_t>((emp_n - rd_staff) * tech_extra));
      const double assets = rev * turnover;
      const int64_t rd_raw = money(rev * rd_ratio / 100.0);
      set_y(y, id.revenue, rev_raw);
      set_y(y, id.main_revenue, std::min(rev_raw, money(rev * main_share / 100.0)));
      set_y(y, id.net_profit, money(rev * margin));
      set_y(y, id.total_assets, money(assets));
      set_y(y, id.total_liabilities, money(assets * debt / 100.0));
      set_y(y, id.rd_expense, rd_raw);
      set_y(y, id.rd_expense_domestic, std::min(rd_raw, money(rev * rd_ratio / 100.0 * domestic)));
      set_y(y, id.total_cost, money(std::max(0.0, rev * (1.0 - margin))));
      if (has_ht) set_y(y, id.high_tech_revenue, std::min(rev_raw, money(rev * ht_share / 100.0)));
      set_y(y, id.employees, count(emp_n));
      set_y(y, id.rd_staff, count(rd_staff));
      set_y(y, id.tech_staff, count(tech_staff));
      set_y(y, id.equity_financing, money(equity));
      if (has_quality) set_y(y, id.quality_score, percent(qs));
    }
    const double factor = std::max(0.5, 1.0 + g);
    rev = std::max(1.0, rev / factor);
    emp = std::max(3.0, emp / (1.0 + 0.6 * (factor - 1.0)));
  }
  // A few gaps: 2 % of the firms miss one yearly fact in one year.
  if (rng.chance(0.02)) {
    static const FieldId kGappy[] = {ids().main_revenue, ids().rd_expense, ids().employees, ids().total_liabilities,
                                     ids().equity_financing, ids().revenue};
    const int y = y0 + static_cast<int>(rng.below(static_cast<uint32_t>(ny)));
    const size_t at = static_cast<size_t>(y - y0) * nf + kGappy[rng.below(std::size(kGappy))];
    out.year_raw[at] = 0, out.year_present[at] = 0;
  }

  // ---- Static facts.
  if (!rng.chance(0.1)) set(id.leading_product_share, percent(30.0 + 20.0 * hi + (68.0 - 20.0 * hi) * det_pow(rng.uniform(), 0.6)));
  if (!rng.chance(0.05)) set(id.leading_product_sei, rng.chance(0.2 + 0.4 * q));
  {
    // core_basics, made_in_china_key, cyber_power, chain_key_link, fills_gap (mostly together with
    // chain_key_link), time_honored_brand, serves_chain_leader, future_industry.
    const double p[8] = {0.15 + 0.35 * q, 0.25 + 0.3 * q, 0.05 + 0.05 * q, 0.1 + 0.35 * q + 0.5 * hi,
                         0.05,            0.01,           0.12 + 0.2 * q,  0.03 + 0.12 * q};
    int64_t mask = 0;
    for (int k = 0; k < 8; ++k) mask |= rng.chance(p[k]) ? (int64_t{1} << k) : 0;
    if ((mask & 8) && rng.chance(0.3 + 0.6 * q + 0.1 * hi)) mask |= 16;
    if (mask) set(id.product_field, mask);
  }
  double share_dom = -1;
  if (rng.chance(0.4 + 0.4 * q + 0.2 * hi)) {
    share_dom = std::clamp(0.3 * det_exp(1.0 * rng.normal() + 3.5 * q + 1.5 * hi), 0.1, 95.0);
    set(id.market_share_domestic, percent(share_dom));
    if (rng.chance(0.6)) {
      const int64_t rank = std::max<int64_t>(1, std::llround(25.0 / (1.0 + share_dom))) + rng.below(3);
      set(id.market_rank_domestic, count(rank));
      if (rng.chance(0.15)) set(id.market_rank_global, count(rank * 3 + rng.below(10)));
    }
  }
  if (rng.chance(0.1 + 0.3 * q)) set(id.market_share_international, percent((share_dom > 0 ? share_dom : 1.0) * 0.4 * rng.uniform()));
  if (!rng.chance(0.05)) {
    const double v = 0.7 * q + 0.3 * rng.uniform();
    set(id.rd_institution, v < 0.4 ? 0 : v < 0.6 ? 1 : v < 0.78 ? 2 : v < 0.93 ? 3 : 4);
  }
  auto flag = [&](FieldId f, double p) {
    if (!rng.chance(0.03)) set(f, rng.chance(p) ? 1 : 0);
  };
  flag(id.quality_system, 0.45 + 0.4 * q + 0.15 * hi);
  flag(id.product_cert_developed, 0.04 + 0.25 * q);
  flag(id.own_brand, 0.4 + 0.4 * q + 0.2 * hi);
  flag(id.it_core_business, 0.55 + 0.35 * q + 0.1 * hi);
  const uint32_t led = rng.poisson(0.02 + 1.2 * q * q * q);
  set(id.standards_led, count(led));
  set(id.standards_lead, count(rng.binomial(led, 0.3)));
  if (!rng.chance(0.2)) {
    const double v = rng.uniform();
    set(id.quality_award, v < 0.93 ? 0 : v < 0.975 ? 1 : v < 0.995 ? 2 : 3);
  }
  if (!rng.chance(0.3)) set(id.digital_level, count(1 + std::min(3, static_cast<int>(4.0 * (0.5 * q + 0.5 * rng.uniform())))));
  const double rev_last = static_cast<double>(out.year_raw[static_cast<size_t>(ny - 1) * nf + id.revenue]) / kMicro;
  set(id.listed, rng.chance(rev_last > 100000 ? 0.2 : 0.002) ? 1 : 0);
  bool raised = false;
  for (int y = 0; y < ny; ++y) raised = raised || out.year_raw[static_cast<size_t>(y) * nf + id.equity_financing] > 0;
  if (raised && q > 0.9 && rng.chance(0.2)) set(id.valuation_usd, percent(0.5 + 30.0 * cube(rng.uniform())));
  if (!rng.chance(0.03)) {
    const uint32_t c1 = rng.poisson(0.03 + 3.0 * q * q * q * q + 6.0 * hi);
    const uint32_t applied = rng.binomial(c1, 0.7);
    set(id.ip_class1, count(c1));
    set(id.ip_class1_self, count(rng.binomial(c1, 0.85)));
    set(id.ip_class1_high_value, count(rng.binomial(c1, 0.06)));
    set(id.ip_class1_applied, count(applied));
    set(id.ip_class1_applied_own_top3, count(rng.binomial(applied, 0.85)));
    set(id.ip_class2, count(rng.poisson(0.1 + 3.0 * q)));
  }
  if (rng.chance(0.1 + 0.8 * q)) set(id.hte_innovation_score, percent(40.0 + 55.0 * (0.6 * q + 0.4 * rng.uniform())));

  // ---- Honours, titles, events.
  const double q3 = q * q * q;
  if (rng.chance(0.005 + 0.3 * q3)) out.hte_valid_to = Date::from_days(ref.days() - 300 + static_cast<int32_t>(rng.below(1300)));
  const bool innovative = rng.chance(0.01 + 0.4 * q * q + 0.3 * hi);
  const bool tech = rng.chance(0.02 + 0.25 * q * q);
  if (innovative) out.titles.push_back(TitleRecord{"innovative-sme", days_before(30, 1400), std::nullopt, 0, "", ""});
  if (tech) out.titles.push_back(TitleRecord{"tech-sme", days_before(30, 1000), std::nullopt, 0, "", ""});
  const bool srdi = (innovative || tech) && (hi > 0 ? rng.chance(0.6) : q > 0.6 && rng.chance(0.3));
  if (srdi) out.titles.push_back(TitleRecord{"srdi-sme", days_before(30, 1200), std::nullopt, 0, "", ""});
  if (srdi && hi > 0 && rng.chance(0.3)) out.titles.push_back(TitleRecord{"little-giant", days_before(30, 1000), std::nullopt, 0, "", ""});
  if (rng.chance(0.015)) {
    const uint32_t kind = rng.below(std::size(kIncidentIds));
    IncidentRecord r;
    r.kind = static_cast<uint8_t>(enum_index(incident_kinds(), kIncidentIds[kind]));
    r.date = days_before(0, 2000);
    const bool listing = kIncidentIds[kind] == "abnormal_operations" || kIncidentIds[kind] == "serious_dishonesty";
    if (listing && rng.chance(0.5)) r.until = Date::from_days(r.date.days() + 30 + static_cast<int32_t>(rng.below(700)));
    out.incidents.push_back(r);
  }
  if (rng.chance(0.002 + 0.04 * q3)) {
    AwardRecord a;
    a.level = static_cast<uint8_t>(rng.chance(0.25) ? 1 : 0);  // national : provincial
    a.rank = 1 + static_cast<int>(rng.below(6));
    a.date = days_before(30, 1400);
    out.award = a;
  }
  if (rng.chance(0.001 + 0.01 * q3)) {
    const uint8_t list = rng.chance(0.3) ? 1 : 0;  // national_top50 : national_top500
    out.maker_china = MakerChinaRecord{list, y1 - static_cast<int>(rng.below(4))};
  }
}

void PoolGenerator::fill(PoolBuilder& b) const {
  const Ids& id = ids();
  const size_t nf = all_fields().size();
  const int ny = static_cast<int>(years());
  FirmRecord r;
  for (uint32_t i = 0; i < options_.enterprises; ++i) {
    make_firm(i, r);
    const uint32_t e = b.enterprise(r.uscc);
    if (!r.name.empty()) b.set_text(e, id.name, r.name);
    if (!r.park.empty()) b.set_text(e, id.park, r.park);
    if (!r.niche_market.empty()) b.set_text(e, id.niche_market, r.niche_market);
    if (!r.leading_product.empty()) b.set_text(e, id.leading_product, r.leading_product);
    for (size_t f = 0; f < nf; ++f)
      if (r.stat_present[f]) b.set(e, static_cast<FieldId>(f), r.stat[f]);
    for (int y = 0; y < ny; ++y) {
      for (size_t f = 0; f < nf; ++f) {
        const size_t at = static_cast<size_t>(y) * nf + f;
        if (r.year_present[at]) b.set_yearly(e, static_cast<FieldId>(f), options_.first_year + y, r.year_raw[at]);
      }
    }
    if (r.hte_valid_to) {
      HonourRecord h;
      h.kind = id.hte_honour;
      h.valid_to = *r.hte_valid_to;
      h.valid_from = r.hte_valid_to->plus_years(-3);
      b.add_honour(e, h);
    }
    if (r.award) b.add_award(e, *r.award);
    if (r.maker_china) b.add_maker_china(e, *r.maker_china);
    for (TitleRecord& t : r.titles) b.add_title(e, std::move(t));
    for (const IncidentRecord& inc : r.incidents) b.add_incident(e, inc);
  }
}

Pool PoolGenerator::build() const {
  PoolBuilder b;
  fill(b);
  return std::move(b).finish();
}

std::string PoolGenerator::csv_header() {
  std::string h;
  for (const CsvColumn& c : csv_columns()) {
    if (!h.empty()) h.push_back(',');
    h += c.header;
  }
  h.push_back('\n');
  return h;
}

void PoolGenerator::append_csv_rows(uint32_t first, uint32_t last, std::string& out) const {
  const Ids& id = ids();
  const size_t nf = all_fields().size();
  const int ny = static_cast<int>(years());
  const std::vector<CsvColumn>& cols = csv_columns();
  FirmRecord r;
  for (uint32_t i = first; i < last && i < options_.enterprises; ++i) {
    make_firm(i, r);
    const char section = r.stat_present[id.industry] ? section_of_[r.stat[id.industry]] : '?';
    bool first_row = true;
    for (int y = 0; y < ny; ++y) {
      const size_t base = static_cast<size_t>(y) * nf;
      // Young firms have no row for the years before they were founded.
      bool any = false;
      for (size_t f = 0; f < nf && !any; ++f) any = r.year_present[base + f] != 0;
      if (!any && !(y == ny - 1 && first_row)) continue;
      for (size_t k = 0; k < cols.size(); ++k) {
        if (k) out.push_back(',');
        const CsvColumn& c = cols[k];
        if (c.kind == Col::year) {
          append_int(out, options_.first_year + y);
          continue;
        }
        const FieldDef& f = field(c.field);
        if (c.kind == Col::text) {
          if (f.name == "uscc") out += r.uscc;  // on every row: it is the key
          else if (!first_row) continue;
          else if (c.field == id.name) out += r.name;
          else if (c.field == id.park) out += r.park;
          else if (c.field == id.niche_market) out += r.niche_market;
          else if (c.field == id.leading_product) out += r.leading_product;
          continue;
        }
        if (c.kind == Col::field) {
          if (f.scope == FieldScope::yearly) {
            if (r.year_present[base + c.field]) append_raw(out, f, r.year_raw[base + c.field], section);
          } else if (first_row && r.stat_present[c.field]) {
            append_raw(out, f, r.stat[c.field], section);
          }
          continue;
        }
        if (!first_row) continue;
        switch (c.kind) {
          case Col::hte_valid_to:
            if (r.hte_valid_to) out += r.hte_valid_to->to_string();
            break;
          case Col::award_level:
            if (r.award) out += award_levels()[r.award->level].id;
            break;
          case Col::award_rank:
            if (r.award && r.award->rank) append_int(out, *r.award->rank);
            break;
          case Col::award_date:
            if (r.award) out += r.award->date.to_string();
            break;
          case Col::maker_china:
            if (r.maker_china) {
              out += maker_china_lists()[r.maker_china->list].id;
              out.push_back(':');
              append_int(out, r.maker_china->year);
            }
            break;
          case Col::titles:
            for (size_t t = 0; t < r.titles.size(); ++t) {
              if (t) out.push_back(';');
              out += r.titles[t].tier;
              out.push_back(':');
              out += r.titles[t].since.to_string();
            }
            break;
          case Col::incidents:
            for (size_t t = 0; t < r.incidents.size(); ++t) {
              if (t) out.push_back(';');
              out += incident_kinds()[r.incidents[t].kind].id;
              out.push_back(':');
              out += r.incidents[t].date.to_string();
              if (r.incidents[t].until) {
                out.push_back(':');
                out += r.incidents[t].until->to_string();
              }
            }
            break;
          default: break;
        }
      }
      out.push_back('\n');
      first_row = false;
    }
  }
}

Status PoolGenerator::write_csv(const std::string& path, uint64_t* bytes_written) const {
  std::unique_ptr<FILE, int (*)(FILE*)> f(std::fopen(path.c_str(), "wb"), &std::fclose);
  if (!f) return error(StatusCode::io_error, "无法写入 " + path, "cannot write " + path);
  uint64_t bytes = 0;
  std::string buf = csv_header();
  constexpr uint32_t kChunk = 4096;
  for (uint32_t first = 0;; first += kChunk) {
    if (first < options_.enterprises) append_csv_rows(first, std::min(options_.enterprises, first + kChunk), buf);
    if (std::fwrite(buf.data(), 1, buf.size(), f.get()) != buf.size())
      return error(StatusCode::io_error, "写入 " + path + " 失败", "writing " + path + " failed");
    bytes += buf.size();
    buf.clear();
    if (first + kChunk >= options_.enterprises) break;
  }
  if (std::fflush(f.get()) != 0) return error(StatusCode::io_error, "写入 " + path + " 失败", "writing " + path + " failed");
  if (bytes_written) *bytes_written = bytes;
  return Status::ok_status();
}

}  // namespace gradus::demo
