// Assessment runs: the outcomes of one assessment of the stored pool, kept with their date, mode
// and the batch the facts were known at — and, per firm and policy, the criteria that blocked
// the outcome — so that two runs can be compared later.
#include <algorithm>
#include <charconv>
#include <cstdlib>
#include <map>
#include <unordered_map>

#include "store/records.h"
#include "store/schema.h"
#include "store/store.h"
#include "store/tables.h"

namespace gradus::store {

namespace {

std::vector<std::string> split_list(std::string_view text, char sep) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find(sep, start);
    if (end == std::string_view::npos) end = text.size();
    out.emplace_back(text.substr(start, end - start));
    start = end + 1;
  }
  return out;
}

// "3,7,12" → the ids of those numbers in `dict` (a number not in it is shown as "#N").
std::vector<std::string> criteria_ids(std::string_view numbers,
                                      const std::map<int64_t, std::string>& dict) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start < numbers.size()) {
    size_t end = numbers.find(',', start);
    if (end == std::string_view::npos) end = numbers.size();
    if (end > start) {
      int64_t n = 0;
      std::from_chars(numbers.data() + start, numbers.data() + end, n);
      auto it = dict.find(n);
      out.push_back(it != dict.end() ? it->second
                                     : "#" + std::string(numbers.substr(start, end - start)));
    }
    start = end + 1;
  }
  return out;
}

}  // namespace

Result<std::unique_ptr<RunWriter>> Store::begin_run(const Pool& pool, const RunInfo& info,
                                                    uint64_t expected, ProgressFn progress) {
  Result<int> version = schema_version(*conn_);
  if (!version) return version.error();
  std::unique_ptr<RunWriter> w(new RunWriter(*this, pool));
  w->info_ = info;
  w->per_firm_ = *version >= kRowChecksSchema;
  w->schema_ = *version;
  w->policies_ = split_list(info.policies, ',');
  w->expected_ = expected;
  w->progress_ = std::move(progress);
  if (Status s = conn_->begin_write(); !s.ok()) return s;
  w->open_ = true;  // from here on, the writer's destructor rolls back
  // The store's id of every pool row (0: not in the store), looked up once per firm rather than
  // once per outcome.
  w->id_of_row_.assign(pool.size(), 0);
  {
    auto rows = conn_->query("SELECT id, uscc FROM enterprises");
    if (!rows) return rows.error();
    while ((*rows)->next()) {
      if (std::optional<uint32_t> row = pool.find((*rows)->text(1)))
        w->id_of_row_[*row] = (*rows)->integer(0);
    }
    if (Status s = (*rows)->status(); !s.ok()) return s;
  }
  Result<std::optional<int64_t>> last =
      query_integer(*conn_, "SELECT MAX(id) FROM assessment_runs");
  if (!last) return last.error();
  w->run_ = last->value_or(0) + 1;
  const SqlParam p[] = {w->run_,   now_timestamp(),  info.actor,   info.as_of,
                        info.mode, info.known_batch, info.policies};
  if (Status s = conn_->run(
          "INSERT INTO assessment_runs (id, at, actor, as_of, mode, known_batch, policies) VALUES "
          "(?, ?, ?, ?, ?, ?, ?)",
          p);
      !s.ok()) {
    return s;
  }
  if (w->per_firm_ && !info.criteria.empty()) {
    const std::string_view names[] = {"run_id", "policy", "version", "number", "criterion"};
    Result<std::unique_ptr<SqlBulkInsert>> dict = conn_->bulk_insert("assessment_criteria", names);
    if (!dict) return dict.error();
    for (const RunCriterion& c : info.criteria) {
      (*dict)->integer(w->run_), (*dict)->text(c.policy), (*dict)->text(c.version),
          (*dict)->integer(c.number);
      (*dict)->text(c.id);
      if (Status s = (*dict)->end_row(); !s.ok()) return s;
    }
    if (Status s = (*dict)->finish(); !s.ok()) return s;
  }
  const std::string_view per_firm[] = {"run_id", "enterprise_id", "outcomes"};
  const std::string_view per_outcome[] = {"run_id",  "enterprise_id", "policy", "version",
                                          "outcome", "score",         "result"};
  Result<std::unique_ptr<SqlBulkInsert>> bulk =
      w->per_firm_ ? conn_->bulk_insert("assessment_results", per_firm)
                   : conn_->bulk_insert("assessment_outcomes", per_outcome);
  if (!bulk) return bulk.error();
  w->bulk_ = std::move(*bulk);
  return w;
}

RunWriter::~RunWriter() {
  if (!open_) return;
  bulk_.reset();
  (void)store_.connection().execute("ROLLBACK");
}

Status RunWriter::flush_row() {
  if (row_enterprise_ == 0) return Status::ok_status();
  bulk_->integer(run_), bulk_->integer(row_enterprise_), bulk_->text(row_);
  row_enterprise_ = 0;
  row_.clear();
  return bulk_->end_row();
}

Status RunWriter::add(const StoredOutcome& o) {
  if (!open_ || !bulk_) {
    return error(StatusCode::failed_precondition, "评价结果已提交或写入失败",
                 "the run was committed or failed");
  }
  const int64_t eid = o.enterprise < id_of_row_.size() ? id_of_row_[o.enterprise] : 0;
  if (eid == 0) {
    const std::string code =
        o.enterprise < pool_.size() ? pool_.uscc(o.enterprise) : std::to_string(o.enterprise);
    return error(StatusCode::failed_precondition, "企业 " + code + " 不在企业库中",
                 "enterprise " + code + " is not in the store");
  }
  ++done_;
  if (progress_ && (done_ & 16383) == 0) progress_(done_, std::max(expected_, done_));
  SqlBulkInsert& b = *bulk_;
  if (!per_firm_) {
    b.integer(run_), b.integer(eid), b.text(o.policy), b.text(o.version), b.text(o.outcome);
    o.score.empty() ? b.null() : b.text(o.score);
    o.result.empty() ? b.null() : b.text(o.result);
    return b.end_row();
  }
  // The part's number: the policy's place in RunInfo::policies.
  size_t k = 0;
  while (k < policies_.size() &&
         !(policies_[k].size() == o.policy.size() + 1 + o.version.size() &&
           policies_[k].starts_with(o.policy) && policies_[k][o.policy.size()] == '@' &&
           policies_[k].ends_with(o.version))) {
    ++k;
  }
  if (k == policies_.size()) {
    return invalid("评价结果的政策 " + o.policy + "@" + o.version + " 不在本次评价的政策 " +
                       info_.policies + " 中",
                   "the outcome's policy " + o.policy + "@" + o.version +
                       " is not among the run's policies " + info_.policies);
  }
  for (const std::string* v : {&o.outcome, &o.score, &o.result, &o.not_met, &o.unknown}) {
    if (v->find_first_of("/;=") != std::string::npos) {
      return invalid("评价结果中含有保留字符 / ; =：" + *v,
                     "an outcome holds a reserved character / ; =: " + *v);
    }
  }
  if (eid != row_enterprise_) {
    if (Status s = flush_row(); !s.ok()) return s;
    row_enterprise_ = eid;
  } else {
    row_ += ';';
  }
  char digits[24];
  row_.append(digits, std::to_chars(digits, digits + sizeof digits, k).ptr);
  row_ += '=';
  row_ += o.outcome;
  row_ += '/';
  row_ += o.score;
  row_ += '/';
  row_ += o.result;
  row_ += '/';
  row_ += o.not_met;
  row_ += '/';
  row_ += o.unknown;
  return Status::ok_status();
}

Result<int64_t> RunWriter::commit() {
  if (!open_ || !bulk_) {
    return error(StatusCode::failed_precondition, "评价结果已提交或写入失败",
                 "the run was committed or failed");
  }
  if (Status s = flush_row(); !s.ok()) return s;
  if (Status s = bulk_->finish(); !s.ok()) return s;
  bulk_.reset();
  const RunInfo& info = info_;
  std::string detail =
      "{\"run\":" + std::to_string(run_) + ",\"as_of\":\"" + info.as_of + "\",\"mode\":\"" +
      info.mode + "\",\"known_batch\":" + std::to_string(info.known_batch) + ",\"policies\":\"" +
      json_escape(info.policies) + "\",\"outcomes\":" + std::to_string(done_);
  // Schema 5: the run's record — its row and a digest of every outcome and criterion it wrote, as
  // read back inside this transaction — goes into the chain (records.h).
  if (schema_ >= kRecordsSchema) {
    Result<std::optional<std::string>> record = run_record(store_.connection(), run_, schema_);
    if (!record) return record.error();
    if (*record) detail += ",\"run_record\":" + **record;
  }
  detail += "}";
  if (Status s = store_.append_audit(info.actor, "assessment_run", std::nullopt, detail, true);
      !s.ok())
    return s;
  if (Status s = store_.connection().execute("COMMIT"); !s.ok()) return s;
  open_ = false;
  if (progress_) progress_(done_, done_);
  return run_;
}

Result<int64_t> Store::save_run(const Pool& pool, const RunInfo& info,
                                const std::vector<StoredOutcome>& outcomes,
                                const ProgressFn& progress) {
  Result<std::unique_ptr<RunWriter>> w = begin_run(pool, info, outcomes.size(), progress);
  if (!w) return w.error();
  for (const StoredOutcome& o : outcomes) {
    if (Status s = (*w)->add(o); !s.ok()) return s;
  }
  return (*w)->commit();
}

Result<std::vector<RunInfo>> Store::runs() {
  std::map<int64_t, int64_t> counts;
  {
    auto rows = conn_->query("SELECT run_id, COUNT(*) FROM assessment_outcomes GROUP BY run_id");
    if (!rows) return rows.error();
    while ((*rows)->next()) counts[(*rows)->integer(0)] = (*rows)->integer(1);
    if (Status s = (*rows)->status(); !s.ok()) return s;
  }
  Result<int> version = schema_version(*conn_);
  if (!version) return version.error();
  if (*version >= kRowChecksSchema) {
    // One row per firm: its parts (one per policy) are separated by ';'.
    auto rows = conn_->query(
        "SELECT run_id, SUM(LENGTH(outcomes) - LENGTH(REPLACE(outcomes, ';', '')) + 1) FROM "
        "assessment_results GROUP BY run_id");
    if (!rows) return rows.error();
    while ((*rows)->next()) counts[(*rows)->integer(0)] += (*rows)->integer(1);
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
  Result<int> version = schema_version(*conn_);
  if (!version) return version.error();
  const bool per_firm = *version >= kRowChecksSchema;
  struct Side {
    std::string outcome, version;
    std::vector<std::string> not_met, unknown;
    bool recorded = false;
  };
  // (enterprise, policy) → each run's outcome.
  std::map<std::pair<int64_t, std::string>, std::pair<Side, Side>> both;
  for (int side = 0; side < 2; ++side) {
    const int64_t run = side == 0 ? before : after;
    const SqlParam p[] = {run};
    std::vector<std::string> policies;
    {
      auto rows = conn_->query("SELECT policies FROM assessment_runs WHERE id = ?", p);
      if (!rows) return rows.error();
      bool found = false;
      while ((*rows)->next()) found = true, policies = split_list((*rows)->text(0), ',');
      if (Status s = (*rows)->status(); !s.ok()) return s;
      if (!found) {
        const std::string n = std::to_string(run);
        return error(StatusCode::not_found,
                     "没有第 " + n + " 次评价记录（gradus runs list 可列出）",
                     "no assessment run " + n + " (gradus runs list shows them)");
      }
    }
    auto slot = [&](int64_t enterprise, std::string policy) -> Side& {
      auto& pair = both[{enterprise, std::move(policy)}];
      return side == 0 ? pair.first : pair.second;
    };
    // Runs saved before schema 3: one row per firm and policy, no criteria.
    {
      auto rows = conn_->query(
          "SELECT enterprise_id, policy, outcome, version FROM assessment_outcomes WHERE run_id = "
          "?",
          p);
      if (!rows) return rows.error();
      SqlRows& r = **rows;
      while (r.next()) {
        Side& x = slot(r.integer(0), std::string(r.text(1)));
        x.outcome = r.text(2);
        x.version = r.text(3);
      }
      if (Status s = r.status(); !s.ok()) return s;
    }
    if (!per_firm) continue;
    // The run's criteria by (policy, version) and number.
    std::map<std::pair<std::string, std::string>, std::map<int64_t, std::string>> dict;
    {
      auto rows = conn_->query(
          "SELECT policy, version, number, criterion FROM assessment_criteria WHERE run_id = ?", p);
      if (!rows) return rows.error();
      while ((*rows)->next()) {
        dict[{std::string((*rows)->text(0)), std::string((*rows)->text(1))}][(*rows)->integer(2)] =
            std::string((*rows)->text(3));
      }
      if (Status s = (*rows)->status(); !s.ok()) return s;
    }
    auto rows =
        conn_->query("SELECT enterprise_id, outcomes FROM assessment_results WHERE run_id = ?", p);
    if (!rows) return rows.error();
    SqlRows& r = **rows;
    while (r.next()) {
      for (const std::string& part : split_list(r.text(1), ';')) {
        // N=OUTCOME/SCORE/RESULT/NOT_MET/UNKNOWN
        const size_t eq = part.find('=');
        const std::vector<std::string> f = split_list(std::string_view(part).substr(eq + 1), '/');
        const size_t k = static_cast<size_t>(std::atoll(part.substr(0, eq).c_str()));
        if (eq == std::string::npos || k >= policies.size() || f.empty()) {
          return error(StatusCode::io_error,
                       "第 " + std::to_string(run) + " 次评价的结果无法识别：" + part +
                           "（数据库被改动过？）",
                       "an outcome of run " + std::to_string(run) + " is unreadable: " + part +
                           " (was the database edited by hand?)");
        }
        const std::string& key = policies[k];
        const size_t at = key.rfind('@');
        std::string id = key.substr(0, at), ver = at == std::string::npos ? "" : key.substr(at + 1);
        const auto& numbers = dict[{id, ver}];
        Side& x = slot(r.integer(0), std::move(id));
        x.outcome = f[0];
        x.version = std::move(ver);
        x.recorded = true;
        x.not_met = criteria_ids(f.size() > 3 ? f[3] : "", numbers);
        x.unknown = criteria_ids(f.size() > 4 ? f[4] : "", numbers);
      }
    }
    if (Status s = r.status(); !s.ok()) return s;
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
  for (auto& [key, runs] : both) {
    Side& a = runs.first;
    Side& b = runs.second;
    const bool criteria_differ =
        a.recorded && b.recorded && (a.not_met != b.not_met || a.unknown != b.unknown);
    if (a.outcome == b.outcome && !criteria_differ) continue;
    const auto& n = names[key.first];
    OutcomeChange c;
    c.uscc = n.first;
    c.name = n.second;
    c.policy = key.second;
    c.before = std::move(a.outcome);
    c.after = std::move(b.outcome);
    c.version_before = std::move(a.version);
    c.version_after = std::move(b.version);
    c.not_met_before = std::move(a.not_met);
    c.not_met_after = std::move(b.not_met);
    c.unknown_before = std::move(a.unknown);
    c.unknown_after = std::move(b.unknown);
    c.recorded_before = a.recorded;
    c.recorded_after = b.recorded;
    out.push_back(std::move(c));
  }
  return out;
}

}  // namespace gradus::store
