// Output formats for assessments: the contract's JSON result objects, a one-line-per-tier text
// summary (with the reasons a tier is not met), a full bilingual explanation for one enterprise,
// and CSV. Each function appends to a string so batches can be formatted in parallel.
//
//   std::string out;
//   append_json(r, Lang::zh, out);            // {"uscc": …, "policy": …, "criteria": [...]}
//   append_explanation(r, Lang::en, out);      // criterion by criterion, with citations
#pragma once

#include <string>

#include "engine/result.h"

namespace gradus {

enum class OutputFormat { text, json, csv };

// One JSON object (no trailing comma or newline).
void append_json(const AssessmentResult& r, Lang lang, std::string& out);
// The header row of the CSV format.
// A CSV cell (RFC 4180): quoted, with doubled quotes, when it holds a comma, a quote or a line break.
std::string csv_cell(const std::string& s);

// A policy as people name it: in zh its title ("专精特新中小企业认定标准（2026）"), in en its key
// ("srdi-sme@2026", what programs and the command line use).
std::string policy_name(const Policy& p, Lang lang);

// "申报" / "复核" for application / review (the mode ids of the data contract).
const Text& mode_label(std::string_view mode);

void append_csv_header(Lang lang, std::string& out);
void append_csv(const AssessmentResult& r, Lang lang, std::string& out);
// A heading line for the enterprise, then one line per policy via append_text_line.
void append_text_heading(const AssessmentResult& r, Lang lang, std::string& out);
void append_text_line(const AssessmentResult& r, Lang lang, std::string& out);
// The full account: outcome, every criterion with value/threshold/verdict/citation, indicators
// and class subtotals, missing facts, and every input value used.
void append_explanation(const AssessmentResult& r, Lang lang, std::string& out);

}  // namespace gradus
