#!/usr/bin/env bash
# The command line end to end on a demo store (issue 17's targets), with one command: builds the
# Release gradus and gradus_analysis_bench (build-bench-analysis/), fills a SQLite demo store with
# N synthetic firms (the same pool, seed 20260630, that the analysis benchmark generates) and
# prints a Markdown report measured in the same run:
#   - `gradus gap --all` (every proven change, CSV to /dev/null) and `gap --all --summary`: wall
#     time and peak memory, against the library's gap analysis of the same pool
#     (gradus_analysis_bench --gap-firms N): target ≤ 2× the library, ≤ 1 GB at 100k firms;
#   - `gradus assess --format summary` with and without `--save-run`: target save-run ≤ 2×.
#
#   bench/cli_run.sh                 # 100,000 firms
#   bench/cli_run.sh 20000           # any size
#
# Environment: GRADUS_BENCH_ANALYSIS_BUILD_DIR, GRADUS_BENCH_JOBS, GRADUS_BENCH_WAIT_QUIET as for
# bench/analysis_run.sh; TMPDIR for the store (about 20 MB per 1,000 firms).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${GRADUS_BENCH_ANALYSIS_BUILD_DIR:-$root/build-bench-analysis}"
source "$root/bench/common.sh"
firms="${1:-100000}"
as_of=2026-06-30

bench_build "$build" OFF gradus gradus_analysis_bench
work="$(mktemp -d "${TMPDIR:-/tmp}/gradus-cli-bench.XXXXXX")"
trap 'rm -rf "$work"' EXIT
db="sqlite:$work/demo.db"
"$build/gradus" demo --enterprises "$firms" --db "$db" --lang en >/dev/null 2>&1

# seconds and peak RSS (MB) of a command, its stdout discarded: "SECONDS MB"
measure() {
  /usr/bin/time -f "%e %M" -o "$work/time" "$@" >/dev/null 2>"$work/stderr" || { cat "$work/stderr" >&2; exit 1; }
  awk '{ printf "%.2f %.0f\n", $1, $2 / 1024 }' "$work/time"
}
bench_wait_quiet
load="$(cut -d' ' -f1 /proc/loadavg)"
library="$("$build/bench/gradus_analysis_bench" --gap-firms "$firms" --rank-firms 0 --as-of "$as_of" |
  awk -F'|' '/^\| [0-9]/ { gsub(/ /, "", $9); print $9; exit }')"
read -r gap_s gap_mb < <(measure "$build/gradus" gap --db "$db" --all --as-of "$as_of" --lang en)
read -r sum_s sum_mb < <(measure "$build/gradus" gap --db "$db" --all --summary --as-of "$as_of" --lang en)
read -r assess_s assess_mb < <(measure "$build/gradus" assess --db "$db" --format summary --as-of "$as_of" --lang en)
read -r save_s save_mb < <(measure "$build/gradus" assess --db "$db" --format summary --save-run --as-of "$as_of" --lang en)
lines="$("$build/gradus" gap --db "$db" --all --as-of "$as_of" --lang en 2>/dev/null | wc -l)"

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
verdict() { awk -v r="$1" -v t="$2" 'BEGIN { print (r <= t ? "met" : "MISSED") }'; }
cat <<REPORT
## Command line end to end (bench/cli_run.sh)

Machine: $(nproc) CPUs ($(awk -F': ' '/model name/ { print $2; exit }' /proc/cpuinfo)), load average $load at the start.
Demo store of $firms firms (SQLite, seed 20260630), as of $as_of, every tier.

| command | seconds | peak MB | against | ratio | target |
|---|---:|---:|---|---:|---|
| library gap analysis (gradus_analysis_bench) | $library | | | | |
| \`gradus gap --all\` ($lines lines) | $gap_s | $gap_mb | library | $(ratio "$gap_s" "$library") | ≤ 2×, ≤ 1024 MB: $(verdict "$(ratio "$gap_s" "$library")" 2) / $(verdict "$gap_mb" 1024) |
| \`gradus gap --all --summary\` | $sum_s | $sum_mb | library | $(ratio "$sum_s" "$library") | ≤ 2×: $(verdict "$(ratio "$sum_s" "$library")" 2) |
| \`gradus assess --format summary\` | $assess_s | $assess_mb | | | |
| \`gradus assess --format summary --save-run\` | $save_s | $save_mb | assess | $(ratio "$save_s" "$assess_s") | ≤ 2×: $(verdict "$(ratio "$save_s" "$assess_s")" 2) |
REPORT
