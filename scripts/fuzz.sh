#!/usr/bin/env bash
# Builds the libFuzzer targets with clang (ASan + UBSan) and runs each on the
# committed seed corpus (tests/fuzz/corpus/<target>) for a fixed number of
# inputs from a fixed seed (about a minute each here), so a run is repeatable,
# capped at SECONDS per target. A crash, leak or hang fails the run and leaves
# the input in fuzz-findings/.
# Usage: scripts/fuzz.sh [SECONDS_PER_TARGET]   (default 90)
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-90}
scripts/setup.sh --tests --no-build  # clang and its sanitizer runtimes
CC=clang CXX=clang++ cmake -S . -B build-fuzz -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DATD_FUZZ=ON -DATD_SANITIZE=ON -DATD_DEVELOPER=OFF -DATD_BUILD_TESTS=OFF >/dev/null
targets=(geojson stats standards od messages)
declare -A runs=([geojson]=12000 [stats]=400000 [standards]=300000 [od]=300000 [messages]=300000)
cmake --build build-fuzz --target "${targets[@]/#/fuzz_}" >/dev/null
mkdir -p fuzz-findings
status=0
for t in "${targets[@]}"; do
  work=$(mktemp -d)
  if (cd fuzz-findings && "../build-fuzz/tests/fuzz/fuzz_$t" -seed=1 -runs="${runs[$t]}" -max_total_time="$seconds" -timeout=10 \
        -rss_limit_mb=4096 -print_final_stats=1 "$work" "../tests/fuzz/corpus/$t" >"$work.log" 2>&1); then
    echo "fuzz $t: $(grep -m1 -o 'Done [0-9]* runs' "$work.log"), no findings"
  else
    echo "fuzz $t: FAILED"; grep -E "ERROR|SUMMARY|Test unit written" "$work.log" | head -5
    status=1
  fi
  rm -rf "$work" "$work.log"
done
rmdir fuzz-findings 2>/dev/null || true
exit $status
