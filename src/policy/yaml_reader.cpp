// YAML reading helpers shared by the policy and calendar readers (see yaml_reader.h).
#include "policy/yaml_reader.h"

#include <unordered_map>
#include <utility>

namespace gradus {

namespace {

std::string at(const std::string& file, size_t line, size_t col) {
  return file + ":" + std::to_string(line) + ":" + std::to_string(col) + ": ";
}

Status refused(const std::vector<std::string>& problems) {
  std::string all;
  for (const std::string& p : problems) all += p + "\n";
  return error(StatusCode::parse_error, all, all);
}

// The first byte that is not UTF-8 or is a control character other than tab, CR and LF (C0, DEL
// and the C1 controls U+0080–U+009F), as `file:line:col: message`; "" when the text is clean.
std::string text_problem(std::string_view text, const std::string& file) {
  size_t line = 1;
  size_t col = 1;
  for (size_t i = 0; i < text.size();) {
    const auto b = static_cast<unsigned char>(text[i]);
    if (b == '\n') {
      ++line;
      col = 1;
      ++i;
      continue;
    }
    const size_t n = b < 0x80 ? 1 : utf8_sequence_length(text, i);
    if (n == 0) {
      return at(file, line, col) + "the byte " + utf8_char_at(text, i) +
             " is not UTF-8 text: save the file as UTF-8";
    }
    uint32_t cp = b;
    if (n == 2) cp = ((b & 0x1Fu) << 6) | (static_cast<unsigned char>(text[i + 1]) & 0x3Fu);
    if ((cp < 0x20 && cp != '\t' && cp != '\r') || cp == 0x7F || (cp >= 0x80 && cp <= 0x9F)) {
      static constexpr char kHex[] = "0123456789ABCDEF";
      std::string u = "U+00";
      u.push_back(kHex[(cp >> 4) & 0xF]);
      u.push_back(kHex[cp & 0xF]);
      return at(file, line, col) + "the control character " + u +
             " is not allowed (only tab and line ends are): remove it";
    }
    i += n;
    ++col;
  }
  return "";
}

}  // namespace

Result<YAML::Node> load_yaml(std::string_view text, const std::string& file) {
  if (text.size() > kMaxYamlBytes) {
    return refused({at(file, 1, 1) + "the file has " + std::to_string(text.size()) +
                    " bytes, more than the limit of " + std::to_string(kMaxYamlBytes) +
                    " bytes for a YAML file"});
  }
  if (std::string p = text_problem(text, file); !p.empty()) return refused({p});
  YAML::Node root;
  try {
    root = YAML::Load(std::string(text));
  } catch (const YAML::Exception& e) {
    return refused(
        {at(file, static_cast<size_t>(e.mark.line + 1), static_cast<size_t>(e.mark.column + 1)) +
         e.msg});
  }
  // Every mapping, without recursion: a key twice is refused, and so is deep nesting.
  std::vector<std::string> problems;
  std::vector<std::pair<YAML::Node, int>> todo;
  todo.emplace_back(root, 1);
  size_t visited = 0;
  auto mark_of = [&](const YAML::Node& n) {
    const YAML::Mark m = n.Mark();
    return m.line < 0
               ? at(file, 1, 1)
               : at(file, static_cast<size_t>(m.line + 1), static_cast<size_t>(m.column + 1));
  };
  while (!todo.empty() && problems.size() < 20) {
    auto [node, depth] = std::move(todo.back());
    todo.pop_back();
    if (++visited > kMaxYamlNodes) {
      problems.push_back(at(file, 1, 1) + "the file has more than " +
                         std::to_string(kMaxYamlNodes) +
                         " values (counting each use of an alias): it is not a policy file");
      break;
    }
    if (!node.IsMap() && !node.IsSequence()) continue;
    if (depth > kMaxYamlDepth) {
      problems.push_back(mark_of(node) + "mappings and lists nest more than " +
                         std::to_string(kMaxYamlDepth) + " levels deep (the limit)");
      continue;
    }
    if (node.IsSequence()) {
      for (const YAML::Node& item : node) todo.emplace_back(item, depth + 1);
      continue;
    }
    std::unordered_map<std::string, YAML::Mark> seen;
    for (auto it = node.begin(); it != node.end(); ++it) {
      const YAML::Node key = it->first;
      if (key.IsScalar()) {
        auto [first, fresh] = seen.emplace(key.Scalar(), key.Mark());
        if (!fresh) {
          problems.push_back(mark_of(key) + "the key '" +
                             std::string(utf8_prefix(key.Scalar(), 200)) +
                             "' appears twice in one mapping (first on line " +
                             std::to_string(first->second.line + 1) + "): remove one of them");
        }
      } else {
        todo.emplace_back(key, depth + 1);
      }
      todo.emplace_back(it->second, depth + 1);
    }
  }
  if (!problems.empty()) return refused(problems);
  return root;
}

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
