#!/usr/bin/env bash
# The decisions under missing data (METHODOLOGY §3.1) on the whole bundled
# country, as the main job makes them: no kent of 10,000 or more is proposed
# an aul (decided or provisional), a settlement without a population figure is
# not assessed (never kept), and each proposal's status follows from its
# reasons and options.
# Usage: kz_decisions.sh TOOL_DIR SOURCE_DIR
set -euo pipefail
tools=$1 src=$2 kz=$2/datasets/kz
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
"$tools/atd-ingest" --kato "$kz/kato.csv" --points "$kz/settlement_points.csv" --categories "$kz/categories.csv" \
  --stats "$kz/population_2023.csv" --stats "$kz/population_osm.csv" -q \
  | "$tools/atd-flows" - --model radiation -q \
  | "$tools/atd-score" - -q | "$tools/atd-classify" - -q -o "$work/classified.geojsons"
python3 - "$work/classified.geojsons" <<'PY'
import collections, json, sys
bad, counts = [], collections.Counter()
kents = 0
for line in open(sys.argv[1], encoding="utf-8"):
    p = json.loads(line)["properties"]
    if p.get("feature_type") != "settlement":
        continue
    cat, status, prop, pop = p["category"], p["proposal_status"], p["proposal"], p.get("c1_pop")
    counts[(cat, status, prop)] += 1
    who = f"{p['kato']} {p['name_ru']} ({cat}, {pop})"
    if cat == "kent":
        kents += 1
        if prop == "keep":
            bad.append(f"{who}: a kent kept")
        if pop is not None and pop >= 10000 and prop == "aul":
            bad.append(f"{who}: demoted to aul, {status}")
    if pop is None and (status != "not_assessed" or prop is not None):
        bad.append(f"{who}: no population figure but {status} {prop}")
    if status == "undetermined" and not p["proposal_options"]:
        bad.append(f"{who}: undetermined without options")
    if status == "undetermined" and not p["proposal_options"].startswith(prop):
        bad.append(f"{who}: leads with {prop}, options {p['proposal_options']}")
    if status == "decided" and p["decide_with"]:
        bad.append(f"{who}: decided, yet decide_with {p['decide_with']}")
    if p["kato"] in ("271035100", "271033100") and "attach:271010000" not in (p["proposal_options"] or ""):
        bad.append(f"{who}: attachment to Uralsk not among {p['proposal_options']}")
if kents != 42:
    bad.append(f"{kents} kents, the BNS list has 42")
for (cat, status, prop), n in sorted(counts.items(), key=lambda x: (x[0][0], x[0][1], x[0][2] or "")):
    print(f"{cat:16} {status:13} {prop or '-':14} {n}")
print("\n".join(bad))
sys.exit(1 if bad else 0)
PY
