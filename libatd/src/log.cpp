#include <atd/log.hpp>

namespace atd {

void Log::emit(std::string_view line) const {
    if (sink_) sink_(line);
}

void Log::info(std::string_view msg) {
    if (verbosity_ != Verbosity::Quiet) emit(msg);
}

void Log::verbose(std::string_view msg) {
    if (verbosity_ == Verbosity::Verbose) emit(msg);
}

void Log::warn(std::string_view kind, std::string_view msg) {
    auto it = counts_.find(kind);
    if (it == counts_.end()) it = counts_.emplace(std::string(kind), 0).first;
    if (++it->second == 1 || verbosity_ == Verbosity::Verbose) {
        if (verbosity_ != Verbosity::Quiet) emit(std::string("warning: ").append(msg));
    }
}

std::size_t Log::warnings(std::string_view kind) const {
    auto it = counts_.find(kind);
    return it == counts_.end() ? 0 : it->second;
}

std::size_t Log::total_warnings() const {
    std::size_t n = 0;
    for (const auto& [k, c] : counts_) n += c;
    return n;
}

void Log::summary() {
    if (verbosity_ != Verbosity::Normal) return;
    for (const auto& [kind, n] : counts_)
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
