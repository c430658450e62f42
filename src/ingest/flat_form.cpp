// Flat-form rows (CSV or JSON row objects) → pool, with per-cell and per-row checks.
#include "ingest/flat_form.h"

#include <map>

#include "ingest/checks.h"
#include "ingest/csv_reader.h"
#include "ingest/values.h"

namespace gradus::ingest {

namespace {

using K = FlatColumnKind;

struct HeaderAlias {
  std::string_view text;
  FlatColumnKind kind;
};

// English names and Chinese labels of the columns that are not fields of the catalogue.
constexpr HeaderAlias kHeaderAliases[] = {
    {"year", K::year},
    {"年度", K::year},
    {"年份", K::year},
    {"财年", K::year},
    {"会计年度", K::year},
    {"high_tech_enterprise_valid_to", K::hte_valid_to},
    {"高新技术企业证书有效期至", K::hte_valid_to},
    {"高新技术企业有效期至", K::hte_valid_to},
    {"高企证书有效期至", K::hte_valid_to},
    {"award_level", K::award_level},
    {"获奖级别", K::award_level},
    {"award_rank", K::award_rank},
    {"获奖排名", K::award_rank},
    {"award_date", K::award_date},
    {"获奖日期", K::award_date},
    {"award_name", K::award_name},
    {"奖项名称", K::award_name},
    {"maker_china", K::maker_china},
    {"创客中国", K::maker_china},
    {"titles", K::titles},
    {"已获称号", K::titles},
    {"称号", K::titles},
    {"incidents", K::incidents},
    {"不良事件", K::incidents},
    {"不良记录", K::incidents},
};

// The header without a trailing parenthesised note, width-normalised and lower-cased.
std::string header_key(std::string_view header) {
  std::string norm = normalize_width(trim(header));
  std::string_view h = trim(norm);
  if (h.ends_with(")")) {
    const size_t open = h.rfind('(');
    if (open != std::string_view::npos && open > 0) h = trim(h.substr(0, open));
  }
  return ascii_lower(h);
}

}  // namespace

bool FlatLoader::set_header(std::span<const std::string> headers,
                            std::span<const uint32_t> declared_at) {
  columns_.clear();
  uscc_column_.reset();
  year_column_.reset();
  std::map<std::pair<int, int>, size_t> seen;  // (kind, field id) → column
  for (size_t i = 0; i < headers.size(); ++i) {
    Column col;
    col.header = std::string(trim(headers[i]));
    const uint32_t at = i < declared_at.size() ? declared_at[i] : 1;
    if (col.header.empty()) {
      col.kind = Kind::unnamed;
      col.header = "#" + std::to_string(i + 1);  // named by position in messages
      columns_.push_back(std::move(col));
      continue;
    }
    const std::string key = header_key(col.header);
    for (const HeaderAlias& a : kHeaderAliases) {
      if (a.text == key) col.kind = a.kind;
    }
    bool bad_unit = false;
    if (col.kind == Kind::ignored) {
      bool in_yuan = false;
      col.field = find_field_by_header(col.header, &in_yuan);
      if (col.field != nullptr) {
        col.kind = col.field->name == "uscc" ? Kind::uscc : Kind::field;
        if (std::optional<Text> bad = check_header_unit(*col.field, col.header, &col.in_yuan)) {
          ctx_.error(std::nullopt, Origin{at, col.header, ""},
                     Text{bad->zh + "；该列被忽略", bad->en + "; the column is ignored"});
          col.kind = Kind::ignored;
          bad_unit = true;
        }
      }
    }
    if (bad_unit) {
      // Reported above.
    } else if (col.kind == Kind::ignored) {
      ctx_.error(std::nullopt, Origin{at, col.header, ""},
                 Text{"未知的列：不是数据约定中的字段（见 docs/data-format.md）；该列被忽略",
                      "unknown column: not a field of the data contract (see "
                      "docs/data-format.md); the column is ignored"});
    } else {
      const std::pair<int, int> id{static_cast<int>(col.kind), col.field ? col.field->id : -1};
      auto [it, inserted] = seen.emplace(id, i);
      if (!inserted) {
        const std::string& first = columns_[it->second].header;
        ctx_.error(std::nullopt, Origin{at, col.header, ""},
                   Text{"与列 " + quoted(first) + " 重复；该列被忽略",
                        "repeats the column " + quoted(first) + "; the column is ignored"});
        col.kind = Kind::ignored;
      }
    }
    if (col.kind == Kind::uscc) uscc_column_ = i;
    if (col.kind == Kind::year) year_column_ = i;
    columns_.push_back(std::move(col));
  }
  if (!uscc_column_) {
    ctx_.error(std::nullopt, Origin{declared_at.empty() ? 1 : declared_at[0], "uscc", ""},
               Text{"缺少统一社会信用代码列（uscc），无法读取任何一行",
                    "there is no uscc (统一社会信用代码) column, so no row can be read"});
    return false;
  }
  return true;
}

void FlatLoader::add_row(uint32_t row, std::span<const FlatCell> cells,
                         std::optional<Text> row_error) {
  ctx_.report().rows_read++;
  auto text_of = [&](size_t i) -> std::optional<std::string> {
    if (i >= cells.size() || !cells[i].text) return std::nullopt;
    std::string_view t = trim(*cells[i].text);
    if (t.empty()) return std::nullopt;
    return std::string(t);
  };
  auto origin = [&](size_t i, std::string value) {
    return Origin{row, columns_[i].header, std::move(value)};
  };

  // Whose row is it?
  std::optional<uint32_t> e;
  const std::optional<std::string> uscc_text = text_of(*uscc_column_);
  if (uscc_text) {
    e = ctx_.enterprise(*uscc_text, row, columns_[*uscc_column_].header);
  } else {
    ctx_.error(std::nullopt, origin(*uscc_column_, ""),
               Text{"统一社会信用代码为空：本行无法归属到企业，未导入",
                    "the unified social credit code is missing: the row belongs to no enterprise "
                    "and is not loaded"});
  }
  if (row_error) ctx_.error(e, Origin{row, "", ""}, *row_error);

  // Which fiscal year?
  std::optional<int> year;
  bool duplicate_year = false;
  const std::string year_header = year_column_ ? columns_[*year_column_].header : "year";
  if (year_column_) {
    if (std::optional<std::string> y = text_of(*year_column_)) {
      Result<int> parsed = parse_fiscal_year(*y);
      if (!parsed) {
        ctx_.error(e, origin(*year_column_, *y), parsed.error().message);
      } else {
        year = *parsed;
        if (e) {
          const uint64_t key = (uint64_t{*e} << 32) | static_cast<uint32_t>(*year);
          auto [it, inserted] = year_rows_.emplace(key, row);
          if (!inserted) {
            duplicate_year = true;
            const std::string first = std::to_string(it->second);
            ctx_.error(
                e, origin(*year_column_, *y),
                Text{"重复：同一企业的 " + std::to_string(*year) + " 年度已在第 " + first + " 行",
                     "is a duplicate: the same enterprise already has a row for " +
                         std::to_string(*year) + " (row " + first + ")"});
          }
        }
      }
    }
  }

  struct YearValue {
    FieldId field;
    int64_t raw;
    size_t column;
  };
  std::vector<YearValue> yearly;
  bool reported_no_year = false;
  std::optional<size_t> award[4];  // level, rank, date, name

  for (size_t i = 0; i < columns_.size(); ++i) {
    const Column& c = columns_[i];
    if (c.kind == Kind::ignored || c.kind == Kind::uscc || c.kind == Kind::year) continue;
    if (i < cells.size() && cells[i].error) {
      ctx_.error(e, origin(i, cells[i].written), *cells[i].error);
      continue;
    }
    const std::optional<std::string> text = text_of(i);
    if (!text) continue;
    const Origin at = origin(i, *text);
    switch (c.kind) {
      case Kind::unnamed:
        ctx_.error(e, at, Text{"所在的列没有表头", "is in a column without a header"});
        break;
      case Kind::field: {
        const FieldDef& f = *c.field;
        if (f.kind == FieldKind::text) {
          if (e) ctx_.set_static_text(*e, f, normalize_text_value(f, *text), at);
          break;
        }
        std::optional<Text> warning;
        Result<int64_t> raw = parse_value(f, *text, c.in_yuan, &warning);
        if (!raw) {
          ctx_.error(e, at, raw.error().message);
          break;
        }
        if (warning) ctx_.warning(e, at, *warning);
        if (std::optional<Text> why = check_value(f, *raw)) {
          ctx_.error(e, at, *why);
          break;
        }
        if (f.scope == FieldScope::enterprise) {
          if (e) ctx_.set_static(*e, f, *raw, at);
          break;
        }
        if (!year) {
          if (!reported_no_year && !(year_column_ && text_of(*year_column_))) {
            ctx_.error(
                e, Origin{row, year_header, ""},
                Text{"年度为空，但本行有年度数据（如 " + c.header + "）",
                     "the year is missing, but the row has yearly facts (e.g. " + c.header + ")"});
            reported_no_year = true;
          }
          break;
        }
        yearly.push_back(YearValue{f.id, *raw, i});
        if (e && !duplicate_year) ctx_.builder().set_yearly(*e, f.id, *year, *raw);
        break;
      }
      case Kind::hte_valid_to: {
        Result<Date> d = parse_date_value(*text);
        if (!d) {
          ctx_.error(e, at, d.error().message);
          break;
        }
        HonourRecord h;
        h.kind = static_cast<uint8_t>(enum_index(honour_kinds(), "high_tech_enterprise"));
        h.valid_to = *d;
        h.valid_from = d->plus_years(-3);
        if (e) ctx_.add_honour(*e, h, /*dedup=*/true);
        break;
      }
      case Kind::award_level:
        award[0] = i;
        break;
      case Kind::award_rank:
        award[1] = i;
        break;
      case Kind::award_date:
        award[2] = i;
        break;
      case Kind::award_name:
        award[3] = i;
        break;
      case Kind::maker_china:
      case Kind::titles:
      case Kind::incidents:
        for (const std::string& entry : split_list(*text)) {
          const Origin entry_at = origin(i, entry);
          if (c.kind == Kind::maker_china) {
            Result<MakerChinaRecord> r = parse_maker_china_entry(entry);
            if (!r) {
              ctx_.error(e, entry_at, r.error().message);
            } else if (e) {
              ctx_.add_maker_china(*e, *r, true);
            }
          } else if (c.kind == Kind::titles) {
            Result<TitleRecord> r = parse_title_entry(entry);
            if (!r) {
              ctx_.error(e, entry_at, r.error().message);
            } else if (e) {
              ctx_.add_title(*e, std::move(*r), true);
            }
          } else {
            Result<IncidentRecord> r = parse_incident_entry(entry);
            if (!r) {
              ctx_.error(e, entry_at, r.error().message);
            } else if (r->until && *r->until < r->date) {
              ctx_.error(e, entry_at, Text{"的结束日期早于发生日期", "ends before it starts"});
            } else if (e) {
              ctx_.add_incident(*e, *r, true);
            }
          }
        }
        break;
      case Kind::ignored:
      case Kind::uscc:
      case Kind::year:
        break;
    }
  }

  // One award from the award_* columns.
  if (award[0] || award[1] || award[2] || award[3]) {
    bool ok = true;
    AwardRecord a;
    if (!award[0] || !award[2]) {
      const bool level_missing = !award[0];
      const size_t given = award[0]   ? *award[0]
                           : award[1] ? *award[1]
                           : award[2] ? *award[2]
                                      : *award[3];
      ctx_.error(e, origin(given, *text_of(given)),
                 level_missing ? Text{"给出了奖项，但缺少获奖级别（award_level）",
                                      "gives an award without its level (award_level)"}
                               : Text{"给出了奖项，但缺少获奖日期（award_date）",
                                      "gives an award without its date (award_date)"});
      ok = false;
    }
    if (award[0]) {
      Result<uint8_t> level =
          parse_enum(award_levels(), *text_of(*award[0]), "奖励级别", "award level");
      if (!level) {
        ctx_.error(e, origin(*award[0], *text_of(*award[0])), level.error().message);
        ok = false;
      } else {
        a.level = *level;
      }
    }
    if (award[1]) {
      Result<int> rank = parse_rank(*text_of(*award[1]));
      if (!rank) {
        ctx_.error(e, origin(*award[1], *text_of(*award[1])), rank.error().message);
        ok = false;
      } else {
        a.rank = *rank;
      }
    }
    if (award[2]) {
      Result<Date> date = parse_date_value(*text_of(*award[2]));
      if (!date) {
        ctx_.error(e, origin(*award[2], *text_of(*award[2])), date.error().message);
        ok = false;
      } else {
        a.date = *date;
      }
    }
    if (award[3]) a.name = *text_of(*award[3]);
    if (ok && e) ctx_.add_award(*e, std::move(a), true);
  }

  // Parts never exceed their wholes within one fiscal year.
  auto find_value = [&](std::string_view name) -> const YearValue* {
    const FieldDef* f = find_field(name);
    for (const YearValue& v : yearly) {
      if (v.field == f->id) return &v;
    }
    return nullptr;
  };
  for (const PairRule& rule : yearly_pair_rules()) {
    const YearValue* part = find_value(rule.part);
    const YearValue* whole = find_value(rule.whole);
    if (part == nullptr || whole == nullptr || part->raw <= whole->raw) continue;
    ctx_.error(e, origin(part->column, *text_of(part->column)),
               pair_violation(*find_field(rule.whole), columns_[whole->column].header,
                              *text_of(whole->column)));
  }
}

Status load_flat_csv(std::string_view text, ImportContext& ctx) {
  CsvReader reader(text);
  CsvRecord rec;
  bool have_header = false;
  while (reader.next(rec)) {
    if (!rec.blank()) {
      have_header = true;
      break;
    }
  }
  if (!have_header) {
    return error(StatusCode::parse_error, "文件没有表头行（是空文件吗？）",
                 "the file has no header row (is it empty?)");
  }
  if (rec.error) ctx.error(std::nullopt, Origin{rec.row, "", ""}, *rec.error);
  FlatLoader loader(ctx);
  const std::vector<uint32_t> declared(rec.cells.size(), rec.row);
  if (!loader.set_header(rec.cells, declared)) return Status::ok_status();
  const size_t width = rec.cells.size();

  std::vector<FlatCell> cells;
  while (reader.next(rec)) {
    if (rec.blank()) continue;
    std::optional<Text> row_error = rec.error;
    if (!row_error && rec.cells.size() != width) {
      const std::string n = std::to_string(rec.cells.size());
      const std::string w = std::to_string(width);
      row_error = Text{
          "本行有 " + n + " 个单元格，表头有 " + w + " 列（含逗号的数值要加引号，如 \"12,300\"）",
          "the row has " + n + " cells but the header has " + w +
              " (a value containing a comma must be quoted, e.g. \"12,300\")"};
    }
    cells.assign(rec.cells.size(), FlatCell{});
    for (size_t i = 0; i < rec.cells.size(); ++i) cells[i].text = std::move(rec.cells[i]);
    loader.add_row(rec.row, cells, std::move(row_error));
  }
  return Status::ok_status();
}

Status load_csv_text(std::string_view bytes, const std::string& file, PoolBuilder& builder,
                     IngestReport& report) {
  Result<std::string_view> text = check_text_encoding(bytes);
  if (!text) return text.error();
  ImportContext ctx(file, /*firm_rows=*/false, builder, report);
  Status s = load_flat_csv(*text, ctx);
  if (!s.ok()) return s;
  ctx.finish();
  return Status::ok_status();
}

void load_flat_json(const JsonValue& rows, ImportContext& ctx) {
  // The header is the union of the keys, in order of first appearance.
  std::vector<std::string> headers;
  std::vector<uint32_t> declared;
  std::map<std::string, size_t, std::less<>> index;
  for (size_t r = 0; r < rows.items.size(); ++r) {
    const JsonValue& obj = rows.items[r];
    if (!obj.is_object()) continue;
    for (const auto& [key, value] : obj.members) {
      if (index.emplace(key, headers.size()).second) {
        headers.push_back(key);
        declared.push_back(static_cast<uint32_t>(r + 1));
      }
    }
  }
  FlatLoader loader(ctx);
  if (!loader.set_header(headers, declared)) return;

  std::vector<FlatCell> cells;
  for (size_t r = 0; r < rows.items.size(); ++r) {
    const JsonValue& obj = rows.items[r];
    const uint32_t row = static_cast<uint32_t>(r + 1);
    if (!obj.is_object()) {
      ctx.report().rows_read++;
      ctx.error(std::nullopt, Origin{row, "", json_value_text(obj)},
                Text{"不是对象：每一行应为一个 JSON 对象",
                     "is not an object: each row is a JSON object"});
      continue;
    }
    cells.assign(headers.size(), FlatCell{});
    std::vector<uint8_t> seen(headers.size(), 0);
    std::optional<Text> row_error;
    for (const auto& [key, value] : obj.members) {
      const size_t col = index.find(key)->second;
      FlatCell& cell = cells[col];
      if (seen[col]) {
        row_error =
            Text{"键 " + quoted(key) + " 出现了两次", "the key " + quoted(key) + " appears twice"};
        continue;
      }
      seen[col] = 1;
      switch (value.type) {
        case JsonValue::Type::null:
          break;
        case JsonValue::Type::boolean:
          cell.text = value.boolean ? "true" : "false";
          break;
        case JsonValue::Type::number:
          cell.text = plain_number(value.text);
          break;
        case JsonValue::Type::string:
          cell.text = value.text;
          break;
        case JsonValue::Type::array: {
          std::string joined;
          bool ok = true;
          for (const JsonValue& item : value.items) {
            if (!item.is_scalar() || item.is_null()) {
              ok = false;
              break;
            }
            if (!joined.empty()) joined += ";";
            joined += item.type == JsonValue::Type::number ? plain_number(item.text)
                                                           : json_value_text(item);
          }
          if (ok) {
            cell.text = std::move(joined);
          } else {
            cell.error =
                Text{"列表中只能有字符串或数字", "a list may hold only strings and numbers"};
            cell.written = "[…]";
          }
          break;
        }
        case JsonValue::Type::object:
          cell.error = Text{"应为一个值，而不是对象", "is an object where a value belongs"};
          cell.written = "{…}";
          break;
      }
    }
    loader.add_row(row, cells, std::move(row_error));
  }
}

}  // namespace gradus::ingest
