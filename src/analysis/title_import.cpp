// A matched title list made ready to store, and its report (title_import.h).
#include "analysis/title_import.h"

#include "core/fields.h"

namespace gradus {

Pool matched_titles(const std::vector<TitleMatch>& matches, const Pool& pool, size_t* titles) {
  PoolBuilder b;
  size_t n = 0;
  for (const TitleMatch& m : matches) {
    if (!m.enterprise) continue;
    b.add_title(b.enterprise(pool.uscc(*m.enterprise)), m.row->title);
    ++n;
  }
  if (titles != nullptr) *titles = n;
  return std::move(b).finish();
}

std::map<TitleMatchKind, size_t> count_title_matches(const std::vector<TitleMatch>& matches) {
  std::map<TitleMatchKind, size_t> count;
  for (const TitleMatch& m : matches) count[m.kind]++;
  return count;
}

std::vector<std::string> title_report_headers() {
  return {"sheet",     "row",  "name",         "tier",       "year_or_date", "result",
          "result_zh", "uscc", "matched_name", "candidates", "notes"};
}

std::vector<std::string> title_report_row(const TitleMatch& m, const Pool& pool, Lang lang) {
  const FieldId name = find_field("name")->id;
  std::string candidates, notes;
  for (uint32_t c : m.candidates) candidates += (candidates.empty() ? "" : ";") + pool.uscc(c);
  if (m.row->problem) notes = m.row->problem->in(lang);
  for (const Text& n : m.row->notes) notes += (notes.empty() ? "" : "; ") + n.in(lang);
  return {m.row->sheet,
          std::to_string(m.row->row),
          m.row->name,
          m.row->tier_written,
          m.row->problem ? std::string() : m.row->title.since.to_string(),
          title_match_id(m.kind),
          title_match_label(m.kind).zh,
          m.enterprise ? pool.uscc(*m.enterprise) : std::string(),
          m.enterprise ? pool.text(name, *m.enterprise) : std::string(),
          candidates,
          notes};
}

}  // namespace gradus
