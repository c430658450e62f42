// Loading policy files: YAML → Policy, resolving every name and checking every type. All problems
// in a file are reported together, each as `file:line:col: message` (docs/policy-language.md).
//
//   Result<Policy> p = load_policy_text(yaml_text, "policies/little-giant/2026.yaml");
//   if (!p) std::cerr << p.error().message.en;   // one line per problem
//   Status s = load_overlay_text(overlay_yaml, "policies/srdi-sme/overlays/sichuan-2022.yaml", *p);
#pragma once

#include <string>
#include <string_view>

#include "core/status.h"
#include "policy/policy.h"

namespace gradus {

Result<Policy> load_policy_text(std::string_view yaml, const std::string& file);

// An overlay names its frame (`overlay: srdi-sme@2022`); returns that key without loading it.
Result<std::string> overlay_target(std::string_view yaml, const std::string& file);

// Parses an overlay and attaches its indicators to `frame` (which must be the policy it names).
Status load_overlay_text(std::string_view yaml, const std::string& file, Policy& frame);

}  // namespace gradus
