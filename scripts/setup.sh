#!/usr/bin/env bash
# Installs the Debian packages atd needs (if missing) and builds it into build/.
# Usage: scripts/setup.sh [--tests] [--no-build] [BUILD_DIR [extra cmake options...]]
#        scripts/setup.sh --list-packages     (every package it may install, one a line)
#   --tests     also the packages the test suite calls (scripts/test.sh passes it)
#   --no-build  install only
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(build-essential cmake ninja-build pkg-config git python3 locales file dpkg-dev
          libgdal-dev gdal-bin libgeos-dev libproj-dev proj-bin proj-data
          libboost-graph-dev libcli11-dev doctest-dev libsimdjson-dev libtomlplusplus-dev libjemalloc-dev)
# What the test suite runs besides the build: /usr/bin/time (peak memory),
# clang with its sanitizer runtimes (the fuzzers), Chromium (the report in a
# browser and printed to PDF, with the DejaVu fonts, which have every Kazakh
# letter), poppler-utils (the PDF's pages and text), PostgreSQL with PostGIS (a
# server of the test's own), bc (the benchmarks' arithmetic).
test_packages=(time bc clang libclang-rt-14-dev chromium chromium-driver fonts-dejavu-core poppler-utils
               postgresql postgresql-15-postgis-3)

tests=0 build_it=1
while [ $# -gt 0 ]; do
  case $1 in
    --list-packages) printf '%s\n' "${packages[@]}" "${test_packages[@]}"; exit 0 ;;
    --tests) tests=1; shift ;;
    --no-build) build_it=0; shift ;;
    *) break ;;
  esac
done
[ "$tests" = 1 ] && packages+=("${test_packages[@]}")

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
[ "$build_it" = 1 ] || exit 0

build="${1:-build}"
shift || true
cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release "$@" >/dev/null
cmake --build "$build" -- -k 0
