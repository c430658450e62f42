// The streaming XML tokenizer used for worksheets and shared strings (see xml_pull.h).
#include "xlsx/xml_pull.h"

#include <cstring>

#include "core/text.h"

namespace gradus::xlsx::detail {

namespace {

std::string_view local(std::string_view qname) {
  const size_t colon = qname.find(':');
  return colon == std::string_view::npos ? qname : qname.substr(colon + 1);
}

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

bool is_name_char(char c) {
  return c != '>' && c != '/' && c != '=' && !is_space(c) && c != '"' && c != '\'' && c != '<';
}

void append_utf8(uint32_t cp, std::string* out) {
  if (cp < 0x80) {
    out->push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out->push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out->push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out->push_back(static_cast<char>(0xF0 | (cp >> 18)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

}  // namespace

bool append_decoded(std::string_view raw, std::string* out) {
  size_t i = 0;
  while (i < raw.size()) {
    const size_t amp = raw.find('&', i);
    if (amp == std::string_view::npos) {
      out->append(raw.substr(i));
      return true;
    }
    out->append(raw.substr(i, amp - i));
    const size_t semi = raw.find(';', amp);
    if (semi == std::string_view::npos || semi - amp > 12) return false;
    const std::string_view ref = raw.substr(amp + 1, semi - amp - 1);
    if (ref == "lt") {
      out->push_back('<');
    } else if (ref == "gt") {
      out->push_back('>');
    } else if (ref == "amp") {
      out->push_back('&');
    } else if (ref == "quot") {
      out->push_back('"');
    } else if (ref == "apos") {
      out->push_back('\'');
    } else if (ref.size() >= 2 && ref[0] == '#') {
      uint32_t cp = 0;
      const bool hex = ref[1] == 'x' || ref[1] == 'X';
      const std::string_view digits = ref.substr(hex ? 2 : 1);
      if (digits.empty()) return false;
      for (char c : digits) {
        uint32_t d = 0;
        if (c >= '0' && c <= '9') {
          d = static_cast<uint32_t>(c - '0');
        } else if (hex && c >= 'a' && c <= 'f') {
          d = static_cast<uint32_t>(c - 'a' + 10);
        } else if (hex && c >= 'A' && c <= 'F') {
          d = static_cast<uint32_t>(c - 'A' + 10);
        } else {
          return false;
        }
        cp = cp * (hex ? 16 : 10) + d;
        if (cp > 0x10FFFF) return false;
      }
      if (cp == 0 || (cp >= 0xD800 && cp <= 0xDFFF)) return false;
      append_utf8(cp, out);
    } else {
      return false;
    }
    i = semi + 1;
  }
  return true;
}

XmlPull::XmlPull(Source source, size_t chunk, size_t max_token)
    : source_(std::move(source)), chunk_(chunk), max_token_(max_token) {}

bool XmlPull::fill() {
  if (at_end_) return false;
  // Drop what has been consumed, then append a chunk.
  if (pos_ > 0) {
    buf_.erase(0, pos_);
    consumed_ += pos_;
    pos_ = 0;
  }
  if (buf_.size() > max_token_) {
    // What is left is one token still unfinished: more than the limit.
    at_end_ = true;
    error_ = "a tag, comment or text longer than " + std::to_string(max_token_) +
             " bytes (the limit for one piece of XML)";
    return false;
  }
  const size_t old = buf_.size();
  buf_.resize(old + chunk_);
  const long got = source_(buf_.data() + old, chunk_);
  if (got < 0) {
    buf_.resize(old);
    at_end_ = true;
    error_ = "the part could not be decompressed (the file is damaged or truncated)";
    return false;
  }
  buf_.resize(old + static_cast<size_t>(got));
  if (got == 0) at_end_ = true;
  return got > 0;
}

XmlPull::Event XmlPull::fail(std::string message) {
  // The message may quote the part's own bytes: never pass on any that are not UTF-8.
  if (error_.empty()) error_ = valid_utf8(message) ? std::move(message) : printable_utf8(message);
  done_ = true;
  last_ = Event::error;
  return last_;
}

size_t XmlPull::find(std::string_view what, size_t from) {
  for (;;) {
    const size_t at = buf_.find(what, from);
    if (at != std::string::npos) return at;
    // Keep the offsets relative to pos_, which fill() may move to 0.
    const size_t rel = from - pos_;
    const size_t keep = buf_.size() - pos_;
    if (!fill()) return std::string::npos;
    from = pos_ + (keep >= what.size() ? std::max(rel, keep - what.size() + 1) : rel);
  }
}

size_t XmlPull::find_tag_end(size_t from) {
  char quote = 0;
  size_t i = from;
  for (;;) {
    for (; i < buf_.size(); ++i) {
      const char c = buf_[i];
      if (quote != 0) {
        if (c == quote) quote = 0;
      } else if (c == '"' || c == '\'') {
        quote = c;
      } else if (c == '>') {
        return i;
      } else if (c == '<') {
        return std::string::npos - 1;  // a '<' inside a tag: malformed
      }
    }
    const size_t rel = i - pos_;
    if (!fill()) return std::string::npos;
    i = pos_ + rel;
  }
}

bool XmlPull::parse_start(std::string_view tag) {
  // tag: the text between '<' and '>' (without a trailing '/').
  tag_.assign(tag);
  attrs_.clear();
  const std::string_view t = tag_;
  size_t i = 0;
  while (i < t.size() && is_name_char(t[i])) ++i;
  if (i == 0) return false;
  name_.assign(local(t.substr(0, i)));
  for (;;) {
    const size_t before = i;
    while (i < t.size() && is_space(t[i])) ++i;
    if (i == t.size()) return true;
    if (i == before) return false;  // attributes are separated by whitespace
    const size_t name_start = i;
    while (i < t.size() && is_name_char(t[i])) ++i;
    if (i == name_start) return false;
    const std::string_view attr_name = t.substr(name_start, i - name_start);
    while (i < t.size() && is_space(t[i])) ++i;
    if (i == t.size() || t[i] != '=') return false;
    ++i;
    while (i < t.size() && is_space(t[i])) ++i;
    if (i == t.size() || (t[i] != '"' && t[i] != '\'')) return false;
    const char q = t[i++];
    const size_t close = t.find(q, i);
    if (close == std::string_view::npos) return false;
    attrs_.emplace_back(local(attr_name), t.substr(i, close - i));
    i = close + 1;
  }
}

bool XmlPull::attr(std::string_view local_name, std::string& out) const {
  for (const auto& [n, v] : attrs_) {
    if (n == local_name) {
      out.clear();
      if (v.find('&') == std::string_view::npos) {
        out.assign(v);
        return true;
      }
      return append_decoded(v, &out);
    }
  }
  return false;
}

XmlPull::Event XmlPull::next() {
  if (done_) return last_;
  if (pending_end_) {
    pending_end_ = false;
    stack_.pop_back();
    return last_ = Event::end;
  }
  for (;;) {
    if (pos_ >= buf_.size() && !fill()) {
      if (!error_.empty()) return fail(error_);
      if (!stack_.empty()) {
        return fail("the XML ends inside the element <" + stack_.back() +
                    "> (the part is truncated)");
      }
      if (!seen_root_) return fail("the part holds no XML element");
      done_ = true;
      return last_ = Event::eof;
    }
    if (buf_[pos_] != '<') {
      size_t lt = find("<", pos_);
      if (lt == std::string::npos) {
        if (!error_.empty()) return fail(error_);
        lt = buf_.size();
      }
      const std::string_view raw = std::string_view(buf_).substr(pos_, lt - pos_);
      pos_ = lt;
      if (stack_.empty()) {
        for (char c : raw) {
          if (!is_space(c)) return fail("text outside the root element");
        }
        continue;
      }
      text_.clear();
      if (!append_decoded(raw, &text_)) return fail("an unknown or malformed entity (&...;)");
      return last_ = Event::text;
    }
    // Markup. Make sure a few bytes are there to tell which kind.
    while (buf_.size() - pos_ < 9 && !at_end_) fill();
    const std::string_view head = std::string_view(buf_).substr(pos_);
    if (head.starts_with("<?")) {
      const size_t end = find("?>", pos_ + 2);
      if (end == std::string::npos) return fail("an unterminated processing instruction");
      pos_ = end + 2;
      continue;
    }
    if (head.starts_with("<!--")) {
      const size_t end = find("-->", pos_ + 4);
      if (end == std::string::npos) return fail("an unterminated comment");
      pos_ = end + 3;
      continue;
    }
    if (head.starts_with("<![CDATA[")) {
      const size_t end = find("]]>", pos_ + 9);
      if (end == std::string::npos) return fail("an unterminated CDATA section");
      if (stack_.empty()) return fail("text outside the root element");
      text_.assign(buf_, pos_ + 9, end - pos_ - 9);
      pos_ = end + 3;
      return last_ = Event::text;
    }
    if (head.starts_with("<!"))
      return fail("a DTD or declaration, which a workbook part never has");
    if (head.starts_with("</")) {
      const size_t end = find(">", pos_ + 2);
      if (end == std::string::npos) return fail("an unterminated end tag");
      std::string_view n = std::string_view(buf_).substr(pos_ + 2, end - pos_ - 2);
      while (!n.empty() && is_space(n.back())) n.remove_suffix(1);
      n = local(n);
      if (stack_.empty() || stack_.back() != n) {
        return fail("the end tag </" + std::string(n) + "> does not match " +
                    (stack_.empty() ? std::string("any open element") : "<" + stack_.back() + ">"));
      }
      name_.assign(n);
      stack_.pop_back();
      pos_ = end + 1;
      return last_ = Event::end;
    }
    const size_t end = find_tag_end(pos_ + 1);
    if (end == std::string::npos) return fail("an unterminated start tag");
    if (end == std::string::npos - 1) return fail("a '<' inside a tag");
    std::string_view tag = std::string_view(buf_).substr(pos_ + 1, end - pos_ - 1);
    const bool empty = tag.ends_with("/");
    if (empty) tag.remove_suffix(1);
    if (stack_.empty() && seen_root_) return fail("a second root element");
    if (stack_.size() >= kMaxDepth) {
      return fail("elements nested more than " + std::to_string(kMaxDepth) +
                  " deep (the limit; a workbook part needs a few)");
    }
    if (!parse_start(tag))
      return fail("a malformed start tag <" + std::string(utf8_prefix(tag, 40)) + ">");
    pos_ = end + 1;
    seen_root_ = true;
    stack_.push_back(name_);
    pending_end_ = empty;
    return last_ = Event::start;
  }
}

}  // namespace gradus::xlsx::detail
