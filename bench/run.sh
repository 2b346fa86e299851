#!/usr/bin/env bash
# Benchmarks of the foundation, side by side with peers in one run.
#   1. atd-ingest of the whole KATO classifier joined with geocoded settlements,
#      boundaries, categories and statistics (target: under 1 s).
#   2. 1 million point features through atd-ingest (GeoJSONSeq in and out)
#      against ogr2ogr -f GeoJSONSeq /vsistdout/ on the same file (target: >= 5x).
#   3. atd-validate streaming the same million features.
#   4. atd-score and atd-classify on the national data and on N synthetic
#      settlements with full series (targets: 0.5 s and 5 s, under 2 GiB); the
#      N-settlement runs to /dev/null are repeated and judged on their median.
# Usage: bench/run.sh [N]   (N points, default 1000000; RUNS repeats, default 5);
# needs a build in build/.
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-1000000}
runs=${RUNS:-5}
bin=build/tools
kz=datasets/kz
. bench/lib.sh
measure_stdout=/dev/null  # ogr2ogr writes to stdout: to /dev/null, as atd-ingest's peer

header
echo "gdal: $(gdal-config --version)"
table_header

measure "ingest kz (kato+points+bounds+stats)" "$bin/atd-ingest" --kato "$kz/kato.csv" --points "$kz/settlement_points.csv" \
  --boundaries "$kz/districts.geojson" --boundaries "$kz/oblasts.geojson" --make-valid \
  --categories "$kz/categories.csv" --stats "$kz/population_2023.csv" --stats "$kz/population_osm.csv" -q
measure "ingest kz classifier+points only" "$bin/atd-ingest" --kato "$kz/kato.csv" --points "$kz/settlement_points.csv" -q

python3 bench/make-points.py "$n" >"$work/points.geojsons"
size=$(du -m "$work/points.geojsons" | cut -f1)
echo "input: $n points, ${size} MB GeoJSONSeq"
measure "atd-ingest pass-through" "$bin/atd-ingest" "$work/points.geojsons" -q -o "$work/atd.geojsons"
atd=$(cat "$work/last")
measure "ogr2ogr -f GeoJSONSeq /vsistdout/" ogr2ogr -f GeoJSONSeq /vsistdout/ "$work/points.geojsons"
ogr=$(cat "$work/last")
measure "atd-validate (streaming)" "$bin/atd-validate" "$work/points.geojsons" -q -o "$work/report.txt"
echo "speed-up of atd-ingest over ogr2ogr: $(echo "scale=2; $ogr / $atd" | bc -l)x"

# Scoring and classification (issue 3): the national data, and N synthetic settlements with full series.
"$bin/atd-ingest" --kato "$kz/kato.csv" --points "$kz/settlement_points.csv" --categories "$kz/categories.csv" \
  --stats "$kz/population_2023.csv" --stats "$kz/population_osm.csv" -q -o "$work/kz.geojsons"
measure "atd-score kz (6,358 settlements)" "$bin/atd-score" "$work/kz.geojsons" -q -o "$work/kz-scored.geojsons"
kz_score=$(cat "$work/last")
measure "atd-classify kz" "$bin/atd-classify" "$work/kz.geojsons" -q -o "$work/kz-classified.geojsons"
kz_classify=$(cat "$work/last")
rm -f "$work/points.geojsons" "$work/atd.geojsons"
# Written by atd-ingest, as a pipeline's input would be (the tools insert their
# fields into such records instead of parsing them a second time).
python3 bench/make-settlements.py "$n" | "$bin/atd-ingest" -q -o "$work/settlements.geojsons"
echo "input: $n settlements with full series, $(du -m "$work/settlements.geojsons" | cut -f1) MB; ATD_THREADS=${ATD_THREADS:-$(nproc)}"
measure "atd-score (full series)" "$bin/atd-score" "$work/settlements.geojsons" -q -o "$work/scored.geojsons"
rm -f "$work/scored.geojsons"
measure "atd-classify (full series)" "$bin/atd-classify" "$work/settlements.geojsons" -q -o "$work/classified.geojsons"
classify_mb=$(echo "$(cat "$work/last_kb") / 1024" | bc)
rm -f "$work/classified.geojsons"
measure_runs "atd-score to /dev/null" "$runs" "$bin/atd-score" "$work/settlements.geojsons" -q -o /dev/null
score_median=$(cat "$work/last")
measure_runs "atd-classify to /dev/null" "$runs" "$bin/atd-classify" "$work/settlements.geojsons" -q -o /dev/null
classify_median=$(cat "$work/last")
measure "atd-classify one thread" env ATD_THREADS=1 "$bin/atd-classify" "$work/settlements.geojsons" -q -o /dev/null
# What writing that many bytes costs here, whatever writes them.
measure "dd of the scored output's size" dd if=/dev/zero of="$work/dd" bs=1M count="$((n * 1887 / 1000000))" status=none
rm -f "$work/dd"
verdict "atd-score and atd-classify of the national data under 0.5 s" "$(printf '%s\n' "$kz_score" "$kz_classify" | sort -n | tail -1)" 0.5
verdict "atd-classify of $n settlements under 2 GiB" "$classify_mb" 2048
verdict "atd-score of $n settlements under 5 s (median, to /dev/null)" "$score_median" 5
verdict "atd-classify of $n settlements under 5 s (median, to /dev/null)" "$classify_median" 5
