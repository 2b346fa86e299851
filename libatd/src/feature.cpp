#include <atd/feature.hpp>
#include <atd/geojson.hpp>

#include <algorithm>
#include <array>
#include <charconv>
#include <unordered_map>

namespace atd {

std::optional<double> as_number(const Value& v) {
    if (const auto* i = std::get_if<std::int64_t>(&v)) return static_cast<double>(*i);
    if (const auto* d = std::get_if<double>(&v)) return *d;
    return std::nullopt;
}

std::string fixed_text(double v, int digits) {
    char buf[400];  // the longest double: 309 digits, a sign, a point and the decimals
    auto r = std::to_chars(buf, buf + sizeof buf, v, std::chars_format::fixed, std::clamp(digits, 0, 60));
    return std::string(buf, r.ptr);
}

std::string as_text(const Value& v) {
    struct Visitor {
        std::string operator()(std::monostate) const { return {}; }
        std::string operator()(bool b) const { return b ? "true" : "false"; }
        std::string operator()(std::int64_t i) const { return std::to_string(i); }
        std::string operator()(double d) const {
            std::string s;
            append_json_number(s, d);
            return s;
        }
        std::string operator()(const std::string& s) const { return s; }
        std::string operator()(const RawJson& j) const { return j.text; }
    };
    return std::visit(Visitor{}, v);
}

const Value* Properties::find(std::string_view key) const {
    for (const auto& e : entries_)
        if (e.first == key) return &e.second;
    return nullptr;
}

Value* Properties::find(std::string_view key) {
    for (auto& e : entries_)
        if (e.first == key) return &e.second;
    return nullptr;
}

void Properties::set(std::string_view key, Value value) {
    if (Value* v = find(key)) {
        *v = std::move(value);
        return;
    }
    entries_.emplace_back(std::string(key), std::move(value));
}

void Properties::set_all(std::vector<Entry>&& fields) {
    std::unordered_map<std::string_view, std::size_t> wanted;
    wanted.reserve(fields.size() * 2);
    for (std::size_t i = 0; i < fields.size(); ++i) wanted.emplace(fields[i].first, i);
    std::vector<bool> placed(fields.size(), false);
    for (auto& e : entries_) {
        auto it = wanted.find(e.first);
        if (it == wanted.end()) continue;
        e.second = std::move(fields[it->second].second);
        placed[it->second] = true;
    }
    entries_.reserve(entries_.size() + fields.size());
    for (std::size_t i = 0; i < fields.size(); ++i)
        if (!placed[i]) entries_.push_back(std::move(fields[i]));
}

bool Properties::erase(std::string_view key) {
    for (auto it = entries_.begin(); it != entries_.end(); ++it) {
        if (it->first == key) {
            entries_.erase(it);
            return true;
        }
    }
    return false;
}

std::optional<std::string> Properties::get_string(std::string_view key) const {
    const Value* v = find(key);
    if (!v || is_null(*v)) return std::nullopt;
    return as_text(*v);
}

std::optional<double> Properties::get_number(std::string_view key) const {
    const Value* v = find(key);
    return v ? as_number(*v) : std::nullopt;
}

namespace {
constexpr std::array<std::pair<GeomType, std::string_view>, 7> kGeomNames{{
    {GeomType::None, "None"},
    {GeomType::Point, "Point"},
    {GeomType::MultiPoint, "MultiPoint"},
    {GeomType::LineString, "LineString"},
    {GeomType::MultiLineString, "MultiLineString"},
    {GeomType::Polygon, "Polygon"},
    {GeomType::MultiPolygon, "MultiPolygon"},
}};
}  // namespace

std::string_view geom_type_name(GeomType t) {
    for (const auto& [type, name] : kGeomNames)
        if (type == t) return name;
    return "None";
}

std::optional<GeomType> geom_type_from_name(std::string_view name) {
    for (const auto& [type, n] : kGeomNames)
        if (n == name && type != GeomType::None) return type;
    return std::nullopt;
}

}  // namespace atd

namespace atd {

void FieldJson::member(std::string_view key) {
    out.append(",\"", 2);
    out.append(key);
    out.append("\":", 2);
}

void FieldJson::set(std::string_view key, const Value& value) {
    member(key);
    append_json_value(out, value);
}

void FieldJson::set(std::string_view key, const std::string& text) {
    member(key);
    append_json_string(out, text);
}

void FieldJson::set(std::string_view key, double number) {
    member(key);
    append_json_number(out, number);
}

void FieldJson::set(std::string_view key, std::int64_t number) {
    member(key);
    char buf[24];
    out.append(buf, static_cast<std::size_t>(std::to_chars(buf, buf + sizeof buf, number).ptr - buf));
}

}  // namespace atd
