// Gap analysis for one enterprise and one tier (see gap.h).
#include "analysis/gap.h"

#include <algorithm>
#include <cmath>
#include <functional>

#include "core/decimal.h"
#include "core/fields.h"
#include "engine/evaluate.h"
#include "engine/result.h"

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
  return format_raw(f.id, raw);
}

GapSuggestion make_suggestion(const FieldRef& r, int64_t before, int64_t after) {
  const FieldDef& f = field(r.field);
  FactOverride o;
  o.ref = r;
  o.raw = after;
  o.written = std::string(f.name) + (r.year != 0 ? "@" + std::to_string(r.year) : "") + "=" +
              (f.kind == FieldKind::enumeration ? format_raw(f.id, after) : value_text(f, after, Lang::en));
  GapSuggestion s;
  s.changes.push_back(o);
  auto line = [&](Lang lang) {
    std::string out = fact_name(r, lang) + (lang == Lang::zh ? "：" : ": ") + value_text(f, before, lang) + " → " +
                      value_text(f, after, lang);
    if (f.numeric()) {
      const std::string unit(lang == Lang::zh ? gradus::unit_zh(f.kind) : gradus::unit_en(f.kind));
      const std::string delta = (after >= before ? "+" : "") + Decimal::from_micros(after - before).to_string();
      out += (unit.empty() ? "" : " " + unit) + (lang == Lang::zh ? "（" + delta + "）" : " (" + delta + ")");
    }
    return out;
  };
  s.text = Text{line(Lang::zh), line(Lang::en)};
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

// Whether applying `s` makes the criterion `id` of `plan` met for enterprise e.
// What a proof needs, made once per firm and tier: evaluator state and the firm's sandbox.
struct ProofBench {
  BatchState& scratch;
  const Pool& pool;
  uint32_t e;
  std::optional<FirmSandbox> sandbox;
};

bool proves(const Plan& plan, const Pool& pool, uint32_t e, const std::string& id, const GapSuggestion& s,
            ProofBench& bench) {
  BatchState& scratch = bench.scratch;
  if (!bench.sandbox) bench.sandbox.emplace(pool, e);
  std::optional<Pool> built;  // when the change cannot be made in the sandbox
  if (bench.sandbox->apply(s.changes)) {
    evaluate_batch(plan, bench.sandbox->pool(), 0, 1, scratch);
    bench.sandbox->reset();
  } else {
    Result<Pool> changed = pool_with_overrides(pool, e, s.changes);
    if (!changed) return false;
    built.emplace(std::move(*changed));
    evaluate_batch(plan, *built, 0, 1, scratch);
  }
  for (size_t c = 0; c < plan.criteria.size(); ++c) {
    const PlanCriterion& pc = plan.criteria[c];
    if (pc.source != nullptr && pc.source->id == id) {
      return static_cast<Outcome>(scratch.outcome[c * kBatch]) == Outcome::met;
    }
  }
  return false;
}

// Relative size of a change: Σ |after − before| / max(|before|, |after|) over its facts (a fact
// that was missing counts as 0 before).
double effort_of(const Pool& pool, uint32_t e, const GapSuggestion& s) {
  static const FieldId revenue = find_field("revenue")->id;
  double sum = 0;
  for (const FactOverride& o : s.changes) {
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
  if (n.op == VOp::load && field(n.field).kind == FieldKind::boolean) {
    const FieldRef r{n.field, n.year};
    GapSuggestion s = make_suggestion(r, raw_of(pool, e, r).value_or(0), 1);
    s.changes.front().written = std::string(field(n.field).name) + "=true";
    return {s};
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

// The cheapest proven upgrades for the score route `criterion_id` (see ScorePlan).
std::optional<ScorePlan> cheapest_score_plan(const Plan& plan, const Pool& pool, uint32_t e,
                                             const AssessmentResult& r, const std::string& criterion_id,
                                             ProofBench& bench) {
  if (!plan.policy->score || r.indicators.size() != plan.indicators.size()) return std::nullopt;
  const Score& score = *plan.policy->score;
  struct Option {
    double points = 0;
    std::string band;
    GapSuggestion change;
    double effort = 0;
  };
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
      std::optional<Option> best;
      for (GapSuggestion& c : cands) {
        const double effort = effort_of(pool, e, c);
        if (!best || effort < best->effort) best = Option{band.points, band.wording, std::move(c), effort};
      }
      if (best) options[k].push_back(std::move(*best));
    }
  }
  // Every combination (indicator k: -1 = stay, else options[k][j]) meeting every pass rule.
  struct Choice {
    std::vector<int> pick;
    double effort = 0;
    int upgrades = 0;
    double total = 0;
  };
  std::vector<Choice> passing;
  std::vector<int> pick(n, -1);
  size_t visited = 0;
  constexpr size_t kMaxCombinations = 1 << 20;
  const size_t classes = score.classes.size();
  auto passes = [&](double& total_out) {
    std::vector<double> class_points(classes, 0);
    double total = 0;
    for (size_t k = 0; k < n; ++k) {
      const double p = pick[k] < 0 ? current[k] : options[k][static_cast<size_t>(pick[k])].points;
      total += p;
      class_points[static_cast<size_t>(plan.indicators[k].class_index)] += p;
    }
    total_out = total;
    for (size_t j = 0; j < score.pass.size() && j < plan.pass_targets.size(); ++j) {
      const auto [kind, idx] = plan.pass_targets[j];
      double v = total;
      if (kind == 1) v = class_points[static_cast<size_t>(idx)];
      if (kind == 2) {
        const size_t k = static_cast<size_t>(idx);
        v = pick[k] < 0 ? current[k] : options[k][static_cast<size_t>(pick[k])].points;
      }
      if (!rule_holds(score.pass[j].op, v, score.pass[j].threshold)) return false;
    }
    return true;
  };
  std::function<void(size_t, double, int)> walk = [&](size_t k, double effort, int ups) {
    if (++visited > kMaxCombinations) return;
    if (k == n) {
      double total = 0;
      if (ups > 0 && passes(total)) passing.push_back({pick, effort, ups, total});
      return;
    }
    pick[k] = -1;
    walk(k + 1, effort, ups);
    for (size_t j = 0; j < options[k].size(); ++j) {
      pick[k] = static_cast<int>(j);
      walk(k + 1, effort + options[k][j].effort, ups + 1);
    }
    pick[k] = -1;
  };
  walk(0, 0, 0);
  std::stable_sort(passing.begin(), passing.end(), [](const Choice& a, const Choice& b) {
    return a.effort != b.effort ? a.effort < b.effort : a.upgrades < b.upgrades;
  });
  // The first combination whose changes, applied together, really pass (changes may interact).
  constexpr size_t kMaxProofs = 24;
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
    if (clash || !proves(plan, pool, e, criterion_id, all, bench)) continue;
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


// The gap of enterprise e, from its assessment `r`; `scratch` is evaluator state for the proofs.
TierGap gap_from(const Plan& plan, const Pool& pool, uint32_t e, const AssessmentResult& r, BatchState& scratch) {
  TierGap g;
  g.policy = plan.policy->key();
  g.outcome = r.outcome;
  ProofBench bench{scratch, pool, e, std::nullopt};
  // Criteria in the result are pre-order; the plan's are post-order: match by id. A met group
  // (an alternative route already satisfied) hides its subtree: nothing there stands in the way.
  int skip_deeper_than = -1;
  for (const CriterionResult& c : r.criteria) {
    if (skip_deeper_than >= 0 && c.depth > skip_deeper_than) continue;
    skip_deeper_than = -1;
    if (c.outcome == Outcome::met) {
      skip_deeper_than = c.depth;
      continue;
    }
    if (!c.leaf) continue;
    CriterionGap cg{c.id, c.label, c.cite, c.outcome, c.value, c.threshold, c.unit, c.missing, c.note, {}, std::nullopt};
    if (c.outcome == Outcome::not_met) {
      for (const PlanCriterion& pc : plan.criteria) {
        if (pc.score_pass && pc.source != nullptr && pc.source->id == c.id) {
          cg.score_plan = cheapest_score_plan(plan, pool, e, r, c.id, bench);
          break;
        }
        if (pc.source == nullptr || pc.source->id != c.id || pc.node < 0) continue;
        const VNode& test = plan.nodes[static_cast<size_t>(pc.node)];
        if (test.op == VOp::holds_title) {
          // A ladder prerequisite: no fact to change, a title to earn first.
          std::string tiers;
          for (const std::string& t : test.names) tiers += (tiers.empty() ? "" : " / ") + t;
          cg.note = Text{"需先取得称号：" + tiers + "（可用 gradus gap --policy " + test.names.front() + " 查看差距）",
                         "the firm needs the title " + tiers + " first (gradus gap --policy " + test.names.front() +
                             " shows the way)"};
          break;
        }
        if (pc.value_node < 0 || pc.threshold_node < 0) break;
        const VNode& cmp = plan.nodes[static_cast<size_t>(pc.node)];
        const VNode& th = plan.nodes[static_cast<size_t>(pc.threshold_node)];
        if (th.op != VOp::constant) break;
        if (cmp.op != VOp::ge && cmp.op != VOp::gt && cmp.op != VOp::le && cmp.op != VOp::lt) break;
        VOp op = cmp.op;
        if (cmp.in.size() == 2 && cmp.in[0] == pc.threshold_node) {  // written threshold-first
          op = op == VOp::ge ? VOp::le : op == VOp::gt ? VOp::lt : op == VOp::le ? VOp::ge : VOp::gt;
        }
        for (GapSuggestion& s : candidates(plan, pool, e, pc.value_node, op, th.constant)) {
          if (proves(plan, pool, e, c.id, s, bench)) cg.suggestions.push_back(std::move(s));
        }
        break;
      }
    }
    (c.outcome == Outcome::unknown ? g.unknown : c.outcome == Outcome::manual ? g.manual : g.not_met)
        .push_back(std::move(cg));
  }
  return g;
}

}  // namespace

TierGap tier_gap(const Plan& plan, const Pool& pool, uint32_t e) {
  BatchState scratch(plan);
  const AssessmentResult r = assess_one(plan, pool, e, &scratch);
  return gap_from(plan, pool, e, r, scratch);
}

void gap_pool(std::span<const Plan* const> plans, const Pool& pool, unsigned threads, const GapSink& sink) {
  evaluate_pool(plans, pool, threads, [&](size_t, const BatchView& v) {
    for (size_t p = 0; p < plans.size(); ++p) {
      const Plan& plan = *plans[p];
      const BatchState& st = *v.states[p];
      std::optional<BatchState> scratch;  // for the proofs, made when first needed in this batch
      for (uint32_t i = 0; i < v.count; ++i) {
        if (root_outcome(st, i) == Outcome::met) continue;
        if (!scratch) scratch.emplace(plan);
        const AssessmentResult r = extract_result(plan, pool, st, i);
        sink(p, v.begin + i, gap_from(plan, pool, v.begin + i, r, *scratch));
      }
    }
  });
}

}  // namespace gradus
