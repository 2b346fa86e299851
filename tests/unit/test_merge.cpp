#include <atd/error.hpp>
#include <atd/merge.hpp>

#include "helpers.hpp"

#include <doctest/doctest.h>

#include <cmath>
#include <random>

using namespace atd;

namespace {
double ssd(const std::vector<double>& x, const std::vector<std::size_t>& label, std::size_t group) {
    double sum = 0, sq = 0, n = 0;
    for (std::size_t i = 0; i < x.size(); ++i)
        if (label[i] == group) {
            sum += x[i];
            sq += x[i] * x[i];
            ++n;
        }
    return n > 0 ? sq - sum * sum / n : 0;
}
}  // namespace

TEST_CASE("z-scores use the sample standard deviation, as R's scale()") {
    std::vector<double> v{1, 10, 2, 20, 3, 30};  // two columns
    merge::standardise(v, 3, 2);
    CHECK(v[0] == doctest::Approx(-1));
    CHECK(v[2] == doctest::Approx(0));
    CHECK(v[4] == doctest::Approx(1));
    CHECK(v[5] == doctest::Approx(1));
    std::vector<double> constant{4, 4, 4};
    merge::standardise(constant, 3, 1);
    CHECK(constant == std::vector<double>{0, 0, 0});
}

TEST_CASE("SKATER cuts the path where the values jump") {
    std::vector<double> x{0, 0.1, 5, 5.1};
    std::vector<std::pair<std::size_t, std::size_t>> path{{0, 1}, {1, 2}, {2, 3}};
    auto g = merge::skater(4, 1, x, path, 2, {}, 0, true);
    CHECK(g == std::vector<std::size_t>{0, 0, 1, 1});
    CHECK(merge::skater(4, 1, x, path, 2, {}, 0, false) == g);  // spdep's heterogeneity agrees here
    // A floor of 3 on these weights forbids {0,1} | {2,3}: the best allowed cut leaves 3 on both sides.
    auto f = merge::skater(4, 1, x, path, 2, {1, 1, 1, 10}, 3, true);
    CHECK(f == std::vector<std::size_t>{0, 0, 0, 1});
    // No cut meets a floor of 6 on both sides: one group.
    CHECK(merge::skater(4, 1, x, path, 2, {1, 1, 1, 10}, 6, true) == std::vector<std::size_t>{0, 0, 0, 0});
    // k larger than the units: every unit alone.
    CHECK(merge::skater(4, 1, x, path, 9, {}, 0, true) == std::vector<std::size_t>{0, 1, 2, 3});
}

TEST_CASE("SKATER's first cut is the best single cut of the spanning tree (brute force)") {
    std::mt19937 rng(7);
    std::uniform_real_distribution<double> u(0, 1);
    std::size_t n = 12;
    std::vector<double> x(n);
    for (auto& v : x) v = u(rng);
    // A tree: each unit joins an earlier one, so the graph is its own spanning tree.
    std::vector<std::pair<std::size_t, std::size_t>> tree;
    for (std::size_t i = 1; i < n; ++i) tree.emplace_back(std::uniform_int_distribution<std::size_t>(0, i - 1)(rng), i);
    auto g = merge::skater(n, 1, x, tree, 2, {}, 0, true);
    double got = ssd(x, g, 0) + ssd(x, g, 1);
    double best = 1e9;
    for (std::size_t cut = 0; cut < tree.size(); ++cut) {
        // Label the side of the cut edge's second end.
        std::vector<std::size_t> label(n, 0);
        std::vector<std::size_t> stack{tree[cut].second};
        label[tree[cut].second] = 1;
        while (!stack.empty()) {
            std::size_t v = stack.back();
            stack.pop_back();
            for (std::size_t e = 0; e < tree.size(); ++e) {
                if (e == cut) continue;
                auto [a, b] = tree[e];
                std::size_t w = a == v ? b : b == v ? a : SIZE_MAX;
                if (w != SIZE_MAX && !label[w]) {
                    label[w] = 1;
                    stack.push_back(w);
                }
            }
        }
        best = std::min(best, ssd(x, label, 0) + ssd(x, label, 1));
    }
    CHECK(got == doctest::Approx(best));
}

TEST_CASE("SKATER on a graph with cycles works on its minimum spanning tree; islands are groups of their own") {
    // A square 0-1-2-3-0 with one long edge, and 4 alone.
    std::vector<double> x{0, 0.2, 0.3, 3, 1};
    std::vector<std::pair<std::size_t, std::size_t>> edges{{0, 1}, {1, 2}, {2, 3}, {3, 0}};
    auto g = merge::skater(5, 1, x, edges, 3, {}, 0, true);
    CHECK(g == std::vector<std::size_t>{0, 0, 0, 1, 2});
}

TEST_CASE("max-p: as many regions as the floor allows, each contiguous and at the floor") {
    // A path of six units of weight 1 with a floor of 2: at most three regions.
    std::vector<std::pair<std::size_t, std::size_t>> path{{0, 1}, {1, 2}, {2, 3}, {3, 4}, {4, 5}};
    std::vector<double> x{0, 0.1, 5, 5.1, 9, 9.2};
    auto g = merge::maxp(6, 1, x, path, std::vector<double>(6, 1.0), 2, 50, 1);
    CHECK(g == std::vector<std::size_t>{0, 0, 1, 1, 2, 2});
    // A 6 x 6 grid with random weights: every region reaches the floor and is connected.
    std::size_t side = 6, n = side * side;
    std::vector<std::pair<std::size_t, std::size_t>> grid;
    for (std::size_t i = 0; i < n; ++i) {
        if (i % side + 1 < side) grid.emplace_back(i, i + 1);
        if (i + side < n) grid.emplace_back(i, i + side);
    }
    std::mt19937 rng(3);
    std::vector<double> w(n), attr(n);
    for (std::size_t i = 0; i < n; ++i) {
        w[i] = std::uniform_int_distribution<int>(1, 5)(rng);
        attr[i] = std::uniform_real_distribution<double>(0, 1)(rng);
    }
    auto r = merge::maxp(n, 1, attr, grid, w, 7, 30, 2);
    std::size_t regions = 0;
    for (std::size_t l : r) regions = std::max(regions, l + 1);
    CHECK(regions >= 5);
    for (std::size_t g2 = 0; g2 < regions; ++g2) {
        double total = 0;
        std::vector<std::size_t> members;
        for (std::size_t i = 0; i < n; ++i)
            if (r[i] == g2) {
                total += w[i];
                members.push_back(i);
            }
        CHECK(total >= 7);
        // Connected: a walk from the first member reaches all of them.
        std::vector<char> seen(n, 0);
        std::vector<std::size_t> stack{members.front()};
        seen[members.front()] = 1;
        std::size_t reached = 1;
        while (!stack.empty()) {
            std::size_t v = stack.back();
            stack.pop_back();
            for (auto [a, b] : grid) {
                std::size_t u = a == v ? b : b == v ? a : SIZE_MAX;
                if (u != SIZE_MAX && r[u] == g2 && !seen[u]) {
                    seen[u] = 1;
                    ++reached;
                    stack.push_back(u);
                }
            }
        }
        CHECK(reached == members.size());
    }
}

TEST_CASE("--floor values: FIELD=MIN with a number") {
    auto [field, min] = parse_floor("population=1000");
    CHECK(field == "population");
    CHECK(min == 1000);
    CHECK(parse_floor("pop=2.5").second == 2.5);
    CHECK_THROWS_AS(parse_floor("pop=2,5"), atd::UsageError);  // a decimal point, as on every command line
    CHECK_THROWS_AS(parse_floor("population"), atd::UsageError);
    CHECK_THROWS_AS(parse_floor("=1000"), atd::UsageError);
    CHECK_THROWS_AS(parse_floor("population=many"), atd::UsageError);
}

// ------------------------------------------------------------ unknown data (METHODOLOGY §6 revised, §3.1)

namespace {

// Messages as the English fields give them.
std::string en(const Messages& ms) { return render(ms, Lang::en, Style::data); }

merge::OkrugFacts facts(double population, bool complete, double settlements, bool rural_okrug) {
    merge::OkrugFacts f;
    f.population = population;
    f.population_complete = complete;
    f.settlements = settlements;
    f.rural_okrug = rural_okrug;
    return f;
}

const MergeParams kParams;  // 2 settlements, 500 residents, a soft floor of 1,000, 25 km, 10 members

}  // namespace

TEST_CASE("merge: an unknown population triggers nothing; a unit is a candidate only for what is known") {
    // A village administration (one settlement by definition) with no figure: nothing known calls for a merger.
    auto village = facts(0, false, 1, false);
    CHECK(merge::merge_trigger(village, kParams).empty());
    CHECK(merge::legal_minimum(village, kParams) == merge::Outcome::unknown);
    CHECK(merge::soft_floor(village, kParams) == merge::Outcome::unknown);
    CHECK_FALSE(merge::legal(village, kParams).has_value());  // null, never true by default
    CHECK(merge::breaches(village, kParams).empty());
    CHECK(merge::proposal_status(village, kParams) == "undetermined");
    CHECK(en(merge::status_reason(village, kParams, {{"V"}, {}})) ==
          "population unknown: V; the legal minimum untested; the soft floor of 1000 residents untested");
    // A rural okrug of three settlements and no figure: the same.
    CHECK(merge::merge_trigger(facts(0, false, 3, true), kParams).empty());
    // A rural okrug of one settlement and no figure still triggers the two-settlement minimum, and says the
    // population is unknown instead of writing 0.
    auto lone = facts(0, false, 1, true);
    auto why = merge::merge_trigger(lone, kParams);
    CHECK(en(why) == "below the legal minimum (1 settlement, a rural okrug needs 2; population unknown)");
    CHECK(en(why).find(" 0") == std::string::npos);
    CHECK(merge::legal(lone, kParams) == std::optional<bool>(false));
    CHECK(merge::proposal_status(lone, kParams) == "decided");  // below the minimum whatever its population
    // A known population below the minimum triggers, with its figure.
    CHECK(en(merge::merge_trigger(facts(300, true, 3, true), kParams)) ==
          "below the legal minimum (300 residents, an okrug needs 500)");
    CHECK(en(merge::merge_trigger(facts(800, true, 3, true), kParams)) == "below the soft floor of 1000 residents (800)");
}

TEST_CASE("merge: a partial population is a lower bound: it passes what it reaches and leaves the rest untested") {
    // 300 residents known, other settlements without a figure: perhaps below 500, perhaps not.
    auto partial = facts(300, false, 3, true);
    CHECK(merge::merge_trigger(partial, kParams).empty());
    CHECK(merge::legal_minimum(partial, kParams) == merge::Outcome::unknown);
    CHECK(merge::proposal_status(partial, kParams) == "undetermined");
    // 1,200 known already passes both the minimum and the floor, whatever the rest.
    auto enough = facts(1200, false, 3, true);
    CHECK(merge::legal_minimum(enough, kParams) == merge::Outcome::pass);
    CHECK(merge::soft_floor(enough, kParams) == merge::Outcome::pass);
    CHECK(merge::legal(enough, kParams) == std::optional<bool>(true));
    CHECK(merge::proposal_status(enough, kParams) == "decided");
    // 700 known: legal, the soft floor untested.
    auto between = facts(700, false, 3, true);
    CHECK(merge::legal(between, kParams) == std::optional<bool>(true));
    CHECK(merge::proposal_status(between, kParams) == "undetermined");
    CHECK(en(merge::status_reason(between, kParams, {{}, {"R"}})) ==
          "population partly unknown: R; 700 residents known; the soft floor of 1000 residents untested");
}

TEST_CASE("merge: the two-settlement minimum is for rural okrugs; a kent administration of 29,342 is tested on its "
          "residents") {
    auto kent = facts(29342, true, 1, false);
    CHECK(merge::merge_trigger(kent, kParams).empty());
    CHECK(merge::legal(kent, kParams) == std::optional<bool>(true));
    CHECK(merge::proposal_status(kent, kParams) == "decided");
    auto okrug = facts(29342, true, 1, true);
    CHECK(en(merge::merge_trigger(okrug, kParams)) == "below the legal minimum (1 settlement, a rural okrug needs 2)");
    auto b = merge::breaches(okrug, kParams);
    REQUIRE(b.size() == 1);
    CHECK(b[0].key == "okrug.min_settlements");
    // A kent administration of 300 residents fails on its residents only.
    CHECK(en(merge::merge_trigger(facts(300, true, 1, false), kParams)) ==
          "below the legal minimum (300 residents, an okrug needs 500)");
}

TEST_CASE("merge: a merger resting on a member of unknown population is provisional") {
    auto merged = facts(1331, false, 5, true);
    merged.members = 2;
    CHECK(merge::proposal_status(merged, kParams) == "provisional");
    CHECK(en(merge::status_reason(merged, kParams, {{}, {"596253000"}})) ==
          "population partly unknown: 596253000; 1331 residents known");
    merged.population_complete = true;
    CHECK(merge::proposal_status(merged, kParams) == "decided");
    CHECK(merge::status_reason(merged, kParams, {}).empty());
    // An unknown settlement count leaves it provisional too.
    merged.settlements_complete = false;
    CHECK(merge::proposal_status(merged, kParams) == "provisional");
}

TEST_CASE("merge: breaches of the distance, size and legal limits are each reported; a merger within them is legal") {
    auto group = facts(4400, true, 6, true);
    group.members = 5;
    group.max_km = 117.2;
    group.farthest = "F";
    group.farthest_is_unit = true;
    MergeParams p;
    p.max_members = 4;
    auto b = merge::breaches(group, p);
    REQUIRE(b.size() == 2);
    CHECK(b[0].key == "merge.max_distance_km");
    CHECK(render(b[0].text, Lang::en, Style::data) == "unit F is 117.2 km from the centre, beyond 25 km");
    CHECK(b[1].key == "merge.max_members");
    CHECK(render(b[1].text, Lang::en, Style::data) == "5 members, beyond 4");
    CHECK(merge::legal(group, p) == std::optional<bool>(false));
    group.max_km = 20;
    group.members = 4;
    CHECK(merge::breaches(group, p).empty());
    CHECK(merge::legal(group, p) == std::optional<bool>(true));
    // A unit left as it is keeps its extent: the distance limit is for mergers.
    auto alone = facts(900, true, 3, true);
    alone.max_km = 40;
    CHECK(merge::breaches(alone, p).empty());
}

TEST_CASE("merge: the centre's reason is true of the data") {
    using C = merge::CentreCandidate;
    auto reason = [](std::vector<C> all, bool complete = true) {
        std::vector<const C*> ptrs;
        std::size_t best = 0;
        for (std::size_t i = 0; i < all.size(); ++i) {
            ptrs.push_back(&all[i]);
            if (merge::better_centre(all[i], all[best])) best = i;
        }
        return all[best].id + ": " + en(merge::centre_reason(ptrs, best, complete));
    };
    C centre{"A", true, std::nullopt, 100.0}, village{"B", false, 0.9, 5000.0}, unknown{"C", false, std::nullopt, std::nullopt};
    CHECK(reason({centre, village}) == "A: an existing okrug centre");
    C other_centre{"D", true, 0.4, 50.0};
    C centre_c7{"E", true, 0.6, 40.0};
    CHECK(reason({other_centre, centre_c7}) == "E: an existing okrug centre; the highest C7 index");
    CHECK(reason({village, unknown}) == "B: the highest known C7 index");
    C c7{"F", false, 0.5, 10.0};
    CHECK(reason({village, c7}) == "B: the highest C7 index");
    // Populations: one unknown, so the largest is the largest known; an unknown never counts as 0.
    C small{"G", false, std::nullopt, 0.0}, large{"H", false, std::nullopt, 800.0};
    CHECK(reason({small, unknown}) == "G: the largest known population");
    CHECK(merge::better_centre(small, unknown));
    CHECK(reason({small, large}) == "H: the largest population");
    CHECK(reason({small, large}, false) == "H: the largest known population");  // a settlement without a figure
    C partial{"I", false, std::nullopt, 900.0, true};
    CHECK(reason({large, partial}) == "I: the largest known population");
    // Nothing to choose by: the lowest code, and it says so.
    C none{"J", false, std::nullopt, std::nullopt};
    CHECK(reason({unknown, none}) == "C: the lowest code (no C7 index or population known)");
    CHECK(reason({large, C{"A0", false, std::nullopt, 800.0}}) ==
          "A0: the largest population (a tie); the lowest code");
}

namespace {

// A unit as atd-areas writes it: a 0.1-degree square on the equator from x0 (11.1 km between neighbours).
std::string area(const std::string& kato, const std::string& district, const std::string& kind, double x0,
                 int settlements, const std::string& population, int with_figure = -1) {
    auto x = [](double v) { return std::to_string(v); };
    return "{\"type\":\"Feature\",\"properties\":{\"feature_type\":\"area\",\"kato\":\"" + kato +
           "\",\"area_kind\":\"" + kind + "\",\"district_kato\":\"" + district +
           "\",\"settlements\":" + std::to_string(settlements) + ",\"population\":" + population +
           ",\"population_known\":" + std::to_string(with_figure < 0 ? (population == "null" ? 0 : settlements) : with_figure) +
           "},\"geometry\":{\"type\":\"Polygon\",\"coordinates\":[[[" + x(x0) + ",0],[" + x(x0 + 0.1) + ",0],[" +
           x(x0 + 0.1) + ",0.1],[" + x(x0) + ",0.1],[" + x(x0) + ",0]]]}}\n";
}

std::vector<Feature> run(const std::string& units, MergeOptions o, MergeSummary* summary = nullptr) {
    test::TempFile file(units, ".geojsonl");
    o.inputs = {file.path()};
    o.threads = 1;
    test::MemorySink sink;
    Log log;
    auto sum = run_merge(o, sink, log);
    if (summary) *summary = sum;
    return sink.features;
}

const Properties* proposal_of(const std::vector<Feature>& out, const std::string& members) {
    for (const auto& f : out)
        if (f.props.get_string("members") == members) return &f.props;
    return nullptr;
}

bool null_at(const Properties& p, const char* key) {
    const Value* v = p.find(key);
    return v && is_null(*v);
}

std::optional<bool> flag(const Properties& p, const char* key) {
    const Value* v = p.find(key);
    if (!v || !std::holds_alternative<bool>(*v)) return std::nullopt;
    return std::get<bool>(*v);
}

// District D1 in a row: a kent administration of 29,342 in one settlement, a rural okrug of three settlements
// and a village administration, both without a figure, a rural okrug of 1,500 and a one-settlement rural okrug
// of 300 at the end. District D2: a one-settlement rural okrug of 200 beside a rural okrug without a figure.
std::string kUnknownDistricts = area("K", "D1", "kent_administration", 0.0, 1, "29342") +
                                area("R2", "D1", "rural_okrug", 0.1, 3, "null") +
                                area("V", "D1", "village_administration", 0.2, 1, "null") +
                                area("R3", "D1", "rural_okrug", 0.3, 4, "1500") +
                                area("R1", "D1", "rural_okrug", 0.4, 1, "300") +
                                area("R4", "D2", "rural_okrug", 5.0, 1, "200") +
                                area("U", "D2", "rural_okrug", 5.1, 2, "null");

}  // namespace

TEST_CASE("merge: on data with unknown populations, only known facts trigger, unknown is null and mergers on it "
          "provisional") {
    MergeSummary sum;
    auto out = run(kUnknownDistricts, MergeOptions{}, &sum);  // greedy
    // The kent administration of 29,342 stays as it is: one settlement is no reason for it.
    const Properties* kent = proposal_of(out, "K");
    REQUIRE(kent);
    CHECK(flag(*kent, "legal") == std::optional<bool>(true));
    CHECK(kent->get_string("proposal_status") == "decided");
    // The units without a figure are not merged for it: null population, never 0, and undetermined.
    for (const char* unknown : {"R2", "V"}) {
        const Properties* p = proposal_of(out, unknown);
        REQUIRE(p);
        CHECK(null_at(*p, "population"));
        CHECK(null_at(*p, "population_known_sum"));
        CHECK(null_at(*p, "legal"));
        CHECK(null_at(*p, "trigger"));
        CHECK(p->get_string("proposal_status") == "undetermined");
        CHECK(p->get_string("status_reason").value_or("").find("population unknown") != std::string::npos);
    }
    // The one-settlement rural okrug merges with its only neighbour; the merger is decided.
    const Properties* r = proposal_of(out, "R1;R3");
    REQUIRE(r);
    CHECK(r->get_number("population") == 1800);
    CHECK(r->get_string("proposal_status") == "decided");
    CHECK(r->get_string("trigger") ==
          "below the legal minimum (1 settlement, a rural okrug needs 2; 300 residents, an okrug needs 500)");
    // In D2 the merger rests on a unit without a figure: provisional, population null, the part known beside it.
    const Properties* d2 = proposal_of(out, "R4;U");
    REQUIRE(d2);
    CHECK(d2->get_string("proposal_status") == "provisional");
    CHECK(null_at(*d2, "population"));
    CHECK(d2->get_number("population_known_sum") == 200);
    CHECK(flag(*d2, "population_complete") == std::optional<bool>(false));
    CHECK(d2->get_string("members_population_unknown") == "U");
    CHECK(null_at(*d2, "legal"));  // 200 known of an unknown total: the minimum of 500 cannot be tested
    CHECK(d2->get_string("centre_reason") ==
          "the largest known population; units stand for their settlements: no settlement positions");
    CHECK(sum.provisional == 1);
    CHECK(sum.undetermined == 2);
    CHECK(sum.not_legal == 0);
    CHECK(out.size() == 5);
}

TEST_CASE("merge: the exact method's mergers that nothing known calls for say so, and rest provisionally on unknowns") {
    MergeOptions o;
    o.method = "exact";
    auto out = run(kUnknownDistricts, o);
    // The optimum has the fewest apparatuses the 25 km allow: the kent administration joins the two units without
    // a figure for a lower objective, not for its one settlement.
    const Properties* p = proposal_of(out, "K;R2;V");
    REQUIRE(p);
    CHECK(p->get_string("trigger") == "a lower objective");
    CHECK(p->get_string("proposal_status") == "provisional");
    CHECK(p->get_string("members_population_unknown") == "R2;V");
    CHECK(null_at(*p, "population"));
    CHECK(p->get_number("population_known_sum") == 29342);
    CHECK(flag(*p, "legal") == std::optional<bool>(true));  // 29,342 known already reach 500
    for (const auto& f : out) CHECK(f.props.get_number("population") != 0.0);
}

TEST_CASE("merge: the unit table writes an unknown population null, and the part known apart") {
    MergeOptions o;
    o.unit_table = true;
    auto out = run(kUnknownDistricts + area("P", "D3", "rural_okrug", 9.0, 3, "700", 2), o);
    std::map<std::string, const Properties*> row;
    for (const auto& f : out) row[*f.props.get_string("kato")] = &f.props;
    CHECK(null_at(*row["U"], "population"));
    CHECK(null_at(*row["U"], "population_known_sum"));
    CHECK(row["U"]->get_string("proposal_status") == "provisional");
    CHECK(null_at(*row["P"], "population"));  // 700 from two of its three settlements
    CHECK(row["P"]->get_number("population_known_sum") == 700);
    CHECK(row["K"]->get_number("population") == 29342);
}

TEST_CASE("merge: SKATER and max-p results are tested against the limits and every breach is reported") {
    // A row A-B-C and E, 200 km away, linked to C as an island.
    std::string units = area("A", "D", "rural_okrug", 0.0, 3, "300") + area("B", "D", "rural_okrug", 0.1, 3, "350") +
                        area("C", "D", "rural_okrug", 0.2, 3, "2000") + area("E", "D", "rural_okrug", 2.0, 3, "3000");
    MergeOptions skater;
    skater.method = "skater";
    skater.k = 2;
    skater.attributes = {"population"};
    MergeSummary sum;
    auto out = run(units, skater, &sum);
    // {A,B} and {C,E}: SKATER enforces no limit, so the distance is tested on its result.
    const Properties* ab = proposal_of(out, "A;B");
    const Properties* ce = proposal_of(out, "C;E");
    REQUIRE(ab);
    REQUIRE(ce);
    CHECK(flag(*ab, "legal") == std::optional<bool>(true));
    CHECK(null_at(*ab, "breaches"));
    CHECK(flag(*ce, "legal") == std::optional<bool>(false));
    CHECK(ce->get_string("breaches") == "merge.max_distance_km");
    CHECK(ce->get_string("note") == "unit C is 200.4 km from the centre, beyond 25 km");
    CHECK(sum.not_legal == 1);
    // max-p with a floor of 5,000 makes one region of all four: the distance and the size limit broken.
    MergeOptions maxp;
    maxp.method = "maxp";
    maxp.floor_field = "population";
    maxp.floor = 5000;
    maxp.params.max_members = 3;
    out = run(units, maxp, &sum);
    REQUIRE(out.size() == 1);
    CHECK(out[0].props.get_string("members") == "A;B;C;E");
    CHECK(flag(out[0].props, "legal") == std::optional<bool>(false));
    CHECK(out[0].props.get_string("breaches") == "merge.max_distance_km;merge.max_members");
    CHECK(out[0].props.get_string("note").value_or("").find("4 members, beyond 3") != std::string::npos);
}

TEST_CASE("merge: a unit without geometry left short is said to lack it, not to have no neighbour") {
    std::string lone = area("A", "D1", "rural_okrug", 0.0, 3, "900");
    std::string unplaced = area("B", "D1", "rural_okrug", 0.1, 1, "300");
    unplaced = unplaced.substr(0, unplaced.find("\"geometry\":")) + "\"geometry\":null}\n";
    auto out = run(lone + unplaced, MergeOptions{});
    const Properties* b = proposal_of(out, "B");
    REQUIRE(b);
    CHECK(b->get_string("note") ==
          "below the legal minimum (1 settlement, a rural okrug needs 2; 300 residents, an okrug needs 500): "
          "no geometry: its neighbours are unknown");
    auto reasons = decode_message_fields(*b->get_string("reason_messages"), "reason_messages");
    CHECK(render(reasons.at("note"), Lang::ru, Style::document) ==
          "ниже законодательного минимума (1 населённый пункт, сельскому округу нужно не менее 2; жителей: 300, "
          "округу нужно не менее 500): нет геометрии: соседи неизвестны");
}
