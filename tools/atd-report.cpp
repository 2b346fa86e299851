// atd-report: status-change and merger proposals as a document: HTML, Markdown or CSV.
#include <atd/cli.hpp>
#include <atd/error.hpp>
#include <atd/report.hpp>

int main(int argc, char** argv) {
    atd::Tool tool("atd-report",
                   "Write the proposals of atd-classify and atd-merge as a document people read, in English, Russian "
                   "or Kazakh: one self-contained HTML file (on screen and on paper) with contents, national and "
                   "per-oblast summaries and, per district, maps, the proposals with every criterion, population "
                   "sparklines, their reasons and the data they lacked, then the data plan, a glossary and the "
                   "sources; the same as Markdown with SVG maps; or CSV.");
    atd::ReportOptions o;
    tool.add_inputs("atd-classify and/or atd-merge output (settlements, units, proposals): files, - for stdin");
    tool.add_output({"html", "md", "csv"});
    tool.add_src_crs();
    auto& app = tool.app();
    app.add_option("--lang", o.lang, "language of the report: its words, reasons, names where the data has them "
                                     "and number format: en (default), ru or kk")
        ->check(CLI::IsMember({"en", "ru", "kk"}));
    app.add_option("--title", o.title, "the report's title (default: from --lang)");
    app.add_option("--maps-dir", o.maps_dir, "md: directory for the SVG maps (default: OUTPUT's name + -maps)");
    app.add_flag("--all-districts", o.all_districts, "also districts where nothing changes");
    app.add_flag("--csv-labels", o.csv_labels, "csv: column headers in the report's language (the codes in the cells stay)");
    std::vector<std::string> compare;
    app.add_option("--compare", compare, "OLD NEW: what changed between two runs (one file each)")->expected(2);
    tool.memory_note("holds every settlement and proposal (about 1.1 kB per settlement)");
    return tool.run(argc, argv, [&] {
        o.inputs = tool.inputs_or_stdin();
        o.read = tool.read_options();
        o.format = tool.format();
        o.output = tool.output();
        o.overwrite = tool.overwrite();
        o.csv_raw = tool.csv_raw();
        if (!compare.empty()) {
            if (!tool.inputs().empty()) throw atd::UsageError("--compare takes its two files; give no other input");
            o.inputs = {compare[0]};
            auto c = atd::write_comparison(o, {compare[1]}, tool.log());
            tool.log().info("compared: " + std::to_string(c.new_proposals) + " new proposals, " +
                            std::to_string(c.withdrawn) + " withdrawn, " + std::to_string(c.changed) + " changed, " +
                            std::to_string(c.criteria_moved) + " settlements whose criteria moved, " +
                            std::to_string(c.new_mergers) + " new mergers, " + std::to_string(c.dropped_mergers) +
                            " dropped");
            return;
        }
        auto sum = atd::write_report(o, tool.log());
        tool.log().info("report: " + std::to_string(sum.settlements) + " settlements (" + std::to_string(sum.changes) +
                        " changes), " + std::to_string(sum.merger_proposals) + " okrug proposals (" +
                        std::to_string(sum.merged) + " mergers); " + std::to_string(sum.districts) + " districts, " +
                        std::to_string(sum.maps) + " maps, " + std::to_string(sum.bytes) + " bytes");
    });
}
