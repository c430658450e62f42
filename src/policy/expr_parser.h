// Parser for the expression syntax of policy files (docs/policy-language.md §3). It builds the
// syntax tree only; names are resolved and types checked by the loader (policy/loader.cpp).
//
//   ParseError err;
//   std::unique_ptr<Expr> e = parse_expression("ratio(rd_expense@-1, revenue@-1) >= 3", {12, 9}, &err);
//   if (!e) std::cerr << err.pos.line << ":" << err.pos.col << ": " << err.message << "\n";
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "policy/policy.h"

namespace gradus {

struct ParseError {
  SourcePos pos;
  std::string message;
  bool limit = false;  // the expression exceeds kMaxExpressionDepth (the message says so)
};

// The deepest expression the parser accepts: levels of parentheses, function calls, unary `-`
// and `not`, and operators (a chain `a + b + … ` of n terms is n - 1 levels deep, since the
// operators are left-associative). Every walker of an expression tree (type checks, plan
// compilation, evaluation, explanations) recurses at most this deep. docs/reliability.md.
inline constexpr int kMaxExpressionDepth = 256;

// `start` is the position of the first character of `text` in its file; positions in the tree and
// in errors are offset from it (columns advance within the line). Returns nullptr on error; an
// expression deeper than kMaxExpressionDepth is an error (error->limit set), found without deep
// recursion.
std::unique_ptr<Expr> parse_expression(std::string_view text, SourcePos start, ParseError* error);

// Canonical text of an expression, for explanations and diagnostics.
std::string expression_text(const Expr& e);

}  // namespace gradus
