// Assessment runs: the outcomes of one assessment of the stored pool, kept with their date, mode
// and the batch the facts were known at, so that two runs can be compared later.
#include <map>
#include <unordered_map>

#include "store/schema.h"
#include "store/store.h"
#include "store/tables.h"

namespace gradus::store {

Result<int64_t> Store::save_run(const Pool& pool, const RunInfo& info,
                                const std::vector<StoredOutcome>& outcomes) {
  if (Status s = conn_->begin_write(); !s.ok()) return s;
  auto fail = [&](Status s) -> Result<int64_t> {
    (void)conn_->execute("ROLLBACK");
    return s;
  };
  std::unordered_map<std::string, int64_t> id_of;
  {
    auto rows = conn_->query("SELECT id, uscc FROM enterprises");
    if (!rows) return fail(rows.error());
    while ((*rows)->next()) id_of.emplace(std::string((*rows)->text(1)), (*rows)->integer(0));
    if (Status s = (*rows)->status(); !s.ok()) return fail(s);
  }
  Result<std::optional<int64_t>> last = query_integer(*conn_, "SELECT MAX(id) FROM assessment_runs");
  if (!last) return fail(last.error());
  const int64_t run = last->value_or(0) + 1;
  const std::string at = now_timestamp();
  const SqlParam p[] = {run, at, info.actor, info.as_of, info.mode, info.known_batch, info.policies};
  if (Status s = conn_->run(
          "INSERT INTO assessment_runs (id, at, actor, as_of, mode, known_batch, policies) VALUES "
          "(?, ?, ?, ?, ?, ?, ?)",
          p);
      !s.ok()) {
    return fail(s);
  }
  {
    const std::string_view cols[] = {"run_id", "enterprise_id", "policy", "version", "outcome", "score", "result"};
    Result<std::unique_ptr<SqlBulkInsert>> bulk = conn_->bulk_insert("assessment_outcomes", cols);
    if (!bulk) return fail(bulk.error());
    for (const StoredOutcome& o : outcomes) {
      auto it = id_of.find(pool.uscc(o.enterprise));
      if (it == id_of.end()) {
        return fail(error(StatusCode::failed_precondition,
                          "企业 " + pool.uscc(o.enterprise) + " 不在企业库中",
                          "enterprise " + pool.uscc(o.enterprise) + " is not in the store"));
      }
      SqlBulkInsert& b = **bulk;
      b.integer(run), b.integer(it->second), b.text(o.policy), b.text(o.version), b.text(o.outcome);
      o.score.empty() ? b.null() : b.text(o.score);
      o.result.empty() ? b.null() : b.text(o.result);
      if (Status s = b.end_row(); !s.ok()) return fail(s);
    }
    if (Status s = (*bulk)->finish(); !s.ok()) return fail(s);
  }
  const std::string detail = "{\"run\":" + std::to_string(run) + ",\"as_of\":\"" + info.as_of +
                             "\",\"mode\":\"" + info.mode + "\",\"known_batch\":" +
                             std::to_string(info.known_batch) + ",\"policies\":\"" +
                             json_escape(info.policies) + "\",\"outcomes\":" +
                             std::to_string(outcomes.size()) + "}";
  if (Status s = append_audit(info.actor, "assessment_run", std::nullopt, detail, true); !s.ok()) {
    return fail(s);
  }
  if (Status s = conn_->execute("COMMIT"); !s.ok()) return fail(s);
  return run;
}

Result<std::vector<RunInfo>> Store::runs() {
  std::map<int64_t, int64_t> counts;
  {
    auto rows = conn_->query("SELECT run_id, COUNT(*) FROM assessment_outcomes GROUP BY run_id");
    if (!rows) return rows.error();
    while ((*rows)->next()) counts[(*rows)->integer(0)] = (*rows)->integer(1);
    if (Status s = (*rows)->status(); !s.ok()) return s;
  }
  auto rows = conn_->query(
      "SELECT id, at, actor, as_of, mode, known_batch, policies FROM assessment_runs ORDER BY id");
  if (!rows) return rows.error();
  std::vector<RunInfo> out;
  SqlRows& r = **rows;
  while (r.next()) {
    RunInfo i;
    i.id = r.integer(0);
    i.at = r.text(1);
    i.actor = r.text(2);
    i.as_of = r.text(3);
    i.mode = r.text(4);
    i.known_batch = r.integer(5);
    i.policies = r.text(6);
    i.outcomes = counts[i.id];
    out.push_back(std::move(i));
  }
  if (Status s = r.status(); !s.ok()) return s;
  return out;
}

Result<std::vector<OutcomeChange>> Store::diff_runs(int64_t before, int64_t after) {
  // (enterprise, policy) → outcome, for each run.
  std::map<std::pair<int64_t, std::string>, std::pair<std::string, std::string>> both;
  for (int side = 0; side < 2; ++side) {
    const SqlParam p[] = {side == 0 ? before : after};
    Result<std::optional<int64_t>> exists = query_integer(*conn_, "SELECT id FROM assessment_runs WHERE id = ?", p);
    if (!exists) return exists.error();
    if (!*exists) {
      const std::string n = std::to_string(side == 0 ? before : after);
      return error(StatusCode::not_found, "没有第 " + n + " 次评价记录（gradus runs list 可列出）",
                   "no assessment run " + n + " (gradus runs list shows them)");
    }
    auto rows = conn_->query("SELECT enterprise_id, policy, outcome FROM assessment_outcomes WHERE run_id = ?", p);
    if (!rows) return rows.error();
    while ((*rows)->next()) {
      auto& slot = both[{(*rows)->integer(0), std::string((*rows)->text(1))}];
      (side == 0 ? slot.first : slot.second) = std::string((*rows)->text(2));
    }
    if (Status s = (*rows)->status(); !s.ok()) return s;
  }
  std::unordered_map<int64_t, std::pair<std::string, std::string>> names;  // id → uscc, name
  {
    auto rows = conn_->query(
        "SELECT e.id, e.uscc, v.name FROM enterprises e LEFT JOIN enterprise_versions v ON "
        "v.enterprise_id = e.id AND v.to_batch IS NULL");
    if (!rows) return rows.error();
    while ((*rows)->next()) {
      names[(*rows)->integer(0)] = {std::string((*rows)->text(1)), std::string((*rows)->text(2))};
    }
    if (Status s = (*rows)->status(); !s.ok()) return s;
  }
  std::vector<OutcomeChange> out;
  for (const auto& [key, outcomes] : both) {
    if (outcomes.first == outcomes.second) continue;
    const auto& n = names[key.first];
    out.push_back({n.first, n.second, key.second, outcomes.first, outcomes.second});
  }
  return out;
}

}  // namespace gradus::store
