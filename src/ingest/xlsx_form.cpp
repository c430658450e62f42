// Workbook sheets → FlatLoader rows (see xlsx_form.h).
#include "ingest/xlsx_form.h"

#include <algorithm>
#include <deque>
#include <memory>
#include <vector>

#include "core/uscc.h"
#include "ingest/context.h"
#include "ingest/flat_form.h"
#include "ingest/json_value.h"
#include "xlsx/reader.h"

namespace gradus::ingest {

namespace {

bool blank_row(const XlsxRow& row) {
  for (const XlsxCell& c : row.cells) {
    if (!trim(c.text).empty()) return false;
  }
  return true;
}

bool is_uscc_header(std::string_view header) {
  bool in_yuan = false;
  const FieldDef* f = find_field_by_header(trim(header), &in_yuan);
  return f != nullptr && f->name == "uscc";
}

// Significant digits of a plain decimal ("913209211108331000" → 15).
size_t significant_digits(std::string_view plain) {
  size_t first = plain.find_first_of("123456789");
  if (first == std::string_view::npos) return 0;
  size_t last = plain.find_last_of("123456789");
  size_t n = 0;
  for (size_t i = first; i <= last; ++i) n += plain[i] >= '0' && plain[i] <= '9' ? 1 : 0;
  return n;
}

const Text& number_lost_digits_note() {
  static const Text kNote{
      "Excel 把该代码存成了数字，丢失了末尾几位：请把该列设为文本格式后重新填写",
      "Excel stored this code as a number and lost its last digits: format the column as text "
      "and enter the codes again"};
  return kNote;
}

}  // namespace

bool is_notes_sheet(std::string_view name) {
  const std::string n = ascii_lower(trim(name));
  static constexpr std::string_view kNames[] = {
      "说明",  "填写说明", "填表说明", "使用说明", "注意事项",     "字段说明",
      "notes", "note",     "readme",   "read me",  "instructions", "help",
  };
  for (std::string_view k : kNames) {
    if (n == k) return true;
  }
  return n.starts_with("说明") || n.starts_with("notes");
}

bool is_detail_sheet(std::string_view name) {
  std::string n = ascii_lower(trim(name));
  // A table longer than Excel's row limit continues on "称号(2)", "titles(3)" ….
  if (n.size() > 3 && n.back() == ')') {
    const size_t open = n.rfind('(');
    if (open != std::string::npos && open > 0 && open + 2 < n.size() &&
        std::all_of(n.begin() + static_cast<std::ptrdiff_t>(open) + 1, n.end() - 1,
                    [](unsigned char c) { return std::isdigit(c); })) {
      n.erase(open);
    }
  }
  static constexpr std::string_view kNames[] = {
      "称号",   "不良事件",  "奖项",   "荣誉资质", "创客中国",    "知识产权", "评估结果",
      "titles", "incidents", "awards", "honours",  "maker china", "ip items", "assessment",
  };
  for (std::string_view k : kNames) {
    if (n == k) return true;
  }
  return false;
}

std::string xlsx_number_text(std::string_view stored) {
  std::string plain = plain_number(stored);
  // Count significant digits.
  size_t first = std::string::npos;
  size_t count = 0;
  for (size_t i = 0; i < plain.size(); ++i) {
    const char c = plain[i];
    if (c < '0' || c > '9') {
      if (c != '.' && c != '-' && c != '+') return plain;  // not a number: let the parser say so
      continue;
    }
    if (first == std::string::npos && c != '0') first = i;
    if (first != std::string::npos) ++count;
  }
  if (count <= 15) return plain;
  // Round half up at the 15th significant digit.
  std::string digits;  // all digits, without sign and point
  size_t point = plain.find('.');
  const bool negative = !plain.empty() && plain[0] == '-';
  const std::string body = plain.substr(negative || plain[0] == '+' ? 1 : 0);
  point = body.find('.');
  for (char c : body) {
    if (c != '.') digits.push_back(c);
  }
  const size_t int_len = point == std::string::npos ? body.size() : point;
  size_t lead = 0;
  while (lead < digits.size() && digits[lead] == '0') ++lead;
  const size_t keep = lead + 15;  // digits kept
  const bool up = digits[keep] >= '5';
  digits.resize(keep);
  if (up) {
    size_t i = keep;
    while (i > 0) {
      --i;
      if (digits[i] == '9') {
        digits[i] = '0';
      } else {
        ++digits[i];
        break;
      }
      if (i == 0) digits.insert(digits.begin(), '1');
    }
  }
  const size_t new_int_len = int_len + (digits.size() > keep ? 1 : 0);
  std::string out;
  if (digits.size() <= new_int_len) {
    out = digits + std::string(new_int_len - digits.size(), '0');
  } else {
    out = digits.substr(0, new_int_len) + "." + digits.substr(new_int_len);
    while (out.back() == '0') out.pop_back();
    if (out.back() == '.') out.pop_back();
  }
  const size_t nz = out.find_first_not_of('0');
  if (nz == std::string::npos) {
    out = "0";
  } else if (nz > 0 && out[nz] != '.') {
    out.erase(0, nz);
  } else if (nz > 1) {
    out.erase(0, nz - 1);
  }
  return (negative ? "-" : "") + out;
}

Status load_xlsx_file(const std::string& path, const std::string& file, PoolBuilder& builder,
                      IngestReport& report, const IngestOptions& options) {
  Result<std::unique_ptr<XlsxReader>> book = XlsxReader::open(path);
  if (!book) return book.error();
  XlsxReader& reader = **book;

  // A failure of the whole import leaves the report as it was.
  const size_t errors_before = report.errors.size();
  const size_t warnings_before = report.warnings.size();
  const uint32_t rows_before = report.rows_read;
  auto fail = [&](Status s) {
    report.errors.erase(report.errors.begin() + static_cast<std::ptrdiff_t>(errors_before),
                        report.errors.end());
    report.warnings.erase(report.warnings.begin() + static_cast<std::ptrdiff_t>(warnings_before),
                          report.warnings.end());
    report.rows_read = rows_before;
    return s;
  };

  static const Text kErrorValue{
      "是 Excel 错误值（公式出错）：请填写数值或留空",
      "is an Excel error value (a formula failed): enter the value or leave the cell empty"};
  static const Text kBadSerial{"不是有效的 Excel 日期", "is not a valid Excel date"};
  static const Text kNotUtf8{
      "不是有效的 UTF-8 文本（文件已损坏？），未读取：请在 Excel 中改正该单元格",
      "is not valid UTF-8 text (a damaged file?) and is not read: correct "
      "the cell in Excel"};

  ImportContext ctx(file, /*firm_rows=*/false, builder, report, options);
  FlatLoader loader(ctx);
  size_t data_sheets = 0;
  std::vector<std::string> not_flat;  // sheets with a header but no uscc column
  std::vector<std::string> texts;
  std::vector<std::string_view> views;
  std::vector<CellProblem> problems;
  std::vector<std::string> written;  // the cell as stored, for a problem
  std::deque<Text> cell_reasons;     // reasons naming a cell, for this row's problems
  XlsxRow row;

  for (size_t i = 0; i < reader.sheets().size(); ++i) {
    const std::string& name = reader.sheets()[i].name;
    if (is_notes_sheet(name)) continue;
    if (is_detail_sheet(name)) {
      ctx.set_sheet(name);
      ctx.warning(std::nullopt, OriginRef{},
                  Text{"是导出文件的明细表，导入时不读取（称号、不良事件和创客中国请用企业表的"
                       "“已获称号”“不良事件”“创客中国”列，完整记录请用 JSON 格式）",
                       "is a detail table of an export and is not imported (give titles, "
                       "incidents and 创客中国 entries in the enterprise sheet's titles, incidents "
                       "and maker_china columns, or use the JSON form for full records)"});
      continue;
    }
    Result<std::unique_ptr<XlsxSheetCursor>> cursor = reader.open_sheet(i);
    if (!cursor) return fail(cursor.error());
    ctx.set_sheet(name);

    // The header: the first row that is not blank.
    bool have_header = false;
    for (;;) {
      Result<bool> more = (*cursor)->next(row);
      if (!more) return fail(more.error());
      if (!*more) break;
      if (!blank_row(row)) {
        have_header = true;
        break;
      }
    }
    if (!have_header) continue;  // an empty sheet
    const uint32_t header_row = row.number;
    // The cells need not be in column order (a hand-made or damaged file may have C1 before
    // A1): the header is as wide as its rightmost cell.
    uint32_t rightmost = 0;
    for (const XlsxCell& c : row.cells) rightmost = std::max(rightmost, c.column);
    const size_t width = size_t{rightmost} + 1;
    std::vector<std::string> headers(width);
    for (const XlsxCell& c : row.cells) headers[c.column] = c.text;
    // Trailing empty header cells are not columns.
    size_t used = width;
    while (used > 0 && trim(headers[used - 1]).empty()) --used;
    headers.resize(used);
    if (std::none_of(headers.begin(), headers.end(), is_uscc_header)) {
      not_flat.push_back(name);
      ctx.error(std::nullopt, OriginRef{header_row, "", ""},
                Text{"这一行不是平表表头：没有统一社会信用代码（uscc）列，工作表未读取；"
                     "说明页请命名为“说明”",
                     "this row is not a flat-form header: there is no uscc (统一社会信用代码) "
                     "column, so the sheet is not read; name a notes sheet \"Notes\" or \"说明\""});
      continue;
    }
    ++data_sheets;
    const std::vector<std::string_view> header_views(headers.begin(), headers.end());
    const std::vector<uint32_t> declared(headers.size(), header_row);
    loader.set_header(header_views, declared);
    const std::optional<size_t> uscc_column = loader.uscc_column();

    texts.assign(headers.size(), std::string());
    written.assign(headers.size(), std::string());
    for (;;) {
      Result<bool> more = (*cursor)->next(row);
      if (!more) return fail(more.error());
      if (!*more) break;
      if (blank_row(row)) continue;
      for (std::string& t : texts) t.clear();
      problems.clear();
      cell_reasons.clear();
      std::optional<Text> row_error;
      const Text* uscc_note = nullptr;
      for (XlsxCell& c : row.cells) {
        if (c.column >= texts.size()) {
          if (!trim(c.text).empty() && !row_error) {
            const std::string ref = column_name(c.column) + std::to_string(row.number);
            row_error = Text{"单元格 " + ref + " 有值，但所在的列没有表头",
                             "the cell " + ref + " has a value but its column has no header"};
          }
          continue;
        }
        std::string& t = texts[c.column];
        switch (c.type) {
          case XlsxCellType::number:
            if (uscc_column && c.column == *uscc_column) {
              // A code in a number cell: its digits exactly as the file holds them (never
              // rounded, never through a double). Excel keeps only 15 significant digits, so a
              // code it stored as a number has lost its last ones.
              t = plain_number(c.text);
              if (significant_digits(t) <= 15 && t.size() >= 16) {
                uscc_note = &number_lost_digits_note();
                if (Uscc::parse(t)) {
                  // The check characters happen to hold: still not to be trusted.
                  ctx.warning(std::nullopt,
                              OriginRef{row.number, headers[c.column], t},
                              Text{"是数字单元格，只有 15 位有效数字，可能被 Excel 改动过（校验码"
                                   "恰好相符）：请核对，并把该列设为文本格式",
                                   "is a number cell with only 15 significant digits and may "
                                   "have been changed by Excel (its check characters happen to "
                                   "hold): check it, and format the column as text"});
                }
              }
            } else if (c.is_date) {
              if (std::optional<Date> d = date_from_serial(c.text, reader.date1904())) {
                t = d->to_string();
              } else {
                if (problems.empty()) problems.resize(texts.size());
                written[c.column] = c.text;
                problems[c.column] = CellProblem{&kBadSerial, written[c.column]};
              }
            } else {
              t = xlsx_number_text(c.text);
            }
            break;
          case XlsxCellType::error:
            if (problems.empty()) problems.resize(texts.size());
            written[c.column] = c.text;
            problems[c.column] = CellProblem{&kErrorValue, written[c.column]};
            break;
          case XlsxCellType::boolean:
            t = std::move(c.text);
            break;
          case XlsxCellType::text:
            if (!valid_utf8(c.text)) {
              // Text a workbook cannot hold (XML is Unicode): never stored, and the cell named.
              if (problems.empty()) problems.resize(texts.size());
              const std::string ref = column_name(c.column) + std::to_string(row.number);
              written[c.column] = excerpt(c.text);
              cell_reasons.push_back(Text{"（单元格 " + ref + "）" + kNotUtf8.zh,
                                          "(cell " + ref + ") " + kNotUtf8.en});
              problems[c.column] = CellProblem{&cell_reasons.back(), written[c.column]};
              break;
            }
            t = std::move(c.text);
            break;
        }
      }
      views.assign(texts.begin(), texts.end());
      loader.add_row(row.number, views, problems, row_error ? &*row_error : nullptr, uscc_note);
    }
  }
  ctx.set_sheet("");
  if (data_sheets == 0) {
    std::string zh = "工作簿中没有平表格式的工作表（表头行需有“统一社会信用代码”或 uscc 列）";
    std::string en =
        "no sheet of the workbook is in the flat form (a header row with a uscc / "
        "统一社会信用代码 column)";
    if (!not_flat.empty()) {
      std::string list;
      for (const std::string& s : not_flat) list += (list.empty() ? "" : ", ") + s;
      zh += "；表头不符的工作表：" + list;
      en += "; sheets with other headers: " + list;
    }
    return fail(error(StatusCode::parse_error, zh, en));
  }
  ctx.finish();
  return Status::ok_status();
}

}  // namespace gradus::ingest
