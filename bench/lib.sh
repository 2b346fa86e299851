# Shared by the benchmark scripts: a scratch directory ($work, removed at
# exit), timing with peak memory, ratios, verdicts, the header, and the whole
# pipeline's tool runs. Needs $bin.
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
measure() {  # label command... -> prints "label wall_s user_s sys_s peak_MB"
  # The command's stdout goes to $work/out, or where $measure_stdout says (/dev/null).
  local label=$1; shift
  /usr/bin/time -f "%e %U %S %M" -o "$work/time" "$@" >"${measure_stdout:-$work/out}" 2>"$work/err" ||
    { cat "$work/err" >&2; exit 1; }
  read -r wall user sys kb <"$work/time"
  printf '%-34s %8.2f %8.2f %8.2f %8.1f\n' "$label" "$wall" "$user" "$sys" "$(echo "$kb/1024" | bc -l)"
  echo "$wall" >"$work/last"
  echo "$kb" >"$work/last_kb"
}
measure_runs() {  # label runs command... -> the median run's line, then every run's wall time
  # This virtual machine's speed drifts by a third from minute to minute:
  # a target is judged on the median of several runs (an odd number), and the spread is shown.
  local label=$1 runs=$2; shift 2
  [[ $runs =~ ^[0-9]*[13579]$ ]] || { echo "measure_runs: the number of runs must be odd, not '$runs'" >&2; exit 2; }
  : >"$work/runs"
  for _ in $(seq "$runs"); do
    measure "$label" "$@" | awk '{print $(NF - 3) "\t" $0}' >>"$work/runs"
  done
  local middle
  middle=$(sort -n "$work/runs" | sed -n "$(( (runs + 1) / 2 ))p")
  echo "$middle" | cut -f2-
  echo "  median of $runs runs; wall s, fastest first: $(sort -n "$work/runs" | cut -f1 | tr '\n' ' ')"
  echo "$middle" | cut -f1 >"$work/last"
}
ratio() { echo "scale=2; $1 / $2" | bc -l | sed 's/^\./0./'; }
verdict() {  # what value limit -> "met" or "NOT met"
  if [ "$(echo "$2 < $3" | bc -l)" = 1 ]; then echo "$1: met"; else echo "$1: NOT met"; fi
}
header() {  # the machine and the build, first lines of every benchmark
  echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')"
  echo "atd: $($bin/atd --version) ($(git describe --always --dirty 2>/dev/null || echo 'no git'))"
}
table_header() { printf '%-34s %8s %8s %8s %8s\n' "run" "wall_s" "user_s" "sys_s" "peak_MB"; }

# The whole pipeline's tool runs in order, each reading what the ones before it
# wrote in one directory: bench/pipeline.sh times them, bench/floor.sh measures
# the text they move. pipeline_cmd TOOL DIR sets the array cmd to the run.
pipeline_tools=(ingest validate flows access score classify areas merge merge_units dissolve report)
pipeline_cmd() {
  local d=$2
  case $1 in
    ingest) cmd=("$bin/atd-ingest" "$d/settlements.geojsons" -q -o "$d/atd.gpkg") ;;
    validate) cmd=("$bin/atd-validate" "$d/settlements.geojsons" -o "$d/validation.txt") ;;
    flows) cmd=("$bin/atd-flows" "$d/settlements.geojsons" --od "$d/od.csv" --zones ttwa
                --zones-output "$d/ttwa.geojsons" -o "$d/flows.geojsons") ;;
    access) cmd=("$bin/atd-access" "$d/flows.geojsons" --facilities "$d/facilities.geojsons"
                 --roads "$d/roads.geojsons" --fallback geodesic -o "$d/access.geojsons") ;;
    score) cmd=("$bin/atd-score" "$d/access.geojsons" -q -o "$d/scored.geojsons") ;;
    classify) cmd=("$bin/atd-classify" "$d/scored.geojsons" -o "$d/classified.geojsons") ;;
    areas) cmd=("$bin/atd-areas" "$d/settlements.geojsons" -o "$d/areas.geojsons") ;;
    merge) cmd=("$bin/atd-merge" "$d/areas.geojsons" --settlements "$d/classified.geojsons" -o "$d/mergers.geojsons") ;;
    merge_units) cmd=("$bin/atd-merge" "$d/areas.geojsons" --settlements "$d/classified.geojsons" --units -q
                      -o "$d/units.geojsons") ;;
    dissolve) cmd=("$bin/atd-dissolve" "$d/units.geojsons" --by proposal --sum population --list kato
                   --same district_kato --feature-type okrug -q -o "$d/okrugs.geojsons") ;;
    report) cmd=("$bin/atd-report" "$d/classified.geojsons" "$d/mergers.geojsons" "$d/areas.geojsons"
                 -o "$d/report.html") ;;
    *) echo "pipeline_cmd: no tool run '$1'" >&2; return 1 ;;
  esac
}
