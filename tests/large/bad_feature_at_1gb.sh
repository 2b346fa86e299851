#!/usr/bin/env bash
# A GeoJSON Sequence of about 1 GB streamed into atd-ingest, with one bad
# feature near its end: the run must fail naming that feature, exit 1, write
# nothing, and never hold the file in memory (peak resident memory under
# MEMORY_MB, default 200; 0 skips the check, for sanitizer builds).
# Usage: bad_feature_at_1gb.sh TOOL_DIR [MEMORY_MB]
set -euo pipefail
tools=$1 limit_mb=${2:-200}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cat >"$work/gen.py" <<'PY'
import sys
line = ('{"type":"Feature","properties":{"feature_type":"settlement","kato":"591000000","name_ru":"Synthetic",'
        '"category":"aul","pop_2023":1234,"synthetic":true},"geometry":{"type":"Point","coordinates":[69.123456,53.654321]}}\n')
per_chunk = 10000
chunks = (1 << 30) // (len(line) * per_chunk)
if sys.argv[1] == "number":
    print(chunks * per_chunk + 1)  # the bad feature's number
    sys.exit(0)
chunk = line * per_chunk
out = sys.stdout
for _ in range(chunks):
    out.write(chunk)
out.write('{"type":"Feature","properties":{"kato":"1"},"geometry":{"type":"Point","coordinates":[69.1,"x"]}}\n')
out.write(chunk)
PY
bad=$(python3 "$work/gen.py" number)
set +e
python3 "$work/gen.py" stream | /usr/bin/time -f "%M" -o "$work/rss" "$tools/atd-ingest" - -q -o "$work/out.geojsons" 2>"$work/err"
status=${PIPESTATUS[1]}
set -e
[ "$status" = 1 ] || { echo "FAIL: exit status $status, not 1"; cat "$work/err"; exit 1; }
grep -q "<stdin>: feature $bad (line $bad): " "$work/err" || { echo "FAIL: the error does not name feature $bad:"; cat "$work/err"; exit 1; }
[ "$(grep -c 'atd-ingest' "$work/err")" = 1 ] || { echo "FAIL: not exactly one error line"; cat "$work/err"; exit 1; }
[ ! -e "$work/out.geojsons" ] || { echo "FAIL: a half-written output was left"; exit 1; }
rss_kb=$(tail -1 "$work/rss")
[ "$limit_mb" = 0 ] || [ "$rss_kb" -lt $((limit_mb * 1024)) ] || { echo "FAIL: peak memory $((rss_kb / 1024)) MB"; exit 1; }
echo "ok: feature $bad of about 1 GB named ($(head -1 "$work/err")), exit 1, no output, peak $((rss_kb / 1024)) MB"
