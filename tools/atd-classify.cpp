// atd-classify: status proposals (kents first), support and satellite villages, what-if.
#include <atd/classify.hpp>
#include <atd/cli.hpp>
#include <atd/error.hpp>

#include <cstdio>
#include <optional>

int main(int argc, char** argv) {
    atd::Tool tool("atd-classify",
                   "Propose a status for every settlement by the rules of the Concept (kent to city, attachment or "
                   "aul; aul to city; city to aul; abolition of auls of 50 or fewer), with reasons, missing data and "
                   "public opinion; classify rural settlements as support, satellite or other.");
    atd::RunOptions run;
    atd::ClassifyOptions o;
    tool.add_inputs();
    tool.add_output();
    tool.add_src_crs();
    auto& app = tool.app();
    tool.add_standards();
    app.add_option("--vary", o.vary, "rerun the rules for each value, KEY=V1,V2,... (repeatable); adds whatif fields")
        ->allow_extra_args(false);
    app.add_flag("--only-changes", o.only_changes, "write only settlements whose proposal changes something");
    std::string data_plan;
    app.add_option("--data-plan", data_plan,
                   "write the data plan to FILE (CSV): per oblast, the fields that would settle the undetermined and "
                   "not-assessed proposals");
    app.add_flag("--skip-invalid", run.skip_invalid, "pass a settlement with bad fields through marked invalid, with a warning");
    tool.memory_note("holds every settlement's figures and proposal (about 1.5 kB each)");
    return tool.run(argc, argv, [&] {
        auto st = tool.standards();
        auto sink = atd::FeatureSink::open(tool.write_options());
        std::optional<atd::OutputFile> plan;
        if (data_plan == "-" && (tool.output().empty() || tool.output() == "-"))
            throw atd::UsageError("--data-plan - would mix the plan into the features on standard output: give a file");
        if (!data_plan.empty()) plan.emplace(data_plan, tool.overwrite());
        atd::StreamOptions so;
        so.classify = true;
        so.classify_opts = o;
        so.run = run;
        auto result = atd::process_stream(tool.inputs_or_stdin(), tool.read_options(), st, so, *sink, tool.log());
        const auto& sum = result.classes;
        auto& log = tool.log();
        for (const auto& [cat, statuses] : sum.by_category) {
            std::string line = "proposals for " + cat + ":";
            const char* sep = " ";
            for (const auto& [status, props] : statuses) {
                line += sep + status;
                for (const auto& [p, n] : props) line += (p.empty() ? "" : " " + p) + " " + std::to_string(n);
                sep = "; ";
            }
            log.info(line);
        }
        if (plan) {
            atd::write_data_plan(sum.plan, result.units, plan->stream());
            plan->commit();
        }
        char buf[256];
        double share = sum.rural_pop_known > 0 ? 100.0 * sum.cluster_pop / sum.rural_pop_known : 0.0;
        std::snprintf(buf, sizeof buf,
                      "calibration: support %zu + satellite %zu = %zu of %zu rural settlements (target %.0f); "
                      "they hold %.1f%% of the rural population known for %zu settlements (target %.0f%%)",
                      sum.support, sum.satellite, sum.support + sum.satellite, sum.rural,
                      st.get("support.target_count"), share, sum.rural_with_pop,
                      100.0 * st.get("support.target_population_share"));
        log.info(buf);
        if (result.invalid) log.info(std::to_string(result.invalid) + " settlements invalid, passed through");
    });
}
