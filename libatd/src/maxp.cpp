// Max-p regions (Duque, Anselin and Rey 2012): as many contiguous regions as
// possible, each reaching a floor, then the least heterogeneous such partition
// that local search finds.
#include <atd/merge.hpp>

#include <algorithm>
#include <numeric>
#include <random>

namespace atd::merge {

namespace {

struct Partition {
    std::vector<std::size_t> label;  // region per unit; SIZE_MAX unassigned
    std::size_t regions = 0;
    double heterogeneity = 0;
};

class MaxP {
public:
    MaxP(std::size_t n, std::size_t d, const std::vector<double>& x,
         const std::vector<std::vector<std::size_t>>& adj, const std::vector<double>& floor_values, double floor)
        : n_(n), d_(d), x_(x), adj_(adj), fv_(floor_values), floor_(floor) {}

    double fv(std::size_t u) const { return fv_.empty() ? 1.0 : fv_[u]; }

    double ssd(const std::vector<std::size_t>& members) const {
        if (members.size() < 2 || d_ == 0) return 0;
        double h = 0;
        for (std::size_t j = 0; j < d_; ++j) {
            double s = 0, q = 0;
            for (std::size_t u : members) {
                s += x_[u * d_ + j];
                q += x_[u * d_ + j] * x_[u * d_ + j];
            }
            h += q - s * s / static_cast<double>(members.size());
        }
        return h;
    }

    // Grows regions from seeds in random order; units that cannot complete a
    // region join a neighbouring one afterwards.
    Partition construct(std::mt19937_64& rng) const {
        Partition p;
        p.label.assign(n_, SIZE_MAX);
        std::vector<std::size_t> order(n_);
        std::iota(order.begin(), order.end(), std::size_t{0});
        std::shuffle(order.begin(), order.end(), rng);
        std::vector<std::size_t> region, frontier;
        for (std::size_t seed : order) {
            if (p.label[seed] != SIZE_MAX) continue;
            region = {seed};
            std::vector<char> in(n_, 0);
            in[seed] = 1;
            double total = fv(seed);
            frontier.clear();
            for (std::size_t v : adj_[seed])
                if (p.label[v] == SIZE_MAX && !in[v]) frontier.push_back(v);
            while (total < floor_ && !frontier.empty()) {
                std::size_t pick = std::uniform_int_distribution<std::size_t>(0, frontier.size() - 1)(rng);
                std::size_t v = frontier[pick];
                frontier[pick] = frontier.back();
                frontier.pop_back();
                if (in[v] || p.label[v] != SIZE_MAX) continue;
                in[v] = 1;
                region.push_back(v);
                total += fv(v);
                for (std::size_t w : adj_[v])
                    if (p.label[w] == SIZE_MAX && !in[w]) frontier.push_back(w);
            }
            if (total >= floor_) {
                for (std::size_t v : region) p.label[v] = p.regions;
                ++p.regions;
            }
        }
        // Enclaves: join the adjacent region whose heterogeneity grows least, repeatedly.
        bool changed = true;
        while (changed) {
            changed = false;
            for (std::size_t u = 0; u < n_; ++u) {
                if (p.label[u] != SIZE_MAX) continue;
                std::size_t best = SIZE_MAX;
                double best_d = 0;
                for (std::size_t v : adj_[u]) {
                    if (p.label[v] == SIZE_MAX) continue;
                    double dist = 0;
                    for (std::size_t j = 0; j < d_; ++j) dist += (x_[u * d_ + j] - x_[v * d_ + j]) * (x_[u * d_ + j] - x_[v * d_ + j]);
                    if (best == SIZE_MAX || dist < best_d || (dist == best_d && p.label[v] < best)) {
                        best = p.label[v];
                        best_d = dist;
                    }
                }
                if (best != SIZE_MAX) {
                    p.label[u] = best;
                    changed = true;
                }
            }
        }
        return p;
    }

    bool connected_without(const std::vector<std::size_t>& label, std::size_t region, std::size_t removed,
                           std::size_t size) const {
        // BFS over the region's units other than `removed`.
        std::size_t start = SIZE_MAX;
        for (std::size_t v : adj_[removed])
            if (label[v] == region) {
                start = v;
                break;
            }
        if (start == SIZE_MAX) return size <= 1;
        std::vector<std::size_t> stack{start};
        std::vector<char> seen(n_, 0);
        seen[start] = 1;
        std::size_t reached = 1;
        while (!stack.empty()) {
            std::size_t v = stack.back();
            stack.pop_back();
            for (std::size_t w : adj_[v])
                if (w != removed && !seen[w] && label[w] == region) {
                    seen[w] = 1;
                    ++reached;
                    stack.push_back(w);
                }
        }
        return reached == size - 1;
    }

    // Moves boundary units to a neighbouring region while that lowers the total
    // heterogeneity and keeps both regions contiguous and at the floor.
    void improve(Partition& p) const {
        std::size_t r = p.regions;
        std::vector<std::vector<double>> sum(r, std::vector<double>(d_, 0.0));
        std::vector<double> sq(r, 0.0), total(r, 0.0), count(r, 0.0);
        for (std::size_t u = 0; u < n_; ++u) {
            std::size_t g = p.label[u];
            if (g == SIZE_MAX) continue;
            count[g] += 1;
            total[g] += fv(u);
            for (std::size_t j = 0; j < d_; ++j) {
                sum[g][j] += x_[u * d_ + j];
                sq[g] += x_[u * d_ + j] * x_[u * d_ + j];
            }
        }
        auto h = [&](std::size_t g, const double* add, double add_sq, double sign) {
            double c = count[g] + sign;
            if (c < 2) return 0.0;
            double norm = 0;
            for (std::size_t j = 0; j < d_; ++j) {
                double s = sum[g][j] + (sign != 0 ? sign * add[j] : 0.0);
                norm += s * s;
            }
            return sq[g] + sign * add_sq - norm / c;
        };
        for (int pass = 0; pass < 50; ++pass) {
            bool moved = false;
            for (std::size_t u = 0; u < n_; ++u) {
                std::size_t from = p.label[u];
                if (from == SIZE_MAX || count[from] < 2 || total[from] - fv(u) < floor_) continue;
                const double* xu = x_.data() + u * d_;  // no attributes: d_ is 0 and x_ empty
                double xu_sq = 0;
                for (std::size_t j = 0; j < d_; ++j) xu_sq += xu[j] * xu[j];
                double before_from = h(from, xu, xu_sq, 0), after_from = h(from, xu, xu_sq, -1);
                std::size_t best = SIZE_MAX;
                double best_gain = 1e-12;
                for (std::size_t v : adj_[u]) {
                    std::size_t to = p.label[v];
                    if (to == from || to == SIZE_MAX) continue;
                    double gain = before_from + h(to, xu, xu_sq, 0) - after_from - h(to, xu, xu_sq, 1);
                    if (gain > best_gain) {
                        best_gain = gain;
                        best = to;
                    }
                }
                if (best == SIZE_MAX || !connected_without(p.label, from, u, static_cast<std::size_t>(count[from])))
                    continue;
                p.label[u] = best;
                count[from] -= 1;
                count[best] += 1;
                total[from] -= fv(u);
                total[best] += fv(u);
                for (std::size_t j = 0; j < d_; ++j) {
                    sum[from][j] -= xu[j];
                    sum[best][j] += xu[j];
                }
                sq[from] -= xu_sq;
                sq[best] += xu_sq;
                moved = true;
            }
            if (!moved) break;
        }
        p.heterogeneity = 0;
        for (std::size_t g = 0; g < r; ++g) p.heterogeneity += h(g, nullptr, 0, 0);
    }

private:
    std::size_t n_, d_;
    const std::vector<double>& x_;
    const std::vector<std::vector<std::size_t>>& adj_;
    const std::vector<double>& fv_;
    double floor_;
};

}  // namespace

std::vector<std::size_t> maxp(std::size_t n, std::size_t d, const std::vector<double>& attributes,
                              const std::vector<std::pair<std::size_t, std::size_t>>& edges,
                              const std::vector<double>& floor_values, double floor, std::size_t iterations,
                              std::uint64_t seed) {
    std::vector<std::vector<std::size_t>> adj(n);
    for (auto [a, b] : edges)
        if (a != b) {
            adj[a].push_back(b);
            adj[b].push_back(a);
        }
    for (auto& a : adj) {
        std::sort(a.begin(), a.end());
        a.erase(std::unique(a.begin(), a.end()), a.end());
    }
    MaxP solver(n, d, attributes, adj, floor_values, floor);
    std::mt19937_64 rng(seed);
    Partition best;
    bool have = false;
    for (std::size_t it = 0; it < std::max<std::size_t>(1, iterations); ++it) {
        Partition p = solver.construct(rng);
        if (have && p.regions < best.regions) continue;
        solver.improve(p);
        if (!have || p.regions > best.regions || (p.regions == best.regions && p.heterogeneity < best.heterogeneity)) {
            best = std::move(p);
            have = true;
        }
    }
    // Numbered by first unit; units no region could take (a part of the graph
    // below the floor as a whole) form groups of their own.
    std::vector<std::size_t> out(n, SIZE_MAX), renumber(best.regions, SIZE_MAX);
    std::size_t next = 0;
    for (std::size_t u = 0; u < n; ++u) {
        std::size_t g = best.label[u];
        if (g == SIZE_MAX) {
            out[u] = next++;
            continue;
        }
        if (renumber[g] == SIZE_MAX) renumber[g] = next++;
        out[u] = renumber[g];
    }
    return out;
}

}  // namespace atd::merge
