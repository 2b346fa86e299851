#pragma once
// atd-score and atd-classify over a whole dataset: criteria per settlement,
// status proposals by the rules of METHODOLOGY §3, support/satellite classes (§4).
#include <atd/criteria.hpp>
#include <atd/io.hpp>
#include <atd/log.hpp>
#include <atd/messages.hpp>

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_set>
#include <cstdio>
#include <vector>

namespace atd {

// What a run reads of the administrative units besides the settlements: the
// city administrations (for KATO subordination) and the oblasts' names.
struct UnitNames {
    std::unordered_set<std::string> city_administrations;
    std::map<std::string, std::string> oblast_names;
    // Takes what it needs of a unit feature; false for other features.
    bool take(const Properties& p);
};

struct RunOptions {
    bool skip_invalid = false;  // a bad settlement is warned about and marked invalid instead of stopping
};

// The settlements of a feature list, read and checked. Features that fail
// are errors naming the feature, or with skip_invalid get invalid=<reason>.
struct Dataset {
    std::vector<Feature>* features = nullptr;
    std::vector<std::size_t> feature_of;  // settlement index -> feature index
    std::vector<SettlementData> settlements;
    UnitNames units;
    std::size_t invalid = 0;
};
Dataset read_dataset(std::vector<Feature>& features, const std::string& input_name, const RunOptions& opts, Log& log);

// atd-score: adds the score fields to every settlement.
void score_all(Dataset& d, const Standards& st);

// A proposal and how firmly the data holds it (METHODOLOGY §3.1). proposal,
// rule, status, basis and opinion are fixed words: they view string literals.
struct Proposal {
    std::string_view proposal = "keep";  // keep, city_district, attach, aul, abolish; empty when not assessed
    std::string_view rule = "keep";      // R1_kent_city ... R6_aul_abolish
    std::string_view status = "decided";  // decided, provisional, undetermined, not_assessed
    std::string target, target_name;
    std::string_view basis;              // window, partial, level: the years the population test rests on
    int years = 0;                       // how many years of its window
    Messages reasons;                    // why, in the catalogue's words (messages.hpp)
    std::string lacks;
    std::string options;                 // the outcomes still possible, in rule order (outcome or outcome:target)
    std::string decide_with;             // the fields that would decide or confirm it
    std::string_view opinion = "unknown";  // supports, opposes, each maybe " (low turnout)"
    std::string_view screening;          // abolish: not assessed, but an undated figure at most aul.min_population
};
// Whether a proposal changes a settlement's status (not keep, not unassessed).
bool changes_status(const Proposal& p);


struct ClassifyOptions {
    std::vector<std::string> vary;  // KEY=V1,V2,...
    bool only_changes = false;
};

// The data plan (METHODOLOGY §3.1): per oblast and field, the undetermined and
// not-assessed proposals that lack it, and how many it alone would settle.
struct DataPlanRow {
    std::size_t undetermined = 0, not_assessed = 0, settles_alone = 0;
};
using DataPlan = std::map<std::pair<std::string, std::string>, DataPlanRow>;  // (oblast, field) -> row
// Writes the plan as CSV, largest first: oblast_kato, oblast, field, settlements, undetermined, not_assessed, settles_alone.
void write_data_plan(const DataPlan& plan, const UnitNames& units, std::FILE* out);

struct ClassifySummary {
    // category -> status -> proposal ("" when not assessed) -> n
    std::map<std::string, std::map<std::string, std::map<std::string, std::size_t>>> by_category;
    DataPlan plan;
    std::size_t support = 0, satellite = 0, other = 0, rural = 0;
    double rural_pop = 0, rural_pop_known = 0, cluster_pop = 0;
    std::size_t rural_with_pop = 0;
};

// Proposes a status for every settlement (rules of METHODOLOGY §3).
std::vector<Proposal> propose(const std::vector<SettlementData>& settlements, const Standards& st,
                              const UnitNames& units = {});
inline std::vector<Proposal> propose(const Dataset& d, const Standards& st) { return propose(d.settlements, st, d.units); }

// Support / satellite / other for a rural settlement (METHODOLOGY §4).
struct SupportInfo {
    std::int8_t cls = -1;  // -1 not rural, 0 support, 1 satellite, 2 other
    std::int32_t support = -1;  // index of the support village of a satellite
    float km = 0;
    std::optional<float> score;
};

// Everything classification computes, once per settlement.
struct Classification {
    std::vector<Proposal> proposals;
    std::vector<std::string> whatif;  // per settlement, with --vary only
    std::vector<SupportInfo> classes;
    ClassifySummary summary;
    bool varied = false;
};
Classification classify_settlements(const std::vector<SettlementData>& settlements, const Standards& st,
                                    const ClassifyOptions& opts, const UnitNames& units = {});
// Adds the proposal, what-if and class fields of settlement i to a feature.
void annotate(const Classification& c, const std::vector<SettlementData>& settlements, std::size_t i,
              const Standards& st, Properties& p);
// The same fields as JSON members, each with a leading comma.
void annotate_json(const Classification& c, const std::vector<SettlementData>& settlements, std::size_t i,
                   const Standards& st, std::string& out);
// Whether a field of that name may be one annotate() sets.
bool annotates_field(std::string_view key);

// atd-classify on features in memory: proposals, support/satellite classes and
// what-if fields on every settlement; returns the figures the tool prints.
ClassifySummary classify_all(Dataset& d, const Standards& st, const ClassifyOptions& opts);

// The tools' path: features stream in, wait in a temporary file while the
// settlements (held compactly) are scored and classified, and stream out with
// their fields added. Memory grows with the settlements, not with the features.
struct StreamOptions {
    bool classify = false;  // false: score only
    ClassifyOptions classify_opts;
    RunOptions run;
};
struct StreamSummary {
    std::size_t features = 0, settlements = 0, invalid = 0, written = 0;
    ClassifySummary classes;
    UnitNames units;
};
StreamSummary process_stream(const std::vector<std::string>& inputs, const ReadOptions& read, const Standards& st,
                             const StreamOptions& opts, FeatureSink& sink, Log& log);

}  // namespace atd
