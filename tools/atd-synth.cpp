// atd-synth: a synthetic country of any size, for tests and benchmarks.
#include <atd/cli.hpp>
#include <atd/synth.hpp>

int main(int argc, char** argv) {
    atd::Tool tool("atd-synth",
                   "Write a synthetic country of any size into a directory: oblasts, districts and okrugs as a "
                   "polygon coverage, settlements with population series, migration, employment, infrastructure, "
                   "opinion and budgets, facility points, a road network and commuting flows from a gravity model. "
                   "Deterministic for a seed; everything it writes is marked synthetic.");
    atd::SynthOptions o;
    std::string dir, years;
    bool overwrite = false, no_facilities = false, no_roads = false, no_flows = false;
    auto& app = tool.app();
    app.add_option("-n,--settlements", o.settlements, "how many settlements (1 to 10000000)")->required();
    app.add_option("-o,--output-dir", dir, "the directory to write into (created)")->required();
    app.add_flag("--overwrite", overwrite, "write into an existing directory, replacing its files");
    app.add_option("--seed", o.seed, "the seed of every random choice (default: 1)");
    app.add_option("--years", years, "the years of the series, FIRST-LAST (default: 2019-2023)");
    app.add_option("--flows-per-settlement", o.flows_per_settlement,
                   "commuting destinations per settlement besides itself, at most (default: 10)");
    app.add_flag("--no-facilities", no_facilities, "do not write facilities.geojsons");
    app.add_flag("--no-roads", no_roads, "do not write roads.geojsons");
    app.add_flag("--no-flows", no_flows, "do not write od.csv");
    return tool.run(argc, argv, [&] {
        if (!years.empty()) atd::parse_synth_years(years, o);
        o.facilities = !no_facilities;
        o.roads = !no_roads;
        o.flows = !no_flows;
        auto s = atd::write_synthetic_country(o, dir, overwrite, tool.log());
        auto n = [](std::uint64_t v) { return std::to_string(v); };
        tool.log().info("wrote " + dir + ": " + n(s.settlements) + " settlements (" + n(s.cities) + " cities, " +
                        n(s.kents) + " kents, " + n(s.auls) + " auls) in " + n(s.okrugs) + " okrugs, " +
                        n(s.districts) + " districts and " + n(s.oblasts) + " oblasts; " + n(s.facilities) +
                        " facilities, " + n(s.roads) + " roads, " + n(s.flows) + " flows (seed " + n(o.seed) + ")");
    });
}
