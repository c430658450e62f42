// GB18030 → UTF-8 through iconv(3), in pieces.
#include "ingest/encoding.h"

#include <iconv.h>

#include <algorithm>
#include <cerrno>

#include "ingest/csv_reader.h"

namespace gradus::ingest {

namespace {

iconv_t handle(void* cd) { return static_cast<iconv_t>(cd); }

bool usable(void* cd) { return cd != reinterpret_cast<void*>(static_cast<intptr_t>(-1)); }

}  // namespace

Gb18030Decoder::Gb18030Decoder() : cd_(iconv_open("UTF-8", "GB18030")) {
  if (!usable(cd_)) {
    error_ = gradus::error(
        StatusCode::internal,
        "本机无法转换 GB18030/GBK 编码（缺少 glibc 的 gconv 模块）：请把文件另存为“CSV UTF-8”",
        "this system cannot convert GB18030/GBK text (glibc's gconv modules are "
        "missing): save the file as \"CSV UTF-8\"");
  }
}

Gb18030Decoder::~Gb18030Decoder() {
  if (usable(cd_)) iconv_close(handle(cd_));
}

bool Gb18030Decoder::convert(std::string_view in, bool final, std::string* out) {
  if (!error_.ok()) return false;
  std::string joined;
  if (!held_.empty()) {
    joined = held_;
    joined.append(in);
    held_.clear();
    in = joined;
  }
  char* src = const_cast<char*>(in.data());  // iconv's interface; the input is not written
  size_t src_left = in.size();
  // GB18030 takes 1, 2 or 4 bytes per character and UTF-8 at most 4: twice the input (plus a
  // little) always holds the output of a piece.
  const size_t start = out->size();
  out->resize(start + in.size() * 2 + 16);
  char* dst = out->data() + start;
  size_t dst_left = out->size() - start;
  const size_t rc = iconv(handle(cd_), &src, &src_left, &dst, &dst_left);
  const int err = errno;
  const size_t produced = out->size() - start - dst_left;
  out->resize(start + produced);
  line_ +=
      static_cast<uint32_t>(std::count(out->data() + start, out->data() + start + produced, '\n'));
  if (rc != static_cast<size_t>(-1)) return true;
  if (err == EINVAL && !final) {
    held_.assign(src, src_left);  // a sequence cut by the end of the piece
    return true;
  }
  const std::string n = std::to_string(line_);
  error_ = gradus::error(StatusCode::parse_error, "第 " + n + " 行不是有效的 GB18030/GBK 编码文字",
                         "line " + n + " is not valid GB18030/GBK text");
  return false;
}

Result<std::string> gb18030_to_utf8(std::string_view bytes) {
  Gb18030Decoder dec;
  std::string out;
  out.reserve(bytes.size() + bytes.size() / 2);
  if (!dec.convert(bytes, /*final=*/true, &out)) return dec.error();
  return out;
}

Result<std::string_view> decode_csv_bytes(std::string_view bytes, std::string* storage,
                                          std::string* encoding) {
  TextEncodingCheck check;
  if (Status s = check.finish(bytes, 0); s.ok()) {
    *encoding = check.bom() != 0 ? "UTF-8 (BOM)" : "UTF-8";
    return bytes.substr(check.bom());
  } else if (!check.not_utf8() || check.bom() != 0) {
    return s;
  }
  storage->clear();
  Gb18030Decoder decoder;
  if (!decoder.convert(bytes, /*final=*/true, storage)) {
    return not_utf8_nor_gb18030(check.error_line(), decoder.line());
  }
  Result<std::string_view> text = check_text_encoding(*storage);  // a NUL byte, a signature
  if (!text) return text.error();
  *encoding = "GB18030";
  return *text;
}

}  // namespace gradus::ingest
