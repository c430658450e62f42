// Store::history: one enterprise's facts through time — every value set or changed, by which
// batch (who, when, from which file), with the value before and after.
#include <algorithm>
#include <map>

#include "core/decimal.h"
#include "store/schema.h"
#include "store/state.h"
#include "store/store.h"
#include "store/tables.h"

namespace gradus::store {
namespace {

// A stored cell as people read it.
std::string cell_text(const SqlRows& r, int col, const TableColumn& c) {
  if (r.is_null(col)) return {};
  if (c.is_text) return std::string(r.text(col));
  const FieldDef* f = find_field(c.name);
  if (f == nullptr) return std::to_string(r.integer(col));
  return display_value(*f, r.integer(col));
}

}  // namespace

Result<int64_t> Store::enterprise_version(std::string_view uscc) {
  const SqlParam key[] = {std::string(uscc)};
  Result<std::optional<int64_t>> id = query_integer(*conn_, "SELECT id FROM enterprises WHERE uscc = ?", key);
  if (!id) return id.error();
  if (!*id) {
    return error(StatusCode::not_found, "企业库中没有统一社会信用代码为 " + std::string(uscc) + " 的企业",
                 "no enterprise with USCC " + std::string(uscc) + " in the pool");
  }
  int64_t version = 0;
  const SqlParam p[] = {**id};
  for (const TableLayout& t : written_tables()) {
    if (!t.versioned) continue;
    for (const char* column : {"from_batch", "to_batch"}) {
      Result<std::optional<int64_t>> v = query_integer(
          *conn_, "SELECT MAX(" + std::string(column) + ") FROM " + t.name + " WHERE enterprise_id = ?", p);
      if (!v) return v.error();
      version = std::max(version, v->value_or(0));
    }
  }
  return version;
}

Result<int64_t> Store::head_batch() {
  Result<std::optional<int64_t>> v = query_integer(*conn_, "SELECT MAX(id) FROM import_batches");
  if (!v) return v.error();
  return v->value_or(0);
}

Result<std::vector<HistoryEntry>> Store::history(std::string_view uscc) {
  const SqlParam key[] = {std::string(uscc)};
  Result<std::optional<int64_t>> id = query_integer(*conn_, "SELECT id FROM enterprises WHERE uscc = ?", key);
  if (!id) return id.error();
  if (!*id) {
    return error(StatusCode::not_found, "企业库中没有统一社会信用代码为 " + std::string(uscc) + " 的企业",
                 "no enterprise with USCC " + std::string(uscc) + " in the pool");
  }
  std::map<int64_t, BatchInfo> batch_of;
  {
    Result<std::vector<BatchInfo>> all = batches();
    if (!all) return all.error();
    for (BatchInfo& b : *all) batch_of[b.id] = std::move(b);
  }
  std::vector<HistoryEntry> out;
  const SqlParam p[] = {**id};
  for (const TableLayout& t : written_tables()) {
    if (!t.versioned) continue;
    const bool facts = t.name == "enterprise_versions" || t.name == "yearly_facts";
    const size_t first = t.name == "yearly_facts" ? 4 : 3;  // value columns start here
    std::string cols;
    for (const TableColumn& c : t.columns) cols += (cols.empty() ? "" : ", ") + c.name;
    auto rows = conn_->query("SELECT " + cols + " FROM " + t.name + " WHERE enterprise_id = ? ORDER BY id", p);
    if (!rows) return rows.error();
    SqlRows& r = **rows;
    std::map<int, std::vector<std::string>> previous;  // per year (0 for static)
    while (r.next()) {
      const int64_t batch = r.integer(2);
      const int year = t.name == "yearly_facts" ? static_cast<int>(r.integer(3)) : 0;
      std::vector<std::string> values;
      for (size_t k = first; k < t.columns.size(); ++k) {
        values.push_back(cell_text(r, static_cast<int>(k), t.columns[k]));
      }
      if (facts) {
        std::vector<std::string>& before = previous[year];
        if (before.empty()) before.resize(values.size());
        for (size_t k = 0; k < values.size(); ++k) {
          if (values[k] == before[k]) continue;
          out.push_back({batch_of[batch], t.columns[first + k].name, year, before[k], values[k]});
        }
        before = std::move(values);
      } else {
        std::string record;
        for (size_t k = 0; k < values.size(); ++k) {
          if (k > 0) record += " | ";
          record += t.columns[first + k].name + "=" + values[k];
        }
        out.push_back({batch_of[batch], t.name, 0, "", record});
      }
    }
    if (Status s = r.status(); !s.ok()) return s;
  }
  std::stable_sort(out.begin(), out.end(),
                   [](const HistoryEntry& a, const HistoryEntry& b) { return a.batch.id < b.batch.id; });
  return out;
}

}  // namespace gradus::store
