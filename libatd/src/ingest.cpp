#include <atd/csv.hpp>
#include <atd/error.hpp>
#include <atd/geo.hpp>
#include <atd/ingest.hpp>
#include <atd/kato.hpp>
#include <atd/model.hpp>

#include <algorithm>
#include <cstdint>
#include <charconv>
#include <cmath>
#include <filesystem>
#include <functional>
#include <map>
#include <unordered_map>

namespace atd {

namespace {

Value number_value(double d) {
    if (std::nearbyint(d) == d && std::fabs(d) < 9.0e15) return static_cast<std::int64_t>(d);
    return d;
}

std::string plural(std::size_t n, const char* one, const char* many) {
    return std::to_string(n) + " " + (n == 1 ? one : many);
}

std::string percent(std::size_t part, std::size_t whole) {
    if (whole == 0) return "0%";
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.1f%%", 100.0 * static_cast<double>(part) / static_cast<double>(whole));
    return buf;
}

// Unmatched codes to show: five, or all of them with -v.
struct Examples {
    explicit Examples(const Log& log) : limit(log.verbosity() == Verbosity::Verbose ? SIZE_MAX : 5) {}
    void note(const std::string& code) {
        if (items.size() < limit && (items.empty() || items.back() != code)) items.push_back(code);
    }
    std::size_t limit;
    std::vector<std::string> items;
};

void report_join(Log& log, const std::string& what, const JoinCounts& c, const Examples& ex_list) {
    const auto& examples = ex_list.items;
    std::string line = what + ": " + plural(c.rows, "row", "rows") + ", " + std::to_string(c.matched) +
                       " matched, " + std::to_string(c.unmatched) + " unmatched, " + std::to_string(c.conflicts) +
                       " conflicting";
    if (c.duplicates) line += ", " + std::to_string(c.duplicates) + " repeated with the same value";
    if (c.ignored) line += ", " + std::to_string(c.ignored) + " ignored";
    if (c.sub_localities)
        line += ", " + std::to_string(c.sub_localities) + " for sub-localities not written (see --sub-localities)";
    log.info(line);
    if (!examples.empty()) {
        std::string ex = what + (c.unmatched > examples.size() ? ": unmatched, for example:" : ": unmatched:");
        for (const auto& e : examples) ex += " " + e;
        log.info(ex);
    }
}


// Lower-case Cyrillic/Latin name without type prefixes, for joins by name.
std::string normalise_name(std::string_view s) {
    std::string out;
    out.reserve(s.size());
    for (std::size_t i = 0; i < s.size();) {
        auto c = static_cast<unsigned char>(s[i]);
        if (c < 0x80) {
            char l = static_cast<char>(std::tolower(c));
            if (l == '-' || l == ' ' || l == '.' || l == '"' || l == '\'' || l == '(' || l == ')') l = ' ';
            out.push_back(l);
            ++i;
            continue;
        }
        if (i + 1 < s.size()) {
            unsigned cp = ((c & 0x1Fu) << 6) | (static_cast<unsigned char>(s[i + 1]) & 0x3Fu);
            if ((c & 0xE0u) == 0xC0u) {
                if (cp >= 0x410 && cp <= 0x42F) cp += 0x20;           // А-Я
                else if (cp >= 0x400 && cp <= 0x40F) cp += 0x50;      // Ѐ-Џ
                else if (cp >= 0x460 && cp <= 0x4FF && cp % 2 == 0) cp += 1;  // Kazakh Ә Ғ Қ Ң Ө Ұ Ү Һ ...
                if (cp == 0x451) cp = 0x435;  // ё -> е
                out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
                out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
                i += 2;
                continue;
            }
        }
        out.push_back(s[i]);
        ++i;
    }
    // Collapse blanks and drop leading type abbreviations ("с ", "п ", "г ", "ст ", "аул ").
    std::string collapsed;
    for (char ch : out) {
        if (ch == ' ' && (collapsed.empty() || collapsed.back() == ' ')) continue;
        collapsed.push_back(ch);
    }
    while (!collapsed.empty() && collapsed.back() == ' ') collapsed.pop_back();
    static const std::string_view prefixes[] = {"с ", "п ", "г ", "ст ", "аул ", "село ", "поселок ", "посёлок ",
                                                "кр ", "рзд ", "отд ", "уч ", "ауылы "};
    for (auto p : prefixes) {
        if (collapsed.size() > p.size() && collapsed.compare(0, p.size(), p) == 0) {
            collapsed.erase(0, p.size());
            break;
        }
    }
    return collapsed;
}

std::optional<std::string> find_key_field(const Feature& f, const std::string& wanted,
                                          std::initializer_list<std::string_view> candidates) {
    if (!wanted.empty()) return f.props.find(wanted) ? std::optional<std::string>(wanted) : std::nullopt;
    for (auto c : candidates)
        if (f.props.find(c)) return std::string(c);
    return std::nullopt;
}

// Points from a CSV with lon/lat columns, or from any feature source.
std::vector<Feature> read_point_layer(const std::string& path, const ReadOptions& ropts, Log& log) {
    std::filesystem::path p(path);
    std::string ext = p.extension().string();
    for (auto& c : ext) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (ext == ".csv" || ext == ".tsv" || ext == ".txt") {
        CsvReader csv(path);
        auto lon = csv.column_any({"lon", "longitude", "lng", "x"});
        auto lat = csv.column_any({"lat", "latitude", "y"});
        if (lon && lat) {
            std::vector<Feature> out;
            std::vector<std::string> row;
            bool comma = csv.delimiter() == ';';
            while (csv.next(row)) {
                Feature f;
                for (std::size_t i = 0; i < row.size(); ++i)
                    if (i != *lon && i != *lat) f.props.append(csv.header()[i], std::string(trim(row[i])));
                double x = 0, y = 0;
                auto sx = parse_number(row[*lon], x, comma);
                auto sy = parse_number(row[*lat], y, comma);
                if (sx == NumberStatus::Empty && sy == NumberStatus::Empty) {
                    out.push_back(std::move(f));  // no position: counted by the join
                    continue;
                }
                if (sx != NumberStatus::Ok)
                    throw DataError(csv.where() + ": " + csv.header()[*lon] + " '" + row[*lon] + "' " +
                                    std::string(number_status_text(sx)));
                if (sy != NumberStatus::Ok)
                    throw DataError(csv.where() + ": " + csv.header()[*lat] + " '" + row[*lat] + "' " +
                                    std::string(number_status_text(sy)));
                f.geom = Geometry::point(x, y);
                if (!ropts.src_crs.empty()) {
                    Reprojector r(ropts.src_crs);
                    r.apply(f.geom);
                } else if (!within_lonlat(f.geom)) {
                    throw DataError(csv.where() + ": position (" + row[*lon] + ", " + row[*lat] +
                                    ") is outside the lon/lat range; give its CRS with --src-crs");
                }
                out.push_back(std::move(f));
            }
            return out;
        }
    }
    return read_all(path, ropts, log);
}

struct StatTarget {
    std::vector<Feature*> features;
};

class StatsJoin {
public:
    StatsJoin(const IngestOptions& o, Log& log) : opts_(o), log_(log) {}

    void load() {
        for (const auto& path : opts_.stats) {
            std::size_t ignored = 0;
            auto recs = read_stats_table(path, log_, opts_.strict, ignored);
            counts_.ignored += ignored;
            for (auto& r : recs) records_.push_back({path, std::move(r)});
        }
        counts_.rows = records_.size() + counts_.ignored;
        for (std::size_t i = 0; i < records_.size(); ++i) by_code_[records_[i].rec.kato].push_back(i);
        applied_.assign(records_.size(), false);
    }

    bool empty() const { return records_.empty(); }

    // Applies all records for this feature's code.
    void apply(Feature& f, const std::string& code) {
        auto it = by_code_.find(code);
        if (it == by_code_.end()) return;
        for (std::size_t i : it->second) {
            const auto& [path, r] = records_[i];
            if (!applied_[i]) {
                applied_[i] = true;
                ++counts_.matched;
            }
            Value* existing = f.props.find(r.field);
            if (!existing || is_null(*existing)) {
                f.props.set(r.field, r.value);
                continue;
            }
            if (as_number(*existing) == as_number(r.value)) {
                ++counts_.duplicates;
                continue;
            }
            std::string msg = path + ": line " + std::to_string(r.line) + ": " + r.field + " of " + code + " is " +
                              as_text(r.value) + " but was already " + as_text(*existing);
            if (opts_.strict) throw DataError(msg);
            ++counts_.conflicts;
            log_.warn("stats-conflict", msg + "; the first value is kept");
        }
    }

    // Codes known to exist but deliberately not written (sub-localities).
    void set_unwritten(std::function<bool(const std::string&)> f) { unwritten_ = std::move(f); }

    JoinCounts finish() {
        Examples examples(log_);
        for (std::size_t i = 0; i < records_.size(); ++i) {
            if (applied_[i]) continue;
            const auto& [path, r] = records_[i];
            if (unwritten_ && unwritten_(r.kato)) {
                ++counts_.sub_localities;
                continue;
            }
            ++counts_.unmatched;
            if (opts_.strict)
                throw DataError(path + ": line " + std::to_string(r.line) + ": KATO code " + r.kato +
                                " matches no settlement or unit");
            examples.note(r.kato);
        }
        if (!opts_.stats.empty()) report_join(log_, "stats", counts_, examples);
        return counts_;
    }

private:
    struct Entry {
        std::string path;
        StatRecord rec;
    };
    const IngestOptions& opts_;
    Log& log_;
    std::vector<Entry> records_;
    std::unordered_map<std::string, std::vector<std::size_t>> by_code_;
    std::vector<bool> applied_;
    JoinCounts counts_;
    std::function<bool(const std::string&)> unwritten_;
};

// --------------------------------------------------------- pass-through mode

IngestSummary canonicalise_stream(const IngestOptions& opts, FeatureSink& sink, Log& log, Progress& progress) {
    IngestSummary s;
    StatsJoin stats(opts, log);
    stats.load();
    Feature f;
    std::string problem;
    for (const auto& path : opts.inputs) {
        auto src = FeatureSource::open(path, opts.read, log);
        while (src->next(f)) {
            Value* k = f.props.find(field::kato);
            if (!k) throw DataError(src->where() + ": has no 'kato' field");
            if (!std::holds_alternative<std::string>(*k) || std::get<std::string>(*k).size() != 9) {
                auto code = kato_from_value(*k, problem);
                if (!code) throw DataError(src->where() + ": kato " + problem);
                *k = std::move(*code);
            } else if (auto p = kato_problem(std::get<std::string>(*k))) {
                throw DataError(src->where() + ": kato " + *p);
            }
            if (Value* p = f.props.find(field::parent_kato); p && !is_null(*p)) {
                auto code = kato_from_value(*p, problem);
                if (!code) throw DataError(src->where() + ": parent_kato " + problem);
                *p = std::move(*code);
            }
            if (!stats.empty()) stats.apply(f, std::get<std::string>(*k));
            auto t = f.props.get_string(field::feature_type);
            if (t == kUnit) ++s.units;
            else if (t == kSubLocality) ++s.sub_localities;
            else ++s.settlements;
            sink.write(f);
            ++s.features;
            progress.tick();
        }
    }
    s.stats = stats.finish();
    sink.finish();
    progress.done();
    return s;
}

// ------------------------------------------------------------ classifier mode

class Builder {
public:
    Builder(const IngestOptions& o, Log& log) : opts_(o), log_(log), kato_(KatoClassifier::load(o.kato)) {}

    IngestSummary run(FeatureSink& sink, Progress& progress) {
        build();
        join_points();
        join_boundaries();
        join_categories();
        StatsJoin stats(opts_, log_);
        stats.load();
        stats.set_unwritten([this](const std::string& code) { return unwritten(code); });
        if (!stats.empty()) {
            for (auto& f : features_) stats.apply(f, *f.props.get_string(field::kato));
        }
        summary_.stats = stats.finish();
        for (const auto& f : features_) {
            sink.write(f);
            progress.tick();
        }
        summary_.features = features_.size();
        for (const auto& f : features_) {
            auto t = f.props.get_string(field::feature_type);
            if (t == kSettlement && !f.geom.empty()) ++summary_.settlements_with_geometry;
            if (t == kUnit && !f.geom.empty()) ++summary_.units_with_geometry;
        }
        log_.info("wrote " + std::to_string(summary_.units) + " units (" +
                  std::to_string(summary_.units_with_geometry) + " with geometry), " +
                  std::to_string(summary_.settlements) + " settlements (" +
                  std::to_string(summary_.settlements_with_geometry) + " with geometry, " +
                  percent(summary_.settlements_with_geometry, summary_.settlements) + ")" +
                  (opts_.sub_localities ? ", " + std::to_string(summary_.sub_localities) + " sub-localities"
                                        : std::string()));
        std::size_t skipped = 0;
        for (const auto& e : kato_.entries()) skipped += e.depth == 5;
        if (!opts_.sub_localities && skipped)
            log_.info(std::to_string(skipped) +
                      " depth-5 sub-localities not written (--sub-localities writes them)");
        sink.finish();
        progress.done();
        return summary_;
    }

private:
    void build() {
        // Units first (top-down by code), then settlements, then sub-localities.
        std::vector<Feature> units, settlements, subs;
        std::map<std::string, std::size_t> settlement_count;
        for (const auto& e : kato_.entries()) {
            const KatoEntry* parent = kato_.parent_of(e);
            KatoRole role = kato_role(e, parent);
            if (role.settlement)
                for (const KatoEntry* a = parent; a; a = kato_.parent_of(*a)) ++settlement_count[a->code];
            if (role.unit) units.push_back(make_unit(e, role));
            if (role.settlement) settlements.push_back(make_settlement(e, role, kSettlement));
            if (role.sub_locality && opts_.sub_localities) subs.push_back(make_settlement(e, role, kSubLocality));
        }
        for (auto& u : units) {
            auto code = *u.props.get_string(field::kato);
            auto it = settlement_count.find(code);
            std::int64_t n = it == settlement_count.end() ? 0 : static_cast<std::int64_t>(it->second);
            if (u.props.get_string(field::unit_kind) == "city_republican") n += 1;
            u.props.set(field::n_settlements, n);
        }
        summary_.units = units.size();
        summary_.settlements = settlements.size();
        summary_.sub_localities = subs.size();
        features_.reserve(units.size() + settlements.size() + subs.size());
        for (auto* group : {&units, &settlements, &subs})
            for (auto& f : *group) features_.push_back(std::move(f));
        for (std::size_t i = 0; i < features_.size(); ++i) {
            const auto& p = features_[i].props;
            auto code = *p.get_string(field::kato);
            auto type = *p.get_string(field::feature_type);
            (type == kUnit ? unit_index_ : settlement_index_).emplace(code, i);
        }
    }

    void set_ancestors(Properties& p, const KatoEntry& e) {
        p.append(std::string(field::parent_kato), e.parent.empty() ? Value{} : Value{e.parent});
        const KatoEntry* okrug = kato_.ancestor_at(e, 3);
        const KatoEntry* district = kato_.ancestor_at(e, 2);
        const KatoEntry* oblast = kato_.ancestor_at(e, 1);
        auto code_or_null = [](const KatoEntry* a, const KatoEntry& self) {
            return a && a != &self ? Value{a->code} : Value{};
        };
        p.append(std::string(field::okrug_kato), okrug && kato_role(*okrug, kato_.parent_of(*okrug)).unit
                                                     ? code_or_null(okrug, e)
                                                     : Value{});
        p.append(std::string(field::district_kato), code_or_null(district, e));
        p.append(std::string(field::oblast_kato), code_or_null(oblast, e));
    }

    Feature make_unit(const KatoEntry& e, const KatoRole& role) {
        Feature f;
        auto& p = f.props;
        p.append(std::string(field::feature_type), std::string(kUnit));
        p.append(std::string(field::kato), e.code);
        p.append(std::string(field::name_ru), e.name_ru);
        p.append(std::string(field::unit_kind), role.unit_kind);
        p.append(std::string(field::unit_level), static_cast<std::int64_t>(role.unit_level));
        set_ancestors(p, e);
        p.erase(field::okrug_kato);
        p.append(std::string(field::geom_source), std::string("none"));
        return f;
    }

    Feature make_settlement(const KatoEntry& e, const KatoRole& role, std::string_view type) {
        Feature f;
        auto& p = f.props;
        p.append(std::string(field::feature_type), std::string(type));
        p.append(std::string(field::kato), e.code);
        p.append(std::string(field::name_ru), e.name_ru);
        p.append(std::string(field::name_kk), Value{});
        if (type == kSettlement) {
            p.append(std::string(field::category), role.category);
            p.append(std::string(field::category_source), std::string("kato_type"));
        }
        p.append(std::string(field::kato_kind), e.unit_kind);
        set_ancestors(p, e);
        p.append(std::string(field::geom_source), std::string("none"));
        return f;
    }

    bool unwritten(const std::string& code) const {
        const KatoEntry* e = kato_.find(code);
        return e && e->depth == 5 && !opts_.sub_localities;
    }

    Feature* settlement(const std::string& code) {
        auto it = settlement_index_.find(code);
        return it == settlement_index_.end() ? nullptr : &features_[it->second];
    }
    Feature* unit(const std::string& code) {
        auto it = unit_index_.find(code);
        return it == unit_index_.end() ? nullptr : &features_[it->second];
    }

    void join_points() {
        if (opts_.points.empty()) return;
        bool by_name = opts_.points_join == "name";
        auto points = read_point_layer(opts_.points, opts_.read, log_);
        JoinCounts c;
        Examples examples(log_);
        std::size_t no_geometry = 0, ambiguous = 0;
        // For joins by name: (district, normalised name) -> settlements.
        std::map<std::pair<std::string, std::string>, std::vector<std::size_t>> names;
        if (by_name) {
            for (std::size_t i = 0; i < features_.size(); ++i) {
                const auto& p = features_[i].props;
                if (p.get_string(field::feature_type) == kUnit) continue;
                auto d = p.get_string(field::district_kato);
                if (!d) continue;
                names[{*d, normalise_name(*p.get_string(field::name_ru))}].push_back(i);
            }
        }
        std::string problem;
        for (std::size_t n = 0; n < points.size(); ++n) {
            Feature& pt = points[n];
            ++c.rows;
            std::string where = opts_.points + ": feature " + std::to_string(n + 1);
            Feature* target = nullptr;
            std::string label;
            if (!by_name) {
                auto key = find_key_field(pt, opts_.points_key, {"kato", "kato_code", "KATO", "code"});
                if (!key) throw DataError(where + ": has no KATO field (name it with --points-key)");
                auto code = kato_from_value(*pt.props.find(*key), problem);
                if (!code) throw DataError(where + ": " + *key + " " + problem);
                label = *code;
                target = settlement(*code);
            } else {
                auto nf = find_key_field(pt, opts_.points_name_field, {"name_ru", "name", "NAME"});
                auto df = find_key_field(pt, opts_.points_district_field, {"district_kato", "adm2_kato", "district_code"});
                if (!nf || !df)
                    throw DataError(where + ": has no name or district field (--points-name-field, --points-district-field)");
                auto name = pt.props.get_string(*nf).value_or("");
                auto district = kato_from_value(*pt.props.find(*df), problem);
                if (name.empty() || !district) {
                    ++c.unmatched;
                    continue;
                }
                label = name + "@" + *district;
                auto it = names.find({*district, normalise_name(name)});
                if (it != names.end() && it->second.size() > 1) {
                    ++ambiguous;
                    ++c.unmatched;
                    continue;
                }
                if (it != names.end()) target = &features_[it->second.front()];
            }
            if (!target && unwritten(label)) {
                ++c.sub_localities;
                continue;
            }
            if (!target) {
                ++c.unmatched;
                examples.note(label);
                if (opts_.strict) throw DataError(where + ": " + label + " matches no settlement");
                continue;
            }
            if (pt.geom.empty()) {
                ++no_geometry;
                continue;
            }
            if (!target->geom.empty()) {
                ++c.conflicts;
                std::string msg = where + ": a second position for " + *target->props.get_string(field::kato);
                if (opts_.strict) throw DataError(msg);
                log_.warn("points-conflict", msg + "; the first is kept");
                continue;
            }
            ++c.matched;
            target->geom = std::move(pt.geom);
            target->props.set(field::geom_source, std::string(by_name ? "points_name" : "points_kato"));
            for (auto name_field : {field::name_kk}) {
                auto v = pt.props.get_string(name_field);
                if (v && !v->empty()) target->props.set(name_field, *v);
            }
        }
        summary_.points = c;
        report_join(log_, "points", c, examples);
        if (by_name)
            log_.info("points: match rate by name " + percent(c.matched, c.rows) + " (" + std::to_string(ambiguous) +
                      " names shared by several settlements of a district)");
        if (no_geometry) log_.info("points: " + std::to_string(no_geometry) + " matched rows carry no position");
    }

    void join_boundaries() {
        JoinCounts c;
        std::size_t repaired = 0;
        Examples examples(log_);
        std::string problem;
        for (const auto& path : opts_.boundaries) {
            auto src = FeatureSource::open(path, opts_.read, log_);
            Feature b;
            while (src->next(b)) {
                ++c.rows;
                auto key = find_key_field(b, opts_.boundaries_key, {"kato", "KATO", "kato_code", "code"});
                if (!key) throw DataError(src->where() + ": has no KATO field (name it with --boundaries-key)");
                auto code = kato_from_value(*b.props.find(*key), problem);
                if (!code) throw DataError(src->where() + ": " + *key + " " + problem);
                if (b.geom.type != GeomType::Polygon && b.geom.type != GeomType::MultiPolygon)
                    throw DataError(src->where() + " (kato " + *code + "): expected a Polygon or MultiPolygon, found " +
                                    std::string(geom_type_name(b.geom.type)));
                Feature* u = unit(*code);
                if (!u) {
                    ++c.unmatched;
                    examples.note(*code);
                    if (opts_.strict) throw DataError(src->where() + ": KATO code " + *code + " matches no unit");
                    continue;
                }
                if (!u->geom.empty()) {
                    ++c.conflicts;
                    std::string msg = src->where() + ": a second boundary for " + *code;
                    if (opts_.strict) throw DataError(msg);
                    log_.warn("boundary-conflict", msg + "; the first is kept");
                    continue;
                }
                ++c.matched;
                if (opts_.make_valid) {
                    try {
                        if (make_valid_polygonal(b.geom)) {
                            ++repaired;
                            u->props.set("geom_repaired", true);
                        }
                    } catch (const DataError& e) {
                        throw DataError(src->where() + " (kato " + *code + "): " + e.what());
                    }
                }
                u->geom = std::move(b.geom);
                u->props.set(field::geom_source, std::string("boundaries"));
                for (auto name_field : {"name_kk", "name_en"}) {
                    auto v = b.props.get_string(name_field);
                    if (v && !v->empty() && !u->props.find(name_field)) u->props.set(name_field, *v);
                }
            }
        }
        summary_.boundaries = c;
        if (!opts_.boundaries.empty()) report_join(log_, "boundaries", c, examples);
        if (repaired) log_.info("boundaries: " + std::to_string(repaired) + " invalid polygons repaired (geom_repaired)");
    }

    void join_categories() {
        JoinCounts c;
        Examples examples(log_);
        for (const auto& path : opts_.categories) {
            CsvReader csv(path);
            auto ck = csv.column_any({"kato", "kato_code"});
            auto cc = csv.column("category");
            auto cs = csv.column("category_source");
            if (!ck || !cc) throw DataError(csv.name() + ": line 1: needs 'kato' and 'category' columns");
            std::string default_source = std::filesystem::path(path).stem().string();
            std::vector<std::string> row;
            while (csv.next(row)) {
                ++c.rows;
                std::string code(trim(row[*ck]));
                if (auto p = kato_problem(code)) throw DataError(csv.where() + ": KATO code " + *p);
                std::string cat(trim(row[*cc]));
                if (!is_category(cat))
                    throw DataError(csv.where() + ": category '" + cat +
                                    "' is not one of city_republican, city_oblast, city_district, kent, aul");
                Feature* s = settlement(code);
                if (!s && unwritten(code)) {
                    ++c.sub_localities;
                    continue;
                }
                if (!s) {
                    ++c.unmatched;
                    examples.note(code);
                    if (opts_.strict) throw DataError(csv.where() + ": KATO code " + code + " matches no settlement");
                    continue;
                }
                ++c.matched;
                s->props.set(field::category, cat);
                std::string src = cs ? std::string(trim(row[*cs])) : default_source;
                s->props.set(field::category_source, src.empty() ? default_source : src);
            }
        }
        summary_.categories = c;
        if (!opts_.categories.empty()) report_join(log_, "categories", c, examples);
    }

    const IngestOptions& opts_;
    Log& log_;
    KatoClassifier kato_;
    std::vector<Feature> features_;
    std::unordered_map<std::string, std::size_t> settlement_index_, unit_index_;
    IngestSummary summary_;
};

}  // namespace

std::vector<StatRecord> read_stats_table(const std::string& path, Log& log, bool strict, std::size_t& ignored) {
    CsvReader csv(path);
    return read_stats_table(csv, log, strict, ignored);
}

std::vector<StatRecord> read_stats_table(CsvReader& csv, Log& log, bool strict, std::size_t& ignored) {
    bool comma = csv.delimiter() == ';';
    auto ck = csv.column_any({"kato", "kato_code"});
    if (!ck) throw DataError(csv.name() + ": line 1: no 'kato' column");
    auto ci = csv.column("indicator");
    auto cv = csv.column("value");
    auto cy = csv.column("year");
    std::vector<StatRecord> out;
    std::vector<std::string> row;
    auto check_code = [&](std::string_view code) {
        if (auto p = kato_problem(code)) throw DataError(csv.where() + ": KATO code " + *p);
    };
    auto to_value = [&](std::string_view text, const std::string& what) {
        double d = 0;
        auto st = parse_number(text, d, comma);
        if (st != NumberStatus::Ok)
            throw DataError(csv.where() + ": " + what + " '" + std::string(trim(text)) + "' " +
                            std::string(number_status_text(st)));
        return number_value(d);
    };
    auto unknown = [&](const std::string& msg) {
        if (strict) throw DataError(msg);
        log.warn("stats-unknown", msg + "; ignored (see man atd-data for the indicators)");
        ++ignored;
    };
    if (ci && cv) {
        while (csv.next(row)) {
            std::string code(trim(row[*ck]));
            check_code(code);
            std::string ind(trim(row[*ci]));
            const Indicator* indicator = find_indicator(ind);
            if (!indicator) {
                unknown(csv.where() + ": unknown indicator '" + ind + "'");
                continue;
            }
            std::string fieldname = ind;
            if (indicator->yearly) {
                if (!cy) throw DataError(csv.where() + ": indicator '" + ind + "' needs a year column");
                auto y = trim(row[*cy]);
                int year = 0;
                auto r = std::from_chars(y.data(), y.data() + y.size(), year);
                if (r.ec != std::errc() || r.ptr != y.data() + y.size() || year < kMinYear || year > kMaxYear)
                    throw DataError(csv.where() + ": year '" + std::string(y) + "' is not a year between " +
                                    std::to_string(kMinYear) + " and " + std::to_string(kMaxYear));
                fieldname += "_" + std::to_string(year);
            }
            out.push_back({code, fieldname, to_value(row[*cv], "value"), csv.line()});
        }
        return out;
    }
    // Wide form: every other column is a statistics field.
    std::vector<std::optional<std::string>> fields(csv.header().size());
    for (std::size_t i = 0; i < csv.header().size(); ++i) {
        if (i == *ck) continue;
        const std::string& h = csv.header()[i];
        auto sf = parse_stat_field(h);
        if (!sf) {
            if (strict)
                throw DataError(csv.name() + ": line 1: column '" + h + "' is not a statistics field of atd-data(5)");
            log.warn("stats-column", csv.name() + ": column '" + h + "' is not a statistics field; ignored");
            continue;
        }
        if (sf->year && (*sf->year < kMinYear || *sf->year > kMaxYear))
            throw DataError(csv.name() + ": line 1: column '" + h + "' has an implausible year");
        fields[i] = h;
    }
    while (csv.next(row)) {
        std::string code(trim(row[*ck]));
        check_code(code);
        for (std::size_t i = 0; i < row.size(); ++i) {
            if (!fields[i] || trim(row[i]).empty()) continue;
            out.push_back({code, *fields[i], to_value(row[i], *fields[i]), csv.line()});
        }
    }
    return out;
}

IngestSummary ingest(const IngestOptions& opts, FeatureSink& sink, Log& log, Progress& progress) {
    if (opts.points_join != "kato" && opts.points_join != "name")
        throw UsageError("--points-join must be 'kato' or 'name'");
    if (opts.kato.empty()) {
        if (!opts.points.empty() || !opts.boundaries.empty() || !opts.categories.empty())
            throw UsageError("--points, --boundaries and --categories need the classifier: give --kato FILE");
        if (opts.inputs.empty()) throw UsageError("nothing to ingest: give --kato FILE or an input");
        return canonicalise_stream(opts, sink, log, progress);
    }
    if (!opts.inputs.empty())
        throw UsageError("with --kato, give geometry layers with --points and --boundaries, not as inputs");
    Builder b(opts, log);
    return b.run(sink, progress);
}

}  // namespace atd
