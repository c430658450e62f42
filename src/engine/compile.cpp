// Compiling a Policy into a Plan: expressions become a de-duplicated DAG of vector operations,
// the criteria tree is flattened in post-order, score indicators get one variant per overlay.
#include <algorithm>
#include <cmath>
#include <map>

#include "core/industry.h"
#include "engine/plan.h"
#include "policy/expr_parser.h"

namespace gradus {

const char* outcome_id(Outcome o) {
  switch (o) {
    case Outcome::met:
      return "met";
    case Outcome::not_met:
      return "not_met";
    case Outcome::unknown:
      return "unknown";
    case Outcome::manual:
      return "manual";
  }
  return "?";
}

const Text& outcome_label(Outcome o) {
  static const Text labels[] = {{"不符合", "not met"},
                                {"符合", "met"},
                                {"无法判断（缺少数据）", "unknown (facts missing)"},
                                {"需人工评审", "needs a reviewer"}};
  return labels[static_cast<int>(o)];
}

const Criterion* find_criterion(const Plan& plan, std::string_view id) {
  for (const PlanCriterion& c : plan.criteria)
    if (c.source != nullptr && c.source->id == id) return c.source;
  return nullptr;
}

namespace {

uint64_t mask_of(const std::vector<std::string>& names, std::span<const EnumValue> values) {
  uint64_t m = 0;
  for (const std::string& n : names) {
    int i = enum_index(values, n);
    if (i >= 0) m |= uint64_t{1} << i;
  }
  return m;
}

class Compiler {
 public:
  Compiler(Plan& plan, const PolicyRegistry& registry, std::vector<std::string>& stack)
      : plan_(plan), registry_(registry), stack_(stack), year_(plan.options.as_of.year()) {}

  Status run() {
    const Policy& p = *plan_.policy;
    for (int k = 0; k < Plan::kJan1Years; ++k)
      plan_.jan1_days.push_back(Date::from_ymd(year_ - k, 1, 1).days());
    if (p.kind == Policy::Kind::classify) {
      compile_classify(*p.classify);
    } else {
      compile_criterion(p.criteria, 0);
      if (p.score) compile_score(*p.score);
    }
    if (!status_.ok()) return status_;
    // What each leaf requires, as shown in results (made once here, not per firm).
    for (PlanCriterion& pc : plan_.criteria) {
      const Criterion& c = *pc.source;
      if (c.kind == Criterion::Kind::compare) {
        const std::string& t = c.threshold->kind == Expr::Kind::parameter ? c.threshold->text : c.threshold_text;
        pc.requirement = std::string(compare_op_text(c.op)) + " " + t;
      } else if (c.kind == Criterion::Kind::test) {
        pc.requirement = expression_text(*c.value);
      }
    }
    // all_refs: union of every leaf's refs.
    auto add = [&](const std::vector<FieldRef>& refs) {
      for (const FieldRef& r : refs)
        if (std::find(plan_.all_refs.begin(), plan_.all_refs.end(), r) == plan_.all_refs.end())
          plan_.all_refs.push_back(r);
    };
    for (const PlanCriterion& c : plan_.criteria) add(c.refs);
    for (const PlanIndicator& i : plan_.indicators)
      for (const PlanIndicatorVariant& v : i.variants) add(v.refs);
    if (plan_.classify) add(plan_.classify->refs);
    return Status::ok_status();
  }

 private:
  int intern(VNode n) {
    std::string key = std::to_string(static_cast<int>(n.op)) + "|" + std::to_string(n.constant) +
                      "|" + std::to_string(n.field) + "|" + std::to_string(n.year) + "|" +
                      std::to_string(n.mask) + "|" + std::to_string(n.level) + "|" +
                      std::to_string(n.rank) + "|" + std::to_string(n.subplan) + "|" +
                      std::to_string(reinterpret_cast<uintptr_t>(n.lhs)) + "|" +
                      std::to_string(reinterpret_cast<uintptr_t>(n.rhs));
    for (int i : n.in) key += "," + std::to_string(i);
    for (const std::string& s : n.names) key += ";" + s;
    auto it = interned_.find(key);
    if (it != interned_.end()) return it->second;
    n.exactness = exactness_of(n);
    plan_.nodes.push_back(std::move(n));
    int idx = static_cast<int>(plan_.nodes.size()) - 1;
    interned_[key] = idx;
    return idx;
  }
  VNode::Exactness exactness_of(const VNode& n) const {
    using X = VNode::Exactness;
    auto all_integral = [&]() {
      for (int i : n.in)
        if (plan_.nodes[i].exactness != X::integral) return false;
      return true;
    };
    switch (n.op) {
      case VOp::constant:
        return n.constant == std::floor(n.constant) && std::fabs(n.constant) < 1e15 ? X::integral
                                                                                    : X::plain;
      case VOp::load:
      case VOp::ip_count: {
        const FieldDef& f = field(n.field);
        return f.kind == FieldKind::money || f.kind == FieldKind::ratio ||
                       f.kind == FieldKind::decimal
                   ? X::plain
                   : X::integral;  // counts are whole numbers; flags, enums, dates, codes are
                                   // integers
      }
      case VOp::neg:
      case VOp::add:
      case VOp::sub:
      case VOp::mul:
      case VOp::sum:
      case VOp::min:
      case VOp::max:
        if (all_integral()) return X::integral;
        if ((n.op == VOp::neg || n.op == VOp::min || n.op == VOp::max) &&
            std::all_of(n.in.begin(), n.in.end(),
                        [&](int i) { return plan_.nodes[i].exactness != X::computed; }))
          return X::plain;
        return X::computed;
      case VOp::not_:
      case VOp::lt:
      case VOp::le:
      case VOp::gt:
      case VOp::ge:
      case VOp::eq:
      case VOp::ne:
      case VOp::and_:
      case VOp::or_:
      case VOp::years_in:
      case VOp::years_since:
      case VOp::days_since:
      case VOp::has:
      case VOp::holds_title:
      case VOp::honour_valid:
      case VOp::incidents_within:
      case VOp::incidents_active:
      case VOp::awards_within:
      case VOp::maker_china_within:
      case VOp::policy_ref:
        return X::integral;
      default:
        return X::computed;
    }
  }

  int constant(double v) {
    VNode n;
    n.op = VOp::constant;
    n.constant = v;
    return intern(std::move(n));
  }
  int load(FieldId f, int year) {
    VNode n;
    const FieldDef& fd = field(f);
    bool ip = fd.name == "ip_class1" || fd.name == "ip_class1_self" ||
              fd.name == "ip_class1_high_value" || fd.name == "ip_class2" ||
              fd.name == "ip_class1_applied" || fd.name == "ip_class1_applied_own_top3";
    n.op = ip ? VOp::ip_count : VOp::load;
    n.field = f;
    n.year = year;
    return intern(std::move(n));
  }
  int op(VOp o, std::vector<int> in, double c = 0) {
    VNode n;
    n.op = o;
    n.in = std::move(in);
    n.constant = c;
    return intern(std::move(n));
  }

  // policy(…) within policy(…): compiled recursively, so bounded (docs/reliability.md).
  static constexpr size_t kMaxPolicyNesting = 32;
  int subplan_for(const std::string& id) {
    auto it = subplan_index_.find(id);
    if (it != subplan_index_.end()) return it->second;
    // After a failure, no second attempt: both expr() and refs() ask for each subplan, and
    // retrying a failed chain at every level would take 2^depth compilations.
    if (!status_.ok()) return -1;
    if (std::find(stack_.begin(), stack_.end(), id) != stack_.end()) {
      status_ =
          invalid("策略相互引用形成循环：" + id, "policies refer to each other in a cycle: " + id);
      return -1;
    }
    if (stack_.size() >= kMaxPolicyNesting) {
      const std::string n = std::to_string(kMaxPolicyNesting);
      status_ = invalid("策略经 policy(…) 逐层引用超过 " + n + " 层（上限）：" + id,
                        "policies refer to each other through policy(…) more than " + n +
                            " levels deep (the limit): " + id);
      return -1;
    }
    Result<const Policy*> p = registry_.select(id, plan_.options.as_of, plan_.options.mode);
    if (!p) {
      status_ = p.error();
      return -1;
    }
    auto sub = std::make_unique<Plan>();
    sub->policy = *p;
    sub->options = plan_.options;
    stack_.push_back(id);
    Compiler c(*sub, registry_, stack_);
    Status s = c.run();
    stack_.pop_back();
    if (!s.ok()) {
      status_ = s;
      return -1;
    }
    plan_.subplans.push_back(std::move(sub));
    int idx = static_cast<int>(plan_.subplans.size()) - 1;
    subplan_index_[id] = idx;
    return idx;
  }

  void refs(const Expr& e, std::vector<FieldRef>& out) {
    auto add = [&](FieldRef r) {
      if (std::find(out.begin(), out.end(), r) == out.end()) out.push_back(r);
    };
    switch (e.kind) {
      case Expr::Kind::field:
        add({e.field, field(e.field).scope == FieldScope::yearly ? year_ + e.year_offset : 0});
        return;
      case Expr::Kind::fact:
        refs(*plan_.policy->facts[e.fact_index].expr, out);
        return;
      case Expr::Kind::call:
        if (e.name == "growth" || e.name == "cagr") {
          int k = static_cast<int>(e.args[1]->number);
          int back = e.name == "growth" ? 1 : static_cast<int>(e.args[2]->number);
          add({e.args[0]->field, year_ + k});
          add({e.args[0]->field, year_ + k - back});
          return;
        }
        if (e.name == "policy") {
          int s = subplan_for(e.args[0]->name);
          if (s >= 0)
            for (const FieldRef& r : plan_.subplans[s]->all_refs) add(r);
          return;
        }
        for (const auto& a : e.args) refs(*a, out);
        return;
      default:
        for (const auto& a : e.args) refs(*a, out);
    }
  }

  int expr(const Expr& e) {
    switch (e.kind) {
      case Expr::Kind::number:
      case Expr::Kind::parameter:
        return constant(e.number);
      case Expr::Kind::enum_value:
        return constant(e.enum_ordinal);
      case Expr::Kind::field:
        return load(e.field,
                    field(e.field).scope == FieldScope::yearly ? year_ + e.year_offset : 0);
      case Expr::Kind::fact: {
        auto it = facts_.find(e.fact_index);
        if (it != facts_.end()) return it->second;
        int n = expr(*plan_.policy->facts[e.fact_index].expr);
        facts_[e.fact_index] = n;
        return n;
      }
      case Expr::Kind::list:
        return constant(0);  // only used as a function argument
      case Expr::Kind::neg:
        return op(VOp::neg, {expr(*e.args[0])});
      case Expr::Kind::not_:
        return op(VOp::not_, {expr(*e.args[0])});
      case Expr::Kind::add:
        return op(VOp::add, {expr(*e.args[0]), expr(*e.args[1])});
      case Expr::Kind::sub:
        return op(VOp::sub, {expr(*e.args[0]), expr(*e.args[1])});
      case Expr::Kind::mul:
        return op(VOp::mul, {expr(*e.args[0]), expr(*e.args[1])});
      case Expr::Kind::div:
        return op(VOp::div, {expr(*e.args[0]), expr(*e.args[1])});
      case Expr::Kind::and_:
        return op(VOp::and_, {expr(*e.args[0]), expr(*e.args[1])});
      case Expr::Kind::or_:
        return op(VOp::or_, {expr(*e.args[0]), expr(*e.args[1])});
      case Expr::Kind::lt:
      case Expr::Kind::le:
      case Expr::Kind::gt:
      case Expr::Kind::ge:
      case Expr::Kind::eq:
      case Expr::Kind::ne: {
        static const std::map<Expr::Kind, CompareOp> ops = {
            {Expr::Kind::lt, CompareOp::lt}, {Expr::Kind::le, CompareOp::le},
            {Expr::Kind::gt, CompareOp::gt}, {Expr::Kind::ge, CompareOp::ge},
            {Expr::Kind::eq, CompareOp::eq}, {Expr::Kind::ne, CompareOp::ne}};
        return compare(ops.at(e.kind), *e.args[0], *e.args[1]);
      }
      case Expr::Kind::call:
        return call(e);
    }
    return constant(0);
  }

 public:
  int compare(CompareOp o, const Expr& l, const Expr& r) {
    static const VOp vops[] = {VOp::lt, VOp::le, VOp::gt, VOp::ge, VOp::eq, VOp::ne};
    VNode n;
    n.op = vops[static_cast<int>(o)];
    n.in = {expr(l), expr(r)};
    // Two integral sides, or two plain ones, compare exactly in double; anything computed
    // (ratios, growth, means…) is rechecked in rational arithmetic when the sides are close.
    using X = VNode::Exactness;
    X a = plan_.nodes[n.in[0]].exactness, b = plan_.nodes[n.in[1]].exactness;
    if (a == X::computed || b == X::computed) {
      n.lhs = &l;
      n.rhs = &r;
    }
    return intern(std::move(n));
  }

 private:
  int call(const Expr& e) {
    const std::string& f = e.name;
    auto args = [&]() {
      std::vector<int> v;
      for (const auto& a : e.args) v.push_back(expr(*a));
      return v;
    };
    if (f == "ratio") return op(VOp::ratio, args());
    if (f == "sum") return op(VOp::sum, args());
    if (f == "mean") return op(VOp::mean, args());
    if (f == "min") return op(VOp::min, args());
    if (f == "max") return op(VOp::max, args());
    if (f == "growth") {
      int k = static_cast<int>(e.args[1]->number);
      int cur = load(e.args[0]->field, year_ + k);
      int prev = load(e.args[0]->field, year_ + k - 1);
      return op(VOp::mul, {op(VOp::div, {op(VOp::sub, {cur, prev}), prev}), constant(100)});
    }
    if (f == "cagr") {
      int k = static_cast<int>(e.args[1]->number);
      int n = static_cast<int>(e.args[2]->number);
      return op(VOp::cagr,
                {load(e.args[0]->field, year_ + k), load(e.args[0]->field, year_ + k - n)}, n);
    }
    if (f == "years_in") return op(VOp::years_in, {expr(*e.args[0])});
    if (f == "years_since") return op(VOp::years_since, {expr(*e.args[0])});
    if (f == "days_since") return op(VOp::days_since, {expr(*e.args[0])});
    VNode n;
    if (f == "has") {
      n.op = VOp::has;
      n.in = {expr(*e.args[0])};
      n.mask = mask_of(e.args[1]->names, field(e.args[0]->field).values);
    } else if (f == "holds_title") {
      n.op = VOp::holds_title;
      n.names = e.args[0]->names;
    } else if (f == "honour_valid") {
      n.op = VOp::honour_valid;
      n.mask = mask_of(e.args[0]->names, honour_kinds());
    } else if (f == "incidents_within") {
      n.op = VOp::incidents_within;
      n.constant = e.args[0]->number;
      n.mask = mask_of(e.args[1]->names, incident_kinds());
    } else if (f == "incidents_active") {
      n.op = VOp::incidents_active;
      n.mask = mask_of(e.args[0]->names, incident_kinds());
    } else if (f == "awards_within") {
      n.op = VOp::awards_within;
      n.constant = e.args[0]->number;
      n.level = e.args[1]->enum_ordinal;
      n.rank = static_cast<int>(e.args[2]->number);
    } else if (f == "maker_china_within") {
      n.op = VOp::maker_china_within;
      n.constant = e.args[0]->number;
      n.level = e.args[1]->enum_ordinal;
    } else if (f == "policy") {
      n.op = VOp::policy_ref;
      n.subplan = subplan_for(e.args[0]->name);
    }
    return intern(std::move(n));
  }

  bool in_mode(const Criterion& c) const {
    if (c.modes.empty()) return true;
    return std::find(c.modes.begin(), c.modes.end(), plan_.options.mode) != c.modes.end();
  }

  int compile_criterion(const Criterion& c, int depth) {
    PlanCriterion pc;
    pc.source = &c;
    pc.depth = depth;
    for (const Criterion& child : c.children)
      if (in_mode(child)) pc.children.push_back(compile_criterion(child, depth + 1));
    if (pc.children.size() > 255 && status_.ok())
      status_ = invalid("条件组 " + c.id + " 的子条件超过 255 个",
                        "criterion group " + c.id + " has more than 255 children");
    switch (c.kind) {
      case Criterion::Kind::compare:
        pc.value_node = expr(*c.value);
        pc.threshold_node = expr(*c.threshold);
        pc.node = compare(c.op, *c.value, *c.threshold);
        refs(*c.value, pc.refs);
        refs(*c.threshold, pc.refs);
        break;
      case Criterion::Kind::test:
        pc.node = expr(*c.value);
        refs(*c.value, pc.refs);
        break;
      case Criterion::Kind::score_pass:
        pc.score_pass = true;
        break;
      default:
        break;
    }
    if (c.manual_unless) pc.refs.push_back({*c.manual_unless, 0});
    plan_.criteria.push_back(std::move(pc));
    return static_cast<int>(plan_.criteria.size()) - 1;
  }

  PlanIndicatorVariant variant(const Indicator& ind) {
    PlanIndicatorVariant v;
    v.source = &ind;
    if (ind.value) {
      v.value_node = expr(*ind.value);
      refs(*ind.value, v.refs);
    }
    for (const Band& b : ind.bands) {
      v.when_nodes.push_back(b.when ? expr(*b.when) : -1);
      if (b.when) refs(*b.when, v.refs);
    }
    for (const ScoreItem& it : ind.items) {
      v.when_nodes.push_back(expr(*it.when));
      refs(*it.when, v.refs);
    }
    return v;
  }

  void compile_score(const Score& s) {
    for (size_t ci = 0; ci < s.classes.size(); ++ci) {
      for (const Indicator& ind : s.classes[ci].indicators) {
        PlanIndicator pi;
        pi.class_index = static_cast<int>(ci);
        pi.variants.push_back(variant(ind));
        auto it = plan_.policy->overlays.find(ind.id);
        if (it != plan_.policy->overlays.end()) {
          for (const IndicatorOverlay& ov : it->second) {
            PlanIndicatorVariant v = variant(ov.indicator);
            v.jurisdiction = ov.jurisdiction;
            v.jurisdiction_prefix = ov.jurisdiction.empty() ? 0 : std::stoi(ov.jurisdiction);
            for (size_t d = ov.jurisdiction.size(); d < 6; ++d) v.jurisdiction_div *= 10;
            v.place = ov.place;
            pi.variants.push_back(std::move(v));
          }
          if (pi.variants.size() > 1) {
            FieldRef region{find_field("region")->id, 0};
            for (auto& v : pi.variants) v.refs.push_back(region);
          }
        }
        plan_.indicators.push_back(std::move(pi));
      }
    }
    for (const PassRule& r : s.pass) {
      std::pair<int, int> target{0, 0};
      for (size_t c = 0; c < s.classes.size(); ++c)
        if (s.classes[c].id == r.of) target = {1, static_cast<int>(c)};
      for (size_t k = 0; k < plan_.indicators.size(); ++k)
        if (plan_.indicators[k].variants[0].source->id == r.of) target = {2, static_cast<int>(k)};
      plan_.pass_targets.push_back(target);
    }
  }

  void compile_classify(const Classify& c) {
    auto pc = std::make_unique<PlanClassify>();
    pc->source = &c;
    for (const ClassifyIndicator& ind : c.indicators) {
      pc->indicator_nodes.push_back(expr(*ind.expr));
      refs(*ind.expr, pc->refs);
    }
    pc->refs.push_back({find_field("industry")->id, 0});
    for (const ClassifyCategory& k : c.categories) {
      auto& per_class = pc->bounds.emplace_back(c.classes.size());
      for (size_t cl = 0; cl < c.classes.size(); ++cl)
        for (size_t j = 0; j < c.indicators.size(); ++j)
          if (k.bounds[cl][j]) per_class[cl].emplace_back(static_cast<int>(j), *k.bounds[cl][j]);
    }
    // Longest-prefix match of the full industry code ("C3976") against the categories.
    pc->category_of_class.assign(10000, -1);
    int fallback = -1;
    for (size_t k = 0; k < c.categories.size(); ++k)
      for (const std::string& pre : c.categories[k].industries)
        if (pre == "*") fallback = static_cast<int>(k);
    for (int code = 0; code < 10000; ++code) {
      std::string full = IndustryCode::from_class(code).full();
      size_t best_len = 0;
      int best = fallback;
      for (size_t k = 0; k < c.categories.size(); ++k) {
        for (const std::string& pre : c.categories[k].industries) {
          if (pre == "*" || pre.size() <= best_len) continue;
          if (full.compare(0, pre.size(), pre) == 0) {
            best_len = pre.size();
            best = static_cast<int>(k);
          }
        }
      }
      pc->category_of_class[code] = static_cast<int16_t>(best);
    }
    // The evaluator keeps class and indicator sets in 8-bit masks.
    if ((c.classes.size() > 8 || c.indicators.size() > 8) && status_.ok())
      status_ = invalid("分类策略最多支持 8 个类别和 8 个指标",
                        "a classify policy has at most 8 classes and 8 indicators");
    const size_t ncls = c.classes.size(), nind = c.indicators.size();
    pc->bound_mask.assign(c.categories.size() * ncls, 0);
    pc->dense_bounds.assign(c.categories.size() * ncls * nind, 0.0);
    for (size_t k = 0; k < pc->bounds.size(); ++k)
      for (size_t cl = 0; cl < ncls; ++cl)
        for (const auto& [j, b] : pc->bounds[k][cl]) {
          pc->bound_mask[k * ncls + cl] |= static_cast<uint8_t>(1u << (j & 7));
          pc->dense_bounds[(k * ncls + cl) * nind + static_cast<size_t>(j)] = b;
        }
    for (int node : pc->indicator_nodes)
      pc->recheck.push_back(plan_.nodes[node].exactness == VNode::Exactness::computed ? 1 : 0);
    for (int m : c.met_classes) pc->met_mask |= static_cast<uint8_t>(1u << (m & 7));
    pc->industry = find_field("industry")->id;
    plan_.classify = std::move(pc);
  }

  Plan& plan_;
  const PolicyRegistry& registry_;
  std::vector<std::string>& stack_;
  int year_;
  std::map<std::string, int> interned_;
  std::map<int, int> facts_;
  std::map<std::string, int> subplan_index_;
  Status status_;
};

}  // namespace

Result<std::unique_ptr<Plan>> compile_plan(const Policy& policy, const PolicyRegistry& registry,
                                           const AssessOptions& options) {
  auto plan = std::make_unique<Plan>();
  plan->policy = &policy;
  plan->options = options;
  std::vector<std::string> stack{policy.id};
  Compiler c(*plan, registry, stack);
  Status s = c.run();
  if (!s.ok()) return s;
  return plan;
}

}  // namespace gradus
