#include <atd/error.hpp>
#include <atd/geo.hpp>
#include <atd/pipeline.hpp>

#include "geos_internal.hpp"

#include <geos_c.h>
#include <geodesic.h>
#include <proj.h>
#include <ogr_spatialref.h>
#include <cpl_error.h>

#include <algorithm>
#include <cmath>
#include <cstdarg>
#include <cstdio>

namespace atd {

// ------------------------------------------------------------- reprojection

namespace {
OGRSpatialReference wgs84_lonlat() {
    OGRSpatialReference s;
    s.SetWellKnownGeogCS("WGS84");
    s.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
    return s;
}
}  // namespace

namespace {
// GDAL reports through return values here; its own printing is silenced.
struct QuietGdal {
    QuietGdal() { CPLPushErrorHandler(CPLQuietErrorHandler); }
    ~QuietGdal() { CPLPopErrorHandler(); }
};
}  // namespace

namespace {
bool names_wgs84_lonlat(std::string_view crs) {
    for (std::string_view n : {"OGC:CRS84", "CRS84", "urn:ogc:def:crs:OGC:1.3:CRS84", "urn:ogc:def:crs:OGC::CRS84",
                               "EPSG:4326", "urn:ogc:def:crs:EPSG::4326", "WGS84"})
        if (crs == n) return true;
    return false;
}
}  // namespace

Reprojector::Reprojector(const std::string& crs) : name_(crs) {
    if (names_wgs84_lonlat(crs)) return;  // lon/lat already, as GeoJSON readers treat EPSG:4326
    QuietGdal quiet;
    OGRSpatialReference src;
    if (src.SetFromUserInput(crs.c_str()) != OGRERR_NONE)
        throw UsageError("unknown CRS '" + crs + "'");
    init(&src);
}

std::unique_ptr<Reprojector> Reprojector::from_handle(const void* ogr_srs) {
    std::unique_ptr<Reprojector> r(new Reprojector());
    if (!ogr_srs) return r;
    auto* s = OGRSpatialReference::FromHandle(static_cast<OGRSpatialReferenceH>(const_cast<void*>(ogr_srs)));
    const char* n = s->GetName();
    r->name_ = n ? n : "layer CRS";
    OGRSpatialReference src(*s);
    r->init(&src);
    return r;
}

void Reprojector::init(void* srs_ptr) {
    auto* src = static_cast<OGRSpatialReference*>(srs_ptr);
    src->SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
    OGRSpatialReference dst = wgs84_lonlat();
    const char* opts[] = {"CRITERION=EQUIVALENT_EXCEPT_AXIS_ORDER_GEOGCRS", nullptr};
    if (src->IsSame(&dst, opts)) return;
    transform_ = OGRCreateCoordinateTransformation(src, &dst);
    if (!transform_) throw UsageError("cannot transform from CRS '" + name_ + "' to WGS84");
}

Reprojector::~Reprojector() {
    if (transform_) OCTDestroyCoordinateTransformation(static_cast<OGRCoordinateTransformationH>(transform_));
}

void Reprojector::apply(Geometry& g) const {
    if (!transform_ || g.xy.empty()) return;
    QuietGdal quiet;
    auto* ct = static_cast<OGRCoordinateTransformation*>(transform_);
    std::size_t n = g.point_count();
    std::vector<double> x(n), y(n);
    std::vector<int> ok(n);
    // GDAL can loop for ages on absurd values: no CRS on Earth reaches 1e12 units.
    constexpr double kFarOut = 1e12;
    for (std::size_t i = 0; i < n; ++i) {
        x[i] = g.xy[2 * i];
        y[i] = g.xy[2 * i + 1];
        if (!(std::fabs(x[i]) < kFarOut && std::fabs(y[i]) < kFarOut)) {
            char at[80];
            std::snprintf(at, sizeof at, "point (%.9g, %.9g)", x[i], y[i]);
            throw DataError(at + (" is too far out to be a coordinate in " + name_));
        }
    }
    ct->Transform(static_cast<int>(n), x.data(), y.data(), nullptr, ok.data());
    for (std::size_t i = 0; i < n; ++i) {
        if (!ok[i])
            throw DataError("point (" + std::to_string(g.xy[2 * i]) + ", " + std::to_string(g.xy[2 * i + 1]) +
                            ") cannot be transformed from " + name_);
        g.xy[2 * i] = x[i];
        g.xy[2 * i + 1] = y[i];
    }
}

namespace {
// PROJ's context for this thread: a LocalProjection is made and used on one thread.
PJ_CONTEXT* proj_context() {
    struct Context {
        PJ_CONTEXT* ctx = proj_context_create();
        Context() { proj_log_level(ctx, PJ_LOG_NONE); }  // failures surface as one DataError
        ~Context() { proj_context_destroy(ctx); }
    };
    thread_local Context c;
    return c.ctx;
}
}  // namespace

LocalProjection::LocalProjection(double lon0, double lat0) {
    // The conversion as a PROJ pipeline: no CRS database lookup for each map.
    char def[200];
    std::snprintf(def, sizeof def,
                  "+proj=pipeline +step +proj=unitconvert +xy_in=deg +xy_out=rad "
                  "+step +proj=laea +lat_0=%.6f +lon_0=%.6f +x_0=0 +y_0=0 +ellps=WGS84",
                  lat0, lon0);
    transform_ = proj_create(proj_context(), def);
    if (!transform_) throw DataError(std::string("PROJ rejected ") + def);
}

LocalProjection::~LocalProjection() {
    if (transform_) proj_destroy(static_cast<PJ*>(transform_));
}

void LocalProjection::apply(Geometry& g) const {
    std::size_t n = g.point_count();
    if (n == 0) return;
    const std::size_t stride = 2 * sizeof(double);
    proj_trans_generic(static_cast<PJ*>(transform_), PJ_FWD, g.xy.data(), stride, n, g.xy.data() + 1, stride, n,
                       nullptr, 0, 0, nullptr, 0, 0);
    for (double v : g.xy)
        if (!std::isfinite(v)) throw DataError("PROJ could not project a coordinate");
}

std::pair<double, double> LocalProjection::forward(double lon, double lat) const {
    PJ_COORD c = proj_trans(static_cast<PJ*>(transform_), PJ_FWD, proj_coord(lon, lat, 0, 0));
    if (!std::isfinite(c.xy.x) || !std::isfinite(c.xy.y)) throw DataError("PROJ could not project a coordinate");
    return {c.xy.x, c.xy.y};
}

bool within_lonlat(const Geometry& g) {
    for (std::size_t i = 0; i + 1 < g.xy.size(); i += 2) {
        double x = g.xy[i], y = g.xy[i + 1];
        if (!(x >= -180.0 && x <= 180.0 && y >= -90.0 && y <= 90.0)) return false;
    }
    return true;
}

std::optional<std::string> antimeridian_jump(const Geometry& g) {
    if (g.type == GeomType::Point || g.type == GeomType::MultiPoint) return std::nullopt;
    std::size_t ring = 0;  // the ring (or line) of point i: edges join points of one ring only
    for (std::size_t i = 1; i < g.point_count(); ++i) {
        if (ring < g.ring_ends.size() && i == g.ring_ends[ring]) {
            ++ring;
            continue;
        }
        double a = g.xy[2 * (i - 1)], b = g.xy[2 * i];
        if (std::fabs(b - a) <= 180.0) continue;
        char buf[96];
        std::snprintf(buf, sizeof buf, "from lon %.6g to %.6g", a, b);
        return std::string(buf);
    }
    return std::nullopt;
}

bool spans_antimeridian(const Geometry& g) {
    if (g.xy.empty()) return false;
    double lo = g.xy[0], hi = g.xy[0];
    for (std::size_t i = 0; i < g.xy.size(); i += 2) {
        lo = std::min(lo, g.xy[i]);
        hi = std::max(hi, g.xy[i]);
    }
    return hi - lo > 180.0;
}

void shift_west_longitudes(Geometry& g) {
    for (std::size_t i = 0; i < g.xy.size(); i += 2)
        if (g.xy[i] < 0) g.xy[i] += 360.0;
}

// ---------------------------------------------------------------------- GEOS

namespace detail {

static void geos_message(const char* fmt, ...) {
    // Notices and errors surface through return values; keep the last one for messages.
    (void)fmt;
}

struct GeosContext {
    GEOSContextHandle_t h;
    GeosContext() : h(GEOS_init_r()) {
        GEOSContext_setNoticeHandler_r(h, geos_message);
        GEOSContext_setErrorHandler_r(h, geos_message);
    }
    ~GeosContext() { GEOS_finish_r(h); }
};

GEOSContextHandle_t geos() {
    thread_local GeosContext ctx;
    return ctx.h;
}

void GeomDeleter::operator()(GEOSGeometry* g) const { GEOSGeom_destroy_r(geos(), g); }

static GEOSCoordSequence* make_seq(const Geometry& g, std::size_t from, std::size_t to) {
    auto n = static_cast<unsigned>(to - from);
    return GEOSCoordSeq_copyFromBuffer_r(geos(), g.xy.data() + 2 * from, n, 0, 0);
}

static GEOSGeometry* make_ring(const Geometry& g, std::size_t r) {
    std::size_t from = r == 0 ? 0 : g.ring_ends[r - 1];
    std::size_t to = g.ring_ends[r];
    if (to - from < 4) throw DataError("a polygon ring has fewer than 4 points");
    GEOSGeometry* ring = GEOSGeom_createLinearRing_r(geos(), make_seq(g, from, to));
    if (!ring) throw DataError("a polygon ring is not closed");
    return ring;
}

static GEOSGeometry* make_polygon(const Geometry& g, std::size_t r0, std::size_t r1) {
    if (r0 == r1) return GEOSGeom_createEmptyPolygon_r(geos());
    GeosPtr shell(make_ring(g, r0));
    std::vector<GEOSGeometry*> holes;
    try {
        for (std::size_t r = r0 + 1; r < r1; ++r) holes.push_back(make_ring(g, r));
    } catch (...) {
        for (auto* h : holes) GEOSGeom_destroy_r(geos(), h);
        throw;
    }
    return GEOSGeom_createPolygon_r(geos(), shell.release(), holes.data(), static_cast<unsigned>(holes.size()));
}

GeosPtr to_geos(const Geometry& g) {
    GEOSGeometry* out = nullptr;
    switch (g.type) {
        case GeomType::None: throw DataError("no geometry");
        case GeomType::Point: out = GEOSGeom_createPointFromXY_r(geos(), g.xy[0], g.xy[1]); break;
        case GeomType::LineString:
            if (g.point_count() < 2) throw DataError("a LineString has fewer than 2 points");
            out = GEOSGeom_createLineString_r(geos(), make_seq(g, 0, g.point_count()));
            break;
        case GeomType::Polygon: out = make_polygon(g, 0, g.ring_ends.size()); break;
        case GeomType::MultiPoint:
        case GeomType::MultiLineString:
        case GeomType::MultiPolygon: {
            std::vector<GEOSGeometry*> parts;
            int type = GEOS_MULTIPOLYGON;
            try {
                if (g.type == GeomType::MultiPoint) {
                    type = GEOS_MULTIPOINT;
                    for (std::size_t i = 0; i < g.point_count(); ++i)
                        parts.push_back(GEOSGeom_createPointFromXY_r(geos(), g.xy[2 * i], g.xy[2 * i + 1]));
                } else if (g.type == GeomType::MultiLineString) {
                    type = GEOS_MULTILINESTRING;
                    for (std::size_t r = 0; r < g.ring_ends.size(); ++r) {
                        std::size_t from = r == 0 ? 0 : g.ring_ends[r - 1];
                        if (g.ring_ends[r] - from < 2) throw DataError("a LineString has fewer than 2 points");
                        parts.push_back(GEOSGeom_createLineString_r(geos(), make_seq(g, from, g.ring_ends[r])));
                    }
                } else {
                    for (std::size_t p = 0; p < g.part_ends.size(); ++p)
                        parts.push_back(make_polygon(g, p == 0 ? 0 : g.part_ends[p - 1], g.part_ends[p]));
                }
            } catch (...) {
                for (auto* p : parts) GEOSGeom_destroy_r(geos(), p);
                throw;
            }
            out = GEOSGeom_createCollection_r(geos(), type, parts.data(), static_cast<unsigned>(parts.size()));
            break;
        }
    }
    if (!out) throw DataError("GEOS could not build the geometry");
    return GeosPtr(out);
}

}  // namespace detail

using namespace detail;

std::optional<std::string> invalid_reason(const Geometry& g) {
    if (g.type == GeomType::None) return std::nullopt;
    GeosPtr geom;
    try {
        geom = to_geos(g);
    } catch (const DataError& e) {
        return std::string(e.what());
    }
    char* reason = nullptr;
    GEOSGeometry* location = nullptr;
    char valid = GEOSisValidDetail_r(geos(), geom.get(), 0, &reason, &location);
    if (valid == 1) return std::nullopt;
    std::string out = reason ? reason : "invalid geometry";
    if (location) {
        double x = 0, y = 0;
        GEOSGeomGetX_r(geos(), location, &x);
        GEOSGeomGetY_r(geos(), location, &y);
        char buf[96];
        std::snprintf(buf, sizeof buf, " at (%.6f, %.6f)", x, y);
        out += buf;
        GEOSGeom_destroy_r(geos(), location);
    }
    if (reason) GEOSFree_r(geos(), reason);
    return out;
}

namespace detail {

static void append_ring_from(const GEOSGeometry* ring, Geometry& out) {
    const GEOSCoordSequence* seq = GEOSGeom_getCoordSeq_r(geos(), ring);
    unsigned n = 0;
    GEOSCoordSeq_getSize_r(geos(), seq, &n);
    std::size_t at = out.xy.size();
    out.xy.resize(at + 2 * n);
    GEOSCoordSeq_copyToBuffer_r(geos(), seq, out.xy.data() + at, 0, 0);
    out.ring_ends.push_back(static_cast<std::uint32_t>(out.xy.size() / 2));
}

void append_polygons_from(const GEOSGeometry* g, Geometry& out) {
    int type = GEOSGeomTypeId_r(geos(), g);
    if (type == GEOS_POLYGON) {
        if (GEOSisEmpty_r(geos(), g)) return;
        append_ring_from(GEOSGetExteriorRing_r(geos(), g), out);
        int holes = GEOSGetNumInteriorRings_r(geos(), g);
        for (int i = 0; i < holes; ++i) append_ring_from(GEOSGetInteriorRingN_r(geos(), g, i), out);
        out.part_ends.push_back(static_cast<std::uint32_t>(out.ring_ends.size()));
    } else if (type == GEOS_MULTIPOLYGON || type == GEOS_GEOMETRYCOLLECTION) {
        int n = GEOSGetNumGeometries_r(geos(), g);
        for (int i = 0; i < n; ++i) append_polygons_from(GEOSGetGeometryN_r(geos(), g, i), out);
    }
}

Geometry polygonal_from(const GEOSGeometry* g) {
    Geometry out;
    append_polygons_from(g, out);
    if (out.part_ends.empty()) return Geometry{};
    out.type = out.part_ends.size() == 1 ? GeomType::Polygon : GeomType::MultiPolygon;
    if (out.type == GeomType::Polygon) out.part_ends.clear();
    return out;
}

}  // namespace detail

std::optional<std::string> polygon_problem(const Geometry& g) {
    if (auto jump = antimeridian_jump(g))
        return "the polygon crosses the antimeridian unsplit (an edge " + *jump +
               "): split it at ±180 (RFC 7946 3.1.9), e.g. with ogr2ogr -wrapdateline";
    if (auto reason = invalid_reason(g))
        return "invalid polygon: " + *reason + ": repair it (atd-ingest --make-valid, or ogr2ogr -makevalid)";
    return std::nullopt;
}

bool make_valid_polygonal(Geometry& g) {
    if (g.type != GeomType::Polygon && g.type != GeomType::MultiPolygon) return false;
    // Drop rings too short to build, then let GEOS repair the rest.
    Geometry cleaned;
    cleaned.type = g.type;
    std::size_t ring_begin = 0, part = 0;
    std::vector<std::uint32_t> parts = g.part_ends;
    if (g.type == GeomType::Polygon) parts = {static_cast<std::uint32_t>(g.ring_ends.size())};
    bool dropped = false;
    for (std::size_t r = 0; r < g.ring_ends.size(); ++r) {
        std::size_t from = r == 0 ? 0 : g.ring_ends[r - 1];
        if (g.ring_ends[r] - from >= 4) {
            cleaned.xy.insert(cleaned.xy.end(), g.xy.begin() + 2 * from, g.xy.begin() + 2 * g.ring_ends[r]);
            cleaned.ring_ends.push_back(static_cast<std::uint32_t>(cleaned.xy.size() / 2));
        } else {
            dropped = true;
        }
        while (part < parts.size() && parts[part] == r + 1) {
            if (cleaned.ring_ends.size() > ring_begin)
                cleaned.part_ends.push_back(static_cast<std::uint32_t>(cleaned.ring_ends.size()));
            ring_begin = cleaned.ring_ends.size();
            ++part;
        }
    }
    if (cleaned.type == GeomType::Polygon) cleaned.part_ends.clear();
    if (!dropped && !invalid_reason(g)) return false;
    GeosPtr geom = to_geos(cleaned);
    if (GEOSisValid_r(geos(), geom.get()) != 1) {
        GEOSMakeValidParams* params = GEOSMakeValidParams_create_r(geos());
        GEOSMakeValidParams_setMethod_r(geos(), params, GEOS_MAKE_VALID_STRUCTURE);
        GEOSMakeValidParams_setKeepCollapsed_r(geos(), params, 0);
        GEOSGeometry* fixed = GEOSMakeValidWithParams_r(geos(), geom.get(), params);
        GEOSMakeValidParams_destroy_r(geos(), params);
        if (!fixed) throw DataError("GEOS could not repair the geometry");
        geom.reset(fixed);
    }
    Geometry out;
    append_polygons_from(geom.get(), out);
    if (out.part_ends.empty()) throw DataError("nothing polygonal is left after repair");
    if (out.part_ends.size() == 1) {
        out.type = GeomType::Polygon;
        out.part_ends.clear();
    } else {
        out.type = GeomType::MultiPolygon;
    }
    g = std::move(out);
    return true;
}

Geometry dissolve_geometries(const std::vector<const Geometry*>& parts) {
    std::vector<GeosPtr> owned;
    for (const Geometry* g : parts)
        if (g->type == GeomType::Polygon || g->type == GeomType::MultiPolygon) owned.push_back(to_geos(*g));
    if (!owned.empty()) {
        std::vector<GEOSGeometry*> polygons;
        for (auto& g : owned) polygons.push_back(g.release());  // the collection takes them
        GeosPtr all(GEOSGeom_createCollection_r(geos(), GEOS_GEOMETRYCOLLECTION, polygons.data(),
                                                static_cast<unsigned>(polygons.size())));
        // A coverage (parts that only share edges) unions fast and exactly; anything else, or a
        // coverage union that comes out invalid, goes through the general union.
        GeosPtr merged(GEOSCoverageUnion_r(geos(), all.get()));
        if (!merged || GEOSisValid_r(geos(), merged.get()) != 1) merged.reset(GEOSUnaryUnion_r(geos(), all.get()));
        if (!merged) throw DataError("GEOS could not dissolve the polygons");
        return polygonal_from(merged.get());
    }
    Geometry out;
    for (const Geometry* g : parts)
        if (g->type == GeomType::Point || g->type == GeomType::MultiPoint) out.xy.insert(out.xy.end(), g->xy.begin(), g->xy.end());
    if (out.xy.empty()) return out;
    out.type = out.xy.size() == 2 ? GeomType::Point : GeomType::MultiPoint;
    return out;
}

struct PreparedArea::Impl {
    GeosPtr geom;
    const GEOSPreparedGeometry* prepared = nullptr;
    ~Impl() {
        if (prepared) GEOSPreparedGeom_destroy_r(geos(), prepared);
    }
};

PreparedArea::PreparedArea(const Geometry& polygon) : impl_(std::make_unique<Impl>()) {
    impl_->geom = to_geos(polygon);
    impl_->prepared = GEOSPrepare_r(geos(), impl_->geom.get());
}
PreparedArea::~PreparedArea() = default;
PreparedArea::PreparedArea(PreparedArea&&) noexcept = default;
PreparedArea& PreparedArea::operator=(PreparedArea&&) noexcept = default;

bool PreparedArea::covers(double x, double y) const {
    GeosPtr pt(GEOSGeom_createPointFromXY_r(geos(), x, y));
    return GEOSPreparedCovers_r(geos(), impl_->prepared, pt.get()) == 1;
}

double geodesic_km(double lon1, double lat1, double lon2, double lat2) {
    static const geod_geodesic wgs84 = [] {
        geod_geodesic g;
        geod_init(&g, 6378137.0, 1.0 / 298.257223563);
        return g;
    }();
    double s12 = 0;
    geod_inverse(&wgs84, lat1, lon1, lat2, lon2, &s12, nullptr, nullptr);
    return s12 / 1000.0;
}

}  // namespace atd

namespace atd {

namespace {
constexpr double kDeg = 3.14159265358979323846 / 180.0;
constexpr double kEarthKm = 6371.0088;  // mean radius, for the chord prefilter only

void unit_vector(double lon, double lat, double out[3]) {
    double cl = std::cos(lat * kDeg);
    out[0] = cl * std::cos(lon * kDeg);
    out[1] = cl * std::sin(lon * kDeg);
    out[2] = std::sin(lat * kDeg);
}

double d2(const double a[3], const double b[3]) {
    double x = a[0] - b[0], y = a[1] - b[1], z = a[2] - b[2];
    return x * x + y * y + z * z;
}
}  // namespace

namespace {
// A node while the tree is built: where its point came from rides along.
struct BuildNode {
    double p[3];
    std::size_t id;
    std::size_t from;
};

void build_range(std::vector<BuildNode>& nodes, std::size_t lo, std::size_t hi, int depth, std::size_t leaf) {
    if (hi - lo <= leaf) return;
    std::size_t mid = lo + (hi - lo) / 2;
    int axis = depth % 3;
    std::nth_element(nodes.begin() + static_cast<std::ptrdiff_t>(lo), nodes.begin() + static_cast<std::ptrdiff_t>(mid),
                     nodes.begin() + static_cast<std::ptrdiff_t>(hi), [axis](const BuildNode& a, const BuildNode& b) {
                         return a.p[axis] < b.p[axis] || (a.p[axis] == b.p[axis] && a.id < b.id);
                     });
    // The two halves are apart from here on: a large index builds them side by side.
    constexpr std::size_t kParallelFrom = 65536;
    if (depth == 0 && hi - lo >= kParallelFrom) {
        parallel_each(2, default_threads(), [&](std::size_t half) {
            if (half == 0) build_range(nodes, lo, mid, depth + 1, leaf);
            else build_range(nodes, mid + 1, hi, depth + 1, leaf);
        });
        return;
    }
    build_range(nodes, lo, mid, depth + 1, leaf);
    build_range(nodes, mid + 1, hi, depth + 1, leaf);
}
}  // namespace

void PointIndex::build(std::vector<double> lon, std::vector<double> lat, std::vector<std::size_t> ids) {
    std::vector<BuildNode> tree(ids.size());
    for (std::size_t i = 0; i < ids.size(); ++i) {
        unit_vector(lon[i], lat[i], tree[i].p);
        tree[i].id = ids[i];
        tree[i].from = i;
    }
    build_range(tree, 0, tree.size(), 0, kLeaf);
    // The searches touch only the nodes; lon/lat, in the nodes' order, lie apart.
    nodes_.resize(tree.size());
    lonlat_.resize(tree.size());
    for (std::size_t k = 0; k < tree.size(); ++k) {
        std::copy(tree[k].p, tree[k].p + 3, nodes_[k].p);
        nodes_[k].id = tree[k].id;
        lonlat_[k] = {lon[tree[k].from], lat[tree[k].from]};
    }
}

void PointIndex::search_nearest(std::size_t lo, std::size_t hi, int depth, const double q[3], std::size_t skip,
                                std::size_t& best, double& best_d2) const {
    if (hi - lo <= kLeaf) {
        for (std::size_t k = lo; k < hi; ++k) {
            const Node& n = nodes_[k];
            double dd = d2(n.p, q);
            if (n.id != skip && (dd < best_d2 || (dd == best_d2 && best != SIZE_MAX && n.id < nodes_[best].id))) {
                best_d2 = dd;
                best = k;
            }
        }
        return;
    }
    std::size_t mid = lo + (hi - lo) / 2;
    const Node& n = nodes_[mid];
    double dd = d2(n.p, q);
    if (n.id != skip && (dd < best_d2 || (dd == best_d2 && best != SIZE_MAX && n.id < nodes_[best].id))) {
        best_d2 = dd;
        best = mid;
    }
    int axis = depth % 3;
    double diff = q[axis] - n.p[axis];
    bool left_first = diff < 0;
    if (left_first) search_nearest(lo, mid, depth + 1, q, skip, best, best_d2);
    else search_nearest(mid + 1, hi, depth + 1, q, skip, best, best_d2);
    if (diff * diff <= best_d2) {
        if (left_first) search_nearest(mid + 1, hi, depth + 1, q, skip, best, best_d2);
        else search_nearest(lo, mid, depth + 1, q, skip, best, best_d2);
    }
}

std::optional<std::pair<std::size_t, double>> PointIndex::nearest(double lon, double lat, std::size_t skip) const {
    if (nodes_.empty()) return std::nullopt;
    double q[3];
    unit_vector(lon, lat, q);
    std::size_t best = SIZE_MAX;
    double best_d2 = 1e300;
    search_nearest(0, nodes_.size(), 0, q, skip, best, best_d2);
    if (best == SIZE_MAX) return std::nullopt;
    return std::make_pair(nodes_[best].id, geodesic_km(lon, lat, lonlat_[best][0], lonlat_[best][1]));
}

namespace {
// Position on the Z-order curve of a lon/lat point, 21 bits per axis.
std::uint64_t z_order(double lon, double lat) {
    auto cell = [](double v, double lo, double span) {
        double t = (v - lo) / span;
        t = t > 0 ? std::min(t, 1.0) : 0.0;  // NaN too
        return static_cast<std::uint64_t>(t * 2097151.0);
    };
    auto spread = [](std::uint64_t v) {  // bit k to bit 2k
        v = (v | v << 16) & 0x0000ffff0000ffffull;
        v = (v | v << 8) & 0x00ff00ff00ff00ffull;
        v = (v | v << 4) & 0x0f0f0f0f0f0f0f0full;
        v = (v | v << 2) & 0x3333333333333333ull;
        v = (v | v << 1) & 0x5555555555555555ull;
        return v;
    };
    return spread(cell(lon, -180, 360)) | spread(cell(lat, -90, 180)) << 1;
}
}  // namespace

std::vector<std::optional<std::pair<std::size_t, double>>> PointIndex::nearest_each(
    const std::vector<std::array<double, 2>>& lonlat) const {
    std::vector<std::pair<std::uint64_t, std::size_t>> order(lonlat.size());
    for (std::size_t i = 0; i < lonlat.size(); ++i) order[i] = {z_order(lonlat[i][0], lonlat[i][1]), i};
    std::sort(order.begin(), order.end());
    std::vector<std::optional<std::pair<std::size_t, double>>> out(lonlat.size());
    parallel_for(order.size(), default_threads(), [&](std::size_t from, std::size_t to) {
        for (std::size_t k = from; k < to; ++k) {
            std::size_t i = order[k].second;
            out[i] = nearest(lonlat[i][0], lonlat[i][1]);
        }
    });
    return out;
}

void PointIndex::search_radius(std::size_t lo, std::size_t hi, int depth, const double q[3], double r2,
                               std::vector<std::size_t>& out) const {
    if (hi - lo <= kLeaf) {
        for (std::size_t k = lo; k < hi; ++k)
            if (d2(nodes_[k].p, q) <= r2) out.push_back(k);
        return;
    }
    std::size_t mid = lo + (hi - lo) / 2;
    const Node& n = nodes_[mid];
    if (d2(n.p, q) <= r2) out.push_back(mid);
    int axis = depth % 3;
    double diff = q[axis] - n.p[axis];
    if (diff <= 0 || diff * diff <= r2) search_radius(lo, mid, depth + 1, q, r2, out);
    if (diff >= 0 || diff * diff <= r2) search_radius(mid + 1, hi, depth + 1, q, r2, out);
}

std::vector<std::pair<std::size_t, double>> PointIndex::within(double lon, double lat, double km) const {
    std::vector<std::pair<std::size_t, double>> out;
    if (nodes_.empty()) return out;
    double q[3];
    unit_vector(lon, lat, q);
    // Chord for the radius, widened by 1 % so the geodesic check decides at the edge.
    double chord = 2.0 * std::sin(std::min(3.14159, km * 1.01 / kEarthKm) / 2.0);
    std::vector<std::size_t> hits;
    search_radius(0, nodes_.size(), 0, q, chord * chord, hits);
    for (std::size_t h : hits) {
        double d = geodesic_km(lon, lat, lonlat_[h][0], lonlat_[h][1]);
        if (d <= km) out.emplace_back(nodes_[h].id, d);
    }
    std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) {
        return a.second < b.second || (a.second == b.second && a.first < b.first);
    });
    return out;
}

std::size_t PointIndex::count_within(double lon, double lat, double km) const {
    if (nodes_.empty()) return 0;
    double q[3];
    unit_vector(lon, lat, q);
    double chord = 2.0 * std::sin(std::min(3.14159, km * 1.01 / kEarthKm) / 2.0);
    thread_local std::vector<std::size_t> hits;
    hits.clear();
    search_radius(0, nodes_.size(), 0, q, chord * chord, hits);
    std::size_t n = 0;
    for (std::size_t h : hits) {
        // The sphere is within 1 % of the ellipsoid: only points near the edge need the geodesic.
        double sphere_km = 2.0 * kEarthKm * std::asin(std::min(1.0, std::sqrt(d2(nodes_[h].p, q)) / 2.0));
        if (sphere_km * 1.01 <= km || geodesic_km(lon, lat, lonlat_[h][0], lonlat_[h][1]) <= km) ++n;
    }
    return n;
}

double geodesic_area_km2(const Geometry& g) {
    static const geod_geodesic wgs84 = [] {
        geod_geodesic gg;
        geod_init(&gg, 6378137.0, 1.0 / 298.257223563);
        return gg;
    }();
    if (g.type != GeomType::Polygon && g.type != GeomType::MultiPolygon) return 0;
    std::vector<std::uint32_t> parts = g.part_ends;
    if (g.type == GeomType::Polygon) parts = {static_cast<std::uint32_t>(g.ring_ends.size())};
    double total = 0;
    std::size_t ring = 0;
    for (std::uint32_t part_end : parts) {
        for (bool shell = true; ring < part_end; ++ring, shell = false) {
            std::size_t from = ring == 0 ? 0 : g.ring_ends[ring - 1];
            std::size_t to = g.ring_ends[ring];
            std::vector<double> lats, lons;
            for (std::size_t i = from; i < to; ++i) {
                lons.push_back(g.xy[2 * i]);
                lats.push_back(g.xy[2 * i + 1]);
            }
            double area = 0;
            geod_polygonarea(&wgs84, lats.data(), lons.data(), static_cast<int>(lats.size()), &area, nullptr);
            total += shell ? std::fabs(area) : -std::fabs(area);
        }
    }
    return total / 1e6;
}

double distance_km(const Geometry& a, const Geometry& b) {
    auto [lon0, lat0] = representative_point(a);
    LocalProjection plane(lon0, lat0);
    Geometry pa = a, pb = b;
    plane.apply(pa);
    plane.apply(pb);
    auto ga = detail::to_geos(pa), gb = detail::to_geos(pb);
    double metres = 0;
    if (!GEOSDistance_r(detail::geos(), ga.get(), gb.get(), &metres))
        throw DataError("cannot measure the distance between two geometries");
    return metres / 1000.0;
}

std::pair<double, double> representative_point(const Geometry& g) {
    if (g.type == GeomType::Point) return {g.xy[0], g.xy[1]};
    double x = 0, y = 0;
    std::size_t n = g.point_count();
    for (std::size_t i = 0; i < n; ++i) {
        x += g.xy[2 * i];
        y += g.xy[2 * i + 1];
    }
    return {x / static_cast<double>(n), y / static_cast<double>(n)};
}

}  // namespace atd
