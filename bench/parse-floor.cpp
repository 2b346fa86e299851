// The least any tool can spend on its input text: read each file into memory,
// then parse every GeoJSON Sequence record with simdjson's DOM parser (nothing
// is looked up or kept) on THREADS threads, each taking a run of whole lines.
// A .csv file is only split into lines. Prints one line per file and a total:
//   file bytes records read_s parse_s
// Usage: parse-floor [-t THREADS] FILE...
#include <simdjson.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

namespace {

using Clock = std::chrono::steady_clock;

double since(Clock::time_point t) { return std::chrono::duration<double>(Clock::now() - t).count(); }

bool ends_with(const std::string& s, const char* tail) {
    std::size_t n = std::strlen(tail);
    return s.size() >= n && s.compare(s.size() - n, n, tail) == 0;
}

// Records in text[from, to): lines, parsed as JSON unless lines_only.
std::size_t parse_range(const std::string& text, std::size_t from, std::size_t to, bool lines_only,
                        const std::string& file) {
    std::size_t records = 0;
    simdjson::dom::parser parser;
    while (from < to) {
        const char* nl = static_cast<const char*>(std::memchr(text.data() + from, '\n', to - from));
        std::size_t end = nl ? static_cast<std::size_t>(nl - text.data()) : to;
        if (end > from) {
            ++records;
            if (!lines_only) {
                // The buffer carries simdjson's padding past its end, and a record
                // is followed by more text or that padding.
                auto doc = parser.parse(text.data() + from, end - from, false);
                if (doc.error()) {
                    std::fprintf(stderr, "parse-floor: %s: record %zu: %s\n", file.c_str(), records,
                                 simdjson::error_message(doc.error()));
                    std::exit(1);
                }
            }
        }
        from = end + 1;
    }
    return records;
}

}  // namespace

int main(int argc, char** argv) {
    unsigned threads = std::max(1u, std::thread::hardware_concurrency());
    std::vector<std::string> files;
    for (int i = 1; i < argc; ++i) {
        if (std::strcmp(argv[i], "-t") == 0 && i + 1 < argc) threads = static_cast<unsigned>(std::atoi(argv[++i]));
        else files.emplace_back(argv[i]);
    }
    if (files.empty() || threads == 0) {
        std::fprintf(stderr, "usage: parse-floor [-t THREADS] FILE...\n");
        return 2;
    }
    double read_total = 0, parse_total = 0;
    std::size_t bytes_total = 0, records_total = 0;
    for (const auto& file : files) {
        auto t = Clock::now();
        std::ifstream in(file, std::ios::binary | std::ios::ate);
        if (!in) {
            std::fprintf(stderr, "parse-floor: %s: cannot open\n", file.c_str());
            return 1;
        }
        std::string text(static_cast<std::size_t>(in.tellg()), '\0');
        in.seekg(0);
        in.read(text.data(), static_cast<std::streamsize>(text.size()));
        const std::size_t size = text.size();
        text.append(simdjson::SIMDJSON_PADDING, ' ');
        double read_s = since(t);

        t = Clock::now();
        const bool lines_only = ends_with(file, ".csv");
        std::vector<std::size_t> cut{0};
        for (unsigned k = 1; k < threads; ++k) {
            std::size_t at = std::max(cut.back(), size / threads * k);
            const void* nl = at < size ? std::memchr(text.data() + at, '\n', size - at) : nullptr;
            cut.push_back(nl ? static_cast<std::size_t>(static_cast<const char*>(nl) - text.data()) + 1 : size);
        }
        cut.push_back(size);
        std::vector<std::size_t> counts(threads, 0);
        std::vector<std::thread> pool;
        for (unsigned k = 0; k < threads; ++k)
            pool.emplace_back([&, k] { counts[k] = parse_range(text, cut[k], cut[k + 1], lines_only, file); });
        for (auto& th : pool) th.join();
        double parse_s = since(t);
        std::size_t records = 0;
        for (auto c : counts) records += c;
        std::printf("%s %zu %zu %.2f %.2f\n", file.c_str(), size, records, read_s, parse_s);
        read_total += read_s;
        parse_total += parse_s;
        bytes_total += size;
        records_total += records;
    }
    std::printf("total %zu %zu %.2f %.2f\n", bytes_total, records_total, read_total, parse_total);
    return 0;
}
