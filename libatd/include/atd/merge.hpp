#pragma once
// atd-merge: rural okrug merger proposals (METHODOLOGY §6). Units (okrugs,
// standalone auls and kents) form a contiguity graph within each district;
// a method groups them into proposed okrugs under the legal minimum, a soft
// population floor, a maximum distance to the proposed centre and a maximum
// number of members, and each proposal says why and at what cost. A test on
// an unknown value is unknown, never failed: an unknown population triggers
// nothing, and a merger that rests on one is provisional.
#include <atd/io.hpp>
#include <atd/log.hpp>
#include <atd/messages.hpp>
#include <atd/standards.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace atd {

// The constraints and weights (standards profile [okrug] and [merge]).
struct MergeParams {
    double min_settlements = 2, min_population = 500;  // legal minimum of an okrug
    double soft_floor = 1000;                          // residents a proposal should reach
    double max_distance_km = 25;                       // farthest member settlement to the centre
    std::size_t max_members = 10;
    double self_sufficiency_target = 0.25;             // own revenue / total revenue
    double lambda = 0.0067;                            // objective weight of 1,000 person-km of travel
    double mu = 0.1;                                   // objective weight of one unit of PF inside a proposal
};

// The constraints and weights as the profile sets them.
MergeParams merge_params(const Standards& standards);

// "--floor" values: "FIELD=MIN", MIN a number; UsageError otherwise.
std::pair<std::string, double> parse_floor(const std::string& text);

struct MergeOptions {
    std::vector<std::string> inputs;  // units with polygons (atd-areas output, or real boundaries)
    std::string settlements;          // canonical settlements: centres and distances (optional)
    std::string neighbours;           // CSV of neighbour pairs, instead of polygon contiguity (optional)
    std::string od;                   // OD table between settlements: commuting ties (optional)
    std::string id_field = "kato", region_field = "district_kato", population_field = "population";
    // Areas that take part (area_kind; a lone settlement only if an aul or a kent); the rest pass by, counted.
    std::vector<std::string> kinds{"rural_okrug", "village_administration", "kent_administration", "settlement"};
    std::string method = "greedy";    // greedy, exact, skater, maxp
    std::size_t maxp_iterations = 100;  // maxp: constructions tried
    bool queen = true;
    std::string islands = "nearest";  // nearest: link to the nearest unit of the district; keep: leave apart
    std::size_t k = 0;                // skater: proposals per district
    std::vector<std::string> attributes;  // skater: fields, standardised
    std::string floor_field;          // skater: a floor on the sum of this field in every proposal
    double floor = 0;
    std::string ssw = "squared";      // skater: squared (sum of squared deviations) or distance (spdep)
    std::size_t variants = 0;         // robustness: perturbed runs for co-assignment
    std::uint64_t seed = 1;
    std::size_t exact_max = 15;       // exact: largest district it enumerates
    unsigned threads = 0;             // 0: the hardware's
    bool unit_table = false;          // one row per unit instead of one feature per proposal
    WriteOptions coassign;            // with variants: unit pairs and how often they end up together
    MergeParams params;
    ReadOptions read;
};

struct MergeSummary {
    std::size_t units = 0, regions = 0, proposals = 0, merged_proposals = 0, islands = 0, other_kinds = 0;
    std::size_t not_legal = 0;     // proposals with a known breach (legal false): the legal minimum or a limit
    std::size_t below_floor = 0;   // proposals known to be below the soft floor
    std::size_t population_unknown = 0;  // proposals with a member of unknown population
    std::size_t provisional = 0;   // mergers resting on a member of unknown population
    std::size_t undetermined = 0;  // units left as they are whose population test is unknown
    std::size_t exact_skipped = 0; // districts too large for the exact method (greedy used, reported)
    double objective = 0;
};

MergeSummary run_merge(const MergeOptions& opts, FeatureSink& sink, Log& log);

// The summary line on standard error: every count as the proposals say it.
std::string merge_summary_text(const MergeSummary& sum, const std::string& method);

// The rules and building blocks, for tests.
namespace merge {

// A test on the data: passed, failed, or not testable (a value it needs is unknown).
enum class Outcome { pass, fail, unknown };

// What is known of a unit, or of a group of units as one okrug (METHODOLOGY §6, §3.1).
struct OkrugFacts {
    std::size_t members = 1;
    double population = 0;             // the sum of the figures known: a lower bound unless complete
    bool population_complete = true;   // every settlement has a figure
    double settlements = 1;            // settlements counted: a lower bound unless complete
    bool settlements_complete = true;
    bool rural_okrug = true;           // the two-settlement minimum applies: a rural okrug, or any merger
    std::optional<double> self_sufficiency;
    double max_km = 0;                 // the member settlement (or unit) farthest from the centre
    std::string farthest, farthest_name;  // its code and name
    bool farthest_is_unit = false;
};

// The legal minimum: min_settlements (rural okrugs only) and min_population.
Outcome legal_minimum(const OkrugFacts& f, const MergeParams& p);
// The soft floor: pass, fail, or unknown when the known part falls short of an incomplete population.
Outcome soft_floor(const OkrugFacts& f, const MergeParams& p);
// Why a unit or group needs a merger, on known data only; none when nothing known calls for one.
Messages merge_trigger(const OkrugFacts& f, const MergeParams& p);

// A hard constraint a proposal breaks, named by its standards key, with the reason.
struct Breach {
    std::string key;
    Message text;
};
// Every known breach: the legal minimum, and for a merger the distance and size limits.
std::vector<Breach> breaches(const OkrugFacts& f, const MergeParams& p);
// false with a breach; unknown (nullopt) when none is known but the legal minimum cannot be tested; else true.
std::optional<bool> legal(const OkrugFacts& f, const MergeParams& p);
// decided, provisional (a merger resting on a member of unknown population or settlement count) or
// undetermined (a unit left as it is whose population test is unknown and nothing known calls for a merger).
std::string proposal_status(const OkrugFacts& f, const MergeParams& p);
// The members of unknown population: wholly, or partly (a unit standing for settlements of which some have a figure).
struct UnknownMembers {
    std::vector<std::string> whole, partly;
};
// What leaves a proposal provisional or undetermined; none when decided.
Messages status_reason(const OkrugFacts& f, const MergeParams& p, const UnknownMembers& unknown);

// A settlement that could be a proposal's centre.
struct CentreCandidate {
    std::string id;
    bool okrug_centre = false;         // an existing okrug centre (admin_centre)
    std::optional<double> c7;          // infrastructure index
    std::optional<double> population;  // the figure known
    bool population_partial = false;   // the figure covers part of it only (a unit standing for its settlements)
};
// Whether a makes a better centre than b: an existing okrug centre, then the highest known C7 index, then
// the largest known population (an unknown one ranks below any figure), then the lowest code.
bool better_centre(const CentreCandidate& a, const CentreCandidate& b);
// Why candidates[chosen] was chosen, true of the data: what set it apart from the others. Without
// population_complete (a settlement of the proposal, a candidate or not, has no figure) a population is
// only ever "the largest known".
Messages centre_reason(const std::vector<const CentreCandidate*>& candidates, std::size_t chosen,
                       bool population_complete = true);

// SKATER on one connected or disconnected graph: n units with standardised
// attributes (row-major, d per unit), edges (a, b), into k groups; floor_values
// and floor (0: none) constrain every group's sum. squared: homogeneity is the
// sum of squared deviations; otherwise the sum of distances to the group mean
// (as spdep). Returns a group number per unit, numbered by first unit.
std::vector<std::size_t> skater(std::size_t n, std::size_t d, const std::vector<double>& attributes,
                                const std::vector<std::pair<std::size_t, std::size_t>>& edges, std::size_t k,
                                const std::vector<double>& floor_values, double floor, bool squared);

// Max-p regions: the most contiguous regions whose floor_values sum to at
// least floor (construction from random seeds, `iterations` times), then local
// search moving boundary units to lower the sum of squared deviations.
// Units of a part too small for any region stay alone. Numbered by first unit.
std::vector<std::size_t> maxp(std::size_t n, std::size_t d, const std::vector<double>& attributes,
                              const std::vector<std::pair<std::size_t, std::size_t>>& edges,
                              const std::vector<double>& floor_values, double floor, std::size_t iterations,
                              std::uint64_t seed);

// z-scores per column (sample standard deviation, as R's scale()); a constant column becomes 0.
void standardise(std::vector<double>& values, std::size_t n, std::size_t d);

}  // namespace merge

}  // namespace atd
