#include <atd/zones.hpp>

#include <algorithm>
#include <cstdint>
#include <queue>
#include <unordered_map>
#include <utility>

namespace atd {

namespace {

// Flows by unit: out and in persons per partner, and the self-flow.
struct Links {
    struct Link {
        std::size_t partner;
        double out, in;  // unit to partner, partner to unit
    };
    std::vector<std::vector<Link>> of;
    std::vector<double> self;

    explicit Links(const ZoneInput& in) : of(in.employed.size()), self(in.employed.size(), 0.0) {
        // Flows by pair (lo, hi) in flow order, so that each pair's sums add up as the flows come.
        std::vector<std::pair<std::uint64_t, std::size_t>> by_pair;
        by_pair.reserve(in.flows.size());
        for (std::size_t k = 0; k < in.flows.size(); ++k) {
            const auto& f = in.flows[k];
            if (f.origin == f.destination) {
                self[f.origin] += f.persons;
                continue;
            }
            std::uint64_t a = std::min(f.origin, f.destination), b = std::max(f.origin, f.destination);
            by_pair.emplace_back(a << 32 | b, k);
        }
        std::sort(by_pair.begin(), by_pair.end());
        for (std::size_t i = 0; i < by_pair.size();) {
            std::uint64_t key = by_pair[i].first;
            std::size_t a = static_cast<std::size_t>(key >> 32), b = static_cast<std::size_t>(key & 0xffffffffu);
            double lo_hi = 0, hi_lo = 0;
            for (; i < by_pair.size() && by_pair[i].first == key; ++i) {
                const auto& f = in.flows[by_pair[i].second];
                (f.origin == a ? lo_hi : hi_lo) += f.persons;
            }
            of[a].push_back({b, lo_hi, hi_lo});
            of[b].push_back({a, hi_lo, lo_hi});
        }
        // Each unit's links come by partner already: first the lower ones (as hi
        // of their pair), then the higher ones (as lo), each in key order.
    }
    bool linked(std::size_t u) const { return !of[u].empty() || self[u] > 0; }
};

// Gathers the zones from a unit -> cluster map (SIZE_MAX: no zone), with
// their totals and centres, largest first.
Zoning collect(const ZoneInput& in, const Links& links, const std::vector<std::size_t>& cluster_of) {
    std::size_t n = cluster_of.size();
    std::unordered_map<std::size_t, std::size_t> index;
    Zoning z;
    for (std::size_t u = 0; u < n; ++u) {
        if (cluster_of[u] == SIZE_MAX) continue;
        auto [it, fresh] = index.emplace(cluster_of[u], z.zones.size());
        if (fresh) z.zones.emplace_back();
        z.zones[it->second].units.push_back(u);
    }
    for (auto& zone : z.zones) {
        std::size_t c = zone.units.front();
        for (std::size_t u : zone.units) {
            zone.employed += in.employed[u];
            zone.jobs += in.jobs[u];
            zone.internal += links.self[u];
            for (const auto& l : links.of[u])
                if (cluster_of[l.partner] == cluster_of[u]) zone.internal += l.out;
            if (in.jobs[u] > in.jobs[c]) c = u;
        }
        zone.centre = c;
    }
    std::sort(z.zones.begin(), z.zones.end(), [](const Zone& a, const Zone& b) {
        return a.employed > b.employed || (a.employed == b.employed && a.centre < b.centre);
    });
    z.zone_of.assign(n, SIZE_MAX);
    for (std::size_t k = 0; k < z.zones.size(); ++k)
        for (std::size_t u : z.zones[k].units) z.zone_of[u] = k;
    return z;
}

}  // namespace

double ttwa_required_sc(double size, const TtwaParams& p) {
    if (size <= p.min_size) return p.target_sc;
    if (size >= p.target_size || p.target_size <= p.min_size) return p.min_sc;
    return p.target_sc - (p.target_sc - p.min_sc) * (size - p.min_size) / (p.target_size - p.min_size);
}

double ttwa_validity(double size, double sc, const TtwaParams& p) {
    double by_size = p.min_size > 0 ? size / p.min_size : 1.0;
    double required = ttwa_required_sc(size, p);
    double by_sc = required > 0 ? sc / required : 1.0;
    return std::min(by_size, by_sc);
}

Zoning ttwa_zones(const ZoneInput& in, const TtwaParams& p) {
    std::size_t n = in.employed.size();
    Links links(in);
    struct Cluster {
        std::vector<std::size_t> units;
        double employed = 0, jobs = 0, internal = 0;
        double key = 0;
        std::uint32_t stamp = 0;  // the queue entry that is current
        bool queued = false, isolated = false;
    };
    std::vector<Cluster> cl(n);
    std::vector<std::size_t> cluster_of(n, SIZE_MAX);
    for (std::size_t u = 0; u < n; ++u) {
        if (!links.linked(u) && !(in.employed[u] > 0) && !(in.jobs[u] > 0)) continue;  // nothing to zone
        cluster_of[u] = u;
        cl[u].units = {u};
        cl[u].employed = in.employed[u];
        cl[u].jobs = in.jobs[u];
        cl[u].internal = links.self[u];
    }
    // Invalid clusters, least valid first (then by number). A requeued cluster's
    // older entries stay in the heap and are skipped: only its stamp's entry counts.
    struct Queued {
        double key;
        std::size_t c;
        std::uint32_t stamp;
        bool operator>(const Queued& o) const { return key > o.key || (key == o.key && c > o.c); }
    };
    std::priority_queue<Queued, std::vector<Queued>, std::greater<>> worst;
    auto requeue = [&](std::size_t c) {
        Cluster& z = cl[c];
        z.queued = false;
        if (z.units.empty() || z.isolated) return;
        double sc = std::min(z.employed > 0 ? z.internal / z.employed : 0.0, z.jobs > 0 ? z.internal / z.jobs : 0.0);
        z.key = ttwa_validity(z.employed, sc, p);
        if (z.key < 1) {
            worst.push({z.key, c, ++z.stamp});
            z.queued = true;
        }
    };
    auto current = [&](const Queued& q) { return cl[q.c].queued && cl[q.c].stamp == q.stamp; };
    for (std::size_t c = 0; c < n; ++c) requeue(c);
    std::size_t steps = 0;
    // Per cluster, a unit's flows to it and from it; `near` lists the clusters
    // set, which are zeroed again after each unit.
    std::vector<std::pair<double, double>> to(n, {0.0, 0.0});
    std::vector<std::size_t> near;
    // Units of a partly dissolved zone may come back into play; a bound on the
    // dissolutions keeps any input from cycling (never reached on real data).
    const std::size_t max_steps = 20 * n + 100;
    bool converged = true;
    std::vector<std::pair<std::size_t, std::size_t>> moves;  // (unit, cluster)
    std::vector<std::size_t> touched;
    while (true) {
        while (!worst.empty() && !current(worst.top())) worst.pop();
        if (worst.empty()) break;
        if (steps >= max_steps) {
            converged = false;
            break;
        }
        std::size_t d = worst.top().c;
        worst.pop();
        cl[d].queued = false;
        ++steps;
        // Each unit's best other zone, against the zones as they stand before the dissolution.
        moves.clear();
        for (std::size_t u : cl[d].units) {
            near.clear();
            for (const auto& l : links.of[u]) {
                std::size_t c = cluster_of[l.partner];
                if (c == d || c == SIZE_MAX) continue;
                auto& t = to[c];
                if (t.first == 0 && t.second == 0) near.push_back(c);
                t.first += l.out;
                t.second += l.in;
            }
            // The best is the same in any order: ties go to the lowest cluster.
            std::size_t best = SIZE_MAX;
            double best_cohesion = 0;
            for (std::size_t c : near) {
                const auto t = std::exchange(to[c], {0.0, 0.0});
                double a = in.employed[u] > 0 && cl[c].jobs > 0 ? t.first * t.first / (in.employed[u] * cl[c].jobs) : 0;
                double b = cl[c].employed > 0 && in.jobs[u] > 0 ? t.second * t.second / (cl[c].employed * in.jobs[u]) : 0;
                double cohesion = a + b;
                if (cohesion > best_cohesion || (cohesion == best_cohesion && cohesion > 0 && c < best)) {
                    best_cohesion = cohesion;
                    best = c;
                }
            }
            if (best != SIZE_MAX) moves.emplace_back(u, best);
        }
        if (moves.empty()) {
            cl[d].isolated = true;  // stays as it is, invalid
            continue;
        }
        touched.clear();
        for (const auto& [u, c] : moves) {
            Cluster& z = cl[c];
            cluster_of[u] = c;
            z.units.push_back(u);
            z.employed += in.employed[u];
            z.jobs += in.jobs[u];
            z.internal += links.self[u];
            for (const auto& l : links.of[u])
                if (cluster_of[l.partner] == c) z.internal += l.out + l.in;
            touched.push_back(c);
        }
        // What is left of the dissolved zone: the units with no link to another zone.
        Cluster& rest = cl[d];
        std::erase_if(rest.units, [&](std::size_t u) { return cluster_of[u] != d; });
        rest.employed = rest.jobs = rest.internal = 0;
        for (std::size_t u : rest.units) {
            rest.employed += in.employed[u];
            rest.jobs += in.jobs[u];
            rest.internal += links.self[u];
            for (const auto& l : links.of[u])
                if (cluster_of[l.partner] == d) rest.internal += l.out;
        }
        touched.push_back(d);
        std::sort(touched.begin(), touched.end());
        touched.erase(std::unique(touched.begin(), touched.end()), touched.end());
        for (std::size_t c : touched) requeue(c);
    }
    Zoning z = collect(in, links, cluster_of);
    z.steps = steps;
    z.converged = converged;
    for (auto& zone : z.zones) {
        zone.valid = ttwa_validity(zone.employed, zone.sc(), p) >= 1;
        zone.isolated = cl[cluster_of[zone.units.front()]].isolated;
    }
    return z;
}

Zoning commuting_zones(const ZoneInput& in, double cut) {
    std::size_t n = in.employed.size();
    Links links(in);
    std::vector<std::size_t> cluster_of(n, SIZE_MAX), size(n, 0), version(n, 0);
    std::vector<std::unordered_map<std::size_t, double>> sim(n);  // cluster -> Σ PF to each neighbour cluster
    for (std::size_t u = 0; u < n; ++u) {
        if (!links.linked(u) && !(in.employed[u] > 0) && !(in.jobs[u] > 0)) continue;
        cluster_of[u] = u;
        size[u] = 1;
        for (const auto& l : links.of[u]) {
            double lo = std::min(in.employed[u], in.employed[l.partner]);
            if (lo > 0 && l.partner != u) sim[u][l.partner] = std::min(0.999, (l.out + l.in) / lo);
        }
    }
    struct Entry {
        double d;
        std::size_t a, b, va, vb;
        bool operator>(const Entry& o) const {
            return d > o.d || (d == o.d && (a > o.a || (a == o.a && b > o.b)));
        }
    };
    std::priority_queue<Entry, std::vector<Entry>, std::greater<>> heap;
    auto push = [&](std::size_t a, std::size_t b, double s) {
        if (a > b) std::swap(a, b);
        double d = 1.0 - s / (static_cast<double>(size[a]) * static_cast<double>(size[b]));
        if (d <= cut) heap.push({d, a, b, version[a], version[b]});
    };
    for (std::size_t a = 0; a < n; ++a)
        for (const auto& [b, s] : sim[a])
            if (a < b) push(a, b, s);
    std::size_t steps = 0;
    std::vector<std::size_t> root(n);
    for (std::size_t u = 0; u < n; ++u) root[u] = u;
    while (!heap.empty()) {
        Entry e = heap.top();
        heap.pop();
        if (size[e.a] == 0 || size[e.b] == 0 || version[e.a] != e.va || version[e.b] != e.vb) continue;
        std::size_t a = e.a, b = e.b;  // b joins a
        ++steps;
        sim[a].erase(b);
        for (const auto& [c, s] : sim[b]) {
            if (c == a) continue;
            sim[a][c] += s;
            sim[c].erase(b);
            sim[c][a] += s;
        }
        sim[b].clear();
        size[a] += size[b];
        size[b] = 0;
        root[b] = a;
        ++version[a];
        ++version[b];
        for (const auto& [c, s] : sim[a]) push(a, c, s);  // c's other pairs stay current
    }
    auto find = [&](std::size_t u) {
        while (root[u] != u) u = root[u];
        return u;
    };
    for (std::size_t u = 0; u < n; ++u)
        if (cluster_of[u] != SIZE_MAX) cluster_of[u] = find(u);
    Zoning z = collect(in, links, cluster_of);
    z.steps = steps;
    return z;
}

}  // namespace atd
