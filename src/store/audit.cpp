// The audit log: append-only, hash-chained entries (each carries the SHA-256 of the previous one),
// and its verification, which also recomputes every import batch's digest from the stored rows so
// that a fact edited or deleted behind gradus's back is found as well.
#include <algorithm>
#include <array>
#include <cstdlib>
#include <map>
#include <set>
#include <tuple>

#include "core/fields.h"
#include "store/records.h"
#include "store/schema.h"
#include "store/store.h"
#include "store/tables.h"

namespace gradus::store {
namespace {

const std::string kGenesis(64, '0');
constexpr size_t kMaxLocated = 100;

// A row whose check string differs, with the enterprise it belongs to.
struct Located {
  TamperedRow row;
  int64_t enterprise_id = 0;
};

std::string entry_hash(const AuditEntry& e) {
  Sha256 h;
  const std::string batch = e.batch_id ? std::to_string(*e.batch_id) : std::string();
  for (const std::string& part :
       {e.prev_hash, std::to_string(e.seq), e.at, e.actor, e.action, batch}) {
    h.update(part);
    h.update("\n");
  }
  h.update(e.detail);
  return h.hex_final();
}

// The digest recorded in an import entry's detail ("digest":"…"), or "".
std::string recorded_digest(const std::string& detail) {
  const std::string key = "\"digest\":\"";
  const size_t at = detail.find(key);
  if (at == std::string::npos) return {};
  const size_t end = detail.find('"', at + key.size());
  if (end == std::string::npos) return {};
  return detail.substr(at + key.size(), end - at - key.size());
}

// A record field as the user reads it.
std::string_view record_label(std::string_view field, bool zh) {
  static constexpr std::array<std::array<std::string_view, 3>, 13> kLabels = {{
      {"id", "编号", "id"},
      {"kind", "类型", "kind"},
      {"at", "时间", "time"},
      {"actor", "操作人", "actor"},
      {"source", "文件名", "file name"},
      {"source_sha256", "文件 SHA-256", "file SHA-256"},
      {"rows_read", "读入行数", "rows read"},
      {"as_of", "评价基准日", "as-of date"},
      {"mode", "评价模式", "mode"},
      {"known_batch", "所依据的数据批次", "facts known at batch"},
      {"policies", "政策", "policies"},
      {"rows", "结果行数", "result rows"},
      {"results", "评价结果", "outcomes"},
  }};
  for (const auto& l : kLabels) {
    if (l[0] == field) return zh ? l[1] : l[2];
  }
  return field;
}

}  // namespace

Status append_audit_entry(SqlConnection& c, std::string_view actor, std::string_view action,
                          std::optional<int64_t> batch_id, std::string_view detail_json) {
  AuditEntry e;
  {
    auto rows = c.query("SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1");
    if (!rows) return rows.error();
    e.prev_hash = kGenesis;
    if ((*rows)->next()) {
      e.seq = (*rows)->integer(0);
      e.prev_hash = std::string((*rows)->text(1));
    }
    while ((*rows)->next()) {
    }
    if (Status s = (*rows)->status(); !s.ok()) return s;
  }
  e.seq += 1;
  e.at = now_timestamp();
  e.actor = actor;
  e.action = action;
  e.batch_id = batch_id;
  e.detail = detail_json;
  e.hash = entry_hash(e);
  const SqlParam p[] = {
      e.seq,    e.at,        e.actor, e.action, batch_id ? SqlParam{*batch_id} : SqlParam{},
      e.detail, e.prev_hash, e.hash};
  return c.run(
      "INSERT INTO audit_log (seq, at, actor, action, batch_id, detail, prev_hash, hash) "
      "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
      p);
}

Status Store::append_audit(std::string_view actor, std::string_view action,
                           std::optional<int64_t> batch_id, std::string_view detail_json,
                           bool in_transaction) {
  if (!in_transaction) {
    if (Status s = conn_->begin_write(); !s.ok()) return s;
  }
  if (Status s = append_audit_entry(*conn_, actor, action, batch_id, detail_json); !s.ok()) {
    if (!in_transaction) (void)conn_->execute("ROLLBACK");
    return s;
  }
  if (!in_transaction) return conn_->execute("COMMIT");
  return Status::ok_status();
}

Result<std::vector<AuditEntry>> Store::audit_log(int64_t limit) {
  std::string sql =
      "SELECT seq, at, actor, action, batch_id, detail, prev_hash, hash FROM audit_log ORDER BY "
      "seq";
  if (limit > 0) {
    sql =
        "SELECT * FROM (SELECT seq, at, actor, action, batch_id, detail, prev_hash, hash FROM "
        "audit_log ORDER BY seq DESC LIMIT " +
        std::to_string(limit) + ") AS latest ORDER BY seq";
  }
  auto rows = conn_->query(sql);
  if (!rows) return rows.error();
  std::vector<AuditEntry> out;
  SqlRows& r = **rows;
  while (r.next()) {
    AuditEntry e;
    e.seq = r.integer(0);
    e.at = r.text(1);
    e.actor = r.text(2);
    e.action = r.text(3);
    if (!r.is_null(4)) e.batch_id = r.integer(4);
    e.detail = r.text(5);
    e.prev_hash = r.text(6);
    e.hash = r.text(7);
    out.push_back(std::move(e));
  }
  if (Status s = r.status(); !s.ok()) return s;
  return out;
}

Result<AuditCheck> Store::verify_audit(const ProgressFn& progress) {
  AuditCheck check;
  Result<std::vector<AuditEntry>> entries = audit_log();
  if (!entries) return entries.error();
  check.entries = static_cast<int64_t>(entries->size());
  auto bad = [&](int64_t seq, std::string zh, std::string en) {
    if (!check.ok) return;
    check.ok = false;
    check.first_bad_seq = seq;
    check.problem = Text{std::move(zh), std::move(en)};
  };
  std::string prev = kGenesis;
  int64_t expected = 1;
  std::map<int64_t, std::pair<int64_t, std::string>> batch_entries;  // batch → seq, digest
  std::set<int64_t> batches_with_checks;  // batches whose rows carry check strings
  std::map<int64_t, std::pair<int64_t, Record>> batch_records, run_records;  // id → seq, record
  auto keep_record = [](std::map<int64_t, std::pair<int64_t, Record>>& into, int64_t seq,
                        std::string_view object) {
    std::optional<Record> r = parse_record(object);
    if (!r || r->count("id") == 0) return;
    const int64_t id = std::atoll((*r)["id"].c_str());
    into.emplace(id, std::make_pair(seq, std::move(*r)));
  };
  for (const AuditEntry& e : *entries) {
    const std::string n = std::to_string(e.seq);
    if (e.seq != expected) {
      bad(e.seq,
          "第 " + n + " 条之前缺少记录：序号从 " + std::to_string(expected - 1) + " 跳到 " + n +
              "（记录被删除）",
          "entries are missing before entry " + n + ": the sequence jumps from " +
              std::to_string(expected - 1) + " to " + n + " (entries deleted)");
    } else if (e.prev_hash != prev) {
      bad(e.seq, "第 " + n + " 条与前一条的链接不符（记录被删除、插入或调换了顺序）",
          "entry " + n +
              " does not link to the entry before it (entries deleted, inserted or reordered)");
    } else if (entry_hash(e) != e.hash) {
      bad(e.seq, "第 " + n + " 条的内容与其哈希不符（记录被改动）",
          "entry " + n + " does not match its hash (the entry was edited)");
    }
    prev = e.hash;
    expected = e.seq + 1;
    if (e.batch_id) {
      if (std::string_view b = object_after(e.detail, "batch"); !b.empty())
        keep_record(batch_records, e.seq, b);
    } else if (e.action == "assessment_run") {
      if (std::string_view r = object_after(e.detail, "run_record"); !r.empty())
        keep_record(run_records, e.seq, r);
    } else if (e.action == "migration") {
      for (std::string_view b : objects_in_array(e.detail, "batches"))
        keep_record(batch_records, e.seq, b);
      for (std::string_view r : objects_in_array(e.detail, "runs"))
        keep_record(run_records, e.seq, r);
    }
    if (e.batch_id) {
      batch_entries[*e.batch_id] = {e.seq, recorded_digest(e.detail)};
      if (e.detail.find("\"row_checks\":true") != std::string::npos)
        batches_with_checks.insert(*e.batch_id);
    }
  }
  if (!entries->empty()) check.head_hash = entries->back().hash;

  // Every batch must have its entry, and its rows must still be what was written.
  Result<std::vector<BatchInfo>> batches = this->batches();
  if (!batches) return batches.error();
  std::map<int64_t, RowHash> digests;
  for (const BatchInfo& b : *batches) {
    if (batch_entries.count(b.id) == 0) {
      bad(0, "导入批次 " + std::to_string(b.id) + " 没有审计记录（不是经 gradus 写入的？）",
          "import batch " + std::to_string(b.id) + " has no audit entry (written outside gradus?)");
      continue;
    }
    digests.emplace(b.id, RowHash());
  }
  for (const auto& [batch, entry] : batch_entries) {
    bool found = false;
    for (const BatchInfo& b : *batches) found = found || b.id == batch;
    if (!found) {
      bad(entry.first,
          "第 " + std::to_string(entry.first) + " 条记录的导入批次 " + std::to_string(batch) +
              " 已被删除",
          "the import batch " + std::to_string(batch) + " of entry " + std::to_string(entry.first) +
              " was deleted");
    }
  }
  Result<int> version = schema_version(*conn_);
  if (!version) return version.error();
  // The records of batches and runs (schema 5): each computed again from its rows and compared
  // with the one in the chain, field by field.
  {
    std::vector<TamperedRecord> found;
    std::vector<int64_t> seqs;  // of each found record's entry (0: none)
    auto compare = [&](std::string what, int64_t id, const Record& now,
                       const std::pair<int64_t, Record>* was) {
      TamperedRecord t;
      t.what = std::move(what);
      t.id = id;
      if (was == nullptr) {
        t.unrecorded = true;
      } else if (now.empty()) {
        t.deleted = true;
      } else {
        for (const auto& [key, value] : was->second) {
          auto it = now.find(key);
          if (it == now.end() || it->second != value) {
            t.fields.push_back({key, value, it == now.end() ? std::string() : it->second});
          }
        }
        for (const auto& [key, value] : now) {
          if (was->second.count(key) == 0) t.fields.push_back({key, std::string(), value});
        }
        if (t.fields.empty()) return;
      }
      found.push_back(std::move(t));
      seqs.push_back(was != nullptr ? was->first : 0);
    };
    std::set<int64_t> batch_ids;
    for (const BatchInfo& b : *batches) {
      batch_ids.insert(b.id);
      auto it = batch_records.find(b.id);
      if (it == batch_records.end() &&
          (*version < kRecordsSchema || batch_entries.count(b.id) == 0))
        continue;
      compare("batch", b.id, *parse_record(batch_record(b)),
              it == batch_records.end() ? nullptr : &it->second);
    }
    for (const auto& [id, was] : batch_records) {
      if (batch_ids.count(id) == 0 && batch_entries.count(id) == 0) compare("batch", id, {}, &was);
    }
    std::vector<int64_t> run_ids;
    {
      auto rows = conn_->query("SELECT id FROM assessment_runs ORDER BY id");
      if (!rows) return rows.error();
      while ((*rows)->next()) run_ids.push_back((*rows)->integer(0));
      if (Status s = (*rows)->status(); !s.ok()) return s;
    }
    for (int64_t id : run_ids) {
      auto it = run_records.find(id);
      if (it == run_records.end() && *version < kRecordsSchema) continue;
      Result<std::optional<std::string>> now = run_record(*conn_, id, *version);
      if (!now) return now.error();
      ++check.runs_checked;
      compare("run", id, *now ? parse_record(**now).value_or(Record{}) : Record{},
              it == run_records.end() ? nullptr : &it->second);
    }
    for (const auto& [id, was] : run_records) {
      if (!std::binary_search(run_ids.begin(), run_ids.end(), id)) compare("run", id, {}, &was);
    }
    if (!found.empty()) {
      std::string zh = "批次或评价的记录被绕过 gradus 改动（直接修改了数据库）：";
      std::string en =
          "records of batches or assessment runs were changed outside gradus (the database was "
          "edited directly):";
      for (size_t k = 0; k < found.size() && k < 10; ++k) {
        const TamperedRecord& t = found[k];
        const std::string n = std::to_string(t.id), seq = std::to_string(seqs[k]);
        const bool batch = t.what == "batch";
        std::string line_zh = batch ? "导入批次 " + n : "第 " + n + " 次评价";
        std::string line_en = batch ? "import batch " + n : "assessment run " + n;
        if (seqs[k] != 0) line_zh += "（第 " + seq + " 条记录）", line_en += " (entry " + seq + ")";
        if (t.unrecorded) {
          line_zh += "没有审计记录（不是经 gradus 写入的？）";
          line_en += " has no audit record (written outside gradus?)";
        } else if (t.deleted) {
          line_zh += "已被删除";
          line_en += " was deleted";
        } else {
          std::string parts_zh, parts_en;
          for (const TamperedField& f : t.fields) {
            const std::string_view label_zh = record_label(f.name, true);
            if (f.name == "results") {
              parts_zh += std::string(parts_zh.empty() ? "" : "；") + "评价结果被改动或删除";
              parts_en += std::string(parts_en.empty() ? "" : "; ") + "outcomes changed or deleted";
              continue;
            }
            parts_zh += std::string(parts_zh.empty() ? "" : "；") + std::string(label_zh) + " \"" +
                        f.recorded + "\" → \"" + f.now + "\"";
            parts_en += std::string(parts_en.empty() ? "" : "; ") +
                        std::string(record_label(f.name, false)) + " \"" + f.recorded + "\" → \"" +
                        f.now + "\"";
          }
          line_zh += "：" + parts_zh;
          line_en += ": " + parts_en;
        }
        zh += "\n  " + line_zh;
        en += "\n  " + line_en;
      }
      if (found.size() > 10) {
        zh += "\n  ……另有 " + std::to_string(found.size() - 10) + " 项";
        en += "\n  … and " + std::to_string(found.size() - 10) + " more";
      }
      int64_t first_seq = 0;
      for (int64_t q : seqs)
        first_seq = first_seq == 0 || (q != 0 && q < first_seq) ? q : first_seq;
      bad(first_seq, zh, en);
      check.records = std::move(found);
    }
  }
  // Table by table, in write order; each batch's digest receives its rows in id order. Rows of
  // stores of schema 3 and later also carry a check string, compared here to locate a change.
  const bool row_checks = *version >= kRowChecksSchema;
  std::map<int64_t, std::vector<Located>> located;  // batch → rows whose checks differ
  uint64_t rows_total = 0, rows_read = 0;
  if (progress) {
    for (const TableLayout& t : written_tables()) {
      Result<std::optional<int64_t>> n = query_integer(*conn_, "SELECT MAX(id) FROM " + t.name);
      if (!n) return n.error();
      rows_total += static_cast<uint64_t>(n->value_or(0));
    }
  }
  for (const TableLayout& t : written_tables()) {
    for (auto& [id, h] : digests) RowDigest(h).marker(t.name);
    std::string cols;
    for (const TableColumn& c : t.columns) cols += (cols.empty() ? "" : ", ") + c.name;
    const std::string batch_col = t.versioned ? "from_batch" : "first_batch";
    auto rows = conn_->query("SELECT " + batch_col + ", " + cols + (row_checks ? ", checks" : "") +
                             " FROM " + t.name + " ORDER BY " + batch_col + ", id");
    if (!rows) return rows.error();
    SqlRows& r = **rows;
    const int checks_col = static_cast<int>(t.columns.size() + 1);
    RowCheck check;
    while (r.next()) {
      if (progress && (++rows_read & 65535) == 0)
        progress(rows_read, std::max(rows_total, rows_read));
      const int64_t batch = r.integer(0);
      auto it = digests.find(batch);
      if (it == digests.end()) continue;
      RowDigest d(it->second);
      for (size_t k = 0; k < t.columns.size(); ++k) {
        const int col = static_cast<int>(k + 1);
        if (r.is_null(col)) {
          d.null(), check.null();
        } else if (t.columns[k].is_text) {
          d.text(r.text(col)), check.text(r.text(col));
        } else {
          d.integer(r.integer(col)), check.integer(r.integer(col));
        }
      }
      d.end_row();
      const std::string expected = check.take();
      if (!row_checks || batches_with_checks.count(batch) == 0) continue;
      const bool unchecked = r.is_null(checks_col) || r.text(checks_col).size() != expected.size();
      if (!unchecked && r.text(checks_col) == expected) continue;
      std::vector<Located>& found = located[batch];
      if (found.size() >= kMaxLocated) continue;
      Located l;
      l.enterprise_id = t.versioned ? r.integer(2) : r.integer(1);
      l.row.batch = batch;
      l.row.table = t.name;
      l.row.row_id = r.integer(1);
      if (t.name == "yearly_facts") l.row.year = static_cast<int>(r.integer(4));
      l.row.added = unchecked;
      if (!unchecked) {
        const std::string_view stored = r.text(checks_col);
        for (size_t k = 0; k < expected.size(); ++k) {
          if (stored[k] != expected[k]) l.row.fields.push_back(t.columns[k].name);
        }
      }
      found.push_back(std::move(l));
    }
    if (Status s = r.status(); !s.ok()) return s;
    if (!t.versioned) continue;
    for (auto& [id, h] : digests) RowDigest(h).marker("closed");
    auto closed = conn_->query("SELECT to_batch, id FROM " + t.name +
                               " WHERE to_batch IS NOT NULL ORDER BY to_batch, id");
    if (!closed) return closed.error();
    while ((*closed)->next()) {
      auto it = digests.find((*closed)->integer(0));
      if (it != digests.end()) RowDigest(it->second).integer((*closed)->integer(1));
    }
    if (Status s = (*closed)->status(); !s.ok()) return s;
  }
  if (progress) progress(rows_read, rows_read);
  std::vector<int64_t> failed;  // batches whose rows are not what they wrote
  for (auto& [batch, h] : digests) {
    ++check.batches_checked;
    if (h.hex_final() != batch_entries[batch].second) failed.push_back(batch);
  }
  if (failed.empty()) return check;
  // Name the firms of the located rows (USCC and current name).
  std::map<int64_t, std::pair<std::string, std::string>> firms;
  for (int64_t batch : failed) {
    for (const Located& l : located[batch]) firms[l.enterprise_id];
  }
  for (auto& [id, firm] : firms) {
    const SqlParam p[] = {id};
    auto rows = conn_->query(
        "SELECT e.uscc, v.name FROM enterprises e LEFT JOIN enterprise_versions v ON "
        "v.enterprise_id = "
        "e.id AND v.to_batch IS NULL WHERE e.id = ?",
        p);
    if (!rows) return rows.error();
    if ((*rows)->next()) firm = {std::string((*rows)->text(0)), std::string((*rows)->text(1))};
    while ((*rows)->next()) {
    }
    if (Status s = (*rows)->status(); !s.ok()) return s;
  }
  for (int64_t batch : failed) {
    for (Located& l : located[batch]) {
      std::tie(l.row.uscc, l.row.name) = firms[l.enterprise_id];
      if (check.tampered.size() < kMaxLocated) check.tampered.push_back(l.row);
    }
  }
  const int64_t batch = failed.front();
  const int64_t seq = batch_entries[batch].first;
  std::string zh = "导入批次 " + std::to_string(batch) + "（第 " + std::to_string(seq) +
                   " 条记录）写入的数据已被改动或删除（绕过 gradus 修改了数据库）";
  std::string en = "the facts written by import batch " + std::to_string(batch) + " (entry " +
                   std::to_string(seq) + ") were changed or deleted outside gradus";
  const std::vector<Located>& rows = located[batch];
  if (rows.empty()) {
    zh += "：无法定位到行（行被删除、被替换行的 to_batch 被改动，或该批次写于结构版本 3 之前）";
    en +=
        ": the row cannot be located (a row deleted, a replaced row's to_batch changed, or the "
        "batch predates schema version 3)";
  }
  for (size_t k = 0; k < rows.size() && k < 5; ++k) {
    const TamperedRow& t = rows[k].row;
    const std::string firm = t.uscc.empty() ? "#" + std::to_string(rows[k].enterprise_id)
                                            : t.uscc + (t.name.empty() ? "" : " " + t.name);
    std::string fields_zh, fields_en;
    for (const std::string& f : t.fields) {
      const FieldDef* def = find_field(f);
      fields_zh += (fields_zh.empty() ? "" : "、") +
                   (def != nullptr ? std::string(def->zh) + "（" + f + "）" : f);
      fields_en += (fields_en.empty() ? "" : ", ") + f;
    }
    const std::string where = t.table + " #" + std::to_string(t.row_id);
    const std::string year_zh = t.year != 0 ? std::to_string(t.year) + " 年的" : "";
    const std::string year_en = t.year != 0 ? " for " + std::to_string(t.year) : "";
    if (t.added) {
      zh += "\n  企业 " + firm + "：" + where + " 不是该批次写入的（绕过 gradus 添加或整行改写）";
      en += "\n  firm " + firm + ": row " + where +
            " was not written by that batch (added or rewritten outside gradus)";
    } else {
      zh += "\n  企业 " + firm + "：" + year_zh + fields_zh + " 被改动（" + where + "）";
      en += "\n  firm " + firm + ": " + fields_en + year_en + " changed (" + where + ")";
    }
  }
  if (rows.size() > 5) {
    zh += "\n  ……另有 " + std::to_string(rows.size() - 5) + " 行";
    en += "\n  … and " + std::to_string(rows.size() - 5) + " more rows";
  }
  if (failed.size() > 1) {
    zh += "\n另有 " + std::to_string(failed.size() - 1) + " 个批次的数据也被改动";
    en += "\n" + std::to_string(failed.size() - 1) + " more batch(es) changed as well";
  }
  bad(seq, zh, en);
  return check;
}

}  // namespace gradus::store
