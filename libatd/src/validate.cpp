#include <atd/error.hpp>
#include <atd/geo.hpp>
#include <atd/geojson.hpp>
#include <atd/kato.hpp>
#include <atd/memory.hpp>
#include <atd/model.hpp>
#include <atd/validate.hpp>

#include <algorithm>
#include <cmath>
#include <functional>
#include <unordered_map>

namespace atd {

namespace {

// Codes are kept as numbers and places as (input, feature number): a million
// features cost a few tens of megabytes.
using Code = std::uint32_t;
Code pack(const std::string& code) { return static_cast<Code>(std::stoul(code)); }
std::string unpack(Code c) {
    std::string s = std::to_string(c);
    return std::string(9 - std::min<std::size_t>(9, s.size()), '0') + s;
}

struct Loc {
    std::uint32_t input;
    std::uint32_t feature;
};

struct SettlementPoint {
    Loc loc;
    Code kato, district;
    double x, y;
};

struct Parented {
    Loc loc;
    Code kato, parent;
};

class Validator {
public:
    Validator(const ValidateOptions& o, ValidationResult& r) : opts_(o), r_(r) {}

    // count: how many cases the finding stands for (summary findings stand for several).
    void add(Severity s, std::string kind, std::string where, std::string msg, std::size_t count = 1) {
        if (s == Severity::Warning && opts_.strict) s = Severity::Error;
        r_.counts[kind] += count;
        (s == Severity::Error ? r_.errors : r_.warnings) += count;
        r_.findings.push_back({s, std::move(kind), std::move(where), std::move(msg)});
    }

    void start_input(const std::string& name) {
        inputs_.push_back(name);
        feature_no_ = 0;
    }

    std::string where(Loc loc, Code code) const {
        return inputs_[loc.input] + ": feature " + std::to_string(loc.feature) + " (kato " + unpack(code) + ")";
    }

    using Where = std::function<std::string()>;

    // where_base is asked for only when there is something to report.
    void check(const Feature& f, const Where& where_base) {
        ++feature_no_;
        Loc loc{static_cast<std::uint32_t>(inputs_.size() - 1), feature_no_};
        ++r_.features;
        const Properties& p = f.props;
        std::optional<std::string> code;
        Where where = [&] { return code ? where_base() + " (kato " + *code + ")" : where_base(); };
        if (const Value* k = p.find(field::kato)) {
            if (!std::holds_alternative<std::string>(*k)) {
                add(Severity::Error, "bad_kato", where(), "kato must be a string of 9 digits");
            } else if (auto pr = kato_problem(std::get<std::string>(*k))) {
                add(Severity::Error, "bad_kato", where(), "kato " + *pr);
            } else {
                code = std::get<std::string>(*k);
            }
        } else {
            add(Severity::Error, "missing_field", where(), "no 'kato' field");
        }
        std::string type = p.get_string(field::feature_type).value_or("");
        if (!p.find(field::feature_type)) {
            add(Severity::Error, "missing_field", where(), "no 'feature_type' field");
        } else if (!is_feature_type(type)) {
            add(Severity::Error, "bad_value", where(),
                "feature_type '" + type + "' is not settlement, unit or sub_locality");
        }
        if (type == kSettlement) {
            ++r_.settlements;
            auto cat = p.get_string(field::category);
            if (!cat) add(Severity::Error, "missing_field", where(), "settlement has no 'category'");
            else if (!is_category(*cat))
                add(Severity::Error, "bad_value", where(),
                    "category '" + *cat + "' is not one of city_republican, city_oblast, city_district, kent, aul");
        } else if (type == kUnit) {
            ++r_.units;
            auto kind = p.get_string(field::unit_kind);
            if (kind && !is_unit_kind(*kind)) add(Severity::Error, "bad_value", where(), "unit_kind '" + *kind + "' is unknown");
        }
        if (code && is_feature_type(type)) {
            auto& seen = type == kUnit ? units_seen_ : type == kSettlement ? settlements_seen_ : subs_seen_;
            auto [it, fresh] = seen.emplace(pack(*code), loc);
            if (!fresh)
                add(Severity::Error, "duplicate_kato", where(),
                    "kato " + *code + " also at " + inputs_[it->second.input] + ": feature " +
                        std::to_string(it->second.feature));
        }
        for (auto kf : {field::parent_kato, field::okrug_kato, field::district_kato, field::oblast_kato}) {
            const Value* v = p.find(kf);
            if (!v || is_null(*v)) continue;
            if (!std::holds_alternative<std::string>(*v)) {
                add(Severity::Error, "bad_kato", where(), std::string(kf) + " must be a string of 9 digits");
                continue;
            }
            if (auto pr = kato_problem(std::get<std::string>(*v))) {
                add(Severity::Error, "bad_kato", where(), std::string(kf) + " " + *pr);
                continue;
            }
            if (code && !kato_extends(*code, std::get<std::string>(*v)))
                add(Severity::Error, "kato_hierarchy", where(),
                    std::string(kf) + " " + std::get<std::string>(*v) + " is not above " + *code + " in the code");
            if (kf == field::parent_kato && code)
                parented_.push_back({loc, pack(*code), pack(std::get<std::string>(*v))});
        }
        for (const auto& [key, v] : p.entries()) check_value(key, v, where);
        check_geometry(f, where, type, code, loc);
    }

    void check_value(const std::string& key, const Value& v, const Where& where) {
        auto sf = parse_stat_field(key);
        if (!sf) return;
        if (sf->year && (*sf->year < kMinYear || *sf->year > kMaxYear)) {
            add(Severity::Error, "bad_year", where(), key + ": year " + std::to_string(*sf->year) + " is implausible");
            return;
        }
        if (is_null(v)) return;
        auto num = as_number(v);
        if (!num) {
            add(Severity::Error, "bad_type", where(), key + " is not a number");
            return;
        }
        switch (sf->indicator->measure) {
            case Measure::Count:
                if (*num < 0) add(Severity::Error, "bad_range", where(), key + " is negative (" + as_text(v) + ")");
                else if (std::nearbyint(*num) != *num)
                    add(Severity::Warning, "non_integer_count", where(), key + " is not a whole number (" + as_text(v) + ")");
                break;
            case Measure::Money:
                if (*num < 0) add(Severity::Error, "bad_range", where(), key + " is negative (" + as_text(v) + ")");
                break;
            case Measure::Share:
                if (*num < 0 || *num > 1)
                    add(Severity::Error, "bad_range", where(), key + " is outside [0,1] (" + as_text(v) + ")");
                break;
            case Measure::Rate: break;
        }
    }

    void check_geometry(const Feature& f, const Where& where, const std::string& type,
                        const std::optional<std::string>& code, Loc loc) {
        if (f.geom.empty()) {
            if (type == kUnit) ++units_without_geometry_;
            else if (type == kSettlement) ++settlements_without_geometry_;
            return;
        }
        if (auto jump = antimeridian_jump(f.geom)) {
            add(Severity::Error, "antimeridian_crossing", where(),
                "an edge crosses ±180 unsplit (" + *jump + "): split the geometry there (RFC 7946 3.1.9), "
                "e.g. with ogr2ogr -wrapdateline");
            return;
        }
        bool points = f.geom.type == GeomType::Point || f.geom.type == GeomType::MultiPoint;
        if (auto reason = points ? std::nullopt : invalid_reason(f.geom)) {
            add(Severity::Error, "invalid_geometry", where(), "invalid geometry: " + *reason);
            return;
        }
        if (type == kSettlement && f.geom.type == GeomType::Point && code) {
            const Value* d = f.props.find(field::district_kato);
            if (d && std::holds_alternative<std::string>(*d) && !kato_problem(std::get<std::string>(*d)))
                points_.push_back({loc, pack(*code), pack(std::get<std::string>(*d)), f.geom.xy[0], f.geom.xy[1]});
        }
        if (type == kUnit && code && (f.geom.type == GeomType::Polygon || f.geom.type == GeomType::MultiPolygon)) {
            auto level = f.props.get_number(field::unit_level);
            if (level && *level == 2) districts_.emplace(pack(*code), PreparedArea(f.geom));
        }
    }

    void finish() {
        for (const auto& p : parented_)
            if (!units_seen_.count(p.parent) && !settlements_seen_.count(p.parent) && !subs_seen_.count(p.parent))
                add(Severity::Error, "missing_parent", where(p.loc, p.kato),
                    "parent_kato " + unpack(p.parent) + " is not in the dataset");
        for (const auto& s : points_) {
            auto it = districts_.find(s.district);
            if (it == districts_.end()) continue;
            if (!it->second.covers(s.x, s.y)) {
                add(Severity::Warning, "outside_district", where(s.loc, s.kato),
                    "lies outside the polygon of its district " + unpack(s.district));
            }
        }
        if (units_without_geometry_)
            add(Severity::Warning, "unit_without_geometry", "dataset",
                std::to_string(units_without_geometry_) + " units have no geometry", units_without_geometry_);
        if (settlements_without_geometry_)
            add(Severity::Warning, "settlement_without_geometry", "dataset",
                std::to_string(settlements_without_geometry_) + " settlements have no geometry",
                settlements_without_geometry_);
    }

private:
    const ValidateOptions& opts_;
    ValidationResult& r_;
    std::vector<std::string> inputs_;
    std::uint32_t feature_no_ = 0;
    std::unordered_map<Code, Loc> units_seen_, settlements_seen_, subs_seen_;
    std::vector<Parented> parented_;
    std::vector<SettlementPoint> points_;
    std::unordered_map<Code, PreparedArea> districts_;
    std::size_t units_without_geometry_ = 0, settlements_without_geometry_ = 0;
};

}  // namespace

ValidationResult validate(const ValidateOptions& opts, Log& log, Progress& progress) {
    ValidationResult r;
    Validator v(opts, r);
    Feature f;
    for (const auto& path : opts.inputs) {
        auto src = FeatureSource::open(path, opts.read, log);
        v.start_input(src->name());
        try {
            while (src->next(f)) {
                v.check(f, [&] { return src->where(); });
                progress.tick();
            }
        } catch (const std::bad_alloc&) {  // the findings are kept until the end
            throw out_of_memory(src->where());
        }
    }
    v.finish();
    progress.done();
    return r;
}

std::string format_text(const ValidationResult& r) {
    std::string out;
    for (const auto& f : r.findings) {
        out += escape_controls(f.where + ": " + (f.severity == Severity::Error ? "error" : "warning") + ": " + f.kind +
                               ": " + f.message) + "\n";
    }
    out += "checked " + std::to_string(r.features) + " features (" + std::to_string(r.settlements) +
           " settlements, " + std::to_string(r.units) + " units): " + std::to_string(r.errors) + " errors, " +
           std::to_string(r.warnings) + " warnings\n";
    for (const auto& [kind, n] : r.counts) out += "  " + kind + ": " + std::to_string(n) + "\n";
    return out;
}

std::string format_json(const ValidationResult& r) {
    std::string out = "{\"features\":" + std::to_string(r.features) + ",\"settlements\":" +
                      std::to_string(r.settlements) + ",\"units\":" + std::to_string(r.units) +
                      ",\"errors\":" + std::to_string(r.errors) + ",\"warnings\":" + std::to_string(r.warnings) +
                      ",\"counts\":{";
    bool first = true;
    for (const auto& [kind, n] : r.counts) {
        if (!first) out += ",";
        first = false;
        append_json_string(out, kind);
        out += ":" + std::to_string(n);
    }
    out += "},\"findings\":[";
    first = true;
    for (const auto& f : r.findings) {
        out += first ? "\n" : ",\n";
        first = false;
        out += "{\"severity\":";
        append_json_string(out, f.severity == Severity::Error ? "error" : "warning");
        out += ",\"kind\":";
        append_json_string(out, f.kind);
        out += ",\"where\":";
        append_json_string(out, f.where);
        out += ",\"message\":";
        append_json_string(out, f.message);
        out += "}";
    }
    out += "\n]}\n";
    return out;
}

}  // namespace atd
