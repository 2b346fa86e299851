#include <atd/access.hpp>
#include <atd/csv.hpp>
#include <atd/error.hpp>
#include <atd/geo.hpp>
#include <atd/model.hpp>
#include <atd/pipeline.hpp>

#include <atomic>
#include <cmath>

namespace atd {

std::string kind_key(std::string_view kind) {
    std::string out;
    for (char c : kind) {
        auto u = static_cast<unsigned char>(c);
        if (std::isalnum(u)) out.push_back(static_cast<char>(std::tolower(u)));
        else if (!out.empty() && out.back() != '_') out.push_back('_');
    }
    while (!out.empty() && out.back() == '_') out.pop_back();
    return out;
}

FacilityLayer parse_facility_layer(const std::string& text) {
    auto eq = text.find('=');
    bool word = eq != std::string::npos && eq > 0 &&
                text.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_- ") == eq;
    if (word) return {text.substr(eq + 1), text.substr(0, eq)};
    return {text, ""};
}

std::pair<std::string, double> parse_class_speed(const std::string& text) {
    auto eq = text.find('=');
    double kmh = 0;
    if (eq == std::string::npos || eq == 0 || parse_number(std::string_view(text).substr(eq + 1), kmh) != NumberStatus::Ok ||
        !(kmh > 0))
        throw UsageError("--speed '" + text + "': give CLASS=KMH with a positive speed, such as track=15");
    return {text.substr(0, eq), kmh};
}

namespace {

struct KindIndex {
    std::vector<std::string> ids;
    std::vector<double> lon, lat;
    PointIndex index;
    RoadGraph::Reach reach;  // with roads
};

double round3(double v) { return std::round(v * 1000.0) / 1000.0; }

}  // namespace

AccessSummary compute_access(const AccessOptions& opts, FeatureSink& sink, Log& log, Progress& progress) {
    if (opts.facilities.empty()) throw UsageError("give at least one facility layer with --facilities");
    if (!(opts.radius_km > 0) || !std::isfinite(opts.radius_km)) throw UsageError("--radius must be a positive number");
    bool roads = !opts.roads.path.empty();
    if (opts.fallback_geodesic && !roads) throw UsageError("--fallback geodesic needs --roads");
    if (!(opts.snap_km >= 0) || !std::isfinite(opts.snap_km)) throw UsageError("--snap-km must be a number of at least 0");
    if (!(opts.connector_speed > 0) || !std::isfinite(opts.connector_speed))
        throw UsageError("--connector-speed must be a positive number");
    AccessSummary sum;
    // Facilities by kind, with their positions.
    std::map<std::string, std::vector<double>> lon, lat;
    std::map<std::string, std::vector<std::string>> ids;
    for (const auto& layer : opts.facilities) {
        read_features({layer.path}, opts.read, log, [&](Feature& f, const FeatureOrigin& at) {
            std::size_t n = at.index + 1;
            std::string kind = layer.kind;
            if (kind.empty()) {
                auto k = f.props.get_string(opts.kind_field);
                if (!k || k->empty())
                    throw DataError(at.where() + ": no '" + opts.kind_field +
                                    "' field (name the kind with --facilities KIND=FILE or --kind-field)");
                kind = *k;
            }
            std::string key = kind_key(kind);
            if (key.empty()) throw DataError(at.where() + ": kind '" + kind + "' has no letters or digits");
            if (f.geom.empty()) throw DataError(at.where() + ": a facility without a position");
            auto [x, y] = representative_point(f.geom);
            std::string id = f.props.get_string(opts.id_field).value_or(
                f.id ? as_text(*f.id) : std::to_string(n));
            lon[key].push_back(x);
            lat[key].push_back(y);
            ids[key].push_back(id);
        });
    }
    std::map<std::string, KindIndex> kinds;
    for (auto& [key, xs] : lon) {
        KindIndex& k = kinds[key];
        std::vector<std::size_t> order(xs.size());
        for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
        k.ids = std::move(ids[key]);
        k.lon = std::move(xs);
        k.lat = std::move(lat[key]);
        k.index.build(k.lon, k.lat, std::move(order));
        sum.facilities[key] = k.ids.size();
    }
    RoadGraph graph;
    if (roads) {
        graph = RoadGraph::load(opts.roads, opts.read, log, sum.roads);
        sum.road_vertices = graph.vertices();
        sum.road_segments = graph.edges();
        sum.road_parts = graph.parts();
        for (std::size_t p = 0; p < graph.parts(); ++p) sum.largest_part = std::max(sum.largest_part, graph.part_size(p));
        // One search per kind, the kinds on all threads.
        std::vector<std::pair<const std::string*, KindIndex*>> each;
        for (auto& [key, k] : kinds) each.emplace_back(&key, &k);
        std::vector<std::size_t> unsnapped_facilities(each.size(), 0);
        parallel_each(each.size(), default_threads(), [&](std::size_t j) {
            KindIndex& k = *each[j].second;
            std::vector<RoadGraph::Source> sources;
            for (std::size_t i = 0; i < k.ids.size(); ++i) {
                auto snap = graph.snap(k.lon[i], k.lat[i], opts.snap_km);
                if (!snap) {
                    ++unsnapped_facilities[j];
                    continue;
                }
                sources.push_back({snap->vertex, snap->km / opts.connector_speed * 60.0, snap->km, i});
            }
            k.reach = graph.fastest_from(sources);
        });
        for (std::size_t j = 0; j < each.size(); ++j)
            if (unsnapped_facilities[j]) sum.unsnapped_facilities[*each[j].first] = unsnapped_facilities[j];
        for (const auto& [key, n] : sum.unsnapped_facilities)
            log.warn("facility-unsnapped", std::to_string(n) + " " + key + " facilities lie farther than " +
                                               as_text(Value{opts.snap_km}) + " km from any road vertex: no route starts there");
    }
    // Settlements on all threads, counted with atomics and written in input order.
    std::atomic<std::size_t> settlements{0}, without_position{0}, unsnapped{0}, fallbacks{0};
    std::vector<std::atomic<std::size_t>> unreachable(kinds.size());
    auto change = [&](Feature& f, std::size_t) {
        if (!is_settlement(f.props)) return;
        ++settlements;
        std::vector<Properties::Entry> out;
        out.reserve(kinds.size() * 4 + 4);
        bool placed = !f.geom.empty();
        double x = 0, y = 0;
        if (placed) std::tie(x, y) = representative_point(f.geom);
        else ++without_position;
        std::optional<RoadGraph::Snap> snap;
        if (roads && placed) {
            snap = graph.snap(x, y, opts.snap_km);
            if (!snap) ++unsnapped;
        }
        std::string fallback;
        std::size_t kind_index = 0;
        for (const auto& [key, k] : kinds) {
            Value dist, time, nearest, count;
            if (placed) {
                bool routed = false;
                if (snap && k.reach.source[snap->vertex] != SIZE_MAX) {
                    double connector = snap->km / opts.connector_speed * 60.0;
                    dist = round3(k.reach.km[snap->vertex] + snap->km);
                    time = std::round((k.reach.minutes[snap->vertex] + connector) * 100.0) / 100.0;
                    nearest = k.ids[k.reach.source[snap->vertex]];
                    routed = true;
                } else if (roads && snap) {
                    ++unreachable[kind_index];
                }
                if (!routed && (!roads || opts.fallback_geodesic)) {
                    if (auto n = k.index.nearest(x, y)) {
                        dist = round3(n->second);
                        nearest = k.ids[n->first];
                    }
                    if (roads) fallback += (fallback.empty() ? "" : ";") + key;
                }
                count = static_cast<std::int64_t>(k.index.count_within(x, y, opts.radius_km));
            }
            out.emplace_back("dist_" + key + "_km", std::move(dist));
            if (roads) out.emplace_back("time_" + key + "_min", std::move(time));
            out.emplace_back("nearest_" + key, std::move(nearest));
            out.emplace_back("count_" + key, std::move(count));
            ++kind_index;
        }
        if (!fallback.empty()) ++fallbacks;
        out.emplace_back("access_radius_km", opts.radius_km);
        out.emplace_back("access_method", !placed ? Value{} : Value{std::string(roads ? "road" : "geodesic")});
        if (roads) {
            out.emplace_back("road_snap_km", snap ? Value{round3(snap->km)} : Value{});
            out.emplace_back("access_fallback", fallback.empty() ? Value{} : Value{fallback});
        }
        f.props.set_all(std::move(out));
    };
    sum.features = map_features(opts.inputs, opts.read, log, sink, change, 0, &progress);
    sum.settlements = settlements;
    sum.without_position = without_position;
    sum.unsnapped_settlements = unsnapped;
    sum.fallback_settlements = fallbacks;
    std::size_t kind_index = 0;
    for (const auto& entry : kinds)
        if (std::size_t n = unreachable[kind_index++]) sum.unreachable[entry.first] = n;
    sink.finish();
    progress.done();
    if (sum.without_position)
        log.warn("no-position", std::to_string(sum.without_position) +
                                    " settlements have no position: their access fields are null");
    std::string then = opts.fallback_geodesic ? ": measured in a straight line (access_fallback)"
                                              : ": left null (--fallback geodesic measures them in a straight line)";
    if (sum.unsnapped_settlements)
        log.warn("settlement-unsnapped", std::to_string(sum.unsnapped_settlements) + " settlements lie farther than " +
                                             as_text(Value{opts.snap_km}) + " km from any road vertex" + then);
    for (const auto& [key, n] : sum.unreachable)
        log.warn("unreachable-" + key, std::to_string(n) + " settlements reach no " + key +
                                           " by road (another part of the network)" + then);
    return sum;
}

}  // namespace atd
