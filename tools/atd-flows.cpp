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
    tool.add_standards();
    auto& app = tool.app();
    std::optional<double> min_size, target_size, min_sc, target_sc, cz_cut;
    std::string zones_output;
    app.add_option("--od", o.od, "origin-destination table (CSV): origin, destination, persons[, vehicles]");
    app.add_option("--id-field", o.id_field, "settlement field the OD codes refer to (default: kato)");
    app.add_option("--name-field", o.name_field, "settlement name field, for zone centres (default: name, else name_ru, else name_kk)");
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
    app.add_option("--zones", o.zones,
                   "delineate functional areas: ttwa (Coombes-Bond travel-to-work areas) or cz (Tolbert-Sizer "
                   "commuting zones); adds zone, zone_centre, zone_method")
        ->check(CLI::IsMember({"ttwa", "cz"}));
    app.add_option("--zones-output", zones_output, "write one feature per zone with its statistics to FILE");
    app.add_option("--min-size", min_size, "ttwa: minimum employed residents of a zone (default: c6.ttwa_min_size)");
    app.add_option("--target-size", target_size, "ttwa: size from which the minimum self-containment suffices "
                                                 "(default: c6.ttwa_target_size)");
    app.add_option("--min-sc", min_sc, "ttwa: self-containment accepted at the target size "
                                       "(default: c6.ttwa_min_self_containment)");
    app.add_option("--target-sc", target_sc, "ttwa: self-containment required at the minimum size "
                                             "(default: c6.ttwa_target_self_containment)");
    app.add_option("--cz-cut", cz_cut, "cz: height at which the 1 - PF tree is cut (default: c6.cz_cut_height)");
    app.add_flag("--strict", o.strict, "unknown codes, repeated pairs and negative counts are errors");
    tool.memory_note("holds every settlement's figures (about 100 bytes each) and every flow (about 100 bytes each)");
    return tool.run(argc, argv, [&] {
        o.inputs = tool.inputs_or_stdin();
        o.read = tool.read_options();
        if (!o.zones.empty()) {
            auto st = tool.standards();
            o.ttwa = atd::ttwa_params(st);
            if (min_size) o.ttwa.min_size = *min_size;
            if (target_size) o.ttwa.target_size = *target_size;
            if (min_sc) o.ttwa.min_sc = *min_sc;
            if (target_sc) o.ttwa.target_sc = *target_sc;
            o.cz_cut = cz_cut.value_or(atd::cz_cut_height(st));
        }
        if (!zones_output.empty()) {
            auto format = atd::format_from_path(zones_output);
            o.zones_output = {format.value_or(atd::Format::GeoJsonSeq), zones_output, tool.overwrite()};
        }
        auto sink = atd::FeatureSink::open(tool.write_options());
        auto sum = atd::run_flows(o, *sink, tool.log());
        tool.log().info("wrote " + std::to_string(sum.written) + (o.lines ? " flow lines" : " features") + " (" +
                        std::to_string(sum.settlements) + " settlements)" +
                        (o.zones.empty() ? "" : ", " + std::to_string(sum.zones) + " zones"));
    });
}
