// The vector evaluator: one tight loop per plan node over a batch of enterprises, three-valued
// logic (ok / missing / undefined), exact rechecks at comparison boundaries, then criteria, score
// intervals and class bounds; and the thread pool that runs it over the whole pool.
#include "engine/evaluate.h"

#include <algorithm>
#include <atomic>
#include <bit>
#include <cmath>
#include <cstring>
#include <functional>
#include <limits>
#include <thread>

#include "engine/exact.h"
#include "engine/row_facts.h"

// The hot loops are compiled twice: for the x86-64 baseline (SSE2) and for AVX2, picked at load
// time by the CPU (GCC function multiversioning), so one portable binary uses the wide vectors
// where they exist.
#if defined(__GNUC__) && !defined(__clang__) && defined(__x86_64__) && \
    !defined(__SANITIZE_ADDRESS__)
#define GRADUS_VECTOR_CLONES __attribute__((target_clones("avx2", "default")))
#else
#define GRADUS_VECTOR_CLONES
#endif

namespace gradus {
namespace {

// Combined state of two inputs: missing beats undefined beats ok.
inline uint8_t comb(uint8_t a, uint8_t b) {
  // a | b is 0 ok, 1 missing, 2 undefined, 3 both → missing: clear bit 1 when bit 0 is set
  // (branch-free and without byte shifts, so loops vectorise).
  const uint8_t s = static_cast<uint8_t>(a | b);
  const uint8_t missing = static_cast<uint8_t>(s & 1);
  return static_cast<uint8_t>(s & ~(missing + missing));
}

// int64 → double without the scalar cvtsi2sd (SSE2 has no packed form): add the bit pattern of
// 2^52 + 2^51 and subtract it as a double. Exact for |x| < 2^51; the caller checks the range.
inline double small_i64_to_f64(int64_t x) {
  constexpr int64_t kMagicBits = 0x4338000000000000;  // 6755399441055744.0
  const int64_t bits = x + kMagicBits;
  double d;
  std::memcpy(&d, &bits, sizeof d);
  return d - 6755399441055744.0;
}

// The inverse for a whole number 0 <= x < 2^51 held in a double.
inline int64_t small_f64_to_i64(double x) {
  const double shifted = x + 6755399441055744.0;
  int64_t bits;
  std::memcpy(&bits, &shifted, sizeof bits);
  return bits - 0x4338000000000000;
}

template <typename Cmp>
void compare_loop(const double* __restrict a, const double* __restrict b, double* __restrict v,
                  uint32_t n, Cmp c) {
  for (uint32_t i = 0; i < n; ++i) v[i] = c(a[i], b[i]) ? 1.0 : 0.0;
}

// A field against a constant (the usual `value op threshold`): no second vector to read.
template <typename Cmp>
void compare_const_loop(const double* __restrict a, double b, double* __restrict v, uint32_t n,
                        Cmp c) {
  for (uint32_t i = 0; i < n; ++i) v[i] = c(a[i], b) ? 1.0 : 0.0;
}

// The comparison with its sides swapped: `c op x` ⇔ `x swapped(op) c`.
CompareOp swapped(CompareOp op) {
  switch (op) {
    case CompareOp::lt:
      return CompareOp::gt;
    case CompareOp::le:
      return CompareOp::ge;
    case CompareOp::gt:
      return CompareOp::lt;
    case CompareOp::ge:
      return CompareOp::le;
    default:
      return op;
  }
}

// Whole years from day d to January 1 of the as-of year, that is, how many of the Januaries 1 of
// the years before it fall on or after d: jan1_days[k] (k ≥ 1) is January 1 of (year − k) and
// decreases with k. Every year has at most 366 days, so k = (jan1 − d) / 366 is a lower bound and
// a step or two finds the count; dates older than the table take the civil-date path.
inline int years_to_jan1(int32_t d, const std::vector<int32_t>& jan1_days, int year) {
  const int32_t jan1 = jan1_days[0];
  if (d >= jan1) return 0;
  const int last = static_cast<int>(jan1_days.size()) - 1;
  int k = static_cast<int>((jan1 - d) / 366);
  if (k + 1 > last) {
    const Date date = Date::from_days(d);
    const int y = date.year();
    return year - y - (Date::from_ymd(y, 1, 1) == date ? 0 : 1);
  }
  while (k < last && jan1_days[static_cast<size_t>(k) + 1] >= d) ++k;
  return k;
}

inline bool near(double a, double b) {
  return std::fabs(a - b) <= 1e-9 * (1.0 + std::fabs(a) + std::fabs(b));
}

// Whether any row's two sides are near each other (whatever their state: a cheap first pass that
// is almost always false, so the exact rechecks' scalar loop rarely runs).
GRADUS_VECTOR_CLONES __attribute__((noinline)) bool any_near(const double* __restrict a,
                                                             const double* __restrict b,
                                                             uint32_t n) {
  uint64_t found = 0;
  for (uint32_t i = 0; i < n; ++i) found |= near(a[i], b[i]) ? 1 : 0;
  return found != 0;
}

// Group combination kernels over a batch of outcome bytes (see BatchEvaluator::combine_group).
// all: the worst child wins, in the order met < manual < unknown < not_met; any: the best child
// wins, in the order not_met < manual < unknown < met. Both are a maximum over ranks 0–3.
inline uint8_t rank_in_all(uint8_t o) {
  return static_cast<uint8_t>(o == 0 ? 3 : o == 1 ? 0 : 4 - o);
}
inline uint8_t all_of_rank(uint8_t r) {
  return static_cast<uint8_t>(r == 3 ? 0 : r == 0 ? 1 : 4 - r);
}
inline uint8_t rank_in_any(uint8_t o) {
  return static_cast<uint8_t>(o == 1 ? 3 : o == 0 ? 0 : 4 - o);
}
inline uint8_t any_of_rank(uint8_t r) {
  return static_cast<uint8_t>(r == 3 ? 1 : r == 0 ? 0 : 4 - r);
}

template <bool kAll>
GRADUS_VECTOR_CLONES __attribute__((noinline)) void first_rank(const uint8_t* __restrict o,
                                                               uint8_t* __restrict acc,
                                                               uint32_t n) {
  for (uint32_t i = 0; i < n; ++i) acc[i] = kAll ? rank_in_all(o[i]) : rank_in_any(o[i]);
}
template <bool kAll>
GRADUS_VECTOR_CLONES __attribute__((noinline)) void max_rank(const uint8_t* __restrict o,
                                                             uint8_t* __restrict acc, uint32_t n) {
  for (uint32_t i = 0; i < n; ++i)
    acc[i] = std::max(acc[i], kAll ? rank_in_all(o[i]) : rank_in_any(o[i]));
}
template <bool kAll>
GRADUS_VECTOR_CLONES __attribute__((noinline)) void outcome_of_rank(const uint8_t* __restrict acc,
                                                                    uint8_t* __restrict out,
                                                                    uint32_t n) {
  for (uint32_t i = 0; i < n; ++i) out[i] = kAll ? all_of_rank(acc[i]) : any_of_rank(acc[i]);
}

inline bool cmp(CompareOp op, double a, double b) {
  switch (op) {
    case CompareOp::lt:
      return a < b;
    case CompareOp::le:
      return a <= b;
    case CompareOp::gt:
      return a > b;
    case CompareOp::ge:
      return a >= b;
    case CompareOp::eq:
      return a == b;
    case CompareOp::ne:
      return a != b;
  }
  return false;
}

CompareOp op_of(VOp v) {
  switch (v) {
    case VOp::lt:
      return CompareOp::lt;
    case VOp::le:
      return CompareOp::le;
    case VOp::gt:
      return CompareOp::gt;
    case VOp::ge:
      return CompareOp::ge;
    case VOp::eq:
      return CompareOp::eq;
    default:
      return CompareOp::ne;
  }
}

inline Outcome outcome_of(uint8_t st, double v) {
  if (st == kValueOk) return v != 0 ? Outcome::met : Outcome::not_met;
  return st == kValueMissing ? Outcome::unknown : Outcome::manual;
}

Outcome combine_all(const uint8_t* outs, size_t n) {
  bool unknown = false, manual = false, not_met = false;
  for (size_t k = 0; k < n; ++k) {
    not_met |= outs[k] == static_cast<uint8_t>(Outcome::not_met);
    unknown |= outs[k] == static_cast<uint8_t>(Outcome::unknown);
    manual |= outs[k] == static_cast<uint8_t>(Outcome::manual);
  }
  if (not_met) return Outcome::not_met;
  if (unknown) return Outcome::unknown;
  if (manual) return Outcome::manual;
  return Outcome::met;
}

class BatchEvaluator {
 public:
  BatchEvaluator(const Plan& plan, const Pool& pool, BatchState& s)
      : plan_(plan), pool_(pool), s_(s), as_of_(plan.options.as_of) {}

  // Only the given nodes (ascending: inputs first) and the outcomes of the given leaf criteria,
  // on `as_of`.
  void run_leaves(uint32_t begin, uint32_t count, std::span<const int> nodes, std::span<const int> criteria,
                  Date as_of) {
    s_.begin = begin;
    s_.count = count;
    n_ = count;
    as_of_ = as_of;
    for (int k : nodes) {
      if (plan_.nodes[static_cast<size_t>(k)].op != VOp::constant) node(k);
    }
    for (int criterion : criteria) {
      const PlanCriterion& pc = plan_.criteria[static_cast<size_t>(criterion)];
      uint8_t* out = &s_.outcome[static_cast<size_t>(criterion) * kBatch];
      leaf_outcomes(V(pc.node), S(pc.node), out, n_);
      if (pc.source->manual_unless) {
        const Column& col = pool_.column(*pc.source->manual_unless);
        for (uint32_t i = 0; i < n_; ++i) {
          if (col.present.empty() || !col.present[s_.begin + i]) out[i] = static_cast<uint8_t>(Outcome::manual);
        }
      }
    }
  }

  void run(uint32_t begin, uint32_t count) {
    s_.begin = begin;
    s_.count = count;
    n_ = count;
    for (size_t k = 0; k < plan_.subplans.size(); ++k)
      BatchEvaluator(*plan_.subplans[k], pool_, *s_.subs[k]).run(begin, count);
    // Constant nodes were filled when the state was made (BatchState's constructor).
    for (size_t k = 0; k < plan_.nodes.size(); ++k)
      if (plan_.nodes[k].op != VOp::constant) node(static_cast<int>(k));
    if (plan_.classify) {
      classify();
      return;
    }
    if (!plan_.indicators.empty()) score();
    criteria();
  }

 private:
  double* V(int k) { return &s_.val[static_cast<size_t>(k) * kBatch]; }
  uint8_t* S(int k) { return &s_.st[static_cast<size_t>(k) * kBatch]; }
  Date as_of() const { return as_of_; }

  GRADUS_VECTOR_CLONES void node(int k) {
    const VNode& nd = plan_.nodes[k];
    // __restrict: the uint8 state stores could otherwise alias the double inputs, which stops
    // the compiler from vectorising every loop below.
    double* __restrict v = V(k);
    uint8_t* __restrict st = S(k);
    const uint32_t n = n_;
    switch (nd.op) {
      case VOp::constant:  // filled once by BatchState's constructor
        return;
      case VOp::load:
      case VOp::ip_count: {
        const FieldDef& f = field(nd.field);
        const Column* c = nd.year == 0 ? &pool_.column(nd.field) : pool_.yearly(nd.field, nd.year);
        // Decimal micros are divided (not multiplied by 1e-6) so that a value read here and the
        // same decimal written in a policy file give the identical double.
        const double scale = f.numeric() ? 1e6 : 1.0;
        if (!c || c->present.empty()) {
          std::fill(v, v + n, 0.0);
          std::fill(st, st + n, kValueMissing);
        } else {
          const int64_t* __restrict raw = c->values.data() + s_.begin;
          const uint8_t* __restrict pr = c->present.data() + s_.begin;
          constexpr int64_t kLimit = int64_t{1} << 51;
          uint64_t spread =
              0;  // all |x| < 2^51 ⇔ every x + 2^51 fits in 52 bits (an OR, so it vectorises)
          for (uint32_t i = 0; i < n; ++i) spread |= static_cast<uint64_t>(raw[i] + kLimit);
          if ((spread >> 52) == 0) {
            for (uint32_t i = 0; i < n; ++i) v[i] = small_i64_to_f64(raw[i]) / scale;
          } else {
            for (uint32_t i = 0; i < n; ++i) v[i] = static_cast<double>(raw[i]) / scale;
          }
          for (uint32_t i = 0; i < n; ++i) st[i] = pr[i] ? kValueOk : kValueMissing;
          // A large pool is read from memory in 8 KB pieces per column and batch, among many other
          // columns, so the hardware prefetcher restarts on every page: ask for the next batch's
          // piece of this column now; it arrives while the other nodes run.
          const uint32_t next_begin = s_.begin + n;
          if (next_begin < pool_.size()) {
            const uint32_t next_n = std::min(kBatch, pool_.size() - next_begin);
            const char* raw_next = reinterpret_cast<const char*>(c->values.data() + next_begin);
            for (size_t off = 0; off < size_t{next_n} * sizeof(int64_t); off += 64)
              __builtin_prefetch(raw_next + off);
            const char* pr_next = reinterpret_cast<const char*>(c->present.data() + next_begin);
            for (size_t off = 0; off < next_n; off += 64) __builtin_prefetch(pr_next + off);
          }
        }
        if (nd.op == VOp::ip_count) {
          const auto& off = pool_.ip_items().offsets;
          for (uint32_t i = 0; i < n; ++i) {
            uint32_t e = s_.begin + i;
            if (off[e + 1] == off[e]) continue;
            v[i] = static_cast<double>(*read_fact(pool_, nd.field, 0, e, as_of())) / 1e6;
            st[i] = kValueOk;
          }
        }
        return;
      }
      case VOp::neg: {
        const double* __restrict a = V(nd.in[0]);
        const uint8_t* __restrict sa = S(nd.in[0]);
        for (uint32_t i = 0; i < n; ++i) v[i] = -a[i], st[i] = sa[i];
        return;
      }
      case VOp::not_: {
        const double* __restrict a = V(nd.in[0]);
        const uint8_t* __restrict sa = S(nd.in[0]);
        for (uint32_t i = 0; i < n; ++i) v[i] = a[i] == 0 ? 1.0 : 0.0, st[i] = sa[i];
        return;
      }
      case VOp::add:
      case VOp::sub:
      case VOp::mul: {
        const double* __restrict a = V(nd.in[0]);
        const double* __restrict b = V(nd.in[1]);
        const uint8_t* __restrict sa = S(nd.in[0]);
        const uint8_t* __restrict sb = S(nd.in[1]);
        if (nd.op == VOp::add)
          for (uint32_t i = 0; i < n; ++i) v[i] = a[i] + b[i];
        else if (nd.op == VOp::sub)
          for (uint32_t i = 0; i < n; ++i) v[i] = a[i] - b[i];
        else
          for (uint32_t i = 0; i < n; ++i) v[i] = a[i] * b[i];
        for (uint32_t i = 0; i < n; ++i) st[i] = comb(sa[i], sb[i]);
        return;
      }
      case VOp::div:
      case VOp::ratio: {
        const double* __restrict a = V(nd.in[0]);
        const double* __restrict b = V(nd.in[1]);
        const uint8_t* __restrict sa = S(nd.in[0]);
        const uint8_t* __restrict sb = S(nd.in[1]);
        const double mul = nd.op == VOp::ratio ? 100.0 : 1.0;
        // Values and states in separate loops (one element width each, so both vectorise);
        // divide by 1 where the divisor is 0 (the value is discarded) to avoid a conditional
        // division; a zero divisor makes a decided row undefined (rare: a branch that holds).
        for (uint32_t i = 0; i < n; ++i) {
          const bool zero = b[i] == 0;
          const double q = a[i] * mul / (zero ? 1.0 : b[i]);
          v[i] = zero ? 0.0 : q;
        }
        for (uint32_t i = 0; i < n; ++i) st[i] = comb(sa[i], sb[i]);
        for (uint32_t i = 0; i < n; ++i)
          if (b[i] == 0 && st[i] == kValueOk) st[i] = kValueUndefined;
        return;
      }
      case VOp::cagr: {
        const double* __restrict a = V(nd.in[0]);
        const double* __restrict b = V(nd.in[1]);
        const uint8_t* __restrict sa = S(nd.in[0]);
        const uint8_t* __restrict sb = S(nd.in[1]);
        const double inv = 1.0 / nd.constant;
        for (uint32_t i = 0; i < n; ++i) {
          uint8_t s = comb(sa[i], sb[i]);
          bool bad = b[i] <= 0 || a[i] < 0;
          v[i] = bad ? 0.0 : (std::pow(a[i] / b[i], inv) - 1.0) * 100.0;
          st[i] = (s == kValueOk && bad) ? kValueUndefined : s;
        }
        return;
      }
      case VOp::sum:
      case VOp::mean:
      case VOp::min:
      case VOp::max: {
        const double* __restrict a0 = V(nd.in[0]);
        const uint8_t* __restrict s0 = S(nd.in[0]);
        std::copy(a0, a0 + n, v);
        std::copy(s0, s0 + n, st);
        for (size_t j = 1; j < nd.in.size(); ++j) {
          const double* __restrict a = V(nd.in[j]);
          const uint8_t* __restrict sa = S(nd.in[j]);
          for (uint32_t i = 0; i < n; ++i) {
            st[i] = comb(st[i], sa[i]);
            if (nd.op == VOp::min)
              v[i] = std::min(v[i], a[i]);
            else if (nd.op == VOp::max)
              v[i] = std::max(v[i], a[i]);
            else
              v[i] += a[i];
          }
        }
        if (nd.op == VOp::mean) {
          const double k = static_cast<double>(nd.in.size());
          for (uint32_t i = 0; i < n; ++i) v[i] /= k;
        }
        return;
      }
      case VOp::lt:
      case VOp::le:
      case VOp::gt:
      case VOp::ge:
      case VOp::eq:
      case VOp::ne: {
        const double* __restrict a = V(nd.in[0]);
        const double* __restrict b = V(nd.in[1]);
        const uint8_t* __restrict sa = S(nd.in[0]);
        const uint8_t* __restrict sb = S(nd.in[1]);
        const CompareOp op = op_of(nd.op);
        const VNode& left = plan_.nodes[nd.in[0]];
        const VNode& right = plan_.nodes[nd.in[1]];
        if (right.op == VOp::constant) {
          std::copy(sa, sa + n, st);
          compare_to_constant(a, right.constant, op, v);
        } else if (left.op == VOp::constant) {
          std::copy(sb, sb + n, st);
          compare_to_constant(b, left.constant, swapped(op), v);
        } else {
          for (uint32_t i = 0; i < n; ++i) st[i] = comb(sa[i], sb[i]);
          switch (op) {
            case CompareOp::lt:
              compare_loop(a, b, v, n, std::less<>{});
              break;
            case CompareOp::le:
              compare_loop(a, b, v, n, std::less_equal<>{});
              break;
            case CompareOp::gt:
              compare_loop(a, b, v, n, std::greater<>{});
              break;
            case CompareOp::ge:
              compare_loop(a, b, v, n, std::greater_equal<>{});
              break;
            case CompareOp::eq:
              compare_loop(a, b, v, n, std::equal_to<>{});
              break;
            case CompareOp::ne:
              compare_loop(a, b, v, n, std::not_equal_to<>{});
              break;
          }
        }
        // Boundary rechecks: only rows whose two sides are within rounding distance. A first
        // branch-free pass finds whether there is any (rarely), the second decides them.
        if (nd.lhs && nd.rhs) {
          if (any_near(a, b, n)) {
            for (uint32_t i = 0; i < n; ++i) {
              if (st[i] != kValueOk || !near(a[i], b[i])) continue;
              if (auto r = exact_compare(plan_, pool_, s_.begin + i, *nd.lhs, op, *nd.rhs))
                v[i] = *r ? 1.0 : 0.0;
            }
          }
        }
        return;
      }
      case VOp::and_:
      case VOp::or_: {
        const double* __restrict a = V(nd.in[0]);
        const double* __restrict b = V(nd.in[1]);
        const uint8_t* __restrict sa = S(nd.in[0]);
        const uint8_t* __restrict sb = S(nd.in[1]);
        const bool is_and = nd.op == VOp::and_;
        for (uint32_t i = 0; i < n; ++i) {
          bool da = sa[i] == kValueOk, db = sb[i] == kValueOk;
          bool ta = a[i] != 0, tb = b[i] != 0;
          // A decided operand that settles the result wins over an undecided one (Kleene logic).
          bool settles = is_and ? ((da && !ta) || (db && !tb)) : ((da && ta) || (db && tb));
          if (settles) {
            v[i] = is_and ? 0.0 : 1.0;
            st[i] = kValueOk;
          } else if (da && db) {
            v[i] = is_and ? 1.0 : 0.0;
            st[i] = kValueOk;
          } else {
            v[i] = 0.0;
            st[i] = comb(sa[i], sb[i]);
          }
        }
        return;
      }
      case VOp::years_in:
      case VOp::years_since:
      case VOp::days_since: {
        const double* __restrict a = V(nd.in[0]);
        const uint8_t* __restrict sa = S(nd.in[0]);
        const int year = as_of().year();
        const int32_t today = as_of().days();
        std::copy(sa, sa + n, st);
        if (nd.op == VOp::days_since) {
          for (uint32_t i = 0; i < n; ++i) v[i] = sa[i] == kValueOk ? today - a[i] : 0.0;
          return;
        }
        for (uint32_t i = 0; i < n; ++i) {
          if (sa[i] != kValueOk) {
            v[i] = 0;
            continue;
          }
          const int32_t d = static_cast<int32_t>(a[i]);
          v[i] = nd.op == VOp::years_in ? years_to_jan1(d, plan_.jan1_days, year)
                                        : completed_years(Date::from_days(d), as_of());
        }
        return;
      }
      case VOp::has: {
        const double* __restrict a = V(nd.in[0]);
        const uint8_t* __restrict sa = S(nd.in[0]);
        std::copy(sa, sa + n, st);
        // A set is a bit mask held as a whole double; below 2^51 (every shipped enum) it is
        // turned back into an integer with the 2^52 + 2^51 trick, which vectorises.
        bool small = true;
        for (uint32_t i = 0; i < n; ++i) small &= a[i] >= 0 && a[i] < 2251799813685248.0;
        if (small) {
          const int64_t mask = static_cast<int64_t>(nd.mask);
          for (uint32_t i = 0; i < n; ++i) v[i] = (small_f64_to_i64(a[i]) & mask) ? 1.0 : 0.0;
        } else {
          for (uint32_t i = 0; i < n; ++i)
            v[i] = (static_cast<uint64_t>(a[i]) & nd.mask) ? 1.0 : 0.0;
        }
        return;
      }
      // Event facts: most enterprises have no events of a kind, and an empty list gives the
      // same answer for all of them (none held, none within, no award), read without a call.
      case VOp::holds_title:
        per_row_events(pool_.titles(), v, st, [&](uint32_t e) {
          return std::pair<double, uint8_t>(holds_title(pool_, e, as_of(), nd.names), kValueOk);
        });
        return;
      case VOp::honour_valid:
        per_row_events(pool_.honours(), v, st, [&](uint32_t e) {
          return std::pair<double, uint8_t>(honour_valid(pool_, e, as_of(), nd.mask), kValueOk);
        });
        return;
      case VOp::incidents_within: {
        const int years = static_cast<int>(nd.constant);
        per_row_events(pool_.incidents(), v, st, [&](uint32_t e) {
          return std::pair<double, uint8_t>(incidents_within(pool_, e, as_of(), years, nd.mask),
                                            kValueOk);
        });
        return;
      }
      case VOp::incidents_active:
        per_row_events(pool_.incidents(), v, st, [&](uint32_t e) {
          return std::pair<double, uint8_t>(incidents_active(pool_, e, as_of(), nd.mask), kValueOk);
        });
        return;
      case VOp::awards_within: {
        const int years = static_cast<int>(nd.constant);
        per_row_events(pool_.awards(), v, st, [&](uint32_t e) {
          bool rank_unknown = false;
          int c = awards_within(pool_, e, as_of(), years, nd.level, nd.rank, &rank_unknown);
          return std::pair<double, uint8_t>(c, (c == 0 && rank_unknown) ? kValueMissing : kValueOk);
        });
        return;
      }
      case VOp::maker_china_within: {
        const int years = static_cast<int>(nd.constant);
        per_row_events(pool_.maker_china(), v, st, [&](uint32_t e) {
          return std::pair<double, uint8_t>(maker_china_within(pool_, e, as_of(), years, nd.level),
                                            kValueOk);
        });
        return;
      }
      case VOp::policy_ref: {
        const BatchState& sub = *s_.subs[nd.subplan];
        const uint8_t* __restrict o =
            sub.plan->classify ? sub.class_outcome.data()
                               : &sub.outcome[static_cast<size_t>(sub.plan->root()) * kBatch];
        // met → true, not_met → false, unknown → missing, manual → undefined.
        for (uint32_t i = 0; i < n; ++i) {
          v[i] = o[i] == static_cast<uint8_t>(Outcome::met) ? 1.0 : 0.0;
          st[i] = static_cast<uint8_t>(o[i] > 1 ? o[i] - 1 : 0);
        }
        return;
      }
    }
  }

  void compare_to_constant(const double* a, double c, CompareOp op, double* v) {
    switch (op) {
      case CompareOp::lt:
        compare_const_loop(a, c, v, n_, std::less<>{});
        break;
      case CompareOp::le:
        compare_const_loop(a, c, v, n_, std::less_equal<>{});
        break;
      case CompareOp::gt:
        compare_const_loop(a, c, v, n_, std::greater<>{});
        break;
      case CompareOp::ge:
        compare_const_loop(a, c, v, n_, std::greater_equal<>{});
        break;
      case CompareOp::eq:
        compare_const_loop(a, c, v, n_, std::equal_to<>{});
        break;
      case CompareOp::ne:
        compare_const_loop(a, c, v, n_, std::not_equal_to<>{});
        break;
    }
  }

  // Fills a node from an event list: rows without events get `fact(empty list)` (computed once),
  // the others call fact(row), which returns the value and its state.
  template <typename T, typename Fact>
  void per_row_events(const EventLists<T>& events, double* __restrict v, uint8_t* __restrict st,
                      Fact fact) {
    const uint32_t* off = events.offsets.data() + s_.begin;
    // Every row first gets the answer for an empty list (one call, on a row without events if
    // there is one), then the rows with events are recomputed.
    uint32_t empty_row = 0;
    while (empty_row < n_ && off[empty_row + 1] != off[empty_row]) ++empty_row;
    if (empty_row < n_) {
      const std::pair<double, uint8_t> none = fact(s_.begin + empty_row);
      std::fill(v, v + n_, none.first);
      std::fill(st, st + n_, none.second);
    }
    for (uint32_t i = 0; i < n_; ++i) {
      if (off[i + 1] == off[i]) continue;
      const std::pair<double, uint8_t> r = fact(s_.begin + i);
      v[i] = r.first, st[i] = r.second;
    }
  }

  // Whether the value lies in the band's range, deciding boundary cases exactly.
  bool in_range(const Band& b, const Expr& value, double x, uint32_t i, bool exact_double) {
    auto side = [&](double bound, CompareOp op) {
      if (std::isinf(bound)) return cmp(op, x, bound);
      if (!exact_double && near(x, bound)) {
        if (auto r = exact_compare_const(plan_, pool_, s_.begin + i, value, op, bound)) return *r;
      }
      return cmp(op, x, bound);
    };
    return side(b.lo, b.lo_closed ? CompareOp::ge : CompareOp::gt) &&
           side(b.hi, b.hi_closed ? CompareOp::le : CompareOp::lt);
  }

  int variant_for(const PlanIndicator& pi, uint32_t i) {
    if (pi.variants.size() == 1) return 0;
    static const FieldId region = find_field("region")->id;
    const Column& c = pool_.column(region);
    uint32_t e = s_.begin + i;
    if (c.present.empty() || !c.present[e]) return 0;
    const int64_t code = c.values[e];
    for (size_t k = 1; k < pi.variants.size(); ++k)
      if (code / pi.variants[k].jurisdiction_div == pi.variants[k].jurisdiction_prefix)
        return static_cast<int>(k);
    return 0;
  }

  void indicator(size_t k, uint32_t i) {
    const PlanIndicator& pi = plan_.indicators[k];
    int vi = variant_for(pi, i);
    const PlanIndicatorVariant& var = pi.variants[vi];
    const Indicator& ind = *var.source;
    size_t at = k * kBatch + i;
    s_.variant[at] = static_cast<uint8_t>(vi);
    double lo = 0, hi = 0;
    uint8_t flags = 0;
    int8_t band = -1;
    if (ind.manual) {
      lo = 0, hi = ind.max, flags = kPointsManual;
    } else if (!ind.bands.empty()) {
      double plo = std::numeric_limits<double>::infinity(), phi = -plo;
      bool uncertain = false, decided = false;
      for (size_t b = 0; b < ind.bands.size(); ++b) {
        const Band& bd = ind.bands[b];
        uint8_t st = kValueOk;
        bool holds = false;
        if (bd.otherwise) {
          holds = true;
        } else if (bd.has_range) {
          st = S(var.value_node)[i];
          if (st == kValueOk)
            holds = in_range(bd, *ind.value, V(var.value_node)[i], i,
                             plan_.nodes[var.value_node].exactness != VNode::Exactness::computed);
        } else {
          st = S(var.when_nodes[b])[i];
          holds = st == kValueOk && V(var.when_nodes[b])[i] != 0;
        }
        if (st != kValueOk) {
          plo = std::min(plo, bd.points), phi = std::max(phi, bd.points);
          uncertain = true;
          flags |= st == kValueMissing ? kPointsUnknown : kPointsManual;
          continue;
        }
        if (holds) {
          plo = std::min(plo, bd.points), phi = std::max(phi, bd.points);
          if (!uncertain) band = static_cast<int8_t>(b);
          decided = true;
          break;
        }
      }
      if (!decided) plo = std::min(plo, 0.0), phi = std::max(phi, 0.0);
      lo = plo, hi = phi;
    } else {
      for (size_t t = 0; t < ind.items.size(); ++t) {
        uint8_t st = S(var.when_nodes[t])[i];
        if (st == kValueOk) {
          if (V(var.when_nodes[t])[i] != 0) lo += ind.items[t].points, hi += ind.items[t].points;
        } else {
          hi += ind.items[t].points;
          flags |= st == kValueMissing ? kPointsUnknown : kPointsManual;
        }
      }
      lo = std::min(lo, ind.max), hi = std::min(hi, ind.max);
    }
    s_.lo[at] = lo, s_.hi[at] = hi, s_.flags[at] = flags, s_.band[at] = band;
  }

  Outcome pass_rule(const PassRule& r, double lo, double hi, uint8_t flags) {
    const double t = r.threshold;
    auto sure = [&](double x) {
      return cmp(r.op, x, t) || (near(x, t) && (r.op == CompareOp::ge || r.op == CompareOp::le ||
                                                r.op == CompareOp::eq));
    };
    bool at_lo = sure(lo), at_hi = sure(hi);
    if (at_lo && at_hi) return Outcome::met;
    if (!at_lo && !at_hi && lo == hi) return Outcome::not_met;
    // Interval: for >= and > the low end decides "met", the high end "not met" (mirrored for <,
    // <=).
    bool lower_better = r.op == CompareOp::le || r.op == CompareOp::lt;
    bool met_sure = lower_better ? at_hi : at_lo;
    bool fail_sure = lower_better ? !at_lo : !at_hi;
    if (met_sure) return Outcome::met;
    if (fail_sure) return Outcome::not_met;
    return (flags & kPointsUnknown) ? Outcome::unknown : Outcome::manual;
  }

  void score() {
    const Score& sc = *plan_.policy->score;
    const size_t nc = sc.classes.size();
    for (size_t k = 0; k < plan_.indicators.size(); ++k)
      for (uint32_t i = 0; i < n_; ++i) indicator(k, i);
    for (uint32_t i = 0; i < n_; ++i) {
      double tlo = 0, thi = 0;
      uint8_t tf = 0;
      for (size_t c = 0; c < nc; ++c)
        s_.class_lo[c * kBatch + i] = s_.class_hi[c * kBatch + i] = 0,
                                 s_.class_flags[c * kBatch + i] = 0;
      for (size_t k = 0; k < plan_.indicators.size(); ++k) {
        size_t at = k * kBatch + i;
        size_t c = plan_.indicators[k].class_index * kBatch + i;
        s_.class_lo[c] += s_.lo[at], s_.class_hi[c] += s_.hi[at], s_.class_flags[c] |= s_.flags[at];
        tlo += s_.lo[at], thi += s_.hi[at], tf |= s_.flags[at];
      }
      s_.total_lo[i] = tlo, s_.total_hi[i] = thi, s_.total_flags[i] = tf;
      uint8_t outs[16];
      size_t m = 0;
      for (size_t pr = 0; pr < sc.pass.size(); ++pr) {
        const PassRule& r = sc.pass[pr];
        double lo = tlo, hi = thi;
        uint8_t f = tf;
        auto [kind, idx] = plan_.pass_targets[pr];
        if (kind == 1) {
          size_t at = static_cast<size_t>(idx) * kBatch + i;
          lo = s_.class_lo[at], hi = s_.class_hi[at], f = s_.class_flags[at];
        } else if (kind == 2) {
          size_t at = static_cast<size_t>(idx) * kBatch + i;
          lo = s_.lo[at], hi = s_.hi[at], f = s_.flags[at];
        }
        if (m < 16) outs[m++] = static_cast<uint8_t>(pass_rule(r, lo, hi, f));
      }
      s_.pass[i] = static_cast<uint8_t>(combine_all(outs, m));
    }
  }

  void criteria() {
    static const uint8_t kManual = static_cast<uint8_t>(Outcome::manual);
    for (size_t c = 0; c < plan_.criteria.size(); ++c) {
      const PlanCriterion& pc = plan_.criteria[c];
      const Criterion& src = *pc.source;
      uint8_t* out = &s_.outcome[c * kBatch];
      if (pc.node >= 0) {
        leaf_outcomes(V(pc.node), S(pc.node), out, n_);
      } else if (pc.score_pass) {
        std::copy(s_.pass.begin(), s_.pass.begin() + n_, out);
      } else if (src.kind == Criterion::Kind::manual) {
        std::fill(out, out + n_, kManual);
      } else {
        combine_group(pc, out);
      }
      if (src.manual_unless) {
        const Column& col = pool_.column(*src.manual_unless);
        if (col.present.empty()) {
          std::fill(out, out + n_, kManual);
        } else {
          const uint8_t* __restrict present = col.present.data() + s_.begin;
          for (uint32_t i = 0; i < n_; ++i) out[i] = present[i] ? out[i] : kManual;
        }
      }
    }
  }

  // A leaf's outcome from its boolean node: ok → met (1) / not_met (0); missing (1) → unknown (2);
  // undefined (2) → manual (3).
  static GRADUS_VECTOR_CLONES void leaf_outcomes(const double* __restrict v,
                                                 const uint8_t* __restrict st,
                                                 uint8_t* __restrict o, uint32_t n) {
    for (uint32_t i = 0; i < n; ++i) {
      const uint8_t truth = v[i] != 0 ? 1 : 0;
      o[i] = static_cast<uint8_t>(st[i] ? st[i] + 1 : truth);
    }
  }

  template <bool kAll>
  static void combine_by_rank(std::span<const uint8_t* const> children, uint8_t* out, uint32_t n) {
    alignas(64) uint8_t acc[kBatch];
    first_rank<kAll>(children[0], acc, n);
    for (size_t k = 1; k < children.size(); ++k) max_rank<kAll>(children[k], acc, n);
    outcome_of_rank<kAll>(acc, out, n);
  }

  void combine_group(const PlanCriterion& pc, uint8_t* __restrict out) {
    const Criterion& src = *pc.source;
    const int nch = static_cast<int>(pc.children.size());
    const uint32_t n = n_;
    if (nch == 0) {
      std::fill(out, out + n, static_cast<uint8_t>(Outcome::met));
      return;
    }
    const uint8_t* child_outcomes[256] =
        {};  // a group has at most 255 children (checked when compiling)
    for (int k = 0; k < nch; ++k)
      child_outcomes[k] = &s_.outcome[static_cast<size_t>(pc.children[k]) * kBatch];
    const std::span<const uint8_t* const> children(child_outcomes, static_cast<size_t>(nch));
    if (src.kind == Criterion::Kind::all) return combine_by_rank<true>(children, out, n);
    if (src.kind == Criterion::Kind::any) return combine_by_rank<false>(children, out, n);
    // at_least: count the children's outcomes per row (children outer, rows inner: straight loops).
    // uint8 counters: a group has fewer than 256 children (checked when compiling).
    alignas(64) uint8_t met[kBatch], open_unknown[kBatch], open_manual[kBatch];
    std::fill(met, met + n, 0);
    std::fill(open_unknown, open_unknown + n, 0);
    std::fill(open_manual, open_manual + n, 0);
    for (const uint8_t* child : children) {
      const uint8_t* __restrict o = child;
      for (uint32_t i = 0; i < n; ++i) {
        met[i] = static_cast<uint8_t>(met[i] + (o[i] == 1));
        open_unknown[i] = static_cast<uint8_t>(open_unknown[i] + (o[i] == 2));
        open_manual[i] = static_cast<uint8_t>(open_manual[i] + (o[i] == 3));
      }
    }
    const int need = src.at_least;
    for (uint32_t i = 0; i < n; ++i) {
      Outcome o;
      if (met[i] >= need)
        o = Outcome::met;
      else if (met[i] + open_unknown[i] + open_manual[i] < need)
        o = Outcome::not_met;
      else
        o = open_unknown[i] ? Outcome::unknown : Outcome::manual;
      out[i] = static_cast<uint8_t>(o);
    }
  }

  // Size classes (NBS method): from the highest class down, the first class whose every bound
  // holds is the result; a bound on a missing indicator leaves that class possible (and the next
  // ones too); the last class takes what no other class does.
  void classify() {
    const PlanClassify& pc = *plan_.classify;
    const bool recheck = std::find(pc.recheck.begin(), pc.recheck.end(), 1) != pc.recheck.end();
    switch (pc.source->op) {
      case CompareOp::lt:
        return recheck ? classify_rows<CompareOp::lt, true>()
                       : classify_rows<CompareOp::lt, false>();
      case CompareOp::le:
        return recheck ? classify_rows<CompareOp::le, true>()
                       : classify_rows<CompareOp::le, false>();
      case CompareOp::gt:
        return recheck ? classify_rows<CompareOp::gt, true>()
                       : classify_rows<CompareOp::gt, false>();
      case CompareOp::ge:
        return recheck ? classify_rows<CompareOp::ge, true>()
                       : classify_rows<CompareOp::ge, false>();
      case CompareOp::eq:
        return recheck ? classify_rows<CompareOp::eq, true>()
                       : classify_rows<CompareOp::eq, false>();
      case CompareOp::ne:
        return recheck ? classify_rows<CompareOp::ne, true>()
                       : classify_rows<CompareOp::ne, false>();
    }
  }

  template <CompareOp kOp, bool kRecheck>
  void classify_rows() {
    const PlanClassify& pc = *plan_.classify;
    const Classify& c = *pc.source;
    const Column& ind = pool_.column(pc.industry);
    const size_t ncls = c.classes.size();
    const size_t nind = pc.indicator_nodes.size();
    const uint8_t all_classes = static_cast<uint8_t>((1u << ncls) - 1);
    const uint8_t last_class = static_cast<uint8_t>(1u << (ncls - 1));
    const double* x[8];
    const uint8_t* xs[8];
    for (size_t j = 0; j < nind; ++j)
      x[j] = V(pc.indicator_nodes[j]), xs[j] = S(pc.indicator_nodes[j]);
    const bool no_industry = ind.present.empty();
    const uint8_t* bound_mask = pc.bound_mask.data();
    const double* dense_bounds = pc.dense_bounds.data();
    for (uint32_t i = 0; i < n_; ++i) {
      const uint32_t e = s_.begin + i;
      int16_t cat = -1;
      if (!no_industry && ind.present[e] && static_cast<uint64_t>(ind.values[e]) < 10000)
        cat = pc.category_of_class[static_cast<size_t>(ind.values[e])];
      s_.category[i] = cat;
      uint8_t possible = all_classes;
      if (cat >= 0) {
        unsigned open = 0;  // indicators whose value is missing or undefined in this row
        for (size_t j = 0; j < nind; ++j) open |= static_cast<unsigned>(xs[j][i] != kValueOk) << j;
        // Branch-free over the classes: holding = the classes defined for the category whose
        // decided bounds all hold; pending = those with a bound on an open indicator.
        unsigned holding = 0, pending = 0;
        for (size_t cl = 0; cl + 1 < ncls; ++cl) {
          const size_t at = static_cast<size_t>(cat) * ncls + cl;
          const unsigned bounded = bound_mask[at];
          const double* bound = dense_bounds + at * nind;
          unsigned fails = 0;
          for (size_t j = 0; j < nind; ++j) {
            bool h = cmp(kOp, x[j][i], bound[j]);
            if (kRecheck && pc.recheck[j] && ((bounded & ~open) >> j & 1) &&
                near(x[j][i], bound[j]))
              if (auto r =
                      exact_compare_const(plan_, pool_, e, *c.indicators[j].expr, kOp, bound[j]))
                h = *r;
            fails |= static_cast<unsigned>(!h) << j;
          }
          holding |= static_cast<unsigned>(bounded != 0 && (fails & bounded & ~open) == 0) << cl;
          pending |= static_cast<unsigned>((bounded & open) != 0) << cl;
        }
        // From the top: every holding class is possible down to the first one decided; when
        // none is decided, the last class too.
        const unsigned decided = holding & ~pending;
        possible = static_cast<uint8_t>(decided ? holding & (((decided & (0u - decided)) << 1) - 1)
                                                : holding | last_class);
      }
      const bool single = (possible & (possible - 1)) == 0;
      s_.result[i] = single ? static_cast<int8_t>(std::countr_zero(static_cast<unsigned>(possible)))
                            : int8_t{-1};
      s_.possible[i] = possible;
      const Outcome o = (possible & ~pc.met_mask) == 0  ? Outcome::met
                        : (possible & pc.met_mask) == 0 ? Outcome::not_met
                                                        : Outcome::unknown;
      s_.class_outcome[i] = static_cast<uint8_t>(o);
    }
  }

  const Plan& plan_;
  const Pool& pool_;
  BatchState& s_;
  uint32_t n_ = 0;
  Date as_of_;  // the plan's, or the day run_leaves is asked about
};

}  // namespace

BatchState::BatchState(const Plan& p) : plan(&p) {
  val.assign(p.nodes.size() * kBatch, 0.0);
  st.assign(p.nodes.size() * kBatch, 0);
  // Constant nodes hold the same value in every batch: filled here, once, never by the evaluator.
  for (size_t k = 0; k < p.nodes.size(); ++k)
    if (p.nodes[k].op == VOp::constant)
      std::fill_n(val.begin() + static_cast<std::ptrdiff_t>(k * kBatch), kBatch,
                  p.nodes[k].constant);
  outcome.assign(p.criteria.size() * kBatch, 0);
  size_t ni = p.indicators.size() * kBatch;
  lo.assign(ni, 0), hi.assign(ni, 0), flags.assign(ni, 0), band.assign(ni, -1),
      variant.assign(ni, 0);
  if (p.policy->score) {
    size_t nc = p.policy->score->classes.size() * kBatch;
    class_lo.assign(nc, 0), class_hi.assign(nc, 0), class_flags.assign(nc, 0);
    total_lo.assign(kBatch, 0), total_hi.assign(kBatch, 0), total_flags.assign(kBatch, 0),
        pass.assign(kBatch, 0);
  }
  if (p.classify) {
    result.assign(kBatch, -1), possible.assign(kBatch, 0), category.assign(kBatch, -1),
        class_outcome.assign(kBatch, 0);
  }
  for (const auto& sp : p.subplans) subs.push_back(std::make_unique<BatchState>(*sp));
}

bool BatchState::rebind(const Plan& p) {
  if (plan == &p) return true;
  if (p.nodes.size() * kBatch != val.size() || p.criteria.size() * kBatch != outcome.size() ||
      p.indicators.size() * kBatch != lo.size() || p.subplans.size() != subs.size() ||
      p.policy != plan->policy) {
    return false;
  }
  for (size_t k = 0; k < subs.size(); ++k) {
    if (!subs[k]->rebind(*p.subplans[k])) return false;
  }
  for (size_t k = 0; k < p.nodes.size(); ++k) {
    const VNode& now = p.nodes[k];
    if (now.op != VOp::constant) continue;
    const VNode& was = plan->nodes[k];
    if (was.op == VOp::constant && was.constant == now.constant) continue;
    std::fill_n(val.begin() + static_cast<std::ptrdiff_t>(k * kBatch), kBatch, now.constant);
  }
  plan = &p;
  return true;
}

bool evaluate_leaves(const Plan& plan, const Pool& pool, uint32_t begin, uint32_t count, BatchState& state,
                     std::span<const int> criteria, Date as_of) {
  const bool other_day = as_of != plan.options.as_of;
  if (as_of.year() != plan.options.as_of.year()) return false;
  std::vector<int> nodes;
  std::vector<uint8_t> seen(plan.nodes.size(), 0);
  for (int criterion : criteria) {
    if (criterion < 0 || static_cast<size_t>(criterion) >= plan.criteria.size()) return false;
    const PlanCriterion& pc = plan.criteria[static_cast<size_t>(criterion)];
    if (pc.node < 0) return false;
    std::vector<int> stack{pc.node};
    while (!stack.empty()) {
      const int k = stack.back();
      stack.pop_back();
      if (seen[static_cast<size_t>(k)]) continue;
      seen[static_cast<size_t>(k)] = 1;
      const VNode& n = plan.nodes[static_cast<size_t>(k)];
      if (n.op == VOp::policy_ref) return false;  // reads a sub-plan's evaluation
      if (other_day) {
        if (n.op == VOp::holds_title || (n.op == VOp::load && n.year != 0)) return false;
        // A boundary recheck (computed sides) is done in exact arithmetic on the plan's own day.
        if (n.lhs != nullptr || n.rhs != nullptr) return false;
      }
      nodes.push_back(k);
      stack.insert(stack.end(), n.in.begin(), n.in.end());
    }
  }
  std::sort(nodes.begin(), nodes.end());  // a node's inputs have smaller indices
  BatchEvaluator(plan, pool, state).run_leaves(begin, count, nodes, criteria, as_of);
  return true;
}

void evaluate_batch(const Plan& plan, const Pool& pool, uint32_t begin, uint32_t count,
                    BatchState& state) {
  BatchEvaluator(plan, pool, state).run(begin, count);
}

Outcome root_outcome(const BatchState& s, uint32_t i) {
  if (s.plan->classify) return static_cast<Outcome>(s.class_outcome[i]);
  return static_cast<Outcome>(s.outcome[static_cast<size_t>(s.plan->root()) * kBatch + i]);
}

void evaluate_pool(std::span<const Plan* const> plans, const Pool& pool, unsigned threads,
                   const BatchSink& sink) {
  evaluate_batches(plans, pool, 0, (pool.size() + kBatch - 1) / kBatch, threads, sink);
}

void evaluate_batches(std::span<const Plan* const> plans, const Pool& pool, size_t first_batch,
                      size_t last_batch, unsigned threads, const BatchSink& sink) {
  if (threads == 0) threads = std::max(1u, std::thread::hardware_concurrency());
  const uint32_t n = pool.size();
  last_batch = std::min<size_t>(last_batch, (n + kBatch - 1) / kBatch);
  if (first_batch >= last_batch) return;
  threads = static_cast<unsigned>(std::min<size_t>(threads, last_batch - first_batch));
  std::atomic<size_t> next{first_batch};
  auto work = [&]() {
    std::vector<std::unique_ptr<BatchState>> states;
    std::vector<BatchState*> ptrs;
    for (const Plan* p : plans) {
      states.push_back(std::make_unique<BatchState>(*p));
      ptrs.push_back(states.back().get());
    }
    for (size_t b = next++; b < last_batch; b = next++) {
      uint32_t begin = static_cast<uint32_t>(b * kBatch);
      uint32_t count = std::min<uint32_t>(kBatch, n - begin);
      for (size_t k = 0; k < plans.size(); ++k)
        evaluate_batch(*plans[k], pool, begin, count, *ptrs[k]);
      sink(b, BatchView{begin, count, ptrs});
    }
  };
  if (threads <= 1) {
    work();
    return;
  }
  std::vector<std::thread> workers;
  for (unsigned t = 0; t < threads; ++t) workers.emplace_back(work);
  for (auto& t : workers) t.join();
}

}  // namespace gradus
