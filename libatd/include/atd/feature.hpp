#pragma once
// The in-memory feature: flat properties and a simple geometry.
#include <cstdint>
#include <cstring>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <variant>
#include <vector>

namespace atd {

// A nested JSON value kept verbatim (objects and arrays in properties).
struct RawJson {
    std::string text;
    bool operator==(const RawJson&) const = default;
};

using Value = std::variant<std::monostate, bool, std::int64_t, double, std::string, RawJson>;

inline bool is_null(const Value& v) { return std::holds_alternative<std::monostate>(v); }
// The value as a number, if it is one (bool is not a number).
std::optional<double> as_number(const Value& v);
// The value as text: strings verbatim, numbers formatted, null as "".
std::string as_text(const Value& v);
// v with `digits` decimals, as printf's "%.*f" writes it (any size, no locale).
std::string fixed_text(double v, int digits);

// a == b for short texts such as field names, without a call to memcmp
// for those of 8 to 16 bytes.
inline bool same_text(std::string_view a, std::string_view b) {
    const std::size_t n = a.size();
    if (n != b.size()) return false;
    if (n >= 8 && n <= 16) {
        std::uint64_t a0, a1, b0, b1;
        std::memcpy(&a0, a.data(), 8);
        std::memcpy(&b0, b.data(), 8);
        std::memcpy(&a1, a.data() + n - 8, 8);
        std::memcpy(&b1, b.data() + n - 8, 8);
        return a0 == b0 && a1 == b1;
    }
    return a == b;
}

// Ordered flat properties; lookups are linear (features have few fields).
class Properties {
public:
    using Entry = std::pair<std::string, Value>;

    const Value* find(std::string_view key) const;
    Value* find(std::string_view key);
    // Sets key to value, keeping its position when it exists, else appending.
    void set(std::string_view key, Value value);
    // Appends without looking for an existing key (the caller knows it is new).
    void append(std::string key, Value value) { entries_.emplace_back(std::move(key), std::move(value)); }
    bool erase(std::string_view key);
    // Keeps the fields whose key keep(key) accepts, in their order.
    template <class Keep>
    void retain(Keep&& keep) {
        std::erase_if(entries_, [&](const Entry& e) { return !keep(std::string_view(e.first)); });
    }
    // Sets many fields at once: existing ones are replaced in place, new ones
    // appended in the given order. Linear in the number of fields.
    void set_all(std::vector<Entry>&& fields);
    std::optional<std::string> get_string(std::string_view key) const;
    std::optional<double> get_number(std::string_view key) const;

    const std::vector<Entry>& entries() const { return entries_; }
    std::vector<Entry>& entries() { return entries_; }
    std::size_t size() const { return entries_.size(); }
    bool empty() const { return entries_.empty(); }
    void clear() { entries_.clear(); }

private:
    std::vector<Entry> entries_;
};

// Values computed once per property key and then found again, mostly by one
// comparison: each key remembers the key that followed it in the last record,
// so records that list their keys in one order, even with a field more or
// less here and there, rarely hash a key. For one thread; start() at each record.
template <class T>
class KeyCache {
public:
    explicit KeyCache(std::function<T(std::string_view)> compute) : compute_(std::move(compute)) {}
    KeyCache(const KeyCache&) = delete;  // its links point into itself
    KeyCache& operator=(const KeyCache&) = delete;
    void start() { prev_ = &start_; }
    // The key's value; valid until the next get, which may start the cache again.
    const T& get(std::string_view key) {
        Entry* e = prev_->second.next;
        if (!e || !same_text(e->first, key)) {
            e = find(key);
            prev_->second.next = e;
        }
        prev_ = e;
        return e->second.value;
    }

private:
    struct Node;
    using Entry = std::pair<const std::string, Node>;
    struct Node {
        T value{};
        Entry* next = nullptr;
    };
    struct Hash {
        using is_transparent = void;
        std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
    };
    Entry* find(std::string_view key) {
        if (auto it = keys_.find(key); it != keys_.end()) return &*it;
        if (keys_.size() >= kKeys) {  // inputs of ever new keys: start again
            keys_.clear();
            start_.second.next = nullptr;
            prev_ = &start_;
        }
        return &*keys_.emplace(std::string(key), Node{compute_(key), nullptr}).first;
    }
    static constexpr std::size_t kKeys = 4096;
    std::function<T(std::string_view)> compute_;
    std::unordered_map<std::string, Node, Hash, std::equal_to<>> keys_;
    Entry start_{std::string(), Node{}};
    Entry* prev_ = &start_;
};

// Collects fields for Properties::set_all.
struct FieldList {
    std::vector<Properties::Entry> v;
    void set(const char* key, Value value) { v.emplace_back(key, std::move(value)); }
};
// Appends fields as JSON members (",\"key\":value"); keys need no escaping.
// Text and numbers are written as their Value would be, without making one.
struct FieldJson {
    std::string& out;
    void set(std::string_view key, const Value& value);
    void set(std::string_view key, const std::string& text);
    void set(std::string_view key, double number);
    void set(std::string_view key, std::int64_t number);

private:
    void member(std::string_view key);
};

enum class GeomType : std::uint8_t {
    None, Point, MultiPoint, LineString, MultiLineString, Polygon, MultiPolygon
};
std::string_view geom_type_name(GeomType t);
std::optional<GeomType> geom_type_from_name(std::string_view name);

// Coordinates are interleaved x,y pairs. ring_ends holds, for each
// linestring or ring, the index (in points) one past its last point;
// part_ends holds, for each polygon of a MultiPolygon, the index (in rings)
// one past its last ring.
struct Geometry {
    GeomType type = GeomType::None;
    std::vector<double> xy;
    std::vector<std::uint32_t> ring_ends;
    std::vector<std::uint32_t> part_ends;

    bool empty() const { return type == GeomType::None; }
    std::size_t point_count() const { return xy.size() / 2; }
    static Geometry point(double x, double y) {
        Geometry g;
        g.type = GeomType::Point;
        g.xy = {x, y};
        return g;
    }
    bool operator==(const Geometry&) const = default;
};

struct Feature {
    std::optional<Value> id;
    Properties props;
    Geometry geom;
};

}  // namespace atd
