#pragma once
// atd-dissolve: one feature per value of a field, its members' polygons
// merged into one (coverage union, else a general union) and their
// attributes summed, listed or kept.
#include <atd/io.hpp>
#include <atd/log.hpp>

#include <string>
#include <vector>

namespace atd {

struct DissolveOptions {
    std::vector<std::string> inputs;
    std::string by;                  // the grouping field
    std::vector<std::string> sum;    // summed (numbers; nulls count as missing)
    std::vector<std::string> first;  // the first member's value
    std::vector<std::string> same;   // the value all members share; null and a warning if they differ
    std::vector<std::string> list;   // members' values joined with ';'
    double min_hole_km2 = 0.01;      // holes smaller than this are slivers and filled
    std::string feature_type;        // written on every output feature when given
    ReadOptions read;
};

struct DissolveSummary {
    std::size_t features = 0, groups = 0, holes_filled = 0, disagreements = 0;
};

DissolveSummary dissolve(const DissolveOptions& opts, FeatureSink& sink, Log& log);

}  // namespace atd
