#!/bin/sh
# Installs the Debian 12 packages gradus needs to build and test, skipping those already present.
# Runs apt-get as root (or through sudo when available). Used by scripts/run.sh and, with
# --tests (adding Chromium and a CJK font for the web UI's browser tests), by scripts/test.sh.
# Node.js and npm (for web/) come from Debian too, unless a node and npm are already on the PATH.
set -eu
PACKAGES="cmake ninja-build g++ ccache pkg-config libyaml-cpp-dev nlohmann-json3-dev libboost1.81-dev libgtest-dev libbenchmark-dev libminizip-dev libpugixml-dev libxlsxwriter-dev zlib1g-dev libsqlite3-dev libpq-dev postgresql libsodium-dev"
if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
  PACKAGES="$PACKAGES nodejs npm"
fi
if [ "${1:-}" = "--tests" ]; then
  PACKAGES="$PACKAGES chromium fonts-noto-cjk"
fi
missing=""
for p in $PACKAGES; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing="$missing $p"
  fi
done
if [ -z "$missing" ]; then
  exit 0
fi
echo "gradus: installing$missing" >&2
if [ "$(id -u)" -eq 0 ]; then
  SUDO=""
elif command -v sudo >/dev/null 2>&1; then
  SUDO="sudo"
else
  echo "gradus: need root (or sudo) to install:$missing" >&2
  exit 1
fi
$SUDO apt-get update
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y --no-install-recommends $missing
