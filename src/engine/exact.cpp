// Exact rational evaluation of policy expressions for one enterprise; see exact.h.
#include "engine/exact.h"

#include <boost/multiprecision/cpp_int.hpp>
#include <cmath>

#include "engine/row_facts.h"

namespace gradus {
namespace {

using Rational = boost::multiprecision::cpp_rational;

struct Value {
  bool ok = false;  // false: missing, undefined, or not exactly computable
  Rational v;
};

Rational from_micros(int64_t micros) { return Rational(micros, 1'000'000); }
Rational from_constant(double c) { return from_micros(std::llround(c * 1e6)); }

class Exact {
 public:
  Exact(const Plan& plan, const Pool& pool, uint32_t row) : plan_(plan), pool_(pool), row_(row) {}

  Value eval(const Expr& e) {
    using K = Expr::Kind;
    switch (e.kind) {
      case K::number:
      case K::parameter:
        return {true, from_constant(e.number)};
      case K::enum_value:
        return {true, Rational(e.enum_ordinal)};
      case K::field: {
        const FieldDef& f = field(e.field);
        int year = f.scope == FieldScope::yearly ? plan_.options.as_of.year() + e.year_offset : 0;
        std::optional<int64_t> raw = read_fact(pool_, e.field, year, row_, plan_.options.as_of);
        if (!raw) return {};
        if (f.numeric()) return {true, from_micros(*raw)};
        return {true, Rational(*raw)};
      }
      case K::fact:
        return eval(*plan_.policy->facts[e.fact_index].expr);
      case K::neg: {
        Value a = eval(*e.args[0]);
        return {a.ok, -a.v};
      }
      case K::add: case K::sub: case K::mul: case K::div: {
        Value a = eval(*e.args[0]);
        Value b = eval(*e.args[1]);
        if (!a.ok || !b.ok) return {};
        if (e.kind == K::add) return {true, a.v + b.v};
        if (e.kind == K::sub) return {true, a.v - b.v};
        if (e.kind == K::mul) return {true, a.v * b.v};
        if (b.v == 0) return {};
        return {true, a.v / b.v};
      }
      case K::call:
        return call(e);
      default:
        return {};  // conditions are never compared numerically
    }
  }

 private:
  Value call(const Expr& e) {
    const std::string& f = e.name;
    if (f == "ratio") {
      Value a = eval(*e.args[0]);
      Value b = eval(*e.args[1]);
      if (!a.ok || !b.ok || b.v == 0) return {};
      return {true, a.v * 100 / b.v};
    }
    if (f == "growth") {
      int year = plan_.options.as_of.year() + static_cast<int>(e.args[1]->number);
      auto cur = read_fact(pool_, e.args[0]->field, year, row_, plan_.options.as_of);
      auto prev = read_fact(pool_, e.args[0]->field, year - 1, row_, plan_.options.as_of);
      if (!cur || !prev || *prev == 0) return {};
      return {true, (from_micros(*cur) - from_micros(*prev)) * 100 / from_micros(*prev)};
    }
    if (f == "sum" || f == "mean" || f == "min" || f == "max") {
      Rational acc;
      for (size_t i = 0; i < e.args.size(); ++i) {
        Value a = eval(*e.args[i]);
        if (!a.ok) return {};
        if (i == 0) acc = a.v;
        else if (f == "sum" || f == "mean") acc += a.v;
        else if (f == "min") acc = a.v < acc ? a.v : acc;
        else acc = a.v > acc ? a.v : acc;
      }
      if (f == "mean") acc /= static_cast<int>(e.args.size());
      return {true, acc};
    }
    if (f == "years_in" || f == "years_since" || f == "days_since") {
      Value d = eval(*e.args[0]);
      if (!d.ok) return {};
      Date date = Date::from_days(static_cast<int32_t>(boost::multiprecision::numerator(d.v)));
      Date as_of = plan_.options.as_of;
      if (f == "years_in") return {true, Rational(completed_years(date, Date::from_ymd(as_of.year(), 1, 1)))};
      if (f == "years_since") return {true, Rational(completed_years(date, as_of))};
      return {true, Rational(as_of.days() - date.days())};
    }
    return {};  // cagr and event functions: not needed exactly here
  }

  const Plan& plan_;
  const Pool& pool_;
  uint32_t row_;
};

bool holds(const Rational& a, CompareOp op, const Rational& b) {
  switch (op) {
    case CompareOp::lt: return a < b;
    case CompareOp::le: return a <= b;
    case CompareOp::gt: return a > b;
    case CompareOp::ge: return a >= b;
    case CompareOp::eq: return a == b;
    case CompareOp::ne: return a != b;
  }
  return false;
}

CompareOp flip(CompareOp op) {
  switch (op) {
    case CompareOp::lt: return CompareOp::gt;
    case CompareOp::le: return CompareOp::ge;
    case CompareOp::gt: return CompareOp::lt;
    case CompareOp::ge: return CompareOp::le;
    default: return op;
  }
}

// cagr(field, k, n) op t  ⇔  x_k / x_{k-n}  op  (1 + t/100)^n   (both sides positive).
std::optional<bool> cagr_compare(const Plan& plan, const Pool& pool, uint32_t row, const Expr& c, CompareOp op,
                                 const Rational& t) {
  int year = plan.options.as_of.year() + static_cast<int>(c.args[1]->number);
  int n = static_cast<int>(c.args[2]->number);
  auto cur = read_fact(pool, c.args[0]->field, year, row, plan.options.as_of);
  auto prev = read_fact(pool, c.args[0]->field, year - n, row, plan.options.as_of);
  if (!cur || !prev || *prev <= 0 || *cur < 0) return std::nullopt;
  Rational base = 1 + t / 100;
  if (base < 0) return std::nullopt;
  Rational rhs = 1;
  for (int i = 0; i < n; ++i) rhs *= base;
  return holds(Rational(*cur, *prev), op, rhs);
}

bool is_cagr(const Expr& e) { return e.kind == Expr::Kind::call && e.name == "cagr"; }

}  // namespace

std::optional<bool> exact_compare(const Plan& plan, const Pool& pool, uint32_t row, const Expr& l, CompareOp op,
                                  const Expr& r) {
  Exact x(plan, pool, row);
  if (is_cagr(l) || is_cagr(r)) {
    const Expr& c = is_cagr(l) ? l : r;
    Value t = x.eval(is_cagr(l) ? r : l);
    if (!t.ok) return std::nullopt;
    return cagr_compare(plan, pool, row, c, is_cagr(l) ? op : flip(op), t.v);
  }
  Value a = x.eval(l);
  Value b = x.eval(r);
  if (!a.ok || !b.ok) return std::nullopt;
  return holds(a.v, op, b.v);
}

std::optional<bool> exact_compare_const(const Plan& plan, const Pool& pool, uint32_t row, const Expr& l,
                                        CompareOp op, double constant) {
  if (is_cagr(l)) return cagr_compare(plan, pool, row, l, op, from_constant(constant));
  Exact x(plan, pool, row);
  Value a = x.eval(l);
  if (!a.ok) return std::nullopt;
  return holds(a.v, op, from_constant(constant));
}

}  // namespace gradus
