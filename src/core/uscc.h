// Unified Social Credit Code (统一社会信用代码, GB 32100-2015): 18 characters; position 17 is the
// organisation-code check character (GB 11714) and position 18 the USCC check character (mod 31).
// Both are verified; an unknown administrative code in positions 3–8 is allowed (zones such as
// Suzhou Industrial Park register under their own codes).
//
//   Result<Uscc> u = Uscc::parse("914403001922038216");
//   if (!u) print(u.error().message);   // says which check failed and the expected character
//   u->str() == "914403001922038216"; u->admin_code() == "440300";
#pragma once

#include <string>
#include <string_view>

#include "core/status.h"

namespace gradus {

class Uscc {
 public:
  // Trims, upper-cases and normalises full-width characters before checking.
  static Result<Uscc> parse(std::string_view text);
  // The expected check characters (for tests and for generating synthetic codes):
  // uscc_check_char over positions 1–17 (mod 31, GB 32100), org_check_char over the
  // organisation-code body, positions 9–16 (mod 11, GB 11714). Precondition: the input has the
  // right length and is made of valid code characters; otherwise '?' is returned.
  static char uscc_check_char(std::string_view first17);
  static char org_check_char(std::string_view org_body8);

  const std::string& str() const { return code_; }
  std::string_view admin_code() const { return std::string_view(code_).substr(2, 6); }
  char registration_authority() const { return code_[0]; }
  char entity_type() const { return code_[1]; }
  // Positions 9–17: the organisation code (组织机构代码) including its check character.
  std::string_view org_code() const { return std::string_view(code_).substr(8, 9); }

  friend bool operator==(const Uscc& a, const Uscc& b) = default;

 private:
  explicit Uscc(std::string code) : code_(std::move(code)) {}
  std::string code_;
};

}  // namespace gradus
