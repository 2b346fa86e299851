#pragma once
// atd-access: distance from every settlement to the nearest facility of each
// kind (schools, hospitals, ...) and the number of facilities within a radius.
#include <atd/io.hpp>
#include <atd/log.hpp>

#include <map>
#include <string>
#include <vector>

namespace atd {

struct FacilityLayer {
    std::string path;
    std::string kind;  // all features are of this kind; empty: read the kind field
};

struct AccessOptions {
    std::vector<std::string> inputs;      // settlements
    std::vector<FacilityLayer> facilities;
    std::string kind_field = "kind";
    std::string id_field = "id";          // facility id field; the feature id or its number otherwise
    double radius_km = 15.0;
    ReadOptions read;
};

struct AccessSummary {
    std::map<std::string, std::size_t> facilities;  // by kind
    std::size_t settlements = 0, without_position = 0, features = 0;
};

// "--facilities" values: "FILE", or "KIND=FILE" when the part before '=' is a
// plain word (so paths and PG: connection strings are left alone).
FacilityLayer parse_facility_layer(const std::string& text);

// "Health centre" -> "health_centre": the form kinds take in field names.
std::string kind_key(std::string_view kind);

// Streams the settlements and adds, per kind, dist_<kind>_km, nearest_<kind>
// and count_<kind> (within radius_km), plus access_radius_km and access_method.
AccessSummary compute_access(const AccessOptions& opts, FeatureSink& sink, Log& log, Progress& progress);

}  // namespace atd
