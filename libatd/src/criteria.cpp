#include <atd/criteria.hpp>
#include <atd/error.hpp>
#include <atd/geo.hpp>
#include <atd/model.hpp>

#include <algorithm>
#include <array>
#include <climits>
#include <cmath>
#include <stdexcept>
#include <unordered_map>

namespace atd {

std::string_view result_name(Result r) {
    switch (r) {
        case Result::Pass: return "pass";
        case Result::Fail: return "fail";
        case Result::NoData: break;
    }
    return "unknown";
}

Result all_of(std::initializer_list<Result> rs) {
    Result out = Result::Pass;
    for (Result r : rs) {
        if (r == Result::Fail) return Result::Fail;
        if (r == Result::NoData) out = Result::NoData;
    }
    return out;
}

bool is_city(const std::string& category) { return category.rfind("city_", 0) == 0; }

double& YearSeries::operator[](int year) {
    auto it = std::lower_bound(v_.begin(), v_.end(), year, [](const value_type& a, int y) { return a.first < y; });
    if (it != v_.end() && it->first == year) return it->second;
    return v_.insert(it, {year, 0.0})->second;
}

YearSeries::const_iterator YearSeries::find(int year) const {
    auto it = std::lower_bound(v_.begin(), v_.end(), year, [](const value_type& a, int y) { return a.first < y; });
    return it != v_.end() && it->first == year ? it : v_.end();
}

double& IndicatorValues::operator[](std::string_view name) {
    const Indicator* ind = find_indicator(name);
    if (!ind) throw std::invalid_argument("not an indicator: " + std::string(name));
    return (*this)[ind];
}

double& IndicatorValues::operator[](const Indicator* ind) {
    for (auto& e : v_)
        if (e.first == ind) return e.second;
    v_.emplace_back(ind, 0.0);
    return v_.back().second;
}

IndicatorValues::const_iterator IndicatorValues::find(std::string_view name) const {
    return find(find_indicator(name));
}

IndicatorValues::const_iterator IndicatorValues::find(const Indicator* ind) const {
    for (auto it = v_.begin(); it != v_.end(); ++it)
        if (it->first == ind) return it;
    return v_.end();
}

double IndicatorValues::at(std::string_view name) const {
    auto it = find(name);
    if (it == end()) throw std::out_of_range("no value for " + std::string(name));
    return it->second;
}

namespace {

double clamp01(double v) { return std::clamp(v, 0.0, 1.0); }

// The fields read_settlement takes apart from the statistics.
enum class Named : std::uint8_t {
    None, Kato, Name, Category, AreaKm2, JobsRatio, ScDemand, ScSupply, DominantShare,
    DominantDestination, FlowSource, AdminCentre, ParentKato, DistrictKato, OblastKato, Count
};

Named named_field(std::string_view key) {
    static const std::pair<std::string_view, Named> names[] = {
        {field::kato, Named::Kato},
        {field::name_ru, Named::Name},
        {field::category, Named::Category},
        {"area_km2", Named::AreaKm2},
        {"jobs_ratio", Named::JobsRatio},
        {"sc_demand", Named::ScDemand},
        {"sc_supply", Named::ScSupply},
        {"dominant_share", Named::DominantShare},
        {"dominant_destination", Named::DominantDestination},
        {"flow_source", Named::FlowSource},
        {"admin_centre", Named::AdminCentre},
        {field::parent_kato, Named::ParentKato},
        {field::district_kato, Named::DistrictKato},
        {field::oblast_kato, Named::OblastKato},
    };
    for (auto [name, n] : names)
        if (key == name) return n;
    return Named::None;
}

// What read_settlement makes of a key: a statistics field (and which of the
// settlement's series holds it), a named field, or neither.
struct KeyReading {
    std::optional<StatField> stat;
    int series = -1;  // pop, mig_in_int, mig_out_int, mig_in_ext, mig_out_ext
    Named named = Named::None;
};

KeyReading read_key(std::string_view key) {
    KeyReading r;
    r.stat = parse_stat_field(key);
    if (r.stat && r.stat->year) {
        static const std::string_view series[] = {"pop", "mig_in_int", "mig_out_int", "mig_in_ext", "mig_out_ext"};
        for (int k = 0; k < 5; ++k)
            if (r.stat->indicator->name == series[k]) r.series = k;
    }
    r.named = named_field(key);
    return r;
}

// Per indicator of the model, on this thread: a mark of the record that last
// touched it, and what that record holds for it (read_settlement's scratch).
struct IndicatorMarks {
    std::vector<std::uint64_t> record;  // the record's number
    std::vector<std::uint32_t> latest;  // its place in the record's latest values
    std::vector<int> year;              // the latest year seen, or INT_MIN for none
    std::uint64_t current = 0;
    explicit IndicatorMarks(std::size_t n) : record(n, 0), latest(n, 0), year(n, 0) {}
};

}  // namespace

SettlementData read_settlement(const Feature& f, int max_window) {
    SettlementData s;
    const auto& entries = f.props.entries();
    // One pass over the keys: the first value of each named field, and how
    // many values each series holds (so that each is allocated once).
    const Value* named[static_cast<std::size_t>(Named::Count)] = {};
    std::size_t series_size[5] = {};
    thread_local KeyCache<KeyReading> keys(read_key);
    thread_local std::vector<KeyReading> readings;  // per position: copies, as a later get may clear the cache
    thread_local IndicatorMarks marks(indicators().size());
    const Indicator* const first_indicator = indicators().data();
    const std::uint64_t record = ++marks.current;
    std::size_t distinct = 0;
    readings.clear();
    keys.start();
    for (std::size_t position = 0; position < entries.size(); ++position) {
        const auto& [key, v] = entries[position];
        const KeyReading& r = keys.get(key);
        readings.push_back(r);
        auto& slot = named[static_cast<std::size_t>(r.named)];
        if (r.named != Named::None && !slot) slot = &v;
        if (r.stat && !is_null(v)) {
            auto k = static_cast<std::size_t>(r.stat->indicator - first_indicator);
            if (marks.record[k] != record) {
                marks.record[k] = record;
                marks.latest[k] = static_cast<std::uint32_t>(distinct++);
                marks.year[k] = INT_MIN;
            }
            if (r.series >= 0) ++series_size[r.series];
        }
    }
    auto text = [&](Named n) -> std::optional<std::string> {
        const Value* v = named[static_cast<std::size_t>(n)];
        if (!v || is_null(*v)) return std::nullopt;
        return as_text(*v);
    };
    s.kato = text(Named::Kato).value_or("");
    s.name = text(Named::Name).value_or("");
    std::string who = "kato " + s.kato;
    auto number = [&](Named n, std::string_view key) -> std::optional<double> {
        const Value* v = named[static_cast<std::size_t>(n)];
        if (!v || is_null(*v)) return std::nullopt;
        auto x = as_number(*v);
        if (!x) throw DataError(who + ": " + std::string(key) + " is not a number");
        return x;
    };
    auto cat = text(Named::Category);
    if (!cat) throw DataError(who + ": no category");
    if (!is_category(*cat)) throw DataError(who + ": category '" + *cat + "' is unknown");
    s.category = std::move(*cat);
    YearSeries* series[] = {&s.pop, &s.mig_in_int, &s.mig_out_int, &s.mig_in_ext, &s.mig_out_ext};
    for (int k = 0; k < 5; ++k) series[k]->reserve(series_size[k]);
    // The latest value of each indicator, in the order the indicators first
    // come: an undated field sets it, a dated one when its year is the latest yet.
    std::vector<IndicatorValues::value_type> latest(distinct);
    for (std::size_t position = 0; position < entries.size(); ++position) {
        const auto& [key, v] = entries[position];
        const KeyReading& r = readings[position];
        if (!r.stat || is_null(v)) continue;
        auto n = as_number(v);
        if (!n) throw DataError(who + ": " + key + " is not a number");
        if (*n < 0) throw DataError(who + ": " + key + " is negative (" + as_text(v) + ")");
        const Indicator* ind = r.stat->indicator;
        auto k = static_cast<std::size_t>(ind - first_indicator);
        auto& entry = latest[marks.latest[k]];
        entry.first = ind;
        if (!r.stat->year) {
            entry.second = *n;
            continue;
        }
        int y = *r.stat->year;
        if (r.series >= 0) (*series[r.series])[y] = *n;
        if (y >= marks.year[k]) {
            marks.year[k] = y;
            entry.second = *n;
        }
    }
    s.latest = IndicatorValues(std::move(latest));
    // A gap: a year missing between two years the series has, inside the window.
    if (!s.pop.empty()) {
        int last = s.pop.rbegin()->first;
        int first = std::max(s.pop.begin()->first, last - max_window + 1);
        for (int y = first; y <= last; ++y)
            if (!s.pop.count(y))
                throw DataError(who + ": pop_" + std::to_string(y) + " is missing inside the series " +
                                std::to_string(first) + "-" + std::to_string(last));
    }
    static const auto shares = [] {
        std::vector<std::pair<const Indicator*, const Indicator*>> v;
        for (auto [part, whole] : {std::pair{"emp_agri", "emp_total"}, {"emp_ind", "emp_total"}, {"emp_serv", "emp_total"},
                                   {"emp_selfemp", "emp_total"}, {"opinion_participants", "opinion_eligible"}})
            v.emplace_back(find_indicator(part), find_indicator(whole));
        return v;
    }();
    for (auto [part_ind, whole_ind] : shares) {
        auto a = s.latest.find(part_ind), b = s.latest.find(whole_ind);
        std::string_view part = part_ind->name, whole = whole_ind->name;
        if (a != s.latest.end() && b != s.latest.end() && a->second > b->second)
            throw DataError(who + ": " + std::string(part) + " (" +
                            std::to_string(static_cast<long long>(a->second)) + ") exceeds " + std::string(whole) +
                            " (" + std::to_string(static_cast<long long>(b->second)) + "): a share above 1");
    }
    s.area_km2 = number(Named::AreaKm2, "area_km2");
    if (!f.geom.empty()) {
        auto [x, y] = representative_point(f.geom);
        s.lon = x;
        s.lat = y;
        if (f.geom.type == GeomType::Polygon || f.geom.type == GeomType::MultiPolygon) {
            if (!s.area_km2) s.area_km2 = geodesic_area_km2(f.geom);
            s.polygon = std::make_shared<const Geometry>(f.geom);
        }
    }
    s.jobs_ratio = number(Named::JobsRatio, "jobs_ratio");
    for (auto [n, key, to] : {std::tuple{Named::ScDemand, "sc_demand", &s.sc_demand},
                              {Named::ScSupply, "sc_supply", &s.sc_supply},
                              {Named::DominantShare, "dominant_share", &s.dominant_share}}) {
        *to = number(n, key);
        if (*to && **to > 1) throw DataError(who + ": " + key + " is above 1 (" + std::to_string(**to) + ")");
    }
    s.dominant_destination = text(Named::DominantDestination);
    s.flow_source = text(Named::FlowSource);
    s.admin_centre = text(Named::AdminCentre);
    s.parent_kato = text(Named::ParentKato).value_or("");
    s.district_kato = text(Named::DistrictKato).value_or("");
    s.oblast_kato = text(Named::OblastKato).value_or("");
    return s;
}

// The cities' points, numbered by slot; each slot's settlement and code lie
// here too, so a search does not reach into the settlements for them.
struct Scorer::Index {
    PointIndex cities;
    std::vector<std::size_t> settlement;
    std::vector<std::string> kato;
};

Scorer::Scorer(const Standards& standards, const std::vector<SettlementData>& settlements,
               std::unordered_set<std::string> city_administrations)
    : st_(standards), all_(settlements), cities_(std::make_unique<Index>()) {
    t_.aul_min_population = standards.get("aul.min_population");
    t_.c1_declining_growth = standards.get("c1.declining_growth");
    t_.c1_severe_growth = standards.get("c1.severe_growth");
    t_.c2_structural_outmigration = standards.get("c2.structural_outmigration");
    t_.c3_dispersed_min_density = standards.get("c3.dispersed_min_density");
    t_.c3_urban_centre_density = standards.get("c3.urban_centre_density");
    t_.c3_urban_centre_population = standards.get("c3.urban_centre_population");
    t_.c3_urban_cluster_density = standards.get("c3.urban_cluster_density");
    t_.c3_urban_cluster_population = standards.get("c3.urban_cluster_population");
    t_.c3_village_min_population = standards.get("c3.village_min_population");
    t_.c4_attach_min_commuting_share = standards.get("c4.attach_min_commuting_share");
    t_.c4_detach_max_distance_km = standards.get("c4.detach_max_distance_km");
    t_.c4_contiguity_max_km = standards.get("c4.contiguity_max_km");
    t_.c5_rural_min_agri_share = standards.get("c5.rural_min_agri_share");
    t_.c5_urban_min_nonagri_share = standards.get("c5.urban_min_nonagri_share");
    t_.c6_centre_min_demand_self_containment = standards.get("c6.centre_min_demand_self_containment");
    t_.c6_centre_min_jobs_ratio = standards.get("c6.centre_min_jobs_ratio");
    t_.c8_min_support = standards.get("c8.min_support");
    t_.c8_min_turnout = standards.get("c8.min_turnout");
    t_.city_district_min_infrastructure_index = standards.get("city_district.min_infrastructure_index");
    t_.city_district_min_population = standards.get("city_district.min_population");
    t_.city_oblast_min_population = standards.get("city_oblast.min_population");
    t_.city_republican_min_population = standards.get("city_republican.min_population");
    t_.kent_min_population = standards.get("kent.min_population");
    t_.windows_city_years = standards.get("windows.city_years");
    t_.windows_rural_years = standards.get("windows.rural_years");
    for (int k = 0; k < 8; ++k) t_.weights[k] = standards.get("composite.weight_c" + std::to_string(k + 1));
    const char* infra[] = {"c7.weight_industry", "c7.weight_utilities", "c7.weight_housing",
                           "c7.weight_education_culture", "c7.weight_health", "c7.weight_trade"};
    for (int k = 0; k < 6; ++k) t_.infra_weights[k] = standards.get(infra[k]);
    std::vector<double> lon, lat;
    std::vector<std::size_t> ids;
    for (std::size_t i = 0; i < settlements.size(); ++i) {
        const auto& s = settlements[i];
        if (is_city(s.category) && s.lon) {
            lon.push_back(*s.lon);
            lat.push_back(*s.lat);
            ids.push_back(ids.size());
            cities_->settlement.push_back(i);
            cities_->kato.push_back(s.kato);
        }
    }
    cities_->cities.build(std::move(lon), std::move(lat), std::move(ids));
    for (std::size_t i = 0; i < settlements.size(); ++i) {
        const auto& s = settlements[i];
        if (!is_city(s.category)) continue;
        city_katos_.insert(s.kato);
        if (s.polygon && s.lon)
            for (std::size_t v = 0; v + 1 < s.polygon->xy.size(); v += 2)
                max_city_radius_km_ = std::max(max_city_radius_km_,
                                               geodesic_km(*s.lon, *s.lat, s.polygon->xy[v], s.polygon->xy[v + 1]));
        // The city that a city administration is named for lies directly under it.
        if (!s.parent_kato.empty() && s.parent_kato == s.district_kato && city_administrations.count(s.parent_kato))
            city_of_administration_.emplace(s.parent_kato, i);
    }
}

const SettlementData* Scorer::administering_city(const SettlementData& s) const {
    auto it = city_of_administration_.find(s.district_kato);
    if (it == city_of_administration_.end() || all_[it->second].kato == s.kato) return nullptr;
    return &all_[it->second];
}

Scorer::~Scorer() = default;

double Scorer::category_threshold(const std::string& c) const {
    if (c == "city_republican") return t_.city_republican_min_population;
    if (c == "city_oblast") return t_.city_oblast_min_population;
    if (c == "city_district") return t_.city_district_min_population;
    if (c == "kent") return t_.kent_min_population;
    return t_.aul_min_population;
}

int Scorer::category_window(const std::string& c) const {
    return static_cast<int>(is_city(c) ? t_.windows_city_years : t_.windows_rural_years);
}

std::optional<Scorer::Near> Scorer::nearest_city(double lon, double lat, const std::string& self) const {
    // Skip the settlement itself when it is a city.
    std::size_t skip = SIZE_MAX;
    for (std::size_t pass = 0; pass < 2; ++pass) {
        auto n = cities_->cities.nearest(lon, lat, skip);
        if (!n) return std::nullopt;
        const std::string& kato = cities_->kato[n->first];
        if (kato != self) return Near{cities_->settlement[n->first], n->second, &kato};
        skip = n->first;
    }
    return std::nullopt;
}

// Contiguity with city c by the strongest evidence there is (METHODOLOGY
// §3.1): a shared boundary where both have polygons; subordination in KATO;
// the distance to the city's polygon, else its point, within
// c4.contiguity_max_km. Farther than that, outside the city's
// administration: not contiguous.
// The distance from a settlement (its polygon, else its point) to a city's
// polygon; none without one, or when GEOS cannot read either (the points decide then).
std::optional<double> polygon_distance(const SettlementData& s, const SettlementData& c) {
    if (!c.polygon || (!s.polygon && !s.lon)) return std::nullopt;
    try {
        return distance_km(s.polygon ? *s.polygon : Geometry::point(*s.lon, *s.lat), *c.polygon);
    } catch (const DataError&) {
        return std::nullopt;
    }
}

// The city to test for contiguity outside a city administration: the nearest
// by point, unless a city with a polygon lies nearer by its edge.
const SettlementData& Scorer::contiguity_candidate(const SettlementData& s, const Near& near) const {
    const SettlementData* best = &all_[near.index];
    if (max_city_radius_km_ <= 0 || !s.lon) return *best;
    double best_km = polygon_distance(s, *best).value_or(near.km);
    for (auto [slot, km] : cities_->cities.within(*s.lon, *s.lat, t_.c4_contiguity_max_km + max_city_radius_km_)) {
        const SettlementData& c = all_[cities_->settlement[slot]];
        if (c.kato == s.kato) continue;
        double d = polygon_distance(s, c).value_or(km);
        if (d < best_km) best = &c, best_km = d;
    }
    return *best;
}

void Scorer::judge_contiguity(const SettlementData& s, const SettlementData& c, Scores& sc) const {
    const double gap = t_.c4_contiguity_max_km;
    std::optional<double> polygon_km = polygon_distance(s, c);
    if (s.lon && c.lon) sc.c4_city_km = geodesic_km(*s.lon, *s.lat, *c.lon, *c.lat);
    if (s.polygon && polygon_km && *polygon_km < 1e-3) {
        sc.c4_basis = "boundary";
        sc.contiguous = Result::Pass;
    } else if (sc.subordinate) {
        sc.c4_basis = "kato";
        sc.contiguous = Result::Pass;
    } else if (polygon_km) {
        sc.c4_basis = "distance_polygon";
        sc.c4_city_km = *polygon_km;
        sc.contiguous = *polygon_km <= gap ? Result::Pass : Result::Fail;
    } else if (sc.c4_city_km) {
        sc.c4_basis = "distance_point";
        sc.contiguous = *sc.c4_city_km <= gap ? Result::Pass : Result::Fail;
    }
}

// C4: the city a settlement could join or leave, whether it is contiguous
// with it (by proxy, METHODOLOGY §3.1), and the commuting share to it.
void Scorer::score_c4(const SettlementData& s, Scores& sc) const {
    Outcome& c4 = sc.c[3];
    std::optional<Near> near;
    if (s.lon) near = nearest_city(*s.lon, *s.lat, s.kato);
    if (near) {
        sc.nearest_city = *near->kato;
        sc.nearest_city_km = near->km;
    }
    std::vector<std::string> proxies;
    const SettlementData* c = administering_city(s);
    sc.subordinate = c != nullptr;
    if (!c && near) c = &contiguity_candidate(s, *near);
    if (c) {
        sc.c4_city = c->kato;
        judge_contiguity(s, *c, sc);
    } else {
        c4.lacks.push_back(s.lon ? "a city with a position" : "geometry");
    }
    if (s.dominant_destination && city_katos_.count(*s.dominant_destination)) sc.commuting_city = *s.dominant_destination;
    // The share to the tested city: the dominant share when it goes there; below
    // the threshold when even the dominant share (or what it leaves) is.
    const double attach = t_.c4_attach_min_commuting_share;
    Result share_ok = Result::NoData;
    bool modelled = s.flow_source && *s.flow_source == "modelled";
    if (!s.dominant_destination || !s.dominant_share) {
        c4.lacks.push_back("dominant_destination");
    } else if (!sc.c4_city) {
        // No city to test: no share to judge.
    } else if (*s.dominant_destination == *sc.c4_city) {
        sc.commuting_share = *s.dominant_share;
        share_ok = *s.dominant_share >= attach ? Result::Pass : Result::Fail;
    } else if (*s.dominant_share < attach || 1.0 - *s.dominant_share < attach) {
        share_ok = Result::Fail;  // the share to the city is below the threshold, its value unknown
    } else {
        c4.lacks.push_back("od_survey");  // the dominant flow goes elsewhere: the share to this city is unknown
    }
    sc.attach = all_of({sc.contiguous, share_ok});
    Result far = !sc.c4_city_km ? Result::NoData
                 : *sc.c4_city_km > t_.c4_detach_max_distance_km ? Result::Pass : Result::Fail;
    Result little = share_ok == Result::NoData ? Result::NoData : share_ok == Result::Pass ? Result::Fail : Result::Pass;
    // Detach only a settlement inside a city's own administration.
    sc.detach = sc.subordinate ? all_of({far, little}) : Result::Fail;
    if (sc.attach == Result::Pass) sc.c4_candidate = "attach";
    else if (sc.detach == Result::Pass) sc.c4_candidate = "detach";
    else if (sc.attach == Result::Fail && sc.detach == Result::Fail) sc.c4_candidate = "none";
    c4.result = sc.attach;
    if (sc.attach == Result::Pass && sc.c4_basis != "boundary") proxies.push_back("contiguity by " + sc.c4_basis);
    if (modelled && share_ok != Result::NoData) proxies.push_back("modelled commuting");
    for (const auto& p : proxies) c4.provisional += (c4.provisional.empty() ? "" : ", ") + p;
    if (sc.contiguous == Result::Fail || (sc.contiguous == Result::Pass && share_ok == Result::Fail && !sc.commuting_share))
        c4.score = 0.0;
    else if (sc.contiguous == Result::Pass && sc.commuting_share)
        c4.score = clamp01(*sc.commuting_share / attach);
}

Scores Scorer::score(const SettlementData& s) const {
    Scores sc;
    // C1 population dynamics: level, sustained minimum/maximum over the window, growth.
    sc.window = category_window(s.category);
    sc.threshold = category_threshold(s.category);
    Outcome& c1 = sc.c[0];
    if (s.pop.empty()) {
        c1.lacks.push_back("pop");
    } else {
        int t = s.pop.rbegin()->first;
        sc.year = t;
        sc.pop = s.pop.rbegin()->second;
        // The sustained test over every year of the window present (§3.1):
        // the minimum for a threshold to reach, the maximum for one to stay under.
        double lo = 1e300, hi = -1e300;
        for (int y = t - sc.window + 1; y <= t; ++y) {
            auto it = s.pop.find(y);
            if (it == s.pop.end()) {
                sc.missing_years.push_back(y);
                continue;
            }
            lo = std::min(lo, it->second);
            hi = std::max(hi, it->second);
            ++sc.years_used;
        }
        sc.min_w = lo;
        sc.max_w = hi;
        sc.basis = sc.missing_years.empty() ? "window" : sc.years_used > 1 ? "partial" : "level";
        for (int y : sc.missing_years) c1.lacks.push_back("pop_" + std::to_string(y));
        auto base = s.pop.find(t - sc.window);
        if (base == s.pop.end() && sc.basis == "window") base = s.pop.find(t - sc.window + 1);
        if (base != s.pop.end() && base->second > 0 && base->first < t) {
            double years = t - base->first;
            sc.growth = std::pow(*sc.pop / base->second, 1.0 / years) - 1.0;
            sc.trend = *sc.growth < t_.c1_severe_growth      ? "severe"
                       : *sc.growth < t_.c1_declining_growth ? "declining"
                                                                    : "growing";
        }
        // Art. 3: "more than" for republican and oblast cities, "at least" for the others.
        bool strict = s.category == "city_republican" || s.category == "city_oblast";
        c1.result = (strict ? lo > sc.threshold : lo >= sc.threshold) ? Result::Pass : Result::Fail;
        // A minimum of fewer years can only fall with the missing ones: a fail stands, a pass is provisional.
        if (c1.result == Result::Pass && sc.basis != "window")
            c1.provisional = std::to_string(sc.years_used) + " of " + std::to_string(sc.window) + " years";
        c1.score = clamp01(*sc.pop / sc.threshold);
    }
    // C2 net migration per 1,000 over the window, and its share of the change.
    Outcome& c2 = sc.c[1];
    {
        double in = 0, out = 0, in_e = 0, out_e = 0, pop_sum = 0;
        int years = 0, years_ext = 0;
        if (sc.year) {
            for (int y = *sc.year - sc.window + 1; y <= *sc.year; ++y) {
                auto a = s.mig_in_int.find(y), b = s.mig_out_int.find(y), p = s.pop.find(y);
                if (a == s.mig_in_int.end() || b == s.mig_out_int.end() || p == s.pop.end()) continue;
                in += a->second;
                out += b->second;
                pop_sum += p->second;
                ++years;
                auto ae = s.mig_in_ext.find(y), be = s.mig_out_ext.find(y);
                if (ae != s.mig_in_ext.end() && be != s.mig_out_ext.end()) {
                    in_e += ae->second;
                    out_e += be->second;
                    ++years_ext;
                }
            }
        }
        if (years == 0 || pop_sum <= 0) {
            c2.lacks = {"mig_in_int", "mig_out_int"};
        } else {
            double mean_pop = pop_sum / years;
            sc.m_int = 1000.0 * (in - out) / years / mean_pop;
            if (years_ext == years) sc.m_ext = 1000.0 * (in_e - out_e) / years / mean_pop;
            auto first = s.pop.find(*sc.year - sc.window + 1);
            if (first != s.pop.end()) {
                double dp = *sc.pop - first->second;
                double mig = (in - out) + (years_ext == years ? in_e - out_e : 0.0);
                if (dp != 0) sc.migration_share = mig / dp;
            }
            double t = t_.c2_structural_outmigration;
            c2.result = *sc.m_int < t ? Result::Fail : Result::Pass;
            c2.score = 1.0 - clamp01(*sc.m_int / t);
        }
    }
    // C3 area, density and the degree of urbanisation they give.
    Outcome& c3 = sc.c[2];
    if (!s.area_km2 || *s.area_km2 <= 0) {
        c3.lacks.push_back("area_km2");
    } else if (!sc.pop) {
        c3.lacks.push_back("pop");
    } else {
        sc.area_km2 = s.area_km2;
        sc.density = *sc.pop / *s.area_km2;
        double d = *sc.density, p = *sc.pop;
        if (d >= t_.c3_urban_centre_density && p >= t_.c3_urban_centre_population)
            sc.degurba = "urban_centre";
        else if (d >= t_.c3_urban_cluster_density && p >= t_.c3_urban_cluster_population)
            sc.degurba = "urban_cluster";
        else if (d >= t_.c3_urban_cluster_density && p >= t_.c3_village_min_population)
            sc.degurba = "village";
        else if (d >= t_.c3_dispersed_min_density)
            sc.degurba = "dispersed_rural";
        else
            sc.degurba = "mostly_uninhabited";
        bool urban = sc.degurba == "urban_centre" || sc.degurba == "urban_cluster";
        c3.result = !is_city(s.category) || urban ? Result::Pass : Result::Fail;
        c3.score = clamp01(d / t_.c3_urban_cluster_density);
    }
    score_c4(s, sc);
    // C5 employment by activity.
    Outcome& c5 = sc.c[4];
    {
        static const Indicator* const emp_total = find_indicator("emp_total");
        static const Indicator* const emp_agri = find_indicator("emp_agri");
        static const Indicator* const emp_selfemp_agri = find_indicator("emp_selfemp_agri");
        auto total = s.latest.find(emp_total);
        auto agri = s.latest.find(emp_agri);
        if (total == s.latest.end() || agri == s.latest.end() || total->second <= 0) {
            c5.lacks = {"emp_total", "emp_agri"};
        } else {
            auto self = s.latest.find(emp_selfemp_agri);
            double self_agri = self != s.latest.end() ? self->second : 0.0;
            sc.agri_share = std::min(1.0, (agri->second + self_agri) / total->second);
            sc.nonagri_share = 1.0 - agri->second / total->second;
            double rural = t_.c5_rural_min_agri_share, urban = t_.c5_urban_min_nonagri_share;
            sc.profile = *sc.nonagri_share >= urban ? "urban" : *sc.agri_share >= rural ? "rural" : "mixed";
            if (s.category == "aul") {
                c5.result = sc.profile == "urban" ? Result::Fail : Result::Pass;
                c5.score = clamp01(*sc.agri_share / rural);
            } else {
                c5.result = sc.profile == "urban" ? Result::Pass : Result::Fail;
                c5.score = clamp01(*sc.nonagri_share / urban);
            }
        }
    }
    // C6 commuting: the fields atd-flows writes.
    Outcome& c6 = sc.c[5];
    if (!s.jobs_ratio || !s.sc_demand) {
        c6.lacks = {"jobs_ratio", "sc_demand"};
    } else {
        double jr = t_.c6_centre_min_jobs_ratio, scd = t_.c6_centre_min_demand_self_containment;
        sc.is_centre = *s.jobs_ratio >= jr && *s.sc_demand >= scd;
        c6.result = *sc.is_centre ? Result::Pass : Result::Fail;
        c6.score = 0.5 * clamp01(*s.jobs_ratio / jr) + 0.5 * clamp01(*s.sc_demand / scd);
    }
    // C7 infrastructure index over the law's six groups.
    Outcome& c7 = sc.c[6];
    {
        struct Group {
            const char* name;
            std::array<const char*, 2> fields;
        };
        static const Group groups[] = {{"industry", {"infra_industry", nullptr}},
                                       {"utilities", {"infra_utilities", nullptr}},
                                       {"housing", {"infra_housing", nullptr}},
                                       {"education_culture", {"infra_education", "infra_culture"}},
                                       {"health", {"infra_health", nullptr}},
                                       {"trade", {"infra_trade", nullptr}}};
        // The index is over all six groups; a group without figures counts as
        // unknown, so the result is no_data when the unknown groups could decide it.
        double total = 0, hit = 0, unknown = 0;
        static const auto group_indicators = [] {
            std::array<std::array<const Indicator*, 2>, 6> a{};
            for (std::size_t gi = 0; gi < 6; ++gi)
                for (std::size_t k = 0; k < 2; ++k)
                    if (groups[gi].fields[k]) a[gi][k] = find_indicator(groups[gi].fields[k]);
            return a;
        }();
        bool any = false;
        std::string present;
        std::vector<std::string> missing;
        for (std::size_t gi = 0; gi < 6; ++gi) {
            const Group& g = groups[gi];
            // Present when a field of the group counts one object or more;
            // absent only when every field of it is known and 0; else unknown.
            bool has = false;
            std::vector<std::string> unknown_fields;
            for (std::size_t k = 0; k < 2; ++k) {
                if (!g.fields[k]) continue;
                auto it = s.latest.find(group_indicators[gi][k]);
                if (it == s.latest.end()) unknown_fields.push_back(g.fields[k]);
                else has = has || it->second > 0;
            }
            bool known = has || unknown_fields.empty();
            double w = t_.infra_weights[gi];
            total += w;
            if (!known) {
                unknown += w;
                missing.insert(missing.end(), unknown_fields.begin(), unknown_fields.end());
                continue;
            }
            any = true;
            if (has) {
                hit += w;
                present += (present.empty() ? "" : ",") + std::string(g.name);
            }
        }
        if (!any || total <= 0) {
            c7.lacks.push_back("infra_*");
        } else {
            double t = t_.city_district_min_infrastructure_index - 1e-9;
            double low = hit / total, high = (hit + unknown) / total;
            sc.infra_groups = present;
            c7.lacks = missing;
            if (unknown == 0) sc.infra_index = low;
            c7.result = low >= t ? Result::Pass : high < t ? Result::Fail : Result::NoData;
            if (unknown == 0) c7.score = low;
        }
    }
    // C8 public opinion.
    Outcome& c8 = sc.c[7];
    {
        static const Indicator* const opinion_yes = find_indicator("opinion_yes");
        static const Indicator* const opinion_no = find_indicator("opinion_no");
        static const Indicator* const participants = find_indicator("opinion_participants");
        static const Indicator* const eligible = find_indicator("opinion_eligible");
        auto yes = s.latest.find(opinion_yes), no = s.latest.find(opinion_no);
        if (yes == s.latest.end() || no == s.latest.end() || yes->second + no->second <= 0) {
            c8.lacks = {"opinion_yes", "opinion_no"};
        } else {
            sc.support = yes->second / (yes->second + no->second);
            auto part = s.latest.find(participants), elig = s.latest.find(eligible);
            if (part != s.latest.end() && elig != s.latest.end() && elig->second > 0) {
                sc.turnout = part->second / elig->second;
                sc.low_turnout = *sc.turnout < t_.c8_min_turnout;
            }
            c8.result = *sc.support > t_.c8_min_support ? Result::Pass : Result::Fail;
            c8.score = *sc.support;
        }
    }
    // Composite: the legal population gate first, then the weighted mean.
    sc.gate = c1.result;
    double wsum = 0, acc = 0;
    for (int k = 0; k < 8; ++k) {
        if (!sc.c[k].score) continue;
        double w = t_.weights[k];
        wsum += w;
        acc += w * *sc.c[k].score;
        ++sc.n_criteria;
    }
    if (sc.gate == Result::Fail) sc.composite = 0.0;
    else if (wsum > 0) sc.composite = acc / wsum;
    return sc;
}

namespace {
Value opt(const std::optional<double>& v) { return v ? Value{*v} : Value{}; }
Value opt_round(const std::optional<double>& v, double scale) {
    return v ? Value{std::round(*v * scale) / scale} : Value{};
}
Value opt_text(const std::string& s) { return s.empty() ? Value{} : Value{s}; }
std::string join(const std::vector<std::string>& v) {
    std::string out;
    for (const auto& s : v) out += (out.empty() ? "" : ",") + s;
    return out;
}
}  // namespace

void Scorer::write(const Scores& sc, Properties& props) const {
    FieldList fields;
    fields.v.reserve(64);
    emit(sc, fields);
    props.set_all(std::move(fields.v));
}

void Scorer::write_json(const Scores& sc, std::string& out) const {
    FieldJson fields{out};
    emit(sc, fields);
}

bool Scorer::writes_field(std::string_view key) {
    return (key.size() > 2 && key[0] == 'c' && key[1] >= '1' && key[1] <= '8' && key[2] == '_') ||
           (!key.empty() && key[0] == 's' && key.substr(0, 5) == "score");
}

template <class Fields>
void Scorer::emit(const Scores& sc, Fields& p) const {
    auto res = [&](int k) { return Value{std::string(result_name(sc.c[k].result))}; };
    auto scr = [&](int k) { return opt_round(sc.c[k].score, 1e4); };
    p.set("c1_year", sc.year ? Value{static_cast<std::int64_t>(*sc.year)} : Value{});
    p.set("c1_pop", opt(sc.pop));
    p.set("c1_window", static_cast<std::int64_t>(sc.window));
    p.set("c1_threshold", sc.threshold);
    p.set("c1_min", opt(sc.min_w));
    p.set("c1_max", opt(sc.max_w));
    p.set("c1_growth", opt_round(sc.growth, 1e6));
    p.set("c1_trend", opt_text(sc.trend));
    p.set("c1_basis", opt_text(sc.basis));
    p.set("c1_years", sc.year ? Value{static_cast<std::int64_t>(sc.years_used)} : Value{});
    p.set("c1_result", res(0));
    p.set("c1_score", scr(0));
    p.set("c2_net_int_per_1000", opt_round(sc.m_int, 1e3));
    p.set("c2_net_ext_per_1000", opt_round(sc.m_ext, 1e3));
    p.set("c2_migration_share", opt_round(sc.migration_share, 1e4));
    p.set("c2_threshold", t_.c2_structural_outmigration);
    p.set("c2_result", res(1));
    p.set("c2_score", scr(1));
    p.set("c3_area_km2", opt_round(sc.area_km2, 1e3));
    p.set("c3_density", opt_round(sc.density, 1e2));
    p.set("c3_class", opt_text(sc.degurba));
    p.set("c3_result", res(2));
    p.set("c3_score", scr(2));
    p.set("c4_nearest_city", sc.nearest_city ? Value{*sc.nearest_city} : Value{});
    p.set("c4_nearest_city_km", opt_round(sc.nearest_city_km, 1e3));
    p.set("c4_commuting_share", opt_round(sc.commuting_share, 1e4));
    p.set("c4_commuting_city", sc.commuting_city ? Value{*sc.commuting_city} : Value{});
    p.set("c4_city", sc.c4_city ? Value{*sc.c4_city} : Value{});
    p.set("c4_city_km", opt_round(sc.c4_city_km, 1e3));
    p.set("c4_basis", opt_text(sc.c4_basis));
    p.set("c4_contiguous", Value{std::string(result_name(sc.contiguous))});
    p.set("c4_candidate", opt_text(sc.c4_candidate));
    p.set("c4_result", res(3));
    p.set("c4_score", scr(3));
    p.set("c5_agri_share", opt_round(sc.agri_share, 1e4));
    p.set("c5_nonagri_share", opt_round(sc.nonagri_share, 1e4));
    p.set("c5_profile", opt_text(sc.profile));
    p.set("c5_result", res(4));
    p.set("c5_score", scr(4));
    p.set("c6_is_centre", sc.is_centre ? Value{*sc.is_centre} : Value{});
    p.set("c6_result", res(5));
    p.set("c6_score", scr(5));
    p.set("c7_index", opt_round(sc.infra_index, 1e4));
    p.set("c7_groups", opt_text(sc.infra_groups));
    p.set("c7_threshold", t_.city_district_min_infrastructure_index);
    p.set("c7_result", res(6));
    p.set("c7_score", scr(6));
    p.set("c8_support", opt_round(sc.support, 1e4));
    p.set("c8_turnout", opt_round(sc.turnout, 1e4));
    p.set("c8_low_turnout", sc.turnout ? Value{sc.low_turnout} : Value{});
    p.set("c8_result", res(7));
    p.set("c8_score", scr(7));
    p.set("score_gate", std::string(result_name(sc.gate)));
    p.set("score", opt_round(sc.composite, 1e4));
    p.set("score_n_criteria", static_cast<std::int64_t>(sc.n_criteria));
    std::vector<std::string> lacks;
    for (int k = 0; k < 8; ++k)
        if (sc.c[k].result == Result::NoData || !sc.c[k].lacks.empty())
            lacks.push_back("c" + std::to_string(k + 1) + ":" + join(sc.c[k].lacks));
    std::string all;
    for (const auto& l : lacks) all += (all.empty() ? "" : ";") + l;
    p.set("score_lacks", all.empty() ? Value{} : Value{all});
    p.set("score_profile", st_.name());
}

}  // namespace atd
