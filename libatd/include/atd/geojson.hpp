#pragma once
// The fast path: GeoJSON and GeoJSON Sequence read with simdjson, written with std::to_chars.
#include <atd/feature.hpp>

#include <cstdio>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace atd {

// Records of a GeoJSON Sequence held as text, so that they can be parsed on
// several threads; numbered and lined as the reader counts them.
struct GeoJsonRecords {
    std::string text;  // the records back to back, padded for the parser
    std::vector<std::size_t> starts, stops, lines;
    std::size_t first_number = 0;  // 1-based feature number of the first record
    bool ends_input = false;       // the last record is the last of the input
    std::size_t size() const { return starts.size(); }
    std::string_view record(std::size_t k) const {
        return std::string_view(text).substr(starts[k], stops[k] - starts[k]);
    }
};

// Which properties a reader keeps, for a caller that needs a few fields of
// large records: given a feature's type (the value of feature_type when that
// is the record's first property, as atd writes it) and a key. The other
// properties are skipped unparsed, so a malformed value among them goes
// unnoticed. Records whose first property is not feature_type keep every
// field. Called on the reading threads.
using FieldFilter = std::function<bool(std::string_view feature_type, std::string_view key)>;

// Reads a GeoJSON FeatureCollection, a single Feature, or a GeoJSON Sequence
// (LF- or RS-separated) from a stdio stream, one feature at a time.
class GeoJsonReader {
public:
    // name is used in messages; the reader does not close fp.
    GeoJsonReader(std::FILE* fp, std::string name);
    ~GeoJsonReader();
    GeoJsonReader(const GeoJsonReader&) = delete;
    GeoJsonReader& operator=(const GeoJsonReader&) = delete;

    // Reads the next feature into f; false at the end. Throws DataError.
    bool next(Feature& f);
    // The CRS the input declares (old-style "crs" member), empty if none.
    const std::string& declared_crs() const;
    // 1-based number of the last feature read, and its line (0 if unknown).
    std::size_t feature_number() const;
    std::size_t line() const;
    // Whether any position carried a third coordinate (dropped).
    bool saw_z() const;
    // Keeps only the properties the filter accepts, from the next feature on.
    void keep_fields(FieldFilter filter);

    // True when the rest of the input is a GeoJSON Sequence of Feature records
    // (after next() has returned at least one feature): next_records may then
    // be used instead of next(), and the records parsed apart.
    bool splittable() const;
    // Reads up to max records as text; false at the end.
    bool next_records(GeoJsonRecords& r, std::size_t max);
    // Parses record k of r into f. Safe on several threads at once.
    // DataError names the feature and its line.
    void parse_record(const GeoJsonRecords& r, std::size_t k, Feature& f) const;

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

// True when the first bytes look like JSON text (after optional BOM/whitespace/RS).
bool looks_like_json(std::string_view head);

// std::to_chars(first, first + 32, d) for a finite d: the shortest text that
// reads back as d. Short decimals (up to 9 places, below 1e15) are written
// without the general algorithm; the text is the same. Returns the end.
char* shortest_chars(char* first, double d);

// Appends JSON text for the parts of a feature.
void append_json_string(std::string& out, std::string_view s);
void append_json_number(std::string& out, double d);
void append_json_value(std::string& out, const Value& v);
void append_geometry_json(std::string& out, const Geometry& g);
// A whole feature as one line of JSON, without the trailing newline.
// extra_fields: JSON members (",\"key\":value..." ) added after the feature's own.
// Returns where in out the properties object closes (its '}').
std::size_t append_feature_json(std::string& out, const Feature& f, std::string_view extra_fields = {});
// When text is exactly what append_feature_json writes for f: where in text
// its properties object closes. Compares as it goes, writing nothing.
std::optional<std::size_t> written_as(std::string_view text, const Feature& f);

}  // namespace atd
