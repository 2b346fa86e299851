// atd-score: each settlement scored on the criteria of the Concept (C1-C8).
#include <atd/classify.hpp>
#include <atd/cli.hpp>

int main(int argc, char** argv) {
    atd::Tool tool("atd-score",
                   "Score every settlement on the criteria C1-C8 of the Concept against a standards profile: "
                   "indicator, threshold, result (pass, fail, no_data) and normalised score, then the composite.");
    atd::RunOptions run;
    tool.add_inputs();
    tool.add_output();
    tool.add_src_crs();
    auto& app = tool.app();
    tool.add_standards();
    app.add_flag("--skip-invalid", run.skip_invalid, "pass a settlement with bad fields through marked invalid, with a warning");
    tool.memory_note("holds every settlement's criteria fields (about 900 bytes each)");
    return tool.run(argc, argv, [&] {
        auto st = tool.standards();
        auto sink = atd::FeatureSink::open(tool.write_options());
        atd::StreamOptions so;
        so.run = run;
        auto sum = atd::process_stream(tool.inputs_or_stdin(), tool.read_options(), st, so, *sink, tool.log());
        tool.log().info("scored " + std::to_string(sum.settlements) + " settlements with profile " + st.name() +
                        (sum.invalid ? ", " + std::to_string(sum.invalid) + " invalid" : ""));
    });
}
