#pragma once
// What atd-report reads of classified settlements, units, merger proposals
// and okrug areas: the parts of report.cpp that the maps share.
#include <atd/feature.hpp>
#include <atd/messages.hpp>
#include <atd/report.hpp>

#include <map>
#include <optional>
#include <set>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

namespace atd::report {

struct Settlement {
    std::string kato, name, category, oblast, district, proposal, rule, lacks, flow_source;
    std::string target, target_code;            // the target's name (else its code), and its code
    std::string status, options, decide_with;  // how firmly the data hold the proposal (METHODOLOGY §3.1)
    std::string settlement_class;               // support, satellite, other (METHODOLOGY §4)
    Messages reasons;                           // from proposal_messages
    std::string reasons_text;                   // proposal_reasons, for inputs without proposal_messages
    std::vector<std::pair<int, double>> pop;    // year, value
    Properties criteria;                        // the c1_* ... c8_* fields trim_settlement keeps
    Geometry geom;
};

struct Merger {
    std::string id, district, members, centre, centre_code, method;
    std::string status;                                   // decided, provisional or undetermined (atd-merge)
    std::map<std::string, Messages> reasons;              // trigger, note, status_reason, centre_reason
    std::map<std::string, std::string> reasons_text;      // the same, for inputs without reason_messages
    std::int64_t member_count = 1;
    bool changed = false;
    std::optional<bool> legal;  // null: not testable on known data
    std::optional<double> population, population_known_sum, max_km, self_sufficiency, stability;
    int number = 0;             // its number on the district's map and in its table (changed ones only)
    Geometry geom;
};

struct District {
    std::string kato, oblast;
    std::vector<std::size_t> settlements, mergers;
};

struct Model {
    Lang lang = Lang::en;
    std::vector<Settlement> settlements;
    std::vector<Merger> mergers;
    std::unordered_map<std::string, std::string> unit_names;  // in the report's language where the data has it
    std::unordered_map<std::string, std::string> settlement_names;
    std::unordered_map<std::string, Geometry> unit_geoms;
    std::vector<District> districts;  // oblasts in code order, districts in code order within them
    std::map<std::string, std::vector<std::pair<std::string, Geometry>>> areas;  // by district: units before merging
    bool modelled_flows = false, derived_areas = false;
    int first_year = 0, last_year = 0;  // of the population figures
    std::set<std::string> profiles;     // the standards profiles the proposals were made with
};

// all_details: every settlement's details, not only those of proposed changes (for comparisons).
Model read_model(const ReportOptions& opts, Lang lang, Log& log, bool all_details);

bool is_change(const Settlement& s);
// A settlement's outcome in summaries and comparisons: its proposal,
// not_assessed, or keep when no rule was run on it (an input atd-classify did not write).
std::string outcome_of(const Settlement& s);
// The oblast of a district's KATO code ("271035000" -> "270000000"); "" for another code.
std::string oblast_of_district(const std::string& district);
// The items of a list parted by sep, empty ones left out.
std::vector<std::string> split_list(std::string_view list, std::string_view sep);
// --format must be html, md or csv (a usage error otherwise).
void check_format(const ReportOptions& opts);
// The reasons of a settlement or one list of a merger's, in the report's language.
std::string reasons_of(const Settlement& s, Lang lang);
std::string reasons_of(const Merger& g, const std::string& list, Lang lang);
// "a;b" member codes, as atd-merge lists them.
std::vector<std::string> member_codes(const std::string& members);
// A unit's name, else its code.
std::string unit_name(const Model& m, const std::string& kato);
// A settlement's name, else a unit's, else the code: a city named by code.
std::string place_name(const Model& m, const std::string& code);
// "Name (code)", or the code alone.
std::string name_and_code(const Model& m, const std::string& kato);

// The colour of a proposal on maps and in tables.
const char* colour_of(std::string_view proposal);

struct MapOutput {
    std::string svg;
    std::size_t points = 0, polygons = 0;
};
// A district map: its outline, proposed okrugs (or with before, the units
// before merging) and settlements, with legend and scale bar.
MapOutput district_map(const Model& m, const District& d, bool before = false);
// An oblast's overview: its outline, its districts named, the proposed
// okrugs that merge and the settlements with a proposal.
MapOutput oblast_map(const Model& m, const std::string& oblast);
// A population series as a small line.
std::string sparkline(const std::vector<std::pair<int, double>>& series, Lang lang);

std::string html_escape(std::string_view s);

}  // namespace atd::report
