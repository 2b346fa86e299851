// atd-report on atd-merge's proposals where populations are unknown: the
// merger tables and CSV say "unknown", never 0, and carry the proposal's status.
#include <atd/merge.hpp>
#include <atd/report.hpp>

#include "helpers.hpp"

#include <doctest/doctest.h>

#include <cstdlib>
#include <filesystem>

using namespace atd;

namespace {

std::string square(const std::string& kato, const std::string& kind, double x0, int settlements,
                   const std::string& population) {
    auto x = [](double v) { return std::to_string(v); };
    return "{\"type\":\"Feature\",\"properties\":{\"feature_type\":\"area\",\"kato\":\"" + kato + "\",\"area_kind\":\"" +
           kind + "\",\"district_kato\":\"591000000\",\"settlements\":" + std::to_string(settlements) +
           ",\"population\":" + population + "},\"geometry\":{\"type\":\"Polygon\",\"coordinates\":[[[" + x(x0) +
           ",0],[" + x(x0 + 0.1) + ",0],[" + x(x0 + 0.1) + ",0.1],[" + x(x0) + ",0.1],[" + x(x0) + ",0]]]}}\n";
}

// A one-settlement rural okrug of 200 beside one of two settlements without a figure: a provisional merger.
std::string proposals_file(const std::string& dir) {
    test::TempFile units(square("591033000", "rural_okrug", 0.0, 1, "200") +
                             square("591035000", "rural_okrug", 0.1, 2, "null"),
                         ".geojsonl");
    MergeOptions o;
    o.inputs = {units.path()};
    o.threads = 1;
    std::string path = dir + "/proposals.geojsonl";
    auto sink = FeatureSink::open(WriteOptions(Format::GeoJsonSeq, path, true));
    Log log;
    run_merge(o, *sink, log);
    return path;
}

std::string report(const std::string& input, const std::string& format, const std::string& dir) {
    ReportOptions r;
    r.inputs = {input};
    r.format = format;
    r.output = dir + "/report." + format;
    r.overwrite = true;
    Log log;
    write_report(r, log);
    return test::read_file(r.output);
}

}  // namespace

TEST_CASE("report: a merger resting on an unknown population shows it unknown and provisional, never 0") {
    std::string dir = "/tmp/atd_test_merge_report_XXXXXX";
    REQUIRE(mkdtemp(dir.data()));
    std::string input = proposals_file(dir);
    std::string md = report(input, "md", dir);
    // The population cell: unknown, with the part known; the note: the status and why.
    CHECK(md.find("| unknown (≥ 200) |") != std::string::npos);
    CHECK(md.find("provisional: population unknown: 591035000; 200 residents known") != std::string::npos);
    CHECK(md.find("| 200 |") == std::string::npos);
    std::string csv = report(input, "csv", dir);
    // kind,...,from,to,status,...: from, the members by name (the units are unnamed here: their codes).
    CHECK(csv.find(",\"591033000, 591035000\",merge,provisional,,,") != std::string::npos);
    // The population empty (null) before the members; why it is provisional in the note, the last column.
    CHECK(csv.find(",,591033000;591035000,") != std::string::npos);
    CHECK(csv.find(",population unknown: 591035000; 200 residents known; the legal minimum untested; the soft floor of "
                   "1000 residents untested\n") !=
          std::string::npos);
    std::filesystem::remove_all(dir);
}
