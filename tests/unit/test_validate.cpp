#include "helpers.hpp"

#include <atd/validate.hpp>

#include <doctest/doctest.h>

using namespace atd;
using atd::test::TempFile;

namespace {
ValidationResult run(const std::string& text, bool strict = false) {
    TempFile t(text, ".geojsons");
    ValidateOptions o;
    o.inputs = {t.path()};
    o.strict = strict;
    Log log;
    Progress p;
    return validate(o, log, p);
}

const std::string kDistrict =
    R"({"type":"Feature","properties":{"feature_type":"unit","kato":"594200000","unit_kind":"district","unit_level":2,"parent_kato":null},"geometry":{"type":"Polygon","coordinates":[[[68,53],[69,53],[69,54],[68,54],[68,53]]]}})";

std::string settlement(const std::string& kato, const std::string& extra, double x = 68.5, double y = 53.5) {
    return R"({"type":"Feature","properties":{"feature_type":"settlement","kato":")" + kato +
           R"(","category":"aul","parent_kato":"594200000","district_kato":"594200000")" + extra +
           R"(},"geometry":{"type":"Point","coordinates":[)" + std::to_string(x) + "," + std::to_string(y) + "]}}";
}
}  // namespace

TEST_CASE("a clean dataset passes") {
    auto r = run(kDistrict + "\n" + settlement("594230100", R"(,"pop_2023":1500)") + "\n");
    CHECK(r.errors == 0);
    CHECK(r.warnings == 0);
    CHECK(r.features == 2);
    CHECK(format_text(r).find("checked 2 features (1 settlements, 1 units): 0 errors, 0 warnings") == 0);
}

TEST_CASE("each kind of problem is found") {
    auto r = run(kDistrict + "\n" + settlement("594230100", R"(,"pop_2023":-5)") + "\n" +
                 settlement("594230100", R"(,"pop_2022":"many")") + "\n" + settlement("59423010", "") + "\n" +
                 settlement("594230200", R"(,"pop_1800":3)") + "\n" + settlement("594230300", "", 75.0, 40.0) + "\n" +
                 settlement("604230300", "") + "\n" +
                 R"({"type":"Feature","properties":{"feature_type":"settlement","kato":"594230400","category":"town","parent_kato":"594299000"},"geometry":null})" +
                 "\n" +
                 R"({"type":"Feature","properties":{"feature_type":"unit","kato":"594300000","unit_level":2},"geometry":{"type":"Polygon","coordinates":[[[0,0],[2,2],[2,0],[0,2],[0,0]]]}})" +
                 "\n");
    CHECK(r.counts["bad_range"] == 1);
    CHECK(r.counts["bad_type"] == 1);
    CHECK(r.counts["duplicate_kato"] == 1);
    CHECK(r.counts["bad_kato"] == 1);
    CHECK(r.counts["bad_year"] == 1);
    CHECK(r.counts["outside_district"] == 1);
    CHECK(r.counts["kato_hierarchy"] == 3);  // 604230300 twice (parent, district), 594230400 once
    CHECK(r.counts["bad_value"] == 1);
    CHECK(r.counts["missing_parent"] == 1);
    CHECK(r.counts["invalid_geometry"] == 1);
    CHECK(r.failed());
    auto json = format_json(r);
    CHECK(json.find(R"("kind":"invalid_geometry")") != std::string::npos);
    CHECK(json.find("Self-intersection at (1.000000, 1.000000)") != std::string::npos);
}

TEST_CASE("warnings fail only with --strict") {
    std::string text = kDistrict + "\n" + settlement("594230300", "", 75.0, 40.0) + "\n";
    CHECK_FALSE(run(text).failed());
    CHECK(run(text).warnings == 1);
    CHECK(run(text, true).failed());
}

TEST_CASE("a ring across ±180 unsplit is an error; one split there into parts is not") {
    auto unit = [](const std::string& kato, const std::string& coords) {
        return R"({"type":"Feature","properties":{"feature_type":"unit","kato":")" + kato +
               R"(","unit_kind":"district","unit_level":2,"parent_kato":null},"geometry":{"type":"MultiPolygon","coordinates":)" +
               coords + "}}\n";
    };
    auto r = run(unit("874200000", "[[[[179.5,65],[-179.5,65],[-179.5,65.2],[179.5,65.2],[179.5,65]]]]") +
                 unit("874400000", "[[[[179.5,65],[180,65],[180,65.2],[179.5,65.2],[179.5,65]]],"
                                   "[[[-180,65],[-179.5,65],[-179.5,65.2],[-180,65.2],[-180,65]]]]"));
    CHECK(r.counts["antimeridian_crossing"] == 1);
    CHECK(r.errors == 1);
    REQUIRE(r.findings.size() == 1);
    CHECK(r.findings[0].where.find("feature 1 (line 1) (kato 874200000)") != std::string::npos);
    CHECK(r.findings[0].message.find("from lon 179.5 to -179.5") != std::string::npos);
}
