#!/usr/bin/env bash
# The national report on paper: the bundled country through the main job's
# tools, the report in English, Russian and Kazakh printed to A4 PDF by
# headless Chromium (its print stylesheet). Checks that each language prints
# to the page count recorded here within 10 % (a broken layout shows as many
# more pages, or few), that every oblast starts a page, that the text is
# extractable (pdftotext) with each language's words, and that the Kazakh
# letters ә ғ қ ң ө ұ ү һ і survive. The PDFs stay in OUT_DIR to look at.
# Needs chromium, fonts-dejavu-core and poppler-utils (scripts/setup.sh --tests).
# Usage: report_pdf.sh TOOL_DIR SOURCE_DIR OUT_DIR
set -euo pipefail
tools=$1 kz=$2/datasets/kz out=$3
for p in chromium pdftotext pdfinfo; do
  command -v "$p" >/dev/null || { echo "FAIL: $p is not installed (scripts/setup.sh --tests installs it)"; exit 1; }
done
mkdir -p "$out"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
"$tools/atd-ingest" --kato "$kz/kato.csv" --points "$kz/settlement_points.csv" \
  --boundaries "$kz/districts.geojson" --boundaries "$kz/oblasts.geojson" --make-valid \
  --categories "$kz/categories.csv" --stats "$kz/population_2023.csv" --stats "$kz/population_osm.csv" \
  -q -o "$work/kz.geojsons"
"$tools/atd-flows" "$work/kz.geojsons" --model radiation -q \
  | "$tools/atd-score" - -q | "$tools/atd-classify" - -q -o "$work/classified.geojsons"
"$tools/atd-areas" "$work/kz.geojsons" -q -o "$work/areas.geojsons"
"$tools/atd-merge" "$work/areas.geojsons" --settlements "$work/kz.geojsons" -q -o "$work/mergers.geojsons"

letters="ә ғ қ ң ө ұ ү һ і"
declare -A pages=([en]=132 [ru]=147 [kk]=138)
declare -A words=([en]='Contents|National summary|Glossary|Sources|Oblast: '
                  [ru]='Содержание|Сводка по стране|Глоссарий|Источники|Область: '
                  [kk]='Мазмұны|Ел бойынша жиынтық|Терминдер сөздігі|Дереккөздер|Облыс: ')
declare -A oblast=([en]='Oblast: ' [ru]='Область: ' [kk]='Облыс: ')
for lang in en ru kk; do
  title=()
  [ "$lang" = kk ] && title=(--title "Әкімшілік-аумақтық ұсыныстар: $letters")
  "$tools/atd-report" "$work/classified.geojsons" "$work/mergers.geojsons" "$work/areas.geojsons" \
    --lang "$lang" "${title[@]}" -q -o "$work/report-$lang.html"
  pdf=$out/report-$lang.pdf
  chromium --headless=new --no-sandbox --disable-gpu --disable-dev-shm-usage --no-first-run \
    --user-data-dir="$work/profile" --no-pdf-header-footer --print-to-pdf="$pdf" \
    "file://$work/report-$lang.html" >/dev/null 2>"$work/chromium-$lang.log" || {
      echo "FAIL: chromium could not print the $lang report"; tail -5 "$work/chromium-$lang.log"; exit 1; }
  n=$(pdfinfo "$pdf" | awk '/^Pages:/ {print $2}')
  grep -q 'A4' <(pdfinfo "$pdf" | grep 'Page size') || { echo "FAIL: $lang: not A4"; exit 1; }
  want=${pages[$lang]}
  [ "$n" -ge $((want * 9 / 10)) ] && [ "$n" -le $((want * 11 / 10)) ] || {
    echo "FAIL: $lang: $n pages, recorded $want (within 10 %)"; exit 1; }
  pdftotext -layout "$pdf" "$work/report-$lang.txt"
  IFS='|' read -ra expected <<<"${words[$lang]}"
  for w in "${expected[@]}"; do grep -qF "$w" "$work/report-$lang.txt" || { echo "FAIL: $lang: '$w' not in the PDF's text"; exit 1; }; done
  python3 - "$work/report-$lang.txt" "${oblast[$lang]}" <<'PY'
import sys
pages, heading = open(sys.argv[1], encoding="utf-8").read().split("\f"), sys.argv[2]
starts = 0
for number, page in enumerate(pages, 1):
    lines = [l.strip() for l in page.splitlines() if l.strip()]
    for k, line in enumerate(lines):
        if line.startswith(heading):
            if k:
                sys.exit(f"FAIL: '{line[:60]}' is line {k + 1} of page {number}: an oblast does not start a page")
            starts += 1
if starts < 17:
    sys.exit(f"FAIL: {starts} oblasts found in the PDF's text, fewer than 17")
PY
  echo "$lang: $n pages"
done
for l in $letters; do
  grep -qF "$l" "$work/report-kk.txt" || { echo "FAIL: the Kazakh letter $l did not survive printing"; exit 1; }
done
echo "ok: en, ru, kk printed to A4 with every oblast on a new page; Kazakh letters $letters survive; PDFs in $out"
