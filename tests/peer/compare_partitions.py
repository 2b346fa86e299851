#!/usr/bin/env python3
"""Compare two partitions given as unit -> group tables (CSV).

Usage: compare_partitions.py A.csv B.csv [--id unit_id] [--group-a group]
                             [--group-b group] [--id-b COLUMN]

Each file has a header; --id names the unit column (in both files, unless
--id-b names B's), --group-a and --group-b the group columns (default
"group").  Group labels are ignored: the partitions are the same when the
same units are present and every group of A is exactly a group of B.

Exit 0 when they are the same partition.  Otherwise print what differs and
exit 1: units present in one file only, and for each group of A that is not a
group of B, how its units are split among B's groups.  The differing units are
found by matching A's groups one-to-one to B's (greedily, largest overlap
first): a unit differs when its group in B is not the one matched to its
group in A (or when it is in one file only).
Exit 2 on a usage or input error (missing column, duplicate unit, ...).
"""
import argparse
import csv
import sys
from collections import Counter, defaultdict


def read_table(path, id_col, group_col):
    with open(path, newline="", encoding="utf-8") as f:
        reader = csv.DictReader(f)
        if reader.fieldnames is None:
            raise ValueError(f"{path}: empty file")
        fields = [c.strip() for c in reader.fieldnames]
        reader.fieldnames = fields
        for col in (id_col, group_col):
            if col not in fields:
                raise ValueError(f"{path}: no column {col!r} (columns: {', '.join(fields)})")
        table = {}
        for line, row in enumerate(reader, start=2):
            unit = (row[id_col] or "").strip()
            group = (row[group_col] or "").strip()
            if unit == "":
                raise ValueError(f"{path}:{line}: empty {id_col}")
            if unit in table:
                raise ValueError(f"{path}:{line}: unit {unit} appears twice")
            table[unit] = group
    return table


def sort_key(unit):
    try:
        return (0, int(unit), unit)
    except ValueError:
        return (1, 0, unit)


def groups_of(table):
    groups = defaultdict(set)
    for unit, group in table.items():
        groups[group].add(unit)
    return groups


def match_groups(ga, gb, b):
    """One-to-one matching of A's groups to B's, greedily by overlap."""
    overlap = Counter()
    for label, units in ga.items():
        for u in units:
            overlap[(label, b[u])] += 1
    match, used = {}, set()
    for (la, lb), n in sorted(overlap.items(),
                              key=lambda kv: (-kv[1], sort_key(kv[0][0]), sort_key(kv[0][1]))):
        if la not in match and lb not in used:
            match[la] = lb
            used.add(lb)
    return match


def compare(a, b, name_a="A", name_b="B", out=sys.stdout):
    """Return the sorted list of differing units (empty: same partition).

    A's groups are matched one-to-one to B's by largest overlap; a common unit
    differs when its B group is not the one matched to its A group.
    """
    differing = set()
    only_a = sorted(set(a) - set(b), key=sort_key)
    only_b = sorted(set(b) - set(a), key=sort_key)
    if only_a:
        print(f"{len(only_a)} unit(s) only in {name_a}: {' '.join(only_a)}", file=out)
        differing.update(only_a)
    if only_b:
        print(f"{len(only_b)} unit(s) only in {name_b}: {' '.join(only_b)}", file=out)
        differing.update(only_b)
    common = set(a) & set(b)
    ga = groups_of({u: g for u, g in a.items() if u in common})
    gb = groups_of({u: g for u, g in b.items() if u in common})
    b_sets = {frozenset(s) for s in gb.values()}
    match = match_groups(ga, gb, b)
    mismatched = 0
    for label in sorted(ga, key=sort_key):
        units = ga[label]
        if frozenset(units) in b_sets:
            continue
        mismatched += 1
        split = Counter(b[u] for u in units)
        parts = ", ".join(f"{n} in {name_b} group {g}" for g, n in
                          sorted(split.items(), key=lambda kv: (-kv[1], sort_key(kv[0]))))
        mb = match.get(label)
        where = f"{name_b} group {mb}" if mb is not None else f"no group of {name_b}"
        print(f"{name_a} group {label} ({len(units)} units; matched to {where}): {parts}", file=out)
        away = sorted((u for u in units if b[u] != mb), key=sort_key)
        if away:
            print(f"  {len(away)} unit(s) not in {where if mb is not None else 'a matched group'}: "
                  f"{' '.join(away)}", file=out)
        differing.update(away)
    if not differing and mismatched == 0:
        return []
    print(f"{name_a}: {len(ga)} groups, {name_b}: {len(gb)} groups over {len(common)} common units; "
          f"{mismatched} group(s) of {name_a} differ; {len(differing)} differing unit(s) "
          f"(after matching groups by overlap): {' '.join(sorted(differing, key=sort_key))}", file=out)
    return sorted(differing, key=sort_key)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("a", metavar="A.csv")
    parser.add_argument("b", metavar="B.csv")
    parser.add_argument("--id", default="unit_id", help="unit column (default unit_id)")
    parser.add_argument("--id-b", default=None, help="unit column of B (default: --id)")
    parser.add_argument("--group-a", default="group", help="group column of A (default group)")
    parser.add_argument("--group-b", default="group", help="group column of B (default group)")
    args = parser.parse_args(argv)
    try:
        a = read_table(args.a, args.id, args.group_a)
        b = read_table(args.b, args.id_b or args.id, args.group_b)
    except (OSError, ValueError, csv.Error) as e:
        print(f"compare_partitions: {e}", file=sys.stderr)
        return 2
    if compare(a, b, "A", "B"):
        return 1
    print(f"same partition: {len(a)} units in {len(groups_of(a))} groups")
    return 0


if __name__ == "__main__":
    sys.exit(main())
