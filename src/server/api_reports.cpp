// The API's routes for files and records (api.h): the pool exported as Excel or CSV (exactly the
// firms a list shows), the import template, saved assessment runs and their diff, published title
// lists, the audit chain's verification and the whole pool's gap report as a job — each through
// the library function its CLI command calls (export_commands, store_commands, analysis_commands).
#include <algorithm>
#include <atomic>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>

#include "analysis/export_columns.h"
#include "analysis/gap_report.h"
#include "analysis/run_diff.h"
#include "analysis/title_import.h"
#include "export/csv_text.h"
#include "export/export.h"
#include "ingest/title_list.h"
#include "server/api_state.h"
#include "store/schema.h"
#include "store/tables.h"

namespace gradus::server {

namespace {

constexpr const char* kXlsxType =
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
constexpr const char* kCsvType = "text/csv; charset=utf-8";

// A directory of its own under the jobs directory for one request's files, removed when the
// request is answered.
class ScratchDir {
 public:
  ScratchDir(const std::string& parent, const std::string& what) {
    static std::atomic<uint64_t> counter{0};
    path_ = parent + "/" + what + "-" + std::to_string(++counter) + "-" +
            auth::token_hash(store::now_timestamp() + what).substr(0, 8);
    std::error_code ec;
    std::filesystem::create_directories(path_, ec);
  }
  ~ScratchDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  ScratchDir(const ScratchDir&) = delete;
  ScratchDir& operator=(const ScratchDir&) = delete;
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

Result<std::string> read_whole_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in)
    return error(StatusCode::io_error, "无法读取生成的文件 " + path,
                 "cannot read the generated file " + path);
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

// A download: the bytes with their type and a file name (RFC 6266: an ASCII fallback and the
// UTF-8 name).
HttpResponse download(std::string bytes, const std::string& type, const std::string& ascii_name,
                      const std::string& utf8_name = "") {
  HttpResponse r;
  r.body = std::move(bytes);
  r.content_type = type;
  std::string disposition = "attachment; filename=\"" + ascii_name + "\"";
  if (!utf8_name.empty()) {
    std::string encoded;
    static const char* hex = "0123456789ABCDEF";
    for (unsigned char ch : utf8_name) {
      if (std::isalnum(ch) || ch == '.' || ch == '-' || ch == '_') {
        encoded += static_cast<char>(ch);
      } else {
        encoded += '%';
        encoded += hex[ch >> 4];
        encoded += hex[ch & 15];
      }
    }
    disposition += "; filename*=UTF-8''" + encoded;
  }
  r.set_header("Content-Disposition", disposition);
  return r;
}

// ?format= among `allowed` (the first is the default); a 422 otherwise.
std::optional<HttpResponse> read_format(const HttpRequest& req,
                                        std::initializer_list<const char*> allowed,
                                        std::string& format) {
  format = req.param("format").value_or(*allowed.begin());
  std::string list;
  for (const char* a : allowed) {
    if (format == a) return std::nullopt;
    list += (list.empty() ? "" : ", ") + std::string(a);
  }
  return problem(req, 422, "invalid_parameter",
                 Text{"format 须为 " + list + " 之一", "format must be one of " + list});
}

// A table as CSV text (UTF-8 with BOM, CRLF: what Excel opens).
std::string table_csv(const std::vector<std::string>& headers,
                      const std::vector<std::vector<std::string>>& rows) {
  std::string out(kUtf8Bom);
  out += csv_record(headers);
  for (const auto& r : rows) out += csv_record(r);
  return out;
}

// Reads ?NAME= as a positive run or batch number.
std::optional<int64_t> positive_number(const std::string& text) {
  if (text.empty() || text.size() > 18) return std::nullopt;
  int64_t n = 0;
  for (char ch : text) {
    if (ch < '0' || ch > '9') return std::nullopt;
    n = n * 10 + (ch - '0');
  }
  return n > 0 ? std::optional<int64_t>(n) : std::nullopt;
}

}  // namespace

void Api::State::add_report_routes() {
  // The firms a list shows (the same filters and order as GET /api/v1/enterprises), as `gradus
  // export` writes them: a workbook, or one table of the CSV export (?table=).
  router.add(
      "GET", "/api/v1/export",
      authed(
          *this,
          [this](HttpRequest& req, const RouteParams&, const Caller& c,
                 store::Store& db) -> HttpResponse {
            const Lang lang = request_lang(req);
            std::string format;
            if (auto bad = read_format(req, {"xlsx", "csv"}, format)) return *bad;
            Date as_of;
            std::string mode;
            if (auto bad = read_as_of_and_mode(req, as_of, mode)) return *bad;
            // ?known_at=: the facts as the store knew them then (`gradus export --known-at`).
            std::shared_ptr<const PoolSnapshot> snap;
            Pool known;
            const Pool* pool = nullptr;
            if (std::optional<std::string> at = req.param("known_at"); at && !at->empty()) {
              Result<std::optional<int64_t>> batch = db.batch_at(*at);
              if (!batch) return problem(req, 422, "invalid_parameter", batch.error().message);
              if (!*batch)
                return problem(
                    req, 422, "invalid_parameter",
                    Text{*at + " 时企业库中还没有数据", "the store held no data at " + *at});
              store::LoadOptions lo;
              lo.known_batch = **batch;
              Result<Pool> loaded = db.load_pool(lo);
              if (!loaded) return store_problem(req, loaded.error());
              known = std::move(*loaded);
              pool = &known;
            } else {
              Result<std::shared_ptr<const PoolSnapshot>> current = current_pool(db);
              if (!current) return store_problem(req, current.error());
              snap = *current;
              pool = &snap->pool;
            }
            std::vector<uint32_t> rows;
            if (auto bad = listed_rows(*this, req, c, *pool, as_of, mode, rows)) return *bad;
            const Pool shown = pool->subset(rows);
            // ?with_assessment=ID[@VERSION],…: each firm's outcome and score under these.
            std::vector<std::string> specs;
            const std::string list = req.param("with_assessment").value_or("");
            for (size_t i = 0; i < list.size();) {
              size_t comma = list.find(',', i);
              if (comma == std::string::npos) comma = list.size();
              if (comma > i) specs.push_back(list.substr(i, comma - i));
              i = comma + 1;
            }
            std::vector<std::shared_ptr<const Plan>> plans;
            if (!specs.empty())
              if (auto bad = plans_for(req, specs, as_of, mode, plans, "invalid_parameter",
                                       "with_assessment"))
                return *bad;
            std::vector<const Plan*> raw;
            for (const auto& p : plans) raw.push_back(p.get());
            const ExportOptions opt = pool_export_options(*registry, raw, shown, lang);
            ScratchDir dir(jobs_dir, "export");
            const std::string stamp = as_of.to_string();
            if (format == "xlsx") {
              const std::string path = dir.path() + "/export.xlsx";
              if (Status s = export_pool_xlsx(shown, path, opt); !s.ok())
                return problem_from_status(req, s);
              Result<std::string> bytes = read_whole_file(path);
              if (!bytes) return problem_from_status(req, bytes.error());
              return download(std::move(*bytes), kXlsxType, "gradus-export-" + stamp + ".xlsx",
                              lang == Lang::zh ? "企业库导出-" + stamp + ".xlsx" : "");
            }
            const std::string table = req.param("table").value_or("enterprises");
            if (Status s = export_pool_csv(shown, dir.path(), opt); !s.ok())
              return problem_from_status(req, s);
            std::vector<std::string> tables;
            for (const auto& entry : std::filesystem::directory_iterator(dir.path()))
              if (entry.path().extension() == ".csv") tables.push_back(entry.path().stem());
            std::sort(tables.begin(), tables.end());
            if (std::find(tables.begin(), tables.end(), table) == tables.end()) {
              std::string list;
              for (const std::string& t : tables) list += (list.empty() ? "" : ", ") + t;
              return problem(req, 422, "invalid_parameter",
                             Text{"table 须为 " + list + " 之一", "table must be one of " + list});
            }
            Result<std::string> bytes = read_whole_file(dir.path() + "/" + table + ".csv");
            if (!bytes) return problem_from_status(req, bytes.error());
            return download(std::move(*bytes), kCsvType, "gradus-" + table + "-" + stamp + ".csv");
          }));

  // The empty import template (`gradus template`), for every signed-in user.
  router.add("GET", "/api/v1/import-template",
             authed(*this,
                    [this](HttpRequest& req, const RouteParams&, const Caller&,
                           store::Store&) -> HttpResponse {
                      const Lang lang = request_lang(req);
                      ScratchDir dir(jobs_dir, "template");
                      const std::string path = dir.path() + "/template.xlsx";
                      if (Status s = write_import_template(path, lang); !s.ok())
                        return problem_from_status(req, s);
                      Result<std::string> bytes = read_whole_file(path);
                      if (!bytes) return problem_from_status(req, bytes.error());
                      return download(std::move(*bytes), kXlsxType, "gradus-import-template.xlsx",
                                      lang == Lang::zh ? "gradus-导入模板.xlsx" : "");
                    }));

  // Saved assessment runs (`gradus runs list`): admins and officials.
  router.add("GET", "/api/v1/runs",
             authed(*this,
                    [](HttpRequest& req, const RouteParams&, const Caller& c,
                       store::Store& db) -> HttpResponse {
                      if (!has_role(c, {auth::Role::admin, auth::Role::official}))
                        return problem(req, 403, "forbidden",
                                       Text{"只有管理员和主管部门人员可以查看已保存的评价",
                                            "only admins and officials may see saved runs"});
                      Result<std::vector<store::RunInfo>> runs = db.runs();
                      if (!runs) return store_problem(req, runs.error());
                      Json items = Json::array();
                      for (const store::RunInfo& r : *runs) {
                        Json x;
                        x["id"] = r.id;
                        x["at"] = r.at;
                        x["actor"] = r.actor;
                        x["as_of"] = r.as_of;
                        x["mode"] = r.mode;
                        x["known_batch"] = r.known_batch;
                        Json policies = Json::array();
                        for (size_t i = 0; i <= r.policies.size();) {
                          size_t comma = r.policies.find(',', i);
                          if (comma == std::string::npos) comma = r.policies.size();
                          if (comma > i) policies.push_back(r.policies.substr(i, comma - i));
                          i = comma + 1;
                        }
                        x["policies"] = std::move(policies);
                        x["outcomes"] = r.outcomes;
                        items.push_back(std::move(x));
                      }
                      Json j;
                      j["items"] = std::move(items);
                      return json_response(200, j);
                    }));

  // The firms of the caller's scope whose outcome or blocking criteria changed between two saved
  // runs (`gradus runs diff`), as JSON or as the CLI's CSV / workbook.
  router.add(
      "GET", "/api/v1/runs/{before}/diff/{after}",
      authed(*this,
             [this](HttpRequest& req, const RouteParams& p, const Caller& c,
                    store::Store& db) -> HttpResponse {
               const Lang lang = request_lang(req);
               if (!has_role(c, {auth::Role::admin, auth::Role::official}))
                 return problem(req, 403, "forbidden",
                                Text{"只有管理员和主管部门人员可以查看已保存的评价",
                                     "only admins and officials may see saved runs"});
               std::string format;
               if (auto bad = read_format(req, {"json", "csv", "xlsx"}, format)) return *bad;
               std::optional<int64_t> before = positive_number(p.at("before"));
               std::optional<int64_t> after = positive_number(p.at("after"));
               if (!before || !after)
                 return problem(req, 404, "not_found",
                                Text{"评价编号须为正整数", "a run number is a positive integer"});
               Result<std::vector<store::OutcomeChange>> d = db.diff_runs(*before, *after);
               if (!d) {
                 if (d.error().code == StatusCode::not_found)
                   return problem(req, 404, "not_found", d.error().message);
                 return store_problem(req, d.error());
               }
               // Only the firms the caller may see (as the pool holds them now).
               if (c.user.role != auth::Role::admin) {
                 Result<std::shared_ptr<const PoolSnapshot>> snap = current_pool(db);
                 if (!snap) return store_problem(req, snap.error());
                 const Pool& pool = (*snap)->pool;
                 std::erase_if(*d, [&](const store::OutcomeChange& ch) {
                   std::optional<uint32_t> e = pool.find(ch.uscc);
                   return !e || !in_scope(c, pool, *e);
                 });
               }
               const RunDiffCounts counts = count_run_diff(*d);
               const RunDiffTable table(*registry, lang);
               const std::string name = "gradus-runs-" + p.at("before") + "-" + p.at("after");
               if (format == "csv" || format == "xlsx") {
                 std::vector<std::vector<std::string>> rows;
                 for (const store::OutcomeChange& ch : *d) rows.push_back(table.row(ch));
                 if (format == "csv")
                   return download(table_csv(table.headers(), rows), kCsvType, name + ".csv");
                 Table xlsx;
                 xlsx.sheet = lang == Lang::zh ? "评价结果变化" : "run diff";
                 xlsx.headers = table.headers();
                 xlsx.rows = std::move(rows);
                 xlsx.notes = {lang == Lang::zh
                                   ? "第 " + p.at("before") + " 次评价 → 第 " + p.at("after") +
                                         " 次评价"
                                   : "run " + p.at("before") + " → run " + p.at("after")};
                 ScratchDir dir(jobs_dir, "runs");
                 const std::string path = dir.path() + "/diff.xlsx";
                 if (Status s = write_table_xlsx(path, xlsx); !s.ok())
                   return problem_from_status(req, s);
                 Result<std::string> bytes = read_whole_file(path);
                 if (!bytes) return problem_from_status(req, bytes.error());
                 return download(std::move(*bytes), kXlsxType, name + ".xlsx");
               }
               Json items = Json::array();
               for (const store::OutcomeChange& ch : *d) {
                 Json x;
                 x["uscc"] = ch.uscc;
                 x["name"] = clean_utf8(ch.name);
                 x["policy"] = ch.policy;
                 x["version_before"] = ch.version_before;
                 x["version_after"] = ch.version_after;
                 x["before"] = ch.before.empty() ? Json(nullptr) : Json(ch.before);
                 x["after"] = ch.after.empty() ? Json(nullptr) : Json(ch.after);
                 x["criteria_recorded"] = ch.recorded_before && ch.recorded_after;
                 x["not_met_before"] = ch.not_met_before;
                 x["not_met_after"] = ch.not_met_after;
                 x["unknown_before"] = ch.unknown_before;
                 x["unknown_after"] = ch.unknown_after;
                 const std::vector<std::string> cells = table.row(ch);
                 x["policy_label"] = cells[2];
                 items.push_back(std::move(x));
               }
               Json j;
               j["before"] = *before;
               j["after"] = *after;
               j["outcome_changes"] = counts.outcomes;
               j["criteria_only_changes"] = counts.criteria_only;
               j["items"] = std::move(items);
               return json_response(200, j);
             }));

  // A published title list (`gradus import-titles`): matched to the firms of the caller's scope,
  // the matched titles written as one batch (kind "titles"), every row reported.
  router.add(
      "POST", "/api/v1/title-imports",
      authed(
          *this,
          [this](HttpRequest& req, const RouteParams&, const Caller& c,
                 store::Store& db) -> HttpResponse {
            const Lang lang = request_lang(req);
            if (!has_role(c, {auth::Role::admin, auth::Role::official}))
              return problem(req, 403, "forbidden",
                             Text{"只有管理员和主管部门人员可以导入称号名单",
                                  "only admins and officials may import title lists"});
            const std::string type(req.header("content-type"));
            std::string extension;
            if (type.rfind("text/csv", 0) == 0)
              extension = ".csv";
            else if (type.rfind(kXlsxType, 0) == 0)
              extension = ".xlsx";
            else
              return problem(
                  req, 415, "unsupported_media_type",
                  Text{
                      std::string("称号名单的 Content-Type 须为 text/csv 或 ") + kXlsxType,
                      std::string("a title list's Content-Type must be text/csv or ") + kXlsxType});
            const std::string dry = req.param("dry_run").value_or("false");
            if (dry != "true" && dry != "false")
              return problem(req, 422, "invalid_parameter",
                             Text{"dry_run 须为 true 或 false", "dry_run must be true or false"});
            std::string name =
                std::filesystem::path(req.param("filename").value_or("")).filename().string();
            if (name.empty() || name.find('\0') != std::string::npos || name == "." || name == "..")
              name = "titles" + extension;
            // The reader takes a file: the body is written to a scratch file of the right kind.
            ScratchDir dir(jobs_dir, "titles");
            const std::string path = dir.path() + "/list" + extension;
            {
              std::ofstream out(path, std::ios::binary);
              out.write(req.body.data(), static_cast<std::streamsize>(req.body.size()));
              if (!out)
                return problem_from_status(req, error(StatusCode::io_error, "无法保存上传的文件",
                                                      "cannot keep the upload"));
            }
            Result<TitleList> list = read_title_list(path);
            if (!list) return problem(req, 422, "import_failed", list.error().message);
            Result<std::shared_ptr<const PoolSnapshot>> snap = current_pool(db);
            if (!snap) return store_problem(req, snap.error());
            // Matched within the caller's scope only: a firm outside it is not found.
            const Pool scoped = (*snap)->pool.subset(rows_in_scope(c, (*snap)->pool));
            const std::vector<TitleMatch> matches = match_title_list(*list, scoped);
            std::map<TitleMatchKind, size_t> count = count_title_matches(matches);
            size_t titles = 0;
            Pool incoming = matched_titles(matches, scoped, &titles);
            Json j;
            j["file"] = name;
            j["dry_run"] = dry == "true";
            j["rows"] = matches.size();
            Json counts;
            for (TitleMatchKind k :
                 {TitleMatchKind::by_uscc, TitleMatchKind::by_name, TitleMatchKind::by_short_name,
                  TitleMatchKind::ambiguous, TitleMatchKind::unmatched, TitleMatchKind::proposed,
                  TitleMatchKind::invalid})
              counts[title_match_id(k)] = count[k];
            j["counts"] = std::move(counts);
            j["ignored_columns"] = list->ignored_columns;
            const std::vector<std::string> headers = title_report_headers();
            Json report = Json::array();
            for (const TitleMatch& m : matches) {
              const std::vector<std::string> cells = title_report_row(m, scoped, lang);
              Json x;
              for (size_t k = 0; k < headers.size(); ++k) x[headers[k]] = clean_utf8(cells[k]);
              x["row"] = m.row->row;
              report.push_back(std::move(x));
            }
            j["report"] = std::move(report);
            j["titles"] = titles;
            j["batch"] = 0;
            j["events_added"] = 0;
            if (titles > 0) {
              store::ImportOptions o;
              o.actor = c.user.name;
              o.kind = "titles";
              o.source = name;
              o.source_sha256 = store::sha256_hex(req.body);
              o.rows_read = list->rows.size();
              o.dry_run = dry == "true";
              Result<store::ImportSummary> sum = db.import_pool(incoming, o);
              if (!sum) return store_problem(req, sum.error());
              j["batch"] = sum->batch_id;
              j["events_added"] = sum->events_added;
              if (!o.dry_run && sum->batch_id > 0) (void)current_pool(db);
              return json_response(!o.dry_run && sum->batch_id > 0 ? 201 : 200, j);
            }
            return json_response(200, j);
          }));

  // The audit chain and every batch's data checked (`gradus audit verify`): admins.
  router.add("GET", "/api/v1/audit/verify",
             authed(*this,
                    [](HttpRequest& req, const RouteParams&, const Caller& c,
                       store::Store& db) -> HttpResponse {
                      if (!has_role(c, {auth::Role::admin}))
                        return problem(req, 403, "forbidden",
                                       Text{"只有管理员可以校验审计日志",
                                            "only admins may verify the audit log"});
                      Result<store::AuditCheck> check = db.verify_audit();
                      if (!check) return store_problem(req, check.error());
                      const Lang lang = request_lang(req);
                      Json j;
                      j["ok"] = check->ok;
                      j["entries"] = check->entries;
                      j["batches_checked"] = check->batches_checked;
               j["runs_checked"] = check->runs_checked;
                      j["head_hash"] = check->head_hash;
                      if (!check->ok) j["problem"] = in_lang(check->problem, lang);
                      // ?expect_head=: the hash written down earlier; another one means a truncated
                      // or replaced log.
                      if (std::optional<std::string> expect = req.param("expect_head");
                          check->ok && expect && !expect->empty() && *expect != check->head_hash) {
                        j["ok"] = false;
                        j["problem"] =
                            in_lang(Text{"最后一条记录的哈希 " + check->head_hash + " 与预期的 " +
                                             *expect + " 不同（日志末尾被截断或替换）",
                                         "the last entry's hash " + check->head_hash +
                                             " differs from the expected " + *expect +
                                             " (the log was truncated or replaced)"},
                                    lang);
                      }
                      return json_response(200, j);
                    }));

  // The whole pool's gap report in the caller's scope (`gradus gap --all`), as a job whose result
  // is CSV or a workbook.
  router.add(
      "POST", "/api/v1/gap-reports",
      authed(*this,
             [this](HttpRequest& req, const RouteParams&, const Caller& c,
                    store::Store& db) -> HttpResponse {
               const Lang lang = request_lang(req);
               Date as_of;
               std::string mode;
               if (auto bad = read_as_of_and_mode(req, as_of, mode)) return *bad;
               Json body = Json::object();
               if (!req.body.empty())
                 if (auto bad = read_json_body(*this, req, body)) return *bad;
               for (auto it = body.begin(); it != body.end(); ++it)
                 if (it.key() != "policies" && it.key() != "as_of" && it.key() != "summary")
                   return Problem{422,
                                  "validation_failed",
                                  Text{"未知字段：" + it.key(), "unknown field: " + it.key()},
                                  {{it.key(), "", -1, "", "", "", "unknown field"}}}
                       .response(lang);
               if (body.contains("as_of")) {
                 Result<Date> d =
                     body["as_of"].is_string()
                         ? Date::parse(body["as_of"].get<std::string>())
                         : Result<Date>(invalid("as_of 须为日期", "as_of must be a date"));
                 if (!d) return problem(req, 422, "validation_failed", d.error().message);
                 as_of = *d;
               }
               bool summary = false;
               if (body.contains("summary")) {
                 if (!body["summary"].is_boolean())
                   return problem(req, 422, "validation_failed",
                                  Text{"summary 须为 true 或 false", "summary must be a boolean"});
                 summary = body["summary"].get<bool>();
               }
               std::vector<std::string> specs;
               if (body.contains("policies")) {
                 if (!body["policies"].is_array())
                   return problem(req, 422, "validation_failed",
                                  Text{"policies 须为数组", "policies must be an array"});
                 for (const Json& x : body["policies"]) {
                   if (!x.is_string())
                     return problem(req, 422, "validation_failed",
                                    Text{"policies 须为字符串数组", "policies must be strings"});
                   specs.push_back(x);
                 }
               }
               // Tiers only, as `gradus gap` analyses them (default: every tier in force).
               std::vector<std::shared_ptr<const Plan>> plans;
               if (auto bad =
                       plans_for(req, specs, as_of, mode, plans, "validation_failed", "policies"))
                 return *bad;
               if (specs.empty())
                 std::erase_if(plans, [](const std::shared_ptr<const Plan>& p) {
                   return p->policy->kind != Policy::Kind::tier;
                 });
               PoolGapReportOptions o;
               o.lang = lang;
               o.summary = summary;
               o.versions_forced = std::any_of(
                   specs.begin(), specs.end(),
                   [](const std::string& s) { return s.find('@') != std::string::npos; });
               o.threads = options.threads;
               o.assess.as_of = as_of;
               o.assess.mode = mode;
               Result<std::shared_ptr<const PoolSnapshot>> snap = current_pool(db);
               if (!snap) return store_problem(req, snap.error());
               std::vector<uint32_t> rows = rows_in_scope(c, (*snap)->pool);
               return start_job(
                   c, "gap-report", "gaps",
                   [this, snapshot = *snap, rows = std::move(rows), plans, o,
                    dir = jobs_dir](Job* job) mutable -> Status {
                     const Pool pool = snapshot->pool.subset(rows);
                     std::vector<const Plan*> raw;
                     for (const auto& p : plans) raw.push_back(p.get());
                     o.progress = [job](uint64_t done, uint64_t total) {
                       std::lock_guard l(job->mu);
                       job->progress = static_cast<int>(done * 99 / std::max<uint64_t>(1, total));
                     };
                     const std::string csv_path = dir + "/" + job->id + ".csv";
                     std::ofstream csv(csv_path, std::ios::binary);
                     size_t lines = 0;
                     Status s =
                         write_pool_gap_report(*registry, calendar, raw, pool, o, &csv, "", &lines);
                     if (!s.ok()) return s;
                     csv.close();
                     if (!csv)
                       return error(StatusCode::io_error, "结果文件写入失败",
                                    "writing the result file failed");
                     std::lock_guard l(job->mu);
                     job->summary["enterprises"] = pool.size();
                     job->summary["as_of"] = o.assess.as_of.to_string();
                     job->summary["summary"] = o.summary;
                     job->summary["rows"] = lines;
                     Json policies = Json::array();
                     for (const Plan* p : raw) {
                       Json pj;
                       pj["policy"] = p->policy->key();
                       pj["title"] = in_lang(p->policy->title, o.lang);
                       policies.push_back(std::move(pj));
                     }
                     job->summary["policies"] = std::move(policies);
                     job->files["csv"] = csv_path;
                     job->files["xlsx"] = "";
                     job->xlsx_sheet = Text{"差距", "gaps"};
                     job->xlsx_numbers =
                         o.summary ? std::vector<size_t>{6, 7, 8, 9} : std::vector<size_t>{};
                     return Status::ok_status();
                   });
             }));
}

}  // namespace gradus::server
