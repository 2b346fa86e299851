#include <atd/areas.hpp>

#include <doctest/doctest.h>

using namespace atd;

TEST_CASE("a settlement's area unit: its okrug, else its administration, else itself") {
    Properties in_okrug;
    in_okrug.set("kato", std::string("596230100"));
    in_okrug.set("okrug_kato", std::string("596230000"));
    in_okrug.set("parent_kato", std::string("596230000"));
    in_okrug.set("district_kato", std::string("596200000"));
    CHECK(area_unit_of(in_okrug) == "596230000");
    Properties administered;
    administered.set("kato", std::string("354051100"));
    administered.set("okrug_kato", Value{});
    administered.set("parent_kato", std::string("354051000"));
    administered.set("district_kato", std::string("354000000"));
    CHECK(area_unit_of(administered) == "354051000");
    Properties alone;
    alone.set("kato", std::string("596220100"));
    alone.set("parent_kato", std::string("596200000"));
    alone.set("district_kato", std::string("596200000"));
    CHECK(area_unit_of(alone) == "596220100");
}
