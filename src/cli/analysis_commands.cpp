// gradus whatif, gap, path and potential: each firm's way to the next tier (docs/analysis.md).
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "analysis/gap.h"
#include "analysis/gap_report.h"
#include "analysis/path.h"
#include "analysis/pool_views.h"
#include "analysis/whatif.h"
#include "cli/args.h"
#include "cli/commands.h"
#include "cli/common.h"
#include "cli/progress.h"
#include "core/fields.h"
#include "engine/evaluate.h"
#include "engine/format.h"
#include "engine/plan.h"
#include "engine/result.h"
#include "engine/row_facts.h"
#include "export/csv_text.h"
#include "export/export.h"
#include "policy/calls.h"
#include "policy/registry.h"
#include "xlsx/writer.h"

namespace gradus {

// gradus whatif: one enterprise re-assessed with changed facts; what changes.
int cmd_whatif(int argc, char** argv) {
  Args a = parse_args(argc, argv, 2,
                      {"input", "db", "known-at", "uscc", "name", "set", "title", "policy", "as-of",
                       "mode", "lang", "policy-file"},
                      {"ignore-unknown-columns"});
  if (!a.error.empty()) return usage_error(a.error);
  if (a.has("input") == a.has("db") || !has_firm_option(a) || (!a.has("set") && !a.has("title"))) {
    return usage_error(
        "whatif needs --uscc CODE or --name NAME, --set FIELD[@YEAR]=VALUE… or --title TIER@DATE…, "
        "and --input FILE or --db URL");
  }
  Common c;
  if (!read_common(a, c)) return kFailed;
  std::vector<FactOverride> overrides;
  for (const std::string& spec : a.all("set")) {
    Result<FactOverride> o = parse_override(spec);
    if (!o) return usage_error(o.error().message.in(c.lang));
    overrides.push_back(std::move(*o));
  }
  std::vector<TitleRecord> titles;
  for (const std::string& spec : a.all("title")) {
    Result<TitleRecord> t = parse_title_grant(spec);
    if (!t) return usage_error(t.error().message.in(c.lang));
    const std::vector<std::string> ids = c.registry->ids();
    if (std::find(ids.begin(), ids.end(), t->tier) == ids.end()) {
      std::string known;
      for (const std::string& id : ids) known += (known.empty() ? "" : ", ") + id;
      return usage_error("--title " + spec + ": no policy " + t->tier + " (known: " + known + ")");
    }
    titles.push_back(std::move(*t));
  }
  std::vector<std::unique_ptr<Plan>> owned;
  if (!select_plans(a, c, owned)) return kFailed;
  std::vector<const Plan*> plans;
  for (auto& p : owned) plans.push_back(p.get());
  Pool pool;
  if (!load_pool_for(a, c.lang, pool)) return kFailed;
  std::string code;
  std::optional<uint32_t> row = find_firm(a, c.lang, pool, &code);
  if (!row) return kFailed;
  const bool zh = c.lang == Lang::zh;
  Result<std::vector<WhatIfResult>> results = what_if(plans, pool, *row, overrides, titles);
  if (!results)
    return std::cerr << "gradus: " << results.error().message.in(c.lang) << "\n", kFailed;
  std::string changes;
  for (const FactOverride& o : overrides) changes += (changes.empty() ? "" : ", ") + o.written;
  for (const TitleRecord& t : titles) {
    changes += (changes.empty() ? ""
                : zh            ? "，"
                                : ", ") +
               (zh ? "自 " + t.since.to_string() + " 起持有 " + t.tier + " 称号"
                   : "holds " + t.tier + " from " + t.since.to_string());
  }
  std::cout << pool.text(find_field("name")->id, *row) << "  " << code << "\n"
            << (zh ? "假如 " : "what if ") << changes << "\n";
  const char* none = zh ? "—" : "-";
  for (const WhatIfResult& w : *results) {
    std::cout << "\n" << w.policy << ": " << outcome_label(w.before.outcome).in(c.lang);
    if (w.outcome_changed()) {
      std::cout << " → " << outcome_label(w.after.outcome).in(c.lang);
    } else {
      std::cout << (zh ? "（不变）" : " (unchanged)");
    }
    if (w.before.scored) {
      std::cout << (zh ? "，得分 " : ", score ") << format_number(w.before.score_lo);
      if (w.after.score_lo != w.before.score_lo)
        std::cout << " → " << format_number(w.after.score_lo);
    }
    std::cout << "\n";
    for (const CriterionChange& ch : w.changes) {
      std::cout << "  " << (zh ? "" : "[" + ch.id + "] ") << ch.label.in(c.lang)
                << (zh ? "：" : ": ") << outcome_label(ch.before).in(c.lang);
      if (ch.before != ch.after) std::cout << " → " << outcome_label(ch.after).in(c.lang);
      if (!ch.value_before.empty() || !ch.value_after.empty()) {
        std::cout << (zh ? "（值 " : " (value ")
                  << (ch.value_before.empty() ? none : ch.value_before) << " → "
                  << (ch.value_after.empty() ? none : ch.value_after);
        if (!ch.unit.empty()) std::cout << " " << ch.unit;
        if (!ch.threshold.empty()) std::cout << (zh ? "，要求 " : ", required ") << ch.threshold;
        std::cout << (zh ? "）" : ")");
      }
      std::cout << "\n";
    }
  }
  return kOk;
}

// gradus gap: for each tier an enterprise does not meet, what stands in the way and the smallest
// proven change of one fact for each measurable criterion.
// The gap of one tier for people: facts to enter, unmet criteria with their proven changes (or
// the day time alone meets them, or the cheapest score upgrades), what a reviewer must judge.
void print_tier_gap(const TierGap& g, Lang lang) {
  const bool zh = lang == Lang::zh;
  if (!g.unknown.empty()) {
    std::cout << (zh ? "  尚缺数据，无法判断（请先补充）：\n"
                     : "  we cannot tell until you enter:\n");
    for (const CriterionGap& x : g.unknown) {
      std::string facts;
      for (const FieldRef& r : x.missing)
        facts += (facts.empty() ? "" : ", ") + field_ref_text(r, lang);
      std::cout << "    " << (zh ? "" : "[" + x.id + "] ") << x.label.in(lang)
                << (facts.empty() ? "" : (zh ? "：" : ": ") + facts) << "\n";
    }
  }
  if (!g.not_met.empty()) {
    std::cout << (zh ? "  不符合：\n" : "  not met:\n");
    for (const CriterionGap& x : g.not_met) {
      std::cout << "    " << (zh ? "" : "[" + x.id + "] ") << x.label.in(lang);
      if (!x.value.empty()) {
        std::cout << (zh ? "（值 " : " (value ") << x.value << (x.unit.empty() ? "" : " " + x.unit)
                  << (zh ? "，要求 " : ", required ") << x.threshold << (zh ? "）" : ")");
      }
      std::cout << "\n";
      if (!x.suggestions.empty())
        std::cout << "      → " << alternatives_text(x.suggestions).in(lang) << "\n";
      if (x.met_from) {
        std::cout << (zh ? "      → 数据不变，自 " : "      → met from ") << x.met_from->to_string()
                  << (zh ? " 起满足（时间条件）\n"
                         : " with the facts as they are (a time condition)\n");
        continue;
      }
      if (x.score_plan) {
        const ScorePlan& sp = *x.score_plan;
        std::cout << (zh ? "      → 最省力的加分组合（得分 "
                         : "      → the cheapest upgrades (score ")
                  << format_number(sp.score_before) << " → " << format_number(sp.score_after)
                  << (zh ? "，已验证）：\n" : ", proven):\n");
        for (const ScoreUpgrade& u : sp.upgrades) {
          std::cout << "        " << (zh ? "" : "[" + u.indicator + "] ") << u.label.in(lang)
                    << (zh ? "：" : ": ") << format_number(u.points_before) << " → "
                    << format_number(u.points_after) << (zh ? " 分（" : " points (") << u.band
                    << (zh ? "）：" : "): ") << u.change.text().in(lang) << "\n";
        }
        continue;
      }
      if (!x.note.empty()) {
        std::cout << "      → " << x.note.in(lang) << "\n";
      } else if (x.suggestions.empty()) {
        std::cout << (zh ? "      （无法自动给出单项数据的修改建议）\n"
                         : "      (no single-fact change can be suggested automatically)\n");
      }
    }
  }
  if (g.together) {
    std::string ids;
    for (const std::string& id : g.together_criteria) ids += (ids.empty() ? "" : ", ") + id;
    std::cout << (zh ? "  相互关联的条款一并满足（" : "  the linked criteria together (") << ids
              << (zh ? "，已验证）：\n" : ", proven):\n");
    const Text t = g.together->text();
    std::string lines = t.in(lang);
    const std::string sep = zh ? "；" : "; ";
    for (size_t at = 0; (at = lines.find(sep, at)) != std::string::npos;)
      lines.replace(at, sep.size(), "\n      → ");
    std::cout << "      → " << lines << "\n";
  }
  if (!g.manual.empty()) {
    std::cout << (zh ? "  需评审判断：\n" : "  needs a reviewer:\n");
    for (const CriterionGap& x : g.manual) {
      std::cout << "    " << (zh ? "" : "[" + x.id + "] ") << x.label.in(lang);
      if (!x.note.empty()) std::cout << (zh ? "：" : ": ") << x.note.in(lang);
      std::cout << "\n";
    }
  }
}

// gradus gap --all: the whole pool's gap report (analysis/gap_report.h) as CSV on stdout or a
// workbook (--format xlsx --output FILE).
int gap_whole_pool(const Args& a, const Common& c, const std::vector<std::unique_ptr<Plan>>& owned,
                   const Pool& pool, const CallCalendar& calls) {
  const Lang lang = c.lang;
  const bool zh = lang == Lang::zh;
  std::vector<const Plan*> plans;
  for (const auto& p : owned) plans.push_back(p.get());
  PoolGapReportOptions o;
  o.lang = lang;
  o.summary = a.has("summary");
  const std::vector<std::string> specs = a.all("policy");
  o.versions_forced = std::any_of(specs.begin(), specs.end(), [](const std::string& s) {
    return s.find('@') != std::string::npos;
  });
  o.threads = static_cast<unsigned>(std::strtoul(a.get("threads", "0").c_str(), nullptr, 10));
  o.assess = c.options;
  Progress progress(zh ? "差距分析" : "gap analysis", zh ? "家企业" : "firms", lang);
  o.progress = [&](uint64_t done, uint64_t total) { progress.update(done, total); };
  const std::string xlsx = a.get("format", "csv") == "xlsx" ? a.get("output") : std::string();
  size_t rows = 0;
  Status st = write_pool_gap_report(*c.registry, calls, plans, pool, o, &std::cout, xlsx, &rows);
  if (!st.ok()) return std::cerr << "gradus: " << st.message.in(lang) << "\n", kFailed;
  if (!xlsx.empty())
    std::cerr << (zh ? "已写入 " : "wrote ") << rows << (zh ? " 行：" : " rows to ") << xlsx << "\n";
  progress.finish(pool.size());
  return kOk;
}

int cmd_gap(int argc, char** argv) {
  Args a = parse_args(
      argc, argv, 2,
      {"input", "db", "known-at", "uscc", "name", "policy", "as-of", "mode", "lang", "policy-file",
       "threads", "calls", "region", "park", "industry", "format", "output"},
      {"all", "summary", "ignore-unknown-columns"});
  if (!a.error.empty()) return usage_error(a.error);
  if (a.has("input") == a.has("db") || (a.has("uscc") || a.has("name")) == a.has("all") ||
      (!a.has("all") && !has_firm_option(a))) {
    return usage_error(
        "gap needs --uscc CODE or --name NAME (one firm) or --all (every firm), and --input FILE "
        "or --db URL");
  }
  Common c;
  if (!read_common(a, c)) return kFailed;
  std::vector<std::unique_ptr<Plan>> owned;
  if (!select_plans(a, c, owned)) return kFailed;
  Pool pool;
  if (!load_pool_for(a, c.lang, pool)) return kFailed;
  CallCalendar calls;
  if (!load_calendar(a, c.lang, calls)) return kFailed;
  if (!apply_filter(a, c.lang, pool)) return kFailed;
  if (a.has("all")) {
    const std::string fmt = a.get("format", "csv");
    if ((fmt != "csv" && fmt != "xlsx") || (fmt == "xlsx") != a.has("output")) {
      return usage_error(
          "gap --all writes --format csv (to stdout) or --format xlsx --output FILE.xlsx");
    }
    return gap_whole_pool(a, c, owned, pool, calls);
  }
  if (a.has("summary") || a.has("format") || a.has("output")) {
    return usage_error("--summary, --format and --output go with --all");
  }
  std::string code;
  std::optional<uint32_t> row = find_firm(a, c.lang, pool, &code);
  if (!row) return kFailed;
  const Lang lang = c.lang;
  std::cout << pool.text(find_field("name")->id, *row) << "  " << code << "\n";
  const bool zh = lang == Lang::zh;
  const std::vector<std::string> specs = a.all("policy");
  const bool forced = std::any_of(specs.begin(), specs.end(), [](const std::string& s) {
    return s.find('@') != std::string::npos;
  });
  for (auto& plan : owned) {
    // A holder is judged by the review of its title; anyone else by the version in force at its
    // next call, on that call's first filing day (judgement_for) — unless a version is forced.
    std::optional<TierJudgement> judged;
    if (!forced && plan->policy->kind == Policy::Kind::tier) {
      Result<TierJudgement> j =
          judgement_for(*c.registry, &calls, plan->policy->id, pool, *row, c.options);
      if (j && (j->policy != plan->policy || j->options.as_of != plan->options.as_of ||
                j->options.mode != plan->options.mode)) {
        Result<std::unique_ptr<Plan>> other = compile_plan(*j->policy, *c.registry, j->options);
        if (other) plan = std::move(*other);
      }
      if (j) judged = std::move(*j);
    }
    GapOptions gap_options;
    gap_options.registry = c.registry.get();
    TierGap g = tier_gap(*plan, pool, *row, gap_options);
    std::cout << "\n"
              << (zh ? plan->policy->title.zh : g.policy) << (zh ? "：" : ": ")
              << outcome_label(g.outcome).in(lang) << "\n";
    if (judged && judged->review) {
      std::cout << (zh ? "  （已持有该称号：按复核标准评价，评价日 "
                       : "  (holds this title: judged by its review, as of ")
                << judged->options.as_of.to_string() << (zh ? "）\n" : ")\n");
    } else if (judged && judged->call) {
      const Call& call = *judged->call;
      std::cout << (zh ? "  （按下一申报批次施行的版本："
                       : "  (the version in force for the next call: ")
                << call.open.year() << (zh ? "年，填报 " : ", filing ") << call.open.to_string()
                << (zh ? " 至 " : " to ") << call.close.to_string()
                << (zh ? "；按 " : "; judged on ") << judged->options.as_of.to_string()
                << (zh ? " 评价，上一财年为 " : ", the last fiscal year being ")
                << judged->options.as_of.year() - 1 << (zh ? " 年）\n" : ")\n");
    }
    if (g.outcome == Outcome::met) continue;
    print_tier_gap(g, lang);
  }
  return kOk;
}

// The call a step of the path applies in, or why it has none.
void print_call(const PathStep& st, Lang lang) {
  const bool zh = lang == Lang::zh;
  if (st.state == PathStep::State::held || st.state == PathStep::State::not_in_force) return;
  if (!st.call) {
    std::cout << (zh ? "   "
                       "申报批次：日历中没有该层级在本省的申报日期，所示日期为条件满足之日，称号按"
                       "当日取得推算（可用 --calls 文件补充）\n"
                     : "   call: the calendar has no dates for this tier in the firm's province; "
                       "the day shown is when the "
                       "conditions hold and the title is assumed that day (add them with --calls "
                       "FILE)\n");
    return;
  }
  const Call& call = *st.call;
  const CallPattern& p = *call.pattern;
  std::cout << (zh ? "   申报批次：" : "   call: ") << p.authority.in(lang) << (zh ? " " : ", ")
            << call.open.year() << (zh ? "年，填报 " : ", filing ") << call.open.to_string()
            << (zh ? " 至 " : " to ") << call.close.to_string()
            << (zh ? "，最早 " : "; earliest filing ") << st.apply_on->to_string()
            << (zh ? " 提交；预计称号日期 " : "; title expected ") << call.decision.to_string();
  if (!call.decision_known)
    std::cout << (zh ? "（未见公告，按当年年底推定）"
                     : " (no notice gives it: end of year assumed)");
  if (!call.as_published) {
    std::cout << (zh ? "；日期按 " : "; dates as in the ") << p.observed
              << (zh ? " 年通知推定" : " notice, assumed for this year");
  }
  if (!p.filing_confidence.empty()) {
    std::cout << (zh ? "（可信度：填报日期 " : " (confidence: filing dates ")
              << p.filing_confidence;
    if (!p.decision_confidence.empty())
      std::cout << (zh ? "，称号日期 " : ", title day ") << p.decision_confidence;
    std::cout << (zh ? "）" : ")");
  }
  std::cout << "\n";
}

// gradus path: the firm's way up the ladder, step by step.
int cmd_path(int argc, char** argv) {
  Args a = parse_args(
      argc, argv, 2,
      {"input", "db", "known-at", "uscc", "name", "as-of", "mode", "lang", "policy-file", "calls"},
      {"no-calls", "ignore-unknown-columns"});
  if (!a.error.empty()) return usage_error(a.error);
  if (a.has("input") == a.has("db") || !has_firm_option(a)) {
    return usage_error("path needs --uscc CODE or --name NAME, and --input FILE or --db URL");
  }
  Common c;
  if (!read_common(a, c)) return kFailed;
  CallCalendar calls;
  if (!load_calendar(a, c.lang, calls)) return kFailed;
  Pool pool;
  if (!load_pool_for(a, c.lang, pool)) return kFailed;
  std::string code;
  std::optional<uint32_t> row = find_firm(a, c.lang, pool, &code);
  if (!row) return kFailed;
  const Lang lang = c.lang;
  const bool zh = lang == Lang::zh;
  std::cout << pool.text(find_field("name")->id, *row) << "  " << code << "\n";
  std::cout << (zh ? "晋级路径（评价日 " : "the way up (as of ") << c.options.as_of.to_string()
            << (zh ? "）：" : "): ");
  const std::vector<PathStep> path =
      growth_path(*c.registry, pool, *row, c.options, a.has("no-calls") ? nullptr : &calls);
  for (size_t k = 0; k < path.size(); ++k) {
    const PathStep& st = path[k];
    std::cout << (k == 0 ? "" : " → ") << st.tier;
    if (st.state == PathStep::State::held) std::cout << (zh ? "（已持有）" : " (held)");
    if (st.state == PathStep::State::now) {
      std::cout << (st.after_previous ? (zh ? "（紧随上一步）" : " (right after)")
                                      : (zh ? "（现在）" : " (now)"));
    }
    if (st.state == PathStep::State::from_date)
      std::cout << (zh ? "（" : " (from ") << st.from->to_string() << (zh ? " 起）" : ")");
    if (st.state == PathStep::State::needs_changes)
      std::cout << (zh ? "（需先改进）" : " (after changes)");
    if (st.state == PathStep::State::not_in_force)
      std::cout << (zh ? "（无有效版本）" : " (no version in force)");
    if (st.call)
      std::cout << (zh ? "[" : " [") << st.call->open.year() << (zh ? "年批次]" : " call]");
  }
  std::cout << "\n";
  for (size_t k = 0; k < path.size(); ++k) {
    const PathStep& st = path[k];
    std::cout << "\n"
              << k + 1 << ". " << st.tier << (st.version.empty() ? "" : "@" + st.version)
              << (zh ? "：" : ": ") << path_state_label(st.state).in(lang);
    if (st.from && st.state != PathStep::State::needs_changes &&
        st.state != PathStep::State::not_in_force) {
      std::cout << (st.state == PathStep::State::held ? (zh ? "（自 " : " (since ")
                                                      : (zh ? "（" : " ("))
                << st.from->to_string() << (zh ? "）" : ")");
    } else if (st.from) {
      std::cout << (zh ? "（按 " : " (assessed on ") << st.from->to_string()
                << (zh ? " 评价）" : ")");
    }
    if (st.after_previous && st.state != PathStep::State::held) {
      std::cout << (zh ? "，须先取得上一步称号" : ", once the previous step's title is granted");
    }
    if (st.reviewer) std::cout << (zh ? "；另有条款需评审判断" : "; some criteria need a reviewer");
    if (st.valid_until) {
      std::cout << (zh ? "；有效期至 " : "; valid until ") << st.valid_until->to_string()
                << (zh ? "，到期前须通过复核" : ", to be reviewed before then");
    }
    std::cout << "\n";
    print_call(st, lang);
    if (st.review) {
      const PathStep::Review& r = *st.review;
      std::cout << (zh ? "   复核（" : "   review (") << st.tier << "@" << r.version
                << (zh ? "，按 " : ", assessed on ") << r.on.to_string()
                << (zh ? " 评价）：" : "): ");
      if (r.met) {
        std::cout << (zh ? "数据不变即可通过" : "passes with the facts as they are")
                  << (r.gap.manual.empty()
                          ? ""
                          : (zh ? "（另有条款需评审判断）" : " (but for what a reviewer judges)"))
                  << (zh ? "；以下各步按称号续期推算\n"
                         : "; the steps below assume the title renewed\n");
      } else {
        std::cout << (zh ? "数据不变则不能通过：除非届时解决下列问题，称号到期失效，以下各步不再具"
                           "备该称号\n"
                         : "does not pass with the facts as they are: unless what is listed below "
                           "is resolved by then, "
                           "the title lapses and the steps below are without it\n");
        print_tier_gap(r.gap, lang);
      }
    }
    if (st.state != PathStep::State::held && st.state != PathStep::State::not_in_force)
      print_tier_gap(st.gap, lang);
  }
  return kOk;
}

// gradus potential: the firms closest to a tier, ranked.
int cmd_potential(int argc, char** argv) {
  Args a = parse_args(argc, argv, 2,
                      {"input", "db", "known-at", "policy", "as-of", "mode", "lang", "policy-file",
                       "region", "park", "industry", "top", "format", "threads", "output"},
                      {"include-holders", "ignore-unknown-columns"});
  if (!a.error.empty()) return usage_error(a.error);
  if (a.has("input") == a.has("db")) return usage_error("potential needs --input FILE or --db URL");
  if (a.all("policy").size() != 1) return usage_error("potential needs exactly one --policy ID");
  const std::string fmt = a.get("format", "text");
  if (fmt != "text" && fmt != "csv" && fmt != "json" && fmt != "xlsx") {
    return usage_error("--format must be text, csv, json or xlsx");
  }
  if ((fmt == "xlsx") != a.has("output"))
    return usage_error("--format xlsx needs --output FILE.xlsx (and only it)");
  Common c;
  if (!read_common(a, c)) return kFailed;
  std::vector<std::unique_ptr<Plan>> owned;
  if (!select_plans(a, c, owned)) return kFailed;
  Pool pool;
  if (!load_pool_for(a, c.lang, pool)) return kFailed;
  PotentialOptions o;
  if (!read_filter(a, c.lang, o.filter)) return kFailed;
  // Files get every firm unless --top says otherwise; the screen gets the first 50 and says so.
  constexpr size_t kScreenTop = 50;
  const bool to_file = fmt != "text";
  o.top = a.has("top") ? static_cast<size_t>(std::atoll(a.get("top").c_str())) : 0;
  o.include_title_holders = a.has("include-holders");
  o.threads = static_cast<unsigned>(std::atoi(a.get("threads", "0").c_str()));
  std::vector<PotentialRow> rows = rank_potential(*owned[0], pool, o);
  const size_t ranked = rows.size();
  if (!to_file && !a.has("top") && rows.size() > kScreenTop) rows.resize(kScreenTop);
  const bool zh = c.lang == Lang::zh;
  const FieldId name = find_field("name")->id;
  auto ids = [&](const std::vector<std::string>& v) { return criteria_text(*owned[0], v, c.lang); };
  if (fmt == "xlsx") {
    Table t;
    t.sheet = zh ? "潜力排名" : "potential";
    t.headers = zh ? std::vector<std::string>{"排名",         "统一社会信用代码",
                                              "企业名称",     "层级",
                                              "结论",         "不符合项数",
                                              "缺数据项数",   "需评审项数",
                                              "差距（相对）", "阻碍条款"}
                   : std::vector<std::string>{"rank",
                                              "uscc",
                                              "name",
                                              "policy",
                                              "outcome",
                                              "not met",
                                              "unknown",
                                              "for a reviewer",
                                              "shortfall (relative)",
                                              "blocking criteria"};
    t.numeric = {true, false, false, false, false, true, true, true, true, false};
    for (size_t k = 0; k < rows.size(); ++k) {
      const PotentialRow& r = rows[k];
      t.rows.push_back({std::to_string(k + 1), pool.uscc(r.enterprise),
                        pool.text(name, r.enterprise), policy_name(*owned[0]->policy, c.lang),
                        outcome_label(r.outcome).in(c.lang), std::to_string(r.not_met),
                        std::to_string(r.unknown), std::to_string(r.manual),
                        format_number(r.shortfall), ids(r.blocking)});
    }
    t.notes = {zh ? "gradus potential：按与“" + owned[0]->policy->title.zh +
                        "”的距离排序（评价日 " + c.options.as_of.to_string() +
                        "）：不符合项数、缺数据项数、相对差距、需评审项数。"
                  : "gradus potential: firms ranked by distance to " + owned[0]->policy->key() +
                        " (as of " + c.options.as_of.to_string() +
                        "): criteria not met, facts missing, relative shortfall, "
                        "criteria for a reviewer."};
    Status st = write_table_xlsx(a.get("output"), t);
    if (!st.ok()) {
      std::cerr << st.message.in(c.lang) << "\n";
      return kFailed;
    }
    std::cout << (zh ? "已写入 " : "wrote ") << rows.size() << (zh ? " 家企业：" : " firms to ")
              << a.get("output") << "\n";
    return kOk;
  }
  if (fmt == "csv") {
    std::cout << kUtf8Bom
              << (zh ? "排名,统一社会信用代码,企业名称,层级,结论,不符合项数,缺数据项数,需评审项数,"
                       "差距（相对）,阻碍条款\n"
                     : "rank,uscc,name,policy,outcome,not_met,unknown,manual,shortfall,blocking\n");
  } else if (fmt == "json") {
    std::cout << "[";
  } else {
    std::cout << policy_name(*owned[0]->policy, c.lang) << (zh ? "：距离最近的 " : ": the ")
              << rows.size()
              << (zh ? " 家企业（不符合项数、缺数据项数、差距、需评审项数）"
                     : " firms closest to it (not met, unknown, shortfall, for a reviewer)");
    if (rows.size() < ranked) {
      std::cout << (zh ? "，共 " + std::to_string(ranked) + " 家，--top 0 列出全部"
                       : "; " + std::to_string(ranked) + " in all, --top 0 lists them all");
    }
    std::cout << "\n";
  }
  for (size_t k = 0; k < rows.size(); ++k) {
    const PotentialRow& r = rows[k];
    const std::string shortfall = format_number(r.shortfall);
    if (fmt == "csv") {
      std::cout << k + 1 << "," << pool.uscc(r.enterprise) << ","
                << csv_cell(pool.text(name, r.enterprise)) << ","
                << csv_cell(policy_name(*owned[0]->policy, c.lang)) << ","
                << (zh ? outcome_label(r.outcome).zh : outcome_id(r.outcome)) << "," << r.not_met
                << "," << r.unknown << "," << r.manual << "," << shortfall << ","
                << csv_cell(ids(r.blocking)) << "\n";
    } else if (fmt == "json") {
      std::cout << (k ? ",\n" : "\n") << "{\"rank\":" << k + 1 << ",\"uscc\":\""
                << pool.uscc(r.enterprise) << "\",\"policy\":\"" << owned[0]->policy->key()
                << "\",\"outcome\":\"" << outcome_id(r.outcome) << "\",\"not_met\":" << r.not_met
                << ",\"unknown\":" << r.unknown << ",\"manual\":" << r.manual
                << ",\"shortfall\":" << shortfall << ",\"blocking\":[";
      for (size_t j = 0; j < r.blocking.size(); ++j)
        std::cout << (j ? "," : "") << "\"" << r.blocking[j] << "\"";
      std::cout << "]}";
    } else {
      std::printf("%4zu  %s  %-28s  %-8s  %d  %d  %-6s  %d  %s\n", k + 1,
                  pool.uscc(r.enterprise).c_str(), pool.text(name, r.enterprise).c_str(),
                  outcome_label(r.outcome).in(c.lang).c_str(), r.not_met, r.unknown,
                  shortfall.c_str(), r.manual, ids(r.blocking).c_str());
    }
  }
  if (fmt == "json") std::cout << "\n]\n";
  std::cout.flush();
  return kOk;
}

}  // namespace gradus
