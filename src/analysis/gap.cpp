// Gap analysis for one enterprise and one tier (see gap.h).
#include "analysis/gap.h"

#include <algorithm>
#include <bit>
#include <cmath>
#include <functional>
#include <memory>
#include <mutex>
#include <unordered_map>

#include "core/decimal.h"
#include "core/fields.h"
#include "engine/evaluate.h"
#include "engine/result.h"
#include "policy/registry.h"

namespace gradus {
namespace {

// The smallest step of a field's values: a whole unit for counts, 0.01 otherwise (万元 to the
// yuan hundred, percentages to the hundredth).
int64_t step_micros(const FieldDef& f) { return f.kind == FieldKind::count ? Decimal::kScale : Decimal::kScale / 100; }

// The raw value of a fact of enterprise e, if present.
std::optional<int64_t> raw_of(const Pool& pool, uint32_t e, const FieldRef& r) {
  const Column* c = r.year != 0 ? pool.yearly(r.field, r.year) : &pool.column(r.field);
  if (c == nullptr || e >= c->present.size() || !c->present[e]) return std::nullopt;
  return c->values[e];
}

// Rounds micros up (dir > 0) or down (dir < 0) to a multiple of step.
int64_t round_to(double micros, int64_t step, int dir) {
  const double q = micros / static_cast<double>(step);
  const double r = dir > 0 ? std::ceil(q - 1e-9) : std::floor(q + 1e-9);
  return static_cast<int64_t>(r) * step;
}

std::string fact_name(const FieldRef& r, Lang lang) {
  const FieldDef& f = field(r.field);
  std::string s(lang == Lang::zh ? f.zh : f.en);
  if (r.year != 0) s += lang == Lang::zh ? "（" + std::to_string(r.year) + "年）" : " (" + std::to_string(r.year) + ")";
  return s;
}

// A fact's value for people: numbers as decimals, enumerations by their label, yes/no.
std::string value_text(const FieldDef& f, int64_t raw, Lang lang) {
  if (f.numeric()) return Decimal::from_micros(raw).to_string();
  if (f.kind == FieldKind::boolean) return raw != 0 ? (lang == Lang::zh ? "是" : "yes") : (lang == Lang::zh ? "否" : "no");
  if (f.kind == FieldKind::enumeration && raw >= 0 && static_cast<size_t>(raw) < f.values.size()) {
    return std::string(lang == Lang::zh ? f.values[static_cast<size_t>(raw)].zh : f.values[static_cast<size_t>(raw)].en);
  }
  if (f.kind == FieldKind::enum_set) {
    std::string out;
    for (size_t b = 0; b < f.values.size() && b < 63; ++b) {
      if (!((raw >> b) & 1)) continue;
      out += (out.empty() ? "" : (lang == Lang::zh ? "、" : ", ")) +
             std::string(lang == Lang::zh ? f.values[b].zh : f.values[b].en);
    }
    return out.empty() ? (lang == Lang::zh ? "（无）" : "(none)") : out;
  }
  return format_raw(f.id, raw);
}

GapSuggestion make_suggestion(const FieldRef& r, int64_t before, int64_t after) {
  FactOverride o;
  o.ref = r;
  o.raw = after;
  GapSuggestion s;
  s.changes.push_back(o);
  s.before.push_back(before);
  return s;
}

// Candidate changes of one fact that would make `value op threshold` hold, smallest first.
std::vector<GapSuggestion> candidates(const Plan& plan, const Pool& pool, uint32_t e, int value_node, VOp op,
                                      double t) {
  std::vector<GapSuggestion> out;
  const VNode& v = plan.nodes[static_cast<size_t>(value_node)];
  const bool up = op == VOp::ge || op == VOp::gt;  // the measure must rise
  const bool strict = op == VOp::gt || op == VOp::lt;
  auto load_ref = [&](int node) -> std::optional<FieldRef> {
    const VNode& n = plan.nodes[static_cast<size_t>(node)];
    if (n.op != VOp::load) return std::nullopt;
    return FieldRef{n.field, n.year};
  };
  auto target = [&](const FieldRef& r, double wanted, int dir) -> std::optional<GapSuggestion> {
    const std::optional<int64_t> before = raw_of(pool, e, r);
    if (!before) return std::nullopt;
    const FieldDef& f = field(r.field);
    // Numbers are held in micro-units; ordinals (enumerations), dates and flags as they are.
    const bool micros = f.numeric();
    const double scale = micros ? static_cast<double>(Decimal::kScale) : 1.0;
    const int64_t step = micros ? step_micros(f) : 1;
    int64_t after = round_to(wanted * scale, step, dir);
    if (strict && std::abs(static_cast<double>(after) / scale - wanted) < 1e-9) after += dir * step;
    if (after < 0) return std::nullopt;
    if (f.kind == FieldKind::enumeration && static_cast<size_t>(after) >= f.values.size()) return std::nullopt;
    return make_suggestion(r, *before, after);
  };
  if (std::optional<FieldRef> r = load_ref(value_node)) {
    if (auto s = target(*r, t, up ? 1 : -1)) out.push_back(*s);
    return out;
  }
  if (v.op == VOp::ratio && v.in.size() == 2) {
    // 100 · a / b op t: move a (same direction as the measure) or b (the opposite one).
    std::optional<FieldRef> a = load_ref(v.in[0]), b = load_ref(v.in[1]);
    if (a && b) {
      const std::optional<int64_t> av = raw_of(pool, e, *a), bv = raw_of(pool, e, *b);
      if (av && bv && *bv != 0) {
        const double A = static_cast<double>(*av) / Decimal::kScale, B = static_cast<double>(*bv) / Decimal::kScale;
        if (auto s = target(*a, t * B / 100.0, up ? 1 : -1)) out.push_back(*s);
        if (t != 0) {
          if (auto s = target(*b, A * 100.0 / t, up ? -1 : 1)) out.push_back(*s);
        }
      }
    }
    return out;
  }
  if (v.op == VOp::mul && v.in.size() == 2 && plan.nodes[static_cast<size_t>(v.in[1])].op == VOp::constant) {
    // growth(x): c · (x_now − x_before) / x_before op t — move x_now.
    const VNode& d = plan.nodes[static_cast<size_t>(v.in[0])];
    const double c = plan.nodes[static_cast<size_t>(v.in[1])].constant;
    if (d.op == VOp::div && d.in.size() == 2 && c != 0) {
      const VNode& diff = plan.nodes[static_cast<size_t>(d.in[0])];
      std::optional<FieldRef> before_ref = load_ref(d.in[1]);
      if (diff.op == VOp::sub && diff.in.size() == 2 && diff.in[1] == d.in[1] && before_ref) {
        std::optional<FieldRef> now_ref = load_ref(diff.in[0]);
        const std::optional<int64_t> b = raw_of(pool, e, *before_ref);
        if (now_ref && b && *b > 0) {
          const double B = static_cast<double>(*b) / Decimal::kScale;
          if (auto s = target(*now_ref, B * (1.0 + t / c), up ? 1 : -1)) out.push_back(*s);
        }
      }
    }
    return out;
  }
  if (v.op == VOp::cagr && v.in.size() == 2 && v.constant > 0) {
    // ((x_now / x_then)^(1/n) − 1) · 100 op t — move x_now.
    std::optional<FieldRef> now_ref = load_ref(v.in[0]), then_ref = load_ref(v.in[1]);
    if (now_ref && then_ref) {
      const std::optional<int64_t> b = raw_of(pool, e, *then_ref);
      if (b && *b > 0) {
        const double B = static_cast<double>(*b) / Decimal::kScale;
        if (auto s = target(*now_ref, B * std::pow(1.0 + t / 100.0, v.constant), up ? 1 : -1)) out.push_back(*s);
      }
    }
    return out;
  }
  if ((v.op == VOp::add || v.op == VOp::sum) && !v.in.empty()) {
    // A sum of facts: change the latest one by the shortfall.
    std::optional<FieldRef> latest;
    double total = 0;
    for (int in : v.in) {
      std::optional<FieldRef> r = load_ref(in);
      if (!r) return out;
      const std::optional<int64_t> x = raw_of(pool, e, *r);
      if (!x) return out;
      total += static_cast<double>(*x) / Decimal::kScale;
      if (!latest || r->year > latest->year) latest = r;
    }
    const double own = static_cast<double>(*raw_of(pool, e, *latest)) / Decimal::kScale;
    if (auto s = target(*latest, own + (t - total), up ? 1 : -1)) out.push_back(*s);
  }
  return out;
}

// The index in plan.criteria of the criterion `id`, or -1.
int criterion_index(const Plan& plan, const std::string& id) {
  for (size_t c = 0; c < plan.criteria.size(); ++c) {
    if (plan.criteria[c].source != nullptr && plan.criteria[c].source->id == id) return static_cast<int>(c);
  }
  return -1;
}

// Decides whether applying a suggestion makes a criterion met for the firm being analysed.
class Prover {
 public:
  virtual ~Prover() = default;
  virtual bool proves(const std::string& id, const GapSuggestion& s) = 0;
};

// Proves at once: the firm's sandbox, changed, evaluated, changed back.
class DirectProver final : public Prover {
 public:
  DirectProver(const Plan& plan, const Pool& pool, uint32_t e, BatchState& scratch)
      : plan_(plan), pool_(pool), e_(e), scratch_(scratch) {}
  bool proves(const std::string& id, const GapSuggestion& s) override {
    if (!sandbox_) sandbox_.emplace(pool_, e_);
    std::optional<Pool> built;  // when the change cannot be made in the sandbox
    if (sandbox_->apply(s.changes)) {
      evaluate_batch(plan_, sandbox_->pool(), 0, 1, scratch_);
      sandbox_->reset();
    } else {
      Result<Pool> changed = pool_with_overrides(pool_, e_, s.changes);
      if (!changed) return false;
      built.emplace(std::move(*changed));
      evaluate_batch(plan_, *built, 0, 1, scratch_);
    }
    const int c = criterion_index(plan_, id);
    return c >= 0 && static_cast<Outcome>(scratch_.outcome[static_cast<size_t>(c) * kBatch]) == Outcome::met;
  }

 private:
  const Plan& plan_;
  const Pool& pool_;
  uint32_t e_;
  BatchState& scratch_;
  std::optional<FirmSandbox> sandbox_;
};

// Says yes to everything and writes the questions down, to be answered together (gap_pool).
class RecordingProver final : public Prover {
 public:
  struct Question {
    std::string id;
    std::vector<FactOverride> changes;
  };
  bool proves(const std::string& id, const GapSuggestion& s) override {
    questions.push_back({id, s.changes});
    return true;
  }
  std::vector<Question> questions;
};

// Relative size of a change: Σ |after − before| / max(|before|, |after|) over its facts (a fact
// that was missing counts as 0 before).
double effort_of(const Pool& pool, uint32_t e, const GapSuggestion& s) {
  static const FieldId revenue = find_field("revenue")->id;
  double sum = 0;
  for (const FactOverride& o : s.changes) {
    const FieldKind kind = field(o.ref.field).kind;
    if (kind == FieldKind::enum_set) {  // one more label costs 1
      const int64_t had = raw_of(pool, e, o.ref).value_or(0);
      sum += std::popcount(static_cast<uint64_t>(o.raw & ~had));
      continue;
    }
    if (kind == FieldKind::enumeration || kind == FieldKind::boolean) {  // each level climbed costs 1
      sum += static_cast<double>(std::abs(o.raw - raw_of(pool, e, o.ref).value_or(0)));
      continue;
    }
    const double before = static_cast<double>(raw_of(pool, e, o.ref).value_or(0));
    const double after = static_cast<double>(o.raw);
    double scale = std::max(std::abs(before), std::abs(after));
    if (field(o.ref.field).kind == FieldKind::money) {
      // Money is measured against the firm's revenue of that year (or its latest).
      const int year = o.ref.year != 0 ? o.ref.year : pool.last_year();
      scale = std::max(scale, static_cast<double>(raw_of(pool, e, FieldRef{revenue, year}).value_or(0)));
    }
    if (scale > 0) sum += std::abs(after - before) / scale;
  }
  return sum;
}

// Changes that make a band's `when` condition hold: a comparison with a constant, or a yes/no fact.
std::vector<GapSuggestion> condition_candidates(const Plan& plan, const Pool& pool, uint32_t e, int node) {
  if (node < 0) return {};
  const VNode& n = plan.nodes[static_cast<size_t>(node)];
  if ((n.op == VOp::ge || n.op == VOp::gt || n.op == VOp::le || n.op == VOp::lt) && n.in.size() == 2 &&
      plan.nodes[static_cast<size_t>(n.in[1])].op == VOp::constant) {
    return candidates(plan, pool, e, n.in[0], n.op, plan.nodes[static_cast<size_t>(n.in[1])].constant);
  }
  if (n.op == VOp::or_) {
    // Either side will do: the changes of each, in order.
    std::vector<GapSuggestion> out;
    for (int in : n.in) {
      for (GapSuggestion& s : condition_candidates(plan, pool, e, in)) out.push_back(std::move(s));
    }
    return out;
  }
  if (n.op == VOp::has && n.in.size() == 1 && plan.nodes[static_cast<size_t>(n.in[0])].op == VOp::load &&
      field(plan.nodes[static_cast<size_t>(n.in[0])].field).kind == FieldKind::enum_set) {
    // One of the listed labels added to the set, each an alternative.
    const VNode& set = plan.nodes[static_cast<size_t>(n.in[0])];
    const FieldRef r{set.field, set.year};
    const int64_t had = raw_of(pool, e, r).value_or(0);
    std::vector<GapSuggestion> out;
    for (int b = 0; b < 63; ++b) {
      const int64_t bit = int64_t{1} << b;
      if ((static_cast<int64_t>(n.mask) & bit) && !(had & bit)) out.push_back(make_suggestion(r, had, had | bit));
    }
    return out;
  }
  if (n.op == VOp::load && field(n.field).kind == FieldKind::boolean) {
    const FieldRef r{n.field, n.year};
    return {make_suggestion(r, raw_of(pool, e, r).value_or(0), 1)};
  }
  return {};
}

bool rule_holds(CompareOp op, double v, double t) {
  switch (op) {
    case CompareOp::ge: return v >= t - 1e-9;
    case CompareOp::gt: return v > t + 1e-9;
    case CompareOp::le: return v <= t + 1e-9;
    case CompareOp::lt: return v < t - 1e-9;
    case CompareOp::eq: return std::abs(v - t) < 1e-9;
    default: return false;
  }
}

// One way to raise an indicator: the points it then scores, the band (or items) reached, the
// change of facts and its effort.
struct ScoreOption {
  double points = 0;
  std::string band;
  GapSuggestion change;
  double effort = 0;
};

// Whether a change only grows facts (more R&D, more technical staff, more assets).
bool only_grows(const GapSuggestion& c) {
  for (size_t j = 0; j < c.changes.size(); ++j) {
    if (c.changes[j].raw < c.before[j]) return false;
  }
  return true;
}

// Of the candidate changes meeting one condition: growing a fact is preferred to shrinking one
// (a shrinking change is taken only when nothing grows), then the least effort.
std::optional<GapSuggestion> preferred_change(const Pool& pool, uint32_t e, std::vector<GapSuggestion>& cands,
                                              double* effort_out) {
  std::optional<GapSuggestion> best;
  bool best_grows = false;
  double best_effort = 0;
  for (GapSuggestion& c : cands) {
    const double effort = effort_of(pool, e, c);
    const bool g = only_grows(c);
    if (!best || (g && !best_grows) || (g == best_grows && effort < best_effort)) {
      best = std::move(c);
      best_grows = g;
      best_effort = effort;
    }
  }
  *effort_out = best_effort;
  return best;
}

// The ways to raise an indicator made of additive items (points summed, capped at `max`): every
// set of items not yet held whose conditions a change can meet, each item by its preferred
// change; for each score reachable above the current one, the cheapest set that reaches it.
std::vector<ScoreOption> item_options(const Plan& plan, const Pool& pool, uint32_t e, const Indicator& ind,
                                      const PlanIndicatorVariant& var, uint32_t held) {
  double held_points = 0;
  struct Addable {
    size_t item;
    GapSuggestion change;
    double effort;
  };
  std::vector<Addable> addable;
  for (size_t t = 0; t < ind.items.size() && t < 32 && t < var.when_nodes.size(); ++t) {
    if ((held >> t) & 1) {
      held_points += ind.items[t].points;
      continue;
    }
    std::vector<GapSuggestion> cands = condition_candidates(plan, pool, e, var.when_nodes[t]);
    double effort = 0;
    std::optional<GapSuggestion> change = preferred_change(pool, e, cands, &effort);
    if (change) addable.push_back({t, std::move(*change), effort});
  }
  const double now = std::min(held_points, ind.max);
  std::vector<ScoreOption> out;  // one per score reached, cheapest
  const size_t m = std::min<size_t>(addable.size(), 12);
  for (uint32_t set = 1; set < (1u << m); ++set) {
    ScoreOption o;
    double points = held_points;
    bool clash = false;
    for (size_t j = 0; j < m && !clash; ++j) {
      if (!((set >> j) & 1)) continue;
      const Addable& a = addable[j];
      points += ind.items[a.item].points;
      o.effort += a.effort;
      o.band += (o.band.empty() ? "" : "；") + ind.items[a.item].label.zh;
      for (size_t c = 0; c < a.change.changes.size(); ++c) {
        const FactOverride& add = a.change.changes[c];
        bool merged = false;
        for (FactOverride& had : o.change.changes) {
          if (had.ref.field != add.ref.field || had.ref.year != add.ref.year) continue;
          if (field(add.ref.field).kind == FieldKind::enum_set) {
            had.raw |= add.raw;  // two labels added to the same set
            merged = true;
          } else {
            clash = clash || had.raw != add.raw;
            merged = true;
          }
        }
        if (!merged) {
          o.change.changes.push_back(add);
          o.change.before.push_back(a.change.before[c]);
        }
      }
    }
    o.points = std::min(points, ind.max);
    if (clash || o.points <= now) continue;
    auto same = std::find_if(out.begin(), out.end(), [&](const ScoreOption& x) { return x.points == o.points; });
    if (same == out.end()) {
      out.push_back(std::move(o));
    } else if (o.effort < same->effort) {
      *same = std::move(o);
    }
  }
  // A higher score for no more effort makes a lower one pointless.
  std::vector<ScoreOption> kept;
  for (ScoreOption& o : out) {
    bool dominated = false;
    for (const ScoreOption& x : out) dominated = dominated || (x.points > o.points && x.effort <= o.effort);
    if (!dominated) kept.push_back(std::move(o));
  }
  std::sort(kept.begin(), kept.end(), [](const ScoreOption& a, const ScoreOption& b) { return a.points < b.points; });
  return kept;
}

// The cheapest proven upgrades for the score route `criterion_id` (see ScorePlan).
std::optional<ScorePlan> cheapest_score_plan(const Plan& plan, const Pool& pool, uint32_t e,
                                             const AssessmentResult& r, const std::string& criterion_id,
                                             Prover& prover) {
  if (!plan.policy->score || r.indicators.size() != plan.indicators.size()) return std::nullopt;
  const Score& score = *plan.policy->score;
  using Option = ScoreOption;
  const size_t n = plan.indicators.size();
  std::vector<double> current(n);
  std::vector<std::vector<Option>> options(n);
  for (size_t k = 0; k < n; ++k) {
    const IndicatorResult& ir = r.indicators[k];
    current[k] = ir.lo;  // undecided points count at their lowest
    if (ir.lo != ir.hi) continue;
    const PlanIndicatorVariant* var = &plan.indicators[k].variants.front();
    for (const PlanIndicatorVariant& v : plan.indicators[k].variants) {
      if (v.place == ir.overlay) var = &v;
    }
    const Indicator& ind = *var->source;
    if (!ind.items.empty()) {
      options[k] = item_options(plan, pool, e, ind, *var, ir.items_held);
      continue;
    }
    for (size_t b = 0; b < ind.bands.size(); ++b) {
      const Band& band = ind.bands[b];
      if (band.points <= ir.lo || band.otherwise) continue;
      std::vector<GapSuggestion> cands;
      if (band.has_range) {
        if (!ir.number || var->value_node < 0) continue;
        const double v = *ir.number;
        if (v < band.lo || (v == band.lo && !band.lo_closed)) {
          cands = candidates(plan, pool, e, var->value_node, band.lo_closed ? VOp::ge : VOp::gt, band.lo);
        } else if (v > band.hi || (v == band.hi && !band.hi_closed)) {
          cands = candidates(plan, pool, e, var->value_node, band.hi_closed ? VOp::le : VOp::lt, band.hi);
        }
      } else if (band.when && b < var->when_nodes.size()) {
        cands = condition_candidates(plan, pool, e, var->when_nodes[b]);
      }
      // Growing a fact (more R&D, more technical staff, more assets) is preferred to shrinking
      // one (fewer employees, less revenue) to move a ratio.
      double effort = 0;
      std::optional<GapSuggestion> best = preferred_change(pool, e, cands, &effort);
      if (best) options[k].push_back(Option{band.points, band.wording, std::move(*best), effort});
    }
  }
  // Every combination (indicator k: -1 = stay, else options[k][j]) meeting every pass rule; the
  // kMaxProofs cheapest are kept, by effort, then upgrades, then the order they were found in (a
  // subtree already costlier than the last of a full list is not walked).
  constexpr size_t kMaxProofs = 24;
  struct Choice {
    std::vector<int> pick;
    double effort = 0;
    int upgrades = 0;
    double total = 0;
    size_t seq = 0;
  };
  auto before = [](const Choice& a, const Choice& b) {
    if (a.effort != b.effort) return a.effort < b.effort;
    if (a.upgrades != b.upgrades) return a.upgrades < b.upgrades;
    return a.seq < b.seq;
  };
  std::vector<Choice> passing;
  std::vector<int> pick(n, -1);
  size_t visited = 0, seq = 0;
  constexpr size_t kMaxCombinations = 1 << 20;
  std::vector<double> class_points(score.classes.size(), 0);
  double total = 0;
  for (size_t k = 0; k < n; ++k) {
    total += current[k];
    class_points[static_cast<size_t>(plan.indicators[k].class_index)] += current[k];
  }
  auto points_of = [&](size_t k) {
    return pick[k] < 0 ? current[k] : options[k][static_cast<size_t>(pick[k])].points;
  };
  auto passes = [&] {
    for (size_t j = 0; j < score.pass.size() && j < plan.pass_targets.size(); ++j) {
      const auto [kind, idx] = plan.pass_targets[j];
      double v = total;
      if (kind == 1) v = class_points[static_cast<size_t>(idx)];
      if (kind == 2) v = points_of(static_cast<size_t>(idx));
      if (!rule_holds(score.pass[j].op, v, score.pass[j].threshold)) return false;
    }
    return true;
  };
  auto walk = [&](auto& self, size_t k, double effort, int ups) -> void {
    if (++visited > kMaxCombinations) return;
    if (passing.size() == kMaxProofs && effort > passing.back().effort + 1e-12) return;
    if (k == n) {
      if (ups == 0 || !passes()) return;
      Choice c{pick, effort, ups, total, seq++};
      auto at = std::upper_bound(passing.begin(), passing.end(), c, before);
      if (at == passing.end() && passing.size() == kMaxProofs) return;
      passing.insert(at, std::move(c));
      if (passing.size() > kMaxProofs) passing.pop_back();
      return;
    }
    self(self, k + 1, effort, ups);
    const size_t cls = static_cast<size_t>(plan.indicators[k].class_index);
    for (size_t j = 0; j < options[k].size(); ++j) {
      const double gain = options[k][j].points - current[k];
      pick[k] = static_cast<int>(j);
      total += gain;
      class_points[cls] += gain;
      self(self, k + 1, effort + options[k][j].effort, ups + 1);
      total -= gain;
      class_points[cls] -= gain;
    }
    pick[k] = -1;
  };
  walk(walk, 0, 0, 0);
  // The first combination whose changes, applied together, really pass (changes may interact).
  for (size_t c = 0; c < passing.size() && c < kMaxProofs; ++c) {
    GapSuggestion all;
    bool clash = false;
    for (size_t k = 0; k < n && !clash; ++k) {
      if (passing[c].pick[k] < 0) continue;
      for (const FactOverride& o : options[k][static_cast<size_t>(passing[c].pick[k])].change.changes) {
        for (const FactOverride& had : all.changes) {
          if (had.ref.field == o.ref.field && had.ref.year == o.ref.year && had.raw != o.raw) clash = true;
        }
        all.changes.push_back(o);
      }
    }
    if (clash || !prover.proves(criterion_id, all)) continue;
    ScorePlan sp;
    sp.score_before = r.score_lo;
    sp.score_after = passing[c].total;
    sp.effort = passing[c].effort;
    for (size_t k = 0; k < n; ++k) {
      if (passing[c].pick[k] < 0) continue;
      Option& o = options[k][static_cast<size_t>(passing[c].pick[k])];
      sp.upgrades.push_back(ScoreUpgrade{r.indicators[k].id, r.indicators[k].label, current[k], o.points, o.band,
                                         o.change, o.effort});
    }
    return sp;
  }
  return std::nullopt;
}


// Candidate changes for a comparison leaf `value op constant` (unproven), smallest first.
std::vector<GapSuggestion> criterion_candidates(const Plan& plan, const Pool& pool, uint32_t e,
                                                const PlanCriterion& pc) {
  if (pc.node < 0 || pc.value_node < 0 || pc.threshold_node < 0) return {};
  const VNode& cmp = plan.nodes[static_cast<size_t>(pc.node)];
  const VNode& th = plan.nodes[static_cast<size_t>(pc.threshold_node)];
  if (th.op != VOp::constant) return {};
  if (cmp.op != VOp::ge && cmp.op != VOp::gt && cmp.op != VOp::le && cmp.op != VOp::lt) return {};
  VOp op = cmp.op;
  if (cmp.in.size() == 2 && cmp.in[0] == pc.threshold_node) {  // written threshold-first
    op = op == VOp::ge ? VOp::le : op == VOp::gt ? VOp::lt : op == VOp::le ? VOp::ge : VOp::gt;
  }
  return candidates(plan, pool, e, pc.value_node, op, th.constant);
}

// The gap of enterprise e, from its assessment `r`; every suggestion is put to `prover`.
TierGap gap_from(const Plan& plan, const Pool& pool, uint32_t e, AssessmentResult& r, Prover& prover) {
  TierGap g;
  g.policy = plan.policy->key();
  g.outcome = r.outcome;
  // Criteria in the result are pre-order; the plan's are post-order. A met group (an alternative
  // route already satisfied) hides its subtree: nothing there stands in the way.
  int skip_deeper_than = -1;
  for (CriterionResult& c : r.criteria) {
    if (skip_deeper_than >= 0 && c.depth > skip_deeper_than) continue;
    skip_deeper_than = -1;
    if (c.outcome == Outcome::met) {
      skip_deeper_than = c.depth;
      continue;
    }
    if (!c.leaf) continue;
    CriterionGap cg{c.id,
                    std::move(c.label),
                    std::move(c.cite),
                    c.outcome,
                    std::move(c.value),
                    std::move(c.threshold),
                    std::move(c.unit),
                    std::move(c.missing),
                    std::move(c.note),
                    {},
                    std::nullopt,
                    std::nullopt};
    if (c.outcome == Outcome::not_met && c.plan_index >= 0) {
      const PlanCriterion& pc = plan.criteria[static_cast<size_t>(c.plan_index)];
      if (pc.score_pass) {
        cg.score_plan = cheapest_score_plan(plan, pool, e, r, c.id, prover);
      } else if (pc.node >= 0) {
        const VNode& test = plan.nodes[static_cast<size_t>(pc.node)];
        if (test.op == VOp::holds_title) {
          // A ladder prerequisite: no fact to change, a title to earn first.
          std::string tiers;
          for (const std::string& t : test.names) tiers += (tiers.empty() ? "" : " / ") + t;
          cg.note = Text{"需先取得称号：" + tiers + "（可用 gradus gap --policy " + test.names.front() + " 查看差距）",
                         "the firm needs the title " + tiers + " first (gradus gap --policy " + test.names.front() +
                             " shows the way)"};
        } else {
          std::vector<GapSuggestion> cands = criterion_candidates(plan, pool, e, pc);
          // A test that is a condition (a yes/no fact, one more label of a set, either side of
          // an `or`): each way to meet it.
          if (cands.empty()) cands = condition_candidates(plan, pool, e, pc.node);
          for (GapSuggestion& s : cands) {
            if (prover.proves(c.id, s)) cg.suggestions.push_back(std::move(s));
          }
        }
      }
    }
    (c.outcome == Outcome::unknown ? g.unknown : c.outcome == Outcome::manual ? g.manual : g.not_met)
        .push_back(std::move(cg));
  }
  return g;
}

}  // namespace

Text GapSuggestion::text() const {
  auto line = [&](size_t k, Lang lang) {
    const FieldRef& r = changes[k].ref;
    const FieldDef& f = field(r.field);
    const int64_t was = k < before.size() ? before[k] : 0, now = changes[k].raw;
    std::string out = fact_name(r, lang) + (lang == Lang::zh ? "：" : ": ") + value_text(f, was, lang) + " → " +
                      value_text(f, now, lang);
    if (f.numeric()) {
      const std::string unit(lang == Lang::zh ? gradus::unit_zh(f.kind) : gradus::unit_en(f.kind));
      const std::string delta = (now >= was ? "+" : "") + Decimal::from_micros(now - was).to_string();
      out += (unit.empty() ? "" : " " + unit) + (lang == Lang::zh ? "（" + delta + "）" : " (" + delta + ")");
    }
    return out;
  };
  Text t;
  for (size_t k = 0; k < changes.size(); ++k) {
    t.zh += (k == 0 ? "" : "；") + line(k, Lang::zh);
    t.en += (k == 0 ? "" : "; ") + line(k, Lang::en);
  }
  return t;
}

Text alternatives_text(std::span<const GapSuggestion> alternatives) {
  Text t;
  for (size_t k = 0; k < alternatives.size(); ++k) {
    const Text one = alternatives[k].text();
    t.zh += (k == 0 ? "" : "；或 ") + one.zh;
    t.en += (k == 0 ? "" : ", or ") + one.en;
  }
  return t;
}

namespace {

// Whether criterion `ci` of `plan` can change with the date alone: its test reads a date span or
// events in a window, and no yearly fact.
bool time_only(const Plan& plan, const PlanCriterion& pc) {
  if (pc.node < 0) return false;
  for (const FieldRef& r : pc.refs) {
    if (r.year != 0) return false;
  }
  bool timed = false;
  std::vector<int> stack{pc.node};
  while (!stack.empty()) {
    const VNode& n = plan.nodes[static_cast<size_t>(stack.back())];
    stack.pop_back();
    switch (n.op) {
      case VOp::years_in: case VOp::years_since: case VOp::days_since: case VOp::incidents_within:
      case VOp::incidents_active:
        timed = true;
        break;
      case VOp::holds_title: case VOp::policy_ref:
        return false;
      default:
        break;
    }
    stack.insert(stack.end(), n.in.begin(), n.in.end());
  }
  return timed;
}

// Plans of one policy compiled for later days (the time search), shared by the workers of a
// whole-pool analysis: one per calendar year (a leaf that only time can change is evaluated on
// any day of its plan's year, evaluate_leaves), and one per day where a leaf cannot be evaluated
// that way. Thread-safe; a plan once made lives as long as this.
class LaterPlans {
 public:
  LaterPlans(const Plan& plan, const PolicyRegistry& registry, int horizon_years)
      : plan_(plan), registry_(registry) {
    for (size_t c = 0; c < plan.criteria.size(); ++c) {
      if (time_only(plan, plan.criteria[c])) time_only_[plan.criteria[c].source->id] = static_cast<int>(c);
    }
    // The days the search asks about first: the first of each month ahead, then the horizon.
    const Date start = plan.options.as_of;
    const int32_t end = start.plus_years(horizon_years).days();
    for (int k = 1;; ++k) {
      const int m = start.month() - 1 + k;
      const int32_t first = Date::from_ymd(start.year() + m / 12, m % 12 + 1, 1).days();
      if (first >= end) break;
      grid_.push_back(first);
    }
    grid_.push_back(end);
  }

  // The first day of every month after the as-of date within the horizon, then its last day.
  const std::vector<int32_t>& grid() const { return grid_; }

  // The plan's index of criterion `id` if only time can change it, else -1.
  int time_only_criterion(const std::string& id) const {
    auto it = time_only_.find(id);
    return it == time_only_.end() ? -1 : it->second;
  }

  // The plan for the year of `day` (the analysed plan itself in its own year); nullptr when the
  // policy does not compile for it.
  const Plan* for_year(Date day) {
    if (day.year() == plan_.options.as_of.year()) return &plan_;
    return get(Date::from_ymd(day.year(), 1, 1).days(), by_year_);
  }
  // The plan compiled for `day` itself.
  const Plan* for_day(Date day) { return day == plan_.options.as_of ? &plan_ : get(day.days(), by_day_); }

 private:
  using Plans = std::unordered_map<int32_t, std::unique_ptr<Plan>>;
  const Plan* get(int32_t day, Plans& plans) {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      auto it = plans.find(day);
      if (it != plans.end()) return it->second.get();
    }
    AssessOptions o = plan_.options;
    o.as_of = Date::from_days(day);
    Result<std::unique_ptr<Plan>> made = compile_plan(*plan_.policy, registry_, o);
    std::lock_guard<std::mutex> lock(mutex_);
    auto [it, added] = plans.try_emplace(day, made ? std::move(*made) : nullptr);
    return it->second.get();
  }

  const Plan& plan_;
  const PolicyRegistry& registry_;
  std::unordered_map<std::string, int> time_only_;  // criteria only time can change, by id
  std::vector<int32_t> grid_;
  std::mutex mutex_;
  Plans by_year_, by_day_;
};

// One worker's evaluator state for the later plans of one policy: made once and rebound from plan
// to plan (a state is several MB; the plans of one policy for different days have the same shape
// and differ in a few constants).
class DayStates {
 public:
  BatchState& for_plan(const Plan& plan) {
    if (!state_ || !state_->rebind(plan)) state_ = std::make_unique<BatchState>(plan);
    return *state_;
  }

 private:
  std::unique_ptr<BatchState> state_;
};

// The first day after the plan's as-of date on which criterion `id` is met for enterprise e with
// its facts as they are, within the horizon; nullopt when none. Such criteria do not turn back,
// so the search bisects: first over the first days of the months ahead, then over the days of
// the month found; each day asked about evaluates only the criterion, on its year's plan.
std::optional<Date> first_day_met(const Plan& plan, LaterPlans& later, DayStates& states, const Pool& pool,
                                  uint32_t e, const std::string& id) {
  FirmSandbox firm(pool, e);
  auto met_on = [&](int32_t day) -> std::optional<bool> {
    const Date d = Date::from_days(day);
    for (int own_day = 0; own_day < 2; ++own_day) {  // the year's plan, else one made for the day
      const Plan* p = own_day ? later.for_day(d) : later.for_year(d);
      if (p == nullptr) return std::nullopt;
      const int c = criterion_index(*p, id);
      if (c < 0) return std::nullopt;
      BatchState& st = states.for_plan(*p);
      if (!evaluate_leaves(*p, firm.pool(), 0, 1, st, {&c, 1}, d)) continue;  // then on the day's own plan
      return static_cast<Outcome>(st.outcome[static_cast<size_t>(c) * kBatch]) == Outcome::met;
    }
    return std::nullopt;
  };
  const std::vector<int32_t>& grid = later.grid();
  std::optional<bool> at_end = met_on(grid.back());
  if (!at_end || !*at_end) return std::nullopt;
  ptrdiff_t lo = -1, hi = static_cast<ptrdiff_t>(grid.size()) - 1;  // grid[lo] not met, grid[hi] met
  while (hi - lo > 1) {
    const ptrdiff_t mid = lo + (hi - lo) / 2;
    std::optional<bool> m = met_on(grid[static_cast<size_t>(mid)]);
    if (!m) return std::nullopt;
    (*m ? hi : lo) = mid;
  }
  int32_t day_lo = lo < 0 ? plan.options.as_of.days() : grid[static_cast<size_t>(lo)];
  int32_t day_hi = grid[static_cast<size_t>(hi)];
  while (day_hi - day_lo > 1) {
    const int32_t mid = day_lo + (day_hi - day_lo) / 2;
    std::optional<bool> m = met_on(mid);
    if (!m) return std::nullopt;
    (*m ? day_hi : day_lo) = mid;
  }
  return Date::from_days(day_hi);
}

// Every unmet criterion of `g` that only time can change gets its first day.
void date_time_conditions(const Plan& plan, LaterPlans& later, DayStates& states, const Pool& pool, uint32_t e,
                          TierGap& g) {
  for (CriterionGap& c : g.not_met) {
    if (later.time_only_criterion(c.id) < 0) continue;
    c.met_from = first_day_met(plan, later, states, pool, e, c.id);
  }
}

}  // namespace

// Linked criteria solved together (see TierGap::together), for many firms at once: gaps[k] is
// the gap of pool row firms[k]. For each firm, the unmet criteria that have proven changes and
// read a fact another of them reads are taken levels first (revenue at least X), then what
// depends on them (R&D at least 3 % of revenue); each gets the smallest change computed on the
// firm as changed by the ones before, that does not undo one of them (none needed if it is met
// by then). The firms' rows are copied once and changed in place, and each round evaluates every
// copy together; at the end the changes must meet every linked criterion.
void solve_together_all(const Plan& plan, const Pool& pool, std::span<const uint32_t> firms, std::span<TierGap*> gaps,
                        BatchState& scratch) {
  struct Linked {
    std::string id;
    int criterion;
    bool level;  // its measure is a single fact (it fixes a level others may be a share of)
  };
  struct Firm {
    size_t k;                   // index into firms / gaps
    std::vector<Linked> linked;
    GapSuggestion together;
    bool alive = true;
  };
  auto shares = [](const PlanCriterion& a, const PlanCriterion& b) {
    for (const FieldRef& x : a.refs) {
      for (const FieldRef& y : b.refs) {
        if (x.field == y.field && x.year == y.year) return true;
      }
    }
    return false;
  };
  std::vector<Firm> active;
  std::vector<uint32_t> rows;
  size_t rounds = 0;
  for (size_t k = 0; k < firms.size(); ++k) {
    std::vector<Linked> items;
    for (const CriterionGap& c : gaps[k]->not_met) {
      if (c.suggestions.empty()) continue;
      const int ci = criterion_index(plan, c.id);
      if (ci < 0) continue;
      const PlanCriterion& pc = plan.criteria[static_cast<size_t>(ci)];
      // A condition (no measured value) is not a level others depend on.
      const bool level = pc.value_node >= 0 && plan.nodes[static_cast<size_t>(pc.value_node)].op == VOp::load;
      items.push_back({c.id, ci, level});
    }
    Firm f{k, {}, {}, true};
    for (size_t i = 0; i < items.size(); ++i) {
      for (size_t j = 0; j < items.size(); ++j) {
        if (i != j && shares(plan.criteria[static_cast<size_t>(items[i].criterion)],
                             plan.criteria[static_cast<size_t>(items[j].criterion)])) {
          f.linked.push_back(items[i]);
          break;
        }
      }
    }
    if (f.linked.size() < 2) continue;
    std::stable_sort(f.linked.begin(), f.linked.end(), [](const Linked& a, const Linked& b) { return a.level && !b.level; });
    rounds = std::max(rounds, f.linked.size());
    rows.push_back(firms[k]);
    active.push_back(std::move(f));
  }
  if (active.empty()) return;
  WhatIfRows copies(pool, rows);
  std::vector<int> linked_criteria;  // every firm's, evaluated alone when possible
  for (const Firm& f : active) {
    for (const Linked& l : f.linked) {
      if (std::find(linked_criteria.begin(), linked_criteria.end(), l.criterion) == linked_criteria.end()) {
        linked_criteria.push_back(l.criterion);
      }
    }
  }
  // The outcome of criterion `ci` on every copy, after evaluating them all.
  std::vector<uint8_t> outcomes;
  auto evaluate_all = [&](auto&& read) {
    for (size_t from = 0; from < rows.size(); from += kBatch) {
      const uint32_t n = static_cast<uint32_t>(std::min<size_t>(kBatch, rows.size() - from));
      if (!evaluate_leaves(plan, copies.pool(), static_cast<uint32_t>(from), n, scratch, linked_criteria,
                           plan.options.as_of)) {
        evaluate_batch(plan, copies.pool(), static_cast<uint32_t>(from), n, scratch);
      }
      for (uint32_t i = 0; i < n; ++i) read(from + i, i);
    }
  };
  auto outcome_of = [&](int ci, uint32_t i) {
    return static_cast<Outcome>(scratch.outcome[static_cast<size_t>(ci) * kBatch + i]);
  };
  for (size_t round = 0; round < rounds; ++round) {
    std::vector<uint8_t> met_now(active.size(), 0);
    if (round > 0) {
      evaluate_all([&](size_t j, uint32_t i) {
        Firm& f = active[j];
        if (f.alive && round < f.linked.size()) met_now[j] = outcome_of(f.linked[round].criterion, i) == Outcome::met;
      });
    }
    for (size_t j = 0; j < active.size(); ++j) {
      Firm& f = active[j];
      if (!f.alive || round >= f.linked.size() || met_now[j]) continue;
      // The smallest change on the firm as changed so far that does not undo an earlier change.
      const PlanCriterion& pc = plan.criteria[static_cast<size_t>(f.linked[round].criterion)];
      bool found = false;
      std::vector<GapSuggestion> cands = criterion_candidates(plan, copies.pool(), static_cast<uint32_t>(j), pc);
      if (cands.empty()) cands = condition_candidates(plan, copies.pool(), static_cast<uint32_t>(j), pc.node);
      for (GapSuggestion& c : cands) {
        // A change of a fact already changed undoes it — except one more label of the same set,
        // which is added to it.
        bool clashes = false;
        for (const FactOverride& o : c.changes) {
          for (const FactOverride& had : f.together.changes) {
            clashes = clashes || (had.ref.field == o.ref.field && had.ref.year == o.ref.year &&
                                  field(o.ref.field).kind != FieldKind::enum_set);
          }
        }
        if (clashes) continue;
        if (!copies.set(static_cast<uint32_t>(j), c.changes)) break;
        for (const FactOverride& o : c.changes) {
          auto had = std::find_if(f.together.changes.begin(), f.together.changes.end(), [&](const FactOverride& x) {
            return x.ref.field == o.ref.field && x.ref.year == o.ref.year;
          });
          if (had != f.together.changes.end()) {
            had->raw |= o.raw;  // the set's labels so far and the new one (the copy holds both)
            continue;
          }
          f.together.changes.push_back(o);
          f.together.before.push_back(raw_of(pool, firms[f.k], o.ref).value_or(0));
        }
        found = true;
        break;
      }
      f.alive = found;
    }
  }
  // Proven: every linked criterion is met with all the changes applied.
  evaluate_all([&](size_t j, uint32_t i) {
    Firm& f = active[j];
    if (!f.alive || f.together.changes.size() < 2) return;
    for (const Linked& l : f.linked) {
      if (outcome_of(l.criterion, i) != Outcome::met) return;
    }
    TierGap& g = *gaps[f.k];
    g.together = std::move(f.together);
    for (const Linked& l : f.linked) g.together_criteria.push_back(l.id);
  });
}

TierGap tier_gap(const Plan& plan, const Pool& pool, uint32_t e, const GapOptions& options) {
  BatchState scratch(plan);
  AssessmentResult r = assess_one(plan, pool, e, &scratch);
  DirectProver prover(plan, pool, e, scratch);
  TierGap g = gap_from(plan, pool, e, r, prover);
  TierGap* one = &g;
  solve_together_all(plan, pool, {&e, 1}, {&one, 1}, scratch);
  if (options.registry != nullptr) {
    LaterPlans later(plan, *options.registry, options.horizon_years);
    DayStates states;
    date_time_conditions(plan, later, states, pool, e, g);
  }
  return g;
}

namespace {

// The gaps of the firms of one evaluated batch that do not meet the tier. Suggestions are first
// collected unproven, then proven together — every question is a copy of its firm's row with the
// changes set (WhatIfRows), evaluated kBatch rows at a time — and the answers applied. A score
// plan whose first choice fails is searched again for that firm, one proof at a time.
//
// Then, as tier_gap does, linked criteria are solved together and, with `later` (given when the
// options name a registry), time conditions are dated.
void batch_gaps(const Plan& plan, const Pool& pool, const BatchState& st, uint32_t begin, uint32_t count,
                BatchState& scratch, std::vector<std::pair<uint32_t, TierGap>>& out, LaterPlans* later,
                DayStates& day_states, const std::vector<uint8_t>* only_firms = nullptr) {
  struct Pending {
    uint32_t e;
    AssessmentResult r;
    TierGap gap;
    size_t first_question = 0;
  };
  std::vector<Pending> pending;
  RecordingProver recorder;
  for (uint32_t i = 0; i < count; ++i) {
    if (root_outcome(st, i) == Outcome::met) continue;
    if (only_firms != nullptr && !only_firms->empty() && !(*only_firms)[begin + i]) continue;
    Pending p{begin + i, extract_result(plan, pool, st, i, /*lean=*/true), {}, recorder.questions.size()};
    p.gap = gap_from(plan, pool, p.e, p.r, recorder);
    pending.push_back(std::move(p));
  }
  if (pending.empty()) return;
  // Answer every question.
  const auto& questions = recorder.questions;
  std::vector<uint8_t> answers(questions.size(), 0);
  std::vector<uint32_t> rows;
  rows.reserve(questions.size());
  for (const Pending& p : pending) {
    const size_t end = &p == &pending.back() ? questions.size() : (&p + 1)->first_question;
    rows.insert(rows.end(), end - p.first_question, p.e);
  }
  std::vector<uint8_t> in_place(questions.size(), 0);
  if (!questions.empty()) {
    // Questions about a leaf criterion are answered by evaluating only the leaves asked about;
    // the others (score routes) by evaluating the whole plan. Each kind has its own copies.
    std::unordered_map<std::string, int> index;
    std::vector<int> criterion(questions.size(), -1);
    std::vector<size_t> leaf_qs, full_qs;
    std::vector<int> leaf_criteria;
    for (size_t q = 0; q < questions.size(); ++q) {
      auto [it, added] = index.try_emplace(questions[q].id, 0);
      if (added) it->second = criterion_index(plan, questions[q].id);
      criterion[q] = it->second;
      if (criterion[q] < 0) continue;
      const PlanCriterion& pc = plan.criteria[static_cast<size_t>(criterion[q])];
      if (pc.node >= 0 && !pc.score_pass) {
        leaf_qs.push_back(q);
        if (std::find(leaf_criteria.begin(), leaf_criteria.end(), criterion[q]) == leaf_criteria.end()) {
          leaf_criteria.push_back(criterion[q]);
        }
      } else {
        full_qs.push_back(q);
      }
    }
    for (int kind = 0; kind < 2; ++kind) {
      const std::vector<size_t>& qs = kind == 0 ? leaf_qs : full_qs;
      if (qs.empty()) continue;
      std::vector<uint32_t> kind_rows;
      kind_rows.reserve(qs.size());
      for (size_t q : qs) kind_rows.push_back(rows[q]);
      WhatIfRows copies(pool, kind_rows);
      for (size_t j = 0; j < qs.size(); ++j) {
        in_place[qs[j]] = copies.set(static_cast<uint32_t>(j), questions[qs[j]].changes);
      }
      for (size_t from = 0; from < qs.size(); from += kBatch) {
        const uint32_t n = static_cast<uint32_t>(std::min<size_t>(kBatch, qs.size() - from));
        if (kind == 1 || !evaluate_leaves(plan, copies.pool(), static_cast<uint32_t>(from), n, scratch, leaf_criteria,
                                          plan.options.as_of)) {
          evaluate_batch(plan, copies.pool(), static_cast<uint32_t>(from), n, scratch);
        }
        for (uint32_t k = 0; k < n; ++k) {
          const size_t q = qs[from + k];
          if (!in_place[q]) continue;
          answers[q] =
              static_cast<Outcome>(scratch.outcome[static_cast<size_t>(criterion[q]) * kBatch + k]) == Outcome::met;
        }
      }
    }
    for (size_t q = 0; q < questions.size(); ++q) {
      if (in_place[q]) continue;
      // Cannot be set in place (text facts, cleared facts, new years): proven on its own.
      const Pending* owner = nullptr;
      for (const Pending& p : pending) owner = p.first_question <= q ? &p : owner;
      DirectProver direct(plan, pool, owner->e, scratch);
      GapSuggestion s;
      s.changes = questions[q].changes;
      answers[q] = direct.proves(questions[q].id, s);
    }
  }
  // Keep what is proven, in the order the questions were asked.
  for (Pending& p : pending) {
    size_t q = p.first_question;
    for (CriterionGap& c : p.gap.not_met) {
      if (c.score_plan) {
        if (!answers[q++]) {
          DirectProver direct(plan, pool, p.e, scratch);
          c.score_plan = cheapest_score_plan(plan, pool, p.e, p.r, c.id, direct);
        }
        continue;
      }
      std::vector<GapSuggestion> kept;
      for (GapSuggestion& s : c.suggestions) {
        if (answers[q++]) kept.push_back(std::move(s));
      }
      c.suggestions = std::move(kept);
    }
  }
  std::vector<uint32_t> firms;
  std::vector<TierGap*> gaps;
  for (Pending& p : pending) {
    firms.push_back(p.e);
    gaps.push_back(&p.gap);
  }
  solve_together_all(plan, pool, firms, gaps, scratch);
  for (Pending& p : pending) {
    if (later != nullptr) date_time_conditions(plan, *later, day_states, pool, p.e, p.gap);
    out.emplace_back(p.e, std::move(p.gap));
  }
}

}  // namespace

// Evaluator states for the proofs and for the time search, one set per worker at a time,
// reused from batch to batch (each is several MB: making one per batch costs more than the
// proofs).
struct PoolGapAnalysis::Impl {
  struct WorkerStates {
    std::vector<std::unique_ptr<BatchState>> proofs;  // per plan
    std::vector<DayStates> later;                     // per plan
  };
  std::vector<const Plan*> plans;
  const Pool* pool = nullptr;
  std::vector<std::unique_ptr<LaterPlans>> later;
  std::vector<std::vector<uint8_t>> firms;  // per plan: the firms it analyses (empty: all)
  std::mutex mutex;
  std::vector<std::unique_ptr<WorkerStates>> free_sets;
};

PoolGapAnalysis::PoolGapAnalysis(std::span<const Plan* const> plans, const Pool& pool, const GapOptions& options)
    : impl_(std::make_unique<Impl>()) {
  impl_->plans.assign(plans.begin(), plans.end());
  impl_->pool = &pool;
  impl_->firms.resize(plans.size());
  for (const Plan* plan : plans) {
    impl_->later.push_back(options.registry ? std::make_unique<LaterPlans>(*plan, *options.registry, options.horizon_years)
                                            : nullptr);
  }
}

PoolGapAnalysis::~PoolGapAnalysis() = default;

void PoolGapAnalysis::only(size_t plan, std::vector<uint8_t> firms) { impl_->firms[plan] = std::move(firms); }

size_t PoolGapAnalysis::batches() const { return (impl_->pool->size() + kBatch - 1) / kBatch; }

void PoolGapAnalysis::run(size_t first_batch, size_t last_batch, unsigned threads, const GapBatchSink& sink) {
  Impl& m = *impl_;
  const Pool& pool = *m.pool;
  evaluate_batches(m.plans, pool, first_batch, last_batch, threads, [&](size_t batch, const BatchView& v) {
    std::unique_ptr<Impl::WorkerStates> set;
    {
      std::lock_guard<std::mutex> lock(m.mutex);
      if (!m.free_sets.empty()) set = std::move(m.free_sets.back()), m.free_sets.pop_back();
    }
    if (!set) {
      set = std::make_unique<Impl::WorkerStates>();
      for (const Plan* plan : m.plans) set->proofs.push_back(std::make_unique<BatchState>(*plan));
      set->later.resize(m.plans.size());
    }
    std::vector<FirmGap> all;
    std::vector<std::pair<uint32_t, TierGap>> gaps;
    for (size_t p = 0; p < m.plans.size(); ++p) {
      gaps.clear();
      batch_gaps(*m.plans[p], pool, *v.states[p], v.begin, v.count, *set->proofs[p], gaps, m.later[p].get(),
                 set->later[p], &m.firms[p]);
      for (auto& [e, g] : gaps) all.push_back({p, e, std::move(g)});
    }
    {
      std::lock_guard<std::mutex> lock(m.mutex);
      m.free_sets.push_back(std::move(set));
    }
    std::stable_sort(all.begin(), all.end(), [](const FirmGap& x, const FirmGap& y) { return x.enterprise < y.enterprise; });
    sink(batch, std::move(all));
  });
}

void gap_pool(std::span<const Plan* const> plans, const Pool& pool, unsigned threads, const GapSink& sink,
              const GapOptions& options) {
  PoolGapAnalysis analysis(plans, pool, options);
  analysis.run(0, analysis.batches(), threads, [&](size_t, std::vector<FirmGap>&& gaps) {
    for (FirmGap& g : gaps) sink(g.plan, g.enterprise, std::move(g.gap));
  });
}

}  // namespace gradus
