// The JSON enterprise form of one pooled firm (enterprise_json.h).
#include "export/enterprise_json.h"

#include <string>

#include "core/decimal.h"
#include "core/fields.h"
#include "core/text.h"
#include "ingest/values.h"

namespace gradus {

namespace {

using Json = nlohmann::ordered_json;

// A decimal's text as a JSON number when a double keeps it exactly in print (≤ 15 significant
// digits), else as a string.
Json number_json(int64_t micros) {
  const std::string text = Decimal::from_micros(micros).to_string();
  size_t digits = 0;
  bool leading = true;
  for (char c : text) {
    if (c < '0' || c > '9') continue;
    if (leading && c == '0') continue;
    leading = false;
    ++digits;
  }
  if (digits > 15) return text;
  if (text.find('.') == std::string::npos) return std::stoll(text);
  return std::stod(text);
}

Json value_json(const FieldDef& f, int64_t raw) {
  switch (f.kind) {
    case FieldKind::money:
    case FieldKind::ratio:
    case FieldKind::count:
    case FieldKind::decimal:
      return number_json(raw);
    case FieldKind::boolean:
      return raw != 0;
    case FieldKind::date:
      return Date::from_days(static_cast<int32_t>(raw)).to_string();
    case FieldKind::enum_set: {
      Json list = Json::array();
      for (size_t k = 0; k < f.values.size(); ++k)
        if ((raw >> k) & 1) list.push_back(std::string(f.values[k].id));
      return list;
    }
    default:
      return clean_utf8(ingest::format_raw(f, raw));
  }
}

std::string enum_id(std::span<const EnumValue> values, size_t i) {
  return i < values.size() ? std::string(values[i].id) : std::to_string(i);
}

}  // namespace

Json enterprise_json(const Pool& pool, uint32_t e) {
  Json j;
  j["uscc"] = pool.uscc(e);
  Json years = Json::object();
  for (const FieldDef& f : all_fields()) {
    if (f.name == "uscc") continue;
    if (f.scope == FieldScope::enterprise) {
      if (f.kind == FieldKind::text) {
        const std::string& t = pool.text(f.id, e);
        if (!t.empty()) j[std::string(f.name)] = clean_utf8(t);
        continue;
      }
      const Column& c = pool.column(f.id);
      if (e < c.present.size() && c.present[e]) j[std::string(f.name)] = value_json(f, c.values[e]);
      continue;
    }
    for (int y = pool.first_year(); y <= pool.last_year(); ++y) {
      const Column* c = pool.yearly(f.id, y);
      if (!c || e >= c->present.size() || !c->present[e]) continue;
      years[std::to_string(y)][std::string(f.name)] = value_json(f, c->values[e]);
    }
  }
  j["years"] = std::move(years);

  Json titles = Json::array();
  for (const TitleRecord& t : pool.titles().of(e)) {
    Json x;
    x["tier"] = t.tier;
    x["since"] = t.since.to_string();
    if (t.valid_to) x["valid_to"] = t.valid_to->to_string();
    if (!t.level.empty()) x["level"] = clean_utf8(t.level);
    if (!t.batch.empty()) x["batch"] = clean_utf8(t.batch);
    x["status"] = enum_id(title_statuses(), t.status);
    titles.push_back(std::move(x));
  }
  j["titles"] = std::move(titles);
  Json incidents = Json::array();
  for (const IncidentRecord& r : pool.incidents().of(e)) {
    Json x;
    x["kind"] = enum_id(incident_kinds(), r.kind);
    x["date"] = r.date.to_string();
    if (r.until) x["until"] = r.until->to_string();
    incidents.push_back(std::move(x));
  }
  j["incidents"] = std::move(incidents);
  Json awards = Json::array();
  for (const AwardRecord& r : pool.awards().of(e)) {
    Json x;
    x["level"] = enum_id(award_levels(), r.level);
    if (r.rank) x["rank"] = *r.rank;
    x["date"] = r.date.to_string();
    if (!r.name.empty()) x["name"] = clean_utf8(r.name);
    awards.push_back(std::move(x));
  }
  j["awards"] = std::move(awards);
  Json honours = Json::array();
  for (const HonourRecord& r : pool.honours().of(e)) {
    Json x;
    x["kind"] = enum_id(honour_kinds(), r.kind);
    if (r.valid_from) x["valid_from"] = r.valid_from->to_string();
    if (r.valid_to) x["valid_to"] = r.valid_to->to_string();
    honours.push_back(std::move(x));
  }
  j["honours"] = std::move(honours);
  Json maker = Json::array();
  for (const MakerChinaRecord& r : pool.maker_china().of(e)) {
    Json x;
    x["list"] = enum_id(maker_china_lists(), r.list);
    x["year"] = r.year;
    maker.push_back(std::move(x));
  }
  j["maker_china"] = std::move(maker);
  Json ip = Json::array();
  for (const IpItem& r : pool.ip_items().of(e)) {
    Json x;
    x["kind"] = enum_id(ip_kinds(), r.kind);
    if (!r.number.empty()) x["number"] = clean_utf8(r.number);
    if (r.granted) x["granted"] = r.granted->to_string();
    x["acquired"] = r.acquired ? Json(r.acquired->to_string()) : Json(nullptr);
    if (r.self_developed) x["self_developed"] = *r.self_developed;
    if (r.leading_product) x["leading_product"] = *r.leading_product;
    if (r.applied) x["applied"] = *r.applied;
    if (r.rank_among_holders) x["rank_among_holders"] = *r.rank_among_holders;
    Json hv = Json::array();
    for (size_t k = 0; k < ip_high_value_kinds().size(); ++k)
      if ((r.high_value >> k) & 1) hv.push_back(std::string(ip_high_value_kinds()[k].id));
    if (!hv.empty()) x["high_value"] = std::move(hv);
    ip.push_back(std::move(x));
  }
  j["ip_items"] = std::move(ip);
  return j;
}

}  // namespace gradus
