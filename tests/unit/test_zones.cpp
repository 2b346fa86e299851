#include <atd/zones.hpp>

#include <doctest/doctest.h>

#include <map>
#include <random>
#include <set>

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

// TTWA done the slow way, as the rule reads: every step scans all zones for
// the least valid (the lowest number on a tie) and sums every flow again.
// With whole persons every sum is exact in any order. Returns each unit's
// zone (its number, SIZE_MAX for none), the number of dissolutions, and per
// zone number whether it was left isolated and its validity at the end.
struct Scan {
    std::vector<std::size_t> zone;
    std::size_t steps = 0;
    std::vector<bool> isolated;
    std::vector<double> validity;
    bool converged = true;
};
Scan ttwa_by_scan(const ZoneInput& in, const TtwaParams& p) {
    const std::size_t n = in.employed.size();
    std::map<std::pair<std::size_t, std::size_t>, double> flow;
    std::vector<std::set<std::size_t>> partners(n);
    for (const auto& f : in.flows) {
        flow[{f.origin, f.destination}] += f.persons;
        if (f.origin != f.destination) {
            partners[f.origin].insert(f.destination);
            partners[f.destination].insert(f.origin);
        }
    }
    auto between = [&](std::size_t a, std::size_t b) {
        auto it = flow.find({a, b});
        return it == flow.end() ? 0.0 : it->second;
    };
    std::vector<std::size_t> zone(n, SIZE_MAX);
    for (std::size_t u = 0; u < n; ++u)
        if (!partners[u].empty() || between(u, u) > 0 || in.employed[u] > 0 || in.jobs[u] > 0) zone[u] = u;
    std::vector<bool> isolated(n, false);
    auto members = [&](std::size_t c) {
        std::vector<std::size_t> m;
        for (std::size_t u = 0; u < n; ++u)
            if (zone[u] == c) m.push_back(u);
        return m;
    };
    struct Sums {
        double employed = 0, jobs = 0;
    };
    auto sums = [&](std::size_t c) {
        Sums s;
        for (std::size_t u : members(c)) {
            s.employed += in.employed[u];
            s.jobs += in.jobs[u];
        }
        return s;
    };
    auto validity = [&](std::size_t c) {
        auto m = members(c);
        Sums s = sums(c);
        double internal = 0;
        for (std::size_t a : m)
            for (std::size_t b : m) internal += between(a, b);
        double sc = std::min(s.employed > 0 ? internal / s.employed : 0.0, s.jobs > 0 ? internal / s.jobs : 0.0);
        return ttwa_validity(s.employed, sc, p);
    };
    std::size_t steps = 0;
    bool converged = true;
    while (true) {
        std::size_t d = SIZE_MAX;
        double least = 1;
        for (std::size_t c = 0; c < n; ++c) {
            if (isolated[c] || members(c).empty()) continue;
            double v = validity(c);
            if (v < least) {
                least = v;
                d = c;
            }
        }
        if (d == SIZE_MAX) break;
        if (steps == 20 * n + 100) {  // the same bound on dissolutions as ttwa_zones
            converged = false;
            break;
        }
        ++steps;
        std::vector<std::pair<std::size_t, std::size_t>> moves;
        for (std::size_t u : members(d)) {
            std::size_t best = SIZE_MAX;
            double best_cohesion = 0;
            for (std::size_t c = 0; c < n; ++c) {
                if (c == d || members(c).empty()) continue;
                double to = 0, from = 0;
                for (std::size_t v : members(c)) {
                    to += between(u, v);
                    from += between(v, u);
                }
                Sums s = sums(c);
                double a = in.employed[u] > 0 && s.jobs > 0 ? to * to / (in.employed[u] * s.jobs) : 0;
                double b = s.employed > 0 && in.jobs[u] > 0 ? from * from / (s.employed * in.jobs[u]) : 0;
                if (a + b > best_cohesion) {
                    best_cohesion = a + b;
                    best = c;
                }
            }
            if (best != SIZE_MAX) moves.emplace_back(u, best);
        }
        if (moves.empty()) isolated[d] = true;
        for (const auto& [u, c] : moves) zone[u] = c;
    }
    std::vector<double> end_validity(n, 0.0);
    for (std::size_t c = 0; c < n; ++c)
        if (!members(c).empty()) end_validity[c] = validity(c);
    return {zone, steps, isolated, end_validity, converged};
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

TEST_CASE("TTWA gives the zones of a plain scan, step for step, on random tables") {
    // Units on a line commute to neighbours up to five places away, in whole
    // persons (some rows of none), some pairs in several rows: zones form,
    // dissolve and take units back, so the queue sees zones requeued with new
    // validities many times, and some zones end isolated.
    const TtwaParams p{100, 1000, 0.6, 0.8};
    std::size_t dissolutions = 0, isolated = 0, stopped = 0;
    for (unsigned seed = 1; seed <= 150; ++seed) {
        std::mt19937 rng(seed);
        const std::size_t n = 20 + rng() % 60;
        std::vector<double> self(n);
        for (auto& s : self) s = static_cast<double>(rng() % 8 == 0 ? 0 : rng() % 300);
        std::vector<FlowRow> between;
        for (std::size_t k = 0, rows = n * (1 + rng() % 4); k < rows; ++k) {
            std::size_t o = rng() % n, d = (o + 1 + rng() % 5) % n;
            double persons = rng() % 10 == 0 ? 0.0 : static_cast<double>(1 + rng() % 60);
            between.push_back({rng() % 2 ? o : d, rng() % 2 ? d : o, persons, -1});
        }
        auto in = make_input(self, between);
        auto z = ttwa_zones(in, p);
        auto scan = ttwa_by_scan(in, p);
        const auto& want = scan.zone;
        INFO("seed " << seed << ", " << n << " units");
        CHECK(z.steps == scan.steps);
        CHECK(z.converged == scan.converged);
        stopped += !scan.converged;
        dissolutions += scan.steps;
        for (std::size_t u = 0; u < n; ++u) {
            CHECK((z.zone_of[u] == SIZE_MAX) == (want[u] == SIZE_MAX));
            for (std::size_t v = u + 1; v < n; ++v)
                if (z.zone_of[u] != SIZE_MAX) CHECK((z.zone_of[u] == z.zone_of[v]) == (want[u] == want[v]));
            if (z.zone_of[u] == SIZE_MAX || want[u] == SIZE_MAX) continue;
            const Zone& zone = z.zones[z.zone_of[u]];
            CHECK(zone.isolated == scan.isolated[want[u]]);
            CHECK(zone.valid == (scan.validity[want[u]] >= 1));
            isolated += zone.isolated && u == zone.units.front();
        }
    }
    CHECK(dissolutions > 1000);
    CHECK(isolated > 0);
    MESSAGE(stopped << " of 150 tables reached the bound on dissolutions");
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
