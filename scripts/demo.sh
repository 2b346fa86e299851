#!/usr/bin/env bash
# The main job on the bundled real data (datasets/kz): sets everything up,
# builds canonical settlements and units, validates them, scores and classifies
# the settlements, and writes out/kz.gpkg, out/proposals.gpkg (open them in
# QGIS), out/proposals.csv and out/validation.txt.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh build
bin=build/tools
kz=datasets/kz
mkdir -p out

"$bin/atd-ingest" --kato "$kz/kato.csv" \
  --points "$kz/settlement_points.csv" \
  --boundaries "$kz/districts.geojson" --boundaries "$kz/oblasts.geojson" --make-valid \
  --categories "$kz/categories.csv" \
  --stats "$kz/population_2023.csv" --stats "$kz/population_osm.csv" \
  -o out/kz.geojsons --overwrite

"$bin/atd-validate" out/kz.geojsons -o out/validation.txt --overwrite
"$bin/atd-validate" out/kz.geojsons -f json -o out/validation.json --overwrite -q
"$bin/atd-ingest" out/kz.geojsons -o out/kz.gpkg --overwrite -q

# Commuting: Kazakhstan publishes no OD survey, so flows are modelled (radiation
# model) and every indicator from them says flow_source=modelled; the modelled
# flows also give travel-to-work areas (Coombes-Bond), one polygon layer.
"$bin/atd-flows" out/kz.geojsons --model radiation --zones ttwa --zones-output out/kz-ttwa.gpkg \
  -q -o out/kz-flows.geojsons --overwrite

# Access to services along roads: no road or facility layer of Kazakhstan is
# bundled, so a synthetic district (tests/data/synthetic-district) shows it.
d=tests/data/synthetic-district
"$bin/atd-access" "$d/district.geojsonl" --facilities "$d/facilities.geojsonl" --roads "$d/roads.geojsonl" \
  --fallback geodesic -q -o out/district-access.gpkg --overwrite

# Criteria and status proposals (standards profile datasets/standards/kz.toml).
"$bin/atd-score" out/kz-flows.geojsons -q \
  | "$bin/atd-classify" -o out/proposals.gpkg --overwrite --data-plan out/data-plan.csv
"$bin/atd-classify" out/kz-flows.geojsons --only-changes -f csv -o out/proposals.csv --overwrite -q

# Rural okrug mergers: okrug areas derived from the settlements (no okrug
# boundaries are published), merger proposals per district with 20 perturbed
# variants for stability, and the proposed okrugs dissolved into polygons.
"$bin/atd-areas" out/kz.geojsons -q -o out/okrug-areas.geojsons --overwrite
"$bin/atd-merge" out/okrug-areas.geojsons --settlements out/kz.geojsons --variants 20 -q \
  -o out/okrug-proposals.gpkg --overwrite
"$bin/atd-merge" out/okrug-areas.geojsons --settlements out/kz.geojsons --variants 20 -f geojson -q \
  -o out/mergers.geojson --overwrite
"$bin/atd-merge" out/okrug-areas.geojsons --settlements out/kz.geojsons --units -q \
  | "$bin/atd-dissolve" --by proposal --sum population --list kato --same district_kato --feature-type okrug -q \
      -o out/okrug-merged.gpkg --overwrite
"$bin/atd-merge" out/okrug-areas.geojsons --settlements out/kz.geojsons -f csv -q \
  -o out/okrug-proposals.csv --overwrite

# The report people read, in English, Russian and Kazakh: contents, summaries, then
# status changes and okrug mergers district by district with maps, a glossary and sources.
for lang in en ru kk; do
  report=out/report.html
  [ "$lang" = en ] || report=out/report-$lang.html
  "$bin/atd-report" out/proposals.gpkg out/mergers.geojson out/okrug-areas.geojsons --lang "$lang" -q \
    -o "$report" --overwrite
done

echo
echo "Done. Results:"
echo "  out/kz.gpkg          settlements and units (GeoPackage; layers 'settlements' and 'units')"
echo "  out/kz.geojsons      the same as a GeoJSON Sequence, for atd pipelines"
echo "  out/validation.txt   validation findings with counts ($(tail -n +1 out/validation.txt | grep -m1 '^checked'))"
echo "  out/proposals.gpkg   every settlement scored on C1-C8 with its status proposal and reasons"
echo "  out/proposals.csv    the proposals that change something, for spreadsheets"
echo "  out/data-plan.csv    per oblast, the fields that would settle the undetermined and unassessed proposals"
echo "  out/kz-flows.geojsons  settlements with modelled commuting indicators (flow_source=modelled)"
echo "  out/kz-ttwa.gpkg     travel-to-work areas from the modelled flows, with their statistics"
echo "  out/district-access.gpkg  a synthetic district: road distance and time to each kind of facility"
echo "  out/okrug-areas.geojsons    derived okrug areas (Voronoi cells of the settlements, clipped and dissolved)"
echo "  out/okrug-proposals.gpkg    okrug merger proposals per district: members, centre, distances, trigger, stability"
echo "  out/okrug-proposals.csv     the same as a unit-to-proposal table"
echo "  out/okrug-merged.gpkg       the proposed okrugs as polygons (atd-dissolve)"
echo "  out/mergers.geojson         the merger proposals as one GeoJSON file"
echo
echo "Open the report: $(pwd)/out/report.html (in Russian: out/report-ru.html, in Kazakh: out/report-kk.html)"
