#include "helpers.hpp"

#include <atd/error.hpp>
#include <atd/roads.hpp>

#include <doctest/doctest.h>

#include <cmath>
#include <limits>
#include <vector>

using namespace atd;
using atd::test::TempFile;

namespace {
// On the equator 0.1 degree of longitude is 6378.137 km * 0.1 * pi / 180.
const double kTenthDegree = 6378.137 * 0.1 * M_PI / 180.0;

std::string line(const std::string& props, const std::string& coords) {
    return R"({"type":"Feature","properties":{)" + props + R"(},"geometry":{"type":"LineString","coordinates":)" +
           coords + "}}\n";
}
}  // namespace

TEST_CASE("the fastest route takes the detour, and its road distance is that route's") {
    RoadGraph g;
    // A direct track from S (0,0) to H (0.2,0) at 20 km/h, and a detour north at 100 km/h.
    double track[] = {0, 0, 0.1, 0, 0.2, 0};
    double detour[] = {0, 0, 0, 0.1, 0.2, 0.1, 0.2, 0};
    g.add_line(track, 3, 20);
    g.add_line(detour, 4, 100);
    g.finish();
    CHECK(g.vertices() == 5);  // (0,0), (0.1,0), (0.2,0), (0,0.1), (0.2,0.1)
    CHECK(g.edges() == 5);
    CHECK(g.parts() == 1);
    auto h = g.snap(0.2, 0.0, 1.0);
    auto s = g.snap(0.0, 0.0, 1.0);
    REQUIRE(h);
    REQUIRE(s);
    CHECK(h->km == doctest::Approx(0.0));
    auto r = g.fastest_from({{h->vertex, 0.0, 0.0, 7}});
    double detour_km = geodesic_km(0, 0, 0, 0.1) + geodesic_km(0, 0.1, 0.2, 0.1) + geodesic_km(0.2, 0.1, 0.2, 0);
    CHECK(detour_km / 100 * 60 < 2 * kTenthDegree / 20 * 60);  // the detour is faster
    CHECK(r.minutes[s->vertex] == doctest::Approx(detour_km / 100 * 60));
    CHECK(r.km[s->vertex] == doctest::Approx(detour_km));
    CHECK(r.source[s->vertex] == 7);
    // The track's midpoint is closer along the track: 0.1 degree at 20 km/h.
    auto mid = g.snap(0.1, 0.0, 1.0);
    REQUIRE(mid);
    CHECK(r.km[mid->vertex] == doctest::Approx(kTenthDegree));
    CHECK(r.minutes[mid->vertex] == doctest::Approx(kTenthDegree / 20 * 60));
}

TEST_CASE("several sources: each vertex goes to its fastest, offsets included") {
    RoadGraph g;
    double road[] = {0, 0, 0.1, 0, 0.2, 0, 0.3, 0};
    g.add_line(road, 4, 60);
    g.finish();
    auto at = [&](double x) { return g.snap(x, 0, 0.1)->vertex; };
    // Source 1 at the west end, source 2 at the east end but 10 minutes from its vertex.
    auto r = g.fastest_from({{at(0), 0.0, 0.0, 1}, {at(0.3), 10.0, 5.0, 2}});
    double step = kTenthDegree / 60 * 60;  // minutes per 0.1 degree at 60 km/h
    CHECK(r.source[at(0.1)] == 1);
    CHECK(r.minutes[at(0.1)] == doctest::Approx(step));
    // 0.2: 2 steps from the west (22.3 min) against 10 + 1 step (21.1 min) from the east.
    CHECK(r.source[at(0.2)] == 2);
    CHECK(r.minutes[at(0.2)] == doctest::Approx(10 + step));
    CHECK(r.km[at(0.2)] == doctest::Approx(5 + kTenthDegree));
}

TEST_CASE("fastest_from agrees with repeated relaxation on a random grid of roads") {
    // A 12 x 12 grid of 0.01-degree cells with random speeds and random missing
    // segments, five sources with offsets: every vertex's minutes equal those
    // of Bellman-Ford's relaxation, and its km and source are those of one of
    // its fastest routes.
    const int side = 12;
    std::uint64_t state = 12345;
    auto next = [&] {
        state = state * 6364136223846793005ULL + 1442695040888963407ULL;
        return static_cast<double>(state >> 11) / 9007199254740992.0;
    };
    RoadGraph g;
    struct Segment {
        double x0, y0, x1, y1, minutes, km;
    };
    std::vector<Segment> segments;
    for (int i = 0; i < side; ++i)
        for (int j = 0; j < side; ++j)
            for (int dir = 0; dir < 2; ++dir) {
                int i1 = i + (dir == 0), j1 = j + (dir == 1);
                if (i1 >= side || j1 >= side || next() < 0.15) continue;
                double xy[] = {i * 0.01, j * 0.01, i1 * 0.01, j1 * 0.01};
                double speed = 20 + 80 * next();
                g.add_line(xy, 2, speed);
                double km = geodesic_km(xy[0], xy[1], xy[2], xy[3]);
                segments.push_back({xy[0], xy[1], xy[2], xy[3], km / speed * 60, km});
            }
    g.finish();
    auto at = [&](double x, double y) { return g.snap(x, y, 0.01)->vertex; };
    std::vector<RoadGraph::Source> sources;
    for (std::size_t id = 0; id < 5; ++id) {
        double x = std::floor(next() * side) * 0.01, y = std::floor(next() * side) * 0.01;
        if (auto snap = g.snap(x, y, 0.01)) sources.push_back({snap->vertex, 3.0 * next(), 1.0, id});
    }
    REQUIRE(sources.size() == 5);
    auto r = g.fastest_from(sources);
    const std::size_t n = g.vertices();
    const double inf = std::numeric_limits<double>::infinity();
    std::vector<double> best(n, inf);
    for (const auto& src : sources) best[src.vertex] = std::min(best[src.vertex], src.minutes);
    for (std::size_t round = 0; round < n; ++round)
        for (const auto& seg : segments) {
            std::size_t a = at(seg.x0, seg.y0), b = at(seg.x1, seg.y1);
            best[b] = std::min(best[b], best[a] + seg.minutes);
            best[a] = std::min(best[a], best[b] + seg.minutes);
        }
    std::size_t reached = 0;
    for (std::size_t v = 0; v < n; ++v) {
        if (best[v] == inf) {
            CHECK(r.source[v] == SIZE_MAX);
            continue;
        }
        ++reached;
        CHECK(r.minutes[v] == doctest::Approx(best[v]).epsilon(1e-12));
        REQUIRE(r.source[v] < sources.size());
        // The km follow a route of those minutes: each vertex but a source's own
        // has a neighbour it was reached from, with the same source.
        bool own = sources[r.source[v]].vertex == v && r.minutes[v] == sources[r.source[v]].minutes;
        bool through = false;
        for (const auto& seg : segments) {
            std::size_t a = at(seg.x0, seg.y0), b = at(seg.x1, seg.y1);
            for (auto [from, to] : {std::pair{a, b}, std::pair{b, a}})
                if (to == v && r.source[from] == r.source[v] &&
                    std::abs(r.minutes[from] + seg.minutes - r.minutes[v]) < 1e-9 &&
                    std::abs(r.km[from] + seg.km - r.km[v]) < 1e-9)
                    through = true;
        }
        CHECK((own || through));
    }
    CHECK(reached > n / 2);
}

TEST_CASE("disconnected parts are counted and unreachable vertices have no source") {
    RoadGraph g;
    double a[] = {0, 0, 0.1, 0};
    double b[] = {1, 0, 1.1, 0};
    g.add_line(a, 2, 50);
    g.add_line(b, 2, 50);
    g.finish();
    CHECK(g.parts() == 2);
    auto v = g.snap(1.05, 0, 10)->vertex;
    CHECK(g.part_of(v) != g.part_of(g.snap(0, 0, 1)->vertex));
    auto r = g.fastest_from({{g.snap(0, 0, 1)->vertex, 0, 0, 0}});
    CHECK(r.source[v] == SIZE_MAX);
    CHECK(std::isinf(r.minutes[v]));
    CHECK_FALSE(g.snap(5, 5, 10));  // nothing within 10 km
}

TEST_CASE("road layers: speeds from the field, the class or the default; bad input is an error") {
    Log log;
    ReadOptions read;
    RoadOptions o;
    {
        TempFile f(line(R"("speed_kmh":90)", "[[0,0],[0.1,0]]") + line(R"("highway":"track")", "[[0.1,0],[0.2,0]]") +
                       line(R"("highway":"goat_path")", "[[0.2,0],[0.3,0]]") + line("", "[[0.3,0],[0.4,0]]"),
                   ".geojsonl");
        o.path = f.path();
        RoadSummary sum;
        auto g = RoadGraph::load(o, read, log, sum);
        CHECK(sum.lines == 4);
        CHECK(sum.unknown_class == 1);
        CHECK(sum.by_default_speed == 1);
        auto r = g.fastest_from({{g.snap(0, 0, 1)->vertex, 0, 0, 0}});
        double t = kTenthDegree * 60 * (1 / 90.0 + 1 / 20.0 + 1 / 50.0 + 1 / 50.0);
        CHECK(r.minutes[g.snap(0.4, 0, 1)->vertex] == doctest::Approx(t));
    }
    {
        TempFile f(line(R"("speed_kmh":"NaN")", "[[0,0],[0.1,0]]"), ".geojsonl");
        o.path = f.path();
        RoadSummary sum;
        CHECK_THROWS_WITH_AS(RoadGraph::load(o, read, log, sum), doctest::Contains("speed_kmh 'NaN'"), DataError);
    }
    {
        TempFile f(line(R"("speed_kmh":-5)", "[[0,0],[0.1,0]]"), ".geojsonl");
        o.path = f.path();
        RoadSummary sum;
        CHECK_THROWS_WITH_AS(RoadGraph::load(o, read, log, sum), doctest::Contains("is not a positive speed"), DataError);
    }
    {
        std::string point = R"({"type":"Feature","properties":{},"geometry":{"type":"Point","coordinates":[0,0]}})";
        TempFile f(point + "\n", ".geojsonl");
        o.path = f.path();
        RoadSummary sum;
        CHECK_THROWS_WITH_AS(RoadGraph::load(o, read, log, sum), doctest::Contains("holds LineStrings"), DataError);
    }
}
