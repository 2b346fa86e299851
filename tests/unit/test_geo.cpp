#include <atd/error.hpp>
#include <atd/geo.hpp>

#include <doctest/doctest.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdlib>
#include <string>
#include <vector>

using namespace atd;

namespace {
Geometry square(double x0, double y0, double s) {
    Geometry g;
    g.type = GeomType::Polygon;
    g.xy = {x0, y0, x0 + s, y0, x0 + s, y0 + s, x0, y0 + s, x0, y0};
    g.ring_ends = {5};
    return g;
}
// The same pseudo-random numbers in [0, 1) every run.
struct Xorshift {
    std::uint64_t x;
    double operator()() {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        return static_cast<double>(x % 1000000) / 1e6;
    }
};

// n points in the box [lon0, lon0 + dlon] x [lat0, lat0 + dlat], appended.
void random_points(Xorshift& next, std::size_t n, double lon0, double dlon, double lat0, double dlat,
                   std::vector<double>& lon, std::vector<double>& lat) {
    for (std::size_t i = 0; i < n; ++i) {
        lon.push_back(lon0 + dlon * next());
        lat.push_back(lat0 + dlat * next());
    }
}
}  // namespace

TEST_CASE("Web Mercator to lon/lat") {
    Reprojector r("EPSG:3857");
    REQUIRE(r.needed());
    Geometry g = Geometry::point(8905559.263461886, 6446275.841017158);  // 80 E, 50 N
    r.apply(g);
    CHECK(g.xy[0] == doctest::Approx(80.0).epsilon(1e-9));
    CHECK(g.xy[1] == doctest::Approx(50.0).epsilon(1e-9));
    CHECK_FALSE(Reprojector("EPSG:4326").needed());
    CHECK_FALSE(Reprojector("OGC:CRS84").needed());
    CHECK_THROWS_AS(Reprojector("EPSG:99999999"), UsageError);
}

TEST_CASE("LocalProjection: equal-area plane centred on the district, in metres") {
    LocalProjection proj(71.4, 51.1);
    auto [x0, y0] = proj.forward(71.4, 51.1);
    CHECK(std::abs(x0) < 1e-6);
    CHECK(std::abs(y0) < 1e-6);
    // Along the central meridian, north is +y and the distance is close to the geodesic one.
    auto [xn, yn] = proj.forward(71.4, 51.2);
    CHECK(std::abs(xn) < 1e-6);
    CHECK(yn == doctest::Approx(geodesic_km(71.4, 51.1, 71.4, 51.2) * 1000).epsilon(1e-4));
    // East and west mirror each other.
    auto [xe, ye] = proj.forward(71.5, 51.0);
    auto [xw, yw] = proj.forward(71.3, 51.0);
    CHECK(xe > 0);
    CHECK(xw == doctest::Approx(-xe));
    CHECK(yw == doctest::Approx(ye));
    // apply() gives every point what forward() gives it.
    Geometry g;
    g.type = GeomType::LineString;
    g.xy = {71.5, 51.0, 71.3, 51.0, 71.4, 51.2};
    g.ring_ends = {3};
    proj.apply(g);
    CHECK(g.xy == std::vector<double>{xe, ye, xw, yw, xn, yn});
    // The antipode has no place on the plane.
    CHECK_THROWS_AS(proj.forward(71.4 - 180, -51.1), DataError);
}

TEST_CASE("lon/lat range check") {
    CHECK(within_lonlat(Geometry::point(80, 50)));
    CHECK_FALSE(within_lonlat(Geometry::point(8905559, 6446275)));
}

TEST_CASE("validity with reason and location; repair") {
    CHECK_FALSE(invalid_reason(square(0, 0, 1)));
    Geometry bowtie;
    bowtie.type = GeomType::Polygon;
    bowtie.xy = {0, 0, 2, 2, 2, 0, 0, 2, 0, 0};
    bowtie.ring_ends = {5};
    auto r = invalid_reason(bowtie);
    REQUIRE(r);
    CHECK(r->find("Self-intersection at (1.000000, 1.000000)") != std::string::npos);
    CHECK(make_valid_polygonal(bowtie));
    CHECK(bowtie.type == GeomType::MultiPolygon);
    CHECK_FALSE(invalid_reason(bowtie));
    Geometry ok = square(0, 0, 1);
    CHECK_FALSE(make_valid_polygonal(ok));

    Geometry short_ring;
    short_ring.type = GeomType::Polygon;
    short_ring.xy = {0, 0, 1, 0, 0, 0};
    short_ring.ring_ends = {3};
    CHECK(invalid_reason(short_ring)->find("fewer than 4 points") != std::string::npos);
}

TEST_CASE("prepared point-in-polygon") {
    PreparedArea a(square(70, 50, 2));
    CHECK(a.covers(71, 51));
    CHECK(a.covers(70, 51));  // on the boundary
    CHECK_FALSE(a.covers(73, 51));
}

TEST_CASE("geodesic distance on WGS84") {
    // Astana to Almaty, about 970 km.
    double d = geodesic_km(71.4304, 51.1282, 76.9286, 43.2567);
    CHECK(d == doctest::Approx(971.0).epsilon(0.01));
    CHECK(geodesic_km(0, 0, 1, 0) == doctest::Approx(111.319).epsilon(1e-4));
}

TEST_CASE("dissolving parts: adjacent squares become one polygon, points a MultiPoint") {
    Geometry a = square(0, 0, 1), b = square(1, 0, 1), far = square(5, 5, 1);
    Geometry ab = dissolve_geometries({&a, &b});
    CHECK(ab.type == GeomType::Polygon);
    CHECK(geodesic_area_km2(ab) == doctest::Approx(geodesic_area_km2(a) + geodesic_area_km2(b)).epsilon(1e-9));
    CHECK(ab.ring_ends.size() == 1);
    CHECK(dissolve_geometries({&a, &far}).type == GeomType::MultiPolygon);
    Geometry p = Geometry::point(1, 2), q = Geometry::point(3, 4);
    Geometry pq = dissolve_geometries({&p, &q});
    CHECK(pq.type == GeomType::MultiPoint);
    CHECK(pq.xy == std::vector<double>{1, 2, 3, 4});
    CHECK(dissolve_geometries({&p}).type == GeomType::Point);
    Geometry none;
    CHECK(dissolve_geometries({&none}).empty());
}

TEST_CASE("count_within counts what within lists, at the edge too") {
    std::vector<double> lon, lat;
    std::vector<std::size_t> ids;
    Xorshift next{88172645463325252ull};
    random_points(next, 3000, 60, 8, 42, 10, lon, lat);
    for (std::size_t i = 0; i < 3000; ++i) ids.push_back(i);
    PointIndex index;
    index.build(lon, lat, ids);
    for (int q = 0; q < 200; ++q) {
        double qlon = 60 + 8 * next(), qlat = 42 + 10 * next();
        for (double km : {0.0, 5.0, 20.0, 75.0, 300.0}) CHECK(index.count_within(qlon, qlat, km) == index.within(qlon, qlat, km).size());
        // Exactly at a point's geodesic distance, and just short of it.
        auto all = index.within(qlon, qlat, 100);
        if (all.size() > 3) {
            double edge = all[3].second;
            CHECK(index.count_within(qlon, qlat, edge) == index.within(qlon, qlat, edge).size());
            CHECK(index.count_within(qlon, qlat, edge * (1 - 1e-12)) == index.within(qlon, qlat, edge * (1 - 1e-12)).size());
        }
    }
}

TEST_CASE("PointIndex answers as a scan of every point would, ties to the lowest id") {
    std::vector<double> lon, lat;
    std::vector<std::size_t> ids;
    Xorshift next{1181783497276652981ull};
    random_points(next, 2000, 60, 4, 45, 3, lon, lat);
    for (std::size_t i = 0; i < 2000; ++i) ids.push_back(i * 3);  // ids are the caller's, not positions
    // Every tenth point twice more, under higher ids: ties.
    for (std::size_t i = 0; i < 2000; i += 10)
        for (std::size_t copy = 1; copy <= 2; ++copy) {
            lon.push_back(lon[i]);
            lat.push_back(lat[i]);
            ids.push_back(i * 3 + copy);
        }
    PointIndex index;
    index.build(lon, lat, ids);
    for (int q = 0; q < 300; ++q) {
        // Queries on points (ties at distance 0) and between them.
        std::size_t on = static_cast<std::size_t>(next() * 2000);
        double qlon = q % 2 ? lon[on] : 60 + 4 * next(), qlat = q % 2 ? lat[on] : 45 + 3 * next();
        double best = 1e300;
        for (std::size_t i = 0; i < lon.size(); ++i) best = std::min(best, geodesic_km(qlon, qlat, lon[i], lat[i]));
        auto n = index.nearest(qlon, qlat);
        REQUIRE(n);
        CHECK(n->second == doctest::Approx(best).epsilon(0.005));
        if (q % 2) {
            CHECK(n->first == on * 3);  // the original before its copies
            CHECK(n->second == 0);
            auto other = index.nearest(qlon, qlat, on * 3);  // skipping it
            REQUIRE(other);
            if (on % 10 == 0) CHECK(other->first == on * 3 + 1);
            else CHECK(other->second > 0);
        }
        for (double km : {1.0, 15.0, 60.0}) {
            std::vector<std::size_t> expect;
            for (std::size_t i = 0; i < lon.size(); ++i)
                if (geodesic_km(qlon, qlat, lon[i], lat[i]) <= km) expect.push_back(ids[i]);
            std::vector<std::size_t> got;
            for (const auto& [id, d] : index.within(qlon, qlat, km)) got.push_back(id);
            std::sort(expect.begin(), expect.end());
            std::sort(got.begin(), got.end());
            CHECK(got == expect);
            CHECK(index.count_within(qlon, qlat, km) == expect.size());
        }
    }
}

TEST_CASE("a PointIndex large enough to be built on two threads answers as a scan, and as on one thread") {
    std::vector<double> lon, lat;
    std::vector<std::size_t> ids;
    Xorshift next{7046029254386353131ull};
    random_points(next, 80000, 50, 30, 40, 15, lon, lat);
    for (std::size_t i = 0; i < lon.size(); ++i) ids.push_back(i);
    auto unit = [](double x, double y, double out[3]) {
        constexpr double deg = 3.14159265358979323846 / 180.0;
        out[0] = std::cos(y * deg) * std::cos(x * deg);
        out[1] = std::cos(y * deg) * std::sin(x * deg);
        out[2] = std::sin(y * deg);
    };
    std::vector<std::array<double, 3>> points(lon.size());
    for (std::size_t i = 0; i < lon.size(); ++i) unit(lon[i], lat[i], points[i].data());
    PointIndex both, one;
    const char* given = std::getenv("ATD_THREADS");
    const std::string before = given ? given : "";
    ::setenv("ATD_THREADS", "2", 1);
    both.build(lon, lat, ids);
    ::setenv("ATD_THREADS", "1", 1);
    one.build(lon, lat, ids);
    if (given) ::setenv("ATD_THREADS", before.c_str(), 1);
    else ::unsetenv("ATD_THREADS");
    for (int q = 0; q < 300; ++q) {
        double qlon = 50 + 30 * next(), qlat = 40 + 15 * next(), qp[3];
        unit(qlon, qlat, qp);
        std::size_t best = 0;
        double best_d2 = 1e300;
        for (std::size_t i = 0; i < points.size(); ++i) {
            double dx = points[i][0] - qp[0], dy = points[i][1] - qp[1], dz = points[i][2] - qp[2];
            double d2 = dx * dx + dy * dy + dz * dz;
            if (d2 < best_d2) {
                best_d2 = d2;
                best = i;
            }
        }
        auto a = both.nearest(qlon, qlat), b = one.nearest(qlon, qlat);
        REQUIRE(a);
        REQUIRE(b);
        CHECK(a->first == best);
        CHECK(a->second == geodesic_km(qlon, qlat, lon[best], lat[best]));
        CHECK(b->first == a->first);
        CHECK(both.count_within(qlon, qlat, 40) == one.count_within(qlon, qlat, 40));
    }
}

TEST_CASE("PointIndex::nearest_each gives each query what nearest() gives it, in the queries' order") {
    std::vector<double> lon, lat;
    std::vector<std::size_t> ids;
    Xorshift next{2305843009213693951ull};
    random_points(next, 20000, 46, 41, 40, 15, lon, lat);
    for (std::size_t i = 0; i < lon.size(); ++i) ids.push_back(i * 2 + 1);
    PointIndex index;
    index.build(lon, lat, ids);
    std::vector<std::array<double, 2>> queries;
    for (int q = 0; q < 5000; ++q) queries.push_back({46 + 41 * next(), 40 + 15 * next()});
    queries.push_back({lon[7], lat[7]});  // on a point
    queries.push_back({-179.5, 89.9});     // far from every point
    queries.push_back({200.0, 60.0});      // beyond 180 degrees east: ordered at the edge, still answered
    auto each = index.nearest_each(queries);
    REQUIRE(each.size() == queries.size());
    std::size_t same = 0;
    for (std::size_t q = 0; q < queries.size(); ++q) {
        auto one = index.nearest(queries[q][0], queries[q][1]);
        REQUIRE(one);
        REQUIRE(each[q]);
        if (each[q]->first == one->first && each[q]->second == one->second) ++same;
    }
    CHECK(same == queries.size());
    CHECK(each[5000]->first == 15);
    CHECK(each[5000]->second == 0);
    CHECK(PointIndex{}.nearest_each(queries) == std::vector<std::optional<std::pair<std::size_t, double>>>(queries.size()));
    CHECK(index.nearest_each({}).empty());
}
