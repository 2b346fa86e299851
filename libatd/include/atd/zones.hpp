#pragma once
// Functional areas from commuting flows (METHODOLOGY C6): travel-to-work areas
// (Coombes-Bond) and commuting zones (Tolbert-Sizer average linkage on 1 - PF).
#include <atd/flows.hpp>

#include <cstddef>
#include <string>
#include <vector>

namespace atd {

// The units the zoning works on: employed residents and jobs per unit, and
// the flows between them (self-flows are the residents who work at home).
struct ZoneInput {
    std::vector<double> employed, jobs;
    std::vector<FlowRow> flows;
};

struct Zone {
    std::vector<std::size_t> units;  // ascending
    std::size_t centre = 0;          // the unit with the most jobs
    double employed = 0, jobs = 0, internal = 0;
    double sc_supply() const { return employed > 0 ? internal / employed : 0; }
    double sc_demand() const { return jobs > 0 ? internal / jobs : 0; }
    double sc() const { return std::min(sc_supply(), sc_demand()); }
    bool valid = true;     // TTWA: meets the size/self-containment rule
    bool isolated = false; // TTWA: no flows left to join another zone with
};

struct Zoning {
    std::vector<Zone> zones;         // largest (employed) first
    std::vector<std::size_t> zone_of;  // per unit, index into zones
    std::size_t steps = 0;            // dissolutions (TTWA) or merges (CZ)
    bool converged = true;            // TTWA: false when the dissolution limit stopped it
};

// The self-containment a zone of `size` employed residents must reach: the
// target up to the minimum size, the minimum from the target size, linear between.
double ttwa_required_sc(double size, const TtwaParams& p);
// 1 or more when the zone is valid; how far it falls short otherwise.
double ttwa_validity(double size, double sc, const TtwaParams& p);

// Coombes-Bond: start from single units; repeatedly dissolve the least valid
// zone and give each of its units to the zone it is most cohesive with
// (T_uZ^2/(R_u W_Z) + T_Zu^2/(R_Z W_u)), until every zone is valid.
Zoning ttwa_zones(const ZoneInput& in, const TtwaParams& p);

// Tolbert-Sizer: average-linkage clustering on d_ij = 1 - PF_ij (pairs without
// flows at distance 1), merging while the closest pair is at or below cut.
Zoning commuting_zones(const ZoneInput& in, double cut);

}  // namespace atd
