#pragma once
// Reading and writing features: the GeoJSON fast path and GDAL for everything else.
#include <atd/error.hpp>
#include <atd/feature.hpp>
#include <atd/geojson.hpp>
#include <atd/log.hpp>

#include <cstdio>
#include <exception>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace atd {

enum class Format { GeoJsonSeq, GeoJson, Csv, Gpkg, Pg };

std::optional<Format> format_from_name(std::string_view name);
std::string_view format_name(Format f);
// The format an output path's extension implies, if any (Pg for a PG: connection string).
std::optional<Format> format_from_path(std::string_view path);

// A PostgreSQL connection string for GDAL: "PG:..." (any case).
bool is_pg_connection(std::string_view path);
// The connection string with any password=VALUE replaced by password=***, for messages.
std::string redact_connection(std::string_view conn);
// Throws UsageError unless name is a table name written as is: [schema.]table,
// each lower-case letters, digits and _, not starting with a digit, at most 63 bytes.
void check_table_name(const std::string& name);

struct ReadOptions {
    std::string src_crs;  // CRS of the input when it does not declare one
    std::vector<std::string> layers;  // OGR layers to read; all when empty
    // GeoJSON input keeps only the properties this accepts (see FieldFilter);
    // other sources keep every field.
    FieldFilter keep_field;
    // An input with no features is an error ("no features in INPUT") unless this is set.
    bool allow_empty = false;
};

// Features read together, for work on several threads: either parsed by the
// reader, or held as records that FeatureSource::parse turns into features on
// any thread. features[0, size()) are the batch's, in input order.
struct FeatureBatch {
    std::vector<Feature> features;
    std::vector<std::string> wheres;  // per feature, when the source gives no records
    GeoJsonRecords records;
    bool deferred = false;  // records wait to be parsed
    std::size_t count = 0;
    // The error that cut the batch short: features [0, size()) came before it.
    std::exception_ptr error;
    std::size_t size() const { return count; }
};

// A stream of features in WGS84 lon/lat.
class FeatureSource {
public:
    // path: a file, "-" for stdin, or any GDAL connection string (PG:...).
    static std::unique_ptr<FeatureSource> open(const std::string& path, const ReadOptions& opts, Log& log);
    virtual ~FeatureSource() = default;
    // Next feature; false at the end. Throws DataError naming the feature.
    virtual bool next(Feature& f) = 0;
    // "FILE: feature N" (with line or layer when known), for messages.
    virtual std::string where() const = 0;
    // Reads up to max features into b (parsing them or leaving records for
    // parse); false at the end. An error while reading ends the batch (b.error).
    virtual bool read_batch(FeatureBatch& b, std::size_t max);
    // Parses the batch's records into its features (nothing when it has none);
    // an error cuts the batch before the record (b.error). Safe on several
    // threads for different batches.
    void parse(FeatureBatch& b) const;
    // Parses record k alone; throws DataError.
    virtual void parse(FeatureBatch& b, std::size_t k) const;
    // The warnings due at the end of the input (third coordinates dropped),
    // once every batch read from it has been parsed.
    virtual void end_of_input() const {}
    // The "where" of feature k of a batch read from this source.
    virtual std::string where_in(const FeatureBatch& b, std::size_t k) const;
    const std::string& name() const { return name_; }

protected:
    explicit FeatureSource(std::string name) : name_(std::move(name)) {}
    std::string name_;
};

// How messages name an input: "<stdin>" for "-" or "", a connection string without
// its password, else the path (FeatureSource::name()).
std::string input_name(const std::string& path);

// Whether every input can be read a second time (regular files; not
// standard input, pipes or database connections).
bool rereadable(const std::vector<std::string>& inputs);
// The inputs' total size in bytes; 0 unless every one is a regular file.
std::uintmax_t input_bytes(const std::vector<std::string>& inputs);

// Features kept for a second reading, when the input cannot be read again:
// an unlinked temporary GeoJSON Sequence in TMPDIR (else /tmp), so that
// nothing is left behind even if the tool is killed.
class FeatureSpill {
public:
    FeatureSpill();
    ~FeatureSpill();
    FeatureSpill(const FeatureSpill&) = delete;
    FeatureSpill& operator=(const FeatureSpill&) = delete;
    // Appends text: features as append_feature_json writes them, a line each.
    void write(const std::string& text);
    // The path to read the features back from (FeatureSource::open), once all are written.
    const std::string& finish();
    // How to read them back: as written, and empty when the input was (the
    // first reading judged that).
    static ReadOptions read_options();

private:
    std::string name_;
    std::FILE* fp_ = nullptr;
};

// A batch from BatchReader: its features and the source they came from.
struct SourceBatch {
    std::shared_ptr<const FeatureSource> source;  // kept while the batch is in use
    bool source_ends = false;  // no features: the source's last batch went before
    std::size_t first = 0;     // index in the stream of the batch's first feature
    FeatureBatch fb;
    std::string where(std::size_t k) const { return source->where_in(fb, k); }
};

// Feeds the features of several inputs as batches (run_pipeline's produce
// stage), opening each input in turn and releasing it at its end. After a
// source's last batch comes one without features that says it ended. A batch
// that carries an error is the last one.
class BatchReader {
public:
    static constexpr std::size_t kBatch = 2048;
    BatchReader(std::vector<std::string> inputs, ReadOptions read, Log& log);
    bool operator()(SourceBatch& b);
    std::size_t count() const { return count_; }  // features read so far

private:
    std::vector<std::string> inputs_;
    ReadOptions read_;
    Log& log_;
    std::shared_ptr<FeatureSource> current_;
    std::size_t next_input_ = 0, count_ = 0;
    bool stopped_ = false;
};

// What a consumer does after a batch's features: the source's end-of-input
// warnings, or the error that cut the batch.
void finish_batch(const SourceBatch& b);

// Memory ran out at feature k of the batch (its last when k is past the end).
OutOfMemory out_of_memory_at(const SourceBatch& b, std::size_t k);

// Where a feature given by read_features came from.
struct FeatureOrigin {
    const SourceBatch& batch;
    std::size_t k;      // in the batch
    std::size_t index;  // in the whole stream, from 0
    std::string where() const { return batch.where(k); }  // "FILE: feature N", for messages
};

// Reads every feature of the inputs in turn: parsed, and then prepare(feature)
// when given, on `threads` threads (default_threads() when 0); then
// take(feature, origin) on the calling thread, in input order. Errors come in
// input order, as if read serially. take may move the feature away.
void read_features(const std::vector<std::string>& inputs, const ReadOptions& read, Log& log,
                   const std::function<void(Feature&, const FeatureOrigin&)>& take,
                   const std::function<void(Feature&)>& prepare = {}, std::size_t threads = 0);

// Reads every feature of a source.
std::vector<Feature> read_all(const std::string& path, const ReadOptions& opts, Log& log);

// An output file written to a temporary name and renamed on commit; stdout
// when the path is empty or "-"; a device or pipe (/dev/null) is written in place.
// The temporary file lies in a directory of its own beside the output
// (.NAME.tmp-XXXXXX/, mode 0700, made with mkdtemp: no one else can plant a
// link in it), removed when the object dies uncommitted and on SIGINT,
// SIGTERM and SIGHUP. A symbolic link at the path is an existing output.
class OutputFile {
public:
    OutputFile(std::string path, bool overwrite);
    ~OutputFile();  // removes the temporary file unless committed
    OutputFile(const OutputFile&) = delete;
    OutputFile& operator=(const OutputFile&) = delete;

    bool is_stdout() const { return path_.empty(); }
    bool is_device() const { return device_; }  // a device or pipe, written in place
    // The open stream to write (stdout or the temporary file).
    std::FILE* stream() const { return fp_; }
    // Closes the stream and removes the temporary file, for writers that create it themselves.
    void release_stream();
    const std::string& path() const { return path_; }      // final path ("" for stdout)
    const std::string& temp_path() const { return temp_; }  // where to write
    std::string display_name() const { return path_.empty() ? "<stdout>" : path_; }
    void commit();

private:
    void discard_temp();  // removes the temporary directory and what it holds
    std::string path_, temp_, dir_;
    std::FILE* fp_ = nullptr;
    bool device_ = false;  // a character device or pipe, written in place
    bool committed_ = false;
};

struct WriteOptions {
    Format format = Format::GeoJsonSeq;
    std::string path;  // empty or "-" for stdout; a PG: connection string for Format::Pg
    bool overwrite = false;
    std::string table;  // the one GeoPackage layer or PostgreSQL table; empty: one per feature type
    // CSV text cells a spreadsheet would run as formulas are written as they
    // are, not with a leading ' (csv_cell).
    bool csv_raw = false;

    WriteOptions() = default;
    WriteOptions(Format f, std::string p, bool replace, std::string one_table = {})
        : format(f), path(std::move(p)), overwrite(replace), table(std::move(one_table)) {}
};

// Where features go. finish() completes the output (renames the temporary
// file, or commits the one transaction that writes PostgreSQL tables);
// destroying a sink without finish() leaves no output behind, and an
// existing table is replaced only at that commit.
class FeatureSink {
public:
    static std::unique_ptr<FeatureSink> open(const WriteOptions& opts);
    virtual ~FeatureSink() = default;
    virtual void write(const Feature& f) = 0;
    // Whether write_json may be used: the sink writes GeoJSON text.
    virtual bool takes_json() const { return false; }
    // Writes one feature already serialised (append_feature_json).
    virtual void write_json(std::string_view feature);
    // Writes `features` serialised features, each followed by a newline, at
    // once; false, writing nothing, when the sink takes them one at a time.
    virtual bool write_json_lines(std::string_view lines, std::size_t features);
    virtual void finish() = 0;
};

// Reads every feature of the inputs, changes each with change(feature, index
// in the stream from 0) on `threads` threads (default_threads() when 0; change
// must be safe to run on several at once), and writes them to sink in input
// order, serialised on the workers when the sink writes GeoJSON text. Errors
// come in input order. Returns the number of features written; sink.finish()
// is left to the caller. progress, when given, ticks as batches are written.
std::size_t map_features(const std::vector<std::string>& inputs, const ReadOptions& read, Log& log, FeatureSink& sink,
                         const std::function<void(Feature&, std::size_t)>& change, std::size_t threads = 0,
                         Progress* progress = nullptr);

// The GeoPackage layer or PostgreSQL table name for a feature: its feature_type, pluralised.
std::string layer_name_for(const Feature& f);

}  // namespace atd
