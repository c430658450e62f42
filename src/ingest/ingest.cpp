// Entry points: load a file or text in either form, and format an InputError for people.
#include "ingest/ingest.h"

#include <algorithm>
#include <cstring>
#include <fstream>
#include <memory>
#include <optional>

#include "ingest/csv_reader.h"
#include "ingest/encoding.h"
#include "ingest/flat_form.h"
#include "ingest/json_form.h"
#include "ingest/xlsx_form.h"

namespace gradus {

namespace {

constexpr std::streamoff kSniffBytes = 4096;
constexpr std::string_view kOle2Magic = "\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1";

// The format the first bytes of a file show: a zip is a workbook, `{` or `[` (after a BOM and
// white space) JSON; automatic when they show nothing (then the name decides).
InputFormat sniff_content(std::string_view head) {
  if (head.starts_with("PK\x03\x04")) return InputFormat::xlsx;
  if (head.starts_with("\xEF\xBB\xBF")) head.remove_prefix(3);
  for (char c : head) {
    if (c == ' ' || c == '\t' || c == '\r' || c == '\n') continue;
    return c == '[' || c == '{' ? InputFormat::json : InputFormat::automatic;
  }
  return InputFormat::automatic;
}

InputFormat sniff(std::string_view text) {
  if (text.starts_with("\xEF\xBB\xBF")) text.remove_prefix(3);
  for (char c : text) {
    if (c == ' ' || c == '\t' || c == '\r' || c == '\n') continue;
    return c == '[' || c == '{' ? InputFormat::json : InputFormat::csv;
  }
  return InputFormat::csv;
}

// The file's name for messages (a name in another encoding, e.g. GBK bytes from an unpacked
// archive, is shown escaped so that messages stay UTF-8).
std::string base_name(std::string_view path) {
  const size_t slash = path.find_last_of("/\\");
  return printable_utf8(slash == std::string_view::npos ? path : path.substr(slash + 1));
}

Status prefixed(const Status& s, const std::string& file) {
  return Status{s.code, Text{file + "：" + s.message.zh, file + ": " + s.message.en}};
}

}  // namespace

std::string format_input_error(const InputError& e, Lang lang) {
  const bool zh = lang == Lang::zh;
  std::string where;
  if (!e.sheet.empty()) where = (zh ? "工作表 " : "sheet ") + e.sheet;
  if (e.row > 0) {
    if (!where.empty()) where += zh ? "，" : ", ";
    const std::string n = std::to_string(e.row);
    where +=
        e.firm ? (zh ? "第 " + n + " 家企业" : "firm " + n) : (zh ? "第 " + n + " 行" : "row " + n);
  }
  if (!e.column.empty()) {
    if (!where.empty()) where += zh ? "，" : ", ";
    where += e.firm ? e.column : (zh ? "列 " : "column ") + e.column;
  }
  std::string out = e.file;
  if (!where.empty()) out += (out.empty() ? "" : (zh ? "：" : ": ")) + where;
  if (!out.empty()) out += zh ? "：" : ": ";
  if (!e.value.empty()) out += quoted(e.value) + " ";
  out += e.reason.in(lang);
  return out;
}

Result<Pool> load_pool_text(std::string_view text, std::string_view name, IngestReport& report,
                            const IngestOptions& options) {
  const std::string file(name);
  InputFormat format = options.format;
  if (format == InputFormat::automatic) format = sniff(text);
  if (format == InputFormat::xlsx) {
    return error(StatusCode::invalid_argument, file + "：Excel 工作簿需要从文件读取",
                 file + ": an Excel workbook is read from its file, not from text");
  }
  PoolBuilder builder;
  Status s;
  try {
    s = format == InputFormat::json
            ? ingest::load_json_text(text, file, builder, report, options)
            : ingest::load_csv_text(text, file, builder, report, options);
  } catch (const std::exception& ex) {
    // Nothing in the readers throws on bad input; this is a last guard (e.g. out of memory).
    return error(StatusCode::internal, file + "：读取失败：" + ex.what(),
                 file + ": reading failed: " + ex.what());
  }
  if (!s.ok()) return prefixed(s, file);
  return std::move(builder).finish();
}

Result<Pool> load_pool_text(std::string_view text, InputFormat format, std::string_view name,
                            IngestReport& report) {
  IngestOptions options;
  options.format = format;
  return load_pool_text(text, name, report, options);
}

Result<Pool> load_pool_file(const std::string& path, IngestReport& report, InputFormat format) {
  IngestOptions options;
  options.format = format;
  return load_pool_file(path, report, options);
}

Result<Pool> load_pool_file(const std::string& path, IngestReport& report,
                            const IngestOptions& options) {
  std::ifstream in(path, std::ios::binary | std::ios::ate);
  if (!in) {
    const std::string shown = printable_utf8(path);
    return error(StatusCode::io_error, "无法打开文件 " + shown, "cannot open the file " + shown);
  }
  const std::streamoff size = in.tellg();
  auto read_failed = [&] {
    const std::string shown = printable_utf8(path);
    return error(StatusCode::io_error, "读取文件 " + shown + " 失败",
                 "reading the file " + shown + " failed");
  };
  if (size < 0) return read_failed();
  const std::string file = base_name(path);
  InputFormat format = options.format;
  if (format == InputFormat::automatic) {
    // The content first (a workbook saved under a .csv name is still a workbook), then the name.
    std::string head(static_cast<size_t>(std::min<std::streamoff>(size, kSniffBytes)), '\0');
    in.seekg(0);
    in.read(head.data(), static_cast<std::streamsize>(head.size()));
    if (in.bad() || in.gcount() != static_cast<std::streamsize>(head.size())) return read_failed();
    in.clear();
    if (head.starts_with(kOle2Magic)) {
      return error(StatusCode::parse_error,
                   file + "：这是旧版 Excel .xls 文件（或加密的工作簿），gradus 不能读取：请在 "
                          "Excel 中另存为 .xlsx（Excel 工作簿），并取消密码",
                   file + ": this is an old Excel .xls file (or a password-protected workbook), "
                          "which gradus cannot read: save it as .xlsx (Excel Workbook) in Excel, "
                          "without a password");
    }
    format = sniff_content(head);
    if (format == InputFormat::automatic) {
      const std::string lower = ascii_lower(path);
      if (lower.ends_with(".json")) {
        format = InputFormat::json;
      } else if (lower.ends_with(".xlsx") || lower.ends_with(".xlsm")) {
        format = InputFormat::xlsx;  // not a zip: the workbook reader says what it is
      } else {
        format = InputFormat::csv;
      }
    }
  }
  if (format == InputFormat::xlsx) {
    in.close();
    PoolBuilder builder;
    Status s;
    try {
      s = ingest::load_xlsx_file(path, file, builder, report, options);
    } catch (const std::exception& ex) {
      return error(StatusCode::internal, file + "：读取失败：" + ex.what(),
                   file + ": reading failed: " + ex.what());
    }
    if (!s.ok()) return prefixed(s, file);
    return std::move(builder).finish();
  }
  if (format == InputFormat::csv) {
    // Streamed: the file is never held in memory as a whole.
    size_t remaining = 0;
    auto rewind = [&] {
      in.clear();
      in.seekg(0);
      remaining = static_cast<size_t>(size);
    };
    auto read = [&](char* dest, size_t n) -> std::optional<size_t> {
      const size_t want = std::min(n, remaining);
      if (want == 0) return size_t{0};
      in.read(dest, static_cast<std::streamsize>(want));
      if (in.bad() || in.gcount() != static_cast<std::streamsize>(want)) return std::nullopt;
      remaining -= want;
      return want;
    };
    rewind();
    auto builder = std::make_unique<PoolBuilder>();
    Status s;
    bool failed_reading = false;
    uint32_t not_utf8_line = 0;
    try {
      s = ingest::load_csv_stream(read, file, *builder, report, &failed_reading, size_t{1} << 20,
                                  static_cast<uint64_t>(size), options, &not_utf8_line);
      if (!s.ok() && !failed_reading && not_utf8_line != 0) {
        // Not UTF-8: read the file again as GB18030 (GBK), converted a piece at a time, into a
        // fresh builder (the first pass left rows in the old one; the report was restored).
        rewind();
        builder = std::make_unique<PoolBuilder>();
        ingest::Gb18030Decoder decoder;
        std::string raw(size_t{1} << 20, '\0');
        std::string converted;  // converted text not yet handed out
        size_t handed = 0;
        bool raw_done = false;
        bool decode_failed = false;
        auto read_gb = [&](char* dest, size_t n) -> std::optional<size_t> {
          while (converted.size() - handed < n && !raw_done) {
            std::optional<size_t> got = read(raw.data(), raw.size());
            if (!got) return std::nullopt;
            raw_done = *got == 0;
            converted.erase(0, handed);
            handed = 0;
            if (!decoder.convert(std::string_view(raw.data(), *got), raw_done, &converted)) {
              decode_failed = true;
              return std::nullopt;
            }
          }
          const size_t k = std::min(n, converted.size() - handed);
          std::memcpy(dest, converted.data() + handed, k);
          handed += k;
          return k;
        };
        s = ingest::load_csv_stream(read_gb, file, *builder, report, &failed_reading,
                                    size_t{1} << 20, static_cast<uint64_t>(size), options);
        if (decode_failed) {
          failed_reading = false;
          s = not_utf8_nor_gb18030(not_utf8_line, decoder.line());
        } else if (s.ok()) {
          report.encoding = "GB18030";
        }
      }
    } catch (const std::exception& ex) {
      return error(StatusCode::internal, file + "：读取失败：" + ex.what(),
                   file + ": reading failed: " + ex.what());
    }
    if (failed_reading) return read_failed();
    if (!s.ok()) return prefixed(s, file);
    return std::move(*builder).finish();
  }
  std::string text;
  if (size > 0) {
    text.resize(static_cast<size_t>(size));
    in.seekg(0);
    in.read(text.data(), size);
  }
  if (in.bad() || (size > 0 && in.gcount() != size)) return read_failed();
  IngestOptions json_options = options;
  json_options.format = format;
  return load_pool_text(text, file, report, json_options);
}

void FactRows::locate(uint32_t e, int year, InputError& where) const {
  if (e >= head.size()) return;
  std::optional<uint32_t> key;
  for (uint32_t k = head[e]; k != 0; k = entries[k - 1].next) {
    if (year == 0 || entries[k - 1].year == year) key = entries[k - 1].row;  // year 0: the earliest
    if (year != 0 && key) break;
  }
  if (!key) return;
  if (sheets.size() <= 1) {
    where.row = *key;
    return;
  }
  where.row = *key & 0x1FFFFF;  // ImportContext::row_key: sheet index above 21 bits of row
  const uint32_t sheet = *key >> 21;
  if (sheet < sheets.size()) where.sheet = sheets[sheet];
}

}  // namespace gradus
