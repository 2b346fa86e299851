#pragma once
// atd-access: distance from every settlement to the nearest facility of each
// kind (schools, hospitals, ...) and the number of facilities within a radius.
#include <atd/io.hpp>
#include <atd/log.hpp>
#include <atd/roads.hpp>

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
    RoadOptions roads;                    // path empty: straight lines only
    double snap_km = 5.0;                 // farthest a point may lie from a road vertex
    double connector_speed = 30.0;        // km/h between a point and its road vertex
    bool fallback_geodesic = false;       // unroutable settlements get straight-line distances
    ReadOptions read;
};

struct AccessSummary {
    std::map<std::string, std::size_t> facilities;  // by kind
    std::size_t settlements = 0, without_position = 0, features = 0;
    // With roads:
    RoadSummary roads;
    std::size_t road_vertices = 0, road_segments = 0, road_parts = 0, largest_part = 0;
    std::size_t unsnapped_settlements = 0, fallback_settlements = 0;
    std::map<std::string, std::size_t> unsnapped_facilities, unreachable;  // by kind
};

// "--facilities" values: "FILE", or "KIND=FILE" when the part before '=' is a
// plain word (so paths and PG: connection strings are left alone).
FacilityLayer parse_facility_layer(const std::string& text);

// "--speed" values: "CLASS=KMH", a positive speed; UsageError otherwise.
std::pair<std::string, double> parse_class_speed(const std::string& text);

// "Health centre" -> "health_centre": the form kinds take in field names.
std::string kind_key(std::string_view kind);

// Streams the settlements and adds, per kind, dist_<kind>_km, nearest_<kind>
// and count_<kind> (within radius_km), plus access_radius_km and access_method.
// With roads, the distance follows the fastest road route and time_<kind>_min
// is added; a settlement the roads do not reach gets nulls, or with
// fallback_geodesic the straight-line distance, named in access_fallback.
AccessSummary compute_access(const AccessOptions& opts, FeatureSink& sink, Log& log, Progress& progress);

}  // namespace atd
