// The in-memory form of a rule set (docs/policy-language.md): metadata, parameters, facts,
// expressions, the criteria tree, the score table and, for classifying policies, the class bounds.
// Produced by load_policy() (policy/loader.h), which has already resolved every name and checked
// every type, so the engine can compile it without further checks.
//
//   Result<Policy> p = load_policy_text(yaml, "policies/little-giant/2026.yaml");
//   p->id == "little-giant"; p->version == "2026"; p->criteria.children.size() == 7
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/date.h"
#include "core/fields.h"
#include "core/text.h"

namespace gradus {

// A position in a policy file (1-based), for `file:line:col` messages.
struct SourcePos {
  int line = 0;
  int col = 0;
};

enum class ValueType : uint8_t { number, boolean, date, enumeration, set, list };

// An expression node. After loading, names are resolved: `kind` says what a NAME turned into.
struct Expr {
  enum class Kind : uint8_t {
    number,      // literal; `text` holds the exact decimal text, `number` its value
    field,       // a contract field; `field` set, `year_offset` for yearly fields
    parameter,   // replaced by its number at load time (kept for the explanation as `name`)
    fact,        // a named fact; `fact_index`
    enum_value,  // a bare enum value; `enum_ordinal` (resolved against the other operand)
    list,        // [a, b]; `names`
    neg, not_, add, sub, mul, div, lt, le, gt, ge, eq, ne, and_, or_,
    call,        // `name` is the function; `args`
  };
  Kind kind = Kind::number;
  SourcePos pos;
  ValueType type = ValueType::number;
  std::string name;  // field / parameter / fact / function name or the enum value as written
  std::string text;  // number literal as written
  double number = 0;
  FieldId field = 0;
  int year_offset = 0;
  int fact_index = -1;
  int enum_ordinal = -1;
  std::vector<std::string> names;  // list literal items
  std::vector<std::unique_ptr<Expr>> args;
  int height = 1;  // levels of the tree from here down (1: a leaf); set by the parser
};

struct Parameter {
  std::string name;
  std::string text;  // exact decimal text
  double value = 0;
  std::string unit;
  Text label;
};

struct Fact {
  std::string name;
  std::unique_ptr<Expr> expr;
  std::string unit;
  Text label;
};

enum class CompareOp : uint8_t { lt, le, gt, ge, eq, ne };
const char* compare_op_text(CompareOp op);

// A boundary the official text leaves ambiguous (REFERENCE §6): when the value equals one of `at`,
// the decision carries the note.
struct BoundaryNote {
  std::vector<double> at;
  std::string reading;
  Text note;
};

struct Criterion {
  enum class Kind : uint8_t { all, any, at_least, compare, test, manual, score_pass };
  Kind kind = Kind::all;
  std::string id;
  Text label;
  std::string cite;
  std::string wording;
  SourcePos pos;
  // Group nodes.
  int at_least = 0;
  std::vector<Criterion> children;
  // compare: value op threshold; test: `value` is the boolean expression.
  std::unique_ptr<Expr> value;
  CompareOp op = CompareOp::ge;
  std::unique_ptr<Expr> threshold;
  std::string threshold_text;  // as written (a number or a parameter name)
  std::string unit;
  // manual: the reason; with `manual_unless`, manual only while that field is missing.
  Text manual_reason;
  std::optional<FieldId> manual_unless;
  std::vector<std::string> modes;  // empty = all modes
  std::optional<BoundaryNote> boundary;
  Text notes;  // the reading the file takes (shown in explanations)
};

struct Band {
  double points = 0;
  // Either a range over the indicator's value...
  bool has_range = false;
  double lo = 0, hi = 0;
  bool lo_closed = true, hi_closed = false;  // -inf / inf allowed via infinities
  // ...or a condition, or `otherwise`.
  std::unique_ptr<Expr> when;
  bool otherwise = false;
  std::string wording;
  std::string range_text;
};

struct ScoreItem {
  double points = 0;
  std::unique_ptr<Expr> when;
  Text label;
};

struct Indicator {
  std::string id;
  Text label;
  std::string cite;
  double max = 0;
  std::unique_ptr<Expr> value;  // for range bands
  std::string unit;
  std::vector<Band> bands;
  std::vector<ScoreItem> items;
  bool manual = false;
  Text manual_reason;
  Text notes;                          // the reading the file takes (shown in explanations)
  std::optional<BoundaryNote> boundary;  // carried by the decision when the value equals `at`
  SourcePos pos;
};

struct ScoreClass {
  std::string id;
  Text label;
  std::vector<Indicator> indicators;
};

struct PassRule {
  std::string of;  // "total", a class id, or an indicator id
  CompareOp op = CompareOp::ge;
  double threshold = 0;
  std::string wording;
};

struct Score {
  std::vector<PassRule> pass;
  std::vector<ScoreClass> classes;
};

// An overlay's replacement for one score indicator, for firms registered in `jurisdiction`.
struct IndicatorOverlay {
  std::string place;
  std::string jurisdiction;  // region-code prefix
  std::string document;
  std::string file;
  Indicator indicator;
};

struct ClassifyClass {
  std::string id;
  Text label;
};

struct ClassifyIndicator {
  std::string key;  // "X"
  std::unique_ptr<Expr> expr;
  Text label;
  std::string unit;
};

struct ClassifyCategory {
  std::string id;
  Text label;
  std::string cite;
  std::vector<std::string> industries;  // prefixes of the full industry code; "*" = any
  // bounds[class index][indicator index] (nullopt = not a condition for that class)
  std::vector<std::vector<std::optional<double>>> bounds;
};

struct Classify {
  std::vector<ClassifyClass> classes;  // highest first
  std::vector<int> met_classes;        // indices
  CompareOp op = CompareOp::ge;
  std::vector<ClassifyIndicator> indicators;
  std::vector<ClassifyCategory> categories;
};

struct ModeWindow {
  Date from;
  std::optional<Date> to;
  bool contains(Date d) const { return from <= d && (!to || d <= *to); }
};

struct Policy {
  std::string file;  // where it was loaded from
  std::string id;
  std::string version;
  enum class Kind : uint8_t { tier, classify } kind = Kind::tier;
  std::string document;
  Text title;      // the standard's title ("专精特新中小企业认定标准（2026）")
  Text tier_name;  // the title a firm holds under it ("专精特新中小企业"); empty: not given
  Text issuer;
  std::string jurisdiction;
  std::map<std::string, ModeWindow> modes;  // "application" / "review"
  int title_validity_years = 3;
  std::string source;
  Text notes;
  std::vector<Parameter> parameters;
  std::vector<Fact> facts;
  Criterion criteria;
  std::optional<Score> score;
  std::optional<Classify> classify;
  std::map<std::string, std::vector<IndicatorOverlay>> overlays;  // indicator id -> overlays

  std::string key() const { return id + "@" + version; }
};

}  // namespace gradus
