#!/usr/bin/env bash
# Benchmarks of atd-report (issue 6).
#   1. The whole of Kazakhstan: the scored and classified settlements and the okrug
#      merger proposals of the main job into one HTML report (target: under 2 s and
#      under 20 MB of HTML).
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
"$bin/atd-areas" "$work/kz.geojsons" -q | "$bin/atd-merge" --settlements "$work/kz.geojsons" -q -o "$work/mergers.geojsons"
measure "atd-report kz html" "$bin/atd-report" "$work/classified.geojsons" "$work/mergers.geojsons" -o "$work/report.html"
kz_s=$(cat "$work/last")
grep -o 'report: .*' "$work/err"
mb=$(echo "$(stat -c %s "$work/report.html") / 1048576" | bc -l)
printf 'report.html: %.1f MB\n' "$mb"
measure "atd-report kz md (+ SVG maps)" "$bin/atd-report" "$work/classified.geojsons" "$work/mergers.geojsons" -o "$work/report.md"
measure "atd-report kz csv" "$bin/atd-report" "$work/classified.geojsons" "$work/mergers.geojsons" -o "$work/report.csv"
verdict "target kz report under 2 s" "$kz_s" 2
verdict "target kz report under 20 MB" "$mb" 20

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
