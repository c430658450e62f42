#!/bin/sh
# Installs what is missing, builds gradus twice (a normal build and an AddressSanitizer +
# UndefinedBehaviorSanitizer build) and runs every test in both: unit tests, every policy's
# cases, golden CLI outputs, the store tests against SQLite and against a throwaway PostgreSQL
# server (scripts/with-postgres.sh starts it and removes it afterwards), the API over HTTP on
# both backends; then builds the web UI and runs its unit tests (Vitest) and its browser tests
# (playwright-core driving Debian's Chromium against `gradus serve --web-root web/dist`). This is
# the README's test command and what CI runs (.ci/run).
set -eu
cd "$(dirname "$0")/.."
./scripts/deps.sh --tests
JOBS="${JOBS:-$(nproc)}"

echo "== build (RelWithDebInfo) =="
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DGRADUS_BUILD_BENCH=OFF >/dev/null
cmake --build build -j "$JOBS"
echo "== tests =="
GRADUS_REQUIRE_PG=1 ./scripts/with-postgres.sh ctest --test-dir build --output-on-failure -j "$JOBS"

echo "== build (ASan + UBSan) =="
cmake -S . -B build-asan -G Ninja -DCMAKE_BUILD_TYPE=Debug -DGRADUS_SANITIZE=ON -DGRADUS_BUILD_BENCH=OFF >/dev/null
cmake --build build-asan -j "$JOBS"
echo "== tests under ASan + UBSan =="
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
  LSAN_OPTIONS="suppressions=$(pwd)/scripts/lsan.supp" \
  GRADUS_REQUIRE_PG=1 ./scripts/with-postgres.sh ctest --test-dir build-asan --output-on-failure -j "$JOBS"
echo "== web UI: build, unit tests, browser tests =="
./scripts/build-web.sh
(cd web && npm test --silent)
(cd web && GRADUS_BIN="$(pwd)/../build/gradus" npm run --silent test:e2e)
echo "== all tests passed =="
