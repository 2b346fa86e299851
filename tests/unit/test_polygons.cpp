#include <atd/geo.hpp>
#include <atd/polygons.hpp>

#include <doctest/doctest.h>

#include <cmath>

using namespace atd;


TEST_CASE("Voronoi cells cover the clip polygon once, one cell a point") {
    Geometry clip = box_polygon(70, 50, 71, 51);
    std::vector<std::pair<double, double>> pts{{70.25, 50.25}, {70.75, 50.25}, {70.25, 50.75}, {70.75, 50.75}, {70.25, 50.25}};
    auto cells = voronoi_cells(pts, clip);
    REQUIRE(cells.size() == 5);
    CHECK(cells[4].empty());  // same position as the first
    double total = 0;
    std::vector<const Geometry*> parts;
    for (std::size_t i = 0; i < 4; ++i) {
        REQUIRE(cells[i].type == GeomType::Polygon);
        total += geodesic_area_km2(cells[i]);
        parts.push_back(&cells[i]);
        PreparedArea a(cells[i]);
        CHECK(a.covers(pts[i].first, pts[i].second));  // each cell holds its own point
    }
    // The cells split the box's edges at new vertices, and a geodesic edge through them runs a
    // little south of the unsplit one along 51 N: areas agree to 1e-4, not exactly.
    CHECK(total == doctest::Approx(geodesic_area_km2(clip)).epsilon(1e-4));
    // No two cells overlap: their union has the area of their sum.
    CHECK(geodesic_area_km2(dissolve_geometries(parts)) == doctest::Approx(total).epsilon(1e-12));
    // Symmetric sites: the cells meet at the middle lines, rook neighbours in a ring of four.
    auto rook = polygon_neighbours(parts, false);
    CHECK(rook.size() == 4);
    CHECK(polygon_neighbours(parts, true).size() == 6);
}

TEST_CASE("one site: its cell is the whole clip; none: no cells") {
    Geometry clip = box_polygon(0, 0, 1, 1);
    auto cells = voronoi_cells({{0.5, 0.5}}, clip);
    REQUIRE(cells.size() == 1);
    CHECK(geodesic_area_km2(cells[0]) == doctest::Approx(geodesic_area_km2(clip)).epsilon(1e-12));
    CHECK(voronoi_cells({}, clip).empty());
    auto twice = voronoi_cells({{0.2, 0.2}, {0.2, 0.2}}, clip);
    CHECK(geodesic_area_km2(twice[0]) == doctest::Approx(geodesic_area_km2(clip)).epsilon(1e-12));
    CHECK(twice[1].empty());
}

TEST_CASE("neighbours: shared edges, corners only with queen, overlaps, far ones never") {
    Geometry a = box_polygon(0, 0, 0.1, 0.1), b = box_polygon(0.1, 0, 0.2, 0.1), c = box_polygon(0.1, 0.1, 0.2, 0.2), far = box_polygon(5, 5, 6, 6);
    Geometry none;
    auto rook = polygon_neighbours({&a, &b, &c, &far, &none}, false);
    REQUIRE(rook.size() == 2);  // a-b and b-c; a-c touch at a corner only
    CHECK(rook[0].a == 0);
    CHECK(rook[0].b == 1);
    CHECK(rook[1].a == 1);
    CHECK(rook[1].b == 2);
    auto queen = polygon_neighbours({&a, &b, &c, &far, &none}, true);
    REQUIRE(queen.size() == 3);
    CHECK(queen[1].a == 0);
    CHECK(queen[1].b == 2);
    // Overlapping polygons are neighbours with rook too; one inside the other as well.
    Geometry over = box_polygon(0.05, 0.05, 0.15, 0.15), inner = box_polygon(0.02, 0.02, 0.03, 0.03);
    auto overlaps = polygon_neighbours({&a, &over, &inner}, false);
    REQUIRE(overlaps.size() == 2);
    CHECK(overlaps[0].b == 1);
    CHECK(overlaps[1].b == 2);
    CHECK(overlaps[1].a == 0);
}

TEST_CASE("small holes are filled, large ones kept") {
    Geometry g = box_polygon(0, 0, 1, 1);
    // A hole of 0.001 x 0.001 degree (about 0.012 km2) and one of 0.1 x 0.1 degree (about 124 km2).
    g.xy.insert(g.xy.end(), {0.2, 0.2, 0.201, 0.2, 0.201, 0.201, 0.2, 0.201, 0.2, 0.2});
    g.ring_ends.push_back(10);
    g.xy.insert(g.xy.end(), {0.5, 0.5, 0.6, 0.5, 0.6, 0.6, 0.5, 0.6, 0.5, 0.5});
    g.ring_ends.push_back(15);
    Geometry kept = g;
    CHECK(drop_small_holes(kept, 0.01) == 0);  // 0.0123 km2 is above 0.01
    CHECK(drop_small_holes(g, 0.1) == 1);
    CHECK(g.ring_ends == std::vector<std::uint32_t>{5, 10});
    CHECK(g.xy[10] == 0.5);
    Geometry multi;
    multi.type = GeomType::MultiPolygon;
    multi.xy = g.xy;
    multi.ring_ends = g.ring_ends;
    multi.part_ends = {2};
    CHECK(drop_small_holes(multi, 1000) == 1);
    CHECK(multi.part_ends == std::vector<std::uint32_t>{1});
}

TEST_CASE("antimeridian: an unsplit crossing edge is found, a split polygon is shifted whole and split back") {
    Geometry unsplit = box_polygon(179.5, 64.8, -179.5, 65.2);
    CHECK(antimeridian_jump(unsplit) == std::string("from lon 179.5 to -179.5"));
    Geometry split;
    split.type = GeomType::MultiPolygon;
    split.xy = {179.5, 64.8, 180, 64.8, 180, 65.2, 179.5, 65.2, 179.5, 64.8,
                -180, 64.8, -179.5, 64.8, -179.5, 65.2, -180, 65.2, -180, 64.8};
    split.ring_ends = {5, 10};
    split.part_ends = {1, 2};
    CHECK_FALSE(antimeridian_jump(split));
    CHECK_FALSE(polygon_problem(split));
    CHECK(spans_antimeridian(split));
    CHECK_FALSE(spans_antimeridian(box_polygon(179.5, 64.8, 180, 65.2)));
    Geometry east = split;
    shift_west_longitudes(east);
    Geometry whole = dissolve_geometries({&east});
    CHECK(whole.type == GeomType::Polygon);
    CHECK(planar_area(whole) == doctest::Approx(0.4));
    Geometry back = split_at_antimeridian(whole);
    REQUIRE(back.type == GeomType::MultiPolygon);
    CHECK(back.part_ends.size() == 2);
    CHECK(within_lonlat(back));
    CHECK(geodesic_area_km2(back) == doctest::Approx(geodesic_area_km2(split)).epsilon(1e-9));
    Geometry inside = box_polygon(179.6, 64.9, 179.7, 65.0);
    CHECK(split_at_antimeridian(inside).type == GeomType::Polygon);
}

TEST_CASE("polygon problems: a bow-tie, a ring of two points, an unclosed ring") {
    Geometry bowtie = box_polygon(0, 0, 1, 1);
    bowtie.xy = {0, 0, 1, 1, 1, 0, 0, 1, 0, 0};
    CHECK(polygon_problem(bowtie)->find("invalid polygon: Self-intersection") == 0);
    Geometry two;
    two.type = GeomType::Polygon;
    two.xy = {0, 0, 1, 1};
    two.ring_ends = {2};
    CHECK(polygon_problem(two)->find("fewer than 4 points") != std::string::npos);
    Geometry open = box_polygon(0, 0, 1, 1);
    open.xy.resize(8);
    open.ring_ends = {4};
    CHECK(polygon_problem(open)->find("a polygon ring is not closed") != std::string::npos);
    CHECK_FALSE(polygon_problem(box_polygon(0, 0, 1, 1)));
}
