// The whole pool's gap report (gap_report.h): every firm judged as judgement_for says, analysed
// a few batches at a time and written before the next part is analysed.
#include "analysis/gap_report.h"

#include <algorithm>
#include <map>
#include <ostream>

#include "analysis/gap.h"
#include "analysis/path.h"
#include "core/fields.h"
#include "engine/format.h"
#include "engine/row_facts.h"
#include "export/csv_text.h"
#include "policy/registry.h"
#include "xlsx/writer.h"

namespace gradus {

Status write_pool_gap_report(const PolicyRegistry& registry, const CallCalendar& calls,
                             const std::vector<const Plan*>& chosen, const Pool& pool,
                             const PoolGapReportOptions& o, std::ostream* csv,
                             const std::string& xlsx_path, size_t* rows_written) {
  const Lang lang = o.lang;
  const bool zh = lang == Lang::zh;
  const bool summary = o.summary;
  // Each firm is judged as judgement_for says (a holder by the review of its title, anyone else
  // by the version in force at its next call, on that call's first day), unless a version is
  // forced: a tier whose firms are judged in several ways is analysed once per way, each firm
  // kept under its own.
  const bool forced = o.versions_forced;
  std::vector<std::unique_ptr<Plan>> other_plans;
  std::vector<const Plan*> plans;
  std::vector<std::vector<uint8_t>> keep;  // per plan: the firms judged by it (empty: all)
  for (size_t t = 0; t < chosen.size(); ++t) {
    const Plan& plan = *chosen[t];
    if (forced || plan.policy->kind != Policy::Kind::tier) {
      plans.push_back(&plan), keep.emplace_back();
      continue;
    }
    struct Way {
      TierJudgement judgement;
      std::vector<uint8_t> firms;
    };
    std::vector<Way> ways;
    std::map<std::pair<int32_t, bool>, size_t> way_of;  // (province, holder) → index into ways
    for (uint32_t e = 0; e < pool.size(); ++e) {
      const bool holder = holds_title(pool, e, o.assess.as_of, {plan.policy->id});
      const std::pair<int32_t, bool> key{region_of(pool, e) / 10000 * 10000, holder};
      auto it = way_of.find(key);
      if (it == way_of.end()) {
        Result<TierJudgement> j =
            judgement_for(registry, &calls, plan.policy->id, pool, e, o.assess);
        if (!j) continue;
        size_t found = ways.size();
        for (size_t w = 0; w < ways.size(); ++w) {
          const TierJudgement& x = ways[w].judgement;
          if (x.policy == j->policy && x.options.as_of == j->options.as_of &&
              x.options.mode == j->options.mode)
            found = w;
        }
        if (found == ways.size())
          ways.push_back({std::move(*j), std::vector<uint8_t>(pool.size(), 0)});
        it = way_of.emplace(key, found).first;
      }
      ways[it->second].firms[e] = 1;
    }
    for (Way& w : ways) {
      const Plan* chosen = &plan;
      if (w.judgement.policy != plan.policy || w.judgement.options.as_of != plan.options.as_of ||
          w.judgement.options.mode != plan.options.mode) {
        Result<std::unique_ptr<Plan>> made =
            compile_plan(*w.judgement.policy, registry, w.judgement.options);
        if (!made) continue;
        other_plans.push_back(std::move(*made));
        chosen = other_plans.back().get();
      }
      plans.push_back(chosen);
      keep.push_back(ways.size() == 1 ? std::vector<uint8_t>{} : std::move(w.firms));
    }
  }
  GapOptions options;
  options.registry = &registry;
  PoolGapAnalysis analysis(plans, pool, options);
  for (size_t p = 0; p < plans.size(); ++p) analysis.only(p, std::move(keep[p]));
  const FieldId name = find_field("name")->id;
  auto tier_name = [&](const Plan& p) { return policy_name(*p.policy, lang); };
  auto kind_label = [&](const char* kind) -> std::string {
    if (!zh) return kind;
    static const std::map<std::string, std::string> zh_kind = {
        {"unknown", "缺数据"}, {"not_met", "不符合"},    {"score", "加分组合"},
        {"time", "时间条件"},  {"together", "关联条款"}, {"manual", "需评审"}};
    return zh_kind.at(kind);
  };
  auto spec_of = [](const std::vector<FactOverride>& changes) {
    std::string spec;
    for (const FactOverride& change : changes)
      spec += (spec.empty() ? "" : " ") + override_spec(change);
    return spec;
  };
  // One firm's gap for one tier, appended to `out`: as CSV text (formatted on the worker threads,
  // so that the writer only copies bytes) or, for a workbook, as rows of cells.
  using Rows = std::vector<std::vector<std::string>>;
  struct Formatted {
    std::string csv;
    Rows rows;
  };
  const bool to_csv = xlsx_path.empty();
  auto format_gap = [&](const FirmGap& fg, Formatted& out) {
    const uint32_t e = fg.enterprise;
    const TierGap& g = fg.gap;
    const Plan& plan = *plans[fg.plan];
    const std::string tier = tier_name(plan), day = plan.options.as_of.to_string();
    const std::string_view firm[] = {
        pool.uscc(e), pool.text(name, e),
        tier,         zh ? mode_label(plan.options.mode).zh : plan.options.mode,
        day,          outcome_label(g.outcome).in(lang)};
    std::string firm_csv;  // the six leading fields, once per firm and tier
    if (to_csv) {
      for (std::string_view f : firm) append_csv_field(firm_csv, f), firm_csv += ',';
    }
    auto row = [&](std::initializer_list<std::string_view> tail) {
      if (to_csv) {
        out.csv += firm_csv;
        bool first = true;
        for (std::string_view f : tail) {
          if (!first) out.csv += ',';
          first = false;
          append_csv_field(out.csv, f);
        }
        out.csv += '\n';
        return;
      }
      std::vector<std::string>& r = out.rows.emplace_back(std::begin(firm), std::end(firm));
      for (std::string_view f : tail) r.emplace_back(f);
    };
    if (summary) {
      std::string blocking;
      size_t changes = 0;
      auto add = [&](const std::vector<CriterionGap>& v) {
        for (const CriterionGap& x : v)
          blocking += (blocking.empty() ? "" : zh ? "；" : ";") + (zh ? x.label.zh : x.id);
      };
      add(g.unknown), add(g.not_met), add(g.manual);
      for (const CriterionGap& x : g.not_met)
        changes += x.suggestions.size() + (x.score_plan ? 1 : 0);
      row({std::to_string(g.unknown.size()), std::to_string(g.not_met.size()),
           std::to_string(g.manual.size()), std::to_string(changes), blocking});
      return;
    }
    auto line = [&](const char* kind, const CriterionGap& x, const std::string& change,
                    const std::string& spec) {
      const std::string value = x.value + (x.unit.empty() || x.value.empty() ? "" : " " + x.unit);
      if (zh) {
        row({kind_label(kind), x.label.zh, value, x.threshold, change});
      } else {
        row({kind, x.id, x.label.en, value, x.threshold, change, spec});
      }
    };
    for (const CriterionGap& x : g.unknown) {
      std::string facts;
      for (const FieldRef& r : x.missing)
        facts += (facts.empty() ? "" : "; ") + field_ref_text(r, lang);
      line("unknown", x, facts, "");
    }
    for (const CriterionGap& x : g.not_met) {
      if (x.score_plan) {
        for (const ScoreUpgrade& u : x.score_plan->upgrades)
          line("score", x, (zh ? u.label.zh : u.indicator) + ": " + u.change.text().in(lang),
               spec_of(u.change.changes));
        continue;
      }
      if (x.met_from) {
        line("time", x,
             zh ? "数据不变，自 " + x.met_from->to_string() + " 起满足（时间条件）"
                : "met from " + x.met_from->to_string() +
                      " with the facts as they are (a time condition)",
             "");
        continue;
      }
      if (x.suggestions.empty()) line("not_met", x, x.note.in(lang), "");
      for (const GapSuggestion& sg : x.suggestions)
        line("not_met", x, sg.text().in(lang), spec_of(sg.changes));
    }
    if (g.together) {
      CriterionGap joint;
      for (const std::string& id : g.together_criteria)
        joint.id += (joint.id.empty() ? "" : "+") + id;
      joint.label = {"相互关联的条款一并满足（已验证）", "the linked criteria together (proven)"};
      line("together", joint, g.together->text().in(lang), spec_of(g.together->changes));
    }
    for (const CriterionGap& x : g.manual) line("manual", x, x.note.in(lang), "");
  };

  std::vector<std::string> headers;
  if (summary) {
    headers = zh ? std::vector<std::string>{"统一社会信用代码",   "企业名称",    "层级",
                                            "评价方式",           "评价日",      "结论",
                                            "缺数据项数",         "不符合项数",  "需评审项数",
                                            "已验证的修改建议数", "未满足的条款"}
                 : std::vector<std::string>{"uscc",   "name",           "policy",       "mode",
                                            "as_of",  "outcome",        "unknown",      "not_met",
                                            "manual", "proven_changes", "open_criteria"};
  } else {
    headers = zh ? std::vector<std::string>{"统一社会信用代码", "企业名称", "层级",    "评价方式",
                                            "评价日",           "结论",     "类别",    "条款名称",
                                            "当前值",           "要求",     "建议修改"}
                 : std::vector<std::string>{"uscc",     "name",   "policy",     "mode",  "as_of",
                                            "outcome",  "kind",   "criterion",  "label", "value",
                                            "required", "change", "change_spec"};
  }
  // CSV to stdout, or a workbook (--format xlsx --output FILE) whose sheet continues on
  // "差距(2)" … at Excel's row limit; counts are number cells.
  std::unique_ptr<XlsxWriter> book;
  if (!to_csv) {
    Result<std::unique_ptr<XlsxWriter>> w = XlsxWriter::create(xlsx_path);
    if (!w) return w.error();
    book = std::move(*w);
    std::vector<XlsxColumn> columns;
    for (const std::string& h : headers) columns.push_back({h, h == headers[1] ? 30.0 : 0.0});
    if (Status st = book->add_sheet(zh ? "差距" : "gaps", columns); !st.ok()) return st;
  }
  std::ostream& out = *csv;
  if (!book) out << kUtf8Bom << csv_record(headers, "\n");
  size_t written = 0;
  auto write = [&](const Formatted& part) -> Status {
    if (!book) {
      written += static_cast<size_t>(std::count(part.csv.begin(), part.csv.end(), '\n'));
      out.write(part.csv.data(), static_cast<std::streamsize>(part.csv.size()));
      return Status::ok_status();
    }
    for (const std::vector<std::string>& r : part.rows) {
      ++written;
      std::vector<XlsxValue> cells;
      for (size_t k = 0; k < r.size(); ++k) {
        const bool count = summary && k >= 6 && k <= 9;
        cells.push_back(count ? XlsxValue::number(r[k]) : XlsxValue::text(r[k]));
      }
      if (Status st = book->add_row(cells); !st.ok()) return st;
    }
    return Status::ok_status();
  };
  constexpr size_t kChunk = 8;  // batches analysed, then written, at a time
  const size_t batches = analysis.batches();
  for (size_t chunk = 0; chunk < batches; chunk += kChunk) {
    const size_t last = std::min(batches, chunk + kChunk);
    std::vector<Formatted> parts(last - chunk);
    analysis.run(chunk, last, o.threads, [&](size_t b, std::vector<FirmGap>&& gaps) {
      for (const FirmGap& fg : gaps) format_gap(fg, parts[b - chunk]);
    });
    for (const Formatted& part : parts) {
      if (Status st = write(part); !st.ok()) return st;
    }
    if (o.progress) o.progress(std::min<uint64_t>(pool.size(), last * kBatch), pool.size());
  }
  if (book) {
    if (Status st = book->close(); !st.ok()) return st;
  }
  out.flush();
  if (rows_written != nullptr) *rows_written = written;
  if (!out)
    return error(StatusCode::io_error, "差距分析结果写入失败", "writing the gap report failed");
  return Status::ok_status();
}

}  // namespace gradus
