// Entry points: load a file or text in either form, and format an InputError for people.
#include "ingest/ingest.h"

#include <algorithm>
#include <fstream>
#include <optional>

#include "ingest/flat_form.h"
#include "ingest/json_form.h"
#include "ingest/xlsx_form.h"

namespace gradus {

namespace {

InputFormat sniff(std::string_view text) {
  if (text.starts_with("\xEF\xBB\xBF")) text.remove_prefix(3);
  for (char c : text) {
    if (c == ' ' || c == '\t' || c == '\r' || c == '\n') continue;
    return c == '[' || c == '{' ? InputFormat::json : InputFormat::csv;
  }
  return InputFormat::csv;
}

std::string base_name(std::string_view path) {
  const size_t slash = path.find_last_of("/\\");
  return std::string(slash == std::string_view::npos ? path : path.substr(slash + 1));
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

Result<Pool> load_pool_text(std::string_view text, InputFormat format, std::string_view name,
                            IngestReport& report) {
  const std::string file(name);
  if (format == InputFormat::automatic) format = sniff(text);
  if (format == InputFormat::xlsx) {
    return error(StatusCode::invalid_argument, file + "：Excel 工作簿需要从文件读取",
                 file + ": an Excel workbook is read from its file, not from text");
  }
  PoolBuilder builder;
  Status s;
  try {
    s = format == InputFormat::json ? ingest::load_json_text(text, file, builder, report)
                                    : ingest::load_csv_text(text, file, builder, report);
  } catch (const std::exception& ex) {
    // Nothing in the readers throws on bad input; this is a last guard (e.g. out of memory).
    return error(StatusCode::internal, file + "：读取失败：" + ex.what(),
                 file + ": reading failed: " + ex.what());
  }
  if (!s.ok()) return prefixed(s, file);
  return std::move(builder).finish();
}

Result<Pool> load_pool_file(const std::string& path, IngestReport& report, InputFormat format) {
  std::ifstream in(path, std::ios::binary | std::ios::ate);
  if (!in) {
    return error(StatusCode::io_error, "无法打开文件 " + path, "cannot open the file " + path);
  }
  const std::streamoff size = in.tellg();
  auto read_failed = [&] {
    return error(StatusCode::io_error, "读取文件 " + path + " 失败",
                 "reading the file " + path + " failed");
  };
  if (size < 0) return read_failed();
  if (format == InputFormat::automatic) {
    const std::string lower = ascii_lower(path);
    if (lower.ends_with(".csv")) {
      format = InputFormat::csv;
    } else if (lower.ends_with(".json")) {
      format = InputFormat::json;
    } else if (lower.ends_with(".xlsx") || lower.ends_with(".xlsm")) {
      format = InputFormat::xlsx;
    } else {
      char head[2] = {};
      in.seekg(0);
      in.read(head, 2);
      if (in.gcount() == 2 && head[0] == 'P' && head[1] == 'K') format = InputFormat::xlsx;
      in.clear();
    }
  }
  if (format == InputFormat::xlsx) {
    in.close();
    const std::string file = base_name(path);
    PoolBuilder builder;
    Status s;
    try {
      s = ingest::load_xlsx_file(path, file, builder, report);
    } catch (const std::exception& ex) {
      return error(StatusCode::internal, file + "：读取失败：" + ex.what(),
                   file + ": reading failed: " + ex.what());
    }
    if (!s.ok()) return prefixed(s, file);
    return std::move(builder).finish();
  }
  if (format == InputFormat::csv) {
    // Streamed: the file is never held in memory as a whole.
    in.seekg(0);
    size_t remaining = static_cast<size_t>(size);
    auto read = [&](char* dest, size_t n) -> std::optional<size_t> {
      const size_t want = std::min(n, remaining);
      if (want == 0) return size_t{0};
      in.read(dest, static_cast<std::streamsize>(want));
      if (in.bad() || in.gcount() != static_cast<std::streamsize>(want)) return std::nullopt;
      remaining -= want;
      return want;
    };
    const std::string file = base_name(path);
    PoolBuilder builder;
    Status s;
    bool failed_reading = false;
    try {
      s = ingest::load_csv_stream(read, file, builder, report, &failed_reading, size_t{1} << 20,
                                  static_cast<uint64_t>(size));
    } catch (const std::exception& ex) {
      return error(StatusCode::internal, file + "：读取失败：" + ex.what(),
                   file + ": reading failed: " + ex.what());
    }
    if (failed_reading) return read_failed();
    if (!s.ok()) return prefixed(s, file);
    return std::move(builder).finish();
  }
  std::string text;
  if (size > 0) {
    text.resize(static_cast<size_t>(size));
    in.seekg(0);
    in.read(text.data(), size);
  }
  if (in.bad() || (size > 0 && in.gcount() != size)) return read_failed();
  return load_pool_text(text, format, base_name(path), report);
}

}  // namespace gradus
