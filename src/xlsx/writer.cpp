// .xlsx writing over libxlsxwriter: written to a temporary file beside the target and renamed on
// close, so that a failed or abandoned export never leaves a half-written workbook.
#include "xlsx/writer.h"

#include <unistd.h>
#include <xlsxwriter.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <optional>
#include <set>
#include <vector>

namespace gradus {

namespace {

// A decimal as sign, significant digits (no leading or trailing zeros) and the power of ten of
// the last digit; nullopt when the text is not a decimal number.
struct Normal {
  bool negative = false;
  std::string digits;
  int exponent = 0;
  bool operator==(const Normal&) const = default;
};

std::optional<Normal> normalise(std::string_view s) {
  Normal n;
  size_t i = 0;
  if (i < s.size() && (s[i] == '-' || s[i] == '+')) n.negative = s[i++] == '-';
  int frac = 0;
  bool point = false;
  bool any = false;
  for (; i < s.size(); ++i) {
    const char c = s[i];
    if (c >= '0' && c <= '9') {
      any = true;
      if (!(n.digits.empty() && c == '0')) n.digits.push_back(c);
      if (point) ++frac;
    } else if (c == '.' && !point) {
      point = true;
    } else {
      break;
    }
  }
  if (!any) return std::nullopt;
  int exp = 0;
  if (i < s.size()) {
    if (s[i] != 'e' && s[i] != 'E') return std::nullopt;
    ++i;
    bool neg = false;
    if (i < s.size() && (s[i] == '-' || s[i] == '+')) neg = s[i++] == '-';
    if (i == s.size()) return std::nullopt;
    for (; i < s.size(); ++i) {
      if (s[i] < '0' || s[i] > '9' || exp > 10000) return std::nullopt;
      exp = exp * 10 + (s[i] - '0');
    }
    if (neg) exp = -exp;
  }
  n.exponent = exp - frac;
  while (!n.digits.empty() && n.digits.back() == '0') {
    n.digits.pop_back();
    ++n.exponent;
  }
  if (n.digits.empty()) return Normal{};  // zero (either sign)
  return n;
}

Status lxw_status(lxw_error e, std::string_view what_zh, std::string_view what_en) {
  const char* why = lxw_strerror(e);
  return error(StatusCode::io_error, std::string(what_zh) + "失败：" + why,
               std::string(what_en) + " failed: " + why);
}

}  // namespace

bool xlsx_number_is_exact(std::string_view decimal) {
  const std::optional<Normal> n = normalise(decimal);
  if (!n) return false;
  if (n->digits.empty()) return true;  // zero
  if (n->digits.size() > 15) return false;
  // Excel holds magnitudes from 1E-307 to 9.99…E+307.
  const int magnitude = n->exponent + static_cast<int>(n->digits.size()) - 1;
  return magnitude >= -307 && magnitude <= 307;
}

double xlsx_text_width(std::string_view s) { return static_cast<double>(display_columns(s)); }

// The first `max_chars` characters (code points) of a UTF-8 text.
static std::string first_chars(std::string_view s, size_t max_chars) {
  size_t i = 0;
  for (size_t n = 0; i < s.size() && n < max_chars; ++n) {
    ++i;
    while (i < s.size() && (static_cast<unsigned char>(s[i]) & 0xC0) == 0x80) ++i;
  }
  return std::string(s.substr(0, i));
}

struct XlsxWriter::Impl {
  std::string path;
  std::string temp;
  Options options;
  lxw_workbook* book = nullptr;
  lxw_worksheet* sheet = nullptr;
  lxw_format* bold = nullptr;
  lxw_format* date = nullptr;
  lxw_format* text = nullptr;          // "@"
  lxw_format* example = nullptr;       // grey italic
  lxw_format* example_date = nullptr;  // grey italic yyyy-mm-dd
  lxw_format* example_text = nullptr;  // grey italic "@"
  uint32_t next_row = 0;
  std::set<std::string> names;  // lower-cased sheet names (Excel compares them without case)

  // The current sheet's layout, kept to start its continuation sheets.
  std::string base_name;
  uint32_t continuation = 1;  // the current sheet is base_name(continuation) when > 1
  std::vector<XlsxColumn> columns;
  SheetOptions sheet_options;

  void finish_sheet() {
    if (sheet == nullptr) return;
    const size_t n = columns.size() + (sheet_options.note_header.empty() ? 0 : 1);
    if (sheet_options.filter && n > 0) {
      worksheet_autofilter(sheet, 0, 0, next_row == 0 ? 0 : next_row - 1,
                           static_cast<lxw_col_t>(n - 1));
    }
  }

  static std::string key_of(std::string_view name) {
    std::string key(name);
    for (char& c : key) {
      if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    }
    return key;
  }

  Status check_name(const std::string& name) const {
    const lxw_error valid = workbook_validate_sheet_name(book, name.c_str());
    if (valid != LXW_NO_ERROR || names.contains(key_of(name))) {
      return invalid(
          "Excel 不接受工作表名 " + quoted(name) + "（最多 31 个字符，不能含 []:*?/\\，不能重名）",
          "Excel does not accept the sheet name " + quoted(name) +
              " (at most 31 characters, none of []:*?/\\, not used twice)");
    }
    return {};
  }

  // Starts sheet `name` with the layout in `columns` / `sheet_options`.
  Status start_sheet(const std::string& name) {
    Status ok = check_name(name);
    if (!ok.ok()) return ok;
    const std::string key = key_of(name);
    finish_sheet();
    sheet = workbook_add_worksheet(book, name.c_str());
    if (sheet == nullptr)
      return lxw_status(LXW_ERROR_MEMORY_MALLOC_FAILED, "添加工作表", "adding a sheet");
    names.insert(key);
    next_row = 0;
    if (sheet_options.hidden) worksheet_hide(sheet);
    std::vector<XlsxColumn> all = columns;
    if (!sheet_options.note_header.empty()) all.push_back(XlsxColumn{sheet_options.note_header, 40});
    double header_height = 15;
    for (size_t i = 0; i < all.size(); ++i) {
      const XlsxColumn& c = all[i];
      const double text_w = xlsx_text_width(c.header);
      const double width = c.width > 0 ? c.width : std::min(std::max(text_w + 2, 8.0), 40.0);
      if (text_w + 2 > width)
        header_height = std::max(header_height, 15.0 * std::min(4.0, (text_w + 2) / width + 1));
      const auto col = static_cast<lxw_col_t>(i);
      worksheet_set_column(sheet, col, col, width, c.as_text ? text : nullptr);
      if (!c.choices.empty()) {
        lxw_data_validation v{};
        v.validate = LXW_VALIDATION_TYPE_LIST_FORMULA;
        std::string formula = c.choices;
        v.value_formula = formula.data();
        v.ignore_blank = LXW_VALIDATION_ON;
        v.show_error = LXW_VALIDATION_ON;
        v.error_type = c.choices_strict ? LXW_VALIDATION_ERROR_TYPE_STOP
                                        : LXW_VALIDATION_ERROR_TYPE_INFORMATION;
        const lxw_error e = worksheet_data_validation_range(
            sheet, 1, col, options.max_rows_per_sheet - 1, col, &v);
        if (e != LXW_NO_ERROR) return lxw_status(e, "添加下拉列表", "adding a dropdown list");
      }
    }
    if (!all.empty()) {
      worksheet_set_row(sheet, 0, header_height, nullptr);
      for (size_t i = 0; i < all.size(); ++i) {
        const std::string h = clean_utf8(all[i].header);
        const lxw_error e =
            worksheet_write_string(sheet, 0, static_cast<lxw_col_t>(i), h.c_str(), bold);
        if (e != LXW_NO_ERROR) return lxw_status(e, "写表头", "writing the header");
      }
      worksheet_freeze_panes(sheet, 1, 0);
      next_row = 1;
    }
    return {};
  }

  // The next free continuation name: "企业(2)", shortened to fit Excel's 31 characters.
  Status continue_sheet() {
    for (;;) {
      ++continuation;
      const std::string suffix = "(" + std::to_string(continuation) + ")";
      const std::string name = first_chars(base_name, 31 - suffix.size()) + suffix;
      if (names.contains(key_of(name))) continue;
      return start_sheet(name);
    }
  }
};

XlsxWriter::XlsxWriter(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

XlsxWriter::~XlsxWriter() {
  if (impl_ && impl_->book != nullptr) {
    workbook_close(impl_->book);  // frees it; the partial file is removed below
    std::remove(impl_->temp.c_str());
  }
}

Result<std::unique_ptr<XlsxWriter>> XlsxWriter::create(const std::string& path) {
  return create(path, Options{});
}

Result<std::unique_ptr<XlsxWriter>> XlsxWriter::create(const std::string& path, Options options) {
  auto impl = std::make_unique<Impl>();
  impl->path = path;
  impl->temp = path + ".part-" + std::to_string(::getpid());
  impl->options = options;
  impl->options.max_rows_per_sheet = std::clamp<uint32_t>(options.max_rows_per_sheet, 2, kXlsxMaxRows);
  // Check that the target's directory can take a file before any work is done.
  std::FILE* probe = std::fopen(impl->temp.c_str(), "wb");
  if (probe == nullptr) {
    return error(StatusCode::io_error, "无法写入文件 " + path, "cannot write the file " + path);
  }
  std::fclose(probe);
  lxw_workbook_options opt{};
  opt.constant_memory = options.constant_memory ? LXW_TRUE : LXW_FALSE;
  opt.tmpdir = nullptr;
  opt.use_zip64 = LXW_TRUE;
  impl->book = workbook_new_opt(impl->temp.c_str(), &opt);
  if (impl->book == nullptr) {
    std::remove(impl->temp.c_str());
    return error(StatusCode::io_error, "无法创建工作簿 " + path,
                 "cannot create the workbook " + path);
  }
  lxw_workbook* b = impl->book;
  impl->bold = workbook_add_format(b);
  format_set_bold(impl->bold);
  format_set_text_wrap(impl->bold);
  format_set_align(impl->bold, LXW_ALIGN_VERTICAL_TOP);
  impl->date = workbook_add_format(b);
  format_set_num_format(impl->date, "yyyy-mm-dd");
  impl->text = workbook_add_format(b);
  format_set_num_format(impl->text, "@");
  impl->example = workbook_add_format(b);
  impl->example_date = workbook_add_format(b);
  impl->example_text = workbook_add_format(b);
  for (lxw_format* f : {impl->example, impl->example_date, impl->example_text}) {
    format_set_italic(f);
    format_set_font_color(f, 0x808080);
  }
  format_set_num_format(impl->example_date, "yyyy-mm-dd");
  format_set_num_format(impl->example_text, "@");
  return std::unique_ptr<XlsxWriter>(new XlsxWriter(std::move(impl)));
}

Status XlsxWriter::add_sheet(std::string_view name, std::span<const XlsxColumn> columns,
                             bool filter) {
  SheetOptions options;
  options.filter = filter;
  return add_sheet(name, columns, options);
}

Status XlsxWriter::add_sheet(std::string_view name, std::span<const XlsxColumn> columns,
                             const SheetOptions& options) {
  if (!impl_ || impl_->book == nullptr) {
    return error(StatusCode::failed_precondition, "工作簿已关闭", "the workbook is closed");
  }
  if (columns.size() + (options.note_header.empty() ? 0 : 1) > 16384) {
    return invalid("列数超过 Excel 上限 16384", "more columns than Excel's limit of 16384");
  }
  const std::string n(name);
  Status ok = impl_->check_name(n);
  if (!ok.ok()) return ok;
  impl_->finish_sheet();  // with the previous sheet's layout
  impl_->sheet = nullptr;
  impl_->base_name = n;
  impl_->continuation = 1;
  impl_->columns.assign(columns.begin(), columns.end());
  impl_->sheet_options = options;
  return impl_->start_sheet(n);
}

Status XlsxWriter::add_row(std::span<const XlsxValue> cells, RowStyle style) {
  if (!impl_ || impl_->book == nullptr || impl_->sheet == nullptr) {
    return error(StatusCode::failed_precondition, "还没有工作表", "no sheet has been added");
  }
  Impl& m = *impl_;
  if (m.next_row >= m.options.max_rows_per_sheet) {
    Status s = m.continue_sheet();
    if (!s.ok()) return s;
  }
  const bool example = style == RowStyle::example;
  const lxw_row_t r = m.next_row;
  std::string note;  // the columns whose number is written as text
  std::string cleaned;
  for (size_t i = 0; i < cells.size(); ++i) {
    const XlsxValue& v = cells[i];
    const auto c = static_cast<lxw_col_t>(i);
    const bool as_text = i < m.columns.size() && m.columns[i].as_text;
    lxw_format* plain = example ? (as_text ? m.example_text : m.example) : nullptr;
    lxw_error e = LXW_NO_ERROR;
    switch (v.kind) {
      case XlsxValue::Kind::empty:
        break;
      case XlsxValue::Kind::text:
        if (!v.str.empty()) {
          cleaned = clean_utf8(v.str);
          e = worksheet_write_string(m.sheet, r, c, cleaned.c_str(), plain);
        }
        break;
      case XlsxValue::Kind::number:
        if (xlsx_number_is_exact(v.str)) {
          e = worksheet_write_number(m.sheet, r, c, std::strtod(v.str.c_str(), nullptr), plain);
        } else {
          cleaned = clean_utf8(v.str);
          e = worksheet_write_string(m.sheet, r, c, cleaned.c_str(), plain);
          if (normalise(v.str)) {
            const std::string header = i < m.columns.size() ? m.columns[i].header
                                                            : std::to_string(i + 1);
            const bool zh = m.sheet_options.note_lang == Lang::zh;
            note += note.empty() ? "" : (zh ? "；" : "; ");
            note += zh ? header + " 以文本写出：超过 15 位有效数字，Excel 的数字会改变它"
                       : header + " written as text: more than 15 significant digits, which an "
                                  "Excel number would change";
          }
        }
        break;
      case XlsxValue::Kind::date: {
        lxw_datetime dt{v.day.year(), v.day.month(), v.day.day(), 0, 0, 0.0};
        if (v.day.year() < 1900 || v.day.year() > 9999) {
          const std::string iso = v.day.to_string();
          e = worksheet_write_string(m.sheet, r, c, iso.c_str(), plain);
        } else {
          e = worksheet_write_datetime(m.sheet, r, c, &dt, example ? m.example_date : m.date);
        }
        break;
      }
      case XlsxValue::Kind::boolean:
        e = worksheet_write_boolean(m.sheet, r, c, v.flag ? 1 : 0, plain);
        break;
    }
    if (e == LXW_ERROR_MAX_STRING_LENGTH_EXCEEDED) {
      return invalid(
          "第 " + std::to_string(r + 1) + " 行的文字超过 Excel 单元格上限（32767 个字符）",
          "row " + std::to_string(r + 1) +
              ": a text longer than an Excel cell holds (32,767 characters)");
    }
    if (e != LXW_NO_ERROR) return lxw_status(e, "写单元格", "writing a cell");
  }
  if (!note.empty() && !m.sheet_options.note_header.empty()) {
    const auto c = static_cast<lxw_col_t>(m.columns.size());
    const lxw_error e = worksheet_write_string(m.sheet, r, c, note.c_str(), example ? m.example : nullptr);
    if (e != LXW_NO_ERROR) return lxw_status(e, "写单元格", "writing a cell");
  }
  m.next_row++;
  return {};
}

Status XlsxWriter::comment_last_row(uint16_t column, std::string_view text) {
  if (!impl_ || impl_->book == nullptr || impl_->sheet == nullptr || impl_->next_row == 0) {
    return error(StatusCode::failed_precondition, "还没有行", "no row has been added");
  }
  const std::string t = clean_utf8(text);
  const lxw_error e = worksheet_write_comment(impl_->sheet, impl_->next_row - 1, column, t.c_str());
  if (e != LXW_NO_ERROR) return lxw_status(e, "写批注", "writing a comment");
  return {};
}

Status XlsxWriter::close() {
  if (!impl_ || impl_->book == nullptr) {
    return error(StatusCode::failed_precondition, "工作簿已关闭", "the workbook is closed");
  }
  impl_->finish_sheet();
  impl_->sheet = nullptr;
  if (impl_->names.empty()) workbook_add_worksheet(impl_->book, nullptr);  // Excel needs one
  const lxw_error e = workbook_close(impl_->book);
  impl_->book = nullptr;
  if (e != LXW_NO_ERROR) {
    std::remove(impl_->temp.c_str());
    return lxw_status(e, "写入 " + impl_->path, "writing " + impl_->path);
  }
  if (std::rename(impl_->temp.c_str(), impl_->path.c_str()) != 0) {
    std::remove(impl_->temp.c_str());
    return error(StatusCode::io_error, "无法写入文件 " + impl_->path,
                 "cannot write the file " + impl_->path);
  }
  return {};
}

}  // namespace gradus
