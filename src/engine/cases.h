// Running a policy's cases file (docs/policy-language.md §8): each case is the base firm patched
// (RFC 7396 merge: maps merge, lists are replaced, null removes a fact), loaded through the same
// JSON reader as real input, assessed, and compared with what the case expects.
//
//   Result<CasesReport> r = run_cases_text(yaml, "policies/little-giant/2026.cases.yaml", registry);
//   r->failed == 0;  for (auto& f : r->failures) std::cerr << f << "\n";
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "policy/registry.h"

namespace gradus {

struct CasesReport {
  std::string policy;  // id@version
  int passed = 0;
  int failed = 0;
  std::vector<std::string> failures;  // "file:line: case 'name': expected …, got …"
};

Result<CasesReport> run_cases_text(std::string_view yaml, const std::string& file, const PolicyRegistry& registry);

}  // namespace gradus
