#pragma once
// atd-ingest: canonical settlements and units from a KATO classifier, geometry
// layers and statistics tables, or canonicalisation of an existing feature stream.
#include <atd/io.hpp>
#include <atd/log.hpp>

#include <string>
#include <vector>

namespace atd {

struct IngestOptions {
    std::vector<std::string> inputs;       // feature streams to canonicalise (no classifier)
    std::string kato;                      // KATO classifier table
    std::string points;                    // settlement points or polygons
    std::string points_join = "kato";      // "kato" or "name"
    std::string points_key;                // KATO field of the points (auto when empty)
    std::string points_name_field;         // name field for --points-join name (auto)
    std::string points_district_field;     // district KATO field for --points-join name (auto)
    std::vector<std::string> boundaries;   // unit polygons joined by KATO code
    std::string boundaries_key;            // KATO field of the boundaries (auto)
    std::vector<std::string> stats;        // statistics tables, long or wide
    std::vector<std::string> categories;   // tables of kato,category[,category_source]
    bool make_valid = false;               // repair invalid boundaries with GEOS
    bool sub_localities = false;           // also write depth-5 localities
    bool strict = false;                   // unmatched and conflicting rows are errors
    ReadOptions read;
};

struct JoinCounts {
    std::size_t rows = 0, matched = 0, unmatched = 0, conflicts = 0, duplicates = 0, ignored = 0;
    std::size_t sub_localities = 0;  // rows for depth-5 localities that were not written
};

struct IngestSummary {
    std::size_t units = 0, settlements = 0, sub_localities = 0, features = 0;
    std::size_t settlements_with_geometry = 0, units_with_geometry = 0;
    JoinCounts points, boundaries, stats, categories;
};

// Runs the ingest and writes features to sink (finishing it). Progress and
// join reports go to log.
IngestSummary ingest(const IngestOptions& opts, FeatureSink& sink, Log& log, Progress& progress);

// One statistics value read from a table.
struct StatRecord {
    std::string kato;
    std::string field;  // e.g. pop_2023
    Value value;
    std::size_t line;
};
// Reads a long (kato,year,indicator,value) or wide (kato,pop_2019,...) table.
// Columns or indicators outside the data model are warned about and counted in ignored.
std::vector<StatRecord> read_stats_table(const std::string& path, Log& log, bool strict, std::size_t& ignored);
// The same from a table already open (text in memory, for instance).
class CsvReader;
std::vector<StatRecord> read_stats_table(CsvReader& csv, Log& log, bool strict, std::size_t& ignored);

}  // namespace atd
