"""Regionalisation peer: scikit-learn's Ward clustering with a contiguity constraint.

Usage: python3 bench/ward-sklearn.py UNITS.csv PAIRS.csv K OUT.csv
UNITS.csv is kato,z1,z2 (standardised attributes) and PAIRS.csv from,to (kato
codes), as bench/skater-spdep-units.R writes them. AgglomerativeClustering with
linkage ward and the pairs as its connectivity matrix merges neighbouring
clusters only, so its K clusters are contiguous regions, like SKATER's (not
the same partition: Ward merges bottom-up where SKATER cuts a spanning tree).
Writes kato,group and prints the fit time on stderr. Debian: python3-sklearn.
"""
import csv
import sys
import time

import numpy as np
import scipy.sparse as sp
from sklearn.cluster import AgglomerativeClustering

units, pairs, k, out = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
rows = list(csv.DictReader(open(units)))
index = {r["kato"]: i for i, r in enumerate(rows)}
x = np.array([[float(r["z1"]), float(r["z2"])] for r in rows])
e = [(index[r["from"]], index[r["to"]]) for r in csv.DictReader(open(pairs))]
i, j = zip(*e)
c = sp.coo_matrix((np.ones(2 * len(e)), (i + j, j + i)), shape=(len(rows), len(rows))).tocsr()
t0 = time.perf_counter()
labels = AgglomerativeClustering(n_clusters=k, linkage="ward", connectivity=c).fit(x).labels_
t = time.perf_counter() - t0
with open(out, "w", newline="") as f:
    w = csv.writer(f)
    w.writerow(["kato", "group"])
    w.writerows((r["kato"], g) for r, g in zip(rows, labels))
print("sklearn ward: %d units, %d pairs, k = %d: fit %.2f s" % (len(rows), len(e), k, t), file=sys.stderr)
