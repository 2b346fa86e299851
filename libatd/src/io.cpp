#include <atd/csv.hpp>
#include <atd/error.hpp>
#include <atd/geo.hpp>
#include <atd/geojson.hpp>
#include <atd/io.hpp>
#include <atd/memory.hpp>
#include <atd/pipeline.hpp>

#include <gdal_priv.h>
#include <ogrsf_frmts.h>
#include <cpl_conv.h>
#include <sqlite3.h>

#include <algorithm>
#include <atomic>
#include <bit>
#include <cctype>
#include <cerrno>
#include <charconv>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <deque>
#include <filesystem>
#include <map>
#include <mutex>
#include <set>
#include <stdexcept>
#include <unordered_map>
#include <fcntl.h>
#include <unistd.h>

namespace atd {

namespace fs = std::filesystem;

// ------------------------------------------------------------------ formats

std::optional<Format> format_from_name(std::string_view name) {
    if (name == "geojsonseq" || name == "geojsonl") return Format::GeoJsonSeq;
    if (name == "geojson") return Format::GeoJson;
    if (name == "csv") return Format::Csv;
    if (name == "gpkg") return Format::Gpkg;
    if (name == "pg") return Format::Pg;
    return std::nullopt;
}

std::string_view format_name(Format f) {
    switch (f) {
        case Format::GeoJsonSeq: return "geojsonseq";
        case Format::GeoJson: return "geojson";
        case Format::Csv: return "csv";
        case Format::Gpkg: return "gpkg";
        case Format::Pg: return "pg";
    }
    return "geojsonseq";
}

std::optional<Format> format_from_path(std::string_view path) {
    if (is_pg_connection(path)) return Format::Pg;
    auto ext = fs::path(path).extension().string();
    for (auto& c : ext) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (ext == ".geojsons" || ext == ".geojsonl" || ext == ".geojsonseq" || ext == ".jsonl" || ext == ".ndjson")
        return Format::GeoJsonSeq;
    if (ext == ".geojson" || ext == ".json") return Format::GeoJson;
    if (ext == ".csv") return Format::Csv;
    if (ext == ".gpkg") return Format::Gpkg;
    return std::nullopt;
}

bool is_pg_connection(std::string_view path) {
    return path.size() >= 3 && (path[0] == 'P' || path[0] == 'p') && (path[1] == 'G' || path[1] == 'g') &&
           path[2] == ':';
}

namespace {
// Where the value of a password keyword starts in a libpq connection string
// (any case, spaces around '=', as in "password = X", or a URI's "?password=X"),
// searching from `from`; npos when there is none.
std::size_t password_value(const std::string& s, std::size_t from) {
    static constexpr std::string_view key = "password";
    for (std::size_t at = from; at + key.size() <= s.size(); ++at) {
        bool match = true;
        for (std::size_t k = 0; k < key.size() && match; ++k)
            match = std::tolower(static_cast<unsigned char>(s[at + k])) == key[k];
        // Whole keywords only; sslpassword is one too.
        std::size_t begin = at >= 3 && s.compare(at - 3, 3, "ssl") == 0 ? at - 3 : at;
        if (!match || (begin > 0 && !std::isspace(static_cast<unsigned char>(s[begin - 1])) &&
                       !std::strchr("?&:", s[begin - 1])))
            continue;
        std::size_t i = at + key.size();
        while (i < s.size() && (s[i] == ' ' || s[i] == '\t')) ++i;
        if (i >= s.size() || s[i] != '=') continue;
        ++i;
        while (i < s.size() && (s[i] == ' ' || s[i] == '\t')) ++i;
        return i;
    }
    return std::string::npos;
}
}  // namespace

std::string redact_connection(std::string_view conn) {
    std::string out(conn);
    for (std::size_t from = 0; (from = password_value(out, from)) != std::string::npos;) {
        std::size_t to = from;
        if (to < out.size() && out[to] == '\'') {  // a quoted value, with \' and \\ escapes
            for (++to; to < out.size() && out[to] != '\''; ++to)
                if (out[to] == '\\') ++to;
            to = std::min(to + 1, out.size());
        } else {
            // A URI's query parameter ends at '&'; a keyword's value at white space.
            std::size_t key_at = out.rfind("password", from);
            bool in_query = key_at != std::string::npos && key_at > 0 &&
                            (out[key_at - 1] == '?' || out[key_at - 1] == '&' ||
                             (key_at >= 4 && (out[key_at - 4] == '?' || out[key_at - 4] == '&')));
            while (to < out.size() && !std::isspace(static_cast<unsigned char>(out[to])) && !(in_query && out[to] == '&'))
                ++to;
        }
        out.replace(from, to - from, "***");
        from += 3;
    }
    // A URI: postgresql://user:password@host/db
    if (auto scheme = out.find("://"); scheme != std::string::npos) {
        std::size_t user = scheme + 3;
        std::size_t at = out.find('@', user);
        std::size_t colon = out.find(':', user);
        if (at != std::string::npos && colon < at && out.find('/', user) > at)
            out.replace(colon + 1, at - colon - 1, "***");
    }
    return out;
}

void check_table_name(const std::string& name) {
    auto part_ok = [](std::string_view p) {
        if (p.empty() || p.size() > 63 || (p[0] >= '0' && p[0] <= '9')) return false;
        for (char c : p)
            if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_')) return false;
        return true;
    };
    auto dot = name.find('.');
    bool ok = dot == std::string::npos ? part_ok(name)
                                       : part_ok(std::string_view(name).substr(0, dot)) &&
                                             part_ok(std::string_view(name).substr(dot + 1));
    if (!ok)
        throw UsageError("table name '" + name +
                         "' is not [schema.]table of lower-case letters, digits and _ (at most 63 each)");
}

namespace {

// SQLite's memory statistics take a global mutex on every allocation, which
// GDAL's GeoPackage writer and the thread that builds its spatial index then
// contend for; atd never reads them. Set before main, so before GDAL or PROJ
// can start SQLite (after that the call changes nothing).
[[maybe_unused]] const bool kSqliteMemoryStatisticsOff = sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0) == SQLITE_OK;

void gdal_init() {
    static std::once_flag once;
    std::call_once(once, [] {
        GDALAllRegister();
        CPLSetErrorHandler(CPLQuietErrorHandler);
    });
}

std::string gdal_message() {
    std::string m = CPLGetLastErrorMsg();
    CPLErrorReset();
    // One line: runs of blanks (PostgreSQL's messages hold line feeds, tabs and double spaces) become one space.
    std::string line;
    for (char c : m) {
        bool blank = c == '\n' || c == '\t' || c == '\r' || c == ' ';
        if (!blank) line.push_back(c);
        else if (!line.empty() && line.back() != ' ') line.push_back(' ');
    }
    while (!line.empty() && (line.back() == ' ' || line.back() == '.')) line.pop_back();
    return line.empty() ? "unknown GDAL error" : line;
}

// Why GDAL could not open a dataset, as one line without the PostgreSQL
// driver's "PQconnectdb failed." preamble; empty when GDAL said nothing.
std::string open_failure() {
    if (CPLGetLastErrorMsg()[0] == '\0') return {};
    std::string m = gdal_message();
    const std::string preamble = "PQconnectdb failed. ";
    if (m.rfind(preamble, 0) == 0) m.erase(0, preamble.size());
    return m;
}

bool is_connection_string(const std::string& path) {
    auto colon = path.find(':');
    if (colon == std::string::npos || colon < 2) return false;  // "C:" style or plain paths
    return !fs::exists(path);
}

// ------------------------------------------------------------ fast GeoJSON

// Throws for an input that gave no feature, unless empty inputs are allowed.
void refuse_empty(const std::string& name, const ReadOptions& opts) {
    if (!opts.allow_empty) throw DataError("no features in " + name + " (--allow-empty accepts an empty input)");
}

// Where standard input is copied for GDAL, and how much of it at most.
const char* const kStdinCopy = "/vsimem/atd-stdin";
constexpr std::size_t kStdinForGdal = std::size_t(1) << 20;

const char* const kProjectedInput =
    "coordinates are outside the lon/lat range; the input seems projected: give its CRS with --src-crs";

class GeoJsonSource final : public FeatureSource {
public:
    GeoJsonSource(std::FILE* fp, bool own, std::string name, const ReadOptions& opts, Log& log)
        : FeatureSource(name), fp_(fp), own_(own), reader_(fp, std::move(name)), opts_(opts), log_(log) {
        reader_.keep_fields(opts.keep_field);
    }
    ~GeoJsonSource() override {
        if (own_) std::fclose(fp_);
    }

    bool next(Feature& f) override {
        if (!reader_.next(f)) {
            if (reader_.feature_number() == 0) refuse_empty(name_, opts_);
            warn_z();
            return false;
        }
        if (!proj_checked_) setup_projection();
        if (reproject_) {
            try {
                reproject_->apply(f.geom);
            } catch (const DataError& e) {
                throw DataError(where() + ": " + e.what());
            }
        } else if (!within_lonlat(f.geom)) {
            throw DataError(where() + ": " + kProjectedInput);
        }
        return true;
    }

    std::string where() const override {
        std::string s = name_ + ": feature " + std::to_string(reader_.feature_number());
        if (reader_.line()) s += " (line " + std::to_string(reader_.line()) + ")";
        return s;
    }

    // After the first feature, a GeoJSON Sequence in lon/lat is read as records
    // and parsed on the workers' threads.
    bool read_batch(FeatureBatch& b, std::size_t max) override {
        if (reader_.feature_number() == 0) return FeatureSource::read_batch(b, 1);
        if (!reader_.splittable() || reproject_) return FeatureSource::read_batch(b, max);
        b.error = nullptr;
        try {
            b.deferred = reader_.next_records(b.records, max);
        } catch (...) {
            b.deferred = false;
            b.error = std::current_exception();
        }
        b.count = b.deferred ? b.records.size() : 0;
        return b.deferred || b.error;
    }

    void end_of_input() const override { warn_z(); }

    void parse(FeatureBatch& b, std::size_t k) const override {
        if (!b.deferred) return;
        if (b.features.size() < b.count) b.features.resize(b.count);
        reader_.parse_record(b.records, k, b.features[k]);
        if (!within_lonlat(b.features[k].geom)) throw DataError(where_in(b, k) + ": " + kProjectedInput);
    }

    std::string where_in(const FeatureBatch& b, std::size_t k) const override {
        if (!b.deferred) return FeatureSource::where_in(b, k);
        std::string s = name_ + ": feature " + std::to_string(b.records.first_number + k);
        if (b.records.lines[k]) s += " (line " + std::to_string(b.records.lines[k]) + ")";
        return s;
    }

private:
    void warn_z() const {
        if (reader_.saw_z() && !z_warned_) log_.warn("z", name_ + ": third coordinates (Z) were dropped");
        z_warned_ = true;
    }
    void setup_projection() {
        proj_checked_ = true;
        const std::string& declared = reader_.declared_crs();
        std::string crs = declared;
        if (!opts_.src_crs.empty()) {
            if (!declared.empty() && declared != opts_.src_crs)
                log_.warn("src-crs", name_ + ": declares " + declared + "; --src-crs " + opts_.src_crs +
                                         " overrides it");
            crs = opts_.src_crs;
        }
        if (crs.empty()) return;
        auto r = std::make_unique<Reprojector>(crs);
        if (r->needed()) reproject_ = std::move(r);
    }

    std::FILE* fp_;
    bool own_;
    GeoJsonReader reader_;
    ReadOptions opts_;
    Log& log_;
    bool proj_checked_ = false;
    mutable bool z_warned_ = false;
    std::unique_ptr<Reprojector> reproject_;
};

// ------------------------------------------------------------------- GDAL

Value field_value(OGRFeature& feat, int i, const OGRFieldDefn& defn) {
    if (!feat.IsFieldSetAndNotNull(i)) return std::monostate{};
    switch (defn.GetType()) {
        case OFTInteger:
            if (defn.GetSubType() == OFSTBoolean) return feat.GetFieldAsInteger(i) != 0;
            return static_cast<std::int64_t>(feat.GetFieldAsInteger(i));
        case OFTInteger64: return static_cast<std::int64_t>(feat.GetFieldAsInteger64(i));
        case OFTReal: return feat.GetFieldAsDouble(i);
        case OFTString: return std::string(feat.GetFieldAsString(i));
        case OFTIntegerList:
        case OFTInteger64List:
        case OFTRealList:
        case OFTStringList: {
            char* json = feat.GetFieldAsSerializedJSon(i);
            RawJson r{json ? json : "[]"};
            CPLFree(json);
            return r;
        }
        default: return std::string(feat.GetFieldAsString(i));
    }
}

void append_ring(Geometry& g, const OGRSimpleCurve& c) {
    for (int i = 0; i < c.getNumPoints(); ++i) {
        g.xy.push_back(c.getX(i));
        g.xy.push_back(c.getY(i));
    }
    g.ring_ends.push_back(static_cast<std::uint32_t>(g.xy.size() / 2));
}

void append_polygon(Geometry& g, const OGRPolygon& p) {
    if (p.IsEmpty()) return;
    append_ring(g, *p.getExteriorRing());
    for (int r = 0; r < p.getNumInteriorRings(); ++r) append_ring(g, *p.getInteriorRing(r));
}

Geometry from_ogr(const OGRGeometry* in) {
    Geometry g;
    if (!in || in->IsEmpty()) return g;
    std::unique_ptr<OGRGeometry> linear;
    if (in->hasCurveGeometry()) {
        linear.reset(in->getLinearGeometry());
        in = linear.get();
    }
    switch (wkbFlatten(in->getGeometryType())) {
        case wkbPoint: {
            const auto* p = in->toPoint();
            return Geometry::point(p->getX(), p->getY());
        }
        case wkbMultiPoint:
            g.type = GeomType::MultiPoint;
            for (const auto* p : *in->toMultiPoint()) {
                g.xy.push_back(p->getX());
                g.xy.push_back(p->getY());
            }
            return g;
        case wkbLineString:
            g.type = GeomType::LineString;
            append_ring(g, *in->toLineString());
            return g;
        case wkbMultiLineString:
            g.type = GeomType::MultiLineString;
            for (const auto* l : *in->toMultiLineString()) append_ring(g, *l);
            return g;
        case wkbPolygon:
            g.type = GeomType::Polygon;
            append_polygon(g, *in->toPolygon());
            return g;
        case wkbMultiPolygon:
            g.type = GeomType::MultiPolygon;
            for (const auto* p : *in->toMultiPolygon()) {
                append_polygon(g, *p);
                g.part_ends.push_back(static_cast<std::uint32_t>(g.ring_ends.size()));
            }
            return g;
        default:
            throw DataError(std::string("geometry type ") + in->getGeometryName() + " is not supported");
    }
}

class GdalSource final : public FeatureSource {
public:
    GdalSource(const std::string& path, std::string name, const ReadOptions& opts, Log& log)
        : FeatureSource(std::move(name)), opts_(opts), log_(log), stdin_copy_(path == kStdinCopy) {
        gdal_init();
        ds_.reset(GDALDataset::Open(path.c_str(), GDAL_OF_VECTOR | GDAL_OF_READONLY));
        if (!ds_) {
            std::string msg = open_failure();
            if (msg.empty())
                msg = path.rfind(kStdinCopy, 0) == 0 ? "not GeoJSON, and no GDAL driver reads it from stdin (give a file)"
                                                     : "not a format GDAL recognises";
            throw DataError(name_ + ": cannot read: " + msg);
        }
        if (opts.layers.empty()) {
            for (int i = 0; i < ds_->GetLayerCount(); ++i) layers_.push_back(ds_->GetLayer(i));
        } else {
            for (const auto& l : opts.layers) {
                OGRLayer* layer = ds_->GetLayerByName(l.c_str());
                if (!layer) throw UsageError(name_ + ": no layer named '" + l + "'");
                layers_.push_back(layer);
            }
        }
        if (layers_.empty()) throw DataError(name_ + ": holds no vector layer");
    }

    ~GdalSource() override {
        ds_.reset();
        if (stdin_copy_) VSIUnlink(kStdinCopy);
    }

    bool next(Feature& f) override {
        try {
            return next_feature(f);
        } catch (const std::bad_alloc&) {
            throw out_of_memory(where());
        }
    }

    std::string where() const override {
        std::string s = name_;
        if (layers_.size() > 1 && layer_index_ < layers_.size())
            s += std::string(" (layer ") + layers_[layer_index_]->GetName() + ")";
        return s + ": feature " + std::to_string(count_);
    }

private:
    bool next_feature(Feature& f) {
        while (layer_index_ < layers_.size()) {
            OGRLayer* layer = layers_[layer_index_];
            if (!layer_started_) start_layer(layer);
            std::unique_ptr<OGRFeature> feat(layer->GetNextFeature());
            if (!feat) {
                if (CPLGetLastErrorType() == CE_Failure) throw DataError(where() + ": " + gdal_message());
                ++layer_index_;
                layer_started_ = false;
                continue;
            }
            ++count_;
            convert(*feat, f);
            ++total_;
            return true;
        }
        if (total_ == 0) refuse_empty(name_, opts_);
        return false;
    }

    void start_layer(OGRLayer* layer) {
        layer_started_ = true;
        count_ = 0;
        layer->ResetReading();
        const OGRSpatialReference* srs = layer->GetSpatialRef();
        reproject_.reset();
        if (!opts_.src_crs.empty()) {
            if (srs)
                log_.warn("src-crs", name_ + ": layer " + layer->GetName() + " declares a CRS; --src-crs " +
                                         opts_.src_crs + " overrides it");
            reproject_ = std::make_unique<Reprojector>(opts_.src_crs);
        } else if (srs) {
            reproject_ = Reprojector::from_handle(
                OGRSpatialReference::ToHandle(const_cast<OGRSpatialReference*>(srs)));
        }
        if (reproject_ && !reproject_->needed()) reproject_.reset();
        check_range_ = !reproject_;
    }

    void convert(OGRFeature& feat, Feature& f) {
        f.props.clear();
        f.id.reset();
        OGRFeatureDefn* defn = feat.GetDefnRef();
        for (int i = 0; i < defn->GetFieldCount(); ++i) {
            const OGRFieldDefn* fd = defn->GetFieldDefn(i);
            f.props.append(fd->GetNameRef(), field_value(feat, i, *fd));
        }
        try {
            const OGRGeometry* geom = feat.GetGeometryRef();
            if (geom && geom->Is3D()) log_.warn("z", name_ + ": third coordinates (Z) were dropped");
            f.geom = from_ogr(geom);
            if (reproject_) reproject_->apply(f.geom);
            else if (check_range_ && !within_lonlat(f.geom))
                throw DataError("coordinates are outside the lon/lat range; the input seems projected: "
                                "give its CRS with --src-crs");
        } catch (const DataError& e) {
            throw DataError(where() + ": " + e.what());
        }
    }

    struct Closer {
        void operator()(GDALDataset* d) const { GDALClose(d); }
    };
    std::unique_ptr<GDALDataset, Closer> ds_;
    std::vector<OGRLayer*> layers_;
    std::size_t layer_index_ = 0;
    bool layer_started_ = false;
    std::size_t count_ = 0, total_ = 0;  // features of the layer, of every layer
    ReadOptions opts_;
    Log& log_;
    std::unique_ptr<Reprojector> reproject_;
    bool check_range_ = true;
    bool stdin_copy_;  // reads kStdinCopy
};

// Standard input that is not GeoJSON, copied for GDAL into memory
// (kStdinCopy): at most kStdinForGdal bytes, as GDAL's /vsistdin/ reads no
// further; a longer stream (/dev/zero) is refused at once.
void copy_stdin_for_gdal(const std::string& name) {
    const int first = std::getc(stdin);
    std::ungetc(first, stdin);
    auto* data = static_cast<GByte*>(CPLMalloc(kStdinForGdal + 1));
    std::size_t n = std::fread(data, 1, kStdinForGdal + 1, stdin);
    if (n > kStdinForGdal || std::ferror(stdin)) {
        CPLFree(data);
        char byte[8];
        std::snprintf(byte, sizeof byte, "0x%02x", static_cast<unsigned>(first) & 0xff);
        throw DataError(name + (n > kStdinForGdal ? ": not GeoJSON (it starts with byte " + std::string(byte) +
                                                        "), and other formats are read from standard input only "
                                                        "up to 1 MiB: give a file"
                                                  : ": read error: " + std::string(std::strerror(errno))));
    }
    gdal_init();
    VSIFCloseL(VSIFileFromMemBuffer(kStdinCopy, data, n, TRUE));
}

}  // namespace

std::unique_ptr<FeatureSource> FeatureSource::open(const std::string& path, const ReadOptions& opts, Log& log) {
    if (path.empty() || path == "-") {
        // Sniff stdin without losing bytes: skip a BOM and blanks, push back the first char.
        int c;
        while ((c = std::getc(stdin)) != EOF) {
            if (c == 0xEF || c == 0xBB || c == 0xBF || c == ' ' || c == '\t' || c == '\r' || c == '\n') continue;
            break;
        }
        const std::string name = input_name(path);
        if (c == EOF) return std::make_unique<GeoJsonSource>(stdin, false, name, opts, log);
        std::ungetc(c, stdin);
        if (c == '{' || c == 0x1e) return std::make_unique<GeoJsonSource>(stdin, false, name, opts, log);
        copy_stdin_for_gdal(name);
        return std::make_unique<GdalSource>(kStdinCopy, name, opts, log);
    }
    if (is_connection_string(path)) return std::make_unique<GdalSource>(path, input_name(path), opts, log);
    std::error_code ec;
    if (!fs::exists(path, ec)) throw DataError(path + ": no such file");
    if (fs::is_regular_file(path, ec)) {
        std::FILE* fp = std::fopen(path.c_str(), "rb");
        if (!fp) throw DataError(path + ": cannot open: " + std::strerror(errno));
        char head[4096];
        std::size_t n = std::fread(head, 1, sizeof head, fp);
        if (n == 0 && std::ferror(fp)) {
            std::fclose(fp);
            throw DataError(path + ": cannot read: " + std::strerror(errno));
        }
        if (n == 0 || looks_like_json(std::string_view(head, n))) {
            std::rewind(fp);
            return std::make_unique<GeoJsonSource>(fp, true, path, opts, log);
        }
        std::fclose(fp);
    }
    return std::make_unique<GdalSource>(path, path, opts, log);
}

bool FeatureSource::read_batch(FeatureBatch& b, std::size_t max) {
    b.deferred = false;
    b.count = 0;
    b.error = nullptr;
    b.wheres.clear();
    try {
        while (b.count < max) {
            if (b.features.size() <= b.count) b.features.emplace_back();
            if (!next(b.features[b.count])) break;
            b.wheres.push_back(where());
            ++b.count;
        }
    } catch (...) {
        b.error = error_at([&] { return where(); });
    }
    return b.count > 0 || b.error;
}

void FeatureSource::parse(FeatureBatch& b) const {
    if (!b.deferred) return;
    if (b.features.size() < b.count) b.features.resize(b.count);
    for (std::size_t k = 0; k < b.count; ++k) {
        try {
            parse(b, k);
        } catch (...) {
            b.error = error_at([&] { return where_in(b, k); });
            b.count = k;
            return;
        }
    }
}

void FeatureSource::parse(FeatureBatch&, std::size_t) const {}

void FeatureSink::write_json(std::string_view) {
    throw std::logic_error("this sink takes features, not JSON text");
}

bool FeatureSink::write_json_lines(std::string_view, std::size_t) { return false; }

std::string FeatureSource::where_in(const FeatureBatch& b, std::size_t k) const { return b.wheres.at(k); }

bool rereadable(const std::vector<std::string>& inputs) {
    for (const auto& path : inputs) {
        std::error_code ec;
        if (path.empty() || path == "-" || !fs::is_regular_file(path, ec)) return false;
    }
    return true;
}

std::uintmax_t input_bytes(const std::vector<std::string>& inputs) {
    std::uintmax_t total = 0;
    for (const auto& path : inputs) {
        std::error_code ec;
        if (!rereadable({path})) return 0;
        auto n = fs::file_size(path, ec);
        if (ec) return 0;
        total += n;
    }
    return total;
}

FeatureSpill::FeatureSpill() {
    const char* dir = std::getenv("TMPDIR");
    std::string path = std::string(dir && *dir ? dir : "/tmp") + "/atd-spill-XXXXXX";
    int fd = ::mkstemp(path.data());
    if (fd < 0) throw DataError("cannot create a temporary file in " + path + ": " + std::strerror(errno));
    ::unlink(path.c_str());
    fp_ = ::fdopen(fd, "wb");
    if (!fp_) {
        ::close(fd);
        throw DataError("cannot open a temporary file: " + std::string(std::strerror(errno)));
    }
    name_ = "/proc/self/fd/" + std::to_string(fd);
}

FeatureSpill::~FeatureSpill() { std::fclose(fp_); }

void FeatureSpill::write(const std::string& text) {
    if (std::fwrite(text.data(), 1, text.size(), fp_) != text.size())
        throw DataError("cannot write the temporary file: " + std::string(std::strerror(errno)));
}

ReadOptions FeatureSpill::read_options() {
    ReadOptions r;
    r.allow_empty = true;
    return r;
}

const std::string& FeatureSpill::finish() {
    if (std::fflush(fp_) != 0) throw DataError("cannot write the temporary file: " + std::string(std::strerror(errno)));
    return name_;
}

std::string input_name(const std::string& path) {
    if (path.empty() || path == "-") return "<stdin>";
    if (is_connection_string(path)) return redact_connection(path);
    return path;
}

BatchReader::BatchReader(std::vector<std::string> inputs, ReadOptions read, Log& log)
    : inputs_(std::move(inputs)), read_(std::move(read)), log_(log) {}

bool BatchReader::operator()(SourceBatch& b) {
    if (stopped_) return false;
    if (!current_) {
        if (next_input_ == inputs_.size()) return false;
        current_ = FeatureSource::open(inputs_[next_input_++], read_, log_);
    }
    b.source = current_;
    b.first = count_;
    b.source_ends = !current_->read_batch(b.fb, kBatch);
    if (b.source_ends) {
        b.fb.count = 0;
        current_.reset();
    }
    count_ += b.fb.size();
    if (b.source) note_reading(b.source->name(), count_);
    stopped_ = static_cast<bool>(b.fb.error);
    return true;
}

void finish_batch(const SourceBatch& b) {
    if (b.source_ends) b.source->end_of_input();
    if (b.fb.error) std::rethrow_exception(b.fb.error);
}

OutOfMemory out_of_memory_at(const SourceBatch& b, std::size_t k) {
    release_memory_reserve();
    if (b.fb.size() == 0) return out_of_memory(b.source->name() + ": after feature " + std::to_string(b.first));
    return out_of_memory(b.where(std::min(k, b.fb.size() - 1)));
}

namespace {
// Runs fn on feature k of the batch; an error cuts the batch there, after the
// features before it, as a parse error does. False when it did.
bool apply_to(SourceBatch& b, std::size_t k, const std::function<void(Feature&)>& fn) {
    try {
        fn(b.fb.features[k]);
        return true;
    } catch (...) {
        b.fb.error = error_at([&] { return b.where(k); });
        b.fb.count = k;
        return false;
    }
}
}  // namespace

void read_features(const std::vector<std::string>& inputs, const ReadOptions& read, Log& log,
                   const std::function<void(Feature&, const FeatureOrigin&)>& take,
                   const std::function<void(Feature&)>& prepare, std::size_t threads) {
    BatchReader reader(inputs, read, log);
    PipelineStages<SourceBatch> stages;
    stages.produce = std::ref(reader);
    stages.work = [&](SourceBatch& b) {
        b.source->parse(b.fb);
        if (!prepare) return;
        for (std::size_t k = 0; k < b.fb.size(); ++k)
            if (!apply_to(b, k, prepare)) break;
    };
    stages.consume = [&](SourceBatch& b) {
        std::size_t k = 0;
        try {
            for (; k < b.fb.size(); ++k) take(b.fb.features[k], FeatureOrigin{b, k, b.first + k});
        } catch (const std::bad_alloc&) {
            throw out_of_memory_at(b, k);
        }
        finish_batch(b);
    };
    run_pipeline(stages, threads ? threads : default_threads());
}

namespace {
struct MapBatch : SourceBatch {
    std::string json;  // the changed features as GeoJSON text, when the sink takes it
    std::vector<std::size_t> ends;
};
}  // namespace

std::size_t map_features(const std::vector<std::string>& inputs, const ReadOptions& read, Log& log, FeatureSink& sink,
                         const std::function<void(Feature&, std::size_t)>& change, std::size_t threads,
                         Progress* progress) {
    const bool as_json = sink.takes_json();
    BatchReader reader(inputs, read, log);
    PipelineStages<MapBatch> stages;
    stages.produce = std::ref(reader);
    stages.work = [&](MapBatch& b) {
        b.source->parse(b.fb);
        b.json.clear();
        b.ends.clear();
        std::size_t k = 0;
        try {
            for (; k < b.fb.size(); ++k) {
                if (!apply_to(b, k, [&](Feature& f) { change(f, b.first + k); })) break;
                if (as_json) {
                    append_feature_json(b.json, b.fb.features[k]);
                    b.ends.push_back(b.json.size());
                    b.json.push_back('\n');
                }
            }
        } catch (const std::bad_alloc&) {
            throw out_of_memory_at(b, k);
        }
    };
    std::size_t written = 0;
    auto write_batch = [&](MapBatch& b) {
        if (as_json && b.ends.size() == b.fb.size() && sink.write_json_lines(b.json, b.fb.size())) {
            written += b.fb.size();
            if (progress) progress->tick(b.fb.size());
            finish_batch(b);
            return;
        }
        std::size_t from = 0;
        for (std::size_t k = 0; k < b.fb.size(); ++k) {
            if (as_json) {
                sink.write_json(std::string_view(b.json).substr(from, b.ends[k] - from));
                from = b.ends[k] + 1;
            } else {
                sink.write(b.fb.features[k]);
            }
            ++written;
        }
        if (progress) progress->tick(b.fb.size());
        finish_batch(b);
    };
    stages.consume = [&](MapBatch& b) {
        try {
            write_batch(b);
        } catch (const std::bad_alloc&) {  // a GeoPackage or CSV sink holds every feature
            throw out_of_memory_at(b, written - b.first);
        }
    };
    run_pipeline(stages, threads ? threads : default_threads());
    return written;
}

std::vector<Feature> read_all(const std::string& path, const ReadOptions& opts, Log& log) {
    auto src = FeatureSource::open(path, opts, log);
    std::vector<Feature> out;
    Feature f;
    while (src->next(f)) out.push_back(std::move(f));
    return out;
}

// ------------------------------------------------------------------ output

namespace {

// The temporary directories of live outputs, for the signal handler: fixed
// slots of plain characters, since a handler may only call what is
// async-signal-safe (unlink, rmdir, raise).
constexpr std::size_t kTempSlots = 32, kTempPath = 4096;
char g_temp_dirs[kTempSlots][kTempPath];
std::atomic<bool> g_slot_claimed[kTempSlots], g_slot_ready[kTempSlots];
const char* const kSidecars[] = {"", "-journal", "-wal", "-shm"};

// Removes what a temporary directory can hold (the file, SQLite's sidecars) and the directory.
void remove_temp_dir(const char* dir, const char* file) {
    char path[kTempPath + 16];
    for (const char* suffix : kSidecars) {
        std::size_t n = std::strlen(file), m = std::strlen(suffix);
        if (n + m + 1 > sizeof path) continue;
        std::memcpy(path, file, n);
        std::memcpy(path + n, suffix, m + 1);
        ::unlink(path);
    }
    ::rmdir(dir);
}

void on_fatal_signal(int sig) {
    for (std::size_t i = 0; i < kTempSlots; ++i)
        if (g_slot_ready[i].load()) {
            const char* dir = g_temp_dirs[i];
            const char* file = dir + std::strlen(dir) + 1;  // stored after the directory's NUL
            remove_temp_dir(dir, file);
        }
    ::signal(sig, SIG_DFL);
    ::raise(sig);
}

void install_signal_cleanup() {
    static std::once_flag once;
    std::call_once(once, [] {
        for (int sig : {SIGINT, SIGTERM, SIGHUP}) {
            struct sigaction sa {};
            if (::sigaction(sig, nullptr, &sa) == 0 && sa.sa_handler == SIG_IGN) continue;  // nohup
            sa.sa_handler = on_fatal_signal;
            sigemptyset(&sa.sa_mask);
            sa.sa_flags = 0;
            ::sigaction(sig, &sa, nullptr);
        }
    });
}

// Registers dir (holding file) for removal on a signal; the slot, or -1 when
// all are taken (the object still removes it when it dies).
int register_temp(const std::string& dir, const std::string& file) {
    if (dir.size() + file.size() + 2 > kTempPath) return -1;
    for (std::size_t i = 0; i < kTempSlots; ++i) {
        bool expected = false;
        if (g_slot_claimed[i].compare_exchange_strong(expected, true)) {
            std::memcpy(g_temp_dirs[i], dir.c_str(), dir.size() + 1);
            std::memcpy(g_temp_dirs[i] + dir.size() + 1, file.c_str(), file.size() + 1);
            g_slot_ready[i].store(true);  // the handler reads it only now
            return static_cast<int>(i);
        }
    }
    return -1;
}

void unregister_temp(const std::string& dir) {
    for (std::size_t i = 0; i < kTempSlots; ++i)
        if (g_slot_ready[i].load() && dir == g_temp_dirs[i]) {
            g_slot_ready[i].store(false);
            g_slot_claimed[i].store(false);
        }
}

}  // namespace

OutputFile::OutputFile(std::string path, bool overwrite) {
    if (path.empty() || path == "-") {
        fp_ = stdout;
        return;
    }
    std::error_code ec;
    auto status = fs::status(path, ec);
    if (fs::is_character_file(status) || fs::is_fifo(status) || fs::is_socket(status)) {
        // A device or pipe (/dev/null, a named pipe): written directly, never replaced.
        fp_ = std::fopen(path.c_str(), "wb");
        if (!fp_) throw DataError(path + ": cannot write: " + std::strerror(errno));
        device_ = true;
        path_ = std::move(path);
        return;
    }
    path_ = std::move(path);
    if (fs::is_directory(status)) throw DataError(path_ + ": is a directory");
    bool link = fs::is_symlink(fs::symlink_status(path_, ec));
    if ((fs::exists(status) || link) && !overwrite)
        throw DataError(path_ + ": already exists" + (link ? " (a symbolic link)" : "") +
                        "; add --overwrite to replace it");
    fs::path p(path_);
    fs::path dir = p.has_parent_path() ? p.parent_path() : fs::path(".");
    std::string pattern = (dir / ("." + p.filename().string() + ".tmp-XXXXXX")).string();
    if (!::mkdtemp(pattern.data())) throw DataError(path_ + ": cannot write: " + std::strerror(errno));
    dir_ = pattern;
    temp_ = (fs::path(dir_) / p.filename()).string();
    install_signal_cleanup();
    register_temp(dir_, temp_);
    int fd = ::open(temp_.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0666);
    fp_ = fd < 0 ? nullptr : ::fdopen(fd, "wb");
    if (!fp_) {
        int err = errno;
        if (fd >= 0) ::close(fd);
        discard_temp();
        throw DataError(path_ + ": cannot write: " + std::strerror(err));
    }
}

void OutputFile::discard_temp() {
    if (dir_.empty()) return;
    remove_temp_dir(dir_.c_str(), temp_.c_str());  // removed first: a signal between the two finds nothing to do
    unregister_temp(dir_);
    dir_.clear();
}

OutputFile::~OutputFile() {
    if (device_) {
        if (fp_) std::fclose(fp_);
        return;
    }
    if (!path_.empty() && !committed_) {
        if (fp_) std::fclose(fp_);
        discard_temp();
    }
}

void OutputFile::release_stream() {
    if (device_) {
        std::fclose(fp_);
        fp_ = nullptr;
        temp_ = path_;  // written in place
        return;
    }
    if (fp_ && fp_ != stdout) {
        std::fclose(fp_);
        ::unlink(temp_.c_str());  // the writer creates it again, in the private directory
    }
    fp_ = nullptr;
}

void OutputFile::commit() {
    if (path_.empty()) {
        if (std::fflush(stdout) != 0) throw DataError("<stdout>: write error: " + std::string(std::strerror(errno)));
        return;
    }
    if (fp_) {
        bool bad = std::ferror(fp_) != 0;
        if (std::fclose(fp_) != 0) bad = true;
        fp_ = nullptr;
        if (bad) throw DataError(path_ + ": write error: " + std::strerror(errno));
    }
    if (device_) {
        committed_ = true;
        return;
    }
    if (std::rename(temp_.c_str(), path_.c_str()) != 0)
        throw DataError(path_ + ": cannot rename the temporary file: " + std::strerror(errno));
    committed_ = true;
    discard_temp();  // the directory, now empty but for a writer's sidecars
}

std::string layer_name_for(const Feature& f) {
    auto t = f.props.get_string("feature_type");
    if (!t || t->empty()) return "features";
    if (t->back() == 'y') return t->substr(0, t->size() - 1) + "ies";
    if (t->back() == 's') return *t;
    return *t + "s";
}

namespace {

class JsonSink final : public FeatureSink {
public:
    JsonSink(const WriteOptions& o, bool collection) : out_(o.path, o.overwrite), collection_(collection) {
        if (collection_) buf_ = "{\"type\":\"FeatureCollection\",\"features\":[\n";
    }
    void write(const Feature& f) override {
        if (collection_ && count_ > 0) buf_ += ",\n";
        append_feature_json(buf_, f);
        end_feature();
    }
    bool takes_json() const override { return true; }
    void write_json(std::string_view feature) override {
        if (collection_ && count_ > 0) buf_ += ",\n";
        buf_ += feature;
        end_feature();
    }
    bool write_json_lines(std::string_view lines, std::size_t features) override {
        if (collection_) return false;
        flush();
        if (!lines.empty() && std::fwrite(lines.data(), 1, lines.size(), out_.stream()) != lines.size())
            throw DataError(out_.display_name() + ": write error: " + std::strerror(errno));
        count_ += features;
        return true;
    }
    void finish() override {
        if (collection_) buf_ += count_ ? "\n]}\n" : "]}\n";
        flush();
        out_.commit();
    }

private:
    void end_feature() {
        if (!collection_) buf_.push_back('\n');
        ++count_;
        if (buf_.size() >= (1u << 20)) flush();
    }
    void flush() {
        if (!buf_.empty() && std::fwrite(buf_.data(), 1, buf_.size(), out_.stream()) != buf_.size())
            throw DataError(out_.display_name() + ": write error: " + std::strerror(errno));
        buf_.clear();
    }
    OutputFile out_;
    bool collection_;
    std::string buf_;
    std::size_t count_ = 0;
};

OGRwkbGeometryType ogr_type(GeomType t) {
    switch (t) {
        case GeomType::Point: return wkbPoint;
        case GeomType::MultiPoint: return wkbMultiPoint;
        case GeomType::LineString: return wkbLineString;
        case GeomType::MultiLineString: return wkbMultiLineString;
        case GeomType::Polygon: return wkbPolygon;
        case GeomType::MultiPolygon: return wkbMultiPolygon;
        case GeomType::None: break;
    }
    return wkbUnknown;
}

std::unique_ptr<OGRGeometry> to_ogr(const Geometry& g, OGRwkbGeometryType layer_type) {
    auto ring_of = [&](std::size_t r, auto& ring) {
        std::size_t from = r == 0 ? 0 : g.ring_ends[r - 1];
        for (std::size_t i = from; i < g.ring_ends[r]; ++i) ring.addPoint(g.xy[2 * i], g.xy[2 * i + 1]);
    };
    auto polygon_of = [&](std::size_t r0, std::size_t r1) {
        auto poly = std::make_unique<OGRPolygon>();
        for (std::size_t r = r0; r < r1; ++r) {
            auto ring = std::make_unique<OGRLinearRing>();
            ring_of(r, *ring);
            poly->addRingDirectly(ring.release());
        }
        return poly;
    };
    std::unique_ptr<OGRGeometry> out;
    switch (g.type) {
        case GeomType::None: return nullptr;
        case GeomType::Point: out = std::make_unique<OGRPoint>(g.xy[0], g.xy[1]); break;
        case GeomType::MultiPoint: {
            auto mp = std::make_unique<OGRMultiPoint>();
            for (std::size_t i = 0; i < g.point_count(); ++i) mp->addGeometryDirectly(new OGRPoint(g.xy[2 * i], g.xy[2 * i + 1]));
            out = std::move(mp);
            break;
        }
        case GeomType::LineString: {
            auto l = std::make_unique<OGRLineString>();
            ring_of(0, *l);
            out = std::move(l);
            break;
        }
        case GeomType::MultiLineString: {
            auto ml = std::make_unique<OGRMultiLineString>();
            for (std::size_t r = 0; r < g.ring_ends.size(); ++r) {
                auto l = std::make_unique<OGRLineString>();
                ring_of(r, *l);
                ml->addGeometryDirectly(l.release());
            }
            out = std::move(ml);
            break;
        }
        case GeomType::Polygon: out = polygon_of(0, g.ring_ends.size()); break;
        case GeomType::MultiPolygon: {
            auto mp = std::make_unique<OGRMultiPolygon>();
            for (std::size_t p = 0; p < g.part_ends.size(); ++p)
                mp->addGeometryDirectly(polygon_of(p == 0 ? 0 : g.part_ends[p - 1], g.part_ends[p]).release());
            out = std::move(mp);
            break;
        }
    }
    if (layer_type == wkbMultiPolygon && wkbFlatten(out->getGeometryType()) == wkbPolygon)
        out.reset(OGRGeometryFactory::forceToMultiPolygon(out.release()));
    return out;
}

// A layer kept until finish(), when its schema is known: fields in order of
// first appearance, each with the widest type seen (int < real < string;
// booleans stay booleans), one geometry type, and its features packed a few
// bytes per value (the schema grows as they come, so they are read once).
class PackedLayer {
public:
    explicit PackedLayer(std::string name) : name_(std::move(name)) {}
    PackedLayer(const PackedLayer&) = delete;  // its key cache refers to it
    PackedLayer& operator=(const PackedLayer&) = delete;
    const std::string& name() const { return name_; }

    void add(const Feature& f) {
        auto& b = scratch_;
        b.clear();
        std::uint32_t values = 0;
        put(b, values);  // filled in below
        ids_.start();
        for (const auto& [k, v] : f.props.entries()) {
            std::uint32_t id = ids_.get(k);
            if (is_null(v)) continue;
            widen(id, v);
            put(b, id);
            if (const auto* x = std::get_if<bool>(&v)) {
                b.push_back(kBool);
                b.push_back(*x ? 1 : 0);
            } else if (const auto* i = std::get_if<std::int64_t>(&v)) {
                b.push_back(kInt);
                put(b, *i);
            } else if (const auto* d = std::get_if<double>(&v)) {
                b.push_back(kReal);
                put(b, *d);
            } else {
                const std::string& t = std::holds_alternative<std::string>(v) ? std::get<std::string>(v)
                                                                              : std::get<RawJson>(v).text;
                b.push_back(kText);
                put(b, static_cast<std::uint64_t>(t.size()));
                b.append(t).push_back('\0');  // GDAL takes C strings
            }
            ++values;
        }
        std::memcpy(b.data(), &values, sizeof values);
        const Geometry& g = f.geom;
        b.push_back(static_cast<char>(g.type));
        if (!g.empty()) {
            gtypes_ |= 1u << static_cast<unsigned>(g.type);
            put_array(b, g.xy);
            put_array(b, g.ring_ends);
            put_array(b, g.part_ends);
        }
        if (chunks_.empty() || chunks_.back().size() + b.size() > chunks_.back().capacity()) {
            // Chunks as large as the layer so far, from 64 KiB to kChunk: filled, never moved.
            std::size_t size = std::clamp(packed_, std::size_t(64) << 10, kChunk);
            chunks_.emplace_back();
            chunks_.back().reserve(std::max(size, b.size()));
        }
        chunks_.back().append(b);
        packed_ += b.size();
    }

    std::size_t fields() const { return names_.size(); }
    const std::string& field_name(std::size_t id) const { return names_[id]; }
    OGRFieldType field_type(std::size_t id) const { return types_[id] == OFTMaxType ? OFTString : types_[id]; }
    bool field_is_bool(std::size_t id) const { return is_bool_[id]; }

    OGRwkbGeometryType geometry_type() const {
        if (gtypes_ == 0) return wkbNone;
        if (std::has_single_bit(gtypes_)) return ogr_type(static_cast<GeomType>(std::countr_zero(gtypes_)));
        unsigned polygons = 1u << static_cast<unsigned>(GeomType::Polygon) |
                            1u << static_cast<unsigned>(GeomType::MultiPolygon);
        return gtypes_ == polygons ? wkbMultiPolygon : wkbUnknown;
    }

    // Calls each(feature) for every feature in order, with feature's fields
    // set through field_index (field id -> OGR field index) and its geometry.
    template <class Each>
    // With neutralise, text a spreadsheet would run as a formula gets a leading '.
    void for_each(OGRFeatureDefn* defn, const std::vector<int>& field_index, OGRwkbGeometryType gtype,
                  bool neutralise, Each&& each) const {
        std::string cell;
        OGRFeature feat(defn);
        Geometry g;
        for (const auto& chunk : chunks_) {
            const char* p = chunk.data();
            const char* end = p + chunk.size();
            while (p < end) {
                feat.Reset();
                auto values = take<std::uint32_t>(p);
                for (std::uint32_t n = 0; n < values; ++n) {
                    int idx = field_index[take<std::uint32_t>(p)];
                    char kind = *p++;
                    switch (kind) {
                        case kBool: feat.SetField(idx, *p++ ? 1 : 0); break;
                        case kInt: feat.SetField(idx, static_cast<GIntBig>(take<std::int64_t>(p))); break;
                        case kReal: feat.SetField(idx, take<double>(p)); break;
                        default: {
                            auto size = take<std::uint64_t>(p);
                            if (neutralise && looks_like_formula(std::string_view(p, size))) {
                                cell.assign("'").append(p, size);
                                feat.SetField(idx, cell.c_str());
                            } else {
                                feat.SetField(idx, p);
                            }
                            p += size + 1;
                        }
                    }
                }
                g.type = static_cast<GeomType>(*p++);
                if (!g.empty()) {
                    take_array(p, g.xy);
                    take_array(p, g.ring_ends);
                    take_array(p, g.part_ends);
                    if (gtype != wkbNone) feat.SetGeometryDirectly(to_ogr(g, gtype).release());
                }
                each(feat);
            }
        }
    }

private:
    static constexpr char kBool = 1, kInt = 2, kReal = 3, kText = 4;
    static constexpr std::size_t kChunk = std::size_t(32) << 20;

    template <class T>
    static void put(std::string& b, T x) {
        b.append(reinterpret_cast<const char*>(&x), sizeof x);
    }
    template <class T>
    static void put_array(std::string& b, const std::vector<T>& v) {
        put(b, static_cast<std::uint64_t>(v.size()));
        if (!v.empty()) b.append(reinterpret_cast<const char*>(v.data()), v.size() * sizeof(T));
    }
    template <class T>
    static T take(const char*& p) {
        T x;
        std::memcpy(&x, p, sizeof x);
        p += sizeof x;
        return x;
    }
    template <class T>
    static void take_array(const char*& p, std::vector<T>& v) {
        v.resize(take<std::uint64_t>(p));
        if (!v.empty()) std::memcpy(v.data(), p, v.size() * sizeof(T));
        p += v.size() * sizeof(T);
    }

    // The field's id, a new field when the key is new (ids_ asks this on a miss).
    std::uint32_t field_id(std::string_view key) {
        auto [it, fresh] = field_of_.try_emplace(std::string(key), static_cast<std::uint32_t>(names_.size()));
        if (fresh) {
            names_.emplace_back(key);
            types_.push_back(OFTMaxType);  // unknown until a non-null value
            is_bool_.push_back(true);
        }
        return it->second;
    }
    void widen(std::uint32_t id, const Value& v) {
        OGRFieldType t = std::holds_alternative<bool>(v)           ? OFTInteger
                         : std::holds_alternative<std::int64_t>(v) ? OFTInteger64
                         : std::holds_alternative<double>(v)       ? OFTReal
                                                                   : OFTString;
        if (!std::holds_alternative<bool>(v)) is_bool_[id] = false;
        OGRFieldType& cur = types_[id];
        if (cur == OFTMaxType) cur = t;
        else if (cur != t) {
            bool numeric = (cur == OFTInteger || cur == OFTInteger64 || cur == OFTReal) &&
                           (t == OFTInteger || t == OFTInteger64 || t == OFTReal);
            cur = !numeric ? OFTString : (cur == OFTReal || t == OFTReal) ? OFTReal : OFTInteger64;
        }
    }

    std::string name_;
    std::vector<std::string> names_;
    std::vector<OGRFieldType> types_;
    std::vector<bool> is_bool_;
    std::unordered_map<std::string, std::uint32_t> field_of_;
    KeyCache<std::uint32_t> ids_{[this](std::string_view key) { return field_id(key); }};
    unsigned gtypes_ = 0;                  // bit per GeomType seen
    std::vector<std::string> chunks_;  // packed features, none across two chunks
    std::size_t packed_ = 0;           // their bytes
    std::string scratch_;
};

// Features grouped into layers until finish(). The GDAL writers (GeoPackage,
// CSV, PostgreSQL) share it.
class LayeredSink : public FeatureSink {
public:
    void write(const Feature& f) override { layer_for(f).add(f); }

protected:
    LayeredSink(const WriteOptions& o, std::string display) : opts_(o), display_(std::move(display)) {}

    // Creates the layer with its fields and writes its features; lco: layer creation options.
    OGRLayer* write_layer(GDALDataset& ds, const PackedLayer& l, char** lco, bool layer_transaction) {
        OGRwkbGeometryType gtype = l.geometry_type();
        OGRSpatialReference wgs84;
        wgs84.SetWellKnownGeogCS("WGS84");
        wgs84.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
        if (opts_.format == Format::Csv && gtype != wkbNone) lco = CSLSetNameValue(lco, "GEOMETRY", "AS_WKT");
        OGRLayer* layer = ds.CreateLayer(l.name().c_str(), gtype == wkbNone ? nullptr : &wgs84, gtype, lco);
        CSLDestroy(lco);
        if (!layer) throw DataError(display_ + ": cannot create layer " + l.name() + ": " + gdal_message());
        for (std::size_t id = 0; id < l.fields(); ++id) {
            OGRFieldDefn fd(l.field_name(id).c_str(), l.field_type(id));
            if (l.field_type(id) == OFTInteger && l.field_is_bool(id)) fd.SetSubType(OFSTBoolean);
            if (layer->CreateField(&fd) != OGRERR_NONE)
                throw DataError(display_ + ": cannot create field " + l.field_name(id) + " in " + l.name() + ": " +
                                gdal_message());
        }
        bool tx = layer_transaction && layer->StartTransaction() == OGRERR_NONE;
        OGRFeatureDefn* defn = layer->GetLayerDefn();
        std::vector<int> field_index(l.fields());
        for (std::size_t id = 0; id < l.fields(); ++id) {
            field_index[id] = defn->GetFieldIndex(l.field_name(id).c_str());
            if (field_index[id] < 0)
                throw DataError(display_ + ": field " + l.field_name(id) + " is missing from " + l.name());
        }
        bool neutralise = opts_.format == Format::Csv && !opts_.csv_raw;
        l.for_each(defn, field_index, gtype, neutralise, [&](OGRFeature& feat) {
            if (layer->CreateFeature(&feat) != OGRERR_NONE)
                throw DataError(display_ + ": cannot write a feature to " + l.name() + ": " + gdal_message());
        });
        if (tx && layer->CommitTransaction() != OGRERR_NONE) throw DataError(display_ + ": " + gdal_message());
        return layer;
    }

    WriteOptions opts_;
    std::string display_;  // the output's name in messages
    std::deque<PackedLayer> layers_;  // never moved: each holds a cache that refers to it

private:
    PackedLayer& layer_for(const Feature& f) {
        std::string name = !opts_.table.empty()          ? opts_.table
                           : opts_.format == Format::Csv ? std::string("features")
                                                         : layer_name_for(f);
        if (last_ < layers_.size() && layers_[last_].name() == name) return layers_[last_];
        auto it = index_.find(name);
        if (it == index_.end()) {
            it = index_.emplace(name, layers_.size()).first;
            layers_.emplace_back(name);
        }
        last_ = it->second;
        return layers_[last_];
    }
    std::map<std::string, std::size_t> index_;
    std::size_t last_ = 0;
};

// SOURCE_DATE_EPOCH (the reproducible-builds convention) as an ISO 8601
// time, or 2000-01-01 when it is unset or not a number of seconds.
std::string reproducible_date() {
    long long seconds = 946684800;
    if (const char* e = std::getenv("SOURCE_DATE_EPOCH")) {
        long long v = 0;
        auto [ptr, ec] = std::from_chars(e, e + std::strlen(e), v);
        if (ec == std::errc() && *ptr == '\0' && v >= 0 && v < 253402300800LL) seconds = v;
    }
    std::time_t t = static_cast<std::time_t>(seconds);
    std::tm tm{};
    gmtime_r(&t, &tm);
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S.000Z", &tm);
    return buf;
}

// Copies a finished file to the open stream of a device or pipe, byte for byte.
void copy_to_stream(const std::string& from, std::FILE* out, const std::string& display) {
    std::FILE* in = std::fopen(from.c_str(), "rb");
    bool ok = in != nullptr;
    char buf[1 << 16];
    for (std::size_t n; ok && (n = std::fread(buf, 1, sizeof buf, in)) > 0;) ok = std::fwrite(buf, 1, n, out) == n;
    ok = ok && !std::ferror(in);
    int err = errno;
    if (in) std::fclose(in);
    if (!ok) throw DataError(display + ": cannot write: " + std::strerror(err));
}

// GeoPackage and CSV files.
class GdalFileSink final : public LayeredSink {
public:
    explicit GdalFileSink(const WriteOptions& o) : LayeredSink(o, ""), out_(o.path, o.overwrite) {
        display_ = out_.display_name();
        if (o.format == Format::Gpkg && out_.is_stdout())
            throw UsageError("GeoPackage output needs a file: give -o FILE.gpkg");
        if (!out_.is_device()) out_.release_stream();  // a device stays open: the file is copied to it
    }
    void finish() override {
        gdal_init();
        const char* driver_name = opts_.format == Format::Gpkg ? "GPKG" : "CSV";
        // The same features make the same bytes: GeoPackage's last_change is the
        // date SOURCE_DATE_EPOCH gives, else a fixed one, unless OGR_CURRENT_DATE is set.
        if (!CPLGetConfigOption("OGR_CURRENT_DATE", nullptr))
            CPLSetThreadLocalConfigOption("OGR_CURRENT_DATE", reproducible_date().c_str());
        GDALDriver* drv = GetGDALDriverManager()->GetDriverByName(driver_name);
        if (!drv) throw DataError(std::string("GDAL has no ") + driver_name + " driver");
        std::string target = out_.is_stdout() ? std::string("/vsistdout/") : out_.temp_path();
        // GDAL creates files only: a device or pipe (/dev/null, a FIFO) gets a
        // scratch file in TMPDIR, copied to it when complete.
        std::optional<OutputFile> scratch;
        if (out_.is_device()) {
            const char* tmp = std::getenv("TMPDIR");
            scratch.emplace(std::string(tmp && *tmp ? tmp : "/tmp") + "/atd-out" +
                                (opts_.format == Format::Gpkg ? ".gpkg" : ".csv"),
                            true);
            scratch->release_stream();
            target = scratch->temp_path();
        }
        GDALDataset* ds = drv->Create(target.c_str(), 0, 0, 0, GDT_Unknown, nullptr);
        if (!ds) throw DataError(display_ + ": cannot create: " + gdal_message());
        try {
            for (const auto& l : layers_) {
                char** lco = opts_.format == Format::Gpkg ? CSLSetNameValue(nullptr, "FID", "fid") : nullptr;
                write_layer(*ds, l, lco, true);
            }
        } catch (...) {
            GDALClose(ds);
            throw;
        }
        GDALClose(ds);
        if (CPLGetLastErrorType() == CE_Failure) throw DataError(display_ + ": " + gdal_message());
        // GDAL writes a CSV file only for a layer: no features make an empty file.
        if (layers_.empty() && opts_.format == Format::Csv && !out_.is_stdout()) {
            std::FILE* fp = std::fopen(target.c_str(), "wb");
            if (!fp || std::fclose(fp) != 0)
                throw DataError(display_ + ": cannot create: " + std::strerror(errno));
        }
        if (scratch) copy_to_stream(target, out_.stream(), display_);
        out_.commit();
    }

private:
    OutputFile out_;
};

// PostgreSQL/PostGIS tables, all written in one transaction: an existing table
// (with --overwrite) is dropped and its successor filled inside it, so other
// sessions see the old table until the commit, and a run that fails or is
// killed leaves the database as it was (PostgreSQL rolls back an open
// transaction when its connection drops).
class PgSink final : public LayeredSink {
public:
    explicit PgSink(const WriteOptions& o) : LayeredSink(o, redact_connection(o.path)) {
        if (!o.table.empty()) check_table_name(o.table);
        gdal_init();
        const char* drivers[] = {"PostgreSQL", nullptr};
        CPLErrorReset();
        ds_.reset(GDALDataset::Open(o.path.c_str(), GDAL_OF_VECTOR | GDAL_OF_UPDATE, drivers));
        if (!ds_) {
            std::string why = open_failure();
            if (why.empty()) why = "GDAL's PostgreSQL driver did not open it";
            throw DataError(display_ + ": cannot connect: " + why);
        }
        if (!o.table.empty() && !o.overwrite && table_exists(o.table)) throw exists(o.table);
    }
    ~PgSink() override {
        if (in_transaction_) ds_->RollbackTransaction();
    }
    void finish() override {
        for (const auto& l : layers_) {
            try {
                check_table_name(l.name());
            } catch (const UsageError& e) {
                throw DataError(display_ + ": " + e.what());
            }
        }
        if (ds_->StartTransaction(TRUE) != OGRERR_NONE)
            throw DataError(display_ + ": cannot start a transaction: " + gdal_message());
        in_transaction_ = true;
        // Every old table is dropped before the first layer is created: GDAL lists
        // the tables then, and would take a dropped one for an existing layer.
        for (const auto& l : layers_) {
            if (!table_exists(l.name())) continue;
            if (!opts_.overwrite) throw exists(l.name());
            // No CASCADE: a view that depends on the table stops the run.
            execute("DROP TABLE " + l.name(), "cannot replace table " + l.name());
        }
        for (const auto& l : layers_) {
            char** lco = CSLSetNameValue(nullptr, "FID", "fid");
            lco = CSLSetNameValue(lco, "GEOMETRY_NAME", "geom");
            lco = CSLSetNameValue(lco, "LAUNDER", "NO");  // columns keep the property names
            OGRLayer* layer = write_layer(*ds_, l, lco, false);
            if (layer->SyncToDisk() != OGRERR_NONE)
                throw DataError(display_ + ": cannot write " + l.name() + ": " + gdal_message());
        }
        in_transaction_ = false;
        if (ds_->CommitTransaction() != OGRERR_NONE)
            throw DataError(display_ + ": cannot commit: " + gdal_message());
    }

private:
    DataError exists(const std::string& table) const {
        return DataError(display_ + ": table " + table + " already exists; add --overwrite to replace it");
    }
    // Names are checked by check_table_name, so they go into SQL as they are.
    bool table_exists(const std::string& table) {
        auto dot = table.find('.');
        std::string schema = dot == std::string::npos ? "current_schema()" : "'" + table.substr(0, dot) + "'";
        std::string name = dot == std::string::npos ? table : table.substr(dot + 1);
        std::string sql = "SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
                          "WHERE n.nspname = " + schema + " AND c.relname = '" + name + "'";
        CPLErrorReset();
        OGRLayer* result = ds_->ExecuteSQL(sql.c_str(), nullptr, nullptr);
        if (!result) throw DataError(display_ + ": cannot look up table " + table + ": " + gdal_message());
        std::unique_ptr<OGRFeature> row(result->GetNextFeature());
        bool found = row && row->GetFieldAsInteger64(0) > 0;
        ds_->ReleaseResultSet(result);
        return found;
    }
    void execute(const std::string& sql, const std::string& what) {
        CPLErrorReset();
        OGRLayer* result = ds_->ExecuteSQL(sql.c_str(), nullptr, nullptr);
        if (result) ds_->ReleaseResultSet(result);
        if (CPLGetLastErrorType() == CE_Failure) throw DataError(display_ + ": " + what + ": " + gdal_message());
    }

    struct Closer {
        void operator()(GDALDataset* d) const { GDALClose(d); }
    };
    std::unique_ptr<GDALDataset, Closer> ds_;
    bool in_transaction_ = false;
};

}  // namespace

std::unique_ptr<FeatureSink> FeatureSink::open(const WriteOptions& opts) {
    switch (opts.format) {
        case Format::GeoJsonSeq: return std::make_unique<JsonSink>(opts, false);
        case Format::GeoJson: return std::make_unique<JsonSink>(opts, true);
        case Format::Csv:
        case Format::Gpkg: return std::make_unique<GdalFileSink>(opts);
        case Format::Pg: return std::make_unique<PgSink>(opts);
    }
    return nullptr;
}

}  // namespace atd
