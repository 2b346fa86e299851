#include <atd/error.hpp>
#include <atd/pipeline.hpp>

#include <doctest/doctest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <thread>
#include <stdexcept>
#include <string>
#include <vector>

using namespace atd;

namespace {

struct Batch {
    int n = -1;
    int squared = 0;
};

// Runs batches 0..count-1 through the pipeline; work squares, consume records.
// Batch fail_produce is not produced (an error instead); work fails on fail_work.
std::vector<int> run(std::size_t threads, int count, int fail_produce = -1, int fail_work = -1,
                     std::string* error = nullptr) {
    int next = 0;
    std::vector<int> seen;
    PipelineStages<Batch> s;
    s.produce = [&](Batch& b) {
        if (next == fail_produce) throw DataError("produce " + std::to_string(next));
        if (next == count) return false;
        b.n = next++;
        return true;
    };
    s.work = [&](Batch& b) {
        if (b.n == fail_work) throw DataError("work " + std::to_string(b.n));
        b.squared = b.n * b.n;
    };
    s.consume = [&](Batch& b) {
        CHECK(b.squared == b.n * b.n);
        seen.push_back(b.n);
    };
    try {
        run_pipeline(s, threads);
    } catch (const DataError& e) {
        if (error) *error = e.what();
    }
    return seen;
}

std::vector<int> upto(int n) {
    std::vector<int> v;
    for (int i = 0; i < n; ++i) v.push_back(i);
    return v;
}

}  // namespace

TEST_CASE("batches are consumed in the order they were produced, on any number of threads") {
    for (std::size_t threads : {1u, 2u, 3u, 8u}) {
        CAPTURE(threads);
        CHECK(run(threads, 0).empty());
        CHECK(run(threads, 1) == upto(1));
        CHECK(run(threads, 500) == upto(500));
    }
}

TEST_CASE("an error surfaces where it happened in the order, after the batches before it") {
    for (std::size_t threads : {1u, 2u, 4u}) {
        CAPTURE(threads);
        std::string error;
        CHECK(run(threads, 100, 37, -1, &error) == upto(37));
        CHECK(error == "produce 37");
        error.clear();
        CHECK(run(threads, 100, -1, 53, &error) == upto(53));
        CHECK(error == "work 53");
        error.clear();
        // The earlier of two errors wins.
        CHECK(run(threads, 100, 60, 20, &error) == upto(20));
        CHECK(error == "work 20");
    }
}

TEST_CASE("an error in consume stops the pipeline and is rethrown") {
    for (std::size_t threads : {1u, 2u}) {
        int next = 0, consumed = 0;
        PipelineStages<Batch> s;
        s.produce = [&](Batch& b) {
            b.n = next++;
            return true;  // endless: only the consumer's error ends it
        };
        s.work = [](Batch&) {};
        s.consume = [&](Batch& b) {
            if (b.n == 10) throw std::runtime_error("consume 10");
            ++consumed;
        };
        CHECK_THROWS_WITH(run_pipeline(s, threads), "consume 10");
        CHECK(consumed == 10);
    }
}

TEST_CASE("ATD_THREADS sets the default number of threads") {
    ::unsetenv("ATD_THREADS");
    const std::size_t machine = default_threads();
    CHECK(machine >= 1);
    ::setenv("ATD_THREADS", "3", 1);
    CHECK(default_threads() == 3);
    ::setenv("ATD_THREADS", "100000", 1);
    CHECK(default_threads() == 256);
    for (const char* bad : {"zero", "0", "-2", "3x", ""}) {
        ::setenv("ATD_THREADS", bad, 1);
        CHECK(default_threads() == machine);
    }
    ::unsetenv("ATD_THREADS");
}

TEST_CASE("parallel_for covers every index once and rethrows the first range's error") {
    for (std::size_t threads : {1u, 2u, 5u}) {
        for (std::size_t n : {0u, 1u, 255u, 256u, 1000u, 4099u}) {
            CAPTURE(threads);
            CAPTURE(n);
            std::vector<int> hits(n, 0);
            parallel_for(n, threads, [&](std::size_t from, std::size_t to) {
                for (std::size_t i = from; i < to; ++i) ++hits[i];
            });
            CHECK(std::count(hits.begin(), hits.end(), 1) == static_cast<long>(n));
        }
        CHECK_THROWS_WITH(parallel_for(2000, threads,
                                       [](std::size_t from, std::size_t to) {
                                           for (std::size_t i = from; i < to; ++i)
                                               if (i == 10 || i == 1500) throw DataError("at " + std::to_string(i));
                                       }),
                          "at 10");
    }
}

TEST_CASE("parallel_each runs every index once and rethrows the lowest failing index's error") {
    for (std::size_t threads : {1u, 2u, 7u}) {
        for (std::size_t n : {0u, 1u, 3u, 100u}) {
            CAPTURE(threads);
            CAPTURE(n);
            std::vector<std::atomic<int>> hits(n);
            parallel_each(n, threads, [&](std::size_t i) { ++hits[i]; });
            for (std::size_t i = 0; i < n; ++i) CHECK(hits[i].load() == 1);
        }
        // Items of uneven cost: a late, slow failure and an early, quick one; the early one wins.
        CHECK_THROWS_WITH(parallel_each(50, threads,
                                        [](std::size_t i) {
                                            if (i == 3) {
                                                std::this_thread::sleep_for(std::chrono::milliseconds(20));
                                                throw DataError("at 3");
                                            }
                                            if (i == 40) throw DataError("at 40");
                                        }),
                          "at 3");
    }
}

TEST_CASE("ordered_windows builds on threads and writes every item once, in order") {
    for (std::size_t threads : {1u, 2u, 4u}) {
        for (std::size_t n : {0u, 1u, 63u, 64u, 130u}) {
            std::vector<std::size_t> written;
            ordered_windows<std::string>(
                n, 64, threads, [](std::size_t i, std::string& out) { out = "item " + std::to_string(i); },
                [&](std::size_t i, std::string& out) {
                    CHECK(out == "item " + std::to_string(i));
                    written.push_back(i);
                });
            REQUIRE(written.size() == n);
            for (std::size_t i = 0; i < n; ++i) CHECK(written[i] == i);
        }
    }
    // A window of 0 is taken as 1.
    std::size_t count = 0;
    ordered_windows<int>(5, 0, 2, [](std::size_t, int& out) { out = 1; }, [&](std::size_t, int& out) { count += out; });
    CHECK(count == 5);
}

TEST_CASE("ordered_windows: a build error stops the run after the windows before it") {
    std::vector<std::size_t> written;
    auto run = [&] {
        ordered_windows<int>(
            200, 64, 2,
            [](std::size_t i, int& out) {
                if (i == 70 || i == 100) throw std::runtime_error("item " + std::to_string(i));
                out = static_cast<int>(i);
            },
            [&](std::size_t i, int&) { written.push_back(i); });
    };
    CHECK_THROWS_WITH_AS(run(), "item 70", std::runtime_error);
    CHECK(written.size() == 64);  // the first window only
}
