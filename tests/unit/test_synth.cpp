#include <atd/error.hpp>
#include <atd/geo.hpp>
#include <atd/io.hpp>
#include <atd/polygons.hpp>
#include <atd/synth.hpp>

#include "helpers.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <numeric>
#include <set>
#include <sstream>

namespace fs = std::filesystem;

namespace {

// A fresh directory name under /tmp, removed with everything in it.
class TempDir {
public:
    TempDir() {
        std::string tmpl = "/tmp/atd_synth_XXXXXX";
        if (!mkdtemp(tmpl.data())) std::abort();
        base_ = tmpl;
    }
    ~TempDir() { fs::remove_all(base_); }
    std::string sub(const std::string& name) const { return (fs::path(base_) / name).string(); }

private:
    fs::path base_;
};

atd::SynthSummary make(const std::string& dir, std::uint64_t n, std::uint64_t seed = 1) {
    atd::SynthOptions o;
    o.settlements = n;
    o.seed = seed;
    atd::Log log;
    return atd::write_synthetic_country(o, dir, false, log);
}

std::vector<atd::Feature> read(const std::string& path) {
    atd::Log log;
    return atd::read_all(path, {}, log);
}

std::string text(const atd::Feature& f, const char* key) { return f.props.get_string(key).value_or(""); }

double number(const atd::Feature& f, const char* key) {
    return f.props.get_number(key).value_or(-1);
}

// Even-odd rule on the exterior ring of a polygon.
bool inside(const atd::Geometry& g, double x, double y) {
    bool in = false;
    std::size_t n = g.ring_ends.empty() ? g.point_count() : g.ring_ends.front();
    for (std::size_t i = 0, j = n - 1; i < n; j = i++) {
        double xi = g.xy[2 * i], yi = g.xy[2 * i + 1], xj = g.xy[2 * j], yj = g.xy[2 * j + 1];
        if ((yi > y) != (yj > y) && x < (xj - xi) * (y - yi) / (yj - yi) + xi) in = !in;
    }
    return in;
}

struct Country {
    TempDir tmp;
    std::string dir = tmp.sub("country");
    atd::SynthSummary sum;
    std::vector<atd::Feature> features;
    explicit Country(std::uint64_t n) : sum(make(dir, n)), features(read(dir + "/settlements.geojsons")) {}
};

const Country& country() {
    static Country c(5000);
    return c;
}

}  // namespace

TEST_CASE("synth: the same seed gives the same bytes, another seed other ones") {
    TempDir tmp;
    make(tmp.sub("a"), 800, 7);
    make(tmp.sub("b"), 800, 7);
    make(tmp.sub("c"), 800, 8);
    for (const char* f : {"settlements.geojsons", "facilities.geojsons", "roads.geojsons", "od.csv", "README.txt"}) {
        CAPTURE(f);
        auto a = atd::test::read_file(tmp.sub("a") + "/" + f);
        CHECK(!a.empty());
        CHECK(a == atd::test::read_file(tmp.sub("b") + "/" + f));
    }
    CHECK(atd::test::read_file(tmp.sub("a") + "/settlements.geojsons") !=
          atd::test::read_file(tmp.sub("c") + "/settlements.geojsons"));
    CHECK(atd::test::read_file(tmp.sub("a") + "/od.csv") != atd::test::read_file(tmp.sub("c") + "/od.csv"));
}

TEST_CASE("synth: categories and sizes in Kazakhstan's proportions, every feature marked synthetic") {
    const auto& c = country();
    std::map<std::string, int> categories;
    std::vector<double> aul_pop;
    int settlements = 0, tiny = 0;
    for (const auto& f : c.features) {
        const auto* marked = f.props.find("synthetic");
        CHECK((marked && *marked == atd::Value{true}));
        if (text(f, "feature_type") != "settlement") continue;
        ++settlements;
        ++categories[text(f, "category")];
        if (text(f, "category") == "aul") {
            aul_pop.push_back(number(f, "pop_2023"));
            if (aul_pop.back() <= 50) ++tiny;
        }
    }
    CHECK(settlements == 5000);
    int cities = categories["city_oblast"] + categories["city_district"];
    CHECK(cities >= 50);
    CHECK(cities <= 100);  // 1.4 %
    CHECK(categories["city_oblast"] >= 1);
    CHECK(categories["kent"] >= 20);
    CHECK(categories["kent"] <= 50);  // 0.7 %
    CHECK(categories["aul"] == 5000 - cities - categories["kent"]);
    std::sort(aul_pop.begin(), aul_pop.end());
    double median = aul_pop[aul_pop.size() / 2];
    CHECK(median >= 300);
    CHECK(median <= 600);
    CHECK(tiny > 100);  // some auls at 50 residents or fewer
    CHECK(tiny < 600);
    CHECK(c.sum.settlements == 5000);
}

TEST_CASE("synth: districts cover their oblast and okrugs their district, without overlaps") {
    const auto& c = country();
    std::map<std::string, const atd::Feature*> by_code;
    std::map<std::string, std::vector<const atd::Geometry*>> children;
    std::vector<const atd::Geometry*> districts;
    for (const auto& f : c.features) {
        if (text(f, "feature_type") != "unit") continue;
        REQUIRE(f.geom.type == atd::GeomType::Polygon);
        CHECK(!atd::invalid_reason(f.geom));
        by_code[text(f, "kato")] = &f;
        if (number(f, "unit_level") >= 2) children[text(f, "parent_kato")].push_back(&f.geom);
        if (number(f, "unit_level") == 2) districts.push_back(&f.geom);
    }
    REQUIRE(!children.empty());
    for (const auto& [parent, parts] : children) {
        CAPTURE(parent);
        REQUIRE(by_code.count(parent));
        const auto& whole = by_code[parent]->geom;
        double sum = 0;
        for (auto* g : parts) sum += atd::planar_area(*g);
        CHECK(sum == doctest::Approx(atd::planar_area(whole)).epsilon(1e-9));  // no overlap
        CHECK(atd::cover_mismatch(whole, atd::dissolve_geometries(parts)) < 1e-9);  // no gap
    }
    double sum = 0;
    for (auto* g : districts) sum += atd::planar_area(*g);
    CHECK(sum == doctest::Approx(atd::planar_area(atd::dissolve_geometries(districts))).epsilon(1e-9));
}

TEST_CASE("synth: every settlement lies inside its okrug's polygon, under codes that nest") {
    const auto& c = country();
    std::map<std::string, const atd::Geometry*> okrugs;
    for (const auto& f : c.features)
        if (text(f, "feature_type") == "unit" && number(f, "unit_level") == 3) okrugs[text(f, "kato")] = &f.geom;
    int checked = 0;
    for (const auto& f : c.features) {
        if (text(f, "feature_type") != "settlement") continue;
        auto okrug = text(f, "okrug_kato");
        CAPTURE(text(f, "kato"));
        REQUIRE(okrugs.count(okrug));
        CHECK(text(f, "kato").substr(0, 6) == okrug.substr(0, 6));
        CHECK(text(f, "district_kato") == okrug.substr(0, 4) + "00000");
        CHECK(inside(*okrugs[okrug], f.geom.xy[0], f.geom.xy[1]));
        ++checked;
    }
    CHECK(checked == 5000);
}

TEST_CASE("synth: flows run between existing settlements, with positive persons summing to the employed") {
    const auto& c = country();
    std::map<std::string, double> employed;
    for (const auto& f : c.features)
        if (text(f, "feature_type") == "settlement") employed[text(f, "kato")] = number(f, "emp_total_2023");
    std::istringstream od(atd::test::read_file(c.dir + "/od.csv"));
    std::string line;
    std::getline(od, line);
    CHECK(line == "origin,destination,persons");
    std::map<std::string, double> sent;
    std::set<std::pair<std::string, std::string>> pairs;
    std::size_t rows = 0, long_rows = 0;
    while (std::getline(od, line)) {
        auto a = line.find(','), b = line.rfind(',');
        std::string from = line.substr(0, a), to = line.substr(a + 1, b - a - 1);
        double persons = std::stod(line.substr(b + 1));
        CHECK(employed.count(from));
        CHECK(employed.count(to));
        CHECK(persons > 0);
        CHECK(pairs.insert({from, to}).second);
        sent[from] += persons;
        ++rows;
        if (from != to) ++long_rows;
    }
    CHECK(rows == c.sum.flows);
    CHECK(long_rows > 5000 * 3);
    for (const auto& [code, n] : sent) CHECK(n == employed[code]);
}

TEST_CASE("synth: the road network is connected and reaches most settlements") {
    const auto& c = country();
    auto roads = read(c.dir + "/roads.geojsons");
    std::map<std::pair<double, double>, std::size_t> vertex;
    std::vector<std::size_t> parent;
    auto find = [&](std::size_t v) {
        while (parent[v] != v) v = parent[v] = parent[parent[v]];
        return v;
    };
    auto id = [&](double x, double y) {
        auto [it, fresh] = vertex.try_emplace({x, y}, parent.size());
        if (fresh) parent.push_back(parent.size());
        return it->second;
    };
    for (const auto& r : roads) {
        REQUIRE(r.geom.type == atd::GeomType::LineString);
        auto first = id(r.geom.xy[0], r.geom.xy[1]);
        for (std::size_t i = 1; i < r.geom.point_count(); ++i)
            parent[find(id(r.geom.xy[2 * i], r.geom.xy[2 * i + 1]))] = find(first);
    }
    std::set<std::size_t> parts;
    for (std::size_t v = 0; v < parent.size(); ++v) parts.insert(find(v));
    CHECK(parts.size() == 1);
    int on = 0, off = 0;
    for (const auto& f : c.features)
        if (text(f, "feature_type") == "settlement") (vertex.count({f.geom.xy[0], f.geom.xy[1]}) ? on : off)++;
    CHECK(off > 0);  // some villages are off the network
    CHECK(on > 20 * off);
}

TEST_CASE("synth: bad options and an existing directory are refused, leaving nothing behind") {
    atd::SynthOptions o;
    CHECK_THROWS_AS(atd::check_synth_options(o), atd::UsageError);  // 0 settlements
    o.settlements = atd::kSynthMaxSettlements + 1;
    CHECK_THROWS_AS(atd::check_synth_options(o), atd::UsageError);
    for (const char* bad : {"2023-2019", "2019", "1900-2000", "2019-x", "2000-2060"})
        CHECK_THROWS_AS(atd::parse_synth_years(bad, o), atd::UsageError);
    atd::parse_synth_years("2014-2023", o);
    CHECK(o.first_year == 2014);
    CHECK(o.last_year == 2023);

    TempDir tmp;
    make(tmp.sub("x"), 50);
    CHECK_THROWS_WITH_AS(make(tmp.sub("x"), 50), doctest::Contains("already exists; add --overwrite"),
                         atd::DataError);
    CHECK_THROWS_AS(make(tmp.sub("x") + "/README.txt/y", 50), atd::DataError);
    CHECK(!fs::exists(tmp.sub("x") + "/README.txt/y"));
    // A single settlement is a country too.
    auto one = make(tmp.sub("one"), 1);
    CHECK(one.settlements == 1);
    CHECK(one.districts == 1);
}
