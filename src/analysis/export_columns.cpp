// The export's titles and assessment columns (export_columns.h).
#include "analysis/export_columns.h"

#include "engine/evaluate.h"
#include "engine/format.h"
#include "engine/result.h"
#include "policy/registry.h"

namespace gradus {

ExportOptions pool_export_options(const PolicyRegistry& registry,
                                  const std::vector<const Plan*>& plans, const Pool& pool,
                                  Lang lang) {
  ExportOptions options;
  options.lang = lang;
  // Held titles by their tier's name in the user's language (the policy file's tier_name, else
  // its title).
  for (const Policy* p : registry.all()) {
    if (p->kind != Policy::Kind::tier) continue;
    const std::string& name = (p->tier_name.empty() ? p->title : p->tier_name).in(lang);
    if (!name.empty()) options.tier_labels[p->id] = name;
  }
  if (plans.empty()) return options;
  const bool zh = lang == Lang::zh;
  for (const Plan* p : plans) {
    const std::string name =
        p->policy->title.in(lang) + (zh ? "（" : " (") + p->policy->key() + (zh ? "）" : ")");
    options.extra.headers.push_back(name + (zh ? " 结果" : " outcome"));
    options.extra.headers.push_back(name + (zh ? " 得分" : " score"));
  }
  options.extra.headers.push_back(zh ? "评价日" : "as of");
  options.extra.cells.assign(pool.size(), {});
  const std::string as_of = plans.front()->options.as_of.to_string();
  evaluate_pool(plans, pool, 0, [&](size_t, const BatchView& v) {
    for (uint32_t i = 0; i < v.count; ++i) {
      std::vector<std::string>& row = options.extra.cells[v.begin + i];
      for (size_t k = 0; k < plans.size(); ++k) {
        AssessmentResult r = extract_result(*plans[k], pool, *v.states[k], i);
        row.push_back(outcome_label(r.outcome).in(lang));
        row.push_back(r.scored ? format_number(r.score_lo) : std::string());
      }
      row.push_back(as_of);
    }
  });
  return options;
}

}  // namespace gradus
