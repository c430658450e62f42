// .xlsx reading: the zip container (minizip), the workbook's parts (pugixml) and the streamed
// worksheets and shared strings (xml_pull).
#include "xlsx/reader.h"

#include <minizip/unzip.h>

#include <cstdio>
#include <cstring>
#include <exception>
#include <pugixml.hpp>
#include <unordered_map>

#include "core/text.h"
#include "xlsx/xml_pull.h"

namespace gradus {

namespace {

using xlsx::detail::XmlPull;

// Parts larger than this (uncompressed) are refused when read whole (workbook, styles, rels).
constexpr uint64_t kMaxSmallPart = uint64_t{256} << 20;
// No part of a workbook unpacks to more than this (a worksheet is streamed; the shared strings
// are held in memory, hence their own limit): a zip bomb is refused before it is inflated, by
// the sizes the zip directory declares, and while it is inflated, by the bytes counted.
constexpr uint64_t kMaxPart = uint64_t{2} << 30;
constexpr uint64_t kMaxSharedStrings = uint64_t{1} << 30;
// The longest text of one cell or shared string, and the deepest XML (docs/reliability.md).
constexpr size_t kMaxCellText = size_t{32} << 20;
// A sheet's name, which every message about its rows carries (Excel allows 31 characters).
constexpr size_t kMaxSheetName = 255;

std::string mib(uint64_t bytes) { return std::to_string(bytes >> 20) + " MiB"; }

Status too_large(const std::string& part, uint64_t bytes, uint64_t limit, bool declared) {
  const std::string n = std::to_string(bytes);
  const std::string l = std::to_string(limit);
  return error(StatusCode::parse_error,
               "部件 " + part + (declared ? " 声明解压后有 " : " 解压后超过 ") + n +
                   " 字节，超过上限 " + l + " 字节（" + mib(limit) +
                   "）：文件不是正常的 Excel 工作簿（压缩炸弹？），未读取",
               "the part " + part +
                   (declared ? " declares " + n + " bytes unpacked"
                             : " unpacks to more than " + n + " bytes") +
                   ", more than the limit of " + l + " bytes (" + mib(limit) +
                   "): this is not a normal Excel workbook (a zip bomb?) and is not read");
}

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

std::string_view local_name(const char* qname) {
  std::string_view n(qname);
  const size_t colon = n.find(':');
  return colon == std::string_view::npos ? n : n.substr(colon + 1);
}

pugi::xml_node child(pugi::xml_node parent, std::string_view name) {
  for (pugi::xml_node c : parent.children()) {
    if (c.type() == pugi::node_element && local_name(c.name()) == name) return c;
  }
  return {};
}

const char* attr(pugi::xml_node node, std::string_view name) {
  for (pugi::xml_attribute a : node.attributes()) {
    if (local_name(a.name()) == name) return a.value();
  }
  return nullptr;
}

Status damaged(const std::string& part, std::string_view detail_en) {
  return error(StatusCode::parse_error,
               "文件已损坏或不完整：部件 " + part + " 无法解压（" + std::string(detail_en) +
                   "）；请在 Excel 中重新保存为 .xlsx",
               "the file is damaged or truncated: the part " + part + " cannot be decompressed (" +
                   std::string(detail_en) + "); save it again as .xlsx in Excel");
}

Status missing_part(const std::string& part, std::string_view what_zh, std::string_view what_en) {
  return error(
      StatusCode::parse_error,
      "不是完整的 Excel 工作簿：缺少" + std::string(what_zh) + "（" + part + "）",
      "not a complete Excel workbook: " + std::string(what_en) + " (" + part + ") is missing");
}

Status bad_xml(const std::string& part, const std::string& detail, uint64_t offset) {
  const std::string at = std::to_string(offset);
  return error(StatusCode::parse_error,
               "部件 " + part + " 的 XML 格式错误（约第 " + at + " 字节）：" + detail,
               "the part " + part + " is not well-formed XML (near byte " + at + "): " + detail);
}

// The zip container: a directory of members by lower-cased name and one read position.
class Zip {
 public:
  ~Zip() {
    if (file_ != nullptr) unzClose(file_);
  }

  Status open(const std::string& path) {
    // Tell the kinds of non-zip files apart before minizip sees them.
    std::FILE* f = std::fopen(path.c_str(), "rb");
    if (f == nullptr) {
      return error(StatusCode::io_error, "无法打开文件 " + path, "cannot open the file " + path);
    }
    unsigned char head[8] = {};
    const size_t n = std::fread(head, 1, sizeof head, f);
    std::fclose(f);
    static constexpr unsigned char kOle[8] = {0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1};
    if (n == 8 && std::memcmp(head, kOle, 8) == 0) {
      return error(
          StatusCode::parse_error,
          "不是 .xlsx 文件：这是旧版 Excel .xls 文件（或加密的工作簿）；请在 Excel 中另存为 "
          ".xlsx（Excel 工作簿），并取消密码",
          "not an Excel .xlsx file: this is an old Excel .xls file (or a password-"
          "protected workbook); save it as .xlsx (Excel Workbook) without a password");
    }
    if (n < 4 || head[0] != 'P' || head[1] != 'K') {
      return error(StatusCode::parse_error,
                   n == 0 ? "不是 Excel .xlsx 文件：文件是空的"
                          : "不是 Excel .xlsx 文件（是否把 .xls 或 CSV 文件改了扩展名？）",
                   n == 0 ? "not an Excel .xlsx file: the file is empty"
                          : "not an Excel .xlsx file (is it .xls or CSV renamed?)");
    }
    file_ = unzOpen64(path.c_str());
    if (file_ == nullptr) {
      return error(StatusCode::parse_error,
                   "文件已损坏或不完整：无法读取 zip 目录（文件被截断了吗？）；请重新下载或在 "
                   "Excel 中重新保存",
                   "the .xlsx file is damaged or truncated: its zip directory cannot be read; "
                   "download it again or save it again in Excel");
    }
    int rc = unzGoToFirstFile(file_);
    while (rc == UNZ_OK) {
      char name[1024];
      unz_file_info64 info;
      if (unzGetCurrentFileInfo64(file_, &info, name, sizeof name, nullptr, 0, nullptr, 0) !=
          UNZ_OK) {
        break;
      }
      if (info.uncompressed_size > kMaxPart) {
        return too_large(name, info.uncompressed_size, kMaxPart, /*declared=*/true);
      }
      unz64_file_pos pos;
      unzGetFilePos64(file_, &pos);
      members_.emplace(lower(name), Member{pos, info.uncompressed_size});
      rc = unzGoToNextFile(file_);
    }
    if (rc != UNZ_END_OF_LIST_OF_FILE) {
      return error(StatusCode::parse_error, "文件已损坏：zip 目录无法读完",
                   "the .xlsx file is damaged: its zip directory cannot be read to the end");
    }
    return {};
  }

  bool has(const std::string& name) const { return members_.contains(lower(name)); }
  // Whether the member read last went past kMaxPart bytes.
  bool over_limit() const { return read_ > kMaxPart; }

  // Positions the zip on a member and opens it for reading.
  Status start(const std::string& name, uint64_t* size) {
    auto it = members_.find(lower(name));
    if (it == members_.end()) return error(StatusCode::not_found, "", "");
    if (open_) close_current();
    unz64_file_pos pos = it->second.pos;
    if (unzGoToFilePos64(file_, &pos) != UNZ_OK || unzOpenCurrentFile(file_) != UNZ_OK) {
      return damaged(name, "cannot open the member");
    }
    open_ = true;
    current_ = it->first;
    read_ = 0;
    if (size != nullptr) *size = it->second.size;
    return {};
  }
  // Reads from the open member: bytes read, 0 at its end, < 0 on a damaged member (a CRC
  // mismatch at the end counts as damaged), kTooLarge past kMaxPart bytes.
  static constexpr long kTooLarge = -1000;
  long read(char* dest, size_t n) {
    if (!open_) return 0;
    const unsigned cap = static_cast<unsigned>(std::min<size_t>(n, 1u << 30));
    const int got = unzReadCurrentFile(file_, dest, cap);
    if (got < 0) return got;
    read_ += static_cast<uint64_t>(got);
    if (read_ > kMaxPart) {
      close_current();
      return kTooLarge;
    }
    if (got == 0) {
      const int rc = unzCloseCurrentFile(file_);
      open_ = false;
      if (rc != UNZ_OK) return -1;
    }
    return got;
  }
  void close_current() {
    if (open_) unzCloseCurrentFile(file_);
    open_ = false;
  }

  Result<std::string> read_all(const std::string& name) {
    uint64_t size = 0;
    Status s = start(name, &size);
    if (!s.ok()) return s;
    if (size > kMaxSmallPart) return damaged(name, "the part is implausibly large");
    std::string out;
    out.resize(static_cast<size_t>(size));
    size_t have = 0;
    for (;;) {
      if (have == out.size()) out.resize(out.size() + 4096);
      const long got = read(out.data() + have, out.size() - have);
      if (got == kTooLarge) return too_large(name, kMaxPart, kMaxPart, false);
      if (got < 0) return damaged(name, "inflate or CRC error");
      if (got == 0) break;
      have += static_cast<size_t>(got);
      if (have > kMaxSmallPart) return damaged(name, "the part is implausibly large");
    }
    out.resize(have);
    return out;
  }

 private:
  struct Member {
    unz64_file_pos pos;
    uint64_t size;
  };
  unzFile file_ = nullptr;
  bool open_ = false;
  std::string current_;  // the open member's (lower-case) name
  uint64_t read_ = 0;    // bytes read from it
  std::unordered_map<std::string, Member> members_;
};

// "xl/workbook.xml" + "worksheets/sheet1.xml" → "xl/worksheets/sheet1.xml"; "/xl/x.xml" is
// absolute; "../" steps up.
std::string resolve(std::string_view base_dir, std::string_view target) {
  std::string path;
  if (target.starts_with("/")) {
    path = std::string(target.substr(1));
  } else {
    path = std::string(base_dir) + std::string(target);
  }
  std::vector<std::string> parts;
  size_t i = 0;
  while (i <= path.size()) {
    size_t slash = path.find('/', i);
    if (slash == std::string::npos) slash = path.size();
    const std::string part = path.substr(i, slash - i);
    if (part == "..") {
      if (!parts.empty()) parts.pop_back();
    } else if (!part.empty() && part != ".") {
      parts.push_back(part);
    }
    i = slash + 1;
  }
  std::string out;
  for (const std::string& p : parts) out += (out.empty() ? "" : "/") + p;
  return out;
}

std::string dir_of(std::string_view part) {
  const size_t slash = part.rfind('/');
  return slash == std::string_view::npos ? std::string() : std::string(part.substr(0, slash + 1));
}

struct Relationship {
  std::string id;
  std::string type;  // the last path segment of the type URI: "worksheet", "sharedStrings", ...
  std::string target;
};

Result<pugi::xml_document*> parse_dom(pugi::xml_document& doc, const std::string& text,
                                      const std::string& part) {
  const pugi::xml_parse_result r = doc.load_buffer(text.data(), text.size());
  if (!r) return bad_xml(part, r.description(), static_cast<uint64_t>(r.offset));
  return &doc;
}

Result<std::vector<Relationship>> read_rels(Zip& zip, const std::string& rels_part) {
  std::vector<Relationship> out;
  if (!zip.has(rels_part)) return out;
  Result<std::string> text = zip.read_all(rels_part);
  if (!text) return text.error();
  pugi::xml_document doc;
  Result<pugi::xml_document*> parsed = parse_dom(doc, *text, rels_part);
  if (!parsed) return parsed.error();
  for (pugi::xml_node r : doc.document_element().children()) {
    if (r.type() != pugi::node_element || local_name(r.name()) != "Relationship") continue;
    const char* id = attr(r, "Id");
    const char* type = attr(r, "Type");
    const char* target = attr(r, "Target");
    if (id == nullptr || type == nullptr || target == nullptr) continue;
    const char* mode = attr(r, "TargetMode");
    if (mode != nullptr && std::string_view(mode) == "External") continue;
    std::string_view t(type);
    const size_t slash = t.rfind('/');
    out.push_back(Relationship{
        id, std::string(slash == std::string_view::npos ? t : t.substr(slash + 1)), target});
  }
  return out;
}

// Excel's escape for characters XML cannot hold: _x000D_ → CR (and _x005F_ → '_').
void unescape_x(std::string& s) {
  if (s.find("_x") == std::string::npos) return;
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '_' && i + 6 < s.size() + 0 && s[i + 1] == 'x' && s[i + 6] == '_') {
      uint32_t cp = 0;
      bool ok = true;
      for (size_t k = i + 2; k < i + 6; ++k) {
        const char c = s[k];
        cp <<= 4;
        if (c >= '0' && c <= '9') {
          cp |= static_cast<uint32_t>(c - '0');
        } else if (c >= 'A' && c <= 'F') {
          cp |= static_cast<uint32_t>(c - 'A' + 10);
        } else if (c >= 'a' && c <= 'f') {
          cp |= static_cast<uint32_t>(c - 'a' + 10);
        } else {
          ok = false;
        }
      }
      if (ok) {
        std::string enc;
        xlsx::detail::append_decoded("&#" + std::to_string(cp == 0 ? 0xFFFD : cp) + ";", &enc);
        out += enc;
        i += 6;
        continue;
      }
    }
    out.push_back(s[i]);
  }
  s = std::move(out);
}

uint32_t to_uint(std::string_view s, bool* ok) {
  uint64_t v = 0;
  *ok = !s.empty() && s.size() <= 10;
  for (char c : s) {
    if (c < '0' || c > '9') {
      *ok = false;
      return 0;
    }
    v = v * 10 + static_cast<uint64_t>(c - '0');
  }
  if (v > UINT32_MAX) *ok = false;
  return static_cast<uint32_t>(v);
}

std::string builtin_code(uint32_t id) {
  switch (id) {
    case 0:
      return "General";
    case 1:
      return "0";
    case 2:
      return "0.00";
    case 3:
      return "#,##0";
    case 4:
      return "#,##0.00";
    case 9:
      return "0%";
    case 10:
      return "0.00%";
    case 11:
      return "0.00E+00";
    case 12:
      return "# ?/?";
    case 13:
      return "# ?\?/?\?";
    case 14:
      return "mm-dd-yy";
    case 15:
      return "d-mmm-yy";
    case 16:
      return "d-mmm";
    case 17:
      return "mmm-yy";
    case 18:
      return "h:mm AM/PM";
    case 19:
      return "h:mm:ss AM/PM";
    case 20:
      return "h:mm";
    case 21:
      return "h:mm:ss";
    case 22:
      return "m/d/yy h:mm";
    case 37:
      return "#,##0 ;(#,##0)";
    case 38:
      return "#,##0 ;[Red](#,##0)";
    case 39:
      return "#,##0.00;(#,##0.00)";
    case 40:
      return "#,##0.00;[Red](#,##0.00)";
    case 45:
      return "mm:ss";
    case 46:
      return "[h]:mm:ss";
    case 47:
      return "mmss.0";
    case 48:
      return "##0.0E+0";
    case 49:
      return "@";
    default:
      return "";
  }
}

class Book;

class Cursor final : public XlsxSheetCursor {
 public:
  Cursor(Book& book, std::string part, std::string sheet);
  Result<bool> next(XlsxRow& row) override;

 private:
  Status fail();
  Status stop(Status s);
  Book& book_;
  std::string part_;
  std::string sheet_;
  XmlPull xml_;
  bool in_data_ = false;
  bool finished_ = false;
  uint32_t last_row_ = 0;
  std::string scratch_;
};

class Book final : public XlsxReader {
 public:
  Status load(const std::string& path);
  const std::vector<XlsxSheetInfo>& sheets() const override { return sheets_; }
  bool date1904() const override { return date1904_; }
  std::string format_code(uint32_t id) const override {
    auto it = custom_formats_.find(id);
    return it != custom_formats_.end() ? it->second : builtin_code(id);
  }
  Result<std::unique_ptr<XlsxSheetCursor>> open_sheet(size_t index) override {
    try {
      if (index >= sheets_.size()) {
        return error(StatusCode::not_found, "工作表序号超出范围", "no sheet with that index");
      }
      const XlsxSheetInfo& s = sheets_[index];
      Status st = zip_.start(s.part, nullptr);
      if (!st.ok()) {
        if (st.code == StatusCode::not_found) {
          return missing_part(s.part, "工作表“" + s.name + "”的内容", "the sheet " + s.name);
        }
        return st;
      }
      return std::unique_ptr<XlsxSheetCursor>(new Cursor(*this, s.part, s.name));
    } catch (const std::exception& ex) {
      return error(StatusCode::internal, std::string("读取失败：") + ex.what(),
                   std::string("reading failed: ") + ex.what());
    }
  }

  Zip& zip() { return zip_; }
  const std::string& shared(uint32_t i, bool* ok) const {
    static const std::string kEmpty;
    *ok = i < shared_.size();
    return *ok ? shared_[i] : kEmpty;
  }
  // Number format and date flag of a cell style index.
  void style(uint32_t xf, uint32_t* format_id, bool* is_date) const {
    if (xf < xf_formats_.size()) {
      *format_id = xf_formats_[xf];
      *is_date = xf_dates_[xf] != 0;
    } else {
      *format_id = 0;
      *is_date = false;
    }
  }

 private:
  Status load_styles(const std::string& part);
  Status load_shared_strings(const std::string& part);

  Zip zip_;
  std::vector<XlsxSheetInfo> sheets_;
  bool date1904_ = false;
  std::unordered_map<uint32_t, std::string> custom_formats_;
  std::vector<uint32_t> xf_formats_;
  std::vector<uint8_t> xf_dates_;
  std::vector<std::string> shared_;
};

Status Book::load(const std::string& path) {
  Status s = zip_.open(path);
  if (!s.ok()) return s;
  // The workbook part: named by the package relationships, else the usual place.
  std::string workbook = "xl/workbook.xml";
  Result<std::vector<Relationship>> root_rels = read_rels(zip_, "_rels/.rels");
  if (!root_rels) return root_rels.error();
  for (const Relationship& r : *root_rels) {
    if (r.type == "officeDocument") workbook = resolve("", r.target);
  }
  if (!zip_.has(workbook)) {
    if (!zip_.has("[Content_Types].xml")) {
      return error(StatusCode::parse_error,
                   "不是 Excel .xlsx 文件：这是一个 zip 压缩包，但不含工作簿",
                   "not an Excel .xlsx file: it is a zip archive without a workbook in it");
    }
    return missing_part(workbook, "工作簿部件", "the workbook part");
  }
  Result<std::string> wb_text = zip_.read_all(workbook);
  if (!wb_text) return wb_text.error();
  pugi::xml_document wb;
  Result<pugi::xml_document*> parsed = parse_dom(wb, *wb_text, workbook);
  if (!parsed) return parsed.error();
  const std::string base = dir_of(workbook);
  Result<std::vector<Relationship>> rels =
      read_rels(zip_, base + "_rels/" + workbook.substr(base.size()) + ".rels");
  if (!rels) return rels.error();

  const pugi::xml_node root = wb.document_element();
  if (pugi::xml_node pr = child(root, "workbookPr")) {
    const char* d = attr(pr, "date1904");
    date1904_ = d != nullptr && (std::string_view(d) == "1" || std::string_view(d) == "true");
  }
  for (pugi::xml_node sh : child(root, "sheets").children()) {
    if (sh.type() != pugi::node_element || local_name(sh.name()) != "sheet") continue;
    const char* name = attr(sh, "name");
    const char* id = attr(sh, "id");  // r:id
    if (name == nullptr || id == nullptr) {
      return bad_xml(workbook, "a <sheet> without name or r:id", 0);
    }
    if (std::strlen(name) > kMaxSheetName) {
      return bad_xml(workbook,
                     "a sheet name \"" + excerpt(name, 40) + "\" longer than " +
                         std::to_string(kMaxSheetName) + " bytes (Excel allows 31 characters)",
                     0);
    }
    const Relationship* rel = nullptr;
    for (const Relationship& r : *rels) {
      if (r.id == id) rel = &r;
    }
    if (rel == nullptr) {
      return missing_part(base + "_rels/", std::string("工作表“") + name + "”的关系",
                          std::string("the relationship of the sheet ") + name);
    }
    if (rel->type != "worksheet") continue;  // chart sheets, dialog sheets
    const char* state = attr(sh, "state");
    sheets_.push_back(XlsxSheetInfo{name, resolve(base, rel->target),
                                    state != nullptr && std::string_view(state) != "visible"});
  }
  std::string styles;
  std::string strings;
  for (const Relationship& r : *rels) {
    if (r.type == "styles") styles = resolve(base, r.target);
    if (r.type == "sharedStrings") strings = resolve(base, r.target);
  }
  if (!styles.empty() && zip_.has(styles)) {
    s = load_styles(styles);
    if (!s.ok()) return s;
  }
  if (!strings.empty()) {
    if (!zip_.has(strings)) return missing_part(strings, "共享字符串表", "the shared-string table");
    s = load_shared_strings(strings);
    if (!s.ok()) return s;
  }
  return {};
}

Status Book::load_styles(const std::string& part) {
  Result<std::string> text = zip_.read_all(part);
  if (!text) return text.error();
  pugi::xml_document doc;
  Result<pugi::xml_document*> parsed = parse_dom(doc, *text, part);
  if (!parsed) return parsed.error();
  const pugi::xml_node root = doc.document_element();
  for (pugi::xml_node f : child(root, "numFmts").children()) {
    const char* id = attr(f, "numFmtId");
    const char* code = attr(f, "formatCode");
    bool ok = false;
    if (id != nullptr && code != nullptr) {
      const uint32_t n = to_uint(id, &ok);
      if (ok) custom_formats_[n] = code;
    }
  }
  for (pugi::xml_node xf : child(root, "cellXfs").children()) {
    if (xf.type() != pugi::node_element) continue;
    const char* id = attr(xf, "numFmtId");
    bool ok = false;
    const uint32_t n = id != nullptr ? to_uint(id, &ok) : 0;
    const uint32_t fmt = ok ? n : 0;
    xf_formats_.push_back(fmt);
    xf_dates_.push_back(is_date_format(fmt, format_code(fmt)) ? 1 : 0);
  }
  return {};
}

Status Book::load_shared_strings(const std::string& part) {
  uint64_t declared = 0;
  Status s = zip_.start(part, &declared);
  if (!s.ok()) return s;
  if (declared > kMaxSharedStrings) {
    zip_.close_current();
    return too_large(part, declared, kMaxSharedStrings, /*declared=*/true);
  }
  uint64_t held = 0;  // bytes of the strings kept
  XmlPull xml([this](char* dest, size_t n) { return zip_.read(dest, n); });
  std::string cur;
  int in_t = 0;    // inside <t> (not under <rPh>)
  int in_rph = 0;  // inside a phonetic run, whose text is not part of the value
  for (;;) {
    const XmlPull::Event ev = xml.next();
    if (ev == XmlPull::Event::eof) break;
    if (ev == XmlPull::Event::error) {
      zip_.close_current();
      if (zip_.over_limit()) return too_large(part, kMaxPart, kMaxPart, false);
      if (xml.error().starts_with("the part could not be decompressed")) {
        return damaged(part, "inflate or CRC error");
      }
      return bad_xml(part, xml.error(), xml.offset());
    }
    if (ev == XmlPull::Event::start) {
      const std::string_view n = xml.name();
      if (n == "si") {
        cur.clear();
      } else if (n == "rPh") {
        ++in_rph;
      } else if (n == "t" && in_rph == 0) {
        ++in_t;
      }
    } else if (ev == XmlPull::Event::end) {
      const std::string_view n = xml.name();
      if (n == "si") {
        unescape_x(cur);
        held += cur.size();
        if (held > kMaxSharedStrings) {
          zip_.close_current();
          return too_large(part, kMaxSharedStrings, kMaxSharedStrings, false);
        }
        shared_.push_back(std::move(cur));
        cur = std::string();
      } else if (n == "rPh") {
        --in_rph;
      } else if (n == "t" && in_rph == 0) {
        --in_t;
      }
    } else if (ev == XmlPull::Event::text && in_t > 0) {
      cur += xml.text();
      if (cur.size() > kMaxCellText) {
        zip_.close_current();
        return bad_xml(part,
                       "shared string " + std::to_string(shared_.size()) + " is longer than " +
                           std::to_string(kMaxCellText) + " bytes (" + mib(kMaxCellText) +
                           ", the limit for one text)",
                       xml.offset());
      }
    }
  }
  return {};
}

Cursor::Cursor(Book& book, std::string part, std::string sheet)
    : book_(book),
      part_(std::move(part)),
      sheet_(std::move(sheet)),
      xml_([&book](char* dest, size_t n) { return book.zip().read(dest, n); }) {}

Status Cursor::fail() {
  finished_ = true;
  book_.zip().close_current();
  if (book_.zip().over_limit()) return too_large(part_, kMaxPart, kMaxPart, false);
  if (xml_.error().starts_with("the part could not be decompressed")) {
    return damaged(part_, "inflate or CRC error; sheet " + sheet_);
  }
  Status s = bad_xml(part_, xml_.error(), xml_.offset());
  s.message.zh = "工作表“" + sheet_ + "”：" + s.message.zh;
  s.message.en = "sheet " + sheet_ + ": " + s.message.en;
  return s;
}

Status Cursor::stop(Status s) {
  finished_ = true;
  book_.zip().close_current();
  return s;
}

Result<bool> Cursor::next(XlsxRow& row) {
  if (finished_) return false;
  try {
    row.cells.clear();
    bool in_row = false;
    bool in_cell = false;
    bool have_value = false;
    int in_v = 0, in_is_t = 0, in_rph = 0, in_is = 0;
    XlsxCell cell;
    std::string type;
    uint32_t next_column = 0;
    for (;;) {
      const XmlPull::Event ev = xml_.next();
      if (ev == XmlPull::Event::error) return fail();
      if (ev == XmlPull::Event::eof) {
        finished_ = true;
        return false;
      }
      if (ev == XmlPull::Event::start) {
        const std::string_view n = xml_.name();
        if (!in_data_) {
          if (n == "sheetData") in_data_ = true;
          continue;
        }
        if (n == "row") {
          in_row = true;
          uint32_t r = last_row_ + 1;
          if (xml_.attr("r", scratch_)) {
            bool ok = false;
            r = to_uint(scratch_, &ok);
            if (!ok || r == 0 || r > 1048576) {
              return stop(bad_xml(
                  part_, "a row number r=\"" + excerpt(scratch_) + "\" that is not 1…1048576",
                  xml_.offset()));
            }
          }
          row.number = r;
          last_row_ = r;
          next_column = 0;
        } else if (n == "c" && in_row) {
          in_cell = true;
          have_value = false;
          cell.column = next_column;  // a cell without a reference follows the previous one
          if (xml_.attr("r", scratch_)) {
            uint32_t col = 0, r = 0;
            if (!parse_cell_ref(scratch_, &col, &r)) {
              return stop(bad_xml(
                  part_, "a cell reference r=\"" + excerpt(scratch_) + "\" that is not like C17",
                  xml_.offset()));
            }
            cell.column = col;
          }
          next_column = cell.column + 1;
          if (!xml_.attr("t", type)) type.clear();
          uint32_t xf = 0;
          bool ok = false;
          if (xml_.attr("s", scratch_)) xf = to_uint(scratch_, &ok);
          book_.style(ok ? xf : 0, &cell.format_id, &cell.is_date);
          cell.text.clear();
        } else if (in_cell && n == "v") {
          ++in_v;
          have_value = true;
        } else if (in_cell && n == "is") {
          ++in_is;
          have_value = true;
        } else if (in_is > 0 && n == "rPh") {
          ++in_rph;
        } else if (in_is > 0 && n == "t" && in_rph == 0) {
          ++in_is_t;
        }
        continue;
      }
      if (ev == XmlPull::Event::text) {
        if (in_v > 0 || in_is_t > 0) {
          cell.text += xml_.text();
          if (cell.text.size() > kMaxCellText) {
            return stop(bad_xml(part_,
                                "sheet " + sheet_ + ", cell " + column_name(cell.column) +
                                    std::to_string(row.number) + " is longer than " +
                                    std::to_string(kMaxCellText) + " bytes (" + mib(kMaxCellText) +
                                    ", the limit for one cell)",
                                xml_.offset()));
          }
        }
        continue;
      }
      // End of an element.
      const std::string_view n = xml_.name();
      if (!in_data_) continue;
      if (n == "sheetData") {
        in_data_ = false;
        finished_ = true;
        book_.zip().close_current();
        return false;
      } else if (n == "v") {
        --in_v;
      } else if (n == "is") {
        --in_is;
      } else if (n == "rPh") {
        --in_rph;
      } else if (n == "t" && in_is > 0 && in_rph == 0) {
        --in_is_t;
      } else if (n == "c" && in_cell) {
        in_cell = false;
        if (!have_value) continue;
        bool keep = true;
        if (type.empty() || type == "n") {
          cell.type = XlsxCellType::number;
          if (cell.text.empty()) keep = false;
        } else if (type == "s") {
          bool ok = false;
          const uint32_t i = to_uint(cell.text, &ok);
          bool found = false;
          const std::string& s = book_.shared(i, &found);
          if (!ok || !found) {
            return stop(bad_xml(part_,
                                "sheet " + sheet_ + ", cell " + column_name(cell.column) +
                                    std::to_string(row.number) + ": shared string " +
                                    excerpt(cell.text) + " does not exist",
                                xml_.offset()));
          }
          cell.text = s;
          cell.type = XlsxCellType::text;
          cell.is_date = false;
        } else if (type == "b") {
          cell.type = XlsxCellType::boolean;
          cell.text = cell.text == "1" || cell.text == "true" ? "TRUE" : "FALSE";
          cell.is_date = false;
        } else if (type == "e") {
          cell.type = XlsxCellType::error;
          cell.is_date = false;
        } else {  // inlineStr, str (a formula's text), d (ISO date text)
          cell.type = XlsxCellType::text;
          cell.is_date = false;
          unescape_x(cell.text);
        }
        if (keep) row.cells.push_back(std::move(cell));
        cell = XlsxCell{};
      } else if (n == "row" && in_row) {
        in_row = false;
        if (!row.cells.empty()) return true;
      }
    }
  } catch (const std::exception& ex) {
    finished_ = true;
    return error(StatusCode::internal, std::string("读取失败：") + ex.what(),
                 std::string("reading failed: ") + ex.what());
  }
}

}  // namespace

Result<std::unique_ptr<XlsxReader>> XlsxReader::open(const std::string& path) {
  try {
    auto book = std::make_unique<Book>();
    Status s = book->load(path);
    if (!s.ok()) return s;
    return std::unique_ptr<XlsxReader>(std::move(book));
  } catch (const std::exception& ex) {
    return error(StatusCode::internal, std::string("读取失败：") + ex.what(),
                 std::string("reading failed: ") + ex.what());
  }
}

bool is_date_format(uint32_t id, std::string_view code) {
  if ((id >= 14 && id <= 22) || (id >= 27 && id <= 36) || (id >= 50 && id <= 58)) return true;
  if (id < 164 && code.empty()) return false;
  bool has_date = false;
  bool has_m = false;
  bool has_time = false;
  for (size_t i = 0; i < code.size(); ++i) {
    const char c = code[i];
    if (code.size() - i >= 7 && lower(code.substr(i, 7)) == "general") {
      i += 6;
    } else if (c == '"') {
      const size_t end = code.find('"', i + 1);
      if (end == std::string_view::npos) break;
      i = end;
    } else if (c == '\\' || c == '_' || c == '*') {
      ++i;  // an escaped or padding character
    } else if (c == '[') {
      const size_t end = code.find(']', i + 1);
      if (end == std::string_view::npos) break;
      const std::string_view inside = code.substr(i + 1, end - i - 1);
      if (inside == "h" || inside == "hh" || inside == "m" || inside == "mm" || inside == "s" ||
          inside == "ss") {
        has_time = true;  // elapsed time
      }
      i = end;
    } else if (c == ';') {
      break;  // the first section decides
    } else if (c == 'y' || c == 'Y' || c == 'd' || c == 'D') {
      has_date = true;
    } else if (c == 'm' || c == 'M') {
      has_m = true;
    } else if (c == 'h' || c == 'H' || c == 's' || c == 'S') {
      has_time = true;
    }
  }
  return has_date || (has_m && !has_time);
}

std::optional<Date> date_from_serial(std::string_view serial, bool date1904) {
  const size_t dot = serial.find_first_of(".eE");
  if (dot != std::string_view::npos && serial[dot] != '.') return std::nullopt;
  const std::string_view whole = serial.substr(0, dot);
  if (dot != std::string_view::npos) {
    for (char c : serial.substr(dot + 1)) {
      if (c < '0' || c > '9') return std::nullopt;
    }
  }
  bool ok = false;
  const uint32_t n = to_uint(whole, &ok);
  if (!ok || n > 2958465) return std::nullopt;  // 9999-12-31
  int64_t days = 0;                             // since 1970-01-01
  if (date1904) {
    days = static_cast<int64_t>(n) - 24107;  // 0 = 1904-01-01
  } else {
    if (n == 0 || n == 60) return std::nullopt;  // 1900-01-00 and the fictitious 1900-02-29
    days = static_cast<int64_t>(n) - (n < 60 ? 25568 : 25569);
  }
  return Date::from_days(static_cast<int32_t>(days));
}

bool parse_cell_ref(std::string_view ref, uint32_t* column, uint32_t* row) {
  size_t i = 0;
  uint64_t col = 0;
  while (i < ref.size() && ((ref[i] >= 'A' && ref[i] <= 'Z') || (ref[i] >= 'a' && ref[i] <= 'z'))) {
    const char c = static_cast<char>(ref[i] & ~0x20);
    col = col * 26 + static_cast<uint64_t>(c - 'A' + 1);
    if (++i > 3) return false;
  }
  if (i == 0 || col > 16384) return false;
  bool ok = false;
  const uint32_t r = to_uint(ref.substr(i), &ok);
  if (!ok || r == 0 || r > 1048576) return false;
  *column = static_cast<uint32_t>(col - 1);
  *row = r;
  return true;
}

std::string column_name(uint32_t column) {
  std::string out;
  uint32_t n = column + 1;
  while (n > 0) {
    const uint32_t rem = (n - 1) % 26;
    out.insert(out.begin(), static_cast<char>('A' + rem));
    n = (n - 1) / 26;
  }
  return out;
}

}  // namespace gradus
