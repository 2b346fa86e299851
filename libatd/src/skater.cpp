// SKATER (Assunção, Neves, Câmara, Freitas 2006): a minimum spanning tree of
// the contiguity graph weighted by attribute dissimilarity, cut edge by edge
// where a cut lowers the within-group heterogeneity most.
#include <atd/merge.hpp>

#include <boost/graph/adjacency_list.hpp>
#include <boost/graph/kruskal_min_spanning_tree.hpp>

#include <algorithm>
#include <cmath>
#include <numeric>

namespace atd::merge {

void standardise(std::vector<double>& v, std::size_t n, std::size_t d) {
    if (n == 0) return;
    for (std::size_t j = 0; j < d; ++j) {
        double mean = 0;
        for (std::size_t i = 0; i < n; ++i) mean += v[i * d + j];
        mean /= static_cast<double>(n);
        double ss = 0;
        for (std::size_t i = 0; i < n; ++i) ss += (v[i * d + j] - mean) * (v[i * d + j] - mean);
        double sd = n > 1 ? std::sqrt(ss / static_cast<double>(n - 1)) : 0.0;
        for (std::size_t i = 0; i < n; ++i) v[i * d + j] = sd > 0 ? (v[i * d + j] - mean) / sd : 0.0;
    }
}

namespace {

struct Tree {
    std::vector<std::vector<std::pair<std::size_t, std::size_t>>> adj;  // (neighbour, tree edge)
    std::vector<std::pair<std::size_t, std::size_t>> edges;
    std::vector<bool> cut;  // removed edges
};

struct Group {
    std::vector<std::size_t> nodes;
    // Best cut of this group: edge, its cost, and whether any cut meets the floor.
    std::size_t best_edge = SIZE_MAX;
    double best_cost = -1;
    bool splittable = false;
};

class Skater {
public:
    Skater(std::size_t n, std::size_t d, const std::vector<double>& x, const std::vector<double>& floor_values,
           double floor, bool squared)
        : n_(n), d_(d), x_(x), floor_values_(floor_values), floor_(floor), squared_(squared) {}

    Tree tree;

    // The nodes reachable from start without crossing cut edges, in DFS preorder,
    // with the tree edge to each node's parent.
    void walk(std::size_t start, std::vector<std::size_t>& order, std::vector<std::size_t>& parent_edge,
              std::vector<std::size_t>& parent) const {
        order.clear();
        std::vector<std::size_t> stack{start};
        parent_edge[start] = SIZE_MAX;
        parent[start] = SIZE_MAX;
        while (!stack.empty()) {
            std::size_t v = stack.back();
            stack.pop_back();
            order.push_back(v);
            // Neighbours in reverse so that the preorder follows adjacency order.
            const auto& a = tree.adj[v];
            for (auto it = a.rbegin(); it != a.rend(); ++it) {
                auto [w, e] = *it;
                if (tree.cut[e] || w == parent[v]) continue;
                parent[w] = v;
                parent_edge[w] = e;
                stack.push_back(w);
            }
        }
    }

    double floor_of(std::size_t v) const { return floor_values_.empty() ? 1.0 : floor_values_[v]; }

    // Heterogeneity of a set given by a membership predicate over nodes.
    template <class In>
    double heterogeneity(const std::vector<std::size_t>& nodes, In in) const {
        std::vector<double> mean(d_, 0.0);
        std::size_t m = 0;
        for (std::size_t v : nodes)
            if (in(v)) {
                ++m;
                for (std::size_t j = 0; j < d_; ++j) mean[j] += x_[v * d_ + j];
            }
        if (m <= 1) return 0;
        for (double& c : mean) c /= static_cast<double>(m);
        double h = 0;
        for (std::size_t v : nodes)
            if (in(v)) {
                double s = 0;
                for (std::size_t j = 0; j < d_; ++j) s += (x_[v * d_ + j] - mean[j]) * (x_[v * d_ + j] - mean[j]);
                h += squared_ ? s : std::sqrt(s);
            }
        return h;
    }

    // The best cut of a group: the edge whose removal lowers heterogeneity most
    // with both sides at or above the floor.
    void evaluate(Group& g) {
        g.best_edge = SIZE_MAX;
        g.best_cost = -1;
        double total_floor = 0;
        for (std::size_t v : g.nodes) total_floor += floor_of(v);
        double need = floor_values_.empty() && floor_ <= 0 ? 1.0 : floor_;
        g.splittable = g.nodes.size() >= 2 && total_floor >= 2 * need;
        if (!g.splittable) return;
        std::vector<std::size_t> order, parent_edge(n_), parent(n_);
        walk(g.nodes.front(), order, parent_edge, parent);
        // Subtree sums in reverse preorder.
        std::size_t m = order.size();
        std::vector<std::size_t> pos(n_);
        for (std::size_t i = 0; i < m; ++i) pos[order[i]] = i;
        std::vector<double> sum(m * d_, 0.0), sq(m, 0.0), fl(m, 0.0), count(m, 0.0);
        std::vector<std::size_t> tin(m), tout(m);
        for (std::size_t i = 0; i < m; ++i) tin[i] = i;
        for (std::size_t i = m; i-- > 0;) {
            std::size_t v = order[i];
            count[i] += 1;
            fl[i] += floor_of(v);
            for (std::size_t j = 0; j < d_; ++j) {
                sum[i * d_ + j] += x_[v * d_ + j];
                sq[i] += x_[v * d_ + j] * x_[v * d_ + j];
            }
            if (tout[i] < i + 1) tout[i] = i + 1;
            if (parent[v] != SIZE_MAX) {
                std::size_t p = pos[parent[v]];
                count[p] += count[i];
                fl[p] += fl[i];
                sq[p] += sq[i];
                for (std::size_t j = 0; j < d_; ++j) sum[p * d_ + j] += sum[i * d_ + j];
                tout[p] = std::max(tout[p], tout[i]);
            }
        }
        auto ssd = [&](const double* s, double q, double c) {
            if (c <= 1) return 0.0;
            double norm = 0;
            for (std::size_t j = 0; j < d_; ++j) norm += s[j] * s[j];
            return std::max(0.0, q - norm / c);
        };
        double whole = squared_ ? ssd(&sum[0], sq[0], count[0]) : heterogeneity(order, [](std::size_t) { return true; });
        std::vector<double> rest(d_);
        for (std::size_t i = 1; i < m; ++i) {
            if (fl[i] < need || fl[0] - fl[i] < need) continue;
            double cost;
            if (squared_) {
                for (std::size_t j = 0; j < d_; ++j) rest[j] = sum[j] - sum[i * d_ + j];
                cost = whole - ssd(&sum[i * d_], sq[i], count[i]) - ssd(rest.data(), sq[0] - sq[i], count[0] - count[i]);
            } else {
                std::size_t lo = tin[i], hi = tout[i];
                auto inside = [&](std::size_t v) { return pos[v] >= lo && pos[v] < hi; };
                cost = whole - heterogeneity(order, inside) -
                       heterogeneity(order, [&](std::size_t v) { return !inside(v); });
            }
            std::size_t e = parent_edge[order[i]];
            if (cost > g.best_cost || (cost == g.best_cost && e < g.best_edge)) {
                g.best_cost = cost;
                g.best_edge = e;
            }
        }
    }

    std::vector<std::size_t> run(const std::vector<std::pair<std::size_t, std::size_t>>& edges, std::size_t k) {
        // Edges ranked by dissimilarity, ties by their ends: Kruskal on the ranks
        // gives the minimum spanning forest with that tie rule.
        std::vector<double> cost(edges.size());
        for (std::size_t e = 0; e < edges.size(); ++e) {
            double s = 0;
            for (std::size_t j = 0; j < d_; ++j) {
                double diff = x_[edges[e].first * d_ + j] - x_[edges[e].second * d_ + j];
                s += diff * diff;
            }
            cost[e] = std::sqrt(s);
        }
        std::vector<std::size_t> rank(edges.size());
        std::iota(rank.begin(), rank.end(), std::size_t{0});
        auto key = [&](std::size_t e) {
            auto [a, b] = edges[e];
            return std::make_tuple(cost[e], std::min(a, b), std::max(a, b));
        };
        std::sort(rank.begin(), rank.end(), [&](std::size_t p, std::size_t q) { return key(p) < key(q); });
        using G = boost::adjacency_list<boost::vecS, boost::vecS, boost::undirectedS, boost::no_property,
                                        boost::property<boost::edge_weight_t, std::size_t>>;
        G g(n_);
        for (std::size_t r = 0; r < rank.size(); ++r) {
            auto [a, b] = edges[rank[r]];
            if (a != b) boost::add_edge(a, b, r, g);
        }
        std::vector<boost::graph_traits<G>::edge_descriptor> mst;
        boost::kruskal_minimum_spanning_tree(g, std::back_inserter(mst));
        tree.adj.assign(n_, {});
        for (const auto& e : mst) {
            std::size_t a = boost::source(e, g), b = boost::target(e, g), id = tree.edges.size();
            tree.edges.emplace_back(a, b);
            tree.adj[a].emplace_back(b, id);
            tree.adj[b].emplace_back(a, id);
        }
        for (auto& a : tree.adj) std::sort(a.begin(), a.end());
        tree.cut.assign(tree.edges.size(), false);
        // The trees of the forest are the first groups.
        std::vector<Group> groups;
        std::vector<std::size_t> label(n_, SIZE_MAX), order, parent_edge(n_), parent(n_);
        for (std::size_t v = 0; v < n_; ++v) {
            if (label[v] != SIZE_MAX) continue;
            walk(v, order, parent_edge, parent);
            Group grp;
            grp.nodes = order;
            std::sort(grp.nodes.begin(), grp.nodes.end());
            for (std::size_t w : grp.nodes) label[w] = groups.size();
            groups.push_back(std::move(grp));
        }
        for (auto& grp : groups) evaluate(grp);
        while (groups.size() < k) {
            std::size_t best = SIZE_MAX;
            for (std::size_t i = 0; i < groups.size(); ++i) {
                const Group& grp = groups[i];
                if (!grp.splittable || grp.best_edge == SIZE_MAX) continue;
                if (best == SIZE_MAX || grp.best_cost > groups[best].best_cost) best = i;
            }
            if (best == SIZE_MAX) break;  // no cut leaves both sides at the floor
            std::size_t e = groups[best].best_edge;
            tree.cut[e] = true;
            auto [a, b] = tree.edges[e];
            Group left, right;
            walk(a, order, parent_edge, parent);
            left.nodes = order;
            walk(b, order, parent_edge, parent);
            right.nodes = order;
            std::sort(left.nodes.begin(), left.nodes.end());
            std::sort(right.nodes.begin(), right.nodes.end());
            evaluate(left);
            evaluate(right);
            groups[best] = std::move(left);
            groups.push_back(std::move(right));
        }
        // Numbered by their first unit.
        std::sort(groups.begin(), groups.end(),
                  [](const Group& p, const Group& q) { return p.nodes.front() < q.nodes.front(); });
        std::vector<std::size_t> out(n_);
        for (std::size_t i = 0; i < groups.size(); ++i)
            for (std::size_t v : groups[i].nodes) out[v] = i;
        return out;
    }

private:
    std::size_t n_, d_;
    const std::vector<double>& x_;
    const std::vector<double>& floor_values_;
    double floor_;
    bool squared_;
};

}  // namespace

std::vector<std::size_t> skater(std::size_t n, std::size_t d, const std::vector<double>& attributes,
                                const std::vector<std::pair<std::size_t, std::size_t>>& edges, std::size_t k,
                                const std::vector<double>& floor_values, double floor, bool squared) {
    Skater s(n, d, attributes, floor_values, floor, squared);
    return s.run(edges, k);
}

}  // namespace atd::merge
