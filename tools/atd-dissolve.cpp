// atd-dissolve: merge features by a field into one polygon each, with their attributes.
#include <atd/cli.hpp>
#include <atd/dissolve.hpp>

int main(int argc, char** argv) {
    atd::Tool tool("atd-dissolve",
                   "Merge the features that share a value of a field into one feature: their polygons dissolved into "
                   "one (coverage union, else a general union; slivers filled), their attributes summed, listed or kept.");
    atd::DissolveOptions o;
    tool.add_inputs();
    tool.add_output();
    tool.add_src_crs();
    auto& app = tool.app();
    app.add_option("--by", o.by, "the field whose values group the features (required)")->required();
    app.add_option("--sum", o.sum, "fields to sum, comma-separated (population,budget_total)")->delimiter(',');
    app.add_option("--first", o.first, "fields whose first member's value is kept, comma-separated")->delimiter(',');
    app.add_option("--same", o.same, "fields all members share, comma-separated (null and a warning if they differ)")
        ->delimiter(',');
    app.add_option("--list", o.list, "fields whose members' values are joined with ';', comma-separated")->delimiter(',');
    app.add_option("--feature-type", o.feature_type,
                   "feature_type of the output features (it names the GeoPackage layer), such as okrug");
    app.add_option("--min-hole-km2", o.min_hole_km2, "fill holes smaller than this, in km2 (default: 0.01)");
    tool.memory_note("holds every feature's geometry and fields until the end (about 600 bytes per point)");
    return tool.run(argc, argv, [&] {
        o.inputs = tool.inputs_or_stdin();
        o.read = tool.read_options();
        auto sink = atd::FeatureSink::open(tool.write_options());
        auto sum = atd::dissolve(o, *sink, tool.log());
        tool.log().info("dissolved " + std::to_string(sum.features) + " features into " + std::to_string(sum.groups) +
                        " by " + o.by + " (" + std::to_string(sum.holes_filled) + " holes filled, " +
                        std::to_string(sum.disagreements) + " fields that differ within a group)");
    });
}
