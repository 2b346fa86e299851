#include <atd/dissolve.hpp>
#include <atd/error.hpp>
#include <atd/geo.hpp>
#include <atd/memory.hpp>
#include <atd/polygons.hpp>

#include <cmath>
#include <unordered_map>

namespace atd {

namespace {

// Refuses a member's geometry that cannot be dissolved, naming its feature.
void check_member(const Geometry& g, const FeatureOrigin& at) {
    if (g.type == GeomType::LineString || g.type == GeomType::MultiLineString)
        throw DataError(at.where() + ": a " + std::string(geom_type_name(g.type)) +
                        " cannot be dissolved: atd-dissolve merges polygons (or points)");
    if (g.type != GeomType::Polygon && g.type != GeomType::MultiPolygon) return;
    if (auto problem = polygon_problem(g)) throw DataError(at.where() + ": " + *problem);
}

}  // namespace

DissolveSummary dissolve(const DissolveOptions& opts, FeatureSink& sink, Log& log) {
    if (opts.by.empty()) throw UsageError("name the grouping field with --by FIELD");
    if (!(opts.min_hole_km2 >= 0)) throw UsageError("--min-hole-km2 must be a number of at least 0");
    for (const auto* fields : {&opts.sum, &opts.first, &opts.same, &opts.list})
        for (const auto& f : *fields)
            if (f == "members" || f == "area_km2" || f == "feature_type" || f == opts.by)
                throw UsageError("'" + f + "' is a field atd-dissolve writes itself (members, area_km2, feature_type, "
                                 "the --by field): it cannot also be summed, kept or listed");
    struct Group {
        std::string key;
        std::vector<Geometry> geoms;
        std::vector<double> sums;
        std::vector<std::size_t> summed;  // members with a value, per sum field
        std::vector<Value> firsts, sames;
        std::vector<bool> differ;
        std::vector<std::string> lists;
        std::size_t members = 0;
        std::string first_where;  // the first member, for messages
    };
    DissolveSummary sum;
    std::vector<Group> groups;
    std::unordered_map<std::string, std::size_t> index;
    read_features(opts.inputs, opts.read, log, [&](Feature& f, const FeatureOrigin& at) {
        ++sum.features;
        const Value* key = f.props.find(opts.by);
        if (!key || is_null(*key))
            throw DataError(at.where() + ": no value in the --by field '" + opts.by + "'");
        std::string k = as_text(*key);
        auto [it, fresh] = index.try_emplace(k, groups.size());
        if (fresh) {
            Group g;
            g.key = k;
            g.sums.assign(opts.sum.size(), 0.0);
            g.summed.assign(opts.sum.size(), 0);
            g.firsts.assign(opts.first.size(), Value{});
            g.sames.assign(opts.same.size(), Value{});
            g.differ.assign(opts.same.size(), false);
            g.lists.assign(opts.list.size(), std::string());
            g.first_where = at.where();
            groups.push_back(std::move(g));
        }
        Group& g = groups[it->second];
        for (std::size_t i = 0; i < opts.sum.size(); ++i) {
            const Value* v = f.props.find(opts.sum[i]);
            if (!v || is_null(*v)) continue;
            auto n = as_number(*v);
            if (!n || !std::isfinite(*n))
                throw DataError(at.where() + ": " + opts.sum[i] + " '" + as_text(*v) + "' is not a number to sum");
            g.sums[i] += *n;
            ++g.summed[i];
        }
        for (std::size_t i = 0; i < opts.first.size(); ++i)
            if (g.members == 0)
                if (const Value* v = f.props.find(opts.first[i])) g.firsts[i] = *v;
        for (std::size_t i = 0; i < opts.same.size(); ++i) {
            const Value* v = f.props.find(opts.same[i]);
            Value here = v ? *v : Value{};
            if (g.members == 0) g.sames[i] = here;
            else if (!g.differ[i] && !(g.sames[i] == here)) {
                g.differ[i] = true;
                ++sum.disagreements;
                log.warn("dissolve-differ", at.where() + ": " + opts.same[i] + " differs within " + opts.by + " " +
                                                k + ": the dissolved value is null");
            }
        }
        for (std::size_t i = 0; i < opts.list.size(); ++i) {
            const Value* v = f.props.find(opts.list[i]);
            if (!v || is_null(*v)) continue;
            g.lists[i] += (g.lists[i].empty() ? "" : ";") + as_text(*v);
        }
        check_member(f.geom, at);
        if (!f.geom.empty()) g.geoms.push_back(std::move(f.geom));
        ++g.members;
    });
    Doing doing("dissolving the groups");
    for (auto& g : groups) {
        Feature out;
        std::vector<const Geometry*> parts;
        for (const auto& geom : g.geoms) parts.push_back(&geom);
        try {
            out.geom = dissolve_geometries(parts);
            sum.holes_filled += drop_small_holes(out.geom, opts.min_hole_km2);
        } catch (const DataError& e) {
            throw DataError(g.first_where + ": the " + std::to_string(g.members) + " features with " + opts.by +
                            " '" + g.key + "' (this the first): " + e.what());
        }
        auto& p = out.props;
        if (!opts.feature_type.empty()) p.append("feature_type", opts.feature_type);
        p.append(opts.by, g.key);
        p.append("members", static_cast<std::int64_t>(g.members));
        for (std::size_t i = 0; i < opts.sum.size(); ++i) p.append(opts.sum[i], g.summed[i] ? Value{g.sums[i]} : Value{});
        for (std::size_t i = 0; i < opts.first.size(); ++i) p.append(opts.first[i], g.firsts[i]);
        for (std::size_t i = 0; i < opts.same.size(); ++i) p.append(opts.same[i], g.differ[i] ? Value{} : g.sames[i]);
        for (std::size_t i = 0; i < opts.list.size(); ++i)
            p.append(opts.list[i], g.lists[i].empty() ? Value{} : Value{g.lists[i]});
        if (out.geom.type == GeomType::Polygon || out.geom.type == GeomType::MultiPolygon)
            p.append("area_km2", std::round(geodesic_area_km2(out.geom) * 1000) / 1000);
        sink.write(out);
        ++sum.groups;
    }
    sink.finish();
    return sum;
}

}  // namespace atd
