// atd-merge: rural okrug merger proposals within each district.
#include <atd/cli.hpp>
#include <atd/error.hpp>
#include <atd/merge.hpp>

int main(int argc, char** argv) {
    atd::Tool tool("atd-merge",
                   "Propose rural okrug mergers within each district: units that touch are grouped (greedy, exact, or "
                   "SKATER) under the legal minimum, a soft population floor, a maximum distance to the proposed centre "
                   "and a maximum number of members; each proposal gives its members, centre, population, budgets, "
                   "distances, objective and the rule that triggered it.");
    atd::MergeOptions o;
    tool.add_inputs("units with polygons (atd-areas output or real boundaries): a file, - for stdin, or a GDAL source");
    tool.add_output();
    tool.add_src_crs();
    tool.add_standards();
    auto& app = tool.app();
    std::optional<double> soft_floor, max_km, target;
    std::optional<std::size_t> max_members;
    std::string contiguity = "queen", coassign;
    app.add_option("--method", o.method, "greedy (default), exact, skater, or maxp")
        ->check(CLI::IsMember({"greedy", "exact", "skater", "maxp"}));
    app.add_option("--settlements", o.settlements,
                   "canonical settlements: proposed centres and distances from every member settlement");
    app.add_option("--od", o.od, "OD table between settlements (needs --settlements): commuting ties between units");
    app.add_option("--neighbours", o.neighbours, "CSV of neighbour pairs (from,to) instead of polygon contiguity");
    app.add_option("--contiguity", contiguity, "queen (default: touching at a point is enough) or rook (a shared edge)")
        ->check(CLI::IsMember({"queen", "rook"}));
    app.add_option("--islands", o.islands, "units touching no other: nearest (link to the nearest, default) or keep")
        ->check(CLI::IsMember({"nearest", "keep"}));
    app.add_option("--id-field", o.id_field, "unit id field (default: kato)");
    app.add_option("--region-field", o.region_field,
                   "field of the district a unit belongs to; units never merge across it (default: district_kato; "
                   "none: all one region)");
    app.add_option("--kinds", o.kinds,
                   "area_kind values that take part, comma-separated (default: rural_okrug, village_administration, "
                   "kent_administration, and settlement when an aul or a kent)")
        ->delimiter(',');
    app.add_option("--population-field", o.population_field, "unit population field (default: population)");
    app.add_option("--soft-floor", soft_floor, "residents a proposal should reach (default: merge.soft_floor_population)");
    app.add_option("--max-km", max_km, "farthest a member settlement may be from the centre (default: merge.max_distance_km)");
    app.add_option("--max-members", max_members, "most units in one proposal (default: merge.max_members)");
    app.add_option("--self-sufficiency", target, "budget self-sufficiency target (default: merge.self_sufficiency_target)");
    app.add_option("-k", o.k, "skater: proposals per district");
    app.add_option("--attributes", o.attributes, "skater, maxp: fields to compare units on, comma-separated (standardised)")
        ->delimiter(',');
    std::string floor;
    app.add_option("--floor", floor, "skater, maxp: FIELD=MIN, a floor on the sum of FIELD in every proposal");
    app.add_option("--ssw", o.ssw, "skater: squared (sum of squared deviations, default) or distance (as spdep)")
        ->check(CLI::IsMember({"squared", "distance"}));
    app.add_option("--maxp-iterations", o.maxp_iterations, "maxp: constructions tried (default: 100)");
    app.add_option("--exact-max", o.exact_max, "exact: largest district, in units, it enumerates (default: 15, at most 20)");
    app.add_option("--variants", o.variants, "also run N perturbed variants and report how stable each proposal is");
    app.add_option("--seed", o.seed, "seed of the variants (default: 1)");
    app.add_option("--coassign", coassign, "with --variants: write unit pairs and how often they end up together");
    app.add_option("--threads", o.threads,
                   "threads for reading and for the districts (default: ATD_THREADS, else the machine's cores)");
    app.add_flag("--units", o.unit_table, "write one row per unit and its proposal instead of one feature per proposal");
    return tool.run(argc, argv, [&] {
        o.inputs = tool.inputs_or_stdin();
        o.read = tool.read_options();
        o.queen = contiguity == "queen";
        if (!floor.empty()) std::tie(o.floor_field, o.floor) = atd::parse_floor(floor);
        auto& p = o.params;
        p = atd::merge_params(tool.standards());
        if (soft_floor) p.soft_floor = *soft_floor;
        if (max_km) p.max_distance_km = *max_km;
        if (max_members) p.max_members = *max_members;
        if (target) p.self_sufficiency_target = *target;
        if (tool.format() == "csv" && !o.unit_table) o.unit_table = true;  // the unit-to-proposal table
        if (!coassign.empty())
            o.coassign = {atd::format_from_path(coassign).value_or(atd::Format::Csv), coassign, tool.overwrite()};
        auto sink = atd::FeatureSink::open(tool.write_options());
        auto sum = atd::run_merge(o, *sink, tool.log());
        tool.log().info(atd::merge_summary_text(sum, o.method));
    });
}
