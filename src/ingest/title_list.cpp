// Reading published title lists and matching them to pool enterprises (see title_list.h).
#include "ingest/title_list.h"

#include <algorithm>
#include <cctype>
#include <fstream>
#include <sstream>
#include <unordered_map>

#include "core/fields.h"
#include "core/uscc.h"
#include "ingest/csv_reader.h"
#include "ingest/encoding.h"
#include "ingest/ingest.h"
#include "ingest/json_value.h"
#include "xlsx/reader.h"

namespace gradus {
namespace {

enum class ListColumn { name, uscc, tier, batch, year, date, valid_to, province, status, level };

// Headers, compared after normalize_enterprise_name (so full-width and case do not matter).
const std::vector<std::pair<std::string, ListColumn>>& header_names() {
  static const std::vector<std::pair<std::string, ListColumn>> h = {
      {"name", ListColumn::name},           {"企业名称", ListColumn::name},
      {"名称", ListColumn::name},           {"单位名称", ListColumn::name},
      {"uscc", ListColumn::uscc},           {"统一社会信用代码", ListColumn::uscc},
      {"tier", ListColumn::tier},           {"称号", ListColumn::tier},
      {"层级", ListColumn::tier},           {"类别", ListColumn::tier},
      {"batch", ListColumn::batch},         {"批次", ListColumn::batch},
      {"year", ListColumn::year},           {"年度", ListColumn::year},
      {"年份", ListColumn::year},           {"date", ListColumn::date},
      {"since", ListColumn::date},          {"认定日期", ListColumn::date},
      {"公布日期", ListColumn::date},       {"valid_to", ListColumn::valid_to},
      {"有效期至", ListColumn::valid_to},   {"province", ListColumn::province},
      {"省份", ListColumn::province},       {"地区", ListColumn::province},
      {"status", ListColumn::status},       {"status_in_source", ListColumn::status},
      {"状态", ListColumn::status},         {"level", ListColumn::level},
      {"级别", ListColumn::level},
  };
  return h;
}

struct TierWord {
  std::string word;  // normalised
  std::string tier;
  std::string level;
};

const std::vector<TierWord>& tier_words() {
  static const std::vector<TierWord> w = [] {
    std::vector<TierWord> v = {
        {"little-giant", "little-giant", "national"},
        {"national_little_giant", "little-giant", "national"},
        {"national_key_little_giant", "little-giant", "national_key"},
        {"provincial_little_giant", "provincial-little-giant", "provincial"},
        {"srdi-sme", "srdi-sme", "provincial"},
        {"provincial_srdi_sme", "srdi-sme", "provincial"},
        {"innovative-sme", "innovative-sme", "provincial"},
        {"innovative_sme", "innovative-sme", "provincial"},
        {"tech-sme", "tech-sme", "provincial"},
        {"专精特新\"小巨人\"企业", "little-giant", "national"},
        {"专精特新小巨人企业", "little-giant", "national"},
        {"专精特新\"小巨人\"", "little-giant", "national"},
        {"专精特新小巨人", "little-giant", "national"},
        {"国家级专精特新\"小巨人\"企业", "little-giant", "national"},
        {"国家级专精特新小巨人企业", "little-giant", "national"},
        {"小巨人", "little-giant", "national"},
        {"重点小巨人", "little-giant", "national_key"},
        {"省级小巨人", "provincial-little-giant", "provincial"},
        {"专精特新中小企业", "srdi-sme", "provincial"},
        {"省级专精特新中小企业", "srdi-sme", "provincial"},
        {"创新型中小企业", "innovative-sme", "provincial"},
        {"科技型中小企业", "tech-sme", "provincial"},
    };
    for (TierWord& t : v) t.word = normalize_enterprise_name(t.word);
    return v;
  }();
  return w;
}

std::string trim_copy(std::string_view s) {
  size_t a = 0, b = s.size();
  while (a < b && (s[a] == ' ' || s[a] == '\t' || s[a] == '\r' || s[a] == '\n')) ++a;
  while (b > a && (s[b - 1] == ' ' || s[b - 1] == '\t' || s[b - 1] == '\r' || s[b - 1] == '\n')) --b;
  return std::string(s.substr(a, b - a));
}

// The first "YYYY-MM-DD..YYYY-MM-DD" in a text (a validity period written in a status note).
std::optional<std::pair<Date, Date>> period_in(std::string_view s) {
  const size_t dots = s.find("..");
  if (dots == std::string_view::npos || dots < 10 || dots + 12 > s.size()) return std::nullopt;
  Result<Date> a = Date::parse(s.substr(dots - 10, 10));
  Result<Date> b = Date::parse(s.substr(dots + 2, 10));
  if (!a || !b) return std::nullopt;
  return std::make_pair(*a, *b);
}

// Turns one table (header + rows of cells) into list rows.
void read_table(const std::string& sheet, const std::vector<std::pair<uint32_t, std::vector<std::string>>>& rows,
                TitleList& out, bool* had_header) {
  *had_header = false;
  if (rows.empty()) return;
  std::unordered_map<int, ListColumn> at;  // column index → meaning
  bool has_name = false, has_tier = false;
  const auto& header = rows.front().second;
  for (size_t c = 0; c < header.size(); ++c) {
    const std::string key = normalize_enterprise_name(header[c]);
    if (key.empty()) continue;
    bool known = false;
    for (const auto& [word, col] : header_names()) {
      if (key != word) continue;
      bool taken = false;
      for (const auto& [i, existing] : at) taken = taken || existing == col;
      if (!taken) at[static_cast<int>(c)] = col;
      known = true;
      has_name = has_name || col == ListColumn::name;
      has_tier = has_tier || col == ListColumn::tier;
      break;
    }
    if (!known) out.ignored_columns.push_back(trim_copy(header[c]));
  }
  if (!has_name || !has_tier) return;
  *had_header = true;
  for (size_t r = 1; r < rows.size(); ++r) {
    TitleListRow row;
    row.sheet = sheet;
    row.row = rows[r].first;
    std::string year, date, valid_to, status, level;
    bool blank = true;
    for (size_t c = 0; c < rows[r].second.size(); ++c) {
      auto it = at.find(static_cast<int>(c));
      const std::string v = trim_copy(rows[r].second[c]);
      if (!v.empty()) blank = false;
      if (it == at.end()) continue;
      switch (it->second) {
        case ListColumn::name: row.name = v; break;
        case ListColumn::uscc: row.uscc = v; break;
        case ListColumn::tier: row.tier_written = v; break;
        case ListColumn::batch: row.title.batch = v; break;
        case ListColumn::year: year = v; break;
        case ListColumn::date: date = v; break;
        case ListColumn::valid_to: valid_to = v; break;
        case ListColumn::province: row.province = v; break;
        case ListColumn::status: status = v; break;
        case ListColumn::level: level = v; break;
      }
    }
    if (blank) continue;
    if (row.name.empty()) {
      row.problem = Text{"没有企业名称", "no enterprise name"};
    }
    const std::string tier_key = normalize_enterprise_name(row.tier_written);
    bool tier_found = false;
    for (const TierWord& t : tier_words()) {
      if (t.word == tier_key) {
        row.title.tier = t.tier;
        row.title.level = level.empty() ? t.level : level;
        tier_found = true;
        break;
      }
    }
    if (!tier_found && !row.problem) {
      row.problem = Text{"无法识别的称号 \"" + row.tier_written + "\"（可写 little-giant、srdi-sme、innovative-sme 或其中文名称）",
                         "unknown tier \"" + row.tier_written + "\" (write little-giant, srdi-sme, innovative-sme or the Chinese name)"};
    }
    if (!row.uscc.empty() && !Uscc::parse(row.uscc)) {
      row.notes.push_back(Text{"统一社会信用代码 " + row.uscc + " 无效，改按名称匹配",
                               "USCC " + row.uscc + " is not valid; matched by name instead"});
      row.uscc.clear();
    }
    row.proposed = status.find("公示") != std::string::npos || status.find("拟") != std::string::npos;
    if (status.find("撤销") != std::string::npos || status.find("revoked") != std::string::npos) {
      row.title.status = static_cast<uint8_t>(enum_index(title_statuses(), "revoked"));
    }
    std::optional<std::pair<Date, Date>> period = period_in(status);
    if (Result<Date> d = Date::parse(date); !date.empty() && d) {
      row.title.since = *d;
    } else if (period) {
      row.title.since = period->first;
    } else if (year.size() == 4 && std::all_of(year.begin(), year.end(), ::isdigit)) {
      row.title.since = Date::from_ymd(std::stoi(year), 1, 1);
      row.notes.push_back(Text{"名单只给出年份：称号按 " + year + "-01-01 起算（有效期 3 年）",
                               "the list gives only the year: the title is taken to start on " + year +
                                   "-01-01 (valid 3 years)"});
    } else if (!row.problem) {
      row.problem = Text{"缺少年度或认定日期", "no year or date of recognition"};
    }
    if (Result<Date> d = Date::parse(valid_to); !valid_to.empty() && d) {
      row.title.valid_to = *d;
    } else if (period) {
      row.title.valid_to = period->second;
    }
    out.rows.push_back(std::move(row));
  }
}

Status no_table(const std::string& path) {
  return invalid(path + "：找不到名单表头（需要“企业名称/name”和“称号/tier”两列）",
                 path + ": no list header found (it needs a name column and a tier column)");
}

}  // namespace

std::string normalize_enterprise_name(std::string_view name) {
  std::string w = normalize_width(name);
  std::string out;
  out.reserve(w.size());
  for (char ch : w) {
    if (ch == ' ' || ch == '\t' || ch == '\r' || ch == '\n') continue;
    out += static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  }
  // Chinese quotation marks count as straight quotes.
  for (std::string_view q : {"“", "”"}) {
    for (size_t at; (at = out.find(q)) != std::string::npos;) out.replace(at, q.size(), "\"");
  }
  return out;
}

Result<TitleList> read_title_list(const std::string& path) {
  TitleList list;
  list.file = path;
  // A workbook by its content (a zip), whatever its name, or by its name.
  bool workbook = path.ends_with(".xlsx") || path.ends_with(".XLSX");
  {
    std::ifstream probe(path, std::ios::binary);
    char head[4] = {};
    if (probe.read(head, 4) && std::string_view(head, 4) == std::string_view("PK\x03\x04", 4)) {
      workbook = true;
    }
  }
  if (workbook) {
    Result<std::unique_ptr<XlsxReader>> book = XlsxReader::open(path);
    if (!book) return book.error();
    bool any = false;
    for (size_t i = 0; i < (*book)->sheets().size(); ++i) {
      Result<std::unique_ptr<XlsxSheetCursor>> sheet = (*book)->open_sheet(i);
      if (!sheet) return sheet.error();
      std::vector<std::pair<uint32_t, std::vector<std::string>>> rows;
      XlsxRow row;
      for (;;) {
        Result<bool> more = (*sheet)->next(row);
        if (!more) return more.error();
        if (!*more) break;
        std::vector<std::string> cells;
        for (const XlsxCell& c : row.cells) {
          // Text a workbook cannot hold, or more than a cell may: the list is refused, naming
          // the cell (nothing of it is stored).
          const std::string& sheet_name = (*book)->sheets()[i].name;
          const std::string ref = column_name(c.column) + std::to_string(row.number);
          if (c.text.size() > kMaxCellBytes) {
            const std::string n = std::to_string(c.text.size());
            const std::string limit = std::to_string(kMaxCellBytes);
            return invalid(path + "：工作表 " + excerpt(sheet_name) + "，单元格 " + ref + " 有 " +
                               n + " 字节，超过每个单元格 " + limit + " 字节（1 MiB）的上限",
                           path + ": sheet " + excerpt(sheet_name) + ", cell " + ref + " has " + n +
                               " bytes, more than the limit of " + limit +
                               " bytes (1 MiB) for one cell");
          }
          if (!valid_utf8(c.text)) {
            return invalid(
                path + "：工作表 " + excerpt(sheet_name) + "，单元格 " + ref + "：" +
                    quoted(c.text) +
                    " 不是有效的 UTF-8 文本（文件已损坏？）：请在 Excel 中改正该单元格",
                path + ": sheet " + excerpt(sheet_name) + ", cell " + ref + ": " + quoted(c.text) +
                    " is not valid UTF-8 text (a damaged file?): correct the cell in Excel");
          }
          if (cells.size() <= c.column) cells.resize(c.column + 1);
          if (c.is_date) {
            std::optional<Date> d = date_from_serial(c.text, (*book)->date1904());
            cells[c.column] = d ? d->to_string() : c.text;
          } else if (c.type == XlsxCellType::number) {
            cells[c.column] = plain_number(c.text);  // a code in a number cell, digit for digit
          } else {
            cells[c.column] = c.text;
          }
        }
        rows.emplace_back(row.number, std::move(cells));
      }
      bool had = false;
      read_table((*book)->sheets()[i].name, rows, list, &had);
      any = any || had;
    }
    if (!any) return no_table(path);
    return list;
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) return error(StatusCode::io_error, "无法读取文件 " + path, "cannot read the file " + path);
  std::stringstream ss;
  ss << in.rdbuf();
  const std::string bytes = ss.str();
  std::string converted;  // a GBK/GB18030 list as UTF-8
  std::string encoding;
  Result<std::string_view> text = ingest::decode_csv_bytes(bytes, &converted, &encoding);
  if (!text) return text.error();
  CsvReader reader(*text);
  CsvRecord rec;
  std::vector<std::pair<uint32_t, std::vector<std::string>>> rows;
  for (;;) {
    const size_t from = reader.consumed();
    if (!reader.next(rec)) break;
    size_t longest = 0;
    for (const std::string& c : rec.cells) longest = std::max(longest, c.size());
    if (reader.consumed() - from > kMaxRecordBytes || longest > kMaxCellBytes) {
      const std::string limit =
          std::to_string(longest > kMaxCellBytes ? kMaxCellBytes : kMaxRecordBytes);
      const char* what_zh = longest > kMaxCellBytes ? "单元格" : "行";
      const char* what_en = longest > kMaxCellBytes ? "cell" : "row";
      return invalid(path + "：第 " + std::to_string(rec.row) + " 行超过每个" + what_zh + " " +
                         limit + " 字节的上限",
                     path + ": row " + std::to_string(rec.row) + " is longer than the limit of " +
                         limit + " bytes for one " + what_en);
    }
    if (rec.error) {
      return invalid(path + "：第 " + std::to_string(rec.row) + " 行：" + rec.error->zh,
                     path + ": row " + std::to_string(rec.row) + ": " + rec.error->en);
    }
    if (rec.blank()) continue;
    rows.emplace_back(rec.row, rec.cells);
  }
  bool had = false;
  read_table("", rows, list, &had);
  if (!had) return no_table(path);
  return list;
}

std::vector<TitleMatch> match_title_list(const TitleList& list, const Pool& pool) {
  std::unordered_map<std::string, std::vector<uint32_t>> by_name;
  std::vector<std::string> names(pool.size());
  const FieldId name_field = find_field("name")->id;
  for (uint32_t e = 0; e < pool.size(); ++e) {
    names[e] = normalize_enterprise_name(pool.text(name_field, e));
    if (!names[e].empty()) by_name[names[e]].push_back(e);
  }
  std::vector<TitleMatch> out;
  for (const TitleListRow& row : list.rows) {
    TitleMatch m;
    m.row = &row;
    if (row.problem) {
      m.kind = TitleMatchKind::invalid;
    } else if (row.proposed) {
      m.kind = TitleMatchKind::proposed;
    } else if (std::optional<uint32_t> e = row.uscc.empty() ? std::nullopt : pool.find(row.uscc)) {
      m.kind = TitleMatchKind::by_uscc;
      m.enterprise = e;
    } else {
      const std::string key = normalize_enterprise_name(row.name);
      auto it = by_name.find(key);
      if (it != by_name.end() && it->second.size() == 1) {
        m.kind = TitleMatchKind::by_name;
        m.enterprise = it->second[0];
      } else if (it != by_name.end()) {
        m.kind = TitleMatchKind::ambiguous;
        m.candidates = it->second;
      } else {
        for (uint32_t e = 0; e < pool.size() && key.size() >= 6; ++e) {
          if (names[e].find(key) != std::string::npos) m.candidates.push_back(e);
        }
        if (m.candidates.size() == 1) {
          m.kind = TitleMatchKind::by_short_name;
          m.enterprise = m.candidates[0];
          m.candidates.clear();
        } else {
          m.kind = m.candidates.empty() ? TitleMatchKind::unmatched : TitleMatchKind::ambiguous;
        }
      }
    }
    out.push_back(std::move(m));
  }
  return out;
}

const char* title_match_id(TitleMatchKind k) {
  switch (k) {
    case TitleMatchKind::by_uscc: return "by_uscc";
    case TitleMatchKind::by_name: return "by_name";
    case TitleMatchKind::by_short_name: return "by_short_name";
    case TitleMatchKind::ambiguous: return "ambiguous";
    case TitleMatchKind::unmatched: return "unmatched";
    case TitleMatchKind::proposed: return "proposed";
    case TitleMatchKind::invalid: return "invalid";
  }
  return "?";
}

Text title_match_label(TitleMatchKind k) {
  switch (k) {
    case TitleMatchKind::by_uscc: return {"按统一社会信用代码匹配", "matched by USCC"};
    case TitleMatchKind::by_name: return {"按企业名称匹配", "matched by name"};
    case TitleMatchKind::by_short_name: return {"按简称匹配（请核对）", "matched by short name (please check)"};
    case TitleMatchKind::ambiguous: return {"有多家企业符合，未匹配", "several enterprises fit, not matched"};
    case TitleMatchKind::unmatched: return {"企业库中没有该企业", "not in the pool"};
    case TitleMatchKind::proposed: return {"公示名单，尚非称号，未导入", "proposed (公示), not a title yet, not imported"};
    case TitleMatchKind::invalid: return {"该行有错误", "the row has an error"};
  }
  return {};
}

}  // namespace gradus
