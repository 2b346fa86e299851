# Checks atd-classify's output on a real oblast excerpt against the rules of
# METHODOLOGY §3 applied by hand to the real 2023 populations.
# Usage: python3 check_real.py OUTPUT INPUT MIN_KENTS
# The excerpts are the features of atd-ingest's output on datasets/kz whose kato
# starts with the oblast's code:
#   atd-ingest --kato datasets/kz/kato.csv --points datasets/kz/settlement_points.csv \
#     --categories datasets/kz/categories.csv --stats datasets/kz/population_2023.csv \
#     --stats datasets/kz/population_osm.csv
# Settlements there carry pop_2023 (BNS) at most, so every rule runs on the level basis.
import json
import sys

out_path, in_path, min_kents = sys.argv[1], sys.argv[2], int(sys.argv[3])
inp = [json.loads(l) for l in open(in_path, encoding="utf-8")]
out = [json.loads(l) for l in open(out_path, encoding="utf-8")]
assert len(out) == len(inp), f"{len(out)} features written, {len(inp)} read"
errors = []
kents = rules = 0
for a, b in zip(inp, out):
    p, q = a["properties"], b["properties"]
    assert p["kato"] == q["kato"], "features out of order"
    if p.get("feature_type") != "settlement":
        if "proposal" in q:
            errors.append(f"{p['kato']}: a unit got a proposal")
        continue
    cat, pop = p["category"], p.get("pop_2023")
    who = f"{p['kato']} {p.get('name_ru')} ({cat}, pop_2023={pop})"
    prop = q.get("proposal")
    if prop is None:
        errors.append(f"{who}: no proposal")
        continue
    if cat == "kent":
        kents += 1
        if prop == "keep":
            errors.append(f"{who}: a kent kept its category")
    if pop is None:
        want = "aul" if cat == "kent" else "keep"
        if prop != want or q.get("proposal_lacks") != "pop":
            errors.append(f"{who}: without population expected {want} lacking pop, got {prop} lacking {q.get('proposal_lacks')}")
        continue
    # Expected proposal from the 2023 level (no other year is there).
    if cat == "kent":
        want = "aul"  # R1 needs C7 index 1 and R2 employment/area/commuting: not in this data
    elif cat == "aul":
        want = "city_district" if pop >= 10000 else "abolish" if pop <= 50 else "keep"
    elif cat == "city_district":
        want = "aul" if pop < 10000 else "keep"
    else:
        want = "keep"
    if prop != want:
        errors.append(f"{who}: expected {want}, got {prop} ({q.get('proposal_reasons')})")
        continue
    if prop == "keep":
        continue
    rules += 1
    window = "2019-2023" if cat == "city_district" else "2021-2023"
    text = f"C1 population 2023 (window {window} incomplete) = {pop}"
    if text not in (q.get("proposal_reasons") or ""):
        errors.append(f"{who}: reasons lack '{text}': {q.get('proposal_reasons')}")
    if q.get("proposal_basis") != "level":
        errors.append(f"{who}: basis {q.get('proposal_basis')}, expected level")
    missing = "pop_2019,pop_2020,pop_2021,pop_2022" if cat == "city_district" else "pop_2021,pop_2022"
    if not (q.get("proposal_lacks") or "").startswith(missing):
        errors.append(f"{who}: lacks {q.get('proposal_lacks')}, expected {missing} first")
if kents < min_kents:
    errors.append(f"only {kents} kents, expected at least {min_kents}")
if rules == 0:
    errors.append("no rule fired on the 2023 populations")
for e in errors[:20]:
    print(e)
print(f"{kents} kents, {rules} proposals checked against pop_2023, {len(errors)} errors")
sys.exit(1 if errors else 0)
