// The API's routes about firms (api.h): the list of the caller's firms with filters, one firm's
// facts (with its ETag) and their edit (If-Match), its assessments, explanation, gaps, growth
// path, what-if and history — each through the library functions the CLI calls.
#include <algorithm>

#include "analysis/gap.h"
#include "analysis/path.h"
#include "analysis/whatif.h"
#include "engine/format.h"
#include "engine/result.h"
#include "engine/row_facts.h"
#include "export/enterprise_json.h"
#include "ingest/ingest.h"
#include "ingest/values.h"
#include "server/api_state.h"

namespace gradus::server {

namespace {

Json criterion_gap_json(const CriterionGap& g, Lang lang) {
  Json j;
  j["id"] = g.id;
  j["label"] = in_lang(g.label, lang);
  j["cite"] = g.cite;
  j["outcome"] = outcome_id(g.outcome);
  j["value"] = g.value;
  j["threshold"] = g.threshold;
  j["unit"] = g.unit;
  Json missing = Json::array();
  for (const FieldRef& r : g.missing) missing.push_back(field_ref_text(r, lang));
  j["missing"] = std::move(missing);
  if (!g.note.empty()) j["note"] = in_lang(g.note, lang);
  Json suggestions = Json::array();
  for (const GapSuggestion& s : g.suggestions) {
    Json x;
    Json changes = Json::array();
    for (const FactOverride& o : s.changes) changes.push_back(override_spec(o));
    x["changes"] = std::move(changes);
    x["text"] = in_lang(s.text(), lang);
    suggestions.push_back(std::move(x));
  }
  j["suggestions"] = std::move(suggestions);
  if (g.score_plan) {
    Json sp;
    sp["score_before"] = g.score_plan->score_before;
    sp["score_after"] = g.score_plan->score_after;
    Json ups = Json::array();
    for (const ScoreUpgrade& u : g.score_plan->upgrades) {
      Json x;
      x["indicator"] = u.indicator;
      x["label"] = in_lang(u.label, lang);
      x["points_before"] = u.points_before;
      x["points_after"] = u.points_after;
      x["band"] = u.band;
      x["change"] = in_lang(u.change.text(), lang);
      ups.push_back(std::move(x));
    }
    sp["upgrades"] = std::move(ups);
    j["score_plan"] = std::move(sp);
  }
  if (g.met_from) j["met_from"] = g.met_from->to_string();
  return j;
}

Json tier_gap_json(const TierGap& g, Lang lang) {
  Json j;
  j["policy"] = g.policy;
  j["outcome"] = outcome_id(g.outcome);
  for (const auto& [name, list] :
       {std::pair{"unknown", &g.unknown}, std::pair{"not_met", &g.not_met},
        std::pair{"manual", &g.manual}}) {
    Json a = Json::array();
    for (const CriterionGap& c : *list) a.push_back(criterion_gap_json(c, lang));
    j[name] = std::move(a);
  }
  if (g.together) {
    Json t;
    Json changes = Json::array();
    for (const FactOverride& o : g.together->changes) changes.push_back(override_spec(o));
    t["changes"] = std::move(changes);
    t["text"] = in_lang(g.together->text(), lang);
    t["criteria"] = g.together_criteria;
    j["together"] = std::move(t);
  }
  return j;
}

// The result as `gradus assess --format json` writes it.
Json result_json(const AssessmentResult& r, Lang lang) {
  std::string out;
  append_json(r, lang, out);
  return Json::parse(out);
}

// The plan a firm is assessed by: a holder of the tier's title, in application mode, by the
// tier's review version (as `gradus assess` does).
std::shared_ptr<const Plan> plan_for_firm(Api::State& s, const std::shared_ptr<const Plan>& plan,
                                          const Pool& pool, uint32_t e, Date as_of) {
  std::shared_ptr<const Plan> review = s.review_plan(*plan);
  return review && holds_title(pool, e, as_of, {plan->policy->id}) ? review : plan;
}

const char* kEditForbiddenLists[] = {"titles", "incidents"};

}  // namespace

std::optional<HttpResponse> listed_rows(Api::State& s, const HttpRequest& req, const Caller& c,
                                        const Pool& pool, Date as_of, const std::string& mode,
                                        std::vector<uint32_t>& rows) {
  Result<PoolFilter> filter =
      PoolFilter::make(req.param("region").value_or(""), req.param("park").value_or(""),
                       req.param("industry").value_or(""), req.param("q").value_or(""));
  if (!filter) return problem(req, 422, "invalid_parameter", filter.error().message);
  rows.clear();
  for (uint32_t e : rows_in_scope(c, pool))
    if (filter->keeps(pool, e)) rows.push_back(e);
  if (std::optional<std::string> title = req.param("title"); title && !title->empty()) {
    std::erase_if(rows, [&](uint32_t e) { return !holds_title(pool, e, as_of, {*title}); });
  }
  // ?policy=ID&outcome=met|not_met|unknown|manual: the firms with that outcome for the
  // tier; ?size_class=micro|small|medium|…: the class the SME size standard gives.
  auto keep_by = [&](const std::string& spec, auto&& keep) -> std::optional<HttpResponse> {
    Result<std::shared_ptr<const Plan>> plan = s.plan(spec, as_of, mode);
    if (!plan) return problem(req, 422, "invalid_parameter", plan.error().message);
    const Pool sub = pool.subset(rows);
    BatchState st(**plan);
    std::vector<uint32_t> kept;
    for (uint32_t begin = 0; begin < sub.size(); begin += kBatch) {
      const uint32_t n = std::min<uint32_t>(kBatch, sub.size() - begin);
      evaluate_batch(**plan, sub, begin, n, st);
      for (uint32_t i = 0; i < n; ++i)
        if (keep(**plan, st, i)) kept.push_back(rows[begin + i]);
    }
    rows = std::move(kept);
    return std::nullopt;
  };
  if (std::optional<std::string> outcome = req.param("outcome"); outcome && !outcome->empty()) {
    std::optional<std::string> spec = req.param("policy");
    if (!spec || spec->empty())
      return problem(req, 422, "invalid_parameter",
                     Text{"按结果筛选须同时给出 policy", "filtering by outcome needs policy"});
    if (*outcome != "met" && *outcome != "not_met" && *outcome != "unknown" && *outcome != "manual")
      return problem(req, 422, "invalid_parameter",
                     Text{"outcome 须为 met、not_met、unknown 或 manual",
                          "outcome must be met, not_met, unknown or manual"});
    if (auto bad = keep_by(*spec, [&](const Plan&, const BatchState& st, uint32_t i) {
          return outcome_id(root_outcome(st, i)) == *outcome;
        }))
      return *bad;
  }
  if (std::optional<std::string> size = req.param("size_class"); size && !size->empty()) {
    if (auto bad = keep_by("sme-size", [&](const Plan& plan, const BatchState& st, uint32_t i) {
          const int k = st.result[i];
          return k >= 0 && plan.policy->classify &&
                 plan.policy->classify->classes[static_cast<size_t>(k)].id == *size;
        }))
      return *bad;
  }
  const std::string sort = req.param("sort").value_or("name");
  const bool desc = !sort.empty() && sort[0] == '-';
  const std::string key = desc ? sort.substr(1) : sort;
  const FieldDef* sort_field = find_field(key);
  if (key != "uscc" && (!sort_field || sort_field->scope != FieldScope::enterprise))
    return problem(
        req, 422, "invalid_parameter",
        Text{"无法按 " + key + " 排序（可用 uscc、name、region、park、industry 等企业字段）",
             "cannot sort by " + key +
                 " (use uscc, name, region, park, industry or another enterprise field)"});
  auto sort_text = [&](uint32_t e) -> std::string {
    if (key == "uscc") return pool.uscc(e);
    if (sort_field->kind == FieldKind::text) return pool.text(sort_field->id, e);
    const Column& col = pool.column(sort_field->id);
    return e < col.present.size() && col.present[e] ? ingest::format_raw(*sort_field, col.values[e])
                                                    : std::string();
  };
  std::stable_sort(rows.begin(), rows.end(), [&](uint32_t a, uint32_t b) {
    std::string x = sort_text(a), y = sort_text(b);
    return desc ? y < x : x < y;
  });
  return std::nullopt;
}

void Api::State::add_enterprise_routes() {
  router.add("GET", "/api/v1/enterprises",
             authed(*this,
                    [this](HttpRequest& req, const RouteParams&, const Caller& c,
                           store::Store& db) -> HttpResponse {
                      size_t page = 1, page_size = 50;
                      if (auto bad = read_page(req, page, page_size)) return *bad;
                      Date as_of;
                      std::string mode;
                      if (auto bad = read_as_of_and_mode(req, as_of, mode)) return *bad;
                      Result<std::shared_ptr<const PoolSnapshot>> snap = current_pool(db);
                      if (!snap) return store_problem(req, snap.error());
                      const Pool& pool = (*snap)->pool;
                      std::vector<uint32_t> rows;
                      if (auto bad = listed_rows(*this, req, c, pool, as_of, mode, rows))
                        return *bad;
                      Json items = Json::array();
                      const size_t first = (page - 1) * page_size;
                      for (size_t k = first; k < rows.size() && k < first + page_size; ++k) {
                        const uint32_t e = rows[k];
                        Json x;
                        x["uscc"] = pool.uscc(e);
                        for (const char* name : {"name", "region", "park", "industry"}) {
                          const FieldDef* f = find_field(name);
                          if (!f) continue;
                          if (f->kind == FieldKind::text) {
                            x[name] = clean_utf8(pool.text(f->id, e));
                          } else {
                            const Column& col = pool.column(f->id);
                            x[name] = e < col.present.size() && col.present[e]
                                          ? Json(ingest::format_raw(*f, col.values[e]))
                                          : Json(nullptr);
                          }
                        }
                        Json titles = Json::array();
                        for (const TitleRecord& t : pool.titles().of(e))
                          if (holds_title(pool, e, as_of, {t.tier}) &&
                              std::find(titles.begin(), titles.end(), t.tier) == titles.end())
                            titles.push_back(t.tier);
                        x["titles_held"] = std::move(titles);
                        items.push_back(std::move(x));
                      }
                      return json_response(
                          200, page_json(std::move(items), rows.size(), page, page_size));
                    }));

  router.add("GET", "/api/v1/enterprises/{uscc}",
             authed(*this,
                    [this](HttpRequest& req, const RouteParams& p, const Caller& c,
                           store::Store& db) -> HttpResponse {
                      const std::string uscc = p.at("uscc");
                      // The version is read before the pool: a write in between makes the ETag
                      // older than the facts shown, so an edit based on them is refused rather than
                      // overwriting unseen data.
                      Result<std::shared_ptr<const PoolSnapshot>> pre = current_pool(db);
                      if (!pre) return store_problem(req, pre.error());
                      if (!firm_in_scope(c, (*pre)->pool, uscc))
                        return problem(req, 404, "not_found");
                      Result<int64_t> version = db.enterprise_version(uscc);
                      if (!version) return store_problem(req, version.error());
                      Result<std::shared_ptr<const PoolSnapshot>> snap = current_pool(db);
                      if (!snap) return store_problem(req, snap.error());
                      std::optional<uint32_t> e = firm_in_scope(c, (*snap)->pool, uscc);
                      if (!e) return problem(req, 404, "not_found");
                      Json j = enterprise_json((*snap)->pool, *e);
                      j["version"] = *version;
                      HttpResponse r = json_response(200, j);
                      r.set_header("ETag", "\"" + std::to_string(*version) + "\"");
                      r.set_header("Cache-Control", "no-cache");
                      return r;
                    }));

  router.add(
      "PATCH", "/api/v1/enterprises/{uscc}",
      authed(*this,
             [this](HttpRequest& req, const RouteParams& p, const Caller& c,
                    store::Store& db) -> HttpResponse {
               const Lang lang = request_lang(req);
               const std::string uscc = p.at("uscc");
               Result<std::shared_ptr<const PoolSnapshot>> snap = current_pool(db);
               if (!snap) return store_problem(req, snap.error());
               if (!firm_in_scope(c, (*snap)->pool, uscc)) return problem(req, 404, "not_found");
               if (!has_role(c, {auth::Role::admin, auth::Role::official, auth::Role::enterprise}))
                 return problem(
                     req, 403, "forbidden",
                     Text{"评审员不能修改企业数据", "a reviewer may not change a firm's facts"});
               std::string match(req.header("if-match"));
               if (match.empty()) return problem(req, 428, "precondition_required");
               if (match.size() >= 2 && match.front() == '"' && match.back() == '"')
                 match = match.substr(1, match.size() - 2);
               if (match.empty() || match.find_first_not_of("0123456789") != std::string::npos ||
                   match.size() > 18)
                 return problem(req, 412, "precondition_failed");
               const int64_t expected = std::stoll(match);
               Json body;
               if (auto bad = read_json_body(*this, req, body)) return *bad;
               if (body.contains("uscc") && body["uscc"] != uscc)
                 return problem(req, 422, "validation_failed",
                                Text{"不能修改统一社会信用代码", "the USCC cannot be changed"});
               if (c.user.role == auth::Role::enterprise)
                 for (const char* list : kEditForbiddenLists)
                   if (body.contains(list))
                     return Problem{
                         403,
                         "forbidden",
                         Text{std::string("企业不能修改自己的") +
                                  (std::string(list) == "titles" ? "称号" : "违规记录") +
                                  "（由主管部门录入）",
                              std::string("a firm cannot change its own ") + list +
                                  " (entered by the office)"},
                         {{list, "", -1, "", "", uscc, "read only for enterprise users"}}}
                         .response(lang);
               body["uscc"] = uscc;
               Json doc;
               doc["enterprises"] = Json::array({body});
               const std::string text = doc.dump();
               IngestReport report;
               const std::string source = "PATCH /api/v1/enterprises/" + uscc;
               Result<Pool> incoming = load_pool_text(text, InputFormat::json, source, report);
               if (!incoming || !report.errors.empty()) {
                 Problem pr{
                     422, "validation_failed", incoming ? Text{} : incoming.error().message, {}};
                 for (const InputError& e : report.errors) {
                   FieldProblem f = field_problem(e, lang);
                   f.field = e.column;
                   f.row = -1;
                   f.file.clear();
                   pr.errors.push_back(std::move(f));
                 }
                 return pr.response(lang);
               }
               store::ImportOptions o;
               o.actor = c.user.name;
               o.source = source;
               o.kind = "edit";
               o.rows_read = 1;
               std::vector<InputError> conflicts;
               o.conflicts = &conflicts;
               bool stale = false;
               o.precondition = [&]() -> Status {
                 Result<int64_t> now = db.enterprise_version(uscc);
                 if (!now) return now.error();
                 if (*now != expected) {
                   stale = true;
                   return error(StatusCode::failed_precondition, "stale", "stale");
                 }
                 return Status::ok_status();
               };
               Result<store::ImportSummary> sum = db.import_pool(*incoming, o);
               if (stale) return problem(req, 412, "precondition_failed");
               if (!sum) {
                 if (!conflicts.empty()) {
                   // The store's message speaks of a file; an edit is no file.
                   const std::string n = std::to_string(conflicts.size());
                   Problem pr{422,
                              "validation_failed",
                              Text{n + " 处修改与企业库中已有的数据矛盾，未作任何修改（见 errors）",
                                   n + " change(s) contradict the stored facts: nothing was "
                                       "changed (see errors)"},
                              {}};
                   for (const InputError& e : conflicts)
                     pr.errors.push_back(field_problem(e, lang));
                   return pr.response(lang);
                 }
                 return store_problem(req, sum.error());
               }
               Result<int64_t> version = db.enterprise_version(uscc);
               if (!version) return store_problem(req, version.error());
               Result<std::shared_ptr<const PoolSnapshot>> after = current_pool(db);
               if (!after) return store_problem(req, after.error());
               std::optional<uint32_t> e = (*after)->pool.find(uscc);
               Json j = e ? enterprise_json((*after)->pool, *e) : Json::object();
               j["version"] = *version;
               j["batch"] = sum->batch_id;
               j["fields_changed"] = sum->fields_changed;
               HttpResponse r = json_response(200, j);
               r.set_header("ETag", "\"" + std::to_string(*version) + "\"");
               return r;
             }));

  router.add("GET", "/api/v1/enterprises/{uscc}/assessments",
             authed(*this,
                    [this](HttpRequest& req, const RouteParams& p, const Caller& c,
                           store::Store& db) -> HttpResponse {
                      FirmRead f;
                      if (auto bad = begin_firm_read(*this, req, p, c, db, f)) return *bad;
                      const auto& [lang, as_of, mode, snap, e] = f;
                      const Pool& pool = snap->pool;
                      std::vector<std::shared_ptr<const Plan>> plans;
                      if (auto bad = plans_for(req, policy_param(req), as_of, mode, plans))
                        return *bad;
                      // The result objects are spliced in as append_json writes them (no
                      // second parse): this is the route integrations call per firm.
                      Json head;
                      head["uscc"] = pool.uscc(*e);
                      head["as_of"] = as_of.to_string();
                      head["mode"] = mode;
                      head["known_batch"] = snap->head;
                      std::string body = head.dump();
                      body.pop_back();
                      body += ",\"results\":[";
                      for (size_t k = 0; k < plans.size(); ++k) {
                        std::shared_ptr<const Plan> used =
                            plan_for_firm(*this, plans[k], pool, *e, as_of);
                        if (k) body += ',';
                        append_json(assess_one(*used, pool, *e), lang, body);
                      }
                      body += "]}";
                      return HttpResponse::json(200, std::move(body));
                    }));

  router.add(
      "GET", "/api/v1/enterprises/{uscc}/explanation",
      authed(*this,
             [this](HttpRequest& req, const RouteParams& p, const Caller& c,
                    store::Store& db) -> HttpResponse {
               FirmRead f;
               if (auto bad = begin_firm_read(*this, req, p, c, db, f)) return *bad;
               const auto& [lang, as_of, mode, snap, e] = f;
               const Pool& pool = snap->pool;
               const std::string format = req.param("format").value_or("json");
               if (format != "json" && format != "text")
                 return problem(req, 422, "invalid_parameter",
                                Text{"format 须为 json 或 text", "format must be json or text"});
               std::vector<std::shared_ptr<const Plan>> plans;
               if (auto bad = plans_for(req, policy_param(req), as_of, mode, plans)) return *bad;
               std::string text;
               Json results = Json::array();
               for (const auto& plan : plans) {
                 std::shared_ptr<const Plan> used = plan_for_firm(*this, plan, pool, *e, as_of);
                 AssessmentResult r = assess_one(*used, pool, *e);
                 extract_inputs(*used, pool, r);
                 if (format == "text") {
                   append_explanation(r, lang, text);
                   text += "\n";
                 } else {
                   Json x = result_json(r, lang);
                   Json inputs = Json::array();
                   for (const InputValue& v : r.inputs) {
                     Json i;
                     i["field"] = field_ref_text(v.ref, lang);
                     i["value"] = clean_utf8(v.value);
                     inputs.push_back(std::move(i));
                   }
                   x["inputs"] = std::move(inputs);
                   results.push_back(std::move(x));
                 }
               }
               if (format == "text") return HttpResponse::text(200, clean_utf8(text));
               Json j;
               j["uscc"] = pool.uscc(*e);
               j["as_of"] = as_of.to_string();
               j["mode"] = mode;
               j["results"] = std::move(results);
               return json_response(200, j);
             }));

  router.add("GET", "/api/v1/enterprises/{uscc}/gaps",
             authed(*this,
                    [this](HttpRequest& req, const RouteParams& p, const Caller& c,
                           store::Store& db) -> HttpResponse {
                      FirmRead f;
                      if (auto bad = begin_firm_read(*this, req, p, c, db, f)) return *bad;
                      const auto& [lang, as_of, mode, snap, e] = f;
                      const Pool& pool = snap->pool;
                      std::vector<std::shared_ptr<const Plan>> plans;
                      if (auto bad = plans_for(req, policy_param(req), as_of, mode, plans))
                        return *bad;
                      const bool forced =
                          req.param("policy").value_or("").find('@') != std::string::npos;
                      Json items = Json::array();
                      for (std::shared_ptr<const Plan> plan : plans) {
                        Json x;
                        // As `gradus gap`: a holder judged by the review of its title, anyone else
                        // at its next call.
                        if (!forced && plan->policy->kind == Policy::Kind::tier) {
                          AssessOptions o;
                          o.as_of = as_of;
                          o.mode = mode;
                          Result<TierJudgement> j =
                              judgement_for(*registry, &calendar, plan->policy->id, pool, *e, o);
                          if (j) {
                            Result<std::shared_ptr<const Plan>> other =
                                plan_of(*j->policy, j->options.as_of, j->options.mode);
                            if (other) plan = *other;
                            x["judged_as_of"] = j->options.as_of.to_string();
                            x["judged_mode"] = j->options.mode;
                            x["review"] = j->review;
                            if (j->call) x["call_opens"] = j->call->open.to_string();
                          }
                        }
                        GapOptions go;
                        go.registry = registry.get();
                        TierGap g = tier_gap(*plan, pool, *e, go);
                        Json gj = tier_gap_json(g, lang);
                        for (auto it = x.begin(); it != x.end(); ++it) gj[it.key()] = it.value();
                        gj["title"] = in_lang(plan->policy->title, lang);
                        items.push_back(std::move(gj));
                      }
                      Json j;
                      j["uscc"] = pool.uscc(*e);
                      j["gaps"] = std::move(items);
                      return json_response(200, j);
                    }));

  router.add("GET", "/api/v1/enterprises/{uscc}/path",
             authed(*this,
                    [this](HttpRequest& req, const RouteParams& p, const Caller& c,
                           store::Store& db) -> HttpResponse {
                      FirmRead f;
                      if (auto bad = begin_firm_read(*this, req, p, c, db, f)) return *bad;
                      const auto& [lang, as_of, mode, snap, e] = f;
                      const Pool& pool = snap->pool;
                      AssessOptions o;
                      o.as_of = as_of;
                      o.mode = mode;
                      std::vector<PathStep> steps = growth_path(*registry, pool, *e, o, &calendar);
                      Json items = Json::array();
                      for (const PathStep& st : steps) {
                        Json x;
                        x["tier"] = st.tier;
                        x["version"] = st.version;
                        static const char* kStateIds[] = {"held", "now", "from_date",
                                                          "needs_changes", "not_in_force"};
                        x["state"] = kStateIds[static_cast<int>(st.state)];
                        x["state_label"] = in_lang(path_state_label(st.state), lang);
                        if (st.from) x["from"] = st.from->to_string();
                        if (st.valid_until) x["valid_until"] = st.valid_until->to_string();
                        x["reviewer"] = st.reviewer;
                        x["after_previous"] = st.after_previous;
                        if (st.call) {
                          x["call_opens"] = st.call->open.to_string();
                          x["call_closes"] = st.call->close.to_string();
                          x["decision"] = st.call->decision.to_string();
                        }
                        if (st.apply_on) x["apply_on"] = st.apply_on->to_string();
                        x["gap"] = tier_gap_json(st.gap, lang);
                        if (st.review) {
                          Json r;
                          r["version"] = st.review->version;
                          r["on"] = st.review->on.to_string();
                          r["met"] = st.review->met;
                          r["gap"] = tier_gap_json(st.review->gap, lang);
                          x["review"] = std::move(r);
                        }
                        items.push_back(std::move(x));
                      }
                      Json j;
                      j["uscc"] = pool.uscc(*e);
                      j["as_of"] = as_of.to_string();
                      j["steps"] = std::move(items);
                      return json_response(200, j);
                    }));

  router.add(
      "POST", "/api/v1/enterprises/{uscc}/whatif",
      authed(*this,
             [this](HttpRequest& req, const RouteParams& p, const Caller& c,
                    store::Store& db) -> HttpResponse {
               FirmRead f;
               if (auto bad = begin_firm_read(*this, req, p, c, db, f)) return *bad;
               const auto& [lang, as_of, mode, snap, e] = f;
               const Pool& pool = snap->pool;
               Json body;
               if (auto bad = read_json_body(*this, req, body)) return *bad;
               std::vector<FactOverride> overrides;
               std::vector<TitleRecord> titles;
               Problem bad{422, "validation_failed", {}, {}};
               for (auto it = body.begin(); it != body.end(); ++it) {
                 if (it.key() != "set" && it.key() != "titles")
                   bad.errors.push_back({it.key(), "", -1, "", "", "",
                                         lang == Lang::zh ? "未知字段（可用 set、titles）"
                                                          : "unknown field (use set, titles)"});
               }
               // "set": {"rd_expense@2025": "900", …} or ["rd_expense@2025=900", …]; "titles":
               // ["srdi-sme@2026-03-01"].
               auto add_override = [&](const std::string& spec, const std::string& where) {
                 Result<FactOverride> o = parse_override(spec);
                 if (!o)
                   bad.errors.push_back({where, "", -1, "", spec, "", o.error().message.in(lang)});
                 else
                   overrides.push_back(std::move(*o));
               };
               if (body.contains("set")) {
                 const Json& set = body["set"];
                 if (set.is_object()) {
                   for (auto it = set.begin(); it != set.end(); ++it) {
                     std::string v = it.value().is_string() ? it.value().get<std::string>()
                                     : it.value().is_null() ? ""
                                                            : it.value().dump();
                     add_override(it.key() + "=" + v, "set." + it.key());
                   }
                 } else if (set.is_array()) {
                   for (size_t k = 0; k < set.size(); ++k)
                     if (set[k].is_string())
                       add_override(set[k].get<std::string>(), "set[" + std::to_string(k) + "]");
                     else
                       bad.errors.push_back({"set[" + std::to_string(k) + "]", "", -1, "", "", "",
                                             lang == Lang::zh
                                                 ? "须为字符串 FIELD[@YEAR]=VALUE"
                                                 : "must be a string FIELD[@YEAR]=VALUE"});
                 } else {
                   bad.errors.push_back(
                       {"set", "", -1, "", "", "",
                        lang == Lang::zh ? "须为对象或数组" : "must be an object or an array"});
                 }
               }
               if (body.contains("titles")) {
                 const Json& t = body["titles"];
                 for (size_t k = 0; t.is_array() && k < t.size(); ++k) {
                   Result<TitleRecord> r =
                       t[k].is_string() ? parse_title_grant(t[k].get<std::string>())
                                        : Result<TitleRecord>(invalid("须为字符串 TIER@DAY",
                                                                      "must be a string TIER@DAY"));
                   if (!r)
                     bad.errors.push_back({"titles[" + std::to_string(k) + "]", "", -1, "",
                                           t[k].dump(), "", r.error().message.in(lang)});
                   else
                     titles.push_back(std::move(*r));
                 }
                 if (!t.is_array())
                   bad.errors.push_back({"titles", "", -1, "", "", "",
                                         lang == Lang::zh ? "须为数组" : "must be an array"});
               }
               if (!bad.errors.empty()) return bad.response(lang);
               std::vector<std::shared_ptr<const Plan>> plans;
               if (auto badp = plans_for(req, policy_param(req), as_of, mode, plans)) return *badp;
               std::vector<const Plan*> raw;
               for (const auto& pl : plans) raw.push_back(pl.get());
               Result<std::vector<WhatIfResult>> results =
                   what_if(raw, pool, *e, overrides, titles);
               if (!results) return problem(req, 422, "validation_failed", results.error().message);
               Json items = Json::array();
               for (const WhatIfResult& w : *results) {
                 Json x;
                 x["policy"] = w.policy;
                 x["before"] = outcome_id(w.before.outcome);
                 x["after"] = outcome_id(w.after.outcome);
                 x["outcome_changed"] = w.outcome_changed();
                 Json changes = Json::array();
                 for (const CriterionChange& ch : w.changes) {
                   Json cj;
                   cj["id"] = ch.id;
                   cj["label"] = in_lang(ch.label, lang);
                   cj["before"] = outcome_id(ch.before);
                   cj["after"] = outcome_id(ch.after);
                   cj["value_before"] = ch.value_before;
                   cj["value_after"] = ch.value_after;
                   cj["threshold"] = ch.threshold;
                   cj["unit"] = ch.unit;
                   changes.push_back(std::move(cj));
                 }
                 x["criteria"] = std::move(changes);
                 x["result_after"] = result_json(w.after, lang);
                 items.push_back(std::move(x));
               }
               Json j;
               j["uscc"] = pool.uscc(*e);
               j["results"] = std::move(items);
               return json_response(200, j);
             }));

  router.add("GET", "/api/v1/enterprises/{uscc}/history",
             authed(*this,
                    [this](HttpRequest& req, const RouteParams& p, const Caller& c,
                           store::Store& db) -> HttpResponse {
                      Result<std::shared_ptr<const PoolSnapshot>> snap = current_pool(db);
                      if (!snap) return store_problem(req, snap.error());
                      if (!firm_in_scope(c, (*snap)->pool, p.at("uscc")))
                        return problem(req, 404, "not_found");
                      Result<std::vector<store::HistoryEntry>> h = db.history(p.at("uscc"));
                      if (!h) return store_problem(req, h.error());
                      Json items = Json::array();
                      for (const store::HistoryEntry& x : *h) {
                        Json j;
                        j["batch"] = x.batch.id;
                        j["kind"] = x.batch.kind;
                        j["at"] = x.batch.at;
                        j["actor"] = clean_utf8(x.batch.actor);
                        j["source"] = clean_utf8(x.batch.source);
                        j["field"] = x.field;
                        if (x.year) j["year"] = x.year;
                        j["before"] = clean_utf8(x.before);
                        j["after"] = clean_utf8(x.after);
                        items.push_back(std::move(j));
                      }
                      Json j;
                      j["items"] = std::move(items);
                      return json_response(200, j);
                    }));
}

}  // namespace gradus::server
