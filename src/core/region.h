// GB/T 2260 administrative division codes, checked against the Ministry of Civil Affairs 2024 list
// (data/admin_divisions_2024.csv); a retired code is resolved to its successor through the history
// file (data/admin_divisions_history_1981_2024.csv) instead of being rejected. Successions are
// followed as a chain (a county became a city, then a district); a code that was split among
// several current divisions, or retired without a successor, is an error that names it (and the
// candidates). Both files are embedded and parsed once on first use (thread-safe).
//
// Development zones that are not administrative divisions carry statistical codes (NBS 统计用区划代码,
// county digits 70–99, e.g. 320571 苏州工业园区); such a code under a current prefecture is accepted
// and marked statistical_zone() so importers can warn. Other unknown codes are errors.
//
//   Result<RegionCode> r = RegionCode::parse("320508");     // 姑苏区, Suzhou
//   r->code() == 320508; r->province_code() == 320000; r->name() == "姑苏区"
//   RegionCode::parse("320502")->code() == 320508            // 沧浪区, merged into 姑苏区 in 2012
//   RegionCode::parse("320502")->retired_from() == 320502
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
  // From the integer stored in the pool (assumed already validated; not resolved, not checked).
  static RegionCode from_code(int32_t code);

  int32_t code() const { return code_; }
  std::string str() const;  // six digits, "320508"
  int32_t province_code() const { return code_ / 10000 * 10000; }
  // The division's current name ("" if unknown).
  std::string name() const;
  std::string province_name() const;
  // The code that was given, when it was retired and resolved to code().
  std::optional<int32_t> retired_from() const { return retired_from_; }
  // True if the code starts with the given prefix of digits ("51" = Sichuan, "3205" = Suzhou).
  bool within(std::string_view prefix) const;
  // True for a development-zone statistical code (county digits 70–99 under a current prefecture,
  // e.g. 320571 苏州工业园区) that is not in the MCA list; name() is then empty.
  bool statistical_zone() const { return statistical_zone_; }

 private:
  RegionCode(int32_t code, std::optional<int32_t> retired_from)
      : code_(code), retired_from_(retired_from) {}
  int32_t code_ = 0;
  std::optional<int32_t> retired_from_;
  bool statistical_zone_ = false;
};

}  // namespace gradus
