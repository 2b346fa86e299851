#include <atd/cli.hpp>
#include <atd/error.hpp>
#include <atd/memory.hpp>
#include <atd/version.hpp>

#include <algorithm>
#include <cstdio>
#include <iostream>
#include <unistd.h>

namespace atd {

namespace {
void print_line(std::string_view text) {
    std::string line = escape_controls(text);
    std::fwrite(line.data(), 1, line.size(), stderr);
    std::fputc('\n', stderr);
}
}  // namespace

Tool::Tool(std::string name, std::string description) : name_(std::move(name)), app_(std::move(description), name_) {
    app_.set_version_flag("-V,--version", name_ + " " + kVersion);
    app_.add_flag("-q,--quiet", quiet_, "print errors only");
    app_.add_flag("-v,--verbose", verbose_, "print more detail: every repeated warning and every unmatched code");
    app_.add_flag_function(
        "--progress,!--no-progress", [this](std::int64_t n) { progress_ = n > 0; },
        "show progress on stderr (default: only when stderr is a terminal)");
    app_.footer("Exit status: 0 ok, 1 data or processing error, 2 usage error. See man " + name_ + ".");
}

void Tool::add_inputs(const std::string& help) {
    app_.add_option("-i,--input", option_inputs_, help)->allow_extra_args(false);
    app_.add_option("input", positional_inputs_, help);
    app_.add_flag("--allow-empty", allow_empty_, "accept an input with no features (an error otherwise)");
}

void Tool::add_output(std::vector<std::string> formats) {
    formats_ = std::move(formats);
    bool features = writes_features();
    app_.add_option("-o,--output", output_,
                    features ? "output file (default: stdout), or PG:CONNECTION for PostgreSQL tables; written "
                               "whole or not at all"
                             : "output file (default: stdout); written whole or not at all");
    app_.add_flag("--overwrite", overwrite_, features ? "replace an existing output file or table"
                                                      : "replace an existing output file");
    if (features)
        app_.add_option("--table", table_,
                        "write every feature to this one GeoPackage layer or PostgreSQL table, [schema.]name "
                        "(default: one per feature type: settlements, units, ...)");
    if (std::find(formats_.begin(), formats_.end(), "csv") != formats_.end())
        app_.add_flag("--csv-raw", csv_raw_,
                      "csv: write text cells as they are, even those a spreadsheet would run as a formula "
                      "(default: a leading ')");
    std::string list;
    for (const auto& f : formats_) list += (list.empty() ? "" : "|") + f;
    app_.add_option("-f,--format", format_, "output format: " + list + " (default: from -o's extension, else " +
                                                formats_.front() + ")")
        ->check(CLI::IsMember(formats_));
}

void Tool::add_src_crs() {
    app_.add_option("--src-crs", src_crs_,
                    "CRS of the input coordinates (e.g. EPSG:32642); for inputs that declare none, and "
                    "overriding a declared one with a warning");
}

void Tool::add_standards() {
    app_.add_option("--standards", standards_path_, "standards profile (TOML; default: the bundled kz.toml)");
    app_.add_option("--set", standards_sets_, "change one profile value, KEY=VALUE (repeatable)")
        ->allow_extra_args(false);
}

Standards Tool::standards() const {
    auto st = Standards::load(standards_path_.empty() ? Standards::default_path() : standards_path_);
    for (const auto& s : standards_sets_) st.set_from_text(s);
    return st;
}

std::vector<std::string> Tool::inputs_or_stdin() const {
    return inputs_.empty() ? std::vector<std::string>{"-"} : inputs_;
}

ReadOptions Tool::read_options() const {
    ReadOptions r;
    r.src_crs = src_crs_;
    r.allow_empty = allow_empty_;
    return r;
}

bool Tool::writes_features() const {
    return std::find(formats_.begin(), formats_.end(), "gpkg") != formats_.end();
}

std::string Tool::format() const {
    if (is_pg_connection(output_)) {
        if (!writes_features())
            throw UsageError("a PG: output takes features; " + name_ + " writes a " + formats_.front() + " report");
        if (!format_.empty()) throw UsageError("-f does not apply to a PG: output, which is written as tables");
        return "pg";
    }
    if (!format_.empty()) return format_;
    if (!output_.empty() && output_ != "-") {
        // Report formats (text, json) follow the extension too.
        auto ext = output_.substr(std::min(output_.size(), output_.rfind('.') + 1));
        for (const auto& allowed : formats_)
            if ((allowed == "json" && ext == "json") || (allowed == "text" && ext == "txt") ||
                (allowed == "html" && (ext == "html" || ext == "htm")) || (allowed == "md" && ext == "md"))
                return allowed;
        if (auto f = format_from_path(output_)) {
            std::string n(format_name(*f));
            for (const auto& allowed : formats_)
                if (allowed == n) return n;
        }
    }
    return formats_.empty() ? std::string("geojsonseq") : formats_.front();
}

WriteOptions Tool::write_options() const {
    WriteOptions w;
    auto f = format_from_name(format());
    if (!f) throw UsageError("format '" + format() + "' is not a feature format");
    w.format = *f;
    w.path = output_;
    w.overwrite = overwrite_;
    w.csv_raw = csv_raw_;
    if (!table_.empty()) {
        if (w.format != Format::Gpkg && w.format != Format::Pg)
            throw UsageError("--table applies to gpkg and PG: outputs, not " + std::string(format_name(w.format)));
        check_table_name(table_);
        w.table = table_;
    }
    return w;
}

Progress Tool::progress(const std::string& label) {
    bool show = progress_.value_or(isatty(STDERR_FILENO) == 1) && !quiet_;
    if (!show) return Progress();
    std::string prefix = name_;
    return Progress(
        [prefix](std::string_view line, bool final) {
            std::fprintf(stderr, "\r%s: %.*s%s", prefix.c_str(), static_cast<int>(line.size()), line.data(),
                         final ? "\n" : "");
            std::fflush(stderr);
        },
        label);
}

int Tool::run(int argc, char** argv, const std::function<void()>& body) {
    try {
        app_.parse(argc, argv);
        inputs_ = option_inputs_;
        inputs_.insert(inputs_.end(), positional_inputs_.begin(), positional_inputs_.end());
    } catch (const CLI::ParseError& e) {
        if (e.get_exit_code() == 0) return app_.exit(e);
        std::fprintf(stderr, "%s: error: %s\nRun '%s --help' for the options.\n", name_.c_str(),
                     escape_controls(e.what()).c_str(),
                     name_.c_str());
        return 2;
    }
    std::string prefix = name_ + ": ";
    // Made now: when memory runs out, the message needs none.
    const std::string oom_note = (memory_note_.empty() ? "" : ": " + name_ + " " + memory_note_) +
                                 "; see MEMORY USAGE in " + name_ + "(1)";
    reserve_memory(kMemoryReserve);
    log_ = std::make_unique<Log>(
        [prefix](std::string_view line) { print_line(prefix + std::string(line)); },
        quiet_ ? Verbosity::Quiet : verbose_ ? Verbosity::Verbose : Verbosity::Normal);
    try {
        body();
        log_->summary();
        return 0;
    } catch (const UsageError& e) {
        std::fprintf(stderr, "%s: error: %s\n", name_.c_str(), e.what());
        return 2;
    } catch (const OutOfMemory& e) {
        std::fprintf(stderr, "%s: error: %s%s\n", name_.c_str(), e.what(), oom_note.c_str());
        return 1;
    } catch (const DataError& e) {
        std::fprintf(stderr, "%s: error: %s\n", name_.c_str(), e.what());
        return 1;
    } catch (const std::bad_alloc&) {
        release_memory_reserve();
        char what[2048];
        describe_out_of_memory(what, sizeof what);
        std::fprintf(stderr, "%s: error: %s%s\n", name_.c_str(), escape_controls(what).c_str(), oom_note.c_str());
        return 1;
    } catch (const std::exception& e) {
        std::fprintf(stderr, "%s: error: %s\n", name_.c_str(), escape_controls(e.what()).c_str());
        return 1;
    }
}

}  // namespace atd
