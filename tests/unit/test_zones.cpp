#include <atd/zones.hpp>

#include <doctest/doctest.h>

using namespace atd;

namespace {
// A ZoneInput from per-unit self-flows and a list of (origin, destination, persons).
ZoneInput make_input(const std::vector<double>& self, const std::vector<FlowRow>& between) {
    ZoneInput in;
    std::size_t n = self.size();
    in.employed = self;
    in.jobs = self;
    for (std::size_t i = 0; i < n; ++i) in.flows.push_back({i, i, self[i], -1});
    for (const auto& f : between) {
        in.flows.push_back(f);
        in.employed[f.origin] += f.persons;
        in.jobs[f.destination] += f.persons;
    }
    return in;
}
}  // namespace

TEST_CASE("the TTWA rule trades size against self-containment") {
    TtwaParams p;  // 3,500 / 25,000 workers, 0.667 / 0.75
    CHECK(ttwa_required_sc(1000, p) == doctest::Approx(0.75));
    CHECK(ttwa_required_sc(3500, p) == doctest::Approx(0.75));
    CHECK(ttwa_required_sc(14250, p) == doctest::Approx((0.75 + 0.667) / 2));
    CHECK(ttwa_required_sc(25000, p) == doctest::Approx(0.667));
    CHECK(ttwa_required_sc(1e6, p) == doctest::Approx(0.667));
    CHECK(ttwa_validity(30000, 0.70, p) >= 1);
    CHECK(ttwa_validity(4000, 0.70, p) < 1);   // needs about 0.748 at this size
    CHECK(ttwa_validity(3000, 0.99, p) < 1);   // too small whatever its self-containment
    CHECK(ttwa_validity(1750, 0.99, p) == doctest::Approx(0.5));
}

TEST_CASE("TTWA on a hand-made table: D dissolves into C, then B into A") {
    // A=0, B=1, C=2, D=3. Worked out by hand with min 100, target 1000 workers, SC 0.6 / 0.8:
    // validities A 1.03, B 0.25, C 1.19, D 0.16. D goes first: its cohesion with C is
    // 30^2/(40*300) + 30^2/(300*35) = 0.161 against 5^2/(40*225) = 0.003 with A. Then B:
    // 40^2/(50*225) + 20^2/(200*30) = 0.209 with A, its only partner.
    auto in = make_input({180, 10, 270, 5}, {{0, 1, 20, -1}, {1, 0, 40, -1}, {3, 2, 30, -1}, {2, 3, 30, -1}, {3, 0, 5, -1}});
    CHECK(in.employed == std::vector<double>{200, 50, 300, 40});
    CHECK(in.jobs == std::vector<double>{225, 30, 300, 35});
    TtwaParams p{100, 1000, 0.6, 0.8};
    auto z = ttwa_zones(in, p);
    REQUIRE(z.zones.size() == 2);
    CHECK(z.steps == 2);
    // Largest first: C+D (340 workers), then A+B (250).
    CHECK(z.zones[0].units == std::vector<std::size_t>{2, 3});
    CHECK(z.zones[0].centre == 2);
    CHECK(z.zones[0].employed == doctest::Approx(340));
    CHECK(z.zones[0].internal == doctest::Approx(335));
    CHECK(z.zones[1].units == std::vector<std::size_t>{0, 1});
    CHECK(z.zones[1].centre == 0);
    CHECK(z.zones[1].sc_supply() == doctest::Approx(1.0));
    CHECK(z.zones[1].sc_demand() == doctest::Approx(250.0 / 255));
    CHECK(z.zones[1].valid);
    CHECK(z.zone_of == std::vector<std::size_t>{1, 1, 0, 0});
}

TEST_CASE("TTWA adds up repeated rows of a pair, each way, and self-flows given twice") {
    // The hand-made table again, with A->B, D->C and D->A each split into rows
    // (in any order, among other pairs) and A's self-flow given in two rows.
    auto in = make_input({180, 10, 270, 5}, {{1, 0, 25, -1}, {0, 1, 5, -1}, {3, 2, 10, -1}, {2, 3, 30, -1}, {3, 0, 2, -1},
                                             {0, 1, 15, -1}, {3, 2, 20, -1}, {1, 0, 15, -1}, {3, 0, 3, -1}});
    in.flows[0].persons = 100;
    in.flows.push_back({0, 0, 80, -1});
    CHECK(in.employed == std::vector<double>{200, 50, 300, 40});
    auto z = ttwa_zones(in, TtwaParams{100, 1000, 0.6, 0.8});
    REQUIRE(z.zones.size() == 2);
    CHECK(z.steps == 2);
    CHECK(z.zones[0].units == std::vector<std::size_t>{2, 3});
    CHECK(z.zones[0].internal == doctest::Approx(335));
    CHECK(z.zones[1].units == std::vector<std::size_t>{0, 1});
    CHECK(z.zones[1].internal == doctest::Approx(250));
    CHECK(z.zone_of == std::vector<std::size_t>{1, 1, 0, 0});
}

TEST_CASE("a TTWA unit with no flows to others stays alone and is reported invalid") {
    auto in = make_input({180, 10, 30}, {{0, 1, 20, -1}, {1, 0, 40, -1}});
    auto z = ttwa_zones(in, TtwaParams{100, 1000, 0.6, 0.8});
    REQUIRE(z.zones.size() == 2);
    CHECK(z.zones[0].units == std::vector<std::size_t>{0, 1});
    CHECK(z.zones[0].valid);
    CHECK(z.zones[1].units == std::vector<std::size_t>{2});
    CHECK_FALSE(z.zones[1].valid);
    CHECK(z.zones[1].isolated);
}

TEST_CASE("a unit without workers, jobs or flows gets no zone") {
    auto in = make_input({500, 0}, {});
    auto z = ttwa_zones(in, TtwaParams{100, 1000, 0.6, 0.8});
    CHECK(z.zones.size() == 1);
    CHECK(z.zone_of[1] == SIZE_MAX);
    CHECK(commuting_zones(in, 0.977).zone_of[1] == SIZE_MAX);
}

TEST_CASE("commuting zones: average linkage on 1 - PF, cut at a height") {
    // Four units of 100 workers. PF 0-1 = 0.9, 1-2 = 0.03, 2-3 = 0.02.
    auto in = make_input({10, 57, 97, 99}, {{0, 1, 50, -1}, {1, 0, 40, -1}, {1, 2, 3, -1}, {2, 3, 1, -1}, {3, 2, 1, -1}});
    CHECK(in.employed == std::vector<double>{60, 100, 98, 100});
    // PF_01 = 90 / min(60, 100) = 1.5, capped at 0.999: they join first. {0,1} to 2 then averages
    // (0 + 3/98) / 2 = 0.0153, d = 0.985 > 0.977, although single linkage would join 2 at 0.969.
    auto z = commuting_zones(in, 0.977);
    REQUIRE(z.zones.size() == 3);
    CHECK(z.steps == 1);
    CHECK(z.zone_of[0] == z.zone_of[1]);
    CHECK(z.zone_of[2] != z.zone_of[1]);
    CHECK(z.zone_of[2] != z.zone_of[3]);
    // PF_23 = 2/98 = 0.0204, d = 0.9796: cut at 0.98 joins them too, but not the two pairs.
    auto z2 = commuting_zones(in, 0.98);
    REQUIRE(z2.zones.size() == 2);
    CHECK(z2.steps == 2);
    CHECK(z2.zone_of[2] == z2.zone_of[3]);
    CHECK(z2.zone_of[0] != z2.zone_of[2]);
    // A cut above every distance but 1 joins everything linked.
    CHECK(commuting_zones(in, 0.999).zones.size() == 1);
}
