#include <atd/access.hpp>
#include <atd/error.hpp>
#include <atd/geo.hpp>
#include <atd/model.hpp>

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

namespace {

struct KindIndex {
    std::vector<std::string> ids;
    PointIndex index;
};

}  // namespace

AccessSummary compute_access(const AccessOptions& opts, FeatureSink& sink, Log& log, Progress& progress) {
    if (opts.facilities.empty()) throw UsageError("give at least one facility layer with --facilities");
    if (!(opts.radius_km > 0) || !std::isfinite(opts.radius_km)) throw UsageError("--radius must be a positive number");
    AccessSummary sum;
    // Facilities by kind, with their positions.
    std::map<std::string, std::vector<double>> lon, lat;
    std::map<std::string, std::vector<std::string>> ids;
    for (const auto& layer : opts.facilities) {
        auto src = FeatureSource::open(layer.path, opts.read, log);
        Feature f;
        std::size_t n = 0;
        while (src->next(f)) {
            ++n;
            std::string kind = layer.kind;
            if (kind.empty()) {
                auto k = f.props.get_string(opts.kind_field);
                if (!k || k->empty())
                    throw DataError(src->where() + ": no '" + opts.kind_field +
                                    "' field (name the kind with --facilities KIND=FILE or --kind-field)");
                kind = *k;
            }
            std::string key = kind_key(kind);
            if (key.empty()) throw DataError(src->where() + ": kind '" + kind + "' has no letters or digits");
            if (f.geom.empty()) throw DataError(src->where() + ": a facility without a position");
            auto [x, y] = representative_point(f.geom);
            std::string id = f.props.get_string(opts.id_field).value_or(
                f.id ? as_text(*f.id) : std::to_string(n));
            lon[key].push_back(x);
            lat[key].push_back(y);
            ids[key].push_back(id);
        }
    }
    std::map<std::string, KindIndex> kinds;
    for (auto& [key, xs] : lon) {
        KindIndex& k = kinds[key];
        std::vector<std::size_t> order(xs.size());
        for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
        k.ids = std::move(ids[key]);
        k.index.build(std::move(xs), std::move(lat[key]), std::move(order));
        sum.facilities[key] = k.ids.size();
    }
    Feature f;
    for (const auto& path : opts.inputs) {
        auto src = FeatureSource::open(path, opts.read, log);
        while (src->next(f)) {
            ++sum.features;
            bool settlement = f.props.get_string(field::feature_type).value_or(std::string(kSettlement)) == kSettlement;
            if (settlement) {
                ++sum.settlements;
                std::vector<Properties::Entry> out;
                out.reserve(kinds.size() * 3 + 2);
                bool placed = !f.geom.empty();
                double x = 0, y = 0;
                if (placed) std::tie(x, y) = representative_point(f.geom);
                else ++sum.without_position;
                for (const auto& [key, k] : kinds) {
                    Value dist, nearest, count;
                    if (placed) {
                        if (auto n = k.index.nearest(x, y)) {
                            dist = std::round(n->second * 1000.0) / 1000.0;
                            nearest = k.ids[n->first];
                        }
                        count = static_cast<std::int64_t>(k.index.within(x, y, opts.radius_km).size());
                    }
                    out.emplace_back("dist_" + key + "_km", std::move(dist));
                    out.emplace_back("nearest_" + key, std::move(nearest));
                    out.emplace_back("count_" + key, std::move(count));
                }
                out.emplace_back("access_radius_km", opts.radius_km);
                out.emplace_back("access_method", placed ? Value{std::string("geodesic")} : Value{});
                f.props.set_all(std::move(out));
            }
            sink.write(f);
            progress.tick();
        }
    }
    sink.finish();
    progress.done();
    if (sum.without_position)
        log.warn("no-position", std::to_string(sum.without_position) +
                                    " settlements have no position: their access fields are null");
    return sum;
}

}  // namespace atd
