#pragma once
// The options every tool shares, and main()'s error handling: one CLI11 base.
#include <atd/io.hpp>
#include <atd/log.hpp>
#include <atd/standards.hpp>

#include <CLI/CLI.hpp>

#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace atd {

class Tool {
public:
    // name: "atd-ingest"; description: the one-line purpose.
    Tool(std::string name, std::string description);

    CLI::App& app() { return app_; }
    // -i/--input (repeatable) and positional inputs (-i ones first); "-" is stdin.
    void add_inputs(const std::string& help = "input features: a file, - for stdin, or a GDAL connection string");
    // -o/--output, --overwrite, -f/--format among the given formats; --table for feature formats.
    void add_output(std::vector<std::string> formats = {"geojsonseq", "geojson", "csv", "gpkg"});
    // --src-crs.
    void add_src_crs();
    // --standards FILE and --set KEY=VALUE (repeatable).
    void add_standards();
    // The profile the options name (or the bundled one), with the --set changes.
    Standards standards() const;

    // What the tool holds in memory, for the message when memory runs out:
    // "holds every settlement (about 1.1 kB each)" follows the tool's name.
    void memory_note(std::string note) { memory_note_ = std::move(note); }

    // Parses argv and runs body; maps errors to exit codes (0 ok, 1 data, 2 usage).
    int run(int argc, char** argv, const std::function<void()>& body);

    const std::vector<std::string>& inputs() const { return inputs_; }
    std::vector<std::string> inputs_or_stdin() const;
    ReadOptions read_options() const;
    // The output format: -f, else the output's extension, else the first allowed format.
    std::string format() const;
    WriteOptions write_options() const;
    const std::string& output() const { return output_; }
    bool overwrite() const { return overwrite_; }
    bool csv_raw() const { return csv_raw_; }
    Log& log() { return *log_; }
    Progress progress(const std::string& label);
    const std::string& name() const { return name_; }

private:
    bool writes_features() const;  // its output formats are feature formats

    std::string name_;
    CLI::App app_;
    std::vector<std::string> inputs_, option_inputs_, positional_inputs_, formats_;
    static constexpr std::size_t kMemoryReserve = std::size_t(16) << 20;  // given back when memory runs out
    std::string output_, format_, table_, src_crs_, standards_path_, memory_note_;
    std::vector<std::string> standards_sets_;
    bool overwrite_ = false, quiet_ = false, verbose_ = false, allow_empty_ = false, csv_raw_ = false;
    std::optional<bool> progress_;
    std::unique_ptr<Log> log_;
};

}  // namespace atd
