// Shared import state: enterprises, conflicts, rejection, enterprise-level checks.
#include "ingest/context.h"

#include "core/uscc.h"
#include "ingest/checks.h"
#include "ingest/values.h"

namespace gradus::ingest {

namespace {

// Fields whose origin is kept for the enterprise-level checks.
bool tracked(const FieldDef& f) {
  if (f.name == "founded" || f.name == "niche_since") return true;
  for (const PairRule& r : enterprise_pair_rules()) {
    if (f.name == r.part || f.name == r.whole) return true;
  }
  return false;
}

std::string date_key(const std::optional<Date>& d) { return d ? std::to_string(d->days()) : "-"; }

// "9.13209E+17": a code a spreadsheet showed as a number in scientific notation (then saved as
// CSV text that way).
bool looks_like_scientific_notation(std::string_view t) {
  const size_t e = t.find_first_of("eE");
  if (e == std::string_view::npos || e == 0 || e + 2 > t.size()) return false;
  for (size_t i = 0; i < e; ++i) {
    if (!((t[i] >= '0' && t[i] <= '9') || t[i] == '.')) return false;
  }
  size_t i = e + 1;
  if (t[i] == '+' || t[i] == '-') ++i;
  if (i == t.size()) return false;
  for (; i < t.size(); ++i) {
    if (t[i] < '0' || t[i] > '9') return false;
  }
  return true;
}

const Text& scientific_notation_note() {
  static const Text kNote{
      "该代码被表格软件当作数字、以科学计数法保存，末尾几位已经丢失：请把该列设为文本格式后重新填写",
      "a spreadsheet stored this code as a number in scientific notation and its last digits are "
      "lost: format the column as text and enter the codes again"};
  return kNote;
}

}  // namespace

ImportContext::ImportContext(std::string file, bool firm_rows, PoolBuilder& builder,
                             IngestReport& report, IngestOptions options)
    : file_(std::move(file)),
      options_(options),
      firm_rows_(firm_rows),
      builder_(builder),
      report_(report) {
  const std::span<const FieldDef> fields = all_fields();
  tracked_slot_.assign(fields.size(), -1);
  int slots = 0;
  for (const FieldDef& f : fields) {
    if (tracked(f)) tracked_slot_[f.id] = static_cast<int8_t>(slots++);
  }
  origins_.resize(slots);
  origin_columns_.emplace_back();  // id 0: none
}

std::optional<uint32_t> ImportContext::enterprise(std::string_view text, uint32_t row,
                                                  std::string_view column, const Text* note) {
  const std::string_view t = trim(text);
  if (t.empty()) return std::nullopt;
  // The same valid code as last time: the same enterprise, nothing to report.
  if (have_last_code_ && t == last_code_text_) return last_code_enterprise_;
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
  if (!code) {
    Text reason = reason_of(code.error(), t);
    if (note == nullptr && looks_like_scientific_notation(t)) note = &scientific_notation_note();
    if (note != nullptr) {
      reason.zh += "。" + note->zh;
      reason.en += ". " + note->en;
    }
    error(e, OriginRef{row, column, t}, std::move(reason));
  } else {
    last_code_text_.assign(t);
    last_code_enterprise_ = e;
    have_last_code_ = true;
  }
  return e;
}

void ImportContext::set_sheet(std::string name) {
  if (name.empty()) {
    sheet_ = 0;
    return;
  }
  for (uint32_t i = 1; i < sheets_.size(); ++i) {
    if (sheets_[i] == name) {
      sheet_ = i;
      return;
    }
  }
  sheets_.push_back(std::move(name));
  sheet_ = static_cast<uint32_t>(sheets_.size() - 1);
}

// Rows of sheets are keyed sheet × 2^21 + row (a sheet has at most 1,048,576 rows); more than
// 2047 sheets share the last key range (their rows are then named without their sheet).
uint32_t ImportContext::row_key(uint32_t row) const {
  if (sheet_ == 0) return row;
  return (std::min<uint32_t>(sheet_, 2047) << 21) | (row & 0x1FFFFF);
}

Text ImportContext::row_text(uint32_t key) const {
  const uint32_t sheet = key >> 21;
  const std::string n = std::to_string(key & 0x1FFFFF);
  if (sheet == 0 || sheet == std::min<uint32_t>(sheet_, 2047) || sheet >= sheets_.size()) {
    return Text{"第 " + n + " 行", "row " + n};
  }
  return Text{"工作表 " + sheets_[sheet] + " 第 " + n + " 行",
              "sheet " + sheets_[sheet] + ", row " + n};
}

InputError ImportContext::make(std::optional<uint32_t> e, const OriginRef& at, Text reason) const {
  InputError err;
  err.file = file_;
  err.sheet = at.sheet.empty() ? sheets_[sheet_] : std::string(at.sheet);
  err.row = at.row;
  err.firm = firm_rows_;
  // Messages and the reports made of them are UTF-8 whatever the input held: bytes that are not
  // (a damaged workbook's text) are kept escaped (\xE7). They quote at most kMaxQuotedBytes of
  // any text of the input (a 1 GB cell is not copied into every message about it).
  err.sheet = excerpt(err.sheet);
  err.column = excerpt(at.column);
  err.value = excerpt(at.value);
  if (e && *e < usccs_.size()) err.uscc = excerpt(usccs_[*e]);
  err.reason = std::move(reason);
  return err;
}

void ImportContext::error(std::optional<uint32_t> e, const OriginRef& at, Text reason) {
  report_.errors.push_back(make(e, at, std::move(reason)));
  if (e) builder_.reject(*e);
}

void ImportContext::warning(std::optional<uint32_t> e, const OriginRef& at, Text reason) {
  report_.warnings.push_back(make(e, at, std::move(reason)));
}

Text ImportContext::conflict_reason(uint32_t other_row, const std::string& other_value) const {
  const std::string n = std::to_string(other_row);
  const Text where = row_text(other_row);
  const std::string v = other_value.empty() ? "" : quoted(other_value);
  if (firm_rows_) {
    return Text{"与第 " + n + " 家企业记录的值" + (v.empty() ? "" : "（" + v + "）") + "不一致",
                "disagrees with firm " + n + (v.empty() ? "" : " (" + v + ")")};
  }
  return Text{"与" + where.zh + "的值" + (v.empty() ? "" : "（" + v + "）") +
                  "不一致：同一企业的静态信息只能有一个值",
              "disagrees with " + where.en + (v.empty() ? "" : " (" + v + ")") +
                  ": a static fact has one value per enterprise"};
}

bool ImportContext::set_static(uint32_t e, const FieldDef& f, int64_t raw, const OriginRef& at) {
  // Whether the field held a value before matters for tracked fields (the first value's origin is
  // kept) and for a conflict (the message quotes it); set() changes nothing on a conflict, so the
  // value can be read after it.
  const int slot = tracked_slot_[f.id];
  const bool was_set = slot >= 0 && builder_.get(e, f.id).has_value();
  if (std::optional<uint32_t> other =
          builder_.set(e, f.id, raw, firm_rows_ ? at.row : row_key(at.row))) {
    const std::optional<int64_t> before = builder_.get(e, f.id);
    error(e, at, conflict_reason(*other, before ? format_raw(f, *before) : std::string()));
    return false;
  }
  if (slot >= 0 && !was_set) keep_origin(e, slot, at);
  return true;
}

bool ImportContext::set_static_text(uint32_t e, const FieldDef& f, std::string value,
                                    const OriginRef& at) {
  if (std::optional<uint32_t> other =
          builder_.set_text(e, f.id, std::move(value), firm_rows_ ? at.row : row_key(at.row))) {
    error(e, at, conflict_reason(*other, std::string()));
    return false;
  }
  return true;
}

void ImportContext::keep_origin(uint32_t e, int slot, const OriginRef& at) {
  std::vector<StoredOrigin>& kept = origins_[slot];
  if (kept.size() <= e) kept.resize(e + 1);
  StoredOrigin& o = kept[e];
  if (o.column != 0) return;  // the first one stays
  auto it = origin_column_ids_.find(at.column);
  if (it == origin_column_ids_.end()) {
    it = origin_column_ids_
             .emplace(std::string(at.column), static_cast<uint32_t>(origin_columns_.size()))
             .first;
    origin_columns_.emplace_back(at.column);
  }
  o.column = it->second;
  o.row = at.row;
  o.sheet = sheet_;
  o.value_offset = origin_text_.size();
  o.value_length = static_cast<uint32_t>(at.value.size());
  origin_text_.append(at.value);
}

std::optional<OriginRef> ImportContext::origin(uint32_t e, FieldId f) const {
  const int slot = tracked_slot_[f];
  if (slot < 0) return std::nullopt;
  const std::vector<StoredOrigin>& kept = origins_[slot];
  if (e >= kept.size() || kept[e].column == 0) return std::nullopt;
  const StoredOrigin& o = kept[e];
  OriginRef out{o.row, origin_columns_[o.column],
                std::string_view(origin_text_).substr(o.value_offset, o.value_length)};
  out.sheet = sheets_[o.sheet];
  return out;
}

bool ImportContext::first_time(uint32_t e, const std::string& key) {
  return seen_events_.insert(e, key);
}

void ImportContext::add_title(uint32_t e, TitleRecord r, bool dedup) {
  if (dedup) {
    std::string& k = event_key_;
    k.assign("t|").append(r.tier).append("|");
    k.append(std::to_string(r.since.days())).append("|").append(date_key(r.valid_to)).append("|");
    k.append(std::to_string(r.status)).append("|").append(r.level).append("|").append(r.batch);
    if (!first_time(e, k)) return;
  }
  builder_.add_title(e, std::move(r));
}

void ImportContext::add_incident(uint32_t e, IncidentRecord r, bool dedup) {
  if (dedup) {
    std::string& k = event_key_;
    k.assign("i|").append(std::to_string(r.kind)).append("|");
    k.append(std::to_string(r.date.days())).append("|").append(date_key(r.until));
    if (!first_time(e, k)) return;
  }
  builder_.add_incident(e, r);
}

void ImportContext::add_award(uint32_t e, AwardRecord r, bool dedup) {
  if (dedup) {
    std::string& k = event_key_;
    k.assign("a|").append(std::to_string(r.level)).append("|");
    k.append(r.rank ? std::to_string(*r.rank) : "-").append("|");
    k.append(std::to_string(r.date.days())).append("|").append(r.name);
    if (!first_time(e, k)) return;
  }
  builder_.add_award(e, std::move(r));
}

void ImportContext::add_maker_china(uint32_t e, MakerChinaRecord r, bool dedup) {
  if (dedup) {
    std::string& k = event_key_;
    k.assign("m|").append(std::to_string(r.list)).append("|").append(std::to_string(r.year));
    if (!first_time(e, k)) return;
  }
  builder_.add_maker_china(e, r);
}

void ImportContext::add_honour(uint32_t e, HonourRecord r, bool dedup) {
  if (dedup) {
    std::string& k = event_key_;
    k.assign("h|").append(std::to_string(r.kind)).append("|");
    k.append(date_key(r.valid_from)).append("|").append(date_key(r.valid_to));
    if (!first_time(e, k)) return;
  }
  builder_.add_honour(e, r);
}

void ImportContext::add_ip_item(uint32_t e, IpItem r) { builder_.add_ip_item(e, std::move(r)); }

void ImportContext::finish() {
  report_.fact_rows.sheets = sheets_;
  sheet_ = 0;  // the errors below carry the sheet of the values they name
  const FieldDef& founded = *find_field("founded");
  const FieldDef& niche = *find_field("niche_since");
  struct Rule {
    const FieldDef* part;
    const FieldDef* whole;
  };
  std::vector<Rule> rules;
  for (const PairRule& rule : enterprise_pair_rules()) {
    rules.push_back(Rule{find_field(rule.part), find_field(rule.whole)});
  }
  for (uint32_t e = 0; e < builder_.size(); ++e) {
    for (const Rule& rule : rules) {
      std::optional<int64_t> p = builder_.get(e, rule.part->id);
      std::optional<int64_t> w = builder_.get(e, rule.whole->id);
      if (!p || !w || *p <= *w) continue;
      std::optional<OriginRef> po = origin(e, rule.part->id);
      std::optional<OriginRef> wo = origin(e, rule.whole->id);
      if (!po || !wo) continue;
      error(e, *po, pair_violation(*rule.whole, wo->column, wo->value));
    }
    std::optional<int64_t> f = builder_.get(e, founded.id);
    std::optional<int64_t> n = builder_.get(e, niche.id);
    if (f && n && *n < *f) {
      std::optional<OriginRef> no = origin(e, niche.id);
      std::optional<OriginRef> fo = origin(e, founded.id);
      if (no && fo) warning(e, *no, niche_before_founded(fo->column, fo->value));
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
