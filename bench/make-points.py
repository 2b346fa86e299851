#!/usr/bin/env python3
"""Writes N synthetic settlement points as a GeoJSON Sequence (deterministic).

Usage: bench/make-points.py N > points.geojsons
Every feature is marked synthetic; the shape follows atd's canonical settlements.
"""
import random
import sys

n = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
rng = random.Random(42)
out = sys.stdout
cats = ["aul"] * 95 + ["kent"] * 2 + ["city_district"] * 3
buf = []
for i in range(n):
    oblast = 10 + (i % 70)
    district = (i // 70) % 90 + 10
    okrug = (i // 6300) % 90 + 10
    code = f"{oblast:02d}{district:02d}{okrug:02d}{(i % 899) + 100:03d}"
    lon = 46.5 + rng.random() * 40.0
    lat = 40.6 + rng.random() * 14.5
    pop = int(50 * (1.0 / (rng.random() + 1e-3)) ** 0.8)
    buf.append(
        '{"type":"Feature","properties":{"feature_type":"settlement","kato":"%s","name_ru":"Поселение %d",'
        '"category":"%s","pop_2023":%d,"pop_2022":%d,"synthetic":true},'
        '"geometry":{"type":"Point","coordinates":[%.6f,%.6f]}}\n'
        % (code, i, cats[i % 100], pop, int(pop * 1.01), lon, lat))
    if len(buf) >= 10000:
        out.write("".join(buf))
        buf.clear()
out.write("".join(buf))
