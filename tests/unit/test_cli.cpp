#include <atd/cli.hpp>
#include <atd/error.hpp>

#include <doctest/doctest.h>

#include <vector>

using namespace atd;

namespace {
int run(std::vector<std::string> args, const std::function<void(Tool&)>& body, Tool* keep = nullptr) {
    Tool local("atd-test", "test tool");
    Tool& tool = keep ? *keep : local;
    tool.add_inputs();
    tool.add_output();
    std::vector<char*> argv;
    std::string name = "atd-test";
    argv.push_back(name.data());
    for (auto& a : args) argv.push_back(a.data());
    return tool.run(static_cast<int>(argv.size()), argv.data(), [&] { body(tool); });
}
}  // namespace

TEST_CASE("exit codes: 0 ok, 1 data error, 2 usage") {
    CHECK(run({}, [](Tool&) {}) == 0);
    CHECK(run({}, [](Tool&) { throw DataError("bad data"); }) == 1);
    CHECK(run({}, [](Tool&) { throw UsageError("bad usage"); }) == 2);
    CHECK(run({"--no-such-option"}, [](Tool&) {}) == 2);
    CHECK(run({"-f", "shp"}, [](Tool&) {}) == 2);
    CHECK(run({"--version"}, [](Tool&) { throw DataError("not reached"); }) == 0);
}

TEST_CASE("inputs, output and the format from the extension") {
    Tool tool("atd-test", "test tool");
    run({"a.geojson", "-i", "b.gpkg", "-o", "out.gpkg", "--overwrite", "c.geojson"}, [](Tool&) {}, &tool);
    CHECK(tool.inputs() == std::vector<std::string>{"b.gpkg", "a.geojson", "c.geojson"});  // -i inputs first
    CHECK(tool.format() == "gpkg");
    auto w = tool.write_options();
    CHECK(w.format == Format::Gpkg);
    CHECK(w.overwrite);
    Tool plain("atd-test", "test tool");
    run({}, [](Tool&) {}, &plain);
    CHECK(plain.format() == "geojsonseq");
    CHECK(plain.inputs_or_stdin() == std::vector<std::string>{"-"});
}

TEST_CASE("a PG: output: tables, not files; --table names the one layer or table") {
    Tool tool("atd-test", "test tool");
    CHECK(run({"-o", "PG:dbname=atd", "--table", "reform.proposals", "--overwrite"}, [](Tool&) {}, &tool) == 0);
    CHECK(tool.format() == "pg");
    auto w = tool.write_options();
    CHECK(w.format == Format::Pg);
    CHECK(w.path == "PG:dbname=atd");
    CHECK(w.table == "reform.proposals");
    CHECK(w.overwrite);
    auto write_options = [](Tool& t) { t.write_options(); };
    CHECK(run({"-o", "out.gpkg", "--table", "proposals"}, write_options) == 0);
    CHECK(run({"-o", "PG:dbname=atd", "--table", "Proposals"}, write_options) == 2);
    CHECK(run({"-o", "out.geojsons", "--table", "proposals"}, write_options) == 2);
    CHECK(run({"-o", "PG:dbname=atd", "-f", "gpkg"}, write_options) == 2);

    Tool report("atd-test", "test tool");
    report.add_output({"text", "json"});
    std::vector<std::string> args = {"atd-test", "-o", "PG:dbname=atd"};
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    CHECK(report.run(static_cast<int>(argv.size()), argv.data(), [&] { report.format(); }) == 2);
    CHECK(report.app().get_option_no_throw("--table") == nullptr);
}
