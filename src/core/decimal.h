// Exact decimal numbers for money (万元), percentages and counts: a signed 64-bit count of
// millionths. Parsing is exact (no binary floating point), so "138" and "4600" stay exact and a
// ratio compared against a threshold can be decided exactly (see engine/exact.h).
//
//   Decimal rev = *Decimal::parse("4600");
//   Decimal yuan = *Decimal::parse_yuan_as_wan("12345.67");   // 1.234567 万元
//   rev.to_string() == "4600"
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "core/status.h"

namespace gradus {

class Decimal {
 public:
  static constexpr int kScaleDigits = 6;
  static constexpr int64_t kScale = 1'000'000;

  constexpr Decimal() = default;
  static constexpr Decimal from_micros(int64_t micros) { return Decimal(micros); }
  static constexpr Decimal from_int(int64_t v) { return Decimal(v * kScale); }

  // Parses "-12.5", "1,234.5" (thousands separators), "３．５" (full width), "1.2e3" is rejected.
  // At most 6 decimal places; |value| < 9.2e12.
  static Result<Decimal> parse(std::string_view text);
  // Parses an amount in 元 and converts it to 万元 (divides by 10,000); at most 2 decimal places
  // in 元 (a fen).
  static Result<Decimal> parse_yuan_as_wan(std::string_view text);

  constexpr int64_t micros() const { return micros_; }
  double to_double() const { return static_cast<double>(micros_) / kScale; }
  bool is_integer() const { return micros_ % kScale == 0; }
  // Shortest exact form: "4600", "3.5", "-0.000001".
  std::string to_string() const;

  friend constexpr bool operator==(Decimal a, Decimal b) = default;
  friend constexpr auto operator<=>(Decimal a, Decimal b) = default;

 private:
  explicit constexpr Decimal(int64_t micros) : micros_(micros) {}
  int64_t micros_ = 0;
};

}  // namespace gradus
