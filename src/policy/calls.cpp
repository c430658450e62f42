// The application calendar: loading calendar files and finding a firm's next call (see calls.h).
#include "policy/calls.h"

#include <fstream>
#include <sstream>

#include "core/embedded.h"
#include "core/region.h"
#include "policy/yaml_reader.h"

namespace gradus {
namespace {

// Reads one calendar file; problems are collected as `file:line:col: message`.
class CalendarReader : public YamlReader {
 public:
  explicit CalendarReader(std::string file) : YamlReader(std::move(file)) {}

  std::string scalar(const YAML::Node& owner, const char* key, bool required) {
    return YamlReader::scalar(owner, key, required, owner);
  }
  Text text(const YAML::Node& owner, const char* key) { return YamlReader::text(owner, key, false, owner); }

  // "04-25" → {4, 25}; any day of a common year.
  std::optional<std::pair<int, int>> month_day(const YAML::Node& owner, const char* key, bool required) {
    const std::string s = scalar(owner, key, required);
    if (s.empty()) return std::nullopt;
    int m = 0, d = 0;
    char dash = 0;
    std::istringstream in(s);
    if ((in >> m >> dash >> d) && dash == '-' && in.peek() == EOF && m >= 1 && m <= 12 && d >= 1) {
      const Date date = Date::from_ymd(2001, m, d);
      if (date.month() == m && date.day() == d) return std::make_pair(m, d);
    }
    error(owner[key], std::string("'") + key + "' must be a month and day MM-DD (\"04-25\"), not '" + s + "'");
    return std::nullopt;
  }

  std::vector<CallPattern> read(std::string_view yaml) {
    std::vector<CallPattern> out;
    Result<YAML::Node> parsed = load_yaml(yaml, file_);
    if (!parsed) {
      // One problem per line, each already `file:line:col: message`.
      for (std::string_view line : split(parsed.error().message.en, '\n')) {
        if (!line.empty()) errors.emplace_back(line);
      }
      return out;
    }
    const YAML::Node root = *parsed;
    if (!root.IsMap() || !root["calls"].IsDefined() || !root["calls"].IsSequence()) {
      errors.push_back(file_ + ":1:1: a calendar file is a mapping with a list 'calls'");
      return out;
    }
    check_keys(root, {"calls"}, "a calendar file");
    for (const YAML::Node& n : root["calls"]) {
      if (!n.IsMap()) {
        error(n, "each call must be a mapping");
        continue;
      }
      check_keys(n, {"tier", "region", "authority", "observed", "windows", "confidence", "source", "notes"}, "a call");
      CallPattern p;
      p.file = file_;
      p.tier = scalar(n, "tier", true);
      const std::string region = scalar(n, "region", true);
      if (!region.empty() && region != "national") {
        Result<RegionCode> r = RegionCode::parse(region);
        if (!r || r->code() % 10000 != 0) {
          error(n["region"], "'region' must be 'national' or a province code such as 510000, not '" + region + "'");
        } else {
          p.province = r->code();
        }
      }
      p.authority = text(n, "authority");
      const std::string observed = scalar(n, "observed", true);
      if (!observed.empty()) {
        try {
          size_t used = 0;
          p.observed = std::stoi(observed, &used);
          if (used != observed.size() || p.observed < 1990 || p.observed > 2100) throw std::out_of_range("year");
        } catch (const std::exception&) {
          error(n["observed"], "'observed' must be the year of the notice the dates come from, not '" + observed + "'");
        }
      }
      const YAML::Node windows = n["windows"];
      if (!windows.IsDefined() || !windows.IsSequence() || windows.size() == 0) {
        error(n, "'windows' must list at least one {open: MM-DD, close: MM-DD}");
      } else {
        for (const YAML::Node& w : windows) {
          if (!w.IsMap()) {
            error(w, "a window must be {open: MM-DD, close: MM-DD, decision: MM-DD}");
            continue;
          }
          check_keys(w, {"open", "close", "decision"}, "a window");
          CallPattern::Window win;
          auto open = month_day(w, "open", true), close = month_day(w, "close", true);
          if (!open || !close) continue;
          if (*close < *open) {
            error(w, "a window must close after it opens (within one year)");
            continue;
          }
          if (!p.windows.empty() &&
              *open <= std::make_pair(p.windows.back().close_month, p.windows.back().close_day)) {
            error(w, "windows must be in calendar order and must not overlap");
            continue;
          }
          std::tie(win.open_month, win.open_day) = *open;
          std::tie(win.close_month, win.close_day) = *close;
          win.decision = month_day(w, "decision", false);
          p.windows.push_back(win);
        }
      }
      const YAML::Node conf = n["confidence"];
      if (conf.IsDefined() && conf.IsMap()) {
        check_keys(conf, {"filing", "decision"}, "confidence");
        for (const char* k : {"filing", "decision"}) {
          const std::string tag = scalar(conf, k, false);
          if (tag.empty()) continue;
          if (tag != "A" && tag != "B" && tag != "C" && tag != "?") error(conf[k], "a confidence tag is A, B, C or ?");
          (std::string_view(k) == "filing" ? p.filing_confidence : p.decision_confidence) = tag;
        }
      }
      p.source = scalar(n, "source", true);
      p.notes = text(n, "notes");
      if (p.tier.empty() || p.windows.empty()) continue;
      out.push_back(std::move(p));
    }
    for (size_t i = 0; i < out.size(); ++i) {
      for (size_t j = 0; j < i; ++j) {
        if (out[i].tier == out[j].tier && out[i].province == out[j].province) {
          errors.push_back(file_ + ": two calls for " + out[i].tier + " in the same region");
        }
      }
    }
    return out;
  }

};

Status calendar_error(const std::vector<std::string>& errors) {
  std::string all;
  for (const std::string& e : errors) all += (all.empty() ? "" : "\n") + e;
  return error(StatusCode::parse_error, "申报日历文件有误：\n" + all, "the calendar file has problems:\n" + all);
}

}  // namespace

CallCalendar CallCalendar::shipped(std::string* errors) {
  CallCalendar cal;
  for (const EmbeddedFile& f : embedded_files()) {
    if (!f.path.starts_with("calendar/") || !f.path.ends_with(".yaml")) continue;
    Status s = cal.add_text(f.contents, std::string(f.path));
    if (!s.ok() && errors) *errors += s.message.en + "\n";
  }
  return cal;
}

Status CallCalendar::add_text(std::string_view yaml, const std::string& file) {
  CalendarReader reader(file);
  std::vector<CallPattern> read;
  try {
    read = reader.read(yaml);
  } catch (const YAML::Exception& ex) {  // a node of an unexpected shape
    reader.errors.push_back(file + ":" + std::to_string(ex.mark.line + 1) + ":" + std::to_string(ex.mark.column + 1) +
                            ": " + ex.msg);
  }
  if (!reader.errors.empty()) return calendar_error(reader.errors);
  for (CallPattern& p : read) {
    bool replaced = false;
    for (CallPattern& q : patterns_) {
      if (q.tier == p.tier && q.province == p.province) {
        q = std::move(p);
        replaced = true;
        break;
      }
    }
    if (!replaced) patterns_.push_back(std::move(p));
  }
  return {};
}

Status CallCalendar::add_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return error(StatusCode::io_error, "无法读取申报日历文件 " + path, "cannot read the calendar file " + path);
  }
  std::ostringstream text;
  text << in.rdbuf();
  return add_text(text.str(), path);
}

std::optional<Call> CallCalendar::next(std::string_view tier, int32_t region, Date day) const {
  const int32_t province = region / 10000 * 10000;
  const CallPattern* chosen = nullptr;
  for (const CallPattern& p : patterns_) {
    if (p.tier != tier) continue;
    if (p.province != 0 && p.province == province) chosen = &p;
    if (p.province == 0 && !chosen) chosen = &p;
  }
  if (!chosen) return std::nullopt;
  for (int year = day.year() - 1; year <= day.year() + 10; ++year) {
    for (const CallPattern::Window& w : chosen->windows) {
      const Date close = Date::from_ymd(year, w.close_month, w.close_day);
      if (close < day) continue;
      Call c;
      c.pattern = chosen;
      c.open = Date::from_ymd(year, w.open_month, w.open_day);
      c.close = close;
      c.as_published = year == chosen->observed;
      if (w.decision) {
        const auto [m, d] = *w.decision;
        const bool next_year = std::make_pair(m, d) < std::make_pair(w.close_month, w.close_day);
        c.decision = Date::from_ymd(year + (next_year ? 1 : 0), m, d);
        c.decision_known = true;
      } else {
        c.decision = Date::from_ymd(year, 12, 31);
      }
      return c;
    }
  }
  return std::nullopt;
}

}  // namespace gradus
