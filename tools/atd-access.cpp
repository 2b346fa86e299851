// atd-access: distance to the nearest facility of each kind, and facilities within a radius.
#include <atd/access.hpp>
#include <atd/cli.hpp>
#include <atd/error.hpp>

int main(int argc, char** argv) {
    atd::Tool tool("atd-access",
                   "Add to every settlement, for each kind of facility (school, hospital, clinic, culture, trade, ...), "
                   "the geodesic distance to the nearest one, its id, and the number within a radius.");
    atd::AccessOptions o;
    std::vector<std::string> layers;
    tool.add_inputs("settlements: a file, - for stdin, or a GDAL connection string");
    tool.add_output();
    tool.add_src_crs();
    auto& app = tool.app();
    app.add_option("--facilities", layers,
                   "facility points, FILE (kinds from the kind field) or KIND=FILE (all of one kind); repeatable")
        ->allow_extra_args(false);
    app.add_option("--kind-field", o.kind_field, "field holding a facility's kind (default: kind)");
    app.add_option("--id-field", o.id_field, "field holding a facility's id (default: id, else the feature id or number)");
    app.add_option("--radius", o.radius_km, "radius in km for the count_<kind> fields (default: 15)");
    return tool.run(argc, argv, [&] {
        for (const auto& l : layers) o.facilities.push_back(atd::parse_facility_layer(l));
        o.inputs = tool.inputs_or_stdin();
        o.read = tool.read_options();
        auto sink = atd::FeatureSink::open(tool.write_options());
        auto progress = tool.progress("settlements");
        auto sum = atd::compute_access(o, *sink, tool.log(), progress);
        std::string kinds;
        for (const auto& [k, n] : sum.facilities) kinds += (kinds.empty() ? "" : ", ") + k + " " + std::to_string(n);
        tool.log().info("facilities: " + kinds + "; " + std::to_string(sum.settlements) + " settlements");
    });
}
