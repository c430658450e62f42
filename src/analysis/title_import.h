// A published title list matched to the pool, made ready to store (`gradus import-titles`, POST
// /api/v1/title-imports): the matched rows' titles as one pool to import (kind "titles"), and the
// report of every row — how it matched, to which firm, the candidates of an ambiguous name.
//
//   std::vector<TitleMatch> m = match_title_list(*list, pool);
//   size_t titles = 0;
//   Pool incoming = matched_titles(m, pool, &titles);
//   for (const TitleMatch& x : m) write(title_report_row(x, pool, Lang::zh));
//
// Thread-safety: reads its arguments only.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "core/text.h"
#include "engine/pool.h"
#include "ingest/title_list.h"

namespace gradus {

// Every matched row's title (by USCC, name or short name) on its firm of `pool`, as a pool to
// import; `titles` counts them.
Pool matched_titles(const std::vector<TitleMatch>& matches, const Pool& pool, size_t* titles);

// How many rows matched each way.
std::map<TitleMatchKind, size_t> count_title_matches(const std::vector<TitleMatch>& matches);

// The report's columns (the same in either language, read by programs) and one row's cells:
// sheet, row, name, tier as written, year or date, result id, result (zh), matched USCC, matched
// name, candidates' USCCs, notes (in `lang`).
std::vector<std::string> title_report_headers();
std::vector<std::string> title_report_row(const TitleMatch& m, const Pool& pool, Lang lang);

}  // namespace gradus
