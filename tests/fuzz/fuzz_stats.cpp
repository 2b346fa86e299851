// libFuzzer target: CSV tables, statistics tables (long and wide) and the KATO classifier.
#include <atd/csv.hpp>
#include <atd/error.hpp>
#include <atd/ingest.hpp>
#include <atd/kato.hpp>

#include <string>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    std::string text(reinterpret_cast<const char*>(data), size);
    atd::Log log;
    try {
        atd::CsvReader csv(text, "fuzz.csv");
        std::size_t ignored = 0;
        atd::read_stats_table(csv, log, false, ignored);
    } catch (const atd::DataError&) {
    }
    try {
        atd::CsvReader csv(text, "fuzz.csv");
        atd::KatoClassifier::load(csv);
    } catch (const atd::DataError&) {
    }
    double d = 0;
    atd::parse_number(text, d, true);
    atd::kato_problem(text);
    return 0;
}
