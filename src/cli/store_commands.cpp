// The store commands of the gradus CLI: init, import, history, audit, runs, demo. Each opens the
// store named by --db (or $GRADUS_DB, or sqlite:gradus.db), does one thing and reports it in the
// chosen language.
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <future>
#include <iostream>
#include <map>

#include "analysis/run_diff.h"
#include "analysis/title_import.h"
#include "auth/accounts.h"
#include "cli/commands.h"
#include "cli/common.h"
#include "cli/progress.h"
#include "demo/generate.h"
#include "engine/format.h"
#include "export/csv_text.h"
#include "export/export.h"
#include "ingest/ingest.h"
#include "ingest/title_list.h"
#include "core/fields.h"
#include "store/schema.h"
#include "store/store.h"
#include "store/tables.h"
#include "engine/plan.h"
#include "policy/registry.h"

namespace gradus {

std::string actor_name(const Args& a) {
  if (a.has("actor")) return a.get("actor");
  for (const char* var : {"GRADUS_ACTOR", "USER", "LOGNAME"}) {
    if (const char* v = std::getenv(var); v != nullptr && *v != '\0') return v;
  }
  return "unknown";
}

namespace {

// Opens the store named by --db / $GRADUS_DB; prints why not (the caller exits with kFailed).
std::unique_ptr<store::Store> open_store(const Args& a, Lang lang, const store::OpenOptions& o) {
  const std::string url = store::database_url(a.get("db"));
  Result<std::unique_ptr<store::Store>> s = store::Store::open(url, o);
  if (!s) {
    std::cerr << "gradus: " << s.error().message.in(lang) << "\n";
    return nullptr;
  }
  return std::move(*s);
}

}  // namespace

// Every command but init and demo: the store must exist (a mistyped --db is an error, not an
// empty store).
std::unique_ptr<store::Store> open_store_or_report(const Args& a, Lang lang) {
  return open_store(a, lang, {.create = false});
}

namespace {

bool read_lang(const Args& a, Lang* lang) {
  if (a.has("lang") && !parse_lang(a.get("lang"), lang)) {
    usage_error("--lang must be zh or en");
    return false;
  }
  return true;
}

void print_summary(const std::string& file, const store::ImportSummary& s, bool dry_run, Lang lang,
                   size_t max_changes) {
  const bool zh = lang == Lang::zh;
  if (zh) {
    std::printf("%s%s：企业 %u 家（新增 %u，有变动 %u，无变动 %u）；写入静态信息版本 %llu、年度数据 %llu、事件记录 %llu；变动字段 %llu",
                dry_run ? "【试运行，未写入】" : "", file.c_str(), s.enterprises_in_input, s.enterprises_new,
                s.enterprises_changed, s.enterprises_unchanged,
                static_cast<unsigned long long>(s.static_versions),
                static_cast<unsigned long long>(s.yearly_versions),
                static_cast<unsigned long long>(s.events_added),
                static_cast<unsigned long long>(s.fields_changed));
  } else {
    std::printf("%s%s: %u enterprises (%u new, %u changed, %u unchanged); wrote %llu static versions, %llu yearly rows, %llu event records; %llu facts changed",
                dry_run ? "[dry run, nothing written] " : "", file.c_str(), s.enterprises_in_input,
                s.enterprises_new, s.enterprises_changed, s.enterprises_unchanged,
                static_cast<unsigned long long>(s.static_versions),
                static_cast<unsigned long long>(s.yearly_versions),
                static_cast<unsigned long long>(s.events_added),
                static_cast<unsigned long long>(s.fields_changed));
  }
  if (s.batch_id != 0) {
    std::printf(zh ? "（批次 %lld）\n" : " (batch %lld)\n", static_cast<long long>(s.batch_id));
  } else if (!dry_run) {
    std::printf(zh ? "——与库中数据完全相同，未写入\n" : " — identical to the store, nothing written\n");
  } else {
    std::printf("\n");
  }
  size_t shown = 0;
  for (const store::FactChange& c : s.changes) {
    if (shown++ == max_changes) {
      std::printf(zh ? "  ……另有 %zu 处变动\n" : "  … and %zu more changes\n", s.fields_changed - max_changes);
      break;
    }
    const std::string field = c.year != 0 ? c.field + "@" + std::to_string(c.year) : c.field;
    const std::string none = zh ? "（空）" : "(none)";
    std::printf("  %s %s: %s → %s\n", c.uscc.c_str(), field.c_str(),
                c.before.empty() ? none.c_str() : c.before.c_str(),
                c.after.empty() ? none.c_str() : c.after.c_str());
  }
}

}  // namespace

int cmd_init(int argc, char** argv) {
  Args a = parse_args(argc, argv, 2, {"db", "lang", "actor"}, {});
  if (!a.error.empty()) return usage_error(a.error);
  Lang lang = Lang::zh;
  if (!read_lang(a, &lang)) return kFailed;
  auto s = open_store(a, lang, {.create = true});
  if (!s) return kFailed;
  std::printf(lang == Lang::zh ? "%s：数据库结构版本 %d\n" : "%s: schema version %d\n",
              s->describe().c_str(), store::latest_schema_version());
  // The first admin, when the store has no user yet; its password is shown this once.
  auth::Accounts accounts(*s);
  Result<std::optional<std::string>> admin = accounts.ensure_first_admin(actor_name(a));
  if (!admin) return std::cerr << "gradus: " << admin.error().message.in(lang) << "\n", kFailed;
  if (admin->has_value()) {
    std::printf(lang == Lang::zh
                    ? "已创建管理员 admin，密码（只显示这一次，请妥善保存并尽快用 gradus user passwd "
                      "admin --password-stdin 更改）：\n%s\n"
                    : "created the admin \"admin\"; its password (shown this once: keep it safe and "
                      "change it soon with gradus user passwd admin --password-stdin):\n%s\n",
                (*admin)->c_str());
  }
  return kOk;
}

int cmd_import(int argc, char** argv) {
  Args a = parse_args(argc, argv, 2, {"db", "lang", "actor", "report", "show-changes"},
                      {"dry-run", "ignore-unknown-columns"});
  if (!a.error.empty()) return usage_error(a.error);
  if (a.positional.empty()) return usage_error("import needs at least one FILE");
  IngestOptions ingest_options;
  ingest_options.ignore_unknown_columns = a.has("ignore-unknown-columns");
  Lang lang = Lang::zh;
  if (!read_lang(a, &lang)) return kFailed;
  auto s = open_store_or_report(a, lang);
  if (!s) return kFailed;
  const bool dry_run = a.has("dry-run");
  const size_t max_changes = static_cast<size_t>(std::atoll(a.get("show-changes", "20").c_str()));
  IngestReport all_errors;
  int rc = kOk;
  for (const std::string& file : a.positional) {
    IngestReport report;
    // The file's SHA-256 (recorded with the batch) is computed on another core while it is read.
    std::future<Result<std::string>> digest_job =
        std::async(std::launch::async, [file] { return store::sha256_of_file(file); });
    Progress reading((lang == Lang::zh ? "读取 " : "reading ") + file, lang == Lang::zh ? "行" : "rows", lang);
    Result<Pool> pool = load_pool_file(file, report, ingest_options);
    reading.finish(report.rows_read);
    if (!report.encoding.empty()) {
      std::printf(lang == Lang::zh ? "%s：文本编码 %s\n" : "%s: text encoding %s\n", file.c_str(),
                  report.encoding.c_str());
    }
    for (const InputError& e : report.errors) std::cerr << format_input_error(e, lang) << "\n";
    for (const InputError& e : report.warnings) {
      std::cerr << (lang == Lang::zh ? "警告：" : "warning: ") << format_input_error(e, lang) << "\n";
    }
    all_errors.errors.insert(all_errors.errors.end(), report.errors.begin(), report.errors.end());
    all_errors.warnings.insert(all_errors.warnings.end(), report.warnings.begin(), report.warnings.end());
    all_errors.rows_read += report.rows_read;
    all_errors.enterprises_loaded += report.enterprises_loaded;
    all_errors.enterprises_rejected += report.enterprises_rejected;
    if (!pool) {
      std::cerr << "gradus: " << pool.error().message.in(lang) << "\n";
      rc = kPartial;
      continue;
    }
    if (!report.ok()) {
      // All or nothing: a file with any error changes nothing.
      std::cerr << (lang == Lang::zh
                        ? file + "：有 " + std::to_string(report.errors.size()) + " 处错误，整个文件未导入（改正后重新导入即可）\n"
                        : file + ": " + std::to_string(report.errors.size()) +
                              " error(s), nothing from this file was imported (fix them and import it again)\n");
      rc = kPartial;
      continue;
    }
    Result<std::string> digest = digest_job.get();
    if (!digest) {
      std::cerr << "gradus: " << digest.error().message.in(lang) << "\n";
      rc = kFailed;
      continue;
    }
    store::ImportOptions o;
    o.actor = actor_name(a);
    o.source = std::filesystem::path(file).filename().string();
    o.source_sha256 = *digest;
    o.rows_read = report.rows_read;
    o.dry_run = dry_run;
    Progress progress(lang == Lang::zh ? "写入" : "writing", lang == Lang::zh ? "行" : "rows", lang);
    o.progress = [&](uint64_t done, uint64_t total) { progress.update(done, total); };
    std::vector<InputError> conflicts;
    o.conflicts = &conflicts;
    if (report.enterprises_rejected == 0) {  // the pool's rows are then the file's firms, in order
      o.locate = [&report](uint32_t e, const FieldDef&, int year, InputError& where) {
        report.fact_rows.locate(e, year, where);
      };
    }
    Result<store::ImportSummary> sum = s->import_pool(*pool, o);
    if (sum) progress.finish(sum->enterprises_new + sum->static_versions + sum->yearly_versions + sum->events_added);
    if (!sum && !conflicts.empty()) {
      // The file contradicts the stored facts: reported like the file's own errors (each one,
      // and in --report), the whole file left out.
      for (const InputError& e : conflicts) std::cerr << format_input_error(e, lang) << "\n";
      all_errors.errors.insert(all_errors.errors.end(), conflicts.begin(), conflicts.end());
      std::cerr << (lang == Lang::zh
                        ? file + "：与企业库中已有数据矛盾 " + std::to_string(conflicts.size()) + " 处，整个文件未导入\n"
                        : file + ": " + std::to_string(conflicts.size()) +
                              " contradiction(s) with the stored facts; nothing from this file was imported\n");
      rc = std::max(rc, kPartial);
      continue;
    }
    if (!sum) {
      std::cerr << "gradus: " << file << ": " << sum.error().message.in(lang) << "\n";
      rc = kFailed;
      continue;
    }
    print_summary(file, *sum, dry_run, lang, max_changes);
  }
  if (a.has("report")) {
    const std::string path = a.get("report");
    const ReportFormat format = path.ends_with(".xlsx") ? ReportFormat::xlsx
                                : path.ends_with(".csv") ? ReportFormat::csv
                                                         : ReportFormat::text;
    if (Status w = write_error_report(path, format, all_errors, lang); !w.ok()) {
      std::cerr << "gradus: " << w.message.in(lang) << "\n";
      return kFailed;
    }
  }
  return rc;
}

int cmd_history(int argc, char** argv) {
  Args a = parse_args(argc, argv, 2, {"db", "lang", "uscc", "name"}, {});
  if (!a.error.empty()) return usage_error(a.error);
  if (!has_firm_option(a)) return usage_error("history needs --uscc CODE or --name NAME");
  Lang lang = Lang::zh;
  if (!read_lang(a, &lang)) return kFailed;
  auto s = open_store_or_report(a, lang);
  if (!s) return kFailed;
  std::string uscc = a.get("uscc");
  if (a.has("name")) {  // the name as the store knows it now
    Result<Pool> pool = s->load_pool({});
    if (!pool) return std::cerr << "gradus: " << pool.error().message.in(lang) << "\n", kFailed;
    std::optional<uint32_t> row = find_firm(a, lang, *pool, &uscc);
    if (!row) return kFailed;
  }
  Result<std::vector<store::HistoryEntry>> h = s->history(uscc);
  if (!h) {
    std::cerr << "gradus: " << h.error().message.in(lang) << "\n";
    return kFailed;
  }
  const bool zh = lang == Lang::zh;
  std::printf("%s\n", uscc.c_str());  // the firm whose history follows (found by --name, say)
  int64_t batch = -1;
  for (const store::HistoryEntry& e : *h) {
    if (e.batch.id != batch) {
      batch = e.batch.id;
      std::printf(zh ? "批次 %lld  %s  %s  %s（%s）\n" : "batch %lld  %s  %s  %s (%s)\n",
                  static_cast<long long>(batch), e.batch.at.c_str(), e.batch.actor.c_str(),
                  e.batch.source.c_str(), e.batch.kind.c_str());
    }
    // zh: the field's Chinese label and the year in brackets; en: the contract's FIELD@YEAR.
    const FieldDef* def = zh ? find_field(e.field) : nullptr;
    const std::string field = def != nullptr ? std::string(def->zh) + (e.year != 0 ? "（" + std::to_string(e.year) + "）" : "")
                              : e.year != 0 ? e.field + "@" + std::to_string(e.year)
                                            : e.field;
    if (e.before.empty()) {
      std::printf("  %s = %s\n", field.c_str(), e.after.c_str());
    } else {
      std::printf("  %s: %s → %s\n", field.c_str(), e.before.c_str(),
                  e.after.empty() ? (zh ? "（空）" : "(none)") : e.after.c_str());
    }
  }
  return kOk;
}

int cmd_audit(int argc, char** argv) {
  Args a = parse_args(argc, argv, 3, {"db", "lang", "limit", "expect-head"}, {});
  if (!a.error.empty()) return usage_error(a.error);
  const std::string sub = argc >= 3 ? argv[2] : "";
  if (sub != "verify" && sub != "log") return usage_error("audit needs verify or log");
  Lang lang = Lang::zh;
  if (!read_lang(a, &lang)) return kFailed;
  auto s = open_store_or_report(a, lang);
  if (!s) return kFailed;
  const bool zh = lang == Lang::zh;
  if (sub == "log") {
    Result<std::vector<store::AuditEntry>> log = s->audit_log(std::atoll(a.get("limit", "0").c_str()));
    if (!log) {
      std::cerr << "gradus: " << log.error().message.in(lang) << "\n";
      return kFailed;
    }
    for (const store::AuditEntry& e : *log) {
      std::printf("%lld  %s  %s  %s  %s  %.16s…\n", static_cast<long long>(e.seq), e.at.c_str(),
                  e.actor.c_str(), e.action.c_str(), e.detail.c_str(), e.hash.c_str());
    }
    return kOk;
  }
  Progress checking(zh ? "校验" : "verifying", zh ? "行" : "rows", lang);
  uint64_t rows_checked = 0;
  Result<store::AuditCheck> c = s->verify_audit([&](uint64_t done, uint64_t total) {
    rows_checked = done;
    checking.update(done, total);
  });
  if (c) checking.finish(rows_checked);
  if (!c) {
    std::cerr << "gradus: " << c.error().message.in(lang) << "\n";
    return kFailed;
  }
  if (!c->ok) {
    std::printf(zh ? "审计日志校验失败：%s\n" : "audit verification FAILED: %s\n", c->problem.in(lang).c_str());
    return kPartial;
  }
  if (a.has("expect-head") && a.get("expect-head") != c->head_hash) {
    std::printf(zh ? "审计日志校验失败：最后一条记录的哈希 %s 与预期的 %s 不同（日志末尾被截断或替换）\n"
                   : "audit verification FAILED: the last entry's hash %s differs from the expected %s (the log was truncated or replaced)\n",
                c->head_hash.c_str(), a.get("expect-head").c_str());
    return kPartial;
  }
  std::printf(zh ? "审计日志完好：%lld 条记录，%lld 个导入批次的数据和批次信息、%lld "
                   "次评价的结果与记录一致\n末条哈希 %s（记下它，以后可用 --expect-head "
                   "检查日志是否被截断）\n"
                 : "audit log intact: %lld entries, the data and records of %lld import batches "
                   "and the records of %lld assessment runs match their entries\nhead hash %s "
                   "(keep it: --expect-head detects a truncated log later)\n",
              static_cast<long long>(c->entries), static_cast<long long>(c->batches_checked),
              static_cast<long long>(c->runs_checked), c->head_hash.c_str());
  return kOk;
}

int cmd_runs(int argc, char** argv) {
  Args a = parse_args(argc, argv, 3, {"db", "lang", "format", "output"}, {});
  if (!a.error.empty()) return usage_error(a.error);
  const std::string sub = argc >= 3 ? argv[2] : "";
  if (sub != "list" && sub != "diff") return usage_error("runs needs list or diff RUN RUN");
  Lang lang = Lang::zh;
  if (!read_lang(a, &lang)) return kFailed;
  const std::string format = a.get("format", "text");
  if (format != "text" && format != "csv" && format != "xlsx") return usage_error("--format must be text, csv or xlsx");
  if (format == "xlsx" && !a.has("output")) return usage_error("--format xlsx needs --output FILE.xlsx");
  auto s = open_store_or_report(a, lang);
  if (!s) return kFailed;
  const bool zh = lang == Lang::zh;
  if (sub == "list") {
    Result<std::vector<store::RunInfo>> runs = s->runs();
    if (!runs) return std::cerr << "gradus: " << runs.error().message.in(lang) << "\n", kFailed;
    for (const store::RunInfo& r : *runs) {
      const std::string mode = !zh ? r.mode : r.mode == "application" ? "申报" : r.mode == "review" ? "复核" : r.mode;
      std::printf(zh ? "第 %lld 次  %s  %s  评价日 %s  %s  数据截至批次 %lld  %s  结果 %lld 条\n"
                     : "run %lld  %s  %s  as of %s  %s  facts as of batch %lld  %s  %lld outcomes\n",
                  static_cast<long long>(r.id), r.at.c_str(), r.actor.c_str(), r.as_of.c_str(),
                  mode.c_str(), static_cast<long long>(r.known_batch), r.policies.c_str(),
                  static_cast<long long>(r.outcomes));
    }
    return kOk;
  }
  if (a.positional.size() != 2) return usage_error("runs diff needs two run numbers");
  Result<std::vector<store::OutcomeChange>> d =
      s->diff_runs(std::atoll(a.positional[0].c_str()), std::atoll(a.positional[1].c_str()));
  if (!d) return std::cerr << "gradus: " << d.error().message.in(lang) << "\n", kFailed;
  std::string errors;
  const PolicyRegistry registry = PolicyRegistry::shipped(&errors);
  RunDiffTable table(registry, lang);
  const RunDiffCounts counts = count_run_diff(*d);
  const size_t outcome_changes = counts.outcomes, criteria_only = counts.criteria_only;
  std::string summary = zh ? "共 " + std::to_string(outcome_changes) + " 项结果变化"
                           : std::to_string(outcome_changes) + " outcome(s) changed";
  if (criteria_only > 0) {
    summary += zh ? "，另有 " + std::to_string(criteria_only) + " 项结果未变但未满足或缺少数据的条件有变化"
                  : ", " + std::to_string(criteria_only) + " more with the same outcome but other criteria not met or unknown";
  }
  summary += "\n";
  if (format == "text") {
    std::string out;
    const std::vector<std::string> h = table.headers();
    for (const store::OutcomeChange& c : *d) {
      const std::vector<std::string> r = table.row(c);
      out += r[0] + "  " + r[1] + "  " + r[2] + (zh ? "：" : ": ") + r[3] + " → " + r[4];
      for (size_t k = 5; k < r.size(); ++k) {
        if (!r[k].empty()) out += (zh ? "；" : "; ") + h[k] + (zh ? "：" : ": ") + r[k];
      }
      out += "\n";
    }
    out += summary;
    if (!a.has("output")) return std::fputs(out.c_str(), stdout), kOk;
    std::FILE* f = std::fopen(a.get("output").c_str(), "wb");
    if (f == nullptr || std::fputs(out.c_str(), f) < 0 || std::fclose(f) != 0) {
      std::cerr << (zh ? "gradus: 无法写入 " : "gradus: cannot write ") << a.get("output") << "\n";
      return kFailed;
    }
    std::fputs(summary.c_str(), stderr);
    return kOk;
  }
  if (format == "csv") {
    std::string out = "\xEF\xBB\xBF";  // a BOM: Excel then reads the file as UTF-8
    auto line = [&](const std::vector<std::string>& cells) {
      for (size_t k = 0; k < cells.size(); ++k) out += (k > 0 ? "," : "") + csv_cell(cells[k]);
      out += "\r\n";
    };
    line(table.headers());
    for (const store::OutcomeChange& c : *d) line(table.row(c));
    if (!a.has("output")) return std::fwrite(out.data(), 1, out.size(), stdout), kOk;
    std::FILE* f = std::fopen(a.get("output").c_str(), "wb");
    if (f == nullptr || std::fwrite(out.data(), 1, out.size(), f) != out.size() || std::fclose(f) != 0) {
      std::cerr << (zh ? "gradus: 无法写入 " : "gradus: cannot write ") << a.get("output") << "\n";
      return kFailed;
    }
    std::fputs(summary.c_str(), stderr);
    return kOk;
  }
  Table xlsx;
  xlsx.sheet = zh ? "评价结果变化" : "run diff";
  xlsx.headers = table.headers();
  for (const store::OutcomeChange& c : *d) xlsx.rows.push_back(table.row(c));
  xlsx.notes = {zh ? "第 " + a.positional[0] + " 次评价 → 第 " + a.positional[1] + " 次评价"
                   : "run " + a.positional[0] + " → run " + a.positional[1],
                summary.substr(0, summary.size() - 1)};
  if (Status w = write_table_xlsx(a.get("output"), xlsx); !w.ok()) {
    std::cerr << "gradus: " << w.message.in(lang) << "\n";
    return kFailed;
  }
  std::fputs(summary.c_str(), stderr);
  return kOk;
}

int cmd_demo(int argc, char** argv) {
  Args a = parse_args(argc, argv, 2, {"db", "lang", "enterprises", "seed", "actor"}, {});
  if (!a.error.empty()) return usage_error(a.error);
  Lang lang = Lang::zh;
  if (!read_lang(a, &lang)) return kFailed;
  demo::GeneratorOptions g;
  g.enterprises = static_cast<uint32_t>(std::strtoul(a.get("enterprises", "913").c_str(), nullptr, 10));
  g.seed = std::strtoull(a.get("seed", "20260630").c_str(), nullptr, 10);
  if (g.enterprises == 0) return usage_error("--enterprises must be a positive number");
  auto s = open_store(a, lang, {.create = true});
  if (!s) return kFailed;
  Pool pool = demo::PoolGenerator(g).build();
  store::ImportOptions o;
  o.actor = actor_name(a);
  o.kind = "demo";
  o.source = "gradus demo --enterprises " + std::to_string(g.enterprises) + " --seed " + std::to_string(g.seed);
  o.rows_read = pool.size();
  Progress progress(lang == Lang::zh ? "写入" : "writing", lang == Lang::zh ? "行" : "rows", lang);
  o.progress = [&](uint64_t done, uint64_t total) { progress.update(done, total); };
  Result<store::ImportSummary> sum = s->import_pool(pool, o);
  if (!sum) return std::cerr << "gradus: " << sum.error().message.in(lang) << "\n", kFailed;
  progress.finish(sum->enterprises_new + sum->static_versions + sum->yearly_versions + sum->events_added);
  print_summary(s->describe(), *sum, false, lang, 0);
  return kOk;
}

}  // namespace gradus

namespace gradus {

int cmd_import_titles(int argc, char** argv) {
  Args a = parse_args(argc, argv, 2, {"db", "lang", "actor", "report", "show"}, {"dry-run"});
  if (!a.error.empty()) return usage_error(a.error);
  if (a.positional.size() != 1) return usage_error("import-titles needs one FILE (.csv or .xlsx)");
  Lang lang = Lang::zh;
  if (!read_lang(a, &lang)) return kFailed;
  const bool zh = lang == Lang::zh;
  const std::string file = a.positional[0];
  Result<TitleList> list = read_title_list(file);
  if (!list) return std::cerr << "gradus: " << list.error().message.in(lang) << "\n", kFailed;
  auto s = open_store_or_report(a, lang);
  if (!s) return kFailed;
  Result<Pool> pool = s->load_pool();
  if (!pool) return std::cerr << "gradus: " << pool.error().message.in(lang) << "\n", kFailed;
  std::vector<TitleMatch> matches = match_title_list(*list, *pool);

  std::map<TitleMatchKind, size_t> count = count_title_matches(matches);
  std::printf(zh ? "%s：%zu 行；已匹配 %zu（代码 %zu，全称 %zu，简称 %zu）；多家符合 %zu；库中没有 %zu；公示名单 %zu；错误 %zu\n"
                 : "%s: %zu rows; matched %zu (by USCC %zu, by name %zu, by short name %zu); ambiguous %zu; not in the pool %zu; proposed (公示) %zu; errors %zu\n",
              file.c_str(), matches.size(),
              count[TitleMatchKind::by_uscc] + count[TitleMatchKind::by_name] + count[TitleMatchKind::by_short_name],
              count[TitleMatchKind::by_uscc], count[TitleMatchKind::by_name], count[TitleMatchKind::by_short_name],
              count[TitleMatchKind::ambiguous], count[TitleMatchKind::unmatched], count[TitleMatchKind::proposed],
              count[TitleMatchKind::invalid]);
  if (!list->ignored_columns.empty()) {
    std::string cols;
    for (const std::string& c : list->ignored_columns) cols += (cols.empty() ? "" : ", ") + c;
    std::printf(zh ? "未使用的列：%s\n" : "columns not used: %s\n", cols.c_str());
  }
  const FieldId name_field = find_field("name")->id;
  auto where = [&](const TitleListRow& r) {
    std::string w = r.sheet.empty() ? "" : (zh ? "工作表 " : "sheet ") + r.sheet + ", ";
    return w + (zh ? "第 " + std::to_string(r.row) + " 行" : "row " + std::to_string(r.row));
  };
  const size_t show = static_cast<size_t>(std::atoll(a.get("show", "20").c_str()));
  size_t shown = 0;
  for (const TitleMatch& m : matches) {
    if (m.kind == TitleMatchKind::by_uscc || m.kind == TitleMatchKind::by_name) continue;
    if (shown++ == show) {
      std::printf(zh ? "  ……（完整清单用 --report FILE.csv）\n" : "  … (the full list: --report FILE.csv)\n");
      break;
    }
    std::string detail = title_match_label(m.kind).in(lang);
    if (m.row->problem) detail += ": " + m.row->problem->in(lang);
    if (m.enterprise) detail += " → " + pool->uscc(*m.enterprise) + " " + pool->text(name_field, *m.enterprise);
    for (uint32_t c : m.candidates) detail += "\n      ? " + pool->uscc(c) + " " + pool->text(name_field, c);
    std::printf("  %s  %s  %s: %s\n", where(*m.row).c_str(), m.row->name.c_str(), m.row->tier_written.c_str(),
                detail.c_str());
  }
  if (a.has("report")) {
    std::string text(kUtf8Bom);
    text += csv_record(title_report_headers(), "\n");
    for (const TitleMatch& m : matches) text += csv_record(title_report_row(m, *pool, lang), "\n");
    std::FILE* f = std::fopen(a.get("report").c_str(), "wb");
    if (f == nullptr || std::fwrite(text.data(), 1, text.size(), f) != text.size() ||
        std::fclose(f) != 0) {
      std::cerr << (zh ? "gradus: 无法写入 " + a.get("report") + "\n" : "gradus: cannot write " + a.get("report") + "\n");
      return kFailed;
    }
  }
  // The matched titles, written as one batch.
  size_t titles = 0;
  Pool incoming = matched_titles(matches, *pool, &titles);
  if (titles == 0) {
    std::printf(zh ? "没有可导入的称号\n" : "no titles to import\n");
    return count[TitleMatchKind::invalid] > 0 ? kPartial : kOk;
  }
  store::ImportOptions o;
  o.actor = actor_name(a);
  o.kind = "titles";
  o.source = std::filesystem::path(file).filename().string();
  Result<std::string> digest = store::sha256_of_file(file);
  o.source_sha256 = digest ? *digest : "";
  o.rows_read = list->rows.size();
  o.dry_run = a.has("dry-run");
  Result<store::ImportSummary> sum = s->import_pool(incoming, o);
  if (!sum) return std::cerr << "gradus: " << sum.error().message.in(lang) << "\n", kFailed;
  std::printf(zh ? "%s称号记录：新增或更新 %llu 条%s\n" : "%stitle records: %llu added or updated%s\n",
              o.dry_run ? (zh ? "【试运行，未写入】" : "[dry run, nothing written] ") : "",
              static_cast<unsigned long long>(sum->events_added),
              sum->batch_id != 0 ? (zh ? "（批次 " + std::to_string(sum->batch_id) + "）" : " (batch " + std::to_string(sum->batch_id) + ")").c_str() : "");
  return count[TitleMatchKind::invalid] > 0 ? kPartial : kOk;
}

}  // namespace gradus
