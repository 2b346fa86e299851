#include "helpers.hpp"

#include <atd/classify.hpp>
#include <atd/error.hpp>
#include <atd/geo.hpp>
#include <atd/geojson.hpp>
#include <atd/io.hpp>
#include <atd/log.hpp>
#include <atd/standards.hpp>

#include <doctest/doctest.h>

#include <cmath>
#include <initializer_list>
#include <limits>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

using namespace atd;

namespace {

const std::string kProfile = ATD_TEST_DATA "/../../datasets/standards/kz.toml";

Standards kz() { return Standards::load(kProfile); }

using Extra = std::vector<std::pair<std::string, Value>>;

// A settlement feature: population from first_year on, a point (unless lon is NaN), more fields.
Feature settlement(const std::string& kato, const std::string& category, int first_year, std::vector<double> pop,
                   double lon, double lat, const Extra& extra = {}) {
    Feature f;
    f.props.set("feature_type", std::string("settlement"));
    f.props.set("kato", kato);
    f.props.set("name_ru", "Synthetic-" + kato);
    f.props.set("category", category);
    for (std::size_t i = 0; i < pop.size(); ++i)
        f.props.set("pop_" + std::to_string(first_year + static_cast<int>(i)), pop[i]);
    for (const auto& [k, v] : extra) f.props.set(k, v);
    if (!std::isnan(lon)) f.geom = Geometry::point(lon, lat);
    return f;
}

// Fields for each C7 group: all six present.
Extra all_infra() {
    return {{"infra_industry_2023", Value{std::int64_t{2}}}, {"infra_utilities_2023", Value{std::int64_t{1}}},
            {"infra_housing_2023", Value{std::int64_t{3}}},  {"infra_education_2023", Value{std::int64_t{2}}},
            {"infra_culture_2023", Value{std::int64_t{1}}},  {"infra_health_2023", Value{std::int64_t{1}}},
            {"infra_trade_2023", Value{std::int64_t{9}}}};
}

Extra five_infra() {
    Extra e = all_infra();
    e[5].second = Value{std::int64_t{0}};  // no health object
    return e;
}

Extra operator+(Extra a, const Extra& b) {
    a.insert(a.end(), b.begin(), b.end());
    return a;
}

// A point km kilometres north (or south, for negative km) of (lon, lat).
std::pair<double, double> north_of(double lon, double lat, double km) {
    double target = std::fabs(km);
    double lo = 0, hi = 1.0;
    for (int i = 0; i < 200; ++i) {
        double mid = (lo + hi) / 2;
        (geodesic_km(lon, lat, lon, lat + (km < 0 ? -mid : mid)) < target ? lo : hi) = mid;
    }
    double d = (lo + hi) / 2;
    return {lon, lat + (km < 0 ? -d : d)};
}

// Features read into a Dataset (which points at them: not copyable).
struct Run {
    std::vector<Feature> features;
    Log log;
    Dataset d;
    explicit Run(std::vector<Feature> f, bool skip_invalid = false) : features(std::move(f)) {
        RunOptions o;
        o.skip_invalid = skip_invalid;
        d = read_dataset(features, "test.geojsonl", o, log);
    }
    Run(const Run&) = delete;
    Run& operator=(const Run&) = delete;
    std::size_t index(const std::string& kato) const {
        for (std::size_t i = 0; i < d.settlements.size(); ++i)
            if (d.settlements[i].kato == kato) return i;
        FAIL("no settlement " << kato);
        return 0;
    }
    Proposal proposal(const std::string& kato, const Standards& st) const { return propose(d, st)[index(kato)]; }
    Proposal proposal(const std::string& kato) const { return proposal(kato, kz()); }
    const Properties& props(const std::string& kato) const { return features[d.feature_of[index(kato)]].props; }
};

Proposal one(Feature f) {
    Run r({std::move(f)});
    return propose(r.d, kz())[0];
}

bool contains(const std::string& s, const std::string& part) { return s.find(part) != std::string::npos; }
// The reasons as the proposal_reasons field gives them.
std::string text(const Messages& reasons) { return render(reasons, Lang::en, Style::data); }

constexpr double kNoPos = std::numeric_limits<double>::quiet_NaN();

}  // namespace

// ------------------------------------------------------------------ rules, three-valued (METHODOLOGY §3.1)

namespace {
const std::string kCity = "991010100";
Feature city_at(double lon, double lat, const std::string& kato = kCity) {
    return settlement(kato, "city_district", 2019, {20000, 20000, 20000, 20000, 20000}, lon, lat);
}
// A settlement of the given category 100 km from a city: no city is near it.
Proposal far_from_cities(const std::string& category, int first_year, std::vector<double> pop, const Extra& extra = {}) {
    auto [lon, lat] = north_of(70, 52, 100);
    Run r({city_at(70, 52), settlement("991020100", category, first_year, std::move(pop), lon, lat, extra)});
    return r.proposal("991020100");
}
// A kent km north of the city at (70, 52) (4.9 km: within contiguity_max_km): 6000 residents on 20 km2 (exactly 300/km2),
// 80 % outside agriculture, 15 % of the employed commuting to the city (surveyed):
// every condition of R2 at its edge.
Extra attach_fields(double area = 20, double agri = 600, double share = 0.15, const std::string& dest = kCity) {
    return {{"area_km2", Value{area}},
            {"emp_total_2023", Value{3000.0}},
            {"emp_agri_2023", Value{agri}},
            {"dominant_destination", Value{dest}},
            {"dominant_share", Value{share}}};
}
Feature kent_near(double km, double pop, const Extra& extra) {
    auto [lon, lat] = north_of(70, 52, km);
    return settlement("991020100", "kent", 2021, {pop, pop, pop}, lon, lat, extra);
}
Proposal near_case(Feature kent) {
    Run r({city_at(70, 52), city_at(70.9, 52.6, "991090100"), std::move(kent)});
    return r.proposal("991020100");
}
Proposal attach_case(double pop = 6000, const Extra& extra = attach_fields(), double km = 4.9) {
    return near_case(kent_near(km, pop, extra));
}
}  // namespace

TEST_CASE("R1: pass, fail and unknown at the boundaries of population and C7") {
    Proposal at = far_from_cities("kent", 2021, {10000, 10000, 10000}, all_infra());
    CHECK(at.proposal == "city_district");
    CHECK(at.rule == "R1_kent_city");
    CHECK(at.status == "decided");
    CHECK(at.basis == "window");
    CHECK(at.years == 3);
    CHECK(text(at.reasons) == "R1 pass: C1 min population 2021-2023 = 10000 >= 10000 (LAW L9), C7 index 1 >= 1 (PROPOSED L9)");
    CHECK(at.options.empty());
    CHECK(at.decide_with.empty());
    // One resident short in one year of the window: R1 fails, on known data.
    Proposal below = far_from_cities("kent", 2021, {9999, 10000, 10000}, all_infra());
    CHECK(below.proposal == "aul");
    CHECK(below.rule == "R3_kent_aul");
    CHECK(below.status == "decided");
    CHECK(contains(text(below.reasons), "R1 fail: C1 min population 2021-2023 = 9999 < 10000 (LAW L9)"));
    CHECK(contains(text(below.reasons), "R2 fail:"));
    // Years before the window do not matter.
    CHECK(far_from_cities("kent", 2019, {5000, 5000, 10000, 10000, 10000}, all_infra()).rule == "R1_kent_city");
    // C7: five groups of six fail the index; no infrastructure data leaves R1 unknown.
    Proposal five = far_from_cities("kent", 2021, {10000, 10000, 10000}, five_infra());
    CHECK(five.rule == "R3_kent_aul");
    CHECK(contains(text(five.reasons), "C7 index 0.833333 < 1"));
    Proposal unknown = far_from_cities("kent", 2021, {10000, 10000, 10000});
    CHECK(unknown.proposal == "city_district");
    CHECK(unknown.rule == "R1_kent_city");
    CHECK(unknown.status == "undetermined");
    CHECK(unknown.options == "city_district,aul");
    CHECK(unknown.decide_with == "infra_*");
    CHECK(contains(text(unknown.reasons), "R1 unknown: C1 min population 2021-2023 = 10000 >= 10000 (LAW L9), C7 unknown"));
    // A lower threshold for the index lets 5/6 through.
    Standards st = kz();
    st.set("city_district.min_infrastructure_index", 5.0 / 6);
    auto [lon, lat] = north_of(70, 52, 100);
    Run r({city_at(70, 52), settlement("991020100", "kent", 2021, {10000, 10000, 10000}, lon, lat, five_infra())});
    CHECK(r.proposal("991020100", st).rule == "R1_kent_city");
}

TEST_CASE("partial windows: the sustained test uses every year present and says how many") {
    // Two years, 9,761 then 10,737: the minimum of the two decides, not the last year.
    Proposal two = far_from_cities("aul", 2022, {9761, 10737}, all_infra());
    CHECK(two.proposal == "keep");
    CHECK(two.status == "decided");  // a minimum of fewer years can only fall: the fail stands
    CHECK(two.basis == "partial");
    CHECK(two.years == 2);
    CHECK(contains(text(two.reasons), "C1 min population 2022-2023 (2 of 3 years) = 9761 < 10000"));
    CHECK(two.lacks == "pop_2021");
    // Both above: a provisional district city, decided by the missing year.
    Proposal both = far_from_cities("aul", 2022, {10737, 10800}, all_infra());
    CHECK(both.proposal == "city_district");
    CHECK(both.status == "provisional");
    CHECK(both.decide_with == "pop_2021");
    // One year: the level basis, provisional too.
    Proposal level = far_from_cities("aul", 2023, {12000}, all_infra());
    CHECK(level.status == "provisional");
    CHECK(level.basis == "level");
    CHECK(level.years == 1);
    CHECK(contains(text(level.reasons), "C1 population 2023 (1 of 3 years) = 12000 >= 10000 (LAW L9)"));
    CHECK(level.decide_with == "pop_2021,pop_2022");
    // Demotion takes the maximum of the years present.
    Proposal city = far_from_cities("city_district", 2022, {9000, 9500});
    CHECK(city.proposal == "aul");
    CHECK(city.status == "provisional");
    CHECK(contains(text(city.reasons), "C1 max population 2022-2023 (2 of 5 years) = 9500 < 10000"));
    CHECK(city.decide_with == "pop_2019,pop_2020,pop_2021");
    Proposal stays = far_from_cities("city_district", 2022, {10001, 9500});
    CHECK(stays.proposal == "keep");
    CHECK(stays.status == "decided");
}

TEST_CASE("R2: an urban, dense kent contiguous with a city and commuting to it is attached") {
    Proposal p = attach_case();
    CHECK(p.proposal == "attach");
    CHECK(p.rule == "R2_kent_attach");
    CHECK(p.target == kCity);
    CHECK(p.target_name == "Synthetic-" + kCity);
    // Contiguity by distance is a proxy: the proposal is provisional until boundaries confirm it.
    CHECK(p.status == "provisional");
    CHECK(p.decide_with == "boundaries");
    CHECK(contains(text(p.reasons), "C5 non-agricultural share 0.8 >= 0.666667 (PROPOSED L5)"));
    CHECK(contains(text(p.reasons), "C3 urban_cluster (STD I1)"));
    CHECK(contains(text(p.reasons), "C4 contiguous with 991010100 (distance_point, 4.9 km), commuting share 0.15 >= 0.15 (STD I2)"));
}

TEST_CASE("R2: each condition just below its threshold fails it, on known data") {
    auto rule = [](Proposal p) { return std::string(p.rule) + " " + std::string(p.status); };
    CHECK(rule(attach_case(6000, attach_fields(20, 600, 0.1499))) == "R3_kent_aul decided");  // commuting share
    CHECK(rule(attach_case(6000, attach_fields(20.01, 600))) == "R3_kent_aul decided");       // density 299.85
    CHECK(rule(attach_case(4999, attach_fields(16, 600))) == "R3_kent_aul decided");          // 4999: a village
    CHECK(rule(attach_case(5000, attach_fields(16, 600))) == "R2_kent_attach provisional");   // 5000 at 312.5/km2
    CHECK(rule(attach_case(6000, attach_fields(20, 1001))) == "R3_kent_aul decided");         // non-agricultural 0.666
    CHECK(rule(attach_case(6000, attach_fields(20, 999))) == "R2_kent_attach provisional");   // 0.667
    // Past contiguity_max_km (5 km) of every city: not contiguous, firmly.
    CHECK(rule(attach_case(6000, attach_fields(), 5.1)) == "R3_kent_aul decided");
    // The dominant flow goes to a place that is not the city, and leaves too little for it.
    CHECK(rule(attach_case(6000, attach_fields(20, 600, 0.9, "991099999"))) == "R3_kent_aul decided");
    // ... or leaves enough: the share to the city is unknown.
    Proposal other = attach_case(6000, attach_fields(20, 600, 0.5, "991099999"));
    CHECK(rule(other) == "R2_kent_attach undetermined");
    CHECK(other.options == "attach:991010100,aul");
    CHECK(other.decide_with == "od_survey");
}

TEST_CASE("R2 unknown: no kent is made an aul while it might be attached") {
    // No employment by activity, no area: C5 and C3 unknown.
    Extra flows = {{"dominant_destination", Value{kCity}}, {"dominant_share", Value{0.3}}};
    Proposal p = attach_case(6000, flows);
    CHECK(p.proposal == "attach");
    CHECK(p.status == "undetermined");
    CHECK(p.options == "attach:991010100,aul");
    CHECK(p.decide_with == "emp_total,emp_agri,area_km2,boundaries");
    CHECK(contains(text(p.reasons), "R2 unknown: C5 unknown (no employment by activity), C3 unknown (no area)"));
    // Modelled flows that fall short still fail the test, provisionally.
    Extra modelled = attach_fields(20, 600, 0.1) + Extra{{"flow_source", Value{std::string("modelled")}}};
    Proposal m = attach_case(6000, modelled);
    CHECK(m.proposal == "aul");
    CHECK(m.status == "provisional");
    CHECK(m.decide_with == "od_survey");
    CHECK(contains(text(m.reasons), "commuting share 0.1 < 0.15 (STD I2) (modelled)"));
    // A large kent with neither infrastructure nor employment data: three outcomes open.
    Proposal big = attach_case(20000, flows);
    CHECK(big.proposal == "city_district");
    CHECK(big.status == "undetermined");
    CHECK(big.options == "city_district,attach:991010100,aul");
}

TEST_CASE("C4: KATO subordination makes a settlement contiguous with its city, and only such a one is detached") {
    auto [klon, klat] = north_of(70, 52, 30);
    Feature admin;
    admin.props.set("feature_type", std::string("unit"));
    admin.props.set("kato", std::string("991000000"));
    admin.props.set("unit_kind", std::string("city_administration"));
    Extra in_admin = {{"parent_kato", Value{std::string("991000000")}}, {"district_kato", Value{std::string("991000000")}}};
    Feature city = settlement(kCity, "city_district", 2019, {20000, 20000, 20000, 20000, 20000}, 70, 52, in_admin);
    Extra low = {{"dominant_destination", Value{std::string("991020100")}}, {"dominant_share", Value{0.05}}};
    Feature kent = settlement("991030100", "kent", 2021, {4000, 4000, 4000}, klon, klat,
                              Extra{{"parent_kato", Value{std::string("991030000")}},
                                    {"district_kato", Value{std::string("991000000")}}} + low);
    Feature village = settlement("992030100", "aul", 2021, {400, 400, 400}, klon + 0.01, klat, low);
    Run r({admin, city, kent, village});
    Scorer scorer(kz(), r.d.settlements, r.d.units.city_administrations);
    Scores k = scorer.score(r.d.settlements[r.index("991030100")]);
    CHECK(k.c4_basis == "kato");
    CHECK(k.c4_city == std::optional<std::string>(kCity));
    CHECK(k.contiguous == Result::Pass);
    CHECK(k.c4_candidate == "detach");  // 30 km > 25 km, share below 0.15
    Scores v = scorer.score(r.d.settlements[r.index("992030100")]);
    CHECK(v.c4_basis == "distance_point");
    CHECK(v.contiguous == Result::Fail);
    CHECK(v.c4_candidate == "none");  // a village of a district is never detached
    // Without the unit, the same kent is tested by distance.
    Run no_unit({city, kent});
    Scorer plain(kz(), no_unit.d.settlements, no_unit.d.units.city_administrations);
    CHECK(plain.score(no_unit.d.settlements[no_unit.index("991030100")]).c4_basis == "distance_point");
}

TEST_CASE("R3: a kent fails R1 and R2 on known data before it becomes an aul") {
    Proposal small = far_from_cities("kent", 2021, {1184, 1184, 1184});
    CHECK(small.proposal == "aul");
    CHECK(small.rule == "R3_kent_aul");
    CHECK(small.status == "decided");
    CHECK(contains(text(small.reasons), "R3 pass: kent category abolished [C]"));
    CHECK(small.lacks == "infra_*,emp_total,emp_agri,area_km2");
    Proposal nopop = far_from_cities("kent", 2021, {});
    CHECK(nopop.status == "not_assessed");
    CHECK(nopop.proposal.empty());
    CHECK(nopop.lacks == "pop");
    CHECK(nopop.decide_with == "pop");
}

TEST_CASE("no kent of 10,000 or more is demoted while R1 or R2 is unknown") {
    // Every combination of known, failing and missing evidence.
    const std::vector<Extra> infra = {all_infra(), five_infra(), {}};
    const std::vector<Extra> emp = {{{"emp_total_2023", Value{3000.0}}, {"emp_agri_2023", Value{100.0}}},
                                    {{"emp_total_2023", Value{3000.0}}, {"emp_agri_2023", Value{2000.0}}},
                                    {}};
    const std::vector<Extra> area = {{{"area_km2", Value{10.0}}}, {{"area_km2", Value{500.0}}}, {}};
    const std::vector<Extra> share = {{{"dominant_destination", Value{kCity}}, {"dominant_share", Value{0.4}}},
                                      {{"dominant_destination", Value{kCity}}, {"dominant_share", Value{0.05}}},
                                      {}};
    int demoted = 0, checked = 0;
    for (std::size_t a = 0; a < 3; ++a)
        for (std::size_t b = 0; b < 3; ++b)
            for (std::size_t c = 0; c < 3; ++c)
                for (std::size_t d = 0; d < 3; ++d) {
                    Proposal p = attach_case(12000, infra[a] + emp[b] + area[c] + share[d], 3);
                    CAPTURE(a);
                    CAPTURE(b);
                    CAPTURE(c);
                    CAPTURE(d);
                    ++checked;
                    bool r1_fails = a == 1;
                    bool r2_fails = b == 1 || c == 1 || d == 1;
                    if (p.proposal == "aul") {
                        ++demoted;
                        CHECK(r1_fails);
                        CHECK(r2_fails);
                    }
                    if (a == 2 || (r1_fails && !r2_fails && (b == 2 || c == 2 || d == 2)))
                        CHECK(p.status == "undetermined");
                }
    CHECK(checked == 81);
    CHECK(demoted == 19);  // R1 failed (a = 1) and R2 failed (9 + 9 + 9 - 3 - 3 - 3 + 1 = 19 of 27)
}

// ------------------------------------------------------------------ R4 aul -> city_district

TEST_CASE("R4: an aul of min 10000 over 3 years is a district-city candidate; C7 treated as in R1") {
    Proposal at = far_from_cities("aul", 2019, {9000, 9000, 10000, 10000, 10000}, all_infra());
    CHECK(at.proposal == "city_district");
    CHECK(at.rule == "R4_aul_city");
    CHECK(at.status == "decided");
    CHECK(text(at.reasons) == "R4 pass: C1 min population 2021-2023 = 10000 >= 10000 (LAW L9), C7 index 1 >= 1 (PROPOSED L9)");
    CHECK(at.lacks.empty());
    Proposal below = far_from_cities("aul", 2021, {9999, 10001, 10001});
    CHECK(below.proposal == "keep");
    CHECK(below.status == "decided");
    // C7 known short of 1: no candidate.
    Proposal five = far_from_cities("aul", 2021, {10000, 10000, 10000}, five_infra());
    CHECK(five.proposal == "keep");
    CHECK(contains(text(five.reasons), "C7 index 0.833333 < 1"));
    // C7 unknown: a provisional candidate (the other outcome keeps the status), never a fail.
    Proposal unknown = far_from_cities("aul", 2021, {10000, 10000, 10000});
    CHECK(unknown.proposal == "city_district");
    CHECK(unknown.status == "provisional");
    CHECK(unknown.options == "city_district,keep");
    CHECK(unknown.decide_with == "infra_*");
    CHECK(unknown.lacks == "infra_*");
}

// ------------------------------------------------------------------ R5 city_district -> aul

TEST_CASE("R5: a district city whose max over 5 years is below 10000 becomes an aul") {
    Proposal below = far_from_cities("city_district", 2019, {9999, 9000, 9000, 9000, 9000});
    CHECK(below.proposal == "aul");
    CHECK(below.rule == "R5_city_aul");
    CHECK(below.status == "decided");
    CHECK(below.basis == "window");
    CHECK(text(below.reasons) == "R5 pass: C1 max population 2019-2023 = 9999 < 10000 (LAW L9)");
    CHECK(far_from_cities("city_district", 2019, {10000, 9000, 9000, 9000, 9000}).proposal == "keep");
    CHECK(far_from_cities("city_district", 2019, {9000, 9000, 9000, 9000, 10001}).proposal == "keep");
    // Six years back is outside the window.
    CHECK(far_from_cities("city_district", 2018, {12000, 9999, 9999, 9999, 9999, 9999}).proposal == "aul");
    Proposal level = far_from_cities("city_district", 2023, {9000});
    CHECK(level.rule == "R5_city_aul");
    CHECK(level.status == "provisional");
    CHECK(level.basis == "level");
    CHECK(level.lacks == "pop_2019,pop_2020,pop_2021,pop_2022");
    // Cities of oblast or republican significance have no demotion rule here.
    CHECK(far_from_cities("city_oblast", 2019, {9000, 9000, 9000, 9000, 9000}).proposal == "keep");
    CHECK(far_from_cities("city_district", 2019, {}).status == "not_assessed");
}

// ------------------------------------------------------------------ R6 aul abolition

TEST_CASE("R6: an aul of max 50 or fewer over 3 years is abolished into the nearest settlement") {
    auto [nlon, nlat] = north_of(70, 52, 3);
    auto [flon, flat] = north_of(70, 52, -7);
    auto run = [&](std::vector<double> pop) {
        return std::make_unique<Run>(std::vector<Feature>{
            settlement("991010100", "aul", 2021, std::move(pop), 70, 52),
            settlement("991020100", "aul", 2021, {800, 800, 800}, nlon, nlat),
            settlement("991030100", "city_district", 2019, {20000, 20000, 20000, 20000, 20000}, flon, flat)});
    };
    auto r = run({50, 50, 50});
    Proposal at = r->proposal("991010100");
    CHECK(at.proposal == "abolish");
    CHECK(at.rule == "R6_aul_abolish");
    CHECK(at.status == "decided");
    CHECK(at.basis == "window");
    CHECK(at.target == "991020100");
    CHECK(at.target_name == "Synthetic-991020100");
    CHECK(text(at.reasons) ==
          "R4 fail: C1 min population 2021-2023 = 50 < 10000 (LAW L9), C7 unknown (no infrastructure data); "
          "R6 pass: C1 max population 2021-2023 = 50 <= 50 (LAW L10); merge into the nearest settlement that stays, 3 km");
    CHECK(run({51, 50, 50})->proposal("991010100").proposal == "keep");
    CHECK(run({50, 49, 10})->proposal("991010100").proposal == "abolish");
    Proposal one_year = far_from_cities("aul", 2023, {40});
    CHECK(one_year.proposal == "abolish");
    CHECK(one_year.status == "provisional");
    CHECK(one_year.decide_with == "pop_2021,pop_2022");
    // Without a position there is no target, and the lack is said.
    Proposal nopos = one(settlement("991010100", "aul", 2021, {10, 10, 10}, kNoPos, 0));
    CHECK(nopos.proposal == "abolish");
    CHECK(nopos.target.empty());
    CHECK(nopos.lacks == "infra_*,geometry");
}

TEST_CASE("R6: a tie between two nearest settlements goes to the one listed first (lower index), not the lower KATO") {
    // Mirror images across the meridian 0: the index's arithmetic gives exactly the same distance.
    auto make = [](bool west_first) {
        Feature west = settlement("991030100", "aul", 2021, {800, 800, 800}, -0.1, 50);
        Feature east = settlement("991020100", "aul", 2021, {800, 800, 800}, 0.1, 50);
        Feature small = settlement("991010100", "aul", 2021, {20, 20, 20}, 0.0, 50);
        std::vector<Feature> v;
        v.push_back(std::move(small));
        if (west_first) {
            v.push_back(west);
            v.push_back(east);
        } else {
            v.push_back(east);
            v.push_back(west);
        }
        return std::make_unique<Run>(std::move(v));
    };
    CHECK(make(true)->proposal("991010100").target == "991030100");
    CHECK(make(false)->proposal("991010100").target == "991020100");
    // Deterministic: the same input gives the same answer every time.
    auto r = make(true);
    for (int i = 0; i < 5; ++i) CHECK(r->proposal("991010100").target == "991030100");
}

TEST_CASE("R6: an abolished aul merges into a settlement that stays, not into another abolished one") {
    // Two hamlets of 30 residents 2 km apart, a village of 800 5 km away: merging each
    // hamlet into the other ([L10]: "join the nearest settlement") would abolish both targets.
    auto [blon, blat] = north_of(70, 52, 2);
    auto [vlon, vlat] = north_of(70, 52, -5);
    Run r({settlement("991010100", "aul", 2021, {30, 30, 30}, 70, 52),
           settlement("991020100", "aul", 2021, {30, 30, 30}, blon, blat),
           settlement("991030100", "aul", 2021, {800, 800, 800}, vlon, vlat)});
    auto props = propose(r.d, kz());
    CHECK(props[0].proposal == "abolish");
    CHECK(props[1].proposal == "abolish");
    CHECK(props[0].target == "991030100");
    CHECK(props[1].target == "991030100");
}

// ------------------------------------------------------------------ opinion

TEST_CASE("C8 opinion on every proposal: supports, opposes, unknown, low turnout") {
    auto op = [](Extra e) { return one(settlement("991010100", "kent", 2021, {4000, 4000, 4000}, 70, 52, e)).opinion; };
    CHECK(op({{"opinion_yes_2023", Value{60.0}}, {"opinion_no_2023", Value{40.0}}}) == "supports");
    CHECK(op({{"opinion_yes_2023", Value{40.0}}, {"opinion_no_2023", Value{60.0}}}) == "opposes");
    CHECK(op({{"opinion_yes_2023", Value{50.0}}, {"opinion_no_2023", Value{50.0}}}) == "opposes");
    CHECK(op({}) == "unknown");
    CHECK(op({{"opinion_yes_2023", Value{6.0}},
              {"opinion_no_2023", Value{3.0}},
              {"opinion_participants_2023", Value{9.0}},
              {"opinion_eligible_2023", Value{100.0}}}) == "supports (low turnout)");
    CHECK(op({{"opinion_yes_2023", Value{6.0}},
              {"opinion_no_2023", Value{4.0}},
              {"opinion_participants_2023", Value{10.0}},
              {"opinion_eligible_2023", Value{100.0}}}) == "supports");
    // Opinion is carried on a kept settlement too.
    CHECK(one(settlement("991010100", "aul", 2021, {400, 400, 400}, 70, 52,
                         {{"opinion_yes_2023", Value{1.0}}, {"opinion_no_2023", Value{3.0}}}))
              .opinion == "opposes");
}

// ------------------------------------------------------------------ classify_all: what-if, fields, classes

TEST_CASE("what-if: --vary city_district.min_population changes the proposal of a 9500-resident aul only") {
    Run r({settlement("991010100", "city_district", 2019, {20000, 20000, 20000, 20000, 20000}, 70, 52),
           settlement("991020100", "aul", 2021, {9500, 9500, 9500}, 70.2, 52),
           settlement("991030100", "aul", 2021, {500, 500, 500}, 70.4, 52),
           settlement("991040100", "kent", 2021, {3000, 3000, 3000}, 70.6, 52),
           settlement("991050100", "aul", 2021, {20, 20, 20}, 70.8, 52)});
    ClassifyOptions o;
    o.vary = {"city_district.min_population=9000,10000,11000"};
    ClassifySummary sum = classify_all(r.d, kz(), o);
    const Properties& p = r.props("991020100");
    CHECK(p.get_string("proposal") == "keep");
    CHECK(p.get_string("whatif") == "city_district.min_population=9000: city_district");
    const Value* stable = p.find("whatif_stable");
    REQUIRE(stable);
    CHECK(*stable == Value{false});
    for (const char* kato : {"991010100", "991030100", "991040100", "991050100"}) {
        CAPTURE(kato);
        const Properties& q = r.props(kato);
        REQUIRE(q.find("whatif"));
        CHECK(is_null(*q.find("whatif")));
        CHECK(*q.find("whatif_stable") == Value{true});
    }
    CHECK(r.props("991050100").get_string("proposal") == "abolish");
    CHECK(r.props("991050100").get_string("proposal_target") == "991040100");
    CHECK(sum.by_category["aul"]["decided"]["keep"] == 2);
    CHECK(sum.by_category["aul"]["decided"]["abolish"] == 1);
    CHECK(sum.by_category["kent"]["decided"]["aul"] == 1);
    CHECK(sum.by_category["city_district"]["decided"]["keep"] == 1);
    // Two keys: only the one that changes something is recorded.
    Run r2({settlement("991020100", "aul", 2021, {9500, 9500, 9500}, 70.2, 52)});
    ClassifyOptions o2;
    o2.vary = {"city_district.min_population=9000", "city_district.window_years=1"};
    classify_all(r2.d, kz(), o2);
    CHECK(r2.props("991020100").get_string("whatif") == "city_district.min_population=9000: city_district");
    // No --vary: no what-if fields.
    Run r3({settlement("991020100", "aul", 2021, {9500, 9500, 9500}, 70.2, 52)});
    classify_all(r3.d, kz(), {});
    CHECK_FALSE(r3.props("991020100").find("whatif"));
    CHECK_FALSE(r3.props("991020100").find("whatif_stable"));
}

TEST_CASE("what-if: bad --vary values are usage errors") {
    Run r({settlement("991020100", "aul", 2021, {9500, 9500, 9500}, 70.2, 52)});
    auto err = [&](const std::string& v) {
        ClassifyOptions o;
        o.vary = {v};
        try {
            classify_all(r.d, kz(), o);
        } catch (const UsageError& e) {
            return std::string(e.what());
        }
        return std::string();
    };
    CHECK(contains(err("city_district.min_populaton=9000"), "city_district.min_populaton"));
    CHECK(contains(err("city_district.min_population=9000,lots"), "'lots' is not a number"));
    CHECK(contains(err("city_district.min_population=9000,,11000"), "is not a number"));
    CHECK(contains(err("city_district.min_population"), "KEY=V1,V2"));
    CHECK(contains(err("city_district.min_population="), "needs a list of values"));
    CHECK(contains(err("aul.window_years=2.5"), "whole number"));
}

TEST_CASE("classify_all writes the proposal fields") {
    Run r({settlement("991010100", "aul", 2021, {10000, 10000, 10000}, 70, 52),
           settlement("991020100", "aul", 2021, {400, 400, 400}, 70.2, 52)});
    classify_all(r.d, kz(), {});
    const Properties& p = r.props("991010100");
    CHECK(p.get_string("proposal") == "city_district");
    CHECK(p.get_string("proposal_rule") == "R4_aul_city");
    CHECK(p.get_string("proposal_basis") == "window");
    CHECK(p.get_string("proposal_lacks") == "infra_*");
    CHECK(p.get_string("proposal_opinion") == "unknown");
    CHECK(p.get_string("proposal_profile") == "kz");
    REQUIRE(p.find("proposal_target"));
    CHECK(is_null(*p.find("proposal_target")));
    CHECK(p.get_string("proposal_status") == "provisional");
    CHECK(p.get_string("proposal_options") == "city_district,keep");
    CHECK(p.get_string("decide_with") == "infra_*");
    const Properties& k = r.props("991020100");
    CHECK(k.get_string("proposal") == "keep");
    CHECK(k.get_string("proposal_status") == "decided");
    CHECK(is_null(*k.find("proposal_options")));
    CHECK(is_null(*k.find("decide_with")));
}

TEST_CASE("admin_centre marks a support village by its value") {
    for (const char* v : {"okrug", "district", "true", "yes", "1"}) {
        CAPTURE(v);
        Run r({settlement("991010100", "aul", 2021, {300, 300, 300}, 70, 52, {{"admin_centre", Value{std::string(v)}}})});
        classify_all(r.d, kz(), {});
        CHECK(r.props("991010100").get_string("settlement_class") == "support");
    }
    Run b({settlement("991010100", "aul", 2021, {300, 300, 300}, 70, 52, {{"admin_centre", Value{true}}})});
    classify_all(b.d, kz(), {});
    CHECK(b.props("991010100").get_string("settlement_class") == "support");
    for (const char* v : {"no", "false", "0", ""}) {
        CAPTURE(v);
        Run r({settlement("991010100", "aul", 2021, {300, 300, 300}, 70, 52, {{"admin_centre", Value{std::string(v)}}})});
        classify_all(r.d, kz(), {});
        CHECK(r.props("991010100").get_string("settlement_class") == "other");
    }
}

TEST_CASE("support, satellite and other villages") {
    auto [slon, slat] = north_of(70, 52, 14.9);
    auto [olon, olat] = north_of(70, 52, -15.1);
    Run r({settlement("991010100", "aul", 2021, {800, 800, 800}, 70, 52, {{"admin_centre", Value{std::string("okrug")}}}),
           settlement("991020100", "aul", 2021, {300, 300, 300}, slon, slat),
           settlement("991030100", "aul", 2021, {300, 300, 300}, olon, olat),
           settlement("991040100", "city_district", 2019, {20000, 20000, 20000, 20000, 20000}, 72, 52)});
    ClassifySummary sum = classify_all(r.d, kz(), {});
    CHECK(r.props("991010100").get_string("settlement_class") == "support");
    CHECK(r.props("991020100").get_string("settlement_class") == "satellite");
    CHECK(r.props("991020100").get_string("support_village") == "991010100");
    CHECK(*r.props("991020100").get_number("support_village_km") == doctest::Approx(14.9).epsilon(1e-4));
    CHECK(r.props("991030100").get_string("settlement_class") == "other");
    CHECK_FALSE(r.props("991030100").find("support_village"));
    CHECK_FALSE(r.props("991040100").find("settlement_class"));  // cities are not classed
    CHECK(sum.support == 1);
    CHECK(sum.satellite == 1);
    CHECK(sum.other == 1);
    CHECK(sum.rural == 3);
    CHECK(sum.rural_with_pop == 3);
    CHECK(sum.rural_pop_known == 1400);
    CHECK(sum.cluster_pop == 1100);
    // A larger radius takes the other village in.
    Run r2({settlement("991010100", "aul", 2021, {800, 800, 800}, 70, 52, {{"admin_centre", Value{std::string("okrug")}}}),
            settlement("991030100", "aul", 2021, {300, 300, 300}, olon, olat)});
    Standards st = kz();
    st.set("support.satellite_radius_km", 15.2);
    classify_all(r2.d, st, {});
    CHECK(r2.props("991030100").get_string("settlement_class") == "satellite");
}

TEST_CASE("support villages from the top score quantile need the minimum population") {
    // Five villages, top 20 % = 1 by score; the biggest has 5000 residents and becomes a support village.
    std::vector<Feature> v;
    v.push_back(settlement("991010100", "aul", 2021, {5000, 5000, 5000}, 70, 52));
    for (int i = 1; i < 5; ++i)
        v.push_back(settlement("99102010" + std::to_string(i), "aul", 2021, {200, 200, 200}, 70 + 0.5 * i, 52));
    Run r(std::move(v));
    ClassifySummary sum = classify_all(r.d, kz(), {});
    CHECK(r.props("991010100").get_string("settlement_class") == "support");
    CHECK(sum.support == 1);
    // The same village below support.min_population stays out.
    std::vector<Feature> w;
    w.push_back(settlement("991010100", "aul", 2021, {999, 999, 999}, 70, 52));
    for (int i = 1; i < 5; ++i)
        w.push_back(settlement("99102010" + std::to_string(i), "aul", 2021, {200, 200, 200}, 70 + 0.5 * i, 52));
    Run r2(std::move(w));
    ClassifySummary sum2 = classify_all(r2.d, kz(), {});
    CHECK(r2.props("991010100").get_string("settlement_class") == "other");
    CHECK(sum2.support == 0);
}

// ------------------------------------------------------------------ read_dataset

TEST_CASE("read_dataset: a bad settlement stops the run, or with skip_invalid is marked") {
    auto features = [] {
        std::vector<Feature> v;
        Feature unit;
        unit.props.set("feature_type", std::string("unit"));
        unit.props.set("kato", std::string("991000000"));
        unit.props.set("category", std::string("nonsense"));  // units are not read as settlements
        v.push_back(unit);
        v.push_back(settlement("991010100", "aul", 2021, {400, 400, 400}, 70, 52));
        v.push_back(settlement("991020100", "posyolok", 2021, {400, 400, 400}, 70.1, 52));
        v.push_back(settlement("991030100", "aul", 2019, {400, 400, 400}, 70.2, 52,
                               {{"pop_2020", Value{}}, {"pop_2023", Value{400.0}}}));
        return v;
    };
    {
        std::vector<Feature> v = features();
        Log log;
        try {
            read_dataset(v, "district.geojsonl", {}, log);
            FAIL("no error");
        } catch (const DataError& e) {
            CHECK(std::string(e.what()) ==
                  "district.geojsonl: feature 3 (kato 991020100: category 'posyolok' is unknown)");
        }
    }
    Run r(features(), true);
    CHECK(r.d.invalid == 2);
    REQUIRE(r.d.settlements.size() == 1);
    CHECK(r.d.settlements[0].kato == "991010100");
    CHECK(r.d.feature_of == std::vector<std::size_t>{1});
    CHECK(r.features[2].props.get_string("invalid") == "kato 991020100: category 'posyolok' is unknown");
    CHECK(r.features[3].props.get_string("invalid") == "kato 991030100: pop_2020 is missing inside the series 2019-2023");
    CHECK_FALSE(r.features[1].props.find("invalid"));
    CHECK(r.log.warnings("invalid") == 2);
    // classify_all leaves invalid features alone.
    classify_all(r.d, kz(), {});
    CHECK(r.features[1].props.get_string("proposal") == "keep");
    CHECK_FALSE(r.features[2].props.find("proposal"));
    CHECK_FALSE(r.features[3].props.find("settlement_class"));
    CHECK_FALSE(r.features[0].props.find("proposal"));
}

namespace {
// atd-score's or atd-classify's stream path on a file, as text.
std::string stream_output(const std::string& input_text, bool classify, std::size_t threads) {
    atd::test::TempFile in(input_text);
    atd::test::TempFile out("");
    std::remove(out.path().c_str());
    ::setenv("ATD_THREADS", std::to_string(threads).c_str(), 1);
    Standards st = kz();
    Log log;
    StreamOptions so;
    so.classify = classify;
    so.run.skip_invalid = true;
    auto sink = FeatureSink::open({Format::GeoJsonSeq, out.path(), false});
    process_stream({in.path()}, ReadOptions{}, st, so, *sink, log);
    ::unsetenv("ATD_THREADS");
    return atd::test::read_file(out.path());
}

// The same features scored in memory and written one by one.
std::string in_memory_output(const std::string& input_text, bool classify) {
    atd::test::TempFile in(input_text);
    Log log;
    auto features = read_all(in.path(), ReadOptions{}, log);
    Standards st = kz();
    RunOptions o;
    o.skip_invalid = true;
    Dataset d = read_dataset(features, in.path(), o, log);
    if (classify) classify_all(d, st, ClassifyOptions{});
    else score_all(d, st);
    std::string text;
    for (const auto& f : features) {
        append_feature_json(text, f);
        text.push_back('\n');
    }
    return text;
}
}  // namespace

TEST_CASE("the stream path writes what scoring in memory writes, whatever the record's form") {
    std::string text;
    for (int i = 0; i < 40; ++i) {
        Feature f = settlement("99101" + std::to_string(1000 + i), i % 7 ? "aul" : "city_district", 2019,
                               {900.0 + i, 950.0 + i, 1000.0 + i, 1005.0, 1010.0 + i}, 70 + 0.01 * i, 52);
        append_feature_json(text, f);
        text.push_back('\n');
    }
    // Records that are not as atd writes them, one with a field scoring adds, an
    // invalid one, one with no properties, and a unit.
    text += R"({ "type": "Feature", "properties": { "feature_type": "settlement", "kato": "991020000", "category": "aul", "pop_2023": 120 }, "geometry": { "type": "Point", "coordinates": [ 70.50, 52.0 ] } })" "\n";
    text += R"({"type":"Feature","properties":{"feature_type":"settlement","kato":"991030000","category":"aul","pop_2023":80,"c1_pop":1,"proposal":"x"},"geometry":null})" "\n";
    text += R"({"type":"Feature","properties":{"feature_type":"settlement","kato":"991040000","category":"aul","pop_2023":-5},"geometry":null})" "\n";
    text += R"({"type":"Feature","properties":{},"geometry":null})" "\n";
    text += R"({"type":"Feature","id":7,"properties":{"feature_type":"unit","kato":"991000000"},"geometry":null})" "\n";
    for (bool classify : {false, true}) {
        CAPTURE(classify);
        std::string expected = in_memory_output(text, classify);
        CHECK(expected.find("\"invalid\":") != std::string::npos);
        CHECK(stream_output(text, classify, 1) == expected);
        CHECK(stream_output(text, classify, 2) == expected);
    }
}

TEST_CASE("the stream path reports the first problem in input order, and each warning once") {
    std::string text;
    for (int i = 0; i < 40; ++i) {
        Feature f = settlement("99102" + std::to_string(1000 + i), "aul", 2021, {900.0, 950.0, i == 20 ? -5.0 : 1000.0}, 70 + 0.01 * i, 52);
        append_feature_json(text, f);
        text.push_back('\n');
        if (i == 30) text += "{\"type\":\"Feature\",\"properties\":{\"a\":1,},\"geometry\":null}\n";
    }
    text += R"({"type":"Feature","properties":{"feature_type":"unit"},"geometry":{"type":"Point","coordinates":[70,52,300]}})" "\n";
    atd::test::TempFile in(text);
    Standards st = kz();
    for (std::size_t threads : {1u, 2u}) {
        ::setenv("ATD_THREADS", std::to_string(threads).c_str(), 1);
        for (bool skip : {false, true}) {
            CAPTURE(threads);
            CAPTURE(skip);
            std::vector<std::string> lines;
            Log log([&](std::string_view line) { lines.emplace_back(line); });
            StreamOptions so;
            so.run.skip_invalid = skip;
            auto sink = FeatureSink::open({Format::GeoJsonSeq, "/dev/null", false});
            std::string error;
            try {
                process_stream({in.path()}, ReadOptions{}, st, so, *sink, log);
            } catch (const DataError& e) {
                error = e.what();
            }
            if (!skip) {
                CHECK(error.find("feature 21 (line 21)") != std::string::npos);
                CHECK(error.find("pop_2023 is negative") != std::string::npos);
            } else {
                CHECK(error.find("feature 32 (line 32): invalid JSON") != std::string::npos);
                REQUIRE(lines.size() == 1);
                CHECK(lines[0].find("feature 21 (line 21)") != std::string::npos);
            }
        }
    }
    // Without the broken record: the Z warning comes once, on one thread or two.
    std::string whole = text;
    const std::string broken = "{\"type\":\"Feature\",\"properties\":{\"a\":1,},\"geometry\":null}\n";
    whole.erase(whole.find(broken), broken.size());
    atd::test::TempFile ok(whole);
    for (std::size_t threads : {1u, 2u}) {
        ::setenv("ATD_THREADS", std::to_string(threads).c_str(), 1);
        Log log;
        StreamOptions so;
        so.run.skip_invalid = true;
        auto sink = FeatureSink::open({Format::GeoJsonSeq, "/dev/null", false});
        process_stream({ok.path()}, ReadOptions{}, st, so, *sink, log);
        CHECK(log.warnings("z") == 1);
        CHECK(log.warnings("invalid") == 1);
    }
    ::unsetenv("ATD_THREADS");
}

TEST_CASE("annotates_field names the fields atd-classify adds, and no others") {
    for (const char* key : {"proposal", "proposal_rule", "proposal_target_name", "whatif", "whatif_stable",
                            "settlement_class", "settlement_class_score", "support_village", "support_village_km"})
        CHECK_MESSAGE(annotates_field(key), key);
    for (const char* key : {"", "p", "pr", "propos", "proposa", "pop_2023", "prop_2023", "whatis", "wh", "synthetic",
                            "settlement", "settlement_type", "support", "support_villag", "sc_demand", "name_ru", "kato"})
        CHECK_MESSAGE(!annotates_field(key), key);
}
