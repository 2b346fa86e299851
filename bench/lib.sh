# Shared by the benchmark scripts: a scratch directory ($work, removed at
# exit), timing with peak memory, ratios, verdicts, the header. Needs $bin.
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
measure() {  # label command... -> prints "label wall_s user_s sys_s peak_MB"
  local label=$1; shift
  /usr/bin/time -f "%e %U %S %M" -o "$work/time" "$@" >"$work/out" 2>"$work/err" || { cat "$work/err" >&2; exit 1; }
  read -r wall user sys kb <"$work/time"
  printf '%-34s %8.2f %8.2f %8.2f %8.1f\n' "$label" "$wall" "$user" "$sys" "$(echo "$kb/1024" | bc -l)"
  echo "$wall" >"$work/last"
  echo "$kb" >"$work/last_kb"
}
measure_runs() {  # label runs command... -> the median run's line, then every run's wall time
  # This virtual machine's speed drifts by a third from minute to minute:
  # a target is judged on the median of several runs, and the spread is shown.
  local label=$1 runs=$2; shift 2
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
