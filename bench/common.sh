# Shared by bench/run.sh, bench/store_run.sh and bench/analysis_run.sh (sourced, not run):
#   bench_build BUILD_DIR TESTS(ON|OFF) TARGET…   configure a Release tree (-O3, portable: no
#                                                 -march; Ninja when there is one) and build
#   bench_wait_quiet                              wait up to $GRADUS_BENCH_WAIT_QUIET seconds for
#                                                 the 1-minute load average to fall below 0.5
# Jobs: $GRADUS_BENCH_JOBS (default 2).

bench_build() {
  local build="$1" tests="$2"
  shift 2
  local configure=(-S "$root" -B "$build" -DCMAKE_BUILD_TYPE=Release "-DCMAKE_CXX_FLAGS_RELEASE=-O3 -DNDEBUG"
                   "-DGRADUS_BUILD_TESTS=$tests" -DGRADUS_BUILD_BENCH=ON)
  if [[ ! -f "$build/CMakeCache.txt" ]] && command -v ninja >/dev/null; then
    configure+=(-G Ninja)
  fi
  cmake "${configure[@]}" >/dev/null
  cmake --build "$build" --target "$@" -j "${GRADUS_BENCH_JOBS:-2}"
}

bench_wait_quiet() {
  if [[ -n "${GRADUS_BENCH_WAIT_QUIET:-}" ]]; then
    local deadline=$((SECONDS + GRADUS_BENCH_WAIT_QUIET))
    while (( SECONDS < deadline )) && awk '{exit !($1 >= 0.5)}' /proc/loadavg; do sleep 10; done
  fi
}
