#!/usr/bin/env python3
"""Real-data checks of atd-flows on Istat's 2001 census commuting flows of
Sardinia (377 municipalities, 10,997 flows; ../shared/datasets/commuting):

1. the indicators agree with the census marginals shipped beside the flows
   (employed residents, jobs, residents working in their own municipality);
2. travel-to-work areas with the LabourMarketAreas parameters are a partition
   whose every zone meets the rule, recomputed here from the flows;
3. commuting zones are a partition, and every pair of zones lies farther apart
   (average 1 - PF) than the cut;
4. the radiation model comes close to the observed flows: the common part of
   commuters (CPC) is at least 0.35 (0.389 measured when written).

Usage: sardinia.py TOOL_DIR DATA_DIR
"""
import csv
import json
import os
import subprocess
import sys
import tempfile

tools, data = sys.argv[1], sys.argv[2]
units = os.path.join(data, "sardinia.geojson")
flows_csv = os.path.join(data, "flows.csv")
failures = []


def check(ok, what):
    if not ok:
        failures.append(what)


def run(*args):
    out = subprocess.run([os.path.join(tools, "atd-flows"), units, "--id-field", "unit_id", "-q", *args],
                         check=True, capture_output=True, text=True).stdout
    return [json.loads(line) for line in out.splitlines()]


def read_geojsonl(path):
    with open(path, encoding="utf-8") as f:
        return [json.loads(line) for line in f]


flows = {}
with open(flows_csv, newline="") as f:
    for r in csv.DictReader(f):
        flows[(r["origin"], r["destination"])] = float(r["flow"])
attributes = {}
with open(os.path.join(data, "attributes.csv"), newline="") as f:
    for r in csv.DictReader(f):
        attributes[r["unit_id"]] = r

# 1. Indicators against the census marginals.
observed = run("--od", flows_csv, "--persons-field", "flow")
check(len(observed) == 377, f"{len(observed)} municipalities written, not 377")
for feat in observed:
    p = feat["properties"]
    a = attributes[str(p["unit_id"])]
    e, j, same = float(a["employed_residents"]), float(a["jobs"]), float(a["live_work_same"])
    check(abs(p["employed"] - e) < 1e-6, f"{p['unit_id']}: employed {p['employed']} against {e}")
    check(abs(p["jobs"] - j) < 1e-6, f"{p['unit_id']}: jobs {p['jobs']} against {j}")
    check(abs(p["sc_supply"] - same / e) <= 5.1e-5, f"{p['unit_id']}: sc_supply {p['sc_supply']}")
    check(abs(p["sc_demand"] - same / j) <= 5.1e-5, f"{p['unit_id']}: sc_demand {p['sc_demand']}")
    check(p["flow_source"] == "observed", "flow_source is not observed")


def zone_totals(zone_of):
    emp, jobs, internal = {}, {}, {}
    for (o, d), n in flows.items():
        zo, zd = zone_of[o], zone_of[d]
        emp[zo] = emp.get(zo, 0) + n
        jobs[zd] = jobs.get(zd, 0) + n
        if zo == zd:
            internal[zo] = internal.get(zo, 0) + n
    return emp, jobs, internal


with tempfile.TemporaryDirectory() as work:
    # 2. TTWA with Istat's parameters: every zone valid by the rule, recomputed.
    zones_path = os.path.join(work, "ttwa.geojsonl")
    ttwa = run("--od", flows_csv, "--persons-field", "flow", "--zones", "ttwa", "--min-size", "1000",
               "--target-size", "10000", "--min-sc", "0.6667", "--target-sc", "0.75", "--zones-output", zones_path)
    zone_of = {str(f["properties"]["unit_id"]): f["properties"]["zone"] for f in ttwa}
    check(None not in zone_of.values(), "a municipality without a TTWA")
    emp, jobs, internal = zone_totals(zone_of)
    zones = read_geojsonl(zones_path)
    check(len(zones) == len(emp), f"{len(zones)} zone features for {len(emp)} zones")
    for z, size in emp.items():
        sc = min(internal.get(z, 0) / size, internal.get(z, 0) / jobs[z])
        required = 0.75 if size <= 1000 else 0.6667 if size >= 10000 else 0.75 - (0.75 - 0.6667) * (size - 1000) / 9000
        check(size >= 1000 and sc >= required - 1e-12, f"TTWA {z}: {size} workers, self-containment {sc:.4f}")
    check(all(z["properties"]["valid"] for z in zones), "a TTWA reported invalid")
    check(30 <= len(zones) <= 45, f"{len(zones)} TTWAs (Istat's 2001 local labour systems of Sardinia: 45)")

    # 3. Commuting zones: no two zones closer than the cut in average 1 - PF.
    cz = run("--od", flows_csv, "--persons-field", "flow", "--zones", "cz", "--cz-cut", "0.977")
    zone_of = {str(f["properties"]["unit_id"]): f["properties"]["zone"] for f in cz}
    employed = {u: float(a["employed_residents"]) for u, a in attributes.items()}
    size, pf_sum = {}, {}
    for z in zone_of.values():
        size[z] = size.get(z, 0) + 1
    pair = {}
    for (o, d), n in flows.items():
        if o != d:
            key = tuple(sorted((o, d)))
            pair[key] = pair.get(key, 0) + n
    for (a, b), n in pair.items():
        za, zb = zone_of[a], zone_of[b]
        if za != zb:
            key = tuple(sorted((za, zb)))
            pf_sum[key] = pf_sum.get(key, 0) + min(0.999, n / min(employed[a], employed[b]))
    closest = min((1 - s / (size[a] * size[b]) for (a, b), s in pf_sum.items()), default=1)
    check(closest > 0.977, f"two commuting zones at average distance {closest:.4f}, within the cut")
    check(len(size) < 377, "no commuting zone joins two municipalities")

    # 4. The radiation model against the observed flows.
    lines = run("--model", "radiation", "--population-field", "POP2001", "--employed-field", "employed_residents",
                "--commuter-share", "0.3", "--lines")
    modelled = {(str(f["properties"]["origin"]), str(f["properties"]["destination"])): f["properties"]["persons"]
                for f in lines}
    check(all(f["properties"]["flow_source"] == "modelled" for f in lines), "a modelled line not marked so")
    between = {k: v for k, v in flows.items() if k[0] != k[1]}
    common = sum(min(v, modelled.get(k, 0)) for k, v in between.items())
    cpc = 2 * common / (sum(between.values()) + sum(modelled.values()))
    print(f"radiation model: CPC {cpc:.3f} ({sum(modelled.values()):.0f} modelled, {sum(between.values()):.0f} observed)")
    print(f"zones: {len(zones)} TTWAs, {len(size)} commuting zones")
    check(cpc >= 0.35, f"radiation CPC {cpc:.3f} below 0.35")

for f in failures[:20]:
    print("FAIL:", f)
sys.exit(1 if failures else 0)
