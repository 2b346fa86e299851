#!/usr/bin/env bash
# A tool that fails upstream in a pipe leaves the next tool an empty stdin:
# without pipefail the pipe's status is the last tool's, so that tool must
# fail on no features and keep the good output it was told to overwrite.
set -uo pipefail
bin=$1 data=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"
"$bin/atd-score" "$data/kz-35.geojsonl" -q | "$bin/atd-classify" -q -o good.gpkg || { echo "FAIL: the good run failed"; exit 1; }
cp good.gpkg before.gpkg
set +o pipefail
"$bin/atd-score" missing.geojsons -q 2>err1 | "$bin/atd-classify" -o good.gpkg --overwrite 2>err2
rc=$?
[ "$rc" = 1 ] || { echo "FAIL: the pipe exits $rc, expected 1"; cat err2; exit 1; }
grep -q "atd-classify: error: no features in <stdin>" err2 || { echo "FAIL: classify does not say its input is empty:"; cat err2; exit 1; }
cmp -s good.gpkg before.gpkg || { echo "FAIL: the good GeoPackage was replaced"; exit 1; }
leftover=$(find . -name '.*tmp*')
[ -z "$leftover" ] || { echo "FAIL: left behind: $leftover"; exit 1; }
# With --allow-empty an empty stdin is accepted on purpose.
"$bin/atd-classify" --allow-empty -q -o empty.geojsons </dev/null || { echo "FAIL: --allow-empty refused"; exit 1; }
[ -f empty.geojsons ] && [ ! -s empty.geojsons ] || { echo "FAIL: --allow-empty wrote no empty output"; exit 1; }
echo "ok: the pipe exits 1, the good output is kept; --allow-empty writes an empty one"
