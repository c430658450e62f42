// A small JSON document tree for the importers. Unlike nlohmann::json it keeps every number as
// written ("8200.5" stays the text 8200.5, so money is converted exactly, never through a double),
// keeps object members in order and keeps duplicate keys (so that the importer can report them
// with the firm or row) — except in the top-level object, where a key twice fails the parse.
//
//   Result<JsonValue> doc = parse_json(R"({"revenue": 0.1})");
//   const JsonValue* v = doc->find("revenue");   // v->type == JsonValue::Type::number, v->text ==
//   "0.1"
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/status.h"

namespace gradus {

struct JsonValue {
  enum class Type : uint8_t { null, boolean, number, string, array, object };

  Type type = Type::null;
  bool boolean = false;
  std::string text;              // string contents, or a number as written
  std::vector<JsonValue> items;  // array elements
  std::vector<std::pair<std::string, JsonValue>>
      members;  // object members, in order, duplicates kept

  bool is_null() const { return type == Type::null; }
  bool is_object() const { return type == Type::object; }
  bool is_array() const { return type == Type::array; }
  bool is_scalar() const { return type != Type::array && type != Type::object; }
  // The first member with this key, or nullptr (objects only).
  const JsonValue* find(std::string_view key) const;
};

// Parses a whole JSON text (a UTF-8 BOM is skipped). Fails with the line and column of the first
// syntax error, of a key given twice in the top-level object or of a string longer than
// kMaxCellBytes (ingest.h), or when values nest deeper than 64 levels.
Result<JsonValue> parse_json(std::string_view text);

// Rewrites a JSON number with an exponent as a plain decimal ("1.25e3" → "1250", "5E-7" →
// "0.0000005"); other text is returned unchanged.
std::string plain_number(std::string_view number);

// A short rendering of a value for an error message (a scalar's text, or "{…}" / "[…]").
std::string json_value_text(const JsonValue& v);

}  // namespace gradus
