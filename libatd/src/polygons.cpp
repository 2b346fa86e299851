#include "geos_internal.hpp"

#include <atd/error.hpp>
#include <atd/geo.hpp>
#include <atd/polygons.hpp>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>

namespace atd {

using namespace detail;

namespace {

// x' = (lon - lon0) cos(lat0): a local plane where Voronoi distances are about right.
struct LocalPlane {
    double lon0 = 0, scale = 1;
    void forward(Geometry& g) const {
        for (std::size_t i = 0; i < g.xy.size(); i += 2) g.xy[i] = (g.xy[i] - lon0) * scale;
    }
    void inverse(Geometry& g) const {
        for (std::size_t i = 0; i < g.xy.size(); i += 2) g.xy[i] = g.xy[i] / scale + lon0;
    }
};

LocalPlane plane_for(const Geometry& g) {
    double x0 = std::numeric_limits<double>::max(), x1 = -x0, y0 = x0, y1 = -x0;
    for (std::size_t i = 0; i < g.xy.size(); i += 2) {
        x0 = std::min(x0, g.xy[i]);
        x1 = std::max(x1, g.xy[i]);
        y0 = std::min(y0, g.xy[i + 1]);
        y1 = std::max(y1, g.xy[i + 1]);
    }
    const double pi = std::acos(-1.0);
    return {(x0 + x1) / 2, std::cos((y0 + y1) / 2 * pi / 180)};
}

// Whether g holds more than points: a line or an area (collections searched).
bool beyond_points(const GEOSGeometry* g) {
    return GEOSisEmpty_r(geos(), g) == 0 && GEOSGeom_getDimensions_r(geos(), g) >= 1;
}

// Whether two intersecting polygons share a boundary of positive length or overlap.
bool share_edge(const GEOSGeometry* a, const GEOSGeometry* b) {
    if (char* m = GEOSRelate_r(geos(), a, b)) {  // DE-9IM: [0] interiors, [4] boundaries
        bool edge = m[0] != 'F' || m[4] == '1';
        GEOSFree_r(geos(), m);
        return edge;
    }
    GeosPtr common(GEOSIntersection_r(geos(), a, b));
    return common && beyond_points(common.get());
}


// Adds the polygons of `part` to `out` (a Polygon while it holds one, else a MultiPolygon).
void append_parts(Geometry& out, const Geometry& part) {
    if (!polygonal(part)) return;
    std::vector<std::uint32_t> ends = part.part_ends;
    if (part.type == GeomType::Polygon) ends = {static_cast<std::uint32_t>(part.ring_ends.size())};
    if (out.type == GeomType::Polygon) out.part_ends = {static_cast<std::uint32_t>(out.ring_ends.size())};
    auto points = static_cast<std::uint32_t>(out.point_count());
    auto rings = static_cast<std::uint32_t>(out.ring_ends.size());
    out.xy.insert(out.xy.end(), part.xy.begin(), part.xy.end());
    for (std::uint32_t e : part.ring_ends) out.ring_ends.push_back(points + e);
    for (std::uint32_t e : ends) out.part_ends.push_back(rings + e);
    out.type = out.part_ends.size() == 1 ? GeomType::Polygon : GeomType::MultiPolygon;
    if (out.type == GeomType::Polygon) out.part_ends.clear();
}

}  // namespace

bool polygonal(const Geometry& g) { return g.type == GeomType::Polygon || g.type == GeomType::MultiPolygon; }

Geometry box_polygon(double x0, double y0, double x1, double y1) {
    Geometry g;
    g.type = GeomType::Polygon;
    g.xy = {x0, y0, x1, y0, x1, y1, x0, y1, x0, y0};
    g.ring_ends = {5};
    return g;
}

std::vector<Geometry> voronoi_cells(const std::vector<std::pair<double, double>>& points, const Geometry& clip) {
    std::vector<Geometry> cells(points.size());
    if (points.empty()) return cells;
    if (!polygonal(clip)) throw DataError("Voronoi cells need a polygon to clip to");
    LocalPlane plane = plane_for(clip);
    Geometry local_clip = clip;
    plane.forward(local_clip);
    GeosPtr area = to_geos(local_clip);
    std::vector<std::pair<double, double>> local(points.size());
    for (std::size_t i = 0; i < points.size(); ++i)
        local[i] = {(points[i].first - plane.lon0) * plane.scale, points[i].second};
    // The first point at each position generates the cell.
    auto owner_of = [&](double x, double y) {
        std::size_t best = 0;
        double best_d = std::numeric_limits<double>::max();
        for (std::size_t i = 0; i < local.size(); ++i) {
            double dx = local[i].first - x, dy = local[i].second - y, d = dx * dx + dy * dy;
            if (d < best_d) {
                best_d = d;
                best = i;
            }
        }
        return best;
    };
    auto clipped = [&](const GEOSGeometry* cell) {
        GeosPtr part(GEOSIntersection_r(geos(), cell, area.get()));
        if (!part) throw DataError("GEOS could not clip a Voronoi cell");
        Geometry g = polygonal_from(part.get());
        plane.inverse(g);
        return g;
    };
    Geometry sites;
    sites.type = GeomType::MultiPoint;
    for (const auto& [x, y] : local) {
        sites.xy.push_back(x);
        sites.xy.push_back(y);
    }
    GeosPtr multipoint = to_geos(sites);
    GeosPtr diagram(GEOSVoronoiDiagram_r(geos(), multipoint.get(), area.get(), 0.0, 0));
    if (!diagram) throw DataError("GEOS could not build the Voronoi diagram");
    int n = GEOSGetNumGeometries_r(geos(), diagram.get());
    if (n == 0) {  // one distinct position: its cell is the whole clip
        cells[owner_of(local[0].first, local[0].second)] = clip;
        return cells;
    }
    for (int k = 0; k < n; ++k) {
        const GEOSGeometry* cell = GEOSGetGeometryN_r(geos(), diagram.get(), k);
        GeosPtr inside(GEOSPointOnSurface_r(geos(), cell));
        double x = 0, y = 0;
        if (!inside || GEOSGeomGetX_r(geos(), inside.get(), &x) != 1 || GEOSGeomGetY_r(geos(), inside.get(), &y) != 1)
            continue;
        cells[owner_of(x, y)] = clipped(cell);
    }
    return cells;
}

std::size_t drop_small_holes(Geometry& g, double min_km2) {
    if (!polygonal(g) || min_km2 <= 0) return 0;
    std::vector<std::uint32_t> parts = g.type == GeomType::Polygon
                                           ? std::vector<std::uint32_t>{static_cast<std::uint32_t>(g.ring_ends.size())}
                                           : g.part_ends;
    Geometry out;
    out.type = g.type;
    std::size_t dropped = 0, ring = 0;
    for (std::uint32_t part_end : parts) {
        for (std::size_t first = ring; ring < part_end; ++ring) {
            std::size_t from = ring == 0 ? 0 : g.ring_ends[ring - 1], to = g.ring_ends[ring];
            if (ring != first) {
                Geometry hole;
                hole.type = GeomType::Polygon;
                hole.xy.assign(g.xy.begin() + 2 * from, g.xy.begin() + 2 * to);
                hole.ring_ends = {static_cast<std::uint32_t>(to - from)};
                if (geodesic_area_km2(hole) < min_km2) {
                    ++dropped;
                    continue;
                }
            }
            out.xy.insert(out.xy.end(), g.xy.begin() + 2 * from, g.xy.begin() + 2 * to);
            out.ring_ends.push_back(static_cast<std::uint32_t>(out.xy.size() / 2));
        }
        if (g.type == GeomType::MultiPolygon) out.part_ends.push_back(static_cast<std::uint32_t>(out.ring_ends.size()));
    }
    g = std::move(out);
    return dropped;
}

std::pair<double, double> interior_point(const Geometry& g) {
    if (!polygonal(g)) return representative_point(g);
    GeosPtr geom = to_geos(g);
    GeosPtr inside(GEOSPointOnSurface_r(geos(), geom.get()));
    double x = 0, y = 0;
    if (!inside || GEOSGeomGetX_r(geos(), inside.get(), &x) != 1 || GEOSGeomGetY_r(geos(), inside.get(), &y) != 1)
        return representative_point(g);
    return {x, y};
}

Geometry simplify_polygonal(const Geometry& g, double tolerance) {
    if (!polygonal(g)) return g;
    GeosPtr geom = to_geos(g);
    GeosPtr simple(GEOSTopologyPreserveSimplify_r(geos(), geom.get(), tolerance));
    if (!simple) return g;
    Geometry out = polygonal_from(simple.get());
    return out.empty() ? g : out;
}

Geometry split_at_antimeridian(const Geometry& g) {
    if (!polygonal(g)) return g;
    GeosPtr whole = to_geos(g);
    Geometry out;
    for (double west : {-180.0, 180.0}) {
        Geometry side = box_polygon(west, -90, west + 360, 90);
        GeosPtr clip = to_geos(side);
        GeosPtr part(GEOSIntersection_r(geos(), whole.get(), clip.get()));
        if (!part) throw DataError("GEOS could not split a polygon at the antimeridian");
        Geometry piece = polygonal_from(part.get());
        if (west > 0)
            for (std::size_t i = 0; i < piece.xy.size(); i += 2) piece.xy[i] -= 360.0;
        append_parts(out, piece);
    }
    return out;
}

double planar_area(const Geometry& g) {
    if (!polygonal(g)) return 0;
    GeosPtr geom = to_geos(g);
    double a = 0;
    if (GEOSArea_r(geos(), geom.get(), &a) != 1) throw DataError("GEOS could not measure a polygon");
    return a;
}

double cover_mismatch(const Geometry& a, const Geometry& b) {
    GeosPtr ga = to_geos(a), gb = to_geos(b);
    GeosPtr diff(GEOSSymDifference_r(geos(), ga.get(), gb.get()));
    double whole = 0, apart = 0;
    if (!diff || GEOSArea_r(geos(), ga.get(), &whole) != 1 || GEOSArea_r(geos(), diff.get(), &apart) != 1)
        throw DataError("GEOS could not compare two polygons");
    return whole > 0 ? apart / whole : 0;
}

std::vector<Neighbours> polygon_neighbours(const std::vector<const Geometry*>& polygons, bool queen) {
    std::vector<GeosPtr> geoms(polygons.size());
    auto drop_tree = [](GEOSSTRtree* t) { GEOSSTRtree_destroy_r(geos(), t); };
    std::unique_ptr<GEOSSTRtree, decltype(drop_tree)> owned_tree(GEOSSTRtree_create_r(geos(), 10), drop_tree);
    GEOSSTRtree* tree = owned_tree.get();
    std::vector<std::size_t> ids(polygons.size());
    for (std::size_t i = 0; i < polygons.size(); ++i) {
        ids[i] = i;
        if (!polygonal(*polygons[i])) continue;
        geoms[i] = to_geos(*polygons[i]);
        GEOSSTRtree_insert_r(geos(), tree, geoms[i].get(), &ids[i]);
    }
    std::vector<Neighbours> out;
    struct Query {
        std::size_t self;
        std::vector<std::size_t> hits;
    } q;
    for (std::size_t i = 0; i < polygons.size(); ++i) {
        if (!geoms[i]) continue;
        q.self = i;
        q.hits.clear();
        GEOSSTRtree_query_r(
            geos(), tree, geoms[i].get(),
            [](void* item, void* data) {
                auto* query = static_cast<Query*>(data);
                std::size_t j = *static_cast<std::size_t*>(item);
                if (j > query->self) query->hits.push_back(j);
            },
            &q);
        if (q.hits.empty()) continue;
        std::sort(q.hits.begin(), q.hits.end());
        std::unique_ptr<const GEOSPreparedGeometry, void (*)(const GEOSPreparedGeometry*)> prepared(
            GEOSPrepare_r(geos(), geoms[i].get()),
            [](const GEOSPreparedGeometry* p) { GEOSPreparedGeom_destroy_r(geos(), p); });
        if (!prepared) throw DataError("GEOS could not prepare a polygon");
        for (std::size_t j : q.hits) {
            if (GEOSPreparedIntersects_r(geos(), prepared.get(), geoms[j].get()) != 1) continue;
            if (queen || share_edge(geoms[i].get(), geoms[j].get())) out.push_back({i, j});
        }
    }
    return out;
}

}  // namespace atd
