// .xlsx writing over libxlsxwriter: written to a temporary file beside the target and renamed on
// close, so that a failed or abandoned export never leaves a half-written workbook.
#include "xlsx/writer.h"

#include <unistd.h>
#include <xlsxwriter.h>

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
  const std::optional<Normal> want = normalise(decimal);
  if (!want) return false;
  const std::string text(decimal);
  char* end = nullptr;
  const double d = std::strtod(text.c_str(), &end);
  if (end != text.c_str() + text.size()) return false;
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.16G", d);
  return normalise(buf) == want;
}

double xlsx_text_width(std::string_view s) {
  double w = 0;
  for (size_t i = 0; i < s.size();) {
    const auto c = static_cast<unsigned char>(s[i]);
    size_t len = c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
    w += len >= 3 ? 2.0 : 1.0;
    i += len;
  }
  return w;
}

struct XlsxWriter::Impl {
  std::string path;
  std::string temp;
  lxw_workbook* book = nullptr;
  lxw_worksheet* sheet = nullptr;
  lxw_format* bold = nullptr;
  lxw_format* date = nullptr;
  uint32_t next_row = 0;
  uint16_t filter_columns = 0;  // 0: no filter on the current sheet
  std::set<std::string> names;  // lower-cased sheet names (Excel compares them without case)

  void finish_sheet() {
    if (sheet != nullptr && filter_columns > 0) {
      worksheet_autofilter(sheet, 0, 0, next_row == 0 ? 0 : next_row - 1,
                           static_cast<lxw_col_t>(filter_columns - 1));
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
  impl->bold = workbook_add_format(impl->book);
  format_set_bold(impl->bold);
  format_set_text_wrap(impl->bold);
  format_set_align(impl->bold, LXW_ALIGN_VERTICAL_TOP);
  impl->date = workbook_add_format(impl->book);
  format_set_num_format(impl->date, "yyyy-mm-dd");
  return std::unique_ptr<XlsxWriter>(new XlsxWriter(std::move(impl)));
}

Status XlsxWriter::add_sheet(std::string_view name, std::span<const XlsxColumn> columns,
                             bool filter) {
  if (!impl_ || impl_->book == nullptr) {
    return error(StatusCode::failed_precondition, "工作簿已关闭", "the workbook is closed");
  }
  const std::string n(name);
  std::string key = n;
  for (char& c : key) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  const lxw_error valid = workbook_validate_sheet_name(impl_->book, n.c_str());
  if (valid != LXW_NO_ERROR || impl_->names.contains(key)) {
    return invalid(
        "Excel 不接受工作表名 " + quoted(n) + "（最多 31 个字符，不能含 []:*?/\\，不能重名）",
        "Excel does not accept the sheet name " + quoted(n) +
            " (at most 31 characters, none of []:*?/\\, not used twice)");
  }
  if (columns.size() > 16384) {
    return invalid("列数超过 Excel 上限 16384", "more columns than Excel's limit of 16384");
  }
  impl_->finish_sheet();
  impl_->sheet = workbook_add_worksheet(impl_->book, n.c_str());
  if (impl_->sheet == nullptr)
    return lxw_status(LXW_ERROR_MEMORY_MALLOC_FAILED, "添加工作表", "adding a sheet");
  impl_->names.insert(key);
  impl_->next_row = 0;
  impl_->filter_columns = filter ? static_cast<uint16_t>(columns.size()) : 0;
  double header_height = 15;
  for (size_t i = 0; i < columns.size(); ++i) {
    const XlsxColumn& c = columns[i];
    const double text_w = xlsx_text_width(c.header);
    double width = c.width > 0 ? c.width : std::min(std::max(text_w + 2, 8.0), 40.0);
    if (text_w + 2 > width)
      header_height = std::max(header_height, 15.0 * std::min(4.0, (text_w + 2) / width + 1));
    worksheet_set_column(impl_->sheet, static_cast<lxw_col_t>(i), static_cast<lxw_col_t>(i), width,
                         nullptr);
  }
  if (!columns.empty()) {
    worksheet_set_row(impl_->sheet, 0, header_height, nullptr);
    for (size_t i = 0; i < columns.size(); ++i) {
      const lxw_error e = worksheet_write_string(impl_->sheet, 0, static_cast<lxw_col_t>(i),
                                                 columns[i].header.c_str(), impl_->bold);
      if (e != LXW_NO_ERROR) return lxw_status(e, "写表头", "writing the header");
    }
    worksheet_freeze_panes(impl_->sheet, 1, 0);
    impl_->next_row = 1;
  }
  return {};
}

Status XlsxWriter::add_row(std::span<const XlsxValue> cells) {
  if (!impl_ || impl_->book == nullptr || impl_->sheet == nullptr) {
    return error(StatusCode::failed_precondition, "还没有工作表", "no sheet has been added");
  }
  if (impl_->next_row >= 1048576) {
    return invalid("行数超过 Excel 上限 1048576：请分成几个工作表或改用 CSV",
                   "more rows than Excel's limit of 1,048,576: split the sheet or use CSV");
  }
  const lxw_row_t r = impl_->next_row;
  for (size_t i = 0; i < cells.size(); ++i) {
    const XlsxValue& v = cells[i];
    const auto c = static_cast<lxw_col_t>(i);
    lxw_error e = LXW_NO_ERROR;
    switch (v.kind) {
      case XlsxValue::Kind::empty:
        break;
      case XlsxValue::Kind::text:
        if (!v.str.empty()) e = worksheet_write_string(impl_->sheet, r, c, v.str.c_str(), nullptr);
        break;
      case XlsxValue::Kind::number:
        if (xlsx_number_is_exact(v.str)) {
          e = worksheet_write_number(impl_->sheet, r, c, std::strtod(v.str.c_str(), nullptr),
                                     nullptr);
        } else {
          e = worksheet_write_string(impl_->sheet, r, c, v.str.c_str(), nullptr);
        }
        break;
      case XlsxValue::Kind::date: {
        lxw_datetime dt{v.day.year(), v.day.month(), v.day.day(), 0, 0, 0.0};
        if (v.day.year() < 1900 || v.day.year() > 9999) {
          const std::string iso = v.day.to_string();
          e = worksheet_write_string(impl_->sheet, r, c, iso.c_str(), nullptr);
        } else {
          e = worksheet_write_datetime(impl_->sheet, r, c, &dt, impl_->date);
        }
        break;
      }
      case XlsxValue::Kind::boolean:
        e = worksheet_write_boolean(impl_->sheet, r, c, v.flag ? 1 : 0, nullptr);
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
  impl_->next_row++;
  return {};
}

Status XlsxWriter::close() {
  if (!impl_ || impl_->book == nullptr) {
    return error(StatusCode::failed_precondition, "工作簿已关闭", "the workbook is closed");
  }
  impl_->finish_sheet();
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
