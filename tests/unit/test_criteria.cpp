#include "helpers.hpp"

#include <atd/criteria.hpp>
#include <atd/error.hpp>
#include <atd/geo.hpp>
#include <atd/standards.hpp>

#include <doctest/doctest.h>

#include <cmath>
#include <initializer_list>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

using namespace atd;

namespace {

const std::string kProfile = ATD_TEST_DATA "/../../datasets/standards/kz.toml";

Standards kz() { return Standards::load(kProfile); }

// Population (or any yearly series) from consecutive years.
std::map<int, double> years(int first, std::initializer_list<double> values) {
    std::map<int, double> m;
    int y = first;
    for (double v : values) m[y++] = v;
    return m;
}

SettlementData make(const std::string& kato, const std::string& category, std::map<int, double> pop = {}) {
    SettlementData s;
    s.kato = kato;
    s.name = "Synthetic-" + kato;
    s.category = category;
    s.pop = std::move(pop);
    return s;
}

// Scores s among the other settlements (cities for C4).
Scores score_of(const SettlementData& s, const Standards& st, std::vector<SettlementData> others = {}) {
    others.push_back(s);
    Scorer scorer(st, others);
    return scorer.score(others.back());
}

Scores score_of(const SettlementData& s) { return score_of(s, kz()); }

// A point `km` kilometres north of (lon, lat), to 1e-9 km.
std::pair<double, double> north_of(double lon, double lat, double km) {
    double lo = lat, hi = lat + 1.0;
    for (int i = 0; i < 200; ++i) {
        double mid = (lo + hi) / 2;
        (geodesic_km(lon, lat, lon, mid) < km ? lo : hi) = mid;
    }
    return {lon, (lo + hi) / 2};
}

Feature feature(std::initializer_list<std::pair<std::string, Value>> props, bool with_point = true) {
    Feature f;
    for (const auto& [k, v] : props) f.props.set(k, v);
    if (with_point) f.geom = Geometry::point(70.0, 52.0);
    return f;
}

std::string read_error(const Feature& f, int window = 10) {
    try {
        read_settlement(f, window);
    } catch (const DataError& e) {
        return e.what();
    }
    return "";
}

bool contains(const std::string& s, const std::string& part) { return s.find(part) != std::string::npos; }

using Lacks = std::vector<std::string>;

}  // namespace

// ------------------------------------------------------------------ C1

TEST_CASE("C1: the population test of each category, just below, at and just above") {
    // Art. 3: "at least" for district cities, kents and auls; "more than" for
    // cities of oblast and republican significance (METHODOLOGY §1: > 50,000, > 1,000,000).
    struct Case {
        const char* category;
        double threshold;
        int window;
        bool strict;
    };
    for (auto c : {Case{"aul", 50, 3, false}, Case{"kent", 3000, 3, false}, Case{"city_district", 10000, 5, false},
                   Case{"city_oblast", 50000, 5, true}, Case{"city_republican", 1000000, 5, true}}) {
        CAPTURE(c.category);
        for (double d : {-1.0, 0.0, 1.0}) {
            CAPTURE(d);
            double t = c.threshold + d;
            // The minimum of the window sits in its first year; later years are higher.
            std::map<int, double> pop;
            for (int y = 2023 - c.window + 1; y <= 2023; ++y) pop[y] = y == 2023 - c.window + 1 ? t : t + 100;
            Scores sc = score_of(make("991000001", c.category, pop));
            CHECK(sc.threshold == c.threshold);
            CHECK(sc.window == c.window);
            CHECK(sc.basis == "window");
            CHECK(sc.min_w == t);
            CHECK(sc.year == 2023);
            bool pass = c.strict ? d > 0 : d >= 0;
            CHECK(sc.c[0].result == (pass ? Result::Pass : Result::Fail));
            CHECK(sc.c[0].lacks.empty());
        }
    }
}

TEST_CASE("C1: only the window counts; cities look back five years, kents and auls three") {
    // A city below the threshold four years back fails (5-year window)...
    CHECK(score_of(make("1", "city_district", years(2019, {9999, 12000, 12000, 12000, 12000}))).c[0].result == Result::Fail);
    // ...but not six years back.
    CHECK(score_of(make("1", "city_district", years(2018, {5000, 10000, 10000, 10000, 10000, 10000}))).c[0].result ==
          Result::Pass);
    // A kent below its threshold four years back passes (3-year window).
    Scores k = score_of(make("1", "kent", years(2019, {100, 100, 3000, 3000, 3000})));
    CHECK(k.c[0].result == Result::Pass);
    CHECK(k.min_w == 3000);
    CHECK(k.max_w == 3000);
    CHECK(k.pop == 3000);
    // The score is the level against the threshold.
    CHECK(score_of(make("1", "kent", years(2021, {1500, 1500, 1500}))).c[0].score == doctest::Approx(0.5));
    CHECK(score_of(make("1", "kent", years(2021, {9000, 9000, 9000}))).c[0].score == 1.0);
}

TEST_CASE("C1: an incomplete window tests the years present (METHODOLOGY §3.1), a pass provisionally") {
    Scores a = score_of(make("1", "kent", years(2023, {3000})));
    CHECK(a.basis == "level");
    CHECK(a.years_used == 1);
    CHECK(a.c[0].result == Result::Pass);
    CHECK(a.c[0].provisional == "1 of 3 years");
    CHECK(a.missing_years == std::vector<int>{2021, 2022});
    CHECK(a.c[0].lacks == Lacks{"pop_2021", "pop_2022"});
    CHECK(a.min_w == 3000);
    CHECK(a.max_w == 3000);
    CHECK(a.pop == 3000);
    // The minimum of the years there are, never the latest year alone.
    Scores b = score_of(make("1", "kent", years(2022, {2000, 3000})));
    CHECK(b.basis == "partial");
    CHECK(b.years_used == 2);
    CHECK(b.c[0].result == Result::Fail);
    CHECK(b.c[0].provisional.empty());  // the missing year can only lower the minimum
    CHECK(b.min_w == 2000);
    CHECK(b.max_w == 3000);
    CHECK(b.c[0].lacks == Lacks{"pop_2021"});
    Scores c = score_of(make("1", "kent", years(2022, {4000, 3000})));
    CHECK(c.basis == "partial");
    CHECK(c.c[0].result == Result::Pass);
    CHECK(c.c[0].provisional == "2 of 3 years");
    Scores full = score_of(make("1", "kent", years(2021, {4000, 3000, 3000})));
    CHECK(full.basis == "window");
    CHECK(full.c[0].provisional.empty());
    // No population at all: no data.
    Scores d = score_of(make("1", "kent"));
    CHECK(d.c[0].result == Result::NoData);
    CHECK(d.c[0].lacks == Lacks{"pop"});
    CHECK_FALSE(d.c[0].score);
    CHECK_FALSE(d.year);
}

TEST_CASE("C1: growth over the window and its trend, at the declining and severe boundaries") {
    Standards st = kz();
    // g = (P_t / P_{t-W})^(1/W) - 1 with W = 3 for a kent: the base is 2020.
    Scores flat = score_of(make("1", "kent", years(2020, {5000, 9000, 1, 5000})), st);
    REQUIRE(flat.growth);
    CHECK(*flat.growth == 0.0);
    CHECK(flat.trend == "growing");  // exactly at the declining threshold (0): not declining
    Scores down = score_of(make("1", "kent", years(2020, {5000, 5000, 5000, 4999})), st);
    CHECK(*down.growth < 0);
    CHECK(down.trend == "declining");
    // Severe below -2 %/yr: 0.98^3 = 0.941192.
    Scores mild = score_of(make("1", "kent", years(2020, {100000, 98000, 96000, 94140})), st);
    CHECK(*mild.growth == doctest::Approx(std::pow(0.9414, 1.0 / 3) - 1));
    CHECK(*mild.growth > -0.02);
    CHECK(mild.trend == "declining");
    Scores severe = score_of(make("1", "kent", years(2020, {100000, 98000, 96000, 94100})), st);
    CHECK(*severe.growth < -0.02);
    CHECK(severe.trend == "severe");
    // At the severe threshold itself: declining, not severe.
    double g = std::pow(94100.0 / 100000.0, 1.0 / 3.0) - 1.0;
    Standards at = kz();
    at.set("c1.severe_growth", g);
    CHECK(score_of(make("1", "kent", years(2020, {100000, 98000, 96000, 94100})), at).trend == "declining");
    at.set("c1.severe_growth", std::nextafter(g, 0.0));
    CHECK(score_of(make("1", "kent", years(2020, {100000, 98000, 96000, 94100})), at).trend == "severe");
    // Without the year before the window, growth runs from the window's first year.
    Scores two = score_of(make("1", "kent", years(2021, {1000, 1100, 1210})), st);
    CHECK(*two.growth == doctest::Approx(0.1));
    // A city's window is five years: the base is 2018.
    Scores city = score_of(make("1", "city_district", years(2018, {10000, 1, 1, 1, 1, 20000})), st);
    CHECK(*city.growth == doctest::Approx(std::pow(2.0, 0.2) - 1));
    // One year only: no growth, no trend.
    Scores one = score_of(make("1", "kent", years(2023, {3000})), st);
    CHECK_FALSE(one.growth);
    CHECK(one.trend.empty());
}

// ------------------------------------------------------------------ C2

TEST_CASE("C2: mean internal net migration per 1000 at -10") {
    auto with_out = [](double out) {
        SettlementData s = make("1", "aul", years(2021, {1000, 1000, 1000}));
        s.mig_in_int = years(2021, {0, 0, 0});
        s.mig_out_int = years(2021, {out, out, out});
        return score_of(s);
    };
    Scores at = with_out(10);
    CHECK(at.m_int == -10.0);
    CHECK(at.c[1].result == Result::Pass);
    CHECK(at.c[1].score == 0.0);
    Scores below = with_out(11);
    CHECK(*below.m_int == doctest::Approx(-11));
    CHECK(below.c[1].result == Result::Fail);
    CHECK(below.c[1].score == 0.0);
    Scores above = with_out(9);
    CHECK(*above.m_int == doctest::Approx(-9));
    CHECK(above.c[1].result == Result::Pass);
    CHECK(*above.c[1].score == doctest::Approx(0.1));
    CHECK(with_out(-5).c[1].score == 1.0);  // a net gain scores 1
}

TEST_CASE("C2: the external rate, the window and missing flows") {
    SettlementData s = make("1", "aul", years(2019, {1000, 1000, 2000, 2000, 2000}));
    s.mig_in_int = years(2019, {500, 500, 60, 60, 60});  // 2019-2020 are outside the window
    s.mig_out_int = years(2019, {0, 0, 0, 0, 0});
    s.mig_in_ext = years(2021, {0, 0, 0});
    s.mig_out_ext = years(2021, {20, 20, 20});
    Scores sc = score_of(s);
    CHECK(*sc.m_int == doctest::Approx(30));
    CHECK(*sc.m_ext == doctest::Approx(-10));
    // No flows inside the window: no data.
    SettlementData old = make("1", "aul", years(2019, {1000, 1000, 1000, 1000, 1000}));
    old.mig_in_int = years(2019, {5});
    old.mig_out_int = years(2019, {50});
    Scores o = score_of(old);
    CHECK(o.c[1].result == Result::NoData);
    CHECK(o.c[1].lacks == Lacks{"mig_in_int", "mig_out_int"});
    CHECK(score_of(make("1", "aul", years(2021, {1000, 1000, 1000}))).c[1].lacks == Lacks{"mig_in_int", "mig_out_int"});
}

// ------------------------------------------------------------------ C3

TEST_CASE("C3: degree of urbanisation at 1500/50000, 300/5000, 500 and 50") {
    auto cls = [](double pop, double area, const char* category = "aul") {
        SettlementData s = make("1", category, years(2021, {pop, pop, pop}));
        s.area_km2 = area;
        return score_of(s);
    };
    CHECK(cls(60000, 40).degurba == "urban_centre");  // density exactly 1500
    CHECK(cls(60000, 40).density == 1500.0);
    CHECK(cls(60000, 40.01).degurba == "urban_cluster");
    CHECK(cls(50000, 20).degurba == "urban_centre");  // population exactly 50000
    CHECK(cls(49999, 20).degurba == "urban_cluster");
    CHECK(cls(6000, 20).degurba == "urban_cluster");  // density exactly 300
    CHECK(cls(6000, 20.01).degurba == "dispersed_rural");
    CHECK(cls(5000, 10).degurba == "urban_cluster");  // population exactly 5000
    CHECK(cls(4999, 10).degurba == "village");
    CHECK(cls(500, 1).degurba == "village");  // population exactly 500 at >= 300/km2
    CHECK(cls(499, 1).degurba == "dispersed_rural");
    CHECK(cls(100, 2).degurba == "dispersed_rural");  // density exactly 50
    CHECK(cls(100, 2.01).degurba == "mostly_uninhabited");
    // Result: a rural settlement passes whatever its class; a city needs an urban class.
    CHECK(cls(100, 2.01).c[2].result == Result::Pass);
    CHECK(cls(12000, 40, "city_district").c[2].result == Result::Pass);  // 300/km2, urban cluster
    CHECK(cls(12000, 40.1, "city_district").c[2].result == Result::Fail);
    // The score is the density against the urban-cluster density.
    CHECK(*cls(3000, 20).c[2].score == doctest::Approx(0.5));
    CHECK(cls(6000, 10).c[2].score == 1.0);
}

TEST_CASE("C3: no data without an area or a population") {
    SettlementData s = make("1", "aul", years(2021, {500, 500, 500}));
    CHECK(score_of(s).c[2].lacks == Lacks{"area_km2"});
    s.area_km2 = 0;
    CHECK(score_of(s).c[2].lacks == Lacks{"area_km2"});
    SettlementData n = make("1", "aul");
    n.area_km2 = 3;
    CHECK(score_of(n).c[2].result == Result::NoData);
    CHECK(score_of(n).c[2].lacks == Lacks{"pop"});
}

// ------------------------------------------------------------------ C4

TEST_CASE("C4: contiguity within contiguity_max_km of the nearest city, commuting share at 0.15") {
    SettlementData city = make("991010100", "city_district", years(2019, {20000, 20000, 20000, 20000, 20000}));
    city.lon = 70.0;
    city.lat = 52.0;
    auto at = [&](double km, double share, const std::string& dest = "991010100") {
        SettlementData s = make("991020100", "aul", years(2021, {800, 800, 800}));
        auto [lon, lat] = north_of(70.0, 52.0, km);
        s.lon = lon;
        s.lat = lat;
        s.dominant_destination = dest;
        s.dominant_share = share;
        return score_of(s, kz(), {city});
    };
    Scores a = at(4, 0.15);
    CHECK(a.nearest_city == "991010100");
    CHECK(*a.nearest_city_km == doctest::Approx(4).epsilon(1e-6));
    CHECK(a.c4_city == "991010100");
    CHECK(a.c4_basis == "distance_point");
    CHECK(a.contiguous == Result::Pass);
    CHECK(a.commuting_share == 0.15);
    CHECK(a.c4_candidate == "attach");
    CHECK(a.c[3].result == Result::Pass);
    CHECK(a.c[3].provisional == "contiguity by distance_point");
    CHECK(a.c[3].score == 1.0);
    Scores b = at(4, 0.1499);
    CHECK(b.c4_candidate == "none");
    CHECK(b.c[3].result == Result::Fail);
    CHECK(*b.c[3].score == doctest::Approx(0.1499 / 0.15));
    CHECK(at(4, 0.1501).c4_candidate == "attach");
    // Past 5 km of the city's point: not contiguous, whatever the share.
    Scores far = at(5.1, 0.5);
    CHECK(far.contiguous == Result::Fail);
    CHECK(far.c[3].result == Result::Fail);
    CHECK(far.c[3].score == 0.0);
    // Not inside the city's administration: never a detach candidate, however far.
    CHECK(at(40, 0.01).c4_candidate == "none");
    CHECK(a.commuting_city == "991010100");
    // The dominant flow to a place that is not the city: the share to the city is
    // below the threshold when the rest is, else unknown.
    Scores other = at(4, 0.9, "991099999");
    CHECK_FALSE(other.commuting_share);
    CHECK_FALSE(other.commuting_city);
    CHECK(other.c[3].result == Result::Fail);
    Scores half = at(4, 0.5, "991099999");
    CHECK(half.c[3].result == Result::NoData);
    CHECK(half.c[3].lacks == Lacks{"od_survey"});
    // Modelled flows make the test provisional.
    SettlementData m = make("991020100", "aul", years(2021, {800, 800, 800}));
    auto [mlon, mlat] = north_of(70.0, 52.0, 4);
    m.lon = mlon;
    m.lat = mlat;
    m.dominant_destination = "991010100";
    m.dominant_share = 0.1;
    m.flow_source = "modelled";
    CHECK(score_of(m, kz(), {city}).c[3].provisional == "modelled commuting");
}

TEST_CASE("C4: detachment of a settlement in a city's administration, beyond 25 km with little commuting") {
    SettlementData city = make("991010100", "city_district", years(2019, {20000, 20000, 20000, 20000, 20000}));
    city.lon = 70.0;
    city.lat = 52.0;
    city.parent_kato = city.district_kato = "991000000";
    auto at = [&](double km, double share) {
        SettlementData s = make("991020100", "aul", years(2021, {800, 800, 800}));
        auto [lon, lat] = north_of(70.0, 52.0, km);
        s.lon = lon;
        s.lat = lat;
        s.district_kato = "991000000";
        s.parent_kato = "991020000";
        s.dominant_destination = "991010100";
        s.dominant_share = share;
        std::vector<SettlementData> all = {city, s};
        Scorer scorer(kz(), all, {"991000000"});
        return scorer.score(all[1]);
    };
    Scores near = at(10, 0.3);
    CHECK(near.c4_basis == "kato");
    CHECK(near.subordinate);
    CHECK(near.contiguous == Result::Pass);
    CHECK(near.c4_candidate == "attach");
    CHECK(near.c[3].provisional == "contiguity by kato");
    CHECK(at(24.99, 0.1).c4_candidate == "none");
    CHECK(at(25.01, 0.1).c4_candidate == "detach");
    CHECK(at(25.01, 0.15).c4_candidate == "attach");  // far but tied
}

TEST_CASE("C4: the commuting city is the dominant destination when that is a city; attach needs it the tested city") {
    SettlementData near = make("991010100", "city_district", years(2023, {20000}));
    near.lon = 70.0;
    near.lat = 52.0;
    SettlementData far = make("991090100", "city_oblast", years(2023, {60000}));
    far.lon = 71.0;
    far.lat = 52.0;
    SettlementData s = make("991020100", "aul", years(2023, {800}));
    s.lon = 70.0;
    s.lat = 52.04;
    s.dominant_destination = "991090100";
    s.dominant_share = 0.3;
    Scores sc = score_of(s, kz(), {near, far});
    CHECK(sc.nearest_city == "991010100");
    CHECK(sc.c4_city == "991010100");
    CHECK(sc.commuting_city == "991090100");
    // The share to the nearest city is unknown (0.3 goes elsewhere, 0.7 is left).
    CHECK_FALSE(sc.commuting_share);
    CHECK(sc.c4_candidate.empty());
    CHECK(sc.c[3].result == Result::NoData);
}

TEST_CASE("C4: no data without a position, a city or a destination") {
    SettlementData city = make("991010100", "city_district", years(2023, {20000}));
    city.lon = 70.0;
    city.lat = 52.0;
    SettlementData s = make("991020100", "aul", years(2023, {800}));
    s.dominant_destination = "991010100";
    s.dominant_share = 0.5;
    CHECK(score_of(s, kz(), {city}).c[3].lacks == Lacks{"geometry"});
    CHECK(score_of(s, kz(), {city}).c[3].result == Result::NoData);
    s.lon = 70.05;
    s.lat = 52.0;
    CHECK(score_of(s, kz(), {}).c[3].lacks == Lacks{"a city with a position"});
    SettlementData nopos = city;
    nopos.lon.reset();
    nopos.lat.reset();
    CHECK(score_of(s, kz(), {nopos}).c[3].lacks == Lacks{"a city with a position"});
    s.dominant_share.reset();
    CHECK(score_of(s, kz(), {city}).c[3].lacks == Lacks{"dominant_destination"});
    CHECK(score_of(s, kz(), {city}).c[3].result == Result::NoData);
}

TEST_CASE("C4: a city's nearest city is another one; equally near cities go to the first listed") {
    SettlementData c1 = make("991010100", "city_district", years(2023, {20000}));
    c1.lon = 70.0;
    c1.lat = 52.0;
    SettlementData c2 = make("991020100", "city_oblast", years(2023, {60000}));
    c2.lon = 70.5;
    c2.lat = 52.0;
    CHECK(score_of(c1, kz(), {c2}).nearest_city == "991020100");
    // Exactly equidistant (mirror images across the meridian 0, so the index's
    // arithmetic gives the very same distance): the lower index wins.
    SettlementData west = make("991030100", "city_district", years(2023, {20000}));
    west.lon = -0.1;
    west.lat = 50.0;
    SettlementData east = make("991040100", "city_district", years(2023, {20000}));
    east.lon = 0.1;
    east.lat = 50.0;
    SettlementData s = make("991050100", "aul", years(2023, {800}));
    s.lon = 0.0;
    s.lat = 50.0;
    CHECK(score_of(s, kz(), {west, east}).nearest_city == "991030100");
    CHECK(score_of(s, kz(), {east, west}).nearest_city == "991040100");
}

// ------------------------------------------------------------------ C5

namespace {
Scores employment(const char* category, double total, double agri, double self_agri = -1) {
    SettlementData s = make("1", category, years(2021, {1000, 1000, 1000}));
    s.latest["emp_total"] = total;
    s.latest["emp_agri"] = agri;
    if (self_agri >= 0) s.latest["emp_selfemp_agri"] = self_agri;
    return score_of(s);
}
}  // namespace

TEST_CASE("C5: rural profile at an agricultural share of 0.5, urban above 2/3 non-agricultural") {
    CHECK(employment("aul", 300, 150).profile == "rural");  // exactly 0.5
    CHECK(employment("aul", 300, 150).agri_share == 0.5);
    CHECK(employment("aul", 300, 149).profile == "mixed");
    CHECK(employment("aul", 300, 151).profile == "rural");
    // Self-employed in agriculture count towards the rural share.
    Scores self = employment("aul", 400, 150, 50);
    CHECK(self.agri_share == 0.5);
    CHECK(self.profile == "rural");
    CHECK(employment("aul", 400, 150, 49).profile == "mixed");
    // Urban: non-agricultural share just above and just below 2/3.
    CHECK(employment("kent", 300, 99).profile == "urban");
    CHECK(employment("kent", 300, 101).profile == "mixed");
    CHECK(employment("kent", 3000, 999).profile == "urban");
    CHECK(employment("kent", 3000, 1001).profile == "mixed");
    // Results: an aul passes unless urban, anything else only when urban.
    CHECK(employment("aul", 300, 150).c[4].result == Result::Pass);
    CHECK(employment("aul", 300, 50).c[4].result == Result::Fail);
    CHECK(employment("kent", 300, 50).c[4].result == Result::Pass);
    CHECK(employment("kent", 300, 150).c[4].result == Result::Fail);
    CHECK(*employment("aul", 300, 75).c[4].score == doctest::Approx(0.5));
    // No data.
    SettlementData s = make("1", "aul", years(2021, {1000, 1000, 1000}));
    s.latest["emp_total"] = 100;
    CHECK(score_of(s).c[4].lacks == Lacks{"emp_total", "emp_agri"});
    s.latest["emp_agri"] = 0;
    s.latest["emp_total"] = 0;
    CHECK(score_of(s).c[4].result == Result::NoData);
}

TEST_CASE("C5: a non-agricultural share of exactly 2/3 is an urban profile (METHODOLOGY §2: s_nonagri >= 2/3)") {
    // 200 of 300 employed outside agriculture is exactly 2/3. The bundled profile's
    // c5.urban_min_nonagri_share = 0.6667 is above 2/3 and turns it away.
    CHECK(employment("kent", 300, 100).profile == "urban");
    CHECK(employment("kent", 3000, 1000).profile == "urban");
    CHECK(employment("kent", 3000, 1000).c[4].result == Result::Pass);
}

// ------------------------------------------------------------------ C6

TEST_CASE("C6: a centre needs jobs ratio >= 1 and demand self-containment >= 0.75") {
    auto c6 = [](double jr, double scd) {
        SettlementData s = make("1", "aul", years(2023, {1000}));
        s.jobs_ratio = jr;
        s.sc_demand = scd;
        return score_of(s);
    };
    CHECK(c6(1.0, 0.75).is_centre == true);
    CHECK(c6(1.0, 0.75).c[5].result == Result::Pass);
    CHECK(c6(1.0, 0.75).c[5].score == 1.0);
    CHECK(c6(0.999, 0.75).is_centre == false);
    CHECK(c6(1.0, 0.7499).is_centre == false);
    CHECK(c6(1.0, 0.7499).c[5].result == Result::Fail);
    CHECK(c6(1.001, 0.7501).is_centre == true);
    CHECK(*c6(0.5, 0.375).c[5].score == doctest::Approx(0.5));
    CHECK(c6(2.0, 1.0).c[5].score == 1.0);
    SettlementData s = make("1", "aul", years(2023, {1000}));
    s.jobs_ratio = 1.2;
    CHECK(score_of(s).c[5].lacks == Lacks{"jobs_ratio", "sc_demand"});
    CHECK_FALSE(score_of(s).is_centre);
}

// ------------------------------------------------------------------ C7

namespace {
SettlementData with_infra(std::initializer_list<std::pair<const char*, double>> counts) {
    SettlementData s = make("1", "kent", years(2021, {5000, 5000, 5000}));
    for (const auto& [k, v] : counts) s.latest[k] = v;
    return s;
}
const std::initializer_list<std::pair<const char*, double>> kAllSix = {
    {"infra_industry", 2}, {"infra_utilities", 1}, {"infra_housing", 3},
    {"infra_education", 2}, {"infra_culture", 1}, {"infra_health", 1}, {"infra_trade", 9}};
}  // namespace

TEST_CASE("C7: the index of the six groups, 1 against 5/6") {
    Scores all = score_of(with_infra(kAllSix));
    CHECK(all.infra_index == 1.0);
    CHECK(all.infra_groups == "industry,utilities,housing,education_culture,health,trade");
    CHECK(all.c[6].result == Result::Pass);
    CHECK(all.c[6].score == 1.0);
    Scores five = score_of(with_infra({{"infra_industry", 2}, {"infra_utilities", 1}, {"infra_housing", 3},
                                       {"infra_education", 2}, {"infra_health", 0}, {"infra_trade", 9}}));
    CHECK(*five.infra_index == doctest::Approx(5.0 / 6));
    CHECK(five.infra_groups == "industry,utilities,housing,education_culture,trade");
    CHECK(five.c[6].result == Result::Fail);
    // Education or culture is enough for their group.
    Scores culture = score_of(with_infra({{"infra_industry", 2}, {"infra_utilities", 1}, {"infra_housing", 3},
                                          {"infra_education", 0}, {"infra_culture", 1}, {"infra_health", 1},
                                          {"infra_trade", 9}}));
    CHECK(culture.infra_index == 1.0);
    // Weights come from the profile: a group of weight 0 does not count.
    Standards st = kz();
    st.set("c7.weight_health", 0);
    CHECK(score_of(with_infra({{"infra_industry", 2}, {"infra_utilities", 1}, {"infra_housing", 3},
                               {"infra_education", 2}, {"infra_health", 0}, {"infra_trade", 9}}),
                   st)
              .c[6]
              .result == Result::Pass);
    st.set("c7.weight_health", 1);
    st.set("c7.weight_trade", 3);
    CHECK(*score_of(with_infra({{"infra_industry", 2}, {"infra_utilities", 1}, {"infra_housing", 3},
                                {"infra_education", 2}, {"infra_health", 1}, {"infra_trade", 0}}),
                    st)
               .infra_index == doctest::Approx(5.0 / 8));
    // No infrastructure field: no data.
    Scores none = score_of(with_infra({}));
    CHECK(none.c[6].result == Result::NoData);
    CHECK(none.c[6].lacks == Lacks{"infra_*"});
}

TEST_CASE("C7: index 1 needs all six groups known (METHODOLOGY §2: over the law's six groups)") {
    // Only one group reported: the other five are unknown, not present, so the
    // settlement cannot show "all six" and must not pass (R1 would make it a city).
    Scores one = score_of(with_infra({{"infra_industry", 4}}));
    CHECK(one.c[6].result == Result::NoData);
    CHECK(one.c[6].lacks ==
          Lacks{"infra_utilities", "infra_housing", "infra_education", "infra_culture", "infra_health", "infra_trade"});
    CHECK_FALSE(one.infra_index);
    CHECK_FALSE(one.c[6].score);
    // Five known and present, one unknown: it could still be 1, so no data.
    Scores five = score_of(with_infra({{"infra_industry", 2}, {"infra_utilities", 1}, {"infra_housing", 3},
                                       {"infra_culture", 1}, {"infra_health", 1}}));
    CHECK(five.c[6].result == Result::NoData);
    CHECK(five.c[6].lacks == Lacks{"infra_trade"});
    // One known and absent: it cannot be 1 whatever the unknown groups hold.
    Scores fail = score_of(with_infra({{"infra_industry", 0}, {"infra_utilities", 1}}));
    CHECK(fail.c[6].result == Result::Fail);
    CHECK(fail.c[6].lacks.size() == 5);  // four groups, education_culture by both its fields
    // With a lower threshold the unknown groups may not matter.
    Standards st = kz();
    st.set("city_district.min_infrastructure_index", 0.5);
    CHECK(score_of(with_infra({{"infra_industry", 1}, {"infra_utilities", 1}, {"infra_housing", 1}}), st).c[6].result ==
          Result::Pass);
}

// ------------------------------------------------------------------ C8

TEST_CASE("C8: support passes only above 0.5; turnout below 0.10 is low") {
    auto c8 = [](double yes, double no, double part = -1, double elig = -1) {
        SettlementData s = make("1", "aul", years(2023, {1000}));
        s.latest["opinion_yes"] = yes;
        s.latest["opinion_no"] = no;
        if (part >= 0) s.latest["opinion_participants"] = part;
        if (elig >= 0) s.latest["opinion_eligible"] = elig;
        return score_of(s);
    };
    CHECK(c8(50, 50).support == 0.5);
    CHECK(c8(50, 50).c[7].result == Result::Fail);
    CHECK(c8(50, 50).c[7].score == 0.5);
    CHECK(c8(51, 49).c[7].result == Result::Pass);
    CHECK(c8(499, 501).c[7].result == Result::Fail);
    CHECK(c8(501, 499).c[7].result == Result::Pass);
    Scores at = c8(6, 4, 10, 100);
    CHECK(at.turnout == 0.1);
    CHECK_FALSE(at.low_turnout);
    CHECK(c8(6, 3, 9, 100).low_turnout);
    CHECK_FALSE(c8(6, 5, 11, 100).low_turnout);
    // Without participants or eligible adults there is no turnout and no warning.
    Scores no_turnout = c8(6, 4);
    CHECK_FALSE(no_turnout.turnout);
    CHECK_FALSE(no_turnout.low_turnout);
    // No votes: no data.
    CHECK(c8(0, 0).c[7].result == Result::NoData);
    CHECK(c8(0, 0).c[7].lacks == Lacks{"opinion_yes", "opinion_no"});
    SettlementData s = make("1", "aul", years(2023, {1000}));
    s.latest["opinion_yes"] = 10;
    CHECK(score_of(s).c[7].lacks == Lacks{"opinion_yes", "opinion_no"});
}

// ------------------------------------------------------------------ composite

TEST_CASE("composite: the C1 gate, the weighted mean and the number of criteria") {
    SettlementData s = make("1", "aul", years(2021, {1000, 1000, 1000}));
    s.latest["opinion_yes"] = 3;
    s.latest["opinion_no"] = 1;
    Scores two = score_of(s);
    CHECK(two.gate == Result::Pass);
    CHECK(two.n_criteria == 2);  // C1 and C8
    CHECK(*two.composite == doctest::Approx((1.0 + 0.75) / 2));
    Standards st = kz();
    st.set("composite.weight_c1", 3);
    CHECK(*score_of(s, st).composite == doctest::Approx((3 * 1.0 + 0.75) / 4));
    st.set("composite.weight_c8", 0);
    CHECK(*score_of(s, st).composite == doctest::Approx(1.0));
    // C1 fails: the composite is 0 whatever the rest.
    SettlementData small = s;
    small.pop = years(2021, {49, 60, 60});
    Scores gated = score_of(small);
    CHECK(gated.gate == Result::Fail);
    CHECK(gated.composite == 0.0);
    CHECK(gated.n_criteria == 2);
    // No population: no gate, the mean of what there is.
    SettlementData nopop = s;
    nopop.pop.clear();
    Scores ng = score_of(nopop);
    CHECK(ng.gate == Result::NoData);
    CHECK(ng.n_criteria == 1);
    CHECK(*ng.composite == doctest::Approx(0.75));
    // Nothing at all: no composite.
    Scores nothing = score_of(make("1", "aul"));
    CHECK(nothing.n_criteria == 0);
    CHECK_FALSE(nothing.composite);
}

TEST_CASE("composite: all eight criteria") {
    SettlementData city = make("991010100", "city_district", years(2019, {20000, 20000, 20000, 20000, 20000}));
    city.lon = 70.0;
    city.lat = 52.0;
    SettlementData s = make("991020100", "kent", years(2021, {6000, 6000, 6000}));
    s.lon = 70.0;
    s.lat = 52.04;  // 4.4 km: contiguous by distance
    s.mig_in_int = years(2021, {0, 0, 0});
    s.mig_out_int = years(2021, {30, 30, 30});  // -5 per 1000: score 0.5
    s.area_km2 = 40;                            // 150/km2: score 0.5
    s.dominant_destination = "991010100";
    s.dominant_share = 0.075;  // score 0.5
    s.latest["emp_total"] = 3000;
    s.latest["emp_agri"] = 1500;  // nonagri 0.5
    s.jobs_ratio = 0.5;
    s.sc_demand = 0.375;  // score 0.5
    s.latest["infra_industry"] = 1;
    s.latest["infra_utilities"] = 0;
    s.latest["infra_housing"] = 1;
    s.latest["infra_education"] = 0;
    s.latest["infra_culture"] = 0;
    s.latest["infra_health"] = 1;
    s.latest["infra_trade"] = 0;  // index 0.5
    s.latest["opinion_yes"] = 1;
    s.latest["opinion_no"] = 1;  // 0.5
    Scores sc = score_of(s, kz(), {city});
    CHECK(sc.n_criteria == 8);
    double sum = 0;
    for (const auto& o : sc.c) {
        REQUIRE(o.score);
        sum += *o.score;
    }
    CHECK(*sc.composite == doctest::Approx(sum / 8));
    double c5 = 0.5 / kz().get("c5.urban_min_nonagri_share");
    CHECK(*sc.composite == doctest::Approx((1.0 + 0.5 + 0.5 + 0.5 + c5 + 0.5 + 0.5 + 0.5) / 8));
}

TEST_CASE("write adds the score fields with results, lacks and the profile name") {
    Standards st = kz();
    std::vector<SettlementData> all = {make("991010100", "kent", years(2022, {2000, 3000}))};
    Scorer scorer(st, all);
    Scores sc = scorer.score(all[0]);
    Properties p;
    scorer.write(sc, p);
    CHECK(p.get_string("c1_basis") == "partial");
    CHECK(p.get_number("c1_years") == 2);
    CHECK(p.get_string("c1_result") == "fail");
    CHECK(p.get_number("c1_pop") == 3000);
    CHECK(p.get_number("c1_threshold") == 3000);
    CHECK(p.get_number("c1_window") == 3);
    CHECK(p.get_string("c8_result") == "unknown");
    CHECK(p.get_string("score_gate") == "fail");
    CHECK(p.get_number("score_n_criteria") == 1);
    CHECK(p.get_string("score_profile") == "kz");
    CAPTURE(p.get_string("score_lacks").value_or("(null)"));
    CHECK(p.get_string("score_lacks") ==
          "c1:pop_2021;c2:mig_in_int,mig_out_int;c3:area_km2;c4:geometry,dominant_destination;c5:emp_total,emp_agri;"
          "c6:jobs_ratio,sc_demand;c7:infra_*;c8:opinion_yes,opinion_no");
    CHECK(p.get_number("c2_threshold") == -10);
    CHECK(p.get_number("c7_threshold") == 1);
    CHECK(scorer.category_threshold("city_oblast") == 50000);
    CHECK(scorer.category_window("city_oblast") == 5);
    CHECK(scorer.category_window("aul") == 3);
}

// ------------------------------------------------------------------ read_settlement

TEST_CASE("read_settlement reads the fields") {
    Feature f = feature({{"kato", Value{std::string("991010100")}},
                         {"name_ru", Value{std::string("Synthetic-A")}},
                         {"category", Value{std::string("aul")}},
                         {"pop_2022", Value{std::int64_t{900}}},
                         {"pop_2023", Value{950.0}},
                         {"pop_osm", Value{std::int64_t{940}}},
                         {"emp_total_2022", Value{std::int64_t{500}}},
                         {"emp_total_2023", Value{std::int64_t{400}}},
                         {"emp_agri_2023", Value{std::int64_t{300}}},
                         {"mig_in_int_2023", Value{std::int64_t{3}}},
                         {"area_km2", Value{2.5}},
                         {"jobs_ratio", Value{1.5}},
                         {"sc_demand", Value{0.8}},
                         {"dominant_destination", Value{std::string("991020100")}},
                         {"dominant_share", Value{0.2}},
                         {"flow_source", Value{std::string("modelled")}},
                         {"admin_centre", Value{std::string("991030000")}},
                         {"pop_2021", Value{}}});  // null: absent
    SettlementData s = read_settlement(f, 10);
    CHECK(s.kato == "991010100");
    CHECK(s.name == "Synthetic-A");
    CHECK(s.category == "aul");
    CHECK(s.pop == years(2022, {900, 950}));
    CHECK(s.latest.at("pop") == 950);
    CHECK(s.latest.at("pop_osm") == 940);
    CHECK(s.latest.at("emp_total") == 400);  // the latest year's
    CHECK(s.mig_in_int == years(2023, {3}));
    CHECK(s.area_km2 == 2.5);
    CHECK(s.lon == 70.0);
    CHECK(s.lat == 52.0);
    CHECK(s.jobs_ratio == 1.5);  // a ratio, not a share: may exceed 1
    CHECK(s.sc_demand == 0.8);
    CHECK(s.dominant_destination == "991020100");
    CHECK(s.dominant_share == 0.2);
    CHECK(s.flow_source == "modelled");
    CHECK(s.admin_centre == "991030000");
    // A polygon without area_km2 gets its geodesic area.
    Feature poly = feature({{"kato", Value{std::string("991010100")}}, {"category", Value{std::string("aul")}}}, false);
    poly.geom.type = GeomType::Polygon;
    poly.geom.xy = {70, 52, 70.1, 52, 70.1, 52.1, 70, 52.1, 70, 52};
    poly.geom.ring_ends = {5};
    SettlementData ps = read_settlement(poly, 10);
    REQUIRE(ps.area_km2);
    CHECK(*ps.area_km2 == doctest::Approx(geodesic_area_km2(poly.geom)));
    CHECK(*ps.area_km2 > 70);
}

TEST_CASE("read_settlement reads records whose keys change places from one to the next") {
    // The same keys at other positions, a statistics field where a plain one was, and back.
    Feature a = feature({{"kato", Value{std::string("991010100")}},
                         {"category", Value{std::string("aul")}},
                         {"pop_2023", Value{std::int64_t{950}}},
                         {"emp_total_2023", Value{std::int64_t{400}}}});
    Feature b = feature({{"pop_2023", Value{std::int64_t{120}}},
                         {"category", Value{std::string("kent")}},
                         {"emp_agri_2023", Value{std::int64_t{30}}},
                         {"kato", Value{std::string("991010200")}}});
    Feature c = feature({{"kato", Value{std::string("991010300")}},
                         {"category", Value{std::string("aul")}},
                         {"name_ru", Value{std::string("pop_2023")}},
                         {"emp_total_2023", Value{std::int64_t{7}}}});
    for (int round = 0; round < 2; ++round) {
        SettlementData sa = read_settlement(a, 10), sb = read_settlement(b, 10), sc = read_settlement(c, 10);
        CHECK(sa.pop == years(2023, {950}));
        CHECK(sa.latest.at("emp_total") == 400);
        CHECK(sa.latest.find("emp_agri") == sa.latest.end());
        CHECK(sb.kato == "991010200");
        CHECK(sb.category == "kent");
        CHECK(sb.pop == years(2023, {120}));
        CHECK(sb.latest.at("emp_agri") == 30);
        CHECK(sb.latest.find("emp_total") == sb.latest.end());
        CHECK(sc.pop.empty());
        CHECK(sc.name == "pop_2023");
        CHECK(sc.latest.at("emp_total") == 7);
    }
}

TEST_CASE("read_settlement reads records with a field more or less, and records of thousands of new keys") {
    auto text = [](const char* s) { return Value{std::string(s)}; };
    auto count = [](std::int64_t n) { return Value{n}; };
    Feature a = feature({{"kato", text("991010100")}, {"category", text("aul")}, {"pop_2022", count(900)},
                         {"pop_2023", count(950)}, {"emp_total_2023", count(400)}});
    Feature inserted = feature({{"kato", text("991010200")}, {"category", text("aul")}, {"note", text("x")},
                                {"pop_2022", count(100)}, {"pop_2023", count(120)}, {"emp_total_2023", count(40)}});
    Feature removed = feature({{"kato", text("991010300")}, {"category", text("kent")}, {"pop_2023", count(77)},
                               {"emp_total_2023", count(7)}});
    Feature wide = feature({});  // more keys than the reader keeps, a statistic among them
    for (int i = 0; i < 5000; ++i) {
        wide.props.append("extra_" + std::to_string(i), count(i));
        if (i == 2500) wide.props.append("pop_2023", count(5));
    }
    wide.props.append("kato", text("991010400"));
    wide.props.append("category", text("aul"));
    for (int round = 0; round < 2; ++round) {
        for (const Feature* f : {&a, &inserted, &removed, &wide, &a}) {
            SettlementData s = read_settlement(*f, 10);
            if (f == &a) {
                CHECK(s.kato == "991010100");
                CHECK(s.pop == years(2022, {900, 950}));
                CHECK(s.latest.at("emp_total") == 400);
            } else if (f == &inserted) {
                CHECK(s.kato == "991010200");
                CHECK(s.pop == years(2022, {100, 120}));
                CHECK(s.latest.at("emp_total") == 40);
            } else if (f == &removed) {
                CHECK(s.category == "kent");
                CHECK(s.pop == years(2023, {77}));
                CHECK(s.latest.at("emp_total") == 7);
            } else {
                CHECK(s.kato == "991010400");
                CHECK(s.category == "aul");
                CHECK(s.pop == years(2023, {5}));
            }
        }
    }
}

TEST_CASE("read_settlement errors name the settlement and the field") {
    auto base = [](std::initializer_list<std::pair<std::string, Value>> extra) {
        Feature f = feature({{"kato", Value{std::string("991010100")}}, {"category", Value{std::string("aul")}}});
        for (const auto& [k, v] : extra) f.props.set(k, v);
        return f;
    };
    SUBCASE("unknown category") {
        std::string e = read_error(base({{"category", Value{std::string("posyolok")}}}));
        CHECK(contains(e, "kato 991010100"));
        CHECK(contains(e, "category 'posyolok' is unknown"));
    }
    SUBCASE("no category") {
        Feature f = feature({{"kato", Value{std::string("991010100")}}});
        CHECK(contains(read_error(f), "kato 991010100: no category"));
    }
    SUBCASE("negative count") {
        std::string e = read_error(base({{"pop_2023", Value{std::int64_t{-5}}}}));
        CHECK(contains(e, "pop_2023 is negative (-5)"));
        CHECK(contains(read_error(base({{"mig_out_int_2023", Value{-1.5}}})), "mig_out_int_2023 is negative"));
    }
    SUBCASE("gap inside the population window") {
        std::string e = read_error(base({{"pop_2019", Value{std::int64_t{100}}},
                                         {"pop_2020", Value{std::int64_t{100}}},
                                         {"pop_2022", Value{std::int64_t{100}}},
                                         {"pop_2023", Value{std::int64_t{100}}}}));
        CHECK(contains(e, "kato 991010100"));
        CHECK(contains(e, "pop_2021 is missing inside the series 2019-2023"));
        // A null year is a missing year.
        CHECK(contains(read_error(base({{"pop_2021", Value{std::int64_t{100}}},
                                        {"pop_2022", Value{}},
                                        {"pop_2023", Value{std::int64_t{100}}}})),
                       "pop_2022 is missing"));
        // A series that starts late has no gap; neither has a gap older than the window.
        CHECK(read_error(base({{"pop_2022", Value{std::int64_t{100}}}, {"pop_2023", Value{std::int64_t{100}}}})).empty());
        CHECK(read_error(base({{"pop_2015", Value{std::int64_t{100}}},
                               {"pop_2021", Value{std::int64_t{100}}},
                               {"pop_2022", Value{std::int64_t{100}}},
                               {"pop_2023", Value{std::int64_t{100}}}}),
                         3)
                  .empty());
    }
    SUBCASE("a part above its whole: a share above 1") {
        std::string e = read_error(base({{"emp_total_2023", Value{std::int64_t{100}}}, {"emp_agri_2023", Value{std::int64_t{120}}}}));
        CHECK(contains(e, "emp_agri (120) exceeds emp_total (100): a share above 1"));
        CHECK(contains(read_error(base({{"opinion_eligible_2023", Value{std::int64_t{10}}},
                                        {"opinion_participants_2023", Value{std::int64_t{11}}}})),
                       "opinion_participants (11) exceeds opinion_eligible (10)"));
        CHECK(read_error(base({{"emp_total_2023", Value{std::int64_t{100}}}, {"emp_agri_2023", Value{std::int64_t{100}}}})).empty());
        CHECK(contains(read_error(base({{"sc_demand", Value{1.2}}})), "sc_demand is above 1"));
        CHECK(contains(read_error(base({{"dominant_share", Value{1.01}}})), "dominant_share is above 1"));
    }
    SUBCASE("a field that is not a number") {
        CHECK(contains(read_error(base({{"pop_2023", Value{std::string("many")}}})), "pop_2023 is not a number"));
        CHECK(contains(read_error(base({{"area_km2", Value{std::string("big")}}})), "area_km2 is not a number"));
        CHECK(contains(read_error(base({{"jobs_ratio", Value{true}}})), "jobs_ratio is not a number"));
    }
}

TEST_CASE("C4: a shared boundary where both have polygons, else the distance to the city's polygon") {
    // A square city of about 11 x 11 km around (70, 52), its point at the centre.
    auto square = [](double x0, double y0, double x1, double y1) {
        Geometry g;
        g.type = GeomType::Polygon;
        g.xy = {x0, y0, x1, y0, x1, y1, x0, y1, x0, y0};
        g.ring_ends = {5};
        return g;
    };
    SettlementData city = make("991010100", "city_district", years(2019, {20000, 20000, 20000, 20000, 20000}));
    city.lon = 70.0;
    city.lat = 52.0;
    city.polygon = std::make_shared<const Geometry>(square(69.92, 51.95, 70.08, 52.05));
    auto score_near = [&](SettlementData s) {
        s.dominant_destination = "991010100";
        s.dominant_share = 0.3;
        return score_of(s, kz(), {city});
    };
    // A village east of the city, as a polygon from x0 to x1 (lon) or, without x1, a point at x0.
    auto village = [&](double x0, std::optional<double> x1 = std::nullopt) {
        SettlementData s = make("991020100", "aul", years(2023, {800}));
        if (x1) s.polygon = std::make_shared<const Geometry>(square(x0, 51.98, *x1, 52.02));
        s.lon = x1 ? (x0 + *x1) / 2 : x0;
        s.lat = 52.0;
        return s;
    };
    // A village polygon sharing the city's eastern edge: a boundary, firm.
    Scores b = score_near(village(70.08, 70.12));
    CHECK(b.c4_basis == "boundary");
    CHECK(b.contiguous == Result::Pass);
    CHECK(b.c[3].result == Result::Pass);
    CHECK(b.c[3].provisional.empty());
    // A village point 8.4 km from the city's point but 2.9 km from its edge: contiguous by the polygon.
    Scores d = score_near(village(70.122));
    CHECK(d.c4_basis == "distance_polygon");
    CHECK(*d.c4_city_km == doctest::Approx(2.89).epsilon(0.02));
    CHECK(d.contiguous == Result::Pass);
    CHECK(d.c[3].provisional == "contiguity by distance_polygon");
    // 6 km from the edge: not contiguous.
    CHECK(score_near(village(70.167)).contiguous == Result::Fail);
    // A village polygon 2 km from the edge: no shared boundary, contiguous by distance.
    Scores g = score_near(village(70.11, 70.15));
    CHECK(g.c4_basis == "distance_polygon");
    CHECK(*g.c4_city_km == doctest::Approx(2.06).epsilon(0.03));
}

TEST_CASE("review cases: a half-known C7 group, a share with no city, a city nearer by its edge, a broken polygon") {
    // Education counted 0, culture unknown: the group is unknown, not absent.
    SettlementData k = make("991020100", "kent", years(2021, {20000, 20000, 20000}));
    for (const char* f : {"infra_industry", "infra_utilities", "infra_housing", "infra_health", "infra_trade"})
        k.latest[f] = 1;
    k.latest["infra_education"] = 0;
    Scores c7 = score_of(k);
    CHECK(c7.c[6].result == Result::NoData);
    CHECK(c7.c[6].lacks == Lacks{"infra_culture"});
    k.latest["infra_culture"] = 0;
    CHECK(score_of(k).c[6].result == Result::Fail);  // both known and 0: absent
    k.latest["infra_culture"] = 2;
    CHECK(score_of(k).c[6].result == Result::Pass);
    // No city in the run: a dominant share of 0.9 elsewhere decides nothing about attachment.
    SettlementData alone = make("991020100", "kent", years(2021, {6000, 6000, 6000}));
    alone.lon = 70.0;
    alone.lat = 52.0;
    alone.dominant_destination = "991010100";
    alone.dominant_share = 0.9;
    CHECK(score_of(alone, kz(), {}).attach == Result::NoData);
    // City A, a polygon whose edge is 2.9 km away (its point 13 km); city B a point 9 km away.
    SettlementData a = make("991010100", "city_district", years(2023, {20000}));
    a.lon = 69.90;
    a.lat = 52.0;
    Geometry sq;
    sq.type = GeomType::Polygon;
    sq.xy = {69.70, 51.90, 70.058, 51.90, 70.058, 52.10, 69.70, 52.10, 69.70, 51.90};
    sq.ring_ends = {5};
    a.polygon = std::make_shared<const Geometry>(sq);
    SettlementData b = make("991090100", "city_district", years(2023, {20000}));
    auto [blon, blat] = north_of(70.1, 52.0, 9);
    b.lon = blon;
    b.lat = blat;
    SettlementData v = make("991020100", "aul", years(2023, {800}));
    v.lon = 70.1;
    v.lat = 52.0;
    Scores near_edge = score_of(v, kz(), {a, b});
    CHECK(near_edge.c4_city == std::optional<std::string>("991010100"));
    CHECK(near_edge.c4_basis == "distance_polygon");
    CHECK(near_edge.contiguous == Result::Pass);
    // A ring GEOS cannot read (three points) falls back to the city's point.
    Geometry broken;
    broken.type = GeomType::Polygon;
    broken.xy = {69.9, 51.9, 70.0, 52.1, 69.9, 51.9};
    broken.ring_ends = {3};
    a.polygon = std::make_shared<const Geometry>(broken);
    Scores fallback = score_of(v, kz(), {a, b});
    CHECK(fallback.c4_basis == "distance_point");
}
