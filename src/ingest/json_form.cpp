// JSON enterprise form → pool: firm objects, years, event lists, with path-named errors.
#include "ingest/json_form.h"

#include <algorithm>
#include <unordered_map>

#include "core/decimal.h"
#include "ingest/checks.h"
#include "ingest/context.h"
#include "ingest/flat_form.h"
#include "ingest/values.h"

namespace gradus::ingest {

namespace {

constexpr std::string_view kEventKeys[] = {"ip_items", "awards", "maker_china",
                                           "honours",  "titles", "incidents"};

Text unknown_key() {
  return Text{"未知的键：不是数据约定中的字段（见 docs/data-format.md）",
              "unknown key: not a field of the data contract (see docs/data-format.md)"};
}

class FirmReader;

// Reads the members of one event object, remembering which keys were used so that the rest can
// be reported as unknown.
class RecordReader {
 public:
  RecordReader(FirmReader& firm, const JsonValue& obj, std::string path)
      : firm_(firm), obj_(obj), path_(std::move(path)) {}

  std::string path(std::string_view key) const { return path_ + "." + std::string(key); }
  // The member's text (lists joined with ';' when `list`); nullopt when absent or null.
  std::optional<std::string> text(std::string_view key, bool list = false);
  std::optional<Date> date(std::string_view key, bool required);
  std::optional<bool> boolean(std::string_view key);
  std::optional<int> rank(std::string_view key);
  std::optional<uint8_t> enumeration(std::string_view key, std::span<const EnumValue> values,
                                     std::string_view zh, std::string_view en, bool required);
  void missing(std::string_view key);
  void fail(std::string_view key, std::string value, Text reason);
  // Reports keys that were never asked for; true when the record had no error.
  bool finish();

 private:
  FirmReader& firm_;
  const JsonValue& obj_;
  std::string path_;
  std::vector<std::string> used_;
  bool ok_ = true;
};

class FirmReader {
 public:
  FirmReader(ImportContext& ctx, uint32_t index, std::optional<uint32_t> e, bool write)
      : ctx_(ctx), index_(index), e_(e), write_(write) {}

  void read(const JsonValue& firm);
  void error(const std::string& path, std::string value, Text reason) {
    ctx_.error(e_, Origin{index_, path, std::move(value)}, std::move(reason));
  }
  void warning(const std::string& path, std::string value, Text reason) {
    ctx_.warning(e_, Origin{index_, path, std::move(value)}, std::move(reason));
  }
  // A scalar's text (nullopt for null); arrays of scalars are joined with ';' when `list`.
  // Reports other shapes.
  std::optional<std::string> scalar(const JsonValue& v, const std::string& path, bool list,
                                    bool* bad);

 private:
  void check_duplicate_keys(const JsonValue& obj, const std::string& prefix);
  // Parses, checks and returns a value of `f`; nullopt when missing or wrong (reported).
  std::optional<int64_t> value(const FieldDef& f, const JsonValue& v, const std::string& path,
                               std::string* written);
  void read_years(const JsonValue& years);
  void read_events(std::string_view key, const JsonValue& list);
  void read_ip_item(RecordReader& r);
  void read_award(RecordReader& r);
  void read_maker_china(RecordReader& r);
  void read_honour(RecordReader& r);
  void read_title(RecordReader& r);
  void read_incident(RecordReader& r);

  ImportContext& ctx_;
  uint32_t index_;
  std::optional<uint32_t> e_;
  bool write_;
};

std::optional<std::string> RecordReader::text(std::string_view key, bool list) {
  used_.emplace_back(key);
  const JsonValue* v = obj_.find(key);
  if (v == nullptr) return std::nullopt;
  bool bad = false;
  std::optional<std::string> t = firm_.scalar(*v, path(key), list, &bad);
  if (bad) ok_ = false;
  if (t && trim(*t).empty()) return std::nullopt;
  return t;
}

void RecordReader::missing(std::string_view key) {
  firm_.error(path(key), "", Text{"缺少必填项", "is required but missing"});
  ok_ = false;
}

void RecordReader::fail(std::string_view key, std::string value, Text reason) {
  firm_.error(path(key), std::move(value), std::move(reason));
  ok_ = false;
}

std::optional<Date> RecordReader::date(std::string_view key, bool required) {
  std::optional<std::string> t = text(key);
  if (!t) {
    if (required) missing(key);
    return std::nullopt;
  }
  Result<Date> d = parse_date_value(*t);
  if (!d) {
    fail(key, *t, d.error().message);
    return std::nullopt;
  }
  return *d;
}

std::optional<bool> RecordReader::boolean(std::string_view key) {
  std::optional<std::string> t = text(key);
  if (!t) return std::nullopt;
  Result<bool> b = parse_bool_value(*t);
  if (!b) {
    fail(key, *t, b.error().message);
    return std::nullopt;
  }
  return *b;
}

std::optional<int> RecordReader::rank(std::string_view key) {
  std::optional<std::string> t = text(key);
  if (!t) return std::nullopt;
  Result<int> r = parse_rank(*t);
  if (!r) {
    fail(key, *t, r.error().message);
    return std::nullopt;
  }
  return *r;
}

std::optional<uint8_t> RecordReader::enumeration(std::string_view key,
                                                 std::span<const EnumValue> values,
                                                 std::string_view zh, std::string_view en,
                                                 bool required) {
  std::optional<std::string> t = text(key);
  if (!t) {
    if (required) missing(key);
    return std::nullopt;
  }
  Result<uint8_t> i = parse_enum(values, *t, zh, en);
  if (!i) {
    fail(key, *t, i.error().message);
    return std::nullopt;
  }
  return *i;
}

bool RecordReader::finish() {
  for (const auto& [key, value] : obj_.members) {
    if (std::find(used_.begin(), used_.end(), key) == used_.end()) {
      firm_.error(path(key), json_value_text(value), unknown_key());
      ok_ = false;
    }
  }
  return ok_;
}

std::optional<std::string> FirmReader::scalar(const JsonValue& v, const std::string& path,
                                              bool list, bool* bad) {
  switch (v.type) {
    case JsonValue::Type::null:
      return std::nullopt;
    case JsonValue::Type::boolean:
      return std::string(v.boolean ? "true" : "false");
    case JsonValue::Type::number:
      return plain_number(v.text);
    case JsonValue::Type::string:
      return v.text;
    case JsonValue::Type::array:
      if (list) {
        std::string joined;
        for (const JsonValue& item : v.items) {
          if (item.type != JsonValue::Type::string && item.type != JsonValue::Type::number) {
            error(path, json_value_text(v),
                  Text{"列表中只能有字符串", "a list may hold only strings"});
            *bad = true;
            return std::nullopt;
          }
          if (!joined.empty()) joined += ";";
          joined += item.text;
        }
        // [] states "none of these" (a known empty set), which is not the same as missing.
        return joined.empty() ? std::string("none") : joined;
      }
      break;
    case JsonValue::Type::object:
      break;
  }
  error(path, json_value_text(v),
        list ? Text{"应为字符串或字符串数组", "should be a string or an array of strings"}
             : Text{"应为一个值（字符串、数字或布尔值）",
                    "should be a single value (string, number or boolean)"});
  *bad = true;
  return std::nullopt;
}

void FirmReader::check_duplicate_keys(const JsonValue& obj, const std::string& prefix) {
  for (size_t i = 0; i < obj.members.size(); ++i) {
    for (size_t j = 0; j < i; ++j) {
      if (obj.members[j].first == obj.members[i].first) {
        error(prefix + obj.members[i].first, json_value_text(obj.members[i].second),
              Text{"键重复出现", "the key appears twice"});
        break;
      }
    }
  }
}

std::optional<int64_t> FirmReader::value(const FieldDef& f, const JsonValue& v,
                                         const std::string& path, std::string* written) {
  bool bad = false;
  std::optional<std::string> t = scalar(v, path, f.kind == FieldKind::enum_set, &bad);
  if (!t || trim(*t).empty()) return std::nullopt;
  *written = *t;
  std::optional<Text> warn;
  Result<int64_t> raw = parse_value(f, *t, /*in_yuan=*/false, &warn);
  if (!raw) {
    error(path, *t, raw.error().message);
    return std::nullopt;
  }
  if (warn) warning(path, *t, *warn);
  if (std::optional<Text> why = check_value(f, *raw)) {
    error(path, *t, *why);
    return std::nullopt;
  }
  return *raw;
}

void FirmReader::read(const JsonValue& firm) {
  check_duplicate_keys(firm, "");
  for (size_t i = 0; i < firm.members.size(); ++i) {
    const auto& [key, v] = firm.members[i];
    if (key == "uscc" || firm.find(key) != &v) continue;  // a repeated key was reported above
    if (key == "years") {
      read_years(v);
      continue;
    }
    if (std::find(std::begin(kEventKeys), std::end(kEventKeys), key) != std::end(kEventKeys)) {
      read_events(key, v);
      continue;
    }
    const FieldDef* f = find_field(key);
    if (f == nullptr) {
      error(key, json_value_text(v), unknown_key());
      continue;
    }
    if (f->scope == FieldScope::yearly) {
      error(key, json_value_text(v),
            Text{"是年度数据：应写在 years.<年度> 下",
                 "is a yearly fact: put it under years.<year>"});
      continue;
    }
    if (f->kind == FieldKind::text) {
      bool bad = false;
      std::optional<std::string> t = scalar(v, key, false, &bad);
      if (t && !trim(*t).empty() && e_ && write_) {
        ctx_.set_static_text(*e_, *f, normalize_text_value(*f, *t), Origin{index_, key, *t});
      }
      continue;
    }
    std::string written;
    std::optional<int64_t> raw = value(*f, v, key, &written);
    if (raw && e_ && write_) ctx_.set_static(*e_, *f, *raw, Origin{index_, key, written});
  }
}

void FirmReader::read_years(const JsonValue& years) {
  if (years.is_null()) return;
  if (!years.is_object()) {
    error("years", json_value_text(years),
          Text{"应为对象，如 {\"2025\": {...}}", "should be an object such as {\"2025\": {...}}"});
    return;
  }
  check_duplicate_keys(years, "years.");
  for (const auto& [year_key, facts] : years.members) {
    if (years.find(year_key) != &facts) continue;  // a repeated year was reported above
    const std::string prefix = "years." + year_key;
    Result<int> year = parse_fiscal_year(year_key);
    if (!year) {
      error(prefix, year_key, year.error().message);
      continue;
    }
    if (facts.is_null()) continue;
    if (!facts.is_object()) {
      error(prefix, json_value_text(facts),
            Text{"应为该年度数据的对象", "should be an object of that year's facts"});
      continue;
    }
    check_duplicate_keys(facts, prefix + ".");
    struct Seen {
      const FieldDef* field;
      int64_t raw;
      std::string path;
      std::string written;
    };
    std::vector<Seen> seen;
    for (const auto& [key, v] : facts.members) {
      if (facts.find(key) != &v) continue;  // a repeated key was reported above
      const std::string path = prefix + "." + key;
      const FieldDef* f = find_field(key);
      if (f == nullptr) {
        error(path, json_value_text(v), unknown_key());
        continue;
      }
      if (f->scope != FieldScope::yearly) {
        error(path, json_value_text(v),
              Text{"不是年度数据：应写在企业对象的顶层",
                   "is not a yearly fact: put it at the top level of the firm"});
        continue;
      }
      std::string written;
      std::optional<int64_t> raw = value(*f, v, path, &written);
      if (!raw) continue;
      seen.push_back(Seen{f, *raw, path, written});
      if (e_ && write_) ctx_.builder().set_yearly(*e_, f->id, *year, *raw);
    }
    for (const PairRule& rule : yearly_pair_rules()) {
      const Seen* part = nullptr;
      const Seen* whole = nullptr;
      for (const Seen& s : seen) {
        if (s.field->name == rule.part) part = &s;
        if (s.field->name == rule.whole) whole = &s;
      }
      if (part == nullptr || whole == nullptr || part->raw <= whole->raw) continue;
      error(part->path, part->written, pair_violation(*whole->field, whole->path, whole->written));
    }
  }
}

void FirmReader::read_events(std::string_view key, const JsonValue& list) {
  if (list.is_null()) return;
  if (!list.is_array()) {
    error(std::string(key), json_value_text(list), Text{"应为数组", "should be an array"});
    return;
  }
  for (size_t i = 0; i < list.items.size(); ++i) {
    const JsonValue& obj = list.items[i];
    const std::string path = std::string(key) + "[" + std::to_string(i) + "]";
    if (!obj.is_object()) {
      error(path, json_value_text(obj), Text{"应为对象", "should be an object"});
      continue;
    }
    check_duplicate_keys(obj, path + ".");
    RecordReader r(*this, obj, path);
    if (key == "ip_items") {
      read_ip_item(r);
    } else if (key == "awards") {
      read_award(r);
    } else if (key == "maker_china") {
      read_maker_china(r);
    } else if (key == "honours") {
      read_honour(r);
    } else if (key == "titles") {
      read_title(r);
    } else {
      read_incident(r);
    }
  }
}

void FirmReader::read_ip_item(RecordReader& r) {
  IpItem item;
  std::optional<uint8_t> kind = r.enumeration("kind", ip_kinds(), "知识产权类型", "IP kind", true);
  std::optional<std::string> number = r.text("number");
  std::optional<Date> granted = r.date("granted", false);
  std::optional<Date> acquired = r.date("acquired", false);
  item.self_developed = r.boolean("self_developed");
  item.leading_product = r.boolean("leading_product");
  item.applied = r.boolean("applied");
  item.rank_among_holders = r.rank("rank_among_holders");
  if (std::optional<std::string> hv = r.text("high_value", /*list=*/true)) {
    for (const std::string& part : split_list(*hv)) {
      Result<uint8_t> i = parse_enum(ip_high_value_kinds(), part, "高价值情形", "high-value kind");
      if (!i) {
        r.fail("high_value", part, i.error().message);
      } else {
        item.high_value |= uint32_t{1} << *i;
      }
    }
  }
  if (!r.finish() || !kind) return;
  item.kind = *kind;
  if (number) item.number = std::string(trim(*number));
  item.granted = granted;
  item.acquired = acquired;
  if (e_ && write_) ctx_.add_ip_item(*e_, std::move(item));
}

void FirmReader::read_award(RecordReader& r) {
  AwardRecord a;
  std::optional<uint8_t> level =
      r.enumeration("level", award_levels(), "奖励级别", "award level", true);
  a.rank = r.rank("rank");
  std::optional<Date> date = r.date("date", true);
  if (std::optional<std::string> name = r.text("name")) a.name = std::string(trim(*name));
  if (!r.finish() || !level || !date) return;
  a.level = *level;
  a.date = *date;
  if (e_ && write_) ctx_.add_award(*e_, std::move(a), false);
}

void FirmReader::read_maker_china(RecordReader& r) {
  std::optional<uint8_t> list =
      r.enumeration("list", maker_china_lists(), "创客中国名单", "创客中国 list", true);
  std::optional<int> year;
  if (std::optional<std::string> t = r.text("year")) {
    Result<int> y = parse_fiscal_year(*t);
    if (!y) {
      r.fail("year", *t, y.error().message);
    } else {
      year = *y;
    }
  } else {
    r.missing("year");
  }
  if (!r.finish() || !list || !year) return;
  if (e_ && write_) ctx_.add_maker_china(*e_, MakerChinaRecord{*list, *year}, false);
}

void FirmReader::read_honour(RecordReader& r) {
  HonourRecord h;
  std::optional<uint8_t> kind =
      r.enumeration("kind", honour_kinds(), "荣誉类型", "honour kind", true);
  h.valid_from = r.date("valid_from", false);
  h.valid_to = r.date("valid_to", false);
  if (h.valid_from && h.valid_to && *h.valid_to < *h.valid_from) {
    r.fail("valid_to", h.valid_to->to_string(),
           Text{"早于 valid_from（" + h.valid_from->to_string() + "）",
                "is before valid_from (" + h.valid_from->to_string() + ")"});
  }
  if (!r.finish() || !kind) return;
  h.kind = *kind;
  if (e_ && write_) ctx_.add_honour(*e_, h, false);
}

void FirmReader::read_title(RecordReader& r) {
  TitleRecord t;
  std::optional<std::string> tier;
  if (std::optional<std::string> text = r.text("tier")) {
    Result<std::string> parsed = parse_tier(*text);
    if (!parsed) {
      r.fail("tier", *text, parsed.error().message);
    } else {
      tier = *parsed;
    }
  } else {
    r.missing("tier");
  }
  std::optional<Date> since = r.date("since", true);
  t.valid_to = r.date("valid_to", false);
  if (std::optional<std::string> batch = r.text("batch")) t.batch = std::string(trim(*batch));
  if (std::optional<std::string> level = r.text("level")) t.level = std::string(trim(*level));
  std::optional<uint8_t> status =
      r.enumeration("status", title_statuses(), "称号状态", "title status", false);
  if (since && t.valid_to && *t.valid_to < *since) {
    r.fail("valid_to", t.valid_to->to_string(),
           Text{"早于 since（" + since->to_string() + "）",
                "is before since (" + since->to_string() + ")"});
  }
  if (!r.finish() || !tier || !since) return;
  t.tier = std::move(*tier);
  t.since = *since;
  t.status = status.value_or(0);
  if (e_ && write_) ctx_.add_title(*e_, std::move(t), false);
}

void FirmReader::read_incident(RecordReader& r) {
  IncidentRecord rec;
  std::optional<uint8_t> kind =
      r.enumeration("kind", incident_kinds(), "事件类型", "incident kind", true);
  std::optional<Date> date = r.date("date", true);
  rec.until = r.date("until", false);
  if (date && rec.until && *rec.until < *date) {
    r.fail("until", rec.until->to_string(),
           Text{"早于 date（" + date->to_string() + "）",
                "is before date (" + date->to_string() + ")"});
  }
  if (!r.finish() || !kind || !date) return;
  rec.kind = *kind;
  rec.date = *date;
  if (e_ && write_) ctx_.add_incident(*e_, rec, false);
}

void load_json_firms(const JsonValue& firms, ImportContext& ctx) {
  std::unordered_map<uint32_t, uint32_t> first_index;  // enterprise → firm index
  for (size_t i = 0; i < firms.items.size(); ++i) {
    const JsonValue& firm = firms.items[i];
    const uint32_t index = static_cast<uint32_t>(i + 1);
    ctx.report().rows_read++;
    if (!firm.is_object()) {
      ctx.error(std::nullopt, Origin{index, "", json_value_text(firm)},
                Text{"不是企业对象", "is not an enterprise object"});
      continue;
    }
    std::optional<uint32_t> e;
    bool write = true;
    const JsonValue* uscc = firm.find("uscc");
    std::optional<std::string> uscc_text;
    if (uscc != nullptr &&
        (uscc->type == JsonValue::Type::string || uscc->type == JsonValue::Type::number)) {
      uscc_text = uscc->text;
    }
    if (!uscc_text || trim(*uscc_text).empty()) {
      ctx.error(std::nullopt, Origin{index, "uscc", uscc ? json_value_text(*uscc) : ""},
                Text{"缺少统一社会信用代码：该企业未导入",
                     "the unified social credit code is missing: the firm is not loaded"});
    } else {
      e = ctx.enterprise(*uscc_text, index, "uscc");
      auto [it, inserted] = first_index.emplace(*e, index);
      if (!inserted) {
        write = false;
        ctx.error(
            e, Origin{index, "uscc", std::string(trim(*uscc_text))},
            Text{"重复：同一企业已是第 " + std::to_string(it->second) + " 家企业",
                 "is a duplicate: the same enterprise is firm " + std::to_string(it->second)});
      }
    }
    FirmReader(ctx, index, e, write).read(firm);
  }
}

}  // namespace

bool is_flat_json(const JsonValue& rows) {
  bool year = false;
  for (const JsonValue& item : rows.items) {
    if (!item.is_object()) continue;
    if (item.find("years") != nullptr) return false;
    if (item.find("year") != nullptr) year = true;
  }
  return year;
}

Status load_json_text(std::string_view text, const std::string& file, PoolBuilder& builder,
                      IngestReport& report, const IngestOptions& options) {
  Result<JsonValue> doc = parse_json(text);
  if (!doc) return doc.error();
  const JsonValue* firms = nullptr;
  if (doc->is_array()) {
    firms = &*doc;
  } else if (doc->is_object()) {
    firms = doc->find("enterprises");
    if (firms == nullptr || !firms->is_array()) {
      return error(StatusCode::parse_error, "JSON 顶层应为企业数组，或含 enterprises 数组的对象",
                   "the JSON top level should be an array of firms, or an object with an "
                   "\"enterprises\" array");
    }
  } else {
    return error(StatusCode::parse_error, "JSON 顶层应为企业数组，或含 enterprises 数组的对象",
                 "the JSON top level should be an array of firms, or an object with an "
                 "\"enterprises\" array");
  }
  const bool flat = is_flat_json(*firms);
  ImportContext ctx(file, /*firm_rows=*/!flat, builder, report, options);
  if (doc->is_object()) {
    for (const auto& [key, value] : doc->members) {
      if (key != "enterprises") {
        ctx.error(std::nullopt, Origin{0, key, json_value_text(value)}, unknown_key());
      }
    }
  }
  if (flat) {
    load_flat_json(*firms, ctx);
  } else {
    load_json_firms(*firms, ctx);
  }
  ctx.finish();
  return Status::ok_status();
}

}  // namespace gradus::ingest
