// Gap analysis for one enterprise and one tier (issue 4, first part): which criteria stand between
// the firm and the tier, and for each unmet measurable criterion the smallest change of one fact
// that satisfies it, in the criterion's own units ("rd_expense@2025: 742.4 → 900 万元, +157.6").
// Every suggestion is proven before it is shown: it is applied through what-if and the criterion
// must turn met. Unknown facts come first ("we cannot tell until you enter …"), manual criteria
// are named as such.
//
//   TierGap g = tier_gap(plan, pool, e);
//   for (const CriterionGap& c : g.not_met) for (const GapSuggestion& s : c.suggestions) show(s);
//
// For a scored tier's score route, the cheapest proven set of indicator upgrades (ScorePlan); for
// a criterion only time can change, the first day it is met (GapOptions); criteria that read the
// same facts solved together (TierGap::together). A criterion whose measure is not a
// single fact, a ratio of two facts or a sum of facts gets no suggestion (and says so).
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "analysis/whatif.h"

namespace gradus {

class PolicyRegistry;  // policy/registry.h

struct GapSuggestion {
  std::vector<FactOverride> changes;  // apply all of them
  std::vector<int64_t> before;        // each changed fact's value now (raw; 0 when missing)
  // "R&D expense (2025): 742.4 → 900 万元 (+157.6)", one line per change; made when asked for,
  // so that analysing a whole pool builds no text nobody reads.
  Text text() const;
};

// Alternative changes that each meet the same criterion, in one line: "total liabilities (2025):
// 30000 → 12960 10k yuan (-17040), or total assets (2025): 17280 → 40000 10k yuan (+22720)".
Text alternatives_text(std::span<const GapSuggestion> alternatives);

// One scored indicator raised to a better band, by a proven change of facts.
struct ScoreUpgrade {
  std::string indicator;  // indicator id
  Text label;
  double points_before = 0, points_after = 0;
  std::string band;       // wording of the band reached
  GapSuggestion change;
  double effort = 0;      // relative size of the change (see ScorePlan)
};

// The cheapest set of indicator upgrades that reaches the pass mark and every class minimum of a
// scored tier. Found exactly: every combination of "stay" or "reach band b" per indicator is
// enumerated (the tables are small: innovative-sme has 6 indicators of ≤ 5 bands), those meeting
// every pass rule are ordered by effort — the sum over changed facts of |after − before| divided
// by max(|before|, |after|), and for money also by at least the firm's revenue of that year, so
// that R&D +50万元 at 5000万元 revenue costs 0.01 and a first Class I patent costs 1; a yes/no
// fact or a level of an enumeration costs 1 per step (R&D institution none → municipal: 2), one
// more label of a set (product field) 1 — then by the number of upgrades, and the first whose
// changes, applied together through what-if, really pass the tier's score route is kept. A greedy
// choice (the biggest points first) is not always the cheapest; this is.
//
// To reach a band, a change that grows facts (more technical staff, more R&D) is preferred to one
// that shrinks them (fewer employees, less revenue); a band's `or` condition may be met by either
// side, a `has(set, [labels])` condition by one more label. An indicator made of additive items
// (points summed up to its maximum: quality management, Sichuan's local features) is raised by a
// set of items not yet held, each met by its preferred change; for each score it can reach, the
// cheapest set is an option.
struct ScorePlan {
  double score_before = 0, score_after = 0;
  std::vector<ScoreUpgrade> upgrades;
  double effort = 0;
};

struct CriterionGap {
  std::string id;
  Text label;
  std::string cite;
  Outcome outcome = Outcome::unknown;
  std::string value, threshold, unit;
  std::vector<FieldRef> missing;      // unknown: the facts to enter
  Text note;                          // manual: why a reviewer must decide
  std::vector<GapSuggestion> suggestions;
  std::optional<ScorePlan> score_plan;  // the score route: the cheapest proven upgrades, if any
  // A criterion only time can change (see GapOptions): the first day it is met with the firm's
  // facts as they are, proven by assessing on that day ("niche market: met from 2027-01-01").
  std::optional<Date> met_from;
};

struct GapOptions {
  // With the registry, each unmet criterion that only time can change — its value reads dates and
  // events (years in the niche, years since founding, incidents ageing out), no yearly facts —
  // gets `met_from`: the policy is compiled for later days, up to `horizon_years` ahead, and the
  // first day the criterion is met is found by bisection (such criteria do not turn back).
  const PolicyRegistry* registry = nullptr;
  int horizon_years = 10;
};

struct TierGap {
  std::string policy;  // id@version
  Outcome outcome = Outcome::unknown;
  std::vector<CriterionGap> unknown, not_met, manual;  // leaves only
  // Criteria that read the same facts (R&D ratio and revenue) solved together (tier_gap only):
  // the changes that meet all of `together_criteria` at once, each computed on the firm as
  // changed by the ones before — levels first ("revenue ≥ 5000万元"), then what depends on them
  // ("R&D ≥ 3 % of revenue", priced on the new revenue) — none undoing another, proven together.
  std::optional<GapSuggestion> together;
  std::vector<std::string> together_criteria;
};

TierGap tier_gap(const Plan& plan, const Pool& pool, uint32_t e, const GapOptions& options = {});

// Gap analysis of every firm of the pool against each plan: each plan is evaluated once over the
// pool in batches on `threads` threads (0 = all cores); for every firm that does not meet a tier,
// `sink(plan_index, enterprise, gap)` is called — concurrently, from the worker threads — with
// what tier_gap would give with the same options (linked criteria solved together; with a
// registry, time conditions dated — the plans for later days are compiled once and shared).
using GapSink = std::function<void(size_t plan, uint32_t enterprise, TierGap&& gap)>;
void gap_pool(std::span<const Plan* const> plans, const Pool& pool, unsigned threads, const GapSink& sink,
              const GapOptions& options = {});

// The same analysis in pool order, a range of batches (kBatch firms each) at a time, so that a
// caller can stream a large result with bounded memory: `run(first, last, threads, sink)` calls
// `sink(batch_index, gaps)` once per batch of [first, last) — concurrently, from worker threads,
// in any order — with every gap of that batch, ordered by firm, then by plan in the order given.
// The plans for later days and the evaluator states are made once and reused across runs.
// Thread-safety: run() is not reentrant; call it from one thread at a time.
struct FirmGap {
  size_t plan = 0;
  uint32_t enterprise = 0;
  TierGap gap;
};
using GapBatchSink = std::function<void(size_t batch, std::vector<FirmGap>&& gaps)>;
class PoolGapAnalysis {
 public:
  PoolGapAnalysis(std::span<const Plan* const> plans, const Pool& pool, const GapOptions& options = {});
  ~PoolGapAnalysis();
  PoolGapAnalysis(const PoolGapAnalysis&) = delete;
  PoolGapAnalysis& operator=(const PoolGapAnalysis&) = delete;

  // Analyses only the firms e with firms[e] != 0 under `plan` (the others get no gap from it):
  // a tier whose firms are judged by different versions or days is one plan per way.
  void only(size_t plan, std::vector<uint8_t> firms);
  size_t batches() const;
  void run(size_t first_batch, size_t last_batch, unsigned threads, const GapBatchSink& sink);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace gradus
