#pragma once
// atd-score and atd-classify over a whole dataset: criteria per settlement,
// status proposals by the rules of METHODOLOGY §3, support/satellite classes (§4).
#include <atd/criteria.hpp>
#include <atd/log.hpp>

#include <map>
#include <string>
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

struct Proposal {
    std::string proposal = "keep";  // keep, city_district, attach, aul, abolish
    std::string rule = "keep";      // R1_kent_city ... R6_aul_abolish
    std::string target, target_name;
    std::string basis;              // window, level
    std::string reasons, lacks, opinion = "unknown";
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
std::vector<Proposal> propose(const Dataset& d, const Standards& st);
// atd-classify: proposals, support/satellite classes and what-if fields on
// every settlement; returns the figures the tool prints.
ClassifySummary classify_all(Dataset& d, const Standards& st, const ClassifyOptions& opts);

}  // namespace atd
