// gradus export and gradus template: the pool as an Excel workbook or CSV files (with outcome
// columns on request), and the empty import template — the same library functions as the
// server's GET /api/v1/export and GET /api/v1/import-template.
#include <iostream>
#include <string>
#include <vector>

#include "analysis/export_columns.h"
#include "cli/args.h"
#include "cli/commands.h"
#include "cli/common.h"
#include "cli/progress.h"
#include "engine/plan.h"
#include "export/export.h"
#include "policy/registry.h"
#include "store/store.h"

namespace gradus {

// gradus export: the stored pool (as known at --known-at) as XLSX or CSV, with outcome columns
// for the policies named by --with-assessment.
int cmd_export(int argc, char** argv) {
  Args a = parse_args(argc, argv, 2,
                      {"db", "format", "output", "with-assessment", "as-of", "mode", "known-at",
                       "lang", "policy-file", "region", "park", "industry"},
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
  if (!load_from_store(a, c.lang, *db, pool, known_batch) || !apply_filter(a, c.lang, pool))
    return kFailed;
  std::vector<const Plan*> plans;
  for (const auto& p : owned) plans.push_back(p.get());
  ExportOptions options = pool_export_options(*c.registry, plans, pool, c.lang);
  Progress progress(c.lang == Lang::zh ? "导出" : "exporting",
                    c.lang == Lang::zh ? "张表" : "tables", c.lang);
  options.progress = [&](uint64_t done, uint64_t total) {
    if (done < total)
      progress.update(done, total);
    else
      progress.finish(total);
  };
  Status s =
      fmt == "xlsx" ? export_pool_xlsx(pool, out, options) : export_pool_csv(pool, out, options);
  if (!s.ok()) return std::cerr << "gradus: " << s.message.in(c.lang) << "\n", kFailed;
  std::cerr << (c.lang == Lang::zh
                    ? "已导出 " + std::to_string(pool.size()) + " 家企业到 " + out + "\n"
                    : "exported " + std::to_string(pool.size()) + " enterprises to " + out + "\n");
  return kOk;
}

// gradus template: the empty import workbook.
int cmd_template(int argc, char** argv) {
  Args a = parse_args(argc, argv, 2, {"output", "lang"}, {});
  if (!a.error.empty()) return usage_error(a.error);
  Lang lang = Lang::zh;
  if (a.has("lang") && !parse_lang(a.get("lang"), &lang))
    return usage_error("--lang must be zh or en");
  const std::string out =
      a.get("output", lang == Lang::zh ? "gradus-导入模板.xlsx" : "gradus-import-template.xlsx");
  Status s = write_import_template(out, lang);
  if (!s.ok()) return std::cerr << "gradus: " << s.message.in(lang) << "\n", kFailed;
  std::cerr << out << "\n";
  return kOk;
}

}  // namespace gradus
