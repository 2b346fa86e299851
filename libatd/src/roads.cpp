#include <atd/csv.hpp>
#include <atd/error.hpp>
#include <atd/roads.hpp>

#include <boost/graph/compressed_sparse_row_graph.hpp>

#include <algorithm>
#include <cmath>
#include <functional>
#include <limits>
#include <numeric>
#include <unordered_map>

namespace atd {

namespace {

struct RoadEdge {
    double minutes = 0, km = 0;
};

using Csr = boost::compressed_sparse_row_graph<boost::directedS, boost::no_property, RoadEdge, boost::no_property,
                                               std::uint32_t, std::uint32_t>;

// Vertices are shared where lines share a coordinate (to 1e-7 degrees, about a centimetre).
std::uint64_t coordinate_key(double lon, double lat) {
    auto q = [](double v, double off) { return static_cast<std::uint64_t>(std::llround((v + off) * 1e7)); };
    return (q(lon, 180.0) << 32) ^ q(lat, 90.0);
}

std::size_t find_root(std::vector<std::size_t>& parent, std::size_t v) {
    while (parent[v] != v) {
        parent[v] = parent[parent[v]];
        v = parent[v];
    }
    return v;
}

}  // namespace

std::map<std::string, double> RoadOptions::default_class_speeds() {
    return {{"motorway", 110}, {"motorway_link", 60}, {"trunk", 90},       {"trunk_link", 50},
            {"primary", 80},   {"primary_link", 50},  {"secondary", 70},   {"secondary_link", 40},
            {"tertiary", 60},  {"tertiary_link", 40}, {"unclassified", 50}, {"road", 40},
            {"residential", 30}, {"living_street", 10}, {"service", 20},   {"track", 20}};
}

struct RoadGraph::Impl {
    std::unordered_map<std::uint64_t, std::uint32_t> vertex_of;
    std::vector<double> lon, lat;
    std::vector<std::pair<std::uint32_t, std::uint32_t>> ends;
    std::vector<RoadEdge> props;
    std::size_t segments = 0;
    Csr graph;
    std::vector<std::size_t> part, part_sizes;
    PointIndex index;
    bool finished = false;

    std::uint32_t vertex(double x, double y) {
        auto [it, fresh] = vertex_of.emplace(coordinate_key(x, y), static_cast<std::uint32_t>(lon.size()));
        if (fresh) {
            if (lon.size() >= std::numeric_limits<std::uint32_t>::max())
                throw DataError("the road network has more than 4 billion vertices");
            lon.push_back(x);
            lat.push_back(y);
        }
        return it->second;
    }
};

RoadGraph::RoadGraph() : impl_(std::make_unique<Impl>()) {}
RoadGraph::~RoadGraph() = default;
RoadGraph::RoadGraph(RoadGraph&&) noexcept = default;
RoadGraph& RoadGraph::operator=(RoadGraph&&) noexcept = default;

void RoadGraph::add_line(const double* xy, std::size_t points, double speed_kmh) {
    Impl& m = *impl_;
    if (m.finished) throw std::logic_error("RoadGraph::add_line after finish");
    for (std::size_t i = 1; i < points; ++i) {
        std::uint32_t a = m.vertex(xy[2 * i - 2], xy[2 * i - 1]), b = m.vertex(xy[2 * i], xy[2 * i + 1]);
        if (a == b) continue;
        double km = geodesic_km(xy[2 * i - 2], xy[2 * i - 1], xy[2 * i], xy[2 * i + 1]);
        RoadEdge e{km / speed_kmh * 60.0, km};
        m.ends.emplace_back(a, b);
        m.props.push_back(e);
        m.ends.emplace_back(b, a);
        m.props.push_back(e);
        ++m.segments;
    }
}

void RoadGraph::finish() {
    Impl& m = *impl_;
    std::size_t n = m.lon.size();
    m.graph = Csr(boost::edges_are_unsorted_multi_pass, m.ends.begin(), m.ends.end(), m.props.begin(),
                  static_cast<std::uint32_t>(n));
    std::vector<std::size_t> parent(n);
    std::iota(parent.begin(), parent.end(), std::size_t{0});
    for (std::size_t k = 0; k < m.ends.size(); k += 2) {
        std::size_t a = find_root(parent, m.ends[k].first), b = find_root(parent, m.ends[k].second);
        if (a != b) parent[std::max(a, b)] = std::min(a, b);
    }
    m.part.assign(n, 0);
    std::vector<std::size_t> number(n, SIZE_MAX);
    m.part_sizes.clear();
    for (std::size_t v = 0; v < n; ++v) {
        std::size_t r = find_root(parent, v);
        if (number[r] == SIZE_MAX) {
            number[r] = m.part_sizes.size();
            m.part_sizes.push_back(0);
        }
        m.part[v] = number[r];
        ++m.part_sizes[number[r]];
    }
    std::vector<std::size_t> ids(n);
    std::iota(ids.begin(), ids.end(), std::size_t{0});
    m.index.build(m.lon, m.lat, std::move(ids));
    m.ends.clear();
    m.ends.shrink_to_fit();
    m.props.clear();
    m.props.shrink_to_fit();
    m.vertex_of = {};
    m.finished = true;
}

std::size_t RoadGraph::vertices() const { return impl_->lon.size(); }
std::size_t RoadGraph::edges() const { return impl_->segments; }
std::size_t RoadGraph::parts() const { return impl_->part_sizes.size(); }
std::size_t RoadGraph::part_of(std::size_t vertex) const { return impl_->part.at(vertex); }
std::size_t RoadGraph::part_size(std::size_t part) const { return impl_->part_sizes.at(part); }

std::optional<RoadGraph::Snap> RoadGraph::snap(double lon, double lat, double max_km) const {
    auto near = impl_->index.nearest(lon, lat);
    if (!near || near->second > max_km) return std::nullopt;
    return Snap{near->first, near->second};
}

RoadGraph::Reach RoadGraph::fastest_from(const std::vector<Source>& sources) const {
    const Impl& m = *impl_;
    std::size_t n = m.lon.size();
    constexpr double inf = std::numeric_limits<double>::infinity();
    Reach r{std::vector<double>(n, inf), std::vector<double>(n, inf), std::vector<std::size_t>(n, SIZE_MAX)};
    std::vector<std::uint32_t> starts;
    for (const auto& s : sources) {
        if (s.minutes < r.minutes[s.vertex] || (s.minutes == r.minutes[s.vertex] && s.id < r.source[s.vertex])) {
            if (r.source[s.vertex] == SIZE_MAX) starts.push_back(static_cast<std::uint32_t>(s.vertex));
            r.minutes[s.vertex] = s.minutes;
            r.km[s.vertex] = s.km;
            r.source[s.vertex] = s.id;
        }
    }
    if (starts.empty() || n == 0) return r;
    // Dijkstra with a plain binary heap of (minutes, vertex): an improved
    // vertex is pushed again and its older entries are skipped when they come.
    // Ties leave a vertex to the route found first, in the order of the heap.
    using Item = std::pair<double, std::uint32_t>;
    std::vector<Item> heap;
    heap.reserve(starts.size());
    for (std::uint32_t v : starts) heap.emplace_back(r.minutes[v], v);
    std::make_heap(heap.begin(), heap.end(), std::greater<>());
    while (!heap.empty()) {
        std::pop_heap(heap.begin(), heap.end(), std::greater<>());
        auto [minutes, u] = heap.back();
        heap.pop_back();
        if (minutes > r.minutes[u]) continue;
        for (auto [e, end] = boost::out_edges(u, m.graph); e != end; ++e) {
            std::uint32_t v = boost::target(*e, m.graph);
            const RoadEdge& edge = m.graph[*e];
            double through = minutes + edge.minutes;
            if (through < r.minutes[v]) {
                r.minutes[v] = through;
                r.km[v] = r.km[u] + edge.km;
                r.source[v] = r.source[u];
                heap.emplace_back(through, v);
                std::push_heap(heap.begin(), heap.end(), std::greater<>());
            }
        }
    }
    return r;
}

RoadGraph RoadGraph::load(const RoadOptions& opts, const ReadOptions& read, Log& log, RoadSummary& sum) {
    RoadGraph g;
    read_features({opts.path}, read, log, [&](Feature& f, const FeatureOrigin& at) {
        ++sum.features;
        if (f.geom.empty()) {
            ++sum.without_geometry;
            log.warn("road-no-geometry", at.where() + ": a road without geometry is left out");
            return;
        }
        if (f.geom.type != GeomType::LineString && f.geom.type != GeomType::MultiLineString)
            throw DataError(at.where() + ": a " + std::string(geom_type_name(f.geom.type)) +
                            ": a road layer holds LineStrings");
        double speed = 0;
        const Value* given = f.props.find(opts.speed_field);
        if (given && !is_null(*given)) {
            auto status = NumberStatus::NotANumber;
            if (auto n = as_number(*given)) {
                speed = *n;
                status = std::isfinite(speed) ? NumberStatus::Ok : NumberStatus::NotFinite;
            } else if (const auto* text = std::get_if<std::string>(given)) {
                status = parse_number(*text, speed);
            }
            if (status != NumberStatus::Ok || !(speed > 0))
                throw DataError(at.where() + ": " + opts.speed_field + " '" + as_text(*given) + "' " +
                                (status != NumberStatus::Ok ? std::string(number_status_text(status))
                                                            : std::string("is not a positive speed")));
        } else if (auto cls = f.props.get_string(opts.class_field); cls && !cls->empty()) {
            auto it = opts.class_speeds.find(*cls);
            if (it != opts.class_speeds.end()) {
                speed = it->second;
            } else {
                ++sum.unknown_class;
                log.warn("road-unknown-class", at.where() + ": road class '" + *cls + "' has no speed; " +
                                                   "the default speed is used (set one with --speed CLASS=KMH)");
                speed = opts.default_speed;
            }
        } else {
            ++sum.by_default_speed;
            speed = opts.default_speed;
        }
        const Geometry& geom = f.geom;
        std::size_t from = 0;
        std::vector<std::uint32_t> ends = geom.ring_ends;
        if (ends.empty()) ends.push_back(static_cast<std::uint32_t>(geom.point_count()));
        for (std::uint32_t to : ends) {
            g.add_line(geom.xy.data() + 2 * from, to - from, speed);
            ++sum.lines;
            from = to;
        }
    });
    if (sum.lines == 0)
        throw DataError(input_name(opts.path) + ": no LineString features: not a road layer");
    g.finish();
    return g;
}

}  // namespace atd
