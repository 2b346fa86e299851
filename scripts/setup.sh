#!/usr/bin/env bash
# Installs the Debian packages atd needs (if missing) and builds it into build/.
# Usage: scripts/setup.sh [BUILD_DIR [extra cmake options...]]
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(build-essential cmake ninja-build pkg-config git python3 locales file dpkg-dev
          libgdal-dev gdal-bin libgeos-dev libproj-dev proj-bin proj-data
          libboost-graph-dev libcli11-dev doctest-dev libsimdjson-dev libtomlplusplus-dev libjemalloc-dev
          postgresql postgresql-15-postgis-3)  # PostGIS for tests/postgis (a server of its own)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  sudo=""
  if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null || { echo "setup: need root or sudo to install: ${missing[*]}" >&2; exit 1; }
    sudo="sudo"
  fi
  echo "setup: installing ${missing[*]}" >&2
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

build="${1:-build}"
shift || true
cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release "$@" >/dev/null
cmake --build "$build" -- -k 0
