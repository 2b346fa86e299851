#pragma once
// Polygon operations for areas and mergers (GEOS): Voronoi cells clipped to a
// polygon, and which polygons of a set share a boundary.
#include <atd/feature.hpp>

#include <utility>
#include <vector>

namespace atd {

// The Voronoi cell of each point, clipped to `clip` (a polygon or
// multipolygon), computed in a local plane (longitudes scaled by the cosine
// of the clip's mid-latitude). Points at the same position: the first gets the
// cell, the others an empty geometry. The cells cover `clip` without overlaps.
std::vector<Geometry> voronoi_cells(const std::vector<std::pair<double, double>>& points, const Geometry& clip);

struct Neighbours {
    std::size_t a, b;  // a < b, indices into the input
};

// Pairs of polygons that touch: with rook only those sharing a boundary of
// positive length, with queen also those touching at a point. Overlapping
// pairs count as neighbours too. Empty and non-polygonal inputs have none.
std::vector<Neighbours> polygon_neighbours(const std::vector<const Geometry*>& polygons, bool queen);

// Removes the holes smaller than min_km2 (geodesic) from a polygonal
// geometry; returns how many it removed.
std::size_t drop_small_holes(Geometry& g, double min_km2);

// A point inside a polygon (GEOS point on surface); the point itself for
// points, the mean vertex for other geometries.
std::pair<double, double> interior_point(const Geometry& g);

// Whether g is a Polygon or a MultiPolygon.
bool polygonal(const Geometry& g);

// A polygonal geometry simplified with GEOS (topology preserved), vertices no
// farther than tolerance from the original, in the units of the coordinates.
Geometry simplify_polygonal(const Geometry& g, double tolerance);

// The axis-aligned rectangle [x0, x1] x [y0, y1] as a polygon.
Geometry box_polygon(double x0, double y0, double x1, double y1);

// A polygonal geometry whose longitudes run past 180 (shift_west_longitudes)
// split back at ±180 as RFC 7946 wants: what lies east of 180 moves by -360,
// so the result is a MultiPolygon with parts on both sides when it crosses.
Geometry split_at_antimeridian(const Geometry& g);

// Area in the plane of the coordinates (square degrees for lon/lat).
double planar_area(const Geometry& g);

// Area of the symmetric difference of a and b over the area of a, in the
// plane of their coordinates: 0 when they cover the same ground.
double cover_mismatch(const Geometry& a, const Geometry& b);

}  // namespace atd
