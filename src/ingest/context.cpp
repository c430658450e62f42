// Shared import state: enterprises, conflicts, rejection, enterprise-level checks.
#include "ingest/context.h"

#include "core/uscc.h"
#include "ingest/checks.h"
#include "ingest/values.h"

namespace gradus::ingest {

namespace {

uint64_t origin_key(uint32_t e, FieldId f) { return (uint64_t{e} << 16) | f; }

// Fields whose origin is kept for the enterprise-level checks.
bool tracked(const FieldDef& f) {
  if (f.name == "founded" || f.name == "niche_since") return true;
  for (const PairRule& r : enterprise_pair_rules()) {
    if (f.name == r.part || f.name == r.whole) return true;
  }
  return false;
}

std::string date_key(const std::optional<Date>& d) { return d ? std::to_string(d->days()) : "-"; }

}  // namespace

ImportContext::ImportContext(std::string file, bool firm_rows, PoolBuilder& builder,
                             IngestReport& report)
    : file_(std::move(file)), firm_rows_(firm_rows), builder_(builder), report_(report) {}

std::optional<uint32_t> ImportContext::enterprise(std::string_view text, uint32_t row,
                                                  std::string_view column) {
  const std::string_view t = trim(text);
  if (t.empty()) return std::nullopt;
  Result<Uscc> code = Uscc::parse(t);
  uint32_t e = 0;
  if (code) {
    e = builder_.enterprise(code->str());
  } else {
    // Keyed by the code as written (normalised like a valid code would be).
    std::string key = normalize_width(t);
    for (char& c : key) {
      if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
    }
    e = builder_.enterprise(key);
  }
  if (usccs_.size() <= e) usccs_.resize(e + 1);
  if (usccs_[e].empty()) usccs_[e] = code ? code->str() : std::string(t);
  if (!code) error(e, Origin{row, std::string(column), std::string(t)}, reason_of(code.error(), t));
  return e;
}

InputError ImportContext::make(std::optional<uint32_t> e, const Origin& at, Text reason) const {
  InputError err;
  err.file = file_;
  err.row = at.row;
  err.firm = firm_rows_;
  err.column = at.column;
  err.value = at.value;
  if (e && *e < usccs_.size()) err.uscc = usccs_[*e];
  err.reason = std::move(reason);
  return err;
}

void ImportContext::error(std::optional<uint32_t> e, const Origin& at, Text reason) {
  report_.errors.push_back(make(e, at, std::move(reason)));
  if (e) builder_.reject(*e);
}

void ImportContext::warning(std::optional<uint32_t> e, const Origin& at, Text reason) {
  report_.warnings.push_back(make(e, at, std::move(reason)));
}

Text ImportContext::conflict_reason(uint32_t other_row, const std::string& other_value) const {
  const std::string n = std::to_string(other_row);
  const std::string v = other_value.empty() ? "" : quoted(other_value);
  if (firm_rows_) {
    return Text{"与第 " + n + " 家企业记录的值" + (v.empty() ? "" : "（" + v + "）") + "不一致",
                "disagrees with firm " + n + (v.empty() ? "" : " (" + v + ")")};
  }
  return Text{"与第 " + n + " 行的值" + (v.empty() ? "" : "（" + v + "）") +
                  "不一致：同一企业的静态信息只能有一个值",
              "disagrees with row " + n + (v.empty() ? "" : " (" + v + ")") +
                  ": a static fact has one value per enterprise"};
}

void ImportContext::set_static(uint32_t e, const FieldDef& f, int64_t raw, const Origin& at) {
  const std::optional<int64_t> before = builder_.get(e, f.id);
  if (std::optional<uint32_t> other = builder_.set(e, f.id, raw, at.row)) {
    error(e, at, conflict_reason(*other, before ? format_raw(f, *before) : std::string()));
    return;
  }
  if (!before && tracked(f)) origins_.emplace(origin_key(e, f.id), at);
}

void ImportContext::set_static_text(uint32_t e, const FieldDef& f, std::string value,
                                    const Origin& at) {
  if (std::optional<uint32_t> other = builder_.set_text(e, f.id, std::move(value), at.row)) {
    error(e, at, conflict_reason(*other, std::string()));
  }
}

bool ImportContext::first_time(uint32_t e, std::string key) {
  return seen_events_.insert(std::to_string(e) + "|" + key).second;
}

void ImportContext::add_title(uint32_t e, TitleRecord r, bool dedup) {
  if (dedup && !first_time(e, "t|" + r.tier + "|" + std::to_string(r.since.days()) + "|" +
                                  date_key(r.valid_to) + "|" + std::to_string(r.status) + "|" +
                                  r.level + "|" + r.batch)) {
    return;
  }
  builder_.add_title(e, std::move(r));
}

void ImportContext::add_incident(uint32_t e, IncidentRecord r, bool dedup) {
  if (dedup && !first_time(e, "i|" + std::to_string(r.kind) + "|" + std::to_string(r.date.days()) +
                                  "|" + date_key(r.until))) {
    return;
  }
  builder_.add_incident(e, r);
}

void ImportContext::add_award(uint32_t e, AwardRecord r, bool dedup) {
  if (dedup && !first_time(e, "a|" + std::to_string(r.level) + "|" +
                                  (r.rank ? std::to_string(*r.rank) : "-") + "|" +
                                  std::to_string(r.date.days()) + "|" + r.name)) {
    return;
  }
  builder_.add_award(e, std::move(r));
}

void ImportContext::add_maker_china(uint32_t e, MakerChinaRecord r, bool dedup) {
  if (dedup && !first_time(e, "m|" + std::to_string(r.list) + "|" + std::to_string(r.year))) return;
  builder_.add_maker_china(e, r);
}

void ImportContext::add_honour(uint32_t e, HonourRecord r, bool dedup) {
  if (dedup && !first_time(e, "h|" + std::to_string(r.kind) + "|" + date_key(r.valid_from) + "|" +
                                  date_key(r.valid_to))) {
    return;
  }
  builder_.add_honour(e, r);
}

void ImportContext::add_ip_item(uint32_t e, IpItem r) { builder_.add_ip_item(e, std::move(r)); }

void ImportContext::finish() {
  const FieldDef& founded = *find_field("founded");
  const FieldDef& niche = *find_field("niche_since");
  for (uint32_t e = 0; e < builder_.size(); ++e) {
    for (const PairRule& rule : enterprise_pair_rules()) {
      const FieldDef& part = *find_field(rule.part);
      const FieldDef& whole = *find_field(rule.whole);
      std::optional<int64_t> p = builder_.get(e, part.id);
      std::optional<int64_t> w = builder_.get(e, whole.id);
      if (!p || !w || *p <= *w) continue;
      auto po = origins_.find(origin_key(e, part.id));
      auto wo = origins_.find(origin_key(e, whole.id));
      if (po == origins_.end() || wo == origins_.end()) continue;
      error(e, po->second, pair_violation(whole, wo->second.column, wo->second.value));
    }
    std::optional<int64_t> f = builder_.get(e, founded.id);
    std::optional<int64_t> n = builder_.get(e, niche.id);
    if (f && n && *n < *f) {
      auto no = origins_.find(origin_key(e, niche.id));
      auto fo = origins_.find(origin_key(e, founded.id));
      if (no != origins_.end() && fo != origins_.end()) {
        warning(e, no->second, niche_before_founded(fo->second.column, fo->second.value));
      }
    }
  }
  report_.enterprises_loaded = 0;
  report_.enterprises_rejected = 0;
  for (uint32_t e = 0; e < builder_.size(); ++e) {
    if (builder_.rejected(e)) {
      ++report_.enterprises_rejected;
    } else {
      ++report_.enterprises_loaded;
    }
  }
}

}  // namespace gradus::ingest
