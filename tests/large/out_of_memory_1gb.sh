#!/usr/bin/env bash
# About 1 GB of valid settlements (a GeoJSON Sequence, made once) given to the
# six tools that hold every settlement, each under a 2 GiB address-space limit:
# each must fail with exit 1, one error line naming the input, a feature
# number and "out of memory", and leave no output or temporary file behind.
# Usage: out_of_memory_1gb.sh TOOL_DIR
set -euo pipefail
tools=$(cd "$1" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cat >"$work/gen.py" <<'PY'
import sys
# Settlements with unique codes in 90 districts of oblast 59, after the district units.
out = sys.stdout
for b in range(10, 100):
    lon, lat = 60 + b % 10, 50 + b // 10 * 0.5
    out.write('{"type":"Feature","properties":{"feature_type":"unit","kato":"59%02d00000","unit_kind":"district",'
              '"parent_kato":"590000000","oblast_kato":"590000000"},"geometry":{"type":"Polygon","coordinates":'
              '[[[%d,%g],[%d,%g],[%d,%g],[%d,%g],[%d,%g]]]}}\n'
              % (b, lon, lat, lon + 1, lat, lon + 1, lat + 0.5, lon, lat + 0.5, lon, lat))
line = ('{"type":"Feature","properties":{"feature_type":"settlement","kato":"59%02d%02d%03d","name_ru":"Synthetic",'
        '"category":"aul","parent_kato":"59%02d%02d000","okrug_kato":"59%02d%02d000","district_kato":"59%02d00000",'
        '"oblast_kato":"590000000","pop_2021":%d,"pop_2022":%d,"pop_2023":%d},'
        '"geometry":{"type":"Point","coordinates":[%.6f,%.6f]}}\n')
size, i, chunk = 0, 0, []
while size < 1 << 30:
    for _ in range(10000):
        b, n = 10 + i % 90, i // 90
        c, s = n // 999 % 99 + 1, n % 999 + 1
        p = 100 + i % 900
        chunk.append(line % (b, c, s, b, c, b, c, b, p, p + 1, p + 2,
                             60 + b % 10 + (s + 0.5) / 1000, 50 + b // 10 * 0.5 + (c + 0.5) / 200))
        i += 1
    text = "".join(chunk)
    out.write(text)
    size += len(text)
    chunk = []
PY
input="$work/big.geojsons"
start=$SECONDS
python3 "$work/gen.py" >"$input"
echo "generated $(($(wc -c <"$input") >> 20)) MiB in $((SECONDS - start)) s"
mkdir "$work/run"
failed=0
for args in "score" "classify" "flows --model gravity --max-km 2" "areas" "report" "dissolve --by kato"; do
  set -- $args
  tool=atd-$1
  shift
  t0=$SECONDS
  status=0
  (ulimit -v 2097152 && cd "$work/run" && exec "$tools/$tool" "$input" "$@" -q -o out.geojsons) 2>"$work/err" || status=$?
  err=$(cat "$work/err")
  problem=""
  [ "$status" = 1 ] || problem="exit status $status, not 1"
  [ -n "$problem" ] || [ "$(wc -l <"$work/err")" = 1 ] || problem="not exactly one error line"
  [ -n "$problem" ] || grep -q "^$tool: error: $input: .*feature [0-9][0-9]*.*out of memory\|^$tool: error: $input: out of memory after feature [0-9]" "$work/err" ||
    problem="the error does not name the input, a feature and 'out of memory'"
  [ -n "$problem" ] || [ -z "$(ls -A "$work/run")" ] || problem="left behind: $(ls -A "$work/run")"
  if [ -n "$problem" ]; then
    echo "FAIL: $tool: $problem: $err"
    failed=1
  else
    echo "ok: $tool in $((SECONDS - t0)) s: $err"
  fi
  rm -rf "$work/run" && mkdir "$work/run"
done
echo "total $((SECONDS - start)) s"
exit $failed
