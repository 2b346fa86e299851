#!/usr/bin/env bash
# The floor of bench/pipeline.sh's run on this machine: what its eleven tool runs
# would cost if each did nothing but move its text. Runs the same pipeline once
# (untimed) on a synthetic country of N settlements, keeping every file, then,
# per tool run:
#   read   cat of the files it reads to /dev/null (the page cache is warm),
#   parse  bench/parse-floor on those files: read into memory, then every record
#          parsed by simdjson on all cores, nothing looked up or kept,
#   write  dd of as many bytes as it writes, from /dev/zero to a file here,
# and sums them. No tool can take less than its read and write; the GeoJSON
# Sequence between the tools (DESIGN.md) fixes those bytes.
# Usage: bench/floor.sh [N] [DIR] (default 1000000; DIR keeps the files and is
# reused when it holds a finished run). Needs a Release build in build/.
set -euo pipefail
cd "$(dirname "$0")/.."
bin=build/tools
n=${1:-1000000}
source bench/lib.sh
d=${2:-$work/run}
mkdir -p "$d"
cmake --build build --target parse-floor >/dev/null
floor=build/bench/parse-floor

header
if [ ! -s "$d/report.html" ]; then
  echo "running the pipeline on $n settlements in $d (untimed)"
  "$bin/atd-synth" -n "$n" --seed 1 -o "$d" --overwrite -q
  for tool in "${pipeline_tools[@]}"; do
    pipeline_cmd "$tool" "$d"
    "${cmd[@]}" --overwrite 2>"$work/err" >/dev/null || { cat "$work/err" >&2; exit 1; }
  done
fi

# tool | files read (atd-score and atd-classify read theirs twice) | files written
runs=(
  "ingest|settlements|atd.gpkg"
  "validate|settlements|validation.txt"
  "flows|settlements od.csv|flows ttwa"
  "access|flows facilities roads|access"
  "score|access access|scored"
  "classify|scored scored|classified"
  "areas|settlements|areas"
  "merge|areas classified|mergers"
  "merge_units|areas classified|units"
  "dissolve|units|okrugs"
  "report|classified mergers areas|report.html"
)
path() { case $1 in *.*) echo "$d/$1" ;; *) echo "$d/$1.geojsons" ;; esac; }
secs() { /usr/bin/time -f %e -o "$work/t" "$@" >/dev/null; cat "$work/t"; }

printf '%-12s %9s %9s %8s %8s %8s %8s\n' tool read_MB write_MB read_s parse_s write_s floor_s
sum_r=0 sum_p=0 sum_w=0 sum_rb=0 sum_wb=0
for run in "${runs[@]}"; do
  IFS='|' read -r tool ins outs <<<"$run"
  in_files=() json=() rb=0 wb=0
  for f in $ins; do
    p=$(path "$f"); in_files+=("$p"); rb=$((rb + $(stat -c %s "$p")))
    case $p in *.geojsons) json+=("$p") ;; esac
  done
  for f in $outs; do wb=$((wb + $(stat -c %s "$(path "$f")"))); done
  cat "${in_files[@]}" >/dev/null  # warm
  r=$(secs cat "${in_files[@]}")
  p=0
  [ ${#json[@]} -eq 0 ] || p=$("$floor" "${json[@]}" | awk '$1 == "total" {print $5}')
  w=$(secs dd if=/dev/zero of="$d/floor.dd" bs=1M count=$(((wb + 1048575) / 1048576)) status=none)
  rm -f "$d/floor.dd"
  t=$(echo "$r + $p + $w" | bc -l)
  printf '%-12s %9d %9d %8.2f %8.2f %8.2f %8.2f\n' "$tool" $((rb / 1048576)) $((wb / 1048576)) "$r" "$p" "$w" "$t"
  sum_r=$(echo "$sum_r + $r" | bc -l); sum_p=$(echo "$sum_p + $p" | bc -l); sum_w=$(echo "$sum_w + $w" | bc -l)
  sum_rb=$((sum_rb + rb)); sum_wb=$((sum_wb + wb))
done
total=$(echo "$sum_r + $sum_p + $sum_w" | bc -l)
printf '%-12s %9d %9d %8.2f %8.2f %8.2f %8.2f\n' total $((sum_rb / 1048576)) $((sum_wb / 1048576)) \
  "$sum_r" "$sum_p" "$sum_w" "$total"
verdict "floor of the $n-settlement pipeline under 30 s" "$total" 30
