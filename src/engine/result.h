// One enterprise's assessment under one policy, extracted from a evaluated batch: the outcome,
// every criterion with its value, threshold, verdict, citation and missing facts, the score with
// indicator points and class subtotals, and (for sme-size) the class. Formatters (engine/format.h)
// turn it into text, JSON or CSV; the explanation also lists every input value used.
//
//   AssessmentResult r = extract_result(plan, pool, state, i);
//   r.outcome == Outcome::not_met; r.criteria[3].missing → {revenue@2025}
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "engine/evaluate.h"

namespace gradus {

struct CriterionResult {
  std::string id;
  Text label;
  std::string cite;
  std::string wording;
  int depth = 0;
  bool leaf = false;
  Criterion::Kind kind = Criterion::Kind::all;
  int at_least = 0;
  Outcome outcome = Outcome::unknown;
  std::string value;      // the measured value as displayed ("" when none or missing)
  std::optional<double> number;  // the same as a number, when numeric
  std::string threshold;  // ">= 5000"
  std::string unit;
  std::vector<FieldRef> missing;
  Text note;  // the manual reason, or the boundary reading when the value sits on a named boundary
  Text reading;  // the file's notes on how it reads the text
  int plan_index = -1;  // the criterion's index in Plan::criteria
};

struct IndicatorResult {
  std::string class_id;
  std::string id;
  Text label;
  std::string cite;
  double max = 0;
  double lo = 0, hi = 0;  // equal when decided
  uint8_t flags = 0;      // kPointsUnknown / kPointsManual
  std::string band;       // wording of the band that scored
  std::string value;
  std::optional<double> number;
  std::string unit;
  std::string overlay;    // place of the overlay used, "" for the frame
  uint32_t items_held = 0;  // an indicator of items: bit t set when item t surely holds (t < 32)
  Text manual_reason;
  Text note;     // the boundary reading when the value sits on a named boundary
  Text reading;  // the file's notes on how it reads the text
  std::vector<FieldRef> missing;
};

struct ClassSubtotal {
  std::string id;
  Text label;
  double lo = 0, hi = 0;
};

struct InputValue {
  FieldRef ref;
  std::string value;  // "" when missing
};

struct AssessmentResult {
  uint32_t row = 0;
  std::string uscc;
  std::string name;
  const Policy* policy = nullptr;
  Date as_of;
  std::string mode;
  Outcome outcome = Outcome::unknown;
  bool scored = false;
  double score_lo = 0, score_hi = 0;
  std::vector<ClassSubtotal> classes;
  std::vector<IndicatorResult> indicators;
  std::vector<CriterionResult> criteria;  // pre-order (root first), for reading top-down
  // Classify policies.
  std::optional<std::string> result;
  Text result_label;
  std::vector<std::string> possible;  // classes still possible when undecided
  std::string category;
  Text category_label;
  std::vector<std::pair<std::string, std::string>> classify_values;  // X → "120"
  std::vector<FieldRef> missing;  // classify: facts missing
  std::vector<InputValue> inputs;  // every fact the plan reads (filled by extract_inputs)
};

// `lean`: only what the gap analysis reads, at a fraction of the cost — the criteria are only the
// leaves that are not met and lie under no met group (without their wording and reading notes),
// indicators have id, label, points, value and overlay only, and there is no firm name.
AssessmentResult extract_result(const Plan& plan, const Pool& pool, const BatchState& state, uint32_t i,
                                bool lean = false);
// Adds the values of every fact the plan reads (for explanations).
void extract_inputs(const Plan& plan, const Pool& pool, AssessmentResult& r);

// Display helpers shared by the formatters.
std::string format_number(double v);  // up to 4 decimals, trailing zeros removed
std::string format_raw(FieldId f, int64_t raw);
std::string field_ref_text(const FieldRef& r, Lang lang);  // "revenue@2025" / "营业收入（2025年）"

}  // namespace gradus
