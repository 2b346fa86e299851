#pragma once
// The fast path: GeoJSON and GeoJSON Sequence read with simdjson, written with std::to_chars.
#include <atd/feature.hpp>

#include <cstdio>
#include <memory>
#include <string>
#include <string_view>

namespace atd {

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

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

// True when the first bytes look like JSON text (after optional BOM/whitespace/RS).
bool looks_like_json(std::string_view head);

// Appends JSON text for the parts of a feature.
void append_json_string(std::string& out, std::string_view s);
void append_json_number(std::string& out, double d);
void append_json_value(std::string& out, const Value& v);
void append_geometry_json(std::string& out, const Geometry& g);
// A whole feature as one line of JSON, without the trailing newline.
void append_feature_json(std::string& out, const Feature& f);

}  // namespace atd
