// What the gradus commands share: the options every assessing command reads (language, as-of date,
// mode, policy files), choosing and compiling the policies, loading the pool from a file or the
// store (with --known-at), the pool filters (--region, --park, --industry), finding one firm by
// --uscc or --name, and the application calendar. Each prints its errors and returns false (or
// nullopt) so that a command can simply return kFailed.
//
//   Common c;
//   if (!read_common(a, c)) return kFailed;
//   std::vector<std::unique_ptr<Plan>> plans;
//   if (!select_plans(a, c, plans)) return kFailed;
//   Pool pool;
//   if (!load_pool_for(a, c.lang, pool)) return kFailed;
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "analysis/pool_filter.h"
#include "cli/args.h"
#include "core/text.h"
#include "engine/plan.h"
#include "engine/pool.h"
#include "policy/calls.h"
#include "policy/registry.h"

namespace gradus {

struct IngestReport;
struct IngestOptions;
namespace store {
class Store;
}

struct Common {
  Lang lang = Lang::zh;
  AssessOptions options;
  std::unique_ptr<PolicyRegistry> registry;
};

// Options shared by the assessing commands: --lang, --as-of, --mode, --policy-file.
bool read_common(const Args& a, Common& c);

// The policies to assess: those named by --policy, or every known id (skipping ids with no version
// in force).
bool select_plans(const Args& a, Common& c, std::vector<std::unique_ptr<Plan>>& plans);

// Loads an input file; prints every row error to stderr. Returns false when the file is unusable.
bool load_input(const std::string& path, Lang lang, Pool& pool, IngestReport& report,
                const IngestOptions& options);

// The ingest options of the command line (--ignore-unknown-columns).
IngestOptions ingest_options(const Args& a);

// Loads the stored pool (as known at --known-at when given); `known_batch` receives the batch the
// facts are as of. Prints errors; false when nothing could be loaded.
bool load_from_store(const Args& a, Lang lang, store::Store& db, Pool& pool, int64_t& known_batch);

// The pool named by --input or --db (with --known-at); prints errors.
bool load_pool_for(const Args& a, Lang lang, Pool& pool);

// The pool row of --uscc or --name; prints why when it is not there (a mistyped USCC's failing
// check, an ambiguous name's candidates). `code_out` receives the firm's USCC.
std::optional<uint32_t> find_firm(const Args& a, Lang lang, const Pool& pool,
                                  std::string* code_out = nullptr);

// --region PREFIX, --park NAME and --industry PREFIX as a filter; false (reported) when malformed.
bool read_filter(const Args& a, Lang lang, PoolFilter& filter);
// Narrows `pool` to the firms the filter options keep (pool order kept); false (reported) when a
// filter is malformed.
bool apply_filter(const Args& a, Lang lang, Pool& pool);

// Whether exactly one of --uscc and --name is given.
bool has_firm_option(const Args& a);

// The shipped application calendar plus the zone's --calls files; false (reported) when one does
// not load.
bool load_calendar(const Args& a, Lang lang, CallCalendar& calls);

// Criteria of `plan` named by id: in zh by their labels joined by "；" (for people), in en the
// ids joined by ";" (for programs).
std::string criteria_text(const Plan& plan, const std::vector<std::string>& ids, Lang lang);

// `s` followed by spaces up to `width` terminal columns (a CJK character takes two), for tables
// on the screen; longer text is kept whole.
std::string pad_display(std::string_view s, size_t width);
// The same with the spaces in front (right-aligned), for numbers' column headings.
std::string pad_display_left(std::string_view s, size_t width);

// The whole file at `path`; `*ok` false when it cannot be read.
std::string read_file(const std::string& path, bool* ok);

}  // namespace gradus
