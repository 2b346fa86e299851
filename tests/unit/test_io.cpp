#include "helpers.hpp"

#include <atd/error.hpp>
#include <atd/io.hpp>

#include <doctest/doctest.h>
#include <sqlite3.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <thread>

#include <sys/stat.h>
#include <unistd.h>

using namespace atd;
using atd::test::TempFile;
namespace fs = std::filesystem;

namespace {
Feature settlement(const char* kato, double x, double y) {
    Feature f;
    f.props.append("feature_type", std::string("settlement"));
    f.props.append("kato", std::string(kato));
    f.props.append("pop_2023", std::int64_t{1200});
    f.props.append("share", 0.25);
    f.props.append("ok", true);
    f.geom = Geometry::point(x, y);
    return f;
}

std::string temp_dir() {
    std::string d = "/tmp/atd_io_XXXXXX";
    REQUIRE(mkdtemp(d.data()));
    return d;
}
}  // namespace

TEST_CASE("format names and extensions") {
    CHECK(format_from_name("gpkg") == Format::Gpkg);
    CHECK_FALSE(format_from_name("shp"));
    CHECK(format_from_path("a/b.GPKG") == Format::Gpkg);
    CHECK(format_from_path("x.geojsons") == Format::GeoJsonSeq);
    CHECK(format_from_path("x.geojson") == Format::GeoJson);
    CHECK_FALSE(format_from_path("x.txt"));
}

TEST_CASE("PostgreSQL destinations: PG: strings, passwords kept out of messages, table names") {
    CHECK(format_from_path("PG:dbname=atd") == Format::Pg);
    CHECK(format_from_path("pg:dbname=atd host=x.gpkg") == Format::Pg);
    CHECK(format_from_name("pg") == Format::Pg);
    CHECK(format_name(Format::Pg) == "pg");
    CHECK(is_pg_connection("Pg:service=atd"));
    CHECK_FALSE(is_pg_connection("PG"));
    CHECK_FALSE(is_pg_connection("PGdata/x.gpkg"));

    CHECK(redact_connection("PG:dbname=atd password=s3cret user=me") == "PG:dbname=atd password=*** user=me");
    CHECK(redact_connection("PG:password='a b\\' c' dbname=atd") == "PG:password=*** dbname=atd");
    CHECK(redact_connection("PG:dbname=atd password=x") == "PG:dbname=atd password=***");
    CHECK(input_name("PG:dbname=atd password=x") == "PG:dbname=atd password=***");
    CHECK(input_name("-") == "<stdin>");
    CHECK(input_name("") == "<stdin>");  // what FeatureSource::open reads for it
    CHECK(input_name("settlements.geojsons") == "settlements.geojsons");
    CHECK(redact_connection("PG:postgresql://me:s3cret@db.example/atd") == "PG:postgresql://me:***@db.example/atd");
    CHECK(redact_connection("PG:postgresql://db.example/atd") == "PG:postgresql://db.example/atd");
    CHECK(redact_connection("PG:dbname=atd") == "PG:dbname=atd");
    // Every spelling libpq and GDAL accept: spaces around '=', any case, tabs, URI query parameters.
    CHECK(redact_connection("PG:dbname=atd password = s3cret user=me") == "PG:dbname=atd password = *** user=me");
    CHECK(redact_connection("PG:dbname=atd PASSWORD=s3cret") == "PG:dbname=atd PASSWORD=***");
    CHECK(redact_connection("PG:Password =\t'a b' host=h") == "PG:Password =\t*** host=h");
    CHECK(redact_connection("PG:postgresql://db/atd?user=me&password=s3cret&sslmode=require") ==
          "PG:postgresql://db/atd?user=me&password=***&sslmode=require");
    CHECK(redact_connection("PG:password=a password=b") == "PG:password=*** password=***");
    CHECK(redact_connection("PG:dbname=atd sslpassword=s3cret") == "PG:dbname=atd sslpassword=***");
    CHECK(redact_connection("PG:password=ab&cd host=x") == "PG:password=*** host=x");
    CHECK(redact_connection("PG:dbname=x\npassword=s3cret") == "PG:dbname=x\npassword=***");
    CHECK(redact_connection("PG:postgresql://db/atd?sslpassword=s3cret&user=me") == "PG:postgresql://db/atd?sslpassword=***&user=me");
    // Not a password keyword: left as it is.
    CHECK(redact_connection("PG:dbname=mypassword=x") == "PG:dbname=mypassword=x");
    CHECK(redact_connection("PG:dbname=password") == "PG:dbname=password");

    CHECK_NOTHROW(check_table_name("proposals"));
    CHECK_NOTHROW(check_table_name("reform_2024.proposals_v2"));
    CHECK_NOTHROW(check_table_name("_x"));
    for (const char* bad : {"", "Proposals", "2024_proposals", "a.b.c", "a.", ".a", "a-b", "a b", "a;drop table x",
                            "a'b"})
        CHECK_THROWS_AS(check_table_name(bad), UsageError);
    CHECK_NOTHROW(check_table_name(std::string(63, 'a')));
    CHECK_THROWS_AS(check_table_name(std::string(64, 'a')), UsageError);
}

TEST_CASE("a PG: output that cannot connect is a data error naming the connection, never its password") {
    // Port 1 on the loopback: nothing listens, so the connection is refused at once.
    std::string conn = "PG:host=127.0.0.1 port=1 dbname=atd password=s3cret connect_timeout=2";
    CHECK_THROWS_WITH_AS(FeatureSink::open({Format::Pg, conn, false}),
                         doctest::Contains("PG:host=127.0.0.1 port=1 dbname=atd password=*** connect_timeout=2: "
                                           "cannot connect: "),
                         DataError);
    CHECK_THROWS_AS(FeatureSink::open({Format::Pg, conn, false, "Bad-Name"}), UsageError);
}

TEST_CASE("an output is written whole or not at all, and not over an existing file") {
    auto dir = temp_dir();
    std::string path = dir + "/out.geojsons";
    {
        auto sink = FeatureSink::open({Format::GeoJsonSeq, path, false});
        sink->write(settlement("101010000", 80, 50));
        CHECK_FALSE(fs::exists(path));  // still a temporary file
        // destroyed without finish(): nothing is left
    }
    CHECK(fs::is_empty(dir));
    {
        auto sink = FeatureSink::open({Format::GeoJsonSeq, path, false});
        sink->write(settlement("101010000", 80, 50));
        sink->finish();
    }
    CHECK(atd::test::read_file(path) ==
          R"({"type":"Feature","properties":{"feature_type":"settlement","kato":"101010000","pop_2023":1200,"share":0.25,"ok":true},"geometry":{"type":"Point","coordinates":[80,50]}})"
          "\n");
    CHECK_THROWS_WITH_AS(FeatureSink::open({Format::GeoJsonSeq, path, false}),
                         doctest::Contains("already exists; add --overwrite"), DataError);
    CHECK_NOTHROW(FeatureSink::open({Format::GeoJsonSeq, path, true}));
    CHECK_THROWS_AS(FeatureSink::open({Format::GeoJsonSeq, "/nonexistent-dir/x.geojsons", false}), DataError);
    CHECK_THROWS_AS(FeatureSink::open({Format::Gpkg, "", false}), UsageError);
    fs::remove_all(dir);
}

TEST_CASE("the temporary file lies in a private directory of a random name, and a link at the output is an output") {
    auto dir = temp_dir();
    std::string path = dir + "/out.geojsons";
    // A link planted where the old, predictable temporary name was goes nowhere.
    std::string victim = dir + "/victim.txt";
    std::ofstream(victim) << "keep me";
    fs::create_symlink(victim, dir + "/.out.tmp-" + std::to_string(::getpid()) + ".geojsons");
    {
        OutputFile out(path, false);
        fs::path temp(out.temp_path());
        CHECK(temp.filename() == "out.geojsons");
        std::string tdir = temp.parent_path().filename().string();
        CHECK(tdir.rfind(".out.geojsons.tmp-", 0) == 0);
        CHECK(tdir.size() == std::string(".out.geojsons.tmp-").size() + 6);
        CHECK((fs::status(temp.parent_path()).permissions() & fs::perms::all) == fs::perms::owner_all);
        std::fputs("x\n", out.stream());
        out.commit();
        CHECK_FALSE(fs::exists(temp.parent_path()));  // gone with the commit
    }
    CHECK(atd::test::read_file(victim) == "keep me");
    CHECK(atd::test::read_file(path) == "x\n");
    {
        OutputFile dropped(dir + "/other.geojsons", false);
        CHECK(fs::exists(dropped.temp_path()));
    }
    CHECK_FALSE(fs::exists(dir + "/other.geojsons"));
    int left = 0;
    for (const auto& e : fs::directory_iterator(dir)) left += e.path().filename().string().find(".tmp-") != std::string::npos &&
                                                         fs::is_directory(fs::symlink_status(e.path()));
    CHECK(left == 0);
    // A dangling link at the output is refused without --overwrite; with it, the link
    // itself is replaced and its target never created.
    std::string link = dir + "/link.geojsons";
    fs::create_symlink(dir + "/nowhere.geojsons", link);
    CHECK_THROWS_WITH_AS(OutputFile(link, false), doctest::Contains("already exists (a symbolic link)"), DataError);
    {
        OutputFile out(link, true);
        std::fputs("y\n", out.stream());
        out.commit();
    }
    CHECK_FALSE(fs::is_symlink(fs::symlink_status(link)));
    CHECK_FALSE(fs::exists(dir + "/nowhere.geojsons"));
    CHECK(atd::test::read_file(link) == "y\n");
    fs::remove_all(dir);
}

TEST_CASE("CSV and GeoPackage outputs go to a device or a named pipe as they go to a file") {
    auto dir = temp_dir();
    std::string file = dir + "/out.csv", fifo = dir + "/out.fifo";
    auto write_to = [](const std::string& path, Format f) {
        auto sink = FeatureSink::open({f, path, true});
        sink->write(settlement("101010000", 80, 50));
        sink->finish();
    };
    write_to(file, Format::Csv);
    REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);
    std::string got;
    std::thread reader([&] { got = atd::test::read_file(fifo); });
    write_to(fifo, Format::Csv);
    reader.join();
    CHECK(got == atd::test::read_file(file));
    CHECK_FALSE(got.empty());
    CHECK_NOTHROW(write_to("/dev/null", Format::Csv));
    CHECK_NOTHROW(write_to("/dev/null", Format::Gpkg));
    fs::remove_all(dir);
}

TEST_CASE("input_bytes: the size of regular files, 0 for anything else") {
    auto dir = temp_dir();
    std::string a = dir + "/a.geojsons", b = dir + "/b.geojsons";
    { std::ofstream(a) << std::string(1000, 'x'); }
    { std::ofstream(b) << std::string(24, 'y'); }
    CHECK(input_bytes({a}) == 1000);
    CHECK(input_bytes({a, b}) == 1024);
    CHECK(input_bytes({a, "-"}) == 0);
    CHECK(input_bytes({a, dir + "/missing.geojsons"}) == 0);
    CHECK(input_bytes({dir}) == 0);
    fs::remove_all(dir);
}

TEST_CASE("GeoPackage round trip keeps types, layers and geometry") {
    auto dir = temp_dir();
    std::string path = dir + "/t.gpkg";
    {
        auto sink = FeatureSink::open({Format::Gpkg, path, false});
        sink->write(settlement("101010000", 80.25, 50.4));
        Feature u;
        u.props.append("feature_type", std::string("unit"));
        u.props.append("kato", std::string("101000000"));
        u.geom.type = GeomType::Polygon;
        u.geom.xy = {80, 50, 81, 50, 81, 51, 80, 50};
        u.geom.ring_ends = {4};
        sink->write(u);
        sink->finish();
    }
    Log log;
    auto back = read_all(path, {}, log);
    REQUIRE(back.size() == 2);
    // Layers come back in creation order: settlements, then units.
    const auto& s = back[0];
    CHECK(s.props.get_string("kato") == "101010000");
    CHECK(std::get<std::int64_t>(*s.props.find("pop_2023")) == 1200);
    CHECK(std::get<double>(*s.props.find("share")) == 0.25);
    CHECK(std::get<bool>(*s.props.find("ok")));
    CHECK(s.geom == Geometry::point(80.25, 50.4));
    CHECK(back[1].geom.type == GeomType::Polygon);
    CHECK(layer_name_for(back[1]) == "units");
    fs::remove_all(dir);
    // SQLite kept no memory statistics through all that (their global mutex
    // is off before main): with them, its memory in use is never 0 here.
    sqlite3_int64 used = -1, highest = -1;
    CHECK(sqlite3_status64(SQLITE_STATUS_MEMORY_USED, &used, &highest, 0) == SQLITE_OK);
    CHECK(used == 0);
    CHECK(highest == 0);
}

TEST_CASE("GeoPackage layers take every field of their features, each with the widest type seen") {
    auto dir = temp_dir();
    std::string path = dir + "/t.gpkg";
    auto unit = [](const char* kato, bool multi) {
        Feature u;
        u.props.append("feature_type", std::string("unit"));
        u.props.append("kato", std::string(kato));
        u.geom.type = multi ? GeomType::MultiPolygon : GeomType::Polygon;
        u.geom.xy = {80, 50, 81, 50, 81, 51, 80, 50};
        u.geom.ring_ends = {4};
        if (multi) u.geom.part_ends = {1};
        return u;
    };
    {
        auto sink = FeatureSink::open({Format::Gpkg, path, false});
        Feature a = settlement("101010001", 80, 50);
        a.props.append("mixed_num", std::int64_t{3});
        a.props.append("mixed_text", std::int64_t{7});
        a.props.append("flag_then_int", true);
        a.props.append("never_set", Value{});
        a.props.append("nested", RawJson{R"({"a":[1,2]})"});
        sink->write(a);
        sink->write(unit("101000000", false));
        // The same fields in another order, two new ones, and wider values.
        Feature b;
        b.props.append("kato", std::string("101010002"));
        b.props.append("feature_type", std::string("settlement"));
        b.props.append("mixed_text", std::string("seven"));
        b.props.append("mixed_num", 2.5);
        b.props.append("flag_then_int", std::int64_t{4});
        b.props.append("late", std::string("x"));
        b.props.append("ok", false);
        b.geom = Geometry::point(81, 51);
        sink->write(b);
        sink->write(unit("102000000", true));
        sink->finish();
    }
    Log log;
    auto back = read_all(path, {}, log);
    REQUIRE(back.size() == 4);
    const auto &s1 = back[0], &s2 = back[1];
    CHECK(s1.props.get_string("kato") == "101010001");
    CHECK(s2.props.get_string("kato") == "101010002");
    CHECK(std::get<double>(*s1.props.find("mixed_num")) == 3.0);  // int and real: real
    CHECK(std::get<double>(*s2.props.find("mixed_num")) == 2.5);
    CHECK(std::get<std::string>(*s1.props.find("mixed_text")) == "7");  // int and text: text
    CHECK(std::get<std::string>(*s2.props.find("mixed_text")) == "seven");
    CHECK(std::get<std::int64_t>(*s1.props.find("flag_then_int")) == 1);  // a bool among ints is no longer a bool
    CHECK(std::get<std::int64_t>(*s2.props.find("flag_then_int")) == 4);
    CHECK(std::get<bool>(*s1.props.find("ok")));
    CHECK_FALSE(std::get<bool>(*s2.props.find("ok")));
    CHECK(is_null(*s2.props.find("pop_2023")));  // not in b
    CHECK(s2.props.get_string("late") == "x");
    CHECK(s1.props.find("late") != nullptr);
    CHECK(is_null(*s1.props.find("late")));
    CHECK(s1.props.find("never_set") != nullptr);
    CHECK(is_null(*s1.props.find("never_set")));
    CHECK(s1.props.get_string("nested") == R"({"a":[1,2]})");
    CHECK(s2.geom == Geometry::point(81, 51));
    // A layer of polygons and multipolygons is a multipolygon layer.
    CHECK(back[2].geom.type == GeomType::MultiPolygon);
    CHECK(back[3].geom.type == GeomType::MultiPolygon);
    CHECK(back[3].props.get_string("kato") == "102000000");
    fs::remove_all(dir);
}

TEST_CASE("GeoPackage layers: a feature without geometry, a key given twice, a layer without fields") {
    auto dir = temp_dir();
    std::string path = dir + "/t.gpkg";
    {
        auto sink = FeatureSink::open({Format::Gpkg, path, false});
        sink->write(settlement("101010001", 80, 50));
        Feature bare;  // no geometry, a key twice: the last value set wins
        bare.props.append("feature_type", std::string("settlement"));
        bare.props.append("kato", std::string("101010002"));
        bare.props.append("pop_2023", std::int64_t{7});
        bare.props.append("pop_2023", std::int64_t{9});
        sink->write(bare);
        Feature empty;  // a layer of its own ("features") with no field at all
        empty.geom = Geometry::point(81, 51);
        sink->write(empty);
        sink->finish();
    }
    Log log;
    auto back = read_all(path, {}, log);
    REQUIRE(back.size() == 3);
    CHECK(back[0].geom == Geometry::point(80, 50));
    CHECK(back[1].props.get_string("kato") == "101010002");
    CHECK(back[1].geom.empty());
    CHECK(std::get<std::int64_t>(*back[1].props.find("pop_2023")) == 9);
    CHECK(back[2].geom == Geometry::point(81, 51));
    CHECK(back[2].props.empty());
    fs::remove_all(dir);
}

TEST_CASE("CSV output with WKT geometry") {
    auto dir = temp_dir();
    std::string path = dir + "/t.csv";
    auto sink = FeatureSink::open({Format::Csv, path, false});
    sink->write(settlement("101010000", 80.25, 50.4));
    sink->finish();
    std::string text = atd::test::read_file(path);
    CHECK(text.find("WKT,feature_type,kato,pop_2023,share,ok") == 0);
    // GDAL quotes text that looks like a number, so codes keep their leading zeros in spreadsheets.
    CHECK(text.find(R"x("POINT (80.25 50.4)",settlement,"101010000",)x") != std::string::npos);
    fs::remove_all(dir);
}

TEST_CASE("GDAL sources: projected CSV with --src-crs, missing files, declared CRS in GeoJSON") {
    Log log;
    TempFile csv("kato,WKT\n101010000,POINT (8905559.263461886 6446275.841017158)\n", ".csv");
    ReadOptions ro;
    ro.src_crs = "EPSG:3857";
    auto f = read_all(csv.path(), ro, log);
    REQUIRE(f.size() == 1);
    CHECK(f[0].geom.xy[0] == doctest::Approx(80.0));
    CHECK_THROWS_WITH_AS(read_all(csv.path(), {}, log), doctest::Contains("seems projected: give its CRS with --src-crs"), DataError);
    CHECK_THROWS_WITH_AS(read_all("/nonexistent/file.geojson", {}, log), "/nonexistent/file.geojson: no such file",
                         DataError);
    TempFile gj(R"({"type":"FeatureCollection","crs":{"type":"name","properties":{"name":"urn:ogc:def:crs:EPSG::3857"}},"features":[{"type":"Feature","properties":{},"geometry":{"type":"Point","coordinates":[8905559.263461886,6446275.841017158]}}]})");
    auto g = read_all(gj.path(), {}, log);
    REQUIRE(g.size() == 1);
    CHECK(g[0].geom.xy[1] == doctest::Approx(50.0));
}

namespace {
// n settlements as a GeoJSON Sequence, kato "K<i>"; the feature at `bad` (if any) has a broken geometry.
std::string sequence_of(std::size_t n, std::size_t bad = SIZE_MAX) {
    std::string text;
    for (std::size_t i = 0; i < n; ++i) {
        if (i == bad) {
            text += "{\"type\":\"Feature\",\"properties\":{},\"geometry\":{\"type\":\"Point\",\"coordinates\":[1]}}\n";
            continue;
        }
        Feature f = settlement(("K" + std::to_string(i)).c_str(), 70 + 0.001 * static_cast<double>(i), 48);
        append_feature_json(text, f);
        text += '\n';
    }
    return text;
}
}  // namespace

TEST_CASE("read_features gives every feature in input order across batches and inputs, on any number of threads") {
    TempFile a(sequence_of(5000), ".geojsons"), b(sequence_of(3), ".geojsons");
    for (std::size_t threads : {1u, 2u, 4u}) {
        CAPTURE(threads);
        Log log({}, Verbosity::Quiet);
        std::vector<std::string> katos, wheres;
        std::vector<std::size_t> indices;
        read_features(
            {a.path(), b.path()}, {}, log,
            [&](Feature& f, const FeatureOrigin& at) {
                katos.push_back(f.props.get_string("kato").value_or("?"));
                indices.push_back(at.index);
                if (at.index == 0 || at.index == 4999 || at.index == 5002) wheres.push_back(at.where());
            },
            [](Feature& f) { f.props.set("kato", f.props.get_string("kato").value_or("") + "!"); }, threads);
        REQUIRE(katos.size() == 5003);
        CHECK(katos[0] == "K0!");
        CHECK(katos[4999] == "K4999!");
        CHECK(katos[5000] == "K0!");  // the second input
        CHECK(katos[5002] == "K2!");
        for (std::size_t i = 0; i < indices.size(); ++i) REQUIRE(indices[i] == i);
        REQUIRE(wheres.size() == 3);
        CHECK(wheres[0] == a.path() + ": feature 1 (line 1)");
        CHECK(wheres[1] == a.path() + ": feature 5000 (line 5000)");
        CHECK(wheres[2] == b.path() + ": feature 3 (line 3)");
    }
}

TEST_CASE("read_features: an error comes after the features before it, as if read serially") {
    TempFile bad(sequence_of(4500, 4321), ".geojsons");
    for (std::size_t threads : {1u, 2u, 3u}) {
        CAPTURE(threads);
        Log log({}, Verbosity::Quiet);
        std::size_t taken = 0;
        auto take = [&](Feature&, const FeatureOrigin&) { ++taken; };
        std::string error;
        try {
            read_features({bad.path()}, {}, log, take, {}, threads);
        } catch (const DataError& e) {
            error = e.what();
        }
        CHECK(error.rfind(bad.path() + ": feature 4322 (line 4322): ", 0) == 0);
        CHECK(taken == 4321);
        // An error in prepare is cut the same way; an error in take stops the reading there.
        taken = 0;
        auto prepare = [](Feature& f) {
            if (f.props.get_string("kato") == "K3000") throw DataError("prepare failed at K3000");
        };
        CHECK_THROWS_WITH(read_features({bad.path()}, {}, log, take, prepare, threads), "prepare failed at K3000");
        CHECK(taken == 3000);
        taken = 0;
        auto take_fails = [&](Feature&, const FeatureOrigin& at) {
            if (at.index == 10) throw DataError("take failed at " + at.where());
            ++taken;
        };
        CHECK_THROWS_WITH(read_features({bad.path()}, {}, log, take_fails, prepare, threads),
                          ("take failed at " + bad.path() + ": feature 11 (line 11)").c_str());
        CHECK(taken == 10);
    }
}

TEST_CASE("map_features writes the changed features in input order, the same on any number of threads") {
    TempFile in(sequence_of(5000), ".geojsons");
    std::string dir = temp_dir();
    std::atomic<std::size_t> misplaced{0};  // features whose index is not their place in the input
    auto change = [&](Feature& f, std::size_t index) {
        f.props.set("mark", f.props.get_string("kato").value_or("") + "?");
        if (f.props.get_string("kato") != "K" + std::to_string(index)) ++misplaced;
    };
    std::vector<std::string> outputs;
    for (std::size_t threads : {1u, 3u}) {
        for (Format format : {Format::GeoJsonSeq, Format::Csv}) {  // GeoJSON text made on the workers, or features
            std::string path = dir + "/out" + std::to_string(threads) + (format == Format::Csv ? ".csv" : ".geojsons");
            Log log({}, Verbosity::Quiet);
            auto sink = FeatureSink::open(WriteOptions(format, path, false));
            CHECK(map_features({in.path()}, {}, log, *sink, change, threads) == 5000);
            sink->finish();
            std::ifstream file(path);
            outputs.push_back(std::string(std::istreambuf_iterator<char>(file), {}));
        }
    }
    REQUIRE(outputs.size() == 4);
    CHECK(misplaced == 0);
    CHECK(outputs[0] == outputs[2]);
    CHECK(outputs[1] == outputs[3]);
    CHECK(outputs[0].find("\"kato\":\"K4999\"") != std::string::npos);
    CHECK(outputs[0].find("\"mark\":\"K0?\"") < outputs[0].find("\"mark\":\"K1?\""));
    // An error in change comes in input order, and the unfinished output is not left behind.
    for (std::size_t threads : {1u, 3u}) {
        Log log({}, Verbosity::Quiet);
        std::string path = dir + "/failed.geojsons";
        {
            auto sink = FeatureSink::open(WriteOptions(Format::GeoJsonSeq, path, false));
            auto fail = [](Feature& f, std::size_t) {
                auto kato = f.props.get_string("kato");
                if (kato == "K2500" || kato == "K4000") throw DataError("change failed at " + *kato);
            };
            CHECK_THROWS_WITH(map_features({in.path()}, {}, log, *sink, fail, threads), "change failed at K2500");
        }
        CHECK_FALSE(fs::exists(path));
    }
    fs::remove_all(dir);
}

TEST_CASE("an input with no features is an error unless empty inputs are allowed") {
    Log log([](std::string_view) {});
    TempFile empty("\n", ".geojsons");
    ReadOptions read;
    try {
        read_all(empty.path(), read, log);
        FAIL("an empty input was accepted");
    } catch (const DataError& e) {
        CHECK(std::string(e.what()) == "no features in " + empty.path() + " (--allow-empty accepts an empty input)");
    }
    read.allow_empty = true;
    CHECK(read_all(empty.path(), read, log).empty());
    CHECK(FeatureSpill::read_options().allow_empty);
}
