#pragma once
// atd-areas: areas for administrative units that have no published boundary
// (rural okrugs): the Voronoi cells of their settlements, clipped to the
// district polygon and dissolved by unit, so that each district is covered once.
#include <atd/io.hpp>
#include <atd/log.hpp>

#include <string>
#include <vector>

namespace atd {

struct AreasOptions {
    std::vector<std::string> inputs;  // canonical units and settlements
    ReadOptions read;
};

struct AreasSummary {
    std::size_t districts = 0, districts_without_polygon = 0;
    std::size_t settlements = 0, without_position = 0, same_position = 0, without_district = 0, outside = 0;
    std::size_t areas = 0, areas_without_geometry = 0;
    double worst_overlap = 0;    // largest (Σ areas - their union) / area(district)
    double worst_cover_gap = 0;  // largest area(district xor union of its areas) / area(district)
};

// The unit a settlement's area belongs to: its okrug, else its administration
// below the district, else the settlement itself.
std::string area_unit_of(const Properties& settlement);

AreasSummary derive_areas(const AreasOptions& opts, FeatureSink& sink, Log& log);

}  // namespace atd
