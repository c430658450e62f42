// CSV fields and the byte-order mark (see csv_text.h).
#include "export/csv_text.h"

#include "xlsx/writer.h"

namespace gradus {

void write_csv_bom(std::ostream& out) { out.write(kUtf8Bom.data(), kUtf8Bom.size()); }

std::string csv_record(std::span<const std::string> cells, std::string_view eol) {
  std::string line;
  for (size_t i = 0; i < cells.size(); ++i) {
    if (i > 0) line += ',';
    line += csv_field(cells[i]);
  }
  line += eol;
  return line;
}

}  // namespace gradus
