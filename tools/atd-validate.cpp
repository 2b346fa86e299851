// atd-validate: check a canonical dataset; exit 1 when it has errors.
#include <atd/cli.hpp>
#include <atd/error.hpp>
#include <atd/validate.hpp>

#include <cerrno>
#include <cstring>

int main(int argc, char** argv) {
    atd::Tool tool("atd-validate",
                   "Check canonical settlements and units: field types and ranges, KATO codes and hierarchy, "
                   "geometry validity, settlements outside their district. Exits 1 when it finds errors.");
    atd::ValidateOptions o;
    tool.add_inputs();
    tool.add_output({"text", "json"});
    tool.add_src_crs();
    tool.app().add_flag("--strict", o.strict, "count warnings as errors");
    tool.memory_note("keeps a little of each feature and every finding");
    return tool.run(argc, argv, [&] {
        o.inputs = tool.inputs_or_stdin();
        o.read = tool.read_options();
        auto progress = tool.progress("features");
        auto result = atd::validate(o, tool.log(), progress);
        std::string report = tool.format() == "json" ? atd::format_json(result) : atd::format_text(result);
        atd::OutputFile out(tool.output(), tool.overwrite());
        if (std::fwrite(report.data(), 1, report.size(), out.stream()) != report.size())
            throw atd::DataError(out.display_name() + ": write error: " + std::strerror(errno));
        out.commit();
        // The report stays: it is what the user reads to mend the data.
        if (result.failed())
            throw atd::DataError(std::to_string(result.errors) + (result.errors == 1 ? " error" : " errors") +
                                 " found");
    });
}
