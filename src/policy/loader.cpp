// YAML policy files → Policy: structure, unknown keys, name resolution and type checking, with
// every problem reported as `file:line:col: message`.
#include "policy/loader.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <functional>
#include <limits>
#include <set>

#include "core/decimal.h"
#include "policy/expr_parser.h"
#include "policy/yaml_reader.h"

namespace gradus {
namespace {

using Kind = Expr::Kind;

const char* type_name(ValueType t) {
  switch (t) {
    case ValueType::number: return "a number";
    case ValueType::boolean: return "a condition (true/false)";
    case ValueType::date: return "a date";
    case ValueType::enumeration: return "an enumeration value";
    case ValueType::set: return "a set of values";
    case ValueType::list: return "a list";
  }
  return "?";
}

class Loader : public YamlReader {
 public:
  explicit Loader(std::string file) : YamlReader(std::move(file)) {}

  // Position of a scalar's first content character (after an opening quote).
  SourcePos content_pos(const YAML::Node& n) const {
    SourcePos p = pos(n);
    if (n.IsScalar() && n.Tag() == "!") p.col += 1;
    return p;
  }

  std::optional<double> number(const YAML::Node& v, const std::string& what, std::string* text_out = nullptr) {
    if (!v.IsScalar()) {
      error(v, what + " must be a number");
      return std::nullopt;
    }
    std::string s = v.Scalar();
    if (s == "inf" || s == "+inf") return std::numeric_limits<double>::infinity();
    if (s == "-inf") return -std::numeric_limits<double>::infinity();
    Result<Decimal> d = Decimal::parse(s);
    if (!d) {
      error(v, what + ": '" + s + "' is not a number");
      return std::nullopt;
    }
    if (text_out) *text_out = d->to_string();
    return d->to_double();
  }

  std::optional<Date> date(const YAML::Node& v, const std::string& what) {
    if (!v.IsScalar()) {
      error(v, what + " must be a date YYYY-MM-DD");
      return std::nullopt;
    }
    Result<Date> d = Date::parse(v.Scalar());
    if (!d) {
      error(v, what + ": " + d.error().message.en);
      return std::nullopt;
    }
    return *d;
  }

  // ---- expressions ------------------------------------------------------------------------

  std::unique_ptr<Expr> expr(const YAML::Node& v, const std::string& what) {
    if (!v.IsScalar()) {
      error(v, what + " must be an expression");
      return nullptr;
    }
    ParseError err;
    std::unique_ptr<Expr> e = parse_expression(v.Scalar(), content_pos(v), &err);
    if (!e) {
      error(err.pos, err.limit ? what + " of " + owner_ + ": " + err.message : err.message);
      return nullptr;
    }
    if (!resolve(*e)) return nullptr;
    // Compilation writes the facts an expression uses out in full: that too stays within the
    // limits, so that no walker of the plan recurses deeper or runs longer.
    const Extent x = extent(*e);
    if (x.height > kMaxExpressionDepth || x.nodes > kMaxExpressionNodes) {
      error(content_pos(v),
            what + " of " + owner_ + ": with the facts it uses written out, the expression " +
                (x.height > kMaxExpressionDepth
                     ? "nests more than " + std::to_string(kMaxExpressionDepth) + " levels deep"
                     : "has more than " + std::to_string(kMaxExpressionNodes) + " terms") +
                " (the limit); simplify the facts it uses");
      return nullptr;
    }
    return e;
  }

  // Height and number of nodes of an expression with the facts it uses written out.
  struct Extent {
    int height = 0;
    size_t nodes = 0;
  };
  static constexpr size_t kMaxExpressionNodes = 100000;
  Extent extent(const Expr& e) {
    if (e.kind == Kind::fact && e.fact_index >= 0 &&
        static_cast<size_t>(e.fact_index) < policy_->facts.size()) {
      // Facts use only earlier facts: measure them in order (no recursion along a chain).
      const auto idx = static_cast<size_t>(e.fact_index);
      if (fact_extents_.size() > policy_->facts.size()) fact_extents_.clear();
      while (fact_extents_.size() <= idx) {
        const Expr* fe = policy_->facts[fact_extents_.size()].expr.get();
        fact_extents_.push_back(fe ? extent(*fe) : Extent{1, 1});
      }
      return fact_extents_[idx];
    }
    Extent x{0, 1};
    for (const auto& a : e.args) {
      const Extent c = extent(*a);
      x.height = std::max(x.height, c.height);
      x.nodes = std::min(x.nodes + c.nodes, kMaxExpressionNodes + 1);
    }
    x.height += 1;
    return x;
  }
  std::vector<Extent> fact_extents_;  // of policy_->facts[0 …], measured on first use
  std::string owner_ = "the policy";  // what the expression being read belongs to, for messages

  // Resolves names and computes e.type; false (with an error) when the expression is ill-typed.
  bool resolve(Expr& e) {
    switch (e.kind) {
      case Kind::number:
        e.type = ValueType::number;
        return true;
      case Kind::list:
        e.type = ValueType::list;
        return true;
      case Kind::field:
        return resolve_name(e);
      case Kind::neg:
        return resolve(*e.args[0]) && expect(*e.args[0], ValueType::number) &&
               (e.type = ValueType::number, true);
      case Kind::not_:
        return resolve(*e.args[0]) && expect(*e.args[0], ValueType::boolean) &&
               (e.type = ValueType::boolean, true);
      case Kind::add: case Kind::sub: case Kind::mul: case Kind::div: {
        bool ok = resolve(*e.args[0]) & resolve(*e.args[1]);
        ok = ok && expect(*e.args[0], ValueType::number) && expect(*e.args[1], ValueType::number);
        e.type = ValueType::number;
        return ok;
      }
      case Kind::and_: case Kind::or_: {
        bool ok = resolve(*e.args[0]) & resolve(*e.args[1]);
        ok = ok && expect(*e.args[0], ValueType::boolean) && expect(*e.args[1], ValueType::boolean);
        e.type = ValueType::boolean;
        return ok;
      }
      case Kind::lt: case Kind::le: case Kind::gt: case Kind::ge: case Kind::eq: case Kind::ne:
        e.type = ValueType::boolean;
        return resolve_compare(e);
      case Kind::call:
        return resolve_call(e);
      default:
        return true;
    }
  }

  bool expect(const Expr& e, ValueType t) {
    if (e.kind == Kind::enum_value && e.enum_ordinal < 0) {
      error(e.pos, "unknown name '" + e.name + "' (not a field, parameter or fact)");
      return false;
    }
    if (e.type != t) {
      error(e.pos, "'" + expression_text(e) + "' is " + type_name(e.type) + ", expected " + type_name(t));
      return false;
    }
    return true;
  }

  bool resolve_name(Expr& e) {
    if (e.name == "true" || e.name == "false") {
      e.kind = Kind::number;
      e.number = e.name == "true" ? 1 : 0;
      e.text = e.name;
      e.type = ValueType::boolean;
      return true;
    }
    bool has_offset = e.text == "@";
    if (const FieldDef* f = find_field(e.name)) {
      e.field = f->id;
      if (f->scope == FieldScope::yearly && !has_offset) {
        error(e.pos, "yearly field '" + e.name + "' needs a year offset, e.g. " + e.name + "@-1 (last year)");
        return false;
      }
      if (f->scope == FieldScope::enterprise && has_offset) {
        error(e.pos, "'" + e.name + "' is not a yearly field and takes no @offset");
        return false;
      }
      switch (f->kind) {
        case FieldKind::money: case FieldKind::ratio: case FieldKind::count:
        case FieldKind::decimal: case FieldKind::region: case FieldKind::industry:
          e.type = ValueType::number;
          break;
        case FieldKind::boolean: e.type = ValueType::boolean; break;
        case FieldKind::enumeration: e.type = ValueType::enumeration; break;
        case FieldKind::enum_set: e.type = ValueType::set; break;
        case FieldKind::date: e.type = ValueType::date; break;
        case FieldKind::text:
          error(e.pos, "text field '" + e.name + "' cannot be used in an expression");
          return false;
      }
      return true;
    }
    if (has_offset) {
      error(e.pos, "unknown field '" + e.name + "'");
      return false;
    }
    for (const Parameter& p : policy_->parameters) {
      if (p.name == e.name) {
        e.kind = Kind::parameter;
        e.number = p.value;
        e.text = p.text;
        e.type = ValueType::number;
        return true;
      }
    }
    for (size_t i = 0; i < policy_->facts.size(); ++i) {
      if (policy_->facts[i].name == e.name) {
        e.kind = Kind::fact;
        e.fact_index = static_cast<int>(i);
        e.type = policy_->facts[i].expr->type;
        return true;
      }
    }
    // A bare word: an enum value, resolved against the other side of a comparison.
    e.kind = Kind::enum_value;
    e.type = ValueType::enumeration;
    e.enum_ordinal = -1;
    return true;
  }

  bool resolve_compare(Expr& e) {
    Expr& a = *e.args[0];
    Expr& b = *e.args[1];
    if (!(resolve(a) & resolve(b))) return false;
    auto enum_field = [](const Expr& x) -> const FieldDef* {
      if (x.kind == Kind::field && field(x.field).kind == FieldKind::enumeration) return &field(x.field);
      return nullptr;
    };
    for (auto [fe, lit] : {std::pair{&a, &b}, std::pair{&b, &a}}) {
      if (const FieldDef* f = enum_field(*fe); f && lit->kind == Kind::enum_value) {
        int idx = f->enum_index(lit->name);
        if (idx < 0) {
          std::string vals;
          for (const EnumValue& v : f->values) vals += std::string(vals.empty() ? "" : ", ") + std::string(v.id);
          error(lit->pos, "'" + lit->name + "' is not a value of " + std::string(f->name) + " (" + vals + ")");
          return false;
        }
        lit->enum_ordinal = idx;
        return true;
      }
    }
    if (a.kind == Kind::enum_value && a.enum_ordinal < 0) return expect(a, ValueType::number);
    if (b.kind == Kind::enum_value && b.enum_ordinal < 0) return expect(b, ValueType::number);
    if (a.type != b.type) {
      error(e.pos, "cannot compare " + std::string(type_name(a.type)) + " with " + type_name(b.type));
      return false;
    }
    if (a.type == ValueType::boolean && e.kind != Kind::eq && e.kind != Kind::ne) {
      error(e.pos, "conditions can only be compared with == or !=");
      return false;
    }
    if (a.type == ValueType::set || a.type == ValueType::list) {
      error(e.pos, "sets cannot be compared; use has(field, [values])");
      return false;
    }
    return true;
  }

  // A whole number known when the file is loaded (year offsets, counts of years).
  std::optional<int> const_int(const Expr& e) {
    if ((e.kind == Kind::number || e.kind == Kind::parameter) && e.type == ValueType::number &&
        e.number == std::floor(e.number)) {
      return static_cast<int>(e.number);
    }
    error(e.pos, "'" + expression_text(e) + "' must be a whole number written in the file");
    return std::nullopt;
  }

  bool check_list(const Expr& e, std::span<const EnumValue> values, const char* what) {
    if (e.kind != Kind::list) {
      error(e.pos, std::string("expected a list of ") + what + " in [ ]");
      return false;
    }
    if (values.empty()) return true;
    bool ok = true;
    for (const std::string& n : e.names) {
      if (enum_index(values, n) < 0) {
        std::string vals;
        for (const EnumValue& v : values) vals += std::string(vals.empty() ? "" : ", ") + std::string(v.id);
        error(e.pos, "'" + n + "' is not one of the " + what + " (" + vals + ")");
        ok = false;
      }
    }
    return ok;
  }

  bool resolve_call(Expr& e) {
    const std::string& f = e.name;
    auto arity = [&](size_t lo, size_t hi) {
      if (e.args.size() < lo || e.args.size() > hi) {
        error(e.pos, f + "() takes " + (lo == hi ? std::to_string(lo) : std::to_string(lo) + "–" + std::to_string(hi)) +
                         " argument(s), got " + std::to_string(e.args.size()));
        return false;
      }
      return true;
    };
    auto yearly_field_arg = [&](Expr& a) {
      const FieldDef* fd = a.kind == Kind::field ? find_field(a.name) : nullptr;
      if (!fd || fd->scope != FieldScope::yearly || !fd->numeric() || a.text == "@") {
        error(a.pos, f + "() needs a yearly numeric field name without @offset, e.g. " + f + "(revenue, -1" +
                         (f == "cagr" ? ", 2)" : ")"));
        return false;
      }
      a.field = fd->id;
      a.type = ValueType::number;
      return true;
    };
    if (f == "ratio") {
      if (!arity(2, 2)) return false;
      bool ok = resolve(*e.args[0]) & resolve(*e.args[1]);
      ok = ok && expect(*e.args[0], ValueType::number) && expect(*e.args[1], ValueType::number);
      e.type = ValueType::number;
      return ok;
    }
    if (f == "growth" || f == "cagr") {
      if (!arity(f == "growth" ? 2 : 3, f == "growth" ? 2 : 3)) return false;
      bool ok = yearly_field_arg(*e.args[0]);
      for (size_t i = 1; i < e.args.size(); ++i) ok = resolve(*e.args[i]) && const_int(*e.args[i]) && ok;
      if (ok && f == "cagr" && e.args[2]->number < 1) {
        error(e.args[2]->pos, "cagr() needs at least 1 year");
        ok = false;
      }
      e.type = ValueType::number;
      return ok;
    }
    if (f == "sum" || f == "mean" || f == "min" || f == "max") {
      if (e.args.empty()) return arity(1, 99);
      bool ok = true;
      for (auto& a : e.args) ok = resolve(*a) && expect(*a, ValueType::number) && ok;
      e.type = ValueType::number;
      return ok;
    }
    if (f == "years_in" || f == "years_since" || f == "days_since") {
      if (!arity(1, 1)) return false;
      bool ok = resolve(*e.args[0]) && expect(*e.args[0], ValueType::date);
      e.type = ValueType::number;
      return ok;
    }
    if (f == "has") {
      if (!arity(2, 2)) return false;
      Expr& a = *e.args[0];
      bool ok = resolve(a) && expect(a, ValueType::set);
      if (ok) ok = check_list(*e.args[1], field(a.field).values, "values of this field");
      e.type = ValueType::boolean;
      return ok;
    }
    if (f == "holds_title") {
      if (!arity(1, 1)) return false;
      e.type = ValueType::boolean;
      return check_list(*e.args[0], {}, "tiers");
    }
    if (f == "honour_valid") {
      if (!arity(1, 1)) return false;
      e.type = ValueType::boolean;
      return check_list(*e.args[0], honour_kinds(), "honour kinds");
    }
    if (f == "incidents_within") {
      if (!arity(2, 2)) return false;
      bool ok = resolve(*e.args[0]) && const_int(*e.args[0]);
      ok = check_list(*e.args[1], incident_kinds(), "incident kinds") && ok;
      e.type = ValueType::number;
      return ok;
    }
    if (f == "incidents_active") {
      if (!arity(1, 1)) return false;
      e.type = ValueType::number;
      return check_list(*e.args[0], incident_kinds(), "incident kinds");
    }
    if (f == "awards_within") {
      if (!arity(3, 3)) return false;
      bool ok = resolve(*e.args[0]) && const_int(*e.args[0]);
      ok = resolve(*e.args[2]) && const_int(*e.args[2]) && ok;
      Expr& lvl = *e.args[1];
      if (lvl.kind != Kind::field || enum_index(award_levels(), lvl.name) < 0) {
        error(lvl.pos, "awards_within() level must be provincial or national");
        ok = false;
      } else {
        lvl.kind = Kind::enum_value;
        lvl.enum_ordinal = enum_index(award_levels(), lvl.name);
      }
      e.type = ValueType::number;
      return ok;
    }
    if (f == "maker_china_within") {
      if (!arity(2, 2)) return false;
      bool ok = resolve(*e.args[0]) && const_int(*e.args[0]);
      Expr& lst = *e.args[1];
      if (lst.kind != Kind::field || enum_index(maker_china_lists(), lst.name) < 0) {
        error(lst.pos, "maker_china_within() list must be national_top500 or national_top50");
        ok = false;
      } else {
        lst.kind = Kind::enum_value;
        lst.enum_ordinal = enum_index(maker_china_lists(), lst.name);
      }
      e.type = ValueType::boolean;
      return ok;
    }
    if (f == "policy") {
      if (!arity(1, 1)) return false;
      Expr& a = *e.args[0];
      a.kind = Kind::enum_value;  // the policy id, kept in `name`
      a.enum_ordinal = 0;
      if (a.name.empty() || a.name == policy_->id) {
        error(a.pos, "policy() needs another policy's id");
        return false;
      }
      e.type = ValueType::boolean;
      return true;
    }
    error(e.pos, "unknown function '" + f + "' (see docs/policy-language.md §3)");
    return false;
  }

  // ---- structure ----------------------------------------------------------------------------

  std::optional<CompareOp> compare_op(const YAML::Node& v) {
    std::string s = v.IsScalar() ? v.Scalar() : "";
    if (s == "<") return CompareOp::lt;
    if (s == "<=") return CompareOp::le;
    if (s == ">") return CompareOp::gt;
    if (s == ">=") return CompareOp::ge;
    if (s == "==") return CompareOp::eq;
    if (s == "!=") return CompareOp::ne;
    error(v, "op must be one of <, <=, >, >=, ==, != (got '" + s + "')");
    return std::nullopt;
  }

  void parse_boundary(const YAML::Node& b, std::optional<BoundaryNote>& out) {
    if (!require_map(b, "boundary")) return;
    check_keys(b, {"at", "reading", "note"}, "boundary");
    BoundaryNote note;
    const YAML::Node at = b["at"];
    if (at.IsSequence()) {
      for (const auto& x : at)
        if (auto v = number(x, "boundary.at")) note.at.push_back(*v);
    } else if (at.IsDefined()) {
      if (auto v = number(at, "boundary.at")) note.at.push_back(*v);
    }
    note.reading = scalar(b, "reading", false, b);
    note.note = text(b, "note", true, b);
    out = std::move(note);
  }

  void parse_criterion(const YAML::Node& n, Criterion& c, std::set<std::string>& ids) {
    if (!require_map(n, "a criterion")) return;
    check_keys(n, {"id", "label", "cite", "wording", "all", "any", "at_least", "value", "op", "threshold",
                   "unit", "test", "manual", "manual_unless", "score", "modes", "boundary", "notes"},
               "a criterion");
    c.pos = pos(n);
    c.id = scalar(n, "id", true, n);
    if (!c.id.empty() && !ids.insert(c.id).second) error(n["id"], "duplicate criterion id '" + c.id + "'");
    owner_ = "criterion '" + c.id + "'";
    c.label = text(n, "label", true, n);
    c.cite = scalar(n, "cite", true, n);
    c.wording = scalar(n, "wording", false, n);
    c.unit = scalar(n, "unit", false, n);
    if (const YAML::Node m = n["modes"]; m.IsDefined()) {
      if (!m.IsSequence()) error(m, "modes must be a list, e.g. [application]");
      for (const auto& x : m) {
        std::string s = x.Scalar();
        if (s != "application" && s != "review") error(x, "mode must be application or review");
        c.modes.push_back(s);
      }
    }
    if (const YAML::Node b = n["boundary"]; b.IsDefined()) {
      parse_boundary(b, c.boundary);
      if (!n["value"].IsDefined()) error(b, "boundary goes with value/op/threshold (a test has no value to sit on a boundary); use notes: for a reading");
    }
    c.notes = text(n, "notes", false, n);
    int shapes = 0;
    for (const char* k : {"all", "any", "at_least", "value", "test", "manual", "score"}) shapes += n[k].IsDefined();
    if (shapes != 1) {
      error(n, "criterion '" + c.id + "' needs exactly one of all, any, at_least, value (+op, threshold), test, manual, score");
      return;
    }
    auto children = [&](const YAML::Node& list, const char* what) {
      if (!list.IsSequence() || list.size() == 0) {
        error(list, std::string(what) + " must be a non-empty list of criteria");
        return;
      }
      for (const auto& x : list) {
        c.children.emplace_back();
        parse_criterion(x, c.children.back(), ids);
      }
      owner_ = "criterion '" + c.id + "'";
    };
    if (n["all"].IsDefined()) {
      c.kind = Criterion::Kind::all;
      children(n["all"], "all");
    } else if (n["any"].IsDefined()) {
      c.kind = Criterion::Kind::any;
      children(n["any"], "any");
    } else if (const YAML::Node al = n["at_least"]; al.IsDefined()) {
      c.kind = Criterion::Kind::at_least;
      if (!require_map(al, "at_least")) return;
      check_keys(al, {"n", "of"}, "at_least");
      if (auto v = number(al["n"], "at_least.n")) c.at_least = static_cast<int>(*v);
      children(al["of"], "at_least.of");
      if (c.at_least < 1 || c.at_least > static_cast<int>(c.children.size()))
        error(al, "at_least.n must be between 1 and the number of criteria");
    } else if (n["value"].IsDefined()) {
      c.kind = Criterion::Kind::compare;
      c.value = expr(n["value"], "value");
      if (c.value && c.value->type != ValueType::number && c.value->type != ValueType::enumeration &&
          c.value->type != ValueType::date)
        error(n["value"], "value must be a number (use test: for a condition)");
      if (!n["op"].IsDefined()) error(n, "missing 'op' (the explicit boundary operator)");
      else if (auto op = compare_op(n["op"])) c.op = *op;
      if (!n["threshold"].IsDefined()) {
        error(n, "missing 'threshold'");
      } else {
        const YAML::Node t = n["threshold"];
        c.threshold_text = t.IsScalar() ? t.Scalar() : "";
        c.threshold = expr(t, "threshold");
        if (c.threshold && c.value) {
          if (c.value->type == ValueType::enumeration && c.threshold->kind == Kind::enum_value) {
            const FieldDef* fd = c.value->kind == Kind::field ? &field(c.value->field) : nullptr;
            int idx = fd ? fd->enum_index(c.threshold->name) : -1;
            if (idx < 0) error(t, "'" + c.threshold->name + "' is not a value of " + expression_text(*c.value));
            c.threshold->enum_ordinal = idx;
            c.threshold->type = ValueType::enumeration;
          } else if (c.threshold->type != c.value->type || (c.threshold->kind == Kind::enum_value && c.threshold->enum_ordinal < 0)) {
            error(t, "threshold '" + c.threshold_text + "' does not match the value's type (" + type_name(c.value->type) + ")");
          }
        }
      }
    } else if (n["test"].IsDefined()) {
      c.kind = Criterion::Kind::test;
      c.value = expr(n["test"], "test");
      if (c.value) expect(*c.value, ValueType::boolean);
    } else if (const YAML::Node m = n["manual"]; m.IsDefined()) {
      c.kind = Criterion::Kind::manual;
      if (!m.IsMap()) error(m, "manual must be the reason {zh: …, en: …}");
      else c.manual_reason = text(n, "manual", true, n);
    } else if (n["score"].IsDefined()) {
      c.kind = Criterion::Kind::score_pass;
      if (n["score"].Scalar() != "pass") error(n["score"], "score: must be 'pass'");
      needs_score_ = true;
      score_pass_pos_ = pos(n);
    }
    if (const YAML::Node mu = n["manual_unless"]; mu.IsDefined()) {
      const FieldDef* fd = mu.IsScalar() ? find_field(mu.Scalar()) : nullptr;
      if (!fd || fd->scope != FieldScope::enterprise) error(mu, "manual_unless must name an enterprise field");
      else c.manual_unless = fd->id;
      if (c.kind != Criterion::Kind::compare && c.kind != Criterion::Kind::test)
        error(mu, "manual_unless goes with value/op/threshold or test");
      if (c.kind == Criterion::Kind::manual) c.manual_reason = {};
    }
    if (c.kind == Criterion::Kind::manual && n["manual_unless"].IsDefined()) return;
    if (c.kind == Criterion::Kind::compare || c.kind == Criterion::Kind::test) {
      if (n["manual"].IsDefined()) c.manual_reason = text(n, "manual", false, n);
    }
  }

  bool parse_range(const YAML::Node& v, Band& b) {
    std::string s = v.IsScalar() ? v.Scalar() : "";
    b.range_text = s;
    std::string_view t = trim(s);
    auto bad = [&]() {
      error(v, "range must be interval notation like \"[3, 5)\" or \"(-inf, 1)\" (got '" + s + "')");
      return false;
    };
    if (t.size() < 5) return bad();
    if (t.front() != '[' && t.front() != '(') return bad();
    if (t.back() != ']' && t.back() != ')') return bad();
    b.lo_closed = t.front() == '[';
    b.hi_closed = t.back() == ']';
    auto parts = split(t.substr(1, t.size() - 2), ',');
    if (parts.size() != 2) return bad();
    auto bound = [&](std::string_view x, double* out) {
      x = trim(x);
      if (x == "inf" || x == "+inf") return *out = std::numeric_limits<double>::infinity(), true;
      if (x == "-inf") return *out = -std::numeric_limits<double>::infinity(), true;
      Result<Decimal> d = Decimal::parse(x);
      if (!d) return false;
      *out = d->to_double();
      return true;
    };
    if (!bound(parts[0], &b.lo) || !bound(parts[1], &b.hi) || b.lo > b.hi) return bad();
    b.has_range = true;
    return true;
  }

  void parse_indicator(const YAML::Node& n, Indicator& ind, std::set<std::string>& ids) {
    if (!require_map(n, "an indicator")) return;
    check_keys(n, {"id", "label", "cite", "max", "value", "unit", "bands", "items", "manual", "notes", "boundary"},
               "an indicator");
    ind.notes = text(n, "notes", false, n);
    if (const YAML::Node b = n["boundary"]; b.IsDefined()) {
      parse_boundary(b, ind.boundary);
      if (!n["value"].IsDefined()) error(b, "boundary goes with an indicator that has a value");
    }
    ind.pos = pos(n);
    bool overlay = overlay_target_ != nullptr;
    ind.id = overlay ? overlay_target_->id : scalar(n, "id", true, n);
    if (!ind.id.empty() && !ids.insert(ind.id).second) error(n["id"], "duplicate indicator id '" + ind.id + "'");
    owner_ = "indicator '" + ind.id + "'";
    ind.label = text(n, "label", !overlay, n);
    if (overlay && ind.label.empty()) ind.label = overlay_target_->label;
    ind.cite = scalar(n, "cite", false, n);
    ind.unit = scalar(n, "unit", false, n);
    if (n["max"].IsDefined()) {
      if (auto v = number(n["max"], "max")) ind.max = *v;
    } else {
      error(n, "indicator '" + ind.id + "' needs 'max' (its full points)");
    }
    int shapes = n["bands"].IsDefined() + n["items"].IsDefined() + n["manual"].IsDefined();
    if (shapes != 1) {
      error(n, "indicator '" + ind.id + "' needs exactly one of bands, items, manual");
      return;
    }
    if (n["value"].IsDefined()) {
      ind.value = expr(n["value"], "value");
      if (ind.value) expect(*ind.value, ValueType::number);
    }
    if (const YAML::Node m = n["manual"]; m.IsDefined()) {
      ind.manual = true;
      ind.manual_reason = text(n, "manual", true, n);
      return;
    }
    if (const YAML::Node bands = n["bands"]; bands.IsDefined()) {
      if (!bands.IsSequence() || bands.size() == 0) return error(bands, "bands must be a non-empty list");
      for (const auto& bn : bands) {
        Band b;
        check_keys(bn, {"points", "range", "when", "otherwise", "wording"}, "a band");
        if (auto v = number(bn["points"], "points")) b.points = *v;
        if (b.points > ind.max) error(bn, "band points exceed the indicator's max");
        b.wording = scalar(bn, "wording", false, bn);
        int kinds = bn["range"].IsDefined() + bn["when"].IsDefined() + bn["otherwise"].IsDefined();
        if (kinds != 1) error(bn, "a band needs exactly one of range, when, otherwise");
        if (bn["range"].IsDefined()) {
          parse_range(bn["range"], b);
          if (!ind.value) error(bn, "a range band needs the indicator's 'value'");
        } else if (bn["when"].IsDefined()) {
          b.when = expr(bn["when"], "when");
          if (b.when) expect(*b.when, ValueType::boolean);
        } else {
          b.otherwise = true;
        }
        ind.bands.push_back(std::move(b));
      }
      for (size_t i = 0; i + 1 < ind.bands.size(); ++i)
        if (ind.bands[i].otherwise) error(bands, "'otherwise' must be the last band");
      // Range bands may not overlap: every value must fall in at most one band.
      for (size_t i = 0; i < ind.bands.size(); ++i) {
        for (size_t j = i + 1; j < ind.bands.size(); ++j) {
          const Band &x = ind.bands[i], &y = ind.bands[j];
          if (!x.has_range || !y.has_range) continue;
          bool disjoint = x.hi < y.lo || y.hi < x.lo || (x.hi == y.lo && !(x.hi_closed && y.lo_closed)) ||
                          (y.hi == x.lo && !(y.hi_closed && x.lo_closed));
          if (!disjoint) error(bands, "bands " + x.range_text + " and " + y.range_text + " overlap in indicator '" + ind.id + "'");
        }
      }
      return;
    }
    const YAML::Node items = n["items"];
    if (!items.IsSequence() || items.size() == 0) return error(items, "items must be a non-empty list");
    for (const auto& in : items) {
      ScoreItem it;
      check_keys(in, {"points", "when", "label"}, "an item");
      if (auto v = number(in["points"], "points")) it.points = *v;
      it.label = text(in, "label", true, in);
      if (in["when"].IsDefined()) {
        it.when = expr(in["when"], "when");
        if (it.when) expect(*it.when, ValueType::boolean);
      } else {
        error(in, "an item needs 'when'");
      }
      ind.items.push_back(std::move(it));
    }
  }

  void parse_score(const YAML::Node& n, Score& s) {
    if (!require_map(n, "score")) return;
    check_keys(n, {"pass", "classes"}, "score");
    std::set<std::string> ids;
    const YAML::Node classes = n["classes"];
    if (!classes.IsSequence() || classes.size() == 0) return error(n, "score needs a non-empty 'classes' list");
    for (const auto& cn : classes) {
      ScoreClass c;
      if (!require_map(cn, "a score class")) continue;
      check_keys(cn, {"id", "label", "indicators"}, "a score class");
      c.id = scalar(cn, "id", true, cn);
      if (!c.id.empty() && !ids.insert(c.id).second) error(cn["id"], "duplicate id '" + c.id + "'");
      c.label = text(cn, "label", true, cn);
      const YAML::Node inds = cn["indicators"];
      if (!inds.IsSequence() || inds.size() == 0) {
        error(cn, "a score class needs a non-empty 'indicators' list");
        continue;
      }
      for (const auto& in : inds) {
        c.indicators.emplace_back();
        parse_indicator(in, c.indicators.back(), ids);
      }
      s.classes.push_back(std::move(c));
    }
    const YAML::Node pass = n["pass"];
    if (!pass.IsSequence() || pass.size() == 0) return error(n, "score needs a non-empty 'pass' list");
    for (const auto& pn : pass) {
      PassRule r;
      check_keys(pn, {"of", "op", "threshold", "wording"}, "a pass rule");
      r.of = scalar(pn, "of", true, pn);
      if (r.of != "total" && !ids.count(r.of)) error(pn, "pass rule refers to unknown class or indicator '" + r.of + "'");
      if (pn["op"].IsDefined()) {
        if (auto op = compare_op(pn["op"])) r.op = *op;
      } else {
        error(pn, "missing 'op'");
      }
      if (auto v = number(pn["threshold"], "threshold")) r.threshold = *v;
      r.wording = scalar(pn, "wording", false, pn);
      s.pass.push_back(r);
    }
  }

  void parse_classify(const YAML::Node& n, Classify& c) {
    if (!require_map(n, "classify")) return;
    check_keys(n, {"classes", "met_classes", "op", "indicators", "categories"}, "classify");
    for (const auto& cn : n["classes"]) {
      check_keys(cn, {"id", "label"}, "a class");
      c.classes.push_back({scalar(cn, "id", true, cn), text(cn, "label", true, cn)});
    }
    if (c.classes.empty()) return error(n, "classify needs 'classes' (highest first)");
    auto class_index = [&](const std::string& id) {
      for (size_t i = 0; i < c.classes.size(); ++i)
        if (c.classes[i].id == id) return static_cast<int>(i);
      return -1;
    };
    for (const auto& m : n["met_classes"]) {
      int i = class_index(m.Scalar());
      if (i < 0) error(m, "unknown class '" + m.Scalar() + "'");
      else c.met_classes.push_back(i);
    }
    if (n["op"].IsDefined())
      if (auto op = compare_op(n["op"])) c.op = *op;
    const YAML::Node inds = n["indicators"];
    if (!inds.IsMap()) return error(n, "classify needs 'indicators' (a mapping such as X: {expr: …})");
    for (auto it = inds.begin(); it != inds.end(); ++it) {
      ClassifyIndicator ci;
      ci.key = it->first.as<std::string>();
      const YAML::Node v = it->second;
      check_keys(v, {"expr", "label", "unit"}, "a classify indicator");
      ci.label = text(v, "label", true, v);
      ci.unit = scalar(v, "unit", false, v);
      owner_ = "classify indicator '" + it->first.as<std::string>() + "'";
      ci.expr = expr(v["expr"], "expr");
      if (ci.expr) expect(*ci.expr, ValueType::number);
      c.indicators.push_back(std::move(ci));
    }
    std::set<std::string> prefixes;
    for (const auto& cat : n["categories"]) {
      ClassifyCategory k;
      check_keys(cat, {"id", "label", "cite", "industries", "bounds", "notes"}, "a category");
      k.id = scalar(cat, "id", true, cat);
      k.label = text(cat, "label", true, cat);
      k.cite = scalar(cat, "cite", true, cat);
      for (const auto& p : cat["industries"]) {
        std::string pre = p.Scalar();
        if (!prefixes.insert(pre).second) error(p, "industry prefix '" + pre + "' is listed in two categories");
        k.industries.push_back(pre);
      }
      if (k.industries.empty()) error(cat, "a category needs 'industries' (code prefixes, or \"*\")");
      k.bounds.assign(c.classes.size(), std::vector<std::optional<double>>(c.indicators.size()));
      const YAML::Node b = cat["bounds"];
      if (b.IsMap()) {
        for (auto it = b.begin(); it != b.end(); ++it) {
          int ci = class_index(it->first.as<std::string>());
          if (ci < 0) {
            error(it->first, "unknown class '" + it->first.as<std::string>() + "'");
            continue;
          }
          for (auto jt = it->second.begin(); jt != it->second.end(); ++jt) {
            std::string key = jt->first.as<std::string>();
            int ii = -1;
            for (size_t x = 0; x < c.indicators.size(); ++x)
              if (c.indicators[x].key == key) ii = static_cast<int>(x);
            if (ii < 0) {
              error(jt->first, "unknown indicator '" + key + "'");
              continue;
            }
            if (auto v = number(jt->second, key)) k.bounds[ci][ii] = *v;
          }
        }
      } else {
        error(cat, "a category needs 'bounds'");
      }
      c.categories.push_back(std::move(k));
    }
    if (!prefixes.count("*")) error(n, "one category must cover the remaining industries with \"*\"");
  }

  void parse_metadata(const YAML::Node& root, Policy& p) {
    p.id = scalar(root, "id", true, root);
    p.version = scalar(root, "version", true, root);
    std::string kind = scalar(root, "kind", false, root);
    if (kind == "classify") p.kind = Policy::Kind::classify;
    else if (!kind.empty() && kind != "tier") error(root["kind"], "kind must be tier or classify");
    p.document = scalar(root, "document", true, root);
    p.title = text(root, "title", true, root);
    p.tier_name = text(root, "tier_name", false, root);
    p.issuer = text(root, "issuer", false, root);
    p.jurisdiction = scalar(root, "jurisdiction", true, root);
    p.source = scalar(root, "source", false, root);
    p.notes = text(root, "notes", false, root);
    if (root["title_validity_years"].IsDefined())
      if (auto v = number(root["title_validity_years"], "title_validity_years")) p.title_validity_years = static_cast<int>(*v);
    const YAML::Node modes = root["modes"];
    if (!modes.IsMap()) {
      error(root, "missing 'modes' (application: {from: …}, review: {from: …})");
    } else {
      for (auto it = modes.begin(); it != modes.end(); ++it) {
        std::string m = it->first.as<std::string>();
        if (m != "application" && m != "review") {
          error(it->first, "mode must be application or review");
          continue;
        }
        const YAML::Node w = it->second;
        check_keys(w, {"from", "to"}, "a mode window");
        ModeWindow win;
        if (auto d = date(w["from"], m + ".from")) win.from = *d;
        if (w["to"].IsDefined() && !w["to"].IsNull())
          if (auto d = date(w["to"], m + ".to")) win.to = *d;
        if (win.to && *win.to < win.from) error(w, m + ": 'to' is before 'from'");
        p.modes[m] = win;
      }
    }
  }

  void parse_parameters_and_facts(const YAML::Node& root, Policy& p) {
    if (const YAML::Node ps = root["parameters"]; ps.IsDefined()) {
      if (!ps.IsMap()) error(ps, "parameters must be a mapping");
      for (auto it = ps.begin(); it != ps.end(); ++it) {
        Parameter par;
        par.name = it->first.as<std::string>();
        if (find_field(par.name)) error(it->first, "parameter '" + par.name + "' shadows a field");
        const YAML::Node v = it->second;
        check_keys(v, {"value", "unit", "label"}, "a parameter");
        if (auto x = number(v["value"], "value", &par.text)) par.value = *x;
        par.unit = scalar(v, "unit", false, v);
        par.label = text(v, "label", true, v);
        p.parameters.push_back(std::move(par));
      }
    }
    if (const YAML::Node fs = root["facts"]; fs.IsDefined()) {
      if (!fs.IsMap()) error(fs, "facts must be a mapping");
      for (auto it = fs.begin(); it != fs.end(); ++it) {
        Fact f;
        f.name = it->first.as<std::string>();
        if (find_field(f.name)) error(it->first, "fact '" + f.name + "' shadows a field");
        const YAML::Node v = it->second;
        check_keys(v, {"expr", "unit", "label"}, "a fact");
        owner_ = "fact '" + f.name + "'";
        f.expr = expr(v["expr"], "expr");
        f.unit = scalar(v, "unit", false, v);
        f.label = text(v, "label", true, v);
        if (!f.expr) {  // keep a placeholder so later references still resolve by name
          f.expr = std::make_unique<Expr>();
          f.expr->kind = Kind::number;
          f.expr->text = "0";
        }
        p.facts.push_back(std::move(f));
      }
    }
  }

  void load(const YAML::Node& root, Policy& p) {
    policy_ = &p;
    p.file = file_;
    if (!require_map(root, "a policy file")) return;
    check_keys(root, {"id", "version", "kind", "document", "title", "issuer", "jurisdiction", "modes",
                      "tier_name", "title_validity_years", "source", "notes", "parameters", "facts", "criteria", "score",
                      "classify"},
               "a policy file");
    parse_metadata(root, p);
    parse_parameters_and_facts(root, p);
    if (p.kind == Policy::Kind::classify) {
      if (!root["classify"].IsDefined()) error(root, "a classify policy needs 'classify'");
      else parse_classify(root["classify"], p.classify.emplace());
      if (root["criteria"].IsDefined()) error(root["criteria"], "a classify policy has no 'criteria'");
      return;
    }
    if (!root["criteria"].IsDefined()) return error(root, "missing 'criteria'");
    std::set<std::string> ids;
    parse_criterion(root["criteria"], p.criteria, ids);
    if (root["score"].IsDefined()) parse_score(root["score"], p.score.emplace());
    if (needs_score_ && !p.score) error(score_pass_pos_, "'score: pass' but the file has no 'score'");
  }

  // An overlay's indicator body: names resolve against the frame; id and label default to the
  // replaced indicator's.
  void parse_overlay_indicator(const YAML::Node& n, Indicator& ind, const Indicator& target, Policy& frame) {
    policy_ = &frame;
    overlay_target_ = &target;
    std::set<std::string> ids;
    parse_indicator(n, ind, ids);
    overlay_target_ = nullptr;
  }

  Policy* policy_ = nullptr;
  const Indicator* overlay_target_ = nullptr;
  bool needs_score_ = false;
  SourcePos score_pass_pos_;
};

Result<YAML::Node> parse_yaml(std::string_view text, const std::string& file) {
  return load_yaml(text, file);
}

Status diagnostics(const std::vector<std::string>& errors) {
  std::string all;
  for (const std::string& e : errors) all += e + "\n";
  return error(StatusCode::parse_error, all, all);
}

}  // namespace

const char* compare_op_text(CompareOp op) {
  switch (op) {
    case CompareOp::lt: return "<";
    case CompareOp::le: return "<=";
    case CompareOp::gt: return ">";
    case CompareOp::ge: return ">=";
    case CompareOp::eq: return "==";
    case CompareOp::ne: return "!=";
  }
  return "?";
}

Result<Policy> load_policy_text(std::string_view yaml, const std::string& file) {
  Result<YAML::Node> root = parse_yaml(yaml, file);
  if (!root) return root.error();
  Loader loader(file);
  Policy p;
  try {
    loader.load(*root, p);
  } catch (const YAML::Exception& e) {
    loader.errors.push_back(file + ":" + std::to_string(e.mark.line + 1) + ":" + std::to_string(e.mark.column + 1) +
                            ": " + e.msg);
  }
  if (!loader.errors.empty()) return diagnostics(loader.errors);
  return p;
}

Result<std::string> overlay_target(std::string_view yaml, const std::string& file) {
  Result<YAML::Node> root = parse_yaml(yaml, file);
  if (!root) return root.error();
  const YAML::Node t = (*root)["overlay"];
  if (!t.IsScalar() || t.Scalar().find('@') == std::string::npos) {
    std::string msg = file + ":1:1: an overlay file starts with 'overlay: <policy>@<version>'";
    return error(StatusCode::parse_error, msg, msg);
  }
  return t.Scalar();
}

Status load_overlay_text(std::string_view yaml, const std::string& file, Policy& frame) {
  Result<YAML::Node> root = parse_yaml(yaml, file);
  if (!root) return root.error();
  Loader loader(file);
  try {
    const YAML::Node& r = *root;
    loader.check_keys(r, {"overlay", "place", "jurisdiction", "document", "title", "source", "notes", "replaces"},
                      "an overlay file");
    IndicatorOverlay base;
    base.place = loader.scalar(r, "place", true, r);
    base.jurisdiction = loader.scalar(r, "jurisdiction", true, r);
    base.document = loader.scalar(r, "document", true, r);
    base.file = file;
    if (loader.scalar(r, "overlay", true, r) != frame.key())
      loader.error(r["overlay"], "this overlay is for " + r["overlay"].Scalar() + ", not " + frame.key());
    bool digits = base.jurisdiction.size() <= 6;  // a region code has six digits
    for (char ch : base.jurisdiction) digits = digits && ch >= '0' && ch <= '9';
    if (!digits)
      loader.error(r["jurisdiction"], "jurisdiction must be a region-code prefix such as \"51\"");
    const YAML::Node rep = r["replaces"];
    if (!rep.IsMap()) {
      loader.error(r, "an overlay needs 'replaces: {<indicator id>: {…}}'");
    } else {
      for (auto it = rep.begin(); it != rep.end(); ++it) {
        std::string id = it->first.as<std::string>();
        const Indicator* target = nullptr;
        if (frame.score)
          for (const ScoreClass& c : frame.score->classes)
            for (const Indicator& ind : c.indicators)
              if (ind.id == id) target = &ind;
        if (!target) {
          loader.error(it->first, "the frame " + frame.key() + " has no score indicator '" + id + "'");
          continue;
        }
        IndicatorOverlay ov;
        ov.place = base.place;
        ov.jurisdiction = base.jurisdiction;
        ov.document = base.document;
        ov.file = base.file;
        loader.parse_overlay_indicator(it->second, ov.indicator, *target, frame);
        if (ov.indicator.max > target->max)
          loader.error(it->second, "the overlay's max exceeds the frame's " + std::to_string(target->max));
        auto& list = frame.overlays[id];
        std::erase_if(list, [&](const IndicatorOverlay& o) { return o.place == ov.place; });  // a reload replaces
        list.push_back(std::move(ov));
      }
    }
  } catch (const YAML::Exception& e) {
    loader.errors.push_back(file + ":" + std::to_string(e.mark.line + 1) + ":" + std::to_string(e.mark.column + 1) +
                            ": " + e.msg);
  }
  if (!loader.errors.empty()) return diagnostics(loader.errors);
  return Status::ok_status();
}

}  // namespace gradus
