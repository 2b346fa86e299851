#include <atd/error.hpp>
#include <atd/kato.hpp>

#include <doctest/doctest.h>

#include <cstdio>
#include <fstream>
#include <string>

using namespace atd;

TEST_CASE("kato_problem accepts 9 digits and names what is wrong otherwise") {
    CHECK_FALSE(kato_problem("101010000"));
    CHECK(*kato_problem("10101000") == "'10101000' has 8 digits, expected 9");
    CHECK(*kato_problem("1010100000") == "'1010100000' has 10 digits, expected 9");
    CHECK(kato_problem("10101000a")->find("other than digits") != std::string::npos);
    CHECK(*kato_problem("") == "is empty");
}

TEST_CASE("kato_from_value takes strings and 9-digit integers") {
    std::string problem;
    CHECK(kato_from_value(Value{std::string(" 101010000 ")}, problem) == "101010000");
    CHECK(kato_from_value(Value{std::int64_t{101010000}}, problem) == "101010000");
    CHECK_FALSE(kato_from_value(Value{std::int64_t{1010100}}, problem));
    CHECK(problem.find("7 digits") != std::string::npos);
    CHECK_FALSE(kato_from_value(Value{1.5}, problem));
    CHECK_FALSE(kato_from_value(Value{}, problem));
    CHECK(problem == "is null");
}

TEST_CASE("code levels and the parent prefix rule") {
    CHECK(kato_code_level("000000000") == 0);
    CHECK(kato_code_level("100000000") == 1);
    CHECK(kato_code_level("101000000") == 2);
    CHECK(kato_code_level("101033000") == 3);
    CHECK(kato_code_level("101033100") == 4);
    CHECK(kato_extends("101033100", "101033000"));
    CHECK(kato_extends("101033102", "101033100"));  // depth-5 locality under its settlement
    CHECK(kato_extends("101000000", "100000000"));
    CHECK_FALSE(kato_extends("111033100", "101033000"));
    CHECK_FALSE(kato_extends("101033100", "101033100"));
}

namespace {
std::string write_temp(const std::string& text) {
    char name[] = "/tmp/atd_kato_XXXXXX";
    int fd = mkstemp(name);
    REQUIRE(fd >= 0);
    std::FILE* f = fdopen(fd, "wb");
    std::fwrite(text.data(), 1, text.size(), f);
    std::fclose(f);
    return name;
}
}  // namespace

TEST_CASE("the classifier loads, sorts and walks the hierarchy") {
    auto path = write_temp(
        "kato,parent_kato,depth,unit_kind,type_abbr,name_ru\n"
        "101033100,101033000,4,village,с.,Абралы\n"
        "100000000,,1,oblast,,область Абай\n"
        "101000000,100000000,2,city_administration,,Семей Г.А.\n"
        "101033000,101000000,3,rural_okrug,,Абралинский с.о.\n");
    auto k = KatoClassifier::load(path);
    std::remove(path.c_str());
    REQUIRE(k.entries().size() == 4);
    CHECK(k.entries().front().code == "100000000");
    const KatoEntry* v = k.find("101033100");
    REQUIRE(v);
    CHECK(v->name_ru == "Абралы");
    CHECK(k.ancestor_at(*v, 2)->code == "101000000");
    CHECK(k.ancestor_at(*v, 1)->code == "100000000");
    CHECK(k.ancestor_at(*v, 4) == v);
}

TEST_CASE("the classifier rejects broken hierarchies with the line") {
    auto check_error = [](const std::string& body, const std::string& words) {
        auto path = write_temp("kato,parent_kato,depth,unit_kind,name_ru\n" + body);
        std::string msg;
        try {
            KatoClassifier::load(path);
        } catch (const DataError& e) {
            msg = e.what();
        }
        std::remove(path.c_str());
        INFO(msg);
        CHECK(msg.find(words) != std::string::npos);
    };
    check_error("100000000,,1,oblast,A\n101000000,190000000,2,district,B\n", "line 3: parent 190000000");
    check_error("100000000,,1,oblast,A\n100000000,,1,oblast,B\n", "appears twice (first at line 2)");
    check_error("100000000,,1,oblast,A\n10100000,100000000,2,district,B\n", "8 digits");
    check_error("100000000,,1,oblast,A\n101000000,100000000,3,district,B\n", "has depth 3 but its parent");
    check_error("100000000,,1,oblast,A\n111000000,100000000,2,district,B\n", "does not lie under");
    check_error("100000000,,x,oblast,A\n", "depth 'x' is not 1 to 5");
}
