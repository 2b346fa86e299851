#include <atd/feature.hpp>

#include <doctest/doctest.h>

#include <cmath>
#include <cstdio>
#include <limits>
#include <random>
#include <string>

using namespace atd;

TEST_CASE("properties keep order; set replaces in place") {
    Properties p;
    p.append("kato", std::string("101010000"));
    p.append("pop_2023", std::int64_t{5});
    p.set("name_ru", std::string("Семей"));
    p.set("pop_2023", 6.5);
    REQUIRE(p.size() == 3);
    CHECK(p.entries()[1].first == "pop_2023");
    CHECK(p.get_number("pop_2023") == 6.5);
    CHECK(p.get_string("kato") == "101010000");
    CHECK_FALSE(p.get_number("kato"));
    CHECK(p.erase("kato"));
    CHECK_FALSE(p.find("kato"));
    CHECK_FALSE(p.erase("kato"));
}

TEST_CASE("retain keeps the accepted fields in their order") {
    Properties p;
    for (const char* k : {"kato", "pop_2022", "note", "pop_2023", "name_ru", "note"}) p.append(k, std::string(k));
    p.retain([](std::string_view k) { return k != "note" && k != "name_ru"; });
    REQUIRE(p.size() == 3);
    CHECK(p.entries()[0].first == "kato");
    CHECK(p.entries()[1].first == "pop_2022");
    CHECK(p.entries()[2].first == "pop_2023");
    CHECK(p.get_string("pop_2023") == "pop_2023");
    p.retain([](std::string_view) { return false; });
    CHECK(p.empty());
}

namespace {
int computed = 0;
std::size_t length_of(std::string_view k) {
    ++computed;
    return k.size();
}
}  // namespace

TEST_CASE("KeyCache computes each key once and finds it again in shifted records") {
    KeyCache<std::size_t> cache(length_of);
    computed = 0;
    auto read = [&](std::initializer_list<std::string_view> keys) {
        cache.start();
        for (auto k : keys) CHECK(cache.get(k) == k.size());
    };
    read({"kato", "category", "pop_2023"});
    read({"kato", "note", "category", "pop_2023"});  // a field more
    read({"category", "pop_2023"});                  // a field less
    read({"pop_2023", "kato", "category", "note"});  // another order
    CHECK(computed == 4);
    // Records of ever new keys: the cache starts again past its bound, and stays right.
    cache.start();
    for (int i = 0; i < 5000; ++i) {
        std::string k = "extra_" + std::to_string(i);
        CHECK(cache.get(k) == k.size());
    }
    read({"kato", "category"});
    CHECK(computed == 4 + 5000 + 2);
}

TEST_CASE("values as text and numbers") {
    CHECK(as_text(Value{std::int64_t{-4}}) == "-4");
    CHECK(as_text(Value{2.5}) == "2.5");
    CHECK(as_text(Value{true}) == "true");
    CHECK(as_text(Value{}).empty());
    CHECK(as_number(Value{std::int64_t{3}}) == 3.0);
    CHECK_FALSE(as_number(Value{true}));
    CHECK(geom_type_from_name("MultiPolygon") == GeomType::MultiPolygon);
    CHECK_FALSE(geom_type_from_name("GeometryCollection"));
}

TEST_CASE("fixed_text writes what printf's %.*f writes, at any size") {
    auto printf_text = [](double v, int digits) {
        char buf[400];
        std::snprintf(buf, sizeof buf, "%.*f", digits, v);
        return std::string(buf);
    };
    // Exact ties (0.125, 2.5) round to even in both, as the binary value is exact.
    for (double v : {0.0, -0.0, 0.125, 2.5, 3.5, -2.5, 0.1, 1e-7, 123456.789, -1e15, 1e22, 1.7976931348623157e308,
                     4.9e-324, std::numeric_limits<double>::infinity(), -std::numeric_limits<double>::infinity()})
        for (int digits = 0; digits <= 6; ++digits) CHECK(fixed_text(v, digits) == printf_text(v, digits));
    std::mt19937_64 rng(7);
    std::uniform_real_distribution<double> mantissa(-1.0, 1.0);
    std::uniform_int_distribution<int> exponent(-12, 40);
    for (int k = 0; k < 20000; ++k) {
        double v = std::ldexp(mantissa(rng), exponent(rng));
        int digits = static_cast<int>(rng() % 7);
        CHECK(fixed_text(v, digits) == printf_text(v, digits));
    }
    CHECK(fixed_text(std::nan(""), 2) == printf_text(std::nan(""), 2));
    CHECK(fixed_text(1e300, 1).size() == 303);  // all 301 digits, where a short buffer cut them
}
