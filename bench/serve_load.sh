#!/bin/sh
# Load benchmark of `gradus serve` on loopback (issue 10): a demo store of FIRMS firms (default
# 100,000), the server with two workers, and
#   1. single-firm assessment, GET /api/v1/enterprises/{uscc}/assessments?policy=little-giant,
#      driven by wrk (Debian's `wrk`, installed when missing) with an API token: requests/s and
#      latency percentiles;
#   2. a whole-pool assessment run through the API (POST /api/v1/assessment-runs, polled until
#      done) against `gradus assess --db … --format csv` on the same store: the ratio;
#   3. CLIENTS (default 200) clients editing their own firm for EDIT_SECONDS (default 60) with
#      If-Match (bench/serve_edits.py): errors, and every acknowledged write read back.
# Usage: bench/serve_load.sh [FIRMS] [SECONDS]   (GRADUS_BIN=path uses an existing binary;
#        CLIENTS=N EDIT_SECONDS=S for step 3)
set -eu
cd "$(dirname "$0")/.."
FIRMS="${1:-100000}"
SECONDS_RUN="${2:-20}"
if ! command -v wrk >/dev/null 2>&1; then
  if [ "$(id -u)" -eq 0 ]; then apt-get install -y --no-install-recommends wrk >/dev/null; else sudo apt-get install -y wrk >/dev/null; fi
fi
if [ -z "${GRADUS_BIN:-}" ]; then
  ./scripts/deps.sh
  cmake -S . -B build-release -G Ninja -DCMAKE_BUILD_TYPE=Release -DGRADUS_BUILD_TESTS=OFF -DGRADUS_BUILD_BENCH=OFF >/dev/null
  cmake --build build-release --target gradus -j "$(nproc)" >/dev/null
  GRADUS_BIN=./build-release/gradus
fi
G="$GRADUS_BIN"
DIR=$(mktemp -d)
trap 'kill "$PID" 2>/dev/null || true; rm -rf "$DIR"' EXIT INT TERM
DB="sqlite:$DIR/load.db"
$G init --db "$DB" >/dev/null
$G demo --enterprises "$FIRMS" --db "$DB" >/dev/null
TOKEN=$($G user token admin --label load --db "$DB" 2>/dev/null)
FIRM=$($G assess --db "$DB" --policy little-giant --format csv --lang en | awk -F, 'NR == 2 { print $1 }')
PORT=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
$G serve --db "$DB" --listen "127.0.0.1:$PORT" --workers 2 --no-access-log --lang en > "$DIR/serve.out" 2>&1 &
PID=$!
i=0
until curl -sf "http://127.0.0.1:$PORT/healthz" >/dev/null 2>&1; do
  i=$((i + 1)); [ $i -gt 600 ] && { echo "server did not start"; cat "$DIR/serve.out"; exit 1; }; sleep 0.1
done
echo "== machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//'); store: $FIRMS firms (SQLite) =="
echo "== 1. GET /api/v1/enterprises/$FIRM/assessments?policy=little-giant, wrk -t2 -c32 -d${SECONDS_RUN}s =="
wrk -t2 -c32 -d"${SECONDS_RUN}s" --latency -H "Authorization: Bearer $TOKEN" \
  "http://127.0.0.1:$PORT/api/v1/enterprises/$FIRM/assessments?policy=little-giant" | sed -n '1,20p'
echo "== 2. whole-pool assessment: API job vs CLI =="
start=$(date +%s.%N)
LOC=$(curl -sf -X POST -H "Authorization: Bearer $TOKEN" "http://127.0.0.1:$PORT/api/v1/assessment-runs" -o /dev/null -D - | awk 'tolower($1) == "location:" { print $2 }' | tr -d '\r')
while :; do
  STATE=$(curl -sf -H "Authorization: Bearer $TOKEN" "http://127.0.0.1:$PORT$LOC" | python3 -c 'import json, sys; print(json.load(sys.stdin)["state"])')
  [ "$STATE" = "succeeded" ] && break
  [ "$STATE" = "failed" ] && { echo "the job failed"; exit 1; }
  sleep 0.05
done
api=$(echo "$(date +%s.%N) - $start" | bc)
start=$(date +%s.%N)
$G assess --db "$DB" --format csv > /dev/null
cli=$(echo "$(date +%s.%N) - $start" | bc)
echo "API job ${api} s, CLI ${cli} s, ratio $(echo "scale=2; $api / $cli" | bc) (target ≤ 1.5)"
CLIENTS="${CLIENTS:-200}"
EDIT_SECONDS="${EDIT_SECONDS:-60}"
echo "== 3. $CLIENTS clients editing facts for $EDIT_SECONDS s (If-Match, keep-alive, API token) =="
FIRMS_TO_EDIT=$($G assess --db "$DB" --policy little-giant --format csv --lang en | awk -F, -v n="$CLIENTS" 'NR > 1 && NR <= n + 1 { print $1 }')
# shellcheck disable=SC2086
python3 bench/serve_edits.py "http://127.0.0.1:$PORT" "$TOKEN" "$CLIENTS" "$EDIT_SECONDS" $FIRMS_TO_EDIT
