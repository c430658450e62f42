// A deterministic synthetic enterprise pool for `gradus demo` and the benchmarks: N enterprises × a few fiscal years with
// realistic distributions (log-normal revenue with median ~3000万元 and a long tail, R&D intensity
// 0–15 %, employees correlated with revenue, debt ratios 20–90 %, Poisson-like IP counts, a few %
// holding titles, a few incidents), valid USCCs, real GB/T 4754 class codes (mostly manufacturing
// C13–C43, some I65, F51, M73) and real GB/T 2260 county codes. The same pool can be put straight
// into a PoolBuilder or written as the data contract's flat CSV (one row per enterprise-year,
// English headers); loading that CSV gives the same pool.
//
// Determinism: enterprise i is drawn from its own SplitMix64 stream seeded from (seed, i), using
// only integer arithmetic and IEEE-754 +, −, ×, ÷ (no std::*_distribution, whose output is
// implementation-defined, and no libm exp/log, which may differ in the last bit between C
// libraries). The file is compiled with -ffp-contract=off so that no FMA changes a rounding. The
// same seed therefore gives the same pool, byte for byte, on every machine and compiler.
//
//   gradus::demo::PoolGenerator gen({.enterprises = 100000, .seed = 42});
//   gradus::Pool pool = gen.build();                       // or gen.fill(builder)
//   gradus::Status s = gen.write_csv("/tmp/firms.csv");     // same facts, flat CSV
//
// Thread-safety: a PoolGenerator is immutable after construction; make_firm() and
// append_csv_rows() may run concurrently; fill() needs exclusive use of the builder.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/date.h"
#include "core/fields.h"
#include "core/status.h"
#include "engine/pool.h"

namespace gradus::demo {

struct GeneratorOptions {
  uint32_t enterprises = 100000;
  uint64_t seed = 20260630;
  int first_year = 2023;  // fiscal years first_year..last_year (at most 8 years)
  int last_year = 2025;
};

// SplitMix64 (Steele, Lea, Flood 2014): a tiny, fast, well-mixed 64-bit generator whose output is
// fully specified, so it is the same everywhere.
class SplitMix64 {
 public:
  explicit SplitMix64(uint64_t seed) : state_(seed) {}
  uint64_t next() {
    uint64_t z = (state_ += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  }
  // Uniform in [0, 1), 53 random bits.
  double uniform() { return static_cast<double>(next() >> 11) * 0x1.0p-53; }
  // Uniform integer in [0, n) (n > 0); Lemire's multiply-shift, bias < n / 2^64.
  uint32_t below(uint32_t n) { return static_cast<uint32_t>(((next() >> 32) * n) >> 32); }
  bool chance(double p) { return uniform() < p; }
  // Approximately standard normal: Irwin–Hall sum of 12 uniforms minus 6 (range ±6).
  double normal();
  // Poisson-distributed count with mean `lambda` (Knuth's product method; lambda ≤ ~50).
  uint32_t poisson(double lambda);
  // Number of successes in n Bernoulli(p) trials.
  uint32_t binomial(uint32_t n, double p);

 private:
  uint64_t state_;
};

// e^x computed with basic IEEE operations only (deterministic across C libraries); relative error
// below 1e-15 for |x| < 700.
double det_exp(double x);
// Natural logarithm and x^a (x > 0), likewise from basic IEEE operations only.
double det_log(double x);
double det_pow(double x, double a);

// One synthetic enterprise with its facts in the pool's raw encodings (core/fields.h).
struct FirmRecord {
  std::string uscc;
  std::string name, park, niche_market, leading_product;  // "" = absent
  std::vector<int64_t> stat;          // [FieldId] raw value of an enterprise-scope field
  std::vector<uint8_t> stat_present;  // [FieldId]
  std::vector<int64_t> year_raw;      // [(year - first_year) * field count + FieldId]
  std::vector<uint8_t> year_present;
  std::optional<Date> hte_valid_to;   // high_tech_enterprise honour, valid 3 years up to this date
  std::optional<AwardRecord> award;
  std::optional<MakerChinaRecord> maker_china;
  std::vector<TitleRecord> titles;    // valid_to absent: since + 3 years (as the flat CSV form)
  std::vector<IncidentRecord> incidents;
};

class PoolGenerator {
 public:
  explicit PoolGenerator(GeneratorOptions options);

  const GeneratorOptions& options() const { return options_; }
  uint32_t years() const { return static_cast<uint32_t>(options_.last_year - options_.first_year + 1); }

  // Draws enterprise i (0 ≤ i < enterprises) into `out` (reusing its storage).
  void make_firm(uint32_t i, FirmRecord& out) const;

  // Adds every enterprise to `builder` (the enterprises get indices 0..N-1 in order).
  void fill(PoolBuilder& builder) const;
  Pool build() const;

  // The flat CSV form: the header line, and the rows of enterprises [first, last) appended to
  // `out` (one row per fiscal year; static and event columns only on the enterprise's first row).
  static std::string csv_header();
  void append_csv_rows(uint32_t first, uint32_t last, std::string& out) const;
  // Writes the whole pool as CSV. Fails with io_error when the file cannot be written.
  Status write_csv(const std::string& path, uint64_t* bytes_written = nullptr) const;

 private:
  struct Region {
    int32_t code;
    int32_t province;
  };
  GeneratorOptions options_;
  std::vector<int32_t> manufacturing_;  // class codes C13–C43
  std::vector<int32_t> software_;       // I65
  std::vector<int32_t> wholesale_;      // F51
  std::vector<int32_t> research_;       // M73
  std::vector<char> section_of_;        // [class code] section letter
  std::vector<Region> counties_;        // mainland county-level divisions
  std::vector<std::pair<uint32_t, uint32_t>> province_ranges_;  // [province index] → counties_ range
  std::vector<int32_t> province_codes_;
};

}  // namespace gradus::demo
