#!/bin/sh
# The command-line tour: installs what is missing, builds gradus (Release), fills a SQLite store
# (gradus-tour.db) with the synthetic demo pool of 913 firms (the size of Suzhou Industrial Park's
# little-giants pool), assesses it today keeping the outcomes as a run, explains the firm closest
# to the little-giant tier and checks the audit log. Run it again and the store is rebuilt.
# (The README's run command, scripts/run.sh, serves the demo pool over HTTP instead.)
set -eu
cd "$(dirname "$0")/.."
./scripts/deps.sh
cmake -S . -B build-release -G Ninja -DCMAKE_BUILD_TYPE=Release -DGRADUS_BUILD_TESTS=OFF -DGRADUS_BUILD_BENCH=OFF >/dev/null
cmake --build build-release --target gradus -j "$(nproc)"
G=./build-release/gradus
L="${GRADUS_LANG:-zh}"
DB="${GRADUS_TOUR_DB:-gradus-tour.db}"
rm -f "$DB" "$DB-wal" "$DB-shm"
export GRADUS_DB="sqlite:$DB" GRADUS_ACTOR="${GRADUS_ACTOR:-demo}"
echo "== gradus init + demo --enterprises 913 (store: $GRADUS_DB) =="
$G init --lang "$L" >/dev/null
$G demo --enterprises 913 --lang "$L"
echo "== gradus assess --db $GRADUS_DB --format summary --save-run =="
$G assess --db "$GRADUS_DB" --format summary --save-run --lang "$L"
# The firm to explain: the first that is manual or met for little-giant, else the first firm.
FIRM=$($G assess --db "$GRADUS_DB" --policy little-giant --format csv --lang en |
  awk -F, 'NR > 1 && ($7 == "met" || $7 == "manual") { print $1; exit }')
if [ -z "$FIRM" ]; then
  FIRM=$($G assess --db "$GRADUS_DB" --policy little-giant --format csv --lang en | awk -F, 'NR == 2 { print $1 }')
fi
echo "== gradus explain --db $GRADUS_DB --uscc $FIRM --policy little-giant =="
$G explain --db "$GRADUS_DB" --uscc "$FIRM" --policy little-giant --lang "$L"
echo "== gradus audit verify =="
$G audit verify --lang "$L"
