#!/usr/bin/env bash
# Runs the store benchmark with one command: configures a Release build (-O3, portable: no -march)
# in build-bench-store/, builds gradus_store_bench, starts a throwaway PostgreSQL server
# (scripts/with-postgres.sh) and runs the benchmark against SQLite and PostgreSQL, printing the
# Markdown report.
#
#   bench/store_run.sh                               # 100k and 333,334 enterprises × 3 years (≈1M rows)
#   bench/store_run.sh --out bench/store-results.md  # also write the report to a file
#   bench/store_run.sh --sizes 20000 --xlsx-rows 30000   # any gradus_store_bench option (--help)
#
# Environment: GRADUS_BENCH_STORE_BUILD_DIR (default <repo>/build-bench-store), GRADUS_BENCH_JOBS
# (default 2), GRADUS_BENCH_WAIT_QUIET=SECONDS (wait up to that long for the 1-minute load average
# to fall below 0.5 before measuring), GRADUS_BENCH_NO_PG=1 (SQLite only), TMPDIR (where the CSV,
# workbook and SQLite files go; 1M rows need ~1.5 GB).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${GRADUS_BENCH_STORE_BUILD_DIR:-$root/build-bench-store}"
source "$root/bench/common.sh"

bench_build "$build" ON gradus_store_bench  # tests: gradus_store_tests
bench_wait_quiet

work="${TMPDIR:-/tmp}"
if [[ -n "${GRADUS_BENCH_NO_PG:-}" ]]; then
  exec "$build/bench/gradus_store_bench" --work-dir "$work" "$@"
fi
# The benchmark's PostgreSQL server: the throwaway one (fsync=off, as for the tests).
exec "$root/scripts/with-postgres.sh" "$build/bench/gradus_store_bench" --work-dir "$work" "$@"
