#pragma once
// GEOS helpers shared by the library's geometry modules (not installed).
#include <atd/feature.hpp>

#include <geos_c.h>

#include <memory>

namespace atd::detail {

// The calling thread's GEOS context.
GEOSContextHandle_t geos();

struct GeomDeleter {
    void operator()(GEOSGeometry* g) const;
};
using GeosPtr = std::unique_ptr<GEOSGeometry, GeomDeleter>;

// A GEOS geometry from ours; DataError when it cannot be built.
GeosPtr to_geos(const Geometry& g);
// Appends the polygons of g (collections searched) to out's rings and parts.
void append_polygons_from(const GEOSGeometry* g, Geometry& out);
// The polygons of g as a Polygon or MultiPolygon; empty when it has none.
Geometry polygonal_from(const GEOSGeometry* g);

}  // namespace atd::detail
