#include <atd/error.hpp>
#include <atd/log.hpp>

#include <cstdio>

namespace atd {

std::string escape_controls(std::string_view text) {
    auto is_control = [](unsigned char c) { return c < 0x20 || c == 0x7F; };
    auto is_c1 = [&](std::size_t i) {  // U+0080..U+009F, as UTF-8
        return static_cast<unsigned char>(text[i]) == 0xC2 && i + 1 < text.size() &&
               static_cast<unsigned char>(text[i + 1]) >= 0x80 && static_cast<unsigned char>(text[i + 1]) <= 0x9F;
    };
    std::string out;
    out.reserve(text.size());
    char buf[8];
    for (std::size_t i = 0; i < text.size(); ++i) {
        auto c = static_cast<unsigned char>(text[i]);
        if (c == '\n') out += "\\n";
        else if (c == '\t') out += "\\t";
        else if (c == '\r') out += "\\r";
        else if (is_control(c)) {
            std::snprintf(buf, sizeof buf, "\\x%02x", c);
            out += buf;
        } else if (is_c1(i)) {
            std::snprintf(buf, sizeof buf, "\\u%04x", static_cast<unsigned char>(text[++i]));
            out += buf;
        } else {
            out += static_cast<char>(c);
        }
    }
    return out;
}

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
