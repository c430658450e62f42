// YAML reading helpers shared by the policy and calendar readers (see yaml_reader.h).
#include "policy/yaml_reader.h"

namespace gradus {

SourcePos YamlReader::pos(const YAML::Node& n) const {
  YAML::Mark m = n.Mark();
  if (m.line < 0) return {0, 0};
  return {m.line + 1, m.column + 1};
}

void YamlReader::error(SourcePos p, const std::string& msg) {
  errors.push_back(file_ + ":" + std::to_string(p.line) + ":" + std::to_string(p.col) + ": " + msg);
}

void YamlReader::check_keys(const YAML::Node& n, std::initializer_list<const char*> allowed, const char* what) {
  if (!n.IsMap()) return;
  for (auto it = n.begin(); it != n.end(); ++it) {
    std::string k = it->first.as<std::string>();
    bool ok = false;
    for (const char* a : allowed) ok = ok || k == a;
    if (!ok) {
      std::string list;
      for (const char* a : allowed) list += std::string(list.empty() ? "" : ", ") + a;
      error(it->first, "unknown key '" + k + "' in " + what + " (expected one of: " + list + ")");
    }
  }
}

bool YamlReader::require_map(const YAML::Node& n, const char* what) {
  if (!n.IsMap()) {
    error(n, std::string(what) + " must be a mapping");
    return false;
  }
  return true;
}

std::string YamlReader::scalar(const YAML::Node& n, const char* key, bool required, const YAML::Node& owner) {
  const YAML::Node v = n[key];
  if (!v.IsDefined() || v.IsNull()) {
    if (required) error(owner, std::string("missing '") + key + "'");
    return "";
  }
  if (!v.IsScalar()) {
    error(v, std::string("'") + key + "' must be a single value");
    return "";
  }
  return v.Scalar();
}

Text YamlReader::text(const YAML::Node& n, const char* key, bool required, const YAML::Node& owner) {
  const YAML::Node v = n[key];
  Text t;
  if (!v.IsDefined() || v.IsNull()) {
    if (required) error(owner, std::string("missing '") + key + "' ({zh: …, en: …})");
    return t;
  }
  if (!v.IsMap()) {
    error(v, std::string("'") + key + "' must be {zh: …, en: …}");
    return t;
  }
  check_keys(v, {"zh", "en"}, key);
  t.zh = scalar(v, "zh", true, v);
  t.en = scalar(v, "en", true, v);
  return t;
}

}  // namespace gradus
