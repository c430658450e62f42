// Turning one written value (a CSV cell, a JSON scalar) into the pool's raw int64 encoding for a
// field (see FieldKind in core/fields.h), plus the small parsers the event columns share: titles
// (`TIER:SINCE`), incidents (`KIND:DATE`), 创客中国 entries (`LIST:YEAR`), award levels and ranks.
// Reasons are bilingual and written to follow the quoted value: `"12,3O0"` + ` is not a number`.
//
//   std::optional<Text> warning;
//   Result<int64_t> raw = parse_value(*find_field("revenue"), "12,300", /*in_yuan=*/false,
//   &warning); *raw == 12'300'000'000   // 12300 万元 in micros
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "core/date.h"
#include "core/fields.h"
#include "core/status.h"
#include "core/text.h"
#include "engine/pool.h"

namespace gradus::ingest {

// A failed parse: the reason, worded to follow the quoted value.
Status value_error(std::string zh, std::string en);
// The reason of a Status produced by a core parser, with the leading `"value" ` removed when the
// message starts with it (core parsers quote the value themselves).
Text reason_of(const Status& s, std::string_view value);

// Checks the unit written in parentheses after a header ("营业收入（元）", "revenue (万元)")
// against the field's kind; sets *in_yuan for money in 元. Returns the reason when the unit is not
// one gradus understands for that field (a column in 千元 must not be read as 万元).
std::optional<Text> check_header_unit(const FieldDef& f, std::string_view header, bool* in_yuan);

// Parses a non-text value. The text must not be empty (empty means missing; callers skip it).
// A retired region code is mapped to its successor and explained in *warning.
Result<int64_t> parse_value(const FieldDef& f, std::string_view text, bool in_yuan,
                            std::optional<Text>* warning);
// The common case of parse_value for money (in 万元), count and decimal fields, without copies:
// text written plainly, ASCII `-?D{1,12}(.D{1,6})?` (a count: a whole number). Sets *raw to what
// parse_value gives and returns true; false for any other text (call parse_value).
bool plain_number_value(const FieldDef& f, std::string_view text, int64_t* raw);

// Normalises a text field: trims it; the enterprise name also gets its full-width parentheses
// normalised to ASCII ones.
std::string normalize_text_value(const FieldDef& f, std::string_view text);

// A value's canonical text from its raw encoding ("5000", "2019-01-01",
// "chain_key_link;fills_gap").
std::string format_raw(const FieldDef& f, int64_t raw);

// Small parsers shared by the flat and JSON forms.
Result<int> parse_fiscal_year(std::string_view text);  // 1900..2200
Result<Date> parse_date_value(std::string_view text);
Result<bool> parse_bool_value(std::string_view text);
Result<int> parse_rank(std::string_view text);  // a whole number >= 1
// A title tier: a policy id (`srdi-sme`, `hidden-champion.zhejiang`) or a Chinese name of a
// national tier (创新型中小企业, 专精特新中小企业, 小巨人 …).
Result<std::string> parse_tier(std::string_view text);
// Index into `values` (by id, case-insensitive, or by Chinese label), with extra Chinese aliases
// for award levels (省级 → provincial).
Result<uint8_t> parse_enum(std::span<const EnumValue> values, std::string_view text,
                           std::string_view what_zh, std::string_view what_en);

// `TIER:SINCE` → a valid title without valid_to.
Result<TitleRecord> parse_title_entry(std::string_view entry);
// `KIND:DATE` or `KIND:DATE:UNTIL`.
Result<IncidentRecord> parse_incident_entry(std::string_view entry);
// `LIST:YEAR`.
Result<MakerChinaRecord> parse_maker_china_entry(std::string_view entry);

// Splits a list cell on `;` (also the full-width `；`), trimming entries and dropping empty ones.
std::vector<std::string> split_list(std::string_view text);

// The same without copies: calls f(entry) for each entry of split_list(text), in order (the view
// is valid during the call).
template <typename F>
void for_each_list_entry(std::string_view text, F&& f) {
  std::string storage;
  std::string_view norm = text;
  // normalize_width only changes text from the lead bytes 0xEF and 0xE3 on.
  if (text.find_first_of("\xEF\xE3") != std::string_view::npos) {
    storage = normalize_width(text);
    norm = storage;
  }
  size_t start = 0;
  for (;;) {
    const size_t pos = norm.find(';', start);
    const std::string_view p =
        trim(norm.substr(start, pos == std::string_view::npos ? pos : pos - start));
    if (!p.empty()) f(p);
    if (pos == std::string_view::npos) return;
    start = pos + 1;
  }
}

}  // namespace gradus::ingest
