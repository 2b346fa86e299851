#!/usr/bin/env python3
"""Writes a ROWS x COLS grid of units for regionalisation benchmarks.

units: GeoJSONSeq without geometry, properties kato ("u<i>"), z1, z2 (two
attributes with a spatial trend plus noise) and population; neighbours: a CSV
of rook pairs (from,to). Deterministic (seeded).
Usage: make-grid-units.py ROWS COLS UNITS.geojsons NEIGHBOURS.csv
"""
import random
import sys

rows, cols, units_path, pairs_path = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3], sys.argv[4]
random.seed(rows * 100003 + cols)
with open(units_path, "w") as f:
    out = []
    for i in range(rows * cols):
        r, c = divmod(i, cols)
        out.append('{"type":"Feature","properties":{"kato":"u%d","z1":%.6f,"z2":%.6f,"population":%d},"geometry":null}'
                   % (i, random.gauss(0, 1) + 2 * r / rows, random.gauss(0, 1) + 2 * c / cols, random.randint(100, 3000)))
    f.write("\n".join(out) + "\n")
with open(pairs_path, "w") as f:
    out = ["from,to"]
    for i in range(rows * cols):
        r, c = divmod(i, cols)
        if c + 1 < cols:
            out.append("u%d,u%d" % (i, i + 1))
        if r + 1 < rows:
            out.append("u%d,u%d" % (i, i + cols))
    f.write("\n".join(out) + "\n")
