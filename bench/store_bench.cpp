// gradus_store_bench — the store benchmark of issue 3 (Performance): for each pool size it writes
// the synthetic pool as the flat CSV, then measures the CSV parse (load_pool_file), the import into
// a fresh SQLite file and into a fresh PostgreSQL database (when GRADUS_TEST_PG or --pg is given),
// end to end (parse + import) and the import step alone, loading the pool back from each store
// (load_pool), re-importing the same pool (a no-op), and the size of each store; finally it writes
// a workbook with the project's own writer (export_pool_xlsx) and reads it back. It prints one
// Markdown report with the machine it ran on and the targets, met or missed. A plain
// std::chrono harness, one process, each step run once (the steps take seconds, not microseconds).
//
//   bench/store_run.sh                                         # build, throwaway PostgreSQL, run
//   gradus_store_bench --sizes 20000 --xlsx-rows 30000         # a quick run (SQLite only)
//   GRADUS_TEST_PG=postgresql://me@/postgres?host=/tmp gradus_store_bench --out /tmp/store.md
//
// PostgreSQL: the benchmark connects to the given server, drops and creates the database
// gradus_store_bench (so the URL's user must be allowed to create databases), and drops it again
// at the end unless --keep is given.
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <fstream>
#include <iostream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "core/allocator.h"
#include "demo/generate.h"
#include "export/export.h"
#include "ingest/ingest.h"
#include "store/sql.h"
#include "store/store.h"

namespace gradus::bench {
namespace {

// The targets of issue 3.
constexpr double kImportTarget = 100000;  // rows/s, CSV → store, both backends
constexpr double kLoadTarget = 3.0;       // seconds for 1M enterprise-years
constexpr double kXlsxTarget = 20000;     // rows/s, XLSX read
constexpr uint64_t kTargetRows = 1000000;

constexpr const char* kPgDatabase = "gradus_store_bench";

struct Options {
  std::vector<uint32_t> sizes{100000, 333334};  // enterprises (× 3 fiscal years)
  uint32_t xlsx_rows = 100000;                  // enterprise-years in the workbook (0 = skip)
  std::string work_dir = "/tmp";
  std::string out;
  std::string pg;  // admin URL of a PostgreSQL server ("" = $GRADUS_TEST_PG, unset = skip)
  uint64_t seed = 20260630;
  bool keep = false;
};

double now_s() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

uint64_t file_size(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0 ? static_cast<uint64_t>(st.st_size) : 0;
}

// CPU seconds of this process (the client side; a PostgreSQL server's work is not included).
double cpu_s() {
  timespec ts{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

std::string fmt(const char* f, double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, f, v);
  return buf;
}
std::string rate(double rows, double seconds) {
  return seconds > 0 ? fmt("%.0f", rows / seconds) : "—";
}
std::string mb(uint64_t bytes) { return fmt("%.1f", static_cast<double>(bytes) / 1e6); }

std::string first_line_of(const std::string& path, const std::string& key) {
  std::ifstream in(path);
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind(key, 0) == 0) {
      const size_t colon = line.find(':');
      if (colon == std::string::npos) return line;
      size_t from = line.find_first_not_of(" \t", colon + 1);
      return from == std::string::npos ? "" : line.substr(from);
    }
  }
  return "?";
}

std::string machine() {
  std::ifstream la("/proc/loadavg");
  std::string l1, l5, l15;
  la >> l1 >> l5 >> l15;
  return std::to_string(sysconf(_SC_NPROCESSORS_ONLN)) + " CPUs (" +
         first_line_of("/proc/cpuinfo", "model name") + "), " +
         first_line_of("/proc/meminfo", "MemTotal") + " memory, load average " + l1 + " " + l5 +
         " " + l15;
}

// The URL with its database name replaced: postgresql://u@h/olddb?x → postgresql://u@h/NAME?x.
std::string with_database(const std::string& url, const std::string& name) {
  const size_t query = url.find('?');
  const size_t end = query == std::string::npos ? url.size() : query;
  const size_t scheme = url.find("://");
  const size_t slash = url.find('/', scheme == std::string::npos ? 0 : scheme + 3);
  if (slash == std::string::npos || slash > end) {
    return url.substr(0, end) + "/" + name + url.substr(end);
  }
  return url.substr(0, slash + 1) + name + url.substr(end);
}

// One backend's figures for one size.
struct StoreFigures {
  std::string backend;
  bool ran = false;
  std::string problem;  // why it did not run, or what failed
  double import_s = 0, load_s = 0, reimport_s = 0;
  double import_cpu_s = 0, load_cpu_s = 0;  // this process only
  uint64_t bytes = 0;
  std::string size_note;
  uint32_t loaded = 0;
  bool reimport_noop = false;
};

struct SizeFigures {
  uint32_t enterprises = 0;
  uint64_t rows = 0;
  uint64_t csv_bytes = 0;
  double write_csv_s = 0, parse_s = 0, parse_cpu_s = 0;
  std::vector<StoreFigures> stores;
};

struct XlsxFigures {
  bool ran = false;
  std::string problem;
  uint32_t enterprises = 0;
  uint64_t rows = 0;        // enterprise-years (the CSV's unit)
  uint64_t sheet_rows = 0;  // data rows the reader counted (all flat-form sheets)
  uint64_t bytes = 0;
  double write_s = 0, read_s = 0;
};

Status fail_with(StoreFigures& f, const Status& s) {
  f.problem = s.message.en;
  return s;
}

// Import `pool` into a fresh store at `url`, load it back, re-import it.
Status measure_store(const std::string& url, const Pool& pool, uint64_t rows,
                     const std::string& source, StoreFigures& f) {
  Result<std::unique_ptr<store::Store>> st = store::Store::open(url, {.create = true});
  if (!st) return fail_with(f, st.error());
  store::ImportOptions o;
  o.actor = "bench";
  o.source = source;
  o.rows_read = rows;
  double t0 = now_s(), c0 = cpu_s();
  Result<store::ImportSummary> sum = (*st)->import_pool(pool, o);
  f.import_s = now_s() - t0;
  f.import_cpu_s = cpu_s() - c0;
  if (!sum) return fail_with(f, sum.error());
  st->reset();  // close the connection: the load below starts cold, as a new process would

  Result<std::unique_ptr<store::Store>> again = store::Store::open(url);
  if (!again) return fail_with(f, again.error());
  t0 = now_s(), c0 = cpu_s();
  Result<Pool> loaded = (*again)->load_pool();
  f.load_s = now_s() - t0;
  f.load_cpu_s = cpu_s() - c0;
  if (!loaded) return fail_with(f, loaded.error());
  f.loaded = loaded->size();

  t0 = now_s();
  Result<store::ImportSummary> re = (*again)->import_pool(pool, o);
  f.reimport_s = now_s() - t0;
  if (!re) return fail_with(f, re.error());
  f.reimport_noop = re->batch_id == 0;
  f.ran = true;
  return Status::ok_status();
}

StoreFigures run_sqlite(const Options& opt, const Pool& pool, uint64_t rows, uint32_t n,
                        const std::string& source) {
  StoreFigures f;
  f.backend = "SQLite";
  const std::string path = opt.work_dir + "/gradus_store_bench_" + std::to_string(n) + ".db";
  for (const char* suffix : {"", "-wal", "-shm"}) std::remove((path + suffix).c_str());
  if (Status s = measure_store("sqlite:" + path, pool, rows, source, f); !s.ok()) return f;
  const uint64_t db = file_size(path), wal = file_size(path + "-wal");
  f.bytes = db + wal;
  f.size_note = "file " + mb(db) + " MB + WAL " + mb(wal) + " MB";
  if (!opt.keep) {
    for (const char* suffix : {"", "-wal", "-shm"}) std::remove((path + suffix).c_str());
  }
  return f;
}

StoreFigures run_postgres(const Options& opt, const Pool& pool, uint64_t rows,
                          const std::string& source) {
  StoreFigures f;
  f.backend = "PostgreSQL";
  if (opt.pg.empty()) {
    f.problem = "skipped: no server (set GRADUS_TEST_PG or --pg, or run bench/store_run.sh)";
    return f;
  }
  Result<std::unique_ptr<store::SqlConnection>> admin = store::open_sql(opt.pg);
  if (!admin) {
    f.problem = admin.error().message.en;
    return f;
  }
  for (std::string sql : {std::string("DROP DATABASE IF EXISTS ") + kPgDatabase,
                          std::string("CREATE DATABASE ") + kPgDatabase}) {
    if (Status s = (*admin)->execute(sql); !s.ok()) {
      f.problem = s.message.en;
      return f;
    }
  }
  const std::string url = with_database(opt.pg, kPgDatabase);
  if (Status s = measure_store(url, pool, rows, source, f); s.ok()) {
    Result<std::optional<int64_t>> size = store::query_integer(
        **admin, std::string("SELECT pg_database_size('") + kPgDatabase + "')");
    if (size && size->has_value()) {
      f.bytes = static_cast<uint64_t>(**size);
      f.size_note = "pg_database_size (after the import and a no-op re-import)";
    }
  }
  if (!opt.keep) (void)(*admin)->execute(std::string("DROP DATABASE IF EXISTS ") + kPgDatabase);
  return f;
}

Result<SizeFigures> run_size(const Options& opt, uint32_t n) {
  SizeFigures r;
  r.enterprises = n;
  const std::string csv = opt.work_dir + "/gradus_store_bench_" + std::to_string(n) + ".csv";
  demo::PoolGenerator gen({.enterprises = n, .seed = opt.seed});
  double t0 = now_s();
  if (Status s = gen.write_csv(csv, &r.csv_bytes); !s.ok()) return s;
  r.write_csv_s = now_s() - t0;

  IngestReport report;
  t0 = now_s();
  const double c0 = cpu_s();
  Result<Pool> pool = load_pool_file(csv, report);
  r.parse_s = now_s() - t0;
  r.parse_cpu_s = cpu_s() - c0;
  if (!pool) return pool.error();
  if (!report.ok() || pool->size() != n) {
    return error(StatusCode::internal, csv + " 未能完整读入", csv + " did not load cleanly");
  }
  r.rows = report.rows_read;
  std::cerr << "gradus_store_bench: " << n << " enterprises, " << r.rows << " rows: parsed in "
            << fmt("%.2f", r.parse_s) << " s\n";
  const std::string source = "gradus_store_bench_" + std::to_string(n) + ".csv";
  r.stores.push_back(run_sqlite(opt, *pool, r.rows, n, source));
  r.stores.push_back(run_postgres(opt, *pool, r.rows, source));
  for (const StoreFigures& f : r.stores) {
    std::cerr << "gradus_store_bench:   " << f.backend << ": "
              << (f.ran ? "import " + fmt("%.2f", f.import_s) + " s, load " +
                              fmt("%.2f", f.load_s) + " s"
                        : f.problem)
              << "\n";
  }
  if (!opt.keep) std::remove(csv.c_str());
  return r;
}

XlsxFigures run_xlsx(const Options& opt) {
  XlsxFigures x;
  demo::PoolGenerator gen0({.enterprises = 1, .seed = opt.seed});
  const uint32_t years = gen0.years();
  x.enterprises = (opt.xlsx_rows + years - 1) / years;
  demo::PoolGenerator gen({.enterprises = x.enterprises, .seed = opt.seed});
  const Pool pool = gen.build();
  const std::string path = opt.work_dir + "/gradus_store_bench.xlsx";
  double t0 = now_s();
  if (Status s = export_pool_xlsx(pool, path, ExportOptions{}); !s.ok()) {
    x.problem = s.message.en;
    return x;
  }
  x.write_s = now_s() - t0;
  x.bytes = file_size(path);
  IngestReport report;
  t0 = now_s();
  Result<Pool> back = load_pool_file(path, report);
  x.read_s = now_s() - t0;
  if (!back || !report.ok()) {
    x.problem = back ? "the workbook read back with errors" : back.error().message.en;
    return x;
  }
  if (back->size() != x.enterprises) {
    x.problem = "the workbook read back with " + std::to_string(back->size()) + " enterprises";
    return x;
  }
  {
    // Enterprise-years as the flat CSV counts them (an enterprise may lack a year).
    std::string csv;
    gen.append_csv_rows(0, x.enterprises, csv);
    x.rows = static_cast<uint64_t>(std::count(csv.begin(), csv.end(), '\n'));
  }
  x.sheet_rows = report.rows_read;
  x.ran = true;
  if (!opt.keep) std::remove(path.c_str());
  return x;
}

std::string report(const Options& opt, const std::string& machine_before,
                   const std::vector<SizeFigures>& sizes, const XlsxFigures& x) {
  std::ostringstream o;
  o << "## Store benchmark (gradus_store_bench)\n\n";
  o << "Machine: " << machine_before << " at the start; load average at the end: ";
  {
    std::ifstream la("/proc/loadavg");
    std::string l1, l5, l15;
    la >> l1 >> l5 >> l15;
    o << l1 << " " << l5 << " " << l15 << ".\n";
  }
  o << "Each step runs once; times are wall-clock seconds (CPU s: this process's CPU time, which "
       "is below the wall time when the machine is busy or, for PostgreSQL, the server works). "
       "Rows are CSV data rows (enterprise-years).\n\n";

  o << "### CSV parse (load_pool_file)\n\n";
  o << "| enterprises | rows | CSV MB | write CSV s | parse s | parse CPU s | parse rows/s |\n";
  o << "|---:|---:|---:|---:|---:|---:|---:|\n";
  for (const SizeFigures& s : sizes) {
    o << "| " << s.enterprises << " | " << s.rows << " | " << mb(s.csv_bytes) << " | "
      << fmt("%.2f", s.write_csv_s) << " | " << fmt("%.2f", s.parse_s) << " | "
      << fmt("%.2f", s.parse_cpu_s) << " | " << rate(static_cast<double>(s.rows), s.parse_s)
      << " |\n";
  }

  o << "\n### Import, load, re-import, size\n\n";
  o << "| backend | rows | import s | client CPU s | import rows/s | parse + import rows/s | "
       "load_pool s | client CPU s | re-import (no-op) s | store MB | bytes/row |\n";
  o << "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n";
  for (const SizeFigures& s : sizes) {
    for (const StoreFigures& f : s.stores) {
      if (!f.ran) continue;
      const double rows = static_cast<double>(s.rows);
      o << "| " << f.backend << " | " << s.rows << " | " << fmt("%.2f", f.import_s) << " | "
        << fmt("%.2f", f.import_cpu_s) << " | " << rate(rows, f.import_s) << " | "
        << rate(rows, s.parse_s + f.import_s) << " | " << fmt("%.2f", f.load_s) << " | "
        << fmt("%.2f", f.load_cpu_s) << " | " << fmt("%.2f", f.reimport_s)
        << (f.reimport_noop ? "" : " (changed!)") << " | " << mb(f.bytes) << " | "
        << fmt("%.0f", static_cast<double>(f.bytes) / rows) << " |\n";
    }
  }
  bool notes = false;
  for (const SizeFigures& s : sizes) {
    for (const StoreFigures& f : s.stores) {
      if (f.ran && f.loaded != s.enterprises) {
        o << "\n"
          << f.backend << " loaded " << f.loaded << " of " << s.enterprises << " enterprises!\n";
      }
      if (!f.ran && !notes) {
        o << "\n" << f.backend << ": " << f.problem << "\n";
        notes = true;
      }
      if (f.ran && !f.size_note.empty() && &s == &sizes.back()) {
        o << "\n" << f.backend << " size at " << s.rows << " rows: " << f.size_note << ".";
      }
    }
  }
  o << "\n";

  o << "\n### XLSX (export_pool_xlsx, then load_pool_file)\n\n";
  if (!x.ran) {
    o << (x.problem.empty() ? "skipped" : "failed: " + x.problem) << "\n";
  } else {
    o << "| enterprises | enterprise-years | sheet rows read | file MB | write s | write rows/s | "
         "read s | read rows/s |\n";
    o << "|---:|---:|---:|---:|---:|---:|---:|---:|\n";
    o << "| " << x.enterprises << " | " << x.rows << " | " << x.sheet_rows << " | " << mb(x.bytes)
      << " | " << fmt("%.2f", x.write_s) << " | " << rate(static_cast<double>(x.rows), x.write_s)
      << " | " << fmt("%.2f", x.read_s) << " | " << rate(static_cast<double>(x.rows), x.read_s)
      << " |\n";
    o << "\nRows/s counts enterprise-years (the CSV's unit); the workbook holds them as one row "
         "per "
         "enterprise on the enterprises sheet plus one per enterprise-year on the yearly sheet.\n";
  }

  // Targets, judged on the largest size (the 1M enterprise-years).
  const SizeFigures* big = sizes.empty() ? nullptr : &sizes.back();
  o << "\n### Targets (issue 3)";
  if (big != nullptr) o << ", judged at " << big->rows << " rows";
  o << "\n\n";
  if (big != nullptr && big->rows < kTargetRows * 99 / 100) {
    o << "(The largest size is below the 1M enterprise-years of the targets.)\n\n";
  }
  auto verdict = [](bool met) { return met ? "met" : "**missed**"; };
  if (big != nullptr) {
    for (const StoreFigures& f : big->stores) {
      if (!f.ran) {
        o << "- import into " << f.backend << " ≥ 100,000 rows/s: not measured\n";
        continue;
      }
      const double rows = static_cast<double>(big->rows);
      const double e2e = rows / (big->parse_s + f.import_s);
      o << "- import into " << f.backend << " ≥ 100,000 rows/s: " << verdict(e2e >= kImportTarget)
        << " (" << fmt("%.0f", e2e) << " rows/s parse + import; import alone "
        << rate(rows, f.import_s) << ")\n";
      o << "- load " << f.backend << " → Pool ≤ 3 s: " << verdict(f.load_s <= kLoadTarget) << " ("
        << fmt("%.2f", f.load_s) << " s)\n";
    }
  }
  if (x.ran) {
    const double r = static_cast<double>(x.rows) / x.read_s;
    o << "- XLSX read ≥ 20,000 rows/s: " << verdict(r >= kXlsxTarget) << " (" << fmt("%.0f", r)
      << " rows/s)\n";
  }
  (void)opt;
  return o.str();
}

bool parse_sizes(const std::string& text, std::vector<uint32_t>& out) {
  out.clear();
  std::stringstream ss(text);
  std::string part;
  while (std::getline(ss, part, ',')) {
    char* end = nullptr;
    const unsigned long v = std::strtoul(part.c_str(), &end, 10);
    if (end == part.c_str() || *end != '\0' || v == 0 || v > 50000000) return false;
    out.push_back(static_cast<uint32_t>(v));
  }
  return !out.empty();
}

int usage(const char* problem) {
  if (problem != nullptr) std::cerr << "gradus_store_bench: " << problem << "\n";
  std::cerr
      << "usage: gradus_store_bench [--sizes N,N…] [--xlsx-rows R] [--work-dir DIR]\n"
         "                          [--pg URL] [--out FILE] [--seed S] [--keep]\n"
         "  --sizes      enterprises per run, × 3 fiscal years each (default 100000,333334)\n"
         "  --xlsx-rows  enterprise-years in the workbook (default 100000; 0 = skip)\n"
         "  --pg         PostgreSQL server URL (default $GRADUS_TEST_PG; none = SQLite only)\n"
         "  --keep       keep the CSV, workbook, SQLite files and PostgreSQL database\n";
  return problem != nullptr ? 2 : 0;
}

int main_impl(int argc, char** argv) {
  Options opt;
  if (const char* pg = std::getenv("GRADUS_TEST_PG"); pg != nullptr) opt.pg = pg;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    auto value = [&]() -> const char* { return i + 1 < argc ? argv[++i] : nullptr; };
    if (a == "--help" || a == "-h") return usage(nullptr);
    if (a == "--keep") {
      opt.keep = true;
      continue;
    }
    const char* v = value();
    if (v == nullptr) return usage(("missing value for " + a).c_str());
    if (a == "--sizes") {
      if (!parse_sizes(v, opt.sizes)) return usage("--sizes needs positive integers, e.g. 100000");
    } else if (a == "--xlsx-rows") {
      opt.xlsx_rows = static_cast<uint32_t>(std::strtoul(v, nullptr, 10));
    } else if (a == "--work-dir") {
      opt.work_dir = v;
    } else if (a == "--pg") {
      opt.pg = v;
    } else if (a == "--out") {
      opt.out = v;
    } else if (a == "--seed") {
      opt.seed = std::strtoull(v, nullptr, 10);
    } else {
      return usage(("unknown option " + a).c_str());
    }
  }
  const std::string machine_before = machine();
  std::vector<SizeFigures> sizes;
  for (uint32_t n : opt.sizes) {
    Result<SizeFigures> r = run_size(opt, n);
    if (!r) {
      std::cerr << "gradus_store_bench: " << r.error().message.en << "\n";
      return 1;
    }
    sizes.push_back(std::move(*r));
  }
  XlsxFigures x;
  if (opt.xlsx_rows > 0) {
    x = run_xlsx(opt);
    std::cerr << "gradus_store_bench: XLSX "
              << (x.ran ? "write " + fmt("%.2f", x.write_s) + " s, read " + fmt("%.2f", x.read_s) +
                              " s"
                        : x.problem)
              << "\n";
  }
  const std::string text = report(opt, machine_before, sizes, x);
  std::cout << text;
  if (!opt.out.empty()) {
    std::ofstream out(opt.out);
    out << text;
    if (!out) {
      std::cerr << "gradus_store_bench: cannot write " << opt.out << "\n";
      return 1;
    }
  }
  return 0;
}

}  // namespace
}  // namespace gradus::bench

int main(int argc, char** argv) {
  gradus::tune_allocator_for_bulk_work(argv);  // as the gradus command does
  return gradus::bench::main_impl(argc, argv);
}
