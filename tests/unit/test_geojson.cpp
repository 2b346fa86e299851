#include "helpers.hpp"

#include <atd/error.hpp>
#include <atd/geojson.hpp>
#include <atd/io.hpp>
#include <atd/log.hpp>
#include <atd/model.hpp>

#include <doctest/doctest.h>

#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <limits>
#include <random>
#include <string>
#include <vector>

using namespace atd;
using atd::test::TempFile;

namespace {
std::vector<Feature> parse(const std::string& text) {
    TempFile t(text);
    std::FILE* fp = std::fopen(t.path().c_str(), "rb");
    GeoJsonReader r(fp, "in.json");
    std::vector<Feature> out;
    Feature f;
    try {
        while (r.next(f)) out.push_back(f);
    } catch (...) {
        std::fclose(fp);
        throw;
    }
    std::fclose(fp);
    return out;
}

std::string error_of(const std::string& text) {
    try {
        parse(text);
    } catch (const DataError& e) {
        return e.what();
    }
    return "";
}

std::string to_json(const Feature& f) {
    std::string s;
    append_feature_json(s, f);
    return s;
}
}  // namespace

TEST_CASE("sequences, collections and single features read alike") {
    const std::string a = R"({"type":"Feature","properties":{"kato":"101010000","pop":5},"geometry":{"type":"Point","coordinates":[80.25,50.4]}})";
    const std::string b = R"({"type":"Feature","properties":{"kato":"101033100"},"geometry":null})";
    auto seq = parse(a + "\n" + b + "\n");
    auto rs = parse("\x1e" + a + "\n\x1e" + b + "\n");
    auto fc = parse("{\n \"type\": \"FeatureCollection\",\n \"features\": [\n" + a + ",\n" + b + "\n]\n}\n");
    auto fc_line = parse(R"({"type":"FeatureCollection","features":[)" + a + "," + b + "]}");
    auto single = parse("{\n\"type\":\"Feature\",\n\"properties\":{\"kato\":\"101010000\",\"pop\":5},\n"
                        "\"geometry\":{\"type\":\"Point\",\"coordinates\":[80.25,50.4]}\n}\n");
    REQUIRE(seq.size() == 2);
    for (const auto* other : {&rs, &fc, &fc_line}) {
        REQUIRE(other->size() == 2);
        CHECK(to_json((*other)[0]) == to_json(seq[0]));
        CHECK(to_json((*other)[1]) == to_json(seq[1]));
    }
    REQUIRE(single.size() == 1);
    CHECK(to_json(single[0]) == to_json(seq[0]));
    CHECK(to_json(seq[0]) == a);
    CHECK(to_json(seq[1]) == b);
}

TEST_CASE("empty input has no features") {
    CHECK(parse("").empty());
    CHECK(parse("\n\n  \n").empty());
}

TEST_CASE("property values keep their JSON types") {
    auto f = parse(R"({"type":"Feature","properties":{"s":"Қостанай \"x\"","i":-3,"d":2.5,"b":true,"n":null,"o":{"a":[1,2]},"big":18446744073709551615},"geometry":null})");
    REQUIRE(f.size() == 1);
    const auto& p = f[0].props;
    CHECK(std::get<std::string>(*p.find("s")) == "Қостанай \"x\"");
    CHECK(std::get<std::int64_t>(*p.find("i")) == -3);
    CHECK(std::get<double>(*p.find("d")) == 2.5);
    CHECK(std::get<bool>(*p.find("b")));
    CHECK(is_null(*p.find("n")));
    CHECK(std::get<RawJson>(*p.find("o")).text == R"({"a":[1,2]})");
    CHECK(std::holds_alternative<double>(*p.find("big")));
}

TEST_CASE("every number is read as written, however many digits it has") {
    // simdjson 3.0.1 reads some of these as 0 in its fast path.
    auto f = parse(R"({"type":"Feature","properties":{"a":800.00000000000000000000,"b":1.23456789012345678901e5,)"
                   R"("c":0.1000000000000000055511151231257827,"d":-0.000000000000000000001,"e":12345678901234567890,)"
                   R"("g":100000000000000000000000000000,"h":9007199254740993,"i":-9223372036854775808,"j":800})"
                   R"(,"geometry":{"type":"Point","coordinates":[70.00000000000000000001,52.1234567890123456789]}})");
    REQUIRE(f.size() == 1);
    const auto& p = f[0].props;
    CHECK(std::get<double>(*p.find("a")) == 800.0);
    CHECK(std::get<double>(*p.find("b")) == 123456.789012345678901);
    CHECK(std::get<double>(*p.find("c")) == 0.1);
    CHECK(std::get<double>(*p.find("d")) == -1e-21);
    CHECK(std::get<double>(*p.find("e")) == 12345678901234567890.0);
    CHECK(std::get<double>(*p.find("g")) == 1e29);
    CHECK(std::get<std::int64_t>(*p.find("h")) == 9007199254740993);
    CHECK(std::get<std::int64_t>(*p.find("i")) == INT64_MIN);
    CHECK(std::get<std::int64_t>(*p.find("j")) == 800);
    REQUIRE(f[0].geom.xy.size() == 2);
    CHECK(f[0].geom.xy[0] == 70.0);
    CHECK(f[0].geom.xy[1] == 52.1234567890123456789);
    // Out of a double's range: an error naming the property, never a number read as another.
    CHECK(error_of(R"({"type":"Feature","properties":{"x":1e400000000000000},"geometry":null})")
              .find("property 'x': not a valid number") != std::string::npos);
    CHECK(error_of(R"({"type":"Feature","properties":{},"geometry":{"type":"Point","coordinates":[1e400000000000000,1]}})")
              .find("coordinate") != std::string::npos);
}

TEST_CASE("every geometry type round-trips") {
    const char* geoms[] = {
        R"({"type":"Point","coordinates":[1.5,2]})",
        R"({"type":"MultiPoint","coordinates":[[1,2],[3,4]]})",
        R"({"type":"LineString","coordinates":[[1,2],[3,4],[5,6]]})",
        R"({"type":"MultiLineString","coordinates":[[[1,2],[3,4]],[[5,6],[7,8]]]})",
        R"({"type":"Polygon","coordinates":[[[0,0],[4,0],[4,4],[0,0]],[[1,1],[2,1],[2,2],[1,1]]]})",
        R"({"type":"MultiPolygon","coordinates":[[[[0,0],[1,0],[1,1],[0,0]]],[[[5,5],[6,5],[6,6],[5,5]],[[5.1,5.1],[5.2,5.1],[5.2,5.2],[5.1,5.1]]]]})",
    };
    for (const char* g : geoms) {
        std::string text = std::string(R"({"type":"Feature","properties":{},"geometry":)") + g + "}";
        auto f = parse(text);
        REQUIRE(f.size() == 1);
        std::string out;
        append_geometry_json(out, f[0].geom);
        CHECK(out == g);
    }
    auto mp = parse(R"({"type":"Feature","properties":{},"geometry":{"type":"MultiPolygon","coordinates":[[[[0,0],[1,0],[1,1],[0,0]]],[[[5,5],[6,5],[6,6],[5,5]],[[5.1,5.1],[5.2,5.1],[5.2,5.2],[5.1,5.1]]]]}})");
    CHECK(mp[0].geom.ring_ends == std::vector<std::uint32_t>{4, 8, 12});
    CHECK(mp[0].geom.part_ends == std::vector<std::uint32_t>{1, 3});
}

TEST_CASE("written_as: text exactly as atd writes a feature, and where its properties close") {
    const std::string canonical =
        R"({"type":"Feature","properties":{"kato":"101010000","name_ru":"Qala \"A\"\n","pop_2023":1200,"share":0.25,"ok":true,"none":null},)"
        R"("geometry":{"type":"Polygon","coordinates":[[[70,50],[70.5,50],[70.5,50.5],[70,50]]]}})";
    auto f = parse(canonical);
    REQUIRE(f.size() == 1);
    REQUIRE(to_json(f[0]) == canonical);
    auto at = written_as(canonical, f[0]);
    REQUIRE(at);
    CHECK(canonical[*at] == '}');
    CHECK(canonical.substr(*at, 13) == R"(},"geometry":)");
    // Other text for the same feature is not what atd writes.
    for (const std::string& other : {
             canonical.substr(0, canonical.size() - 1),                      // cut short
             canonical + " ",                                                // more after it
             std::string(canonical).replace(canonical.find("1200"), 4, "1200.0"),  // a real, not an integer
             std::string(canonical).replace(canonical.find(",\"share"), 1, ", "),  // a space
             std::string(canonical).replace(canonical.find("70.5"), 4, "70.50"),    // another spelling
             std::string(canonical).replace(canonical.find("Qala"), 1, "\\u0051"),  // an escape not needed
             std::string(canonical).replace(canonical.find("\\\"A"), 2, "\"A"),   // a quote not escaped
             std::string(canonical).replace(canonical.find("\"kato\""), 6, "kato"),  // a key without quotes
         })
        CHECK_FALSE(written_as(other, f[0]));
    // Another feature's text: the first difference decides.
    CHECK_FALSE(written_as(canonical, parse(R"({"type":"Feature","properties":{"kato":"101010001"},"geometry":null})")[0]));
    Feature empty;
    CHECK(written_as(R"({"type":"Feature","properties":{},"geometry":null})", empty) == std::size_t{32});
    CHECK_FALSE(written_as("", empty));
}

TEST_CASE("members may come in any order") {
    auto f = parse(R"({"geometry":{"coordinates":[3,4],"type":"Point"},"properties":{"k":1},"type":"Feature"})");
    REQUIRE(f.size() == 1);
    CHECK(f[0].geom == Geometry::point(3, 4));
}

TEST_CASE("errors name the feature and the line") {
    const std::string ok = R"({"type":"Feature","properties":{},"geometry":null})";
    CHECK(error_of(ok + "\n" + ok + "\n" + R"({"type":"Feature","properties":{"a":1,},"geometry":null})" + "\n")
              .find("in.json: feature 3 (line 3): invalid JSON") == 0);
    CHECK(error_of(ok + "\n" + R"({"type":"Feature","properties":{"a":)").find("feature 2 (line 2)") != std::string::npos);
    CHECK(error_of("hello world\n").find("not GeoJSON") != std::string::npos);
    CHECK(error_of(R"({"type":"Feature","properties":{},"geometry":{"type":"GeometryCollection","geometries":[]}})")
              .find("GeometryCollection is not supported") != std::string::npos);
    CHECK(error_of(R"({"type":"Feature","properties":{},"geometry":{"type":"Polygon","coordinates":[1,2]}})")
              .find("wrong nesting depth") != std::string::npos);
    CHECK(error_of(R"({"type":"Feature","properties":{"x":1e999},"geometry":null})").find("feature 1") !=
          std::string::npos);
    CHECK(error_of(R"({"type":"Feature","properties":{"x":NaN},"geometry":null})").find("invalid JSON") !=
          std::string::npos);
    CHECK(error_of(R"({"type":"Point","coordinates":[1,2]})").find("expected a Feature or FeatureCollection") !=
          std::string::npos);
    CHECK(error_of(ok + " {}\n").find("feature 1 (line 1): unexpected text after the object") != std::string::npos);
    CHECK(error_of(ok + " trailing\n").find("feature 1 (line 1): unexpected text after the object") != std::string::npos);
    CHECK(error_of(ok + ",\n").find("feature 1 (line 1): unexpected text after the object") != std::string::npos);
    CHECK(error_of("{\"type\":\"FeatureCollection\",\"features\":[\n" + ok + ",\n" +
                   R"({"type":"Feature","properties":{"a":tru},"geometry":null})" + "]}")
              .find("in.json: feature 2: ") == 0);
}

namespace {
// Features of a file read in batches, parsed apart as the tools' workers do;
// the first error's message, if any, in error.
std::vector<std::string> read_in_batches(const std::string& text, std::string& error) {
    TempFile t(text);
    Log log;
    auto src = FeatureSource::open(t.path(), ReadOptions{}, log);
    std::vector<std::string> out;
    FeatureBatch b;
    try {
        while (src->read_batch(b, 3)) {
            src->parse(b);
            for (std::size_t k = 0; k < b.size(); ++k) out.push_back(to_json(b.features[k]));
            if (b.error) std::rethrow_exception(b.error);
        }
    } catch (const DataError& e) {
        error = e.what();
    }
    return out;
}
}  // namespace

TEST_CASE("a sequence read in batches and parsed apart gives what next() gives, errors included") {
    const std::string ok = R"({"type":"Feature","properties":{"kato":"101010000","pop":5},"geometry":{"type":"Point","coordinates":[80.25,50.4]}})";
    const std::string bad = R"({"type":"Feature","properties":{"a":1,},"geometry":null})";
    const std::string fc = R"({"type":"FeatureCollection","features":[)" + ok + "]}";
    std::string seq;
    for (int i = 0; i < 10; ++i) seq += ok + "\n\n";
    for (const std::string& text : {seq, seq + bad + "\n", seq + ok + " {}\n", seq + fc + "\n",
                                     seq + R"({"type":"Feature","properties":{"a":)",
                                     "\x1e" + ok + "\n\x1e" + ok + "\n\x1e" + bad + "\n", fc + "\n" + ok + "\n"}) {
        CAPTURE(text);
        std::string batch_error, serial_error;
        auto batched = read_in_batches(text, batch_error);
        // Serially: every feature before the first error, then the error.
        std::vector<std::string> serial;
        {
            TempFile t(text);
            std::FILE* fp = std::fopen(t.path().c_str(), "rb");
            GeoJsonReader r(fp, "in.json");
            Feature f;
            try {
                while (r.next(f)) serial.push_back(to_json(f));
            } catch (const DataError& e) {
                serial_error = std::string(e.what()).substr(std::string(e.what()).find(": feature"));
            }
            std::fclose(fp);
        }
        if (!batch_error.empty()) batch_error = batch_error.substr(batch_error.find(": feature"));
        CHECK(batch_error == serial_error);
        CHECK(batched == serial);
    }
    std::string error;
    read_in_batches(seq + bad + "\n", error);
    CHECK(error.find(": feature 11 (line 21): invalid JSON") != std::string::npos);
    read_in_batches(seq + fc + "\n", error);
    CHECK(error.find(": feature 11 (line 21): a FeatureCollection after the first record") != std::string::npos);
    // A collection on one line as the first record is read whole.
    CHECK(read_in_batches(fc + "\n", error).size() == 1);
}

TEST_CASE("numbers are written without the locale and keep reals real") {
    std::string s;
    append_json_number(s, 5.0);
    s += ' ';
    append_json_number(s, 0.1);
    s += ' ';
    append_json_number(s, 1e21);
    s += ' ';
    append_json_number(s, std::numeric_limits<double>::quiet_NaN());
    CHECK(s == "5.0 0.1 1e+21 null");
    std::string t;
    append_json_string(t, "a\"b\\c\n\x01");
    CHECK(t == R"("a\"b\\c\n\u0001")");
}

TEST_CASE("shortest_chars writes what std::to_chars writes") {
    auto general = [](double d) {
        char buf[32];
        return std::string(buf, std::to_chars(buf, buf + sizeof buf, d).ptr);
    };
    auto fast = [](double d) {
        char buf[32];
        return std::string(buf, shortest_chars(buf, d));
    };
    std::size_t checked = 0, differ = 0;
    auto check = [&](double d) {
        ++checked;
        if (fast(d) != general(d)) {
            ++differ;
            if (differ <= 5) MESSAGE("differs for " << general(d) << ": " << fast(d));
        }
    };
    for (double d : {0.0, -0.0, 1.0, -1.0, 0.5, 0.1, 0.001, 0.0001, 1e-7, 9.99e-8, 1e6, 1e5, 123456.0, 1234500000.0,
                     100.0, 1e14, 999999999999999.0, 1e15, 1e15 - 0.125, 9007199254740991.0, 0.3, 2.675, 1.005,
                     51.123456, 76.9456789, 1e-5, 1.5e-5, 12345678.9, 0.000123456789})
        check(d);
    std::mt19937_64 rng(20261122);
    std::uniform_int_distribution<std::int64_t> digits(1, 999999999999);
    for (int i = 0; i < 200000; ++i) {
        // Short decimals c·10^-k of every length and scale, both signs.
        const int k = static_cast<int>(rng() % 13);
        const std::int64_t c = digits(rng) % static_cast<std::int64_t>(std::pow(10.0, 1 + static_cast<double>(rng() % 12)));
        double d = static_cast<double>(c) / std::pow(10.0, k);
        check(rng() % 2 ? d : -d);
        // Values rounded as the scores are, and any double at all.
        double x = std::ldexp(static_cast<double>(rng() % 1000000) / 1e6, static_cast<int>(rng() % 80) - 40);
        check(std::round(x * 1e4) / 1e4);
        std::uint64_t bits = rng();
        double any;
        std::memcpy(&any, &bits, sizeof any);
        if (std::isfinite(any)) check(any);
    }
    CHECK(checked > 500000);
    CHECK(differ == 0);
}

TEST_CASE("append_json_string escapes at any place in long strings") {
    // The expected text, one byte at a time.
    auto escaped = [](const std::string& s) {
        std::string out = "\"";
        for (unsigned char c : s) {
            if (c == '"') out += "\\\"";
            else if (c == '\\') out += "\\\\";
            else if (c == '\n') out += "\\n";
            else if (c == '\r') out += "\\r";
            else if (c == '\t') out += "\\t";
            else if (c < 0x20) {
                char buf[8];
                std::snprintf(buf, sizeof buf, "\\u%04x", c);
                out += buf;
            } else out += static_cast<char>(c);
        }
        return out + "\"";
    };
    // Cyrillic (bytes above 0x7f), then each byte that needs escaping, and its
    // neighbours that do not, at every offset of a 40-byte string.
    const std::string base = "Аксу kent 19 Жаңа ауыл";
    std::size_t checked = 0;
    for (int c : {int{'"'}, int{'\\'}, int{'\n'}, int{'\r'}, int{'\t'}, 0x01, 0x1f, 0x00, int{' '}, int{'!'}, int{'#'}, int{'['}, int{']'}, 0x7f, 0xa0})
        for (std::size_t at = 0; at <= base.size(); ++at) {
            std::string s = base;
            s.insert(at, 1, static_cast<char>(c));
            s.insert(std::min(s.size(), at + 9), 1, static_cast<char>(c));
            std::string t;
            append_json_string(t, s);
            CHECK(t == escaped(s));
            ++checked;
        }
    CHECK(checked == 15 * (base.size() + 1));
}

TEST_CASE("a field filter keeps what it accepts of records that start with their feature_type") {
    const std::string settlement =
        R"({"type":"Feature","properties":{"feature_type":"settlement","kato":"101010100","junk":"x","pop_2023":5,"huge":1e999},"geometry":null})";
    const std::string unit = R"({"type":"Feature","properties":{"feature_type":"unit","kato":"101010000","name_ru":"U"},"geometry":null})";
    const std::string late = R"({"type":"Feature","properties":{"kato":"101010200","feature_type":"settlement","junk":1},"geometry":null})";
    const std::string untyped = R"({"type":"Feature","properties":{"feature_type":null,"junk":2},"geometry":null})";
    auto keys = [](const Feature& f) {
        std::string s;
        for (const auto& [k, v] : f.props.entries()) s += k + ";";
        return s;
    };
    auto read = [&](const std::string& text, const FieldFilter& filter, std::size_t threads) {
        TempFile t(text);
        Log log({}, Verbosity::Quiet);
        ReadOptions ro;
        ro.keep_field = filter;
        std::vector<std::string> out;
        read_features({t.path()}, ro, log, [&](Feature& f, const FeatureOrigin&) { out.push_back(keys(f)); }, {}, threads);
        return out;
    };
    auto wanted = [](std::string_view k) { return k == "kato" || field_year(k, "pop").has_value(); };
    // Several records, so that the first is read alone and the rest are parsed
    // apart on the workers; and the same features in a FeatureCollection.
    std::string seq, collection = R"({"type":"FeatureCollection","features":[)";
    for (int i = 0; i < 5; ++i) {
        seq += settlement + "\n" + unit + "\n" + late + "\n" + untyped + "\n";
        collection += std::string(i ? "," : "") + settlement + "," + unit + "," + late + "," + untyped;
    }
    collection += "]}";
    for (const std::string& text : {seq, collection}) {
        for (std::size_t threads : {1, 2}) {
            CAPTURE(threads);
            auto kept = read(text, settlement_fields(wanted), threads);
            REQUIRE(kept.size() == 20);
            for (std::size_t i = 0; i < 20; i += 4) {
                CHECK(kept[i] == "feature_type;kato;pop_2023;");  // the 1e999 was skipped unread
                CHECK(kept[i + 1] == "feature_type;kato;name_ru;");
                CHECK(kept[i + 2] == "kato;feature_type;junk;");  // not first: every field
                CHECK(kept[i + 3] == "feature_type;junk;");       // a null type: every field
            }
            auto settlements_only = read(text, settlement_fields(wanted, false), threads);
            REQUIRE(settlements_only.size() == 20);
            CHECK(settlements_only[0] == "feature_type;kato;pop_2023;");
            CHECK(settlements_only[1] == "feature_type;");
        }
    }
    // Without a filter, every field is read, and the number out of range is an error.
    TempFile t(seq);
    Log log({}, Verbosity::Quiet);
    CHECK_THROWS_WITH_AS(read_features({t.path()}, ReadOptions{}, log, [](Feature&, const FeatureOrigin&) {}),
                         doctest::Contains("feature 1 (line 1): property 'huge'"), DataError);
}

TEST_CASE("settlement filters on one thread each keep their own answers") {
    auto a = settlement_fields([](std::string_view k) { return k == "a"; });
    auto b = settlement_fields([](std::string_view k) { return k == "b"; });
    for (int round = 0; round < 3; ++round) {
        for (std::string_view k : {"a", "b", "c"}) {
            CHECK(a("settlement", k) == (k == "a"));
            CHECK(b("settlement", k) == (k == "b"));
        }
        CHECK(a("unit", "c"));
        CHECK_FALSE(settlement_fields([](std::string_view) { return true; }, false)("unit", "a"));
    }
}

TEST_CASE("a key given twice is refused, whichever copy a reader would take") {
    CHECK(error_of(R"({"type":"Feature","properties":{"pop":800,"pop":0},"geometry":null})") ==
          "in.json: feature 1 (line 1): property 'pop' appears twice");
    CHECK(error_of(R"({"type":"Feature","properties":{"a":1},"geometry":null,"properties":{"a":2}})") ==
          "in.json: feature 1 (line 1): member \"properties\" appears twice");
    CHECK(error_of(R"({"type":"Feature","properties":{},"geometry":{"type":"Point","coordinates":[1,2],"coordinates":[3,4]}})")
              .find("\"coordinates\" appears twice") != std::string::npos);
    // A feature reused after one with the same keys in another order still checks.
    auto text = std::string(R"({"type":"Feature","properties":{"a":1,"b":2},"geometry":null})") + "\n" +
                R"({"type":"Feature","properties":{"b":1,"b":2},"geometry":null})" + "\n";
    CHECK(error_of(text) == "in.json: feature 2 (line 2): property 'b' appears twice");
    CHECK(parse(R"({"type":"Feature","properties":{"a":1,"b":2},"geometry":null})")[0].props.size() == 2);
}

TEST_CASE("an escaped NUL is refused; other control characters are kept but escaped in messages") {
    CHECK(error_of(R"({"type":"Feature","properties":{"name":"Ak\u0000su"},"geometry":null})") ==
          "in.json: feature 1 (line 1): property 'name': text holds a NUL character (\\u0000)");
    auto f = parse(R"({"type":"Feature","properties":{"name":"a\nb\u001b"},"geometry":null})");
    CHECK(*f[0].props.get_string("name") == "a\nb\x1b");
    CHECK(std::string(DataError("x\ny\x1b[2J\t\xc2\x85z").what()) == "x\\ny\\x1b[2J\\t\\u0085z");
    CHECK(escape_controls(escape_controls("a\nb")) == "a\\nb");
    CHECK(escape_controls("Ақсу") == "Ақсу");
}

TEST_CASE("text that is not UTF-8 is refused as such") {
    CHECK(error_of("{\"type\":\"Feature\",\"properties\":{\"name\":\"\xcf\xe5\"},\"geometry\":null}")
              .find("not UTF-8") != std::string::npos);
}
