// Reading workflows/*.yaml (definition.h): every problem with its position, none fatal until the
// whole file is read.
#include "workflow/definition.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cstdio>

#include "core/embedded.h"
#include "policy/yaml_reader.h"

namespace gradus::workflow {

namespace {

class Reader {
 public:
  explicit Reader(std::string file) : file_(std::move(file)) {}
  std::vector<std::string> errors;

  void error(const YAML::Node& n, const std::string& msg) {
    const YAML::Mark m = n.Mark();
    errors.push_back(file_ + ":" + std::to_string(m.line + 1) + ":" + std::to_string(m.column + 1) +
                     ": " + msg);
  }
  void keys(const YAML::Node& n, std::initializer_list<const char*> allowed, const char* what) {
    if (!n.IsMap()) return error(n, std::string(what) + " must be a mapping");
    for (const auto& kv : n) {
      const std::string k = kv.first.as<std::string>();
      if (std::none_of(allowed.begin(), allowed.end(), [&](const char* a) { return k == a; })) {
        std::string list;
        for (const char* a : allowed) list += (list.empty() ? "" : ", ") + std::string(a);
        error(kv.first, "unknown key '" + k + "' in " + what + " (expected one of: " + list + ")");
      }
    }
  }
  std::string text_of(const YAML::Node& n, const char* key, const YAML::Node& owner) {
    const YAML::Node v = n[key];
    if (!v) {
      error(owner, std::string("missing '") + key + "'");
      return "";
    }
    if (!v.IsScalar()) {
      error(v, std::string("'") + key + "' must be a single value");
      return "";
    }
    return v.as<std::string>();
  }
  Text bilingual(const YAML::Node& n, const char* key, const YAML::Node& owner) {
    const YAML::Node v = n[key];
    if (!v || !v.IsMap() || !v["zh"] || !v["en"]) {
      error(v ? v : owner, std::string("'") + key + "' must be {zh: …, en: …}");
      return {};
    }
    keys(v, {"zh", "en"}, key);
    return {v["zh"].as<std::string>(), v["en"].as<std::string>()};
  }
  int integer(const YAML::Node& n, const char* key, const YAML::Node& owner, int lo, int hi) {
    const std::string s = text_of(n, key, owner);
    if (s.empty()) return lo;
    char* end = nullptr;
    const long v = std::strtol(s.c_str(), &end, 10);
    if (*end != '\0' || v < lo || v > hi) {
      error(n[key], std::string("'") + key + "' must be a whole number from " + std::to_string(lo) +
                        " to " + std::to_string(hi));
      return lo;
    }
    return static_cast<int>(v);
  }

 private:
  std::string file_;
};

bool is_reviewer_level(std::string_view id) {
  return std::find(std::begin(kReviewerLevels), std::end(kReviewerLevels), id) !=
         std::end(kReviewerLevels);
}

}  // namespace

Result<WorkflowDefinition> WorkflowDefinition::parse(std::string_view yaml,
                                                     const std::string& file) {
  Reader r(file);
  WorkflowDefinition w;
  w.file = file;
  // The checks every YAML file of gradus gets: UTF-8, no control characters, no key given twice,
  // bounded nesting and size (policy/yaml_reader.h).
  Result<YAML::Node> loaded = load_yaml(yaml, file);
  if (!loaded) return loaded.error();
  const YAML::Node root = *loaded;
  try {
    r.keys(root,
           {"workflow", "tier", "jurisdiction", "title", "source", "levels", "second_reviewer",
            "spot_check", "notice", "annual_update", "major_change_report_months",
            "ban_years_after_revocation"},
           "a workflow file");
    if (root.IsMap()) {
      w.id = r.text_of(root, "workflow", root);
      w.tier = r.text_of(root, "tier", root);
      w.jurisdiction = r.text_of(root, "jurisdiction", root);
      w.title = r.bilingual(root, "title", root);
      w.source = r.text_of(root, "source", root);
      // The file is named after its workflow, so that a zone's file cannot shadow another by id.
      const size_t slash = file.find_last_of('/');
      const std::string base = file.substr(slash == std::string::npos ? 0 : slash + 1);
      if (!w.id.empty() && base != w.id + ".yaml")
        r.error(root["workflow"], "the file of workflow '" + w.id + "' must be named " + w.id +
                                      ".yaml (it is " + base + ")");
      if (!w.tier.empty() && w.id.rfind(w.tier + ".", 0) != 0)
        r.error(root["workflow"], "a workflow id starts with its tier: " + w.tier + ".…");
      const YAML::Node levels = root["levels"];
      if (!levels || !levels.IsSequence() || levels.size() == 0) {
        r.error(levels ? levels : root, "'levels' must list at least one review level");
      } else {
        for (const YAML::Node& l : levels) {
          r.keys(l, {"id", "name"}, "a level");
          if (!l.IsMap()) continue;
          Level level{r.text_of(l, "id", l), r.bilingual(l, "name", l)};
          if (!level.id.empty() && !is_reviewer_level(level.id))
            r.error(l["id"], "level '" + level.id +
                                 "' is no reviewer level (park, county, city, province, ministry)");
          for (const Level& seen : w.levels)
            if (seen.id == level.id) r.error(l["id"], "level '" + level.id + "' appears twice");
          w.levels.push_back(std::move(level));
        }
      }
      const std::string second = r.text_of(root, "second_reviewer", root);
      if (second != "true" && second != "false")
        r.error(root["second_reviewer"] ? root["second_reviewer"] : root,
                "'second_reviewer' must be true or false");
      w.second_reviewer = second == "true";
      if (const YAML::Node sc = root["spot_check"]; !sc) {
        r.error(root, "missing 'spot_check'");
      } else {
        r.keys(sc, {"share", "level", "source"}, "spot_check");
        const std::string share = r.text_of(sc, "share", sc);
        char* end = nullptr;
        w.spot_check_share = std::strtod(share.c_str(), &end);
        if (share.empty() || *end != '\0' || w.spot_check_share < 0 || w.spot_check_share > 1)
          r.error(sc["share"] ? sc["share"] : sc, "'share' must be a number from 0 to 1");
        w.spot_check_level = r.text_of(sc, "level", sc);
        w.spot_check_source = r.text_of(sc, "source", sc);
        if (!w.spot_check_level.empty() &&
            std::none_of(w.levels.begin(), w.levels.end(),
                         [&](const Level& l) { return l.id == w.spot_check_level; }))
          r.error(sc["level"], "the spot check's level '" + w.spot_check_level +
                                   "' is not one of the workflow's levels");
      }
      if (const YAML::Node n = root["notice"]; !n) {
        r.error(root, "missing 'notice'");
      } else {
        r.keys(n, {"working_days", "source"}, "notice");
        w.notice_working_days = r.integer(n, "working_days", n, 1, 60);
        w.notice_source = r.text_of(n, "source", n);
      }
      const YAML::Node updates = root["annual_update"];
      if (!updates || !updates.IsSequence()) {
        r.error(updates ? updates : root, "'annual_update' must be a list (empty: no such rule)");
      } else {
        for (const YAML::Node& u : updates) {
          r.keys(u, {"from", "deadline", "source"}, "an annual_update rule");
          if (!u.IsMap()) continue;
          AnnualUpdate rule;
          Result<Date> from = Date::parse(r.text_of(u, "from", u));
          if (!from)
            r.error(u["from"] ? u["from"] : u, "'from' must be a date (YYYY-MM-DD)");
          else
            rule.from = *from;
          const std::string deadline = r.text_of(u, "deadline", u);
          int month = 0, day = 0;
          char extra = 0;
          static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
          if (std::sscanf(deadline.c_str(), "%2d-%2d%c", &month, &day, &extra) != 2 ||
              deadline.size() != 5 || month < 1 || month > 12 || day < 1 || day > kDays[month - 1])
            r.error(u["deadline"] ? u["deadline"] : u, "'deadline' must be MM-DD");
          rule.month = month;
          rule.day = day;
          rule.source = r.text_of(u, "source", u);
          if (!w.annual_updates.empty() && rule.from <= w.annual_updates.back().from)
            r.error(u, "annual_update rules must be in order of 'from'");
          w.annual_updates.push_back(std::move(rule));
        }
      }
      w.major_change_report_months = r.integer(root, "major_change_report_months", root, 0, 24);
      w.ban_years_after_revocation = r.integer(root, "ban_years_after_revocation", root, 0, 10);
    }
  } catch (const YAML::Exception& ex) {  // a node of an unexpected shape
    r.errors.push_back(file + ":" + std::to_string(ex.mark.line + 1) + ":" +
                       std::to_string(ex.mark.column + 1) + ": " + ex.msg);
  }
  if (!r.errors.empty()) {
    std::string all;
    for (const std::string& e : r.errors) all += (all.empty() ? "" : "\n") + e;
    return error(StatusCode::parse_error, all, all);
  }
  return w;
}

std::vector<WorkflowDefinition> WorkflowDefinition::shipped(std::string* errors) {
  std::vector<WorkflowDefinition> out;
  for (const EmbeddedFile& f : embedded_files()) {
    if (!f.path.starts_with("workflows/") || !f.path.ends_with(".yaml")) continue;
    Result<WorkflowDefinition> w = parse(f.contents, std::string(f.path));
    if (w)
      out.push_back(std::move(*w));
    else if (errors)
      *errors += w.error().message.en + "\n";
  }
  return out;
}

WorkflowLevels WorkflowDefinition::levels_for_machine() const {
  WorkflowLevels l;
  for (const Level& level : levels) l.levels.push_back(level.id);
  l.second_reviewer = second_reviewer;
  return l;
}

std::optional<Date> WorkflowDefinition::annual_update_deadline(int year) const {
  std::optional<Date> out;
  for (const AnnualUpdate& u : annual_updates) {
    const Date d = Date::from_ymd(year, u.month, u.day);
    if (u.from <= d) out = d;  // the last rule already in force on its own deadline wins
  }
  return out;
}

}  // namespace gradus::workflow
