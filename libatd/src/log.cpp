#include <atd/log.hpp>

namespace atd {

void Log::emit(std::string_view line) const {
    std::lock_guard lock(mutex_);
    if (sink_) sink_(line);
}

void Log::info(std::string_view msg) {
    if (verbosity_ != Verbosity::Quiet) emit(msg);
}

void Log::verbose(std::string_view msg) {
    if (verbosity_ == Verbosity::Verbose) emit(msg);
}

void Log::warn(std::string_view kind, std::string_view msg) {
    bool show = false;
    {
        std::lock_guard lock(mutex_);
        auto it = counts_.find(kind);
        if (it == counts_.end()) it = counts_.emplace(std::string(kind), 0).first;
        show = (++it->second == 1 || verbosity_ == Verbosity::Verbose) && verbosity_ != Verbosity::Quiet;
    }
    if (show) emit(std::string("warning: ").append(msg));
}

std::size_t Log::warnings(std::string_view kind) const {
    std::lock_guard lock(mutex_);
    auto it = counts_.find(kind);
    return it == counts_.end() ? 0 : it->second;
}

std::size_t Log::total_warnings() const {
    std::lock_guard lock(mutex_);
    std::size_t n = 0;
    for (const auto& [k, c] : counts_) n += c;
    return n;
}

void Log::summary() {
    if (verbosity_ != Verbosity::Normal) return;
    std::map<std::string, std::size_t, std::less<>> counts;
    {
        std::lock_guard lock(mutex_);
        counts = counts_;
    }
    for (const auto& [kind, n] : counts)
        if (n > 1)
            emit("warning: " + kind + ": " + std::to_string(n) + " times in all (-v shows each)");
}

void Progress::tick(std::size_t n) {
    count_ += n;
    if (sink_ && count_ >= next_report_) {
        sink_(label_ + ": " + std::to_string(count_), false);
        next_report_ = count_ + 10000;
    }
}

void Progress::done() {
    if (sink_) sink_(label_ + ": " + std::to_string(count_) + " done", true);
}

}  // namespace atd
