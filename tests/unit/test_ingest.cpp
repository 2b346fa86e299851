#include "helpers.hpp"

#include <atd/error.hpp>
#include <atd/ingest.hpp>

#include <doctest/doctest.h>

#include <vector>

using namespace atd;
using atd::test::MemorySink;
using atd::test::TempFile;

namespace {

const char* kClassifier =
    "kato,parent_kato,depth,unit_kind,type_abbr,name_ru\n"
    "590000000,,1,oblast,,Северо-Казахстанская область\n"
    "594200000,590000000,2,district,,Айыртауский район\n"
    "594230000,594200000,3,rural_okrug,,Арыкбалыкский с.о.\n"
    "594230100,594230000,4,village,с.,Арыкбалык\n"
    "594230300,594230000,4,kent,п.,Карасевка\n"
    "594230102,594230100,5,sub_village,с.,Малый\n";
}  // namespace

TEST_CASE("the classifier becomes units and settlements with joins") {
    TempFile kato(kClassifier, ".csv");
    TempFile points("kato,lon,lat,name_kk\n594230100,68.5,53.2,Арықбалық\n594230102,68.6,53.3,\n999999999,1,1,\n", ".csv");
    TempFile stats_long("kato,year,indicator,value\n594230100,2023,pop,1500\n594230100,2022,pop,1480\n594200000,2023,pop,30000\n", ".csv");
    TempFile stats_wide("kato;pop_2021;emp_agri_2021\n594230100;1470;310,5\n594230300;;12\n", ".csv");
    TempFile cats("kato,category,category_source\n594230300,aul,bns_2023\n", ".csv");
    IngestOptions o;
    o.kato = kato.path();
    o.points = points.path();
    o.stats = {stats_long.path(), stats_wide.path()};
    o.categories = {cats.path()};
    std::vector<std::string> lines;
    Log log([&](std::string_view l) { lines.emplace_back(l); });
    Progress progress;
    MemorySink sink;
    auto s = ingest(o, sink, log, progress);
    CHECK(sink.finished);
    CHECK(s.units == 3);
    CHECK(s.settlements == 2);
    CHECK(sink.features.size() == 5);
    // Units first, each group sorted by code.
    CHECK(sink.features[0].props.get_string("kato") == "590000000");
    CHECK(sink.features[3].props.get_string("kato") == "594230100");
    const Feature* v = sink.find("settlement", "594230100");
    REQUIRE(v);
    CHECK(v->geom == Geometry::point(68.5, 53.2));
    CHECK(v->props.get_string("name_kk") == "Арықбалық");
    CHECK(v->props.get_string("okrug_kato") == "594230000");
    CHECK(v->props.get_string("district_kato") == "594200000");
    CHECK(v->props.get_string("category") == "aul");
    CHECK(v->props.get_number("pop_2023") == 1500);
    CHECK(v->props.get_number("pop_2021") == 1470);
    CHECK(v->props.get_number("emp_agri_2021") == 310.5);
    const Feature* k = sink.find("settlement", "594230300");
    CHECK(k->props.get_string("category") == "aul");
    CHECK(k->props.get_string("category_source") == "bns_2023");
    CHECK(k->geom.empty());
    CHECK(k->props.get_string("geom_source") == "none");
    CHECK(sink.find("unit", "594200000")->props.get_number("pop_2023") == 30000);
    CHECK(sink.find("unit", "594200000")->props.get_number("n_settlements") == 2);
    CHECK(s.points.matched == 1);
    CHECK(s.points.unmatched == 1);
    CHECK(s.points.sub_localities == 1);
    CHECK(s.stats.matched == 6);  // the empty wide-form cell is no record
}

TEST_CASE("conflicts are counted, or errors with --strict") {
    TempFile kato(kClassifier, ".csv");
    TempFile a("kato,pop_2023\n594230100,1500\n", ".csv");
    TempFile b("kato,pop_2023\n594230100,1600\n594230100,1500\n", ".csv");
    IngestOptions o;
    o.kato = kato.path();
    o.stats = {a.path(), b.path()};
    Log log;
    Progress progress;
    MemorySink sink;
    auto s = ingest(o, sink, log, progress);
    CHECK(s.stats.conflicts == 1);
    CHECK(s.stats.duplicates == 1);
    CHECK(sink.find("settlement", "594230100")->props.get_number("pop_2023") == 1500);
    o.strict = true;
    MemorySink sink2;
    CHECK_THROWS_WITH_AS(ingest(o, sink2, log, progress),
                         doctest::Contains("line 2: pop_2023 of 594230100 is 1600 but was already 1500"), DataError);
}

TEST_CASE("statistics tables: errors name the line") {
    Log log;
    std::size_t ignored = 0;
    auto error_of = [&](const std::string& text) {
        TempFile t(text, ".csv");
        try {
            read_stats_table(t.path(), log, false, ignored);
        } catch (const DataError& e) {
            return std::string(e.what());
        }
        return std::string();
    };
    CHECK(error_of("kato,year,indicator,value\n594230100,2023,pop,nan\n").find("line 2: value 'nan' is not a finite number") != std::string::npos);
    CHECK(error_of("kato,year,indicator,value\n594230100,2023,pop,1e999\n").find("is out of range") != std::string::npos);
    CHECK(error_of("kato,year,indicator,value\n59423010,2023,pop,1\n").find("line 2: KATO code '59423010' has 8 digits") != std::string::npos);
    CHECK(error_of("kato,year,indicator,value\n594230100,1800,pop,1\n").find("year '1800'") != std::string::npos);
    CHECK(error_of("kato,pop_2023\n594230100,abc\n").find("line 2: pop_2023 'abc' is not a number") != std::string::npos);
    CHECK(error_of("name,pop_2023\nx,1\n").find("no 'kato' column") != std::string::npos);
    CHECK(error_of("kato,year,indicator,value\n594230100,2023,unknown_thing,1\n").empty());
    CHECK(ignored == 1);
}

TEST_CASE("pass-through canonicalises codes and streams") {
    TempFile in(R"({"type":"Feature","properties":{"kato":594230100,"parent_kato":594230000,"x":1},"geometry":null})"
                "\n",
                ".geojsons");
    TempFile st("kato,pop_2023\n594230100,7\n", ".csv");
    IngestOptions o;
    o.inputs = {in.path()};
    o.stats = {st.path()};
    Log log;
    Progress progress;
    MemorySink sink;
    ingest(o, sink, log, progress);
    REQUIRE(sink.features.size() == 1);
    CHECK(sink.features[0].props.get_string("kato") == "594230100");
    CHECK(std::holds_alternative<std::string>(*sink.features[0].props.find("parent_kato")));
    CHECK(sink.features[0].props.get_number("pop_2023") == 7);

    TempFile bad(R"({"type":"Feature","properties":{"kato":59423010},"geometry":null})" "\n", ".geojsons");
    o.inputs = {bad.path()};
    o.stats.clear();
    MemorySink sink2;
    CHECK_THROWS_WITH_AS(ingest(o, sink2, log, progress), doctest::Contains("feature 1 (line 1): kato '59423010' has 8 digits"), DataError);
}

TEST_CASE("usage errors") {
    Log log;
    Progress progress;
    MemorySink sink;
    IngestOptions o;
    CHECK_THROWS_AS(ingest(o, sink, log, progress), UsageError);
    o.points = "x.csv";
    o.inputs = {"y"};
    CHECK_THROWS_AS(ingest(o, sink, log, progress), UsageError);
}
