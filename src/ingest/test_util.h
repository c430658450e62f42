// Helpers shared by the ingest tests: load text, look values up in the pool, list messages.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/decimal.h"
#include "core/fields.h"
#include "engine/pool.h"
#include "ingest/ingest.h"

namespace gradus::testing {

// Valid synthetic codes (both check characters computed per GB 11714 / GB 32100).
inline constexpr std::string_view kA = "91320505MA1XAMP10Y";  // 320505 苏州虎丘
inline constexpr std::string_view kB = "91110115MA0EXMP25Y";  // 110115 北京大兴
inline constexpr std::string_view kC = "91440305MA5EXMP321";  // 440305 深圳南山

struct Loaded {
  Result<Pool> pool = Status{StatusCode::internal, {}};
  IngestReport report;
};

inline Loaded load(std::string_view text, InputFormat format, std::string_view name) {
  Loaded out;
  out.pool = load_pool_text(text, format, name, out.report);
  return out;
}
inline Loaded load_csv(std::string_view text) { return load(text, InputFormat::csv, "firms.csv"); }
inline Loaded load_json(std::string_view text) {
  return load(text, InputFormat::json, "pool.json");
}

inline std::vector<std::string> errors(const IngestReport& r, Lang lang = Lang::en) {
  std::vector<std::string> out;
  for (const InputError& e : r.errors) out.push_back(format_input_error(e, lang));
  return out;
}
inline std::vector<std::string> warnings(const IngestReport& r, Lang lang = Lang::en) {
  std::vector<std::string> out;
  for (const InputError& e : r.warnings) out.push_back(format_input_error(e, lang));
  return out;
}

inline FieldId fid(std::string_view name) { return find_field(name)->id; }

// Raw enterprise-scope value of a field, or INT64_MIN when absent.
inline int64_t raw(const Pool& p, std::string_view uscc, std::string_view field) {
  auto e = p.find(uscc);
  if (!e) return INT64_MIN;
  const Column& c = p.column(fid(field));
  return c.present[*e] ? c.values[*e] : INT64_MIN;
}
// Raw yearly value, or INT64_MIN when absent.
inline int64_t yearly(const Pool& p, std::string_view uscc, std::string_view field, int year) {
  auto e = p.find(uscc);
  const Column* c = p.yearly(fid(field), year);
  if (!e || c == nullptr || !c->present[*e]) return INT64_MIN;
  return c->values[*e];
}
inline int64_t micros(std::string_view decimal) { return Decimal::parse(decimal)->micros(); }

}  // namespace gradus::testing
