#!/usr/bin/env python3
"""Writes synthetic settlements and an origin-destination table for atd-flows (deterministic).

Usage:
  bench/make-od.py flat N ROWS SETTLEMENTS OD
      N point settlements anywhere in Kazakhstan and ROWS distinct
      (origin, destination) rows: one self-flow per settlement, the rest
      spread evenly over the origins (for the aggregation benchmark).
  bench/make-od.py commute UNITS ROWS SETTLEMENTS OD
      UNITS units placed at random in one region, each with log-normal
      employed residents (median 800), a self-flow of 50-90 % of them and
      the rest spread over about ROWS/UNITS - 1 partners drawn mostly among
      the nearest units with a distance decay, so that travel-to-work areas
      form; exactly ROWS distinct rows, self-flows included.

SETTLEMENTS is written as a GeoJSON Sequence with kato (a 9-digit string),
name and feature_type, OD as a CSV with origin,destination,persons.
Standard library only; every feature is marked synthetic.
"""
import math
import random
import sys


def code(i):
    return "%09d" % (100000000 + i * 7)


def write_settlements(path, codes, lonlat):
    with open(path, "w") as out:
        buf = []
        for i, (c, (lon, lat)) in enumerate(zip(codes, lonlat)):
            buf.append('{"type":"Feature","properties":{"kato":"%s","name":"Synthetic %d","feature_type":"settlement",'
                       '"synthetic":true},"geometry":{"type":"Point","coordinates":[%.6f,%.6f]}}\n' % (c, i, lon, lat))
            if len(buf) >= 10000:
                out.write("".join(buf))
                buf.clear()
        out.write("".join(buf))


def flat(n, rows, spath, odpath):
    if rows < n or rows > n * n:
        sys.exit("make-od.py: ROWS must lie between N and N*N")
    rng = random.Random(11)
    codes = [code(i) for i in range(n)]
    write_settlements(spath, codes, [(46.0 + rng.random() * 41.0, 41.0 + rng.random() * 14.0) for _ in range(n)])
    others, extra = divmod(rows - n, n)  # non-self rows per origin
    # Distinct destinations per origin: origin + offset (mod n) over a set of distinct
    # offsets in 1..n-1, one of 997 precomputed random sets chosen per origin.
    tables = [rng.sample(range(1, n), min(n - 1, others + 1)) for _ in range(997)]
    persons = [str(1 + int(rng.paretovariate(1.3))) for _ in range(65536)]
    with open(odpath, "w") as out:
        out.write("origin,destination,persons\n")
        p = 0
        for i in range(n):
            k = others + (1 if i < extra else 0)
            offs = tables[i % 997][:k]
            o = codes[i]
            lines = [o + "," + o + "," + str(50 + (i * 37) % 900)]
            lines += [o + "," + codes[(i + d) % n] + "," + persons[(p + j) & 65535] for j, d in enumerate(offs)]
            p += k * 7 + 1
            out.write("\n".join(lines))
            out.write("\n")


def commute(units, rows, spath, odpath):
    if rows < units * 2:
        sys.exit("make-od.py: ROWS must be at least 2*UNITS")
    rng = random.Random(13)
    codes = [code(i) for i in range(units)]
    # one region of about 330 x 330 km in southern Kazakhstan
    lon0, lat0, w, h = 68.0, 42.5, 4.0, 3.0
    pos = [(lon0 + rng.random() * w, lat0 + rng.random() * h) for _ in range(units)]
    write_settlements(spath, codes, pos)
    emp = [max(20, int(rng.lognormvariate(math.log(800), 1.0))) for _ in range(units)]
    # planar km
    kx = 111.32 * math.cos(math.radians(lat0 + h / 2))
    xy = [(lon * kx, lat * 110.57) for lon, lat in pos]
    # partners per unit: ROWS - UNITS non-self rows, spread as evenly as possible
    others, extra = divmod(rows - units, units)
    cand_n = 60
    # nearest candidates through a grid of cells
    cell = 15.0
    grid = {}
    for i, (x, y) in enumerate(xy):
        grid.setdefault((int(x // cell), int(y // cell)), []).append(i)
    big = sorted(range(units), key=lambda j: -emp[j])[:30]  # regional centres
    with open(odpath, "w") as out:
        out.write("origin,destination,persons\n")
        for i in range(units):
            k = others + (1 if i < extra else 0)
            x, y = xy[i]
            cx, cy = int(x // cell), int(y // cell)
            r = 1
            while True:
                near = [j for dx in range(-r, r + 1) for dy in range(-r, r + 1)
                        for j in grid.get((cx + dx, cy + dy), ()) if j != i]
                if len(near) >= cand_n or r > 30:
                    break
                r += 1
            near.sort(key=lambda j: (xy[j][0] - x) ** 2 + (xy[j][1] - y) ** 2)
            near = near[:cand_n]
            # weights: destination size over distance decay; a few long trips to the centres
            cands = {}
            for j in near:
                d = math.hypot(xy[j][0] - x, xy[j][1] - y) + 1.0
                cands[j] = emp[j] * math.exp(-d / 12.0)
            for j in big:
                if j != i and j not in cands:
                    d = math.hypot(xy[j][0] - x, xy[j][1] - y) + 1.0
                    cands[j] = 0.05 * emp[j] * math.exp(-d / 60.0)
            # weighted sampling without replacement (Efraimidis-Spirakis keys)
            keys = sorted(cands, key=lambda j: -(rng.random() ** (1.0 / max(cands[j], 1e-12))))
            partners = keys[:k]
            self_flow = int(emp[i] * rng.uniform(0.5, 0.9))
            outc = max(emp[i] - self_flow, k)
            wsum = sum(cands[j] for j in partners)
            flows = [max(1, int(outc * cands[j] / wsum)) for j in partners]
            o = codes[i]
            lines = [o + "," + o + "," + str(self_flow)]
            lines += [o + "," + codes[j] + "," + str(f) for j, f in zip(partners, flows)]
            out.write("\n".join(lines))
            out.write("\n")


if __name__ == "__main__":
    if len(sys.argv) != 6 or sys.argv[1] not in ("flat", "commute"):
        sys.exit(__doc__)
    mode, a, b, spath, odpath = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4], sys.argv[5]
    (flat if mode == "flat" else commute)(a, b, spath, odpath)
