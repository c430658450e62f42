// GB18030 (and so GBK and GB2312, its subsets) text converted to UTF-8 through glibc's iconv, for
// the CSV files Chinese Excel saves as "CSV (逗号分隔)". The conversion is exact (every GB18030
// sequence has one Unicode character) and can run on a stream in pieces; an invalid sequence
// stops it with the line it is on. No new dependency: iconv is part of the C library.
//
//   Gb18030Decoder dec;
//   std::string utf8;
//   if (!dec.convert(piece, /*final=*/false, &utf8)) return dec.error();   // more pieces …
//   if (!dec.convert({}, /*final=*/true, &utf8)) return dec.error();
//
//   Result<std::string> text = gb18030_to_utf8(bytes);                   // all at once
//
// Thread-safety: a decoder is used by one thread at a time; separate decoders are independent.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "core/status.h"

namespace gradus::ingest {

class Gb18030Decoder {
 public:
  Gb18030Decoder();
  ~Gb18030Decoder();
  Gb18030Decoder(const Gb18030Decoder&) = delete;
  Gb18030Decoder& operator=(const Gb18030Decoder&) = delete;

  // Converts `in` (after any bytes of a sequence held back from the previous call) and appends
  // the UTF-8 text to *out. A sequence cut by the end of `in` is held back unless `final`, where
  // it is an error. Returns false on an invalid sequence (error() says on which line); the
  // decoder cannot be used afterwards.
  bool convert(std::string_view in, bool final, std::string* out);
  // Why convert() failed: the line (counted in the input) of the first invalid sequence.
  const Status& error() const { return error_; }
  // The line (1-based, counted in the input) of the first byte not yet converted: after a
  // failure, the line of the invalid sequence.
  uint32_t line() const { return line_; }

 private:
  void* cd_;           // iconv_t, or (void*)-1 when the system has no GB18030 converter
  std::string held_;   // the start of a sequence cut by the end of the previous piece
  uint32_t line_ = 1;  // line of the first byte not yet converted
  Status error_;
};

// The whole text converted (see Gb18030Decoder).
Result<std::string> gb18030_to_utf8(std::string_view bytes);

// CSV bytes as UTF-8 text: the bytes themselves without a BOM when they are UTF-8, else their
// GB18030 conversion, kept in *storage. *encoding is set to "UTF-8", "UTF-8 (BOM)" or
// "GB18030". Fails like check_text_encoding (csv_reader.h) for UTF-16, workbooks and NUL bytes,
// and when the text is neither UTF-8 nor GB18030.
Result<std::string_view> decode_csv_bytes(std::string_view bytes, std::string* storage,
                                          std::string* encoding);

}  // namespace gradus::ingest
