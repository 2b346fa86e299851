// atd-ingest: canonical settlements and units from a classifier, geometry and statistics.
#include <atd/cli.hpp>
#include <atd/ingest.hpp>

int main(int argc, char** argv) {
    atd::Tool tool("atd-ingest",
                   "Build canonical settlement and unit features from a KATO classifier, geometry layers and "
                   "statistics tables, or canonicalise an existing feature stream.");
    atd::IngestOptions o;
    auto& app = tool.app();
    tool.add_inputs("feature stream to canonicalise (without --kato): file, - for stdin, or GDAL connection string");
    tool.add_output();
    tool.add_src_crs();
    app.add_option("--kato", o.kato, "KATO classifier table (kato,parent_kato,depth,unit_kind,name_ru[,type_abbr])");
    app.add_option("--points", o.points, "settlement points or polygons: any OGR source, or CSV with lon/lat columns");
    app.add_option("--points-join", o.points_join, "join points by 'kato' code (default) or by 'name' within a district")
        ->check(CLI::IsMember({"kato", "name"}));
    app.add_option("--points-key", o.points_key, "KATO field of the points (default: kato, kato_code, KATO or code)");
    app.add_option("--points-name-field", o.points_name_field, "name field for --points-join name (default: name_ru, name or NAME)");
    app.add_option("--points-district-field", o.points_district_field,
                   "district KATO field for --points-join name (default: district_kato, adm2_kato or district_code)");
    app.add_option("--boundaries", o.boundaries, "unit polygons joined by KATO code (repeatable)")->allow_extra_args(false);
    app.add_option("--boundaries-key", o.boundaries_key, "KATO field of the boundaries (default: kato, KATO, kato_code or code)");
    app.add_option("--stats", o.stats, "statistics table, long (kato,year,indicator,value) or wide (kato,pop_2023,...); repeatable")->allow_extra_args(false);
    app.add_option("--categories", o.categories, "table of kato,category[,category_source] overriding the KATO type (repeatable)")->allow_extra_args(false);
    app.add_flag("--make-valid", o.make_valid, "repair invalid boundary polygons with GEOS MakeValid (marked geom_repaired)");
    app.add_flag("--sub-localities", o.sub_localities, "also write the depth-5 localities inside settlements");
    app.add_flag("--strict", o.strict, "unmatched, conflicting or unknown rows are errors");
    return tool.run(argc, argv, [&] {
        o.inputs = o.kato.empty() ? tool.inputs_or_stdin() : tool.inputs();
        o.read = tool.read_options();
        auto sink = atd::FeatureSink::open(tool.write_options());
        auto progress = tool.progress("features");
        atd::ingest(o, *sink, tool.log(), progress);
    });
}
