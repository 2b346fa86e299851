#include <atd/error.hpp>
#include <atd/merge.hpp>

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
