#!/usr/bin/env bash
# The same input and options give byte-identical outputs, run after run, and
# on one thread as on two (ATD_THREADS).
set -euo pipefail
bin=$1 root=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
kz="$root/datasets/kz"
run() {
  local out=$1
  "$bin/atd-ingest" --kato "$kz/kato.csv" --points "$kz/settlement_points.csv" --boundaries "$kz/districts.geojson" \
    --make-valid --categories "$kz/categories.csv" --stats "$kz/population_2023.csv" --stats "$kz/population_osm.csv" \
    -q -o "$out/kz.geojsons"
  "$bin/atd-validate" "$out/kz.geojsons" -f json -q -o "$out/validation.json"
  "$bin/atd-score" "$out/kz.geojsons" -q -o "$out/scored.geojsons"
  "$bin/atd-classify" "$out/scored.geojsons" --vary city_district.min_population=9000,11000 -q -o "$out/classified.geojsons"
  "$bin/atd-classify" "$root/tests/data/synthetic-district/district.geojsonl" -f csv -q -o "$out/synthetic.csv"
  "$bin/atd-ingest" "$out/kz.geojsons" -f geojson -q -o "$out/kz.geojson"
  "$bin/atd-ingest" "$out/kz.geojsons" -q -o "$out/kz.gpkg"
  "$bin/atd-classify" "$out/scored.geojsons" -q -o "$out/classified.gpkg"
  "$bin/atd-flows" "$out/kz.geojsons" --model radiation --zones ttwa -q -o "$out/kz-flows.geojsons" \
    --zones-output "$out/kz-zones.geojsons"
  local b="$root/tests/data/brindisi" d="$root/tests/data/synthetic-district"
  "$bin/atd-flows" "$b/brindisi.geojson" --od "$b/flows.csv" --id-field unit_id --persons-field flow --zones cz -q \
    -o "$out/brindisi-cz.geojsons" --zones-output "$out/brindisi-cz-zones.geojsons"
  "$bin/atd-access" "$d/district.geojsonl" --facilities "$d/facilities.geojsonl" --roads "$d/roads.geojsonl" \
    --fallback geodesic -q -o "$out/district-access.geojsons"
  "$bin/atd-areas" "$out/kz.geojsons" -q -o "$out/areas.geojsons"
  "$bin/atd-merge" "$out/areas.geojsons" --settlements "$out/kz.geojsons" --variants 5 -q -o "$out/merge.geojsons"
  "$bin/atd-merge" "$out/areas.geojsons" --settlements "$out/kz.geojsons" --units -q |
    "$bin/atd-dissolve" --by proposal --sum population --list kato --same district_kato --feature-type okrug -q \
      -o "$out/merged.geojsons"
  "$bin/atd-report" "$out/classified.geojsons" "$out/merge.geojsons" "$out/areas.geojsons" -q -o "$out/report.html"
  "$bin/atd-synth" -n 5000 --seed 5 -q -o "$out-synth"
  # Several batches of features through the threads, from a file and from a pipe.
  "$bin/atd-score" "$out-synth/settlements.geojsons" -q -o "$out/synth-scored.geojsons"
  "$bin/atd-score" <"$out-synth/settlements.geojsons" -q -o "$out/synth-scored-stdin.geojsons"
  "$bin/atd-classify" "$out/synth-scored.geojsons" -q -o "$out/synth-classified.geojsons"
}
mkdir -p "$work/a" "$work/b" "$work/c"
ATD_THREADS=2 run "$work/a"
sleep 1  # a GeoPackage's last_change must not follow the clock
ATD_THREADS=2 run "$work/b"
ATD_THREADS=1 run "$work/c"
for f in "$work"/a/*; do
  cmp -s "$f" "$work/b/$(basename "$f")" || { echo "FAIL: $(basename "$f") differs between two runs"; exit 1; }
  cmp -s "$f" "$work/c/$(basename "$f")" || { echo "FAIL: $(basename "$f") differs on one thread"; exit 1; }
done
for f in "$work"/a-synth/*; do
  cmp -s "$f" "$work/b-synth/$(basename "$f")" || { echo "FAIL: atd-synth's $(basename "$f") differs between two runs"; exit 1; }
done
cmp -s "$work/a/synth-scored.geojsons" "$work/a/synth-scored-stdin.geojsons" ||
  { echo "FAIL: atd-score writes otherwise from a pipe than from a file"; exit 1; }
# Districts solved one at a time give what districts in parallel give.
"$bin/atd-merge" "$work/a/areas.geojsons" --settlements "$work/a/kz.geojsons" --variants 5 --threads 1 -q \
  -o "$work/merge-serial.geojsons"
cmp -s "$work/a/merge.geojsons" "$work/merge-serial.geojsons" || { echo "FAIL: atd-merge differs with --threads 1"; exit 1; }
echo "ok: $(find "$work/a" "$work/a-synth" -type f | wc -l) outputs byte-identical in two runs and on one thread, and atd-merge serial as in parallel"
