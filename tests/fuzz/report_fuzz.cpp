// libFuzzer target for the import error report writers (issue 17): the input bytes become the
// fields of a few InputErrors (split on 0xFF 0xFE), each report format is written, and the output
// must be valid UTF-8 without the control characters XML 1.0 forbids (the text and CSV files,
// the workbook's sheet XML read back through the reader). Any other outcome aborts.
// Built only with clang (-DGRADUS_BUILD_FUZZERS=ON with CXX=clang++); run:
//   ./build-clang/gradus_report_fuzz -max_total_time=60 /tmp/corpus
// (clang 14 with libstdc++ 12 does not yet build the whole tree: the embedded files' long
// literals and ingest's JSON value. The target also links against the g++-built libraries:
//   clang++ -std=c++20 -fsanitize=fuzzer -Isrc tests/fuzz/report_fuzz.cpp build/libgradus_export.a
//     build/libgradus_ingest.a build/libgradus_xlsx.a build/libgradus_core.a
//     $(pkg-config --libs xlsxwriter minizip pugixml) -lpthread -o report_fuzz )
#include <unistd.h>

#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>
#include <vector>

#include "export/export.h"
#include "xlsx/reader.h"
#include "xlsx/xlsx_test_util.h"

namespace {


std::string slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

void check(bool ok) {
  if (!ok) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace gradus;
  const std::string_view in(reinterpret_cast<const char*>(data), size);
  std::vector<std::string> parts;
  for (size_t start = 0;;) {
    const size_t at = in.find("\xFF\xFE", start);
    parts.emplace_back(in.substr(start, at == std::string_view::npos ? at : at - start));
    if (at == std::string_view::npos) break;
    start = at + 2;
  }
  IngestReport report;
  for (size_t i = 0; i < parts.size(); i += 7) {
    auto part = [&](size_t k) { return i + k < parts.size() ? parts[i + k] : std::string(); };
    InputError e{part(0), part(1), static_cast<uint32_t>(i), i % 2 == 1, part(2), part(3), part(4),
                 Text{part(5), part(6)}};
    (i % 3 ? report.warnings : report.errors).push_back(e);
  }
  static const std::string dir = [] {
    const auto d = std::filesystem::temp_directory_path() / ("gradus_fuzz_" + std::to_string(::getpid()));
    std::filesystem::create_directories(d);
    return d.string();
  }();
  const std::string txt = dir + "/r.txt", csv = dir + "/r.csv", xlsx = dir + "/r.xlsx";
  check(write_error_report(txt, ReportFormat::text, report, Lang::zh).ok());
  check(valid_xml_text(slurp(txt)));
  check(write_error_report(csv, ReportFormat::csv, report, Lang::en).ok());
  check(valid_xml_text(slurp(csv)));
  check(write_error_report(xlsx, ReportFormat::xlsx, report, Lang::zh).ok());
  Result<std::unique_ptr<XlsxReader>> book = XlsxReader::open(xlsx);
  check(book.ok());
  Result<std::unique_ptr<XlsxSheetCursor>> sheet = (*book)->open_sheet(0);
  check(sheet.ok());
  XlsxRow row;
  size_t rows = 0;
  for (;;) {
    Result<bool> more = (*sheet)->next(row);
    check(more.ok());
    if (!*more) break;
    for (const XlsxCell& c : row.cells) check(valid_xml_text(c.text));
    ++rows;
  }
  check(rows == 1 + report.errors.size() + report.warnings.size());
  return 0;
}
