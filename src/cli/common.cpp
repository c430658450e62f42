// What the gradus commands share (common.h).
#include "cli/common.h"

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "analysis/pool_filter.h"
#include "cli/args.h"
#include "cli/commands.h"
#include "core/fields.h"
#include "engine/plan.h"
#include "ingest/ingest.h"
#include "policy/calls.h"
#include "policy/registry.h"
#include "store/store.h"

namespace gradus {

// Options shared by assess and explain.
bool read_common(const Args& a, Common& c) {
  if (a.has("lang") && !parse_lang(a.get("lang"), &c.lang))
    return usage_error("--lang must be zh or en"), false;
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
        std::cerr << (c.lang == Lang::zh ? "提示：" : "note: ") << p.error().message.in(c.lang)
                  << "\n";
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
bool load_input(const std::string& path, Lang lang, Pool& pool, IngestReport& report,
                const IngestOptions& options) {
  Result<Pool> p = load_pool_file(path, report, options);
  for (const InputError& e : report.errors) std::cerr << format_input_error(e, lang) << "\n";
  for (const InputError& e : report.warnings)
    std::cerr << (lang == Lang::zh ? "警告：" : "warning: ") << format_input_error(e, lang) << "\n";
  if (!p) {
    std::cerr << "gradus: " << p.error().message.in(lang) << "\n";
    return false;
  }
  if (!report.errors.empty()) {
    std::cerr << (lang == Lang::zh ? "有 " + std::to_string(report.enterprises_rejected) +
                                         " 家企业因数据错误未参与评价\n"
                                   : std::to_string(report.enterprises_rejected) +
                                         " enterprise(s) rejected because of input errors\n");
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
      std::cerr << (lang == Lang::zh
                        ? "gradus: " + a.get("known-at") + " 时企业库中还没有数据\n"
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
  return load_input(a.get("input"), lang, pool, report, ingest_options(a));
}

// The pool row of --uscc (width-normalised, upper-cased); prints why when it is not there.
std::optional<uint32_t> find_firm(const Args& a, Lang lang, const Pool& pool,
                                  std::string* code_out) {
  Result<uint32_t> row = gradus::find_firm(pool, {a.get("uscc"), a.get("name")});
  if (!row) {
    std::cerr << "gradus: " << row.error().message.in(lang) << "\n";
    return std::nullopt;
  }
  if (code_out != nullptr) *code_out = pool.uscc(*row);
  return *row;
}

bool read_filter(const Args& a, Lang lang, PoolFilter& filter) {
  Result<PoolFilter> f = PoolFilter::make(a.get("region"), a.get("park"), a.get("industry"));
  if (!f) {
    std::cerr << "gradus: " << f.error().message.in(lang) << "\n";
    return false;
  }
  filter = std::move(*f);
  return true;
}

bool apply_filter(const Args& a, Lang lang, Pool& pool) {
  PoolFilter filter;
  if (!read_filter(a, lang, filter)) return false;
  if (filter.empty()) return true;
  const std::vector<uint32_t> rows = filter_rows(pool, filter);
  pool = pool.subset(rows);
  return true;
}

std::string criteria_text(const Plan& plan, const std::vector<std::string>& ids, Lang lang) {
  std::string out;
  for (const std::string& id : ids) {
    if (lang == Lang::en) {
      out += (out.empty() ? "" : ";") + id;
      continue;
    }
    const Criterion* c = find_criterion(plan, id);
    out += (out.empty() ? "" : "；") + (c != nullptr ? c->label.zh : id);
  }
  return out;
}

std::string pad_display(std::string_view s, size_t width) {
  const size_t columns = display_columns(s);
  return std::string(s) + std::string(columns < width ? width - columns : 0, ' ');
}

std::string pad_display_left(std::string_view s, size_t width) {
  const size_t columns = display_columns(s);
  return std::string(columns < width ? width - columns : 0, ' ') + std::string(s);
}

IngestOptions ingest_options(const Args& a) {
  IngestOptions o;
  o.ignore_unknown_columns = a.has("ignore-unknown-columns");
  return o;
}

bool has_firm_option(const Args& a) { return a.has("uscc") != a.has("name"); }

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

std::string read_file(const std::string& path, bool* ok) {
  std::ifstream in(path, std::ios::binary);
  *ok = static_cast<bool>(in);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

}  // namespace gradus
