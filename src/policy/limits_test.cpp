// Regression tests of the reliability audit (issue 16) for the YAML files gradus reads: expressions
// nested past kMaxExpressionDepth (parentheses, unary '-' and 'not', nested calls, a long sum, a
// chain of facts) are refused with the limit and the place instead of overflowing the stack in the
// parser or in plan compilation; an expression at the limit still compiles and evaluates; a key
// given twice, bytes that are not UTF-8 and control characters are refused in policy, overlay,
// calendar and cases files with file and line.
#include <gtest/gtest.h>

#include <string>

#include "core/decimal.h"
#include "engine/cases.h"
#include "engine/evaluate.h"
#include "engine/plan.h"
#include "engine/result.h"
#include "policy/calls.h"
#include "policy/expr_parser.h"
#include "policy/loader.h"
#include "policy/registry.h"

namespace gradus {
namespace {

const char* kHeader = R"yaml(id: deep
version: "2026"
document: 示例文件
title: {zh: 示例, en: demo}
jurisdiction: CN
modes:
  application: {from: 2026-04-01}
)yaml";

// A policy whose one criterion (line 12) is `test: <expr>`.
std::string with_test(const std::string& expr) {
  return std::string(kHeader) + "criteria:\n  id: root\n  label: {zh: a, en: a}\n  cite: x\n" +
         "  test: \"" + expr + "\"\n";
}

std::string repeat(const std::string& s, size_t n) {
  std::string out;
  out.reserve(s.size() * n);
  for (size_t i = 0; i < n; ++i) out += s;
  return out;
}

std::string load_error(const std::string& yaml) {
  Result<Policy> p = load_policy_text(yaml, "deep.yaml");
  return p ? std::string() : p.error().message.en;
}

// The message names the limit, the file, the line and the criterion.
void expect_depth_refusal(const std::string& yaml, const char* shape) {
  const std::string e = load_error(yaml);
  ASSERT_FALSE(e.empty()) << shape << ": accepted";
  EXPECT_EQ(e.rfind("deep.yaml:12:", 0), 0u) << shape << ": " << e.substr(0, 400);
  EXPECT_NE(e.find("criterion 'root'"), std::string::npos) << shape << ": " << e.substr(0, 400);
  EXPECT_NE(e.find("more than 256 levels deep"), std::string::npos)
      << shape << ": " << e.substr(0, 400);
  EXPECT_LT(e.size(), 1000u) << shape;
}

TEST(ExpressionLimits, EightThousandNestedParenthesesAreRefused) {
  expect_depth_refusal(with_test(repeat("(", 8000) + "revenue@-1 > 1" + repeat(")", 8000)),
                       "parentheses");
}

TEST(ExpressionLimits, AHundredThousandUnaryMinusesAreRefused) {
  expect_depth_refusal(with_test(repeat("-", 100000) + "revenue@-1 > 1"), "minus");
  expect_depth_refusal(with_test(repeat("- ", 100000) + "1 > revenue@-1"), "minus literal");
}

TEST(ExpressionLimits, AHundredThousandNotsAreRefused) {
  expect_depth_refusal(with_test(repeat("not ", 100000) + "own_brand"), "not");
}

TEST(ExpressionLimits, TenThousandNestedCallsAreRefused) {
  expect_depth_refusal(
      with_test(repeat("ratio(", 10000) + "revenue@-1" + repeat(", 1)", 10000) + " > 1"), "calls");
}

TEST(ExpressionLimits, AThirtyThousandTermSumIsRefusedBeforeItReachesCompilation) {
  // It used to pass `policy check` and overflow the stack in compile.cpp on `assess`.
  expect_depth_refusal(with_test(repeat("revenue@-1 + ", 29999) + "revenue@-1 > 1"), "sum");
  expect_depth_refusal(with_test(repeat("own_brand and ", 29999) + "own_brand"), "and");
}

TEST(ExpressionLimits, AChainOfFactsIsMeasuredWrittenOut) {
  // Each fact is shallow; written out (as compilation does), the last one nests 300 deep.
  std::string yaml =
      std::string(kHeader) + "facts:\n  f0: {expr: \"revenue@-1\", label: {zh: a, en: a}}\n";
  for (int i = 1; i < 300; ++i) {
    yaml += "  f" + std::to_string(i) + ": {expr: \"f" + std::to_string(i - 1) +
            " + 1\", label: {zh: a, en: a}}\n";
  }
  yaml += "criteria: {id: root, label: {zh: a, en: a}, cite: x, test: \"f299 > 1\"}\n";
  const std::string e = load_error(yaml);
  EXPECT_NE(e.find("with the facts it uses written out"), std::string::npos) << e.substr(0, 400);
  EXPECT_NE(e.find("fact 'f"), std::string::npos) << e.substr(0, 400);

  // A diamond: each fact uses the previous twice; written out it would have 2^40 terms.
  yaml = std::string(kHeader) + "facts:\n  g0: {expr: \"revenue@-1\", label: {zh: a, en: a}}\n";
  for (int i = 1; i <= 40; ++i) {
    yaml += "  g" + std::to_string(i) + ": {expr: \"g" + std::to_string(i - 1) + " + g" +
            std::to_string(i - 1) + "\", label: {zh: a, en: a}}\n";
  }
  yaml += "criteria: {id: root, label: {zh: a, en: a}, cite: x, test: \"g40 > 1\"}\n";
  EXPECT_NE(load_error(yaml).find("has more than 100000 terms"), std::string::npos);
}

TEST(ExpressionLimits, AnExpressionAtTheLimitCompilesAndEvaluates) {
  // 200 terms: deep, but within the limit; the plan compiles and gives the exact sum.
  PolicyRegistry registry;
  ASSERT_TRUE(
      registry.add_text(with_test(repeat("revenue@-1 + ", 199) + "revenue@-1 >= 200"), "deep.yaml")
          .ok());
  AssessOptions opt{*Date::parse("2026-06-30"), "application"};
  auto plan = compile_plan(*registry.find("deep", "2026"), registry, opt);
  ASSERT_TRUE(plan) << plan.error().message.en;
  PoolBuilder b;
  const uint32_t e = b.enterprise("914403001922038216");
  b.set_yearly(e, find_field("revenue")->id, 2025, Decimal::from_int(1).micros());
  Pool pool = std::move(b).finish();
  BatchState st(**plan);
  evaluate_batch(**plan, pool, 0, 1, st);
  EXPECT_EQ(extract_result(**plan, pool, st, 0).outcome, Outcome::met);
  // The parser's own limit, directly: 256 levels pass, 257 do not.
  ParseError err;
  EXPECT_NE(parse_expression(repeat("(", 256) + "1" + repeat(")", 256), {1, 1}, &err), nullptr)
      << err.message;
  EXPECT_EQ(parse_expression(repeat("(", 257) + "1" + repeat(")", 257), {1, 1}, &err), nullptr);
  EXPECT_NE(err.message.find("more than 256 levels deep"), std::string::npos) << err.message;
}

TEST(ExpressionLimits, PoliciesReferringToEachOtherTooDeepAreRefused) {
  // p0 uses policy(p1), which uses policy(p2), …: each one compiles the next recursively.
  PolicyRegistry registry;
  auto policy = [](int i, const std::string& test) {
    return "id: p" + std::to_string(i) +
           "\nversion: \"2026\"\ndocument: x\ntitle: {zh: x, en: x}\njurisdiction: CN\nmodes:\n"
           "  application: {from: 2026-04-01}\ncriteria: {id: root, label: {zh: a, en: a}, cite: "
           "x, test: \"" +
           test + "\"}\n";
  };
  for (int i = 39; i >= 0; --i) {
    const std::string test = i == 39 ? "own_brand" : "policy(p" + std::to_string(i + 1) + ")";
    ASSERT_TRUE(registry.add_text(policy(i, test), "p" + std::to_string(i) + ".yaml").ok()) << i;
  }
  AssessOptions opt{*Date::parse("2026-06-30"), "application"};
  auto deep = compile_plan(*registry.find("p0", "2026"), registry, opt);
  ASSERT_FALSE(deep.ok());
  EXPECT_NE(deep.error().message.en.find("more than 32 levels deep (the limit)"), std::string::npos)
      << deep.error().message.en;
  // Within the limit it compiles.
  EXPECT_TRUE(compile_plan(*registry.find("p20", "2026"), registry, opt).ok());

  // A cycle of 30: refused once, not retried at every level (2^30 compilations before).
  PolicyRegistry cycle;
  for (int i = 0; i < 30; ++i) {
    const std::string next = "policy(p" + std::to_string((i + 1) % 30) + ")";
    ASSERT_TRUE(cycle.add_text(policy(i, next), "p" + std::to_string(i) + ".yaml").ok()) << i;
  }
  auto looped = compile_plan(*cycle.find("p0", "2026"), cycle, opt);
  ASSERT_FALSE(looped.ok());
  EXPECT_NE(looped.error().message.en.find("policies refer to each other in a cycle: p0"),
            std::string::npos)
      << looped.error().message.en;
}

// --- YAML files ------------------------------------------------------------------------------

TEST(YamlFiles, ADuplicateKeyInAPolicyIsRefused) {
  // `threshold: 5000` then `threshold: 50`: yaml-cpp kept one and dropped the other silently.
  const std::string e = load_error(std::string(kHeader) +
                                   "criteria:\n  id: root\n  label: {zh: a, en: a}\n  cite: x\n  "
                                   "value: revenue@-1\n  op: \">=\"\n"
                                   "  threshold: 5000\n  threshold: 50\n");
  EXPECT_NE(e.find("deep.yaml:15:3: the key 'threshold' appears twice in one mapping (first on "
                   "line 14)"),
            std::string::npos)
      << e;
  // In a flow mapping too, and in a list item.
  EXPECT_NE(
      load_error(
          std::string(kHeader) +
          "criteria: {id: root, id: other, label: {zh: a, en: a}, cite: x, test: own_brand}\n")
          .find("deep.yaml:8:"),
      std::string::npos);
  EXPECT_NE(
      load_error(
          std::string(kHeader) +
          "criteria:\n  id: root\n  label: {zh: a, en: a}\n  cite: x\n  all:\n"
          "    - {id: a, label: {zh: a, en: a}, label: {zh: b, en: b}, cite: x, test: own_brand}\n")
          .find("the key 'label' appears twice"),
      std::string::npos);
}

TEST(YamlFiles, InvalidUtf8AndControlCharactersInAPolicyAreRefusedWithTheLine) {
  const std::string good = with_test("own_brand");
  ASSERT_EQ(load_error(good), "");
  std::string bad = good;
  bad.insert(bad.find("示例"), "\xE7");
  EXPECT_NE(load_error(bad).find("deep.yaml:3:"), std::string::npos) << load_error(bad);
  EXPECT_NE(load_error(bad).find("is not UTF-8"), std::string::npos);
  bad = good;
  bad.insert(bad.find("cite: x") + 6, "\x07");
  EXPECT_NE(load_error(bad).find("deep.yaml:11:"), std::string::npos) << load_error(bad);
  EXPECT_NE(load_error(bad).find("control character U+0007"), std::string::npos);
  bad = good;
  bad.insert(bad.find("cite: x") + 6, "\xC2\x85");  // NEL, a C1 control
  EXPECT_NE(load_error(bad).find("control character U+0085"), std::string::npos) << load_error(bad);
  // Tabs in a quoted value and CRLF line ends are fine.
  std::string crlf;
  for (char c : with_test("own_brand\tand own_brand")) {
    if (c == '\n') crlf += '\r';
    crlf += c;
  }
  EXPECT_EQ(load_error(crlf), "");
}

TEST(YamlFiles, ACalendarWithADuplicateKeyIsRefused) {
  CallCalendar cal;
  Status s = cal.add_text(R"(calls:
  - tier: srdi-sme
    region: national
    region: 320000
    observed: 2026
    windows:
      - {open: 03-01, close: 03-31}
    source: test
)",
                          "dup.yaml");
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.message.en.find("dup.yaml:4:5: the key 'region' appears twice"), std::string::npos)
      << s.message.en;
  EXPECT_TRUE(cal.patterns().empty());
}

TEST(YamlFiles, ACasesFileWithADuplicateKeyIsRefused) {
  PolicyRegistry registry;
  ASSERT_TRUE(registry.add_text(with_test("own_brand"), "deep.yaml").ok());
  Result<CasesReport> r = run_cases_text(R"(policy: deep@2026
as_of: 2026-06-30
base: {uscc: "914403001922038216", own_brand: true}
cases:
  - {name: one, expect: met, expect: not_met}
)",
                                         "deep.cases.yaml", registry);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.en.find("deep.cases.yaml:5:"), std::string::npos)
      << r.error().message.en;
  EXPECT_NE(r.error().message.en.find("the key 'expect' appears twice"), std::string::npos);
}

TEST(YamlFiles, DeepNestingIsRefused) {
  const std::string e =
      load_error(std::string(kHeader) + "notes: " + repeat("[", 100) + repeat("]", 100) + "\n");
  EXPECT_NE(e.find("nest more than 64 levels deep"), std::string::npos) << e;
  // Far deeper than yaml-cpp's own guard: refused, not a stack overflow.
  EXPECT_FALSE(load_error(std::string(kHeader) + "notes: " + repeat("[", 100000) + "\n").empty());
  EXPECT_FALSE(
      load_error(std::string(kHeader) + "notes: " + repeat("{a: ", 100000) + "\n").empty());
}

}  // namespace
}  // namespace gradus
