// The flat form read from an Excel workbook (.xlsx): every sheet whose first non-blank row is a
// flat-form header (it has a 统一社会信用代码 / uscc column) is read into one pool, as if its rows
// were CSV rows — one sheet per year or per district all land in the same pool, and a fiscal year
// or a static fact given twice across sheets is reported like within one sheet. A sheet named like
// 说明 / 填写说明 / Notes / README, and an empty sheet, is skipped (an export's detail tables —
// 称号, 知识产权, … — with a warning); a sheet whose header row has
// no uscc column is an error naming the sheet. Every InputError carries the sheet's name and the
// row number Excel shows.
//
// Cells become the texts the flat form reads: numbers exactly as stored (an exponent written out;
// a value at double precision rounded to the 15 significant digits Excel shows), date-formatted
// numbers as ISO dates (2015-03-01), booleans TRUE/FALSE, text as is. An Excel error value
// (#N/A, #VALUE!) is an error for its cell. A number cell in the uscc column is read exactly as
// the file holds it ("913209211108331858"; "9.13209211108331E+17" written out without a
// double); when it has only the 15 significant digits Excel keeps, an invalid code is explained
// ("Excel stored this code as a number … format the column as text") and a valid one warned of.
//
//   PoolBuilder builder;
//   IngestReport report;
//   Status s = load_xlsx_file("in/firms.xlsx", "firms.xlsx", builder, report);
//   // !s.ok(): not a workbook, damaged, or no sheet in the flat form (the report is unchanged)
#pragma once

#include <string>
#include <string_view>

#include "core/status.h"
#include "engine/pool.h"
#include "ingest/ingest.h"

namespace gradus::ingest {

// Reads the workbook at `path`; `file` names it in errors.
Status load_xlsx_file(const std::string& path, const std::string& file, PoolBuilder& builder,
                      IngestReport& report, const IngestOptions& options = {});

// Whether a sheet of this name holds notes rather than data (说明, 填写说明, Notes, README, …).
bool is_notes_sheet(std::string_view name);
// Whether a sheet of this name is one of the detail tables of an export (称号, 知识产权, Titles,
// IP items, 评估结果, …, see export/export.h): skipped with a warning.
bool is_detail_sheet(std::string_view name);

// The text the flat form reads for a number cell as stored: an exponent written out
// ("1.5E-07" → "0.00000015"); 16 or more significant digits (a double's noise, as in
// "11743.120000000001") rounded to the 15 Excel shows ("11743.12"); other text unchanged.
std::string xlsx_number_text(std::string_view stored);

}  // namespace gradus::ingest
