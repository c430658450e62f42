#!/usr/bin/env bash
# Runs the engine benchmark with one command: configures a Release build in build-bench/ (portable:
# no -march), builds gradus and gradus_bench, runs the benchmark and prints the Markdown report.
#
#   bench/run.sh                                   # 100k and 1M enterprises, best of 3
#   bench/run.sh --out bench/results.md            # also write the report to a file
#   bench/run.sh --sizes 100000 --runs 5           # any gradus_bench option (gradus_bench --help)
#
# Environment: GRADUS_BENCH_BUILD_DIR (default <repo>/build-bench), GRADUS_BENCH_JOBS (default 2),
# GRADUS_BENCH_WAIT_QUIET=SECONDS (wait up to that long for the 1-minute load average to fall below
# 0.5 before measuring; the machine is shared), TMPDIR (where the CSV files go; 1M needs ~0.6 GB).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${GRADUS_BENCH_BUILD_DIR:-$root/build-bench}"
source "$root/bench/common.sh"

bench_build "$build" OFF gradus gradus_bench
bench_wait_quiet
echo "gradus_bench: $(nproc) CPUs, load average $(cut -d' ' -f1-3 /proc/loadavg)" >&2

exec "$build/bench/gradus_bench" --gradus "$build/gradus" --work-dir "${TMPDIR:-/tmp}" "$@"
