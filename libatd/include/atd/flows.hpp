#pragma once
// atd-flows: commuting (origin-destination) flows into per-settlement
// indicators (METHODOLOGY C6), flow lines for maps, and modelled flows where
// no survey exists (radiation and gravity models).
#include <atd/csv.hpp>
#include <atd/io.hpp>
#include <atd/log.hpp>
#include <atd/standards.hpp>

#include <cstdint>
#include <initializer_list>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace atd {

// Travel-to-work area rule (METHODOLOGY C6, from the standards profile).
struct TtwaParams {
    double min_size = 3500, target_size = 25000;  // employed residents
    double min_sc = 0.667, target_sc = 0.75;       // self-containment, the lower of supply and demand
};

// The TTWA rule and the commuting-zone cut as the profile sets them.
TtwaParams ttwa_params(const Standards& standards);
double cz_cut_height(const Standards& standards);

struct FlowOptions {
    std::vector<std::string> inputs;  // settlements
    std::string od;                   // OD table (CSV); empty with a model
    std::string id_field = "kato";    // settlement id the OD codes refer to
    std::string name_field;           // names zone centres; empty: name, else name_ru, else name_kk
    std::string origin_field = "origin", destination_field = "destination";
    std::string persons_field = "persons", vehicles_field = "vehicles";
    std::string population_field, employed_field, jobs_field;  // instead of pop_YYYY, emp_total_YYYY, jobs_YYYY
    std::string model;                // "", "radiation" or "gravity"
    double beta = 2.0;                // gravity distance decay
    double commuter_share = 0.3;      // modelled: share of employed residents commuting elsewhere
    double employment_rate = 0.45;    // modelled: employed residents per resident when no emp_total
    double max_km = 100.0;            // modelled: longest commute considered
    bool lines = false;               // write flows as LineStrings instead of settlements
    double min_persons = 0;           // with --lines
    bool strict = false;
    std::string zones;                // "", "ttwa" or "cz"
    TtwaParams ttwa;
    double cz_cut = 0.977;            // height at which the 1 - PF tree is cut
    WriteOptions zones_output;        // zone statistics; empty path: none
    ReadOptions read;
};

struct FlowRow {
    std::size_t origin, destination;  // settlement indices
    double persons, vehicles;         // vehicles < 0: not given
};

struct FlowReport {
    std::size_t rows = 0, used = 0, unknown = 0, self = 0, duplicates = 0, negative = 0, empty = 0;
    double persons = 0;
};

// Per settlement, from the flows and the given employment and jobs.
struct FlowIndicators {
    double employed = 0, jobs = 0, out = 0, in = 0, self = 0;
    bool employed_given = false, jobs_given = false;
    double vehicles_out = -1, vehicles_in = -1;
    std::size_t dominant = SIZE_MAX;
    double dominant_persons = 0;
    std::vector<std::pair<std::size_t, double>> partners;  // strongest PF first (up to 5)
};

// Settlement ids to their indices: an open-addressing table over the ids,
// built once and looked up by string_view (millions of OD rows).
class SettlementIds {
public:
    SettlementIds() = default;
    SettlementIds(std::initializer_list<std::pair<std::string, std::size_t>> ids);
    // False when the id is already there.
    bool insert(std::string id, std::size_t index);
    std::optional<std::size_t> find(std::string_view id) const;
    std::size_t size() const { return ids_.size(); }

private:
    void grow();
    std::vector<std::string> ids_;
    std::vector<std::size_t> index_;
    std::vector<std::uint32_t> slots_;  // position in ids_ + 1; 0 is empty
};

// Reads the OD table against the settlement ids; rows with unknown codes,
// negative counts or repeated pairs are reported (errors with strict).
std::vector<FlowRow> read_od_table(const std::string& path, const SettlementIds& ids,
                                   const FlowOptions& opts, FlowReport& report, Log& log);
// The same from an open table (the size hint reserves rows; 0: none).
std::vector<FlowRow> read_od_table(CsvReader& csv, const SettlementIds& ids, const FlowOptions& opts,
                                   FlowReport& report, Log& log, std::uintmax_t size_hint = 0);

// The radiation model (Simini et al., Nature 2012): T_ij = T_i m_i n_j /
// ((m_i + s_ij)(m_i + n_j + s_ij)), s_ij the population within r_ij of i
// (i and j excluded), for destinations within max_km.
std::vector<FlowRow> radiation_flows(const std::vector<double>& lon, const std::vector<double>& lat,
                                     const std::vector<double>& population, const std::vector<double>& commuters,
                                     double max_km);
// A gravity model: T_ij proportional to n_j / d_ij^beta, scaled so that Σ_j T_ij = T_i.
std::vector<FlowRow> gravity_flows(const std::vector<double>& lon, const std::vector<double>& lat,
                                   const std::vector<double>& population, const std::vector<double>& commuters,
                                   double beta, double max_km);

// Aggregates flows into indicators for n settlements.
std::vector<FlowIndicators> flow_indicators(std::size_t n, const std::vector<FlowRow>& flows,
                                            const std::vector<std::optional<double>>& employed,
                                            const std::vector<std::optional<double>>& jobs);

struct FlowSummary {
    FlowReport report;
    std::size_t settlements = 0, flows = 0, written = 0;
    std::size_t zones = 0, valid_zones = 0;
    bool modelled = false;
};
FlowSummary run_flows(const FlowOptions& opts, FeatureSink& sink, Log& log);

}  // namespace atd
