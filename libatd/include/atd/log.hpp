#pragma once
// Messages from the library to the user: the library never prints itself.
#include <cstddef>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <string_view>

namespace atd {

enum class Verbosity { Quiet, Normal, Verbose };

// Collects info lines and warnings. A warning of one kind is printed once and
// counted; summary() prints the repeat counts at the end.
class Log {
public:
    using Sink = std::function<void(std::string_view line)>;

    explicit Log(Sink sink = {}, Verbosity v = Verbosity::Normal) : sink_(std::move(sink)), verbosity_(v) {}

    void info(std::string_view msg);     // shown unless quiet
    void verbose(std::string_view msg);  // shown only when verbose
    // kind groups repeats: the first message of a kind is shown, later ones counted.
    // Safe from several threads.
    void warn(std::string_view kind, std::string_view msg);
    std::size_t warnings(std::string_view kind) const;
    std::size_t total_warnings() const;
    void summary();
    Verbosity verbosity() const { return verbosity_; }

private:
    void emit(std::string_view line) const;
    Sink sink_;
    Verbosity verbosity_;
    std::map<std::string, std::size_t, std::less<>> counts_;
    mutable std::mutex mutex_;  // messages may come from reader and worker threads
};

// Progress on stderr: the tool decides whether it is shown.
class Progress {
public:
    using Sink = std::function<void(std::string_view line, bool final)>;
    Progress() = default;
    Progress(Sink sink, std::string label) : sink_(std::move(sink)), label_(std::move(label)) {}
    void tick(std::size_t n = 1);
    void done();
    bool enabled() const { return static_cast<bool>(sink_); }

private:
    Sink sink_;
    std::string label_;
    std::size_t count_ = 0;
    std::size_t next_report_ = 10000;
};

}  // namespace atd
