#!/usr/bin/env bash
# Opens an atd-report page in headless Chromium: it must render without console
# errors, the rendered maps must hold the expected features, and a screenshot
# is saved. Needs chromium (scripts/setup.sh --tests installs it).
# Usage: report_in_chromium.sh TOOL_DIR DATA_DIR SCREENSHOT.png
set -euo pipefail
tools=$1 data=$2 shot=$3
command -v chromium >/dev/null || { echo "FAIL: chromium is not installed (scripts/setup.sh --tests installs it)"; exit 1; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
"$tools/atd-score" "$data/synthetic-district/district.geojsonl" -q | "$tools/atd-classify" -q >"$work/classified.geojsons"
"$tools/atd-merge" "$data/merge-hand/units.geojsonl" -q >"$work/mergers.geojsons"
"$tools/atd-report" "$work/classified.geojsons" "$work/mergers.geojsons" -q -o "$work/report.html"
chrome=(chromium --headless=new --no-sandbox --disable-gpu --disable-dev-shm-usage --no-first-run
        --user-data-dir="$work/profile" --enable-logging=stderr --v=0)
"${chrome[@]}" --dump-dom "file://$work/report.html" >"$work/dom.html" 2>"$work/console.log" || {
  echo "FAIL: chromium could not open the report"; tail -5 "$work/console.log"; exit 1; }
if grep -E 'CONSOLE\([0-9]+\)|Uncaught|:ERROR:CONSOLE' "$work/console.log"; then
  echo "FAIL: the page wrote to the console"; exit 1
fi
count() { grep -o "$1" "$work/dom.html" | wc -l; }
[ "$(count '<circle class="settlement"')" = 29 ] || { echo "FAIL: rendered settlements: $(count '<circle class="settlement"'), not 29"; exit 1; }
[ "$(count '<path class="okrug"')" = 3 ] || { echo "FAIL: rendered okrugs: $(count '<path class="okrug"'), not 3"; exit 1; }
[ "$(count '<svg class="map"')" = 2 ] || { echo "FAIL: rendered maps: $(count '<svg class="map"'), not 2"; exit 1; }
grep -q 'Synthetic-Kentgrad' "$work/dom.html" || { echo "FAIL: a settlement's name is missing"; exit 1; }
"${chrome[@]}" --window-size=1200,1500 --hide-scrollbars --screenshot="$shot" "file://$work/report.html" \
  >/dev/null 2>>"$work/console.log"
[ "$(stat -c %s "$shot")" -gt 20000 ] || { echo "FAIL: the screenshot $shot is missing or blank"; exit 1; }
echo "ok: rendered 2 maps, 29 settlements, 3 okrugs, no console output; screenshot $shot"
