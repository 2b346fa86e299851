// libFuzzer target: origin-destination tables against a few settlement codes,
// counted (problems as warnings) and strict (problems as errors).
#include <atd/error.hpp>
#include <atd/flows.hpp>

#include <string>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    std::string text(reinterpret_cast<const char*>(data), size);
    atd::SettlementIds ids{{"a", 0}, {"b", 1}, {"591000000", 2}, {"", 3}};
    atd::Log log;
    for (bool strict : {false, true}) {
        atd::FlowOptions opts;
        opts.strict = strict;
        atd::FlowReport report;
        try {
            atd::CsvReader csv(text, "fuzz.csv");
            auto rows = atd::read_od_table(csv, ids, opts, report, log);
            std::vector<std::optional<double>> none(4);
            atd::flow_indicators(4, rows, none, none);
        } catch (const atd::DataError&) {
        }
    }
    return 0;
}
