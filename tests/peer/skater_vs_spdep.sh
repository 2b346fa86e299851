#!/usr/bin/env bash
# atd-merge --method skater against R's spdep::skater on Istat's Sardinian
# municipalities: the same 375 units, queen pairs and standardised attributes,
# k = 2, 5, 10 and k = 10 with a floor of 20,000 residents, with spdep's
# heterogeneity (--ssw distance) and with squared deviations. Every partition
# must be the same as spdep's, labels aside.
# Usage: skater_vs_spdep.sh TOOL_DIR SARDINIA_DIR REFERENCE_DIR
#   REFERENCE_DIR: the committed outputs (tests/peer/spdep-sardinia), or "R" to
#   run spdep now (installing R from Debian if needed; the test labelled peer).
set -euo pipefail
tools=$1 data=$2 refs=$3
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
if [ "$refs" = R ]; then
  if ! Rscript -e 'suppressMessages(library(spdep))' >/dev/null 2>&1; then
    sudo=""; [ "$(id -u)" -ne 0 ] && sudo=sudo
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends r-base-core r-cran-spdep r-cran-sf >/dev/null
  fi
  Rscript "$here/skater_spdep.R" "$work/refs" "$data" >/dev/null
  refs="$work/refs"
fi
python3 - "$data" "$refs/dropped.csv" "$work" <<'PY'
import csv, json, math, sys
data, dropped_csv, work = sys.argv[1:4]
dropped = {r["unit_id"] for r in csv.DictReader(open(dropped_csv))}
with open(f"{work}/units.geojsons", "w") as f:
    for r in csv.DictReader(open(f"{data}/attributes.csv")):
        if r["unit_id"] in dropped:
            continue
        pop, e, j = float(r["POP2001"]), float(r["employed_residents"]), float(r["jobs"])
        f.write(json.dumps({"type": "Feature", "geometry": None, "properties": {
            "unit_id": r["unit_id"], "a1": math.log(pop), "a2": e / pop, "a3": j / e, "POP2001": pop}}) + "\n")
with open(f"{work}/pairs.csv", "w") as f:
    f.write("from,to\n")
    for r in csv.DictReader(open(f"{data}/contiguity_queen.csv")):
        if r["from"] not in dropped and r["to"] not in dropped:
            f.write(f"{r['from']},{r['to']}\n")
PY
failed=0
for ssw in distance squared; do
  for run in k2 k5 k10 k10_floor20000; do
    k=${run%%_*}; k=${k#k}
    floor=(); [ "$run" != "${run%floor20000}" ] && floor=(--floor POP2001=20000)
    ref="$refs/skater_$run.csv"; [ "$ssw" = squared ] && ref="$refs/skater_sq_$run.csv"
    "$tools/atd-merge" "$work/units.geojsons" --neighbours "$work/pairs.csv" --id-field unit_id --region-field none \
      --population-field POP2001 --method skater -k "$k" --attributes a1,a2,a3 --ssw "$ssw" "${floor[@]}" \
      -f csv -q -o "$work/atd.csv" --overwrite
    if python3 "$here/compare_partitions.py" "$ref" "$work/atd.csv" --group-b proposal >"$work/cmp" 2>&1; then
      echo "ok: $ssw $run: $(tail -1 "$work/cmp")"
    else
      echo "FAIL: $ssw $run differs from spdep:"; head -c 1500 "$work/cmp"; failed=1
    fi
  done
done
exit $failed
