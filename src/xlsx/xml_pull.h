// A small streaming (pull) XML tokenizer for the large parts of a workbook — worksheets and the
// shared-string table — so that a 100 MB sheet is read through a fixed buffer instead of a DOM.
// It checks well-formedness as far as the reader needs it: tags nest and match, attribute values
// are quoted, entities are known, the document ends with every element closed. DTDs are refused
// (no entity expansion at all). Names are compared by their local part (`x:row` is `row`).
// Internal to src/xlsx/; the small parts (workbook, rels, styles) go through pugixml.
//
//   XmlPull xml([&](char* dest, size_t n) { return read_some(dest, n); });  // <0 = read error
//   for (XmlPull::Event ev; (ev = xml.next()) != XmlPull::Event::eof;) {
//     if (ev == XmlPull::Event::error) return xml.error();
//     if (ev == XmlPull::Event::start && xml.name() == "row") { std::string r; xml.attr("r", r); }
//   }
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace gradus::xlsx::detail {

class XmlPull {
 public:
  // Stores up to n bytes at dest; returns how many (0 at the end), or a negative number when
  // reading failed.
  using Source = std::function<long(char* dest, size_t n)>;
  enum class Event { start, end, text, eof, error };

  // Limits (docs/reliability.md): elements nest at most kMaxDepth deep (a worksheet needs 7),
  // and one piece of markup or text between two tags holds at most max_token bytes, so that the
  // buffer stays bounded whatever the input.
  static constexpr size_t kMaxDepth = 64;
  static constexpr size_t kMaxToken = size_t{32} << 20;

  explicit XmlPull(Source source, size_t chunk = size_t{1} << 18, size_t max_token = kMaxToken);

  // The next event. After `start` of an empty element (`<c/>`) comes its `end`. Text outside the
  // root element that is only whitespace is skipped; comments and processing instructions too.
  // After `error` or `eof`, every call returns the same again.
  Event next();

  // The local name of the element (start and end events).
  std::string_view name() const { return name_; }
  // Decoded text (text events; CDATA sections arrive as text).
  const std::string& text() const { return text_; }
  // An attribute of the current start element (by local name), decoded into *out.
  bool attr(std::string_view local_name, std::string& out) const;
  // What went wrong (English, for the reader to wrap), and roughly where (byte offset).
  const std::string& error() const { return error_; }
  uint64_t offset() const { return consumed_ + pos_; }
  int depth() const { return static_cast<int>(stack_.size()); }

 private:
  bool fill();  // appends input; false at the end or on a read error (error_ set then)
  Event fail(std::string message);
  // Finds `what` at or after `from`, reading more input as needed; npos when the input ends.
  size_t find(std::string_view what, size_t from);
  size_t find_tag_end(size_t from);  // the '>' ending a start tag (quotes respected)
  bool parse_start(std::string_view tag);

  Source source_;
  size_t chunk_;
  size_t max_token_;
  std::string buf_;
  size_t pos_ = 0;
  uint64_t consumed_ = 0;  // bytes dropped from the front of buf_
  bool at_end_ = false;
  bool done_ = false;
  Event last_ = Event::eof;
  bool pending_end_ = false;
  bool seen_root_ = false;
  std::string name_;
  std::string text_;
  std::string tag_;  // the current start tag's text (attributes are read from it)
  std::vector<std::pair<std::string_view, std::string_view>> attrs_;  // views into tag_
  std::vector<std::string> stack_;
  std::string error_;
};

// Decodes XML character and entity references in `raw` and appends the result to *out; false
// (with *out undefined) for an unknown or malformed reference.
bool append_decoded(std::string_view raw, std::string* out);

}  // namespace gradus::xlsx::detail
