#include <atd/pipeline.hpp>

#include <charconv>
#include <cstdlib>
#include <string_view>

namespace atd {

std::size_t default_threads() {
    if (const char* env = std::getenv("ATD_THREADS")) {
        std::string_view s(env);
        std::size_t n = 0;
        auto r = std::from_chars(s.data(), s.data() + s.size(), n);
        if (r.ec == std::errc() && r.ptr == s.data() + s.size() && n > 0) return n;
    }
    unsigned hw = std::thread::hardware_concurrency();
    return hw ? hw : 1;
}

}  // namespace atd
