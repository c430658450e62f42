// Published title lists (who became an SRDI SME, a little giant, an innovative SME, in which batch
// and year) read from CSV or XLSX and matched to the enterprises of a pool: by USCC when the list
// gives one, else by normalised name (full-width forms, spaces and letter case ignored), else by a
// short name contained in exactly one pool name. Lists come in many shapes: the columns are found
// by header (English or Chinese), unknown columns are ignored, and the tier may be written as a
// policy id or as its Chinese name.
//
//   Result<TitleList> list = read_title_list("第三批小巨人.xlsx");
//   std::vector<TitleMatch> m = match_title_list(*list, pool);
//   for (const TitleMatch& x : m) if (x.kind == TitleMatchKind::unmatched) report(x);
//
// Thread-safety: no shared state.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/status.h"
#include "core/text.h"
#include "engine/pool.h"

namespace gradus {

struct TitleListRow {
  std::string sheet;   // XLSX sheet, "" for CSV
  uint32_t row = 0;    // spreadsheet row (header = 1)
  std::string name;    // as written
  std::string uscc;    // "" when the list gives none (or the cell is not a valid code)
  std::string tier_written;
  std::string province;
  TitleRecord title;   // tier, level, since, valid_to, batch, status
  bool proposed = false;  // 公示 / 拟认定: announced for public comment, not (yet) a title
  std::optional<Text> problem;  // the row cannot be used (no name, unknown tier, no year)
  std::vector<Text> notes;      // used, but worth knowing (only the year given, bad USCC…)
};

struct TitleList {
  std::string file;
  std::vector<TitleListRow> rows;
  std::vector<std::string> ignored_columns;
};

// Reads a list file: a workbook (a zip by its content, or named .xlsx; every sheet with a name and
// a tier column; number cells read digit for digit, so a code in a number cell stays whole) or
// CSV text in UTF-8 or GB18030/GBK.
Result<TitleList> read_title_list(const std::string& path);

enum class TitleMatchKind : uint8_t {
  by_uscc,       // the list's USCC is in the pool
  by_name,       // exactly one pool enterprise has the same normalised name
  by_short_name, // the list's (short) name is part of exactly one pool name — check it
  ambiguous,     // several pool enterprises fit; candidates lists them
  unmatched,     // nobody in the pool fits
  proposed,      // a 公示 row: not a title, not matched
  invalid,       // the row has a problem
};

struct TitleMatch {
  const TitleListRow* row = nullptr;
  TitleMatchKind kind = TitleMatchKind::unmatched;
  std::optional<uint32_t> enterprise;  // pool index when matched
  std::vector<uint32_t> candidates;    // pool indices when ambiguous
};

std::vector<TitleMatch> match_title_list(const TitleList& list, const Pool& pool);

// The name as compared: full-width forms folded, spaces removed, ASCII lower-cased.
std::string normalize_enterprise_name(std::string_view name);

// "by_uscc", "by_name", … and a zh/en label for reports.
const char* title_match_id(TitleMatchKind k);
Text title_match_label(TitleMatchKind k);

}  // namespace gradus
