#pragma once
// A synthetic country of any size: units with polygons (a coverage), settlements
// with statistics, facilities, roads and commuting flows. Deterministic for a seed.
#include <atd/log.hpp>

#include <cstdint>
#include <string>

namespace atd {

struct SynthOptions {
    std::uint64_t settlements = 0;  // how many settlements (1 to kSynthMaxSettlements)
    std::uint64_t seed = 1;
    int first_year = 2019, last_year = 2023;  // the yearly series
    int flows_per_settlement = 10;            // destinations besides the origin itself
    bool facilities = true, roads = true, flows = true;
};

inline constexpr std::uint64_t kSynthMaxSettlements = 10'000'000;

struct SynthSummary {
    std::uint64_t oblasts = 0, districts = 0, okrugs = 0;
    std::uint64_t settlements = 0, cities = 0, kents = 0, auls = 0;
    std::uint64_t facilities = 0, roads = 0, flows = 0;
};

// "FIRST-LAST" into opts.first_year and opts.last_year; UsageError naming --years.
void parse_synth_years(const std::string& text, SynthOptions& opts);

// Throws UsageError naming the option when an option is out of range.
void check_synth_options(const SynthOptions& opts);

// Writes the country into the directory dir (created; an existing one only with
// overwrite): settlements.geojsons (units and settlements), facilities.geojsons,
// roads.geojsons, od.csv and README.txt. Every file is written to a temporary
// name and renamed at the end, so a failure leaves none of them.
SynthSummary write_synthetic_country(const SynthOptions& opts, const std::string& dir, bool overwrite, Log& log);

}  // namespace atd
