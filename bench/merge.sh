#!/usr/bin/env bash
# Benchmarks of okrug mergers (issue 5), side by side with a peer where one runs here.
#   1. SKATER (atd-merge --method skater, k = 10) on a 100 x 100 grid of units (target:
#      under 0.2 s and 200 MiB); with --ssw distance (spdep's heterogeneity) too, and
#      R's spdep::skater on the same grid when Rscript and spdep are installed
#      (apt-get install r-cran-spdep) on 400 and 1,024 units, same attributes and neighbours,
#      as a ratio (spdep needs minutes at 3,000 units).
#   2. SKATER on a 317 x 317 grid, 100,489 units (target: under 5 s and 1 GiB; no peer:
#      the peers keep a dense n x n distance matrix).
#   3. max-p with a population floor on a 60 x 50 grid, 3,000 units (target: under 0.5 s).
#      libgeoda, the peer of the target, is not installable here (no PyPI or CRAN).
#   4. The whole of Kazakhstan: atd-areas, then atd-merge greedy with 20 variants
#      (target: under 2 s), and the exact method against greedy.
# Usage: bench/merge.sh; needs a Release build in build/ and python3.
set -euo pipefail
cd "$(dirname "$0")/.."
bin=build/tools
kz=datasets/kz
source bench/lib.sh

header
have_r=no
if command -v Rscript >/dev/null && Rscript -e 'suppressMessages(library(spdep))' >/dev/null 2>&1; then
  have_r=yes
  echo "R: $(Rscript -e 'cat(R.version.string, "spdep", format(packageVersion("spdep")))' 2>/dev/null)"
fi
table_header

skater() {  # label units pairs [extra options]: the unit table as GeoJSONSeq
  local label=$1 units=$2 pairs=$3; shift 3
  measure "$label" "$bin/atd-merge" "$units" --neighbours "$pairs" --region-field none --method skater -k 10 \
    --attributes z1,z2 --units -q -o "$work/skater.geojsons" --overwrite "$@"
}

# 1. SKATER on 10,000 units
python3 bench/make-grid-units.py 100 100 "$work/g10k.geojsons" "$work/g10k.csv"
echo "input: 100 x 100 grid, 10000 units, rook neighbours"
skater "atd-merge skater (squared)" "$work/g10k.geojsons" "$work/g10k.csv"
sq=$(cat "$work/last"); sq_kb=$(cat "$work/last_kb")
skater "atd-merge skater (spdep ssw)" "$work/g10k.geojsons" "$work/g10k.csv" --ssw distance
measure "atd-merge skater, CSV output" "$bin/atd-merge" "$work/g10k.geojsons" --neighbours "$work/g10k.csv" \
  --region-field none --method skater -k 10 --attributes z1,z2 -q -o "$work/skater.csv"
measure "atd-merge --version (start-up)" "$bin/atd-merge" --version
dist=$(cat "$work/last")
if [ "$have_r" = yes ]; then
  # spdep's own grid (bench/skater-spdep-grid.R): the same units, neighbours and attributes for both.
  for size in "20 20" "32 32"; do
    set -- $size
    n=$(($1 * $2))
    measure "R spdep::skater, $n units" Rscript bench/skater-spdep-grid.R "$1" "$2" "$work/r"
    r=$(cat "$work/last")
    python3 - "$work/r/skater-grid-$n.csv" "$work/r/grid.geojsons" <<'PY'
import csv, json, sys
with open(sys.argv[2], "w") as f:
    for row in csv.DictReader(open(sys.argv[1])):
        f.write(json.dumps({"type": "Feature", "geometry": None, "properties": {
            "unit_id": row["unit_id"], "z1": float(row["z1"]), "z2": float(row["z2"])}}) + "\n")
PY
    measure "atd-merge skater spdep ssw, $n units" "$bin/atd-merge" "$work/r/grid.geojsons" \
      --neighbours "$work/r/skater-grid-$n-nb.csv" --id-field unit_id --region-field none --method skater -k 10 \
      --attributes z1,z2 --ssw distance -f csv -q -o "$work/atd-grid.csv" --overwrite
    a=$(cat "$work/last")
    python3 tests/peer/compare_partitions.py "$work/r/skater-grid-$n-spdep-k10.csv" "$work/atd-grid.csv" \
      --group-b proposal >/dev/null && same="the same partition" || same="DIFFERENT partitions"
    echo "spdep against atd on $n units: $same; atd $(ratio "$r" "$a")x faster (R's time includes starting R)"
  done
fi
verdict "target skater 10,000 units under 0.2 s" "$sq" 0.2
verdict "target skater 10,000 units under 200 MiB" "$sq_kb" 204800

# 2. SKATER on 100,489 units
python3 bench/make-grid-units.py 317 317 "$work/g100k.geojsons" "$work/g100k.csv"
echo "input: 317 x 317 grid, 100489 units"
skater "atd-merge skater (squared)" "$work/g100k.geojsons" "$work/g100k.csv"
big=$(cat "$work/last"); big_kb=$(cat "$work/last_kb")
verdict "target skater 100,489 units under 5 s" "$big" 5
verdict "target skater 100,489 units under 1 GiB" "$big_kb" 1048576
rm -f "$work"/g100k.*

# 3. max-p on 3,000 units
python3 bench/make-grid-units.py 60 50 "$work/g3k.geojsons" "$work/g3k.csv"
measure "atd-merge maxp 3000 (floor 5000)" "$bin/atd-merge" "$work/g3k.geojsons" --neighbours "$work/g3k.csv" \
  --region-field none --method maxp --floor population=5000 --attributes z1,z2 -f csv -q -o "$work/maxp.csv"
mp=$(cat "$work/last")
echo "max-p regions: $(python3 -c 'import csv, sys; print(len({r["proposal"] for r in csv.DictReader(open(sys.argv[1]))}))' "$work/maxp.csv")"
verdict "target maxp 3,000 units under 0.5 s" "$mp" 0.5

# 4. Kazakhstan
"$bin/atd-ingest" --kato "$kz/kato.csv" --points "$kz/settlement_points.csv" \
  --boundaries "$kz/districts.geojson" --boundaries "$kz/oblasts.geojson" --make-valid \
  --categories "$kz/categories.csv" --stats "$kz/population_2023.csv" --stats "$kz/population_osm.csv" \
  -q -o "$work/kz.geojsons"
measure "atd-areas kz" "$bin/atd-areas" "$work/kz.geojsons" -q -o "$work/areas.geojsons"
measure "atd-merge kz greedy" "$bin/atd-merge" "$work/areas.geojsons" --settlements "$work/kz.geojsons" -q \
  -o "$work/proposals.geojsons"
measure "atd-merge kz greedy, 20 variants" "$bin/atd-merge" "$work/areas.geojsons" --settlements "$work/kz.geojsons" \
  --variants 20 -q -o "$work/proposals20.geojsons"
v20=$(cat "$work/last")
measure "atd-merge kz exact (<= 15 units)" "$bin/atd-merge" "$work/areas.geojsons" --settlements "$work/kz.geojsons" \
  --method exact -o "$work/exact.geojsons"
grep -o 'objective: .*' "$work/err"
verdict "target kz greedy with 20 variants under 2 s" "$v20" 2
