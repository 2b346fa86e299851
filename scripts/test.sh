#!/usr/bin/env bash
# Sets everything up and runs the whole test suite: a release build, the same
# suite under AddressSanitizer and UndefinedBehaviorSanitizer, and a bounded
# run of every libFuzzer target (scripts/fuzz.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh --tests build

# The CLI tests also run under a decimal-comma locale.
if ! locale -a 2>/dev/null | grep -qi '^de_DE\.utf-\?8$'; then
  sudo=""; [ "$(id -u)" -ne 0 ] && sudo="sudo"
  $sudo sed -i 's/^# *\(de_DE.UTF-8 UTF-8\)/\1/' /etc/locale.gen
  grep -q '^de_DE.UTF-8 UTF-8' /etc/locale.gen || echo 'de_DE.UTF-8 UTF-8' | $sudo tee -a /etc/locale.gen >/dev/null
  $sudo locale-gen >/dev/null
fi

jobs=$(nproc)
ctest --test-dir build --output-on-failure -j "$jobs" -LE peer

scripts/fuzz.sh

scripts/setup.sh build-asan -DCMAKE_BUILD_TYPE=Debug -DATD_SANITIZE=ON
ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
  ctest --test-dir build-asan --output-on-failure -j "$jobs" -LE peer
