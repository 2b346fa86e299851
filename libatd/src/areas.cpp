#include <atd/areas.hpp>
#include <atd/error.hpp>
#include <atd/geo.hpp>
#include <atd/model.hpp>
#include <atd/pipeline.hpp>
#include <atd/polygons.hpp>
#include <atd/memory.hpp>

#include <cmath>
#include <map>
#include <optional>
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
    std::string where;  // the feature it was read from, for messages
};

// What atd-areas keeps of a settlement.
struct Place {
    std::string kato, unit, district, category;
    std::optional<std::string> oblast, name_ru, name_kk;
    std::optional<double> population;  // the latest yearly figure, else pop_osm
    bool placed = false;
    std::pair<double, double> at;
};

std::string text_or_empty(const Properties& p, std::string_view key) { return p.get_string(key).value_or(""); }

// One district's areas, built on any thread and written in order.
struct DistrictAreas {
    std::vector<Feature> areas;
    std::vector<std::pair<std::string, std::string>> warnings;  // code, message
    std::size_t without_position = 0, same_position = 0, outside = 0, without_geometry = 0;
    bool has_polygon = false;
    double cover_gap = 0, overlap = 0;
};

// The district's polygon and the frame it is divided in: a polygon split at
// ±180 is moved east of it (negative longitudes plus 360) and made whole.
struct DistrictFrame {
    const Geometry* polygon = nullptr;  // as read; null when the district has none
    Geometry local;                     // the polygon in the frame, when wrapped
    bool wrapped = false;
    const Geometry& clip() const { return wrapped ? local : *polygon; }
    std::pair<double, double> place(std::pair<double, double> at) const {
        if (wrapped && at.first < 0) at.first += 360.0;
        return at;
    }
    Geometry back(Geometry g) const { return wrapped && !g.empty() ? split_at_antimeridian(g) : g; }
};

// The frame for a district's polygon; DataError naming its feature when the
// polygon cannot be divided.
DistrictFrame frame_for(const std::string& district, const Unit* unit) {
    DistrictFrame frame;
    if (!unit || unit->geom.empty()) return frame;
    const Geometry& g = unit->geom;
    std::string whose = unit->where + ": district " + district + ": ";
    if (g.type != GeomType::Polygon && g.type != GeomType::MultiPolygon)
        throw DataError(whose + "its geometry is a " + std::string(geom_type_name(g.type)) +
                        ", not a polygon to divide: give it a polygon, or none");
    if (auto problem = polygon_problem(g)) throw DataError(whose + *problem);
    frame.polygon = &g;
    if (spans_antimeridian(g)) {
        frame.wrapped = true;
        frame.local = g;
        shift_west_longitudes(frame.local);
        frame.local = dissolve_geometries({&frame.local});
    }
    return frame;
}

// Notes why a placed settlement got no cell.
void note_no_cell(const Place& pl, std::size_t at, const std::vector<std::pair<double, double>>& points,
                  DistrictAreas& out) {
    // Either another settlement stands at the same position, or this one lies
    // outside the district's polygon so that its cell is clipped away.
    bool shared = false;
    for (std::size_t k = 0; k < points.size() && !shared; ++k) shared = k != at && points[k] == points[at];
    if (shared) {
        ++out.same_position;
        out.warnings.emplace_back("area-same-position",
                                  "settlement " + pl.kato + " shares its position with another: its cell goes to the first");
    } else {
        ++out.outside;
        out.warnings.emplace_back("area-outside",
                                  "settlement " + pl.kato + " lies outside its district's polygon: it gets no cell");
    }
}

// The fields of an area feature.
void describe_area(Feature& f, const std::string& code, const std::string& district, const std::vector<std::size_t>& members,
                   std::size_t placed, const std::vector<Place>& places, const std::unordered_map<std::string, Unit>& units) {
    double population = 0;
    std::size_t population_known = 0;
    for (std::size_t i : members)
        if (places[i].population) {
            population += *places[i].population;
            ++population_known;
        }
    double km2 = f.geom.empty() ? 0.0 : geodesic_area_km2(f.geom);
    auto u = units.find(code);
    const Place* named = nullptr;  // the last settlement of the unit's own code
    if (u == units.end())
        for (std::size_t i : members)
            if (places[i].kato == code) named = &places[i];
    auto name = [&](std::string_view key) -> Value {
        if (u != units.end()) {
            auto v = u->second.props.get_string(key);
            return v ? Value{*v} : Value{};
        }
        const auto& v = !named ? std::nullopt : key == field::name_ru ? named->name_ru : named->name_kk;
        return v ? Value{*v} : Value{};
    };
    auto& q = f.props;
    q.append("feature_type", std::string("area"));
    q.append("kato", code);
    q.append("area_kind", u != units.end() ? Value{text_or_empty(u->second.props, field::unit_kind)}
                                           : Value{std::string("settlement")});
    q.append("name_ru", name(field::name_ru));
    q.append("name_kk", name(field::name_kk));
    q.append("category", u == units.end() && named ? Value{named->category} : Value{});
    q.append("district_kato", district);
    const auto& oblast = places[members.front()].oblast;
    q.append("oblast_kato", oblast ? Value{*oblast} : Value{});
    q.append("settlements", static_cast<std::int64_t>(members.size()));
    q.append("settlements_placed", static_cast<std::int64_t>(placed));
    q.append("population", population_known ? Value{population} : Value{});
    q.append("population_known", static_cast<std::int64_t>(population_known));
    q.append("area_km2", f.geom.empty() ? Value{} : Value{std::round(km2 * 1000) / 1000});
    q.append("area_source", std::string("derived"));
    // The unit's own statistics (budgets, for mergers) go with its area.
    if (u != units.end())
        for (const auto& [k, v] : u->second.props.entries())
            if (parse_stat_field(k)) q.append(k, v);
}

DistrictAreas divide_district(const std::string& district, const DistrictFrame& frame,
                              const std::map<std::string, std::vector<std::size_t>>& groups,
                              const std::vector<Place>& places, const std::unordered_map<std::string, Unit>& units) {
    DistrictAreas out;
    const Geometry* polygon = frame.polygon;
    out.has_polygon = polygon != nullptr;
    // One Voronoi diagram for the district's placed settlements.
    std::vector<std::pair<double, double>> points;
    std::unordered_map<std::size_t, std::size_t> point_of;
    for (const auto& [code, members] : groups)
        for (std::size_t i : members) {
            if (!places[i].placed) {
                ++out.without_position;
                continue;
            }
            point_of[i] = points.size();
            points.push_back(frame.place(places[i].at));
        }
    std::vector<Geometry> cells;
    if (polygon) cells = voronoi_cells(points, frame.clip());
    std::vector<const Geometry*> written;
    out.areas.reserve(groups.size());  // written points into it
    for (const auto& [code, members] : groups) {
        std::vector<const Geometry*> parts;
        std::size_t placed = 0;
        for (std::size_t i : members) {
            auto pt = point_of.find(i);
            if (pt == point_of.end()) continue;
            ++placed;
            if (!polygon) continue;
            const Geometry& cell = cells[pt->second];
            if (cell.empty()) note_no_cell(places[i], pt->second, points, out);
            else parts.push_back(&cell);
        }
        Feature f;
        if (!parts.empty()) f.geom = frame.back(dissolve_geometries(parts));
        describe_area(f, code, district, members, placed, places, units);
        if (f.geom.empty()) ++out.without_geometry;
        out.areas.push_back(std::move(f));
        if (!out.areas.back().geom.empty()) written.push_back(&out.areas.back().geom);
    }
    if (polygon && !written.empty()) {
        Geometry merged = dissolve_geometries(written);
        double parts_area = 0;
        for (const Geometry* g : written) parts_area += planar_area(*g);
        double whole = planar_area(*polygon);
        out.cover_gap = cover_mismatch(*polygon, merged);
        if (whole > 0) out.overlap = (parts_area - planar_area(merged)) / whole;
    }
    return out;
}

// A district's areas; errors name the district and the feature of its polygon.
DistrictAreas district_areas(const std::string& district, const std::map<std::string, std::vector<std::size_t>>& groups,
                             const std::vector<Place>& places, const std::unordered_map<std::string, Unit>& units) {
    auto u = units.find(district);
    const Unit* unit = u == units.end() ? nullptr : &u->second;
    DistrictFrame frame = frame_for(district, unit);
    try {
        return divide_district(district, frame, groups, places, units);
    } catch (const DataError& e) {
        std::string from = frame.polygon ? unit->where + ": " : "";
        throw DataError(from + "district " + district + ": " + e.what());
    }
}

}  // namespace

AreasSummary derive_areas(const AreasOptions& opts, FeatureSink& sink, Log& log) {
    AreasSummary sum;
    std::unordered_map<std::string, Unit> units;
    std::vector<Place> places;
    // Settlements are cut down on the reading threads to what an area needs:
    // when read, where their records start with feature_type, else after.
    auto wanted = [](std::string_view k) {
        return k == field::feature_type || k == field::kato || k == field::okrug_kato || k == field::parent_kato ||
               k == field::district_kato || k == field::oblast_kato || k == field::name_ru || k == field::name_kk ||
               k == field::category || k == "pop_osm" || field_year(k, "pop");
    };
    ReadOptions read = opts.read;
    read.keep_field = settlement_fields(wanted);
    auto trim = [&wanted](Feature& f) {
        auto type = f.props.get_string(field::feature_type);
        if (!type || *type != kSettlement) return;
        f.props.retain(wanted);
        if (!f.geom.empty() && f.geom.type != GeomType::Point) {
            auto [lon, lat] = representative_point(f.geom);
            f.geom = Geometry::point(lon, lat);
        }
    };
    read_features(opts.inputs, read, log, [&](Feature& f, const FeatureOrigin& at) {
        auto type = f.props.get_string(field::feature_type);
        if (!type) throw DataError(at.where() + ": no feature_type (atd-areas reads the output of atd-ingest)");
        if (*type == kUnit) {
            auto kato = f.props.get_string(field::kato);
            if (!kato || kato->empty()) throw DataError(at.where() + ": a unit without a kato code");
            units[*kato] = Unit{std::move(f.props), std::move(f.geom), at.where()};
        } else if (*type == kSettlement) {
            auto kato = f.props.get_string(field::kato);
            if (!kato || kato->empty()) throw DataError(at.where() + ": a settlement without a kato code");
            Place pl;
            const Properties& p = f.props;
            pl.kato = *kato;
            pl.unit = area_unit_of(p);
            pl.district = text_or_empty(p, field::district_kato);
            pl.oblast = p.get_string(field::oblast_kato);
            pl.name_ru = p.get_string(field::name_ru);
            pl.name_kk = p.get_string(field::name_kk);
            pl.category = text_or_empty(p, field::category);
            pl.population = latest_yearly(p, "pop");
            if (!pl.population) pl.population = p.get_number("pop_osm");
            if (!f.geom.empty()) {
                pl.placed = true;
                pl.at = representative_point(f.geom);
            }
            places.push_back(std::move(pl));
        }
    }, trim);
    sum.settlements = places.size();
    Doing doing("deriving the areas district by district");
    // Districts in the order their settlements appear, and their areas by unit code.
    std::vector<std::string> district_order;
    std::map<std::string, std::map<std::string, std::vector<std::size_t>>> by_district;
    for (std::size_t i = 0; i < places.size(); ++i) {
        const Place& pl = places[i];
        if (pl.district.empty()) {
            ++sum.without_district;
            log.warn("area-no-district", "settlement " + pl.kato + ": no district_kato, so no district to divide: left out");
            continue;
        }
        auto [it, fresh] = by_district.try_emplace(pl.district);
        if (fresh) district_order.push_back(pl.district);
        it->second[pl.unit].push_back(i);
    }
    sum.districts = district_order.size();
    // Districts a window at a time: built on all threads, written in order.
    ordered_windows<DistrictAreas>(
        district_order.size(), 64, default_threads(),
        [&](std::size_t i, DistrictAreas& d) {
            const std::string& district = district_order[i];
            d = district_areas(district, by_district.at(district), places, units);
        },
        [&](std::size_t i, DistrictAreas& d) {
            if (!d.has_polygon) {
                ++sum.districts_without_polygon;
                log.warn("area-no-polygon",
                         "district " + district_order[i] + " has no polygon: its areas are written without geometry");
            }
            for (const auto& [code, message] : d.warnings) log.warn(code, message);
            sum.without_position += d.without_position;
            sum.same_position += d.same_position;
            sum.outside += d.outside;
            sum.areas_without_geometry += d.without_geometry;
            sum.worst_cover_gap = std::max(sum.worst_cover_gap, d.cover_gap);
            sum.worst_overlap = std::max(sum.worst_overlap, d.overlap);
            for (const auto& f : d.areas) sink.write(f);
            sum.areas += d.areas.size();
        });
    sink.finish();
    if (sum.areas_without_geometry)
        log.warn("area-empty", std::to_string(sum.areas_without_geometry) +
                                   " areas have no geometry (no settlement with a position, or no district polygon)");
    return sum;
}

}  // namespace atd
