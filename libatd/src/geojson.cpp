#include <atd/error.hpp>
#include <atd/geojson.hpp>
#include <atd/memory.hpp>

#include <simdjson.h>

#include <algorithm>
#include <atomic>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <type_traits>

namespace atd {

namespace od = simdjson::ondemand;

namespace {

constexpr char kRS = '\x1e';
constexpr std::size_t kChunk = 1 << 20;
// The longest record or document: what simdjson parses at most (4 GiB).
constexpr std::size_t kMaxRecord = simdjson::SIMDJSON_MAXSIZE_BYTES;

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

// Collects nested coordinate arrays of any depth; see Geometry for the layout.
struct CoordAcc {
    std::vector<double> xy;
    std::vector<std::uint32_t> list_ends[4];      // points so far when a list at level L closed
    std::vector<std::uint32_t> list_children[4];  // lists closed at level L+1 when a list at L closed
    int pos_level = -1;
    bool z = false;
};

// simdjson 3.0.1 (Debian 12) reads some numbers of 18 or more significant
// digits as 0 in its fast path; a token longer than 15 characters is read
// again from its text, exactly as written, or refused.
constexpr std::size_t kShortNumber = 15;
const char* const kNotUtf8 = "not UTF-8 (GeoJSON is UTF-8 by RFC 8259; convert the file, e.g. iconv -f CP1251 -t UTF-8)";

std::string_view number_token(od::value& v) {
    std::string_view raw = v.raw_json_token();
    while (!raw.empty() && (raw.back() == ' ' || raw.back() == '\t' || raw.back() == '\n' || raw.back() == '\r'))
        raw.remove_suffix(1);
    return raw;
}

// A JSON number's text as an integer when it is one and fits, else as the nearest double.
std::optional<Value> exact_number(std::string_view text) {
    const char* end = text.data() + text.size();
    if (text.find_first_of(".eE") == std::string_view::npos) {
        std::int64_t i = 0;
        auto [ptr, ec] = std::from_chars(text.data(), end, i);
        if (ec == std::errc() && ptr == end) return Value{i};
    }
    double d = 0;
    auto [ptr, ec] = std::from_chars(text.data(), end, d);
    if (ec != std::errc() || ptr != end || !std::isfinite(d)) return std::nullopt;
    return Value{d};
}

double coordinate(od::value& e) {
    std::string_view raw = number_token(e);
    if (raw.size() <= kShortNumber) return e.get_double();
    auto v = exact_number(raw);
    if (!v) throw DataError("coordinate '" + std::string(raw.substr(0, 40)) + "' is not a finite number");
    if (const auto* i = std::get_if<std::int64_t>(&*v)) return static_cast<double>(*i);
    return std::get<double>(*v);
}

void parse_coords(od::value v, int level, CoordAcc& a) {
    od::array arr = v.get_array();
    bool first = true;
    bool position = false;
    std::size_t n = 0;
    for (auto elem : arr) {
        od::value e = elem.value();
        if (first) {
            first = false;
            position = e.type() == od::json_type::number;
            if (position) {
                if (a.pos_level < 0) a.pos_level = level;
                else if (a.pos_level != level)
                    throw DataError("coordinates are nested unevenly");
            }
        }
        if (position) {
            double d = coordinate(e);
            if (!std::isfinite(d)) throw DataError("coordinate is not a finite number");
            if (n < 2) a.xy.push_back(d);
            else a.z = true;
            ++n;
        } else {
            if (level >= 3) throw DataError("coordinates are nested too deeply");
            parse_coords(e, level + 1, a);
        }
    }
    if (position) {
        if (n < 2) throw DataError("a position needs at least two numbers");
        return;
    }
    a.list_ends[level].push_back(static_cast<std::uint32_t>(a.xy.size() / 2));
    a.list_children[level].push_back(
        level + 1 < 4 ? static_cast<std::uint32_t>(a.list_ends[level + 1].size()) : 0);
}

int expected_pos_level(GeomType t) {
    switch (t) {
        case GeomType::Point: return 0;
        case GeomType::MultiPoint:
        case GeomType::LineString: return 1;
        case GeomType::MultiLineString:
        case GeomType::Polygon: return 2;
        case GeomType::MultiPolygon: return 3;
        case GeomType::None: break;
    }
    return -1;
}

void parse_geometry(od::value v, Geometry& g, bool& saw_z) {
    g = Geometry{};
    if (v.is_null()) return;
    od::object obj = v.get_object();
    std::string type;
    CoordAcc acc;
    bool have_coords = false;
    for (auto field : obj) {
        std::string_view key = field.unescaped_key();
        if (key == "type") {
            if (!type.empty()) throw DataError("geometry member \"type\" appears twice");
            type = std::string(std::string_view(field.value().get_string()));
        } else if (key == "coordinates") {
            if (have_coords) throw DataError("geometry member \"coordinates\" appears twice");
            parse_coords(field.value(), 0, acc);
            have_coords = true;
        } else if (key == "geometries") {
            throw DataError("GeometryCollection is not supported");
        }
    }
    if (type.empty()) throw DataError("geometry has no \"type\"");
    if (type == "GeometryCollection") throw DataError("GeometryCollection is not supported");
    auto t = geom_type_from_name(type);
    if (!t) throw DataError("unknown geometry type \"" + type + "\"");
    if (!have_coords) throw DataError(type + " has no \"coordinates\"");
    g.type = *t;
    int want = expected_pos_level(*t);
    if (acc.xy.empty()) {
        if (*t == GeomType::Point) throw DataError("Point has empty coordinates");
        g.type = GeomType::None;  // an empty geometry carries nothing to keep
        return;
    }
    if (acc.pos_level != want)
        throw DataError(type + " coordinates have the wrong nesting depth");
    saw_z = saw_z || acc.z;
    g.xy = std::move(acc.xy);
    if (want >= 1 && *t != GeomType::MultiPoint) g.ring_ends = std::move(acc.list_ends[want - 1]);
    if (*t == GeomType::MultiPolygon) g.part_ends = std::move(acc.list_children[want - 2]);
}

// Text as read, refused when it holds a NUL (\u0000), which would cut it short
// in every C string it is passed on as (GDAL, GEOS, the report).
std::string_view no_nul(std::string_view text, std::string_view key) {
    if (text.find('\0') != std::string_view::npos)
        throw DataError("property '" + std::string(key) + "': text holds a NUL character (\\u0000)");
    return text;
}

Value scalar_value(od::value v, std::string_view key) {
    switch (v.type()) {
        case od::json_type::null: return std::monostate{};
        case od::json_type::boolean: return bool(v.get_bool());
        case od::json_type::string: return std::string(no_nul(v.get_string(), key));
        case od::json_type::number: {
            if (std::string_view raw = number_token(v); raw.size() > kShortNumber) {
                auto exact = exact_number(raw);
                if (!exact)
                    throw DataError("property '" + std::string(key) + "': not a valid number (malformed or out of range)");
                return *exact;
            }
            od::number num;
            if (auto err = v.get_number().get(num)) {
                if (err == simdjson::NUMBER_OUT_OF_RANGE || err == simdjson::NUMBER_ERROR)
                    throw DataError("property '" + std::string(key) + "': not a valid number (malformed or out of range)");
                throw simdjson::simdjson_error(err);
            }
            switch (num.get_number_type()) {
                case od::number_type::signed_integer: return num.get_int64();
                case od::number_type::unsigned_integer: return static_cast<double>(num.get_uint64());
                default: {
                    double d = num.get_double();
                    if (!std::isfinite(d))
                        throw DataError("property '" + std::string(key) + "': number out of range");
                    return d;
                }
            }
        }
        case od::json_type::array: {
            od::array a = v.get_array();
            return RawJson{std::string(std::string_view(a.raw_json()))};
        }
        case od::json_type::object: {
            od::object o = v.get_object();
            return RawJson{std::string(std::string_view(o.raw_json()))};
        }
    }
    return std::monostate{};
}

// Sets out to a scalar value, reusing the string out holds when it is one.
void scalar_into(od::value v, std::string_view key, Value& out) {
    if (v.type() == od::json_type::string) {
        std::string_view text = no_nul(v.get_string(), key);
        if (auto* s = std::get_if<std::string>(&out)) s->assign(text);
        else out = std::string(text);
        return;
    }
    out = scalar_value(v, key);
}

// Throws naming the first key that appears twice: tools must not read different copies.
void refuse_duplicate_keys(const std::vector<Properties::Entry>& entries) {
    thread_local std::vector<std::string_view> keys;
    keys.clear();
    for (const auto& e : entries) keys.emplace_back(e.first);
    std::sort(keys.begin(), keys.end());
    auto twice = std::adjacent_find(keys.begin(), keys.end());
    if (twice != keys.end()) throw DataError("property '" + std::string(*twice) + "' appears twice");
}

// The properties of a feature read into props; entries already there are
// overwritten in place, so that a reused feature allocates little. With a
// filter, a record that starts with its feature_type keeps what it accepts.
void parse_properties(od::value v, Properties& props, const FieldFilter* filter) {
    auto& entries = props.entries();
    std::size_t n = 0;
    bool filtering = false, renamed = false;
    if (!v.is_null()) {
        od::object obj = v.get_object();
        for (auto field : obj) {
            std::string_view key = field.unescaped_key();
            no_nul(key, key);
            if (filtering && !(*filter)(std::get<std::string>(entries[0].second), key)) continue;
            if (n < entries.size()) {
                if (!same_text(entries[n].first, key)) {
                    entries[n].first.assign(key);
                    renamed = true;
                }
                scalar_into(field.value(), key, entries[n].second);
            } else {
                entries.emplace_back(std::string(key), scalar_value(field.value(), key));
                renamed = true;
            }
            if (n == 0 && filter && *filter && key == "feature_type")
                filtering = std::holds_alternative<std::string>(entries[0].second);
            ++n;
        }
    }
    entries.resize(n);
    // Keys that all stand where the same keys stood are unique already.
    if (renamed) refuse_duplicate_keys(entries);
}

void parse_feature_object(od::object obj, Feature& f, bool& saw_z, const FieldFilter* filter) {
    f.id.reset();
    bool has_props = false;
    f.geom.type = GeomType::None;
    f.geom.xy.clear();
    f.geom.ring_ends.clear();
    f.geom.part_ends.clear();
    bool typed = false;
    unsigned seen = 0;  // bits of the members read: a second copy is refused
    auto once = [&seen](unsigned bit, std::string_view key) {
        if (seen & bit) throw DataError("member \"" + std::string(key) + "\" appears twice");
        seen |= bit;
    };
    for (auto field : obj) {
        std::string_view key = field.unescaped_key();
        if (key == "type") once(1, key);
        else if (key == "properties") once(2, key);
        else if (key == "geometry") once(4, key);
        else if (key == "id") once(8, key);
        if (key == "type") {
            std::string_view t = field.value().get_string();
            if (t != "Feature") throw DataError("expected a Feature, found \"" + std::string(t) + "\"");
            typed = true;
        } else if (key == "properties") {
            parse_properties(field.value(), f.props, filter);
            has_props = true;
        } else if (key == "geometry") {
            parse_geometry(field.value(), f.geom, saw_z);
        } else if (key == "id") {
            f.id = scalar_value(field.value(), "id");
        }
    }
    if (!typed) throw DataError("object has no \"type\": \"Feature\"");
    if (!has_props) f.props.clear();
}

std::string crs_name(od::value v) {
    // {"type":"name","properties":{"name":"urn:ogc:def:crs:EPSG::3857"}}
    if (v.is_null()) return {};
    od::object o = v.get_object();
    auto props = o.find_field_unordered("properties");
    if (props.error()) return {};
    auto name = props.find_field_unordered("name");
    if (name.error()) return {};
    std::string_view s;
    if (name.get_string().get(s)) return {};
    return std::string(s);
}

// Where the first top-level JSON value of text ends (one past its closing
// brace or bracket), or npos if it does not close.
std::size_t end_of_first_value(std::string_view text) {
    int depth = 0;
    bool in_str = false, esc = false;
    for (std::size_t i = 0; i < text.size(); ++i) {
        char c = text[i];
        if (in_str) {
            if (esc) esc = false;
            else if (c == '\\') esc = true;
            else if (c == '"') in_str = false;
            continue;
        }
        if (c == '"') in_str = true;
        else if (c == '{' || c == '[') ++depth;
        else if ((c == '}' || c == ']') && --depth == 0) return i + 1;
    }
    return std::string_view::npos;
}

// Starts parsing one record [start, stop) of buf; capacity counts the bytes
// readable from start (at least the parser's padding past stop).
od::document start_record(od::parser& parser, const char* buf, std::size_t start, std::size_t stop,
                          std::size_t capacity) {
    // A record that does not end its object where the text ends: say which way it is wrong.
    std::size_t last = stop;
    while (last > start && is_space(buf[last - 1])) --last;
    if (last > start && buf[last - 1] != '}') {
        std::size_t close = end_of_first_value(std::string_view(buf + start, stop - start));
        if (close != std::string_view::npos) throw DataError("unexpected text after the object");
    }
    auto r = parser.iterate(buf + start, stop - start, capacity);
    if (r.error()) throw simdjson::simdjson_error(r.error());
    return std::move(r.value_unsafe());
}

// The type of a record's top-level object, after checking that the object is
// the whole record; obj is left reset for reading its members.
std::string_view record_type(od::object& obj, const char* record_end) {
    std::string_view raw = obj.raw_json();
    if (raw.data() + raw.size() < record_end) throw DataError("unexpected text after the object");
    obj.reset();
    std::string_view type;
    auto t = obj.find_field_unordered("type");
    if (t.error() || t.get_string().get(type)) throw DataError("object has no \"type\"");
    obj.reset();
    return type;
}

const char* const kCollectionInSequence =
    "a FeatureCollection after the first record of a GeoJSON Sequence (a sequence holds features)";

// The message for a parser error; at_end when the input ended inside the record.
std::string parser_message(const simdjson::simdjson_error& e, bool at_end) {
    auto code = e.error();
    std::string what = code == simdjson::INCORRECT_TYPE ? "a member has the wrong JSON type"
                       : code == simdjson::UTF8_ERROR
                           ? std::string(kNotUtf8)
                           : std::string("invalid JSON: ") + e.what();
    bool unclosed = code == simdjson::INCOMPLETE_ARRAY_OR_OBJECT || code == simdjson::UNCLOSED_STRING;
    if (unclosed && at_end) what += " (truncated input?)";
    return what;
}

}  // namespace

bool looks_like_json(std::string_view head) {
    if (head.size() >= 3 && std::memcmp(head.data(), "\xEF\xBB\xBF", 3) == 0) head.remove_prefix(3);
    for (char c : head) {
        if (is_space(c) || c == kRS) continue;
        return c == '{';
    }
    return true;  // blanks only: an empty sequence
}

struct GeoJsonReader::Impl {
    enum class Mode { Unknown, SeqLF, SeqRS, Document };

    std::FILE* fp;
    std::string name;
    Mode mode = Mode::Unknown;
    std::string buf;          // data plus simdjson padding
    std::size_t begin = 0;    // start of unread data
    std::size_t end = 0;      // end of valid data
    bool eof = false;
    std::size_t line_no = 1;  // line at `begin`
    std::size_t record_line = 0;
    std::size_t features = 0;
    std::string crs;
    std::atomic<bool> z = false;
    FieldFilter filter;  // properties kept; all when empty

    od::parser parser;
    od::document doc;
    od::array array;  // features of a FeatureCollection being walked
    od::array_iterator it, it_end;
    bool in_array = false;

    Impl(std::FILE* f, std::string n) : fp(f), name(std::move(n)) {}

    std::string where() const {
        std::string s = name + ": feature " + std::to_string(features + 1);
        if (record_line) s += " (line " + std::to_string(record_line) + ")";
        return s;
    }

    // Ensures at least `want` bytes after `begin`, unless at end of input.
    // A record past kChunk is checked for NUL bytes as it grows (no JSON text
    // holds one: /dev/zero fails at once) and stops at kMaxRecord.
    void fill(std::size_t want) {
        while (!eof && end - begin < want) {
            if (begin > 0) {
                std::memmove(buf.data(), buf.data() + begin, end - begin);
                end -= begin;
                begin = 0;
            }
            if (end > kMaxRecord)
                throw DataError("a record longer than 4 GiB, more than the GeoJSON reader parses (does it ever end?)");
            std::size_t need = end + kChunk + simdjson::SIMDJSON_PADDING;
            if (buf.size() < need) buf.resize(std::max(need, std::min(buf.size() * 2, kMaxRecord + need)));
            std::size_t got = std::fread(buf.data() + end, 1, kChunk, fp);
            if (got == 0) {
                if (std::ferror(fp)) throw DataError(name + ": read error: " + std::strerror(errno));
                eof = true;
            }
            if (end >= kChunk && std::memchr(buf.data() + end, '\0', got))
                throw DataError("a NUL byte " + std::to_string(end >> 20) + " MiB into the record: not JSON text");
            end += got;
        }
    }

    // where() for memory that ran out while reading the next record.
    std::string where_reading() const {
        std::string s = name + ": feature " + std::to_string(features + 1) + " (line " + std::to_string(line_no) + ")";
        if (end - begin >= kChunk) s += ", " + std::to_string((end - begin) >> 20) + " MiB of it read";
        return s;
    }

    void detect() {
        fill(4096);
        if (end - begin >= 3 && std::memcmp(buf.data() + begin, "\xEF\xBB\xBF", 3) == 0) begin += 3;
        while (true) {
            while (begin < end && (is_space(buf[begin]) || buf[begin] == kRS)) {
                if (buf[begin] == kRS) { mode = Mode::SeqRS; return; }
                if (buf[begin] == '\n') ++line_no;
                ++begin;
            }
            if (begin < end || eof) break;
            fill(4096);
        }
        if (begin == end) { mode = Mode::SeqLF; return; }  // empty input: no features
        if (buf[begin] != '{')
            throw DataError(name + ": line " + std::to_string(line_no) + ": not GeoJSON (expected '{')");
        // Find the end of the first line.
        std::size_t scanned = begin;
        while (true) {
            const char* nl = static_cast<const char*>(std::memchr(buf.data() + scanned, '\n', end - scanned));
            if (nl || eof) {
                std::size_t stop = nl ? static_cast<std::size_t>(nl - buf.data()) : end;
                std::string_view first(buf.data() + begin, stop - begin);
                mode = end_of_first_value(first) != std::string_view::npos ? Mode::SeqLF : Mode::Document;
                return;
            }
            scanned = end;
            fill(end - begin + kChunk);
        }
    }

    // Next record of a sequence as [start, stop) in buf; false at the end.
    bool next_record(std::size_t& start, std::size_t& stop) {
        const char sep = mode == Mode::SeqRS ? kRS : '\n';
        const std::size_t last_line = record_line;
        while (true) {
            record_line = line_no;  // for an error before the record ends
            std::size_t scanned = begin;
            const char* hit = nullptr;
            while (true) {
                hit = static_cast<const char*>(std::memchr(buf.data() + scanned, sep, end - scanned));
                if (hit || eof) break;
                std::size_t have = end - begin;
                scanned = end;
                fill(have + kChunk);
                scanned = begin + have;
            }
            std::size_t rec_end = hit ? static_cast<std::size_t>(hit - buf.data()) : end;
            start = begin;
            stop = rec_end;
            record_line = line_no;
            if (sep == kRS) {
                for (std::size_t i = start; i < stop; ++i)
                    if (buf[i] == '\n') ++line_no;
            } else if (hit) {
                ++line_no;
            }
            begin = hit ? rec_end + 1 : end;
            while (start < stop && (is_space(buf[start]) || buf[start] == kRS)) {
                if (buf[start] == '\n') ++record_line;
                ++start;
            }
            while (stop > start && is_space(buf[stop - 1])) --stop;
            if (start < stop) return true;
            if (!hit) {
                record_line = last_line;
                return false;
            }
        }
    }

    void start_document(std::size_t start, std::size_t stop) {
        if (buf.size() < stop + simdjson::SIMDJSON_PADDING) buf.resize(stop + simdjson::SIMDJSON_PADDING);
        doc = start_record(parser, buf.data(), start, stop, buf.size() - start);
    }

    // Handles a parsed top-level object: a Feature (returns true with f filled)
    // or a FeatureCollection (sets up array iteration, returns false).
    bool take_top_level(Feature& f, std::size_t record_end) {
        od::object obj = doc.get_object();
        std::string_view type;
        if (mode != Mode::Document) {
            // One record, one object: "{...} {...}" on a line is an error.
            type = record_type(obj, buf.data() + record_end);
        } else {
            auto t = obj.find_field_unordered("type");
            if (t.error() || t.get_string().get(type)) throw DataError("object has no \"type\"");
            obj.reset();
        }
        if (type == "Feature") {
            bool saw_z = false;
            parse_feature_object(obj, f, saw_z, &filter);
            if (saw_z) z = true;
            return true;
        }
        if (type != "FeatureCollection")
            throw DataError("expected a Feature or FeatureCollection, found \"" + std::string(type) + "\"");
        if (mode != Mode::Document && features > 0) throw DataError(kCollectionInSequence);
        // Members in order up to "features", so that an error inside a feature is
        // reported with that feature's number. A "crs" member must come first
        // (as GDAL writes it); coordinates out of lon/lat range are caught later.
        obj.reset();
        for (auto field : obj) {
            std::string_view key = field.unescaped_key();
            if (key == "crs") {
                std::string n = crs_name(field.value());
                if (!n.empty()) crs = n;
            } else if (key == "features") {
                array = field.value().get_array();
                it = array.begin();
                it_end = array.end();
                in_array = true;
                return false;
            }
        }
        throw DataError("FeatureCollection has no \"features\"");
    }

    bool next_from_array(Feature& f) {
        if (it == it_end) {
            in_array = false;
            return false;
        }
        od::value v = (*it).value();
        bool saw_z = false;
        parse_feature_object(v.get_object(), f, saw_z, &filter);
        if (saw_z) z = true;
        ++it;
        return true;
    }

    bool next(Feature& f) {
        if (mode == Mode::Unknown) detect();
        while (true) {
            if (in_array) {
                if (next_from_array(f)) return true;
                if (mode == Mode::Document) return false;
                continue;
            }
            if (mode == Mode::Document) {
                if (begin == end && eof) return false;
                std::size_t need = end - begin;
                while (!eof) fill(need = end - begin + kChunk);
                std::size_t start = begin, stop = end;
                record_line = 0;
                begin = end;
                start_document(start, stop);
                if (take_top_level(f, stop)) { mode = Mode::SeqLF; return true; }
                continue;
            }
            std::size_t start = 0, stop = 0;
            if (!next_record(start, stop)) return false;
            start_document(start, stop);
            if (take_top_level(f, stop)) return true;
        }
    }
};

GeoJsonReader::GeoJsonReader(std::FILE* fp, std::string name)
    : impl_(std::make_unique<Impl>(fp, std::move(name))) {}
GeoJsonReader::~GeoJsonReader() = default;

bool GeoJsonReader::next(Feature& f) {
    try {
        bool ok = impl_->next(f);
        if (ok) ++impl_->features;
        return ok;
    } catch (const simdjson::simdjson_error& e) {
        std::string what = parser_message(e, impl_->eof && impl_->begin == impl_->end);
        // A whole document rejected before its first feature: no feature to name.
        if (impl_->mode == Impl::Mode::Document && !impl_->in_array && impl_->features == 0)
            throw DataError(impl_->name + ": " + what);
        throw DataError(impl_->where() + ": " + what);
    } catch (const DataError& e) {
        std::string msg = e.what();
        if (msg.rfind(impl_->name + ":", 0) == 0) throw;
        throw DataError(impl_->where() + ": " + msg);
    } catch (const std::bad_alloc&) {
        throw out_of_memory(impl_->where_reading());
    }
}

const std::string& GeoJsonReader::declared_crs() const { return impl_->crs; }
std::size_t GeoJsonReader::feature_number() const { return impl_->features; }
std::size_t GeoJsonReader::line() const { return impl_->record_line; }
bool GeoJsonReader::saw_z() const { return impl_->z; }
void GeoJsonReader::keep_fields(FieldFilter filter) { impl_->filter = std::move(filter); }

bool GeoJsonReader::splittable() const {
    return impl_->features > 0 && !impl_->in_array &&
           (impl_->mode == Impl::Mode::SeqLF || impl_->mode == Impl::Mode::SeqRS);
}

bool GeoJsonReader::next_records(GeoJsonRecords& r, std::size_t max) {
    r.text.clear();
    r.starts.clear();
    r.stops.clear();
    r.lines.clear();
    r.first_number = impl_->features + 1;
    std::size_t start = 0, stop = 0;
    try {
        while (r.size() < max && impl_->next_record(start, stop)) {
            r.starts.push_back(r.text.size());
            r.text.append(impl_->buf.data() + start, stop - start);
            r.stops.push_back(r.text.size());
            r.lines.push_back(impl_->record_line);
            ++impl_->features;
        }
    } catch (const std::bad_alloc&) {
        throw out_of_memory(impl_->where_reading());
    } catch (const DataError& e) {
        std::string msg = e.what();
        if (msg.rfind(impl_->name + ":", 0) == 0) throw;
        throw DataError(impl_->name + ": feature " + std::to_string(impl_->features + 1) + " (line " +
                        std::to_string(impl_->line_no) + "): " + msg);
    }
    r.ends_input = impl_->eof && impl_->begin == impl_->end;
    r.text.append(simdjson::SIMDJSON_PADDING, ' ');
    return r.size() > 0;
}

void GeoJsonReader::parse_record(const GeoJsonRecords& r, std::size_t k, Feature& f) const {
    thread_local od::parser parser;
    auto where = [&] {
        std::string s = impl_->name + ": feature " + std::to_string(r.first_number + k);
        if (r.lines[k]) s += " (line " + std::to_string(r.lines[k]) + ")";
        return s;
    };
    try {
        od::document doc = start_record(parser, r.text.data(), r.starts[k], r.stops[k], r.text.size() - r.starts[k]);
        od::object obj = doc.get_object();
        std::string_view type = record_type(obj, r.text.data() + r.stops[k]);
        if (type == "FeatureCollection") throw DataError(kCollectionInSequence);
        if (type != "Feature")
            throw DataError("expected a Feature or FeatureCollection, found \"" + std::string(type) + "\"");
        bool saw_z = false;
        parse_feature_object(obj, f, saw_z, &impl_->filter);
        if (saw_z) impl_->z = true;
    } catch (const simdjson::simdjson_error& e) {
        throw DataError(where() + ": " + parser_message(e, r.ends_input && k + 1 == r.size()));
    } catch (const DataError& e) {
        throw DataError(where() + ": " + e.what());
    }
}

// ---------------------------------------------------------------- writing

namespace {

// The digits of c·10^-k written as std::to_chars writes the shortest text of
// a double: fixed or scientific, whichever is shorter (fixed on a tie).
// c has no trailing zero when k > 0.
char* decimal_chars(char* p, bool negative, std::uint64_t c, int k) {
    char digits[24];
    int n = static_cast<int>(std::to_chars(digits, digits + sizeof digits, c).ptr - digits);
    int sig = n;
    while (sig > 1 && digits[sig - 1] == '0') --sig;
    const int exponent = n - 1 - k;
    const int exponent_digits = std::abs(exponent) >= 100 ? 3 : 2;
    const int fixed_len = n > k ? n + (k > 0 ? 1 : 0) : 2 + k;
    const int sci_len = sig + (sig > 1 ? 1 : 0) + 2 + exponent_digits;
    if (negative) *p++ = '-';
    if (fixed_len <= sci_len) {
        if (n > k) {
            std::memcpy(p, digits, static_cast<std::size_t>(n - k));
            p += n - k;
            if (k > 0) {
                *p++ = '.';
                std::memcpy(p, digits + n - k, static_cast<std::size_t>(k));
                p += k;
            }
        } else {
            *p++ = '0';
            *p++ = '.';
            std::memset(p, '0', static_cast<std::size_t>(k - n));
            p += k - n;
            std::memcpy(p, digits, static_cast<std::size_t>(n));
            p += n;
        }
        return p;
    }
    *p++ = digits[0];
    if (sig > 1) {
        *p++ = '.';
        std::memcpy(p, digits + 1, static_cast<std::size_t>(sig - 1));
        p += sig - 1;
    }
    *p++ = 'e';
    *p++ = exponent < 0 ? '-' : '+';
    int e = std::abs(exponent);
    if (e >= 100) *p++ = static_cast<char>('0' + e / 100);
    *p++ = static_cast<char>('0' + e / 10 % 10);
    *p++ = static_cast<char>('0' + e % 10);
    return p;
}

// The text of a feature goes to an Out: a std::string it is appended to, or a
// TextMatch that compares it with text already there.
class TextMatch {
public:
    explicit TextMatch(std::string_view text) : text_(text) {}
    void append(const char* p, std::size_t n) {
        if (ok_ && text_.size() - pos_ >= n && std::memcmp(text_.data() + pos_, p, n) == 0) pos_ += n;
        else ok_ = false;
    }
    void push_back(char c) {
        if (ok_ && pos_ < text_.size() && text_[pos_] == c) ++pos_;
        else ok_ = false;
    }
    std::size_t size() const { return pos_; }  // the bytes matched so far
    bool whole() const { return ok_ && pos_ == text_.size(); }
    void fail() { ok_ = false; }
    // Matches "s" when the text holds s between quotes as it is; false,
    // matching nothing, otherwise.
    bool quoted(std::string_view s) {
        const std::size_t n = s.size();
        if (!ok_ || text_.size() - pos_ < n + 2 || text_[pos_] != '"' || text_[pos_ + n + 1] != '"') return false;
        if (!same_text(text_.substr(pos_ + 1, n), s)) return false;
        pos_ += n + 2;
        return true;
    }

private:
    std::string_view text_;
    std::size_t pos_ = 0;
    bool ok_ = true;
};

template <class Out>
void put(Out& out, std::string_view s) {
    out.append(s.data(), s.size());
}

// The first byte of s at or after i that JSON text must escape (a quote, a
// backslash, a control character), or s.size(). Eight bytes at a time: a
// word that may hold one is looked at byte by byte.
std::size_t next_escape(std::string_view s, std::size_t i) {
    constexpr std::uint64_t ones = 0x0101010101010101ull, highs = 0x8080808080808080ull;
    while (i + 8 <= s.size()) {
        std::uint64_t x;
        std::memcpy(&x, s.data() + i, sizeof x);
        const std::uint64_t quote = x ^ (ones * '"'), backslash = x ^ (ones * '\\');
        const std::uint64_t maybe = ((x - ones * 0x20) & ~x) | ((quote - ones) & ~quote) | ((backslash - ones) & ~backslash);
        if (maybe & highs) break;
        i += 8;
    }
    for (; i < s.size(); ++i) {
        auto c = static_cast<unsigned char>(s[i]);
        if (c < 0x20 || c == '"' || c == '\\') return i;
    }
    return i;
}

template <class Out>
void write_string(Out& out, std::string_view s) {
    static constexpr char hex[] = "0123456789abcdef";
    if constexpr (std::is_same_v<Out, TextMatch>) {
        // Most text needs no escapes: compared whole, then checked for them.
        if (next_escape(s, 0) == s.size()) {
            if (!out.quoted(s)) out.fail();
            return;
        }
    }
    out.push_back('"');
    std::size_t run = 0;
    for (std::size_t i = next_escape(s, 0); i < s.size(); i = next_escape(s, run)) {
        auto c = static_cast<unsigned char>(s[i]);
        out.append(s.data() + run, i - run);
        run = i + 1;
        switch (c) {
            case '"': put(out, "\\\""); break;
            case '\\': put(out, "\\\\"); break;
            case '\n': put(out, "\\n"); break;
            case '\r': put(out, "\\r"); break;
            case '\t': put(out, "\\t"); break;
            default:
                put(out, "\\u00");
                out.push_back(hex[c >> 4]);
                out.push_back(hex[c & 15]);
        }
    }
    out.append(s.data() + run, s.size() - run);
    out.push_back('"');
}

template <class Out>
void write_shortest(Out& out, double d) {
    char buf[32];
    char* end = shortest_chars(buf, d);
    out.append(buf, static_cast<std::size_t>(end - buf));
}

template <class Out>
void write_number(Out& out, double d) {
    if (!std::isfinite(d)) {
        put(out, "null");
        return;
    }
    char buf[32];
    std::string_view s(buf, static_cast<std::size_t>(shortest_chars(buf, d) - buf));
    put(out, s);
    // Keep the number a real on the way back in.
    if (s.find_first_of(".e") == std::string_view::npos) put(out, ".0");
}

template <class Out>
void write_value(Out& out, const Value& v) {
    struct Visitor {
        Out& out;
        void operator()(std::monostate) const { put(out, "null"); }
        void operator()(bool b) const { put(out, b ? "true" : "false"); }
        void operator()(std::int64_t i) const {
            char buf[24];
            auto r = std::to_chars(buf, buf + sizeof buf, i);
            out.append(buf, static_cast<std::size_t>(r.ptr - buf));
        }
        void operator()(double d) const { write_number(out, d); }
        void operator()(const std::string& s) const { write_string(out, s); }
        void operator()(const RawJson& j) const { put(out, j.text); }
    };
    std::visit(Visitor{out}, v);
}

template <class Out>
void write_position(Out& out, const Geometry& g, std::size_t i) {
    out.push_back('[');
    write_shortest(out, g.xy[2 * i]);
    out.push_back(',');
    write_shortest(out, g.xy[2 * i + 1]);
    out.push_back(']');
}

template <class Out>
void write_positions(Out& out, const Geometry& g, std::size_t from, std::size_t to) {
    out.push_back('[');
    for (std::size_t i = from; i < to; ++i) {
        if (i > from) out.push_back(',');
        write_position(out, g, i);
    }
    out.push_back(']');
}

template <class Out>
void write_rings(Out& out, const Geometry& g, std::size_t ring_from, std::size_t ring_to) {
    out.push_back('[');
    for (std::size_t r = ring_from; r < ring_to; ++r) {
        if (r > ring_from) out.push_back(',');
        std::size_t from = r == 0 ? 0 : g.ring_ends[r - 1];
        write_positions(out, g, from, g.ring_ends[r]);
    }
    out.push_back(']');
}

template <class Out>
void write_geometry(Out& out, const Geometry& g) {
    if (g.type == GeomType::None) {
        put(out, "null");
        return;
    }
    put(out, "{\"type\":\"");
    put(out, geom_type_name(g.type));
    put(out, "\",\"coordinates\":");
    switch (g.type) {
        case GeomType::Point: write_position(out, g, 0); break;
        case GeomType::MultiPoint: write_positions(out, g, 0, g.point_count()); break;
        case GeomType::LineString: write_positions(out, g, 0, g.point_count()); break;
        case GeomType::MultiLineString:
        case GeomType::Polygon: write_rings(out, g, 0, g.ring_ends.size()); break;
        case GeomType::MultiPolygon:
            out.push_back('[');
            for (std::size_t p = 0; p < g.part_ends.size(); ++p) {
                if (p) out.push_back(',');
                write_rings(out, g, p == 0 ? 0 : g.part_ends[p - 1], g.part_ends[p]);
            }
            out.push_back(']');
            break;
        case GeomType::None: break;
    }
    out.push_back('}');
}

template <class Out>
std::size_t write_feature(Out& out, const Feature& f, std::string_view extra_fields) {
    put(out, "{\"type\":\"Feature\",");
    if (f.id) {
        put(out, "\"id\":");
        write_value(out, *f.id);
        out.push_back(',');
    }
    put(out, "\"properties\":{");
    bool first = true;
    for (const auto& [k, v] : f.props.entries()) {
        if (!first) out.push_back(',');
        first = false;
        write_string(out, k);
        out.push_back(':');
        write_value(out, v);
    }
    if (!extra_fields.empty()) {
        if (first && extra_fields.front() == ',') extra_fields.remove_prefix(1);
        put(out, extra_fields);
    }
    std::size_t props_end = out.size();
    put(out, "},\"geometry\":");
    write_geometry(out, f.geom);
    out.push_back('}');
    return props_end;
}

}  // namespace

char* shortest_chars(char* first, double d) {
    // At the most places k (up to 9) at which decimals are spaced wider than
    // doubles near d, at most one decimal c·10^-k reads back as d. When one
    // does, it with its trailing zeros dropped is the shortest text of d:
    // any shorter decimal that read back as d would be that one. c/10^k is
    // correctly rounded, as reading the decimal text is.
    static constexpr double kPow10[] = {1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9};
    const double a = std::fabs(d);
    if (a >= 1e-7 && a < 1e15) {
        std::uint64_t bits;
        std::memcpy(&bits, &a, sizeof bits);
        const double spacing = std::ldexp(1.0, static_cast<int>(bits >> 52) - 1075);
        int k = 9;
        while (k > 0 && spacing * kPow10[k] >= 0.5) --k;
        const double m = std::nearbyint(a * kPow10[k]);
        for (double c : {m, m - 1, m + 1}) {
            if (c < 1 || c / kPow10[k] != a) continue;
            auto digits = static_cast<std::uint64_t>(c);
            while (k > 0 && digits % 10 == 0) {
                digits /= 10;
                --k;
            }
            return decimal_chars(first, std::signbit(d), digits, k);
        }
    }
    return std::to_chars(first, first + 32, d).ptr;
}

void append_json_string(std::string& out, std::string_view s) { write_string(out, s); }
void append_json_number(std::string& out, double d) { write_number(out, d); }
void append_json_value(std::string& out, const Value& v) { write_value(out, v); }
void append_geometry_json(std::string& out, const Geometry& g) { write_geometry(out, g); }

std::size_t append_feature_json(std::string& out, const Feature& f, std::string_view extra_fields) {
    return write_feature(out, f, extra_fields);
}

std::optional<std::size_t> written_as(std::string_view text, const Feature& f) {
    TextMatch match(text);
    std::size_t props_end = write_feature(match, f, {});
    if (!match.whole()) return std::nullopt;
    return props_end;
}

}  // namespace atd
