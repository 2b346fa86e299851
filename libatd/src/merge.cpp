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

namespace merge {

namespace {

Outcome population_test(const OkrugFacts& f, double min) {
    if (f.population >= min) return Outcome::pass;
    return f.population_complete ? Outcome::fail : Outcome::unknown;
}

Outcome settlements_test(const OkrugFacts& f, const MergeParams& p) {
    if (!f.rural_okrug || f.settlements >= p.min_settlements) return Outcome::pass;
    return f.settlements_complete ? Outcome::fail : Outcome::unknown;
}

Outcome both(Outcome a, Outcome b) {
    if (a == Outcome::fail || b == Outcome::fail) return Outcome::fail;
    return a == Outcome::unknown || b == Outcome::unknown ? Outcome::unknown : Outcome::pass;
}

// A message with the settlement count and its minimum, the population and its minimum, as key needs them.
Message short_of(std::string key, const OkrugFacts& f, const MergeParams& p) {
    Message m{std::move(key), {}};
    if (m.key != "short_residents" && m.key != "legal_residents")
        m.arg("settlements", f.settlements).arg("min_settlements", p.min_settlements);
    if (m.key == "short_residents" || m.key == "legal_residents" || m.key == "legal_both")
        m.arg("residents", f.population).arg("min_population", p.min_population);
    if (m.key == "legal_settlements_partly") m.arg("known", f.population);
    return m;
}

std::string join(const std::vector<std::string>& parts, const char* separator) {
    std::string out;
    for (const auto& s : parts) out += (out.empty() ? "" : separator) + s;
    return out;
}

}  // namespace

Outcome legal_minimum(const OkrugFacts& f, const MergeParams& p) {
    return both(settlements_test(f, p), population_test(f, p.min_population));
}

Outcome soft_floor(const OkrugFacts& f, const MergeParams& p) { return population_test(f, p.soft_floor); }

Messages merge_trigger(const OkrugFacts& f, const MergeParams& p) {
    bool few = settlements_test(f, p) == Outcome::fail;
    Outcome residents = population_test(f, p.min_population);
    if (few && residents == Outcome::fail) return {short_of("legal_both", f, p)};
    if (residents == Outcome::fail) return {short_of("legal_residents", f, p)};
    if (few && residents == Outcome::unknown)
        return {short_of(f.population > 0 ? "legal_settlements_partly" : "legal_settlements_unknown", f, p)};
    if (few) return {short_of("legal_settlements", f, p)};
    if (soft_floor(f, p) == Outcome::fail)
        return {Message{"soft_floor", {}}.arg("floor", p.soft_floor).arg("population", f.population)};
    if (f.self_sufficiency && *f.self_sufficiency < p.self_sufficiency_target)
        return {Message{"budget_short", {}}.arg("share", *f.self_sufficiency * 100).arg("target", p.self_sufficiency_target * 100)};
    return {};
}

std::vector<Breach> breaches(const OkrugFacts& f, const MergeParams& p) {
    std::vector<Breach> out;
    if (settlements_test(f, p) == Outcome::fail) out.push_back({"okrug.min_settlements", short_of("short_settlements", f, p)});
    if (population_test(f, p.min_population) == Outcome::fail)
        out.push_back({"okrug.min_population", short_of("short_residents", f, p)});
    if (f.members > 1 && f.max_km > p.max_distance_km) {
        Message far{f.farthest_is_unit ? "far_unit" : "far_settlement", {}};
        far.arg("id", f.farthest);
        if (!f.farthest_name.empty()) far.arg("name", f.farthest_name);
        out.push_back({"merge.max_distance_km", far.arg("km", f.max_km).arg("max_km", p.max_distance_km)});
    }
    if (f.members > p.max_members)
        out.push_back({"merge.max_members", Message{"over_members", {}}
                                                .arg("members", static_cast<double>(f.members))
                                                .arg("max_members", static_cast<double>(p.max_members))});
    return out;
}

std::optional<bool> legal(const OkrugFacts& f, const MergeParams& p) {
    if (!breaches(f, p).empty()) return false;
    if (legal_minimum(f, p) == Outcome::unknown) return std::nullopt;
    return true;
}

std::string proposal_status(const OkrugFacts& f, const MergeParams& p) {
    bool complete = f.population_complete && f.settlements_complete;
    if (f.members > 1) return complete ? "decided" : "provisional";
    bool untested = legal_minimum(f, p) == Outcome::unknown || soft_floor(f, p) == Outcome::unknown;
    return untested && merge_trigger(f, p).empty() ? "undetermined" : "decided";
}

Messages status_reason(const OkrugFacts& f, const MergeParams& p, const UnknownMembers& unknown) {
    if (proposal_status(f, p) == "decided") return {};
    Messages out;
    if (!f.population_complete) {
        if (!unknown.whole.empty()) out.push_back(Message{"population_unknown_of", {}}.arg("members", join(unknown.whole, ", ")));
        if (!unknown.partly.empty())
            out.push_back(Message{"population_partly_unknown_of", {}}.arg("members", join(unknown.partly, ", ")));
        if (f.population > 0) out.push_back(Message{"residents_known", {}}.arg("known", f.population));
    }
    if (!f.settlements_complete) out.push_back(Message{"settlements_unknown", {}});
    if (legal_minimum(f, p) == Outcome::unknown) out.push_back(Message{"legal_untested", {}});
    if (soft_floor(f, p) == Outcome::unknown) out.push_back(Message{"floor_untested", {}}.arg("floor", p.soft_floor));
    return out;
}

bool better_centre(const CentreCandidate& a, const CentreCandidate& b) {
    auto key = [](const CentreCandidate& x) {
        return std::make_tuple(x.okrug_centre, x.c7.has_value(), x.c7.value_or(0.0), x.population.has_value(),
                               x.population.value_or(0.0));
    };
    auto ka = key(a), kb = key(b);
    return ka > kb || (ka == kb && a.id < b.id);
}

namespace {

using Candidates = std::vector<const CentreCandidate*>;

// Keeps the rivals that equal the chosen on a value; says whether all of them had one.
bool keep_equal(Candidates& rivals, const std::optional<double> CentreCandidate::*value, double chosen) {
    bool all_known = true;
    Candidates equal;
    for (const CentreCandidate* r : rivals) {
        all_known &= (r->*value).has_value();
        if ((r->*value) && *(r->*value) == chosen) equal.push_back(r);
    }
    rivals = std::move(equal);
    return all_known;
}

}  // namespace

Messages centre_reason(const Candidates& candidates, std::size_t chosen, bool population_complete) {
    const CentreCandidate& c = *candidates[chosen];
    Candidates rivals;
    for (std::size_t i = 0; i < candidates.size(); ++i)
        if (i != chosen && (!c.okrug_centre || candidates[i]->okrug_centre)) rivals.push_back(candidates[i]);
    Messages out;
    if (c.okrug_centre) out.push_back(Message{"centre_existing", {}});
    if (rivals.empty()) return c.okrug_centre ? out : Messages{Message{"centre_only", {}}};
    if (c.c7) {
        bool all_known = keep_equal(rivals, &CentreCandidate::c7, *c.c7);
        out.push_back(Message{rivals.empty() ? (all_known ? "centre_c7" : "centre_c7_known") : "centre_c7_tie", {}});
        if (rivals.empty()) return out;
    }
    if (c.population) {
        bool all_known = keep_equal(rivals, &CentreCandidate::population, *c.population) && population_complete &&
                         !c.population_partial;
        for (const CentreCandidate* r : rivals) all_known &= !r->population_partial;
        out.push_back(Message{rivals.empty() ? (all_known ? "centre_population" : "centre_population_known")
                                             : "centre_population_tie", {}});
        if (rivals.empty()) return out;
    }
    out.push_back(Message{c.c7 || c.population ? "centre_code" : "centre_code_unknown", {}});
    return out;
}

}  // namespace merge

namespace {

using merge::CentreCandidate;
using merge::OkrugFacts;
using merge::Outcome;

// A settlement of a unit: a possible centre, and a place to measure distances from.
struct Place : CentreCandidate {
    std::string name;
    bool placed = false;
    double lon = 0, lat = 0;
};

struct Unit {
    std::string id, region, name;
    double population = 0;             // the sum of the figures known
    bool population_complete = false;  // a figure for every settlement
    std::optional<double> settlements;
    bool rural_okrug = true;           // the two-settlement minimum applies
    std::optional<double> budget_total, budget_own;
    std::vector<double> attributes;
    double floor_value = 0;
    Geometry geom;
    bool placed = false;
    double lon = 0, lat = 0;
    CentreCandidate stand_in;          // the unit as a centre, when settlements have no positions
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
    OkrugFacts facts;
    double budget_total = 0, budget_own = 0;
    bool budget_known = true;
    std::size_t centre_place = SIZE_MAX, centre_unit = SIZE_MAX;
    std::size_t farthest_place = SIZE_MAX, farthest_unit = SIZE_MAX;
    double person_km = 0, cohesion = 0, objective = 0;
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

// Population, settlements and budgets: known figures add up, and an unknown one leaves the sum incomplete.
void add_members(const Data& data, const std::vector<std::size_t>& members, Eval& e) {
    OkrugFacts& f = e.facts;
    f.members = members.size();
    f.settlements = 0;
    f.rural_okrug = members.size() > 1;  // a merger makes a rural okrug
    for (std::size_t u : members) {
        const Unit& unit = data.units[u];
        f.population += unit.population;
        f.population_complete &= unit.population_complete;
        f.settlements += unit.settlements.value_or(1.0);
        f.settlements_complete &= unit.settlements.has_value();
        f.rural_okrug |= unit.rural_okrug;
        if (unit.budget_total && unit.budget_own) {
            e.budget_total += *unit.budget_total;
            e.budget_own += *unit.budget_own;
        } else {
            e.budget_known = false;
        }
    }
    f.self_sufficiency = e.self_sufficiency();
}

// The centre among the member settlements with a position, and the distances to it.
void measure_from_places(const Data& data, const std::vector<std::size_t>& members, Eval& e, DistanceCache* cache) {
    for (std::size_t u : members)
        for (std::size_t p : data.units[u].places)
            if (data.places[p].placed &&
                (e.centre_place == SIZE_MAX || merge::better_centre(data.places[p], data.places[e.centre_place])))
                e.centre_place = p;
    if (e.centre_place == SIZE_MAX) return;
    const Place& c = data.places[e.centre_place];
    e.lon = c.lon;
    e.lat = c.lat;
    for (std::size_t u : members)
        for (std::size_t p : data.units[u].places) {
            const Place& s = data.places[p];
            if (!s.placed) continue;
            double d = distance_km(cache, p, e.centre_place, false, s.lon, s.lat, c.lon, c.lat);
            if (d > e.facts.max_km) {
                e.facts.max_km = d;
                e.farthest_place = p;
            }
            e.person_km += s.population.value_or(0.0) * d;
        }
}

// Without settlement positions, units stand for their settlements.
void measure_from_units(const Data& data, const std::vector<std::size_t>& members, Eval& e, DistanceCache* cache) {
    for (std::size_t u : members)
        if (data.units[u].placed &&
            (e.centre_unit == SIZE_MAX || merge::better_centre(data.units[u].stand_in, data.units[e.centre_unit].stand_in)))
            e.centre_unit = u;
    if (e.centre_unit == SIZE_MAX) return;
    const Unit& c = data.units[e.centre_unit];
    e.lon = c.lon;
    e.lat = c.lat;
    for (std::size_t u : members) {
        const Unit& x = data.units[u];
        if (!x.placed) continue;
        double d = distance_km(cache, u, e.centre_unit, true, x.lon, x.lat, c.lon, c.lat);
        if (d > e.facts.max_km) {
            e.facts.max_km = d;
            e.farthest_unit = u;
        }
        e.person_km += x.population * d;
    }
}

Eval evaluate(const Data& data, const std::vector<std::size_t>& members, Weights w, DistanceCache* cache = nullptr) {
    Eval e;
    add_members(data, members, e);
    measure_from_places(data, members, e, cache);
    if (e.centre_place == SIZE_MAX) measure_from_units(data, members, e, cache);
    if (data.has_flows)
        for (std::size_t i = 0; i < members.size(); ++i)
            for (std::size_t j = i + 1; j < members.size(); ++j) {
                auto it = data.pf.find(pair_key(members[i], members[j]));
                if (it != data.pf.end()) e.cohesion += it->second;
            }
    e.objective = 1.0 + w.lambda * e.person_km / 1000.0 - w.mu * e.cohesion;
    return e;
}

// Nothing known breaks the legal minimum (an unknown population is no breach).
bool not_below_legal(const Eval& e, const MergeParams& p) { return merge::legal_minimum(e.facts, p) != Outcome::fail; }

// How far a group is towards the soft floor, as far as known: an incomplete population shows no shortfall.
double known_floor_share(const OkrugFacts& f, const MergeParams& p) {
    if (!f.population_complete) return 1.0;
    return std::min(1.0, f.population / std::max(1.0, p.soft_floor));
}

// The member farthest from the centre, named for a breach of the distance limit.
void name_farthest(const Data& data, Eval& e) {
    if (e.farthest_place != SIZE_MAX) {
        const Place& s = data.places[e.farthest_place];
        e.facts.farthest = s.id;
        e.facts.farthest_name = s.name;
        e.facts.farthest_is_unit = false;
    } else if (e.farthest_unit != SIZE_MAX) {
        e.facts.farthest = data.units[e.farthest_unit].id;
        e.facts.farthest_is_unit = true;
    }
}

// Why a group needs a merger, on known data; none when nothing known calls for one.
Messages trigger_of(const Eval& e, const MergeParams& p) { return merge::merge_trigger(e.facts, p); }

// Adds the messages of `more` that `to` lacks.
void add_new(Messages& to, const Messages& more) {
    for (const auto& m : more)
        if (std::find(to.begin(), to.end(), m) == to.end()) to.push_back(m);
}

struct Proposal {
    std::vector<std::size_t> members;  // global unit indices, ascending
    Messages trigger, note;            // note: why it still fails, if it does
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
                    not_below_legal(e, p_) ? 1 : 0, known_floor_share(e.facts, p_) * noise(),
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
                if (em.facts.max_km > p_.max_distance_km) {
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
                bool unplaced = std::all_of(groups[worst].members.begin(), groups[worst].members.end(),
                                            [&](std::size_t u) { return data_.units[u].geom.empty(); });
                Message why = unplaced          ? Message{"no_geometry", {}}
                              : nb[worst].empty() ? Message{"no_neighbour", {}}
                              : too_far         ? Message{"all_too_far", {}}.arg("km", p_.max_distance_km)
                              : too_many        ? Message{"all_too_many", {}}.arg("members", static_cast<double>(p_.max_members))
                                                : Message{"no_feasible_merge", {}};
                groups[worst].note = trigger_of(eval[worst], p_);
                groups[worst].note.push_back(std::move(why));
                continue;
            }
            Messages why = trigger_of(eval[worst], p_);
            Proposal& g = groups[worst];
            if (g.trigger.empty()) g.trigger = why;
            if (!groups[best].trigger.empty() && groups[best].trigger != g.trigger)
                g.trigger.insert(g.trigger.end(), groups[best].trigger.begin(), groups[best].trigger.end());
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
            if (!single && e.facts.max_km > p_.max_distance_km) continue;
            cost[mask] = e.objective;
            is_legal[mask] = not_below_legal(e, p_);
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
                    add_new(pr.trigger, trigger_of(evaluate(data_, {u}, w_), p_));
                }
                if (pr.trigger.empty()) pr.trigger = {Message{"lower_objective", {}}};
            }
            pr.note = trigger_of(e, p_);
            if (!not_below_legal(e, p_)) pr.note.push_back(Message{"no_feasible_merge", {}});
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
            // Neither method enforces the distance, size or legal limits: each breach is reported.
            Eval e = evaluate(data_, pr.members, w_);
            name_farthest(data_, e);
            for (const auto& b : merge::breaches(e.facts, p_)) pr.note.push_back(b.text);
            if (pr.members.size() > 1)
                pr.trigger = {opts_.method == "maxp"
                                  ? Message{"maxp_region", {}}.arg("field", opts_.floor_field).arg("op", ">=").arg("floor", opts_.floor)
                                  : Message{"skater_cut", {}}.arg("k", static_cast<double>(opts_.k))};
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

// The unit's population and settlements as far as the input knows them. atd-areas writes population_known,
// the settlements with a figure: with fewer than all, the population is the part known.
void read_population(Unit& u, const Properties& props, const std::string& field, const FeatureOrigin& at) {
    auto population = number_field(props, field, at);
    auto with_figure = number_field(props, "population_known", at);
    u.settlements = number_field(props, "settlements", at);
    u.population = population.value_or(0.0);
    u.population_complete = population && !(with_figure && u.settlements && *with_figure < *u.settlements);
    u.stand_in.id = u.id;
    if (population) u.stand_in.population = u.population;
    u.stand_in.population_partial = population && !u.population_complete;
}

// The two-settlement minimum is a rule for rural okrugs; a unit of no stated kind is taken for one.
bool is_rural_okrug(const Properties& props) {
    auto kind = props.get_string("area_kind");
    if (!kind || kind->empty()) kind = props.get_string(field::unit_kind);
    return !kind || kind->empty() || *kind == "rural_okrug";
}

// How often, over the variants, a proposal's member pairs end up together (a unit alone: how often it stays
// alone); null without variants.
Value stability_of(const RegionResult& r, const Proposal& pr) {
    if (!r.variants) return Value{};
    double together = 0, pairs = 0;
    if (pr.members.size() == 1) {
        auto it = r.alone.find(pr.members[0]);
        together = it == r.alone.end() ? 0.0 : static_cast<double>(it->second);
        pairs = 1;
    }
    for (std::size_t i = 0; i < pr.members.size(); ++i)
        for (std::size_t j = i + 1; j < pr.members.size(); ++j, ++pairs) {
            auto it = r.together.find({pr.members[i], pr.members[j]});
            together += it == r.together.end() ? 0.0 : static_cast<double>(it->second);
        }
    return Value{std::round(together / (pairs * static_cast<double>(r.variants)) * 1e3) / 1e3};
}

Value text_or_null(const std::string& s) { return s.empty() ? Value{} : Value{s}; }
Value rounded(double v, double scale) { return Value{std::round(v * scale) / scale}; }

// The members whose population is not known in full: wholly, or partly (part of it is known).
merge::UnknownMembers unknown_members(const Data& data, const std::vector<std::size_t>& members) {
    merge::UnknownMembers out;
    for (std::size_t u : members) {
        const Unit& x = data.units[u];
        if (!x.population_complete) (x.stand_in.population ? out.partly : out.whole).push_back(x.id);
    }
    return out;
}

// "a;b (partly)": the members of unknown population, as the field lists them.
std::string unknown_members_text(const merge::UnknownMembers& unknown) {
    std::vector<std::string> all = unknown.whole;
    for (const auto& id : unknown.partly) all.push_back(id + " (partly)");
    return merge::join(all, ";");
}

// The sum of the figures known, null when no member has one.
Value known_sum(const Data& data, const std::vector<std::size_t>& members) {
    double sum = 0;
    bool any = false;
    for (std::size_t u : members)
        if (data.units[u].stand_in.population) {
            sum += data.units[u].population;
            any = true;
        }
    return any ? Value{sum} : Value{};
}

// The centre's reason among the candidates it was chosen from.
Messages centre_reason_of(const Data& data, const std::vector<std::size_t>& members, const Eval& e) {
    std::vector<const CentreCandidate*> candidates;
    std::size_t chosen = 0;
    if (e.centre_place != SIZE_MAX) {
        for (std::size_t u : members)
            for (std::size_t p : data.units[u].places)
                if (data.places[p].placed) {
                    if (p == e.centre_place) chosen = candidates.size();
                    candidates.push_back(&data.places[p]);
                }
        return merge::centre_reason(candidates, chosen, e.facts.population_complete);
    }
    if (e.centre_unit == SIZE_MAX) return {};
    for (std::size_t u : members)
        if (data.units[u].placed) {
            if (u == e.centre_unit) chosen = candidates.size();
            candidates.push_back(&data.units[u].stand_in);
        }
    Messages out = merge::centre_reason(candidates, chosen, e.facts.population_complete);
    out.push_back(Message{"centre_stand_in", {}});
    return out;
}

std::string centre_id(const Data& data, const Eval& e) {
    if (e.centre_place != SIZE_MAX) return data.places[e.centre_place].id;
    return e.centre_unit != SIZE_MAX ? data.units[e.centre_unit].id : std::string();
}

std::string centre_name(const Data& data, const Eval& e) {
    if (e.centre_place != SIZE_MAX) return data.places[e.centre_place].name;
    return e.centre_unit != SIZE_MAX ? data.units[e.centre_unit].name : std::string();
}

Value legal_value(const std::optional<bool>& legal) { return legal ? Value{*legal} : Value{}; }

// What one proposal is, as written: the same for its feature and its unit rows.
struct Written {
    std::string proposal, region_field, region, status;
    Value legal, stability;
};

// One row per member unit, with the unit's own polygon and population.
void unit_rows(const Data& data, const MergeOptions& opts, const Proposal& pr, const Eval& e, const Written& w,
               std::vector<Feature>& out) {
    for (std::size_t u : pr.members) {
        const Unit& x = data.units[u];
        Feature row;
        auto& q = row.props;
        q.append(opts.id_field, x.id);
        q.append("name", text_or_null(x.name));
        q.append(w.region_field, w.region);
        q.append("proposal", w.proposal);
        q.append("member_count", static_cast<std::int64_t>(pr.members.size()));
        q.append("changed", pr.members.size() > 1);
        q.append("proposal_status", w.status);
        q.append("legal", w.legal);
        q.append("centre", text_or_null(centre_id(data, e)));
        q.append("stability", w.stability);
        q.append("population", x.population_complete ? Value{x.population} : Value{});
        q.append("population_known_sum", known_sum(data, {u}));
        row.geom = x.geom;
        out.push_back(std::move(row));
    }
}

// The members' codes in order, and their self-sufficiency before the merger.
std::pair<std::string, std::string> members_and_before(const Data& data, const Proposal& pr, Weights base) {
    std::vector<std::string> codes;
    std::string before;
    for (std::size_t u : pr.members) {
        codes.push_back(data.units[u].id);
        if (auto ss = evaluate(data, {u}, base).self_sufficiency())
            before += (before.empty() ? "" : ";") + data.units[u].id + ":" + fixed_text(*ss, 3);
    }
    std::sort(codes.begin(), codes.end());
    return {merge::join(codes, ";"), before};
}

Geometry dissolved(const Data& data, const Proposal& pr) {
    std::vector<const Geometry*> parts;
    for (std::size_t u : pr.members)
        if (!data.units[u].geom.empty()) parts.push_back(&data.units[u].geom);
    return dissolve_geometries(parts);
}

// The proposal as one feature, its geometry the members' polygons dissolved.
Feature proposal_feature(const Data& data, const MergeOptions& opts, const Proposal& pr, const Eval& e,
                         const Written& w) {
    const MergeParams& p = opts.params;
    Weights base{p.lambda, p.mu};
    const OkrugFacts& f = e.facts;
    auto [members, before] = members_and_before(data, pr, base);
    std::vector<std::string> breach_keys;
    for (const auto& b : merge::breaches(f, p)) breach_keys.push_back(b.key);
    auto unknown = unknown_members(data, pr.members);
    Messages status_why = merge::status_reason(f, p, unknown), centre_why = centre_reason_of(data, pr.members, e);
    Feature out;
    out.geom = dissolved(data, pr);
    bool polygon = out.geom.type == GeomType::Polygon || out.geom.type == GeomType::MultiPolygon;
    double area = polygon ? geodesic_area_km2(out.geom) : 0.0;
    auto& q = out.props;
    q.append("feature_type", std::string("proposal"));
    q.append("proposal", w.proposal);
    q.append(w.region_field, w.region);
    q.append("method", opts.method);
    q.append("members", members);
    q.append("member_count", static_cast<std::int64_t>(pr.members.size()));
    q.append("changed", pr.members.size() > 1);
    q.append("proposal_status", w.status);
    q.append("status_reason", text_or_null(render(status_why, Lang::en, Style::data)));
    q.append("centre", text_or_null(centre_id(data, e)));
    q.append("centre_name", text_or_null(centre_name(data, e)));
    q.append("centre_reason", text_or_null(render(centre_why, Lang::en, Style::data)));
    q.append("population", f.population_complete ? Value{f.population} : Value{});
    q.append("population_known_sum", known_sum(data, pr.members));
    q.append("population_complete", f.population_complete);
    q.append("members_population_unknown", text_or_null(unknown_members_text(unknown)));
    q.append("settlements", f.settlements_complete ? Value{f.settlements} : Value{});
    q.append("area_km2", area > 0 ? rounded(area, 1e3) : Value{});
    q.append("budget_total", e.budget_known ? Value{e.budget_total} : Value{});
    q.append("budget_own", e.budget_known ? Value{e.budget_own} : Value{});
    q.append("self_sufficiency", e.self_sufficiency() ? rounded(*e.self_sufficiency(), 1e4) : Value{});
    q.append("self_sufficiency_before", text_or_null(before));
    q.append("max_distance_km", rounded(f.max_km, 1e3));
    q.append("travel_person_km", rounded(e.person_km, 1e1));
    q.append("cohesion_pf", data.has_flows ? rounded(e.cohesion, 1e4) : Value{});
    q.append("objective", rounded(e.objective, 1e4));
    q.append("objective_admin", 1.0);
    q.append("objective_travel", rounded(base.lambda * e.person_km / 1000.0, 1e4));
    q.append("objective_cohesion", rounded(-base.mu * e.cohesion, 1e4));
    q.append("legal", w.legal);
    q.append("breaches", text_or_null(merge::join(breach_keys, ";")));
    q.append("trigger", text_or_null(render(pr.trigger, Lang::en, Style::data)));
    q.append("note", text_or_null(render(pr.note, Lang::en, Style::data)));
    q.append("reason_messages", encode_message_fields({{"trigger", &pr.trigger}, {"note", &pr.note},
                                                       {"status_reason", &status_why}, {"centre_reason", &centre_why}}));
    q.append("stability", w.stability);
    return out;
}

// What the summary counts of one proposal.
void count(const OkrugFacts& f, const MergeParams& p, const std::string& status, MergeSummary& counts) {
    ++counts.proposals;
    counts.merged_proposals += f.members > 1;
    counts.not_legal += merge::legal(f, p) == std::optional<bool>(false);
    counts.below_floor += merge::soft_floor(f, p) == Outcome::fail;
    counts.population_unknown += !f.population_complete;
    counts.provisional += status == "provisional";
    counts.undetermined += status == "undetermined";
}

}  // namespace

std::string merge_summary_text(const MergeSummary& sum, const std::string& method) {
    auto n = [](std::size_t v) { return std::to_string(v); };
    return "proposals: " + n(sum.proposals) + " from " + n(sum.units) + " units in " + n(sum.regions) +
           " districts (" + method + "): " + n(sum.merged_proposals) + " of them merge two units or more, " +
           n(sum.provisional) + " of these provisional (a member's population unknown); " + n(sum.below_floor) +
           " stay below the soft floor, " + n(sum.not_legal) +
           " not legal (a known breach: below the legal minimum with no feasible merge, or beyond a limit), " +
           n(sum.undetermined) + " undetermined (left as they are, population unknown: not tested), " +
           n(sum.population_unknown) + " with a member of unknown population";
}

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
        read_population(u, f.props, opts.population_field, at);
        u.rural_okrug = is_rural_okrug(f.props);
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
            pl.population = pop;
            pl.c7 = f.props.get_number("c7_index");
            pl.okrug_centre = is_admin_centre(f.props.get_string("admin_centre"));
            place_ids.insert(pl.id, data.places.size());
            data.units[it->second].places.push_back(data.places.size());
            data.places.push_back(std::move(pl));
        }, {}, threads);
        if (unmatched)
            log.warn("merge-settlement-unmatched", std::to_string(unmatched) +
                                                       " settlements belong to no unit of the input: left out");
        // A unit that does not say how many settlements it has holds those matched to it.
        for (auto& u : data.units)
            if (!u.settlements && !u.places.empty()) u.settlements = static_cast<double>(u.places.size());
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
        MergeSummary counts;            // proposals, merged, not legal, below the floor, statuses
        std::vector<double> objectives;  // per proposal, added up in order as when serial
    };
    auto build = [&](std::size_t ri, RegionOutput& o) {
        const RegionResult& r = results[ri];
        std::size_t number = 0;
        for (const auto& pr : r.proposals) {
            ++number;
            Eval e = evaluate(data, pr.members, base);
            name_farthest(data, e);
            Written w;
            w.region = region_order[ri];
            w.region_field = opts.region_field == "none" ? std::string("region") : opts.region_field;
            w.proposal = w.region + "-" + (number < 10 ? "0" : "") + std::to_string(number);
            if (!std::isfinite(e.facts.population) || !std::isfinite(e.objective))
                throw DataError("proposal " + w.proposal + ": its population or objective is not a finite number "
                                "(values too large to add up)");
            w.status = merge::proposal_status(e.facts, p);
            w.legal = legal_value(merge::legal(e.facts, p));
            w.stability = stability_of(r, pr);
            count(e.facts, p, w.status, o.counts);
            o.objectives.push_back(e.objective);
            if (opts.unit_table)
                unit_rows(data, opts, pr, e, w, o.features);
            else
                o.features.push_back(proposal_feature(data, opts, pr, e, w));
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
        sum.not_legal += o.counts.not_legal;
        sum.below_floor += o.counts.below_floor;
        sum.population_unknown += o.counts.population_unknown;
        sum.provisional += o.counts.provisional;
        sum.undetermined += o.counts.undetermined;
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
