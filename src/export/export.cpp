// The import template, pool exports (XLSX / CSV) and import error reports (see export.h).
#include "export/export.h"

#include "ingest/flat_form.h"

#include <exception>
#include <filesystem>
#include <fstream>
#include <memory>
#include <optional>
#include <span>

#include "core/decimal.h"
#include "core/fields.h"
#include "core/industry.h"
#include "core/region.h"
#include "export/csv_text.h"
#include "ingest/csv_reader.h"
#include "ingest/values.h"
#include "xlsx/reader.h"
#include "xlsx/writer.h"

namespace gradus {

namespace {

using Row = std::vector<XlsxValue>;

// Where tables go: a workbook (one sheet each) or a directory (one CSV file each).
class Sink {
 public:
  virtual ~Sink() = default;
  // Starts a table; `layout` matters to a workbook only (a CSV file has no note column: its
  // numbers are exact decimal text).
  virtual Status table(const std::string& sheet, const std::string& file,
                       const std::vector<XlsxColumn>& columns, const SheetOptions& layout) = 0;
  Status table(const std::string& sheet, const std::string& file,
               const std::vector<XlsxColumn>& columns) {
    return table(sheet, file, columns, SheetOptions{});
  }
  virtual Status row(const Row& cells) = 0;
  virtual Status close() = 0;
};

class XlsxSink final : public Sink {
 public:
  explicit XlsxSink(std::unique_ptr<XlsxWriter> w) : w_(std::move(w)) {}
  XlsxWriter& writer() { return *w_; }
  using Sink::table;
  Status table(const std::string& sheet, const std::string&,
               const std::vector<XlsxColumn>& columns, const SheetOptions& layout) override {
    return w_->add_sheet(sheet, columns, layout);
  }
  Status row(const Row& cells) override { return w_->add_row(cells); }
  Status close() override { return w_->close(); }

 private:
  std::unique_ptr<XlsxWriter> w_;
};

std::string csv_cell(const XlsxValue& v) {
  switch (v.kind) {
    case XlsxValue::Kind::empty:
      return {};
    case XlsxValue::Kind::text:
    case XlsxValue::Kind::number:
      return csv_field(v.str);
    case XlsxValue::Kind::date:
      return v.day.to_string();
    case XlsxValue::Kind::boolean:
      return v.flag ? "true" : "false";
  }
  return {};
}

class CsvSink final : public Sink {
 public:
  explicit CsvSink(std::string dir) : dir_(std::move(dir)) {}
  using Sink::table;
  ~CsvSink() override {
    if (out_.is_open()) {
      out_.close();
      std::filesystem::remove(temp_);
    }
  }
  Status table(const std::string&, const std::string& file,
               const std::vector<XlsxColumn>& columns, const SheetOptions&) override {
    Status s = finish_file();
    if (!s.ok()) return s;
    path_ = (std::filesystem::path(dir_) / file).string();
    temp_ = path_ + ".part";
    out_.open(temp_, std::ios::binary | std::ios::trunc);
    if (!out_) return cannot_write();
    write_csv_bom(out_);
    Row header;
    for (const XlsxColumn& c : columns) header.push_back(XlsxValue::text(c.header));
    return row(header);
  }
  Status row(const Row& cells) override {
    std::string line;
    for (size_t i = 0; i < cells.size(); ++i) {
      if (i > 0) line += ',';
      line += csv_cell(cells[i]);
    }
    line += "\r\n";
    out_.write(line.data(), static_cast<std::streamsize>(line.size()));
    return out_ ? Status{} : cannot_write();
  }
  Status close() override { return finish_file(); }

 private:
  Status cannot_write() const {
    return error(StatusCode::io_error, "无法写入文件 " + path_, "cannot write the file " + path_);
  }
  Status finish_file() {
    if (!out_.is_open()) return {};
    out_.close();
    if (!out_) return cannot_write();
    std::error_code ec;
    std::filesystem::rename(temp_, path_, ec);
    if (ec) return cannot_write();
    return {};
  }
  std::string dir_;
  std::string path_;
  std::string temp_;
  std::ofstream out_;
};

Result<std::unique_ptr<Sink>> xlsx_sink(const std::string& path,
                                        uint32_t max_rows_per_sheet = kXlsxMaxRows) {
  XlsxWriter::Options options;
  options.max_rows_per_sheet = max_rows_per_sheet;
  Result<std::unique_ptr<XlsxWriter>> w = XlsxWriter::create(path, options);
  if (!w) return w.error();
  return std::unique_ptr<Sink>(new XlsxSink(std::move(*w)));
}

Result<std::unique_ptr<Sink>> csv_sink(const std::string& dir) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec || !std::filesystem::is_directory(dir)) {
    return error(StatusCode::io_error, "无法创建目录 " + dir, "cannot create the directory " + dir);
  }
  return std::unique_ptr<Sink>(new CsvSink(dir));
}

// Runs `body` turning an exception (out of memory, filesystem) into a Status.
template <typename F>
Status guarded(F&& body) {
  try {
    return body();
  } catch (const std::exception& ex) {
    return error(StatusCode::internal, std::string("写入失败：") + ex.what(),
                 std::string("writing failed: ") + ex.what());
  }
}

#define GRADUS_TRY(expr)     \
  do {                       \
    Status _s = (expr);      \
    if (!_s.ok()) return _s; \
  } while (false)

std::string pick(Lang lang, std::string_view zh, std::string_view en) {
  return std::string(lang == Lang::zh ? zh : en);
}

// The flat-form header of a field: 营业收入（万元） / revenue (10k yuan).
std::string field_header(const FieldDef& f, Lang lang) {
  if (lang == Lang::en) {
    const std::string_view u = unit_en(f.kind);
    return std::string(f.name) + (u.empty() ? "" : " (" + std::string(u) + ")");
  }
  const std::string_view u = unit_zh(f.kind);
  if (u.empty() || f.zh.ends_with("）")) return std::string(f.zh);
  return std::string(f.zh) + "（" + std::string(u) + "）";
}

// The flat form's columns that are not fields.
struct FlatExtra {
  std::string_view name, zh, en_label, type_zh, type_en, example;
};
constexpr FlatExtra kYear{"year", "年度", "fiscal year", "年份", "year", "2025"};
constexpr FlatExtra kEventColumns[] = {
    {"high_tech_enterprise_valid_to", "高新技术企业证书有效期至",
     "high-tech enterprise certificate valid to", "日期", "date", "2026-11-05"},
    {"award_level", "获奖级别", "award level", "枚举", "enum", "provincial"},
    {"award_rank", "获奖排名", "award rank (position among winners)", "正整数", "whole number ≥ 1",
     "2"},
    {"award_date", "获奖日期", "award date", "日期", "date", "2024-12-18"},
    {"award_name", "奖项名称", "award name", "文本", "text", "示例省科学技术进步奖二等奖"},
    {"maker_china", "创客中国", "创客中国 entries LIST:YEAR", "列表", "list",
     "national_top50:2023"},
    {"titles", "已获称号", "titles TIER:SINCE", "列表", "list",
     "innovative-sme:2024-06-30;srdi-sme:2025-03-01"},
    {"incidents", "不良事件", "incidents KIND:DATE[:UNTIL]", "列表", "list",
     "tax_evasion:2024-03-01"},
};

std::string extra_header(const FlatExtra& x, Lang lang) {
  return lang == Lang::zh ? std::string(x.zh) : std::string(x.name);
}

std::string kind_name(FieldKind k, Lang lang) {
  switch (k) {
    case FieldKind::money:
      return pick(lang, "金额", "money");
    case FieldKind::ratio:
      return pick(lang, "百分比 0–100", "percent 0–100");
    case FieldKind::count:
      return pick(lang, "非负整数", "whole number ≥ 0");
    case FieldKind::decimal:
      return pick(lang, "小数", "decimal");
    case FieldKind::boolean:
      return pick(lang, "是/否", "yes/no");
    case FieldKind::enumeration:
      return pick(lang, "枚举", "enum");
    case FieldKind::enum_set:
      return pick(lang, "多选（分号分隔）", "list of enum (; separated)");
    case FieldKind::date:
      return pick(lang, "日期", "date");
    case FieldKind::region:
      return pick(lang, "行政区划代码（GB/T 2260）", "region code (GB/T 2260)");
    case FieldKind::industry:
      return pick(lang, "行业代码（GB/T 4754）", "industry class (GB/T 4754)");
    case FieldKind::text:
      return pick(lang, "文本", "text");
  }
  return "";
}

std::string example(const FieldDef& f) {
  if (f.name == "uscc") return "91320505MA1XAMP10Y";
  if (f.name == "name") return "示例精密机械（苏州）有限公司";
  if (f.name == "digital_level") return "3";
  if (f.name.starts_with("market_rank")) return "2";
  switch (f.kind) {
    case FieldKind::money:
      return "8200.5";
    case FieldKind::ratio:
      return "12.5";
    case FieldKind::count:
      return "12";
    case FieldKind::decimal:
      return "72.5";
    case FieldKind::boolean:
      return "是";
    case FieldKind::enumeration:
      return std::string(f.values.size() > 1 ? f.values[f.values.size() - 1].id : "");
    case FieldKind::enum_set:
      return f.values.size() > 1 ? std::string(f.values[0].id) + ";" + std::string(f.values[1].id)
                                 : "";
    case FieldKind::date:
      return "2015-03-01";
    case FieldKind::region:
      return "320505";
    case FieldKind::industry:
      return "C3484";
    case FieldKind::text:
      return "示例";
  }
  return "";
}

// values[i] as its label in `lang` (the index as text when out of range).
std::string enum_label(std::span<const EnumValue> values, size_t i, Lang lang) {
  if (i >= values.size()) return std::to_string(i);
  return std::string(lang == Lang::zh ? values[i].zh : values[i].en);
}

// The texts of an enumeration's values on a sheet the importer reads: each value's label in
// `lang` where the importer reads that label back as the same value, else its id. Made once per
// list of values.
class FlatTexts {
 public:
  explicit FlatTexts(Lang lang) : lang_(lang) {}
  const std::string& of(std::span<const EnumValue> values, size_t i) {
    std::vector<std::string>& texts = cache_[values.data()];
    if (texts.empty()) {
      for (size_t k = 0; k < values.size(); ++k) {
        const std::string label = enum_label(values, k, lang_);
        Result<uint8_t> back = ingest::parse_enum(values, label, "", "");
        texts.push_back(back.ok() && *back == k ? label : std::string(values[k].id));
      }
    }
    if (i >= texts.size()) {
      static const std::string kNone;
      return kNone;
    }
    return texts[i];
  }
  Lang lang() const { return lang_; }

 private:
  Lang lang_;
  std::map<const EnumValue*, std::vector<std::string>> cache_;
};

// A yes/no: 是/否 in Chinese (the importer reads them), a boolean cell in English.
XlsxValue yes_no(bool b, Lang lang) {
  return lang == Lang::zh ? XlsxValue::text(b ? "是" : "否") : XlsxValue::boolean(b);
}

// A pool value as a typed cell, in `texts.lang()` where the importer reads the label back.
XlsxValue field_cell(const FieldDef& f, int64_t raw, FlatTexts& texts) {
  switch (f.kind) {
    case FieldKind::money:
    case FieldKind::ratio:
    case FieldKind::count:
    case FieldKind::decimal:
      return XlsxValue::number(Decimal::from_micros(raw).to_string());
    case FieldKind::boolean:
      return yes_no(raw != 0, texts.lang());
    case FieldKind::date:
      return XlsxValue::date(Date::from_days(static_cast<int32_t>(raw)));
    case FieldKind::enumeration:
      if (raw >= 0 && static_cast<size_t>(raw) < f.values.size())
        return XlsxValue::text(texts.of(f.values, static_cast<size_t>(raw)));
      return XlsxValue::text(ingest::format_raw(f, raw));
    case FieldKind::enum_set: {
      // Labels joined by ';' when the importer reads them back as the same set, else ids.
      std::string labels;
      if (raw == 0) {
        labels = texts.lang() == Lang::zh ? "无" : "none";
      } else {
        for (size_t k = 0; k < f.values.size(); ++k) {
          if ((raw >> k) & 1) labels += (labels.empty() ? "" : ";") + texts.of(f.values, k);
        }
      }
      std::optional<Text> warning;
      Result<int64_t> back = ingest::parse_value(f, labels, false, &warning);
      if (back.ok() && *back == raw) return XlsxValue::text(labels);
      return XlsxValue::text(raw == 0 ? "none" : ingest::format_raw(f, raw));
    }
    case FieldKind::industry:
    case FieldKind::region:
    case FieldKind::text:
      return XlsxValue::text(ingest::format_raw(f, raw));
  }
  return {};
}

XlsxValue opt_date(const std::optional<Date>& d) { return d ? XlsxValue::date(*d) : XlsxValue{}; }
XlsxValue opt_bool(const std::optional<bool>& b, Lang lang) {
  return b ? yes_no(*b, lang) : XlsxValue{};
}
XlsxValue opt_int(const std::optional<int>& i) {
  return i ? XlsxValue::number(std::to_string(*i)) : XlsxValue{};
}

// A title's tier in `lang` (a detail sheet): its name from the caller's map, else the id.
std::string tier_text(const ExportOptions& opt, const std::string& tier) {
  auto it = opt.tier_labels.find(tier);
  return it == opt.tier_labels.end() ? tier : it->second;
}

// A title's tier in the flat form's `TIER:SINCE`: the name when the importer reads it back.
std::string flat_tier_text(const ExportOptions& opt, const std::string& tier) {
  auto it = opt.tier_labels.find(tier);
  if (it == opt.tier_labels.end()) return tier;
  Result<std::string> back = ingest::parse_tier(it->second);
  return back.ok() && *back == tier ? it->second : tier;
}

// Whether some value of a numeric field of `scope` needs more than 15 significant digits (is
// written as text, so that the sheet gets a note column).
bool has_long_number(const Pool& pool, FieldScope scope) {
  constexpr int64_t kLong = 1'000'000'000'000'000;  // below this, at most 15 digits
  auto is_long = [](int64_t raw) {
    return (raw >= kLong || raw <= -kLong) &&
           !xlsx_number_is_exact(Decimal::from_micros(raw).to_string());
  };
  for (const FieldDef& f : all_fields()) {
    if (!f.numeric() || f.scope != scope) continue;
    auto scan = [&](const Column& c) {
      for (uint32_t e = 0; e < pool.size(); ++e) {
        if (c.present[e] && is_long(c.values[e])) return true;
      }
      return false;
    };
    if (scope == FieldScope::enterprise) {
      if (scan(pool.column(f.id))) return true;
      continue;
    }
    for (int y = pool.first_year(); y <= pool.last_year(); ++y) {
      const Column* c = pool.yearly(f.id, y);
      if (c != nullptr && scan(*c)) return true;
    }
  }
  return false;
}

SheetOptions numbers_layout(const Pool& pool, FieldScope scope, Lang lang) {
  SheetOptions o;
  if (has_long_number(pool, scope)) {
    o.note_header = std::string(lang == Lang::zh ? kExportNoteHeaderZh : kExportNoteHeaderEn);
    o.note_lang = lang;
  }
  return o;
}

std::vector<XlsxColumn> columns(std::initializer_list<std::pair<const char*, const char*>> names,
                                Lang lang) {
  std::vector<XlsxColumn> out;
  for (const auto& [zh, en] : names) out.push_back(XlsxColumn{pick(lang, zh, en), 0});
  return out;
}

// A sink that reports each table it starts (ExportOptions::progress) and passes everything on.
class ProgressSink final : public Sink {
 public:
  ProgressSink(Sink& inner, const ExportOptions& opt, uint64_t tables) : inner_(inner), opt_(opt), tables_(tables) {}
  using Sink::table;
  Status table(const std::string& sheet, const std::string& file, const std::vector<XlsxColumn>& columns,
               const SheetOptions& layout) override {
    if (opt_.progress) opt_.progress(started_, tables_);
    ++started_;
    return inner_.table(sheet, file, columns, layout);
  }
  Status row(const Row& cells) override { return inner_.row(cells); }
  Status close() override {
    Status s = inner_.close();
    if (s.ok() && opt_.progress) opt_.progress(tables_, tables_);
    return s;
  }

 private:
  Sink& inner_;
  const ExportOptions& opt_;
  uint64_t tables_;
  uint64_t started_ = 0;
};

Status write_tables(const Pool& pool, Sink& sink, const ExportOptions& opt);

// Every table of the pool, with progress when asked for: 9 tables, and the assessment's.
Status write_pool(const Pool& pool, Sink& sink, const ExportOptions& opt) {
  ProgressSink counted(sink, opt, opt.extra.headers.empty() ? 9 : 10);
  return write_tables(pool, counted, opt);
}

Status write_tables(const Pool& pool, Sink& sink, const ExportOptions& opt) {
  const Lang lang = opt.lang;
  FlatTexts texts(lang);
  const std::span<const FieldDef> fields = all_fields();
  const FieldDef& uscc_f = *find_field("uscc");
  const FieldDef& name_f = *find_field("name");
  const XlsxColumn uscc_col{field_header(uscc_f, lang), 21};
  const XlsxColumn name_col{field_header(name_f, lang), 30};

  // Enterprises: static facts, then the flat event columns the flat form can carry.
  std::vector<XlsxColumn> cols;
  std::vector<const FieldDef*> statics;
  for (const FieldDef& f : fields) {
    if (f.scope != FieldScope::enterprise) continue;
    statics.push_back(&f);
    cols.push_back(f.name == "uscc"   ? uscc_col
                   : f.name == "name" ? name_col
                                      : XlsxColumn{field_header(f, lang), 0});
  }
  for (size_t k = 0; k < 5; ++k) {  // high_tech_enterprise_valid_to, award_*
    cols.push_back(XlsxColumn{extra_header(kEventColumns[k], lang), k == 0 || k == 4 ? 14.0 : 0});
  }
  cols.push_back(XlsxColumn{extra_header(kEventColumns[5], lang), 0});   // maker_china
  cols.push_back(XlsxColumn{extra_header(kEventColumns[6], lang), 30});  // titles
  cols.push_back(XlsxColumn{extra_header(kEventColumns[7], lang), 30});  // incidents
  GRADUS_TRY(sink.table(pick(lang, "企业", "Enterprises"), "enterprises.csv", cols,
                        numbers_layout(pool, FieldScope::enterprise, lang)));
  Row row;
  for (uint32_t e = 0; e < pool.size(); ++e) {
    row.clear();
    for (const FieldDef* f : statics) {
      if (f->name == "uscc") {
        row.push_back(XlsxValue::text(pool.uscc(e)));
      } else if (f->kind == FieldKind::text) {
        row.push_back(XlsxValue::text(pool.text(f->id, e)));
      } else {
        const Column& c = pool.column(f->id);
        row.push_back(c.present[e] ? field_cell(*f, c.values[e], texts) : XlsxValue{});
      }
    }
    // The flat form carries one high-tech-enterprise honour (valid 3 years) and one award.
    const std::span<const HonourRecord> honours = pool.honours().of(e);
    const uint8_t hte = static_cast<uint8_t>(enum_index(honour_kinds(), "high_tech_enterprise"));
    if (honours.size() == 1 && honours[0].kind == hte && honours[0].valid_to &&
        honours[0].valid_from == honours[0].valid_to->plus_years(-3)) {
      row.push_back(XlsxValue::date(*honours[0].valid_to));
    } else {
      row.push_back(XlsxValue{});
    }
    const std::span<const AwardRecord> awards = pool.awards().of(e);
    if (awards.size() == 1) {
      row.push_back(XlsxValue::text(texts.of(award_levels(), awards[0].level)));
      row.push_back(opt_int(awards[0].rank));
      row.push_back(XlsxValue::date(awards[0].date));
      row.push_back(XlsxValue::text(awards[0].name));
    } else {
      row.insert(row.end(), 4, XlsxValue{});
    }
    std::string list;
    for (const MakerChinaRecord& m : pool.maker_china().of(e)) {
      list += (list.empty() ? "" : ";") + texts.of(maker_china_lists(), m.list) + ":" +
              std::to_string(m.year);
    }
    row.push_back(XlsxValue::text(list));
    list.clear();
    // Only what the flat form can say: valid titles without a known end.
    for (const TitleRecord& t : pool.titles().of(e)) {
      if (t.status != 0 || t.valid_to || !t.level.empty() || !t.batch.empty()) continue;
      list += (list.empty() ? "" : ";") + flat_tier_text(opt, t.tier) + ":" + t.since.to_string();
    }
    row.push_back(XlsxValue::text(list));
    list.clear();
    for (const IncidentRecord& i : pool.incidents().of(e)) {
      list +=
          (list.empty() ? "" : ";") + texts.of(incident_kinds(), i.kind) + ":" + i.date.to_string();
      if (i.until) list += ":" + i.until->to_string();
    }
    row.push_back(XlsxValue::text(list));
    GRADUS_TRY(sink.row(row));
  }

  // Yearly facts: one row per enterprise and fiscal year with any value.
  std::vector<const FieldDef*> yearly;
  cols = {uscc_col, name_col, XlsxColumn{extra_header(kYear, lang), 8}};
  for (const FieldDef& f : fields) {
    if (f.scope != FieldScope::yearly) continue;
    yearly.push_back(&f);
    cols.push_back(XlsxColumn{field_header(f, lang), 0});
  }
  GRADUS_TRY(sink.table(pick(lang, "年度数据", "Yearly"), "yearly.csv", cols,
                        numbers_layout(pool, FieldScope::yearly, lang)));
  for (uint32_t e = 0; e < pool.size(); ++e) {
    for (int y = pool.first_year(); y <= pool.last_year(); ++y) {
      row.assign(3, XlsxValue{});
      bool any = false;
      for (const FieldDef* f : yearly) {
        const Column* c = pool.yearly(f->id, y);
        if (c != nullptr && c->present[e]) {
          row.push_back(field_cell(*f, c->values[e], texts));
          any = true;
        } else {
          row.push_back(XlsxValue{});
        }
      }
      if (!any) continue;
      row[0] = XlsxValue::text(pool.uscc(e));
      row[1] = XlsxValue::text(pool.text(name_f.id, e));
      row[2] = XlsxValue::number(std::to_string(y));
      GRADUS_TRY(sink.row(row));
    }
  }

  // Detail tables.
  auto head = [&](std::vector<XlsxColumn> rest) {
    std::vector<XlsxColumn> c = {uscc_col, name_col};
    c.insert(c.end(), rest.begin(), rest.end());
    return c;
  };
  auto start = [&](uint32_t e) {
    row.clear();
    row.push_back(XlsxValue::text(pool.uscc(e)));
    row.push_back(XlsxValue::text(pool.text(name_f.id, e)));
  };
  GRADUS_TRY(sink.table(pick(lang, "称号", "Titles"), "titles.csv",
                        head(columns({{"称号（层级）", "tier"},
                                      {"认定日期", "since"},
                                      {"有效期至", "valid_to"},
                                      {"级别", "level"},
                                      {"批次", "batch"},
                                      {"状态", "status"}},
                                     lang))));
  for (uint32_t e = 0; e < pool.size(); ++e) {
    for (const TitleRecord& t : pool.titles().of(e)) {
      start(e);
      row.push_back(XlsxValue::text(tier_text(opt, t.tier)));
      row.push_back(XlsxValue::date(t.since));
      row.push_back(opt_date(t.valid_to));
      const int level = enum_index(award_levels(), t.level);
      row.push_back(XlsxValue::text(level >= 0 ? enum_label(award_levels(), level, lang) : t.level));
      row.push_back(XlsxValue::text(t.batch));
      row.push_back(XlsxValue::text(enum_label(title_statuses(), t.status, lang)));
      GRADUS_TRY(sink.row(row));
    }
  }
  GRADUS_TRY(sink.table(
      pick(lang, "不良事件", "Incidents"), "incidents.csv",
      head(columns({{"类型", "kind"}, {"发生日期", "date"}, {"移出日期", "until"}}, lang))));
  for (uint32_t e = 0; e < pool.size(); ++e) {
    for (const IncidentRecord& i : pool.incidents().of(e)) {
      start(e);
      row.push_back(XlsxValue::text(enum_label(incident_kinds(), i.kind, lang)));
      row.push_back(XlsxValue::date(i.date));
      row.push_back(opt_date(i.until));
      GRADUS_TRY(sink.row(row));
    }
  }
  GRADUS_TRY(sink.table(
      pick(lang, "奖项", "Awards"), "awards.csv",
      head(columns(
          {{"获奖级别", "level"}, {"获奖排名", "rank"}, {"获奖日期", "date"}, {"奖项名称", "name"}},
          lang))));
  for (uint32_t e = 0; e < pool.size(); ++e) {
    for (const AwardRecord& a : pool.awards().of(e)) {
      start(e);
      row.push_back(XlsxValue::text(enum_label(award_levels(), a.level, lang)));
      row.push_back(opt_int(a.rank));
      row.push_back(XlsxValue::date(a.date));
      row.push_back(XlsxValue::text(a.name));
      GRADUS_TRY(sink.row(row));
    }
  }
  GRADUS_TRY(sink.table(
      pick(lang, "荣誉资质", "Honours"), "honours.csv",
      head(columns({{"类型", "kind"}, {"有效期起", "valid_from"}, {"有效期至", "valid_to"}},
                   lang))));
  for (uint32_t e = 0; e < pool.size(); ++e) {
    for (const HonourRecord& h : pool.honours().of(e)) {
      start(e);
      row.push_back(XlsxValue::text(enum_label(honour_kinds(), h.kind, lang)));
      row.push_back(opt_date(h.valid_from));
      row.push_back(opt_date(h.valid_to));
      GRADUS_TRY(sink.row(row));
    }
  }
  GRADUS_TRY(sink.table(pick(lang, "创客中国", "Maker China"), "maker_china.csv",
                        head(columns({{"榜单", "list"}, {"年份", "year"}}, lang))));
  for (uint32_t e = 0; e < pool.size(); ++e) {
    for (const MakerChinaRecord& m : pool.maker_china().of(e)) {
      start(e);
      row.push_back(XlsxValue::text(enum_label(maker_china_lists(), m.list, lang)));
      row.push_back(XlsxValue::number(std::to_string(m.year)));
      GRADUS_TRY(sink.row(row));
    }
  }
  GRADUS_TRY(sink.table(pick(lang, "知识产权", "IP items"), "ip_items.csv",
                        head(columns({{"类型", "kind"},
                                      {"编号", "number"},
                                      {"授权日期", "granted"},
                                      {"受让日期", "acquired"},
                                      {"自主研发", "self_developed"},
                                      {"与主导产品相关", "leading_product"},
                                      {"已应用", "applied"},
                                      {"权利人排名", "rank_among_holders"},
                                      {"高价值", "high_value"}},
                                     lang))));
  for (uint32_t e = 0; e < pool.size(); ++e) {
    for (const IpItem& ip : pool.ip_items().of(e)) {
      start(e);
      row.push_back(XlsxValue::text(enum_label(ip_kinds(), ip.kind, lang)));
      row.push_back(XlsxValue::text(ip.number));
      row.push_back(opt_date(ip.granted));
      row.push_back(opt_date(ip.acquired));
      row.push_back(opt_bool(ip.self_developed, lang));
      row.push_back(opt_bool(ip.leading_product, lang));
      row.push_back(opt_bool(ip.applied, lang));
      row.push_back(opt_int(ip.rank_among_holders));
      std::string hv;
      for (size_t k = 0; k < ip_high_value_kinds().size(); ++k) {
        if ((ip.high_value >> k) & 1)
          hv += (hv.empty() ? "" : ";") + enum_label(ip_high_value_kinds(), k, lang);
      }
      row.push_back(XlsxValue::text(hv));
      GRADUS_TRY(sink.row(row));
    }
  }
  if (!opt.extra.headers.empty()) {
    // Region, park and industry (code and name) beside the outcomes, to pivot on.
    std::vector<XlsxColumn> extra = columns({{"行政区划代码", "region code"},
                                             {"行政区划", "region"},
                                             {"所属园区", "park"},
                                             {"行业代码", "industry code"},
                                             {"行业", "industry"}},
                                            lang);
    extra[1].width = 16;
    extra[4].width = 24;
    for (const std::string& h : opt.extra.headers) extra.push_back(XlsxColumn{h, 0});
    GRADUS_TRY(sink.table(pick(lang, "评估结果", "Assessment"), "assessment.csv", head(extra)));
    const Column& region = pool.column(find_field("region")->id);
    const Column& industry = pool.column(find_field("industry")->id);
    const FieldId park = find_field("park")->id;
    std::map<int64_t, std::pair<std::string, std::string>> region_names, industry_names;
    for (uint32_t e = 0; e < pool.size(); ++e) {
      start(e);
      if (region.present[e]) {
        auto [it, fresh] = region_names.try_emplace(region.values[e]);
        if (fresh) {
          const RegionCode r = RegionCode::from_code(static_cast<int32_t>(region.values[e]));
          it->second = {r.str(), r.name()};
        }
        row.push_back(XlsxValue::text(it->second.first));
        row.push_back(XlsxValue::text(it->second.second));
      } else {
        row.insert(row.end(), 2, XlsxValue{});
      }
      row.push_back(XlsxValue::text(pool.text(park, e)));
      if (industry.present[e]) {
        auto [it, fresh] = industry_names.try_emplace(industry.values[e]);
        if (fresh) {
          const IndustryCode i = IndustryCode::from_class(static_cast<int32_t>(industry.values[e]));
          it->second = {i.full(), i.name()};
        }
        row.push_back(XlsxValue::text(it->second.first));
        row.push_back(XlsxValue::text(it->second.second));
      } else {
        row.insert(row.end(), 2, XlsxValue{});
      }
      for (size_t k = 0; k < opt.extra.headers.size(); ++k) {
        const bool have = e < opt.extra.cells.size() && k < opt.extra.cells[e].size();
        row.push_back(have ? XlsxValue::text(opt.extra.cells[e][k]) : XlsxValue{});
      }
      GRADUS_TRY(sink.row(row));
    }
  }
  return sink.close();
}

// One problem as a line of the text report: valid UTF-8, a line break inside it shown as \n.
std::string report_line(const InputError& e, Lang lang) {
  const std::string clean = clean_utf8(format_input_error(e, lang));
  std::string out;
  for (char c : clean) {
    if (c == '\n') {
      out += "\\n";
    } else if (c == '\r') {
      out += "\\r";
    } else {
      out += c;
    }
  }
  return out;
}

// A cell as the text a reader sees (the notes sheet's example column).
std::string cell_text(const XlsxValue& v) {
  switch (v.kind) {
    case XlsxValue::Kind::empty:
      return {};
    case XlsxValue::Kind::text:
    case XlsxValue::Kind::number:
      return v.str;
    case XlsxValue::Kind::date:
      return v.day.to_string();
    case XlsxValue::Kind::boolean:
      return v.flag ? "true" : "false";
  }
  return {};
}

// What a column of values accepts: each value's label in `lang` with its id, "省部级 [provincial]".
std::string accepted_values(std::span<const EnumValue> values, Lang lang) {
  std::string out;
  for (const EnumValue& v : values) {
    if (!out.empty()) out += pick(lang, "；", "; ");
    out += std::string(lang == Lang::zh ? v.zh : v.en) + " [" + std::string(v.id) + "]";
  }
  return out;
}

std::string accepted_values(const FieldDef& f, Lang lang) {
  if (f.kind == FieldKind::boolean) {
    return pick(lang, "是 / 否（也可写 true/false、1/0）", "yes / no (also true/false, 1/0, 是/否)");
  }
  std::string out = accepted_values(f.values, lang);
  if (f.kind == FieldKind::enum_set) {
    out += pick(lang, "；可填多项，用分号分隔；都不是填 无 [none]",
                "; several: separate by ;  none of them: none");
  }
  return out;
}

// A column of the template's data sheet: a field of the catalogue or a flat-form column that is
// not a field (the year, the event columns).
struct TemplateColumn {
  std::string header;
  const FieldDef* field = nullptr;
  const FlatExtra* extra = nullptr;
  XlsxValue example;
  std::vector<std::string> choices;  // the dropdown's values (labels in the template's language)
  bool strict = true;                // only the choices (false: also a ;-separated list)
};

std::vector<std::string> labels(std::span<const EnumValue> values, Lang lang) {
  std::vector<std::string> out;
  for (size_t i = 0; i < values.size(); ++i) out.push_back(enum_label(values, i, lang));
  return out;
}

std::vector<TemplateColumn> template_columns(Lang lang) {
  std::vector<TemplateColumn> out;
  auto add_field = [&](const FieldDef& f) {
    TemplateColumn c;
    c.header = field_header(f, lang);
    c.field = &f;
    const std::string ex = example(f);
    switch (f.kind) {
      case FieldKind::money:
      case FieldKind::ratio:
      case FieldKind::count:
      case FieldKind::decimal:
        c.example = XlsxValue::number(ex);
        break;
      case FieldKind::date:
        c.example = XlsxValue::date(*Date::parse(ex));
        break;
      case FieldKind::boolean:
        c.choices = {pick(lang, "是", "yes"), pick(lang, "否", "no")};
        c.example = XlsxValue::text(c.choices[0]);
        break;
      case FieldKind::enumeration:
        c.choices = labels(f.values, lang);
        c.example = XlsxValue::text(c.choices.back());
        break;
      case FieldKind::enum_set:
        c.choices = labels(f.values, lang);
        c.choices.push_back(pick(lang, "无", "none"));
        c.strict = false;
        c.example = XlsxValue::text(c.choices[0] + ";" + c.choices[1]);
        break;
      case FieldKind::region:
      case FieldKind::industry:
      case FieldKind::text:
        c.example = XlsxValue::text(ex);
        break;
    }
    if (f.name == "uscc") c.example = XlsxValue::text(std::string(kTemplateExampleUscc));
    if (f.name == "name") {
      c.example = XlsxValue::text(ex + pick(lang, "（示例行，导入前请删除）",
                                            " (example row: delete before importing)"));
    }
    out.push_back(std::move(c));
  };
  auto add_extra = [&](const FlatExtra& x) {
    TemplateColumn c;
    c.header = extra_header(x, lang);
    c.extra = &x;
    FlatTexts texts(lang);
    if (&x == &kYear || x.name == "award_rank") {
      c.example = XlsxValue::number(std::string(x.example));
    } else if (x.type_en == "date") {
      c.example = XlsxValue::date(*Date::parse(x.example));
    } else if (x.name == "award_level") {
      c.choices = labels(award_levels(), lang);
      c.example = XlsxValue::text(c.choices[0]);
    } else if (x.name == "maker_china") {
      c.example = XlsxValue::text(texts.of(maker_china_lists(), 1) + ":2023");
    } else if (x.name == "incidents") {
      c.example = XlsxValue::text(
          texts.of(incident_kinds(), static_cast<size_t>(enum_index(incident_kinds(), "tax_evasion"))) +
          ":2024-03-01");
    } else if (x.name == "titles") {
      c.example = XlsxValue::text(lang == Lang::zh
                                      ? "创新型中小企业:2024-06-30;专精特新中小企业:2025-03-01"
                                      : std::string(x.example));
    } else {
      c.example = XlsxValue::text(std::string(x.example));
    }
    out.push_back(std::move(c));
  };
  for (const FieldDef& f : all_fields()) {
    if (f.scope == FieldScope::enterprise) add_field(f);
  }
  add_extra(kYear);
  for (const FieldDef& f : all_fields()) {
    if (f.scope == FieldScope::yearly) add_field(f);
  }
  for (const FlatExtra& x : kEventColumns) add_extra(x);
  return out;
}

}  // namespace

Status write_import_template(const std::string& path, Lang lang) {
  return guarded([&]() -> Status {
    XlsxWriter::Options wo;
    wo.constant_memory = false;  // a small workbook with comments
    Result<std::unique_ptr<XlsxWriter>> w = XlsxWriter::create(path, wo);
    if (!w) return w.error();
    XlsxSink writer(std::move(*w));
    XlsxSink* sink = &writer;
    // The data sheet: static fields, year, yearly fields, then the event columns; each with its
    // example value and, for an enumeration or yes/no, its dropdown choices.
    const std::vector<TemplateColumn> data = template_columns(lang);
    const std::string choices_sheet = pick(lang, "说明-下拉选项", "Notes-choices");
    std::vector<XlsxColumn> cols;
    std::vector<const TemplateColumn*> with_choices;
    for (const TemplateColumn& c : data) {
      XlsxColumn col{c.header, 0};
      if (c.field != nullptr && c.field->name == "uscc") {
        col.width = 24;
        col.as_text = true;
      }
      if (c.field != nullptr && c.field->name == "name") col.width = 36;
      if (!c.choices.empty()) {
        const std::string letter = column_name(static_cast<uint32_t>(with_choices.size()));
        col.choices = "='" + choices_sheet + "'!$" + letter + "$2:$" + letter + "$" +
                      std::to_string(c.choices.size() + 1);
        col.choices_strict = c.strict;
        with_choices.push_back(&c);
      }
      cols.push_back(std::move(col));
    }
    GRADUS_TRY(sink->table(pick(lang, "企业数据", "Data"), "", cols));
    Row example_row;
    for (const TemplateColumn& c : data) example_row.push_back(c.example);
    GRADUS_TRY(writer.writer().add_row(example_row, RowStyle::example));
    GRADUS_TRY(writer.writer().comment_last_row(
        0, pick(lang,
                "示例行：照此填写后删除本行。不删除时导入会在这一行报错（信用代码不是有效代码），"
                "整个文件不导入。",
                "Example row: fill in your rows like this one, then delete it. If it is left in, "
                "the import stops at this row (its credit code is not a valid code) and imports "
                "nothing.")));

    std::vector<XlsxColumn> notes = columns({{"表头", "header"},
                                             {"字段名", "field"},
                                             {"中文名", "label (zh)"},
                                             {"英文名", "label (en)"},
                                             {"单位", "unit"},
                                             {"类型", "type"},
                                             {"范围", "scope"},
                                             {"可选值", "allowed values"},
                                             {"示例", "example"},
                                             {"说明", "note"}},
                                            lang);
    notes[0].width = 28;
    notes[2].width = 28;
    notes[3].width = 36;
    notes[7].width = 60;
    notes[8].width = 28;
    notes[9].width = 40;
    GRADUS_TRY(sink->table(pick(lang, "说明", "Notes"), "", notes));
    auto text = [](std::string_view v) { return XlsxValue::text(std::string(v)); };
    for (const TemplateColumn& c : data) {
      std::string note;
      if (c.field != nullptr) {
        const FieldDef& f = *c.field;
        if (f.kind == FieldKind::money) {
          note = pick(lang, "单位万元；表头写“（元）”的列按元填写，导入时换算",
                      "in 万元; a column headed “(元)” is in yuan and converted");
        } else if (f.name == "uscc") {
          note = pick(lang, "必填；18 位，校验位会被检查；本列为文本格式，请勿改成数字",
                      "required; 18 characters, check characters verified; the column is text: "
                      "keep it so, or Excel rounds all-digit codes");
        } else if (f.extension) {
          note = pick(lang, "扩展字段（不在固定数据约定中）",
                      "extension (not in the fixed data contract)");
        }
        if (!c.choices.empty()) {
          note += std::string(note.empty() ? "" : pick(lang, "；", "; ")) +
                  (c.strict ? pick(lang, "可从下拉列表选择", "choose from the dropdown")
                            : pick(lang, "可从下拉列表选择一项，多项用分号分隔",
                                   "choose one from the dropdown; several: separate by ;"));
        }
        const bool yearly = f.scope == FieldScope::yearly;
        Row r = {text(c.header),
                 text(f.name),
                 text(f.zh),
                 text(f.en),
                 text(lang == Lang::zh ? unit_zh(f.kind) : unit_en(f.kind)),
                 text(kind_name(f.kind, lang)),
                 text(yearly ? pick(lang, "每年一行（需填年度）", "yearly (needs the year)")
                             : pick(lang, "企业（每家一个值）", "enterprise (one value)")),
                 text(accepted_values(f, lang)),
                 text(cell_text(c.example)),
                 text(note)};
        GRADUS_TRY(sink->row(r));
        continue;
      }
      const FlatExtra& x = *c.extra;
      std::string allowed;
      if (x.name == "award_level") allowed = accepted_values(award_levels(), lang);
      if (x.name == "maker_china") allowed = accepted_values(maker_china_lists(), lang);
      if (x.name == "incidents") allowed = accepted_values(incident_kinds(), lang);
      if (x.name == "titles") {
        allowed = pick(lang, "政策编号（如 srdi-sme）或称号中文名（如 专精特新中小企业）",
                       "policy id (e.g. srdi-sme) or the tier's Chinese name");
      }
      const bool year = &x == &kYear;
      Row r = {text(c.header),
               text(x.name),
               text(x.zh),
               text(x.en_label),
               text(""),
               text(lang == Lang::zh ? x.type_zh : x.type_en),
               text(year ? pick(lang, "本行年度数据所属的财年", "the fiscal year of the row's yearly facts")
                         : pick(lang, "企业（各行合并）", "enterprise (rows merged)")),
               text(allowed),
               text(cell_text(c.example)),
               text(c.choices.empty() ? "" : pick(lang, "可从下拉列表选择", "choose from the dropdown"))};
      GRADUS_TRY(sink->row(r));
    }

    // The dropdowns' choices: one column per dropdown column, on a hidden sheet (a literal list
    // is limited to 255 characters). Its name starts with 说明 / Notes, so the importer skips it.
    std::vector<XlsxColumn> choice_cols;
    size_t longest = 0;
    for (const TemplateColumn* c : with_choices) {
      choice_cols.push_back(XlsxColumn{c->header, 0});
      longest = std::max(longest, c->choices.size());
    }
    SheetOptions hidden;
    hidden.hidden = true;
    hidden.filter = false;
    GRADUS_TRY(sink->table(choices_sheet, "", choice_cols, hidden));
    for (size_t i = 0; i < longest; ++i) {
      Row r;
      for (const TemplateColumn* c : with_choices) {
        r.push_back(i < c->choices.size() ? XlsxValue::text(c->choices[i]) : XlsxValue{});
      }
      GRADUS_TRY(sink->row(r));
    }
    return sink->close();
  });
}

Status export_pool_xlsx(const Pool& pool, const std::string& path, const ExportOptions& options) {
  return guarded([&]() -> Status {
    Result<std::unique_ptr<Sink>> sink = xlsx_sink(path, options.max_rows_per_sheet);
    if (!sink) return sink.error();
    return write_pool(pool, **sink, options);
  });
}

Status export_pool_csv(const Pool& pool, const std::string& directory,
                       const ExportOptions& options) {
  return guarded([&]() -> Status {
    Result<std::unique_ptr<Sink>> sink = csv_sink(directory);
    if (!sink) return sink.error();
    return write_pool(pool, **sink, options);
  });
}

Status convert_flat_csv_to_xlsx(const std::string& csv_path, const std::string& xlsx_path,
                                bool sheet_per_year) {
  return guarded([&]() -> Status {
    std::ifstream in(csv_path, std::ios::binary);
    if (!in)
      return error(StatusCode::io_error, "无法打开文件 " + csv_path,
                   "cannot open the file " + csv_path);
    const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    Result<std::string_view> text = check_text_encoding(bytes);
    if (!text) return text.error();
    CsvReader reader(*text);
    CsvRecord rec;
    std::vector<std::string> header;
    while (reader.next(rec)) {
      if (!rec.blank()) {
        header = rec.cells;
        break;
      }
    }
    if (header.empty()) return invalid("CSV 文件没有表头行", "the CSV file has no header row");
    enum class Type { text, number, date, year };
    std::vector<Type> types;
    std::optional<size_t> year_col;
    for (size_t i = 0; i < header.size(); ++i) {
      bool in_yuan = false;
      const FieldDef* f = find_field_by_header(header[i], &in_yuan);
      const std::string h = ascii_lower(trim(header[i]));
      Type t = Type::text;
      if (f != nullptr && f->numeric()) t = Type::number;
      if (f != nullptr && f->kind == FieldKind::date) t = Type::date;
      if (h == "high_tech_enterprise_valid_to" || h == "award_date") t = Type::date;
      if (h == "award_rank") t = Type::number;
      if (h == "year" || h == "年度") {
        t = Type::year;
        year_col = i;
      }
      types.push_back(t);
    }
    // Rows by sheet, in order of first appearance.
    std::vector<std::pair<std::string, std::vector<Row>>> sheets;
    auto sheet_for = [&](const std::string& name) -> std::vector<Row>& {
      for (auto& [n, rows] : sheets) {
        if (n == name) return rows;
      }
      sheets.emplace_back(name, std::vector<Row>{});
      return sheets.back().second;
    };
    while (reader.next(rec)) {
      if (rec.blank()) continue;
      Row r;
      std::string year;
      for (size_t i = 0; i < rec.cells.size(); ++i) {
        const std::string v(trim(rec.cells[i]));
        const Type t = i < types.size() ? types[i] : Type::text;
        if (v.empty()) {
          r.push_back(XlsxValue{});
        } else if ((t == Type::number || t == Type::year) && Decimal::parse(v).ok() &&
                   v.find(',') == std::string::npos) {
          r.push_back(XlsxValue::number(Decimal::parse(v)->to_string()));
          if (t == Type::year) year = v;
        } else if (t == Type::date && v.size() == 10 && Date::parse(v).ok()) {
          r.push_back(XlsxValue::date(*Date::parse(v)));
        } else if (v == "true" || v == "false") {
          r.push_back(XlsxValue::boolean(v == "true"));
        } else {
          r.push_back(XlsxValue::text(v));
        }
      }
      sheet_for(sheet_per_year && year_col && !year.empty() ? year : std::string("data"))
          .push_back(std::move(r));
    }
    Result<std::unique_ptr<XlsxWriter>> w = XlsxWriter::create(xlsx_path);
    if (!w) return w.error();
    std::vector<XlsxColumn> cols;
    for (const std::string& h : header) cols.push_back(XlsxColumn{h, 0});
    for (const auto& [name, rows] : sheets) {
      GRADUS_TRY((*w)->add_sheet(name, cols));
      for (const Row& r : rows) GRADUS_TRY((*w)->add_row(r));
    }
    std::vector<XlsxColumn> note = {{"说明 / Notes", 80}};
    GRADUS_TRY((*w)->add_sheet("说明", note, false));
    const std::string source = std::filesystem::path(csv_path).filename().string();
    Row line = {
        XlsxValue::text("由 " + source + " 生成：平表格式，" +
                        (sheet_per_year ? std::string("每个财年一个工作表。") : std::string("")) +
                        " Generated from " + source + " (flat form" +
                        (sheet_per_year ? ", one sheet per fiscal year" : "") + ").")};
    GRADUS_TRY((*w)->add_row(line));
    return (*w)->close();
  });
}

Status write_table_xlsx(const std::string& path, const Table& table) {
  return guarded([&]() -> Status {
    XlsxWriter::Options options;
    options.max_rows_per_sheet = table.max_rows_per_sheet;
    Result<std::unique_ptr<XlsxWriter>> w = XlsxWriter::create(path, options);
    if (!w) return w.error();
    std::vector<XlsxColumn> cols;
    for (const std::string& h : table.headers) cols.push_back(XlsxColumn{h, 0});
    GRADUS_TRY((*w)->add_sheet(table.sheet, cols));
    for (const std::vector<std::string>& row : table.rows) {
      Row r;
      for (size_t k = 0; k < row.size(); ++k) {
        const bool numeric = k < table.numeric.size() && table.numeric[k];
        r.push_back(numeric && Decimal::parse(row[k]).ok() ? XlsxValue::number(row[k]) : XlsxValue::text(row[k]));
      }
      GRADUS_TRY((*w)->add_row(r));
    }
    if (!table.notes.empty()) {
      std::vector<XlsxColumn> note = {{"说明 / Notes", 100}};
      GRADUS_TRY((*w)->add_sheet("说明", note, false));
      for (const std::string& line : table.notes) {
        Row r = {XlsxValue::text(line)};
        GRADUS_TRY((*w)->add_row(r));
      }
    }
    return (*w)->close();
  });
}

Status write_error_report(const std::string& path, ReportFormat format, const IngestReport& report,
                          Lang lang) {
  return guarded([&]() -> Status {
    if (format == ReportFormat::text) {
      const std::string temp = path + ".part";
      std::ofstream out(temp, std::ios::binary | std::ios::trunc);
      if (!out)
        return error(StatusCode::io_error, "无法写入文件 " + path, "cannot write the file " + path);
      const std::string errs = std::to_string(report.errors.size());
      const std::string warns = std::to_string(report.warnings.size());
      const std::string loaded = std::to_string(report.enterprises_loaded);
      const std::string rejected = std::to_string(report.enterprises_rejected);
      out << (lang == Lang::zh
                  ? "错误 " + errs + " 个，警告 " + warns + " 个；读取 " +
                        std::to_string(report.rows_read) + " 行，导入企业 " + loaded +
                        " 家，拒绝 " + rejected + " 家\n"
                  : std::to_string(report.errors.size()) + " errors, " + warns + " warnings; " +
                        std::to_string(report.rows_read) + " rows read, " + loaded +
                        " enterprises loaded, " + rejected + " rejected\n");
      for (const InputError& e : report.errors) {
        out << (lang == Lang::zh ? "错误：" : "error: ") << report_line(e, lang) << "\n";
      }
      for (const InputError& e : report.warnings) {
        out << (lang == Lang::zh ? "警告：" : "warning: ") << report_line(e, lang) << "\n";
      }
      out.close();
      std::error_code ec;
      if (!out) {
        std::filesystem::remove(temp, ec);
        return error(StatusCode::io_error, "无法写入文件 " + path, "cannot write the file " + path);
      }
      std::filesystem::rename(temp, path, ec);
      if (ec)
        return error(StatusCode::io_error, "无法写入文件 " + path, "cannot write the file " + path);
      return {};
    }
    std::unique_ptr<Sink> sink;
    std::string file = path;
    if (format == ReportFormat::xlsx) {
      Result<std::unique_ptr<Sink>> s = xlsx_sink(path);
      if (!s) return s.error();
      sink = std::move(*s);
    } else {
      const std::filesystem::path p(path);
      const std::string dir = p.has_parent_path() ? p.parent_path().string() : ".";
      sink = std::make_unique<CsvSink>(dir);
      file = p.filename().string();
    }
    std::vector<XlsxColumn> cols = {{pick(lang, "级别", "severity"), 8},
                                    {pick(lang, "文件", "file"), 16},
                                    {pick(lang, "工作表", "sheet"), 10},
                                    {pick(lang, "行", "row"), 7},
                                    {pick(lang, "列", "column"), 20},
                                    {pick(lang, "值", "value"), 20},
                                    {pick(lang, "统一社会信用代码", "uscc"), 21},
                                    {"原因", 60},
                                    {"reason", 60}};
    GRADUS_TRY(sink->table(pick(lang, "导入问题", "Problems"), file, cols));
    auto add = [&](const InputError& e, bool is_error) -> Status {
      const std::string where = e.firm && e.row > 0
                                    ? (lang == Lang::zh ? "第 " : "firm ") + std::to_string(e.row) +
                                          (lang == Lang::zh ? " 家企业" : "")
                                    : "";
      Row r = {
          XlsxValue::text(is_error ? pick(lang, "错误", "error") : pick(lang, "警告", "warning")),
          XlsxValue::text(e.file),
          XlsxValue::text(e.sheet),
          e.row == 0 ? XlsxValue{}
          : e.firm   ? XlsxValue::text(where)
                     : XlsxValue::number(std::to_string(e.row)),
          XlsxValue::text(e.column),
          XlsxValue::text(e.value),
          XlsxValue::text(e.uscc),
          XlsxValue::text(e.reason.zh),
          XlsxValue::text(e.reason.en)};
      return sink->row(r);
    };
    for (const InputError& e : report.errors) GRADUS_TRY(add(e, true));
    for (const InputError& e : report.warnings) GRADUS_TRY(add(e, false));
    return sink->close();
  });
}

}  // namespace gradus
