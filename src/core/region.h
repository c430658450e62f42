// GB/T 2260 administrative division codes, checked against the Ministry of Civil Affairs 2024 list
// (data/admin_divisions_2024.csv); a retired code is resolved to its successor through the history
// file (data/admin_divisions_history_1981_2024.csv) instead of being rejected.
//
//   Result<RegionCode> r = RegionCode::parse("320571");     // Suzhou Industrial Park
//   r->code() == 320571; r->province_code() == 320000; r->name() == "苏州工业园区"
//   RegionCode::parse("320502")->code() → the successor (retired_from() == 320502)
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/status.h"

namespace gradus {

class RegionCode {
 public:
  static Result<RegionCode> parse(std::string_view text);
  // From the integer stored in the pool (assumed already validated).
  static RegionCode from_code(int32_t code);

  int32_t code() const { return code_; }
  int32_t province_code() const { return code_ / 10000 * 10000; }
  // The division's current name ("" if unknown).
  std::string name() const;
  std::string province_name() const;
  // The code that was given, when it was retired and resolved to code().
  std::optional<int32_t> retired_from() const { return retired_from_; }
  // True if the code starts with the given prefix of digits ("51" = Sichuan, "3205" = Suzhou).
  bool within(std::string_view prefix) const;

 private:
  RegionCode(int32_t code, std::optional<int32_t> retired_from) : code_(code), retired_from_(retired_from) {}
  int32_t code_ = 0;
  std::optional<int32_t> retired_from_;
};

}  // namespace gradus
