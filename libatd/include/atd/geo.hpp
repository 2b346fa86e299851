#pragma once
// Coordinate reference systems (PROJ through OGR), geometry checks (GEOS) and distances.
#include <atd/feature.hpp>

#include <array>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace atd {

// Transforms coordinates from a source CRS to WGS84 lon/lat.
class Reprojector {
public:
    // crs: anything OGRSpatialReference::SetFromUserInput accepts (EPSG:3857, WKT, PROJ string).
    // Throws UsageError if the CRS is unknown.
    explicit Reprojector(const std::string& crs);
    // From an OGRSpatialReference handle (OGRSpatialReferenceH).
    static std::unique_ptr<Reprojector> from_handle(const void* ogr_srs);
    ~Reprojector();
    Reprojector(const Reprojector&) = delete;
    Reprojector& operator=(const Reprojector&) = delete;

    // False when the source already is WGS84 lon/lat.
    bool needed() const { return transform_ != nullptr; }
    // Transforms all coordinates in place; throws DataError if a point fails.
    void apply(Geometry& g) const;
    const std::string& source_name() const { return name_; }

private:
    Reprojector() = default;
    void init(void* srs);
    void* transform_ = nullptr;  // OGRCoordinateTransformationH
    std::string name_;
};

// From WGS84 lon/lat to a Lambert azimuthal equal-area plane centred on
// (lon0, lat0), in metres (a PROJ pipeline): maps of a district or an oblast.
// It uses its thread's PROJ context: make, use and drop it on one thread.
class LocalProjection {
public:
    LocalProjection(double lon0, double lat0);
    ~LocalProjection();
    LocalProjection(const LocalProjection&) = delete;
    LocalProjection& operator=(const LocalProjection&) = delete;
    // Projects every coordinate in place; throws DataError if one fails
    // (g is then partly projected).
    void apply(Geometry& g) const;
    std::pair<double, double> forward(double lon, double lat) const;

private:
    void* transform_ = nullptr;  // PJ*
};

// True if every coordinate lies within lon [-180,180] and lat [-90,90].
bool within_lonlat(const Geometry& g);

// The first edge of a line or ring whose longitude jumps by more than 180°
// ("from lon 179.8 to -179.8"): a ring drawn across ±180 that RFC 7946
// §3.1.9 says must be split there. Nothing when there is none.
std::optional<std::string> antimeridian_jump(const Geometry& g);

// Whether g's longitudes span more than 180°: parts split at ±180 lying on
// both sides of it (or a geometry that spans half the globe).
bool spans_antimeridian(const Geometry& g);

// Adds 360 to every negative longitude: the frame in which a geometry split
// at ±180 is contiguous.
void shift_west_longitudes(Geometry& g);

// Geometry validity through GEOS; returns the reason and location when invalid.
std::optional<std::string> invalid_reason(const Geometry& g);

// What keeps a polygon from being cut or measured, with the fix: an edge
// across ±180 unsplit, or what GEOS finds invalid. Nothing when it is sound.
std::optional<std::string> polygon_problem(const Geometry& g);

// Repairs an invalid polygonal geometry with GEOS MakeValid (structure
// method, collapsed parts dropped). Returns false when it was already valid.
// Throws DataError when the repair leaves no polygon.
bool make_valid_polygonal(Geometry& g);

// The union of polygonal parts (GEOS unary union); without polygons, the
// points as one MultiPoint. Empty when no part has a geometry.
Geometry dissolve_geometries(const std::vector<const Geometry*>& parts);

// Point-in-polygon against a polygonal geometry, prepared once for many queries.
class PreparedArea {
public:
    explicit PreparedArea(const Geometry& polygon);
    ~PreparedArea();
    PreparedArea(PreparedArea&&) noexcept;
    PreparedArea& operator=(PreparedArea&&) noexcept;
    PreparedArea(const PreparedArea&) = delete;
    PreparedArea& operator=(const PreparedArea&) = delete;
    bool covers(double x, double y) const;

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

// Great-circle (WGS84 geodesic) distance in kilometres between two lon/lat points.
double geodesic_km(double lon1, double lat1, double lon2, double lat2);

// Area of a (multi)polygon in km2 on the WGS84 ellipsoid (PROJ's geodesic
// polygon area: exact, no projection needed); 0 for other geometries.
double geodesic_area_km2(const Geometry& g);

// A point for a geometry: the point itself, else the mean of its vertices.
std::pair<double, double> representative_point(const Geometry& g);

// The shortest distance in km between two lon/lat geometries (0 when they
// touch or overlap), measured on a Lambert azimuthal equal-area plane
// centred on a's representative point: true within a few km of it, which is
// what contiguity tests need.
double distance_km(const Geometry& a, const Geometry& b);

}  // namespace atd

namespace atd {

// Nearest-neighbour and radius queries on lon/lat points (a k-d tree on unit
// vectors, so distances follow the sphere; results are then measured geodesically).
class PointIndex {
public:
    PointIndex() = default;
    // ids are the caller's indices of the points.
    void build(std::vector<double> lon, std::vector<double> lat, std::vector<std::size_t> ids);
    bool empty() const { return nodes_.empty(); }
    // The nearest point other than `skip` (an id, or SIZE_MAX for none).
    std::optional<std::pair<std::size_t, double>> nearest(double lon, double lat, std::size_t skip = SIZE_MAX) const;
    // nearest() of each (lon, lat), on the default threads; the queries are
    // taken in an order that keeps near ones together, so the tree stays in cache.
    std::vector<std::optional<std::pair<std::size_t, double>>> nearest_each(
        const std::vector<std::array<double, 2>>& lonlat) const;
    // Every point within km (geodesic), as (id, km), nearest first.
    std::vector<std::pair<std::size_t, double>> within(double lon, double lat, double km) const;
    // How many points within km (geodesic): within().size(), without listing them.
    std::size_t count_within(double lon, double lat, double km) const;

private:
    struct Node {
        double p[3];  // on the unit sphere
        std::size_t id;
    };
    // Ranges of at most kLeaf points are left unsplit and scanned whole.
    static constexpr std::size_t kLeaf = 16;
    void search_nearest(std::size_t lo, std::size_t hi, int depth, const double q[3], std::size_t skip,
                        std::size_t& best, double& best_d2) const;
    void search_radius(std::size_t lo, std::size_t hi, int depth, const double q[3], double r2,
                       std::vector<std::size_t>& out) const;
    std::vector<Node> nodes_;
    std::vector<std::array<double, 2>> lonlat_;  // per node
};

}  // namespace atd
