#include "helpers.hpp"

#include <atd/error.hpp>
#include <atd/flows.hpp>

#include <doctest/doctest.h>

using namespace atd;
using atd::test::TempFile;

namespace {
double flow(const std::vector<FlowRow>& rows, std::size_t o, std::size_t d) {
    for (const auto& r : rows)
        if (r.origin == o && r.destination == d) return r.persons;
    return 0;
}
}  // namespace

TEST_CASE("the radiation model reproduces its closed form on three settlements") {
    // A, B, C on the equator at 0, 0.1 and 0.3 degrees; only A sends commuters.
    std::vector<double> lon{0, 0.1, 0.3}, lat{0, 0, 0}, pop{1000, 500, 2000}, commuters{100, 0, 0};
    auto rows = radiation_flows(lon, lat, pop, commuters, 100);
    // T_AB = T_A m n_B / (m (m + n_B)); T_AC = T_A m n_C / ((m + n_B)(m + n_B + n_C)), s_AC = n_B.
    CHECK(flow(rows, 0, 1) == doctest::Approx(100.0 * 1000 * 500 / (1000.0 * 1500)));
    CHECK(flow(rows, 0, 2) == doctest::Approx(100.0 * 1000 * 2000 / (1500.0 * 3500)));
    CHECK(rows.size() == 2);
    // C lies beyond 30 km: with max_km 20 only B remains.
    CHECK(radiation_flows(lon, lat, pop, commuters, 20).size() == 1);
}

TEST_CASE("the gravity model shares T_i by n_j / d^beta") {
    std::vector<double> lon{0, 0.1, 0.2}, lat{0, 0, 0}, pop{1000, 500, 2000}, commuters{90, 0, 0};
    auto rows = gravity_flows(lon, lat, pop, commuters, 2.0, 100);
    // d_C = 2 d_B, so w_B = 500 / d^2 and w_C = 2000 / (4 d^2) = 500 / d^2: an even split.
    CHECK(flow(rows, 0, 1) == doctest::Approx(45.0).epsilon(1e-3));
    CHECK(flow(rows, 0, 2) == doctest::Approx(45.0).epsilon(1e-3));
}

TEST_CASE("indicators of a hand-made flow table") {
    // 0 -> 0: 60, 0 -> 1: 30, 0 -> 2: 10, 1 -> 0: 20, 1 -> 1: 80.
    std::vector<FlowRow> rows{{0, 0, 60, 2}, {0, 1, 30, 12}, {0, 2, 10, 4}, {1, 0, 20, 5}, {1, 1, 80, 0}};
    std::vector<std::optional<double>> employed(3), jobs(3);
    auto ind = flow_indicators(3, rows, employed, jobs);
    // Employed = self + out (estimated), jobs = self + in.
    CHECK(ind[0].employed == 100);
    CHECK(ind[0].out == 40);
    CHECK(ind[0].in == 20);
    CHECK(ind[0].jobs == 80);
    CHECK(ind[0].self / ind[0].employed == doctest::Approx(0.6));  // supply self-containment
    CHECK(ind[0].self / ind[0].jobs == doctest::Approx(0.75));     // demand self-containment
    CHECK(ind[0].dominant == 1);
    CHECK(ind[0].vehicles_out == 16);  // self-flow vehicles are not commuting vehicles
    CHECK(ind[1].vehicles_in == 12);
    // PF_01 = (30 + 20) / min(100, 100) = 0.5; PF_02 = 10 / min(100, 0) is undefined (no employed in 2).
    REQUIRE(ind[0].partners.size() == 1);
    CHECK(ind[0].partners[0].first == 1);
    CHECK(ind[0].partners[0].second == doctest::Approx(0.5));
    // Given employment without a self-flow row: those not commuting out work at home.
    std::vector<FlowRow> out_only{{0, 1, 30, -1}};
    employed[0] = 100;
    auto g = flow_indicators(3, out_only, employed, jobs);
    CHECK(g[0].self == 70);
    CHECK(g[0].employed_given);
    CHECK(g[0].vehicles_out < 0);  // not given
}

TEST_CASE("OD table problems are counted, or errors with strict") {
    SettlementIds ids{{"a", 0}, {"b", 1}};
    TempFile od("origin,destination,persons,vehicles\na,b,10,3\na,zz,5,\nb,a,-2,\na,b,7,\na,a,4,\nb,a,,\n", ".csv");
    FlowOptions o;
    FlowReport r;
    Log log;
    auto rows = read_od_table(od.path(), ids, o, r, log);
    CHECK(r.rows == 6);
    CHECK(r.used == 2);
    CHECK(r.unknown == 1);
    CHECK(r.negative == 1);
    CHECK(r.duplicates == 1);
    CHECK(r.self == 1);
    CHECK(r.empty == 1);
    CHECK(rows.size() == 2);
    o.strict = true;
    FlowReport r2;
    CHECK_THROWS_WITH_AS(read_od_table(od.path(), ids, o, r2, log), doctest::Contains("line 3: code zz matches no settlement"),
                         DataError);
    // Self-flows are the within-settlement figure, not a problem.
    TempFile self("origin,destination,persons\na,a,4\na,b,1\n", ".csv");
    FlowReport r4;
    CHECK(read_od_table(self.path(), ids, o, r4, log).size() == 2);
    CHECK(r4.self == 1);
    TempFile nan("origin,destination,persons\na,b,nan\n", ".csv");
    FlowReport r3;
    o.strict = false;
    CHECK_THROWS_WITH_AS(read_od_table(nan.path(), ids, o, r3, log), doctest::Contains("line 2: persons 'nan' is not a finite number"),
                         DataError);
    TempFile cols("from,to,n\na,b,1\n", ".csv");
    CHECK_THROWS_WITH_AS(read_od_table(cols.path(), ids, o, r3, log), doctest::Contains("--origin-field"), DataError);
}

TEST_CASE("settlement ids: found by text, duplicates refused, growth keeps them") {
    SettlementIds ids;
    for (std::size_t i = 0; i < 1000; ++i) CHECK(ids.insert(std::to_string(100000000 + i * 7), i));
    CHECK(ids.size() == 1000);
    CHECK_FALSE(ids.insert("100000007", 5));
    CHECK(ids.find("100000007") == std::optional<std::size_t>(1));
    CHECK(ids.find("100006993") == std::optional<std::size_t>(999));
    CHECK_FALSE(ids.find("100000001"));
    CHECK_FALSE(ids.find(""));
    CHECK_FALSE(SettlementIds{}.find("a"));
}
