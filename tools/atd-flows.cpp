// atd-flows: commuting indicators per settlement from an OD table or a flow model.
#include <atd/cli.hpp>
#include <atd/flows.hpp>

int main(int argc, char** argv) {
    atd::Tool tool("atd-flows",
                   "Turn daily commuting flows (an origin-destination table, or flows modelled from population and "
                   "distance) into indicators per settlement: employed residents and jobs, out- and in-commuters, "
                   "self-containment, jobs ratio, dominant destination, vehicles, proportional flows; or flow lines.");
    atd::FlowOptions o;
    tool.add_inputs("settlements: a file, - for stdin, or a GDAL connection string");
    tool.add_output();
    tool.add_src_crs();
    auto& app = tool.app();
    app.add_option("--od", o.od, "origin-destination table (CSV): origin, destination, persons[, vehicles]");
    app.add_option("--id-field", o.id_field, "settlement field the OD codes refer to (default: kato)");
    app.add_option("--origin-field", o.origin_field, "OD column of the origin (default: origin)");
    app.add_option("--destination-field", o.destination_field, "OD column of the destination (default: destination)");
    app.add_option("--persons-field", o.persons_field, "OD column of the persons (default: persons, else flow or commuters)");
    app.add_option("--vehicles-field", o.vehicles_field, "OD column of the vehicles (default: vehicles)");
    app.add_option("--population-field", o.population_field, "settlement population field (default: the latest pop_YYYY, else pop_osm)");
    app.add_option("--employed-field", o.employed_field, "employed residents field (default: the latest emp_total_YYYY)");
    app.add_option("--jobs-field", o.jobs_field, "jobs field (default: the latest jobs_YYYY)");
    app.add_option("--model", o.model, "model the flows instead: radiation or gravity")
        ->check(CLI::IsMember({"radiation", "gravity"}));
    app.add_option("--beta", o.beta, "distance decay of the gravity model (default: 2)");
    app.add_option("--commuter-share", o.commuter_share,
                   "modelled: share of employed residents who commute elsewhere (default: 0.3)");
    app.add_option("--employment-rate", o.employment_rate,
                   "modelled: employed per resident where emp_total is missing (default: 0.45)");
    app.add_option("--max-km", o.max_km, "modelled: longest commute considered, km (default: 100)");
    app.add_flag("--lines", o.lines, "write each flow as a LineString (origin to destination) instead of settlements");
    app.add_option("--min-persons", o.min_persons, "with --lines: leave out flows of fewer persons");
    app.add_flag("--strict", o.strict, "unknown codes, self-flows, repeated pairs and negative counts are errors");
    return tool.run(argc, argv, [&] {
        o.inputs = tool.inputs_or_stdin();
        o.read = tool.read_options();
        auto sink = atd::FeatureSink::open(tool.write_options());
        auto sum = atd::run_flows(o, *sink, tool.log());
        tool.log().info("wrote " + std::to_string(sum.written) + (o.lines ? " flow lines" : " features") + " (" +
                        std::to_string(sum.settlements) + " settlements)");
    });
}
