#include "helpers.hpp"

#include <atd/error.hpp>
#include <atd/standards.hpp>

#include <doctest/doctest.h>

#include <cmath>
#include <functional>
#include <set>

using namespace atd;
using atd::test::TempFile;

namespace {

const std::string kProfile = ATD_TEST_DATA "/../../datasets/standards/kz.toml";

std::string bundled_text() {
    std::string t = atd::test::read_file(kProfile);
    REQUIRE_FALSE(t.empty());
    return t;
}

// The 1-based line of the first occurrence of needle.
std::size_t line_of(const std::string& text, const std::string& needle) {
    auto pos = text.find(needle);
    REQUIRE(pos != std::string::npos);
    std::size_t line = 1;
    for (std::size_t i = 0; i < pos; ++i)
        if (text[i] == '\n') ++line;
    return line;
}

// The bundled text with one piece replaced (it must be there).
std::string edited(const std::string& from, const std::string& to) {
    std::string t = bundled_text();
    auto pos = t.find(from);
    REQUIRE(pos != std::string::npos);
    t.replace(pos, from.size(), to);
    return t;
}

// The DataError message of parsing text, or "" when it parses.
std::string parse_error(const std::string& text, const std::string& name = "test.toml") {
    try {
        Standards::parse(text, name);
    } catch (const DataError& e) {
        return e.what();
    }
    return "";
}

std::string usage_error(const std::function<void()>& f) {
    try {
        f();
    } catch (const UsageError& e) {
        return e.what();
    }
    return "";
}

bool contains(const std::string& s, const std::string& part) { return s.find(part) != std::string::npos; }

const char* kSevere = R"(severe_growth = { value = -0.02, label = "PROPOSED", source = "C", note = "round value; calibrate on BNS series" })";

}  // namespace

TEST_CASE("the bundled profile loads and holds every key of the schema") {
    Standards st = Standards::load(kProfile);
    CHECK(st.name() == "kz");
    CHECK(st.path() == kProfile);
    std::set<std::string> keys;
    for (const auto& k : st.keys()) keys.insert(k);
    CHECK(keys.size() == standards_schema().size());
    for (const auto& spec : standards_schema()) {
        CAPTURE(spec.key);
        REQUIRE(st.has(spec.key));
        const Param& p = st.param(spec.key);
        CHECK((p.label == "LAW" || p.label == "OFFICIAL" || p.label == "STD" || p.label == "PROPOSED"));
        CHECK_FALSE(p.source.empty());
        CHECK(p.line > 0);
        CHECK(std::isfinite(p.value));
        if (spec.integer) CHECK(std::nearbyint(p.value) == p.value);
    }
    // The values the rules depend on (METHODOLOGY §1-§4).
    CHECK(st.get("city_district.min_population") == 10000);
    CHECK(st.get("city_district.window_years") == 3);
    CHECK(st.get("city_district.demotion_window_years") == 5);
    CHECK(st.get("city_district.min_infrastructure_index") == 1.0);
    CHECK(st.get("kent.min_population") == 3000);
    CHECK(st.get("aul.min_population") == 50);
    CHECK(st.get("aul.window_years") == 3);
    CHECK(st.get("windows.city_years") == 5);
    CHECK(st.get("windows.rural_years") == 3);
    CHECK(st.get("c1.severe_growth") == -0.02);
    CHECK(st.get("c2.structural_outmigration") == -10.0);
    CHECK(st.get("c4.attach_min_commuting_share") == 0.15);
    CHECK(st.get("c4.detach_max_distance_km") == 25.0);
    CHECK(st.get("c8.min_support") == 0.5);
    CHECK(st.get("c8.min_turnout") == 0.10);
    CHECK(st.get("support.satellite_radius_km") == 15.0);
    // Lines point into the file.
    std::string text = bundled_text();
    CHECK(st.param("c1.severe_growth").line == line_of(text, "severe_growth ="));
    CHECK(st.param("c1.severe_growth").note == "round value; calibrate on BNS series");
}

TEST_CASE("the default profile path is the bundled one unless ATD_STANDARDS says otherwise") {
    CHECK_FALSE(Standards::default_path().empty());
    Standards st = Standards::load(Standards::default_path());
    CHECK(st.keys().size() == standards_schema().size());
}

TEST_CASE("a profile that cannot be read is a DataError naming the file") {
    try {
        Standards::load("/nonexistent/kz.toml");
        FAIL("no error");
    } catch (const DataError& e) {
        CHECK(contains(e.what(), "/nonexistent/kz.toml"));
    }
}

TEST_CASE("cite gives the label and the source") {
    Standards st = Standards::load(kProfile);
    CHECK(st.cite("city_district.min_population") == "LAW L9");
    CHECK(st.cite("c4.attach_min_commuting_share") == "STD I2");
    CHECK(st.cite("c1.severe_growth") == "PROPOSED C");
    CHECK(st.cite("aul.window_years") == "OFFICIAL L10");
    CHECK(contains(usage_error([&] { st.cite("c1.nope"); }), "c1.nope"));
    CHECK(contains(usage_error([&] { st.get("nope"); }), "nope"));
}

TEST_CASE("an unknown key names the key and its line") {
    std::string text = edited(kSevere, std::string(kSevere) + "\nsevere_groth = { value = -0.03, label = \"PROPOSED\", source = \"C\" }");
    std::string e = parse_error(text);
    CHECK(contains(e, "test.toml"));
    CHECK(contains(e, "unknown key 'c1.severe_groth'"));
    CHECK(contains(e, "line " + std::to_string(line_of(text, "severe_groth"))));
}

TEST_CASE("a key in an unknown section names the section.key and its line") {
    std::string text = bundled_text() + "\n[c9]\nweight = { value = 1.0, label = \"PROPOSED\", source = \"C\" }\n";
    std::string e = parse_error(text);
    CHECK(contains(e, "unknown key 'c9.weight'"));
    CHECK(contains(e, "line " + std::to_string(line_of(text, "weight = { value = 1.0, label = \"PROPOSED\", source = \"C\" }\n"))));
}

TEST_CASE("an empty unknown section is rejected too (standards.hpp: unknown sections are DataErrors)") {
    // A misspelt section header whose keys were moved elsewhere, or a leftover: the
    // header comment of standards.hpp promises an error for an unknown section.
    std::string text = bundled_text() + "\n[c9]\n";
    std::string e = parse_error(text);
    CHECK(contains(e, "c9"));
    CHECK(contains(e, "line " + std::to_string(line_of(text, "[c9]"))));
}

TEST_CASE("a section that is not a table, and a parameter that is not an inline table") {
    std::string text = "c0 = 3\n" + bundled_text();
    CHECK(contains(parse_error(text), "line 1"));
    CHECK(contains(parse_error(text), "'c0' must be a table"));
    std::string t2 = edited(kSevere, "severe_growth = -0.02");
    std::string e2 = parse_error(t2);
    CHECK(contains(e2, "'c1.severe_growth' must be { value = ..., label = ..., source = ... }"));
    CHECK(contains(e2, "line " + std::to_string(line_of(t2, "severe_growth = -0.02"))));
}

TEST_CASE("an unknown field inside a parameter names the field, the key and the line") {
    std::string text = edited(kSevere, R"(severe_growth = { value = -0.02, label = "PROPOSED", source = "C", nota = "x" })");
    std::string e = parse_error(text);
    CHECK(contains(e, "unknown field 'nota' in 'c1.severe_growth'"));
    CHECK(contains(e, "line " + std::to_string(line_of(text, "severe_growth ="))));
}

TEST_CASE("unknown keys in [profile] are rejected, and its values must be strings") {
    std::string t1 = edited("name = \"kz\"", "name = \"kz\"\nauthor = \"x\"");
    std::string e1 = parse_error(t1);
    CHECK(contains(e1, "unknown key 'profile.author'"));
    CHECK(contains(e1, "line " + std::to_string(line_of(t1, "author"))));
    std::string t2 = edited("name = \"kz\"", "name = 7");
    CHECK(contains(parse_error(t2), "'profile.name' must be a string"));
    // Without a name the file's stem is used.
    Standards st = Standards::parse(edited("name = \"kz\"\n", ""), "/some/where/mine.toml");
    CHECK(st.name() == "mine");
}

TEST_CASE("wrong value types name the key and the line") {
    SUBCASE("a string value") {
        std::string text = edited(R"(severe_growth = { value = -0.02,)", R"(severe_growth = { value = "-0.02",)");
        std::string e = parse_error(text);
        CHECK(contains(e, "'c1.severe_growth' value must be a number"));
        CHECK(contains(e, "line " + std::to_string(line_of(text, "severe_growth ="))));
    }
    SUBCASE("a boolean value") {
        std::string text = edited(R"(severe_growth = { value = -0.02,)", R"(severe_growth = { value = true,)");
        CHECK(contains(parse_error(text), "'c1.severe_growth' value must be a number"));
    }
    SUBCASE("a float for an integer key") {
        std::string from = R"([city_district]
min_population = { value = 10000,)";
        std::string text = edited(from, "[city_district]\nmin_population = { value = 10000.5,");
        std::string e = parse_error(text);
        CHECK(contains(e, "'city_district.min_population' must be a whole number"));
        CHECK(contains(e, "line " + std::to_string(line_of(text, "value = 10000.5"))));
    }
    SUBCASE("an integer for a float key is fine") {
        std::string text = edited(R"(urban_centre_density = { value = 1500.0,)", R"(urban_centre_density = { value = 1500,)");
        Standards st = Standards::parse(text, "test.toml");
        CHECK(st.get("c3.urban_centre_density") == 1500.0);
    }
    SUBCASE("a label or a source that is not a string") {
        std::string text = edited(R"(source = "C", note = "round value)", R"(source = 3, note = "round value)");
        std::string e = parse_error(text);
        CHECK(contains(e, "'c1.severe_growth.source' must be a string"));
        CHECK(contains(e, "line " + std::to_string(line_of(text, "severe_growth ="))));
    }
    SUBCASE("a value that is not finite") {
        std::string text = edited(R"(severe_growth = { value = -0.02,)", R"(severe_growth = { value = -inf,)");
        CHECK(contains(parse_error(text), "'c1.severe_growth' value must be finite"));
    }
}

TEST_CASE("a missing value, label or source names the key and its line") {
    SUBCASE("value") {
        std::string text = edited(kSevere, R"(severe_growth = { label = "PROPOSED", source = "C" })");
        std::string e = parse_error(text);
        CHECK(contains(e, "'c1.severe_growth' has no value"));
        CHECK(contains(e, "line " + std::to_string(line_of(text, "severe_growth ="))));
    }
    SUBCASE("label") {
        std::string text = edited(kSevere, R"(severe_growth = { value = -0.02, source = "C" })");
        std::string e = parse_error(text);
        CHECK(contains(e, "'c1.severe_growth' needs a label: LAW, OFFICIAL, STD or PROPOSED"));
        CHECK(contains(e, "line " + std::to_string(line_of(text, "severe_growth ="))));
    }
    SUBCASE("a bad label") {
        std::string text = edited(kSevere, R"(severe_growth = { value = -0.02, label = "GUESS", source = "C" })");
        std::string e = parse_error(text);
        CHECK(contains(e, "'c1.severe_growth' needs a label"));
        CHECK(contains(e, "line " + std::to_string(line_of(text, "severe_growth ="))));
    }
    SUBCASE("a label in the wrong case") {
        std::string text = edited(kSevere, R"(severe_growth = { value = -0.02, label = "law", source = "C" })");
        CHECK(contains(parse_error(text), "needs a label"));
    }
    SUBCASE("source") {
        std::string text = edited(kSevere, R"(severe_growth = { value = -0.02, label = "PROPOSED" })");
        std::string e = parse_error(text);
        CHECK(contains(e, "'c1.severe_growth' needs a source key"));
        CHECK(contains(e, "line " + std::to_string(line_of(text, "severe_growth ="))));
    }
    SUBCASE("an empty source") {
        std::string text = edited(kSevere, R"(severe_growth = { value = -0.02, label = "PROPOSED", source = "" })");
        CHECK(contains(parse_error(text), "needs a source key"));
    }
}

TEST_CASE("negative values are rejected except for growth and out-migration thresholds") {
    std::string text = edited("min_population = { value = 50,", "min_population = { value = -50,");
    std::string e = parse_error(text);
    CHECK(contains(e, "'aul.min_population' must not be negative"));
    CHECK(contains(e, "line " + std::to_string(line_of(text, "value = -50"))));
    std::string t2 = edited(R"(satellite_radius_km = { value = 15.0,)", R"(satellite_radius_km = { value = -15.0,)");
    CHECK(contains(parse_error(t2), "'support.satellite_radius_km' must not be negative"));
    // The bundled profile itself has negative growth and migration thresholds.
    CHECK(parse_error(bundled_text()).empty());
}

TEST_CASE("a TOML syntax error gives its line") {
    std::string text = edited(kSevere, R"(severe_growth = { value = -0.02, label = "PROPOSED" source = "C" })");
    std::string e = parse_error(text);
    CHECK(contains(e, "test.toml: line " + std::to_string(line_of(text, "severe_growth ="))));
    std::string t2 = bundled_text() + "\n[c1\n";
    CHECK(contains(parse_error(t2), "line " + std::to_string(line_of(t2, "[c1\n"))));
    // A key given twice is a TOML error as well.
    std::string t3 = edited(kSevere, std::string(kSevere) + "\n" + kSevere);
    std::string e3 = parse_error(t3);
    CHECK_FALSE(e3.empty());
    CHECK(contains(e3, "line "));
}

TEST_CASE("a missing required key is named") {
    std::string text = edited(R"(weight_trade = { value = 1.0, label = "PROPOSED", source = "L9" })", "");
    std::string e = parse_error(text, "mine.toml");
    CHECK(contains(e, "mine.toml"));
    CHECK(contains(e, "missing required value 'c7.weight_trade'"));
    CHECK(contains(parse_error("", "empty.toml"), "missing required value"));
}

TEST_CASE("load reports the path it was given") {
    TempFile t(edited(kSevere, R"(severe_growth = { value = "x", label = "PROPOSED", source = "C" })"), ".toml");
    try {
        Standards::load(t.path());
        FAIL("no error");
    } catch (const DataError& e) {
        CHECK(contains(e.what(), t.path() + ": line "));
        CHECK(contains(e.what(), "c1.severe_growth"));
    }
}

TEST_CASE("set and set_from_text change one value and check it") {
    Standards st = Standards::load(kProfile);
    st.set("city_district.min_population", 9000);
    CHECK(st.get("city_district.min_population") == 9000);
    st.set_from_text("c4.attach_min_commuting_share=0.2");
    CHECK(st.get("c4.attach_min_commuting_share") == 0.2);
    st.set_from_text("c1.severe_growth=-0.05");  // negative where the profile allows it
    CHECK(st.get("c1.severe_growth") == -0.05);
    st.set_from_text("aul.min_population=1e2");
    CHECK(st.get("aul.min_population") == 100);
    // The label and source stay.
    CHECK(st.cite("city_district.min_population") == "LAW L9");

    CHECK(contains(usage_error([&] { st.set("c1.nope", 1); }), "unknown standards key 'c1.nope'"));
    CHECK(contains(usage_error([&] { st.set_from_text("c1.nope=1"); }), "unknown standards key 'c1.nope'"));
    CHECK(contains(usage_error([&] { st.set_from_text("c8.min_support=half"); }), "'half' is not a number for 'c8.min_support'"));
    CHECK(contains(usage_error([&] { st.set_from_text("c8.min_support=0.5x"); }), "is not a number"));
    CHECK(contains(usage_error([&] { st.set_from_text("c8.min_support="); }), "is not a number"));
    CHECK(contains(usage_error([&] { st.set_from_text("c8.min_support"); }), "expected KEY=VALUE"));
    CHECK(contains(usage_error([&] { st.set_from_text("aul.min_population=50.5"); }), "'aul.min_population' must be a whole number"));
    CHECK(contains(usage_error([&] { st.set("aul.window_years", 2.5); }), "must be a whole number"));
    CHECK(contains(usage_error([&] { st.set_from_text("c8.min_support=nan"); }), "must be a finite number"));
    CHECK(contains(usage_error([&] { st.set_from_text("c8.min_support=inf"); }), "must be a finite number"));
    // Failed sets leave the value alone.
    CHECK(st.get("c8.min_support") == 0.5);
    CHECK(st.get("aul.min_population") == 100);
}

TEST_CASE("set rejects a negative value where the profile file would") {
    // Standards::parse refuses a negative aul.min_population; --set must not let one in.
    Standards st = Standards::load(kProfile);
    CHECK(contains(usage_error([&] { st.set_from_text("aul.min_population=-5"); }), "aul.min_population"));
    CHECK(contains(usage_error([&] { st.set("support.satellite_radius_km", -1.0); }), "support.satellite_radius_km"));
}

TEST_CASE("a window of zero years is rejected, in the file and by set") {
    // An empty window has no minimum or maximum: with 0 years every kent would pass
    // R1 and every aul would be abolished by R6 (seen with --set aul.window_years=0).
    for (const char* key : {"windows.city_years", "windows.rural_years", "city_district.window_years",
                            "city_district.demotion_window_years", "aul.window_years"}) {
        CAPTURE(key);
        Standards st = Standards::load(kProfile);
        double before = st.get(key);
        CHECK(contains(usage_error([&] { st.set_from_text(std::string(key) + "=0"); }), key));
        CHECK(st.get(key) == before);
    }
    std::string text = edited(R"(window_years = { value = 3, label = "OFFICIAL", source = "L10" })",
                              R"(window_years = { value = 0, label = "OFFICIAL", source = "L10" })");
    std::string e = parse_error(text);
    CHECK(contains(e, "aul.window_years"));
    CHECK(contains(e, "line " + std::to_string(line_of(text, "value = 0, label = \"OFFICIAL\", source = \"L10\""))));
}

TEST_CASE("a profile beyond the parser's bounds is refused with the bound and the line, before parsing") {
    // A dotted key of 50,000 parts overflowed the TOML parser's stack.
    std::string parts;
    for (int i = 0; i < 50000; ++i) parts += "a.";
    std::string dotted = bundled_text() + "\n" + parts + "b = 1\n";
    std::string e = parse_error(dotted);
    CHECK(contains(e, "test.toml: line " + std::to_string(line_of(dotted, "a.a.a")) + ": longer than 4096 characters"));
    std::string nine = bundled_text() + "\n[x]\na.b.c.d.e.f.g.h.i = 1\n";
    CHECK(contains(parse_error(nine), "line " + std::to_string(line_of(nine, "a.b.c.d")) + ": a dotted key of more than 8 parts"));
    std::string header = bundled_text() + "\n[a.b.c.d.e.f.g.h.i]\n";
    CHECK(contains(parse_error(header), "a dotted key of more than 8 parts"));
    // Nesting, on one line or across lines.
    std::string deep = bundled_text() + "\nx = " + std::string(9, '[') + std::string(9, ']') + "\n";
    CHECK(contains(parse_error(deep), "nested more than 8 deep"));
    std::string across = bundled_text() + "\nx = [\n[\n[\n[\n[\n[\n[\n[\n[\n";
    CHECK(contains(parse_error(across), "line " + std::to_string(line_of(across, "x = [") + 8) + ": arrays"));
    // A multi-line string's text is not structure: closing brackets in it do not
    // lower the count, and its brackets do not raise it.
    std::string sneaky = bundled_text() + "\nx = [[[[[\ns = \"\"\"\n}}}}}}}]]]]\n\"\"\"\ny = [[[[\n";
    CHECK(contains(parse_error(sneaky), "nested more than 8 deep"));
    std::string text_only = bundled_text() + "\n[y]\nnote = \"\"\"\nx = [[[[[[[[[[ a.b.c.d.e.f.g.h.i\n\"\"\"\n";
    CHECK_FALSE(contains(parse_error(text_only), "nested"));
    CHECK_FALSE(contains(parse_error(text_only), "dotted key"));
    // Dots in values, strings and comments are not key parts.
    std::string fine = edited(kSevere, std::string(kSevere) + " # a.b.c.d.e.f.g.h.i.j");
    CHECK(parse_error(fine).empty());
    // Size: a file of more than 1 MiB, or a device that never ends.
    CHECK(contains(parse_error(bundled_text() + std::string(1 << 20, '#')), "larger than 1 MiB"));
    try {
        Standards::load("/dev/zero");
        FAIL("no error");
    } catch (const DataError& err) {
        CHECK(contains(err.what(), "/dev/zero: larger than 1 MiB"));
    }
}

TEST_CASE("values out of range are refused with the key and the line: windows, shares, weight sets") {
    std::string huge = edited(R"(window_years = { value = 3, label = "OFFICIAL", source = "L10" })",
                              R"(window_years = { value = 2147483648, label = "OFFICIAL", source = "L10" })");
    std::string e = parse_error(huge);
    CHECK(contains(e, "line " + std::to_string(line_of(huge, "2147483648")) + ": 'aul.window_years' must be 1 to 100 years"));
    Standards st = Standards::load(kProfile);
    CHECK(contains(usage_error([&] { st.set_from_text("windows.city_years=1000000"); }), "must be 1 to 100 years"));
    CHECK(contains(usage_error([&] { st.set_from_text("c4.attach_min_commuting_share=1.5"); }),
                   "'c4.attach_min_commuting_share' is a share and must not be above 1"));
    CHECK(contains(usage_error([&] { st.set_from_text("c8.min_turnout=2"); }), "above 1"));
    CHECK_NOTHROW(st.set_from_text("support.min_population=1000"));  // not a share
    CHECK_NOTHROW(st.set_from_text("c6.centre_min_jobs_ratio=1.5"));  // a ratio may pass 1
    // A weight set of zeros: in the file, and by set (which then leaves the value as it was).
    std::string zero = bundled_text();
    for (const char* w : {"weight_industry", "weight_utilities", "weight_housing", "weight_education_culture",
                          "weight_health", "weight_trade"}) {
        auto at = zero.find(std::string(w) + " = { value = ");
        REQUIRE(at != std::string::npos);
        auto v = at + std::string(w).size() + 13;
        zero.replace(v, zero.find(',', v) - v, "0.0");
    }
    CHECK(contains(parse_error(zero), "every 'c7.weight_*' is 0"));
    Standards one = Standards::load(kProfile);
    for (int k = 1; k < 8; ++k) one.set("composite.weight_c" + std::to_string(k), 0);
    CHECK(contains(usage_error([&] { one.set("composite.weight_c8", 0); }), "every 'composite.weight_*' would be 0"));
    CHECK(one.get("composite.weight_c8") > 0);
}
