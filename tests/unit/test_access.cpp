#include "helpers.hpp"

#include <atd/access.hpp>
#include <atd/error.hpp>

#include <doctest/doctest.h>

using namespace atd;
using atd::test::MemorySink;
using atd::test::TempFile;

namespace {

std::string point(const std::string& props, double x, double y) {
    return R"({"type":"Feature","properties":{)" + props + R"(},"geometry":{"type":"Point","coordinates":[)" +
           std::to_string(x) + "," + std::to_string(y) + "]}}\n";
}
}  // namespace

TEST_CASE("facility layer options") {
    auto a = parse_facility_layer("school=schools.geojson");
    CHECK(a.kind == "school");
    CHECK(a.path == "schools.geojson");
    auto b = parse_facility_layer("PG:dbname=atd tables=facilities");
    CHECK(b.kind.empty());
    CHECK(b.path == "PG:dbname=atd tables=facilities");
    auto c = parse_facility_layer("data/a=b.geojson");
    CHECK(c.kind.empty());
    CHECK(parse_facility_layer("Health centre=h.gpkg").kind == "Health centre");
}

TEST_CASE("kind keys are snake_case") {
    CHECK(kind_key("Health centre") == "health_centre");
    CHECK(kind_key("  school ") == "school");
    CHECK(kind_key("Culture/Arts") == "culture_arts");
    CHECK(kind_key("--").empty());
}

TEST_CASE("nearest facility, its distance and the count within the radius") {
    // On the equator one degree of longitude is 111.319 km on WGS84.
    TempFile settlements(point(R"("feature_type":"settlement","kato":"991010100")", 0, 0) +
                             point(R"("feature_type":"settlement","kato":"991010200")", 10, 10) +
                             R"({"type":"Feature","properties":{"feature_type":"settlement","kato":"991010300"},"geometry":null})" "\n" +
                             point(R"("feature_type":"unit","kato":"991000000")", 0, 0),
                         ".geojsonl");
    TempFile facilities(point(R"("kind":"School","id":"far")", 1, 0) + point(R"("kind":"School","id":"near")", 0.1, 0) +
                            point(R"("kind":"hospital","id":"h")", 2, 0),
                        ".geojsonl");
    AccessOptions o;
    o.inputs = {settlements.path()};
    o.facilities = {{facilities.path(), ""}};
    o.radius_km = 112.0;
    MemorySink sink;
    Log log;
    Progress p;
    auto sum = compute_access(o, sink, log, p);
    CHECK(sum.facilities.at("school") == 2);
    CHECK(sum.facilities.at("hospital") == 1);
    CHECK(sum.settlements == 3);
    CHECK(sum.without_position == 1);
    REQUIRE(sink.features.size() == 4);
    const auto& a = sink.features[0].props;
    CHECK(a.get_string("nearest_school") == "near");
    CHECK(*a.get_number("dist_school_km") == doctest::Approx(11.132).epsilon(1e-4));
    CHECK(a.get_number("count_school") == 2);  // 11.1 km and 111.3 km are both within 112 km
    CHECK(*a.get_number("dist_hospital_km") == doctest::Approx(222.639).epsilon(1e-4));
    CHECK(a.get_number("count_hospital") == 0);
    CHECK(a.get_string("access_method") == "geodesic");
    CHECK(sink.features[1].props.get_number("count_school") == 0);
    CHECK(is_null(*sink.features[2].props.find("dist_school_km")));
    CHECK_FALSE(sink.features[3].props.find("dist_school_km"));  // units pass through untouched
}

TEST_CASE("bad facility layers and options") {
    TempFile settlements(point(R"("kato":"991010100")", 0, 0), ".geojsonl");
    TempFile nokind(point(R"("id":"x")", 1, 0), ".geojsonl");
    AccessOptions o;
    o.inputs = {settlements.path()};
    MemorySink sink;
    Log log;
    Progress p;
    CHECK_THROWS_AS(compute_access(o, sink, log, p), UsageError);
    o.facilities = {{nokind.path(), ""}};
    CHECK_THROWS_WITH_AS(compute_access(o, sink, log, p), doctest::Contains("feature 1 (line 1): no 'kind' field"),
                         DataError);
    o.facilities = {{nokind.path(), "school"}};
    CHECK_NOTHROW(compute_access(o, sink, log, p));
    o.radius_km = 0;
    CHECK_THROWS_AS(compute_access(o, sink, log, p), UsageError);
}
