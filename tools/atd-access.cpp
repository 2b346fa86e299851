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
    std::vector<std::string> speeds;
    std::string fallback;
    app.add_option("--roads", o.roads.path,
                   "road network (LineStrings): distances and times follow the fastest road route");
    app.add_option("--speed-field", o.roads.speed_field, "road field holding the speed in km/h (default: speed_kmh)");
    app.add_option("--class-field", o.roads.class_field, "road field holding the road class (default: highway)");
    app.add_option("--speed", speeds, "speed of a road class, CLASS=KMH (repeatable; see atd-access(1) for the defaults)")
        ->allow_extra_args(false);
    app.add_option("--default-speed", o.roads.default_speed, "km/h of roads with neither speed nor known class (default: 50)");
    app.add_option("--snap-km", o.snap_km, "farthest a settlement or facility may lie from a road vertex (default: 5)");
    app.add_option("--connector-speed", o.connector_speed,
                   "km/h between a settlement or facility and its road vertex (default: 30)");
    app.add_option("--fallback", fallback, "geodesic: settlements the roads do not reach get straight-line distances")
        ->check(CLI::IsMember({"geodesic"}));
    return tool.run(argc, argv, [&] {
        for (const auto& l : layers) o.facilities.push_back(atd::parse_facility_layer(l));
        for (const auto& s : speeds) {
            auto [cls, kmh] = atd::parse_class_speed(s);
            o.roads.class_speeds[cls] = kmh;
        }
        o.fallback_geodesic = fallback == "geodesic";
        if (!(o.roads.default_speed > 0)) throw atd::UsageError("--default-speed must be a positive number");
        o.inputs = tool.inputs_or_stdin();
        o.read = tool.read_options();
        auto sink = atd::FeatureSink::open(tool.write_options());
        auto progress = tool.progress("settlements");
        auto sum = atd::compute_access(o, *sink, tool.log(), progress);
        std::string kinds;
        for (const auto& [k, n] : sum.facilities) kinds += (kinds.empty() ? "" : ", ") + k + " " + std::to_string(n);
        tool.log().info("facilities: " + kinds + "; " + std::to_string(sum.settlements) + " settlements");
        if (!o.roads.path.empty())
            tool.log().info("roads: " + std::to_string(sum.road_segments) + " segments, " +
                            std::to_string(sum.road_vertices) + " vertices, " + std::to_string(sum.road_parts) +
                            " connected parts (the largest holds " + std::to_string(sum.largest_part) + " vertices); " +
                            std::to_string(sum.settlements - sum.unsnapped_settlements - sum.without_position) +
                            " settlements on the network, " + std::to_string(sum.fallback_settlements) +
                            " with a straight-line fallback");
    });
}
