// What the readers of YAML files under policies/ and calendar/ share: positions, problems as
// `file:line:col: message` (all of a file's problems are collected, not just the first), unknown
// keys, single values and {zh, en} texts. Internal to src/policy (policy/loader.cpp,
// policy/calls.cpp); yaml-cpp stays out of every other header.
//
//   class CalendarReader : public YamlReader { … check_keys(node, {"tier", "region"}, "a call"); … };
#pragma once

#include <yaml-cpp/yaml.h>

#include <initializer_list>
#include <string>
#include <vector>

#include "core/text.h"
#include "policy/policy.h"

namespace gradus {

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
