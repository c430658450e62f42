// Flat-form rows (CSV or JSON row objects) → pool, with per-cell and per-row checks.
#include "ingest/flat_form.h"

#include <map>

#include "ingest/checks.h"
#include "ingest/csv_reader.h"
#include "ingest/encoding.h"
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

FlatLoader::FlatLoader(ImportContext& ctx)
    : ctx_(ctx), year_head_(ctx.report().fact_rows.head), year_entries_(ctx.report().fact_rows.entries) {
  for (const PairRule& rule : yearly_pair_rules()) {
    const FieldDef* part = find_field(rule.part);
    const FieldDef* whole = find_field(rule.whole);
    yearly_pairs_.push_back(PairIds{part->id, whole->id, whole});
  }
  honour_hte_ = static_cast<uint8_t>(enum_index(honour_kinds(), "high_tech_enterprise"));
}

bool FlatLoader::set_header(std::span<const std::string_view> headers,
                            std::span<const uint32_t> declared_at) {
  columns_.clear();
  uscc_column_.reset();
  year_column_.reset();
  std::map<std::pair<int, int>, size_t> seen;  // (kind, field id) → column
  std::vector<std::string> unknown;            // headers the data contract does not know
  uint32_t unknown_at = 0;                     // the row naming the first of them
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
          ctx_.error(std::nullopt, OriginRef{at, col.header, ""},
                     Text{bad->zh + "；该列被忽略", bad->en + "; the column is ignored"});
          col.kind = Kind::ignored;
          bad_unit = true;
        }
      }
    }
    if (bad_unit) {
      // Reported above.
    } else if (col.kind == Kind::ignored && (col.header == kExportNoteHeaderZh || col.header == kExportNoteHeaderEn)) {
      // gradus's own note column of an export: nothing to read.
    } else if (col.kind == Kind::ignored) {
      if (unknown.empty()) unknown_at = at;
      unknown.push_back(col.header);
    } else {
      const std::pair<int, int> id{static_cast<int>(col.kind), col.field ? col.field->id : -1};
      auto [it, inserted] = seen.emplace(id, i);
      if (!inserted) {
        const std::string& first = columns_[it->second].header;
        ctx_.error(std::nullopt, OriginRef{at, col.header, ""},
                   Text{"与列 " + quoted(first) + " 重复；该列被忽略",
                        "repeats the column " + quoted(first) + "; the column is ignored"});
        col.kind = Kind::ignored;
      }
    }
    if (col.kind == Kind::uscc) uscc_column_ = i;
    if (col.kind == Kind::year) year_column_ = i;
    if (col.kind == Kind::field) {
      const FieldDef& f = *col.field;
      col.nonnegative_ok = nonnegative_always_ok(f);
      col.plain_number = !col.in_yuan && (f.kind == FieldKind::money ||
                                          f.kind == FieldKind::count ||
                                          f.kind == FieldKind::decimal);
    }
    columns_.push_back(std::move(col));
  }
  if (!unknown.empty()) {
    // One message for all of them: what they are, and the two ways on.
    std::string list_zh;
    std::string list_en;
    for (const std::string& h : unknown) {
      list_zh += (list_zh.empty() ? "" : "、") + h;
      list_en += (list_en.empty() ? "" : ", ") + h;
    }
    const bool many = unknown.size() > 1;
    if (ctx_.options().ignore_unknown_columns) {
      for (const std::string& h : unknown) {
        ctx_.report().ignored_columns.push_back(
            ctx_.sheet().empty() ? h : ctx_.sheet() + "!" + h);
      }
      ctx_.warning(std::nullopt, OriginRef{unknown_at, "", ""},
                   Text{"以下列不是数据约定中的字段，已按要求忽略（未读取）：" + list_zh,
                        std::string(many ? "these columns are not fields"
                                         : "this column is not a field") +
                            " of the data contract and " + (many ? "were" : "was") +
                            " ignored as asked (not read): " + list_en});
    } else {
      ctx_.error(std::nullopt, OriginRef{unknown_at, "", ""},
                 Text{"未知的列：" + list_zh +
                          "（不是数据约定中的字段，见 docs/data-format.md）。请删除或按字段名改名；"
                          "如果这些列只是本单位自用（如序号、备注），可用 --ignore-unknown-columns "
                          "忽略它们后重新读取",
                      std::string(many ? "unknown columns: " : "unknown column: ") + list_en +
                          " (not " + (many ? "fields" : "a field") +
                          " of the data contract, see docs/data-format.md). Remove or rename " +
                          (many ? "them" : "it") + "; if " + (many ? "they are" : "it is") +
                          " only the office's own (序号, 备注 …), read the file again with "
                          "--ignore-unknown-columns to leave " +
                          (many ? "them" : "it") + " out"});
    }
  }
  if (!uscc_column_) {
    ctx_.error(std::nullopt, OriginRef{declared_at.empty() ? 1 : declared_at[0], "uscc", ""},
               Text{"缺少统一社会信用代码列（uscc），无法读取任何一行",
                    "there is no uscc (统一社会信用代码) column, so no row can be read"});
    return false;
  }
  return true;
}

void FlatLoader::add_row(uint32_t row, std::span<const std::string_view> texts,
                         std::span<const CellProblem> problems, const Text* row_error,
                         const Text* uscc_note) {
  ctx_.report().rows_read++;
  // Cells over the limit are not read (reported once the row's enterprise is known).
  bool oversized = false;
  for (std::string_view t : texts) oversized = oversized || t.size() > kMaxCellBytes;
  // A cell's text, trimmed; empty = missing.
  auto text_of = [&](size_t i) -> std::string_view {
    if (i >= texts.size()) return {};
    const std::string_view t = texts[i];
    if (t.empty() || t.size() > kMaxCellBytes) return {};
    const auto f = static_cast<unsigned char>(t.front());
    const auto b = static_cast<unsigned char>(t.back());
    if (f > ' ' && f < 0x80 && b > ' ' && b < 0x80) return t;  // nothing to trim
    return trim(t);
  };
  auto origin = [&](size_t i, std::string_view value) {
    return OriginRef{row, columns_[i].header, value};
  };

  // Whose row is it?
  std::optional<uint32_t> e;
  const std::string_view uscc_text = text_of(*uscc_column_);
  if (!uscc_text.empty()) {
    e = ctx_.enterprise(uscc_text, row, columns_[*uscc_column_].header, uscc_note);
  } else {
    ctx_.error(std::nullopt, origin(*uscc_column_, ""),
               Text{"统一社会信用代码为空：本行无法归属到企业，未导入",
                    "the unified social credit code is missing: the row belongs to no enterprise "
                    "and is not loaded"});
  }
  if (row_error != nullptr) ctx_.error(e, OriginRef{row, "", ""}, *row_error);
  if (oversized) {
    for (size_t i = 0; i < texts.size() && i < columns_.size(); ++i) {
      if (texts[i].size() <= kMaxCellBytes) continue;
      const std::string n = std::to_string(texts[i].size());
      const std::string limit = std::to_string(kMaxCellBytes);
      ctx_.error(
          e, origin(i, texts[i]),
          Text{"单元格有 " + n + " 字节，超过每个单元格 " + limit + " 字节（1 MiB）的上限，未读取",
               "the cell has " + n + " bytes, more than the limit of " + limit +
                   " bytes (1 MiB) for one cell; it is not read"});
    }
  }

  // Which fiscal year?
  std::optional<int> year;
  bool duplicate_year = false;
  const std::string_view year_header =
      year_column_ ? std::string_view(columns_[*year_column_].header) : std::string_view("year");
  const std::string_view year_text = year_column_ ? text_of(*year_column_) : std::string_view();
  if (!year_text.empty()) {
    Result<int> parsed = parse_fiscal_year(year_text);
    if (!parsed) {
      ctx_.error(e, origin(*year_column_, year_text), parsed.error().message);
    } else {
      year = *parsed;
      if (e) {
        // The row that first gave this enterprise this year, if any (else this row now).
        std::optional<uint32_t> first_row;
        if (year_head_.size() <= *e) year_head_.resize(*e + 1, 0);
        for (uint32_t k = year_head_[*e]; k != 0; k = year_entries_[k - 1].next) {
          if (year_entries_[k - 1].year == *year) {
            first_row = year_entries_[k - 1].row;
            break;
          }
        }
        if (!first_row) {
          year_entries_.push_back(FactRows::Entry{*year, ctx_.row_key(row), year_head_[*e]});
          year_head_[*e] = static_cast<uint32_t>(year_entries_.size());
        }
        if (first_row) {
          duplicate_year = true;
          const Text first = ctx_.row_text(*first_row);
          ctx_.error(e, origin(*year_column_, year_text),
                     Text{"重复：同一企业的 " + std::to_string(*year) + " 年度已在" + first.zh,
                          "is a duplicate: the same enterprise already has a row for " +
                              std::to_string(*year) + " (" + first.en + ")"});
        }
      }
    }
  }

  yearly_.clear();
  bool reported_no_year = false;
  std::optional<size_t> award[4];  // level, rank, date, name

  for (size_t i = 0; i < columns_.size(); ++i) {
    Column& c = columns_[i];
    if (c.kind == Kind::ignored || c.kind == Kind::uscc || c.kind == Kind::year) continue;
    if (i < problems.size() && problems[i].reason != nullptr) {
      ctx_.error(e, origin(i, problems[i].written), *problems[i].reason);
      continue;
    }
    const std::string_view text = text_of(i);
    if (text.empty()) continue;
    // Read before for this enterprise, with nothing to report and the value taken: reading it
    // again would change nothing.
    if (e && c.done_enterprise == *e && text == c.done_text) continue;
    const OriginRef at = origin(i, text);
    bool done = false;  // reading this text again for this enterprise would change nothing
    switch (c.kind) {
      case Kind::unnamed:
        ctx_.error(e, at, Text{"所在的列没有表头", "is in a column without a header"});
        break;
      case Kind::field: {
        const FieldDef& f = *c.field;
        if (f.kind == FieldKind::text) {
          if (e) done = ctx_.set_static_text(*e, f, normalize_text_value(f, text), at);
          break;
        }
        std::optional<Text> warning;
        int64_t value = 0;
        if (c.plain_number && plain_number_value(f, text, &value)) {
          // Written plainly: parse_value would give the same, without a warning.
        } else {
          Result<int64_t> raw = parse_value(f, text, c.in_yuan, &warning);
          if (!raw) {
            ctx_.error(e, at, raw.error().message);
            break;
          }
          value = *raw;
        }
        if (warning) ctx_.warning(e, at, *warning);
        if (!(c.nonnegative_ok && value >= 0)) {
          if (std::optional<Text> why = check_value(f, value)) {
            ctx_.error(e, at, *why);
            break;
          }
        }
        if (f.scope == FieldScope::enterprise) {
          if (e) done = ctx_.set_static(*e, f, value, at) && !warning;
          break;
        }
        if (!year) {
          if (!reported_no_year && year_text.empty()) {
            ctx_.error(
                e, OriginRef{row, year_header, ""},
                Text{"年度为空，但本行有年度数据（如 " + c.header + "）",
                     "the year is missing, but the row has yearly facts (e.g. " + c.header + ")"});
            reported_no_year = true;
          }
          break;
        }
        yearly_.push_back(YearValue{f.id, value, i});
        if (e && !duplicate_year) ctx_.builder().set_yearly(*e, f.id, *year, value);
        break;
      }
      case Kind::hte_valid_to: {
        Result<Date> d = parse_date_value(text);
        if (!d) {
          ctx_.error(e, at, d.error().message);
          break;
        }
        HonourRecord h;
        h.kind = honour_hte_;
        h.valid_to = *d;
        h.valid_from = d->plus_years(-3);
        if (e) {
          ctx_.add_honour(*e, h, /*dedup=*/true);
          done = true;
        }
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
      case Kind::incidents: {
        bool ok = true;
        for_each_list_entry(text, [&](std::string_view entry) {
          const OriginRef entry_at = origin(i, entry);
          if (c.kind == Kind::maker_china) {
            Result<MakerChinaRecord> r = parse_maker_china_entry(entry);
            if (!r) {
              ctx_.error(e, entry_at, r.error().message);
              ok = false;
            } else if (e) {
              ctx_.add_maker_china(*e, *r, true);
            }
          } else if (c.kind == Kind::titles) {
            Result<TitleRecord> r = parse_title_entry(entry);
            if (!r) {
              ctx_.error(e, entry_at, r.error().message);
              ok = false;
            } else if (e) {
              ctx_.add_title(*e, std::move(*r), true);
            }
          } else {
            Result<IncidentRecord> r = parse_incident_entry(entry);
            if (!r) {
              ctx_.error(e, entry_at, r.error().message);
              ok = false;
            } else if (r->until && *r->until < r->date) {
              ctx_.error(e, entry_at, Text{"的结束日期早于发生日期", "ends before it starts"});
              ok = false;
            } else if (e) {
              ctx_.add_incident(*e, *r, true);
            }
          }
        });
        done = ok && e.has_value();
        break;
      }
      case Kind::ignored:
      case Kind::uscc:
      case Kind::year:
        break;
    }
    if (done) {
      c.done_enterprise = *e;
      c.done_text.assign(text);
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
      ctx_.error(e, origin(given, text_of(given)),
                 level_missing ? Text{"给出了奖项，但缺少获奖级别（award_level）",
                                      "gives an award without its level (award_level)"}
                               : Text{"给出了奖项，但缺少获奖日期（award_date）",
                                      "gives an award without its date (award_date)"});
      ok = false;
    }
    if (award[0]) {
      Result<uint8_t> level =
          parse_enum(award_levels(), text_of(*award[0]), "奖励级别", "award level");
      if (!level) {
        ctx_.error(e, origin(*award[0], text_of(*award[0])), level.error().message);
        ok = false;
      } else {
        a.level = *level;
      }
    }
    if (award[1]) {
      Result<int> rank = parse_rank(text_of(*award[1]));
      if (!rank) {
        ctx_.error(e, origin(*award[1], text_of(*award[1])), rank.error().message);
        ok = false;
      } else {
        a.rank = *rank;
      }
    }
    if (award[2]) {
      Result<Date> date = parse_date_value(text_of(*award[2]));
      if (!date) {
        ctx_.error(e, origin(*award[2], text_of(*award[2])), date.error().message);
        ok = false;
      } else {
        a.date = *date;
      }
    }
    if (award[3]) a.name = std::string(text_of(*award[3]));
    if (ok && e) ctx_.add_award(*e, std::move(a), true);
  }

  // Parts never exceed their wholes within one fiscal year.
  auto find_value = [&](FieldId f) -> const YearValue* {
    for (const YearValue& v : yearly_) {
      if (v.field == f) return &v;
    }
    return nullptr;
  };
  if (yearly_.size() >= 2) {
    for (const PairIds& rule : yearly_pairs_) {
      const YearValue* part = find_value(rule.part);
      const YearValue* whole = find_value(rule.whole);
      if (part == nullptr || whole == nullptr || part->raw <= whole->raw) continue;
      ctx_.error(e, origin(part->column, text_of(part->column)),
                 pair_violation(*rule.whole_field, columns_[whole->column].header,
                                text_of(whole->column)));
    }
  }
}

FlatCsvRows::FlatCsvRows(ImportContext& ctx) : ctx_(ctx), loader_(ctx) {}

void FlatCsvRows::add(const CsvRecordView& rec) {
  if (!usable_ || rec.blank()) return;
  if (!have_header_) {
    have_header_ = true;
    if (rec.error) ctx_.error(std::nullopt, OriginRef{rec.row, "", ""}, *rec.error);
    const std::vector<uint32_t> declared(rec.cells.size(), rec.row);
    usable_ = loader_.set_header(rec.cells, declared);
    width_ = rec.cells.size();
    return;
  }
  const Text* row_error = rec.error ? &*rec.error : nullptr;
  std::optional<Text> count_error;
  if (row_error == nullptr && rec.cells.size() != width_) {
    const std::string n = std::to_string(rec.cells.size());
    const std::string w = std::to_string(width_);
    count_error = Text{
        "本行有 " + n + " 个单元格，表头有 " + w + " 列（含逗号的数值要加引号，如 \"12,300\"）",
        "the row has " + n + " cells but the header has " + w +
            " (a value containing a comma must be quoted, e.g. \"12,300\")"};
    row_error = &*count_error;
  }
  loader_.add_row(rec.row, rec.cells, {}, row_error);
}

Status FlatCsvRows::finish() const {
  if (!have_header_) {
    return error(StatusCode::parse_error, "文件没有表头行（是空文件吗？）",
                 "the file has no header row (is it empty?)");
  }
  return Status::ok_status();
}

namespace {

// A CSV record (row `row`, from text line `line`) longer than kMaxRecordBytes.
Status record_too_long(uint32_t row, uint32_t line, size_t bytes, bool ended) {
  const std::string r = std::to_string(row);
  const std::string l = std::to_string(line);
  const std::string n = std::to_string(bytes);
  const std::string limit = std::to_string(kMaxRecordBytes);
  return error(StatusCode::parse_error,
               "第 " + r + " 行（从第 " + l + " 行文本开始）" +
                   (ended ? "有 " + n + " 字节" : "读了 " + n + " 字节仍未结束") + "，超过每行 " +
                   limit +
                   " 字节（16 MiB）的上限，文件未导入：这是 CSV 文件吗？是否有未结束的引号？",
               "row " + r + " (from text line " + l + ") " +
                   (ended ? "has " + n + " bytes" : "has not ended after " + n + " bytes") +
                   ", more than the limit of " + limit +
                   " bytes (16 MiB) for one row; the file is not imported: is it a CSV file, or "
                   "does a quoted cell never close?");
}

}  // namespace

Status load_flat_csv(std::string_view text, ImportContext& ctx) {
  CsvReader reader(text);
  CsvRecordView rec;
  FlatCsvRows rows(ctx);
  for (;;) {
    const size_t from = reader.consumed();
    const uint32_t line = reader.line();
    if (!reader.next_view(rec)) break;
    if (reader.consumed() - from > kMaxRecordBytes) {
      return record_too_long(rec.row, line, reader.consumed() - from, /*ended=*/true);
    }
    rows.add(rec);
  }
  return rows.finish();
}

Status load_csv_text(std::string_view bytes, const std::string& file, PoolBuilder& builder,
                     IngestReport& report, const IngestOptions& options) {
  std::string converted;  // the text as UTF-8, when it was GB18030
  std::string encoding;
  Result<std::string_view> decoded = decode_csv_bytes(bytes, &converted, &encoding);
  if (!decoded) return decoded.error();
  const std::string_view text = *decoded;
  ImportContext ctx(file, /*firm_rows=*/false, builder, report, options);
  Status s = load_flat_csv(text, ctx);
  if (!s.ok()) return s;
  ctx.finish();
  report.encoding = encoding;
  return Status::ok_status();
}

// Rows read before the input's size is used to size the builder (PoolBuilder::expect).
constexpr uint32_t kSampleRows = 2000;

Status load_csv_stream(const std::function<std::optional<size_t>(char*, size_t)>& read,
                       const std::string& file, PoolBuilder& builder, IngestReport& report,
                       bool* read_failed, size_t chunk, uint64_t total_bytes,
                       const IngestOptions& options, uint32_t* not_utf8_line) {
  const size_t kChunk = std::max<size_t>(chunk, 1);
  *read_failed = false;
  if (not_utf8_line != nullptr) *not_utf8_line = 0;
  // A failure of the whole import leaves the report as it was (the rows read before it do not
  // count: the file is rejected as a whole, like load_csv_text does before reading any row).
  const size_t errors_before = report.errors.size();
  const size_t warnings_before = report.warnings.size();
  const uint32_t rows_before = report.rows_read;
  auto undo = [&] {
    report.errors.erase(report.errors.begin() + static_cast<std::ptrdiff_t>(errors_before),
                        report.errors.end());
    report.warnings.erase(report.warnings.begin() + static_cast<std::ptrdiff_t>(warnings_before),
                          report.warnings.end());
    report.rows_read = rows_before;
    report.fact_rows = FactRows{};  // the rows of a rejected read point nowhere
  };

  std::string buf;     // the input not yet consumed
  size_t offset = 0;   // position of buf[0] in the whole input
  bool at_end = false;
  // Appends `size` bytes (less only at the end of the input); false when reading failed.
  auto fill = [&](size_t size) -> bool {
    size_t want = size;
    while (want > 0 && !at_end) {
      const size_t old = buf.size();
      buf.resize(old + want);
      std::optional<size_t> got = read(buf.data() + old, want);
      buf.resize(old + got.value_or(0));
      if (!got) return false;
      if (*got == 0) at_end = true;
      want -= std::min(want, *got);
    }
    return true;
  };
  auto fail_read = [&] {
    undo();
    *read_failed = true;
    return Status{StatusCode::io_error, Text{}};
  };

  TextEncodingCheck encoding;
  // Text that is not UTF-8 (and has no BOM saying it is) may be GB18030: the caller is told.
  auto not_text = [&](Status s) {
    if (not_utf8_line != nullptr && encoding.not_utf8() && encoding.bom() == 0) {
      *not_utf8_line = encoding.error_line();
    }
    return s;
  };
  // The first piece holds at least the signatures (byte-order marks, the start of a workbook).
  if (!fill(std::max<size_t>(kChunk, 16))) return fail_read();
  Status s = at_end ? encoding.finish(buf, offset) : encoding.feed(buf, offset);
  if (!s.ok()) return not_text(s);  // nothing read yet
  ImportContext ctx(file, /*firm_rows=*/false, builder, report, options);
  FlatCsvRows rows(ctx);
  const size_t start = encoding.bom();
  CsvReader reader(std::string_view(buf).substr(start, encoding.accepted() - start));
  CsvRecordView rec;
  for (;;) {
    const CsvReader::Step step = reader.next_view(rec, at_end);
    if (step == CsvReader::Step::record) {
      rows.add(rec);
      if (report.rows_read - rows_before == kSampleRows && total_bytes > 0) {
        // Enterprises per byte so far, times the whole input, with a tenth to spare.
        const double read_so_far = static_cast<double>(offset + (reader.rest().data() - buf.data()));
        const double expected = builder.size() * (static_cast<double>(total_bytes) / read_so_far) * 1.1;
        if (expected < 1e9) builder.expect(static_cast<uint32_t>(expected));
      }
      continue;
    }
    if (step == CsvReader::Step::end) break;
    // The text so far ends inside a record: drop what was read, append the next chunk.
    const size_t consumed = static_cast<size_t>(reader.rest().data() - buf.data());
    if (buf.size() - consumed > kMaxRecordBytes) {
      undo();
      return record_too_long(reader.records() + 1, reader.line(), buf.size() - consumed,
                             /*ended=*/false);
    }
    buf.erase(0, consumed);
    offset += consumed;
    if (!fill(kChunk)) return fail_read();
    s = at_end ? encoding.finish(buf, offset) : encoding.feed(buf, offset);
    if (!s.ok()) {
      undo();
      return not_text(s);
    }
    reader.set_text(std::string_view(buf).substr(0, encoding.accepted() - offset), 0);
  }
  s = rows.finish();
  if (!s.ok()) {
    undo();
    return s;
  }
  ctx.finish();
  report.encoding = encoding.bom() != 0 ? "UTF-8 (BOM)" : "UTF-8";
  return Status::ok_status();
}

void load_flat_json(const JsonValue& rows, ImportContext& ctx) {
  static const Text kListProblem{"列表中只能有字符串或数字",
                                 "a list may hold only strings and numbers"};
  static const Text kObjectProblem{"应为一个值，而不是对象", "is an object where a value belongs"};
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
  const std::vector<std::string_view> header_views(headers.begin(), headers.end());
  if (!loader.set_header(header_views, declared)) return;

  std::vector<std::string_view> texts;
  std::vector<CellProblem> problems;
  std::vector<std::string> storage(headers.size());
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
    texts.assign(headers.size(), std::string_view());
    problems.assign(headers.size(), CellProblem{});
    std::vector<uint8_t> seen(headers.size(), 0);
    std::optional<Text> row_error;
    for (const auto& [key, value] : obj.members) {
      const size_t col = index.find(key)->second;
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
          texts[col] = value.boolean ? "true" : "false";
          break;
        case JsonValue::Type::number:
          storage[col] = plain_number(value.text);
          texts[col] = storage[col];
          break;
        case JsonValue::Type::string:
          texts[col] = value.text;
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
            storage[col] = std::move(joined);
            texts[col] = storage[col];
          } else {
            problems[col] = CellProblem{&kListProblem, "[…]"};
          }
          break;
        }
        case JsonValue::Type::object:
          problems[col] = CellProblem{&kObjectProblem, "{…}"};
          break;
      }
    }
    loader.add_row(row, texts, problems, row_error ? &*row_error : nullptr);
  }
}

}  // namespace gradus::ingest
