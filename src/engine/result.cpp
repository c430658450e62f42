// Extraction of per-enterprise results from evaluated batches; see result.h.
#include "engine/result.h"

#include <charconv>
#include <cmath>
#include <cstdio>
#include <functional>

#include "core/decimal.h"
#include "core/industry.h"
#include "core/region.h"
#include "engine/row_facts.h"
#include "policy/expr_parser.h"

namespace gradus {

std::string format_number(double v) {
  if (std::isinf(v)) return v > 0 ? "inf" : "-inf";
  char buf[400];  // fixed notation of the largest double with 4 decimals fits
  const std::to_chars_result end = std::to_chars(buf, buf + sizeof buf, v, std::chars_format::fixed, 4);
  std::string s(buf, end.ptr);  // what "%.4f" gives, without printf's locale and parsing
  while (!s.empty() && s.back() == '0') s.pop_back();
  if (!s.empty() && s.back() == '.') s.pop_back();
  if (s == "-0") s = "0";
  return s;
}

std::string format_raw(FieldId f, int64_t raw) {
  const FieldDef& d = field(f);
  switch (d.kind) {
    case FieldKind::money: case FieldKind::ratio: case FieldKind::count: case FieldKind::decimal:
      return Decimal::from_micros(raw).to_string();
    case FieldKind::boolean: return raw ? "true" : "false";
    case FieldKind::enumeration:
      return raw >= 0 && static_cast<size_t>(raw) < d.values.size() ? std::string(d.values[raw].id) : "?";
    case FieldKind::enum_set: {
      std::string s;
      for (size_t k = 0; k < d.values.size(); ++k)
        if ((raw >> k) & 1) s += (s.empty() ? "" : ";") + std::string(d.values[k].id);
      return s.empty() ? "none" : s;
    }
    case FieldKind::date: return Date::from_days(static_cast<int32_t>(raw)).to_string();
    case FieldKind::region: return std::to_string(raw);
    case FieldKind::industry: return IndustryCode::from_class(static_cast<int32_t>(raw)).full();
    case FieldKind::text: return "";
  }
  return "";
}

std::string field_ref_text(const FieldRef& r, Lang lang) {
  const FieldDef& d = field(r.field);
  if (lang == Lang::en) return std::string(d.name) + (r.year ? "@" + std::to_string(r.year) : "");
  return std::string(d.zh) + (r.year ? "（" + std::to_string(r.year) + "年）" : "");
}

namespace {

std::string display(const Expr& e, double v) {
  if (e.type == ValueType::boolean) return v != 0 ? "true" : "false";
  if (e.type == ValueType::date) return Date::from_days(static_cast<int32_t>(v)).to_string();
  if (e.type == ValueType::enumeration && e.kind == Expr::Kind::field) {
    return format_raw(e.field, static_cast<int64_t>(v));
  }
  if (e.kind == Expr::Kind::field && field(e.field).kind == FieldKind::industry)
    return format_raw(e.field, static_cast<int64_t>(v));
  return format_number(v);
}

std::vector<FieldRef> missing_of(const std::vector<FieldRef>& refs, const Pool& pool, uint32_t row, Date as_of) {
  std::vector<FieldRef> out;
  for (const FieldRef& r : refs)
    if (!read_fact(pool, r.field, r.year, row, as_of)) out.push_back(r);
  return out;
}

}  // namespace

AssessmentResult extract_result(const Plan& plan, const Pool& pool, const BatchState& s, uint32_t i,
                                bool lean) {
  AssessmentResult r;
  const Policy& p = *plan.policy;
  const uint32_t row = s.begin + i;
  const Date as_of = plan.options.as_of;
  r.row = row;
  r.uscc = pool.uscc(row);
  if (!lean) r.name = pool.text(find_field("name")->id, row);
  r.policy = &p;
  r.as_of = as_of;
  r.mode = plan.options.mode;
  r.outcome = root_outcome(s, i);

  if (plan.classify) {
    const Classify& c = *plan.classify->source;
    if (s.result[i] >= 0) {
      r.result = c.classes[s.result[i]].id;
      r.result_label = c.classes[s.result[i]].label;
    }
    for (size_t k = 0; k < c.classes.size(); ++k)
      if ((s.possible[i] >> k) & 1) r.possible.push_back(c.classes[k].id);
    if (s.category[i] >= 0) {
      r.category = c.categories[s.category[i]].id;
      r.category_label = c.categories[s.category[i]].label;
    }
    for (size_t j = 0; j < c.indicators.size(); ++j) {
      int node = plan.classify->indicator_nodes[j];
      r.classify_values.emplace_back(c.indicators[j].key,
                                     s.s(node)[i] == kValueOk ? format_number(s.v(node)[i]) : std::string());
    }
    r.missing = missing_of(plan.classify->refs, pool, row, as_of);
    return r;
  }

  if (p.score) {
    r.scored = true;
    r.score_lo = s.total_lo[i];
    r.score_hi = s.total_hi[i];
    for (size_t c = 0; c < p.score->classes.size(); ++c)
      r.classes.push_back({p.score->classes[c].id, p.score->classes[c].label, s.class_lo[c * kBatch + i],
                           s.class_hi[c * kBatch + i]});
    for (size_t k = 0; k < plan.indicators.size(); ++k) {
      const PlanIndicator& pi = plan.indicators[k];
      size_t at = k * kBatch + i;
      const PlanIndicatorVariant& var = pi.variants[s.variant[at]];
      const Indicator& ind = *var.source;
      IndicatorResult ir;
      ir.id = ind.id;
      ir.label = ind.label;
      ir.max = ind.max;
      ir.lo = s.lo[at];
      ir.hi = s.hi[at];
      ir.flags = s.flags[at];
      ir.overlay = var.place;
      if (var.value_node >= 0 && s.s(var.value_node)[i] == kValueOk) ir.number = s.v(var.value_node)[i];
      for (size_t t = 0; t < ind.items.size() && t < 32 && t < var.when_nodes.size(); ++t) {
        const int w = var.when_nodes[t];
        if (w >= 0 && s.s(w)[i] == kValueOk && s.v(w)[i] != 0) ir.items_held |= 1u << t;
      }
      if (lean) {
        r.indicators.push_back(std::move(ir));
        continue;
      }
      ir.class_id = p.score->classes[pi.class_index].id;
      ir.cite = ind.cite;
      ir.unit = ind.unit;
      ir.manual_reason = ind.manual_reason;
      if (s.band[at] >= 0) {
        const Band& b = ind.bands[s.band[at]];
        ir.band = !b.wording.empty() ? b.wording : b.range_text;
      }
      for (size_t t = 0; t < ind.items.size() && t < 32; ++t) {  // items: the ones held
        if ((ir.items_held >> t) & 1) ir.band += (ir.band.empty() ? "" : "；") + ind.items[t].label.zh;
      }
      if (ir.number) ir.value = display(*ind.value, *ir.number);
      if (ir.flags & kPointsUnknown) ir.missing = missing_of(var.refs, pool, row, as_of);
      ir.reading = ind.notes;
      if (ind.boundary && ir.number)
        for (double b : ind.boundary->at)
          if (std::fabs(*ir.number - b) <= 1e-9 * (1 + std::fabs(b))) ir.note = ind.boundary->note;
      r.indicators.push_back(std::move(ir));
    }
  }

  // Criteria in pre-order: walk from the root through the post-order children lists.
  std::function<void(int)> walk = [&](int ci) {
    const PlanCriterion& pc = plan.criteria[ci];
    const Criterion& c = *pc.source;
    CriterionResult cr;
    cr.outcome = static_cast<Outcome>(s.outcome[static_cast<size_t>(ci) * kBatch + i]);
    cr.leaf = pc.children.empty() && c.kind != Criterion::Kind::all && c.kind != Criterion::Kind::any &&
              c.kind != Criterion::Kind::at_least;
    if (lean && (cr.outcome == Outcome::met || !cr.leaf)) {  // nothing the gap analysis reads
      if (cr.outcome != Outcome::met) {
        for (int ch : pc.children) walk(ch);
      }
      return;
    }
    cr.plan_index = ci;
    cr.id = c.id;
    cr.label = c.label;
    cr.cite = c.cite;
    if (!lean) cr.wording = c.wording;
    cr.depth = pc.depth;
    cr.kind = c.kind;
    cr.at_least = c.at_least;
    cr.unit = c.unit;
    if (!lean) cr.reading = c.notes;
    if (c.kind == Criterion::Kind::compare) {
      int vn = pc.value_node;
      if (s.s(vn)[i] == kValueOk) {
        cr.number = s.v(vn)[i];
        cr.value = display(*c.value, *cr.number);
      }
      cr.threshold = pc.requirement;
      if (c.boundary && cr.number) {
        for (double at : c.boundary->at)
          if (std::fabs(*cr.number - at) <= 1e-9 * (1 + std::fabs(at))) cr.note = c.boundary->note;
      }
    } else if (c.kind == Criterion::Kind::test) {
      int vn = pc.node;
      if (s.s(vn)[i] == kValueOk) {
        cr.number = s.v(vn)[i];
        cr.value = s.v(vn)[i] != 0 ? "true" : "false";
      }
      cr.threshold = pc.requirement;
    } else if (c.kind == Criterion::Kind::score_pass && p.score) {
      std::string t;
      for (const PassRule& pr : p.score->pass)
        t += (t.empty() ? "" : ", ") + pr.of + " " + compare_op_text(pr.op) + " " + format_number(pr.threshold);
      cr.threshold = t;
      cr.value = r.score_lo == r.score_hi ? format_number(r.score_lo)
                                          : format_number(r.score_lo) + "–" + format_number(r.score_hi);
      cr.number = r.score_lo == r.score_hi ? std::optional<double>(r.score_lo) : std::nullopt;
      cr.unit = "分";
    }
    if (cr.outcome == Outcome::manual && !c.manual_reason.empty()) cr.note = c.manual_reason;
    if (cr.outcome == Outcome::unknown && cr.leaf) cr.missing = missing_of(pc.refs, pool, row, as_of);
    r.criteria.push_back(std::move(cr));
    for (int ch : pc.children) walk(ch);
  };
  walk(plan.root());
  return r;
}

void extract_inputs(const Plan& plan, const Pool& pool, AssessmentResult& r) {
  for (const FieldRef& ref : plan.all_refs) {
    auto raw = read_fact(pool, ref.field, ref.year, r.row, plan.options.as_of);
    r.inputs.push_back({ref, raw ? format_raw(ref.field, *raw) : std::string()});
  }
}

}  // namespace gradus
