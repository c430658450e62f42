// gradus assess and gradus explain: outcomes for the whole pool (text, JSON, CSV, summary; kept as
// a run with --save-run) and the full account for one firm.
#include <algorithm>
#include <array>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "cli/args.h"
#include "cli/commands.h"
#include "cli/common.h"
#include "cli/progress.h"
#include "analysis/run_outcomes.h"
#include "core/fields.h"
#include "core/industry.h"
#include "core/region.h"
#include "engine/evaluate.h"
#include "engine/format.h"
#include "engine/plan.h"
#include "engine/result.h"
#include "engine/row_facts.h"
#include "ingest/ingest.h"
#include "policy/registry.h"
#include "store/store.h"

namespace gradus {

namespace {

// The group of firm `e` for `assess --format summary --by`: the region (district code and name),
// the park, or the industry's GB/T 4754 section.
std::string group_of(const Pool& pool, uint32_t e, const std::string& by, Lang lang) {
  const bool zh = lang == Lang::zh;
  if (by == "park") {
    const std::string& park = pool.text(find_field("park")->id, e);
    return park.empty() ? (zh ? "（未填园区）" : "(no park)") : park;
  }
  const Column& c = pool.column(find_field(by == "region" ? "region" : "industry")->id);
  if (e >= c.present.size() || !c.present[e]) return zh ? "（未填）" : "(not given)";
  if (by == "region") {
    const RegionCode r = RegionCode::from_code(static_cast<int32_t>(c.values[e]));
    return r.str() + " " + r.name();
  }
  const IndustryCode ind = IndustryCode::from_class(static_cast<int32_t>(c.values[e]));
  return std::string(1, ind.section()) + " " + ind.section_name();
}

// The review plan of each tier plan (null when the tier has no version for reviews on the date,
// or when the command already assesses reviews).
std::vector<std::unique_ptr<Plan>> review_plans(const std::vector<const Plan*>& plans, Common& c) {
  std::vector<std::unique_ptr<Plan>> review(plans.size());
  for (size_t k = 0; k < plans.size(); ++k) {
    const Policy* p = holder_review_policy(*plans[k], *c.registry);
    if (p == nullptr) continue;
    AssessOptions o = plans[k]->options;
    o.mode = "review";
    Result<std::unique_ptr<Plan>> plan = compile_plan(*p, *c.registry, o);
    if (plan) review[k] = std::move(*plan);
  }
  return review;
}

}  // namespace

int cmd_assess(int argc, char** argv) {
  Args a = parse_args(argc, argv, 2,
                      {"input", "db", "known-at", "policy", "as-of", "mode", "format", "lang",
                       "threads", "policy-file", "actor", "region", "park", "industry", "by"},
                      {"help", "save-run", "ignore-unknown-columns"});
  if (a.has("help")) return std::cout << kUsage, kOk;
  if (!a.error.empty()) return usage_error(a.error);
  if (!a.positional.empty()) return usage_error("unexpected argument " + a.positional[0]);
  if (a.has("input") == a.has("db"))
    return usage_error("assess needs --input FILE or --db URL (one of them)");
  if (!a.has("db") && (a.has("known-at") || a.has("save-run"))) {
    return usage_error("--known-at and --save-run need --db");
  }
  if (a.has("save-run") && (a.has("region") || a.has("park") || a.has("industry"))) {
    return usage_error(
        "--save-run keeps the whole pool's outcomes: drop --region, --park and --industry");
  }
  Common c;
  if (!read_common(a, c)) return kFailed;
  std::string fmt = a.get("format", "text");
  if (fmt != "text" && fmt != "json" && fmt != "csv" && fmt != "summary")
    return usage_error("--format must be text, json, csv or summary");
  const std::string by = a.get("by");
  if (a.has("by") && (fmt != "summary" || (by != "region" && by != "park" && by != "industry"))) {
    return usage_error("--by region|park|industry goes with --format summary");
  }
  unsigned threads = static_cast<unsigned>(std::atoi(a.get("threads", "0").c_str()));
  std::vector<std::unique_ptr<Plan>> owned;
  if (!select_plans(a, c, owned)) return kFailed;
  std::vector<const Plan*> plans;
  for (auto& p : owned) plans.push_back(p.get());

  Pool pool;
  IngestReport report;
  std::unique_ptr<store::Store> db;
  int64_t known_batch = 0;
  if (a.has("db")) {
    db = open_store_or_report(a, c.lang);
    if (!db || !load_from_store(a, c.lang, *db, pool, known_batch)) return kFailed;
  } else if (!load_input(a.get("input"), c.lang, pool, report, ingest_options(a))) {
    return kFailed;
  }
  if (!apply_filter(a, c.lang, pool)) return kFailed;

  // Firms that hold a tier's title are not new applicants: in application mode they are assessed
  // by the tier's review version (复核) and counted apart. They are few, so they are evaluated on
  // their own first and their results looked up while the pool streams.
  const std::vector<std::unique_ptr<Plan>> review = review_plans(plans, c);
  std::vector<std::unordered_map<uint32_t, AssessmentResult>> held(plans.size());
  for (size_t k = 0; k < plans.size(); ++k) {
    if (!review[k]) continue;
    std::vector<uint32_t> holders;
    for (uint32_t e = 0; e < pool.size(); ++e)
      if (holds_title(pool, e, c.options.as_of, {plans[k]->policy->id})) holders.push_back(e);
    if (holders.empty()) continue;
    const Pool sub = pool.subset(holders);
    BatchState st(*review[k]);
    for (uint32_t begin = 0; begin < sub.size(); begin += kBatch) {
      const uint32_t n = std::min<uint32_t>(kBatch, sub.size() - begin);
      evaluate_batch(*review[k], sub, begin, n, st);
      for (uint32_t i = 0; i < n; ++i) {
        AssessmentResult r = extract_result(*review[k], sub, st, i);
        r.row = holders[begin + i];
        held[k].emplace(holders[begin + i], std::move(r));
      }
    }
  }

  // --save-run: the outcomes are written chunk by chunk as they are computed (one transaction),
  // read straight from the batch states (stored_outcome). A run records every firm under the mode
  // and versions it names — holders too: their review is shown, and `--mode review --save-run`
  // keeps a run of reviews.
  const bool save_run = a.has("save-run");
  constexpr size_t kChunk = 64;  // batches formatted in parallel, then written in order
  std::vector<std::vector<store::StoredOutcome>> run_outcomes(save_run ? kChunk : 0);
  for (auto& batch_outcomes : run_outcomes) batch_outcomes.reserve(kBatch * plans.size());
  std::unique_ptr<store::RunWriter> run_writer;
  std::unique_ptr<Progress> saving;
  if (save_run) {
    store::RunInfo info;
    info.actor = actor_name(a);
    info.as_of = c.options.as_of.to_string();
    info.mode = c.options.mode;
    info.known_batch = known_batch;
    for (const Plan* p : plans)
      info.policies += (info.policies.empty() ? "" : ",") + p->policy->key();
    for (const Plan* p : plans) add_run_criteria(*p, info);
    saving = std::make_unique<Progress>(c.lang == Lang::zh ? "保存评价结果" : "saving the run",
                                        c.lang == Lang::zh ? "条" : "outcomes", c.lang);
    Result<std::unique_ptr<store::RunWriter>> w =
        db->begin_run(pool, info, static_cast<uint64_t>(pool.size()) * plans.size(),
                      [&](uint64_t done, uint64_t total) { saving->update(done, total); });
    if (!w) return std::cerr << "gradus: " << w.error().message.in(c.lang) << "\n", kFailed;
    run_writer = std::move(*w);
  }

  const Lang lang = c.lang;
  const bool zh = lang == Lang::zh;
  const size_t batches = (pool.size() + kBatch - 1) / kBatch;
  // Summary counts: [group][plan][outcome], outcomes 0–3 for new applicants, 4–7 for holders.
  std::map<std::string, std::vector<std::array<size_t, 8>>> counts;
  std::mutex counts_mutex;
  bool first_json = true;
  if (fmt == "json") std::cout << "[";
  if (fmt == "csv") {
    std::string h(kUtf8Bom);
    append_csv_header(lang, h);
    std::cout << h;
  }
  for (size_t chunk = 0; chunk < batches; chunk += kChunk) {
    size_t last = std::min(batches, chunk + kChunk);
    std::vector<std::string> outs(last - chunk);
    evaluate_batches(plans, pool, chunk, last, threads, [&](size_t b, const BatchView& v) {
      std::string& out = outs[b - chunk];
      std::map<std::string, std::vector<std::array<size_t, 8>>> local;
      for (uint32_t i = 0; i < v.count; ++i) {
        const uint32_t e = v.begin + i;
        for (size_t k = 0; k < plans.size(); ++k) {
          auto holder = held[k].find(e);
          const bool is_holder = holder != held[k].end();
          std::optional<AssessmentResult> own;
          auto result = [&]() -> const AssessmentResult& {
            if (is_holder) return holder->second;
            if (!own) own = extract_result(*plans[k], pool, *v.states[k], i);
            return *own;
          };
          if (save_run)
            run_outcomes[b - chunk].push_back(stored_outcome(*plans[k], *v.states[k], i));
          if (fmt == "summary") {
            const Outcome o = is_holder ? holder->second.outcome : root_outcome(*v.states[k], i);
            auto& row = local[by.empty() ? std::string() : group_of(pool, e, by, lang)];
            row.resize(plans.size(), {});
            row[k][static_cast<size_t>(o) + (is_holder ? 4 : 0)]++;
            continue;
          }
          const AssessmentResult& r = result();
          if (fmt == "json") {
            out += "\n";
            append_json(r, lang, out);
            out += ",";
          } else if (fmt == "csv") {
            append_csv(r, lang, out);
          } else {
            if (k == 0) append_text_heading(r, lang, out);
            append_text_line(r, lang, out);
          }
        }
        if (fmt == "text") out += "\n";
      }
      if (fmt != "summary") return;
      std::lock_guard<std::mutex> lock(counts_mutex);
      for (auto& [group, rows] : local) {
        auto& total = counts[group];
        total.resize(plans.size(), {});
        for (size_t k = 0; k < plans.size(); ++k)
          for (size_t o = 0; o < 8; ++o) total[k][o] += rows[k][o];
      }
    });
    for (size_t b = chunk; b < last && run_writer; ++b) {
      for (const store::StoredOutcome& o : run_outcomes[b - chunk]) {
        if (Status st = run_writer->add(o); !st.ok()) {
          std::cerr << "gradus: " << st.message.in(lang) << "\n";
          return kFailed;
        }
      }
      run_outcomes[b - chunk].clear();
    }
    for (std::string& s : outs) {
      if (fmt == "json" && !s.empty()) {
        if (!first_json) std::cout << ",";
        s.pop_back();  // trailing comma of the batch
        first_json = false;
      }
      std::cout << s;
    }
  }
  if (fmt == "json") std::cout << "\n]\n";
  if (fmt == "summary") {
    const int o_met = static_cast<int>(Outcome::met), o_not = static_cast<int>(Outcome::not_met),
              o_unknown = static_cast<int>(Outcome::unknown),
              o_manual = static_cast<int>(Outcome::manual);
    auto line = [&](const std::string& label, const std::array<size_t, 8>& n, size_t off) {
      std::printf("%s %10zu %10zu %10zu %10zu\n", pad_display(label, 56).c_str(), n[off + o_met],
                  n[off + o_not], n[off + o_unknown], n[off + o_manual]);
    };
    for (const auto& [group, rows] : counts) {
      if (!by.empty()) std::printf("\n%s\n", group.c_str());
      std::printf("%s", pad_display(zh ? "政策" : "policy", 56).c_str());
      for (const char* h : {zh ? "符合" : "met", zh ? "不符合" : "not_met",
                            zh ? "待补数据" : "unknown", zh ? "待评审" : "manual"}) {
        std::printf(" %s", pad_display_left(h, 10).c_str());
      }
      std::printf("\n");
      size_t firms = 0;
      for (size_t k = 0; k < plans.size(); ++k) {
        const std::array<size_t, 8>& n = rows[k];
        const size_t holders = n[4] + n[5] + n[6] + n[7];
        if (k == 0) firms = n[0] + n[1] + n[2] + n[3] + holders;
        line(policy_name(*plans[k]->policy, lang) + (holders ? (zh ? " 申报" : " applying") : ""),
             n, 0);
        if (holders) {
          line("  " + std::string(zh ? "已持有者复核：" : "holders' review ") +
                   policy_name(*review[k]->policy, lang),
               n, 4);
        }
      }
      std::printf(zh ? "企业数 %zu\n" : "enterprises %zu\n", firms);
    }
    if (counts.empty()) std::printf(zh ? "企业数 0\n" : "enterprises 0\n");
  }
  std::cout.flush();
  if (save_run) {
    Result<int64_t> run = run_writer->commit();
    if (run) saving->finish(static_cast<uint64_t>(pool.size()) * plans.size());
    if (!run) {
      std::cerr << "gradus: " << run.error().message.in(lang) << "\n";
      return kFailed;
    }
    std::cerr << (lang == Lang::zh ? "评价结果已保存为第 " + std::to_string(*run) + " 次评价\n"
                                   : "outcomes saved as run " + std::to_string(*run) + "\n");
  }
  return report.ok() ? kOk : kPartial;
}

int cmd_explain(int argc, char** argv) {
  Args a = parse_args(
      argc, argv, 2,
      {"input", "db", "known-at", "uscc", "name", "policy", "as-of", "mode", "lang", "policy-file"},
      {"help", "ignore-unknown-columns"});
  if (a.has("help")) return std::cout << kUsage, kOk;
  if (!a.error.empty()) return usage_error(a.error);
  if (a.has("input") == a.has("db") || !has_firm_option(a)) {
    return usage_error("explain needs --uscc CODE or --name NAME, and --input FILE or --db URL");
  }
  Common c;
  if (!read_common(a, c)) return kFailed;
  std::vector<std::unique_ptr<Plan>> plans;
  if (!select_plans(a, c, plans)) return kFailed;
  Pool pool;
  if (!load_pool_for(a, c.lang, pool)) return kFailed;
  std::optional<uint32_t> row = find_firm(a, c.lang, pool);
  if (!row) return kFailed;
  std::vector<uint32_t> rows{*row};
  Pool one = pool.subset(rows);
  std::string out;
  for (size_t k = 0; k < plans.size(); ++k) {
    BatchState st(*plans[k]);
    evaluate_batch(*plans[k], one, 0, 1, st);
    AssessmentResult r = extract_result(*plans[k], one, st, 0);
    extract_inputs(*plans[k], one, r);
    if (k == 0) append_text_heading(r, c.lang, out);
    append_explanation(r, c.lang, out);
    out += "\n";
  }
  std::cout << out;
  return kOk;
}

}  // namespace gradus
