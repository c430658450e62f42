// Tests for Uscc: both check characters, normalisation, and the wording of the errors.
#include "core/uscc.h"

#include <gtest/gtest.h>

#include <string>
#include <string_view>

namespace gradus {
namespace {

// English message of a failed parse ("" if it parsed).
std::string error_en(std::string_view text) {
  Result<Uscc> r = Uscc::parse(text);
  return r ? std::string() : r.error().message.en;
}

// REFERENCE §9.5: named test vectors, each verified with both checks.
TEST(Uscc, ReferenceVectorsParse) {
  for (std::string_view code : {"914403001922038216",  // 华为技术有限公司
                                "9144030071526726XG",  // 腾讯科技（深圳）有限公司
                                "91440300708461136T",  // 深圳市腾讯计算机系统有限公司
                                "91440300192317458F",  // 比亚迪股份有限公司
                                "91350900587527783P",  // 宁德时代新能源科技股份有限公司
                                "91110108551385082Q",  // 小米科技有限责任公司
                                "91110000802100433B",  // 北京百度网讯科技有限公司
                                "91330100716105852F",  // 阿里巴巴（中国）网络技术有限公司
                                "91520000214434146R",  // 中航重机股份有限公司
                                // Unnamed real codes (python-stdnum "found online").
                                "121200004013590816", "91310115MA1K3BTP2B", "91340600MA2PBM9HXD",
                                "91620105L015101280", "92340602MA2PBMEM24", "9131012056010553X5"}) {
    Result<Uscc> r = Uscc::parse(code);
    ASSERT_TRUE(r) << code << ": " << r.error().message.en;
    EXPECT_EQ(r->str(), code);
  }
}

// shared/data/uscc_samples_from_public_code.csv (13 codes found in public code; every one passes
// both checks). Copied here so that the test does not depend on files outside the repository.
TEST(Uscc, PublicSamplesParse) {
  struct Sample {
    std::string_view code;
    std::string_view admin_code;
  };
  for (const Sample& s :
       {Sample{"91520000214434146R", "520000"}, Sample{"91330100757206158J", "330100"},
        Sample{"913305007490121183", "330500"}, Sample{"91420100568359390C", "420100"},
        Sample{"912201011239989159", "220101"}, Sample{"914403001922038216", "440300"},
        Sample{"91440606707539050R", "440606"}, Sample{"91211103MA10E6140W", "211103"},
        Sample{"91110117MABWGRQU85", "110117"}, Sample{"91440106074639077N", "440106"},
        Sample{"91440300MA5H0HLK5U", "440300"}, Sample{"91310112MA1GDR016W", "310112"},
        Sample{"91133100MA0D8N1J7G", "133100"}}) {
    Result<Uscc> r = Uscc::parse(s.code);
    ASSERT_TRUE(r) << s.code << ": " << r.error().message.en;
    EXPECT_EQ(r->admin_code(), s.admin_code);
    EXPECT_EQ(r->registration_authority(), '9');
    EXPECT_EQ(r->entity_type(), '1');
  }
}

TEST(Uscc, Accessors) {
  Result<Uscc> r = Uscc::parse("914403001922038216");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->admin_code(), "440300");
  EXPECT_EQ(r->registration_authority(), '9');
  EXPECT_EQ(r->entity_type(), '1');
  EXPECT_EQ(r->org_code(), "192203821");
  EXPECT_EQ(*r, *Uscc::parse(" 914403001922038216 "));
}

// The worked examples of REFERENCE §9.4.
TEST(Uscc, CheckCharacterFunctions) {
  EXPECT_EQ(Uscc::org_check_char("19220382"), '1');  // Σ = 164, 164 mod 11 = 10 → 1
  EXPECT_EQ(Uscc::org_check_char("MA2PBM9H"), 'X');  // letters by alphabet index; r = 10 → X
  EXPECT_EQ(Uscc::uscc_check_char("91440300192203821"), '6');  // Σ = 831 → c = 6
  EXPECT_EQ(Uscc::uscc_check_char("91340600MA2PBM9HX"), 'D');  // Σ = 3366 → c = 13 → D
  EXPECT_EQ(Uscc::org_check_char("71526726"), 'X');
  EXPECT_EQ(Uscc::org_check_char("40135908"), '1');
  // Σ ≡ 0 (mod 11) gives r = 11 → '0'.
  EXPECT_EQ(Uscc::org_check_char("00000000"), '0');
  // c = 0 → '0' (first17 all zero).
  EXPECT_EQ(Uscc::uscc_check_char("00000000000000000"), '0');
  // Preconditions violated: a placeholder, never a crash.
  EXPECT_EQ(Uscc::uscc_check_char("9144"), '?');
  EXPECT_EQ(Uscc::org_check_char("1922038-"), '?');
  EXPECT_EQ(Uscc::uscc_check_char("9144030019220382I"), '?');
}

// REFERENCE §9.5 negative vectors; the messages name the failing check and the expected character.
TEST(Uscc, WrongCheckCharacter18) {
  Result<Uscc> r = Uscc::parse("914403001922038217");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, StatusCode::invalid_argument);
  EXPECT_EQ(r.error().message.en,
            "\"914403001922038217\" is not a valid unified social credit code: the check digit "
            "(18th character, GB 32100) should be '6', it is '7'");
  EXPECT_EQ(r.error().message.zh,
            "\"914403001922038217\" 不是有效的统一社会信用代码：校验码（第 18 位，GB 32100）应为 "
            "'6'，实为 '7'");
  EXPECT_NE(
      error_en("91110000600037341N").find("should be 'L', it is 'N'"),
      std::string::npos);
  EXPECT_TRUE(Uscc::parse("91110000600037341L"));
}

TEST(Uscc, WrongCheckCharacter17) {
  // Position 17 changed from 1 to 2 and position 18 recomputed, so only the GB 11714 check fails.
  std::string code = "9144030019220382";
  code += '2';
  code += Uscc::uscc_check_char(code);
  const std::string en = error_en(code);
  EXPECT_NE(en.find("check character (17th character, GB 11714) should be '1', it is '2'"),
            std::string::npos)
      << en;
  EXPECT_EQ(en.find("18th character"), std::string::npos) << en;
  Result<Uscc> r = Uscc::parse(code);
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.zh.find("组织机构代码校验码（第 17 位，GB 11714）应为 '1'，实为 '2'"),
            std::string::npos);
}

TEST(Uscc, FakeCodesFailBothChecks) {
  struct Case {
    std::string_view code;
    std::string_view detail;
  };
  for (const Case& c :
       {Case{"914403001870826678",
             "the organisation-code check character (17th character, GB 11714) should be '6', it is '7'; "
             "the check digit (18th character, GB 32100) should be '0', it is '8'"},
        Case{"91110000800088421P",
             "the organisation-code check character (17th character, GB 11714) should be '6', it is '1'; "
             "the check digit (18th character, GB 32100) should be 'W', it is 'P'"},
        Case{"9133010057462616XH",
             "the organisation-code check character (17th character, GB 11714) should be '8', it is 'X'; "
             "the check digit (18th character, GB 32100) should be '9', it is 'H'"},
        Case{"91110108717809965C",
             "the organisation-code check character (17th character, GB 11714) should be '6', it is '5'; "
             "the check digit (18th character, GB 32100) should be 'J', it is 'C'"}}) {
    const std::string en = error_en(c.code);
    EXPECT_NE(en.find(c.detail), std::string::npos) << en;
  }
}

TEST(Uscc, Normalisation) {
  // Trimmed (ASCII and ideographic spaces), upper-cased, full width → ASCII.
  for (std::string_view text :
       {"  9144030071526726xg\t", "9144030071526726Xg",
        "\xE3\x80\x80"
        "9144030071526726XG"
        "\xE3\x80\x80",
        "９１４４０３００７１５２６７２６ＸＧ", "９１４４０３００７１５２６７２６ｘｇ"}) {
    Result<Uscc> r = Uscc::parse(text);
    ASSERT_TRUE(r) << text << ": " << r.error().message.en;
    EXPECT_EQ(r->str(), "9144030071526726XG");
  }
}

TEST(Uscc, WrongLength) {
  EXPECT_NE(error_en("91440300192203821").find("it has 17 characters, expected 18"),
            std::string::npos);
  EXPECT_NE(error_en("9144030019220382161").find("it has 19 characters, expected 18"),
            std::string::npos);
  EXPECT_NE(error_en("").find("it is empty"), std::string::npos);
  EXPECT_NE(error_en("   ").find("it is empty"), std::string::npos);
  // Characters, not bytes, are counted.
  EXPECT_NE(error_en("华为914403001922038216").find("it has 20 characters"), std::string::npos);
  Result<Uscc> r = Uscc::parse("9144030019220382");
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.zh.find("长度为 16 个字符，应为 18 个"), std::string::npos);
}

TEST(Uscc, InvalidCharacters) {
  // The excluded letters I, O, Z, S, V, named with their position.
  EXPECT_NE(error_en("91440300192203821I").find("character 18 is the letter 'I'"),
            std::string::npos);
  EXPECT_NE(error_en("9144030019220382O6").find("character 17 is the letter 'O'"),
            std::string::npos);
  for (char c : {'I', 'O', 'Z', 'S', 'V'}) {
    std::string code = "91440300MA2PBM9HXD";
    code[9] = c;
    const std::string en = error_en(code);
    EXPECT_NE(en.find("character 10 is the letter '" + std::string(1, c) + "'"), std::string::npos)
        << en;
    EXPECT_NE(en.find("I, O, Z, S and V are excluded"), std::string::npos) << en;
  }
  EXPECT_NE(error_en("91440300-922038216").find("character 9 \"-\" is not a digit or a letter"),
            std::string::npos);
  EXPECT_NE(error_en("91440300一922038216").find("character 9 \"一\" is not a digit or a letter"),
            std::string::npos);
  // Positions 3–8 are the admin-division code: digits only.
  EXPECT_NE(error_en("9144A3001922038216")
                .find("character 5 is 'A', but positions 3–8 (the administrative-division code) "
                      "must be digits"),
            std::string::npos);
  // Position 1 must be a registration-authority code.
  EXPECT_NE(error_en("B14403001922038216").find("character 1 (registration authority) 'B'"),
            std::string::npos);
}

// Builds a code with correct check characters from its first 16 characters.
std::string with_checks(std::string first16) {
  first16 += Uscc::org_check_char(std::string_view(first16).substr(8, 8));
  first16 += Uscc::uscc_check_char(first16);
  return first16;
}

TEST(Uscc, UnknownAdminCodeAndLetterAuthoritiesAreAllowed) {
  // 320594: the registration authority of Suzhou Industrial Park, not a GB/T 2260 code.
  EXPECT_TRUE(Uscc::parse(with_checks("9132059400000001")));
  EXPECT_TRUE(Uscc::parse(with_checks("9199999912345678")));
  // A (military), N (agriculture) and Y (other) authorities; python-stdnum wrongly rejects them.
  for (std::string_view first16 : {"A1110000MA01ABCD", "N2320506MA1XYW12", "Y1440300MA5H0HLK"}) {
    const std::string code = with_checks(std::string(first16));
    Result<Uscc> r = Uscc::parse(code);
    EXPECT_TRUE(r) << code << ": " << (r ? "" : r.error().message.en);
  }
}

TEST(Uscc, EveryBodyCharacterRoundTrips) {
  // Each code character at each of positions 9–16 gives a valid code with computed checks.
  const std::string_view alphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY";
  for (size_t pos = 8; pos < 16; ++pos) {
    for (char c : alphabet) {
      std::string first16 = "9144030019220382";
      first16[pos] = c;
      const std::string code = with_checks(first16);
      EXPECT_TRUE(code[16] == 'X' || (code[16] >= '0' && code[16] <= '9')) << code;
      EXPECT_TRUE(Uscc::parse(code)) << code;
      // Any other character at position 18 is rejected.
      std::string wrong = code;
      wrong[17] = code[17] == '0' ? '1' : '0';
      EXPECT_FALSE(Uscc::parse(wrong)) << wrong;
    }
  }
}

}  // namespace
}  // namespace gradus
