#!/usr/bin/env python3
"""Build the bundled Kazakhstan dataset (datasets/kz) from the shared raw data.

Usage:
    python3 scripts/make-kz-dataset.py [--src DIR] [--out DIR]

Defaults: --src <repo>/../shared/datasets/kz, --out <repo>/datasets/kz.

Standard library only. Output is deterministic: UTF-8 without BOM, LF line
endings, rows sorted by KATO code. Every decision that drops, skips or
corrects a source row is printed on stdout; datasets/kz/SOURCE.md describes
the result.
"""

import argparse
import csv
import json
import os
import re
import sys
from collections import defaultdict

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DEFAULT_SRC = os.path.normpath(os.path.join(REPO, "..", "shared", "datasets", "kz"))
DEFAULT_OUT = os.path.join(REPO, "datasets", "kz")

KATO_RE = re.compile(r"^[0-9]{9}$")
UINT_RE = re.compile(r"^[0-9]+$")

YEAR = "2023"
# BNS column -> indicator name, in output order.
INDICATORS = [
    ("total", "pop"),
    ("male", "pop_male"),
    ("female", "pop_female"),
    ("urban", "pop_urban"),
    ("rural", "pop_rural"),
]
INDICATOR_ORDER = {name: i for i, (_, name) in enumerate(INDICATORS)}

# KATO code corrections for BNS 2023 rows whose `kato_match` picked the wrong
# unit. Each entry is applied only if the row still carries the wrong code,
# and only if the corrected code exists in KATO with the expected unit kind.
# (label_kk, row_kind, code in source, corrected code, expected KATO unit_kind, why)
BNS_CODE_FIXES = [
    ("Қостанай ауданы", "district", "391000000", "395400000", "district",
     "district row was matched to Kostanay city administration (both adm2 "
     "polygons are named Қостанай); Костанайский район 395400000 holds "
     "г.Тобыл, whose urban population equals the row's urban figure"),
    ("Павлодар ауданы", "district", "551000000", "556000000", "district",
     "district row was matched to Pavlodar city administration (both adm2 "
     "polygons are named Павлодар); Павлодарский район is 556000000"),
    ("Сәтбаев қ.ә.", "city_administration", "622010000", "622000000",
     "city_administration",
     "622010000 is г.Сатпаев (the town itself, depth 3); the city "
     "administration Сатпаев Г.А. is 622000000"),
    ("Шұбарқұдық к.", "kent", "155645100", "155630100", "kent",
     "155645100 is с.Шубаркудык, a village of Жаксымайский с.о.; the kent "
     "(district centre, KATO type п.) is п.Шубаркудук 155630100"),
]

# KATO codes for BNS 2023 rows that the source left without one
# (kato_match = unmatched). Each is the only locality of the expected KATO
# unit kind whose Russian name is the Kazakh label's (the same place in the
# other language), checked at run time to exist with that kind in the row's
# oblast. (label_kk, row_kind, code, expected KATO unit_kind, why)
BNS_NAME_MATCHES = [
    ("Мерке а.", "village", "315430100", "village",
     "с.Мерке, centre of Merke district 315400000 (the row's district)"),
    ("Қазалы қ.", "city", "434423100", "city",
     "г.Казалинск (Қазалы in Kazakh), Kazaly district 434400000 (the row's district)"),
    ("Арал қ.", "city", "433220100", "city",
     "г.Аральск (Арал in Kazakh), Aral district 433200000 (the row's district)"),
    ("Шардара қ.", "city", "616420100", "direct_city",
     "г.Шардара, Shardara district 616400000 (the row's district)"),
    ("Тобыл қ.", "city", "395420100", "city",
     "г.Тобыл, Kostanay district 395400000; the row's district 391000000 is "
     "Kostanay city administration, the name clash corrected for the district "
     "row in BNS_CODE_FIXES"),
    ("Сәтбаев қаласы", "city", "622010000", "direct_city",
     "г.Сатпаев itself (the row of its city administration is 622000000, "
     "corrected in BNS_CODE_FIXES)"),
    ("Шорнақ а.", "village", "615530100", "village",
     "с.Чернак (Шорнақ in Kazakh), the first village of с.о.Шорнак, Sauran "
     "district 615500000 (the row's district)"),
    ("Шүлбі к.", "kent", "101065100", "kent",
     "п.Шульбинск (Шүлбі in Kazakh), Semey city administration 101000000 "
     "(the row's district)"),
    ("Ботақара к.", "kent", "354030100", "kent",
     "п.Ботакара, Bukhar-Zhyrau district 354000000 (the row's district)"),
    ("Ленин к.", "kent", "551045100", "kent",
     "п.Ленинский, Pavlodar city administration 551000000 (the row's district)"),
    ("Жезқазған к.", "kent", "622037100", "kent",
     "п.Жезказган of Satpayev city administration (194 residents; not the city "
     "of Zhezkazgan, 621010000)"),
]

# Kazakh letters folded to their nearest Russian letter, for name comparison.
KK_FOLD = str.maketrans({
    "ә": "а", "ғ": "г", "қ": "к", "ң": "н", "ө": "о", "ұ": "у", "ү": "у",
    "һ": "х", "і": "и", "ё": "е", "ь": None, "ъ": None, "-": None, " ": None,
})


def fold_name(s):
    return s.lower().translate(KK_FOLD)


def read_csv(path):
    with open(path, encoding="utf-8-sig", newline="") as f:
        return list(csv.DictReader(f))


def write_csv(path, header, rows):
    with open(path, "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(header)
        w.writerows(rows)
    print(f"wrote {os.path.basename(path)}: {len(rows)} rows")


def check_kato(code, what):
    if not KATO_RE.match(code):
        sys.exit(f"error: {what}: KATO code {code!r} is not 9 digits")


# --------------------------------------------------------------------------
# 1. kato.csv

def build_kato(src, out):
    rows = read_csv(os.path.join(src, "kato_2022_ru.csv"))
    res = []
    seen = set()
    for r in rows:
        code, parent = r["kato_code"], r["parent_kato_code"]
        check_kato(code, "kato_2022_ru.csv")
        if parent:
            check_kato(parent, "kato_2022_ru.csv parent")
        if code in seen:
            sys.exit(f"error: duplicate KATO code {code}")
        seen.add(code)
        res.append([code, parent, r["depth"], r["unit_kind"],
                    r["type_abbr_ru"], r["name_ru_clean"]])
    res.sort(key=lambda x: x[0])
    write_csv(os.path.join(out, "kato.csv"),
              ["kato", "parent_kato", "depth", "unit_kind", "type_abbr", "name_ru"],
              res)
    return {r["kato_code"]: r for r in rows}


# --------------------------------------------------------------------------
# 2./3. settlement_points.csv, population_osm.csv

def build_settlements(src, out, kato):
    rows = read_csv(os.path.join(src, "settlements_geocoded.csv"))
    points, pops = [], []
    skipped_pop = []
    not_in_kato = 0
    for r in rows:
        code = r["kato_code"]
        check_kato(code, "settlements_geocoded.csv")
        if code not in kato:
            not_in_kato += 1
        lat, lon = r["lat"].strip(), r["lon"].strip()
        if not lat or not lon:
            continue
        points.append([code, lon, lat, r["osm_name_kk"], r["osm_id"],
                       r["match_method"]])
        p = r["osm_population"].strip()
        if p == "":
            continue
        if UINT_RE.match(p):
            pops.append([code, str(int(p))])
        else:
            skipped_pop.append((code, r["name_ru"], p))
    points.sort(key=lambda x: x[0])
    pops.sort(key=lambda x: x[0])
    print(f"settlements_geocoded.csv: {len(rows)} localities, "
          f"{len(points)} with coordinates, {len(rows) - len(points)} ungeocoded"
          f"; {not_in_kato} codes not in KATO")
    write_csv(os.path.join(out, "settlement_points.csv"),
              ["kato", "lon", "lat", "name_kk", "osm_id", "match_method"], points)
    print(f"osm_population: {len(pops)} plain integers kept, "
          f"{len(skipped_pop)} skipped as non-integer")
    for code, name, p in skipped_pop[:10]:
        print(f"  skipped {code} {name}: {p!r}")
    write_csv(os.path.join(out, "population_osm.csv"), ["kato", "pop_osm"], pops)


# --------------------------------------------------------------------------
# 4. population_2023.csv

def read_bns(src):
    """Both BNS files as (file, row) pairs, with BNS_CODE_FIXES applied."""
    files = ["population_2023_districts.csv", "population_2023_centres_kents.csv"]
    out = []
    for name in files:
        for r in read_csv(os.path.join(src, name)):
            out.append((name, r))
    return out


def apply_bns_fixes(bns, kato):
    used = set()
    for name, r in bns:
        for i, (label, kind, wrong, right, right_kind, why) in enumerate(BNS_CODE_FIXES):
            if r["label_kk"] == label and r["row_kind"] == kind and r["kato_code"] == wrong:
                target = kato.get(right)
                if target is None or target["unit_kind"] != right_kind:
                    sys.exit(f"error: fix for {label} points to {right}, "
                             f"which is not a KATO {right_kind}")
                r["kato_code"] = right
                r["kato_match"] = "corrected_in_make_kz_dataset"
                used.add(i)
                print(f"  corrected {name}: {label} ({kind}) {wrong} -> {right} "
                      f"({target['name_ru']})")
    for i, fix in enumerate(BNS_CODE_FIXES):
        if i not in used:
            print(f"  note: code fix for {fix[0]} ({fix[2]}) not needed any more")
    matched = set()
    for name, r in bns:
        if r["kato_code"].strip():
            continue
        for i, (label, kind, code, code_kind, why) in enumerate(BNS_NAME_MATCHES):
            if r["label_kk"] != label or r["row_kind"] != kind:
                continue
            target = kato.get(code)
            if target is None or target["unit_kind"] != code_kind or code[:2] != r["oblast_code"][:2]:
                sys.exit(f"error: match for {label} points to {code}, which is not a "
                         f"KATO {code_kind} of oblast {r['oblast_code']}")
            r["kato_code"] = code
            r["kato_match"] = "matched_in_make_kz_dataset"
            matched.add(i)
            print(f"  matched {name}: {label} ({kind}) -> {code} ({target['name_ru']})")
    for i, m in enumerate(BNS_NAME_MATCHES):
        if i not in matched:
            print(f"  note: name match for {m[0]} ({m[2]}) not needed any more")


def build_population_2023(bns, out, kato):
    # (kato, indicator) -> {value: [source descriptions]}
    values = defaultdict(lambda: defaultdict(list))
    n_rows = n_nocode = n_country = n_empty = 0
    not_in_kato = set()
    for name, r in bns:
        code = r["kato_code"].strip()
        if not KATO_RE.match(code):
            n_nocode += 1
            continue
        if code == "000000000":
            n_country += 1
            continue
        n_rows += 1
        if code not in kato:
            not_in_kato.add((code, r["label_kk"]))
        for col, ind in INDICATORS:
            v = r[col].strip()
            if v == "":
                n_empty += 1
                continue
            if not UINT_RE.match(v):
                sys.exit(f"error: {name}: {r['label_kk']} {col} = {v!r}")
            values[(code, ind)][str(int(v))].append(f"{name}: {r['label_kk']}")
    # A code with different values for any indicator is left out entirely:
    # its rows describe different territories under one code.
    conflicts = [(code, ind, by_value)
                 for (code, ind), by_value in values.items() if len(by_value) > 1]
    conflicted = sorted({c[0] for c in conflicts})
    res = []
    n_dup = 0
    for (code, ind), by_value in values.items():
        if code in conflicted:
            continue
        (v, srcs), = by_value.items()
        n_dup += len(srcs) - 1
        res.append([code, YEAR, ind, v])
    res.sort(key=lambda x: (x[0], INDICATOR_ORDER[x[2]]))
    print(f"BNS 2023: {n_rows} coded rows used, {n_country} country rows and "
          f"{n_nocode} rows without KATO code skipped, {n_empty} empty values "
          f"skipped, {n_dup} duplicate (kato, indicator) values merged")
    print(f"BNS 2023: {len(conflicts)} conflicting (kato, indicator) pairs "
          f"on {len(conflicted)} codes; these codes are left out entirely:")
    for code, ind, by_value in sorted(conflicts, key=lambda c: (c[0], INDICATOR_ORDER[c[1]])):
        desc = "; ".join(f"{v} <- {', '.join(sorted(set(s)))}"
                         for v, s in sorted(by_value.items()))
        print(f"  conflict {code} {ind}: {desc}")
    for code, label in sorted(not_in_kato):
        print(f"  note: BNS code {code} ({label}) is not in KATO 2022")
    write_csv(os.path.join(out, "population_2023.csv"),
              ["kato", "year", "indicator", "value"], res)
    return conflicted


# --------------------------------------------------------------------------
# 5. categories.csv

def build_categories(bns, out, kato):
    kent_codes = {}
    unmatched = []
    seen_labels = set()
    for name, r in bns:
        if r["row_kind"] != "kent":
            continue
        key = (r["label_kk"], r["kato_code"])
        if key in seen_labels:
            continue
        seen_labels.add(key)
        code = r["kato_code"].strip()
        if KATO_RE.match(code):
            kent_codes[code] = r
        else:
            unmatched.append(r)

    # KATO localities typed "п." (unit kind kent or direct_kent).
    p_localities = sorted(c for c, r in kato.items()
                          if r["unit_kind"] in ("kent", "direct_kent"))

    res = []
    for code in sorted(kent_codes):
        k = kato.get(code)
        if k is None:
            print(f"  warning: BNS kent {kent_codes[code]['label_kk']} code {code} "
                  f"not in KATO")
        elif k["unit_kind"] not in ("kent", "direct_kent"):
            print(f"  note: BNS kent {kent_codes[code]['label_kk']} -> {code} "
                  f"{k['name_ru']} is KATO {k['unit_kind']}, not type п.")
        res.append([code, "kent", "bns_2023"])

    # A BNS kent without a code may still be one of the "п." localities: look
    # in the same oblast for an unused "п." locality whose name starts with
    # the kent's name (Kazakh letters folded). Such localities get no
    # category rather than a wrong "aul".
    withheld = {}
    print(f"BNS kents without KATO code: {len(unmatched)}")
    for r in unmatched:
        stem = fold_name(re.sub(r"\s+к\.$", "", r["label_kk"]))
        cands = [c for c in p_localities
                 if c not in kent_codes
                 and kato[c]["oblast_code"] == r["oblast_code"]
                 and fold_name(kato[c]["name_ru_clean"]).startswith(stem)]
        cdesc = ", ".join(f"{c} {kato[c]['name_ru']}" for c in cands) or "none"
        print(f"  unmatched kent: {r['label_kk']} (oblast {r['oblast_code']}, "
              f"district {r['district_kato']}, population {r['total']}); "
              f"KATO п. candidate(s) withheld from 'aul': {cdesc}")
        for c in cands:
            withheld[c] = r["label_kk"]

    n_aul = 0
    for code in p_localities:
        if code in kent_codes or code in withheld:
            continue
        res.append([code, "aul", "kato_p_not_bns_kent"])
        n_aul += 1
    res.sort(key=lambda x: x[0])
    n_kent = len(kent_codes)
    print(f"categories: {len(p_localities)} KATO п. localities; "
          f"{n_kent} BNS kents with code "
          f"({sum(1 for c in kent_codes if c in p_localities)} of them KATO п.); "
          f"{len(withheld)} п. withheld; {n_aul} marked aul")
    write_csv(os.path.join(out, "categories.csv"),
              ["kato", "category", "category_source"], res)


# --------------------------------------------------------------------------
# 6. districts.geojson, oblasts.geojson

def round_coords(c, stats):
    if isinstance(c, list):
        return [round_coords(x, stats) for x in c]
    if isinstance(c, float):
        r = round(c, 5)
        if r != c:
            stats["changed"] += 1
        stats["total"] += 1
        return r
    stats["total"] += 1
    return c


def write_geojson(src_path, out_path, level, kato):
    with open(src_path, encoding="utf-8-sig") as f:
        fc = json.load(f)
    stats = {"changed": 0, "total": 0}
    feats = []
    for ft in fc["features"]:
        p = ft["properties"]
        code = str(p["KATO"])
        check_kato(code, os.path.basename(src_path))
        props = {
            "kato": code,
            "name_en": p[f"ADM{level}_EN"],
            "name_kk": p[f"ADM{level}_KK"],
            "name_ru": p[f"ADM{level}_RU"],
        }
        if level == 2:
            props["oblast_kato"] = code[:2] + "0000000"
        geom = {"type": ft["geometry"]["type"],
                "coordinates": round_coords(ft["geometry"]["coordinates"], stats)}
        feats.append((code, {"type": "Feature", "properties": props,
                             "geometry": geom}))
    feats.sort(key=lambda x: x[0])
    codes = [c for c, _ in feats]
    if len(set(codes)) != len(codes):
        sys.exit(f"error: duplicate KATO in {src_path}")
    lines = [json.dumps(f, ensure_ascii=False, separators=(",", ":"))
             for _, f in feats]
    with open(out_path, "w", encoding="utf-8", newline="\n") as f:
        f.write('{"type":"FeatureCollection","features":[\n')
        f.write(",\n".join(lines))
        f.write("\n]}\n")
    print(f"wrote {os.path.basename(out_path)}: {len(feats)} features, "
          f"{stats['total']} coordinate values, {stats['changed']} changed by rounding")

    want_depth = "2" if level == 2 else "1"
    mismatched = []
    for code, ft in feats:
        k = kato.get(code)
        if k is None:
            mismatched.append((code, ft["properties"]["name_en"], "not in KATO 2022"))
        elif k["depth"] != want_depth:
            mismatched.append((code, ft["properties"]["name_en"],
                               f"KATO 2022 has {k['name_ru']} ({k['unit_kind']}, "
                               f"depth {k['depth']})"))
    print(f"  {len(feats) - len(mismatched)} of {len(feats)} codes are KATO 2022 "
          f"depth-{want_depth} units; mismatches: {len(mismatched)}")
    for code, name, why in mismatched:
        print(f"  mismatch {code} {name}: {why}")
    if level == 2:
        have = set(codes)
        missing = sorted(c for c, r in kato.items()
                         if r["depth"] == "2" and c not in have)
        for c in missing:
            print(f"  KATO 2022 depth-2 unit without polygon: {c} {kato[c]['name_ru']}")


# --------------------------------------------------------------------------

def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--src", default=DEFAULT_SRC, help="raw data directory")
    ap.add_argument("--out", default=DEFAULT_OUT, help="output directory")
    args = ap.parse_args()
    os.makedirs(args.out, exist_ok=True)
    print(f"src: {args.src}\nout: {args.out}")

    kato = build_kato(args.src, args.out)
    build_settlements(args.src, args.out, kato)

    bns = read_bns(args.src)
    print("BNS 2023 code corrections:")
    apply_bns_fixes(bns, kato)
    build_population_2023(bns, args.out, kato)
    build_categories(bns, args.out, kato)

    write_geojson(os.path.join(args.src, "kaz_admbnda_adm2_2024.geojson"),
                  os.path.join(args.out, "districts.geojson"), 2, kato)
    write_geojson(os.path.join(args.src, "kaz_admbnda_adm1_2024.geojson"),
                  os.path.join(args.out, "oblasts.geojson"), 1, kato)


if __name__ == "__main__":
    main()
