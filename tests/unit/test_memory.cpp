#include "helpers.hpp"

#include <atd/error.hpp>
#include <atd/geojson.hpp>
#include <atd/io.hpp>
#include <atd/memory.hpp>

#include <doctest/doctest.h>

#include <chrono>
#include <cstdio>
#include <new>
#include <string>

using namespace atd;
using atd::test::TempFile;

namespace {
std::string settlements(std::size_t n) {
    std::string text;
    for (std::size_t i = 0; i < n; ++i)
        text += "{\"type\":\"Feature\",\"properties\":{\"feature_type\":\"settlement\",\"kato\":\"K" + std::to_string(i) +
                "\"},\"geometry\":{\"type\":\"Point\",\"coordinates\":[69.1,53.2]}}\n";
    return text;
}

// The message of the OutOfMemory that fn throws; empty when it throws none.
template <class Fn>
std::string out_of_memory_message(Fn&& fn) {
    try {
        fn();
    } catch (const OutOfMemory& e) {
        return e.what();
    }
    return {};
}
}  // namespace

TEST_CASE("memory that runs out while features are taken, prepared or changed names the feature") {
    TempFile in(settlements(5000), ".geojsons");
    for (std::size_t threads : {1u, 2u}) {
        CAPTURE(threads);
        Log log({}, Verbosity::Quiet);
        auto take = [](Feature&, const FeatureOrigin& at) {
            if (at.index == 4200) throw std::bad_alloc();
        };
        CHECK(out_of_memory_message([&] { read_features({in.path()}, {}, log, take, {}, threads); }) ==
              in.path() + ": feature 4201 (line 4201): out of memory");
        auto prepare = [](Feature& f) {
            if (f.props.get_string("kato") == "K17") throw std::bad_alloc();
        };
        auto nothing = [](Feature&, const FeatureOrigin&) {};
        CHECK(out_of_memory_message([&] { read_features({in.path()}, {}, log, nothing, prepare, threads); }) ==
              in.path() + ": feature 18 (line 18): out of memory");
        auto sink = FeatureSink::open(WriteOptions(Format::GeoJsonSeq, "/dev/null", false));
        auto change = [](Feature&, std::size_t index) {
            if (index == 3000) throw std::bad_alloc();
        };
        CHECK(out_of_memory_message([&] { map_features({in.path()}, {}, log, *sink, change, threads); }) ==
              in.path() + ": feature 3001 (line 3001): out of memory");
    }
}

TEST_CASE("a record with NUL bytes fails once it passes 1 MiB, naming the feature and line") {
    std::string text = settlements(2) + "{\"type\":\"Feature\"," + std::string(3 << 20, '\0');
    TempFile in(text, ".geojsons");
    Log log({}, Verbosity::Quiet);
    auto nothing = [](Feature&, const FeatureOrigin&) {};
    auto start = std::chrono::steady_clock::now();
    CHECK_THROWS_WITH(read_features({in.path()}, {}, log, nothing),
                      (in.path() + ": feature 3 (line 3): a NUL byte 1 MiB into the record: not JSON text").c_str());
    CHECK(std::chrono::steady_clock::now() - start < std::chrono::seconds(5));
}

TEST_CASE("after the reading, the message says how far it got and what the tool was doing") {
    note_reading("big.geojsons", 4200000);
    char buf[256];
    try {
        Doing doing("scoring the settlements");
        throw std::bad_alloc();
    } catch (const std::bad_alloc&) {
        std::size_t n = describe_out_of_memory(buf, sizeof buf);
        CHECK(std::string(buf, n) ==
              "big.geojsons: out of memory after feature 4200000, while scoring the settlements");
    }
}
