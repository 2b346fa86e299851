#pragma once
// atd-score and atd-classify over a whole dataset: criteria per settlement,
// status proposals by the rules of METHODOLOGY §3, support/satellite classes (§4).
#include <atd/criteria.hpp>
#include <atd/io.hpp>
#include <atd/log.hpp>

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace atd {

struct RunOptions {
    bool skip_invalid = false;  // a bad settlement is warned about and marked invalid instead of stopping
};

// The settlements of a feature list, read and checked. Features that fail
// are errors naming the feature, or with skip_invalid get invalid=<reason>.
struct Dataset {
    std::vector<Feature>* features = nullptr;
    std::vector<std::size_t> feature_of;  // settlement index -> feature index
    std::vector<SettlementData> settlements;
    std::size_t invalid = 0;
};
Dataset read_dataset(std::vector<Feature>& features, const std::string& input_name, const RunOptions& opts, Log& log);

// atd-score: adds the score fields to every settlement.
void score_all(Dataset& d, const Standards& st);

// proposal, rule, basis and opinion are fixed words: they view string literals.
struct Proposal {
    std::string_view proposal = "keep";  // keep, city_district, attach, aul, abolish
    std::string_view rule = "keep";      // R1_kent_city ... R6_aul_abolish
    std::string target, target_name;
    std::string_view basis;              // window, level
    std::string reasons, lacks;
    std::string_view opinion = "unknown";  // supports, opposes, each maybe " (low turnout)"
};

struct ClassifyOptions {
    std::vector<std::string> vary;  // KEY=V1,V2,...
    bool only_changes = false;
};

struct ClassifySummary {
    std::map<std::string, std::map<std::string, std::size_t>> by_category;  // category -> proposal -> n
    std::size_t support = 0, satellite = 0, other = 0, rural = 0;
    double rural_pop = 0, rural_pop_known = 0, cluster_pop = 0;
    std::size_t rural_with_pop = 0;
};

// Proposes a status for every settlement (rules of METHODOLOGY §3).
std::vector<Proposal> propose(const std::vector<SettlementData>& settlements, const Standards& st);
inline std::vector<Proposal> propose(const Dataset& d, const Standards& st) { return propose(d.settlements, st); }

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
                                    const ClassifyOptions& opts);
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
};
StreamSummary process_stream(const std::vector<std::string>& inputs, const ReadOptions& read, const Standards& st,
                             const StreamOptions& opts, FeatureSink& sink, Log& log);

}  // namespace atd
