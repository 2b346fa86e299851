// atd-report: a document in English, Russian or Kazakh: title block,
// contents, national and per-oblast summaries, the districts with their maps
// and tables, the data plan, a glossary and the sources.
#include "report_doc.hpp"
#include "report_model.hpp"

#include <atd/csv.hpp>
#include <atd/error.hpp>
#include <atd/memory.hpp>
#include <atd/model.hpp>
#include <atd/pipeline.hpp>
#include <atd/version.hpp>

#include <algorithm>
#include <array>
#include <cctype>
#include <cmath>
#include <filesystem>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <unordered_map>

namespace atd {

using namespace report;

namespace {

// ------------------------------------------------------------ criteria

// A criterion column: its result field, the value shown with it and the value's decimals.
struct CriterionColumn {
    const char* name;
    const char* value;
    const char* threshold;
    int digits;
};
const CriterionColumn kCriteria[] = {
    {"C1", "c1_pop", "c1_threshold", 0},     {"C2", "c2_net_int_per_1000", "c2_threshold", 1},
    {"C3", "c3_density", nullptr, 0},        {"C4", "c4_nearest_city_km", nullptr, 1},
    {"C5", "c5_agri_share", nullptr, 2},     {"C6", "c6_is_centre", nullptr, 0},
    {"C7", "c7_index", "c7_threshold", 2},   {"C8", "c8_support", "c8_threshold", 2},
};

// A field's value in the report's words: numbers per language, booleans as yes or no.
std::string value_text(const Value& v, Lang lang, int digits) {
    if (const bool* b = std::get_if<bool>(&v)) return value_word(lang, *b ? "true" : "false");
    if (auto n = as_number(v)) return format_trimmed(*n, lang, digits);
    return value_word(lang, as_text(v));
}

// A criterion's cell: its mark and value; modelled: it rests on modelled flows (C4, C6), marked m.
Cell criterion_cell(const Properties& c, const CriterionColumn& col, Lang lang, bool modelled) {
    std::string key = std::string(col.name);
    key[0] = 'c';
    auto found = c.get_string(key + "_result");
    if (!found) return {};
    const std::string result = *found == "pass" || *found == "fail" ? *found : "no_data";  // a class of our own
    const char* mark = result == "pass" ? "✓" : result == "fail" ? "✗" : "–";
    std::string value, threshold;
    if (const Value* v = c.find(col.value); v && !is_null(*v)) value = value_text(*v, lang, col.digits);
    if (col.threshold)
        if (const Value* t = c.find(col.threshold); t && !is_null(*t)) threshold = value_text(*t, lang, col.digits);
    bool flows = modelled && (std::string_view(col.name) == "C4" || std::string_view(col.name) == "C6");
    Cell out{std::string(mark) + (value.empty() ? "" : " " + value) + (flows ? " (m)" : ""), {}};
    std::string title = text_of(lang, "criterion." + std::string(col.name)) + ": " + value +
                        (threshold.empty() ? "" : " / " + threshold) + " (" + value_word(lang, result) + ")";
    out.html = "<span class=\"" + result + "\" title=\"" + html_escape(title) + "\">" + mark +
               (value.empty() ? "" : "<small> " + html_escape(value) + "</small>") + (flows ? "<sup>m</sup>" : "") + "</span>";
    return out;
}

// ------------------------------------------------------------ words

// A field a proposal lacks, in words: "pop_2021" is "population 2021".
std::string field_words(std::string_view code, Lang lang) {
    if (code.size() == 8 && code.substr(0, 4) == "pop_" &&
        std::all_of(code.begin() + 4, code.end(), [](char c) { return c >= '0' && c <= '9'; }))
        return fill("field.pop_year", Message{"", {}}.arg("year", std::string(code.substr(4))), lang);
    std::string key = "field." + std::string(code);
    return has_text(lang, key) ? text_of(lang, key) : std::string(code);
}

// "a,b:c" lists (lacks, decide_with, options) with a space after each comma;
// with m, outcome codes as words and their targets by name; with fields, fields in words.
std::string list_text(std::string_view list, Lang lang, const Model* m = nullptr, bool fields = false) {
    std::string out;
    for (const std::string& item : split_list(list, ",")) {
        std::string text = fields ? field_words(item, lang) : item;
        if (m) {
            auto colon = item.find(':');
            text = value_word(lang, item.substr(0, colon)) +
                   (colon == std::string::npos ? "" : " → " + place_name(*m, item.substr(colon + 1)));
        }
        out += (out.empty() ? "" : ", ") + text;
    }
    return out;
}

// A settlement's proposal in words: "aul (village) → Target", with its status when not decided.
std::string proposal_words(const Settlement& s, Lang lang) {
    return value_word(lang, s.proposal.empty() ? "not_assessed" : s.proposal) + (s.target.empty() ? "" : " → " + s.target);
}

std::string status_words(const Model& m, const Settlement& s) {
    if (s.status.empty() || s.status == "decided") return {};
    return value_word(m.lang, s.status) + (s.options.empty() ? "" : ": " + list_text(s.options, m.lang, &m));
}

std::string latest_population(const Settlement& s, Lang lang) {
    return s.pop.empty() ? std::string() : format_number(s.pop.back().second, lang);
}

// Member codes as names where the input names them: "Aksu, 591035000".
std::string member_names(const Model& m, const std::string& members) {
    std::string out;
    for (const auto& code : member_codes(members)) out += (out.empty() ? "" : ", ") + unit_name(m, code);
    return out;
}

std::string merger_population(const Merger& g, Lang lang) {
    if (g.population) return format_number(*g.population, lang);
    return value_word(lang, "unknown") + (g.population_known_sum ? " (≥ " + format_number(*g.population_known_sum, lang) + ")" : "");
}

// A merger's note: its status when not decided (unless the status has a column of its own), why, and the note.
std::string merger_note(const Merger& g, Lang lang, bool with_status = true) {
    std::string out = !with_status || g.status.empty() || g.status == "decided" ? "" : value_word(lang, g.status);
    std::string why = reasons_of(g, "status_reason", lang), note = reasons_of(g, "note", lang);
    if (!why.empty()) out += (out.empty() ? "" : ": ") + why;
    if (!note.empty()) out += (out.empty() ? "" : "; ") + note;
    return out;
}

// ------------------------------------------------------------ counts

bool shown(const Model& m, const District& d, bool all) {
    if (all) return true;
    for (std::size_t i : d.settlements)
        if (is_change(m.settlements[i])) return true;
    for (std::size_t g : d.mergers)
        if (m.mergers[g].changed) return true;
    return false;
}

constexpr std::string_view kOutcomes[] = {"keep", "city_district", "attach", "aul", "abolish", "not_assessed"};
constexpr std::string_view kStatuses[] = {"decided", "provisional", "undetermined"};

struct OblastCounts {
    std::size_t settlements = 0, units = 0, proposals = 0, merging = 0, support = 0, satellite = 0;
    std::map<std::string, std::size_t> outcomes, statuses;
};

std::map<std::string, OblastCounts> count_oblasts(const Model& m) {
    std::map<std::string, OblastCounts> out;
    for (const auto& s : m.settlements) {
        OblastCounts& c = out[s.oblast];
        ++c.settlements;
        ++c.outcomes[outcome_of(s)];
        if (is_change(s)) ++c.statuses[s.status.empty() ? "decided" : s.status];
        c.support += s.settlement_class == "support";
        c.satellite += s.settlement_class == "satellite";
    }
    for (const auto& d : m.districts)
        for (std::size_t gi : d.mergers) {
            OblastCounts& c = out[d.oblast];
            c.units += static_cast<std::size_t>(m.mergers[gi].member_count);
            ++c.proposals;
            c.merging += m.mergers[gi].changed;
        }
    return out;
}

// ------------------------------------------------------------ sections

void title_block(Doc& doc, const Model& m, const std::string& title, const ReportSummary& sum) {
    std::set<std::string> oblasts;
    for (const auto& d : m.districts) oblasts.insert(d.oblast);
    doc.open("header", "title-block");
    doc.heading(1, title);
    Message counts{"", {}};
    counts.arg("oblasts", static_cast<double>(oblasts.size()))
        .arg("districts", static_cast<double>(m.districts.size()))
        .arg("settlements", static_cast<double>(sum.settlements));
    doc.paragraph(doc.L("scope") + ": " + fill("scope_text", counts, doc.lang()));
    if (m.last_year)
        doc.paragraph(doc.L("population_data") + ": " + std::to_string(m.first_year) +
                      (m.first_year == m.last_year ? "" : "–" + std::to_string(m.last_year)));
    std::string profiles;
    for (const auto& p : m.profiles) profiles += (profiles.empty() ? "" : ", ") + p;
    doc.paragraph(doc.L("standards") + ": " + (profiles.empty() ? "" : doc.L("profile") + " " + profiles + "; ") +
                  doc.L("standards_text") + ".");
    if (m.modelled_flows) doc.note("C4, C6: " + doc.L("modelled") + ".");
    if (m.derived_areas) doc.note(doc.L("mergers") + ": " + doc.L("derived") + ".");
    doc.paragraph(doc.L("prepared_with") + ": atd " + kVersion);
    doc.close("header");
}

void contents(Doc& doc, const Model& m, bool all) {
    std::vector<Doc::Link> items = {{doc.L("national_summary"), "summary", 0}, {doc.L("by_oblast"), "oblasts", 0}};
    std::string oblast = "\x01";
    for (const auto& d : m.districts) {
        if (!shown(m, d, all)) continue;
        if (d.oblast != oblast) {
            oblast = d.oblast;
            items.push_back({d.oblast.empty() ? doc.L("unknown") : unit_name(m, d.oblast), "o-" + d.oblast, 0});
        }
        items.push_back({unit_name(m, d.kato), "d-" + d.kato, 1});
    }
    items.push_back({doc.L("data_plan_short"), "data-plan", 0});
    items.push_back({doc.L("glossary"), "glossary", 0});
    items.push_back({doc.L("sources"), "sources", 0});
    doc.open("nav", "contents", "contents");
    doc.heading(2, doc.L("contents"));
    doc.links(items);
    doc.close("nav");
}

void national_summary(Doc& doc, const Model& m, const ReportSummary& sum) {
    doc.open("section", "summary", "summary");
    doc.heading(2, doc.L("national_summary"));
    // Category by outcome.
    std::map<std::string, std::map<std::string, std::size_t>> by_category;
    std::map<std::string, std::map<std::string, std::size_t>> by_status;
    for (const auto& s : m.settlements) {
        ++by_category[s.category][outcome_of(s)];
        if (is_change(s)) ++by_status[s.proposal][s.status.empty() ? "decided" : s.status];
    }
    Table cat{"summary-categories", {{doc.L("category"), false}}, {}};
    for (auto o : kOutcomes) cat.columns.push_back({value_word(doc.lang(), o), true});
    cat.columns.push_back({doc.L("total"), true});
    std::vector<std::string> categories(std::begin(kCategories), std::end(kCategories));
    for (const auto& [c, row] : by_category)
        if (std::find(categories.begin(), categories.end(), c) == categories.end()) categories.push_back(c);
    for (const auto& c : categories) {
        auto it = by_category.find(c);
        if (it == by_category.end()) continue;
        std::vector<Cell> row = {{c.empty() ? value_word(doc.lang(), "unknown") : value_word(doc.lang(), c), {}}};
        std::size_t total = 0;
        for (auto o : kOutcomes) {
            std::size_t n = it->second.count(std::string(o)) ? it->second.at(std::string(o)) : 0;
            total += n;
            row.push_back({n ? doc.num(static_cast<double>(n)) : "", {}});
        }
        row.push_back({doc.num(static_cast<double>(total)), {}});
        cat.rows.push_back(std::move(row));
    }
    doc.heading(3, doc.L("by_category"));
    doc.table(cat);
    if (!by_status.empty()) {
        Table st{"summary-statuses", {{doc.L("proposal"), false}}, {}};
        for (auto s : kStatuses) st.columns.push_back({value_word(doc.lang(), s), true});
        for (auto o : kOutcomes) {
            auto it = by_status.find(std::string(o));
            if (it == by_status.end()) continue;
            std::vector<Cell> row = {Doc::swatch(value_word(doc.lang(), o), colour_of(o))};
            for (auto s : kStatuses) {
                auto n = it->second.count(std::string(s)) ? it->second.at(std::string(s)) : 0;
                row.push_back({n ? doc.num(static_cast<double>(n)) : "", {}});
            }
            st.rows.push_back(std::move(row));
        }
        doc.heading(3, doc.L("by_status"));
        doc.table(st);
    }
    if (!m.mergers.empty())
        doc.paragraph(doc.L("okrugs") + ": " + doc.num(static_cast<double>(sum.units)) + " → " + doc.L("merger_proposals") +
                      ": " + doc.num(static_cast<double>(sum.merger_proposals)) + ", " +
                      doc.num(static_cast<double>(sum.merged)) + " " + doc.L("merging") + ".");
    doc.close("section");
}

void oblast_summary(Doc& doc, const Model& m, bool all) {
    auto counts = count_oblasts(m);
    Table t{"summary-oblasts", {{doc.L("oblast"), false}, {doc.L("settlements"), true}}, {}};
    constexpr std::string_view changes[] = {"city_district", "attach", "aul", "abolish"};
    for (auto o : changes) t.columns.push_back({value_word(doc.lang(), o), true});
    for (auto s : {"undetermined", "not_assessed"}) t.columns.push_back({value_word(doc.lang(), s), true});
    for (auto k : {"support_villages", "satellite_villages", "units_before", "okrugs_after"}) t.columns.push_back({doc.L(k), true});
    auto n = [&](std::size_t v) { return Cell{v ? doc.num(static_cast<double>(v)) : "", {}}; };
    auto at = [](const std::map<std::string, std::size_t>& c, std::string_view k) {
        auto it = c.find(std::string(k));
        return it == c.end() ? std::size_t{0} : it->second;
    };
    std::set<std::string> sections;  // the oblasts with a section to link to
    for (const auto& d : m.districts)
        if (shown(m, d, all)) sections.insert(d.oblast);
    for (const auto& [oblast, c] : counts) {
        std::string name = oblast.empty() ? doc.L("unknown") : unit_name(m, oblast);
        std::vector<Cell> row = {sections.count(oblast) ? Doc::link(name, "o-" + oblast) : Cell{name, {}}, n(c.settlements)};
        for (auto o : changes) row.push_back(n(at(c.outcomes, o)));
        row.push_back(n(at(c.statuses, "undetermined")));
        row.push_back(n(at(c.outcomes, "not_assessed")));
        row.push_back(n(c.support));
        row.push_back(n(c.satellite));
        row.push_back(n(c.units));
        row.push_back(n(c.proposals));
        t.rows.push_back(std::move(row));
    }
    doc.open("section", "oblasts", "oblasts");
    doc.heading(2, doc.L("by_oblast"));
    doc.table(t);
    doc.close("section");
}

// The data plan: per oblast and field, the undetermined and unassessed
// settlements whose decide_with lists it.
void data_plan(Doc& doc, const Model& m) {
    std::map<std::pair<std::string, std::string>, std::array<std::size_t, 2>> plan;
    for (const auto& s : m.settlements) {
        bool undetermined = s.status == "undetermined";
        if (!undetermined && s.status != "not_assessed") continue;
        for (const auto& field : split_list(s.decide_with, ",")) ++plan[{s.oblast, field}][undetermined ? 0 : 1];
    }
    doc.open("section", "data-plan", "data-plan");
    doc.heading(2, doc.L("data_plan"));
    if (plan.empty()) {
        doc.paragraph(doc.L("no_data_plan"));
    } else {
        Table t{"data-plan", {{doc.L("oblast"), false}, {doc.L("field"), false}, {value_word(doc.lang(), "undetermined"), true},
                              {value_word(doc.lang(), "not_assessed"), true}}, {}};
        for (const auto& [key, n] : plan)
            t.rows.push_back({{key.first.empty() ? doc.L("unknown") : unit_name(m, key.first), {}},
                              {field_words(key.second, doc.lang()) + " (" + key.second + ")", {}},
                              {doc.num(static_cast<double>(n[0])), {}}, {doc.num(static_cast<double>(n[1])), {}}});
        doc.table(t);
    }
    doc.close("section");
}

void status_table(Doc& doc, const Model& m, const District& d) {
    std::vector<std::size_t> changes;
    for (std::size_t i : d.settlements)
        if (is_change(m.settlements[i])) changes.push_back(i);
    doc.heading(4, doc.L("changes"));
    if (changes.empty()) {
        doc.paragraph(doc.L("no_changes"));
        return;
    }
    Lang lang = doc.lang();
    Table t{"proposals", {{doc.L("name"), false}, {doc.L("code"), false}, {doc.L("category"), false},
                          {doc.L("proposal"), false}, {doc.L("rule"), false}, {doc.L("population"), true}}, {}};
    for (const auto& c : kCriteria) t.columns.push_back({c.name, false});
    t.columns.push_back({doc.L("reasons"), false, true});
    t.columns.push_back({doc.L("lacks"), false, true});
    for (std::size_t i : changes) {
        const Settlement& s = m.settlements[i];
        std::string status = status_words(m, s);
        Cell proposal = Doc::swatch(proposal_words(s, lang), colour_of(s.proposal));
        if (!status.empty()) {
            proposal.text += " (" + status + ")";
            proposal.html += "<br><small>" + html_escape(status) + "</small>";
        }
        std::string pop = latest_population(s, lang);
        std::vector<Cell> row = {{s.name, {}}, {s.kato, {}}, {value_word(lang, s.category), {}}, proposal,
                                 {s.rule.substr(0, 2), "<span title=\"" + html_escape(value_word(lang, s.rule)) + "\">" +
                                                           html_escape(s.rule.substr(0, 2)) + "</span>"},
                                 {pop, html_escape(pop) + " " + sparkline(s.pop, lang)}};
        for (const auto& c : kCriteria) row.push_back(criterion_cell(s.criteria, c, lang, s.flow_source == "modelled"));
        row.push_back({reasons_of(s, lang), {}});
        row.push_back({list_text(s.lacks, lang, nullptr, true), {}});
        t.rows.push_back(std::move(row));
    }
    doc.table(t);
}

void merger_table(Doc& doc, const Model& m, const District& d) {
    std::vector<std::size_t> shown_mergers;
    for (std::size_t g : d.mergers)
        if (m.mergers[g].changed || !reasons_of(m.mergers[g], "note", doc.lang()).empty()) shown_mergers.push_back(g);
    if (shown_mergers.empty()) return;
    Lang lang = doc.lang();
    Table t{"mergers", {{doc.L("number"), true}, {doc.L("members"), false}, {doc.L("centre"), false},
                        {doc.L("population"), true}, {doc.L("max_km"), true}, {doc.L("budget"), true},
                        {doc.L("stability"), true}, {doc.L("trigger"), false, true}, {doc.L("note"), false, true}}, {}};
    auto opt = [&](const std::optional<double>& v, int digits) { return Cell{v ? doc.num(*v, digits) : "", {}}; };
    for (std::size_t gi : shown_mergers) {
        const Merger& g = m.mergers[gi];
        std::string number = g.changed ? std::to_string(g.number) : "–";
        std::string members = member_names(m, g.members);
        std::string centre_why = reasons_of(g, "centre_reason", lang);
        t.rows.push_back({{number, "<span title=\"" + html_escape(g.id) + "\">" + number + "</span>"},
                          {members, "<span title=\"" + html_escape(g.members) + "\">" + html_escape(members) + "</span>"},
                          {g.centre + (centre_why.empty() ? "" : " (" + centre_why + ")"),
                           html_escape(g.centre) + (centre_why.empty() ? "" : "<br><small>" + html_escape(centre_why) + "</small>")},
                          {merger_population(g, lang), {}}, opt(g.max_km, 1), opt(g.self_sufficiency, 3), opt(g.stability, 2),
                          {reasons_of(g, "trigger", lang), {}}, {merger_note(g, lang), {}}});
    }
    doc.heading(4, doc.L("mergers"));
    doc.table(t);
}

// ------------------------------------------------------------ glossary and sources

void glossary(Doc& doc) {
    Lang lang = doc.lang();
    std::vector<Doc::Term> terms;
    for (const auto& c : kCriteria)
        terms.push_back({std::string(c.name) + " " + text_of(lang, "criterion." + std::string(c.name)),
                         text_of(lang, "gloss." + std::string(c.name))});
    for (const char* r : {"R1_kent_city", "R2_kent_attach", "R3_kent_aul", "R4_aul_city", "R5_city_aul", "R6_aul_abolish"})
        terms.push_back({value_word(lang, r), text_of(lang, "gloss." + std::string(r).substr(0, 2))});
    for (const char* s : {"decided", "provisional", "undetermined", "not_assessed", "support", "satellite"})
        terms.push_back({value_word(lang, s), text_of(lang, "gloss." + std::string(s))});
    terms.push_back({"LAW, OFFICIAL, STD, PROPOSED", text_of(lang, "gloss.label")});
    terms.push_back({"[C]", text_of(lang, "source.C")});
    terms.push_back({"m", text_of(lang, "gloss.modelled")});
    terms.push_back({text_of(lang, "mergers"), text_of(lang, "gloss.mergers")});
    terms.push_back({"✓ ✗ –", text_of(lang, "criteria_key")});
    doc.open("section", "glossary", "glossary");
    doc.heading(2, doc.L("glossary"));
    doc.terms(terms);
    doc.close("section");
}

struct Source {
    const char* key;
    const char* url;
};
const Source kSources[] = {
    {"C", "https://adilet.zan.kz/rus/docs/U2100000639"},
    {"L1", "https://zakonpravo.kz/3-bap-eldi-mekenderdin-sanattary-qazaqstan-respublikasynyn-akimshilik-aumaqtyq-qurylysy-turaly-zany"},
    {"L4", "https://zakon.uchet.kz/kaz/history/Z060000184_/04.11.2006"},
    {"L5", "https://online.zakon.kz/Document/?doc_id=39221875"},
    {"L8", "https://adilet.zan.kz/rus/docs/V14U0002892/compare"},
    {"L9", "https://dala-info.com/zhizn/item/175951-112-sel-kazahstana-mogut-izmenit-svoy-status-na-gorodskoy"},
    {"L10", "https://rus.baq.kz/32-sela-pod-ugrozoy-v-akimate-vko-rasskazali-kak-budut-uprazdnyat-derevni_300025985/"},
    {"I1", "https://ec.europa.eu/eurostat/web/degree-of-urbanisation/methodology"},
    {"I2", "https://ec.europa.eu/eurostat/statistics-explained/index.php?title=Territorial_typologies_manual_-_cities,_commuting_zones_and_functional_urban_areas"},
    {"I3", "https://www.ons.gov.uk/employmentandlabourmarket/peopleinwork/employmentandemployeetypes/methodologies/traveltoworkareasmethodology"},
};

void sources(Doc& doc) {
    std::vector<Doc::Term> items;
    for (const auto& s : kSources)
        items.push_back({std::string("[") + s.key + "]", text_of(doc.lang(), "source." + std::string(s.key)), s.url});
    doc.open("section", "sources", "sources");
    doc.heading(2, doc.L("sources"));
    doc.terms(items);
    doc.close("section");
}

// ------------------------------------------------------------ districts

// The SVG maps of a Markdown report, kept until the report is whole and then
// written together: none replaces an existing file without overwrite, and
// unless commit() is called the files written and a directory made for them
// are removed again.
class MapFiles {
public:
    MapFiles(std::string dir, bool overwrite) : dir_(std::move(dir)), overwrite_(overwrite) {}
    MapFiles(const MapFiles&) = delete;
    MapFiles& operator=(const MapFiles&) = delete;
    ~MapFiles() {
        if (committed_) return;
        std::error_code ec;
        for (const auto& p : written_) std::filesystem::remove(p, ec);
        if (made_dir_) std::filesystem::remove(dir_, ec);
    }
    const std::string& dir() const { return dir_; }
    // Adds a map under its name, or with "-2", "-3" ... before the extension when two names meet; returns the path.
    std::filesystem::path add(std::filesystem::path path, std::string text) {
        std::filesystem::path unique = path;
        for (int k = 2; !names_.insert(unique.string()).second; ++k)
            unique = path.parent_path() / (path.stem().string() + "-" + std::to_string(k) + path.extension().string());
        maps_.emplace_back(unique, std::move(text));
        return unique;
    }
    // Checks every path first, then writes each map.
    void write() {
        if (maps_.empty()) return;
        if (!overwrite_)
            for (const auto& [path, text] : maps_)
                if (std::filesystem::exists(std::filesystem::symlink_status(path)))
                    throw UsageError(path.string() + " exists (--overwrite replaces the report's maps)");
        made_dir_ = std::filesystem::create_directories(dir_);
        for (const auto& [path, text] : maps_) {
            OutputFile svg(path.string(), overwrite_);
            if (std::fputs(text.c_str(), svg.stream()) < 0) throw DataError(path.string() + ": cannot write");
            svg.commit();
            written_.push_back(path);
        }
    }
    void commit() { committed_ = true; }

private:
    std::string dir_;
    bool overwrite_;
    std::vector<std::pair<std::filesystem::path, std::string>> maps_;
    std::vector<std::filesystem::path> written_;
    std::set<std::string> names_;
    bool made_dir_ = false, committed_ = false;
};

// Where the Markdown report's maps go, and the link to one from the report.
struct MapPlace {
    std::string dir, output;
    MapFiles* files = nullptr;

    std::string add(std::string file, const std::string& svg) const {
        for (char& c : file)  // a code never leaves the maps directory
            if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '.') c = '_';
        auto path = files->add(std::filesystem::path(dir) / file, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n" + svg);
        auto base = output.empty() || output == "-" ? std::filesystem::current_path()
                                                    : std::filesystem::absolute(output).parent_path();
        return std::filesystem::absolute(path).lexically_relative(base).generic_string();
    }
};

// A district's maps, and for the first district of an oblast its overview.
struct MapSet {
    MapOutput after, before, overview;
};

void district_maps(Doc& doc, const District& d, MapSet& maps, const MapPlace& place) {
    if (maps.after.svg.empty()) {
        doc.note(doc.L("no_geometry"));
        return;
    }
    if (doc.html()) {
        if (maps.before.svg.empty()) doc.figure(maps.after.svg, "");
        else doc.figure_pair(maps.before.svg, doc.L("before"), maps.after.svg, doc.L("after"));
        return;
    }
    if (place.dir.empty()) {
        doc.note(doc.L("maps_need"));
        return;
    }
    if (!maps.before.svg.empty()) doc.image(place.add("district-" + d.kato + "-before.svg", maps.before.svg), doc.L("before"));
    doc.image(place.add("district-" + d.kato + ".svg", maps.after.svg), maps.before.svg.empty() ? doc.L("map") : doc.L("after"));
}

// The oblast's overview map, before its districts.
void oblast_overview(Doc& doc, const std::string& oblast, const MapOutput& map, const MapPlace& place) {
    if (map.svg.empty()) return;
    std::string caption = doc.L("overview");
    if (doc.html()) doc.figure(map.svg, caption);
    else if (!place.dir.empty()) doc.image(place.add("oblast-" + oblast + ".svg", map.svg), caption);
}

void district_section(Doc& doc, const Model& m, const District& d, MapSet& maps, const MapPlace& place) {
    doc.open("section", "district", "d-" + d.kato);
    doc.heading(3, doc.L("district") + ": " + name_and_code(m, d.kato));
    district_maps(doc, d, maps, place);
    status_table(doc, m, d);
    merger_table(doc, m, d);
    doc.close("section");
}

void write_districts(Doc& doc, const Model& m, bool all, const MapPlace& place, ReportSummary& sum,
                     const std::function<void()>& flush) {
    std::string oblast = "\x01";
    // Maps are drawn a window of districts at a time, on all threads.
    std::vector<bool> opens(m.districts.size(), false);  // the first district shown of its oblast
    std::string last = "\x01";
    for (std::size_t di = 0; di < m.districts.size(); ++di)
        if (shown(m, m.districts[di], all) && m.districts[di].oblast != last) {
            opens[di] = true;
            last = m.districts[di].oblast;
        }
    auto draw = [&](std::size_t di, MapSet& maps) {
        const District& d = m.districts[di];
        if (!shown(m, d, all)) return;
        maps.after = district_map(m, d);
        if (!d.mergers.empty()) maps.before = district_map(m, d, true);
        if (opens[di]) maps.overview = oblast_map(m, d.oblast);
    };
    ordered_windows<MapSet>(m.districts.size(), 64, default_threads(), draw, [&](std::size_t di, MapSet& maps) {
        const District& d = m.districts[di];
        if (!shown(m, d, all)) return;
        ++sum.districts;
        if (d.oblast != oblast) {
            if (oblast != "\x01") doc.close("section");
            oblast = d.oblast;
            doc.open("section", "oblast", "o-" + d.oblast);
            doc.heading(2, doc.L("oblast") + ": " + (d.oblast.empty() ? doc.L("unknown") : name_and_code(m, d.oblast)));
            oblast_overview(doc, d.oblast, maps.overview, place);
        }
        sum.maps += !maps.after.svg.empty();
        district_section(doc, m, d, maps, place);
        flush();
    });
    if (oblast != "\x01") doc.close("section");
}

// ------------------------------------------------------------ CSV

std::string report_csv(const Model& m, const ReportOptions& opts, Lang lang) {
    auto cell = [&](std::string_view v) { return csv_cell(v, !opts.csv_raw); };
    static const char* kColumns[] = {"kind", "oblast", "district", "id", "name", "from", "to", "status", "options",
                                     "decide_with", "rule", "reasons", "lacks", "population", "members", "centre",
                                     "max_distance_km", "self_sufficiency", "stability", "note"};
    std::string doc;
    for (const char* c : kColumns) doc += (doc.empty() ? "" : ",") + cell(opts.csv_labels ? text_of(lang, "csv." + std::string(c)) : c);
    doc += "\n";
    auto opt = [](const std::optional<double>& v, int digits) { return v ? fixed_text(*v, digits) : std::string(); };
    for (const auto& d : m.districts) {
        for (std::size_t i : d.settlements) {
            const Settlement& s = m.settlements[i];
            if (!is_change(s)) continue;
            std::string pop = s.pop.empty() ? std::string() : fixed_text(s.pop.back().second, 0);
            doc += "status," + cell(s.oblast) + "," + cell(s.district) + "," + cell(s.kato) + "," + cell(s.name) + "," +
                   cell(s.category) + "," + cell(s.proposal + (s.target.empty() ? "" : ":" + s.target)) + "," +
                   cell(s.status) + "," + cell(s.options) + "," + cell(s.decide_with) + "," + cell(s.rule) + "," +
                   cell(reasons_of(s, lang)) + "," + cell(s.lacks) + "," + pop + ",,,,,,\n";
        }
        for (std::size_t gi : d.mergers) {
            const Merger& g = m.mergers[gi];
            if (!g.changed && reasons_of(g, "note", lang).empty()) continue;
            // reasons: why it merges; note: why it is not decided and why it still falls short.
            doc += "merger," + cell(d.oblast) + "," + cell(g.district) + "," + cell(g.id) + "," + cell(g.centre) + "," +
                   cell(member_names(m, g.members)) + "," + (g.changed ? "merge" : "keep") + "," + cell(g.status) +
                   ",,,," + cell(reasons_of(g, "trigger", lang)) + ",," + opt(g.population, 0) + "," + cell(g.members) +
                   "," + cell(g.centre) + "," + opt(g.max_km, 1) + "," + opt(g.self_sufficiency, 3) + "," +
                   opt(g.stability, 2) + "," + cell(merger_note(g, lang, false)) + "\n";
        }
    }
    return doc;
}

ReportSummary count_report(const Model& m) {
    ReportSummary sum;
    sum.settlements = m.settlements.size();
    for (const auto& s : m.settlements) sum.changes += is_change(s);
    sum.merger_proposals = m.mergers.size();
    for (const auto& g : m.mergers) {
        sum.units += static_cast<std::size_t>(g.member_count);
        sum.merged += g.changed;
    }
    return sum;
}

std::string maps_dir_of(const ReportOptions& opts) {
    if (!opts.maps_dir.empty() || opts.output.empty() || opts.output == "-") return opts.maps_dir;
    std::filesystem::path p(opts.output);
    return (p.parent_path() / (p.stem().string() + "-maps")).string();
}

}  // namespace

std::string report_label(std::string_view lang, std::string_view key) { return text_of(parse_lang(lang), key); }

ReportSummary write_report(const ReportOptions& opts, Log& log) {
    check_format(opts);
    Lang lang = parse_lang(opts.lang);
    Model m = read_model(opts, lang, log, false);
    Doing doing("writing the report");
    ReportSummary sum = count_report(m);
    OutputFile out(opts.output == "-" ? "" : opts.output, opts.overwrite);
    auto emit = [&](const std::string& text) {  // the document goes out as it is written
        if (std::fwrite(text.data(), 1, text.size(), out.stream()) != text.size())
            throw DataError(out.display_name() + ": cannot write");
        sum.bytes += text.size();
    };
    if (opts.format == "csv") {
        emit(report_csv(m, opts, lang));
        out.commit();
        return sum;
    }
    std::string title = opts.title.empty() ? text_of(lang, "title") : opts.title;
    MapFiles map_files(opts.format == "md" ? maps_dir_of(opts) : "", opts.overwrite);
    MapPlace place{map_files.dir(), opts.output, &map_files};
    Doc doc(opts.format == "html", lang);
    doc.begin(title);
    title_block(doc, m, title, sum);
    if (m.settlements.empty() && m.mergers.empty()) {
        doc.note(doc.L("empty"));
    } else {
        contents(doc, m, opts.all_districts);
        national_summary(doc, m, sum);
        oblast_summary(doc, m, opts.all_districts);
        write_districts(doc, m, opts.all_districts, place, sum, [&] { emit(doc.take()); });
        data_plan(doc, m);
        glossary(doc);
        sources(doc);
    }
    doc.end();
    emit(doc.take());
    map_files.write();
    out.commit();
    map_files.commit();
    return sum;
}

}  // namespace atd
