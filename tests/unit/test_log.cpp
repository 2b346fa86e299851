#include <atd/log.hpp>

#include <doctest/doctest.h>

#include <string>
#include <vector>

using namespace atd;

TEST_CASE("a warning kind is printed once and counted") {
    std::vector<std::string> lines;
    Log log([&](std::string_view l) { lines.emplace_back(l); });
    log.warn("z", "first");
    log.warn("z", "second");
    log.warn("other", "third");
    log.info("hello");
    log.verbose("hidden");
    log.summary();
    CHECK(lines == std::vector<std::string>{"warning: first", "warning: third", "hello",
                                            "warning: z: 2 times in all (-v shows each)"});
    CHECK(log.warnings("z") == 2);
    CHECK(log.total_warnings() == 3);
}

TEST_CASE("quiet prints nothing, verbose prints every warning") {
    std::vector<std::string> lines;
    Log quiet([&](std::string_view l) { lines.emplace_back(l); }, Verbosity::Quiet);
    quiet.warn("z", "a");
    quiet.info("b");
    quiet.summary();
    CHECK(lines.empty());
    Log loud([&](std::string_view l) { lines.emplace_back(l); }, Verbosity::Verbose);
    loud.warn("z", "a");
    loud.warn("z", "b");
    loud.verbose("c");
    CHECK(lines == std::vector<std::string>{"warning: a", "warning: b", "c"});
}
