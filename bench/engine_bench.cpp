// gradus_bench — the engine benchmark of issue 2 (Performance): for each pool size it measures the
// synthetic pool build, CSV write and load, the evaluation of every shipped policy on 1 and 2
// threads, the peak memory, and the end-to-end `gradus assess` on the CSV, and prints one
// Markdown report. It is a plain std::chrono harness (not Google Benchmark): each measurement that
// needs its own peak RSS runs in a child process (this binary re-executed with --phase), so the
// figures of one step do not inherit the memory of another.
//
//   gradus_bench --gradus build-bench/gradus                  # 100k and 1M, best of 3
//   gradus_bench --sizes 20000 --runs 1 --out /tmp/report.md  # a quick run
//
// Internal phases (one process each): --phase engine|write-csv|load-csv --size N [--csv FILE].
// Their results are "key value…" lines on stdout that the parent collects.
#include <fcntl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <fstream>
#include <iostream>
#include <map>
#include <memory>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "core/allocator.h"
#include "demo/generate.h"
#include "engine/evaluate.h"
#include "engine/plan.h"
#include "ingest/ingest.h"
#include "policy/registry.h"

namespace gradus::bench {
using namespace gradus::demo;  // the synthetic pool generator (src/demo)
namespace {

struct Options {
  std::vector<uint32_t> sizes{100000, 1000000};
  int runs = 3;
  int e2e_runs = 1;
  std::string gradus;  // path of the gradus binary ("" = skip the end-to-end run)
  std::string work_dir = "/tmp";
  std::string out;  // also write the report here
  uint64_t seed = 20260630;
  std::string as_of = "2026-06-30";
  bool keep_csv = false;
  std::vector<unsigned> threads{1, 2};
  // Child phases.
  std::string phase;
  uint32_t size = 0;
  std::string csv;
  std::string given;
  std::vector<std::string> policies;  // --policy SPEC (repeatable): only these (for profiling)
};

double now_s() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

long peak_rss_kb() {
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  return ru.ru_maxrss;
}

// ---------------------------------------------------------------------------------------------
// Plans: every shipped policy in the version in force for application on the as-of date, plus
// little-giant@2022 (still the standard of the 2026 reviews) forced explicitly.

struct PlanSet {
  std::unique_ptr<PolicyRegistry> registry;
  std::vector<std::unique_ptr<Plan>> plans;
  std::vector<const Plan*> ptrs;
};

bool compile_plans(Date as_of, PlanSet& set, const std::vector<std::string>& only = {}) {
  std::string errors;
  set.registry = std::make_unique<PolicyRegistry>(PolicyRegistry::shipped(&errors));
  if (!errors.empty()) std::cerr << errors;
  std::vector<std::string> specs = set.registry->ids();
  specs.push_back("little-giant@2022");
  if (!only.empty()) specs = only;
  AssessOptions opt{as_of, "application"};
  for (const std::string& spec : specs) {
    Result<const Policy*> p = set.registry->select(spec, as_of, opt.mode);
    if (!p) {
      std::cerr << "note: " << spec << ": " << p.error().message.en << "\n";
      continue;
    }
    bool dup = false;
    for (const Plan* q : set.ptrs) dup = dup || q->policy == *p;
    if (dup) continue;  // little-giant@2022 when it is already the version in force
    Result<std::unique_ptr<Plan>> plan = compile_plan(**p, *set.registry, opt);
    if (!plan) {
      std::cerr << "gradus_bench: " << spec << ": " << plan.error().message.en << "\n";
      return false;
    }
    set.ptrs.push_back(plan->get());
    set.plans.push_back(std::move(*plan));
  }
  return true;
}

using Counts = std::array<uint64_t, 4>;  // indexed by Outcome

double thread_cpu_s() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

// Evaluates the plans over the pool; returns the wall time and fills the outcome counts per plan.
// On one thread the work runs in the calling thread, and *cpu_s receives its CPU time (what the
// evaluation costs when the core is not shared; the machine may be busy with other work).
double timed_evaluation(std::span<const Plan* const> plans, const Pool& pool, unsigned threads,
                        std::vector<Counts>& counts, double* cpu_s = nullptr) {
  std::vector<std::array<std::atomic<uint64_t>, 4>> tally(plans.size());
  for (auto& t : tally)
    for (auto& c : t) c = 0;
  const double t0 = now_s(), c0 = thread_cpu_s();
  evaluate_pool(plans, pool, threads, [&](size_t, const BatchView& v) {
    for (size_t k = 0; k < plans.size(); ++k) {
      uint64_t local[4] = {0, 0, 0, 0};
      for (uint32_t i = 0; i < v.count; ++i)
        local[static_cast<int>(root_outcome(*v.states[k], i))]++;
      for (int o = 0; o < 4; ++o) tally[k][o].fetch_add(local[o], std::memory_order_relaxed);
    }
  });
  const double t = now_s() - t0;
  if (cpu_s) *cpu_s = thread_cpu_s() - c0;
  counts.assign(plans.size(), Counts{});
  for (size_t k = 0; k < plans.size(); ++k)
    for (int o = 0; o < 4; ++o) counts[k][o] = tally[k][o].load();
  return t;
}

void print_counts(const char* key, size_t k, const Counts& c) {
  std::printf("%s %zu %llu %llu %llu %llu\n", key, k, static_cast<unsigned long long>(c[0]),
              static_cast<unsigned long long>(c[1]), static_cast<unsigned long long>(c[2]),
              static_cast<unsigned long long>(c[3]));
}

// ---------------------------------------------------------------------------------------------
// Child phases.

int phase_engine(const Options& o) {
  Result<Date> as_of = Date::parse(o.as_of);
  if (!as_of) return std::cerr << "bad --as-of\n", 2;
  PoolGenerator gen({.enterprises = o.size, .seed = o.seed});

  // The generator alone (drawing every firm, no pool), to separate its cost from the builder's.
  double t0 = now_s();
  {
    FirmRecord r;
    uint64_t sink = 0;
    for (uint32_t i = 0; i < o.size; ++i) {
      gen.make_firm(i, r);
      sink += r.uscc[17];
    }
    std::printf("checksum %llu\n", static_cast<unsigned long long>(sink));
  }
  std::printf("generate_s %.6f\n", now_s() - t0);

  t0 = now_s();
  PoolBuilder builder;
  gen.fill(builder);
  const double filled = now_s();
  Pool pool = std::move(builder).finish();
  const double t1 = now_s();
  std::printf("build_s %.6f\nfinish_s %.6f\n", t1 - t0, t1 - filled);
  std::printf("pool_bytes %zu\nrss_after_build_kb %ld\n", pool.memory_bytes(), peak_rss_kb());
  std::fflush(stdout);

  PlanSet set;
  if (!compile_plans(*as_of, set, o.policies)) return 2;
  for (size_t k = 0; k < set.ptrs.size(); ++k)
    std::printf("plan %zu %s\n", k, set.ptrs[k]->policy->key().c_str());

  std::vector<Counts> counts;
  for (size_t k = 0; k < set.ptrs.size(); ++k) {
    std::span<const Plan* const> one(&set.ptrs[k], 1);
    for (unsigned th : o.threads) {
      double best = 1e300, best_cpu = 1e300;
      for (int r = 0; r < o.runs; ++r) {
        double cpu = 0;
        best = std::min(best, timed_evaluation(one, pool, th, counts, &cpu));
        best_cpu = std::min(best_cpu, cpu);
      }
      std::printf("eval %zu %u %.6f\n", k, th, best);
      if (th == 1) std::printf("eval_cpu %zu %.6f\n", k, best_cpu);
    }
    print_counts("counts", k, counts[0]);
    std::fflush(stdout);
  }
  for (unsigned th : o.threads) {
    double best = 1e300;
    for (int r = 0; r < o.runs; ++r)
      best = std::min(best, timed_evaluation(set.ptrs, pool, th, counts));
    std::printf("eval_all %u %.6f\n", th, best);
  }
  std::printf("peak_rss_kb %ld\n", peak_rss_kb());
  return 0;
}

// Checks that the CSV written by the generator loads into exactly the pool the generator builds:
// every column, text and event list, enterprise by enterprise. Prints "verify_mismatches N".
int phase_verify(const Options& o) {
  PoolGenerator gen({.enterprises = o.size, .seed = o.seed});
  Pool built = gen.build();
  Status s = gen.write_csv(o.csv);
  if (!s.ok()) return std::cerr << s.message.en << "\n", 2;
  IngestReport report;
  Result<Pool> loaded = load_pool_file(o.csv, report);
  if (!o.keep_csv) std::remove(o.csv.c_str());
  if (!loaded) return std::cerr << loaded.error().message.en << "\n", 2;
  for (size_t k = 0; k < report.errors.size() && k < 5; ++k)
    std::cerr << format_input_error(report.errors[k], Lang::en) << "\n";
  uint64_t bad = 0;
  auto complain = [&](const std::string& what) {
    if (++bad <= 10) std::cerr << "mismatch: " << what << "\n";
  };
  const Pool& a = built;
  const Pool& b = *loaded;
  if (a.size() != b.size())
    complain("size " + std::to_string(a.size()) + " vs " + std::to_string(b.size()));
  const uint32_t n = std::min(a.size(), b.size());
  auto same_column = [&](const Column* x, const Column* y, const std::string& name) {
    for (uint32_t e = 0; e < n; ++e) {
      const bool px = x && !x->present.empty() && x->present[e],
                 py = y && !y->present.empty() && y->present[e];
      if (px != py || (px && x->values[e] != y->values[e])) {
        complain(name + " of " + a.uscc(e));
        return;
      }
    }
  };
  for (const FieldDef& f : all_fields()) {
    if (f.kind == FieldKind::text) {
      for (uint32_t e = 0; e < n; ++e)
        if (a.text(f.id, e) != b.text(f.id, e)) {
          complain(std::string(f.name) + " of " + a.uscc(e));
          break;
        }
    } else if (f.scope == FieldScope::enterprise) {
      same_column(&a.column(f.id), &b.column(f.id), std::string(f.name));
    } else {
      for (int y = gen.options().first_year; y <= gen.options().last_year; ++y)
        same_column(a.yearly(f.id, y), b.yearly(f.id, y),
                    std::string(f.name) + "@" + std::to_string(y));
    }
  }
  for (uint32_t e = 0; e < n; ++e) {
    auto ta = a.titles().of(e), tb = b.titles().of(e);
    bool ok = ta.size() == tb.size();
    for (size_t k = 0; ok && k < ta.size(); ++k)
      ok = ta[k].tier == tb[k].tier && ta[k].since == tb[k].since &&
           ta[k].valid_to == tb[k].valid_to && ta[k].status == tb[k].status;
    auto ia = a.incidents().of(e), ib = b.incidents().of(e);
    ok = ok && ia.size() == ib.size();
    for (size_t k = 0; ok && k < ia.size(); ++k)
      ok = ia[k].kind == ib[k].kind && ia[k].date == ib[k].date && ia[k].until == ib[k].until;
    auto aa = a.awards().of(e), ab = b.awards().of(e);
    ok = ok && aa.size() == ab.size();
    for (size_t k = 0; ok && k < aa.size(); ++k)
      ok = aa[k].level == ab[k].level && aa[k].rank == ab[k].rank && aa[k].date == ab[k].date;
    auto ma = a.maker_china().of(e), mb = b.maker_china().of(e);
    ok = ok && ma.size() == mb.size();
    for (size_t k = 0; ok && k < ma.size(); ++k)
      ok = ma[k].list == mb[k].list && ma[k].year == mb[k].year;
    auto ha = a.honours().of(e), hb = b.honours().of(e);
    ok = ok && ha.size() == hb.size();
    for (size_t k = 0; ok && k < ha.size(); ++k)
      ok = ha[k].kind == hb[k].kind && ha[k].valid_from == hb[k].valid_from &&
           ha[k].valid_to == hb[k].valid_to;
    if (!ok) complain("events of " + a.uscc(e));
  }
  std::printf("verify_enterprises %u\nverify_errors %zu\nverify_mismatches %llu\n", n,
              report.errors.size(), static_cast<unsigned long long>(bad));
  return bad || !report.errors.empty() ? 1 : 0;
}

// For tuning the generator: the share of each outcome for every criterion of every plan.
int phase_criteria(const Options& o) {
  Result<Date> as_of = Date::parse(o.as_of);
  if (!as_of) return std::cerr << "bad --as-of\n", 2;
  Pool pool = PoolGenerator({.enterprises = o.size, .seed = o.seed}).build();
  PlanSet set;
  if (!compile_plans(*as_of, set, o.policies)) return 2;
  for (const Plan* plan : set.ptrs) {
    std::vector<Counts> per(plan->criteria.size(), Counts{});
    BatchState st(*plan);
    int given = -1;  // --given ID: only the rows where that criterion is met
    for (size_t c = 0; c < plan->criteria.size(); ++c)
      if (!o.given.empty() && plan->criteria[c].source->id == o.given) given = static_cast<int>(c);
    uint64_t rows = 0;
    std::vector<std::vector<uint64_t>> bands(plan->indicators.size(), std::vector<uint64_t>(17, 0));
    for (uint32_t b = 0; b < pool.size(); b += kBatch) {
      const uint32_t n = std::min(kBatch, pool.size() - b);
      evaluate_batch(*plan, pool, b, n, st);
      for (uint32_t i = 0; i < n; ++i) {
        if (given >= 0 && st.outcome[static_cast<size_t>(given) * kBatch + i] !=
                              static_cast<uint8_t>(Outcome::met))
          continue;
        ++rows;
        for (size_t c = 0; c < plan->criteria.size(); ++c) per[c][st.outcome[c * kBatch + i]]++;
        for (size_t k = 0; k < plan->indicators.size(); ++k)
          bands[k][std::min(15, st.band[k * kBatch + i] + 1)]++;
      }
    }
    if (rows == 0) continue;
    std::printf("%s  (not_met / met / unknown / manual %% of %llu rows)\n",
                plan->policy->key().c_str(), static_cast<unsigned long long>(rows));
    for (size_t c = 0; c < plan->criteria.size(); ++c) {
      const PlanCriterion& pc = plan->criteria[c];
      std::printf("  %*s%-40s %6.2f %6.2f %6.2f %6.2f\n", pc.depth * 2, "", pc.source->id.c_str(),
                  100.0 * per[c][0] / rows, 100.0 * per[c][1] / rows, 100.0 * per[c][2] / rows,
                  100.0 * per[c][3] / rows);
    }
    for (size_t k = 0; k < plan->indicators.size(); ++k) {
      std::printf("  indicator %-30s bands (undecided, 0, 1, …) %%:",
                  plan->indicators[k].variants[0].source->id.c_str());
      for (size_t b = 0; b < 8; ++b) std::printf(" %5.1f", 100.0 * bands[k][b] / rows);
      std::printf("\n");
    }
  }
  return 0;
}

// For checking that an engine change keeps every decision: a hash per plan of everything the
// evaluator produces (each node's state and value, criteria outcomes, score intervals and bands,
// classes), for the application and the review mode. Compare the output of two builds.
int phase_digest(const Options& o) {
  Result<Date> as_of = Date::parse(o.as_of);
  if (!as_of) return std::cerr << "bad --as-of\n", 2;
  Pool pool = PoolGenerator({.enterprises = o.size, .seed = o.seed}).build();
  for (const char* mode : {"application", "review"}) {
    PlanSet set;
    set.registry = std::make_unique<PolicyRegistry>(PolicyRegistry::shipped(nullptr));
    std::vector<std::string> specs = o.policies.empty() ? set.registry->ids() : o.policies;
    for (const std::string& spec : specs) {
      Result<const Policy*> p = set.registry->select(spec, *as_of, mode);
      if (!p) continue;
      Result<std::unique_ptr<Plan>> plan =
          compile_plan(**p, *set.registry, AssessOptions{*as_of, mode});
      if (!plan) return std::cerr << spec << ": " << plan.error().message.en << "\n", 2;
      const Plan& pl = **plan;
      uint64_t h = 1469598103934665603ull;
      auto mix = [&h](uint64_t x) { h = (h ^ x) * 1099511628211ull; };
      BatchState st(pl);
      for (uint32_t b = 0; b < pool.size(); b += kBatch) {
        const uint32_t n = std::min(kBatch, pool.size() - b);
        evaluate_batch(pl, pool, b, n, st);
        for (uint32_t i = 0; i < n; ++i) {
          for (size_t k = 0; k < pl.nodes.size(); ++k) {
            const uint8_t s = st.s(static_cast<int>(k))[i];
            mix(s);
            if (s == kValueOk) {
              uint64_t bits;
              const double v = st.v(static_cast<int>(k))[i];
              std::memcpy(&bits, &v, sizeof bits);
              mix(bits);
            }
          }
          for (size_t c = 0; c < pl.criteria.size(); ++c) mix(st.outcome[c * kBatch + i]);
          for (size_t k = 0; k < pl.indicators.size(); ++k) {
            const size_t at = k * kBatch + i;
            mix(static_cast<uint64_t>(st.lo[at] * 1e6)),
                mix(static_cast<uint64_t>(st.hi[at] * 1e6));
            mix(st.flags[at]), mix(static_cast<uint64_t>(st.band[at] + 1)), mix(st.variant[at]);
          }
          if (pl.policy->score) mix(st.pass[i]);
          if (pl.classify)
            mix(static_cast<uint64_t>(st.result[i] + 1)), mix(st.possible[i]),
                mix(st.class_outcome[i]);
          mix(static_cast<uint64_t>(root_outcome(st, i)));
        }
      }
      std::printf("digest %s %s %016llx\n", mode, pl.policy->key().c_str(),
                  static_cast<unsigned long long>(h));
    }
  }
  return 0;
}

int phase_write_csv(const Options& o) {
  PoolGenerator gen({.enterprises = o.size, .seed = o.seed});
  const double t0 = now_s();
  uint64_t bytes = 0;
  Status s = gen.write_csv(o.csv, &bytes);
  if (!s.ok()) return std::cerr << s.message.en << "\n", 2;
  std::printf("write_s %.6f\nbytes %llu\npeak_rss_kb %ld\n", now_s() - t0,
              static_cast<unsigned long long>(bytes), peak_rss_kb());
  return 0;
}

int phase_load_csv(const Options& o) {
  Result<Date> as_of = Date::parse(o.as_of);
  if (!as_of) return std::cerr << "bad --as-of\n", 2;
  IngestReport report;
  const double t0 = now_s();
  Result<Pool> pool = load_pool_file(o.csv, report);
  const double t1 = now_s();
  if (!pool) return std::cerr << pool.error().message.en << "\n", 2;
  for (size_t k = 0; k < report.errors.size() && k < 5; ++k)
    std::cerr << format_input_error(report.errors[k], Lang::en) << "\n";
  for (size_t k = 0; k < report.warnings.size() && k < 3; ++k)
    std::cerr << "warning: " << format_input_error(report.warnings[k], Lang::en) << "\n";
  std::printf("load_s %.6f\nrows_read %u\nloaded %u\nrejected %u\nerrors %zu\nwarnings %zu\n",
              t1 - t0, report.rows_read, report.enterprises_loaded, report.enterprises_rejected,
              report.errors.size(), report.warnings.size());
  std::printf("pool_bytes %zu\nrss_after_load_kb %ld\n", pool->memory_bytes(), peak_rss_kb());
  PlanSet set;
  if (!compile_plans(*as_of, set, o.policies)) return 2;
  std::vector<Counts> counts;
  const double t = timed_evaluation(set.ptrs, *pool, 2, counts);
  std::printf("eval_all 2 %.6f\n", t);
  for (size_t k = 0; k < counts.size(); ++k) print_counts("counts", k, counts[k]);
  std::printf("peak_rss_kb %ld\n", peak_rss_kb());
  return 0;
}

// ---------------------------------------------------------------------------------------------
// The parent: runs the phases as processes and writes the report.

struct ProcessResult {
  int exit_code = -1;
  double wall_s = 0;
  long maxrss_kb = 0;
  double user_s = 0, sys_s = 0;
  std::string out;
};

std::string read_all(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// Runs argv[0] with the arguments; stdout goes to `out_path` (and is returned), stderr is passed on
// unless `err_path` is given.
ProcessResult run_process(const std::vector<std::string>& argv, const std::string& out_path,
                          const std::string& err_path = "") {
  ProcessResult r;
  std::fflush(stdout);
  std::fflush(stderr);
  const double t0 = now_s();
  pid_t pid = fork();
  if (pid < 0) return r;
  if (pid == 0) {
    int fd = open(out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd >= 0) dup2(fd, 1), close(fd);
    if (!err_path.empty()) {
      int fe = open(err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
      if (fe >= 0) dup2(fe, 2), close(fe);
    }
    std::vector<char*> args;
    for (const std::string& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    execv(args[0], args.data());
    std::perror("execv");
    _exit(127);
  }
  int status = 0;
  rusage ru{};
  wait4(pid, &status, 0, &ru);
  r.wall_s = now_s() - t0;
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  r.maxrss_kb = ru.ru_maxrss;
  r.user_s = static_cast<double>(ru.ru_utime.tv_sec) + ru.ru_utime.tv_usec * 1e-6;
  r.sys_s = static_cast<double>(ru.ru_stime.tv_sec) + ru.ru_stime.tv_usec * 1e-6;
  r.out = read_all(out_path);
  std::remove(out_path.c_str());
  return r;
}

// "key v1 v2 …" lines → key → list of lines (each a vector of tokens after the key).
std::multimap<std::string, std::vector<std::string>> parse_lines(const std::string& text) {
  std::multimap<std::string, std::vector<std::string>> m;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    std::istringstream ls(line);
    std::string key, tok;
    ls >> key;
    std::vector<std::string> toks;
    while (ls >> tok) toks.push_back(tok);
    if (!key.empty()) m.emplace(key, std::move(toks));
  }
  return m;
}

double num(const std::multimap<std::string, std::vector<std::string>>& m, const std::string& key,
           size_t at = 0) {
  auto it = m.find(key);
  if (it == m.end() || it->second.size() <= at) return 0;
  return std::atof(it->second[at].c_str());
}

std::string self_exe() {
  char buf[4096];
  ssize_t n = readlink("/proc/self/exe", buf, sizeof buf - 1);
  return n > 0 ? std::string(buf, static_cast<size_t>(n)) : std::string("gradus_bench");
}

std::string fmt(const char* f, double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, f, v);
  return buf;
}
std::string secs(double s) {
  return s >= 10 ? fmt("%.1f s", s) : s >= 1 ? fmt("%.2f s", s) : fmt("%.0f ms", s * 1000);
}
std::string mb(double kb) { return fmt("%.0f MB", kb / 1024.0); }
std::string mega(double v) { return fmt("%.2f M", v / 1e6); }
std::string grouped(uint64_t v) {
  std::string s = std::to_string(v);
  for (int i = static_cast<int>(s.size()) - 3; i > 0; i -= 3) s.insert(static_cast<size_t>(i), ",");
  return s;
}
std::string pct(uint64_t part, uint64_t whole) {
  return whole ? fmt("%.2f %%", 100.0 * part / whole) : "—";
}

std::string first_line_of_file(const std::string& path, const std::string& prefix) {
  std::ifstream in(path);
  std::string line;
  while (std::getline(in, line))
    if (line.rfind(prefix, 0) == 0) return line;
  return "";
}

std::string machine_description() {
  std::ostringstream s;
  std::string model = first_line_of_file("/proc/cpuinfo", "model name");
  if (auto p = model.find(':'); p != std::string::npos) model = model.substr(p + 2);
  std::string mem = first_line_of_file("/proc/meminfo", "MemTotal");
  std::istringstream ms(mem);
  std::string k;
  double kb = 0;
  ms >> k >> kb;
  s << "- machine: " << std::thread::hardware_concurrency() << " logical CPUs (" << model << "), "
    << fmt("%.1f GB", kb / 1024 / 1024) << " RAM\n";
  s << "- compiler: " << __VERSION__
#ifdef NDEBUG
    << ", NDEBUG"
#endif
    << "\n";
  return s.str();
}

// How much two threads really get on this machine right now: the speed-up of a register-only loop
// run on 2 threads over 1 (2.0 = two free cores; ~1.0 = another process holds one of them).
double two_thread_speedup() {
  auto spin = [](unsigned threads) {
    std::atomic<uint64_t> sink{0};
    const double t0 = now_s();
    std::vector<std::thread> ws;
    for (unsigned k = 0; k < threads; ++k)
      ws.emplace_back([&sink, k] {
        uint64_t x = k + 1;
        for (long i = 0; i < 200'000'000; ++i)
          x = x * 6364136223846793005ull + 1442695040888963407ull;
        sink += x;
      });
    for (auto& w : ws) w.join();
    return now_s() - t0;
  };
  const double one = spin(1), two = spin(2);
  return 2.0 * one / two;
}

std::string loadavg() {
  std::string l = read_all("/proc/loadavg");
  std::istringstream in(l);
  std::string a, b, c;
  in >> a >> b >> c;
  return a + " " + b + " " + c;
}

int run_all(const Options& o) {
  const std::string self = self_exe();
  std::ostringstream rep;
  std::vector<std::string> misses;
  rep << "# gradus engine benchmark\n\n";
  rep << machine_description();
  rep << "- load average at start: " << loadavg()
      << " (1/5/15 min); two-thread speed-up of a register-only loop: "
      << fmt("%.2f", two_thread_speedup()) << "× (2.00 = two free cores)\n";
  rep << "- pool: synthetic, seed " << o.seed
      << ", 3 fiscal years (2023–2025); policies in force for application on " << o.as_of
      << " plus little-giant@2022; evaluation time = best of " << o.runs
      << " runs, outcome counts in the sink; "
      << "batch " << kBatch << " rows\n";
  rep << "- \"pass\" = outcome met, or manual where a policy has a criterion only a reviewer can "
         "decide (manual = every "
         "quantified criterion met)\n\n";

  for (uint32_t n : o.sizes) {
    std::cerr << "gradus_bench: " << n << " enterprises…\n";
    const std::string load_before = loadavg();
    const std::string tag =
        o.work_dir + "/gradus_bench_" + std::to_string(n) + "_" + std::to_string(getpid());
    const std::string csv = tag + ".csv";
    const std::vector<std::string> common = {
        "--size",  std::to_string(n), "--seed", std::to_string(o.seed),
        "--as-of", o.as_of,           "--runs", std::to_string(o.runs)};
    auto phase = [&](const std::string& name, std::vector<std::string> extra) {
      std::vector<std::string> argv{self, "--phase", name};
      argv.insert(argv.end(), common.begin(), common.end());
      argv.insert(argv.end(), extra.begin(), extra.end());
      return run_process(argv, tag + "." + name + ".out");
    };

    ProcessResult eng = phase("engine", {});
    ProcessResult wr = phase("write-csv", {"--csv", csv});
    ProcessResult ld = phase("load-csv", {"--csv", csv});
    auto em = parse_lines(eng.out), wm = parse_lines(wr.out), lm = parse_lines(ld.out);
    if (eng.exit_code || wr.exit_code || ld.exit_code) {
      rep << "**a phase failed** (engine " << eng.exit_code << ", write " << wr.exit_code
          << ", load " << ld.exit_code << ")\n\n";
    }

    // End to end: gradus assess on the CSV.
    ProcessResult e2e;
    std::string e2e_line;
    if (!o.gradus.empty() && o.e2e_runs > 0) {
      double best = 1e300;
      for (int r = 0; r < o.e2e_runs; ++r) {
        ProcessResult p =
            run_process({o.gradus, "assess", "--input", csv, "--policy", "little-giant@2022",
                         "--as-of", o.as_of, "--format", "summary", "--lang", "en"},
                        tag + ".assess.out", tag + ".assess.err");
        std::remove((tag + ".assess.err").c_str());
        if (p.wall_s < best) best = p.wall_s, e2e = p;
      }
      std::istringstream in(e2e.out);
      std::string line;
      while (std::getline(in, line))
        if (line.rfind("little-giant@2022", 0) == 0) e2e_line = line;
    }
    if (!o.keep_csv) std::remove(csv.c_str());

    const uint64_t rows = static_cast<uint64_t>(num(lm, "rows_read"));
    rep << "## " << grouped(n) << " enterprises × 3 fiscal years\n\n";
    rep << "Load average before / after this size: " << load_before << " / " << loadavg()
        << ".\n\n";
    rep << "| step | wall time | throughput | peak RSS of the process |\n|---|---:|---:|---:|\n";
    const double gen_s = num(em, "generate_s"), build_s = num(em, "build_s"),
                 fin_s = num(em, "finish_s");
    rep << "| generator only (draw every firm, no pool) | " << secs(gen_s) << " | "
        << mega(n / gen_s) << " ent/s | |\n";
    rep << "| pool build: generator → PoolBuilder → finish() | " << secs(build_s) << " (finish "
        << secs(fin_s) << ") | " << mega(n / build_s) << " ent/s | "
        << mb(num(em, "rss_after_build_kb")) << " (Pool::memory_bytes "
        << mb(num(em, "pool_bytes") / 1024) << ") |\n";
    rep << "| evaluation of all policies (same process as the build) | | | "
        << mb(num(em, "peak_rss_kb")) << " |\n";
    const double bytes = num(wm, "bytes"), wr_s = num(wm, "write_s");
    rep << "| CSV write (" << grouped(rows) << " rows, " << fmt("%.0f MB", bytes / 1e6) << ") | "
        << secs(wr_s) << " | " << fmt("%.0f MB/s", bytes / 1e6 / wr_s) << " | "
        << mb(num(wm, "peak_rss_kb")) << " |\n";
    const double load_s = num(lm, "load_s");
    rep << "| CSV load: load_pool_file | " << secs(load_s) << " | " << mega(rows / load_s)
        << " rows/s, " << fmt("%.0f MB/s", bytes / 1e6 / load_s) << " | "
        << mb(num(lm, "rss_after_load_kb")) << " after load, " << mb(num(lm, "peak_rss_kb"))
        << " with evaluation |\n";
    if (!o.gradus.empty() && o.e2e_runs > 0) {
      rep << "| `gradus assess --policy little-giant@2022 --format summary` (process, end to end) "
             "| "
          << secs(e2e.wall_s) << " (user " << secs(e2e.user_s) << ", sys " << secs(e2e.sys_s)
          << ") | " << mega(n / e2e.wall_s) << " ent/s | " << mb(static_cast<double>(e2e.maxrss_kb))
          << " |\n";
    }
    rep << "\n";
    if (num(lm, "errors") > 0 || num(lm, "rejected") > 0)
      rep << "**The CSV load reported " << num(lm, "errors") << " errors, " << num(lm, "rejected")
          << " enterprises rejected.**\n\n";

    // Per policy.
    std::map<size_t, std::string> names;
    for (auto [it, end] = em.equal_range("plan"); it != end; ++it)
      names[std::stoul(it->second[0])] = it->second[1];
    std::map<std::pair<size_t, unsigned>, double> evals;
    for (auto [it, end] = em.equal_range("eval"); it != end; ++it)
      evals[{std::stoul(it->second[0]), static_cast<unsigned>(std::stoul(it->second[1]))}] =
          std::atof(it->second[2].c_str());
    std::map<size_t, Counts> counts, csv_counts;
    for (auto [it, end] = em.equal_range("counts"); it != end; ++it)
      for (int k = 0; k < 4; ++k)
        counts[std::stoul(it->second[0])][k] = std::stoull(it->second[1 + k]);
    for (auto [it, end] = lm.equal_range("counts"); it != end; ++it)
      for (int k = 0; k < 4; ++k)
        csv_counts[std::stoul(it->second[0])][k] = std::stoull(it->second[1 + k]);

    std::map<size_t, double> cpu;
    for (auto [it, end] = em.equal_range("eval_cpu"); it != end; ++it)
      cpu[std::stoul(it->second[0])] = std::atof(it->second[1].c_str());
    rep << "| policy | 1 thread | M ent/s (1 core) | CPU time, 1 thread | M ent/s per CPU second | "
           "2 threads | M ent/s per core (2 threads) | met | manual | unknown | not_met | pass |\n";
    rep << "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n";
    for (const auto& [k, name] : names) {
      const double t1 = evals[{k, 1}], t2 = evals[{k, 2}];
      const Counts& c = counts[k];
      const int met = static_cast<int>(Outcome::met), man = static_cast<int>(Outcome::manual);
      rep << "| " << name << " | " << secs(t1) << " | " << fmt("%.1f", n / t1 / 1e6) << " | "
          << secs(cpu[k]) << " | " << fmt("%.1f", n / cpu[k] / 1e6) << " | " << secs(t2) << " | "
          << fmt("%.1f", n / t2 / 2 / 1e6) << " | " << grouped(c[met]) << " | " << grouped(c[man])
          << " | " << grouped(c[static_cast<int>(Outcome::unknown)]) << " | "
          << grouped(c[static_cast<int>(Outcome::not_met)]) << " | " << pct(c[met] + c[man], n)
          << " |\n";
      if (n >= 1000000 && t2 >= 1.0)
        misses.push_back(name + " over " + grouped(n) + " takes " + secs(t2) +
                         " on 2 threads (target < 1 s)");
      if (name == "little-giant@2022" && n / t1 < 10e6)
        misses.push_back("little-giant@2022: " + fmt("%.1f", n / t1 / 1e6) +
                         " M ent/s on one core at " + grouped(n) + " (target ≥ 10 M/s; " +
                         fmt("%.1f", n / cpu[k] / 1e6) + " M per CPU second)");
    }
    for (unsigned th : o.threads) {
      double t = 0;
      for (auto [it, end] = em.equal_range("eval_all"); it != end; ++it)
        if (std::stoul(it->second[0]) == th) t = std::atof(it->second[1].c_str());
      rep << "| all " << names.size() << " together, " << th << (th == 1 ? " thread" : " threads")
          << " | " << (th == 1 ? secs(t) : "") << " | " << (th == 1 ? fmt("%.1f", n / t / 1e6) : "")
          << " | | | " << (th == 1 ? "" : secs(t)) << " | "
          << (th == 1 ? "" : fmt("%.1f", n / t / th / 1e6)) << " | | | | | |\n";
    }
    rep << "\n";
    const bool same = !csv_counts.empty() && csv_counts == counts;
    rep << "CSV round trip: the pool loaded from the CSV gives "
        << (same ? "the same" : "**different**")
        << " outcome counts for every policy as the generated pool.";
    if (!e2e_line.empty()) rep << " `gradus assess` summary: `" << e2e_line << "`.";
    rep << "\n\n";
    const double peak_csv_mb =
        std::max<double>(num(lm, "peak_rss_kb"), static_cast<double>(e2e.maxrss_kb)) / 1024;
    if (n >= 1000000 && num(em, "peak_rss_kb") / 1024 >= 1536)
      misses.push_back("peak RSS of build + evaluation at " + grouped(n) + ": " +
                       mb(num(em, "peak_rss_kb")) + " (target < 1.5 GB)");
    if (n >= 1000000 && peak_csv_mb >= 1536)
      misses.push_back("peak RSS when the pool comes from the CSV at " + grouped(n) + ": " +
                       fmt("%.0f MB", peak_csv_mb) + " (target < 1.5 GB)");
  }
  rep << "- load average at end: " << loadavg()
      << "; two-thread speed-up of a register-only loop: " << fmt("%.2f", two_thread_speedup())
      << "×\n";
  rep << "\n## Targets (issue 2)\n\n";
  if (misses.empty()) rep << "All targets met.\n";
  for (const std::string& m : misses) rep << "- MISSED: " << m << "\n";
  std::cout << rep.str();
  if (!o.out.empty()) {
    std::ofstream f(o.out);
    f << rep.str();
  }
  return 0;
}

const char* kUsage =
    R"(usage: gradus_bench [--sizes N[,N...]] [--runs R] [--gradus PATH] [--e2e-runs R]
                    [--work-dir DIR] [--out FILE] [--seed S] [--as-of YYYY-MM-DD] [--keep-csv]
Measures pool build, CSV write/load, per-policy evaluation on 1 and 2 threads, peak RSS and the
end-to-end `gradus assess` (when --gradus is given) for each size (default 100000,1000000), and
prints a Markdown report (also written to --out).
)";

}  // namespace
}  // namespace gradus::bench

int main(int argc, char** argv) {
  using namespace gradus::bench;
  gradus::tune_allocator_for_bulk_work(argv);  // as the gradus command does
  Options o;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    auto value = [&]() -> std::string {
      if (i + 1 >= argc) {
        std::cerr << a << " needs a value\n";
        std::exit(2);
      }
      return argv[++i];
    };
    if (a == "--sizes") {
      o.sizes.clear();
      std::stringstream ss(value());
      std::string part;
      while (std::getline(ss, part, ','))
        o.sizes.push_back(static_cast<uint32_t>(std::stoul(part)));
    } else if (a == "--runs")
      o.runs = std::max(1, std::stoi(value()));
    else if (a == "--e2e-runs")
      o.e2e_runs = std::max(0, std::stoi(value()));  // 0: no end-to-end run
    else if (a == "--gradus")
      o.gradus = value();
    else if (a == "--work-dir")
      o.work_dir = value();
    else if (a == "--out")
      o.out = value();
    else if (a == "--seed")
      o.seed = std::stoull(value());
    else if (a == "--as-of")
      o.as_of = value();
    else if (a == "--keep-csv")
      o.keep_csv = true;
    else if (a == "--phase")
      o.phase = value();
    else if (a == "--size")
      o.size = static_cast<uint32_t>(std::stoul(value()));
    else if (a == "--csv")
      o.csv = value();
    else if (a == "--given")
      o.given = value();
    else if (a == "--policy")
      o.policies.push_back(value());
    else if (a == "--threads") {
      o.threads.clear();
      std::stringstream ss(value());
      std::string part;
      while (std::getline(ss, part, ','))
        o.threads.push_back(static_cast<unsigned>(std::stoul(part)));
    } else if (a == "--help" || a == "-h")
      return std::cout << kUsage, 0;
    else
      return std::cerr << "unknown argument " << a << "\n" << kUsage, 2;
  }
  if (o.phase == "engine") return phase_engine(o);
  if (o.phase == "write-csv") return phase_write_csv(o);
  if (o.phase == "load-csv") return phase_load_csv(o);
  if (o.phase == "criteria") return phase_criteria(o);
  if (o.phase == "digest") return phase_digest(o);
  if (o.phase == "verify") return phase_verify(o);
  if (!o.phase.empty()) return std::cerr << "unknown phase " << o.phase << "\n", 2;
  return run_all(o);
}
