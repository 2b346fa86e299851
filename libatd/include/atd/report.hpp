#pragma once
// atd-report: the status-change proposals of atd-classify and the okrug
// mergers of atd-merge as a document people read: a self-contained HTML file
// with maps, Markdown with SVG maps beside it, or a CSV of the proposals.
#include <atd/io.hpp>
#include <atd/log.hpp>

#include <string>
#include <vector>

namespace atd {

struct ReportOptions {
    std::vector<std::string> inputs;  // classified settlements, units, merger proposals, in any mix
    std::string format = "html";      // html, md, csv
    std::string lang = "en";          // en, ru, kk: the report's words, reasons and number format
    std::string title;                // default: from the language
    std::string output;               // empty or "-": stdout
    std::string maps_dir;             // md: where the SVG maps go (default: OUTPUT's stem + "-maps")
    bool overwrite = false;
    bool all_districts = false;       // also districts without a change
    bool csv_raw = false;             // csv: cells a spreadsheet takes for formulas as written (csv_cell)
    bool csv_labels = false;          // csv: headers in the report's language instead of the field names
    ReadOptions read;
};

struct ReportSummary {
    std::size_t settlements = 0, changes = 0, units = 0, merger_proposals = 0, merged = 0;
    std::size_t districts = 0, maps = 0, bytes = 0;
};

ReportSummary write_report(const ReportOptions& opts, Log& log);

// What changed between two runs (opts.inputs: the old run's files, then
// new_inputs): proposals that are new, withdrawn or different, criteria whose
// result moved, okrug mergers proposed or dropped. Same formats.
struct CompareSummary {
    std::size_t new_proposals = 0, withdrawn = 0, changed = 0, criteria_moved = 0, new_mergers = 0, dropped_mergers = 0;
};
CompareSummary write_comparison(const ReportOptions& opts, const std::vector<std::string>& new_inputs, Log& log);

// The fixed strings of the report in a language ("en", "ru", "kk"); the key
// itself for a key the table lacks.
std::string report_label(std::string_view lang, std::string_view key);

}  // namespace atd
