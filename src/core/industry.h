// GB/T 4754-2017 industry classes (国民经济行业分类, with amendment No. 1 of 2019), checked against
// data/gbt4754_2017_classes.csv (section names: data/gbt4754_2017_sections.csv), both embedded and
// parsed once on first use (thread-safe). A code is a four-digit class, optionally prefixed by its
// section letter ("C3976" or "3976"); a prefix that does not match the class's section is an error.
// Mapping to the 16 size-standard categories is policy data (policies/sme-size/*.yaml), matched by
// prefix on the full code ("C3976" starts with "C", "C39", "C397").
//
//   Result<IndustryCode> i = IndustryCode::parse("3976");
//   i->full() == "C3976"; i->section() == 'C'; i->name() == "光电子器件制造"
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "core/status.h"

namespace gradus {

class IndustryCode {
 public:
  static Result<IndustryCode> parse(std::string_view text);
  // From the integer stored in the pool (assumed already validated; an unknown class gets section
  // '?' and an empty name).
  static IndustryCode from_class(int32_t class_code);

  int32_t class_code() const { return class_code_; }  // 3976
  char section() const { return section_; }           // 'C'
  std::string full() const;                           // "C3976"
  std::string name() const;                           // Chinese class name
  std::string section_name() const;                   // "制造业"

  friend bool operator==(IndustryCode a, IndustryCode b) = default;

 private:
  IndustryCode(int32_t class_code, char section) : class_code_(class_code), section_(section) {}
  int32_t class_code_ = 0;
  char section_ = '?';
};

}  // namespace gradus
