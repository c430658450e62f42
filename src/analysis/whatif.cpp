// What-if re-assessment of one enterprise with changed facts (see whatif.h).
#include "analysis/whatif.h"

#include "core/fields.h"
#include "engine/result.h"
#include "ingest/values.h"

namespace gradus {
namespace {

// Copies everything `pool` knows about enterprise `e` into `b` as enterprise `to`. Values already
// set in `b` are kept (set() refuses a different value), so overrides applied first win.
void copy_enterprise(const Pool& pool, uint32_t e, PoolBuilder& b, uint32_t to) {
  for (const FieldDef& f : all_fields()) {
    if (f.name == "uscc") continue;
    if (f.scope == FieldScope::enterprise) {
      if (f.kind == FieldKind::text) {
        const std::string& t = pool.text(f.id, e);
        if (!t.empty()) (void)b.set_text(to, f.id, t);
        continue;
      }
      const Column& c = pool.column(f.id);
      if (e < c.present.size() && c.present[e]) (void)b.set(to, f.id, c.values[e]);
      continue;
    }
    for (int y = pool.first_year(); y <= pool.last_year(); ++y) {
      const Column* c = pool.yearly(f.id, y);
      if (c != nullptr && e < c->present.size() && c->present[e]) b.set_yearly(to, f.id, y, c->values[e]);
    }
  }
  for (const TitleRecord& r : pool.titles().of(e)) b.add_title(to, r);
  for (const IncidentRecord& r : pool.incidents().of(e)) b.add_incident(to, r);
  for (const AwardRecord& r : pool.awards().of(e)) b.add_award(to, r);
  for (const MakerChinaRecord& r : pool.maker_china().of(e)) b.add_maker_china(to, r);
  for (const HonourRecord& r : pool.honours().of(e)) b.add_honour(to, r);
  for (const IpItem& r : pool.ip_items().of(e)) b.add_ip_item(to, r);
}

}  // namespace

std::string override_spec(const FactOverride& o) {
  if (!o.written.empty()) return o.written;
  const FieldDef& f = field(o.ref.field);
  std::string out = std::string(f.name) + (o.ref.year != 0 ? "@" + std::to_string(o.ref.year) : "") + "=";
  if (o.clear) return out;
  return out + (f.kind == FieldKind::text ? o.text : format_raw(f.id, o.raw));
}

Result<FactOverride> parse_override(std::string_view spec) {
  FactOverride o;
  o.written = std::string(spec);
  const size_t eq = spec.find('=');
  if (eq == std::string_view::npos) {
    return invalid("修改应写成 字段[@年度]=值（如 rd_expense@2025=900）：" + o.written,
                   "a change is written FIELD[@YEAR]=VALUE (e.g. rd_expense@2025=900): " + o.written);
  }
  std::string_view name = spec.substr(0, eq);
  const std::string_view value = spec.substr(eq + 1);
  int year = 0;
  if (const size_t at = name.find('@'); at != std::string_view::npos) {
    const std::string y(name.substr(at + 1));
    if (y.size() != 4 || y.find_first_not_of("0123456789") != std::string::npos) {
      return invalid("年度应为四位数字：" + o.written, "the year must be four digits: " + o.written);
    }
    year = std::stoi(y);
    name = name.substr(0, at);
  }
  const FieldDef* f = find_field(name);
  if (f == nullptr || f->name == "uscc") {
    return invalid("没有名为 " + std::string(name) + " 的字段（见 docs/data-format.md）",
                   "there is no field named " + std::string(name) + " (see docs/data-format.md)");
  }
  if (f->scope == FieldScope::yearly && year == 0) {
    return invalid(std::string(name) + " 是年度数据，需写年度：" + std::string(name) + "@2025=…",
                   std::string(name) + " is a yearly fact: give the year, " + std::string(name) + "@2025=…");
  }
  if (f->scope == FieldScope::enterprise && year != 0) {
    return invalid(std::string(name) + " 不是年度数据，不要写 @年度", std::string(name) + " is not a yearly fact: leave out @YEAR");
  }
  o.ref = FieldRef{f->id, year};
  if (value.empty()) {
    if (f->scope != FieldScope::yearly) {
      return invalid("只能清除年度数据的值：" + o.written, "only a yearly fact can be cleared: " + o.written);
    }
    o.clear = true;
    return o;
  }
  if (f->kind == FieldKind::text) {
    o.text = ingest::normalize_text_value(*f, value);
    return o;
  }
  std::optional<Text> warning;
  Result<int64_t> raw = ingest::parse_value(*f, value, false, &warning);
  if (!raw) {
    return invalid(o.written + "：" + raw.error().message.zh, o.written + ": " + raw.error().message.en);
  }
  o.raw = *raw;
  return o;
}

Result<Pool> pool_with_overrides(const Pool& pool, uint32_t e, std::span<const FactOverride> overrides) {
  PoolBuilder b;
  b.expect(1);
  const uint32_t to = b.enterprise(pool.uscc(e));
  for (const FactOverride& o : overrides) {
    const FieldDef& f = field(o.ref.field);
    if (f.scope != FieldScope::enterprise) continue;
    if (f.kind == FieldKind::text) {
      (void)b.set_text(to, f.id, o.text);
    } else {
      (void)b.set(to, f.id, o.raw);
    }
  }
  copy_enterprise(pool, e, b, to);
  for (const FactOverride& o : overrides) {
    const FieldDef& f = field(o.ref.field);
    if (f.scope != FieldScope::yearly) continue;
    if (o.clear) {
      b.clear_yearly(to, f.id, o.ref.year);
    } else {
      b.set_yearly(to, f.id, o.ref.year, o.raw);
    }
  }
  return std::move(b).finish();
}

Pool pool_with_titles(const Pool& pool, uint32_t e, std::span<const TitleRecord> titles, int carry_to_year) {
  PoolBuilder b;
  b.expect(1);
  const uint32_t to = b.enterprise(pool.uscc(e));
  copy_enterprise(pool, e, b, to);
  for (const TitleRecord& t : titles) b.add_title(to, t);
  const int last = pool.last_year();
  if (pool.first_year() <= last) {
    for (const FieldDef& f : all_fields()) {
      if (f.scope != FieldScope::yearly) continue;
      const Column* c = pool.yearly(f.id, last);
      if (c == nullptr || !c->present[e]) continue;
      for (int y = last + 1; y <= carry_to_year; ++y) b.set_yearly(to, f.id, y, c->values[e]);
    }
  }
  return std::move(b).finish();
}

WhatIfRows::WhatIfRows(const Pool& pool, std::span<const uint32_t> rows) : pool_(pool.subset_for_evaluation(rows)) {}

Column* WhatIfRows::column(const FieldRef& r) {
  const FieldDef& f = field(r.field);
  if (f.kind == FieldKind::text) return nullptr;
  Column* c = nullptr;
  if (f.scope == FieldScope::enterprise) {
    c = &pool_.columns_[r.field];
  } else if (r.year >= pool_.first_year_ && r.year <= pool_.last_year_ && !pool_.yearly_[r.field].empty()) {
    c = &pool_.yearly_[r.field][static_cast<size_t>(r.year - pool_.first_year_)];
  }
  return c != nullptr && c->values.size() == pool_.size_ ? c : nullptr;
}

bool WhatIfRows::set(uint32_t row, std::span<const FactOverride> overrides) {
  for (const FactOverride& o : overrides) {
    if (o.clear || column(o.ref) == nullptr) return false;
  }
  for (const FactOverride& o : overrides) {
    Column* c = column(o.ref);
    c->values[row] = o.raw;
    c->present[row] = 1;
  }
  return true;
}

FirmSandbox::FirmSandbox(const Pool& pool, uint32_t e) : rows_(pool, std::span<const uint32_t>(&e, 1)) {}

bool FirmSandbox::apply(std::span<const FactOverride> overrides) {
  reset();
  for (const FactOverride& o : overrides) {
    if (o.clear || rows_.column(o.ref) == nullptr) return false;
  }
  for (const FactOverride& o : overrides) {
    Column* c = rows_.column(o.ref);
    saved_.push_back({c, c->values[0], c->present[0]});
  }
  return rows_.set(0, overrides);
}

void FirmSandbox::reset() {
  for (auto it = saved_.rbegin(); it != saved_.rend(); ++it) {
    it->column->values[0] = it->value;
    it->column->present[0] = it->present;
  }
  saved_.clear();
}

AssessmentResult assess_one(const Plan& plan, const Pool& pool, uint32_t e, BatchState* scratch) {
  const std::vector<uint32_t> rows{e};
  Pool one = pool.subset(rows);
  std::optional<BatchState> own;
  if (scratch == nullptr) scratch = &own.emplace(plan);
  BatchState& st = *scratch;
  evaluate_batch(plan, one, 0, 1, st);
  AssessmentResult r = extract_result(plan, one, st, 0);
  extract_inputs(plan, one, r);
  return r;
}

Result<TitleRecord> parse_title_grant(std::string_view spec) {
  const size_t at = spec.rfind('@');
  const std::string tier(at == std::string_view::npos ? spec : spec.substr(0, at));
  Result<Date> day = at == std::string_view::npos ? Result<Date>(invalid("", "")) : Date::parse(spec.substr(at + 1));
  if (tier.empty() || !day) {
    return invalid("称号假设 \"" + std::string(spec) + "\" 应写作 层级@取得日期，如 srdi-sme@2026-09-01",
                   "a title to assume \"" + std::string(spec) + "\" is written TIER@DAY, e.g. srdi-sme@2026-09-01");
  }
  TitleRecord t;
  t.tier = tier;
  t.since = *day;
  return t;
}

Result<std::vector<WhatIfResult>> what_if(std::span<const Plan* const> plans, const Pool& pool,
                                          uint32_t e, std::span<const FactOverride> overrides,
                                          std::span<const TitleRecord> titles) {
  Result<Pool> changed = pool_with_overrides(pool, e, overrides);
  if (!changed) return changed.error();
  if (!titles.empty()) changed = pool_with_titles(*changed, 0, titles);
  std::vector<WhatIfResult> out;
  for (const Plan* plan : plans) {
    WhatIfResult w;
    w.policy = plan->policy->key();
    w.before = assess_one(*plan, pool, e);
    w.after = assess_one(*plan, *changed, 0);
    // Criteria come in the same pre-order on both sides (same plan).
    for (size_t k = 0; k < w.before.criteria.size() && k < w.after.criteria.size(); ++k) {
      const CriterionResult& a = w.before.criteria[k];
      const CriterionResult& b = w.after.criteria[k];
      if (a.outcome == b.outcome && a.value == b.value) continue;
      w.changes.push_back({a.id, a.label, a.outcome, b.outcome, a.value, b.value, b.threshold, b.unit});
    }
    out.push_back(std::move(w));
  }
  return out;
}

}  // namespace gradus
