// The cases runner; see cases.h.
#include "engine/cases.h"

#include <yaml-cpp/yaml.h>

#include <cmath>
#include <nlohmann/json.hpp>

#include "core/decimal.h"
#include "engine/evaluate.h"
#include "engine/plan.h"
#include "engine/result.h"
#include "ingest/ingest.h"
#include "policy/yaml_reader.h"

namespace gradus {
namespace {

using json = nlohmann::json;

json to_json(const YAML::Node& n) {
  if (n.IsNull() || !n.IsDefined()) return nullptr;
  if (n.IsMap()) {
    json o = json::object();
    for (auto it = n.begin(); it != n.end(); ++it) o[it->first.as<std::string>()] = to_json(it->second);
    return o;
  }
  if (n.IsSequence()) {
    json a = json::array();
    for (const auto& x : n) a.push_back(to_json(x));
    return a;
  }
  const std::string& s = n.Scalar();
  if (n.Tag() == "!") return s;  // quoted: always a string
  if (s == "true") return true;
  if (s == "false") return false;
  if (s == "~" || s == "null") return nullptr;
  if (!s.empty() && (std::isdigit(static_cast<unsigned char>(s[0])) || s[0] == '-') &&
      s.find_first_not_of("-0123456789.") == std::string::npos && s.find('-', 1) == std::string::npos) {
    if (s.find('.') == std::string::npos) return std::stoll(s);
    return std::stod(s);
  }
  return s;
}

std::string where(const std::string& file, const YAML::Node& n) {
  return file + ":" + std::to_string(n.Mark().line + 1);
}

}  // namespace

Result<CasesReport> run_cases_text(std::string_view yaml, const std::string& file, const PolicyRegistry& registry) {
  Result<YAML::Node> parsed = load_yaml(yaml, file);
  if (!parsed) return parsed.error();
  const YAML::Node root = *parsed;
  auto fail = [&](const YAML::Node& n, const std::string& msg) -> Status {
    std::string m = where(file, n) + ": " + msg;
    return error(StatusCode::parse_error, m, m);
  };
  if (!root.IsMap()) return fail(root, "a cases file is a mapping with policy, as_of, base and cases");
  for (auto it = root.begin(); it != root.end(); ++it) {
    std::string k = it->first.as<std::string>();
    if (k != "policy" && k != "as_of" && k != "mode" && k != "base" && k != "cases" && k != "notes")
      return fail(it->first, "unknown key '" + k + "' (expected policy, as_of, mode, base, cases, notes)");
  }
  std::string spec = root["policy"].IsScalar() ? root["policy"].Scalar() : "";
  size_t at = spec.find('@');
  if (at == std::string::npos) return fail(root, "'policy' must be <id>@<version>");
  const Policy* policy = registry.find(spec.substr(0, at), spec.substr(at + 1));
  if (!policy) return fail(root["policy"], "policy " + spec + " is not loaded");
  CasesReport report;
  report.policy = spec;

  json base = to_json(root["base"]);
  if (!base.is_object()) return fail(root, "'base' must be a firm in the JSON enterprise form");
  const YAML::Node cases = root["cases"];
  if (!cases.IsSequence() || cases.size() == 0) return fail(root, "'cases' must be a non-empty list");

  for (const YAML::Node& c : cases) {
    std::string name = c["name"].IsScalar() ? c["name"].Scalar() : "(unnamed)";
    std::string loc = where(file, c) + ": case '" + name + "': ";
    std::vector<std::string> problems;
    for (auto it = c.begin(); it != c.end(); ++it) {
      std::string k = it->first.as<std::string>();
      if (k != "name" && k != "firm" && k != "as_of" && k != "mode" && k != "expect" && k != "notes")
        problems.push_back("unknown key '" + k + "'");
    }
    json firm = base;
    if (c["firm"].IsDefined()) firm.merge_patch(to_json(c["firm"]));
    AssessOptions opt;
    std::string as_of = c["as_of"].IsDefined() ? c["as_of"].Scalar() : root["as_of"].IsDefined() ? root["as_of"].Scalar() : "";
    Result<Date> d = Date::parse(as_of);
    if (!d) {
      report.failed++;
      report.failures.push_back(loc + "as_of: " + d.error().message.en);
      continue;
    }
    opt.as_of = *d;
    opt.mode = c["mode"].IsDefined() ? c["mode"].Scalar() : root["mode"].IsDefined() ? root["mode"].Scalar() : "application";

    IngestReport ingest;
    Result<Pool> pool = load_pool_text(json::array({firm}).dump(), InputFormat::json, file + " case '" + name + "'", ingest);
    if (!pool || !ingest.ok() || pool->size() != 1) {
      report.failed++;
      std::string msg = loc + "the firm does not load:";
      if (!pool) msg += " " + pool.error().message.en;
      for (const InputError& e : ingest.errors) msg += "\n    " + format_input_error(e, Lang::en);
      report.failures.push_back(msg);
      continue;
    }
    Result<std::unique_ptr<Plan>> plan = compile_plan(*policy, registry, opt);
    if (!plan) {
      report.failed++;
      report.failures.push_back(loc + plan.error().message.en);
      continue;
    }
    BatchState state(**plan);
    evaluate_batch(**plan, *pool, 0, 1, state);
    AssessmentResult r = extract_result(**plan, *pool, state, 0);

    const YAML::Node expect = c["expect"];
    if (!expect.IsMap()) problems.push_back("missing 'expect'");
    std::string open;
    for (const CriterionResult& cr : r.criteria)
      if (cr.leaf && cr.outcome != Outcome::met) open += (open.empty() ? "" : ", ") + cr.id + "=" + outcome_id(cr.outcome);
    for (auto it = expect.begin(); expect.IsMap() && it != expect.end(); ++it) {
      std::string k = it->first.as<std::string>();
      const YAML::Node v = it->second;
      if (k == "outcome") {
        if (v.Scalar() != outcome_id(r.outcome))
          problems.push_back("expected outcome " + v.Scalar() + ", got " + outcome_id(r.outcome) +
                             (open.empty() ? "" : " (open: " + open + ")"));
      } else if (k == "score") {
        Result<Decimal> want = Decimal::parse(v.Scalar());
        if (!want) problems.push_back("score must be a number");
        else if (!r.scored) problems.push_back("expected a score, but the policy has none");
        else if (r.score_lo != r.score_hi || std::fabs(r.score_lo - want->to_double()) > 1e-9)
          problems.push_back("expected score " + v.Scalar() + ", got " + format_number(r.score_lo) +
                             (r.score_lo == r.score_hi ? "" : "–" + format_number(r.score_hi)));
      } else if (k == "result") {
        std::string got = r.result ? *r.result : "undecided";
        if (v.Scalar() != got) problems.push_back("expected result " + v.Scalar() + ", got " + got);
      } else if (k == "criteria") {
        for (auto ct = v.begin(); ct != v.end(); ++ct) {
          std::string id = ct->first.as<std::string>();
          const CriterionResult* found = nullptr;
          for (const CriterionResult& cr : r.criteria)
            if (cr.id == id) found = &cr;
          if (!found) problems.push_back("no criterion '" + id + "' in " + spec + " (" + opt.mode + ")");
          else if (ct->second.Scalar() != outcome_id(found->outcome))
            problems.push_back("criterion " + id + ": expected " + ct->second.Scalar() + ", got " +
                               outcome_id(found->outcome) + (found->value.empty() ? "" : " (value " + found->value + ")"));
        }
      } else if (k == "points") {
        for (auto pt = v.begin(); pt != v.end(); ++pt) {
          std::string id = pt->first.as<std::string>();
          size_t dot = id.find('.');
          std::string ind_id = dot == std::string::npos ? id : id.substr(dot + 1);
          const IndicatorResult* found = nullptr;
          for (const IndicatorResult& ir : r.indicators)
            if (ir.id == ind_id) found = &ir;
          Result<Decimal> want = Decimal::parse(pt->second.Scalar());
          if (!found) problems.push_back("no score indicator '" + id + "'");
          else if (!want) problems.push_back("points for " + id + " must be a number");
          else if (found->lo != found->hi || std::fabs(found->lo - want->to_double()) > 1e-9)
            problems.push_back("indicator " + id + ": expected " + pt->second.Scalar() + " points, got " +
                               format_number(found->lo) + (found->lo == found->hi ? "" : "–" + format_number(found->hi)) +
                               (found->value.empty() ? "" : " (value " + found->value + ")"));
        }
      } else {
        problems.push_back("unknown expectation '" + k + "' (outcome, score, result, criteria, points)");
      }
    }
    if (problems.empty()) {
      report.passed++;
    } else {
      report.failed++;
      std::string msg = loc;
      for (size_t i = 0; i < problems.size(); ++i) msg += (i ? "; " : "") + problems[i];
      report.failures.push_back(msg);
    }
  }
  return report;
}

}  // namespace gradus
