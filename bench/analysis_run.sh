#!/usr/bin/env bash
# Runs the analysis benchmark (issue 4) with one command: configures a Release build (-O3,
# portable: no -march) in build-bench-analysis/, builds gradus_analysis_bench and prints its
# Markdown report: gap analysis of 100k synthetic firms against every tier (target ≤ 5 s on 2
# cores) and ranking 1M firms for one tier (target ≤ 2 s).
#
#   bench/analysis_run.sh                                   # the targets' sizes
#   bench/analysis_run.sh --gap-firms 20000 --rank-firms 0  # any gradus_analysis_bench option (--help)
#
# Environment: GRADUS_BENCH_ANALYSIS_BUILD_DIR (default <repo>/build-bench-analysis),
# GRADUS_BENCH_JOBS (default 2), GRADUS_BENCH_WAIT_QUIET=SECONDS (wait up to that long for the
# 1-minute load average to fall below 0.5 before measuring).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${GRADUS_BENCH_ANALYSIS_BUILD_DIR:-$root/build-bench-analysis}"
source "$root/bench/common.sh"

bench_build "$build" OFF gradus_analysis_bench
bench_wait_quiet
exec "$build/bench/gradus_analysis_bench" "$@"
