#!/usr/bin/env bash
# A tool killed by SIGTERM, SIGINT or SIGHUP while it writes leaves no
# temporary file behind (GeoJSON Sequence and GeoPackage outputs), and a run
# after a SIGKILL does not trip over what the killed one left.
# Usage: signals.sh TOOL_DIR
set -uo pipefail
set -m  # job control: background jobs keep SIGINT (a shell script ignores it in them otherwise)
tools=$1
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"
"$tools/atd-synth" -n 100000 --seed 3 -q -o country || { echo "FAIL: atd-synth"; exit 1; }
temps() { find . -maxdepth 1 -name '.*.tmp-*' | wc -l; }
# Waits until the tool has made its temporary directory, then signals it.
kill_when_writing() {
  local sig=$1 out=$2; shift 2
  "$@" -q -o "$out" &
  local pid=$! n=0
  while [ "$(temps)" = 0 ] && [ $n -lt 600 ]; do sleep 0.05; n=$((n + 1)); done
  [ "$(temps)" != 0 ] || { echo "FAIL: no temporary directory appeared for $out"; kill -9 $pid; exit 1; }
  sleep 0.3
  kill -"$sig" $pid
  wait $pid
  echo $?
}
for sig in TERM INT HUP; do
  rc=$(kill_when_writing $sig scored.geojsons "$tools/atd-score" country/settlements.geojsons)
  [ "$rc" -ne 0 ] || { echo "FAIL: SIG$sig: exit 0"; exit 1; }
  [ "$(temps)" = 0 ] || { echo "FAIL: SIG$sig left $(temps) temporary entries: $(ls -A)"; exit 1; }
  [ ! -e scored.geojsons ] || { echo "FAIL: SIG$sig left a half-written output"; exit 1; }
done
rc=$(kill_when_writing TERM scored.gpkg "$tools/atd-ingest" country/settlements.geojsons)
[ "$(temps)" = 0 ] && [ ! -e scored.gpkg ] || { echo "FAIL: a killed GeoPackage write left $(ls -A)"; exit 1; }
# After SIGKILL nothing can clean up; the next run makes a directory of its own.
kill_when_writing KILL scored.geojsons "$tools/atd-score" country/settlements.geojsons >/dev/null
[ "$(temps)" = 1 ] || { echo "FAIL: expected one temporary directory after SIGKILL, found $(temps)"; exit 1; }
"$tools/atd-score" country/settlements.geojsons -q -o scored.geojsons || { echo "FAIL: the run after SIGKILL failed"; exit 1; }
[ -s scored.geojsons ] || { echo "FAIL: no output after SIGKILL's leftovers"; exit 1; }
echo "ok: SIGTERM, SIGINT and SIGHUP leave no temporary file (GeoJSON Sequence and GeoPackage); a run after SIGKILL writes its output"
