// The records of import batches and assessment runs that the audit chain protects (records.h):
// how they are computed from the stored rows, written as flat JSON and read back.
#include "store/records.h"

#include <algorithm>
#include <array>
#include <tuple>

#include "store/schema.h"
#include "store/tables.h"

namespace gradus::store {
namespace {

std::string record_json(const std::vector<std::pair<std::string_view, std::string>>& fields) {
  std::string out = "{";
  for (const auto& [key, value] : fields) {
    if (out.size() > 1) out += ',';
    out += '"';
    out += key;
    out += "\":\"";
    out += json_escape(value);
    out += '"';
  }
  return out + "}";
}

// The end of the JSON string that starts at `at` (its opening quote); npos when unterminated.
size_t string_end(std::string_view json, size_t at) {
  for (size_t k = at + 1; k < json.size(); ++k) {
    if (json[k] == '\\') {
      ++k;
    } else if (json[k] == '"') {
      return k;
    }
  }
  return std::string_view::npos;
}

// The object that starts at `at` ('{'), strings skipped; "" when unterminated.
std::string_view object_at(std::string_view json, size_t at) {
  int depth = 0;
  for (size_t k = at; k < json.size(); ++k) {
    if (json[k] == '"') {
      k = string_end(json, k);
      if (k == std::string_view::npos) return {};
    } else if (json[k] == '{') {
      ++depth;
    } else if (json[k] == '}' && --depth == 0) {
      return json.substr(at, k + 1 - at);
    }
  }
  return {};
}

// Where the value of `"key":` at the top level of `json` starts; npos when absent.
size_t value_of(std::string_view json, std::string_view key) {
  const std::string quoted = "\"" + std::string(key) + "\":";
  int depth = 0;
  for (size_t k = 0; k < json.size(); ++k) {
    if (json[k] == '{' || json[k] == '[') {
      ++depth;
    } else if (json[k] == '}' || json[k] == ']') {
      --depth;
    } else if (json[k] == '"') {
      if (depth == 1 && json.substr(k, quoted.size()) == quoted) return k + quoted.size();
      k = string_end(json, k);
      if (k == std::string_view::npos) return k;
    }
  }
  return std::string_view::npos;
}

void append_utf8(std::string& out, uint32_t cp) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xc0 | (cp >> 6)), out += static_cast<char>(0x80 | (cp & 0x3f));
  } else {
    out += static_cast<char>(0xe0 | (cp >> 12)),
        out += static_cast<char>(0x80 | ((cp >> 6) & 0x3f));
    out += static_cast<char>(0x80 | (cp & 0x3f));
  }
}

// The text of the JSON string [at, end] (quotes included), unescaped; nullopt when malformed.
std::optional<std::string> unescape(std::string_view s) {
  std::string out;
  for (size_t k = 1; k + 1 < s.size(); ++k) {
    if (s[k] != '\\') {
      out += s[k];
      continue;
    }
    if (++k + 1 >= s.size()) return std::nullopt;
    switch (s[k]) {
      case '"':
        out += '"';
        break;
      case '\\':
        out += '\\';
        break;
      case '/':
        out += '/';
        break;
      case 'b':
        out += '\b';
        break;
      case 'f':
        out += '\f';
        break;
      case 'n':
        out += '\n';
        break;
      case 'r':
        out += '\r';
        break;
      case 't':
        out += '\t';
        break;
      case 'u': {
        if (k + 5 >= s.size()) return std::nullopt;
        uint32_t cp = 0;
        for (int d = 1; d <= 4; ++d) {
          const char h = s[k + static_cast<size_t>(d)];
          cp = cp * 16 + static_cast<uint32_t>(h >= '0' && h <= '9'   ? h - '0'
                                               : h >= 'a' && h <= 'f' ? h - 'a' + 10
                                               : h >= 'A' && h <= 'F' ? h - 'A' + 10
                                                                      : 0);
        }
        append_utf8(out, cp);
        k += 4;
        break;
      }
      default:
        return std::nullopt;
    }
  }
  return out;
}

}  // namespace

std::string batch_record(const BatchInfo& b) {
  return record_json({{"id", std::to_string(b.id)},
                      {"kind", b.kind},
                      {"at", b.at},
                      {"actor", b.actor},
                      {"source", b.source},
                      {"source_sha256", b.source_sha256},
                      {"rows_read", std::to_string(b.rows_read)}});
}

Result<std::optional<std::string>> run_record(SqlConnection& c, int64_t run, int schema) {
  const SqlParam p[] = {run};
  std::vector<std::pair<std::string_view, std::string>> fields;
  {
    auto rows = c.query(
        "SELECT id, at, actor, as_of, mode, known_batch, policies FROM assessment_runs WHERE id = "
        "?",
        p);
    if (!rows) return rows.error();
    SqlRows& r = **rows;
    if (r.next()) {
      fields = {{"id", std::to_string(r.integer(0))}, {"at", std::string(r.text(1))},
                {"actor", std::string(r.text(2))},    {"as_of", std::string(r.text(3))},
                {"mode", std::string(r.text(4))},     {"known_batch", std::to_string(r.integer(5))},
                {"policies", std::string(r.text(6))}};
      while (r.next()) {
      }
    }
    if (Status s = r.status(); !s.ok()) return s;
    if (fields.empty()) return std::optional<std::string>();
  }
  // Rows whose order is not an integer key are sorted here, bytewise, so that no collation of the
  // database decides the digest.
  RowHash h;
  int64_t count = 0;
  {
    RowDigest d(h);
    if (schema >= kRowChecksSchema) {
      d.marker("assessment_criteria");
      std::vector<std::tuple<std::string, std::string, int64_t, std::string>> criteria;
      auto rows = c.query(
          "SELECT policy, version, number, criterion FROM assessment_criteria WHERE run_id = ?", p);
      if (!rows) return rows.error();
      SqlRows& r = **rows;
      while (r.next()) criteria.emplace_back(r.text(0), r.text(1), r.integer(2), r.text(3));
      if (Status s = r.status(); !s.ok()) return s;
      std::sort(criteria.begin(), criteria.end());
      for (const auto& [policy, version, number, id] : criteria) {
        d.text(policy), d.text(version), d.integer(number), d.text(id), d.end_row();
      }
      d.marker("assessment_results");
      auto results = c.query(
          "SELECT enterprise_id, outcomes FROM assessment_results WHERE run_id = ? ORDER BY "
          "enterprise_id",
          p);
      if (!results) return results.error();
      SqlRows& rr = **results;
      while (rr.next()) d.integer(rr.integer(0)), d.text(rr.text(1)), d.end_row(), ++count;
      if (Status s = rr.status(); !s.ok()) return s;
    }
    d.marker("assessment_outcomes");
    using Old = std::tuple<int64_t, std::string, std::string, std::string,
                           std::optional<std::string>, std::optional<std::string>>;
    std::vector<Old> old;
    auto rows = c.query(
        "SELECT enterprise_id, policy, version, outcome, score, result FROM assessment_outcomes "
        "WHERE run_id = ?",
        p);
    if (!rows) return rows.error();
    SqlRows& r = **rows;
    while (r.next()) {
      old.emplace_back(r.integer(0), r.text(1), r.text(2), r.text(3),
                       r.is_null(4) ? std::nullopt : std::optional<std::string>(r.text(4)),
                       r.is_null(5) ? std::nullopt : std::optional<std::string>(r.text(5)));
    }
    if (Status s = r.status(); !s.ok()) return s;
    std::sort(old.begin(), old.end());
    for (const auto& [eid, policy, version, outcome, score, result] : old) {
      d.integer(eid), d.text(policy), d.text(version), d.text(outcome);
      score ? d.text(*score) : d.null();
      result ? d.text(*result) : d.null();
      d.end_row(), ++count;
    }
  }
  fields.emplace_back("rows", std::to_string(count));
  fields.emplace_back("results", h.hex_final());
  return std::optional<std::string>(record_json(fields));
}

std::string_view object_after(std::string_view json, std::string_view key) {
  const size_t at = value_of(json, key);
  if (at == std::string_view::npos || at >= json.size() || json[at] != '{') return {};
  return object_at(json, at);
}

std::vector<std::string_view> objects_in_array(std::string_view json, std::string_view key) {
  std::vector<std::string_view> out;
  size_t at = value_of(json, key);
  if (at == std::string_view::npos || at >= json.size() || json[at] != '[') return out;
  for (++at; at < json.size() && json[at] != ']'; ++at) {
    if (json[at] != '{') continue;
    std::string_view object = object_at(json, at);
    if (object.empty()) break;
    out.push_back(object);
    at += object.size() - 1;
  }
  return out;
}

std::optional<Record> parse_record(std::string_view object) {
  Record out;
  if (object.size() < 2 || object.front() != '{' || object.back() != '}') return std::nullopt;
  size_t k = 1;
  while (k < object.size() - 1) {
    if (object[k] == ',') ++k;
    const size_t key_end = object[k] == '"' ? string_end(object, k) : std::string_view::npos;
    if (key_end == std::string_view::npos || key_end + 2 >= object.size() ||
        object[key_end + 1] != ':' || object[key_end + 2] != '"') {
      return std::nullopt;
    }
    const size_t value_end = string_end(object, key_end + 2);
    if (value_end == std::string_view::npos) return std::nullopt;
    std::optional<std::string> key = unescape(object.substr(k, key_end + 1 - k));
    std::optional<std::string> value =
        unescape(object.substr(key_end + 2, value_end - key_end - 1));
    if (!key || !value) return std::nullopt;
    out[*key] = *value;
    k = value_end + 1;
  }
  return out;
}

Status record_trusted_at_migration(SqlConnection& c) {
  std::string batches, runs;
  {
    auto rows = c.query(
        "SELECT id, kind, at, actor, source, source_sha256, rows_read FROM import_batches ORDER BY "
        "id");
    if (!rows) return rows.error();
    SqlRows& r = **rows;
    while (r.next()) {
      BatchInfo b;
      b.id = r.integer(0);
      b.kind = r.text(1);
      b.at = r.text(2);
      b.actor = r.text(3);
      b.source = r.text(4);
      b.source_sha256 = r.text(5);
      b.rows_read = r.integer(6);
      batches += (batches.empty() ? "" : ",") + batch_record(b);
    }
    if (Status s = r.status(); !s.ok()) return s;
  }
  std::vector<int64_t> ids;
  {
    auto rows = c.query("SELECT id FROM assessment_runs ORDER BY id");
    if (!rows) return rows.error();
    while ((*rows)->next()) ids.push_back((*rows)->integer(0));
    if (Status s = (*rows)->status(); !s.ok()) return s;
  }
  for (int64_t id : ids) {
    Result<std::optional<std::string>> record = run_record(c, id, kRecordsSchema);
    if (!record) return record.error();
    if (*record) runs += (runs.empty() ? "" : ",") + **record;
  }
  if (batches.empty() && runs.empty()) return Status::ok_status();
  return append_audit_entry(c, "gradus", "migration", std::nullopt,
                            "{\"migration\":" + std::to_string(kRecordsSchema) +
                                ",\"trusted_at_migration\":true,\"batches\":[" + batches +
                                "],\"runs\":[" + runs + "]}");
}

}  // namespace gradus::store
