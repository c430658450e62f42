// What the workbook tests share (xlsx, ingest, export, the report fuzz target): one member of a
// zip read as bytes, a zip written from members (a hand-built workbook: book_with_sheet), and an
// oracle for "valid XML 1.0 text in UTF-8" written independently of the code it
// checks (clean_utf8 in core/text), so that a bug there cannot hide in both.
//
//   EXPECT_TRUE(valid_xml_text(zip_member(path, "xl/worksheets/sheet1.xml")));
//
// Header-only; for tests. Thread-safety: no shared state.
#pragma once

#include <minizip/unzip.h>
#include <minizip/zip.h>

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace gradus {

// One member of a zip (a sheet's XML) as bytes; empty when missing.
inline std::string zip_member(const std::string& path, const std::string& name) {
  unzFile z = unzOpen64(path.c_str());
  if (z == nullptr) return {};
  std::string out;
  if (unzLocateFile(z, name.c_str(), 1) == UNZ_OK && unzOpenCurrentFile(z) == UNZ_OK) {
    char buf[8192];
    for (int n; (n = unzReadCurrentFile(z, buf, sizeof buf)) > 0;) out.append(buf, static_cast<size_t>(n));
    unzCloseCurrentFile(z);
  }
  unzClose(z);
  return out;
}

// A zip with the given members (name, bytes), deflated; false when minizip fails.
inline bool write_zip_members(const std::string& path,
                              const std::vector<std::pair<std::string, std::string>>& parts) {
  zipFile z = zipOpen64(path.c_str(), APPEND_STATUS_CREATE);
  if (z == nullptr) return false;
  bool ok = true;
  for (const auto& [name, body] : parts) {
    zip_fileinfo info{};
    ok = ok && zipOpenNewFileInZip64(z, name.c_str(), &info, nullptr, 0, nullptr, 0, nullptr,
                                     Z_DEFLATED, Z_DEFAULT_COMPRESSION, 0) == ZIP_OK;
    ok = ok && zipWriteInFileInZip(z, body.data(), static_cast<unsigned>(body.size())) == ZIP_OK;
    ok = ok && zipCloseFileInZip(z) == ZIP_OK;
  }
  return zipClose(z, nullptr) == ZIP_OK && ok;
}

// The members of a one-sheet workbook (sheet "数据", xl/worksheets/sheet1.xml) around the given
// worksheet XML.
inline std::vector<std::pair<std::string, std::string>> book_with_sheet(std::string sheet_xml) {
  return {{"[Content_Types].xml",
           "<?xml version=\"1.0\"?><Types xmlns=\"http://schemas.openxmlformats.org/package/2006/"
           "content-types\"/>"},
          {"_rels/.rels",
           "<?xml version=\"1.0\"?><Relationships "
           "xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\"><Relationship "
           "Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/"
           "relationships/officeDocument\" Target=\"xl/workbook.xml\"/></Relationships>"},
          {"xl/workbook.xml",
           "<?xml version=\"1.0\"?><workbook "
           "xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\" "
           "xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\">"
           "<sheets><sheet name=\"数据\" sheetId=\"1\" r:id=\"rId1\"/></sheets></workbook>"},
          {"xl/_rels/workbook.xml.rels",
           "<?xml version=\"1.0\"?><Relationships "
           "xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\"><Relationship "
           "Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/"
           "relationships/worksheet\" Target=\"worksheets/sheet1.xml\"/></Relationships>"},
          {"xl/worksheets/sheet1.xml", std::move(sheet_xml)}};
}

// Whether `s` is valid UTF-8 (shortest forms, no surrogates, at most U+10FFFF) holding only
// characters XML 1.0 allows (no control characters but tab, LF and CR; no U+FFFE / U+FFFF).
inline bool valid_xml_text(std::string_view s) {
  for (size_t i = 0; i < s.size();) {
    const auto b = static_cast<unsigned char>(s[i]);
    const size_t len = b < 0x80 ? 1 : (b & 0xE0) == 0xC0 ? 2 : (b & 0xF0) == 0xE0 ? 3 : (b & 0xF8) == 0xF0 ? 4 : 0;
    if (len == 0 || i + len > s.size()) return false;
    uint32_t cp = len == 1 ? b : len == 2 ? b & 0x1Fu : len == 3 ? b & 0x0Fu : b & 0x07u;
    for (size_t k = 1; k < len; ++k) {
      const auto c = static_cast<unsigned char>(s[i + k]);
      if ((c & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (c & 0x3Fu);
    }
    const uint32_t min[] = {0, 0, 0x80, 0x800, 0x10000};
    if (cp < min[len] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return false;
    if ((cp < 0x20 && cp != '\t' && cp != '\n' && cp != '\r') || cp == 0xFFFE || cp == 0xFFFF) return false;
    i += len;
  }
  return true;
}

}  // namespace gradus
