#pragma once
// atd-score: each criterion of the Concept (METHODOLOGY §2, C1-C8) as an
// indicator, a threshold from the standards profile, a result and a score.
#include <atd/feature.hpp>
#include <atd/model.hpp>
#include <atd/standards.hpp>

#include <map>
#include <initializer_list>
#include <unordered_map>
#include <unordered_set>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace atd {

// A test's three values (METHODOLOGY §3.1): a test that lacks a field is
// unknown, never fail. Written as pass, fail, unknown.
enum class Result { NoData, Pass, Fail };
std::string_view result_name(Result r);
// Three-valued AND: fail if any fails, pass if all pass, else unknown.
Result all_of(std::initializer_list<Result> rs);

struct Outcome {
    Result result = Result::NoData;
    std::optional<double> score;     // normalised to [0,1]
    std::vector<std::string> lacks;  // fields it needed and did not find
    std::string provisional;         // why the result is provisional (part of a window, modelled, a proxy), or empty
};

// A year-indexed series held as a small sorted vector (a million settlements
// must fit in memory); reads like a std::map<int, double>.
class YearSeries {
public:
    using value_type = std::pair<int, double>;
    using const_iterator = std::vector<value_type>::const_iterator;
    YearSeries() = default;
    YearSeries(const std::map<int, double>& m) : v_(m.begin(), m.end()) {}  // NOLINT: implicit on purpose
    double& operator[](int year);
    const_iterator find(int year) const;
    std::size_t count(int year) const { return find(year) != end() ? 1 : 0; }
    const_iterator begin() const { return v_.begin(); }
    const_iterator end() const { return v_.end(); }
    std::vector<value_type>::const_reverse_iterator rbegin() const { return v_.rbegin(); }
    bool empty() const { return v_.empty(); }
    std::size_t size() const { return v_.size(); }
    void reserve(std::size_t n) { v_.reserve(n); }
    void clear() { v_.clear(); }
    friend bool operator==(const YearSeries& a, const YearSeries& b) { return a.v_ == b.v_; }

private:
    std::vector<value_type> v_;
};

// The latest value of each indicator, keyed by the model's indicators.
class IndicatorValues {
public:
    using value_type = std::pair<const Indicator*, double>;
    using const_iterator = std::vector<value_type>::const_iterator;
    IndicatorValues() = default;
    // values: of distinct indicators.
    explicit IndicatorValues(std::vector<value_type> values) : v_(std::move(values)) {}
    // name must be an indicator of the data model (man atd-data).
    double& operator[](std::string_view name);
    double& operator[](const Indicator* indicator);
    const_iterator find(std::string_view name) const;
    const_iterator find(const Indicator* indicator) const;
    std::size_t count(std::string_view name) const { return find(name) != end() ? 1 : 0; }
    double at(std::string_view name) const;
    const_iterator begin() const { return v_.begin(); }
    const_iterator end() const { return v_.end(); }

private:
    std::vector<value_type> v_;
};

// What one settlement's fields say, read once.
struct SettlementData {
    std::string kato, name, category;
    YearSeries pop, mig_in_int, mig_out_int, mig_in_ext, mig_out_ext;
    IndicatorValues latest;  // undated view: latest value of each yearly indicator
    std::optional<double> area_km2;
    std::optional<double> lon, lat;        // the point, or the centroid of a polygon
    std::optional<double> jobs_ratio, sc_demand, sc_supply, dominant_share, access_km;
    std::optional<std::string> dominant_destination, flow_source, admin_centre;
    std::string parent_kato, district_kato, oblast_kato;
    std::shared_ptr<const Geometry> polygon;  // the settlement's own polygon, when it has one (C4 contiguity)
};

// Reads the fields a settlement feature carries; DataError for a wrong type,
// a negative count, a share above 1 or a gap inside a population series.
SettlementData read_settlement(const Feature& f, int max_window);

struct Scores {
    // C1 population dynamics
    std::optional<int> year;
    std::optional<double> pop, min_w, max_w, growth;
    int window = 0;
    double threshold = 0;
    std::string trend, basis;  // basis: window (every year), partial (some), level (the latest alone)
    int years_used = 0;        // years of the window the sustained test rests on
    std::vector<int> missing_years;
    // C2 migration
    std::optional<double> m_int, m_ext, migration_share;
    // C3 area and density
    std::optional<double> area_km2, density;
    std::string degurba;
    // C4 attach / detach: the city tested (the one whose administration holds the
    // settlement, else the nearest), how contiguity was judged, the commuting share to it.
    std::optional<std::string> nearest_city;
    std::optional<double> nearest_city_km, commuting_share;
    std::optional<std::string> commuting_city;  // the city most residents commute to, if any
    std::optional<std::string> c4_city;
    std::optional<double> c4_city_km;
    std::string c4_basis;          // kato, distance_polygon, distance_point
    Result contiguous = Result::NoData, attach = Result::NoData, detach = Result::NoData;
    bool subordinate = false;      // inside the city's own administration (KATO)
    std::string c4_candidate;      // attach, detach, none; empty when unknown
    // C5 employment
    std::optional<double> agri_share, nonagri_share;
    std::string profile;
    // C6 commuting
    std::optional<bool> is_centre;
    // C7 infrastructure
    std::optional<double> infra_index;
    std::string infra_groups;
    // C8 opinion
    std::optional<double> support, turnout;
    bool low_turnout = false;

    Outcome c[8];
    Result gate = Result::NoData;
    std::optional<double> composite;
    int n_criteria = 0;
};

class Scorer {
public:
    // settlements: every settlement of the run (cities are needed for C4);
    // city_administrations: codes of the district-level units that are a city's
    // administration (unit_kind city_administration), for KATO subordination.
    Scorer(const Standards& standards, const std::vector<SettlementData>& settlements,
           std::unordered_set<std::string> city_administrations = {});
    ~Scorer();
    Scores score(const SettlementData& s) const;
    // Adds the c1_... score fields to a feature (man atd-data).
    void write(const Scores& sc, Properties& p) const;
    // The same fields as JSON members, each with a leading comma.
    void write_json(const Scores& sc, std::string& out) const;
    // Whether a field of that name may be one write() sets.
    static bool writes_field(std::string_view key);
    // The population threshold of a category and its window in years.
    double category_threshold(const std::string& category) const;
    int category_window(const std::string& category) const;
    // The nearest settlement of the given categories to a point, other than `self`.
    struct Near {
        std::size_t index;
        double km;
        const std::string* kato;  // all[index].kato: the Scorer's copy, valid while it lives
    };
    std::optional<Near> nearest_city(double lon, double lat, const std::string& self) const;
    // The city whose administration holds a settlement (KATO subordination), if any.
    const SettlementData* administering_city(const SettlementData& s) const;
    const Standards& standards() const { return st_; }

private:
    template <class Fields>
    void emit(const Scores& sc, Fields& out) const;
    // The profile's values, read once: scoring a million settlements must not look keys up.
    struct Thresholds {
        double aul_min_population = 0;
        double c1_declining_growth = 0;
        double c1_severe_growth = 0;
        double c2_structural_outmigration = 0;
        double c3_dispersed_min_density = 0;
        double c3_urban_centre_density = 0;
        double c3_urban_centre_population = 0;
        double c3_urban_cluster_density = 0;
        double c3_urban_cluster_population = 0;
        double c3_village_min_population = 0;
        double c4_attach_min_commuting_share = 0;
        double c4_contiguity_max_km = 0;
        double c4_detach_max_distance_km = 0;
        double c5_rural_min_agri_share = 0;
        double c5_urban_min_nonagri_share = 0;
        double c6_centre_min_demand_self_containment = 0;
        double c6_centre_min_jobs_ratio = 0;
        double c8_min_support = 0;
        double c8_min_turnout = 0;
        double city_district_min_infrastructure_index = 0;
        double city_district_min_population = 0;
        double city_oblast_min_population = 0;
        double city_republican_min_population = 0;
        double kent_min_population = 0;
        double windows_city_years = 0;
        double windows_rural_years = 0;
        double weights[8] = {};
        double infra_weights[6] = {};
    } t_;
    const Standards& st_;
    const std::vector<SettlementData>& all_;
    struct Index;
    std::unique_ptr<Index> cities_;
    std::unordered_set<std::string> city_katos_;
    std::unordered_map<std::string, std::size_t> city_of_administration_;  // district-level code -> city
    void score_c4(const SettlementData& s, Scores& sc) const;
    void judge_contiguity(const SettlementData& s, const SettlementData& city, Scores& sc) const;
    const SettlementData& contiguity_candidate(const SettlementData& s, const Near& near) const;
    double max_city_radius_km_ = 0;  // the farthest vertex of a city's polygon from its point
};

bool is_city(const std::string& category);

}  // namespace atd
