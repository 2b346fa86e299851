#!/usr/bin/env bash
# Opens atd-report pages in headless Chromium, as a planner would read them:
#  - the synthetic district: renders without console messages, the maps hold
#    the expected features;
#  - a real district (Timiryazev, North Kazakhstan) in English, Russian and
#    Kazakh: at 1,400 and 800 px the page never scrolls sideways
#    (scrollWidth <= innerWidth), nothing is written to the console, every
#    label is in the catalogue's words (no key such as "value.aul" left), and
#    a screenshot of the district per language is saved for a person to look at.
# Needs chromium (scripts/setup.sh --tests installs it).
# Usage: report_in_chromium.sh TOOL_DIR DATA_DIR SCREENSHOT_DIR
set -euo pipefail
tools=$1 data=$2 shots=$3
command -v chromium >/dev/null || { echo "FAIL: chromium is not installed (scripts/setup.sh --tests installs it)"; exit 1; }
mkdir -p "$shots"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
chrome=(chromium --headless=new --no-sandbox --disable-gpu --disable-dev-shm-usage --no-first-run
        --user-data-dir="$work/profile" --hide-scrollbars --enable-logging=stderr --v=0)

# Fails when Chromium wrote a console message while it rendered $1.
no_console() {
  if grep -E 'CONSOLE\([0-9]+\)|Uncaught|:ERROR:CONSOLE' "$1"; then echo "FAIL: $2 wrote to the console"; exit 1; fi
}

# A copy of report $1 that records, once loaded, the page's width against the window's.
measure_copy() {
  sed 's|</body>|<script>addEventListener("load",()=>{document.body.setAttribute("data-fit",document.documentElement.scrollWidth+" "+innerWidth)})</script></body>|' "$1" >"$2"
}

# --- The synthetic district: features drawn.
"$tools/atd-score" "$data/synthetic-district/district.geojsonl" -q | "$tools/atd-classify" -q >"$work/classified.geojsons"
"$tools/atd-merge" "$data/merge-hand/units.geojsonl" -q >"$work/mergers.geojsons"
"$tools/atd-report" "$work/classified.geojsons" "$work/mergers.geojsons" -q -o "$work/report.html"
"${chrome[@]}" --dump-dom "file://$work/report.html" >"$work/dom.html" 2>"$work/console.log" || {
  echo "FAIL: chromium could not open the report"; tail -5 "$work/console.log"; exit 1; }
no_console "$work/console.log" "the synthetic report"
count() { grep -o "$1" "$work/dom.html" | wc -l; }
n=$(grep -oE 'class="settlement( support| satellite)?"' "$work/dom.html" | wc -l)
[ "$n" = 29 ] || { echo "FAIL: rendered settlements: $n, not 29"; exit 1; }
[ "$(count '<path class="okrug"')" = 3 ] || { echo "FAIL: rendered okrugs: $(count '<path class="okrug"'), not 3"; exit 1; }
[ "$(count '<svg class="map"')" = 2 ] || { echo "FAIL: rendered maps: $(count '<svg class="map"'), not 2"; exit 1; }
grep -q 'Synthetic-Kentgrad' "$work/dom.html" || { echo "FAIL: a settlement's name is missing"; exit 1; }

# --- A real district in each language.
t=$data/timiryazev
"$tools/atd-score" "$t/full.geojsonl" -q | "$tools/atd-classify" -q >"$work/t-classified.geojsons"
"$tools/atd-merge" "$t/areas.geojsonl" --settlements "$t/full.geojsonl" -q >"$work/t-mergers.geojsons"
declare -A words=([en]='Contents|Glossary|Sources|Okrug mergers|below the legal minimum'
                  [ru]='Содержание|Глоссарий|Источники|Объединение округов|ниже законодательного минимума'
                  [kk]='Мазмұны|Терминдер сөздігі|Дереккөздер|Округтерді біріктіру|заңды ең төменгі шектен төмен')
for lang in en ru kk; do
  page=$work/t-$lang.html
  "$tools/atd-report" "$work/t-classified.geojsons" "$work/t-mergers.geojsons" "$t/areas.geojsonl" \
    --lang "$lang" -q -o "$page"
  grep -q '<svg class="map overview"' "$page" || { echo "FAIL: $lang: no overview map of the oblast"; exit 1; }
  IFS='|' read -ra expected <<<"${words[$lang]}"
  for w in "${expected[@]}"; do grep -qF "$w" "$page" || { echo "FAIL: $lang: '$w' missing"; exit 1; }; done
  if grep -oE '>[^<]*\b(value|reason|gloss|criterion|source|csv)\.[a-z_0-9]+' "$page" | head -3 | grep .; then
    echo "FAIL: $lang: a catalogue key printed instead of its text"; exit 1
  fi
  measure_copy "$page" "$work/t-$lang-measure.html"
  for width in 1400 800; do
    "${chrome[@]}" --window-size=$width,1000 --virtual-time-budget=3000 --dump-dom "file://$work/t-$lang-measure.html" \
      >"$work/dom-$lang-$width.html" 2>"$work/console-$lang-$width.log"
    no_console "$work/console-$lang-$width.log" "the $lang report at $width px"
    fit=$(grep -o 'data-fit="[0-9]* [0-9]*"' "$work/dom-$lang-$width.html" | tr -dc '0-9 ')
    read -r page_width window_width <<<"$fit"
    [ -n "${window_width:-}" ] || { echo "FAIL: $lang at $width px: the page was not measured"; exit 1; }
    [ "$page_width" -le "$window_width" ] || {
      echo "FAIL: $lang at $width px: the page is $page_width px wide in a window of $window_width"; exit 1; }
  done
  # The district alone, for a person to look at: the other parts of the page hidden.
  sed 's|</head>|<style>body>*:not(#o-590000000){display:none!important}section.district:not(#d-596200000){display:none}</style></head>|' \
    "$page" >"$work/t-$lang-district.html"
  "${chrome[@]}" --window-size=1400,1000 --virtual-time-budget=2000 --screenshot="$shots/report-district-$lang.png" \
    "file://$work/t-$lang-district.html" >/dev/null 2>"$work/shot-$lang.log"
  [ "$(stat -c %s "$shots/report-district-$lang.png")" -gt 20000 ] || {
    echo "FAIL: the screenshot $shots/report-district-$lang.png is missing or blank"; exit 1; }
done
echo "ok: synthetic maps drawn; Timiryazev in en, ru, kk fits 1400 and 800 px, no console output, no raw keys;" \
     "screenshots in $shots/report-district-{en,ru,kk}.png"
