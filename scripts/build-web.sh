#!/bin/sh
# Builds the web UI (web/ → web/dist, served by `gradus serve --web-root web/dist`): installs its
# npm packages exactly as package-lock.json pins them (again only when the lock file changed) and
# runs the type check and the Vite build. Needs Node.js 18 or newer (scripts/deps.sh installs
# Debian's). Used by scripts/run.sh and scripts/test.sh.
set -eu
cd "$(dirname "$0")/../web"
major=$(node -p 'process.versions.node.split(".")[0]')
if [ "$major" -lt 18 ]; then
  echo "gradus: the web UI needs Node.js 18 or newer (found $(node --version))" >&2
  exit 1
fi
lock_sum=$(sha256sum package-lock.json | cut -d' ' -f1)
if [ ! -f node_modules/.gradus-lock-sha256 ] || [ "$(cat node_modules/.gradus-lock-sha256)" != "$lock_sum" ]; then
  npm ci --no-audit --no-fund --loglevel=error
  echo "$lock_sum" > node_modules/.gradus-lock-sha256
fi
npm run --silent build
