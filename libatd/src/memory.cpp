#include <atd/memory.hpp>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <mutex>

namespace atd {

namespace {
// The last input noted, in a fixed buffer guarded by a mutex; the count and
// the activity are atomics.
std::mutex g_input_lock;
char g_input[1024];
std::atomic<std::size_t> g_features{0};
std::atomic<bool> g_reading{false};
std::atomic<const char*> g_doing{nullptr};
std::atomic<void*> g_reserve{nullptr};
}  // namespace

OutOfMemory out_of_memory(const std::string& where) {
    release_memory_reserve();
    return OutOfMemory(where + ": out of memory");
}

void note_reading(std::string_view input, std::size_t features) {
    std::lock_guard<std::mutex> guard(g_input_lock);
    std::size_t n = std::min(input.size(), sizeof g_input - 1);
    std::memcpy(g_input, input.data(), n);
    g_input[n] = '\0';
    g_features = features;
    g_reading = true;
}

Doing::Doing(const char* what) : previous_(g_doing.exchange(what)), exceptions_(std::uncaught_exceptions()) {}

Doing::~Doing() {
    if (std::uncaught_exceptions() == exceptions_) g_doing = previous_;
}

std::size_t describe_out_of_memory(char* buf, std::size_t size) {
    if (size == 0) return 0;
    const char* doing = g_doing.load();
    int n;
    if (!g_reading) {
        n = std::snprintf(buf, size, "out of memory%s%s", doing ? " while " : "", doing ? doing : "");
    } else {
        std::lock_guard<std::mutex> guard(g_input_lock);
        n = std::snprintf(buf, size, "%s: out of memory after feature %zu%s%s", g_input, g_features.load(),
                          doing ? ", while " : "", doing ? doing : "");
    }
    return n < 0 ? 0 : std::min(static_cast<std::size_t>(n), size - 1);
}

void reserve_memory(std::size_t bytes) {
    void* block = std::malloc(bytes);
    if (void* old = g_reserve.exchange(block)) std::free(old);
}

void release_memory_reserve() { std::free(g_reserve.exchange(nullptr)); }

}  // namespace atd
