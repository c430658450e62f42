#!/bin/sh
# Installs what is missing, builds gradus (Release) and runs the main job on the shipped sample
# pool: which tier each firm meets today, then the full explanation for one firm.
set -eu
cd "$(dirname "$0")/.."
./scripts/deps.sh
cmake -S . -B build-release -G Ninja -DCMAKE_BUILD_TYPE=Release -DGRADUS_BUILD_TESTS=OFF -DGRADUS_BUILD_BENCH=OFF >/dev/null
cmake --build build-release --target gradus -j "$(nproc)"
LANG_OPT="${GRADUS_LANG:-zh}"
echo "== gradus assess --input samples/pool.csv =="
./build-release/gradus assess --input samples/pool.csv --lang "$LANG_OPT"
FIRST=$(sed -n 2p samples/pool.csv | cut -d, -f1)
echo "== gradus explain --input samples/pool.csv --uscc $FIRST --policy little-giant =="
./build-release/gradus explain --input samples/pool.csv --uscc "$FIRST" --policy little-giant --lang "$LANG_OPT"
