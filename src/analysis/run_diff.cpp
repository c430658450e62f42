// The table of a diff of two saved runs (run_diff.h).
#include "analysis/run_diff.h"

#include <algorithm>

#include "engine/format.h"
#include "policy/registry.h"

namespace gradus {

std::vector<std::string> RunDiffTable::headers() const {
  if (lang_ == Lang::zh) {
    return {"统一社会信用代码",
            "企业名称",
            "政策",
            "原结果",
            "新结果",
            "新增未满足的条件",
            "不再未满足的条件",
            "新增缺少数据的条件",
            "不再缺少数据的条件"};
  }
  return {"uscc",
          "name",
          "policy",
          "before",
          "after",
          "newly_not_met",
          "no_longer_not_met",
          "newly_unknown",
          "no_longer_unknown"};
}

std::vector<std::string> RunDiffTable::row(const store::OutcomeChange& c) const {
  const Policy* p =
      registry_.find(c.policy, c.version_after.empty() ? c.version_before : c.version_after);
  std::string policy =
      c.policy + "@" + (c.version_after.empty() ? c.version_before : c.version_after);
  if (lang_ == Lang::zh && p != nullptr && !p->title.zh.empty()) policy = p->title.zh;
  if (!c.version_before.empty() && !c.version_after.empty() &&
      c.version_before != c.version_after) {
    policy += lang_ == Lang::zh ? "（版本 " + c.version_before + " → " + c.version_after + "）"
                                : " (version " + c.version_before + " → " + c.version_after + ")";
  }
  std::vector<std::string> out = {c.uscc, c.name, policy, outcome(c.before), outcome(c.after)};
  const bool known = c.recorded_before && c.recorded_after;
  const std::string unrecorded =
      lang_ == Lang::zh ? "（该次评价未记录条件）" : "(criteria not recorded)";
  auto changed = [&](const std::vector<std::string>& from, const std::vector<std::string>& to) {
    if (!known) return unrecorded;
    std::string cells;
    for (const std::string& id : to) {
      if (std::find(from.begin(), from.end(), id) != from.end()) continue;
      if (!cells.empty()) cells += lang_ == Lang::zh ? "；" : "; ";
      cells += criterion(c, id);
    }
    return cells;
  };
  out.push_back(changed(c.not_met_before, c.not_met_after));
  out.push_back(changed(c.not_met_after, c.not_met_before));
  out.push_back(changed(c.unknown_before, c.unknown_after));
  out.push_back(changed(c.unknown_after, c.unknown_before));
  return out;
}

std::string RunDiffTable::outcome(const std::string& id) const {
  if (id.empty()) return lang_ == Lang::zh ? "（无）" : "(none)";
  for (Outcome o : {Outcome::not_met, Outcome::met, Outcome::unknown, Outcome::manual}) {
    if (id == outcome_id(o)) return outcome_label(o).in(lang_);
  }
  return id;
}
// The criterion's label in Chinese (its id in English), searched in either run's version.
std::string RunDiffTable::criterion(const store::OutcomeChange& c, const std::string& id) const {
  if (lang_ != Lang::zh) return id;
  for (const std::string& v : {c.version_after, c.version_before}) {
    const Policy* p = registry_.find(c.policy, v);
    if (p == nullptr) continue;
    if (const Criterion* found = find_criterion(p->criteria, id);
        found != nullptr && !found->label.zh.empty()) {
      return found->label.zh;
    }
  }
  return id;
}
const Criterion* RunDiffTable::find_criterion(const Criterion& at, const std::string& id) {
  if (at.id == id) return &at;
  for (const Criterion& child : at.children) {
    if (const Criterion* found = find_criterion(child, id)) return found;
  }
  return nullptr;
}

RunDiffCounts count_run_diff(const std::vector<store::OutcomeChange>& changes) {
  RunDiffCounts n;
  for (const store::OutcomeChange& c : changes)
    c.before != c.after ? ++n.outcomes : ++n.criteria_only;
  return n;
}

}  // namespace gradus
