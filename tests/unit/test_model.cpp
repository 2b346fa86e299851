#include <atd/model.hpp>

#include <doctest/doctest.h>

using namespace atd;

TEST_CASE("statistics fields split into indicator and year") {
    auto p = parse_stat_field("pop_2023");
    REQUIRE(p);
    CHECK(p->indicator->name == "pop");
    CHECK(p->year == 2023);
    auto m = parse_stat_field("mig_in_int_2019");
    REQUIRE(m);
    CHECK(m->indicator->name == "mig_in_int");
    auto o = parse_stat_field("pop_osm");
    REQUIRE(o);
    CHECK_FALSE(o->year);
    CHECK_FALSE(parse_stat_field("pop"));         // yearly indicator without a year
    CHECK_FALSE(parse_stat_field("pop_osm_2023"));  // undated indicator with a year
    CHECK_FALSE(parse_stat_field("name_ru"));
    CHECK_FALSE(parse_stat_field("kato_2023"));
}

TEST_CASE("KATO entries map to units, settlements and categories") {
    KatoEntry oblast{"100000000", "", 1, "oblast", "", "область Абай", 2};
    KatoEntry cityadm{"101000000", "100000000", 2, "city_administration", "", "Семей Г.А.", 3};
    KatoEntry city{"101010000", "101000000", 3, "direct_city", "г.", "Семей", 4};
    KatoEntry district{"103400000", "100000000", 2, "district", "", "Абайский район", 5};
    KatoEntry town{"103410000", "103400000", 3, "direct_city", "г.", "X", 6};
    KatoEntry okrug{"103433000", "103400000", 3, "rural_okrug", "", "Y с.о.", 7};
    KatoEntry village{"103433100", "103433000", 4, "village", "с.", "Y", 8};
    KatoEntry kent{"103435100", "103433000", 4, "kent", "п.", "Z", 9};
    KatoEntry sub{"103433102", "103433100", 5, "sub_village", "с.", "W", 10};
    KatoEntry astana{"710000000", "", 1, "city_republican", "", "Астана", 11};

    CHECK(kato_role(oblast, nullptr).unit_kind == "oblast");
    CHECK(kato_role(cityadm, &oblast).unit_level == 2);
    CHECK(kato_role(city, &cityadm).category == "city_oblast");
    CHECK(kato_role(town, &district).category == "city_district");
    CHECK(kato_role(okrug, &district).unit_kind == "rural_okrug");
    CHECK(kato_role(village, &okrug).category == "aul");
    CHECK(kato_role(kent, &okrug).category == "kent");
    CHECK(kato_role(sub, &village).sub_locality);
    auto a = kato_role(astana, nullptr);
    CHECK(a.unit);
    CHECK(a.settlement);
    CHECK(a.category == "city_republican");
}

TEST_CASE("every indicator has a unit and a description, and names are unique") {
    for (const auto& i : indicators()) {
        CHECK_FALSE(i.unit.empty());
        CHECK_FALSE(i.description.empty());
        CHECK(find_indicator(i.name) == &i);
    }
    CHECK(is_category("kent"));
    CHECK_FALSE(is_category("town"));
    CHECK(is_unit_kind("rural_okrug"));
}

TEST_CASE("a feature is a settlement when its feature_type says so or it has none") {
    Properties p;
    CHECK(is_settlement(p));
    p.set("feature_type", Value{});
    CHECK(is_settlement(p));
    p.set("feature_type", std::string("settlement"));
    CHECK(is_settlement(p));
    p.set("feature_type", std::string("unit"));
    CHECK_FALSE(is_settlement(p));
    p.set("feature_type", std::string("Settlement"));
    CHECK_FALSE(is_settlement(p));
}

TEST_CASE("latest_yearly: the value of the latest year of a yearly indicator, as parse_stat_field reads fields") {
    Properties p;
    p.append("pop_2021", std::int64_t{900});
    p.append("pop_2023", 1000.5);
    p.append("pop_2022", std::int64_t{950});
    p.append("pop_2024", std::string("n/a"));  // not a number: skipped
    p.append("pop_20x5", std::int64_t{5});      // not a year
    p.append("popx_2030", std::int64_t{7});     // another name
    p.append("budget_own_2030", std::int64_t{3});
    p.append("pop_osm", std::int64_t{1234});
    CHECK(latest_yearly(p, "pop") == 1000.5);
    CHECK(latest_yearly(p, "budget_own") == 3.0);
    CHECK_FALSE(latest_yearly(p, "budget_total"));
    CHECK_FALSE(latest_yearly(p, "pop_osm"));   // undated
    CHECK_FALSE(latest_yearly(p, "no_such"));   // unknown
    // Every field latest_yearly takes is one parse_stat_field reads as that indicator and year.
    for (const auto& [k, v] : p.entries()) {
        auto sf = parse_stat_field(k);
        bool yearly_pop = sf && sf->year && sf->indicator->name == "pop";
        CHECK(yearly_pop == (k == "pop_2021" || k == "pop_2022" || k == "pop_2023" || k == "pop_2024"));
        // field_year reads the same fields, with the same year.
        auto year = field_year(k, "pop");
        CHECK(year.has_value() == yearly_pop);
        if (year) CHECK(*year == *sf->year);
    }
    CHECK(field_year("budget_own_2030", "budget_own") == 2030);
    CHECK_FALSE(field_year("budget_own_2030", "budget"));
    CHECK_FALSE(field_year("pop_2023x", "pop"));
    CHECK_FALSE(field_year("pop_", "pop"));
}
