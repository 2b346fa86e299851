#pragma once
// A road network for travel distances and times: LineStrings become a
// Boost.Graph compressed-sparse-row graph (vertices shared where lines share a
// coordinate), points are snapped to the nearest vertex, and multi-source
// Dijkstra gives every vertex its fastest way to the nearest facility.
#include <atd/geo.hpp>
#include <atd/io.hpp>
#include <atd/log.hpp>

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace atd {

struct RoadOptions {
    std::string path;
    std::string speed_field = "speed_kmh";  // km/h per feature, when present
    std::string class_field = "highway";    // road class, looked up in class_speeds
    std::map<std::string, double> class_speeds = default_class_speeds();
    double default_speed = 50;              // km/h when neither is given
    static std::map<std::string, double> default_class_speeds();
};

struct RoadSummary {
    std::size_t features = 0, lines = 0, without_geometry = 0, unknown_class = 0, by_default_speed = 0;
};

class RoadGraph {
public:
    RoadGraph();
    ~RoadGraph();
    RoadGraph(RoadGraph&&) noexcept;
    RoadGraph& operator=(RoadGraph&&) noexcept;

    // Reads a road layer; a feature that is not a line, or a speed that is not
    // a positive number, is a DataError naming the feature.
    static RoadGraph load(const RoadOptions& opts, const ReadOptions& read, Log& log, RoadSummary& summary);

    // Building by hand (tests, benchmarks): lines of lon/lat vertices at a speed.
    void add_line(const double* xy, std::size_t points, double speed_kmh);
    void finish();

    std::size_t vertices() const;
    std::size_t edges() const;  // road segments (each usable both ways)
    std::size_t parts() const;  // connected parts
    std::size_t part_of(std::size_t vertex) const;
    std::size_t part_size(std::size_t part) const;

    struct Snap {
        std::size_t vertex;
        double km;  // straight line from the point to the vertex
    };
    // The nearest vertex within max_km, if any.
    std::optional<Snap> snap(double lon, double lat, double max_km) const;

    // From sources (a vertex and the time and distance already spent to reach
    // it), the fastest time to every vertex, the road distance of that route,
    // and which source it starts from (SIZE_MAX: unreachable).
    struct Source {
        std::size_t vertex;
        double minutes, km;
        std::size_t id;
    };
    struct Reach {
        std::vector<double> minutes, km;
        std::vector<std::size_t> source;
    };
    Reach fastest_from(const std::vector<Source>& sources) const;

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace atd
