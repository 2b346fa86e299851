# Checks atd-classify's output on a real oblast excerpt against the rules of
# METHODOLOGY §3 and §3.1 applied by hand to the real 2023 populations.
# Usage: python3 check_real.py OUTPUT INPUT MIN_KENTS
# The excerpts are the features of atd-ingest's output on datasets/kz whose kato
# starts with the oblast's code:
#   atd-ingest --kato datasets/kz/kato.csv --points datasets/kz/settlement_points.csv \
#     --categories datasets/kz/categories.csv --stats datasets/kz/population_2023.csv \
#     --stats datasets/kz/population_osm.csv
# Settlements there carry pop_2023 (BNS) at most: every population test rests on
# one year of its window (level basis), and no infrastructure, employment or area
# is known, so R1 and R4 are unknown wherever their population test passes.
import json
import sys

out_path, in_path, min_kents = sys.argv[1], sys.argv[2], int(sys.argv[3])
inp = [json.loads(l) for l in open(in_path, encoding="utf-8")]
out = [json.loads(l) for l in open(out_path, encoding="utf-8")]
assert len(out) == len(inp), f"{len(out)} features written, {len(inp)} read"
errors = []
kents = rules = 0


def expected(cat, pop):
    """(status, proposal, options) by hand; None where a kent's C4 decides (checked apart)."""
    if pop is None:
        return "not_assessed", None, None
    if cat == "kent":
        return ("undetermined", "city_district", None) if pop >= 10000 else None
    if cat == "aul":
        if pop >= 10000:
            return "provisional", "city_district", "city_district,keep"
        return ("provisional", "abolish", None) if pop <= 50 else ("decided", "keep", None)
    if cat == "city_district":
        return ("provisional", "aul", None) if pop < 10000 else ("decided", "keep", None)
    return "decided", "keep", None


for a, b in zip(inp, out):
    p, q = a["properties"], b["properties"]
    assert p["kato"] == q["kato"], "features out of order"
    if p.get("feature_type") != "settlement":
        if "proposal" in q:
            errors.append(f"{p['kato']}: a unit got a proposal")
        continue
    cat, pop = p["category"], p.get("pop_2023")
    who = f"{p['kato']} {p.get('name_ru')} ({cat}, pop_2023={pop})"
    got = (q.get("proposal_status"), q.get("proposal"), q.get("proposal_options"))
    if cat == "kent":
        kents += 1
        if got[1] == "keep":
            errors.append(f"{who}: a kent kept its category")
    want = expected(cat, pop)
    if want is None:
        # A kent under 10,000: R1 fails; R2 is unknown (no C5, C3) unless C4 fails.
        if got[1] == "aul" and "R2 fail" not in (q.get("proposal_reasons") or ""):
            errors.append(f"{who}: aul without R2 failing: {q.get('proposal_reasons')}")
        if got[1] == "attach" and got[0] != "undetermined":
            errors.append(f"{who}: attach on unknown C5 and C3 must be undetermined, is {got[0]}")
        if got[1] not in ("aul", "attach"):
            errors.append(f"{who}: expected aul or attach, got {got}")
    elif got[:2] != want[:2] or (want[2] and got[2] != want[2]):
        errors.append(f"{who}: expected {want}, got {got} ({q.get('proposal_reasons')})")
        continue
    if pop is None:
        if q.get("proposal_lacks") != "pop" or q.get("decide_with") != "pop":
            errors.append(f"{who}: not assessed without saying it lacks pop")
        continue
    if got[1] == "keep":
        continue
    rules += 1
    window = 5 if cat == "city_district" else 3
    text = f"C1 population 2023 (1 of {window} years) = {pop}"
    if text not in (q.get("proposal_reasons") or ""):
        errors.append(f"{who}: reasons lack '{text}': {q.get('proposal_reasons')}")
    if q.get("proposal_basis") != "level" or q.get("proposal_years") != 1:
        errors.append(f"{who}: basis {q.get('proposal_basis')} of {q.get('proposal_years')} years, expected level of 1")
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
