#!/usr/bin/env python3
"""Writes N synthetic settlements with full series as a GeoJSON Sequence (deterministic).

Usage: bench/make-settlements.py N > settlements.geojsons
Population 2019-2023, migration, employment, infrastructure, opinion and area,
as atd-score and atd-classify read them. Every feature is marked synthetic.
"""
import random
import sys

n = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
rng = random.Random(7)
out = sys.stdout
buf = []
for i in range(n):
    code = "%09d" % (100000000 + i * 7)
    r = rng.random()
    cat = "city_district" if r < 0.01 else "kent" if r < 0.015 else "aul"
    base = 20 + int(30000 * rng.random() ** 6) if cat == "aul" else 2000 + int(60000 * rng.random() ** 2)
    g = rng.uniform(-0.04, 0.03)
    pops = [max(0, int(base * (1 + g) ** k)) for k in range(5)]
    p = {"feature_type": "settlement", "kato": code, "name_ru": "Synthetic %d" % i, "category": cat, "synthetic": True}
    for k, y in enumerate(range(2019, 2024)):
        p["pop_%d" % y] = pops[k]
        p["mig_in_int_%d" % y] = int(pops[k] * rng.uniform(0, 0.03))
        p["mig_out_int_%d" % y] = int(pops[k] * rng.uniform(0, 0.04))
    emp = int(pops[-1] * 0.45)
    p["emp_total_2023"] = emp
    p["emp_agri_2023"] = int(emp * rng.random())
    for key in ("industry", "utilities", "housing", "education", "culture", "health", "trade"):
        p["infra_%s_2023" % key] = int(rng.random() * 3)
    p["opinion_yes_2023"] = int(rng.random() * 100)
    p["opinion_no_2023"] = int(rng.random() * 100)
    p["area_km2"] = round(0.5 + rng.random() * 20, 3)
    lon, lat = 46.5 + rng.random() * 40.0, 40.6 + rng.random() * 14.5
    props = ",".join('"%s":%s' % (k, ("true" if v is True else ('"%s"' % v if isinstance(v, str) else v))) for k, v in p.items())
    buf.append('{"type":"Feature","properties":{%s},"geometry":{"type":"Point","coordinates":[%.6f,%.6f]}}\n' % (props, lon, lat))
    if len(buf) >= 10000:
        out.write("".join(buf))
        buf.clear()
out.write("".join(buf))
