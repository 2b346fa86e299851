// atd-areas: derived areas of rural okrugs (and other units without boundaries).
#include <atd/areas.hpp>
#include <atd/cli.hpp>

#include <cstdio>

int main(int argc, char** argv) {
    atd::Tool tool("atd-areas",
                   "Derive an area for every rural okrug (and every administration or settlement below the district): "
                   "the Voronoi cells of its settlements clipped to the district polygon and dissolved, so that each "
                   "district is covered once, with no gaps or overlaps. Every area says area_source=derived.");
    atd::AreasOptions o;
    tool.add_inputs("canonical units and settlements (atd-ingest's output): a file, - for stdin, or a GDAL source");
    tool.add_output();
    tool.add_src_crs();
    tool.memory_note("holds every unit and settlement (about 600 bytes per settlement)");
    return tool.run(argc, argv, [&] {
        o.inputs = tool.inputs_or_stdin();
        o.read = tool.read_options();
        auto sink = atd::FeatureSink::open(tool.write_options());
        auto sum = atd::derive_areas(o, *sink, tool.log());
        char gap[32], overlap[32];
        std::snprintf(gap, sizeof gap, "%.1e", sum.worst_cover_gap);
        std::snprintf(overlap, sizeof overlap, "%.1e", sum.worst_overlap);
        tool.log().info("areas: " + std::to_string(sum.areas) + " in " + std::to_string(sum.districts) +
                        " districts from " + std::to_string(sum.settlements) + " settlements (" +
                        std::to_string(sum.without_position) + " without a position); " +
                        std::to_string(sum.districts_without_polygon) + " districts without a polygon; " +
                        "largest mismatch between a district and its areas: " + gap + ", overlap: " + overlap +
                        " of its area");
    });
}
