// Choosing firms of a pool by region, park, industry and text, and one firm by USCC or name
// (pool_filter.h).
#include "analysis/pool_filter.h"

#include <algorithm>
#include <cctype>
#include <cstdio>

#include "core/fields.h"
#include "core/industry.h"
#include "core/text.h"
#include "core/uscc.h"

namespace gradus {
namespace {

std::string upper_ascii(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::toupper(c); });
  return s;
}

}  // namespace

Result<PoolFilter> PoolFilter::make(std::string region_prefix, std::string park,
                                    std::string industry_prefix, std::string text) {
  PoolFilter f;
  f.region_prefix = std::string(trim(normalize_width(region_prefix)));
  if (f.region_prefix.size() > 6 || !std::all_of(f.region_prefix.begin(), f.region_prefix.end(),
                                                 [](unsigned char c) { return std::isdigit(c); })) {
    return invalid(
        "地区筛选 \"" + region_prefix + "\" 应为行政区划代码的前几位数字（如 32、3205、320571）",
        "region filter \"" + region_prefix +
            "\" must be the leading digits of a region code (32, 3205, 320571)");
  }
  f.park = std::string(trim(normalize_width(park)));
  f.industry_prefix = upper_ascii(std::string(trim(normalize_width(industry_prefix))));
  const std::string& ind = f.industry_prefix;
  const size_t digits_from =
      !ind.empty() && std::isalpha(static_cast<unsigned char>(ind[0])) ? 1 : 0;
  const bool ok = ind.size() - digits_from <= 4 &&
                  std::all_of(ind.begin() + static_cast<std::ptrdiff_t>(digits_from), ind.end(),
                              [](unsigned char c) { return std::isdigit(c); }) &&
                  (digits_from == 0 || (ind[0] >= 'A' && ind[0] <= 'T'));
  if (!ok) {
    return invalid(
        "行业筛选 \"" + industry_prefix +
            "\" 应为国民经济行业代码的门类字母和/或前几位数字（如 C、C34、3456）",
        "industry filter \"" + industry_prefix +
            "\" must be a GB/T 4754 section letter and/or leading digits (C, C34, 3456)");
  }
  f.text = std::string(trim(normalize_width(text)));
  return f;
}

bool PoolFilter::keeps(const Pool& pool, uint32_t e) const {
  if (!region_prefix.empty()) {
    const Column& c = pool.column(find_field("region")->id);
    if (e >= c.present.size() || !c.present[e]) return false;
    if (!std::to_string(c.values[e]).starts_with(region_prefix)) return false;
  }
  if (!park.empty()) {
    if (normalize_width(trim(pool.text(find_field("park")->id, e))) != park) return false;
  }
  if (!industry_prefix.empty()) {
    const Column& c = pool.column(find_field("industry")->id);
    if (e >= c.present.size() || !c.present[e]) return false;
    char code[8];
    std::snprintf(code, sizeof code, "%04lld", static_cast<long long>(c.values[e] % 10000));
    std::string_view digits = industry_prefix;
    if (std::isalpha(static_cast<unsigned char>(industry_prefix[0]))) {
      if (IndustryCode::from_class(static_cast<int32_t>(c.values[e])).section() !=
          industry_prefix[0])
        return false;
      digits.remove_prefix(1);
    }
    if (!std::string_view(code).starts_with(digits)) return false;
  }
  if (!text.empty()) {
    const std::string& name = pool.text(find_field("name")->id, e);
    if (name.find(text) == std::string::npos &&
        pool.uscc(e).find(upper_ascii(text)) == std::string::npos)
      return false;
  }
  return true;
}

std::vector<uint32_t> filter_rows(const Pool& pool, const PoolFilter& filter) {
  std::vector<uint32_t> rows;
  rows.reserve(filter.empty() ? pool.size() : 0);
  for (uint32_t e = 0; e < pool.size(); ++e)
    if (filter.empty() || filter.keeps(pool, e)) rows.push_back(e);
  return rows;
}

Result<uint32_t> find_firm(const Pool& pool, const FirmQuery& query,
                           std::vector<uint32_t>* candidates) {
  if (!query.uscc.empty()) {
    const std::string code = upper_ascii(normalize_width(trim(query.uscc)));
    if (std::optional<uint32_t> row = pool.find(code)) return *row;
    Result<Uscc> valid = Uscc::parse(code);
    if (!valid) {
      return error(StatusCode::not_found,
                   "统一社会信用代码 " + code + " 有误：" + valid.error().message.zh,
                   "USCC " + code + " is not valid: " + valid.error().message.en);
    }
    return error(StatusCode::not_found,
                 "没有统一社会信用代码为 " + code + " 的企业（或其数据有错误）",
                 "no enterprise with USCC " + code + " (or its data had errors)");
  }
  const std::string wanted = normalize_width(trim(query.name));
  if (wanted.empty())
    return invalid("请给出企业名称或统一社会信用代码", "give a firm's name or USCC");
  const FieldId name = find_field("name")->id;
  std::vector<uint32_t> partial;
  for (uint32_t e = 0; e < pool.size(); ++e) {
    const std::string n = normalize_width(trim(pool.text(name, e)));
    if (n == wanted) return e;
    if (n.find(wanted) != std::string::npos) partial.push_back(e);
  }
  if (partial.size() == 1) return partial[0];
  if (partial.empty()) {
    return error(StatusCode::not_found, "没有名称为或包含“" + wanted + "”的企业",
                 "no enterprise whose name is or contains \"" + wanted + "\"");
  }
  std::string list_zh, list_en;
  for (size_t k = 0; k < partial.size() && k < 20; ++k) {
    const std::string line = "\n  " + pool.uscc(partial[k]) + "  " + pool.text(name, partial[k]);
    list_zh += line, list_en += line;
  }
  if (partial.size() > 20) {
    list_zh += "\n  ……共 " + std::to_string(partial.size()) + " 家";
    list_en += "\n  … " + std::to_string(partial.size()) + " in all";
  }
  if (candidates != nullptr) *candidates = partial;
  return error(StatusCode::invalid_argument,
               "名称包含“" + wanted + "”的企业有 " + std::to_string(partial.size()) +
                   " 家，请给出完整名称或统一社会信用代码（--uscc）：" + list_zh,
               std::to_string(partial.size()) + " enterprises have \"" + wanted +
                   "\" in their name; give the full name or the USCC (--uscc):" + list_en);
}

}  // namespace gradus
