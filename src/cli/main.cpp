// The gradus command line: assess, explain, policy list|check|test. Argument parsing, loading of
// input and policies, and exit codes live here; the work is done by the engine and ingest modules.
//
// Exit codes: 0 everything succeeded; 1 some input rows or cases failed (results for the rest are
// still printed); 2 the command could not run (bad arguments, unreadable file, invalid policy).
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <optional>
#include <mutex>
#include <sstream>
#include <string>
#include <vector>

#include "cli/args.h"
#include "cli/commands.h"
#include "core/allocator.h"
#include "core/embedded.h"
#include "engine/cases.h"
#include "engine/evaluate.h"
#include "engine/format.h"
#include "engine/plan.h"
#include "engine/result.h"
#include "ingest/ingest.h"
#include "policy/calls.h"
#include "policy/loader.h"
#include "policy/registry.h"
#include "store/store.h"
#include "export/export.h"
#include "analysis/gap.h"
#include "analysis/path.h"
#include "analysis/pool_views.h"
#include "analysis/whatif.h"
#include "core/fields.h"
#include "engine/row_facts.h"

namespace gradus {
namespace {


const char* kUsage = R"(gradus — tiered cultivation of SMEs: rules, explanations, the pool
gradus — 优质中小企业梯度培育：规则、解释、企业库

usage / 用法:
  gradus assess  (--input FILE | --db URL [--known-at TIME] [--save-run])
                 [--policy ID[@VERSION]]... [--as-of YYYY-MM-DD]
                 [--mode application|review] [--format text|json|csv|summary] [--lang zh|en]
                 [--threads N] [--policy-file FILE]...
      Assess every enterprise in FILE (CSV, XLSX or JSON) or in the store against the policies
      (default: every shipped policy, in the version in force on the as-of date for the mode).
      --known-at uses the facts as the store knew them then (YYYY-MM-DD or an ISO UTC time);
      --save-run keeps the outcomes as a dated run (gradus runs list|diff).
      评价文件或企业库中的每家企业；--known-at 按当时已知的数据评价；--save-run 保存本次评价结果。
  gradus explain (--input FILE | --db URL [--known-at TIME]) --uscc CODE [--policy ID[@VERSION]]...
                 [--as-of …] [--mode …] [--lang …]
      The full account for one enterprise, criterion by criterion, with citations and inputs.
      单个企业的逐条解释（含依据与所用数据）。
  gradus whatif (--input FILE | --db URL) --uscc CODE --set FIELD[@YEAR]=VALUE... [--policy …]
                [--as-of …] [--mode …] [--lang …]
      Re-assess one enterprise with changed facts and show which outcomes and criteria change.
      假如修改某些数据，重新评价单个企业并列出哪些结果和条款发生变化。
  gradus gap (--input FILE | --db URL) --uscc CODE [--policy …] [--calls FILE…] [--as-of …] [--mode …] [--lang …]
      For each tier not met: the facts to enter, the unmet criteria with the smallest proven change
      of one fact each, and what a reviewer must judge. 差距分析：缺哪些数据、差多少、哪些需评审。
  gradus gap (--input FILE | --db URL) --all [--policy …] [--calls FILE…] [--as-of …] [--lang …] [--threads N]
      The same for every firm of the pool as CSV, one line per proven change (全池差距分析，CSV).
  gradus path (--input FILE | --db URL) --uscc CODE [--calls FILE…] [--no-calls] [--as-of …] [--lang …]
      The way up the ladder: innovative/tech SME → SRDI SME → little giant, each step held, now,
      from a date (time conditions) or after changes, with what must be true, each placed in the
      first application call it can make (calendar/calls.yaml; a zone's own dates with --calls).
      晋级路径，按申报批次排期。
  gradus potential --policy ID (--input FILE | --db URL) [--region PREFIX] [--industry PREFIX]
                [--top N] [--format text|csv|json|xlsx --output FILE] [--include-holders] [--as-of …]
      The firms closest to a tier (not holding it yet), ranked by blocking criteria and shortfall.
      按差距排序，列出最接近某一层级的企业。
  gradus policy diff ID@VERSION ID@VERSION (--input FILE | --db URL) [--format text|csv] [--as-of …]
      The firms whose outcome changes between two versions of a policy, and the criteria why.
      新旧版本政策下结果发生变化的企业及原因。
  gradus policy list [--as-of YYYY-MM-DD] [--lang zh|en]
      Every policy version, its windows, and which is in force on the date.
  gradus policy check FILE...
      Type-check policy or overlay files; errors as file:line:col: message.
  gradus policy test [FILE...]
      Run cases files (default: every shipped *.cases.yaml). A policy file beside a cases file
      (policies/<id>/<version>.yaml) and its overlays are loaded from disk, so edits are tested.

  gradus init [--db URL]
      Create the store or bring its schema up to date. 创建企业库或升级其结构。
  gradus import FILE... [--db URL] [--dry-run] [--report FILE.txt|.csv|.xlsx] [--actor NAME]
      Import CSV / XLSX / JSON files into the store, all or nothing per file; re-importing the
      same file changes nothing; a corrected file changes only what differs.
      导入数据文件（每个文件要么全部导入，要么完全不导入），可输出错误报告。
  gradus history --uscc CODE [--db URL]
      Every fact of one enterprise through time: who changed what, when, from which file.
      单个企业数据的全部变更记录。
  gradus audit verify [--expect-head HASH] | audit log [--limit N]   [--db URL]
      Check the hash-chained audit log and every import batch's data; list the log.
      校验审计日志（哈希链）及各批次数据是否被篡改。
  gradus runs list | runs diff RUN RUN   [--db URL]
      Stored assessment runs; the enterprises whose outcome changed between two runs.
      已保存的评价批次；两次评价之间结果有变化的企业。
  gradus import-titles FILE [--db URL] [--dry-run] [--report FILE.csv]
      Load a published title list (name, tier, batch, year, province, optional USCC; CSV or XLSX),
      match it to the pool by USCC or name, report the unmatched and the ambiguous.
      导入公布的称号名单，按代码或名称匹配企业库，列出未匹配和有歧义的。
  gradus export --format xlsx|csv --output PATH [--with-assessment POLICY]... [--as-of DATE]
                [--known-at TIME] [--lang zh|en] [--db URL]
      The pool (one sheet or file per table, Chinese headers by default), optionally with outcomes.
      导出企业库（可附评价结果）。
  gradus template [--output FILE.xlsx] [--lang zh|en]
      The empty Excel import template with units and a notes sheet. 生成空白导入模板。
  gradus demo [--enterprises N] [--seed S] [--db URL]
      Fill the store with a synthetic demo pool (default 913 firms). 生成演示企业库。

The store is --db URL, else $GRADUS_DB, else sqlite:gradus.db (URL: sqlite:PATH or
postgresql://USER@HOST:PORT/DBNAME). The actor is --actor, else $GRADUS_ACTOR, else $USER.
The as-of date defaults to today (UTC+8); the mode to application; the language to zh.
Exit codes: 0 ok; 1 some rows, firms or cases failed; 2 the command could not run.
)";

struct Common {
  Lang lang = Lang::zh;
  AssessOptions options;
  std::unique_ptr<PolicyRegistry> registry;
};

// Options shared by assess and explain.
bool read_common(const Args& a, Common& c) {
  if (a.has("lang") && !parse_lang(a.get("lang"), &c.lang)) return usage_error("--lang must be zh or en"), false;
  c.options.as_of = Date::today();
  if (a.has("as-of")) {
    Result<Date> d = Date::parse(a.get("as-of"));
    if (!d) return usage_error("--as-of: " + d.error().message.en), false;
    c.options.as_of = *d;
  }
  c.options.mode = a.get("mode", "application");
  if (c.options.mode != "application" && c.options.mode != "review")
    return usage_error("--mode must be application or review"), false;
  std::string errors;
  c.registry = std::make_unique<PolicyRegistry>(PolicyRegistry::shipped(&errors));
  if (!errors.empty()) std::cerr << errors;
  for (const std::string& f : a.all("policy-file")) {
    Status s = c.registry->add_file(f);
    if (!s.ok()) {
      std::cerr << s.message.in(c.lang) << "\n";
      return false;
    }
  }
  return true;
}

// The policies to assess: those named, or every known id (skipping ids with no version in force).
bool select_plans(const Args& a, Common& c, std::vector<std::unique_ptr<Plan>>& plans) {
  std::vector<std::string> specs = a.all("policy");
  bool all = specs.empty();
  if (all) specs = c.registry->ids();
  for (const std::string& spec : specs) {
    Result<const Policy*> p = c.registry->select(spec, c.options.as_of, c.options.mode);
    if (!p) {
      if (all) {
        std::cerr << (c.lang == Lang::zh ? "提示：" : "note: ") << p.error().message.in(c.lang) << "\n";
        continue;
      }
      std::cerr << "gradus: " << p.error().message.in(c.lang) << "\n";
      return false;
    }
    Result<std::unique_ptr<Plan>> plan = compile_plan(**p, *c.registry, c.options);
    if (!plan) {
      std::cerr << "gradus: " << plan.error().message.in(c.lang) << "\n";
      return false;
    }
    plans.push_back(std::move(*plan));
  }
  return true;
}

// Loads the input; prints every row error to stderr. Returns false when the file is unusable.
bool load_input(const std::string& path, Lang lang, Pool& pool, IngestReport& report) {
  Result<Pool> p = load_pool_file(path, report);
  for (const InputError& e : report.errors) std::cerr << format_input_error(e, lang) << "\n";
  for (const InputError& e : report.warnings)
    std::cerr << (lang == Lang::zh ? "警告：" : "warning: ") << format_input_error(e, lang) << "\n";
  if (!p) {
    std::cerr << "gradus: " << p.error().message.in(lang) << "\n";
    return false;
  }
  if (!report.errors.empty()) {
    std::cerr << (lang == Lang::zh ? "有 " + std::to_string(report.enterprises_rejected) + " 家企业因数据错误未参与评价\n"
                                   : std::to_string(report.enterprises_rejected) + " enterprise(s) rejected because of input errors\n");
  }
  pool = std::move(*p);
  return true;
}

// Loads the stored pool (as known at --known-at when given); `known_batch` receives the batch the
// facts are as of. Prints errors; false when nothing could be loaded.
bool load_from_store(const Args& a, Lang lang, store::Store& db, Pool& pool, int64_t& known_batch) {
  store::LoadOptions lo;
  if (a.has("known-at")) {
    Result<std::optional<int64_t>> b = db.batch_at(a.get("known-at"));
    if (!b) return std::cerr << "gradus: --known-at: " << b.error().message.in(lang) << "\n", false;
    if (!*b) {
      std::cerr << (lang == Lang::zh ? "gradus: " + a.get("known-at") + " 时企业库中还没有数据\n"
                                     : "gradus: the store held no data at " + a.get("known-at") + "\n");
      return false;
    }
    lo.known_batch = **b;
  }
  Result<Pool> p = db.load_pool(lo);
  if (!p) return std::cerr << "gradus: " << p.error().message.in(lang) << "\n", false;
  pool = std::move(*p);
  if (lo.known_batch) {
    known_batch = *lo.known_batch;
  } else {
    Result<std::vector<store::BatchInfo>> all = db.batches();
    known_batch = all && !all->empty() ? all->back().id : 0;
  }
  return true;
}

// The pool named by --input or --db (with --known-at); prints errors.
bool load_pool_for(const Args& a, Lang lang, Pool& pool) {
  IngestReport report;
  if (a.has("db")) {
    auto db = open_store_or_report(a, lang);
    int64_t known_batch = 0;
    return db && load_from_store(a, lang, *db, pool, known_batch);
  }
  return load_input(a.get("input"), lang, pool, report);
}

// The pool row of --uscc (width-normalised, upper-cased); prints why when it is not there.
std::optional<uint32_t> find_firm(const Args& a, Lang lang, const Pool& pool, std::string* code_out = nullptr) {
  std::string code = normalize_width(trim(a.get("uscc")));
  std::transform(code.begin(), code.end(), code.begin(), [](unsigned char ch) { return std::toupper(ch); });
  if (code_out != nullptr) *code_out = code;
  std::optional<uint32_t> row = pool.find(code);
  if (!row) {
    std::cerr << (lang == Lang::zh ? "gradus: 输入中没有统一社会信用代码为 " + code + " 的企业（或其数据有错误）\n"
                                   : "gradus: no enterprise with USCC " + code + " in the input (or its data had errors)\n");
  }
  return row;
}

int cmd_assess(int argc, char** argv) {
  Args a = parse_args(argc, argv, 2,
                      {"input", "db", "known-at", "policy", "as-of", "mode", "format", "lang", "threads",
                       "policy-file", "actor"},
                      {"help", "save-run"});
  if (a.has("help")) return std::cout << kUsage, kOk;
  if (!a.error.empty()) return usage_error(a.error);
  if (!a.positional.empty()) return usage_error("unexpected argument " + a.positional[0]);
  if (a.has("input") == a.has("db")) return usage_error("assess needs --input FILE or --db URL (one of them)");
  if (!a.has("db") && (a.has("known-at") || a.has("save-run"))) {
    return usage_error("--known-at and --save-run need --db");
  }
  Common c;
  if (!read_common(a, c)) return kFailed;
  std::string fmt = a.get("format", "text");
  if (fmt != "text" && fmt != "json" && fmt != "csv" && fmt != "summary")
    return usage_error("--format must be text, json, csv or summary");
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
  } else if (!load_input(a.get("input"), c.lang, pool, report)) {
    return kFailed;
  }
  const bool save_run = a.has("save-run");
  std::vector<std::vector<store::StoredOutcome>> run_outcomes(save_run ? (pool.size() + kBatch - 1) / kBatch : 0);

  const Lang lang = c.lang;
  const size_t batches = (pool.size() + kBatch - 1) / kBatch;
  constexpr size_t kChunk = 64;  // batches formatted in parallel, then written in order
  std::vector<std::vector<size_t>> counts(plans.size(), std::vector<size_t>(4, 0));
  std::mutex counts_mutex;
  bool first_json = true;
  if (fmt == "json") std::cout << "[";
  if (fmt == "csv") {
    std::string h;
    append_csv_header(lang, h);
    std::cout << h;
  }
  for (size_t chunk = 0; chunk < batches; chunk += kChunk) {
    size_t last = std::min(batches, chunk + kChunk);
    std::vector<std::string> outs(last - chunk);
    evaluate_batches(plans, pool, chunk, last, threads, [&](size_t b, const BatchView& v) {
      std::string& out = outs[b - chunk];
      std::vector<std::vector<size_t>> local(plans.size(), std::vector<size_t>(4, 0));
      for (uint32_t i = 0; i < v.count; ++i) {
        for (size_t k = 0; k < plans.size(); ++k) {
          if (save_run) {
            AssessmentResult r = extract_result(*plans[k], pool, *v.states[k], i);
            run_outcomes[b].push_back({static_cast<uint32_t>(b * kBatch + i), plans[k]->policy->id,
                                       plans[k]->policy->version, outcome_id(r.outcome),
                                       r.scored ? format_number(r.score_lo) : std::string(),
                                       r.result.value_or("")});
          }
          if (fmt == "summary") {
            local[k][static_cast<int>(root_outcome(*v.states[k], i))]++;
            continue;
          }
          AssessmentResult r = extract_result(*plans[k], pool, *v.states[k], i);
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
      std::lock_guard<std::mutex> lock(counts_mutex);
      for (size_t k = 0; k < plans.size(); ++k)
        for (int o = 0; o < 4; ++o) counts[k][o] += local[k][o];
    });
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
    const bool zh = lang == Lang::zh;
    std::printf(zh ? "%-28s %10s %10s %10s %10s\n" : "%-28s %10s %10s %10s %10s\n", zh ? "政策" : "policy",
                zh ? "符合" : "met", zh ? "不符合" : "not_met", zh ? "待补数据" : "unknown", zh ? "待评审" : "manual");
    for (size_t k = 0; k < plans.size(); ++k)
      std::printf("%-28s %10zu %10zu %10zu %10zu\n", plans[k]->policy->key().c_str(),
                  counts[k][static_cast<int>(Outcome::met)], counts[k][static_cast<int>(Outcome::not_met)],
                  counts[k][static_cast<int>(Outcome::unknown)], counts[k][static_cast<int>(Outcome::manual)]);
    std::printf(zh ? "企业数 %u\n" : "enterprises %u\n", pool.size());
  }
  std::cout.flush();
  if (save_run) {
    std::vector<store::StoredOutcome> all;
    for (auto& part : run_outcomes) all.insert(all.end(), part.begin(), part.end());
    store::RunInfo info;
    info.actor = actor_name(a);
    info.as_of = c.options.as_of.to_string();
    info.mode = c.options.mode;
    info.known_batch = known_batch;
    for (const Plan* p : plans) info.policies += (info.policies.empty() ? "" : ",") + p->policy->key();
    Result<int64_t> run = db->save_run(pool, info, all);
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
  Args a = parse_args(argc, argv, 2, {"input", "db", "known-at", "uscc", "policy", "as-of", "mode", "lang", "policy-file"},
                      {"help"});
  if (a.has("help")) return std::cout << kUsage, kOk;
  if (!a.error.empty()) return usage_error(a.error);
  if (a.has("input") == a.has("db") || !a.has("uscc")) {
    return usage_error("explain needs --uscc CODE and --input FILE or --db URL");
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

std::string read_file(const std::string& path, bool* ok) {
  std::ifstream in(path, std::ios::binary);
  *ok = static_cast<bool>(in);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

int cmd_policy(int argc, char** argv) {
  if (argc < 3) return usage_error("policy needs list, check, test or diff");
  std::string sub = argv[2];
  if (sub == "diff") return cmd_policy_diff(argc, argv);
  Args a = parse_args(argc, argv, 3, {"as-of", "lang", "mode"}, {"help"});
  if (a.has("help")) return std::cout << kUsage, kOk;
  if (!a.error.empty()) return usage_error(a.error);
  Lang lang = Lang::zh;
  if (a.has("lang") && !parse_lang(a.get("lang"), &lang)) return usage_error("--lang must be zh or en");
  const bool zh = lang == Lang::zh;

  if (sub == "check") {
    if (a.positional.empty()) return usage_error("policy check needs FILE...");
    std::string shipped_errors;
    std::optional<PolicyRegistry> reg(PolicyRegistry::shipped(&shipped_errors));
    if (!shipped_errors.empty()) std::cerr << shipped_errors;
    int bad = 0;
    for (const std::string& f : a.positional) {
      Status s = reg->add_file(f);
      if (s.ok()) {
        std::cout << f << ": ok\n";
      } else {
        ++bad;
        std::cerr << s.message.en;
        if (!s.message.en.empty() && s.message.en.back() != '\n') std::cerr << "\n";
      }
    }
    return bad ? kPartial : kOk;
  }

  if (sub == "list") {
    std::string shipped_errors;
    std::optional<PolicyRegistry> reg(PolicyRegistry::shipped(&shipped_errors));
    if (!shipped_errors.empty()) std::cerr << shipped_errors;
    Date as_of = Date::today();
    if (a.has("as-of")) {
      Result<Date> d = Date::parse(a.get("as-of"));
      if (!d) return usage_error("--as-of: " + d.error().message.en);
      as_of = *d;
    }
    std::cout << (zh ? "评价日期 " : "as of ") << as_of.to_string() << (zh ? "（✔ = 该日适用）\n" : " (✔ = in force on that date)\n");
    for (const Policy* p : reg->all()) {
      auto window = [&](const char* mode) {
        auto it = p->modes.find(mode);
        if (it == p->modes.end()) return std::string("—");
        const ModeWindow& w = it->second;
        std::string s = w.from.to_string() + " → " + (w.to ? w.to->to_string() : "");
        Result<const Policy*> sel = reg->select(p->id, as_of, mode);
        return s + (sel && *sel == p ? " ✔" : "");
      };
      std::cout << p->key() << "  " << p->title.in(lang) << "\n    " << p->document << "\n    "
                << (zh ? "申报 " : "application ") << window("application") << "   " << (zh ? "复核 " : "review ")
                << window("review") << "\n";
      for (const auto& [ind, ovs] : p->overlays)
        for (const IndicatorOverlay& ov : ovs)
          std::cout << "    " << (zh ? "地方叠加 " : "overlay ") << ov.place << " (" << ov.jurisdiction << "): " << ind
                    << "  " << ov.document << "\n";
    }
    return kOk;
  }

  if (sub == "test") {
    std::string shipped_errors;
    std::optional<PolicyRegistry> reg(PolicyRegistry::shipped(&shipped_errors));
    if (!shipped_errors.empty()) std::cerr << shipped_errors;
    std::vector<std::pair<std::string, std::string>> files;  // (name, text)
    if (a.positional.empty()) {
      for (const EmbeddedFile& f : embedded_files()) {
        std::string_view path = f.path;
        if (path.size() > 11 && path.substr(path.size() - 11) == ".cases.yaml")
          files.emplace_back(std::string(path), std::string(f.contents));
      }
    } else {
      for (const std::string& f : a.positional) {
        bool ok = false;
        std::string text = read_file(f, &ok);
        if (!ok) return usage_error("cannot read " + f);
        // Load the policy beside the cases file, and its overlays, from disk.
        namespace fs = std::filesystem;
        fs::path cases(f);
        std::string stem = cases.filename().string();
        stem = stem.substr(0, stem.size() - std::string(".cases.yaml").size());
        fs::path policy = cases.parent_path() / (stem + ".yaml");
        if (fs::exists(policy)) {
          Status s = reg->add_file(policy.string());
          if (!s.ok()) return std::cerr << s.message.en, kFailed;
          fs::path overlays = cases.parent_path() / "overlays";
          if (fs::is_directory(overlays)) {
            std::vector<fs::path> ovs;
            for (const auto& e : fs::directory_iterator(overlays))
              if (e.path().extension() == ".yaml") ovs.push_back(e.path());
            std::sort(ovs.begin(), ovs.end());
            for (const fs::path& o : ovs) {
              // An overlay for another version of the policy is attached when that version loads.
              Status s2 = reg->add_file(o.string());
              if (!s2.ok() && s2.code != StatusCode::not_found) return std::cerr << s2.message.en, kFailed;
            }
          }
        }
        files.emplace_back(f, std::move(text));
      }
    }
    int failed = 0, passed = 0;
    if (a.positional.empty() && !shipped_errors.empty()) ++failed;  // a shipped policy does not load
    for (const auto& [name, text] : files) {
      Result<CasesReport> r = run_cases_text(text, name, *reg);
      if (!r) {
        std::cerr << r.error().message.en << "\n";
        ++failed;
        continue;
      }
      passed += r->passed;
      failed += r->failed;
      std::cout << (r->failed ? "FAIL " : "ok   ") << name << "  (" << r->policy << ": " << r->passed << " passed, "
                << r->failed << " failed)\n";
      for (const std::string& f : r->failures) std::cout << "  " << f << "\n";
    }
    std::cout << passed << " passed, " << failed << " failed\n";
    return failed ? kPartial : kOk;
  }
  return usage_error("unknown policy command '" + sub + "' (list, check, test)");
}

}  // namespace

// gradus export: the stored pool (as known at --known-at) as XLSX or CSV, with outcome columns
// for the policies named by --with-assessment.
int cmd_export(int argc, char** argv) {
  Args a = parse_args(argc, argv, 2,
                      {"db", "format", "output", "with-assessment", "as-of", "mode", "known-at", "lang",
                       "policy-file"},
                      {});
  if (!a.error.empty()) return usage_error(a.error);
  const std::string fmt = a.get("format", "xlsx");
  if (fmt != "xlsx" && fmt != "csv") return usage_error("--format must be xlsx or csv");
  const std::string out = a.get("output", fmt == "xlsx" ? "gradus-export.xlsx" : "gradus-export");
  Common c;
  if (!read_common(a, c)) return kFailed;
  std::vector<std::unique_ptr<Plan>> owned;
  Args policies = a;
  policies.options.erase("policy");
  if (a.has("with-assessment")) policies.options["policy"] = a.all("with-assessment");
  if (a.has("with-assessment") && !select_plans(policies, c, owned)) return kFailed;
  auto db = open_store_or_report(a, c.lang);
  if (!db) return kFailed;
  Pool pool;
  int64_t known_batch = 0;
  if (!load_from_store(a, c.lang, *db, pool, known_batch)) return kFailed;
  ExportOptions options;
  options.lang = c.lang;
  // Titles' tiers by name in the user's language: the policy's title without the standard's
  // words and year ("专精特新中小企业认定标准（2026）" → "专精特新中小企业"); policies carry no
  // separate tier name.
  for (const Policy* p : c.registry->all()) {
    if (p->kind != Policy::Kind::tier) continue;
    std::string name = p->title.in(c.lang);
    for (const char* year_open : {"（", " ("}) {
      const size_t at = name.rfind(year_open);
      if (at != std::string::npos && at > 0) name.erase(at);
    }
    for (const char* suffix : {"认定标准", "评价标准", "认定条件", "认定办法", "评价办法", " recognition standard",
                               " evaluation standard", " recognition conditions", " evaluation measures"}) {
      if (name.ends_with(suffix) && name.size() > std::strlen(suffix)) name.erase(name.size() - std::strlen(suffix));
    }
    options.tier_labels[p->id] = name;
  }
  if (!owned.empty()) {
    const bool zh = c.lang == Lang::zh;
    for (const auto& p : owned) {
      const std::string name = p->policy->title.in(c.lang) + (zh ? "（" : " (") + p->policy->key() + (zh ? "）" : ")");
      options.extra.headers.push_back(name + (zh ? " 结果" : " outcome"));
      options.extra.headers.push_back(name + (zh ? " 得分" : " score"));
    }
    options.extra.headers.push_back(zh ? "评价日" : "as of");
    options.extra.cells.assign(pool.size(), {});
    std::vector<const Plan*> plans;
    for (auto& p : owned) plans.push_back(p.get());
    evaluate_pool(plans, pool, 0, [&](size_t, const BatchView& v) {
      for (uint32_t i = 0; i < v.count; ++i) {
        std::vector<std::string>& row = options.extra.cells[v.begin + i];
        for (size_t k = 0; k < plans.size(); ++k) {
          AssessmentResult r = extract_result(*plans[k], pool, *v.states[k], i);
          row.push_back(outcome_label(r.outcome).in(c.lang));
          row.push_back(r.scored ? format_number(r.score_lo) : std::string());
        }
        row.push_back(c.options.as_of.to_string());
      }
    });
  }
  Status s = fmt == "xlsx" ? export_pool_xlsx(pool, out, options) : export_pool_csv(pool, out, options);
  if (!s.ok()) return std::cerr << "gradus: " << s.message.in(c.lang) << "\n", kFailed;
  std::cerr << (c.lang == Lang::zh ? "已导出 " + std::to_string(pool.size()) + " 家企业到 " + out + "\n"
                                   : "exported " + std::to_string(pool.size()) + " enterprises to " + out + "\n");
  return kOk;
}

// gradus whatif: one enterprise re-assessed with changed facts; what changes.
int cmd_whatif(int argc, char** argv) {
  Args a = parse_args(argc, argv, 2,
                      {"input", "db", "known-at", "uscc", "set", "policy", "as-of", "mode", "lang", "policy-file"},
                      {});
  if (!a.error.empty()) return usage_error(a.error);
  if (a.has("input") == a.has("db") || !a.has("uscc") || !a.has("set")) {
    return usage_error("whatif needs --uscc CODE, --set FIELD[@YEAR]=VALUE… and --input FILE or --db URL");
  }
  Common c;
  if (!read_common(a, c)) return kFailed;
  std::vector<FactOverride> overrides;
  for (const std::string& spec : a.all("set")) {
    Result<FactOverride> o = parse_override(spec);
    if (!o) return usage_error(o.error().message.in(c.lang));
    overrides.push_back(std::move(*o));
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
  Result<std::vector<WhatIfResult>> results = what_if(plans, pool, *row, overrides);
  if (!results) return std::cerr << "gradus: " << results.error().message.in(c.lang) << "\n", kFailed;
  std::string changes;
  for (const FactOverride& o : overrides) changes += (changes.empty() ? "" : ", ") + o.written;
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
      if (w.after.score_lo != w.before.score_lo) std::cout << " → " << format_number(w.after.score_lo);
    }
    std::cout << "\n";
    for (const CriterionChange& ch : w.changes) {
      std::cout << "  [" << ch.id << "] " << ch.label.in(c.lang) << ": " << outcome_label(ch.before).in(c.lang);
      if (ch.before != ch.after) std::cout << " → " << outcome_label(ch.after).in(c.lang);
      if (!ch.value_before.empty() || !ch.value_after.empty()) {
        std::cout << (zh ? "（值 " : " (value ") << (ch.value_before.empty() ? none : ch.value_before) << " → "
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
    std::cout << (zh ? "  尚缺数据，无法判断（请先补充）：\n" : "  we cannot tell until you enter:\n");
    for (const CriterionGap& x : g.unknown) {
      std::string facts;
      for (const FieldRef& r : x.missing) facts += (facts.empty() ? "" : ", ") + field_ref_text(r, lang);
      std::cout << "    [" << x.id << "] " << x.label.in(lang) << (facts.empty() ? "" : ": " + facts) << "\n";
    }
  }
  if (!g.not_met.empty()) {
    std::cout << (zh ? "  不符合：\n" : "  not met:\n");
    for (const CriterionGap& x : g.not_met) {
      std::cout << "    [" << x.id << "] " << x.label.in(lang);
      if (!x.value.empty()) {
        std::cout << (zh ? "（值 " : " (value ") << x.value << (x.unit.empty() ? "" : " " + x.unit)
                  << (zh ? "，要求 " : ", required ") << x.threshold << (zh ? "）" : ")");
      }
      std::cout << "\n";
      if (!x.suggestions.empty()) std::cout << "      → " << alternatives_text(x.suggestions).in(lang) << "\n";
      if (x.met_from) {
        std::cout << (zh ? "      → 数据不变，自 " : "      → met from ") << x.met_from->to_string()
                  << (zh ? " 起满足（时间条件）\n" : " with the facts as they are (a time condition)\n");
        continue;
      }
      if (x.score_plan) {
        const ScorePlan& sp = *x.score_plan;
        std::cout << (zh ? "      → 最省力的加分组合（得分 " : "      → the cheapest upgrades (score ")
                  << format_number(sp.score_before) << " → " << format_number(sp.score_after)
                  << (zh ? "，已验证）：\n" : ", proven):\n");
        for (const ScoreUpgrade& u : sp.upgrades) {
          std::cout << "        [" << u.indicator << "] " << u.label.in(lang) << (zh ? "：" : ": ")
                    << format_number(u.points_before) << " → " << format_number(u.points_after)
                    << (zh ? " 分（" : " points (") << u.band << (zh ? "）：" : "): ") << u.change.text().in(lang)
                    << "\n";
        }
        continue;
      }
      if (!x.note.empty()) {
        std::cout << "      → " << x.note.in(lang) << "\n";
      } else if (x.suggestions.empty()) {
        std::cout << (zh ? "      （无法自动给出单项数据的修改建议）\n" : "      (no single-fact change can be suggested automatically)\n");
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
    for (size_t at = 0; (at = lines.find(sep, at)) != std::string::npos;) lines.replace(at, sep.size(), "\n      → ");
    std::cout << "      → " << lines << "\n";
  }
  if (!g.manual.empty()) {
    std::cout << (zh ? "  需评审判断：\n" : "  needs a reviewer:\n");
    for (const CriterionGap& x : g.manual) {
      std::cout << "    [" << x.id << "] " << x.label.in(lang);
      if (!x.note.empty()) std::cout << (zh ? "：" : ": ") << x.note.in(lang);
      std::cout << "\n";
    }
  }
}

// The shipped application calendar plus the zone's --calls files; false (reported) when one does
// not load.
bool load_calendar(const Args& a, Lang lang, CallCalendar& calls) {
  std::string errors;
  calls = CallCalendar::shipped(&errors);
  if (!errors.empty()) {
    std::cerr << errors;
    return false;
  }
  for (const std::string& f : a.all("calls")) {
    Status s = calls.add_file(f);
    if (!s.ok()) {
      std::cerr << s.message.in(lang) << "\n";
      return false;
    }
  }
  return true;
}

// gradus gap --all: every firm, every tier, as CSV (one line per proven change; a criterion
// without one still gets a line), firms in pool order, tiers in the order chosen.
int gap_whole_pool(const Args& a, const Common& c, const std::vector<std::unique_ptr<Plan>>& owned, const Pool& pool,
                   const CallCalendar& calls) {
  // Each firm is judged by the version in force when it can apply (its next call: the calendar
  // is per province), unless a version is forced: a tier whose firms fall under two versions is
  // analysed under both, each firm kept under its own.
  const std::vector<std::string> specs = a.all("policy");
  const bool forced = std::any_of(specs.begin(), specs.end(), [](const std::string& s) { return s.find('@') != std::string::npos; });
  std::vector<std::unique_ptr<Plan>> other_versions;
  std::vector<const Plan*> plans;
  std::vector<std::vector<uint8_t>> keep;  // per plan: the firms judged by it (empty: all)
  std::vector<size_t> tier_of;             // per plan: its tier's place in the order chosen
  for (size_t t = 0; t < owned.size(); ++t) {
    const Plan& plan = *owned[t];
    if (forced || plan.policy->kind != Policy::Kind::tier) {
      plans.push_back(&plan), keep.emplace_back(), tier_of.push_back(t);
      continue;
    }
    std::map<const Policy*, std::vector<uint8_t>> by_version;
    std::map<int32_t, const Policy*> by_region;
    for (uint32_t e = 0; e < pool.size(); ++e) {
      const int32_t region = region_of(pool, e) / 10000 * 10000;  // calls are national or per province
      auto [it, added] = by_region.try_emplace(region, plan.policy);
      if (added) {
        Result<ApplicationVersion> v = version_when_applying(*c.registry, &calls, plan.policy->id, region, c.options);
        if (v) it->second = v->policy;
      }
      std::vector<uint8_t>& mask = by_version[it->second];
      mask.resize(pool.size(), 0);
      mask[e] = 1;
    }
    for (auto& [policy, mask] : by_version) {
      const Plan* chosen = &plan;
      if (policy != plan.policy) {
        Result<std::unique_ptr<Plan>> made = compile_plan(*policy, *c.registry, c.options);
        if (!made) continue;
        other_versions.push_back(std::move(*made));
        chosen = other_versions.back().get();
      }
      plans.push_back(chosen), keep.push_back(by_version.size() == 1 ? std::vector<uint8_t>{} : std::move(mask));
      tier_of.push_back(t);
    }
  }
  const unsigned threads = static_cast<unsigned>(std::strtoul(a.get("threads", "0").c_str(), nullptr, 10));
  std::mutex mutex;
  std::vector<std::pair<std::pair<uint32_t, size_t>, TierGap>> gaps;
  GapOptions options;
  options.registry = c.registry.get();
  gap_pool(
      plans, pool, threads,
      [&](size_t p, uint32_t e, TierGap&& g) {
        if (!keep[p].empty() && !keep[p][e]) return;
        std::lock_guard<std::mutex> lock(mutex);
        gaps.push_back({{e, tier_of[p]}, std::move(g)});
      },
      options);
  std::sort(gaps.begin(), gaps.end(), [](const auto& x, const auto& y) { return x.first < y.first; });
  const Lang lang = c.lang;
  const FieldId name = find_field("name")->id;
  std::cout << (lang == Lang::zh ? "统一社会信用代码,企业名称,层级,结论,类别,条款,条款名称,当前值,要求,建议修改,修改（what-if 写法）\n"
                                 : "uscc,name,policy,outcome,kind,criterion,label,value,required,change,change_spec\n");
  for (const auto& [key, g] : gaps) {
    const uint32_t e = key.first;
    auto line = [&](const char* kind, const CriterionGap& x, const std::string& change, const std::string& spec) {
      std::cout << csv_cell(pool.uscc(e)) << "," << csv_cell(pool.text(name, e)) << "," << csv_cell(g.policy) << ","
                << csv_cell(outcome_label(g.outcome).in(lang)) << "," << kind << "," << csv_cell(x.id) << ","
                << csv_cell(x.label.in(lang)) << "," << csv_cell(x.value + (x.unit.empty() || x.value.empty() ? "" : " " + x.unit)) << ","
                << csv_cell(x.threshold) << "," << csv_cell(change) << "," << csv_cell(spec) << "\n";
    };
    for (const CriterionGap& x : g.unknown) {
      std::string facts;
      for (const FieldRef& r : x.missing) facts += (facts.empty() ? "" : "; ") + field_ref_text(r, lang);
      line("unknown", x, facts, "");
    }
    for (const CriterionGap& x : g.not_met) {
      if (x.score_plan) {
        for (const ScoreUpgrade& u : x.score_plan->upgrades) {
          std::string spec;
          for (const FactOverride& o : u.change.changes) spec += (spec.empty() ? "" : " ") + override_spec(o);
          line("score", x, u.indicator + ": " + u.change.text().in(lang), spec);
        }
        continue;
      }
      if (x.met_from) {
        line("time", x,
             lang == Lang::zh ? "数据不变，自 " + x.met_from->to_string() + " 起满足（时间条件）"
                              : "met from " + x.met_from->to_string() + " with the facts as they are (a time condition)",
             "");
        continue;
      }
      if (x.suggestions.empty()) line("not_met", x, x.note.in(lang), "");
      for (const GapSuggestion& s : x.suggestions) {
        std::string spec;
        for (const FactOverride& o : s.changes) spec += (spec.empty() ? "" : " ") + override_spec(o);
        line("not_met", x, s.text().in(lang), spec);
      }
    }
    if (g.together) {
      CriterionGap joint;
      for (const std::string& id : g.together_criteria) joint.id += (joint.id.empty() ? "" : "+") + id;
      joint.label = {"相互关联的条款一并满足（已验证）", "the linked criteria together (proven)"};
      std::string spec;
      for (const FactOverride& o : g.together->changes) spec += (spec.empty() ? "" : " ") + override_spec(o);
      line("together", joint, g.together->text().in(lang), spec);
    }
    for (const CriterionGap& x : g.manual) line("manual", x, x.note.in(lang), "");
  }
  return kOk;
}

int cmd_gap(int argc, char** argv) {
  Args a = parse_args(argc, argv, 2,
                      {"input", "db", "known-at", "uscc", "policy", "as-of", "mode", "lang", "policy-file", "threads",
                       "calls"},
                      {"all"});
  if (!a.error.empty()) return usage_error(a.error);
  if (a.has("input") == a.has("db") || a.has("uscc") == a.has("all")) {
    return usage_error("gap needs --uscc CODE (one firm) or --all (every firm), and --input FILE or --db URL");
  }
  Common c;
  if (!read_common(a, c)) return kFailed;
  std::vector<std::unique_ptr<Plan>> owned;
  if (!select_plans(a, c, owned)) return kFailed;
  Pool pool;
  if (!load_pool_for(a, c.lang, pool)) return kFailed;
  CallCalendar calls;
  if (!load_calendar(a, c.lang, calls)) return kFailed;
  if (a.has("all")) return gap_whole_pool(a, c, owned, pool, calls);
  std::string code;
  std::optional<uint32_t> row = find_firm(a, c.lang, pool, &code);
  if (!row) return kFailed;
  const Lang lang = c.lang;
  std::cout << pool.text(find_field("name")->id, *row) << "  " << code << "\n";
  const int32_t region = region_of(pool, *row);
  for (auto& plan : owned) {
    // Judged by the version in force when the firm can apply (its next call), unless forced.
    std::optional<Call> call;
    const std::vector<std::string> specs = a.all("policy");  // a copy: begin and end of one vector
    const bool forced =
        std::any_of(specs.begin(), specs.end(), [](const std::string& s) { return s.find('@') != std::string::npos; });
    if (!forced && plan->policy->kind == Policy::Kind::tier) {
      Result<ApplicationVersion> v = version_when_applying(*c.registry, &calls, plan->policy->id, region, c.options);
      if (v && v->call) {
        call = v->call;
        if (v->policy != plan->policy) {
          Result<std::unique_ptr<Plan>> later = compile_plan(*v->policy, *c.registry, c.options);
          if (later) plan = std::move(*later);
        }
      }
    }
    GapOptions gap_options;
    gap_options.registry = c.registry.get();
    TierGap g = tier_gap(*plan, pool, *row, gap_options);
    std::cout << "\n" << g.policy << ": " << outcome_label(g.outcome).in(lang) << "\n";
    if (call) {
      std::cout << (lang == Lang::zh ? "  （按下一申报批次施行的版本：" : "  (the version in force for the next call: ")
                << call->open.year() << (lang == Lang::zh ? "年，填报 " : ", filing ") << call->open.to_string()
                << (lang == Lang::zh ? " 至 " : " to ") << call->close.to_string() << (lang == Lang::zh ? "）\n" : ")\n");
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
    std::cout << (zh ? "   申报批次：日历中没有该层级在本省的申报日期，所示日期为条件满足之日，称号按当日取得推算（可用 --calls 文件补充）\n"
                     : "   call: the calendar has no dates for this tier in the firm's province; the day shown is when the "
                       "conditions hold and the title is assumed that day (add them with --calls FILE)\n");
    return;
  }
  const Call& call = *st.call;
  const CallPattern& p = *call.pattern;
  std::cout << (zh ? "   申报批次：" : "   call: ") << p.authority.in(lang) << (zh ? " " : ", ") << call.open.year()
            << (zh ? "年，填报 " : ", filing ") << call.open.to_string() << (zh ? " 至 " : " to ") << call.close.to_string()
            << (zh ? "，最早 " : "; earliest filing ") << st.apply_on->to_string()
            << (zh ? " 提交；预计称号日期 " : "; title expected ") << call.decision.to_string();
  if (!call.decision_known) std::cout << (zh ? "（未见公告，按当年年底推定）" : " (no notice gives it: end of year assumed)");
  if (!call.as_published) {
    std::cout << (zh ? "；日期按 " : "; dates as in the ") << p.observed << (zh ? " 年通知推定" : " notice, assumed for this year");
  }
  if (!p.filing_confidence.empty()) {
    std::cout << (zh ? "（可信度：填报日期 " : " (confidence: filing dates ") << p.filing_confidence;
    if (!p.decision_confidence.empty()) std::cout << (zh ? "，称号日期 " : ", title day ") << p.decision_confidence;
    std::cout << (zh ? "）" : ")");
  }
  std::cout << "\n";
}

// gradus path: the firm's way up the ladder, step by step.
int cmd_path(int argc, char** argv) {
  Args a = parse_args(argc, argv, 2, {"input", "db", "known-at", "uscc", "as-of", "mode", "lang", "policy-file", "calls"},
                      {"no-calls"});
  if (!a.error.empty()) return usage_error(a.error);
  if (a.has("input") == a.has("db") || !a.has("uscc")) {
    return usage_error("path needs --uscc CODE and --input FILE or --db URL");
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
  std::cout << (zh ? "晋级路径（评价日 " : "the way up (as of ") << c.options.as_of.to_string() << (zh ? "）：" : "): ");
  const std::vector<PathStep> path =
      growth_path(*c.registry, pool, *row, c.options, a.has("no-calls") ? nullptr : &calls);
  for (size_t k = 0; k < path.size(); ++k) {
    const PathStep& st = path[k];
    std::cout << (k == 0 ? "" : " → ") << st.tier;
    if (st.state == PathStep::State::held) std::cout << (zh ? "（已持有）" : " (held)");
    if (st.state == PathStep::State::now) {
      std::cout << (st.after_previous ? (zh ? "（紧随上一步）" : " (right after)") : (zh ? "（现在）" : " (now)"));
    }
    if (st.state == PathStep::State::from_date) std::cout << (zh ? "（" : " (from ") << st.from->to_string() << (zh ? " 起）" : ")");
    if (st.state == PathStep::State::needs_changes) std::cout << (zh ? "（需先改进）" : " (after changes)");
    if (st.state == PathStep::State::not_in_force) std::cout << (zh ? "（无有效版本）" : " (no version in force)");
    if (st.call) std::cout << (zh ? "[" : " [") << st.call->open.year() << (zh ? "年批次]" : " call]");
  }
  std::cout << "\n";
  for (size_t k = 0; k < path.size(); ++k) {
    const PathStep& st = path[k];
    std::cout << "\n" << k + 1 << ". " << st.tier << (st.version.empty() ? "" : "@" + st.version) << (zh ? "：" : ": ")
              << path_state_label(st.state).in(lang);
    if (st.from && st.state != PathStep::State::needs_changes && st.state != PathStep::State::not_in_force) {
      std::cout << (st.state == PathStep::State::held ? (zh ? "（自 " : " (since ") : (zh ? "（" : " (")) << st.from->to_string()
                << (zh ? "）" : ")");
    } else if (st.from) {
      std::cout << (zh ? "（按 " : " (assessed on ") << st.from->to_string() << (zh ? " 评价）" : ")");
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
      std::cout << (zh ? "   复核（" : "   review (") << st.tier << "@" << r.version << (zh ? "，按 " : ", assessed on ")
                << r.on.to_string() << (zh ? " 评价）：" : "): ");
      if (r.met) {
        std::cout << (zh ? "数据不变即可通过" : "passes with the facts as they are")
                  << (r.gap.manual.empty() ? "" : (zh ? "（另有条款需评审判断）" : " (but for what a reviewer judges)"))
                  << (zh ? "；以下各步按称号续期推算\n" : "; the steps below assume the title renewed\n");
      } else {
        std::cout << (zh ? "数据不变则不能通过：除非届时解决下列问题，称号到期失效，以下各步不再具备该称号\n"
                         : "does not pass with the facts as they are: unless what is listed below is resolved by then, "
                           "the title lapses and the steps below are without it\n");
        print_tier_gap(r.gap, lang);
      }
    }
    if (st.state != PathStep::State::held && st.state != PathStep::State::not_in_force) print_tier_gap(st.gap, lang);
  }
  return kOk;
}

// gradus potential: the firms closest to a tier, ranked.
int cmd_potential(int argc, char** argv) {
  Args a = parse_args(argc, argv, 2,
                      {"input", "db", "known-at", "policy", "as-of", "mode", "lang", "policy-file", "region", "industry",
                       "top", "format", "threads", "output"},
                      {"include-holders"});
  if (!a.error.empty()) return usage_error(a.error);
  if (a.has("input") == a.has("db")) return usage_error("potential needs --input FILE or --db URL");
  if (a.all("policy").size() != 1) return usage_error("potential needs exactly one --policy ID");
  const std::string fmt = a.get("format", "text");
  if (fmt != "text" && fmt != "csv" && fmt != "json" && fmt != "xlsx") {
    return usage_error("--format must be text, csv, json or xlsx");
  }
  if ((fmt == "xlsx") != a.has("output")) return usage_error("--format xlsx needs --output FILE.xlsx (and only it)");
  Common c;
  if (!read_common(a, c)) return kFailed;
  std::vector<std::unique_ptr<Plan>> owned;
  if (!select_plans(a, c, owned)) return kFailed;
  Pool pool;
  if (!load_pool_for(a, c.lang, pool)) return kFailed;
  PotentialOptions o;
  o.region_prefix = a.get("region");
  o.industry_prefix = a.get("industry");
  o.top = static_cast<size_t>(std::atoll(a.get("top", "50").c_str()));
  o.include_title_holders = a.has("include-holders");
  o.threads = static_cast<unsigned>(std::atoi(a.get("threads", "0").c_str()));
  std::vector<PotentialRow> rows = rank_potential(*owned[0], pool, o);
  const bool zh = c.lang == Lang::zh;
  const FieldId name = find_field("name")->id;
  auto ids = [](const std::vector<std::string>& v) {
    std::string s;
    for (const std::string& x : v) s += (s.empty() ? "" : ";") + x;
    return s;
  };
  if (fmt == "xlsx") {
    Table t;
    t.sheet = zh ? "潜力排名" : "potential";
    t.headers = zh ? std::vector<std::string>{"排名", "统一社会信用代码", "企业名称", "层级", "结论", "不符合项数",
                                              "缺数据项数", "需评审项数", "差距（相对）", "阻碍条款"}
                   : std::vector<std::string>{"rank", "uscc", "name", "policy", "outcome", "not met", "unknown",
                                              "for a reviewer", "shortfall (relative)", "blocking criteria"};
    t.numeric = {true, false, false, false, false, true, true, true, true, false};
    for (size_t k = 0; k < rows.size(); ++k) {
      const PotentialRow& r = rows[k];
      t.rows.push_back({std::to_string(k + 1), pool.uscc(r.enterprise), pool.text(name, r.enterprise),
                        owned[0]->policy->key(), outcome_label(r.outcome).in(c.lang), std::to_string(r.not_met),
                        std::to_string(r.unknown), std::to_string(r.manual), format_number(r.shortfall),
                        ids(r.blocking)});
    }
    t.notes = {zh ? "gradus potential：按与 " + owned[0]->policy->key() + " 的距离排序（评价日 " +
                        c.options.as_of.to_string() + "）：不符合项数、缺数据项数、相对差距、需评审项数。"
                  : "gradus potential: firms ranked by distance to " + owned[0]->policy->key() + " (as of " +
                        c.options.as_of.to_string() + "): criteria not met, facts missing, relative shortfall, "
                        "criteria for a reviewer."};
    Status st = write_table_xlsx(a.get("output"), t);
    if (!st.ok()) {
      std::cerr << st.message.in(c.lang) << "\n";
      return kFailed;
    }
    std::cout << (zh ? "已写入 " : "wrote ") << rows.size() << (zh ? " 家企业：" : " firms to ") << a.get("output") << "\n";
    return kOk;
  }
  if (fmt == "csv") {
    std::cout << "rank,uscc,name,policy,outcome,not_met,unknown,manual,shortfall,blocking\n";
  } else if (fmt == "json") {
    std::cout << "[";
  } else {
    std::cout << owned[0]->policy->key() << (zh ? "：距离最近的 " : ": the ") << rows.size()
              << (zh ? " 家企业（不符合项数、缺数据项数、差距、需评审项数）\n" : " firms closest to it (not met, unknown, shortfall, for a reviewer)\n");
  }
  for (size_t k = 0; k < rows.size(); ++k) {
    const PotentialRow& r = rows[k];
    const std::string shortfall = format_number(r.shortfall);
    if (fmt == "csv") {
      std::cout << k + 1 << "," << pool.uscc(r.enterprise) << "," << csv_cell(pool.text(name, r.enterprise)) << ","
                << owned[0]->policy->key() << "," << outcome_id(r.outcome) << "," << r.not_met << "," << r.unknown << ","
                << r.manual << "," << shortfall << "," << csv_cell(ids(r.blocking)) << "\n";
    } else if (fmt == "json") {
      std::cout << (k ? ",\n" : "\n") << "{\"rank\":" << k + 1 << ",\"uscc\":\"" << pool.uscc(r.enterprise)
                << "\",\"policy\":\"" << owned[0]->policy->key() << "\",\"outcome\":\"" << outcome_id(r.outcome)
                << "\",\"not_met\":" << r.not_met << ",\"unknown\":" << r.unknown << ",\"manual\":" << r.manual
                << ",\"shortfall\":" << shortfall << ",\"blocking\":[";
      for (size_t j = 0; j < r.blocking.size(); ++j) std::cout << (j ? "," : "") << "\"" << r.blocking[j] << "\"";
      std::cout << "]}";
    } else {
      std::printf("%4zu  %s  %-28s  %-8s  %d  %d  %-6s  %d  %s\n", k + 1, pool.uscc(r.enterprise).c_str(),
                  pool.text(name, r.enterprise).c_str(), outcome_label(r.outcome).in(c.lang).c_str(), r.not_met,
                  r.unknown, shortfall.c_str(), r.manual, ids(r.blocking).c_str());
    }
  }
  if (fmt == "json") std::cout << "\n]\n";
  std::cout.flush();
  return kOk;
}

// gradus policy diff A B: the firms whose outcome changes between two versions, and why.
int cmd_policy_diff(int argc, char** argv) {
  Args a = parse_args(argc, argv, 3, {"input", "db", "known-at", "as-of", "mode", "lang", "format", "policy-file", "threads"}, {});
  if (!a.error.empty()) return usage_error(a.error);
  if (a.positional.size() != 2) return usage_error("policy diff needs two policies, e.g. little-giant@2022 little-giant@2026");
  if (a.has("input") == a.has("db")) return usage_error("policy diff needs --input FILE or --db URL");
  const std::string fmt = a.get("format", "text");
  if (fmt != "text" && fmt != "csv") return usage_error("--format must be text or csv");
  Common c;
  if (!read_common(a, c)) return kFailed;
  Args which = a;
  which.options["policy"] = a.positional;
  std::vector<std::unique_ptr<Plan>> owned;
  if (!select_plans(which, c, owned)) return kFailed;
  Pool pool;
  if (!load_pool_for(a, c.lang, pool)) return kFailed;
  PolicyDiff d = policy_diff(*owned[0], *owned[1], pool, static_cast<unsigned>(std::atoi(a.get("threads", "0").c_str())));
  const bool zh = c.lang == Lang::zh;
  const FieldId name = find_field("name")->id;
  auto ids = [](const std::vector<std::string>& v) {
    std::string s;
    for (const std::string& x : v) s += (s.empty() ? "" : ";") + x;
    return s;
  };
  const std::string ka = owned[0]->policy->key(), kb = owned[1]->policy->key();
  if (fmt == "csv") {
    std::cout << "uscc,name,before,after,blocking_before,blocking_after\n";
    for (const PolicyDiffRow& r : d.changed) {
      std::cout << pool.uscc(r.enterprise) << "," << csv_cell(pool.text(name, r.enterprise)) << "," << outcome_id(r.before)
                << "," << outcome_id(r.after) << "," << csv_cell(ids(r.blocking_before)) << ","
                << csv_cell(ids(r.blocking_after)) << "\n";
    }
    return kOk;
  }
  std::cout << ka << " → " << kb << (zh ? "，评价日 " : ", as of ") << c.options.as_of.to_string() << (zh ? "，" : ", ")
            << c.options.mode << (zh ? "：企业 " : ": ") << pool.size() << (zh ? " 家，结果变化 " : " enterprises, ")
            << d.changed.size() << (zh ? " 家\n" : " outcomes change\n");
  const Outcome order[] = {Outcome::met, Outcome::manual, Outcome::unknown, Outcome::not_met};
  for (Outcome x : order) {
    for (Outcome y : order) {
      const size_t n = d.transitions[static_cast<size_t>(x)][static_cast<size_t>(y)];
      if (x == y || n == 0) continue;
      std::cout << "  " << outcome_label(x).in(c.lang) << " → " << outcome_label(y).in(c.lang) << ": " << n << "\n";
    }
  }
  for (const PolicyDiffRow& r : d.changed) {
    std::cout << "\n" << pool.uscc(r.enterprise) << "  " << pool.text(name, r.enterprise) << ": "
              << outcome_label(r.before).in(c.lang) << " → " << outcome_label(r.after).in(c.lang) << "\n";
    if (!r.blocking_before.empty()) std::cout << "  " << ka << (zh ? " 卡在：" : " blocked by: ") << ids(r.blocking_before) << "\n";
    if (!r.blocking_after.empty()) std::cout << "  " << kb << (zh ? " 卡在：" : " blocked by: ") << ids(r.blocking_after) << "\n";
  }
  return kOk;
}

// gradus template: the empty import workbook.
int cmd_template(int argc, char** argv) {
  Args a = parse_args(argc, argv, 2, {"output", "lang"}, {});
  if (!a.error.empty()) return usage_error(a.error);
  Lang lang = Lang::zh;
  if (a.has("lang") && !parse_lang(a.get("lang"), &lang)) return usage_error("--lang must be zh or en");
  const std::string out = a.get("output", lang == Lang::zh ? "gradus-导入模板.xlsx" : "gradus-import-template.xlsx");
  Status s = write_import_template(out, lang);
  if (!s.ok()) return std::cerr << "gradus: " << s.message.in(lang) << "\n", kFailed;
  std::cerr << out << "\n";
  return kOk;
}

}  // namespace gradus

int main(int argc, char** argv) {
  using namespace gradus;
  tune_allocator_for_bulk_work(argv);
  std::ios::sync_with_stdio(false);
  if (argc < 2 || !std::strcmp(argv[1], "--help") || !std::strcmp(argv[1], "-h") || !std::strcmp(argv[1], "help")) {
    std::cout << kUsage;
    return argc < 2 ? kFailed : kOk;
  }
  std::string cmd = argv[1];
  if (cmd == "--version" || cmd == "version") return std::cout << "gradus 0.1.0\n", kOk;
  if (cmd == "assess") return cmd_assess(argc, argv);
  if (cmd == "explain") return cmd_explain(argc, argv);
  if (cmd == "policy") return cmd_policy(argc, argv);
  if (cmd == "init") return cmd_init(argc, argv);
  if (cmd == "import") return cmd_import(argc, argv);
  if (cmd == "history") return cmd_history(argc, argv);
  if (cmd == "audit") return cmd_audit(argc, argv);
  if (cmd == "runs") return cmd_runs(argc, argv);
  if (cmd == "demo") return cmd_demo(argc, argv);
  if (cmd == "import-titles") return cmd_import_titles(argc, argv);
  if (cmd == "export") return cmd_export(argc, argv);
  if (cmd == "template") return cmd_template(argc, argv);
  if (cmd == "whatif") return cmd_whatif(argc, argv);
  if (cmd == "gap") return cmd_gap(argc, argv);
  if (cmd == "path") return cmd_path(argc, argv);
  if (cmd == "potential") return cmd_potential(argc, argv);
  return usage_error("unknown command '" + cmd + "'");
}
