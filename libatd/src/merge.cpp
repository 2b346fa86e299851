#include <atd/areas.hpp>
#include <atd/csv.hpp>
#include <atd/error.hpp>
#include <atd/flows.hpp>
#include <atd/geo.hpp>
#include <atd/merge.hpp>
#include <atd/pipeline.hpp>
#include <atd/model.hpp>
#include <atd/polygons.hpp>

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <random>
#include <set>
#include <unordered_map>

namespace atd {

namespace {

struct Place {
    std::string id, name;
    bool placed = false;
    double lon = 0, lat = 0, population = 0;
    std::optional<double> infra;
    bool okrug_centre = false;
};

struct Unit {
    std::string id, region, name;
    double population = 0, settlements = 1;
    bool population_known = false;
    std::optional<double> budget_total, budget_own;
    std::vector<double> attributes;
    double floor_value = 0;
    Geometry geom;
    bool placed = false;
    double lon = 0, lat = 0;
    std::vector<std::size_t> places;
};

struct Data {
    std::vector<Unit> units;
    std::vector<Place> places;
    std::unordered_map<std::uint64_t, double> pf;  // unit pair (lo << 32 | hi) -> PF
    bool has_flows = false;
    std::vector<std::vector<std::size_t>> adj;     // unit neighbours, within regions
};

std::uint64_t pair_key(std::size_t a, std::size_t b) {
    if (a > b) std::swap(a, b);
    return (static_cast<std::uint64_t>(a) << 32) | b;
}

// What a group of units would be as one okrug.
struct Eval {
    double population = 0, settlements = 0, budget_total = 0, budget_own = 0;
    std::size_t population_unknown = 0;  // members whose population is not known
    bool budget_known = true;
    std::size_t centre_place = SIZE_MAX, centre_unit = SIZE_MAX;
    std::string centre_reason;
    double max_km = 0, person_km = 0, cohesion = 0, objective = 0;
    double lon = 0, lat = 0;  // the centre's position
    std::optional<double> self_sufficiency() const {
        if (!budget_known || !(budget_total > 0)) return std::nullopt;
        return budget_own / budget_total;
    }
};

struct Weights {
    double lambda, mu;
};

// Geodesic distances from settlements (or units) to centres, kept while one
// district is solved: the greedy search evaluates the same pairs many times.
class DistanceCache {
public:
    double km(std::size_t from, std::size_t to, bool units, double x0, double y0, double x1, double y1) {
        std::uint64_t key = (static_cast<std::uint64_t>(from) << 32) ^ to ^ (units ? 1ull << 63 : 0);
        auto [it, fresh] = km_.try_emplace(key, 0.0);
        if (fresh) it->second = geodesic_km(x0, y0, x1, y1);
        return it->second;
    }

private:
    std::unordered_map<std::uint64_t, double> km_;
};

double distance_km(DistanceCache* cache, std::size_t from, std::size_t to, bool units, double x0, double y0,
                   double x1, double y1) {
    return cache ? cache->km(from, to, units, x0, y0, x1, y1) : geodesic_km(x0, y0, x1, y1);
}

Eval evaluate(const Data& data, const std::vector<std::size_t>& members, Weights w, DistanceCache* cache = nullptr) {
    Eval e;
    for (std::size_t u : members) {
        const Unit& unit = data.units[u];
        e.population += unit.population;
        if (!unit.population_known) ++e.population_unknown;
        e.settlements += unit.settlements;
        if (unit.budget_total && unit.budget_own) {
            e.budget_total += *unit.budget_total;
            e.budget_own += *unit.budget_own;
        } else {
            e.budget_known = false;
        }
    }
    // The centre: an existing okrug centre, else the highest infrastructure index, else the largest population.
    for (std::size_t u : members)
        for (std::size_t p : data.units[u].places) {
            const Place& c = data.places[p];
            if (!c.placed) continue;
            if (e.centre_place == SIZE_MAX) {
                e.centre_place = p;
                continue;
            }
            const Place& b = data.places[e.centre_place];
            auto key = [](const Place& x) {
                return std::make_tuple(x.okrug_centre, x.infra.value_or(-1.0), x.population);
            };
            if (key(c) > key(b) || (key(c) == key(b) && c.id < b.id)) e.centre_place = p;
        }
    if (e.centre_place != SIZE_MAX) {
        const Place& c = data.places[e.centre_place];
        e.lon = c.lon;
        e.lat = c.lat;
        bool other_centre = false, other_infra = false;
        for (std::size_t u : members)
            for (std::size_t p : data.units[u].places) {
                if (p == e.centre_place) continue;
                other_centre |= data.places[p].okrug_centre;
                other_infra |= data.places[p].infra.has_value();
            }
        e.centre_reason = c.okrug_centre ? (other_centre ? "the okrug centre with the most infrastructure and residents"
                                                         : "the only okrug centre among the members")
                          : c.infra  ? "the highest infrastructure index (C7)"
                                     : "the largest population";
        (void)other_infra;
        for (std::size_t u : members)
            for (std::size_t p : data.units[u].places) {
                const Place& s = data.places[p];
                if (!s.placed) continue;
                double d = distance_km(cache, p, e.centre_place, false, s.lon, s.lat, c.lon, c.lat);
                e.max_km = std::max(e.max_km, d);
                e.person_km += s.population * d;
            }
    } else {
        // No settlement positions: units stand for their settlements.
        for (std::size_t u : members) {
            const Unit& x = data.units[u];
            if (!x.placed) continue;
            if (e.centre_unit == SIZE_MAX || x.population > data.units[e.centre_unit].population) e.centre_unit = u;
        }
        if (e.centre_unit != SIZE_MAX) {
            const Unit& c = data.units[e.centre_unit];
            e.lon = c.lon;
            e.lat = c.lat;
            e.centre_reason = "the member unit with the largest population (no settlement positions)";
            for (std::size_t u : members) {
                const Unit& x = data.units[u];
                if (!x.placed) continue;
                double d = distance_km(cache, u, e.centre_unit, true, x.lon, x.lat, c.lon, c.lat);
                e.max_km = std::max(e.max_km, d);
                e.person_km += x.population * d;
            }
        }
    }
    if (data.has_flows)
        for (std::size_t i = 0; i < members.size(); ++i)
            for (std::size_t j = i + 1; j < members.size(); ++j) {
                auto it = data.pf.find(pair_key(members[i], members[j]));
                if (it != data.pf.end()) e.cohesion += it->second;
            }
    e.objective = 1.0 + w.lambda * e.person_km / 1000.0 - w.mu * e.cohesion;
    return e;
}

// With a member's population unknown, only the settlement count can be tested.
bool legal(const Eval& e, const MergeParams& p) {
    return (e.population_unknown > 0 || e.population >= p.min_population) && e.settlements >= p.min_settlements;
}

// Why a group needs a merger, or "" when it does not.
std::string trigger_of(const Eval& e, const MergeParams& p) {
    if (!legal(e, p))
        return "below the legal minimum of " + fixed_text(p.min_settlements, 0) + " settlements and " +
               fixed_text(p.min_population, 0) + " residents (" + fixed_text(e.settlements, 0) + ", " + fixed_text(e.population, 0) + ")";
    if (e.population_unknown == 0 && e.population < p.soft_floor)
        return "below the soft floor of " + fixed_text(p.soft_floor, 0) + " residents (" + fixed_text(e.population, 0) + ")";
    if (auto ss = e.self_sufficiency(); ss && *ss < p.self_sufficiency_target)
        return "budget self-sufficiency " + fixed_text(*ss * 100, 1) + "% below " + fixed_text(p.self_sufficiency_target * 100, 0) +
               "%";
    return {};
}

struct Proposal {
    std::vector<std::size_t> members;  // global unit indices, ascending
    std::string trigger, note;         // note: why it still fails, if it does
};

struct RegionResult {
    std::vector<Proposal> proposals;
    std::vector<std::string> messages;
    std::map<std::pair<std::size_t, std::size_t>, std::size_t> together;  // with variants
    std::map<std::size_t, std::size_t> alone;
    std::size_t variants = 0;
    double greedy_objective = 0, objective = 0;
    bool exact_skipped = false;
};

class Solver {
public:
    Solver(const Data& data, const MergeOptions& opts, const std::vector<std::size_t>& units, std::mt19937_64* rng,
           Weights w)
        : data_(data), opts_(opts), p_(opts.params), units_(units), rng_(rng), w_(w) {
        local_.reserve(units.size());
        for (std::size_t i = 0; i < units.size(); ++i) local_[units[i]] = i;
    }

    double noise() {
        if (!rng_) return 1.0;
        return std::uniform_real_distribution<double>(0.9, 1.1)(*rng_);
    }

    std::vector<Proposal> greedy() {
        std::size_t m = units_.size();
        std::vector<Proposal> groups(m);
        std::vector<std::set<std::size_t>> nb(m);
        std::vector<bool> alive(m, true), stuck(m, false);
        for (std::size_t i = 0; i < m; ++i) {
            groups[i].members = {units_[i]};
            for (std::size_t v : data_.adj[units_[i]]) {
                auto it = local_.find(v);
                if (it != local_.end()) nb[i].insert(it->second);
            }
        }
        std::vector<Eval> eval(m);
        for (std::size_t i = 0; i < m; ++i) eval[i] = evaluate(data_, groups[i].members, w_, &km_);
        for (;;) {
            std::size_t worst = SIZE_MAX;
            std::tuple<int, double, double, std::size_t> worst_key{};
            for (std::size_t g = 0; g < m; ++g) {
                if (!alive[g] || stuck[g] || trigger_of(eval[g], p_).empty()) continue;
                const Eval& e = eval[g];
                std::tuple<int, double, double, std::size_t> key{
                    legal(e, p_) ? 1 : 0, std::min(1.0, e.population / std::max(1.0, p_.soft_floor)) * noise(),
                    e.self_sufficiency().value_or(1.0), groups[g].members.front()};
                if (worst == SIZE_MAX || key < worst_key) {
                    worst = g;
                    worst_key = key;
                }
            }
            if (worst == SIZE_MAX) break;
            std::size_t best = SIZE_MAX;
            double best_tie = 0, best_objective = 0;
            Eval best_eval;
            bool too_far = false, too_many = false;
            for (std::size_t h : nb[worst]) {
                std::vector<std::size_t> merged = groups[worst].members;
                merged.insert(merged.end(), groups[h].members.begin(), groups[h].members.end());
                if (merged.size() > p_.max_members) {
                    too_many = true;
                    continue;
                }
                Eval em = evaluate(data_, merged, w_, &km_);
                if (em.max_km > p_.max_distance_km) {
                    too_far = true;
                    continue;
                }
                double tie = data_.has_flows ? em.cohesion - eval[worst].cohesion - eval[h].cohesion
                                             : -geodesic_km(eval[worst].lon, eval[worst].lat, eval[h].lon, eval[h].lat);
                tie *= noise();
                if (best == SIZE_MAX || tie > best_tie ||
                    (tie == best_tie && (em.objective < best_objective ||
                                         (em.objective == best_objective && groups[h].members.front() <
                                                                                groups[best].members.front())))) {
                    best = h;
                    best_tie = tie;
                    best_objective = em.objective;
                    best_eval = em;
                }
            }
            if (best == SIZE_MAX) {
                stuck[worst] = true;
                groups[worst].note = nb[worst].empty() ? "no neighbour to merge with"
                                     : too_far ? "every merge with a neighbour puts a settlement farther than " +
                                                     fixed_text(p_.max_distance_km, 0) + " km from the centre"
                                     : too_many ? "every merge with a neighbour exceeds " +
                                                      std::to_string(p_.max_members) + " members"
                                                : "no feasible merge";
                groups[worst].note = trigger_of(eval[worst], p_) + ": " + groups[worst].note;
                continue;
            }
            std::string why = trigger_of(eval[worst], p_);
            Proposal& g = groups[worst];
            if (g.trigger.empty()) g.trigger = why;
            if (!groups[best].trigger.empty() && groups[best].trigger != g.trigger)
                g.trigger += "; " + groups[best].trigger;
            g.members.insert(g.members.end(), groups[best].members.begin(), groups[best].members.end());
            std::sort(g.members.begin(), g.members.end());
            alive[best] = false;
            for (std::size_t x : nb[best]) {
                nb[x].erase(best);
                if (x != worst) {
                    nb[x].insert(worst);
                    nb[worst].insert(x);
                }
            }
            nb[worst].erase(best);
            nb[worst].erase(worst);
            eval[worst] = best_eval;
            // A merge can open new possibilities for groups stuck next to it.
            for (std::size_t x : nb[worst]) stuck[x] = false;
            stuck[worst] = false;
            groups[worst].note.clear();
        }
        std::vector<Proposal> out;
        for (std::size_t g = 0; g < m; ++g)
            if (alive[g]) out.push_back(std::move(groups[g]));
        return out;
    }

    // Every connected partition of the district, the one with the lowest objective.
    std::optional<std::vector<Proposal>> exact(std::string& why_not) {
        std::size_t m = units_.size();
        std::size_t full = (std::size_t{1} << m) - 1;
        std::vector<std::uint32_t> nbm(m, 0);
        for (std::size_t i = 0; i < m; ++i)
            for (std::size_t v : data_.adj[units_[i]]) {
                auto it = local_.find(v);
                if (it != local_.end()) nbm[i] |= std::uint32_t{1} << it->second;
            }
        std::vector<char> connected(full + 1, 0);
        std::vector<std::uint32_t> queue;
        for (std::size_t i = 0; i < m; ++i) {
            connected[std::size_t{1} << i] = 1;
            queue.push_back(static_cast<std::uint32_t>(1u << i));
        }
        for (std::size_t q = 0; q < queue.size(); ++q) {
            std::uint32_t mask = queue[q];
            if (static_cast<std::size_t>(__builtin_popcount(mask)) >= p_.max_members) continue;
            std::uint32_t grow = 0;
            for (std::size_t i = 0; i < m; ++i)
                if (mask >> i & 1u) grow |= nbm[i];
            grow &= ~mask;
            for (std::size_t v = 0; v < m; ++v)
                if (grow >> v & 1u) {
                    std::uint32_t next = mask | (1u << v);
                    if (!connected[next]) {
                        connected[next] = 1;
                        queue.push_back(next);
                    }
                }
        }
        constexpr double inf = std::numeric_limits<double>::infinity();
        std::vector<double> cost(full + 1, inf);
        std::vector<char> is_legal(full + 1, 0);
        std::vector<char> fixable(m, 0);
        auto members_of = [&](std::uint32_t mask) {
            std::vector<std::size_t> out;
            for (std::size_t i = 0; i < m; ++i)
                if (mask >> i & 1u) out.push_back(units_[i]);
            return out;
        };
        for (std::uint32_t mask : queue) {
            Eval e = evaluate(data_, members_of(mask), w_, &km_);
            bool single = __builtin_popcount(mask) == 1;
            if (!single && e.max_km > p_.max_distance_km) continue;
            cost[mask] = e.objective;
            is_legal[mask] = legal(e, p_);
            if (!single && is_legal[mask])
                for (std::size_t i = 0; i < m; ++i)
                    if (mask >> i & 1u) fixable[i] = 1;
        }
        // A part below the legal minimum is allowed only as a unit that no feasible merge can lift.
        for (std::uint32_t mask : queue) {
            if (cost[mask] == inf || is_legal[mask]) continue;
            bool single = __builtin_popcount(mask) == 1;
            if (!single || fixable[static_cast<std::size_t>(__builtin_ctz(mask))]) cost[mask] = inf;
        }
        std::vector<double> best(full + 1, inf);
        std::vector<std::uint32_t> choice(full + 1, 0);
        best[0] = 0;
        for (std::size_t mask = 1; mask <= full; ++mask) {
            std::uint32_t low = static_cast<std::uint32_t>(mask & (~mask + 1));
            std::uint32_t rest = static_cast<std::uint32_t>(mask) ^ low;
            // Parts holding the lowest unit: low plus any subset of the rest.
            for (std::uint32_t sub = rest;; sub = (sub - 1) & rest) {
                std::uint32_t part = sub | low;
                if (cost[part] != inf && best[mask ^ part] != inf) {
                    double c = cost[part] + best[mask ^ part];
                    if (c < best[mask] - 1e-12) {
                        best[mask] = c;
                        choice[mask] = part;
                    }
                }
                if (sub == 0) break;
            }
        }
        if (best[full] == inf) {
            why_not = "no partition keeps every merged okrug within " + fixed_text(p_.max_distance_km, 0) + " km and " +
                      std::to_string(p_.max_members) + " members while lifting every unit to the legal minimum";
            return std::nullopt;
        }
        std::vector<Proposal> out;
        for (std::size_t mask = full; mask;) {
            std::uint32_t part = choice[mask];
            Proposal pr;
            pr.members = members_of(part);
            Eval e = evaluate(data_, pr.members, w_);
            if (pr.members.size() > 1) {
                for (std::size_t u : pr.members) {
                    std::string t = trigger_of(evaluate(data_, {u}, w_), p_);
                    if (!t.empty() && pr.trigger.find(t) == std::string::npos)
                        pr.trigger += (pr.trigger.empty() ? "" : "; ") + t;
                }
                if (pr.trigger.empty()) pr.trigger = "a lower objective";
            }
            pr.note = trigger_of(e, p_);
            if (!legal(e, p_)) pr.note += ": no feasible merge";
            out.push_back(std::move(pr));
            mask ^= part;
        }
        return out;
    }

    std::vector<Proposal> regionalise(const std::vector<double>& column_weight, std::uint64_t seed) {
        std::size_t m = units_.size(), d = opts_.attributes.size();
        std::vector<double> x(m * d);
        for (std::size_t i = 0; i < m; ++i)
            for (std::size_t j = 0; j < d; ++j) x[i * d + j] = data_.units[units_[i]].attributes[j] * column_weight[j];
        std::vector<std::pair<std::size_t, std::size_t>> edges;
        for (std::size_t i = 0; i < m; ++i)
            for (std::size_t v : data_.adj[units_[i]]) {
                auto it = local_.find(v);
                if (it != local_.end() && i < it->second) edges.emplace_back(i, it->second);
            }
        std::vector<double> floor_values;
        if (!opts_.floor_field.empty())
            for (std::size_t u : units_) floor_values.push_back(data_.units[u].floor_value);
        auto label = opts_.method == "maxp"
                         ? merge::maxp(m, d, x, edges, floor_values, opts_.floor, opts_.maxp_iterations, seed)
                         : merge::skater(m, d, x, edges, opts_.k, floor_values, opts_.floor, opts_.ssw != "distance");
        std::size_t groups = 0;
        for (std::size_t l : label) groups = std::max(groups, l + 1);
        std::vector<Proposal> out(groups);
        for (std::size_t i = 0; i < m; ++i) out[label[i]].members.push_back(units_[i]);
        for (auto& pr : out) {
            Eval e = evaluate(data_, pr.members, w_);
            if (!legal(e, p_)) pr.note = trigger_of(e, p_);
            if (pr.members.size() > 1)
                pr.trigger = opts_.method == "maxp" ? "max-p region, floor " + opts_.floor_field + " >= " + fixed_text(opts_.floor, 0)
                                                    : "SKATER cut, k = " + std::to_string(opts_.k);
        }
        return out;
    }

private:
    const Data& data_;
    const MergeOptions& opts_;
    const MergeParams& p_;
    const std::vector<std::size_t>& units_;
    std::unordered_map<std::size_t, std::size_t> local_;
    DistanceCache km_;
    std::mt19937_64* rng_;
    Weights w_;
};

double total_objective(const Data& data, const std::vector<Proposal>& proposals, Weights w) {
    double j = 0;
    for (const auto& pr : proposals) j += evaluate(data, pr.members, w).objective;
    return j;
}

RegionResult solve_region(const Data& data, const MergeOptions& opts, const std::vector<std::size_t>& units,
                          const std::string& region, std::size_t region_index) {
    RegionResult r;
    Weights base{opts.params.lambda, opts.params.mu};
    auto run = [&](std::mt19937_64* rng, Weights w, const std::vector<double>& column_weight, bool report) {
        Solver s(data, opts, units, rng, w);
        if (opts.method == "skater" || opts.method == "maxp") {
            std::uint64_t seed = rng ? (*rng)() : opts.seed * 1000003u + region_index;
            return s.regionalise(column_weight, seed);
        }
        if (opts.method == "exact") {
            if (units.size() > opts.exact_max) {
                if (report) {
                    r.exact_skipped = true;
                    r.messages.push_back("district " + region + ": " + std::to_string(units.size()) +
                                         " units, more than the exact method's " + std::to_string(opts.exact_max) +
                                         ": greedy proposal given");
                }
                return s.greedy();
            }
            std::string why;
            auto best = s.exact(why);
            if (best) {
                if (report) r.greedy_objective = total_objective(data, Solver(data, opts, units, nullptr, w).greedy(), w);
                return *best;
            }
            if (report) r.messages.push_back("district " + region + ": " + why + ": greedy proposal given");
            return s.greedy();
        }
        return s.greedy();
    };
    std::vector<double> ones(opts.attributes.size(), 1.0);
    r.proposals = run(nullptr, base, ones, true);
    r.objective = total_objective(data, r.proposals, base);
    if (opts.method != "exact" || r.greedy_objective == 0) r.greedy_objective = r.objective;
    for (std::size_t v = 0; v < opts.variants; ++v) {
        std::mt19937_64 rng(opts.seed * 1000003u + region_index * 7919u + v);
        std::uniform_real_distribution<double> factor(0.5, 1.5);
        Weights w{base.lambda * factor(rng), base.mu * factor(rng)};
        std::vector<double> cw(opts.attributes.size());
        for (double& c : cw) c = factor(rng);
        auto variant = run(&rng, w, cw, false);
        for (const auto& pr : variant) {
            if (pr.members.size() == 1) ++r.alone[pr.members[0]];
            for (std::size_t i = 0; i < pr.members.size(); ++i)
                for (std::size_t j = i + 1; j < pr.members.size(); ++j) ++r.together[{pr.members[i], pr.members[j]}];
        }
    }
    r.variants = opts.variants;
    for (auto& pr : r.proposals) std::sort(pr.members.begin(), pr.members.end());
    std::sort(r.proposals.begin(), r.proposals.end(),
              [](const Proposal& a, const Proposal& b) { return a.members.front() < b.members.front(); });
    return r;
}

std::optional<double> number_field(const Properties& p, const std::string& key, const FeatureOrigin& at) {
    const Value* v = p.find(key);
    if (!v || is_null(*v)) return std::nullopt;
    auto n = as_number(*v);
    if (!n || !std::isfinite(*n)) throw DataError(at.where() + ": " + key + " '" + as_text(*v) + "' is not a number");
    return n;
}

}  // namespace

MergeParams merge_params(const Standards& st) {
    MergeParams p;
    p.min_settlements = st.get("okrug.min_settlements");
    p.min_population = st.get("okrug.min_population");
    p.soft_floor = st.get("merge.soft_floor_population");
    p.max_distance_km = st.get("merge.max_distance_km");
    p.max_members = static_cast<std::size_t>(st.get("merge.max_members"));
    p.self_sufficiency_target = st.get("merge.self_sufficiency_target");
    p.lambda = st.get("merge.lambda_per_1000_person_km");
    p.mu = st.get("merge.mu_per_pf");
    return p;
}

std::pair<std::string, double> parse_floor(const std::string& text) {
    auto eq = text.find('=');
    double min = 0;
    if (eq == std::string::npos || eq == 0 || parse_number(std::string_view(text).substr(eq + 1), min) != NumberStatus::Ok)
        throw UsageError("--floor '" + text + "': give FIELD=MIN, such as population=1000");
    return {text.substr(0, eq), min};
}

MergeSummary run_merge(const MergeOptions& opts, FeatureSink& sink, Log& log) {
    if (opts.method != "greedy" && opts.method != "exact" && opts.method != "skater" && opts.method != "maxp")
        throw UsageError("--method must be greedy, exact, skater or maxp");
    if (opts.method == "maxp" && opts.floor_field.empty())
        throw UsageError("--method maxp needs --floor FIELD=MIN, the floor every region reaches");
    if (opts.method == "skater" && opts.k == 0) throw UsageError("--method skater needs -k, the proposals per district");
    if (opts.method == "skater" && opts.attributes.empty())
        throw UsageError("--method skater needs --attributes, the fields to compare units on");
    if (opts.islands != "nearest" && opts.islands != "keep") throw UsageError("--islands must be nearest or keep");
    if (opts.ssw != "squared" && opts.ssw != "distance") throw UsageError("--ssw must be squared or distance");
    if (opts.exact_max > 20) throw UsageError("--exact-max is at most 20 (the enumeration grows as 3^n)");
    if (opts.params.max_members < 1) throw UsageError("--max-members must be at least 1");
    if (!(opts.params.max_distance_km > 0)) throw UsageError("--max-km must be a positive number");
    if (!opts.coassign.path.empty() && opts.variants == 0) throw UsageError("--coassign needs --variants N");
    const MergeParams& p = opts.params;
    Data data;
    std::unordered_map<std::string, std::size_t> unit_of;
    std::size_t skipped = 0, other_kinds = 0;
    std::set<std::string> passed_by;  // units of other kinds
    const std::size_t threads = opts.threads ? opts.threads : default_threads();
    read_features(opts.inputs, opts.read, log, [&](Feature& f, const FeatureOrigin& at) {
        auto type = f.props.get_string(field::feature_type);
        if (type && (*type == kSettlement || *type == kUnit || *type == kSubLocality)) {
            ++skipped;
            return;
        }
        if (auto kind = f.props.get_string("area_kind"); kind && !opts.kinds.empty()) {
            bool wanted = std::find(opts.kinds.begin(), opts.kinds.end(), *kind) != opts.kinds.end();
            if (wanted && *kind == "settlement") {
                auto category = f.props.get_string(field::category);
                wanted = !category || *category == "aul" || *category == "kent";
            }
            if (!wanted) {
                ++other_kinds;
                if (auto id = f.props.get_string(opts.id_field)) passed_by.insert(*id);
                return;
            }
        }
        Unit u;
        auto id = f.props.get_string(opts.id_field);
        if (!id || id->empty()) throw DataError(at.where() + ": no '" + opts.id_field + "' to name the unit");
        u.id = *id;
        if (opts.region_field != "none") {
            auto region = f.props.get_string(opts.region_field);
            if (!region || region->empty())
                throw DataError(at.where() + ": no '" + opts.region_field +
                                "' (the district it belongs to; --region-field none treats all as one)");
            u.region = *region;
        } else {
            u.region = "all";
        }
        for (const char* key : {"name_ru", "name_kk", "name"})
            if (u.name.empty())
                if (auto n = f.props.get_string(key)) u.name = *n;
        auto population = number_field(f.props, opts.population_field, at);
        u.population = population.value_or(0.0);
        u.population_known = population.has_value();
        u.settlements = number_field(f.props, "settlements", at).value_or(1.0);
        u.budget_total = latest_yearly(f.props, "budget_total");
        u.budget_own = latest_yearly(f.props, "budget_own");
        for (const auto& a : opts.attributes) {
            auto v = number_field(f.props, a, at);
            if (!v) throw DataError(at.where() + ": no value in the attribute '" + a + "'");
            u.attributes.push_back(*v);
        }
        if (!opts.floor_field.empty()) {
            auto v = number_field(f.props, opts.floor_field, at);
            if (!v) throw DataError(at.where() + ": no value in the floor field '" + opts.floor_field + "'");
            u.floor_value = *v;
        }
        u.geom = std::move(f.geom);
        u.placed = !u.geom.empty();
        if (!unit_of.emplace(u.id, data.units.size()).second)
            throw DataError(at.where() + ": unit " + u.id + " appears twice");
        data.units.push_back(std::move(u));
    }, {}, threads);
    if (skipped)
        log.warn("merge-not-units", std::to_string(skipped) +
                                        " settlement or unit features in the input are not merge units: left out "
                                        "(give settlements with --settlements, units as areas from atd-areas)");
    if (other_kinds)
        log.info(std::to_string(other_kinds) + " areas of other kinds (cities, towns; see --kinds) take no part");
    if (data.units.empty()) throw DataError("no units to merge in the input");
    parallel_for(data.units.size(), threads, [&](std::size_t from, std::size_t to) {
        for (std::size_t i = from; i < to; ++i)
            if (data.units[i].placed) std::tie(data.units[i].lon, data.units[i].lat) = interior_point(data.units[i].geom);
    });
    // Skater attributes: z-scores over all units.
    if (!opts.attributes.empty()) {
        std::size_t n = data.units.size(), d = opts.attributes.size();
        std::vector<double> x(n * d);
        for (std::size_t i = 0; i < n; ++i)
            for (std::size_t j = 0; j < d; ++j) x[i * d + j] = data.units[i].attributes[j];
        merge::standardise(x, n, d);
        for (std::size_t i = 0; i < n; ++i)
            for (std::size_t j = 0; j < d; ++j) data.units[i].attributes[j] = x[i * d + j];
    }
    // Settlements: centres and distances.
    SettlementIds place_ids;
    if (!opts.settlements.empty()) {
        std::size_t unmatched = 0;
        // Records of classified settlements hold some 200 fields; a place needs these.
        ReadOptions read = opts.read;
        read.keep_field = settlement_fields([](std::string_view k) {
            return k == field::kato || k == field::okrug_kato || k == field::parent_kato || k == field::district_kato ||
                   k == field::name_ru || k == field::name_kk || k == "pop_osm" || k == "c7_index" ||
                   k == "admin_centre" || field_year(k, "pop").has_value();
        }, false);
        read_features({opts.settlements}, read, log, [&](Feature& f, const FeatureOrigin&) {
            if (!is_settlement(f.props)) return;
            std::string unit = area_unit_of(f.props);
            auto it = unit_of.find(unit);
            if (it == unit_of.end()) {
                if (!passed_by.count(unit)) ++unmatched;
                return;
            }
            Place pl;
            pl.id = f.props.get_string(field::kato).value_or("");
            pl.name = f.props.get_string(field::name_ru).value_or(f.props.get_string(field::name_kk).value_or(""));
            if (!f.geom.empty()) {
                pl.placed = true;
                std::tie(pl.lon, pl.lat) = representative_point(f.geom);
            }
            auto pop = latest_yearly(f.props, "pop");
            if (!pop) pop = f.props.get_number("pop_osm");
            pl.population = pop.value_or(0.0);
            pl.infra = f.props.get_number("c7_index");
            pl.okrug_centre = is_admin_centre(f.props.get_string("admin_centre"));
            place_ids.insert(pl.id, data.places.size());
            data.units[it->second].places.push_back(data.places.size());
            data.places.push_back(std::move(pl));
        }, {}, threads);
        if (unmatched)
            log.warn("merge-settlement-unmatched", std::to_string(unmatched) +
                                                       " settlements belong to no unit of the input: left out");
    }
    // Commuting ties: PF between units from the settlements' flows.
    if (!opts.od.empty()) {
        if (opts.settlements.empty()) throw UsageError("--od needs --settlements (the OD codes are settlements')");
        FlowOptions fo;
        FlowReport report;
        std::vector<std::size_t> unit_of_place(data.places.size());
        for (std::size_t u = 0; u < data.units.size(); ++u)
            for (std::size_t pl : data.units[u].places) unit_of_place[pl] = u;
        auto rows = read_od_table(opts.od, place_ids, fo, report, log);
        std::vector<double> employed(data.units.size(), 0.0);
        std::unordered_map<std::uint64_t, double> between;
        for (const auto& r : rows) {
            std::size_t a = unit_of_place[r.origin], b = unit_of_place[r.destination];
            employed[a] += r.persons;
            if (a != b) between[pair_key(a, b)] += r.persons;
        }
        for (const auto& [key, c] : between) {
            std::size_t a = static_cast<std::size_t>(key >> 32), b = static_cast<std::size_t>(key & 0xffffffffu);
            double lo = std::min(employed[a], employed[b]);
            if (lo > 0) data.pf[key] = std::min(0.999, c / lo);
        }
        data.has_flows = true;
    }
    // Regions, in the order they appear.
    std::vector<std::string> region_order;
    std::map<std::string, std::vector<std::size_t>> regions;
    for (std::size_t i = 0; i < data.units.size(); ++i) {
        auto [it, fresh] = regions.try_emplace(data.units[i].region);
        if (fresh) region_order.push_back(data.units[i].region);
        it->second.push_back(i);
    }
    // Contiguity within regions.
    data.adj.assign(data.units.size(), {});
    auto link = [&](std::size_t a, std::size_t b) {
        if (a == b || data.units[a].region != data.units[b].region) return;
        data.adj[a].push_back(b);
        data.adj[b].push_back(a);
    };
    if (!opts.neighbours.empty()) {
        CsvReader csv(opts.neighbours);
        auto ca = csv.column_any({"from", "a", "unit_a"}), cb = csv.column_any({"to", "b", "unit_b"});
        if (!ca || !cb) throw DataError(csv.name() + ": line 1: needs the columns from and to");
        std::vector<std::string> row;
        while (csv.next(row)) {
            auto a = unit_of.find(std::string(trim(row[*ca]))), b = unit_of.find(std::string(trim(row[*cb])));
            if (a == unit_of.end() || b == unit_of.end())
                throw DataError(csv.where() + ": unit " + std::string(trim(row[a == unit_of.end() ? *ca : *cb])) +
                                " is not in the input");
            link(a->second, b->second);
        }
    } else {
        std::vector<std::vector<Neighbours>> touching(region_order.size());
        parallel_each(region_order.size(), threads, [&](std::size_t r) {
            const auto& members = regions.at(region_order[r]);
            std::vector<const Geometry*> polys;
            for (std::size_t u : members) polys.push_back(&data.units[u].geom);
            touching[r] = polygon_neighbours(polys, opts.queen);
        });
        for (std::size_t r = 0; r < region_order.size(); ++r) {
            const auto& members = regions[region_order[r]];
            for (const auto& nbr : touching[r]) link(members[nbr.a], members[nbr.b]);
        }
    }
    for (auto& a : data.adj) {
        std::sort(a.begin(), a.end());
        a.erase(std::unique(a.begin(), a.end()), a.end());
    }
    MergeSummary sum;
    sum.units = data.units.size();
    sum.other_kinds = other_kinds;
    sum.regions = region_order.size();
    // Islands: units without a neighbour in a district of more than one unit,
    // all found before any is linked.
    std::size_t unplaced_islands = 0;
    for (const auto& region : region_order) {
        const auto& members = regions[region];
        if (members.size() < 2) continue;
        std::vector<std::size_t> islands;
        for (std::size_t u : members)
            if (data.adj[u].empty()) islands.push_back(u);
        sum.islands += islands.size();
        for (std::size_t u : islands) {
            if (opts.islands == "keep") continue;
            if (!data.units[u].placed) {
                ++unplaced_islands;
                continue;
            }
            std::size_t nearest = SIZE_MAX;
            double best = 0;
            for (std::size_t v : members) {
                if (v == u || !data.units[v].placed) continue;
                double d = geodesic_km(data.units[u].lon, data.units[u].lat, data.units[v].lon, data.units[v].lat);
                if (nearest == SIZE_MAX || d < best) {
                    nearest = v;
                    best = d;
                }
            }
            if (nearest != SIZE_MAX) link(u, nearest);
            else ++unplaced_islands;
        }
    }
    if (unplaced_islands)
        log.warn("merge-islands-unplaced", std::to_string(unplaced_islands) +
                                               " units touch no other unit and have no position: kept apart");
    if (sum.islands)
        log.warn("merge-islands", std::to_string(sum.islands) + " units touch no other unit of their district: " +
                                      (opts.islands == "keep" ? "kept apart (--islands keep)"
                                                              : "linked to the nearest unit with a position (--islands nearest)"));
    // Opened before the work, so that an existing file is refused at once.
    std::unique_ptr<FeatureSink> coassign;
    if (!opts.coassign.path.empty()) coassign = FeatureSink::open(opts.coassign);
    // Districts in parallel; the results are written in input order.
    std::vector<RegionResult> results(region_order.size());
    parallel_each(region_order.size(), threads, [&](std::size_t i) {
        results[i] = solve_region(data, opts, regions.at(region_order[i]), region_order[i], i);
    });
    Weights base{p.lambda, p.mu};
    double greedy_total = 0;
    // The output of one district, built on any thread.
    struct RegionOutput {
        std::vector<Feature> features;
        MergeSummary counts;            // proposals, merged, below legal or floor, unknown population
        std::vector<double> objectives;  // per proposal, added up in order as when serial
    };
    auto build = [&](std::size_t ri, RegionOutput& o) {
        const auto& region = region_order[ri];
        const RegionResult& r = results[ri];
        MergeSummary& counts = o.counts;
        std::size_t number = 0;
        for (const auto& pr : r.proposals) {
            ++number;
            Eval e = evaluate(data, pr.members, base);
            std::string proposal = region + "-" + (number < 10 ? "0" : "") + std::to_string(number);
            if (!std::isfinite(e.population) || !std::isfinite(e.objective))
                throw DataError("proposal " + proposal + ": its population or objective is not a finite number "
                                "(values too large to add up)");
            double stability = 1.0;
            if (r.variants) {
                if (pr.members.size() == 1) {
                    auto it = r.alone.find(pr.members[0]);
                    stability = static_cast<double>(it == r.alone.end() ? 0 : it->second) / static_cast<double>(r.variants);
                } else {
                    double s = 0;
                    std::size_t pairs = 0;
                    for (std::size_t i = 0; i < pr.members.size(); ++i)
                        for (std::size_t j = i + 1; j < pr.members.size(); ++j) {
                            auto it = r.together.find({pr.members[i], pr.members[j]});
                            s += it == r.together.end() ? 0.0 : static_cast<double>(it->second);
                            ++pairs;
                        }
                    stability = s / static_cast<double>(pairs * r.variants);
                }
            }
            ++counts.proposals;
            if (pr.members.size() > 1) ++counts.merged_proposals;
            if (!legal(e, p)) ++counts.below_legal;
            if (e.population_unknown == 0 && e.population < p.soft_floor) ++counts.below_floor;
            if (e.population_unknown) ++counts.population_unknown;
            o.objectives.push_back(e.objective);
            std::string centre_id, centre_name;
            if (e.centre_place != SIZE_MAX) {
                centre_id = data.places[e.centre_place].id;
                centre_name = data.places[e.centre_place].name;
            } else if (e.centre_unit != SIZE_MAX) {
                centre_id = data.units[e.centre_unit].id;
                centre_name = data.units[e.centre_unit].name;
            }
            auto opt_text = [](const std::string& s) { return s.empty() ? Value{} : Value{s}; };
            auto round_to = [](double v, double scale) { return Value{std::round(v * scale) / scale}; };
            if (opts.unit_table) {
                for (std::size_t u : pr.members) {
                    Feature row;
                    auto& q = row.props;
                    q.append(opts.id_field, data.units[u].id);
                    q.append("name", opt_text(data.units[u].name));
                    q.append(opts.region_field == "none" ? std::string("region") : opts.region_field, region);
                    q.append("proposal", proposal);
                    q.append("member_count", static_cast<std::int64_t>(pr.members.size()));
                    q.append("changed", pr.members.size() > 1);
                    q.append("centre", opt_text(centre_id));
                    q.append("stability", r.variants ? round_to(stability, 1e3) : Value{});
                    q.append("population", data.units[u].population_known ? Value{data.units[u].population} : Value{});
                    row.geom = data.units[u].geom;
                    o.features.push_back(std::move(row));
                }
                continue;
            }
            Feature out;
            std::vector<const Geometry*> parts;
            std::string members, before;
            double area = 0;
            std::vector<std::string> codes;
            for (std::size_t u : pr.members) codes.push_back(data.units[u].id);
            std::sort(codes.begin(), codes.end());
            for (const auto& c : codes) members += (members.empty() ? "" : ";") + c;
            for (std::size_t u : pr.members) {
                const Unit& x = data.units[u];
                if (!x.geom.empty()) parts.push_back(&x.geom);
                Eval alone = evaluate(data, {u}, base);
                if (auto ss = alone.self_sufficiency()) before += (before.empty() ? "" : ";") + x.id + ":" + fixed_text(*ss, 3);
            }
            out.geom = dissolve_geometries(parts);
            if (out.geom.type == GeomType::Polygon || out.geom.type == GeomType::MultiPolygon)
                area = geodesic_area_km2(out.geom);
            auto& q = out.props;
            q.append("feature_type", std::string("proposal"));
            q.append("proposal", proposal);
            q.append(opts.region_field == "none" ? std::string("region") : opts.region_field, region);
            q.append("method", opts.method);
            q.append("members", members);
            q.append("member_count", static_cast<std::int64_t>(pr.members.size()));
            q.append("changed", pr.members.size() > 1);
            q.append("centre", opt_text(centre_id));
            q.append("centre_name", opt_text(centre_name));
            q.append("centre_reason", opt_text(e.centre_reason));
            q.append("population", e.population);
            q.append("population_complete", e.population_unknown == 0);
            q.append("settlements", e.settlements);
            q.append("area_km2", area > 0 ? round_to(area, 1e3) : Value{});
            q.append("budget_total", e.budget_known ? Value{e.budget_total} : Value{});
            q.append("budget_own", e.budget_known ? Value{e.budget_own} : Value{});
            q.append("self_sufficiency", e.self_sufficiency() ? round_to(*e.self_sufficiency(), 1e4) : Value{});
            q.append("self_sufficiency_before", opt_text(before));
            q.append("max_distance_km", round_to(e.max_km, 1e3));
            q.append("travel_person_km", round_to(e.person_km, 1e1));
            q.append("cohesion_pf", data.has_flows ? round_to(e.cohesion, 1e4) : Value{});
            q.append("objective", round_to(e.objective, 1e4));
            q.append("objective_admin", 1.0);
            q.append("objective_travel", round_to(base.lambda * e.person_km / 1000.0, 1e4));
            q.append("objective_cohesion", round_to(-base.mu * e.cohesion, 1e4));
            q.append("legal", legal(e, p));
            q.append("trigger", opt_text(pr.trigger));
            q.append("note", opt_text(pr.note));
            q.append("stability", r.variants ? round_to(stability, 1e3) : Value{});
            o.features.push_back(std::move(out));
        }
    };
    // Districts a window at a time: built in parallel, written in order.
    ordered_windows<RegionOutput>(region_order.size(), 256, threads, build, [&](std::size_t ri, RegionOutput& o) {
        const auto& region = region_order[ri];
        const RegionResult& r = results[ri];
        for (const auto& m : r.messages) log.warn("merge-district", m);
        sum.exact_skipped += r.exact_skipped;
        greedy_total += r.greedy_objective;
        sum.proposals += o.counts.proposals;
        sum.merged_proposals += o.counts.merged_proposals;
        sum.below_legal += o.counts.below_legal;
        sum.below_floor += o.counts.below_floor;
        sum.population_unknown += o.counts.population_unknown;
        for (double j : o.objectives) sum.objective += j;
        for (const auto& f : o.features) sink.write(f);
        o.features.clear();
        if (coassign) {
            for (const auto& [pair, n] : r.together) {
                Feature row;
                row.props.append("unit_a", data.units[pair.first].id);
                row.props.append("unit_b", data.units[pair.second].id);
                row.props.append("region", region);
                row.props.append("together", std::round(static_cast<double>(n) / static_cast<double>(r.variants) * 1e3) / 1e3);
                row.props.append("neighbours", std::binary_search(data.adj[pair.first].begin(), data.adj[pair.first].end(),
                                                                  pair.second));
                coassign->write(row);
            }
        }
    });
    if (coassign) coassign->finish();
    sink.finish();
    if (opts.method == "exact")
        log.info("objective: exact " + fixed_text(sum.objective, 3) + " against greedy " + fixed_text(greedy_total, 3) +
                 " (lower is better)");
    return sum;
}

}  // namespace atd
