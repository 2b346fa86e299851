// atd-score: each settlement scored on the criteria of the Concept (C1-C8).
#include <atd/classify.hpp>
#include <atd/cli.hpp>

int main(int argc, char** argv) {
    atd::Tool tool("atd-score",
                   "Score every settlement on the criteria C1-C8 of the Concept against a standards profile: "
                   "indicator, threshold, result (pass, fail, no_data) and normalised score, then the composite.");
    std::string standards;
    std::vector<std::string> sets;
    atd::RunOptions run;
    tool.add_inputs();
    tool.add_output();
    tool.add_src_crs();
    auto& app = tool.app();
    app.add_option("--standards", standards, "standards profile (TOML; default: the bundled kz.toml)");
    app.add_option("--set", sets, "change one profile value, KEY=VALUE (repeatable)")->allow_extra_args(false);
    app.add_flag("--skip-invalid", run.skip_invalid, "pass a settlement with bad fields through marked invalid, with a warning");
    return tool.run(argc, argv, [&] {
        auto st = atd::Standards::load(standards.empty() ? atd::Standards::default_path() : standards);
        for (const auto& s : sets) st.set_from_text(s);
        auto sink = atd::FeatureSink::open(tool.write_options());
        std::vector<atd::Feature> features;
        std::string names;
        for (const auto& in : tool.inputs_or_stdin()) {
            auto part = atd::read_all(in, tool.read_options(), tool.log());
            for (auto& f : part) features.push_back(std::move(f));
            names += (names.empty() ? "" : "+") + (in == "-" ? std::string("<stdin>") : in);
        }
        auto data = atd::read_dataset(features, names, run, tool.log());
        atd::score_all(data, st);
        for (const auto& f : features) sink->write(f);
        sink->finish();
        tool.log().info("scored " + std::to_string(data.settlements.size()) + " settlements with profile " +
                        st.name() + (data.invalid ? ", " + std::to_string(data.invalid) + " invalid" : ""));
    });
}
