#!/usr/bin/env bash
# The whole pipeline on synthetic countries (issue 7): for each size N, atd-synth writes a
# country of N settlements (not counted in the total: it is the data generator), then every
# tool of scripts/demo.sh runs on it, each timed apart (wall, user and system time, peak
# memory), its output feeding the next as in the real pipeline:
#   atd-ingest (GeoJSON Sequence to GeoPackage, beside the peer ogr2ogr -f GPKG on the same
#   file), atd-validate, atd-flows --od --zones ttwa, atd-access --roads, atd-score,
#   atd-classify, atd-areas, atd-merge (proposals), atd-merge --units, atd-dissolve,
#   atd-report (HTML).
# The end-to-end total is the sum of those wall times (target at 1 million settlements:
# under 30 s and 8 GiB). Then the clustering peers on a bounded subset of the okrug areas
# (the first districts, up to $SKATER_UNITS units, default 1000: spdep needs minutes past a
# few thousand): R's spdep::skater beside atd-merge --method skater --ssw distance on the
# same units, attributes and queen pairs (bench/skater-spdep-units.R; apt-get install
# r-cran-spdep), and scikit-learn's contiguity-constrained Ward clustering beside atd-merge's
# SKATER with squared deviations (bench/ward-sklearn.py; apt-get install python3-sklearn).
# A growth table closes the run: each tool's time at each size against n log n.
# Usage: bench/pipeline.sh [SIZES...] (default 10000 100000 1000000); needs a Release build in
# build/, GDAL's ogr2ogr; R and scikit-learn are optional. Exits non-zero if any tool fails.
set -euo pipefail
cd "$(dirname "$0")/.."
bin=build/tools
sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || sizes=(10000 100000 1000000)
cap=${SKATER_UNITS:-1000}
source bench/lib.sh
start=$SECONDS

header
echo "gdal: $(gdal-config --version)"
have_r=no
if command -v Rscript >/dev/null && Rscript -e 'suppressMessages({library(spdep); library(sf)})' >/dev/null 2>&1; then
  have_r=yes
  echo "R: $(Rscript -e 'cat(R.version.string, "spdep", format(packageVersion("spdep")))' 2>/dev/null)"
else
  echo "R with spdep and sf: not installed (apt-get install r-cran-spdep r-cran-sf): no clustering peers"
fi
py_sk=""
for py in python3 /usr/bin/python3; do
  if "$py" -c 'import sklearn' 2>/dev/null; then py_sk=$py; break; fi
done
if [ -n "$py_sk" ]; then
  echo "scikit-learn: $("$py_sk" -c 'import sklearn; print(sklearn.__version__)')"
else
  echo "scikit-learn: not installed (apt-get install python3-sklearn): no Ward peer"
fi

tools=("${pipeline_tools[@]}")
declare -A wall peak
cmds=()
step() {  # key label [command...]: measure (the pipeline's run of that key by default), keep the wall time and peak
  local key=$1 label=$2; shift 2
  if [ $# -eq 0 ]; then
    pipeline_cmd "$key" "$d"
    set -- "${cmd[@]}"
  fi
  [ "$n" != "${sizes[0]}" ] || cmds+=("${*//$d/DIR}")
  measure "$label" "$@"
  wall[$key,$n]=$(cat "$work/last")
  peak[$key,$n]=$(cat "$work/last_kb")
}
said() { sed -n "s/^$1: //p" "$work/err" | grep -v '^warning' | tail -n 1; }  # a tool's summary line
mb() { echo "$(du -m "$1" | cut -f1) MB"; }

for n in "${sizes[@]}"; do
  d=$work/$n
  echo
  echo "### $n settlements"
  table_header
  step synth "atd-synth (generator, not summed)" "$bin/atd-synth" -n "$n" --seed 1 -o "$d"
  echo "input: $(said atd-synth | sed "s#$d#DIR#")"
  echo "input: settlements.geojsons $(mb "$d/settlements.geojsons"), facilities $(mb "$d/facilities.geojsons"), roads $(mb "$d/roads.geojsons"), od.csv $(mb "$d/od.csv") ($(($(wc -l <"$d/od.csv") - 1)) rows)"

  step ingest "atd-ingest geojsons to gpkg"
  step ogr2ogr "ogr2ogr -f GPKG (peer)" ogr2ogr -f GPKG "$d/ogr.gpkg" "$d/settlements.geojsons"
  echo "I/O: atd-ingest (2 typed layers) $(ratio "${wall[ogr2ogr,$n]}" "${wall[ingest,$n]}")x faster than ogr2ogr (1 layer), $(mb "$d/atd.gpkg") against $(mb "$d/ogr.gpkg")"
  rm -f "$d/atd.gpkg" "$d/ogr.gpkg"
  step validate "atd-validate"
  echo "validate: $(grep -m1 '^checked' "$d/validation.txt" || true)"
  step flows "atd-flows --od --zones ttwa"
  echo "flows: $(said atd-flows)"
  step access "atd-access --roads"
  said atd-access
  rm -f "$d/flows.geojsons"
  step score "atd-score"
  rm -f "$d/access.geojsons"
  step classify "atd-classify"
  said atd-classify
  rm -f "$d/scored.geojsons"
  step areas "atd-areas"
  said atd-areas
  step merge "atd-merge"
  said atd-merge
  step merge_units "atd-merge --units"
  step dissolve "atd-dissolve"
  step report "atd-report html"
  echo "$(said atd-report) ($(mb "$d/report.html"))"

  total=0 top=0
  for t in "${tools[@]}"; do
    total=$(echo "$total + ${wall[$t,$n]}" | bc -l)
    [ "${peak[$t,$n]}" -le "$top" ] || top=${peak[$t,$n]}
  done
  wall[total,$n]=$total
  printf 'end to end, %d settlements (%d runs, ingest to report): %.2f s, peak %.0f MB (the largest of one tool)\n' \
    "$n" "${#tools[@]}" "$total" "$(echo "$top / 1024" | bc -l)"
  if [ "$n" = 1000000 ]; then
    verdict "target 1 million end to end under 30 s" "$total" 30
    verdict "target 1 million under 8 GiB" "$top" 8388608
  fi

  # Clustering peers on the okrug areas of the first districts, up to $cap units.
  if [ "$have_r" = yes ]; then
    python3 - "$d/areas.geojsons" "$d/subset.geojsons" "$cap" <<'PY'
import json, sys
src, dst, cap = sys.argv[1], open(sys.argv[2], "w"), int(sys.argv[3])
district, lines, taken = None, [], 0
for line in open(src):
    p = json.loads(line)["properties"]
    if p.get("district_kato") != district:
        if taken + len(lines) > cap and taken:
            break
        dst.writelines(lines); taken += len(lines)
        district, lines = p.get("district_kato"), []
    lines.append(line)
else:
    if taken + len(lines) <= cap or not taken:
        dst.writelines(lines)
PY
    Rscript bench/skater-spdep-units.R prepare "$d/subset.geojsons" "$d/sk" | sed 's/^/subset: /'
    m=$(($(wc -l <"$d/sk/units.csv") - 1))
    python3 - "$d/sk/units.csv" "$d/sk/units.geojsons" <<'PY'
import csv, json, sys
with open(sys.argv[2], "w") as f:
    for r in csv.DictReader(open(sys.argv[1])):
        f.write(json.dumps({"type": "Feature", "geometry": None, "properties": {
            "kato": r["kato"], "z1": float(r["z1"]), "z2": float(r["z2"])}}) + "\n")
PY
    skater() {  # label ssw: atd-merge's SKATER on the subset, k = 10, the peers' pairs
      measure "$1" "$bin/atd-merge" "$d/sk/units.geojsons" --neighbours "$d/sk/pairs.csv" --region-field none \
        --method skater -k 10 --attributes z1,z2 --ssw "$2" -f csv -q -o "$d/sk/atd.csv" --overwrite
    }
    measure "R spdep::skater, $m units" Rscript bench/skater-spdep-units.R skater "$d/sk" 10
    r=$(cat "$work/last")
    cat "$work/out"
    skater "atd-merge skater ssw distance" distance
    a=$(cat "$work/last")
    python3 tests/peer/compare_partitions.py "$d/sk/spdep.csv" "$d/sk/atd.csv" --id kato --group-b proposal >/dev/null \
      && same="the same partition" || same="DIFFERENT partitions"
    echo "spdep against atd on $m units: $same; atd $(ratio "$r" "$a")x faster (R's time includes starting R)"
    if [ -n "$py_sk" ]; then
      measure "sklearn ward, $m units" "$py_sk" bench/ward-sklearn.py "$d/sk/units.csv" "$d/sk/pairs.csv" 10 "$d/sk/ward.csv"
      w=$(cat "$work/last")
      said "sklearn ward" | sed 's/^/sklearn: /'
      skater "atd-merge skater squared" squared
      echo "sklearn Ward against atd's SKATER (squared) on $m units: atd $(ratio "$w" "$(cat "$work/last")")x faster (different methods; Python's time includes importing scikit-learn)"
    fi
  fi
  rm -rf "$d"
done

echo
echo "### Growth with the number of settlements (wall seconds)"
awk -v sizes="${sizes[*]}" 'BEGIN {
  k = split(sizes, s, " ")
  printf "%-14s", "tool"
  for (i = 1; i <= k; i++) printf " %9s", s[i]
  for (i = 2; i <= k; i++) printf "   ratio (n log n)"
  printf "\n"
}
{
  printf "%-14s", $1
  for (i = 1; i <= k; i++) printf " %9.2f", $(i + 1)
  flag = ""
  for (i = 2; i <= k; i++) {
    b = s[i] / s[i - 1] * log(s[i]) / log(s[i - 1])
    r = $(i) > 0 ? $(i + 1) / $(i) : 0
    printf "   %6.2f (%6.2f) ", r, b
    if (r > b) flag = "  faster than n log n"
  }
  print flag
}' < <(for t in synth "${tools[@]}" total ogr2ogr; do
  echo "$t $(for n in "${sizes[@]}"; do printf '%s ' "${wall[$t,$n]}"; done)"
done)

echo
echo "commands (DIR is the size's scratch directory):"
printf '  %s\n' "${cmds[@]}"
echo "whole run: $((SECONDS - start)) s"
