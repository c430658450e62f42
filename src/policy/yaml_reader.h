// What the readers of YAML files (policies/, calendar/, *.cases.yaml) share: parsing with the
// checks yaml-cpp leaves out (load_yaml), positions, problems as `file:line:col: message` (all of
// a file's problems are collected, not just the first), unknown keys, single values and {zh, en}
// texts. Internal to src/policy, src/engine and src/workflow (policy/loader.cpp, policy/calls.cpp,
// engine/cases.cpp, workflow/definition.cpp); yaml-cpp stays out of every other header.
//
//   class CalendarReader : public YamlReader { … check_keys(node, {"tier", "region"}, "a call"); …
//   };
#pragma once

#include <yaml-cpp/yaml.h>

#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "core/text.h"
#include "policy/policy.h"

namespace gradus {

// Limits of a YAML file (docs/reliability.md, "Input limits").
inline constexpr int kMaxYamlDepth = 64;          // nested mappings and lists
inline constexpr size_t kMaxYamlNodes = 1000000;  // nodes visited, aliases counted each time
inline constexpr size_t kMaxYamlBytes = size_t{16} << 20;  // a policy file is a few kB

// Parses the text of a YAML file gradus reads. Besides yaml-cpp's syntax errors it refuses, as
// `file:line:col: message`: bytes that are not UTF-8, control characters other than tab and line
// ends, a key given twice in one mapping (yaml-cpp would keep the first and drop the other), and
// nesting deeper than kMaxYamlDepth. Never throws.
Result<YAML::Node> load_yaml(std::string_view text, const std::string& file);

class YamlReader {
 public:
  explicit YamlReader(std::string file) : file_(std::move(file)) {}

  std::vector<std::string> errors;  // "file:line:col: message", in the order found

  SourcePos pos(const YAML::Node& n) const;
  void error(SourcePos p, const std::string& msg);
  void error(const YAML::Node& n, const std::string& msg) { error(pos(n), msg); }

  // Reports every key of mapping `n` not in `allowed` ("unknown key 'x' in WHAT (expected one of: …)").
  void check_keys(const YAML::Node& n, std::initializer_list<const char*> allowed, const char* what);
  bool require_map(const YAML::Node& n, const char* what);
  // n[key] as a single value; "" (and, when required, a problem at `owner`) when absent.
  std::string scalar(const YAML::Node& n, const char* key, bool required, const YAML::Node& owner);
  // n[key] as {zh: …, en: …}.
  Text text(const YAML::Node& n, const char* key, bool required, const YAML::Node& owner);

 protected:
  std::string file_;
};

}  // namespace gradus
