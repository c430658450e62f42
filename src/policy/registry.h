// The set of rule sets gradus knows: the shipped policies embedded in the binary (policies/**.yaml)
// plus any files the user adds, with their overlays; picks the version in force for a date and a
// mode (REFERENCE §0; docs/policy-language.md §1).
//
//   std::string errors;
//   PolicyRegistry reg = PolicyRegistry::shipped(&errors);
//   Result<const Policy*> p = reg.select("little-giant", *Date::parse("2026-06-30"), "review");
//   (*p)->version == "2022"   // reviews in 2026 still use the 2022 standard
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/date.h"
#include "core/status.h"
#include "policy/policy.h"

namespace gradus {

class PolicyRegistry {
 public:
  // Every policy and overlay embedded in the binary. A file that does not load is left out and its
  // diagnostics are appended to `*errors` (a shipped file that does not load is a bug that the
  // test suite catches; the other policies stay usable).
  static PolicyRegistry shipped(std::string* errors);

  // Adds a policy or overlay file (detected by its `overlay:` key). A policy with the same
  // id@version as a loaded one replaces it (so an analyst can test an edited copy).
  Status add_text(std::string_view yaml, const std::string& name);
  Status add_file(const std::string& path);

  const Policy* find(std::string_view id, std::string_view version) const;
  // The version whose window for `mode` contains `as_of`. `spec` is `id` or `id@version`
  // (a forced version, checked to exist but not to be in force).
  Result<const Policy*> select(std::string_view spec, Date as_of, std::string_view mode) const;
  // Every known id, sorted, and every loaded policy in id/version order.
  std::vector<std::string> ids() const;
  std::vector<const Policy*> all() const;

 private:
  Status check_overlaps(const Policy& p) const;
  std::vector<std::unique_ptr<Policy>> policies_;
  std::vector<std::pair<std::string, std::string>> pending_overlays_;  // (text, name) before frame
};

}  // namespace gradus
