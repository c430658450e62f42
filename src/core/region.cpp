// GB/T 2260 region codes: the 2024 list and the 1981–2024 history, loaded once from the embedded
// data files, and the resolution of retired codes to their current successors.
//
// How the history file (yescallop/areacodes result.csv, trimmed) expresses succession:
//   * one row per period during which a code had one name; a code can have several rows (renamed,
//     or retired and later reused for another place). Rows: 代码, 名称, 状态 (在用 in use, 变更 a
//     period followed by another of the same code, 弃用 retired), 启用时间 (start year),
//     变更/弃用时间 (end year, empty while in use), 新代码.
//   * 新代码 lists codes separated by ';'. A code without a year is a successor at the row's end
//     year; "code[year]" records that part of the territory went to that code in an earlier year
//     while this row's code lived on, so it is not a successor and is ignored here.
//   * a successor may itself have been retired later, so successions are followed as a chain, each
//     step at the year the previous one ended (which matters when a code was reused).
// A retired code is resolved when the chain leads to exactly one code in use; a split (several
// current successors) or a dead end (retired without a successor) is reported as an error.
#include "core/region.h"

#include <algorithm>
#include <set>
#include <string>
#include <unordered_map>
#include <vector>

#include "core/embedded.h"
#include "core/text.h"

namespace gradus {

namespace {

constexpr std::string_view kCurrentFile = "data/admin_divisions_2024.csv";
constexpr std::string_view kHistoryFile = "data/admin_divisions_history_1981_2024.csv";

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

// Index of `name` in a header row, or -1.
int column(const std::vector<std::string>& header, std::string_view name) {
  for (size_t i = 0; i < header.size(); ++i) {
    if (header[i] == name) return static_cast<int>(i);
  }
  return -1;
}

// A six-digit decimal code, or -1.
int32_t parse_code(std::string_view s) {
  if (s.size() != 6) return -1;
  int32_t v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return -1;
    v = v * 10 + (c - '0');
  }
  return v;
}

int parse_year(std::string_view s) {
  if (s.size() != 4) return -1;
  int v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return -1;
    v = v * 10 + (c - '0');
  }
  return v;
}

// One row of the history file: a period during which `code` had `name`.
struct Period {
  int start = 0;
  int end = 0;  // 0 while in use
  std::string name;
  std::vector<int32_t> successors;  // other codes succeeding it at `end`
  bool continues = false;           // the code itself is listed among the successors
};

// Immutable after construction; built once on first use (thread-safe static initialisation).
struct RegionData {
  std::unordered_map<int32_t, std::string> current;          // 2024 list: code → name
  std::unordered_map<int32_t, std::vector<Period>> history;  // periods sorted by start
  std::string load_error;                                    // empty if both files loaded
};

RegionData load() {
  RegionData d;
  const auto current = embedded_file(kCurrentFile);
  const auto history = embedded_file(kHistoryFile);
  if (!current || !history) {
    d.load_error = "embedded reference data is missing";
    return d;
  }
  {
    const auto rows = parse_csv(*current);
    if (rows.empty()) {
      d.load_error = std::string(kCurrentFile) + " is empty";
      return d;
    }
    const int c_code = column(rows[0], "code");
    const int c_name = column(rows[0], "name");
    if (c_code < 0 || c_name < 0) {
      d.load_error = std::string(kCurrentFile) + " lacks the columns code, name";
      return d;
    }
    for (size_t i = 1; i < rows.size(); ++i) {
      const auto& r = rows[i];
      if (r.size() <= static_cast<size_t>(std::max(c_code, c_name))) continue;
      const int32_t code = parse_code(r[c_code]);
      if (code >= 0) d.current.emplace(code, r[c_name]);
    }
  }
  {
    const auto rows = parse_csv(*history);
    if (rows.empty()) {
      d.load_error = std::string(kHistoryFile) + " is empty";
      return d;
    }
    const int c_code = column(rows[0], "代码");
    const int c_name = column(rows[0], "名称");
    const int c_start = column(rows[0], "启用时间");
    const int c_end = column(rows[0], "变更/弃用时间");
    const int c_next = column(rows[0], "新代码");
    if (std::min({c_code, c_name, c_start, c_end, c_next}) < 0) {
      d.load_error = std::string(kHistoryFile) + " lacks one of its columns";
      return d;
    }
    const size_t width = static_cast<size_t>(std::max({c_code, c_name, c_start, c_end, c_next}));
    for (size_t i = 1; i < rows.size(); ++i) {
      const auto& r = rows[i];
      if (r.size() <= width) continue;
      const int32_t code = parse_code(r[c_code]);
      if (code < 0) continue;
      Period p;
      p.start = parse_year(r[c_start]);
      p.end = r[c_end].empty() ? 0 : parse_year(r[c_end]);
      p.name = r[c_name];
      for (std::string_view item : split(r[c_next], ';')) {
        // "code" is a successor at the end of the period; "code[year]" is a partial transfer.
        if (item.empty() || item.find('[') != std::string_view::npos) continue;
        const int32_t next = parse_code(item);
        if (next == code) {
          p.continues = true;
        } else if (next >= 0) {
          p.successors.push_back(next);
        }
      }
      d.history[code].push_back(std::move(p));
    }
    for (auto& [code, periods] : d.history) {
      std::sort(periods.begin(), periods.end(),
                [](const Period& a, const Period& b) { return a.start < b.start; });
    }
  }
  return d;
}

const RegionData& data() {
  static const RegionData d = load();
  return d;
}

std::string six_digits(int32_t code) {
  std::string s = std::to_string(code);
  if (s.size() < 6) s.insert(0, 6 - s.size(), '0');
  return s;
}

// The index of the period of `code` in use in `year` (start <= year < end), or -1.
int period_at(const std::vector<Period>& periods, int year) {
  for (size_t i = 0; i < periods.size(); ++i) {
    const Period& p = periods[i];
    if (p.start <= year && (p.end == 0 || year < p.end)) return static_cast<int>(i);
  }
  return -1;
}

// Follows the successions from period `index` of `code` and adds the codes in use they lead to.
void follow(const RegionData& d, int32_t code, int index, int depth, std::set<int32_t>* out) {
  if (depth > 64) return;  // the data has no cycles; this only bounds a corrupt file
  const auto it = d.history.find(code);
  if (it == d.history.end()) return;
  const std::vector<Period>& periods = it->second;
  for (size_t i = static_cast<size_t>(index); i < periods.size(); ++i) {
    const Period& p = periods[i];
    if (p.end == 0) {
      if (d.current.contains(code)) out->insert(code);
      return;
    }
    // A rename (the next period of the same code starts when this one ends) continues with the
    // code itself, also when part of the territory went to other codes at the same time.
    const bool renamed = i + 1 < periods.size() && periods[i + 1].start == p.end;
    if (renamed && (p.continues || p.successors.empty())) continue;
    if (!p.successors.empty()) {
      for (int32_t next : p.successors) {
        const auto next_it = d.history.find(next);
        if (next_it == d.history.end()) {
          if (d.current.contains(next)) out->insert(next);
          continue;
        }
        const int at = period_at(next_it->second, p.end);
        if (at >= 0) follow(d, next, at, depth + 1, out);
      }
    }
    // Retired: its successors were followed above, or it has none (a dead end; the code may have
    // been reused much later for another place, which is not a successor).
    return;
  }
}

std::string names_of(const RegionData& d, const std::set<int32_t>& codes, std::string_view sep) {
  std::string out;
  for (int32_t c : codes) {
    if (!out.empty()) out += sep;
    out += six_digits(c);
    if (const auto it = d.current.find(c); it != d.current.end()) out += " " + it->second;
  }
  return out;
}

}  // namespace

Result<RegionCode> RegionCode::parse(std::string_view text) {
  const std::string norm = normalize_width(trim(text));
  const std::string_view s = trim(norm);
  const int32_t code = parse_code(s);
  if (code < 0) {
    return invalid(quoted(trim(text)) + " 不是行政区划代码：应为 6 位数字（GB/T 2260）",
                   quoted(trim(text)) + " is not a region code: expected 6 digits (GB/T 2260)");
  }
  const RegionData& d = data();
  if (!d.load_error.empty()) {
    return error(StatusCode::internal, "行政区划参考数据无法读取：" + d.load_error,
                 "the region reference data cannot be read: " + d.load_error);
  }
  if (d.current.contains(code)) return RegionCode(code, std::nullopt);

  const std::string shown(s);
  const auto it = d.history.find(code);
  // Development zones (苏州工业园区 320571, …) carry statistical codes (NBS 统计用区划代码) with
  // county digits 70–99 under a current prefecture; they are not MCA divisions but are real
  // registration places, so they are accepted and marked.
  if ((it == d.history.end() || it->second.empty()) && code % 100 >= 70 && d.current.contains(code / 100 * 100)) {
    RegionCode zone(code, std::nullopt);
    zone.statistical_zone_ = true;
    return zone;
  }
  if (it == d.history.end() || it->second.empty()) {
    return invalid("行政区划代码 " + shown + " 不在 2024 年行政区划代码表中，也不是已撤销的代码",
                   "region code " + shown +
                       " is neither in the 2024 list of administrative divisions nor a retired "
                       "code (GB/T 2260)");
  }
  // The latest use of the code (codes are occasionally reused).
  const std::vector<Period>& periods = it->second;
  const Period& last = periods.back();
  const std::string label = shown + "（" + last.name + "）";
  const std::string label_en = shown + " (" + last.name + ")";
  const std::string year = std::to_string(last.end);
  std::set<int32_t> found;
  follow(d, code, static_cast<int>(periods.size() - 1), 0, &found);
  if (found.size() == 1) return RegionCode(*found.begin(), code);
  if (found.empty()) {
    return invalid(
        "行政区划代码 " + label + "已于 " + year + " 年撤销，历史数据中没有可对应的现行代码",
        "region code " + label_en + " was retired in " + year +
            " and the history has no current successor for it");
  }
  return invalid("行政区划代码 " + label + "已于 " + year + " 年撤销并分入多个现行区划（" +
                     names_of(d, found, "、") + "），请填写现行代码",
                 "region code " + label_en + " was retired in " + year +
                     " and split into several current divisions (" + names_of(d, found, ", ") +
                     "); give the current code");
}

RegionCode RegionCode::from_code(int32_t code) { return RegionCode(code, std::nullopt); }

std::string RegionCode::str() const { return six_digits(code_); }

std::string RegionCode::name() const {
  const auto& current = data().current;
  const auto it = current.find(code_);
  return it == current.end() ? std::string() : it->second;
}

std::string RegionCode::province_name() const {
  const auto& current = data().current;
  const auto it = current.find(province_code());
  return it == current.end() ? std::string() : it->second;
}

bool RegionCode::within(std::string_view prefix) const {
  if (prefix.size() > 6) return false;
  for (char c : prefix) {
    if (c < '0' || c > '9') return false;
  }
  return six_digits(code_).starts_with(prefix);
}

}  // namespace gradus
