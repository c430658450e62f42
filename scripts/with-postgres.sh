#!/bin/sh
# Runs a command with a throwaway PostgreSQL server: initdb in a temporary directory, start on a
# free local port (Unix socket in the same directory, trust authentication, no TCP), export
# GRADUS_TEST_PG=postgresql://…/postgres for the command, then stop the server and delete
# everything, whatever the command's outcome. Uses Debian's postgresql package (scripts/deps.sh
# installs it). As root the server runs as the `postgres` user, as PostgreSQL requires.
#
#   scripts/with-postgres.sh ctest --test-dir build -R Store
set -eu
PGBIN="${PGBIN:-$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)}"
if [ -z "$PGBIN" ] || [ ! -x "$PGBIN/initdb" ]; then
  echo "with-postgres: no PostgreSQL server found (apt-get install postgresql)" >&2
  exit 2
fi
DIR="$(mktemp -d /tmp/gradus-pg.XXXXXX)"
PORT="${GRADUS_TEST_PG_PORT:-$((20000 + $$ % 20000))}"
if [ "$(id -u)" -eq 0 ]; then
  chown postgres:postgres "$DIR"
  AS="runuser -u postgres --"
  USER_NAME=postgres
else
  AS=""
  USER_NAME="$(id -un)"
fi
cleanup() {
  (cd "$DIR" && $AS "$PGBIN/pg_ctl" -D "$DIR/data" -m immediate stop >/dev/null 2>&1) || true
  rm -rf "$DIR"
}
trap cleanup EXIT INT TERM
# The server's commands run from $DIR: the postgres user may not be allowed into the caller's
# working directory (a checkout under /root, say).
cd "$DIR"
$AS "$PGBIN/initdb" -D "$DIR/data" -U "$USER_NAME" --auth=trust -E UTF8 --locale=C.UTF-8 >"$DIR/initdb.log" 2>&1 ||
  { cat "$DIR/initdb.log" >&2; exit 2; }
$AS "$PGBIN/pg_ctl" -D "$DIR/data" -l "$DIR/server.log" -w \
  -o "-c listen_addresses='' -c unix_socket_directories='$DIR' -p $PORT -c fsync=off -c max_connections=50" \
  start >/dev/null || { cat "$DIR/server.log" >&2; exit 2; }
cd "$OLDPWD"
export GRADUS_TEST_PG="postgresql://$USER_NAME@/postgres?host=$DIR&port=$PORT"
echo "with-postgres: PostgreSQL $("$PGBIN/postgres" --version | awk '{print $3}') at $DIR port $PORT" >&2
set +e
"$@"
rc=$?
set -e
exit $rc
