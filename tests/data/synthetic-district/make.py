#!/usr/bin/env python3
"""Writes the synthetic district used by the atd-score and atd-classify tests.

Nothing here is a real place: KATO codes start with 99 (no such oblast), every
feature carries "synthetic": true, and every name starts with "Synthetic-".
The values are chosen by hand (no randomness) so that every status rule of
METHODOLOGY.md section 3 fires at least once, many of them on values exactly at
a threshold of datasets/standards/kz.toml:

  R1 kent -> city_district  Synthetic-Kentgrad (min 2021-2023 = 10000, C7 index 1)
  R2 kent attach            Synthetic-Prigorodny (density exactly 300, share exactly 0.15,
                            4.4 km from the centre: contiguous by distance)
  R3 kent -> aul            Zavodskoy (min 9999), Rudnichny (C7 5/6), Dachny (share 0.1499),
                            Vokzalny (density 299.95), Dalny (55 km away), Chuzhoy (5.3 km
                            away; half its workers commute to a kent, not to a city)
  R4 aul -> city_district   Synthetic-Bolshoye (min exactly 10000, C7 index 1), Synthetic-Novy (partial
                            basis: pop_2021 missing, the series starts in 2022)
  R5 city_district -> aul   Synthetic-Smalltown (max 2019-2023 = 9999); kept: Oldtown
                            (max exactly 10000), Fading (max 10001 in 2019 only)
  R6 aul abolished          Synthetic-Malenkoye (max exactly 50), Synthetic-Kroshka (49 and
                            below; its two nearest settlements are at exactly the same
                            distance in the index's metric: the first listed one wins)
  keep                      Sredneye (min 9999), Rastushchy (9500: changes under
                            --vary city_district.min_population=9000,...), Chut (max 51)

Criteria on their thresholds: C1 kent at 3000 (Dalny), C2 m_int exactly -10 (Ubyl) and
-10.5 (Ubyl-Vtoroye), C3 density 300 (Prigorodny), population 500 (Khutor) and 499
(Derevnya), density 50 (Zaimka) and 49.75 (Pustosh), C5 agricultural share exactly
0.5 (Ubyl), C6 jobs ratio 1 and demand self-containment 0.75 (Kentgrad), C8 support
0.5 and turnout 0.10 (Smalltown), low turnout (Centre), no opinion (Dalny, Pustosh).
Support/satellite: Synthetic-Podderzhka is an okrug centre (admin_centre = "okrug").

Also written, for the error cases:
  bad-category.geojsonl  Synthetic-Zavodskoy has category "posyolok" (unknown)
  gap.geojsonl           Synthetic-Bolshoye lacks pop_2021 inside its 2019-2023 series

Also written, for atd-access and the README's main job:
  roads.geojsonl       a road network between the settlements (OpenStreetMap classes,
                       vertices about every kilometre): trunk and primary roads from the
                       centre, secondary roads to the villages, a long track to Dalny, and
                       the eastern villages (Derevnya, Khutor, Zaimka, Pustosh) on tracks of
                       their own that do not join the rest (a river without a bridge)
  facilities.geojsonl  one point per school, hospital, clinic, culture, trade, industry and
                       utility object that the settlements' infra_*_2023 counts give

Run from anywhere: python3 tests/data/synthetic-district/make.py [--check]
(--check only compares the files on disk with what would be written).
"""
import json
import math
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
YEARS = [2019, 2020, 2021, 2022, 2023]
OBLAST, DISTRICT = "990000000", "991000000"
CENTRE, OLDTOWN, SMALLTOWN = "991010100", "991020100", "991030100"

# The full set of the law's six infrastructure groups, and smaller sets.
INFRA_ALL = dict(industry=3, utilities=2, housing=4, education=3, culture=2, health=2, trade=12)
INFRA_NO_HEALTH = dict(INFRA_ALL, health=0)
INFRA_VILLAGE = dict(industry=0, utilities=0, housing=0, education=1, culture=1, health=1, trade=2)
INFRA_NONE = dict(industry=0, utilities=0, housing=0, education=0, culture=0, health=0, trade=0)


def settlement(kato, name, category, lon, lat, pops, parent, area, agri=0.4, infra=None,
               jobs=0.6, scd=0.85, scs=0.6, dest=CENTRE, share=0.05, support=0.6,
               turnout=0.2, opinion=True, emp=None, mig=None, admin_centre=None):
    """One settlement feature. pops: {year: population}; agri: share of emp_agri in
    emp_total; emp: explicit (total, agri, selfemp_agri); mig: explicit (in, out) per year."""
    p = {
        "feature_type": "settlement",
        "kato": kato,
        "name_ru": name,
        "name_kk": name,
        "category": category,
        "category_source": "synthetic",
        "synthetic": True,
        "parent_kato": parent,
        "district_kato": DISTRICT,
        "oblast_kato": OBLAST,
    }
    if admin_centre:
        p["admin_centre"] = admin_centre
    for y in YEARS:
        if y in pops:
            p[f"pop_{y}"] = pops[y]
    for y in YEARS:
        if y not in pops:
            continue
        n = pops[y]
        if mig:
            p[f"mig_in_int_{y}"], p[f"mig_out_int_{y}"] = mig
        else:
            p[f"mig_in_int_{y}"] = round(n * 0.018)
            p[f"mig_out_int_{y}"] = round(n * 0.022)
        p[f"mig_in_ext_{y}"] = round(n * 0.001)
        p[f"mig_out_ext_{y}"] = round(n * 0.002)
    last = pops[max(pops)]
    if emp:
        total, agri_n, self_agri = emp
    else:
        total = round(last * 0.45)
        agri_n = round(total * agri)
        self_agri = 0
    nonagri = total - agri_n
    p["emp_total_2023"] = total
    p["emp_agri_2023"] = agri_n
    p["emp_ind_2023"] = round(nonagri * 0.4)
    p["emp_serv_2023"] = nonagri - round(nonagri * 0.4)
    p["emp_selfemp_2023"] = max(self_agri, round(total * 0.12))
    p["emp_selfemp_agri_2023"] = self_agri
    infra = infra if infra is not None else (INFRA_ALL if last >= 2000 else INFRA_VILLAGE if last >= 200 else INFRA_NONE)
    for k, v in infra.items():
        p[f"infra_{k}_2023"] = v
    if opinion:
        eligible = round(last * 0.72)
        if isinstance(opinion, tuple):
            yes, no, participants, eligible = opinion
        else:
            participants = round(eligible * turnout)
            yes = round(participants * support)
            no = participants - yes
        p["opinion_yes_2023"] = yes
        p["opinion_no_2023"] = no
        p["opinion_participants_2023"] = participants
        p["opinion_eligible_2023"] = eligible
    p["area_km2"] = area
    p["jobs_ratio"] = jobs
    p["sc_demand"] = scd
    p["sc_supply"] = scs
    p["dominant_destination"] = dest
    p["dominant_share"] = share
    p["flow_source"] = "modelled"
    return {"type": "Feature", "properties": p, "geometry": {"type": "Point", "coordinates": [lon, lat]}}


def unit(kato, name, kind, level, parent):
    """An administrative unit (no geometry): passed through untouched by the tools."""
    return {
        "type": "Feature",
        "properties": {
            "feature_type": "unit", "kato": kato, "name_ru": name, "name_kk": name, "unit_kind": kind,
            "unit_level": level, "parent_kato": parent, "synthetic": True,
        },
        "geometry": None,
    }


def series(*values, start=2019):
    return {start + i: v for i, v in enumerate(values)}


def features():
    S = settlement
    out = [
        unit(OBLAST, "Synthetic-Oblast", "oblast", 1, None),
        unit(DISTRICT, "Synthetic-District", "district", 2, OBLAST),
        unit("991060000", "Synthetic-Steppe rural okrug", "rural_okrug", 3, DISTRICT),
        unit("991070000", "Synthetic-Ozerny rural okrug", "rural_okrug", 3, DISTRICT),
        unit("991080000", "Synthetic-Dalnee rural okrug", "rural_okrug", 3, DISTRICT),
    ]
    # Towns (district cities): the centre, one kept at exactly 10000, one demoted at 9999,
    # one kept because of its 2019 figure (5-year demotion window).
    out.append(S(CENTRE, "Synthetic-Centre", "city_district", 70.30, 52.30,
                 series(24000, 24500, 25000, 25400, 25800), DISTRICT, area=12, agri=0.05,
                 infra=dict(industry=6, utilities=4, housing=12, education=9, culture=3, health=4, trade=40),
                 jobs=1.25, scd=0.82, scs=0.88, dest=SMALLTOWN, share=0.03,
                 opinion=(420, 380, 800, 18000)))  # support 0.525, turnout 0.044: low
    out.append(S(OLDTOWN, "Synthetic-Oldtown", "city_district", 70.62, 52.08,
                 series(9800, 10000, 9950, 9900, 9850), DISTRICT, area=9, agri=0.2,
                 jobs=0.95, scd=0.7, scs=0.75, share=0.08, support=0.4))
    out.append(S(SMALLTOWN, "Synthetic-Smalltown", "city_district", 69.98, 52.46,
                 series(9999, 9900, 9750, 9600, 9400), DISTRICT, area=14, agri=0.3,
                 infra=INFRA_NO_HEALTH, jobs=0.9, scd=0.8, share=0.06,
                 opinion=(50, 50, 100, 1000)))  # support exactly 0.5 (opposes), turnout exactly 0.10
    out.append(S("991040100", "Synthetic-Fading", "city_district", 70.05, 52.12,
                 series(10001, 9500, 9000, 8500, 8000), DISTRICT, area=10, agri=0.25,
                 jobs=0.8, scd=0.78, share=0.1, support=0.3))
    # Kents: every one gets a proposal.
    out.append(S("991050100", "Synthetic-Kentgrad", "kent", 70.45, 52.38,
                 series(9500, 9800, 10000, 10200, 10350), DISTRICT, area=40, agri=0.1,
                 jobs=1.0, scd=0.75, scs=0.7, share=0.2, support=0.7))
    out.append(S("991051100", "Synthetic-Zavodskoy", "kent", 70.15, 52.25,
                 series(9800, 9900, 9999, 10100, 10300), DISTRICT, area=50, agri=0.55,
                 jobs=0.9, scd=0.8, share=0.1, support=0.45))
    out.append(S("991052100", "Synthetic-Rudnichny", "kent", 70.50, 52.20,
                 series(10100, 10050, 10001, 10020, 10060), DISTRICT, area=45, agri=0.15,
                 infra=INFRA_NO_HEALTH, jobs=1.1, scd=0.7, share=0.12))
    out.append(S("991053100", "Synthetic-Prigorodny", "kent", 70.30, 52.34,
                 series(5800, 5900, 6000, 6000, 6000), DISTRICT, area=20, emp=(3000, 600, 0),
                 jobs=0.4, scd=0.9, scs=0.5, dest=CENTRE, share=0.15, support=0.8))
    out.append(S("991054100", "Synthetic-Dachny", "kent", 70.36, 52.28,
                 series(5900, 6000, 6100, 6150, 6200), DISTRICT, area=20, agri=0.1,
                 jobs=0.5, scd=0.9, dest=CENTRE, share=0.1499))
    out.append(S("991055100", "Synthetic-Vokzalny", "kent", 70.25, 52.28,
                 series(6100, 6050, 6000, 5999, 5999), DISTRICT, area=20, agri=0.05,
                 jobs=0.5, scd=0.88, dest=CENTRE, share=0.4))
    out.append(S("991056100", "Synthetic-Dalny", "kent", 70.95, 52.60,
                 series(3200, 3100, 3000, 3000, 3000), DISTRICT, area=30, agri=0.6,
                 jobs=0.7, scd=0.95, dest=CENTRE, share=0.05, opinion=False))
    out.append(S("991057100", "Synthetic-Chuzhoy", "kent", 70.24, 52.33,
                 series(5400, 5500, 5600, 5650, 5700), DISTRICT, area=15, agri=0.1,
                 jobs=0.6, scd=0.9, dest="991050100", share=0.5))  # commutes to a kent, not a city
    # Auls of the Steppe okrug: promotion and its borders.
    ok = "991060000"
    out.append(S("991060100", "Synthetic-Bolshoye", "aul", 70.55, 52.45,
                 series(9700, 9850, 10000, 10050, 10100), ok, area=60, agri=0.5))
    out.append(S("991060200", "Synthetic-Sredneye", "aul", 70.60, 52.40,
                 series(9800, 9900, 9999, 10200, 10400), ok, area=70, agri=0.45))
    out.append(S("991060300", "Synthetic-Rastushchy", "aul", 70.65, 52.35,
                 series(9300, 9400, 9500, 9500, 9500), ok, area=65, agri=0.5))
    out.append(S("991060400", "Synthetic-Novy", "aul", 70.40, 52.50,
                 {2022: 10400, 2023: 10200}, ok, area=55, agri=0.4))
    # Auls of the Ozerny okrug: its centre, a satellite, an abolition at exactly 50, C2 and C5 borders.
    ok = "991070000"
    out.append(S("991070100", "Synthetic-Podderzhka", "aul", 70.80, 52.30,
                 series(2400, 2450, 2480, 2500, 2520), ok, area=8, agri=0.45, admin_centre="okrug",
                 jobs=0.8, scd=0.9))
    out.append(S("991070200", "Synthetic-Sputnik", "aul", 70.85, 52.35,
                 series(620, 615, 610, 605, 600), ok, area=3, agri=0.6))
    out.append(S("991070300", "Synthetic-Malenkoye", "aul", 70.82, 52.27,
                 series(60, 55, 50, 50, 50), ok, area=1.5, agri=0.7, support=0.25))
    out.append(S("991070400", "Synthetic-Chut", "aul", 70.76, 52.24,
                 series(53, 52, 51, 50, 48), ok, area=1.2, agri=0.7))
    out.append(S("991070500", "Synthetic-Ubyl", "aul", 70.90, 52.22,
                 series(2000, 2000, 2000, 2000, 2000), ok, area=12, emp=(400, 150, 50), mig=(20, 40)))
    out.append(S("991070600", "Synthetic-Ubyl-Vtoroye", "aul", 70.95, 52.30,
                 series(2000, 2000, 2000, 2000, 2000), ok, area=12, agri=0.55, mig=(20, 41)))
    # Auls of the Dalnee okrug: the tie, and the C3 classes at their borders, far from any support village.
    ok = "991080000"
    out.append(S("991080100", "Synthetic-Zapadnoye", "aul", 70.65, 52.55,
                 series(820, 815, 810, 805, 800), ok, area=4, agri=0.6))
    out.append(S("991080200", "Synthetic-Vostochnoye", "aul", 70.75, 52.55,
                 series(720, 715, 710, 705, 700), ok, area=4, agri=0.6))
    # Exactly as far from Zapadnoye as from Vostochnoye in the nearest-neighbour index's
    # metric (squared chord of unit vectors, checked below); Zapadnoye is listed first.
    out.append(S("991080300", "Synthetic-Kroshka", "aul", TIE[0], TIE[1],
                 series(48, 46, 45, 42, 40), ok, area=1, agri=0.8))
    out.append(S("991080400", "Synthetic-Derevnya", "aul", 71.10, 52.05,
                 series(520, 510, 505, 500, 499), ok, area=1, agri=0.7))
    out.append(S("991080500", "Synthetic-Khutor", "aul", 71.15, 52.10,
                 series(520, 515, 510, 505, 500), ok, area=1, agri=0.7))
    out.append(S("991080600", "Synthetic-Zaimka", "aul", 71.20, 52.00,
                 series(110, 105, 100, 100, 100), ok, area=2, agri=0.8))
    out.append(S("991080700", "Synthetic-Pustosh", "aul", 71.25, 52.05,
                 series(110, 105, 100, 100, 100), ok, area=2.01, agri=0.8, opinion=False))
    return out


# The tie: Kroshka's position and its two nearest settlements.
TIE = (70.7, 52.552177)
TIE_A, TIE_B = (70.65, 52.55), (70.75, 52.55)


def _chord2(a, b):
    # The same arithmetic as atd's PointIndex (libatd/src/geo.cpp, unit_vector and d2).
    k = 3.14159265358979323846 / 180.0

    def uv(lon, lat):
        cl = math.cos(lat * k)
        return (cl * math.cos(lon * k), cl * math.sin(lon * k), math.sin(lat * k))

    p, q = uv(*a), uv(*b)
    return (p[0] - q[0]) ** 2 + (p[1] - q[1]) ** 2 + (p[2] - q[2]) ** 2


def _lines(feats):
    return "".join(json.dumps(f, ensure_ascii=False, separators=(",", ":")) + "\n" for f in feats)


def outputs():
    assert _chord2(TIE, TIE_A) == _chord2(TIE, TIE_B), "the tie is not exact"
    base = features()
    bad = json.loads(json.dumps(base))
    for f in bad:
        if f["properties"].get("name_ru") == "Synthetic-Zavodskoy":
            f["properties"]["category"] = "posyolok"
    gap = json.loads(json.dumps(base))
    for f in gap:
        p = f["properties"]
        if p.get("name_ru") == "Synthetic-Bolshoye":
            for k in ["pop_2021", "mig_in_int_2021", "mig_out_int_2021", "mig_in_ext_2021", "mig_out_ext_2021"]:
                del p[k]
    roads, facilities = roads_and_facilities(base)
    return {"district.geojsonl": _lines(base), "bad-category.geojsonl": _lines(bad), "gap.geojsonl": _lines(gap),
            "roads.geojsonl": roads, "facilities.geojsonl": facilities}


# Roads between settlements (by name without "Synthetic-"), with their OSM class.
ROADS = [
    ("trunk", ["Smalltown", "Centre", "Oldtown"]),
    ("primary", ["Centre", "Kentgrad", "Sredneye", "Rastushchy", "Podderzhka"]),
    ("primary", ["Centre", "Fading"]),
    ("primary", ["Kentgrad", "Bolshoye"]),
    ("secondary", ["Centre", "Prigorodny"]),
    ("secondary", ["Centre", "Dachny", "Rudnichny", "Oldtown"]),
    ("secondary", ["Centre", "Vokzalny", "Zavodskoy"]),
    ("secondary", ["Vokzalny", "Chuzhoy"]),
    ("secondary", ["Kentgrad", "Novy"]),
    ("secondary", ["Bolshoye", "Zapadnoye", "Kroshka", "Vostochnoye"]),
    ("secondary", ["Podderzhka", "Sputnik"]),
    ("secondary", ["Podderzhka", "Malenkoye", "Chut"]),
    ("secondary", ["Podderzhka", "Ubyl", "Ubyl-Vtoroye"]),
    ("track", ["Ubyl-Vtoroye", "Dalny"]),
    ("track", ["Derevnya", "Khutor", "Pustosh"]),
    ("track", ["Derevnya", "Zaimka"]),
]
# infra_*_2023 groups as facility kinds: where there are two health objects or more,
# the first is a hospital and the others clinics; a lone one is a clinic.
FACILITY_KINDS = [("education", "school"), ("health", "hospital"), ("culture", "culture"), ("trade", "trade"),
                  ("industry", "industry"), ("utilities", "utility")]


def _road_line(a, b):
    """Vertices from a to b about every kilometre, rounded so that shared ends match."""
    (x0, y0), (x1, y1) = a, b
    km = math.hypot((x1 - x0) * 111.32 * math.cos(math.radians((y0 + y1) / 2)), (y1 - y0) * 111.32)
    n = max(1, math.ceil(km))
    return [[round(x0 + (x1 - x0) * i / n, 6), round(y0 + (y1 - y0) * i / n, 6)] for i in range(n + 1)]


def roads_and_facilities(base):
    where = {}
    settlements = [f for f in base if f["properties"]["feature_type"] == "settlement"]
    for f in settlements:
        where[f["properties"]["name_ru"].removeprefix("Synthetic-")] = f["geometry"]["coordinates"]
    roads = []
    for cls, names in ROADS:
        coords = []
        for a, b in zip(names, names[1:]):
            part = _road_line(where[a], where[b])
            coords.extend(part if not coords else part[1:])
        roads.append({"type": "Feature", "properties": {"name": "Synthetic " + "-".join(names), "highway": cls,
                                                        "synthetic": True},
                      "geometry": {"type": "LineString", "coordinates": coords}})
    facilities = []
    for f in settlements:
        p = f["properties"]
        lon, lat = f["geometry"]["coordinates"]
        k = 0
        for group, kind in FACILITY_KINDS:
            for i in range(p.get(f"infra_{group}_2023", 0)):
                # On a ring of 300-700 m around the settlement, a new angle each time.
                r_km, angle = 0.3 + 0.1 * (k % 5), math.radians(37 * k)
                x = lon + r_km * math.cos(angle) / (111.32 * math.cos(math.radians(lat)))
                y = lat + r_km * math.sin(angle) / 111.32
                n = p.get(f"infra_{group}_2023", 0)
                this = "clinic" if group == "health" and (i > 0 or n == 1) else kind
                facilities.append({"type": "Feature",
                                   "properties": {"id": f"{p['kato']}-{this}-{i + 1}", "kind": this,
                                                  "kato": p["kato"], "synthetic": True},
                                   "geometry": {"type": "Point", "coordinates": [round(x, 6), round(y, 6)]}})
                k += 1
    return _lines(roads), _lines(facilities)


def main():
    check = "--check" in sys.argv[1:]
    stale = []
    for name, text in outputs().items():
        path = os.path.join(HERE, name)
        if check:
            try:
                with open(path, encoding="utf-8") as f:
                    if f.read() != text:
                        stale.append(name)
            except FileNotFoundError:
                stale.append(name)
        else:
            with open(path, "w", encoding="utf-8", newline="\n") as f:
                f.write(text)
    if stale:
        print("make.py: out of date: " + ", ".join(stale), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
