// gradus policy list|check|test|diff: the versions in force, type-checking policy files, running
// cases files, and the firms whose outcome changes between two versions.
#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "analysis/pool_views.h"
#include "cli/args.h"
#include "cli/commands.h"
#include "cli/common.h"
#include "core/embedded.h"
#include "core/fields.h"
#include "engine/cases.h"
#include "engine/evaluate.h"
#include "engine/format.h"
#include "engine/plan.h"
#include "engine/result.h"
#include "policy/loader.h"
#include "policy/registry.h"

namespace gradus {

int cmd_policy(int argc, char** argv) {
  if (argc < 3) return usage_error("policy needs list, check, test or diff");
  std::string sub = argv[2];
  if (sub == "diff") return cmd_policy_diff(argc, argv);
  Args a = parse_args(argc, argv, 3, {"as-of", "lang", "mode"}, {"help"});
  if (a.has("help")) return std::cout << kUsage, kOk;
  if (!a.error.empty()) return usage_error(a.error);
  Lang lang = Lang::zh;
  if (a.has("lang") && !parse_lang(a.get("lang"), &lang))
    return usage_error("--lang must be zh or en");
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
    std::cout << (zh ? "评价日期 " : "as of ") << as_of.to_string()
              << (zh ? "（✔ = 该日适用）\n" : " (✔ = in force on that date)\n");
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
                << (zh ? "申报 " : "application ") << window("application") << "   "
                << (zh ? "复核 " : "review ") << window("review") << "\n";
      for (const auto& [ind, ovs] : p->overlays)
        for (const IndicatorOverlay& ov : ovs)
          std::cout << "    " << (zh ? "地方叠加 " : "overlay ") << ov.place << " ("
                    << ov.jurisdiction << "): " << ind << "  " << ov.document << "\n";
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
              if (!s2.ok() && s2.code != StatusCode::not_found)
                return std::cerr << s2.message.en, kFailed;
            }
          }
        }
        files.emplace_back(f, std::move(text));
      }
    }
    int failed = 0, passed = 0;
    if (a.positional.empty() && !shipped_errors.empty())
      ++failed;  // a shipped policy does not load
    for (const auto& [name, text] : files) {
      Result<CasesReport> r = run_cases_text(text, name, *reg);
      if (!r) {
        std::cerr << r.error().message.en << "\n";
        ++failed;
        continue;
      }
      passed += r->passed;
      failed += r->failed;
      std::cout << (r->failed ? "FAIL " : "ok   ") << name << "  (" << r->policy << ": "
                << r->passed << " passed, " << r->failed << " failed)\n";
      for (const std::string& f : r->failures) std::cout << "  " << f << "\n";
    }
    std::cout << passed << " passed, " << failed << " failed\n";
    return failed ? kPartial : kOk;
  }
  return usage_error("unknown policy command '" + sub + "' (list, check, test)");
}

// gradus policy diff A B: the firms whose outcome changes between two versions, and why.
int cmd_policy_diff(int argc, char** argv) {
  Args a = parse_args(argc, argv, 3,
                      {"input", "db", "known-at", "as-of", "mode", "lang", "format", "policy-file",
                       "threads", "region", "park", "industry"},
                      {"ignore-unknown-columns"});
  if (!a.error.empty()) return usage_error(a.error);
  if (a.positional.size() != 2)
    return usage_error("policy diff needs two policies, e.g. little-giant@2022 little-giant@2026");
  if (a.has("input") == a.has("db"))
    return usage_error("policy diff needs --input FILE or --db URL");
  const std::string fmt = a.get("format", "text");
  if (fmt != "text" && fmt != "csv") return usage_error("--format must be text or csv");
  Common c;
  if (!read_common(a, c)) return kFailed;
  Args which = a;
  which.options["policy"] = a.positional;
  std::vector<std::unique_ptr<Plan>> owned;
  if (!select_plans(which, c, owned)) return kFailed;
  Pool pool;
  if (!load_pool_for(a, c.lang, pool) || !apply_filter(a, c.lang, pool)) return kFailed;
  PolicyDiff d = policy_diff(*owned[0], *owned[1], pool,
                             static_cast<unsigned>(std::atoi(a.get("threads", "0").c_str())));
  const bool zh = c.lang == Lang::zh;
  const FieldId name = find_field("name")->id;
  const std::string ka = owned[0]->policy->key(), kb = owned[1]->policy->key();
  if (fmt == "csv") {
    // English: ids for programs; Chinese: outcomes as words and criteria by their labels.
    std::cout << kUtf8Bom
              << (zh ? "统一社会信用代码,企业名称,原版本结论,新版本结论,原版本卡在,新版本卡在\n"
                     : "uscc,name,before,after,blocking_before,blocking_after\n");
    for (const PolicyDiffRow& r : d.changed) {
      std::cout << pool.uscc(r.enterprise) << "," << csv_cell(pool.text(name, r.enterprise)) << ","
                << (zh ? outcome_label(r.before).zh : outcome_id(r.before)) << ","
                << (zh ? outcome_label(r.after).zh : outcome_id(r.after)) << ","
                << csv_cell(criteria_text(*owned[0], r.blocking_before, c.lang)) << ","
                << csv_cell(criteria_text(*owned[1], r.blocking_after, c.lang)) << "\n";
    }
    return kOk;
  }
  std::cout << ka << " → " << kb << (zh ? "，评价日 " : ", as of ") << c.options.as_of.to_string()
            << (zh ? "，" : ", ") << c.options.mode << (zh ? "：企业 " : ": ") << pool.size()
            << (zh ? " 家，结果变化 " : " enterprises, ") << d.changed.size()
            << (zh ? " 家\n" : " outcomes change\n");
  const Outcome order[] = {Outcome::met, Outcome::manual, Outcome::unknown, Outcome::not_met};
  for (Outcome x : order) {
    for (Outcome y : order) {
      const size_t n = d.transitions[static_cast<size_t>(x)][static_cast<size_t>(y)];
      if (x == y || n == 0) continue;
      std::cout << "  " << outcome_label(x).in(c.lang) << " → " << outcome_label(y).in(c.lang)
                << ": " << n << "\n";
    }
  }
  for (const PolicyDiffRow& r : d.changed) {
    std::cout << "\n"
              << pool.uscc(r.enterprise) << "  " << pool.text(name, r.enterprise) << ": "
              << outcome_label(r.before).in(c.lang) << " → " << outcome_label(r.after).in(c.lang)
              << "\n";
    if (!r.blocking_before.empty())
      std::cout << "  " << ka << (zh ? " 卡在：" : " blocked by: ")
                << criteria_text(*owned[0], r.blocking_before, c.lang) << "\n";
    if (!r.blocking_after.empty())
      std::cout << "  " << kb << (zh ? " 卡在：" : " blocked by: ")
                << criteria_text(*owned[1], r.blocking_after, c.lang) << "\n";
  }
  return kOk;
}

}  // namespace gradus
