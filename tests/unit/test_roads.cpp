#include "helpers.hpp"

#include <atd/error.hpp>
#include <atd/roads.hpp>

#include <doctest/doctest.h>

#include <cmath>

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
