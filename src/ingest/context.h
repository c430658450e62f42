// The state one import shares between its readers (flat CSV rows, flat JSON rows, JSON firms): the
// PoolBuilder, the report, the enterprise behind each USCC, where each checked fact came from, and
// the rule that an enterprise with any error is rejected as a whole.
//
//   ImportContext ctx("firms.csv", /*firm_rows=*/false, builder, report);
//   std::optional<uint32_t> e = ctx.enterprise("914403001922038216", /*row=*/2, "uscc");
//   ctx.set_static(*e, *find_field("founded"), raw, {2, "成立日期", "2015-03-01"});
//   ctx.finish();                      // enterprise-level checks, loaded/rejected counts
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/fields.h"
#include "core/text.h"
#include "engine/pool.h"
#include "ingest/hash_tables.h"
#include "ingest/ingest.h"

namespace gradus::ingest {

// Where a value was written: row (or firm index), column (header or JSON path), text as written.
struct Origin {
  uint32_t row = 0;
  std::string column;
  std::string value;
};

// The same without copies, for the calls below (an Origin converts to it; the texts must outlive
// the call).
struct OriginRef {
  uint32_t row = 0;
  std::string_view column;
  std::string_view value;
  std::string_view sheet;  // empty: the sheet being read (see ImportContext::set_sheet)

  OriginRef() = default;
  OriginRef(uint32_t r, std::string_view c, std::string_view v) : row(r), column(c), value(v) {}
  OriginRef(const Origin& o) : row(o.row), column(o.column), value(o.value) {}  // NOLINT
};

class ImportContext {
 public:
  // `firm_rows`: rows are firm indices of the JSON enterprise form (for messages).
  ImportContext(std::string file, bool firm_rows, PoolBuilder& builder, IngestReport& report,
                IngestOptions options = {});

  const std::string& file() const { return file_; }
  const IngestOptions& options() const { return options_; }
  // The name of the sheet being read ("" outside workbooks).
  const std::string& sheet() const { return sheets_[sheet_]; }

  // The workbook sheet the following rows come from ("" = none, as in CSV and JSON). Errors then
  // carry the sheet's name, and a message that points at a row of another sheet names it.
  void set_sheet(std::string name);
  // A row of the current sheet as a key unique across sheets (the row itself when there are no
  // sheets), and its description for a message ("row 10", or "sheet 2024, row 10" when the key is
  // from another sheet than the current one).
  uint32_t row_key(uint32_t row) const;
  Text row_text(uint32_t key) const;
  PoolBuilder& builder() { return builder_; }
  IngestReport& report() { return report_; }

  // The enterprise for a USCC as written, or nullopt when the text is empty (the caller reports
  // that). An invalid code is reported (the reason says which check failed, followed by `note`
  // when given: why the code may have been damaged, e.g. by Excel storing it as a number) and
  // still gets an enterprise, keyed by the code as written and already rejected, so that all its
  // rows are checked together and none of them loads.
  std::optional<uint32_t> enterprise(std::string_view text, uint32_t row, std::string_view column,
                                     const Text* note = nullptr);

  // Records an error (rejecting the enterprise, when known) or a warning.
  void error(std::optional<uint32_t> e, const OriginRef& at, Text reason);
  void warning(std::optional<uint32_t> e, const OriginRef& at, Text reason);

  // Sets an enterprise-scope value. A different value set earlier is a conflict, reported with
  // both rows. Returns true when the enterprise now holds the value (false after a conflict).
  bool set_static(uint32_t e, const FieldDef& f, int64_t raw, const OriginRef& at);
  bool set_static_text(uint32_t e, const FieldDef& f, std::string value, const OriginRef& at);

  // Adds an event record. With `dedup`, an identical record already added for the enterprise is
  // skipped (the flat form may repeat enterprise-level columns on every row).
  void add_title(uint32_t e, TitleRecord r, bool dedup);
  void add_incident(uint32_t e, IncidentRecord r, bool dedup);
  void add_award(uint32_t e, AwardRecord r, bool dedup);
  void add_maker_china(uint32_t e, MakerChinaRecord r, bool dedup);
  void add_honour(uint32_t e, HonourRecord r, bool dedup);
  void add_ip_item(uint32_t e, IpItem r);

  // Runs the enterprise-level checks (IP count pairs, niche_since vs founded) and fills the
  // report's enterprise counts. Call once, after all input has been read.
  void finish();

 private:
  // Where the first value of a tracked field (see tracked_slot_) came from, kept compactly: the
  // value's text in origin_text_, the column as an index into origin_columns_ (0 = none yet).
  struct StoredOrigin {
    uint64_t value_offset = 0;
    uint32_t row = 0;
    uint32_t value_length = 0;
    uint32_t column = 0;
    uint32_t sheet = 0;  // index into sheets_
  };

  bool first_time(uint32_t e, const std::string& key);
  InputError make(std::optional<uint32_t> e, const OriginRef& at, Text reason) const;
  Text conflict_reason(uint32_t other_row, const std::string& other_value) const;
  void keep_origin(uint32_t e, int slot, const OriginRef& at);
  // The kept origin of a tracked field, if any.
  std::optional<OriginRef> origin(uint32_t e, FieldId f) const;

  std::string file_;
  IngestOptions options_;
  std::vector<std::string> sheets_{std::string()};  // [0]: no sheet
  uint32_t sheet_ = 0;                              // the current one
  bool firm_rows_;
  PoolBuilder& builder_;
  IngestReport& report_;
  std::vector<std::string> usccs_;  // by enterprise: the code (or invalid text)
  // The last valid code looked up, and its enterprise (rows of one enterprise usually follow
  // each other).
  std::string last_code_text_;
  uint32_t last_code_enterprise_ = 0;
  bool have_last_code_ = false;
  std::vector<int8_t> tracked_slot_;                   // by field: slot in origins_, or -1
  std::vector<std::vector<StoredOrigin>> origins_;     // [slot][enterprise]
  std::string origin_text_;                            // the kept values, back to back
  std::vector<std::string> origin_columns_;            // [0] unused
  struct StringHash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };
  std::unordered_map<std::string, uint32_t, StringHash, std::equal_to<>> origin_column_ids_;
  EnterpriseKeySet seen_events_;                 // dedup keys
  std::string event_key_;                        // scratch for a dedup key
};

}  // namespace gradus::ingest
