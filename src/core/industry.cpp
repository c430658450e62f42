// GB/T 4754-2017 industry classes: the four-digit classes and the 20 sections, loaded once from the
// embedded data files, and parsing of "C3976" / "3976".
#include "core/industry.h"

#include <cstdio>
#include <string>
#include <unordered_map>
#include <vector>

#include "core/embedded.h"
#include "core/text.h"

namespace gradus {

namespace {

constexpr std::string_view kClassesFile = "data/gbt4754_2017_classes.csv";
constexpr std::string_view kSectionsFile = "data/gbt4754_2017_sections.csv";

// Splits CSV text into rows of fields (RFC 4180 quoting; LF or CRLF line ends).
std::vector<std::vector<std::string>> parse_csv(std::string_view text) {
  std::vector<std::vector<std::string>> rows;
  std::vector<std::string> row;
  std::string field;
  bool quoted_field = false;
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (quoted_field) {
      if (c == '"' && i + 1 < text.size() && text[i + 1] == '"') {
        field.push_back('"');
        ++i;
      } else if (c == '"') {
        quoted_field = false;
      } else {
        field.push_back(c);
      }
    } else if (c == '"') {
      quoted_field = true;
    } else if (c == ',') {
      row.push_back(std::move(field));
      field.clear();
    } else if (c == '\n' || c == '\r') {
      if (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n') ++i;
      row.push_back(std::move(field));
      field.clear();
      rows.push_back(std::move(row));
      row.clear();
    } else {
      field.push_back(c);
    }
  }
  if (!field.empty() || !row.empty()) {
    row.push_back(std::move(field));
    rows.push_back(std::move(row));
  }
  return rows;
}

int column(const std::vector<std::string>& header, std::string_view name) {
  for (size_t i = 0; i < header.size(); ++i) {
    if (header[i] == name) return static_cast<int>(i);
  }
  return -1;
}

// A four-digit class code ("0111" → 111), or -1.
int32_t parse_class(std::string_view s) {
  if (s.size() != 4) return -1;
  int32_t v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return -1;
    v = v * 10 + (c - '0');
  }
  return v;
}

struct ClassInfo {
  char section;
  std::string name;
};

// Immutable after construction; built once on first use (thread-safe static initialisation).
struct IndustryData {
  std::unordered_map<int32_t, ClassInfo> classes;
  std::unordered_map<char, std::string> sections;  // 'C' → 制造业
  std::string load_error;                          // empty if both files loaded
};

IndustryData load() {
  IndustryData d;
  const auto classes = embedded_file(kClassesFile);
  const auto sections = embedded_file(kSectionsFile);
  if (!classes || !sections) {
    d.load_error = "embedded reference data is missing";
    return d;
  }
  auto rows = parse_csv(*classes);
  int c_code = rows.empty() ? -1 : column(rows[0], "code");
  int c_section = rows.empty() ? -1 : column(rows[0], "section");
  int c_name = rows.empty() ? -1 : column(rows[0], "name");
  if (c_code < 0 || c_section < 0 || c_name < 0) {
    d.load_error = std::string(kClassesFile) + " lacks the columns code, section, name";
    return d;
  }
  for (size_t i = 1; i < rows.size(); ++i) {
    const auto& r = rows[i];
    if (r.size() != rows[0].size() || r[c_section].size() != 1) continue;
    const int32_t code = parse_class(r[c_code]);
    if (code >= 0) d.classes.emplace(code, ClassInfo{r[c_section][0], r[c_name]});
  }
  rows = parse_csv(*sections);
  c_section = rows.empty() ? -1 : column(rows[0], "section");
  c_name = rows.empty() ? -1 : column(rows[0], "name");
  if (c_section < 0 || c_name < 0) {
    d.load_error = std::string(kSectionsFile) + " lacks the columns section, name";
    return d;
  }
  for (size_t i = 1; i < rows.size(); ++i) {
    const auto& r = rows[i];
    if (r.size() != rows[0].size() || r[c_section].size() != 1) continue;
    d.sections.emplace(r[c_section][0], r[c_name]);
  }
  return d;
}

const IndustryData& data() {
  static const IndustryData d = load();
  return d;
}

std::string four_digits(int32_t class_code) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d", static_cast<int>(class_code));
  return buf;
}

std::string section_label(const IndustryData& d, char section) {
  std::string out(1, section);
  if (const auto it = d.sections.find(section); it != d.sections.end()) {
    out += " " + it->second;
  }
  return out;
}

}  // namespace

Result<IndustryCode> IndustryCode::parse(std::string_view text) {
  const std::string shown = quoted(trim(text));
  std::string norm = normalize_width(trim(text));
  std::string s(trim(norm));
  for (char& c : s) {
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  }
  char given_section = 0;
  std::string_view digits = s;
  if (!digits.empty() && digits.front() >= 'A' && digits.front() <= 'Z') {
    given_section = digits.front();
    digits.remove_prefix(1);
  }
  const int32_t code = parse_class(digits);
  if (code < 0) {
    return invalid(
        shown + " 不是行业代码：应为 GB/T 4754-2017 四位行业小类代码，如 \"C3976\" 或 \"3976\"",
        shown +
            " is not an industry code: expected a four-digit GB/T 4754-2017 class "
            "such as \"C3976\" or \"3976\"");
  }
  const IndustryData& d = data();
  if (!d.load_error.empty()) {
    return error(StatusCode::internal, "行业分类参考数据无法读取：" + d.load_error,
                 "the industry reference data cannot be read: " + d.load_error);
  }
  const auto it = d.classes.find(code);
  if (it == d.classes.end()) {
    return invalid(
        shown + " 不是行业代码：GB/T 4754-2017 中没有小类 " + four_digits(code),
        shown + " is not an industry code: GB/T 4754-2017 has no class " + four_digits(code));
  }
  const char section = it->second.section;
  if (given_section != 0 && given_section != section) {
    const std::string correct = section_label(d, section);
    return invalid(shown + " 的门类字母有误：小类 " + four_digits(code) + "（" + it->second.name +
                       "）属于门类 " + correct + "，而不是 " + std::string(1, given_section),
                   shown + " has the wrong section letter: class " + four_digits(code) + " (" +
                       it->second.name + ") is in section " + correct + ", not " +
                       std::string(1, given_section));
  }
  return IndustryCode(code, section);
}

IndustryCode IndustryCode::from_class(int32_t class_code) {
  const auto& classes = data().classes;
  const auto it = classes.find(class_code);
  return IndustryCode(class_code, it == classes.end() ? '?' : it->second.section);
}

std::string IndustryCode::full() const {
  return section_ == '?' ? four_digits(class_code_) : section_ + four_digits(class_code_);
}

std::string IndustryCode::name() const {
  const auto& classes = data().classes;
  const auto it = classes.find(class_code_);
  return it == classes.end() ? std::string() : it->second.name;
}

std::string IndustryCode::section_name() const {
  const auto& sections = data().sections;
  const auto it = sections.find(section_);
  return it == sections.end() ? std::string() : it->second;
}

}  // namespace gradus
