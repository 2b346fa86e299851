#include <atd/pipeline.hpp>

#include <algorithm>
#include <atomic>
#include <climits>
#include <cstdint>
#include <mutex>
#include <thread>
#include <vector>
#include <charconv>
#include <cstdlib>
#include <string_view>

namespace atd {

std::size_t default_threads() {
    if (const char* env = std::getenv("ATD_THREADS")) {
        std::string_view s(env);
        std::size_t n = 0;
        auto r = std::from_chars(s.data(), s.data() + s.size(), n);
        if (r.ec == std::errc() && r.ptr == s.data() + s.size() && n > 0) return std::min<std::size_t>(n, 256);
    }
    unsigned hw = std::thread::hardware_concurrency();
    return hw ? hw : 1;
}

void parallel_for(std::size_t n, std::size_t threads, const std::function<void(std::size_t, std::size_t)>& fn) {
    constexpr std::size_t kMinRange = 256;  // below this a thread costs more than it saves
    std::size_t parts = std::min(threads, (n + kMinRange - 1) / kMinRange);
    if (parts <= 1) {
        if (n) fn(0, n);
        return;
    }
    std::vector<std::exception_ptr> errors(parts);
    std::vector<std::thread> pool;
    auto range = [&](std::size_t k) {
        try {
            fn(n * k / parts, n * (k + 1) / parts);
        } catch (...) {
            errors[k] = std::current_exception();
        }
    };
    try {
        for (std::size_t k = 1; k < parts; ++k) pool.emplace_back(range, k);
    } catch (...) {  // a thread that could not start: the ranges left run here
        for (std::size_t k = pool.size() + 1; k < parts; ++k) range(k);
    }
    range(0);
    for (auto& t : pool) t.join();
    for (auto& e : errors)
        if (e) std::rethrow_exception(e);
}

void parallel_each(std::size_t n, std::size_t threads, const std::function<void(std::size_t)>& fn) {
    threads = std::min(threads, n);
    if (threads <= 1) {
        for (std::size_t i = 0; i < n; ++i) fn(i);
        return;
    }
    std::atomic<std::size_t> next{0}, failed_at{SIZE_MAX};
    std::mutex lock;
    std::exception_ptr failure;
    auto worker = [&] {
        for (std::size_t i; (i = next.fetch_add(1)) < n;) {
            if (i > failed_at.load()) continue;  // an earlier item failed: its error is the one
            try {
                fn(i);
            } catch (...) {
                std::lock_guard<std::mutex> guard(lock);
                if (i < failed_at.load()) {
                    failed_at = i;
                    failure = std::current_exception();
                }
            }
        }
    };
    std::vector<std::thread> pool;
    try {
        for (std::size_t t = 1; t < threads; ++t) pool.emplace_back(worker);
    } catch (...) {  // a thread that could not start: the others take its share
    }
    worker();
    for (auto& t : pool) t.join();
    if (failure) std::rethrow_exception(failure);
}

}  // namespace atd
