// Gap analysis for one enterprise and one tier (see gap.h).
#include "analysis/gap.h"

#include <cmath>

#include "core/decimal.h"
#include "core/fields.h"

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

GapSuggestion make_suggestion(const FieldRef& r, int64_t before, int64_t after) {
  const FieldDef& f = field(r.field);
  FactOverride o;
  o.ref = r;
  o.raw = after;
  o.written = std::string(f.name) + (r.year != 0 ? "@" + std::to_string(r.year) : "") + "=" +
              Decimal::from_micros(after).to_string();
  const std::string delta = (after >= before ? "+" : "") + Decimal::from_micros(after - before).to_string();
  const std::string unit_zh(gradus::unit_zh(f.kind)), unit_en(gradus::unit_en(f.kind));
  GapSuggestion s;
  s.changes.push_back(o);
  const std::string sp_zh = unit_zh.empty() ? "" : " " + unit_zh, sp_en = unit_en.empty() ? "" : " " + unit_en;
  s.text = Text{fact_name(r, Lang::zh) + "：" + Decimal::from_micros(before).to_string() + " → " +
                    Decimal::from_micros(after).to_string() + sp_zh + "（" + delta + "）",
                fact_name(r, Lang::en) + ": " + Decimal::from_micros(before).to_string() + " → " +
                    Decimal::from_micros(after).to_string() + sp_en + " (" + delta + ")"};
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
    const int64_t step = step_micros(f);
    int64_t after = round_to(wanted * Decimal::kScale, step, dir);
    if (strict && std::abs(static_cast<double>(after) / Decimal::kScale - wanted) < 1e-9) after += dir * step;
    if (after < 0) return std::nullopt;
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
bool proves(const Plan& plan, const Pool& pool, uint32_t e, const std::string& id, const GapSuggestion& s) {
  Result<Pool> changed = pool_with_overrides(pool, e, s.changes);
  if (!changed) return false;
  AssessmentResult r = assess_one(plan, *changed, 0);
  for (const CriterionResult& c : r.criteria) {
    if (c.id == id) return c.outcome == Outcome::met;
  }
  return false;
}

}  // namespace

TierGap tier_gap(const Plan& plan, const Pool& pool, uint32_t e) {
  TierGap g;
  g.policy = plan.policy->key();
  AssessmentResult r = assess_one(plan, pool, e);
  g.outcome = r.outcome;
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
    CriterionGap cg{c.id, c.label, c.cite, c.outcome, c.value, c.threshold, c.unit, c.missing, c.note, {}};
    if (c.outcome == Outcome::not_met) {
      for (const PlanCriterion& pc : plan.criteria) {
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
          if (proves(plan, pool, e, c.id, s)) cg.suggestions.push_back(std::move(s));
        }
        break;
      }
    }
    (c.outcome == Outcome::unknown ? g.unknown : c.outcome == Outcome::manual ? g.manual : g.not_met)
        .push_back(std::move(cg));
  }
  return g;
}

}  // namespace gradus
