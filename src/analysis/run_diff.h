// The diff of two saved assessment runs as a table people read (`gradus runs diff`, GET
// /api/v1/runs/{before}/diff/{after}): per firm and policy whose outcome or blocking criteria
// changed, the outcomes as labels, the policy by its title (zh) or key (en), and the criteria
// newly or no longer not met / unknown by their labels (zh) or ids (en).
//
//   Result<std::vector<store::OutcomeChange>> d = store.diff_runs(3, 4);
//   RunDiffTable table(registry, Lang::zh);
//   write(table.headers());
//   for (const store::OutcomeChange& c : *d) write(table.row(c));
//
// Thread-safety: const methods only; the registry must outlive the table.
#pragma once

#include <string>
#include <vector>

#include "core/text.h"
#include "policy/policy.h"
#include "store/store.h"

namespace gradus {

class PolicyRegistry;

class RunDiffTable {
 public:
  RunDiffTable(const PolicyRegistry& registry, Lang lang) : registry_(registry), lang_(lang) {}

  std::vector<std::string> headers() const;
  std::vector<std::string> row(const store::OutcomeChange& c) const;

 private:
  std::string outcome(const std::string& id) const;
  // The criterion's label in Chinese (its id in English), searched in either run's version.
  std::string criterion(const store::OutcomeChange& c, const std::string& id) const;
  static const Criterion* find_criterion(const Criterion& at, const std::string& id);

  const PolicyRegistry& registry_;
  Lang lang_;
};

// How many changes changed the outcome, and how many only the blocking criteria.
struct RunDiffCounts {
  size_t outcomes = 0, criteria_only = 0;
};
RunDiffCounts count_run_diff(const std::vector<store::OutcomeChange>& changes);

}  // namespace gradus
