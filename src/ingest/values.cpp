// Parsing written values into raw field encodings, and the event-entry parsers.
#include "ingest/values.h"

#include <array>

#include "core/decimal.h"
#include "core/industry.h"
#include "core/region.h"

namespace gradus::ingest {

namespace {

std::string clean(std::string_view text) { return std::string(trim(normalize_width(trim(text)))); }

// clean(text), without a copy when width normalisation leaves the text as it is (no byte that can
// start a full-width form or an ideographic space); otherwise the result is kept in `storage`.
std::string_view clean_view(std::string_view text, std::string& storage) {
  const std::string_view t = trim(text);
  for (char c : t) {
    const auto b = static_cast<unsigned char>(c);
    if (b == 0xEF || b == 0xE3) {
      storage = clean(text);
      return storage;
    }
  }
  return t;
}

// The common case of Decimal::parse, without its copies: ASCII `-?D{1,12}(.D{1,6})?` (no sign
// '+', no separators, no spaces). Gives exactly what Decimal::parse gives for such text; false
// for anything else (the caller then calls Decimal::parse).
bool plain_decimal(std::string_view s, int64_t* micros) {
  size_t i = 0;
  const bool negative = !s.empty() && s[0] == '-';
  if (negative) i = 1;
  int64_t value = 0;
  size_t int_digits = 0;
  // At most 12 + 6 digits are accumulated (< 10^18 < INT64_MAX): longer text is left to
  // Decimal::parse before it can overflow.
  while (i < s.size() && s[i] >= '0' && s[i] <= '9') {
    if (++int_digits > 12) return false;
    value = value * 10 + (s[i] - '0');
    ++i;
  }
  if (int_digits == 0) return false;
  int places = 0;
  if (i < s.size()) {
    if (s[i] != '.') return false;
    ++i;
    while (i < s.size() && s[i] >= '0' && s[i] <= '9') {
      if (++places > Decimal::kScaleDigits) return false;
      value = value * 10 + (s[i] - '0');
      ++i;
    }
    if (places == 0 || places > Decimal::kScaleDigits || i != s.size()) return false;
  }
  for (int k = places; k < Decimal::kScaleDigits; ++k) value *= 10;
  *micros = negative ? -value : value;
  return true;
}

// The accepted values of an enumeration for a message, as labels in each language: the Chinese
// labels in the Chinese message; the English labels, each with its id, in the English one.
Text allowed_values(std::span<const EnumValue> values) {
  Text out;
  for (const EnumValue& v : values) {
    if (!out.zh.empty()) {
      out.zh += "、";
      out.en += ", ";
    }
    out.zh += v.zh;
    out.en += v.en;
    if (v.en != v.id) out.en += " (" + std::string(v.id) + ")";
  }
  return out;
}

// A value or label compared the way people write it: full-width forms made ASCII (so （六基） and
// (六基) are the same), ASCII spaces dropped, ASCII letters lower-cased.
std::string label_key(std::string_view text) {
  const std::string norm = normalize_width(text);
  std::string out;
  out.reserve(norm.size());
  for (char c : norm) {
    if (c == ' ' || c == '\t') continue;
    out.push_back(c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c);
  }
  return out;
}

// Units accepted after a header, per field kind (compared after width normalisation, lower case).
constexpr std::array<std::string_view, 5> kWanUnits = {"万元", "万", "万元人民币", "10k yuan",
                                                       "10,000 yuan"};
constexpr std::array<std::string_view, 4> kYuanUnits = {"元", "yuan", "人民币元", "rmb"};
constexpr std::array<std::string_view, 3> kRatioUnits = {"%", "百分比", "percent"};
constexpr std::array<std::string_view, 10> kCountUnits = {"人", "个", "项", "件", "家",
                                                          "名", "次", "级", "位", "number"};
constexpr std::array<std::string_view, 3> kScoreUnits = {"分", "points", "score"};
constexpr std::array<std::string_view, 3> kUsdUnits = {"亿美元", "100m usd", "100 million usd"};

template <size_t N>
bool one_of(const std::array<std::string_view, N>& list, std::string_view s) {
  for (std::string_view u : list) {
    if (u == s) return true;
  }
  return false;
}

struct Alias {
  std::string_view text;
  std::string_view id;
};
constexpr Alias kEnumAliases[] = {
    {"省级", "provincial"}, {"省部级", "provincial"}, {"部级", "provincial"},
    {"国家级", "national"}, {"市级", "municipal"},    {"无", "none"},
};
constexpr Alias kTierAliases[] = {
    {"创新型中小企业", "innovative-sme"},
    {"科技型中小企业", "tech-sme"},
    {"专精特新中小企业", "srdi-sme"},
    {"专精特新小巨人企业", "little-giant"},
    {"专精特新小巨人", "little-giant"},
    {"小巨人企业", "little-giant"},
    {"小巨人", "little-giant"},
    {"高新技术企业", "high-tech-enterprise"},
    {"制造业单项冠军", "single-champion"},
    {"单项冠军", "single-champion"},
};

bool is_tier_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.';
}

// `KEY:VALUE[:VALUE]` split on ':' (a full-width colon is normalised first), each part trimmed.
// The parts are views into the entry or into `storage`; only the first kMax are kept, `size`
// counts them all.
struct EntryParts {
  static constexpr size_t kMax = 4;
  std::string storage;
  std::string_view part[kMax];
  size_t size = 0;
  std::string_view operator[](size_t k) const { return part[k]; }
};

void split_entry(std::string_view entry, EntryParts& out) {
  const std::string_view norm = clean_view(entry, out.storage);
  out.size = 0;
  size_t start = 0;
  for (;;) {
    const size_t pos = norm.find(':', start);
    const std::string_view p =
        trim(norm.substr(start, pos == std::string_view::npos ? pos : pos - start));
    if (out.size < EntryParts::kMax) out.part[out.size] = p;
    ++out.size;
    if (pos == std::string_view::npos) return;
    start = pos + 1;
  }
}

}  // namespace

Status value_error(std::string zh, std::string en) {
  return Status{StatusCode::invalid_argument, Text{std::move(zh), std::move(en)}};
}

Text reason_of(const Status& s, std::string_view value) {
  Text t = s.message;
  auto strip = [&](std::string& m, const char* otherwise) {
    for (const std::string& prefix : {quoted(value) + " ", quoted(trim(value)) + " "}) {
      if (m.starts_with(prefix)) {
        m.erase(0, prefix.size());
        return;
      }
    }
    m.insert(0, otherwise);
  };
  strip(t.zh, "无效：");
  strip(t.en, "is not valid: ");
  return t;
}

std::optional<Text> check_header_unit(const FieldDef& f, std::string_view header, bool* in_yuan) {
  *in_yuan = false;
  const std::string norm = clean(header);
  std::string_view h = norm;
  if (!h.ends_with(")")) return std::nullopt;
  const size_t open = h.rfind('(');
  if (open == std::string_view::npos) return std::nullopt;
  const std::string unit = ascii_lower(trim(h.substr(open + 1, h.size() - open - 2)));
  // The label itself may end in parentheses (估值（亿美元）): written as is, that is no unit.
  const std::string label = normalize_width(f.zh);
  if (norm == label) return std::nullopt;
  bool ok = true;
  switch (f.kind) {
    case FieldKind::money:
      if (one_of(kYuanUnits, unit)) {
        *in_yuan = true;
      } else {
        ok = one_of(kWanUnits, unit);
      }
      break;
    case FieldKind::ratio:
      ok = one_of(kRatioUnits, unit);
      break;
    case FieldKind::count:
      ok = one_of(kCountUnits, unit);
      break;
    case FieldKind::decimal:
      ok = f.name == "valuation_usd" ? one_of(kUsdUnits, unit) : one_of(kScoreUnits, unit);
      break;
    default:
      ok = true;
      break;  // dates, codes, text: a parenthesised note is only a hint
  }
  if (ok) return std::nullopt;
  const std::string u = quoted(unit);
  switch (f.kind) {
    case FieldKind::money:
      return Text{"单位 " + u + " 无法识别：金额列的单位应为 万元 或 元",
                  "the unit " + u + " is not understood: a money column is in 万元 or 元"};
    case FieldKind::ratio:
      return Text{"单位 " + u + " 无法识别：比例列的单位应为 %",
                  "the unit " + u + " is not understood: a ratio column is in %"};
    default:
      return Text{"单位 " + u + " 无法识别", "the unit " + u + " is not understood"};
  }
}

Result<int64_t> parse_value(const FieldDef& f, std::string_view text, bool in_yuan,
                            std::optional<Text>* warning) {
  text = trim(text);
  std::string storage;  // for clean_view(text)
  int64_t micros = 0;
  switch (f.kind) {
    case FieldKind::money: {
      if (!in_yuan && plain_decimal(text, &micros)) return micros;
      Result<Decimal> d = in_yuan ? Decimal::parse_yuan_as_wan(text) : Decimal::parse(text);
      if (!d) return Status{StatusCode::invalid_argument, reason_of(d.error(), text)};
      return d->micros();
    }
    case FieldKind::ratio: {
      std::string_view body = clean_view(text, storage);
      if (body.ends_with("%")) body = trim(body.substr(0, body.size() - 1));
      if (plain_decimal(body, &micros)) return micros;
      Result<Decimal> d = Decimal::parse(body);
      if (!d) return Status{StatusCode::invalid_argument, reason_of(d.error(), body)};
      return d->micros();
    }
    case FieldKind::count: {
      if (plain_decimal(text, &micros)) {
        if (micros % Decimal::kScale != 0) return value_error("不是整数", "is not a whole number");
        return micros;
      }
      Result<Decimal> d = Decimal::parse(text);
      if (!d) return Status{StatusCode::invalid_argument, reason_of(d.error(), text)};
      if (!d->is_integer()) return value_error("不是整数", "is not a whole number");
      return d->micros();
    }
    case FieldKind::decimal: {
      if (plain_decimal(text, &micros)) return micros;
      Result<Decimal> d = Decimal::parse(text);
      if (!d) return Status{StatusCode::invalid_argument, reason_of(d.error(), text)};
      return d->micros();
    }
    case FieldKind::boolean: {
      Result<bool> b = parse_bool_value(text);
      if (!b) return b.error();
      return *b ? 1 : 0;
    }
    case FieldKind::enumeration: {
      Result<uint8_t> i = parse_enum(f.values, text, f.zh, f.en);
      if (!i) return i.error();
      return *i;
    }
    case FieldKind::enum_set: {
      int64_t mask = 0;
      // "none" / "无" states a known empty set (an empty cell is missing, not empty).
      if (text == "none" || text == "无") return int64_t{0};
      std::optional<Status> failed;  // the first part that is not a value
      for_each_list_entry(text, [&](std::string_view part) {
        if (failed) return;
        Result<uint8_t> i = parse_enum(f.values, part, f.zh, f.en);
        if (!i) {
          const Text r = i.error().message;
          failed = value_error("其中 " + quoted(part) + " " + r.zh,
                               "contains " + quoted(part) + ", which " + r.en);
          return;
        }
        mask |= int64_t{1} << *i;
      });
      if (failed) return *failed;
      if (mask == 0) return value_error("没有任何取值", "has no values");
      return mask;
    }
    case FieldKind::date: {
      Result<Date> d = parse_date_value(text);
      if (!d) return d.error();
      return d->days();
    }
    case FieldKind::region: {
      const std::string s = clean(text);
      Result<RegionCode> r = RegionCode::parse(s);
      if (!r) return Status{StatusCode::invalid_argument, reason_of(r.error(), s)};
      if (r->statistical_zone() && warning != nullptr) {
        *warning =
            Text{"是开发区的统计用区划代码（国家统计局），不是 GB/T 2260 行政区划代码；按原值保留",
                 "is a development zone's statistical code (NBS), not a GB/T 2260 "
                 "administrative division; it is kept as given"};
      }
      if (r->retired_from() && warning != nullptr) {
        const std::string from = std::to_string(*r->retired_from());
        const std::string to = std::to_string(r->code());
        const std::string name = r->name();
        *warning = Text{"是已撤销的行政区划代码，已按变更记录换为 " + to +
                            (name.empty() ? "" : "（" + name + "）"),
                        "is a retired division code, mapped to its successor " + to +
                            (name.empty() ? "" : " (" + name + ")")};
      }
      return r->code();
    }
    case FieldKind::industry: {
      const std::string s = clean(text);
      Result<IndustryCode> i = IndustryCode::parse(s);
      if (!i) return Status{StatusCode::invalid_argument, reason_of(i.error(), s)};
      return i->class_code();
    }
    case FieldKind::text:
      break;
  }
  return value_error("是文本，不是数值", "is text, not a value");
}

bool plain_number_value(const FieldDef& f, std::string_view text, int64_t* raw) {
  if (f.kind != FieldKind::money && f.kind != FieldKind::count && f.kind != FieldKind::decimal) {
    return false;
  }
  int64_t micros = 0;
  if (!plain_decimal(text, &micros)) return false;
  if (f.kind == FieldKind::count && micros % Decimal::kScale != 0) return false;
  *raw = micros;
  return true;
}

std::string normalize_text_value(const FieldDef& f, std::string_view text) {
  const std::string_view v = trim(text);
  if (f.name == "name" && v.find('\xEF') != std::string_view::npos) {
    std::string r;
    r.reserve(v.size());
    for (size_t i = 0; i < v.size();) {
      if (v.substr(i).starts_with("（")) {
        r.push_back('(');
        i += 3;
      } else if (v.substr(i).starts_with("）")) {
        r.push_back(')');
        i += 3;
      } else {
        r.push_back(v[i++]);
      }
    }
    return r;
  }
  return std::string(v);
}

std::string format_raw(const FieldDef& f, int64_t raw) {
  switch (f.kind) {
    case FieldKind::money:
    case FieldKind::ratio:
    case FieldKind::count:
    case FieldKind::decimal:
      return Decimal::from_micros(raw).to_string();
    case FieldKind::boolean:
      return raw != 0 ? "true" : "false";
    case FieldKind::enumeration:
      return raw >= 0 && static_cast<size_t>(raw) < f.values.size() ? std::string(f.values[raw].id)
                                                                    : std::to_string(raw);
    case FieldKind::enum_set: {
      std::string out;
      for (size_t i = 0; i < f.values.size(); ++i) {
        if ((raw >> i) & 1) {
          if (!out.empty()) out += ";";
          out += f.values[i].id;
        }
      }
      return out;
    }
    case FieldKind::date:
      return Date::from_days(static_cast<int32_t>(raw)).to_string();
    case FieldKind::industry: {
      std::string s = std::to_string(raw);
      if (s.size() < 4) s.insert(0, 4 - s.size(), '0');
      return s;
    }
    case FieldKind::region:
    case FieldKind::text:
      return std::to_string(raw);
  }
  return std::to_string(raw);
}

Result<int> parse_fiscal_year(std::string_view text) {
  std::string storage;
  std::string_view v = clean_view(text, storage);
  if (v.ends_with("年")) v.remove_suffix(3);
  v = trim(v);
  bool digits = v.size() == 4;
  for (char c : v) digits = digits && c >= '0' && c <= '9';
  if (!digits)
    return value_error("不是年份（应为四位数字，如 2025）",
                       "is not a fiscal year (four digits, e.g. 2025)");
  const int y = (v[0] - '0') * 1000 + (v[1] - '0') * 100 + (v[2] - '0') * 10 + (v[3] - '0');
  if (y < 1900 || y > 2200) return value_error("年份超出范围", "is not a plausible fiscal year");
  return y;
}

Result<Date> parse_date_value(std::string_view text) {
  Result<Date> d = Date::parse(text);
  if (!d) return Status{StatusCode::invalid_argument, reason_of(d.error(), text)};
  return *d;
}

Result<bool> parse_bool_value(std::string_view text) {
  std::string storage;
  const std::string s = ascii_lower(clean_view(text, storage));
  if (s == "true" || s == "1" || s == "是" || s == "yes" || s == "y") return true;
  if (s == "false" || s == "0" || s == "否" || s == "no" || s == "n") return false;
  return value_error("不是是/否值（可写 true/false、1/0、是/否）",
                     "is not a yes/no value (write true/false, 1/0 or 是/否)");
}

Result<int> parse_rank(std::string_view text) {
  Result<Decimal> d = Decimal::parse(text);
  if (!d || !d->is_integer() || d->micros() < Decimal::kScale ||
      d->micros() > Decimal::from_int(100000).micros()) {
    return value_error("不是排名（应为不小于 1 的整数）", "is not a rank (a whole number from 1)");
  }
  return static_cast<int>(d->micros() / Decimal::kScale);
}

Result<std::string> parse_tier(std::string_view text) {
  std::string storage;
  const std::string_view s = clean_view(text, storage);
  // Without quotes ("", “”): the text itself unless it has a '"' or a byte that can start “ or ”.
  std::string no_quotes_storage;
  std::string_view no_quotes = s;
  if (s.find_first_of("\"\xE2") != std::string_view::npos) {
    for (size_t i = 0; i < s.size();) {
      std::string_view rest = s.substr(i);
      if (rest.starts_with("“") || rest.starts_with("”")) {
        i += 3;
      } else if (s[i] == '"') {
        ++i;
      } else {
        no_quotes_storage.push_back(s[i++]);
      }
    }
    no_quotes = no_quotes_storage;
  }
  for (const Alias& a : kTierAliases) {
    if (no_quotes == a.text) return std::string(a.id);
  }
  std::string id = ascii_lower(s);
  bool ok = !id.empty() && id.front() != '-' && id.front() != '.';
  for (char c : id) ok = ok && is_tier_char(c);
  if (!ok) {
    return value_error("不是称号的政策编号（如 innovative-sme、srdi-sme、little-giant）",
                       "is not a tier's policy id (e.g. innovative-sme, srdi-sme, little-giant)");
  }
  return id;
}

Result<uint8_t> parse_enum(std::span<const EnumValue> values, std::string_view text,
                           std::string_view what_zh, std::string_view what_en) {
  std::string storage;
  const std::string_view s = clean_view(text, storage);
  // The id as written (the common case), then the id, Chinese or English label written loosely.
  int i = enum_index(values, s);
  if (i < 0) {
    const std::string key = label_key(s);
    for (size_t k = 0; k < values.size() && i < 0; ++k) {
      const EnumValue& v = values[k];
      if (label_key(v.id) == key || label_key(v.zh) == key || label_key(v.en) == key) {
        i = static_cast<int>(k);
      }
    }
    for (const Alias& a : kEnumAliases) {
      if (i >= 0) break;
      if (a.text == key) i = enum_index(values, a.id);
    }
  }
  if (i < 0) {
    const Text allowed = allowed_values(values);
    return value_error("不是有效的" + std::string(what_zh) + "取值（可填：" + allowed.zh + "）",
                       "is not a known " + std::string(what_en) + " (use one of: " + allowed.en +
                           ")");
  }
  return static_cast<uint8_t>(i);
}

Result<TitleRecord> parse_title_entry(std::string_view entry) {
  EntryParts parts;
  split_entry(entry, parts);
  if (parts.size != 2 || parts[0].empty() || parts[1].empty()) {
    return value_error("不是“称号:认定日期”格式（如 srdi-sme:2025-03-01）",
                       "is not TIER:SINCE (e.g. srdi-sme:2025-03-01)");
  }
  Result<std::string> tier = parse_tier(parts[0]);
  if (!tier) return tier.error();
  Result<Date> since = parse_date_value(parts[1]);
  if (!since) {
    const Text r = since.error().message;
    return value_error("中的日期 " + quoted(parts[1]) + " " + r.zh,
                       "has the date " + quoted(parts[1]) + ", which " + r.en);
  }
  TitleRecord t;
  t.tier = std::move(*tier);
  t.since = *since;
  t.status = 0;  // valid
  return t;
}

Result<IncidentRecord> parse_incident_entry(std::string_view entry) {
  EntryParts parts;
  split_entry(entry, parts);
  if (parts.size < 2 || parts.size > 3 || parts[0].empty() || parts[1].empty()) {
    return value_error("不是“类型:日期”格式（如 tax_evasion:2024-03-01）",
                       "is not KIND:DATE (e.g. tax_evasion:2024-03-01)");
  }
  Result<uint8_t> kind = parse_enum(incident_kinds(), parts[0], "事件类型", "incident kind");
  if (!kind) {
    const Text r = kind.error().message;
    return value_error("中的 " + quoted(parts[0]) + " " + r.zh,
                       "has " + quoted(parts[0]) + ", which " + r.en);
  }
  IncidentRecord rec;
  rec.kind = *kind;
  for (size_t k = 1; k < parts.size; ++k) {
    Result<Date> d = parse_date_value(parts[k]);
    if (!d) {
      const Text r = d.error().message;
      return value_error("中的日期 " + quoted(parts[k]) + " " + r.zh,
                         "has the date " + quoted(parts[k]) + ", which " + r.en);
    }
    if (k == 1) {
      rec.date = *d;
    } else {
      rec.until = *d;
    }
  }
  return rec;
}

Result<MakerChinaRecord> parse_maker_china_entry(std::string_view entry) {
  EntryParts parts;
  split_entry(entry, parts);
  if (parts.size != 2 || parts[0].empty() || parts[1].empty()) {
    return value_error("不是“名单:年份”格式（如 national_top50:2023）",
                       "is not LIST:YEAR (e.g. national_top50:2023)");
  }
  Result<uint8_t> list = parse_enum(maker_china_lists(), parts[0], "创客中国名单", "创客中国 list");
  if (!list) {
    const Text r = list.error().message;
    return value_error("中的 " + quoted(parts[0]) + " " + r.zh,
                       "has " + quoted(parts[0]) + ", which " + r.en);
  }
  Result<int> year = parse_fiscal_year(parts[1]);
  if (!year) {
    const Text r = year.error().message;
    return value_error("中的年份 " + quoted(parts[1]) + " " + r.zh,
                       "has the year " + quoted(parts[1]) + ", which " + r.en);
  }
  return MakerChinaRecord{*list, *year};
}

std::vector<std::string> split_list(std::string_view text) {
  std::string norm = normalize_width(text);
  std::vector<std::string> out;
  for (std::string_view p : split(norm, ';')) {
    p = trim(p);
    if (!p.empty()) out.emplace_back(p);
  }
  return out;
}

}  // namespace gradus::ingest
