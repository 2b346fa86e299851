#!/usr/bin/env bash
# Benchmarks of atd-report (issues 6 and 20).
#   1. The whole of Kazakhstan: the scored and classified settlements, the okrug
#      areas and the merger proposals of the main job into one HTML report per
#      language, en, ru and kk (target: each under 1 s and under 10 MB).
#   2. A synthetic country of N settlements (default 100,000) with full series, in
#      2,000 districts of 50 (target: under 20 s).
# No peer writes this report; none is timed. Usage: bench/report.sh [N]; needs build/.
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-100000}
bin=build/tools
kz=datasets/kz
source bench/lib.sh

header
table_header

# 1. Kazakhstan, as the main job builds it.
"$bin/atd-ingest" --kato "$kz/kato.csv" --points "$kz/settlement_points.csv" \
  --boundaries "$kz/districts.geojson" --boundaries "$kz/oblasts.geojson" --make-valid \
  --categories "$kz/categories.csv" --stats "$kz/population_2023.csv" --stats "$kz/population_osm.csv" \
  -q -o "$work/kz.geojsons"
"$bin/atd-flows" "$work/kz.geojsons" --model radiation -q | "$bin/atd-score" -q | "$bin/atd-classify" -q \
  -o "$work/classified.geojsons"
"$bin/atd-areas" "$work/kz.geojsons" -q -o "$work/areas.geojsons"
"$bin/atd-merge" "$work/areas.geojsons" --settlements "$work/kz.geojsons" -q -o "$work/mergers.geojsons"
inputs=("$work/classified.geojsons" "$work/mergers.geojsons" "$work/areas.geojsons")
for lang in en ru kk; do
  measure "atd-report kz html --lang $lang" "$bin/atd-report" "${inputs[@]}" --lang "$lang" -o "$work/report-$lang.html"
  secs=$(cat "$work/last")
  grep -o 'report: .*' "$work/err"
  mb=$(echo "$(stat -c %s "$work/report-$lang.html") / 1048576" | bc -l)
  printf 'report-%s.html: %.1f MB\n' "$lang" "$mb"
  verdict "target kz report ($lang) under 1 s" "$secs" 1
  verdict "target kz report ($lang) under 10 MB" "$mb" 10
done
measure "atd-report kz md (+ SVG maps)" "$bin/atd-report" "${inputs[@]}" -o "$work/report.md"
measure "atd-report kz csv" "$bin/atd-report" "${inputs[@]}" -o "$work/report.csv"

# 2. A synthetic country.
python3 bench/make-settlements.py "$n" | python3 -c '
import json, sys
for i, line in enumerate(sys.stdin):
    f = json.loads(line)
    p = f["properties"]
    p["oblast_kato"] = "%02d0000000" % (10 + i // 5000)
    p["district_kato"] = "%02d%02d00000" % (10 + i // 5000, (i // 50) % 100)
    sys.stdout.write(json.dumps(f, separators=(",", ":")) + "\n")
' | "$bin/atd-score" -q | "$bin/atd-classify" -q -o "$work/synthetic.geojsons"
echo "input: $n synthetic settlements in $((n / 50)) districts, $(du -m "$work/synthetic.geojsons" | cut -f1) MB classified"
measure "atd-report synthetic html" "$bin/atd-report" "$work/synthetic.geojsons" -o "$work/synthetic.html"
syn=$(cat "$work/last")
grep -o 'report: .*' "$work/err"
verdict "target synthetic report under 20 s" "$syn" 20
