#include <atd/areas.hpp>
#include <atd/error.hpp>
#include <atd/geo.hpp>
#include <atd/model.hpp>
#include <atd/polygons.hpp>

#include <cmath>
#include <map>
#include <unordered_map>

namespace atd {

std::string area_unit_of(const Properties& p) {
    auto okrug = p.get_string(field::okrug_kato);
    if (okrug && !okrug->empty()) return *okrug;
    auto parent = p.get_string(field::parent_kato), district = p.get_string(field::district_kato);
    if (parent && !parent->empty() && parent != district) return *parent;
    return p.get_string(field::kato).value_or("");
}

namespace {

struct Unit {
    Properties props;
    Geometry geom;
};

struct Member {
    std::size_t feature;  // index into the settlements
};

std::string text_or_empty(const Properties& p, std::string_view key) { return p.get_string(key).value_or(""); }

}  // namespace

AreasSummary derive_areas(const AreasOptions& opts, FeatureSink& sink, Log& log) {
    AreasSummary sum;
    std::unordered_map<std::string, Unit> units;
    std::vector<Feature> settlements;
    for (const auto& path : opts.inputs) {
        auto src = FeatureSource::open(path, opts.read, log);
        Feature f;
        while (src->next(f)) {
            auto type = f.props.get_string(field::feature_type);
            if (!type) throw DataError(src->where() + ": no feature_type (atd-areas reads the output of atd-ingest)");
            if (*type == kUnit) {
                auto kato = f.props.get_string(field::kato);
                if (!kato || kato->empty()) throw DataError(src->where() + ": a unit without a kato code");
                units[*kato] = Unit{std::move(f.props), std::move(f.geom)};
            } else if (*type == kSettlement) {
                auto kato = f.props.get_string(field::kato);
                if (!kato || kato->empty()) throw DataError(src->where() + ": a settlement without a kato code");
                settlements.push_back(std::move(f));
            }
            f = Feature{};
        }
    }
    sum.settlements = settlements.size();
    // Districts in the order their settlements appear, and their areas by unit code.
    std::vector<std::string> district_order;
    std::map<std::string, std::map<std::string, std::vector<std::size_t>>> by_district;
    for (std::size_t i = 0; i < settlements.size(); ++i) {
        const auto& p = settlements[i].props;
        auto district = p.get_string(field::district_kato);
        if (!district || district->empty()) {
            ++sum.without_district;
            log.warn("area-no-district", "settlement " + text_or_empty(p, field::kato) +
                                             ": no district_kato, so no district to divide: left out");
            continue;
        }
        auto [it, fresh] = by_district.try_emplace(*district);
        if (fresh) district_order.push_back(*district);
        it->second[area_unit_of(p)].push_back(i);
    }
    sum.districts = district_order.size();
    for (const auto& district : district_order) {
        auto unit = units.find(district);
        const Geometry* polygon = nullptr;
        if (unit != units.end() &&
            (unit->second.geom.type == GeomType::Polygon || unit->second.geom.type == GeomType::MultiPolygon))
            polygon = &unit->second.geom;
        if (!polygon) {
            ++sum.districts_without_polygon;
            log.warn("area-no-polygon", "district " + district +
                                            " has no polygon: its areas are written without geometry");
        }
        const auto& groups = by_district[district];
        // One Voronoi diagram for the district's placed settlements.
        std::vector<std::pair<double, double>> points;
        std::vector<std::size_t> point_of(settlements.size(), SIZE_MAX);
        for (const auto& [code, members] : groups)
            for (std::size_t i : members) {
                if (settlements[i].geom.empty()) {
                    ++sum.without_position;
                    continue;
                }
                point_of[i] = points.size();
                points.push_back(representative_point(settlements[i].geom));
            }
        std::vector<Geometry> cells;
        if (polygon) cells = voronoi_cells(points, *polygon);
        std::vector<Geometry> written;
        for (const auto& [code, members] : groups) {
            std::vector<const Geometry*> parts;
            double population = 0;
            std::size_t placed = 0, population_known = 0;
            for (std::size_t i : members) {
                const auto& p = settlements[i].props;
                auto pop = latest_yearly(p, "pop");
                if (!pop) pop = p.get_number("pop_osm");
                if (pop) {
                    population += *pop;
                    ++population_known;
                }
                if (point_of[i] == SIZE_MAX) continue;
                ++placed;
                if (!polygon) continue;
                const Geometry& cell = cells[point_of[i]];
                if (cell.empty()) {
                    // Either another settlement stands at the same position, or this one lies
                    // outside the district's polygon so that its cell is clipped away.
                    bool shared = false;
                    for (std::size_t k = 0; k < points.size() && !shared; ++k)
                        shared = k != point_of[i] && points[k] == points[point_of[i]];
                    if (shared) {
                        ++sum.same_position;
                        log.warn("area-same-position", "settlement " + text_or_empty(p, field::kato) +
                                                           " shares its position with another: its cell goes to the first");
                    } else {
                        ++sum.outside;
                        log.warn("area-outside", "settlement " + text_or_empty(p, field::kato) +
                                                     " lies outside its district's polygon: it gets no cell");
                    }
                } else {
                    parts.push_back(&cell);
                }
            }
            Feature out;
            if (!parts.empty()) out.geom = dissolve_geometries(parts);
            double km2 = out.geom.empty() ? 0.0 : geodesic_area_km2(out.geom);
            if (!out.geom.empty()) written.push_back(out.geom);
            auto u = units.find(code);
            const Properties* named = u != units.end() ? &u->second.props : nullptr;
            if (!named)
                for (std::size_t i : members)
                    if (text_or_empty(settlements[i].props, field::kato) == code) named = &settlements[i].props;
            auto& q = out.props;
            q.append("feature_type", std::string("area"));
            q.append("kato", code);
            q.append("area_kind", u != units.end() ? Value{text_or_empty(u->second.props, field::unit_kind)}
                                                   : Value{std::string("settlement")});
            auto name = [&](std::string_view key) { return named ? named->get_string(key) : std::nullopt; };
            q.append("name_ru", name(field::name_ru) ? Value{*name(field::name_ru)} : Value{});
            q.append("name_kk", name(field::name_kk) ? Value{*name(field::name_kk)} : Value{});
            q.append("category", u == units.end() && named ? Value{text_or_empty(*named, field::category)} : Value{});
            q.append("district_kato", district);
            auto oblast = settlements[members.front()].props.get_string(field::oblast_kato);
            q.append("oblast_kato", oblast ? Value{*oblast} : Value{});
            q.append("settlements", static_cast<std::int64_t>(members.size()));
            q.append("settlements_placed", static_cast<std::int64_t>(placed));
            q.append("population", population_known ? Value{population} : Value{});
            q.append("population_known", static_cast<std::int64_t>(population_known));
            q.append("area_km2", out.geom.empty() ? Value{} : Value{std::round(km2 * 1000) / 1000});
            q.append("area_source", std::string("derived"));
            // The unit's own statistics (budgets, for mergers) go with its area.
            if (u != units.end())
                for (const auto& [k, v] : u->second.props.entries())
                    if (parse_stat_field(k)) q.append(k, v);
            if (out.geom.empty()) ++sum.areas_without_geometry;
            sink.write(out);
            ++sum.areas;
        }
        if (polygon && !written.empty()) {
            std::vector<const Geometry*> all;
            for (const auto& g : written) all.push_back(&g);
            Geometry merged = dissolve_geometries(all);
            double parts_area = 0;
            for (const auto& g : written) parts_area += planar_area(g);
            double whole = planar_area(*polygon);
            sum.worst_cover_gap = std::max(sum.worst_cover_gap, cover_mismatch(*polygon, merged));
            if (whole > 0) sum.worst_overlap = std::max(sum.worst_overlap, (parts_area - planar_area(merged)) / whole);
        }
    }
    sink.finish();
    if (sum.areas_without_geometry)
        log.warn("area-empty", std::to_string(sum.areas_without_geometry) +
                                   " areas have no geometry (no settlement with a position, or no district polygon)");
    return sum;
}

}  // namespace atd
