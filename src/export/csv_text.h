// CSV output that Chinese Excel opens cleanly, shared by every CSV gradus writes (the export, the
// error report, and the CLI's assess / potential / gap / policy diff --format csv): the file or
// stream starts with a UTF-8 byte-order mark (without it Chinese Excel reads UTF-8 as GBK and
// shows mojibake), and each field is valid UTF-8 (clean_utf8), quoted when it holds a comma, a
// quote or a line break (RFC 4180).
//
//   std::ostream& out = std::cout;
//   write_csv_bom(out);
//   out << csv_field("示例精密机械（苏州）有限公司") << ',' << csv_field("a,b") << "\n";  // …,"a,b"
//   std::vector<std::string> cells = {"uscc", "营业收入（万元）"};
//   out << csv_record(cells);                                     // uscc,营业收入（万元）\r\n
//
// Thread-safety: pure functions.
#pragma once

#include <ostream>
#include <span>
#include <string>
#include <string_view>

#include "core/text.h"

namespace gradus {

// Writes kUtf8Bom to `out` (call once, before the header row).
void write_csv_bom(std::ostream& out);

// csv_field and kUtf8Bom are in core/text.h.

// A row of fields separated by commas and ended by `eol` (CRLF by default, as Excel writes).
std::string csv_record(std::span<const std::string> cells, std::string_view eol = "\r\n");

}  // namespace gradus
