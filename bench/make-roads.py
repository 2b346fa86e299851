#!/usr/bin/env python3
"""Writes a synthetic road network, settlements and facilities for atd-access (deterministic).

Usage: bench/make-roads.py GRID SETTLEMENTS FACILITIES ROADS_OUT SETTLEMENTS_OUT FACILITIES_OUT

The roads are a perturbed grid of GRID x GRID vertices about 0.01 degree apart
(from 66 E, 48 N), each vertex jittered by up to 0.002 degree, cut into
horizontal and vertical LineStrings of 10 segments that share their end
vertices exactly (coordinates rounded to 6 decimals once per vertex), so
2*GRID*(GRID-1) segments, less about 0.3 % of the lines removed at random.
Every tenth row and column is a primary road with speed_kmh 80; the others
carry a highway class only (tertiary, unclassified or track).
SETTLEMENTS settlements (kato, feature_type) and FACILITIES facilities
(id, kind: school, hospital, clinic, culture, trade, in equal numbers) lie
at random inside the grid, within about 0.5 km of a vertex.
All three files are GeoJSON Sequences; every feature is marked synthetic.
"""
import random
import sys

if len(sys.argv) != 7:
    sys.exit(__doc__)
grid, nset, nfac = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
roads_path, set_path, fac_path = sys.argv[4:7]
rng = random.Random(17)
lon0, lat0, step, jit = 66.0, 48.0, 0.01, 0.002
# one coordinate string per vertex, shared by every line through it
vert = [["%.6f,%.6f" % (lon0 + c * step + rng.uniform(-jit, jit), lat0 + r * step + rng.uniform(-jit, jit))
         for c in range(grid)] for r in range(grid)]
classes = ["tertiary", "unclassified", "unclassified", "track"]
per = 10
removed = 0
with open(roads_path, "w") as out:
    buf = []
    for horizontal in (True, False):
        for a in range(grid):  # row (horizontal) or column (vertical)
            if a % 10 == 0:
                props = '"speed_kmh":80,"highway":"primary"'
            else:
                props = '"highway":"%s"' % classes[rng.randrange(len(classes))]
            for b in range(0, grid - 1, per):
                if rng.random() < 0.003:
                    removed += 1
                    continue
                idx = range(b, min(b + per, grid - 1) + 1)
                pts = [vert[a][i] for i in idx] if horizontal else [vert[i][a] for i in idx]
                buf.append('{"type":"Feature","properties":{%s,"synthetic":true},"geometry":{"type":"LineString",'
                           '"coordinates":[[%s]]}}\n' % (props, "],[".join(pts)))
                if len(buf) >= 5000:
                    out.write("".join(buf))
                    buf.clear()
    out.write("".join(buf))


def spot():
    # a random vertex, then up to about 0.5 km off it
    r, c = rng.randrange(grid), rng.randrange(grid)
    lon, lat = map(float, vert[r][c].split(","))
    return lon + rng.uniform(-0.004, 0.004), lat + rng.uniform(-0.003, 0.003)


with open(set_path, "w") as out:
    for i in range(nset):
        lon, lat = spot()
        out.write('{"type":"Feature","properties":{"kato":"%09d","name":"Synthetic %d","feature_type":"settlement",'
                  '"synthetic":true},"geometry":{"type":"Point","coordinates":[%.6f,%.6f]}}\n'
                  % (100000000 + i * 7, i, lon, lat))
kinds = ["school", "hospital", "clinic", "culture", "trade"]
with open(fac_path, "w") as out:
    for i in range(nfac):
        lon, lat = spot()
        out.write('{"type":"Feature","properties":{"id":"f%d","kind":"%s","synthetic":true},'
                  '"geometry":{"type":"Point","coordinates":[%.6f,%.6f]}}\n' % (i, kinds[i % len(kinds)], lon, lat))
print("roads: %d lines of up to %d segments on a %d x %d grid, %d removed"
      % (2 * grid * ((grid - 1 + per - 1) // per) - removed, per, grid, grid, removed), file=sys.stderr)
