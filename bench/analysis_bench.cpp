// The analysis benchmark (issue 4, Performance): gap analysis of every firm of a synthetic pool
// against every tier (target: 100k firms in ≤ 5 s on 2 cores) and ranking a pool by distance to
// one tier (target: 1M firms in ≤ 2 s). Prints a Markdown report; run it with
// bench/analysis_run.sh or directly (gradus_analysis_bench --help). See bench/README.md.
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include "analysis/gap.h"
#include "analysis/pool_views.h"
#include "core/allocator.h"
#include "demo/generate.h"
#include "policy/registry.h"

namespace gradus::bench {
namespace {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point t) { return std::chrono::duration<double>(Clock::now() - t).count(); }

std::string load_average() {
  std::ifstream la("/proc/loadavg");
  std::string l1, l5, l15;
  la >> l1 >> l5 >> l15;
  return l1 + " " + l5 + " " + l15;
}

std::string cpu_model() {
  std::ifstream in("/proc/cpuinfo");
  for (std::string line; std::getline(in, line);) {
    if (line.rfind("model name", 0) == 0) return line.substr(line.find(':') + 2);
  }
  return "?";
}

struct Options {
  uint32_t gap_firms = 100000;
  uint32_t rank_firms = 1000000;
  std::string rank_policy = "little-giant";
  unsigned threads = 2;
  std::string as_of = "2026-06-30";
};

int usage(const char* problem) {
  if (problem != nullptr) std::cerr << "gradus_analysis_bench: " << problem << "\n";
  std::cerr << "usage: gradus_analysis_bench [--gap-firms N] [--rank-firms N] [--rank-policy ID] [--threads T]\n"
               "                             [--as-of DATE]\n"
               "  --gap-firms    firms in the gap analysis against every tier (default 100000; 0 = skip)\n"
               "  --rank-firms   firms ranked for --rank-policy (default 1000000; 0 = skip)\n"
               "  --threads      worker threads (default 2: the targets are for 2 cores)\n";
  return problem == nullptr ? 0 : 2;
}

int main_impl(int argc, char** argv) {
  Options o;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--help" || a == "-h") return usage(nullptr);
    if (i + 1 >= argc) return usage(("missing value for " + a).c_str());
    const std::string v = argv[++i];
    if (a == "--gap-firms") {
      o.gap_firms = static_cast<uint32_t>(std::strtoul(v.c_str(), nullptr, 10));
    } else if (a == "--rank-firms") {
      o.rank_firms = static_cast<uint32_t>(std::strtoul(v.c_str(), nullptr, 10));
    } else if (a == "--rank-policy") {
      o.rank_policy = v;
    } else if (a == "--threads") {
      o.threads = static_cast<unsigned>(std::strtoul(v.c_str(), nullptr, 10));
    } else if (a == "--as-of") {
      o.as_of = v;
    } else {
      return usage(("unknown option " + a).c_str());
    }
  }
  std::string errors;
  const PolicyRegistry registry = PolicyRegistry::shipped(&errors);
  if (!errors.empty()) {
    std::cerr << errors << "\n";
    return 1;
  }
  AssessOptions opt;
  Result<Date> as_of = Date::parse(o.as_of);
  if (!as_of) return usage("--as-of needs a date YYYY-MM-DD");
  opt.as_of = *as_of;
  std::vector<std::unique_ptr<Plan>> owned;
  std::vector<const Plan*> plans;
  std::string tiers;
  for (const std::string& id : registry.ids()) {
    Result<const Policy*> p = registry.select(id, opt.as_of, opt.mode);
    if (!p || (*p)->kind != Policy::Kind::tier) continue;
    owned.push_back(std::move(*compile_plan(**p, registry, opt)));
    plans.push_back(owned.back().get());
    tiers += (tiers.empty() ? "" : ", ") + owned.back()->policy->key();
  }

  std::ostringstream out;
  out << "## Analysis benchmark (gradus_analysis_bench)\n\n"
      << "Machine: " << sysconf(_SC_NPROCESSORS_ONLN) << " CPUs (" << cpu_model() << "), load average "
      << load_average() << " at the start. " << o.threads << " worker threads; as of " << o.as_of
      << "; synthetic pools (src/demo, seed 20260630, 3 fiscal years).\n\n";
  bool gap_met = true, rank_met = true;
  if (o.gap_firms > 0) {
    demo::PoolGenerator gen({.enterprises = o.gap_firms});
    const Pool pool = gen.build();
    std::atomic<uint64_t> gaps{0}, suggestions{0}, score_plans{0}, dated{0}, joint{0};
    GapOptions gap_options;  // as `gradus gap --all`: time conditions dated, linked criteria together
    gap_options.registry = &registry;
    const auto t = Clock::now();
    gap_pool(
        plans, pool, o.threads,
        [&](size_t, uint32_t, TierGap&& g) {
          ++gaps;
          uint64_t s = 0, sp = 0, d = 0;
          for (const CriterionGap& c : g.not_met) s += c.suggestions.size(), sp += c.score_plan ? 1 : 0, d += c.met_from ? 1 : 0;
          suggestions += s;
          score_plans += sp;
          dated += d;
          joint += g.together ? 1 : 0;
        },
        gap_options);
    const double secs = seconds_since(t);
    gap_met = secs <= 5.0;
    out << "### Gap analysis of every firm against every tier\n\n"
        << "| firms | tiers | firm-tier gaps (not met) | proven suggestions | score plans | dated time conditions | "
           "joint change sets | seconds | firm-tiers/s |\n"
        << "|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n"
        << "| " << o.gap_firms << " | " << plans.size() << " | " << gaps << " | " << suggestions << " | "
        << score_plans << " | " << dated << " | " << joint << " | " << secs << " | "
        << static_cast<uint64_t>(o.gap_firms * plans.size() / secs) << " |\n\n"
        << "Tiers: " << tiers << ".\n\n";
  }
  if (o.rank_firms > 0) {
    demo::PoolGenerator gen({.enterprises = o.rank_firms});
    const Pool pool = gen.build();
    const Plan* rank_plan = nullptr;
    for (const Plan* p : plans) rank_plan = p->policy->id == o.rank_policy ? p : rank_plan;
    if (rank_plan == nullptr) return usage(("no tier " + o.rank_policy + " in force on " + o.as_of).c_str());
    PotentialOptions po;
    po.top = 50;
    po.threads = o.threads;
    const auto t = Clock::now();
    const std::vector<PotentialRow> top = rank_potential(*rank_plan, pool, po);
    const double secs = seconds_since(t);
    rank_met = secs <= 2.0;
    out << "### Ranking the pool by distance to one tier\n\n"
        << "| firms | tier | top | seconds | firms/s |\n|---:|---|---:|---:|---:|\n"
        << "| " << o.rank_firms << " | " << rank_plan->policy->key() << " | " << top.size() << " | " << secs
        << " | " << static_cast<uint64_t>(o.rank_firms / secs) << " |\n\n";
  }
  out << "### Targets (issue 4)\n\n";
  if (o.gap_firms > 0) {
    out << "- gap analysis, " << o.gap_firms << " firms × every tier ≤ 5 s: " << (gap_met ? "met" : "**missed**") << "\n";
  }
  if (o.rank_firms > 0) {
    out << "- ranking " << o.rank_firms << " firms for one tier ≤ 2 s: " << (rank_met ? "met" : "**missed**") << "\n";
  }
  out << "\nLoad average at the end: " << load_average() << ".\n";
  std::cout << out.str();
  return 0;
}

}  // namespace
}  // namespace gradus::bench

int main(int argc, char** argv) {
  gradus::tune_allocator_for_bulk_work(argv);  // as the gradus command does
  return gradus::bench::main_impl(argc, argv);
}
