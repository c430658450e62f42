#!/bin/sh
# The README's run command: installs what is missing, builds gradus (Release), makes a SQLite demo
# store (gradus-demo.db) with the synthetic pool of 913 firms (the size of Suzhou Industrial Park's
# little-giants pool) and three demo accounts — an admin, an official of the park with the most
# firms, and the user of one firm — prints them, and serves the pool at http://127.0.0.1:8080
# (`gradus serve`, with the web UI built from web/; Ctrl+C stops it). The store and the passwords
# are made anew on every run.
# GRADUS_LISTEN=HOST:PORT serves elsewhere; GRADUS_LANG=en prints in English.
# The command-line tour of the same pool is scripts/tour.sh.
set -eu
cd "$(dirname "$0")/.."
./scripts/deps.sh
cmake -S . -B build-release -G Ninja -DCMAKE_BUILD_TYPE=Release -DGRADUS_BUILD_TESTS=OFF -DGRADUS_BUILD_BENCH=OFF >/dev/null
cmake --build build-release --target gradus -j "$(nproc)"
./scripts/build-web.sh
G=./build-release/gradus
L="${GRADUS_LANG:-zh}"
DB="${GRADUS_DEMO_DB:-gradus-demo.db}"
LISTEN="${GRADUS_LISTEN:-127.0.0.1:8080}"
rm -f "$DB" "$DB-wal" "$DB-shm"
export GRADUS_DB="sqlite:$DB" GRADUS_ACTOR="${GRADUS_ACTOR:-demo}"
$G init --lang "$L" >/dev/null
$G demo --enterprises 913 --lang "$L"
# A password for each demo account (random, shown below).
password() { head -c 18 /dev/urandom | base64 | tr -d '/+=' | cut -c1-16; }
ADMIN_PW=$(password)
OFFICIAL_PW=$(password)
FIRM_PW=$(password)
echo "$ADMIN_PW" | $G user passwd admin --password-stdin --lang "$L" >/dev/null
# The park with the most firms, and a firm in it, for the official's and the firm's accounts.
PARK=$(python3 - "$DB" <<'PY'
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
row = db.execute("SELECT park FROM enterprise_versions WHERE to_batch IS NULL AND park IS NOT NULL "
                 "AND park <> '' GROUP BY park ORDER BY COUNT(*) DESC, park LIMIT 1").fetchone()
print(row[0])
PY
)
FIRM=$($G assess --db "$GRADUS_DB" --policy little-giant --park "$PARK" --format csv --lang en | awk -F, 'NR == 2 { print $1 }')
echo "$OFFICIAL_PW" | $G user add park-official --role official --parks "$PARK" --password-stdin --lang "$L" >/dev/null
echo "$FIRM_PW" | $G user add firm-user --role enterprise --uscc "$FIRM" --password-stdin --lang "$L" >/dev/null
URL="http://$LISTEN"
if [ "$L" = "zh" ]; then
  echo "== 演示账户（密码每次运行重新生成）=="
  echo "  管理员           admin          $ADMIN_PW"
  echo "  园区官员（$PARK） park-official  $OFFICIAL_PW"
  echo "  企业用户（$FIRM） firm-user      $FIRM_PW"
  echo "== 网页界面：$URL（API：$URL/api/v1，文档：$URL/api/v1/openapi.json）；Ctrl+C 停止 =="
else
  echo "== demo accounts (passwords are new on every run) =="
  echo "  admin                    admin          $ADMIN_PW"
  echo "  official of $PARK  park-official  $OFFICIAL_PW"
  echo "  firm $FIRM  firm-user      $FIRM_PW"
  echo "== web UI at $URL (API: $URL/api/v1, its document: $URL/api/v1/openapi.json); Ctrl+C stops =="
fi
exec $G serve --db "$GRADUS_DB" --listen "$LISTEN" --lang "$L" --web-root web/dist
