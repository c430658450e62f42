// The API's routes about the pool as a whole (api.h): imports, assessment runs as jobs and their
// downloads, potential, statistics, policies and the diff of two policy versions — each within
// the caller's scope and through the library functions the CLI calls.
#include <algorithm>
#include <array>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <mutex>
#include <unordered_map>

#include "analysis/pool_views.h"
#include "analysis/run_outcomes.h"
#include "analysis/whatif.h"
#include "engine/format.h"
#include "engine/result.h"
#include "engine/row_facts.h"
#include "export/export.h"
#include "ingest/csv_reader.h"
#include "ingest/encoding.h"
#include "ingest/ingest.h"
#include "ingest/values.h"
#include "server/api_state.h"
#include "store/schema.h"
#include "store/tables.h"

namespace gradus::server {

namespace {

Json outcome_counts_json(const std::array<size_t, 4>& n) {
  Json j;
  for (int o = 0; o < 4; ++o) j[outcome_id(static_cast<Outcome>(o))] = n[static_cast<size_t>(o)];
  return j;
}

// Whether every firm of an incoming pool is one the caller may write: in scope as the file gives
// it and, when stored already, as stored (a firm cannot be moved into one's scope).
std::vector<std::string> firms_out_of_scope(const Caller& c, const Pool& incoming,
                                            const Pool& stored) {
  std::vector<std::string> out;
  if (c.user.role == auth::Role::admin) return out;
  for (uint32_t e = 0; e < incoming.size(); ++e) {
    bool ok = in_scope(c, incoming, e);
    if (ok) {
      if (std::optional<uint32_t> s = stored.find(incoming.uscc(e))) ok = in_scope(c, stored, *s);
    }
    if (!ok) out.push_back(incoming.uscc(e));
  }
  return out;
}

// A job's CSV as a workbook: the same header and rows on sheet `sheet`, the columns `numbers`
// as number cells.
Status csv_file_to_xlsx(const std::string& csv_path, const std::string& xlsx_path,
                        const std::string& sheet, const std::vector<size_t>& numbers) {
  std::ifstream in(csv_path, std::ios::binary);
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (!in.good() && !in.eof())
    return error(StatusCode::io_error, "无法读取结果文件 " + csv_path,
                 "cannot read the result file " + csv_path);
  Result<std::string_view> body = check_text_encoding(text);
  if (!body) return body.error();
  CsvReader reader(*body);
  CsvRecord rec;
  Table table;
  table.sheet = sheet;
  while (reader.next(rec)) {
    if (rec.blank()) continue;
    if (table.headers.empty()) {
      table.headers = rec.cells;
      table.numeric.assign(rec.cells.size(), false);
      for (size_t k : numbers)
        if (k < table.numeric.size()) table.numeric[k] = true;
      continue;
    }
    table.rows.push_back(std::move(rec.cells));
  }
  return write_table_xlsx(xlsx_path, table);
}

}  // namespace

void Api::State::add_pool_routes() {
  router.add(
      "POST", "/api/v1/imports",
      authed(
          *this,
          [this](HttpRequest& req, const RouteParams&, const Caller& c,
                 store::Store& db) -> HttpResponse {
            const Lang lang = request_lang(req);
            if (!has_role(c, {auth::Role::admin, auth::Role::official, auth::Role::enterprise}))
              return problem(req, 403, "forbidden",
                             Text{"评审员不能导入数据", "a reviewer may not import data"});
            const std::string type(req.header("content-type"));
            InputFormat format = InputFormat::automatic;
            if (type.rfind("text/csv", 0) == 0)
              format = InputFormat::csv;
            else if (type.rfind("application/json", 0) == 0)
              format = InputFormat::json;
            else if (type.rfind("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                                0) == 0)
              format = InputFormat::xlsx;
            else
              return problem(
                  req, 415, "unsupported_media_type",
                  Text{"导入文件的 Content-Type 须为 text/csv、application/json 或 "
                       "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                       "an import's Content-Type must be text/csv, application/json or "
                       "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"});
            const std::string dry = req.param("dry_run").value_or("false");
            if (dry != "true" && dry != "false")
              return problem(req, 422, "invalid_parameter",
                             Text{"dry_run 须为 true 或 false", "dry_run must be true or false"});
            const bool dry_run = dry == "true";
            // The file's name for messages and the record: ?filename=, else one made from the
            // format.
            std::string name = req.param("filename").value_or("");
            name = std::filesystem::path(name).filename().string();
            if (name.empty() || name.find('\0') != std::string::npos || name == ".." || name == ".")
              name = format == InputFormat::csv    ? "upload.csv"
                     : format == InputFormat::json ? "upload.json"
                                                   : "upload.xlsx";
            IngestOptions io;
            io.ignore_unknown_columns =
                req.param("ignore_unknown_columns").value_or("false") == "true";
            IngestReport report;
            Result<Pool> incoming = format == InputFormat::automatic
                                        ? load_pool_text(req.body, name, report, io)
                                        : load_pool_text(req.body, format, name, report);
            Problem refused{422, "import_failed", {}, {}};
            for (const InputError& e : report.errors)
              refused.errors.push_back(field_problem(e, lang));
            if (!incoming) {
              refused.detail = incoming.error().message;
              return refused.response(lang);
            }
            if (!report.errors.empty()) {
              refused.detail = Text{"有 " + std::to_string(report.errors.size()) +
                                        " 处错误，整个文件未导入（改正后重新导入即可）",
                                    std::to_string(report.errors.size()) +
                                        " error(s): nothing from this file was imported (fix them "
                                        "and import it again)"};
              return refused.response(lang);
            }
            Result<std::shared_ptr<const PoolSnapshot>> snap = current_pool(db);
            if (!snap) return store_problem(req, snap.error());
            std::vector<std::string> outside = firms_out_of_scope(c, *incoming, (*snap)->pool);
            if (!outside.empty()) {
              Problem pr{
                  404,
                  "not_found",
                  Text{"文件中有 " + std::to_string(outside.size()) +
                           " 家企业不在您的管辖范围内，整个文件未导入",
                       std::to_string(outside.size()) +
                           " firm(s) of the file are outside your scope: nothing was imported"},
                  {}};
              for (const std::string& u : outside)
                pr.errors.push_back(
                    {"", name, -1, "", "", u,
                     lang == Lang::zh ? "不在您的管辖范围内" : "outside your scope"});
              return pr.response(lang);
            }
            store::ImportOptions o;
            o.actor = c.user.name;
            o.source = name;
            o.source_sha256 = store::sha256_hex(req.body);
            o.rows_read = report.rows_read;
            o.dry_run = dry_run;
            o.kind = "import";
            std::vector<InputError> conflicts;
            o.conflicts = &conflicts;
            if (report.enterprises_rejected == 0)
              o.locate = [&report](uint32_t e, const FieldDef&, int year, InputError& where) {
                report.fact_rows.locate(e, year, where);
              };
            Result<store::ImportSummary> sum = db.import_pool(*incoming, o);
            if (!sum) {
              if (!conflicts.empty()) {
                Problem pr{422, "import_failed", sum.error().message, {}};
                for (const InputError& e : conflicts) pr.errors.push_back(field_problem(e, lang));
                return pr.response(lang);
              }
              return store_problem(req, sum.error());
            }
            Json j;
            j["file"] = name;
            j["dry_run"] = dry_run;
            j["encoding"] = report.encoding;
            j["rows_read"] = report.rows_read;
            j["batch"] = sum->batch_id;
            j["enterprises_in_input"] = sum->enterprises_in_input;
            j["enterprises_new"] = sum->enterprises_new;
            j["enterprises_changed"] = sum->enterprises_changed;
            j["enterprises_unchanged"] = sum->enterprises_unchanged;
            j["fields_changed"] = sum->fields_changed;
            j["events_added"] = sum->events_added;
            Json changes = Json::array();
            for (size_t k = 0; k < sum->changes.size() && k < 1000; ++k) {
              const store::FactChange& ch = sum->changes[k];
              Json x;
              x["uscc"] = ch.uscc;
              x["field"] = ch.field;
              if (ch.year) x["year"] = ch.year;
              x["before"] = clean_utf8(ch.before);
              x["after"] = clean_utf8(ch.after);
              changes.push_back(std::move(x));
            }
            j["changes"] = std::move(changes);
            Json warnings = Json::array();
            for (const InputError& w : report.warnings)
              warnings.push_back(format_input_error(w, lang));
            j["warnings"] = std::move(warnings);
            j["ignored_columns"] = report.ignored_columns;
            if (!dry_run && sum->batch_id > 0)
              (void)current_pool(db);  // the next read sees the write
            return json_response(dry_run ? 200 : (sum->batch_id > 0 ? 201 : 200), j);
          }));

  // Assessment of the whole pool in the caller's scope, in the background.
  router.add(
      "POST", "/api/v1/assessment-runs",
      authed(
          *this,
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
              if (it.key() != "policies" && it.key() != "as_of" && it.key() != "mode" &&
                  it.key() != "save_run" && it.key() != "known_at")
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
            if (body.contains("mode")) {
              if (!body["mode"].is_string() ||
                  (body["mode"] != "application" && body["mode"] != "review"))
                return problem(
                    req, 422, "validation_failed",
                    Text{"mode 须为 application 或 review", "mode must be application or review"});
              mode = body["mode"];
            }
            // save_run: the outcomes are kept as a dated run (`gradus assess --save-run`; GET
            // /api/v1/runs), of the firms in the caller's scope.
            bool save_run = false;
            if (body.contains("save_run")) {
              if (!body["save_run"].is_boolean())
                return problem(req, 422, "validation_failed",
                               Text{"save_run 须为 true 或 false", "save_run must be a boolean"});
              save_run = body["save_run"].get<bool>();
            }
            if (save_run && !has_role(c, {auth::Role::admin, auth::Role::official}))
              return problem(req, 403, "forbidden",
                             Text{"只有管理员和主管部门人员可以保存评价结果",
                                  "only admins and officials may save a run"});
            std::vector<std::shared_ptr<const Plan>> plans;
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
            if (auto bad =
                    plans_for(req, specs, as_of, mode, plans, "validation_failed", "policies"))
              return *bad;
            // Each tier's review version, for the firms that hold its title (application mode).
            std::vector<std::shared_ptr<const Plan>> reviews;
            for (const auto& pl : plans) reviews.push_back(review_plan(*pl));
            Result<std::shared_ptr<const PoolSnapshot>> snap = current_pool(db);
            if (!snap) return store_problem(req, snap.error());
            // known_at: the facts as the store knew them then (`gradus assess --known-at`).
            if (body.contains("known_at")) {
              if (!body["known_at"].is_string())
                return problem(
                    req, 422, "validation_failed",
                    Text{"known_at 须为日期或 ISO 时间", "known_at must be a date or an ISO time"});
              const std::string at = body["known_at"];
              Result<std::optional<int64_t>> batch = db.batch_at(at);
              if (!batch) return problem(req, 422, "validation_failed", batch.error().message);
              if (!*batch)
                return problem(
                    req, 422, "validation_failed",
                    Text{at + " 时企业库中还没有数据", "the store held no data at " + at});
              store::LoadOptions lo;
              lo.known_batch = **batch;
              Result<Pool> then = db.load_pool(lo);
              if (!then) return store_problem(req, then.error());
              auto known = std::make_shared<PoolSnapshot>();
              known->pool = std::move(*then);
              known->head = **batch;
              snap = std::shared_ptr<const PoolSnapshot>(std::move(known));
            }
            std::vector<uint32_t> rows = rows_in_scope(c, (*snap)->pool);
            const std::string dir = jobs_dir;
            const unsigned threads = options.threads;
            const std::string actor = c.user.name;
            return start_job(
                c, "assessment-run", "run",
                [this, snapshot = *snap, rows = std::move(rows), plans, reviews, as_of, mode, lang,
                 dir, threads, save_run, actor](Job* job) -> Status {
                  const Pool pool = snapshot->pool.subset(rows);
                  const std::string csv_path = dir + "/" + job->id + ".csv";
                  std::ofstream csv(csv_path, std::ios::binary);
                  std::string head(kUtf8Bom);
                  append_csv_header(lang, head);
                  csv << head;
                  std::vector<const Plan*> raw;
                  for (const auto& p : plans) raw.push_back(p.get());
                  // Holders of a tier's title are assessed by its review version, as `gradus
                  // assess` does (they are few: assessed one by one first).
                  std::vector<std::unordered_map<uint32_t, AssessmentResult>> held(plans.size());
                  for (size_t k = 0; k < plans.size(); ++k) {
                    if (!reviews[k]) continue;
                    for (uint32_t e = 0; e < pool.size(); ++e)
                      if (holds_title(pool, e, as_of, {plans[k]->policy->id}))
                        held[k].emplace(e, assess_one(*reviews[k], pool, e));
                  }
                  // save_run: the outcomes go into one run, chunk by chunk, as `gradus assess
                  // --save-run` writes them (every firm under the versions the run names).
                  std::optional<StoreLease> lease;
                  std::optional<std::unique_ptr<store::RunWriter>> writer;
                  if (save_run) {
                    Result<StoreLease> l = stores->acquire();
                    if (!l) return Status(l.error());
                    lease.emplace(std::move(*l));
                    store::RunInfo info;
                    info.actor = actor;
                    info.as_of = as_of.to_string();
                    info.mode = mode;
                    info.known_batch = snapshot->head;
                    for (const Plan* p : raw)
                      info.policies += (info.policies.empty() ? "" : ",") + p->policy->key();
                    for (const Plan* p : raw) add_run_criteria(*p, info);
                    Result<std::unique_ptr<store::RunWriter>> w = (*lease)->begin_run(
                        pool, info, static_cast<uint64_t>(pool.size()) * raw.size());
                    if (!w) return Status(w.error());
                    writer.emplace(std::move(*w));
                  }
                  std::vector<std::array<size_t, 4>> counts(plans.size());
                  std::vector<size_t> holders(plans.size());
                  std::mutex counts_mu;
                  const size_t batches = (pool.size() + kBatch - 1) / kBatch;
                  constexpr size_t kChunk =
                      64;  // batches evaluated in parallel, then written in order
                  for (size_t chunk = 0; chunk < batches; chunk += kChunk) {
                    const size_t last = std::min(batches, chunk + kChunk);
                    std::vector<std::string> outs(last - chunk);
                    std::vector<std::vector<store::StoredOutcome>> kept(writer ? last - chunk : 0);
                    evaluate_batches(
                        raw, pool, chunk, last, threads, [&](size_t b, const BatchView& v) {
                          std::string& out = outs[b - chunk];
                          if (writer)
                            for (uint32_t i = 0; i < v.count; ++i)
                              for (size_t k = 0; k < raw.size(); ++k)
                                kept[b - chunk].push_back(stored_outcome(*raw[k], *v.states[k], i));
                          std::vector<std::array<size_t, 4>> local(plans.size());
                          std::vector<size_t> local_holders(plans.size());
                          for (uint32_t i = 0; i < v.count; ++i) {
                            const uint32_t e = v.begin + i;
                            for (size_t k = 0; k < raw.size(); ++k) {
                              auto h = held[k].find(e);
                              if (h != held[k].end()) {
                                ++local_holders[k];
                                ++local[k][static_cast<size_t>(h->second.outcome)];
                                append_csv(h->second, lang, out);
                                continue;
                              }
                              AssessmentResult r = extract_result(*raw[k], pool, *v.states[k], i);
                              ++local[k][static_cast<size_t>(r.outcome)];
                              append_csv(r, lang, out);
                            }
                          }
                          std::lock_guard l(counts_mu);
                          for (size_t k = 0; k < raw.size(); ++k) {
                            holders[k] += local_holders[k];
                            for (size_t o = 0; o < 4; ++o) counts[k][o] += local[k][o];
                          }
                        });
                    for (const std::string& out : outs) csv << out;
                    for (const auto& part : kept)
                      for (const store::StoredOutcome& o : part)
                        if (Status st = (*writer)->add(o); !st.ok()) return st;
                    std::lock_guard l(job->mu);
                    job->progress = static_cast<int>(last * 99 / std::max<size_t>(1, batches));
                  }
                  csv.close();
                  Json per_policy = Json::array();
                  for (size_t k = 0; k < plans.size(); ++k) {
                    Json pj;
                    pj["policy"] = plans[k]->policy->key();
                    pj["title"] = in_lang(plans[k]->policy->title, lang);
                    pj["outcomes"] = outcome_counts_json(counts[k]);
                    pj["holders_by_review"] = holders[k];
                    per_policy.push_back(std::move(pj));
                  }
                  Result<int64_t> run = int64_t{0};
                  if (writer) run = (*writer)->commit();
                  if (!run) return Status(run.error());
                  if (csv.fail())
                    return error(StatusCode::io_error, "结果文件写入失败",
                                 "writing the result file failed");
                  std::lock_guard l(job->mu);
                  job->summary["enterprises"] = pool.size();
                  job->summary["as_of"] = as_of.to_string();
                  job->summary["mode"] = mode;
                  job->summary["known_batch"] = snapshot->head;
                  job->summary["policies"] = std::move(per_policy);
                  if (writer) job->summary["run"] = *run;
                  job->files["csv"] = csv_path;
                  // The workbook is made from the CSV when first asked for (GET
                  // …/result?format=xlsx).
                  job->files["xlsx"] = "";
                  return Status::ok_status();
                });
          }));

  auto find_job = [this](const Caller& c, const std::string& id) -> std::shared_ptr<Job> {
    std::lock_guard lock(jobs_mu);
    auto it = jobs.find(id);
    // A job is its owner's (an admin sees every job); others are told it does not exist.
    if (it == jobs.end() || (it->second->owner != c.user.name && c.user.role != auth::Role::admin))
      return nullptr;
    return it->second;
  };
  router.add("GET", "/api/v1/jobs/{id}",
             authed(*this,
                    [find_job](HttpRequest& req, const RouteParams& p, const Caller& c,
                               store::Store&) -> HttpResponse {
                      std::shared_ptr<Job> job = find_job(c, p.at("id"));
                      if (!job) return problem(req, 404, "not_found");
                      std::lock_guard lock(job->mu);
                      Json j;
                      j["id"] = job->id;
                      j["kind"] = job->kind;
                      j["owner"] = job->owner;
                      j["state"] = job->state;
                      j["progress"] = job->progress;
                      j["created_at"] = job->created_at;
                      if (!job->finished_at.empty()) j["finished_at"] = job->finished_at;
                      if (job->state == "succeeded") {
                        j["summary"] = job->summary;
                        Json links;
                        for (const auto& [format, path] : job->files)
                          links[format] = "/api/v1/jobs/" + job->id + "/result?format=" + format;
                        j["downloads"] = std::move(links);
                      }
                      if (job->state == "failed")
                        j["error"] = in_lang(job->error, request_lang(req));
                      return json_response(200, j);
                    }));
  router.add(
      "GET", "/api/v1/jobs/{id}/result",
      authed(*this,
             [find_job](HttpRequest& req, const RouteParams& p, const Caller& c,
                        store::Store&) -> HttpResponse {
               std::shared_ptr<Job> job = find_job(c, p.at("id"));
               if (!job) return problem(req, 404, "not_found");
               const std::string format = req.param("format").value_or("csv");
               std::lock_guard lock(job->mu);
               auto it = job->files.find(format);
               if (job->state != "succeeded" || it == job->files.end())
                 return problem(
                     req, 404, "not_found",
                     Text{"任务尚未完成，或没有该格式的结果（csv、xlsx）",
                          "the job has not finished, or has no result in that format (csv, xlsx)"});
               if (format == "xlsx" && it->second.empty()) {
                 // Made once, from the run's CSV, on the first request for it.
                 const std::string xlsx_path =
                     job->files["csv"].substr(0, job->files["csv"].size() - 4) + ".xlsx";
                 Status made =
                     csv_file_to_xlsx(job->files["csv"], xlsx_path,
                                      job->xlsx_sheet.in(request_lang(req)), job->xlsx_numbers);
                 if (!made.ok()) return problem_from_status(req, made);
                 it->second = xlsx_path;
               }
               HttpResponse r;
               r.file_path = it->second;
               r.content_type =
                   format == "csv"
                       ? "text/csv; charset=utf-8"
                       : "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
               r.set_header("Content-Disposition",
                            "attachment; filename=\"" + job->id + "." + format + "\"");
               return r;
             }));

  router.add(
      "GET", "/api/v1/potential",
      authed(*this,
             [this](HttpRequest& req, const RouteParams&, const Caller& c,
                    store::Store& db) -> HttpResponse {
               const Lang lang = request_lang(req);
               Date as_of;
               std::string mode;
               if (auto bad = read_as_of_and_mode(req, as_of, mode)) return *bad;
               std::optional<std::string> spec = req.param("policy");
               if (!spec || spec->empty())
                 return problem(req, 422, "invalid_parameter",
                                Text{"须给出 policy", "policy is required"});
               Result<std::shared_ptr<const Plan>> plan = this->plan(*spec, as_of, mode);
               if (!plan) return problem(req, 422, "invalid_parameter", plan.error().message);
               if ((*plan)->policy->kind != Policy::Kind::tier)
                 return problem(
                     req, 422, "invalid_parameter",
                     Text{"潜力排序只适用于层级政策", "potential ranks firms for a tier policy"});
               size_t top = 50;
               if (std::optional<std::string> t = req.param("top")) {
                 if (t->empty() || t->size() > 7 ||
                     t->find_first_not_of("0123456789") != std::string::npos)
                   return problem(req, 422, "invalid_parameter",
                                  Text{"top 须为非负整数", "top must be a whole number"});
                 top = std::stoul(*t);
               }
               Result<PoolFilter> filter = PoolFilter::make(
                   req.param("region").value_or(""), req.param("park").value_or(""),
                   req.param("industry").value_or(""), req.param("q").value_or(""));
               if (!filter) return problem(req, 422, "invalid_parameter", filter.error().message);
               Result<std::shared_ptr<const PoolSnapshot>> snap = current_pool(db);
               if (!snap) return store_problem(req, snap.error());
               const std::vector<uint32_t> rows = rows_in_scope(c, (*snap)->pool);
               const Pool pool = (*snap)->pool.subset(rows);
               PotentialOptions po;
               po.filter = *filter;
               po.top = top;
               po.include_title_holders = req.param("include_holders").value_or("false") == "true";
               po.threads = options.threads;
               std::vector<PotentialRow> ranked = rank_potential(**plan, pool, po);
               const FieldDef* name = find_field("name");
               Json items = Json::array();
               size_t rank = 0;
               for (const PotentialRow& r : ranked) {
                 Json x;
                 x["rank"] = ++rank;
                 x["uscc"] = pool.uscc(r.enterprise);
                 x["name"] = name ? clean_utf8(pool.text(name->id, r.enterprise)) : "";
                 x["outcome"] = outcome_id(r.outcome);
                 x["not_met"] = r.not_met;
                 x["unknown"] = r.unknown;
                 x["manual"] = r.manual;
                 x["shortfall"] = r.shortfall;
                 Json blocking = Json::array();
                 for (const std::string& id : r.blocking) {
                   const Criterion* crit = find_criterion(**plan, id);
                   Json b;
                   b["id"] = id;
                   b["label"] = crit ? in_lang(crit->label, lang) : id;
                   blocking.push_back(std::move(b));
                 }
                 x["blocking"] = std::move(blocking);
                 items.push_back(std::move(x));
               }
               Json j;
               j["policy"] = (*plan)->policy->key();
               j["as_of"] = as_of.to_string();
               j["items"] = std::move(items);
               j["total"] = ranked.size();
               return json_response(200, j);
             }));

  router.add("GET", "/api/v1/stats",
             authed(*this,
                    [this](HttpRequest& req, const RouteParams&, const Caller& c,
                           store::Store& db) -> HttpResponse {
                      const Lang lang = request_lang(req);
                      Date as_of;
                      std::string mode;
                      if (auto bad = read_as_of_and_mode(req, as_of, mode)) return *bad;
                      Result<std::shared_ptr<const PoolSnapshot>> snap = current_pool(db);
                      if (!snap) return store_problem(req, snap.error());
                      const std::vector<uint32_t> rows = rows_in_scope(c, (*snap)->pool);
                      const Pool pool = (*snap)->pool.subset(rows);
                      const FieldDef* region = find_field("region");
                      const FieldDef* park = find_field("park");
                      const FieldDef* industry = find_field("industry");
                      auto group_of = [&](const FieldDef* f, uint32_t e) -> std::string {
                        if (!f) return "";
                        if (f->kind == FieldKind::text) return clean_utf8(pool.text(f->id, e));
                        const Column& col = pool.column(f->id);
                        std::string v = e < col.present.size() && col.present[e]
                                            ? ingest::format_raw(*f, col.values[e])
                                            : "";
                        if (f == industry && !v.empty()) v = v.substr(0, 3);  // the division (C34)
                        return v;
                      };
                      Json policies = Json::array();
                      for (const std::string& id : registry->ids()) {
                        Result<std::shared_ptr<const Plan>> plan = this->plan(id, as_of, mode);
                        if (!plan || (*plan)->policy->kind != Policy::Kind::tier) continue;
                        std::array<size_t, 4> total{};
                        std::map<std::string, std::array<size_t, 4>> by_region, by_park,
                            by_industry;
                        size_t holders = 0;
                        BatchState st(**plan);
                        for (uint32_t begin = 0; begin < pool.size(); begin += kBatch) {
                          const uint32_t n = std::min<uint32_t>(kBatch, pool.size() - begin);
                          evaluate_batch(**plan, pool, begin, n, st);
                          for (uint32_t i = 0; i < n; ++i) {
                            const uint32_t e = begin + i;
                            const size_t o = static_cast<size_t>(root_outcome(st, i));
                            ++total[o];
                            ++by_region[group_of(region, e)][o];
                            ++by_park[group_of(park, e)][o];
                            ++by_industry[group_of(industry, e)][o];
                            if (holds_title(pool, e, as_of, {id})) ++holders;
                          }
                        }
                        Json pj;
                        pj["policy"] = (*plan)->policy->key();
                        pj["title"] = in_lang((*plan)->policy->title, lang);
                        pj["holders"] = holders;
                        pj["outcomes"] = outcome_counts_json(total);
                        for (const auto& [key, groups] :
                             {std::pair{"by_region", &by_region}, std::pair{"by_park", &by_park},
                              std::pair{"by_industry", &by_industry}}) {
                          Json g = Json::array();
                          for (const auto& [name, counts] : *groups) {
                            Json x;
                            x["key"] = name;
                            x["outcomes"] = outcome_counts_json(counts);
                            g.push_back(std::move(x));
                          }
                          pj[key] = std::move(g);
                        }
                        policies.push_back(std::move(pj));
                      }
                      Json j;
                      j["as_of"] = as_of.to_string();
                      j["mode"] = mode;
                      j["enterprises"] = pool.size();
                      j["known_batch"] = (*snap)->head;
                      j["policies"] = std::move(policies);
                      return json_response(200, j);
                    }));

  router.add("GET", "/api/v1/policies",
             authed(*this,
                    [this](HttpRequest& req, const RouteParams&, const Caller&,
                           store::Store&) -> HttpResponse {
                      const Lang lang = request_lang(req);
                      Date as_of;
                      std::string mode;
                      if (auto bad = read_as_of_and_mode(req, as_of, mode)) return *bad;
                      Json items = Json::array();
                      for (const Policy* p : registry->all()) {
                        Json x;
                        x["id"] = p->id;
                        x["version"] = p->version;
                        x["title"] = in_lang(p->title, lang);
                        x["kind"] = p->kind == Policy::Kind::tier ? "tier" : "classify";
                        Result<const Policy*> sel = registry->select(p->id, as_of, mode);
                        x["in_force"] = sel && *sel == p;
                        items.push_back(std::move(x));
                      }
                      Json j;
                      j["as_of"] = as_of.to_string();
                      j["items"] = std::move(items);
                      return json_response(200, j);
                    }));

  router.add("GET", "/api/v1/policies/{id}/{version}",
             authed(*this,
                    [this](HttpRequest& req, const RouteParams& p, const Caller&,
                           store::Store&) -> HttpResponse {
                      const Lang lang = request_lang(req);
                      const Policy* policy = registry->find(p.at("id"), p.at("version"));
                      if (!policy) return problem(req, 404, "not_found");
                      Date as_of;
                      std::string mode;
                      if (auto bad = read_as_of_and_mode(req, as_of, mode)) return *bad;
                      Result<std::shared_ptr<const Plan>> plan = plan_of(*policy, as_of, mode);
                      if (!plan) return problem_from_status(req, plan.error());
                      Json j;
                      j["id"] = policy->id;
                      j["version"] = policy->version;
                      j["title"] = in_lang(policy->title, lang);
                      j["kind"] = policy->kind == Policy::Kind::tier ? "tier" : "classify";
                      Json criteria = Json::array();
                      // Root first, each criterion with its depth in the tree (the plan keeps them
                      // post-order).
                      for (auto it = (*plan)->criteria.rbegin(); it != (*plan)->criteria.rend();
                           ++it) {
                        if (!it->source) continue;
                        const Criterion& c = *it->source;
                        Json x;
                        x["id"] = c.id;
                        x["label"] = in_lang(c.label, lang);
                        x["cite"] = c.cite;
                        x["wording"] = clean_utf8(c.wording);
                        x["depth"] = it->depth;
                        if (!it->requirement.empty()) x["requirement"] = it->requirement;
                        criteria.push_back(std::move(x));
                      }
                      j["criteria"] = std::move(criteria);
                      return json_response(200, j);
                    }));

  router.add("GET", "/api/v1/policy-diff",
             authed(*this,
                    [this](HttpRequest& req, const RouteParams&, const Caller& c,
                           store::Store& db) -> HttpResponse {
                      Date as_of;
                      std::string mode;
                      if (auto bad = read_as_of_and_mode(req, as_of, mode)) return *bad;
                      std::optional<std::string> from = req.param("from"), to = req.param("to");
                      if (!from || !to || from->find('@') == std::string::npos ||
                          to->find('@') == std::string::npos)
                        return problem(req, 422, "invalid_parameter",
                                       Text{"须给出 from 和 to（ID@VERSION）",
                                            "from and to (ID@VERSION) are required"});
                      auto find = [&](const std::string& spec) {
                        return registry->find(spec.substr(0, spec.find('@')),
                                              spec.substr(spec.find('@') + 1));
                      };
                      const Policy* a = find(*from);
                      const Policy* b = find(*to);
                      if (!a || !b)
                        return problem(req, 404, "not_found",
                                       Text{"没有该政策版本", "no such policy version"});
                      Result<std::shared_ptr<const Plan>> pa = plan_of(*a, as_of, mode),
                                                          pb = plan_of(*b, as_of, mode);
                      if (!pa) return problem_from_status(req, pa.error());
                      if (!pb) return problem_from_status(req, pb.error());
                      Result<std::shared_ptr<const PoolSnapshot>> snap = current_pool(db);
                      if (!snap) return store_problem(req, snap.error());
                      const Pool pool = (*snap)->pool.subset(rows_in_scope(c, (*snap)->pool));
                      PolicyDiff d = policy_diff(**pa, **pb, pool, options.threads);
                      size_t page = 1, page_size = 50;
                      if (auto bad = read_page(req, page, page_size)) return *bad;
                      Json transitions = Json::array();
                      for (int x = 0; x < 4; ++x)
                        for (int y = 0; y < 4; ++y) {
                          if (d.transitions[x][y] == 0) continue;
                          Json t;
                          t["before"] = outcome_id(static_cast<Outcome>(x));
                          t["after"] = outcome_id(static_cast<Outcome>(y));
                          t["count"] = d.transitions[x][y];
                          transitions.push_back(std::move(t));
                        }
                      const FieldDef* name = find_field("name");
                      Json items = Json::array();
                      const size_t first = (page - 1) * page_size;
                      for (size_t k = first; k < d.changed.size() && k < first + page_size; ++k) {
                        const PolicyDiffRow& r = d.changed[k];
                        Json x;
                        x["uscc"] = pool.uscc(r.enterprise);
                        x["name"] = name ? clean_utf8(pool.text(name->id, r.enterprise)) : "";
                        x["before"] = outcome_id(r.before);
                        x["after"] = outcome_id(r.after);
                        x["blocking_before"] = r.blocking_before;
                        x["blocking_after"] = r.blocking_after;
                        items.push_back(std::move(x));
                      }
                      Json j = page_json(std::move(items), d.changed.size(), page, page_size);
                      j["from"] = a->key();
                      j["to"] = b->key();
                      j["transitions"] = std::move(transitions);
                      return json_response(200, j);
                    }));
}

}  // namespace gradus::server
