#!/bin/sh
# End-to-end test of the store commands, run once per backend by ctest (tests/store.cmake): a
# fresh database, then init, import, re-import, a corrected file, a bad file with its report,
# history, title lists, assessment runs, --known-at, audit verification and an export read back.
# The transcript (times and hashes masked) must equal tests/golden/store_scenario.out — the same
# file for SQLite and PostgreSQL, so the two backends must behave identically.
#
#   tests/store_scenario.sh GRADUS SOURCE_DIR sqlite|postgresql
# PostgreSQL needs GRADUS_TEST_PG (scripts/with-postgres.sh); without it the test is skipped
# (exit 77) unless GRADUS_REQUIRE_PG=1. GRADUS_UPDATE_GOLDEN=1 rewrites the expected transcript.
set -eu
GRADUS="$1"
SRC="$2"
BACKEND="$3"
cd "$SRC"
TMP="$(mktemp -d /tmp/gradus-scenario.XXXXXX)"
DB_NAME=""
cleanup() {
  if [ -n "$DB_NAME" ]; then psql -q "$GRADUS_TEST_PG" -c "DROP DATABASE IF EXISTS $DB_NAME WITH (FORCE)" >/dev/null 2>&1 || true; fi
  rm -rf "$TMP"
}
trap cleanup EXIT
if [ "$BACKEND" = sqlite ]; then
  GRADUS_DB="sqlite:$TMP/pool.db"
else
  if [ -z "${GRADUS_TEST_PG:-}" ]; then
    if [ "${GRADUS_REQUIRE_PG:-}" = 1 ]; then echo "GRADUS_REQUIRE_PG=1 but GRADUS_TEST_PG is not set" >&2; exit 1; fi
    echo "GRADUS_TEST_PG not set: skipped" >&2
    exit 77
  fi
  DB_NAME="gradus_scenario_$$"
  psql -q "$GRADUS_TEST_PG" -c "CREATE DATABASE $DB_NAME" >/dev/null
  base="${GRADUS_TEST_PG%%\?*}"
  query="${GRADUS_TEST_PG#"$base"}"
  GRADUS_DB="${base%/*}/$DB_NAME$query"
fi
export GRADUS_DB GRADUS_ACTOR=scenario
OUT="$TMP/transcript"
: >"$OUT"

mask() {
  sed -E -e 's/[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:.]+Z/<time>/g' -e 's/[0-9a-f]{64}/<hash>/g' \
    -e 's/  [0-9a-f]{16}…/  <hash>…/g' -e "s#$TMP#<tmp>#g" -e 's#(sqlite:|postgresql://)[^ ]*#<db>#g' \
    -e 's/^[A-Za-z0-9_-]{20}$/<generated password>/'
}
# run ARGS…: the command line, its stdout and stderr (masked) and its exit code.
run() {
  echo "\$ gradus $*" | mask >>"$OUT"
  set +e
  "$GRADUS" "$@" >"$TMP/stdout" 2>"$TMP/stderr"
  rc=$?
  set -e
  mask <"$TMP/stdout" >>"$OUT"
  if [ -s "$TMP/stderr" ]; then echo "--- stderr" >>"$OUT"; mask <"$TMP/stderr" >>"$OUT"; fi
  echo "--- exit $rc" >>"$OUT"
  echo >>"$OUT"
}
note() { echo "## $*" >>"$OUT"; }

run init --lang en
note "first import, then the same file again (a no-op)"
run import samples/pool.csv --lang en
KNOWN_AFTER_FIRST="$(date -u +%Y-%m-%dT%H:%M:%S.%6NZ)"
sleep 0.05
run import samples/pool.csv --lang en
note "a corrected file changes only the corrected fact"
run import tests/data/pool_corrected.csv --lang en
note "a file with errors changes nothing; the report lists every error"
run import samples/bad.csv --report "$TMP/report.csv" --lang en
echo "report.csv:" >>"$OUT"
mask <"$TMP/report.csv" >>"$OUT"
echo >>"$OUT"
note "who changed what"
run history --uscc 91320505MA1P7K3C1N --lang en
note "published title lists"
run import-titles tests/data/titles.csv --lang en
run import-titles tests/data/titles.csv --lang en
note "assessment runs"
run assess --db "$GRADUS_DB" --as-of 2026-06-30 --format summary --save-run --lang en
run assess --db "$GRADUS_DB" --as-of 2026-06-30 --known-at "$KNOWN_AFTER_FIRST" --format summary --save-run --lang en
run runs list --lang en
run runs diff 2 1 --lang en
note "facts as known after the first import, and now"
run export --format csv --output "$TMP/then" --known-at "$KNOWN_AFTER_FIRST" --lang en
run export --format csv --output "$TMP/now" --lang en
for when in then now; do
  awk -F, -v w="$when" '$1 == "91320505MA1P7K3C1N" && $3 == "2024" { print w ": " $1 " " $3 " revenue " $4 }' "$TMP/$when/yearly.csv" >>"$OUT"
done
echo >>"$OUT"
note "an export read back changes nothing"
run export --format xlsx --output "$TMP/pool.xlsx" --lang en
run import "$TMP/pool.xlsx" --dry-run --lang en
note "the audit trail"
run audit log --lang en
run audit verify --lang en

EXPECTED="$SRC/tests/golden/store_scenario.out"
if [ "${GRADUS_UPDATE_GOLDEN:-}" = 1 ]; then
  cp "$OUT" "$EXPECTED"
  echo "updated $EXPECTED"
  exit 0
fi
if ! diff -u "$EXPECTED" "$OUT"; then
  echo "store scenario ($BACKEND): transcript differs from $EXPECTED" >&2
  exit 1
fi
