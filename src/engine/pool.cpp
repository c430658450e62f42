// Pool storage and PoolBuilder.
#include "engine/pool.h"

#include <algorithm>
#include <type_traits>

namespace gradus {

namespace {

const std::string kEmpty;

void grow(Column& c, size_t n) {
  if (c.values.size() < n) {
    c.values.resize(n, 0);
    c.present.resize(n, 0);
  }
}

// While building, columns grow by whole chunks of enterprises (rather than one enterprise at a
// time); finish() cuts them to the exact size.
constexpr size_t kGrowChunk = 4096;
size_t chunked(size_t n) { return (n + kGrowChunk - 1) / kGrowChunk * kGrowChunk; }

void fit(Column& c, size_t n) {
  c.values.resize(n, 0);
  c.present.resize(n, 0);
}

template <typename T>
EventLists<T> to_lists(std::vector<std::pair<uint32_t, T>>& pending,
                       const std::vector<uint32_t>& remap, uint32_t n) {
  EventLists<T> out;
  auto before = [&](const auto& a, const auto& b) { return remap[a.first] < remap[b.first]; };
  // Usually in order already (the rows of an enterprise come together).
  if (!std::is_sorted(pending.begin(), pending.end(), before)) {
    std::stable_sort(pending.begin(), pending.end(), before);
  }
  out.offsets.assign(n + 1, 0);
  for (auto& [e, item] : pending) {
    uint32_t to = remap[e];
    if (to == UINT32_MAX) continue;
    out.offsets[to + 1]++;
    out.items.push_back(std::move(item));
  }
  for (uint32_t i = 0; i < n; ++i) out.offsets[i + 1] += out.offsets[i];
  return out;
}

template <typename T>
EventLists<T> subset_lists(const EventLists<T>& in, std::span<const uint32_t> rows) {
  EventLists<T> out;
  out.offsets.reserve(rows.size() + 1);
  for (uint32_t r : rows) {
    for (const T& item : in.of(r)) out.items.push_back(item);
    out.offsets.push_back(static_cast<uint32_t>(out.items.size()));
  }
  return out;
}

Column subset_column(const Column& c, std::span<const uint32_t> rows) {
  Column out;
  if (c.values.empty()) return out;  // the empty slot of a text or yearly field
  out.values.resize(rows.size());
  out.present.resize(rows.size());
  for (size_t k = 0; k < rows.size(); ++k) {  // a plain gather: no capacity check per element
    out.values[k] = c.values[rows[k]];
    out.present[k] = c.present[rows[k]];
  }
  return out;
}

}  // namespace

const Column* Pool::yearly(FieldId f, int year) const {
  if (year < first_year_ || year > last_year_) return nullptr;
  const auto& years = yearly_[f];
  if (years.empty()) return nullptr;
  return &years[year - first_year_];
}

const std::string& Pool::text(FieldId f, uint32_t e) const {
  const auto& t = texts_[f];
  return t.empty() ? kEmpty : t[e];
}

const std::string& Pool::uscc(uint32_t e) const { return texts_[find_field("uscc")->id][e]; }

std::optional<uint32_t> Pool::find(std::string_view uscc) const {
  auto it = index_.find(std::string(uscc));
  if (it == index_.end()) return std::nullopt;
  return it->second;
}

Pool Pool::subset_for_evaluation(std::span<const uint32_t> rows) const {
  Pool out;
  out.size_ = static_cast<uint32_t>(rows.size());
  out.first_year_ = first_year_;
  out.last_year_ = last_year_;
  for (const Column& c : columns_) out.columns_.push_back(subset_column(c, rows));
  for (const auto& years : yearly_) {
    std::vector<Column> ys;
    for (const Column& c : years) ys.push_back(subset_column(c, rows));
    out.yearly_.push_back(std::move(ys));
  }
  out.texts_.resize(texts_.size());
  out.titles_ = subset_lists(titles_, rows);
  out.incidents_ = subset_lists(incidents_, rows);
  out.awards_ = subset_lists(awards_, rows);
  out.maker_china_ = subset_lists(maker_china_, rows);
  out.honours_ = subset_lists(honours_, rows);
  out.ip_items_ = subset_lists(ip_items_, rows);
  return out;
}

Pool Pool::subset(std::span<const uint32_t> rows) const {
  Pool out = subset_for_evaluation(rows);  // then the texts and the USCC index
  for (size_t f = 0; f < texts_.size(); ++f) {
    if (texts_[f].empty()) continue;
    out.texts_[f].reserve(rows.size());
    for (uint32_t r : rows) out.texts_[f].push_back(texts_[f][r]);
  }
  for (uint32_t i = 0; i < out.size_; ++i) out.index_.emplace(out.uscc(i), i);
  return out;
}

Pool Pool::with_firms(const Pool& changed) const {
  // Where each changed firm goes: its row here, or a new row after the others.
  std::vector<uint32_t> target(changed.size_);
  uint32_t n = size_;
  for (uint32_t i = 0; i < changed.size_; ++i) {
    std::optional<uint32_t> e = find(changed.uscc(i));
    target[i] = e ? *e : n++;
  }
  std::vector<int32_t> from_changed(n, -1);  // row → index in `changed`, -1 = kept
  for (uint32_t i = 0; i < changed.size_; ++i) from_changed[target[i]] = static_cast<int32_t>(i);

  Pool out;
  out.size_ = n;
  // The years: both pools' ranges.
  const bool mine = first_year_ <= last_year_, theirs = changed.first_year_ <= changed.last_year_;
  out.first_year_ = !mine ? changed.first_year_ : !theirs ? first_year_ : std::min(first_year_, changed.first_year_);
  out.last_year_ = !mine ? changed.last_year_ : !theirs ? last_year_ : std::max(last_year_, changed.last_year_);
  if (!mine && !theirs) {
    out.first_year_ = first_year_;
    out.last_year_ = last_year_;
  }
  // One column: this pool's (or an empty one) grown to n rows, the changed firms' rows written
  // from theirs (absent where they have no value).
  auto merge_column = [&](const Column* base, const Column* from) {
    Column c;
    const bool base_has = base && !base->values.empty();
    const bool from_has = from && !from->values.empty();
    if (!base_has && !from_has) return c;
    if (base_has) c = *base;
    c.values.resize(n, 0);
    c.present.resize(n, 0);
    for (uint32_t i = 0; i < changed.size_; ++i) {
      c.values[target[i]] = from_has ? from->values[i] : 0;
      c.present[target[i]] = from_has ? from->present[i] : 0;
    }
    return c;
  };
  const size_t fields = std::max(columns_.size(), changed.columns_.size());
  out.columns_.resize(fields);
  for (size_t f = 0; f < fields; ++f)
    out.columns_[f] = merge_column(f < columns_.size() ? &columns_[f] : nullptr,
                                   f < changed.columns_.size() ? &changed.columns_[f] : nullptr);
  const size_t yfields = std::max(yearly_.size(), changed.yearly_.size());
  out.yearly_.resize(yfields);
  for (size_t f = 0; f < yfields; ++f) {
    const bool base_has = f < yearly_.size() && !yearly_[f].empty();
    const bool from_has = f < changed.yearly_.size() && !changed.yearly_[f].empty();
    if (!base_has && !from_has) continue;
    std::vector<Column>& years = out.yearly_[f];
    years.resize(static_cast<size_t>(out.last_year_ - out.first_year_ + 1));
    for (int y = out.first_year_; y <= out.last_year_; ++y) {
      const Column* base = base_has && y >= first_year_ && y <= last_year_ ? &yearly_[f][y - first_year_] : nullptr;
      const Column* from = from_has && y >= changed.first_year_ && y <= changed.last_year_
                               ? &changed.yearly_[f][y - changed.first_year_]
                               : nullptr;
      years[y - out.first_year_] = merge_column(base, from);
    }
  }
  const size_t tfields = std::max(texts_.size(), changed.texts_.size());
  out.texts_.resize(tfields);
  for (size_t f = 0; f < tfields; ++f) {
    const bool base_has = f < texts_.size() && !texts_[f].empty();
    const bool from_has = f < changed.texts_.size() && !changed.texts_[f].empty();
    if (!base_has && !from_has) continue;
    if (base_has) out.texts_[f] = texts_[f];
    out.texts_[f].resize(n);
    for (uint32_t i = 0; i < changed.size_; ++i)
      out.texts_[f][target[i]] = from_has ? changed.texts_[f][i] : std::string();
  }
  out.index_ = index_;
  for (uint32_t i = 0; i < changed.size_; ++i) out.index_.emplace(changed.uscc(i), target[i]);
  auto lists = [&](const auto& base, const auto& from) {
    std::remove_cvref_t<decltype(base)> merged;
    merged.offsets.reserve(n + 1);
    merged.items.reserve(base.items.size() + from.items.size());
    for (uint32_t e = 0; e < n; ++e) {
      if (from_changed[e] >= 0) {
        for (const auto& item : from.of(static_cast<uint32_t>(from_changed[e]))) merged.items.push_back(item);
      } else {
        for (const auto& item : base.of(e)) merged.items.push_back(item);
      }
      merged.offsets.push_back(static_cast<uint32_t>(merged.items.size()));
    }
    return merged;
  };
  out.titles_ = lists(titles_, changed.titles_);
  out.incidents_ = lists(incidents_, changed.incidents_);
  out.awards_ = lists(awards_, changed.awards_);
  out.maker_china_ = lists(maker_china_, changed.maker_china_);
  out.honours_ = lists(honours_, changed.honours_);
  out.ip_items_ = lists(ip_items_, changed.ip_items_);
  return out;
}

size_t Pool::memory_bytes() const {
  size_t bytes = 0;
  auto col = [](const Column& c) { return c.values.capacity() * 8 + c.present.capacity(); };
  for (const Column& c : columns_) bytes += col(c);
  for (const auto& ys : yearly_) {
    for (const Column& c : ys) bytes += col(c);
  }
  for (const auto& t : texts_) {
    for (const std::string& s : t)
      bytes += sizeof(std::string) + (s.size() > 15 ? s.capacity() : 0);
  }
  bytes += index_.size() * 64;
  bytes += titles_.items.capacity() * sizeof(TitleRecord) +
           incidents_.items.capacity() * sizeof(IncidentRecord) +
           awards_.items.capacity() * sizeof(AwardRecord) +
           ip_items_.items.capacity() * sizeof(IpItem);
  return bytes;
}

PoolBuilder::PoolBuilder() {
  const size_t n = all_fields().size();
  columns_.resize(n);
  source_rows_.resize(n);
  texts_.resize(n);
}

void PoolBuilder::expect(uint32_t enterprises) {
  expected_ = enterprises;
  usccs_.reserve(enterprises);
  rejected_.reserve(enterprises);
  index_.reserve(enterprises);
}

size_t PoolBuilder::column_size(uint32_t e) const {
  // Whole chunks of enterprises (a pool of one firm gets columns of one). The expected size is
  // only reserved (make_room): memory is touched, and counted in the process's size, only as far
  // as enterprises really come — the estimate from a file's first rows has a tenth to spare.
  if (expected_ > e && expected_ <= kGrowChunk) return expected_;
  return chunked(std::max<size_t>(usccs_.size(), size_t{e} + 1));
}

void PoolBuilder::grow_column(Column& c, size_t n) const {
  make_room(c.values, n);
  make_room(c.present, n);
  grow(c, n);
}

uint32_t PoolBuilder::enterprise(std::string_view uscc) {
  auto [it, inserted] = index_.try_emplace(std::string(uscc), static_cast<uint32_t>(usccs_.size()));
  if (inserted) {
    usccs_.emplace_back(uscc);
    rejected_.push_back(0);
  }
  return it->second;
}

std::optional<uint32_t> PoolBuilder::set(uint32_t e, FieldId f, int64_t raw, uint32_t source_row) {
  Column& c = columns_[f];
  auto& rows = source_rows_[f];
  if (c.values.size() <= e) {
    size_t n = column_size(e);
    grow_column(c, n);
    make_room(rows, n);
    rows.resize(n, 0);
  }
  if (c.present[e]) {
    if (c.values[e] == raw) return std::nullopt;
    return rows[e];
  }
  c.values[e] = raw;
  c.present[e] = 1;
  rows[e] = source_row;
  return std::nullopt;
}

std::optional<uint32_t> PoolBuilder::set_text(uint32_t e, FieldId f, std::string value,
                                              uint32_t source_row) {
  auto& t = texts_[f];
  auto& rows = source_rows_[f];
  if (t.size() <= e) {
    size_t n = column_size(e);
    make_room(t, n);
    t.resize(n);
    make_room(rows, n);
    rows.resize(n, 0);
  }
  if (!t[e].empty()) {
    if (t[e] == value) return std::nullopt;
    return rows[e];
  }
  t[e] = std::move(value);
  rows[e] = source_row;
  return std::nullopt;
}

std::optional<int64_t> PoolBuilder::get(uint32_t e, FieldId f) const {
  const Column& c = columns_[f];
  if (e >= c.values.size() || !c.present[e]) return std::nullopt;
  return c.values[e];
}

void PoolBuilder::set_yearly(uint32_t e, FieldId f, int year, int64_t raw) {
  auto& cols = yearly_[year];
  if (cols.empty()) cols.resize(all_fields().size());
  Column& c = cols[f];
  if (c.values.size() <= e) grow_column(c, column_size(e));
  c.values[e] = raw;
  c.present[e] = 1;
}

void PoolBuilder::clear_yearly(uint32_t e, FieldId f, int year) {
  auto it = yearly_.find(year);
  if (it == yearly_.end() || it->second.empty()) return;
  Column& c = it->second[f];
  if (e < c.values.size()) {
    c.values[e] = 0;
    c.present[e] = 0;
  }
}

void PoolBuilder::reject(uint32_t e) {
  if (e < rejected_.size()) rejected_[e] = 1;
}

Pool PoolBuilder::finish() && {
  const uint32_t total = static_cast<uint32_t>(usccs_.size());
  std::vector<uint32_t> remap(total, UINT32_MAX);
  std::vector<uint32_t> kept;
  for (uint32_t e = 0; e < total; ++e) {
    if (!rejected_[e]) {
      remap[e] = static_cast<uint32_t>(kept.size());
      kept.push_back(e);
    }
  }
  const bool all_kept = kept.size() == total;
  const uint32_t n = static_cast<uint32_t>(kept.size());
  // The source rows only serve conflict reports while building: free them before the pool's
  // columns are sized, so they do not add to the peak.
  std::vector<std::vector<uint32_t>>().swap(source_rows_);
  std::vector<uint8_t>().swap(rejected_);
  auto compact = [&](Column& c) {
    fit(c, total);
    if (all_kept) return std::move(c);
    return subset_column(c, kept);
  };

  Pool pool;
  pool.size_ = n;
  const size_t nf = all_fields().size();
  pool.columns_.resize(nf);
  for (size_t f = 0; f < nf; ++f) {
    // Only enterprise-scope numeric fields have a column (Pool::column); the slots of yearly and
    // text fields stay empty unless something was set there (1M enterprises: 19 × 9 MB saved).
    const FieldDef& fd = field(static_cast<FieldId>(f));
    if ((fd.kind == FieldKind::text || fd.scope == FieldScope::yearly) &&
        columns_[f].values.empty())
      continue;
    pool.columns_[f] = compact(columns_[f]);
  }

  pool.yearly_.resize(nf);
  if (!yearly_.empty()) {
    int lo = INT32_MAX, hi = INT32_MIN;
    for (const auto& [year, cols] : yearly_) lo = std::min(lo, year), hi = std::max(hi, year);
    pool.first_year_ = lo;
    pool.last_year_ = hi;
    for (size_t f = 0; f < nf; ++f) {
      if (field(static_cast<FieldId>(f)).scope != FieldScope::yearly) continue;
      auto& years = pool.yearly_[f];
      years.resize(hi - lo + 1);
      for (int y = lo; y <= hi; ++y) {
        auto it = yearly_.find(y);
        if (it != yearly_.end() && !it->second.empty()) {
          years[y - lo] = compact(it->second[f]);
        } else {
          grow(years[y - lo], n);
        }
      }
    }
  }

  pool.texts_.resize(nf);
  texts_[find_field("uscc")->id] = std::move(usccs_);
  for (size_t f = 0; f < nf; ++f) {
    auto& t = texts_[f];
    if (t.empty()) continue;
    t.resize(total);
    if (all_kept) {
      pool.texts_[f] = std::move(t);
    } else {
      for (uint32_t e : kept) pool.texts_[f].push_back(std::move(t[e]));
    }
  }
  const auto& ids = pool.texts_[find_field("uscc")->id];
  if (all_kept) {
    // Nobody dropped: the builder's index already maps each code to its position.
    pool.index_ = std::move(index_);
  } else {
    pool.index_.reserve(n);
    for (uint32_t i = 0; i < n; ++i) pool.index_.emplace(ids[i], i);
  }

  pool.titles_ = to_lists(titles_, remap, n);
  pool.incidents_ = to_lists(incidents_, remap, n);
  pool.awards_ = to_lists(awards_, remap, n);
  pool.maker_china_ = to_lists(maker_china_, remap, n);
  pool.honours_ = to_lists(honours_, remap, n);
  pool.ip_items_ = to_lists(ip_items_, remap, n);
  return pool;
}

}  // namespace gradus
