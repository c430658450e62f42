// JSON parsing through nlohmann's SAX interface into JsonValue, numbers kept as lexemes.
#include "ingest/json_value.h"

#include <algorithm>
#include <iterator>
#include <nlohmann/json.hpp>
#include <optional>

#include "core/text.h"
#include "ingest/ingest.h"

namespace gradus {

namespace {

constexpr size_t kMaxDepth = 64;
constexpr size_t kMaxStringBytes = kMaxCellBytes;

// An iterator over the text for nlohmann's parser that remembers the last byte the parser read,
// so that a SAX callback knows where in the text it is.
struct TrackingIterator {
  using iterator_category = std::forward_iterator_tag;
  using value_type = char;
  using difference_type = std::ptrdiff_t;
  using pointer = const char*;
  using reference = const char&;

  const char* p = nullptr;
  const char** last = nullptr;

  reference operator*() const {
    *last = p;
    return *p;
  }
  TrackingIterator& operator++() {
    ++p;
    return *this;
  }
  TrackingIterator operator++(int) {
    TrackingIterator old = *this;
    ++p;
    return old;
  }
  bool operator==(const TrackingIterator& o) const { return p == o.p; }
  bool operator!=(const TrackingIterator& o) const { return p != o.p; }
};

class TreeBuilder {
 public:
  using json = nlohmann::json;

  bool null() { return scalar(JsonValue{}); }
  bool boolean(bool b) {
    JsonValue v;
    v.type = JsonValue::Type::boolean;
    v.boolean = b;
    return scalar(std::move(v));
  }
  bool number_integer(json::number_integer_t n) { return number(std::to_string(n)); }
  bool number_unsigned(json::number_unsigned_t n) { return number(std::to_string(n)); }
  bool number_float(json::number_float_t, const json::string_t& lexeme) { return number(lexeme); }
  bool string(json::string_t& s) {
    if (s.size() > kMaxStringBytes) {
      // The last byte read is the string's closing quote.
      position_ = last_read_ != nullptr ? static_cast<size_t>(last_read_ - begin_) + 1 : 0;
      has_position_ = last_read_ != nullptr;
      const std::string n = std::to_string(s.size());
      const std::string limit = std::to_string(kMaxStringBytes);
      syntax_ =
          Text{"这里结束的字符串有 " + n + " 字节，超过单个值 " + limit + " 字节（1 MiB）的上限",
               "the string ending here has " + n + " bytes, more than the limit of " + limit +
                   " bytes (1 MiB) for one value"};
      return false;
    }
    JsonValue v;
    v.type = JsonValue::Type::string;
    v.text = std::move(s);
    return scalar(std::move(v));
  }
  bool binary(json::binary_t&) { return fail("不支持二进制值", "binary values are not supported"); }
  bool start_object(std::size_t) { return open(JsonValue::Type::object); }
  bool key(json::string_t& k) {
    // A key twice in the top-level object: only one of the values would be read (a second
    // "enterprises" would be ignored), so the file is refused. (A firm's own duplicate keys are
    // reported with the firm: JsonValue keeps them.)
    if (stack_.size() == 1 && stack_.back().type == JsonValue::Type::object) {
      for (const auto& [prev, value] : stack_.back().members) {
        if (prev != k) continue;
        // The last byte read is the key's closing quote: point at its opening one.
        size_t at = last_read_ != nullptr ? static_cast<size_t>(last_read_ - begin_) : 0;
        while (at > 0 && !(begin_[at - 1] == '"' && (at < 2 || begin_[at - 2] != '\\'))) --at;
        position_ = at;  // 1-based: the opening quote
        has_position_ = true;
        const std::string key = quoted(utf8_prefix(k, 200));
        syntax_ = Text{"顶层对象中键 " + key + " 出现了两次（只会读取其中一个）：请合并为一个",
                       "the key " + key +
                           " appears twice in the top-level object (only one would be read): "
                           "merge them into one"};
        return false;
      }
    }
    keys_.back() = std::move(k);
    return true;
  }
  // Iterators over `text` that tell this builder where the parser is.
  std::pair<TrackingIterator, TrackingIterator> track(std::string_view text) {
    begin_ = text.data();
    return {TrackingIterator{text.data(), &last_read_},
            TrackingIterator{text.data() + text.size(), &last_read_}};
  }
  bool end_object() { return close(); }
  bool start_array(std::size_t) { return open(JsonValue::Type::array); }
  bool end_array() { return close(); }
  bool parse_error(std::size_t position, const std::string&, const json::exception& ex) {
    position_ = position;
    has_position_ = true;
    std::string what = ex.what();
    // "[json.exception.parse_error.101] parse error at line 1, column 5: syntax error ..." →
    // keep the part after the location.
    const size_t colon = what.find(": ");
    std::string detail = colon == std::string::npos ? what : what.substr(colon + 2);
    syntax_ = Text{"JSON 语法错误：" + detail, "JSON syntax error: " + detail};
    return false;
  }

  bool failed() const { return syntax_.has_value(); }
  const Text& syntax() const { return *syntax_; }
  size_t position() const { return position_; }
  bool has_position() const { return has_position_; }
  JsonValue take_root() { return std::move(root_); }

 private:
  bool fail(const char* zh, const char* en) {
    syntax_ = Text{zh, en};
    return false;
  }
  bool number(std::string lexeme) {
    JsonValue v;
    v.type = JsonValue::Type::number;
    v.text = std::move(lexeme);
    return scalar(std::move(v));
  }
  bool scalar(JsonValue v) {
    attach(std::move(v));
    return true;
  }
  void attach(JsonValue v) {
    if (stack_.empty()) {
      root_ = std::move(v);
      return;
    }
    JsonValue& top = stack_.back();
    if (top.type == JsonValue::Type::object) {
      top.members.emplace_back(std::move(keys_.back()), std::move(v));
    } else {
      top.items.push_back(std::move(v));
    }
  }
  bool open(JsonValue::Type type) {
    if (stack_.size() >= kMaxDepth) {
      return fail("JSON 嵌套超过 64 层", "JSON nests more than 64 levels deep");
    }
    JsonValue v;
    v.type = type;
    stack_.push_back(std::move(v));
    keys_.emplace_back();
    return true;
  }
  bool close() {
    JsonValue v = std::move(stack_.back());
    stack_.pop_back();
    keys_.pop_back();
    attach(std::move(v));
    return true;
  }

  std::vector<JsonValue> stack_;
  std::vector<std::string> keys_;
  const char* begin_ = nullptr;      // the text (see track)
  const char* last_read_ = nullptr;  // the byte the parser read last
  JsonValue root_;
  std::optional<Text> syntax_;
  size_t position_ = 0;
  bool has_position_ = false;
};

}  // namespace

const JsonValue* JsonValue::find(std::string_view key) const {
  for (const auto& [k, v] : members) {
    if (k == key) return &v;
  }
  return nullptr;
}

Result<JsonValue> parse_json(std::string_view text) {
  if (text.starts_with("\xEF\xBB\xBF")) text.remove_prefix(3);
  TreeBuilder builder;
  bool ok = false;
  try {
    const auto [first, last] = builder.track(text);
    ok = nlohmann::json::sax_parse(first, last, &builder);
  } catch (const std::exception& ex) {
    return error(StatusCode::parse_error, std::string("JSON 解析失败：") + ex.what(),
                 std::string("JSON could not be parsed: ") + ex.what());
  }
  if (!ok || builder.failed()) {
    if (!builder.failed()) {
      return error(StatusCode::parse_error, "JSON 解析失败", "JSON could not be parsed");
    }
    if (!builder.has_position()) {
      return error(StatusCode::parse_error, builder.syntax().zh, builder.syntax().en);
    }
    // Line and column of the error position (1-based).
    size_t pos = std::min(builder.position(), text.size());
    size_t line = 1, col = 1;
    for (size_t i = 0; i + 1 < pos; ++i) {
      if (text[i] == '\n') {
        ++line;
        col = 1;
      } else if ((static_cast<unsigned char>(text[i]) & 0xC0) != 0x80) {
        ++col;
      }
    }
    const std::string at = std::to_string(line) + ":" + std::to_string(col);
    return error(StatusCode::parse_error, "第 " + at + " 处 " + builder.syntax().zh,
                 "at " + at + ": " + builder.syntax().en);
  }
  return builder.take_root();
}

std::string plain_number(std::string_view number) {
  const size_t e = number.find_first_of("eE");
  if (e == std::string_view::npos) return std::string(number);
  std::string_view mantissa = number.substr(0, e);
  std::string_view exp_text = number.substr(e + 1);
  bool negative = false;
  if (!mantissa.empty() && (mantissa.front() == '-' || mantissa.front() == '+')) {
    negative = mantissa.front() == '-';
    mantissa.remove_prefix(1);
  }
  int exponent = 0;
  bool exp_negative = false;
  size_t i = 0;
  if (i < exp_text.size() && (exp_text[i] == '-' || exp_text[i] == '+')) {
    exp_negative = exp_text[i] == '-';
    ++i;
  }
  if (i == exp_text.size()) return std::string(number);
  for (; i < exp_text.size(); ++i) {
    if (exp_text[i] < '0' || exp_text[i] > '9') return std::string(number);
    exponent = exponent * 10 + (exp_text[i] - '0');
    if (exponent > 400) return std::string(number);  // absurd: let the number parser reject it
  }
  if (exp_negative) exponent = -exponent;
  std::string digits;
  int point = -1;  // digits before the decimal point
  for (char c : mantissa) {
    if (c == '.') {
      point = static_cast<int>(digits.size());
    } else if (c >= '0' && c <= '9') {
      digits.push_back(c);
    } else {
      return std::string(number);
    }
  }
  if (digits.empty()) return std::string(number);
  if (point < 0) point = static_cast<int>(digits.size());
  point += exponent;
  std::string out;
  if (point <= 0) {
    out = "0." + std::string(static_cast<size_t>(-point), '0') + digits;
  } else if (point >= static_cast<int>(digits.size())) {
    out = digits + std::string(static_cast<size_t>(point) - digits.size(), '0');
  } else {
    out = digits.substr(0, static_cast<size_t>(point)) + "." +
          digits.substr(static_cast<size_t>(point));
  }
  return negative ? "-" + out : out;
}

std::string json_value_text(const JsonValue& v) {
  switch (v.type) {
    case JsonValue::Type::null:
      return "null";
    case JsonValue::Type::boolean:
      return v.boolean ? "true" : "false";
    case JsonValue::Type::number:
      return v.text;
    case JsonValue::Type::string:
      return v.text;
    case JsonValue::Type::array:
      return "[…]";
    case JsonValue::Type::object:
      return "{…}";
  }
  return "";
}

}  // namespace gradus
