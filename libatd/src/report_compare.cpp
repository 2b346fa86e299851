// atd-report --compare: what changed between two runs, year over year, with
// each settlement's population and status before and now.
#include "report_doc.hpp"
#include "report_model.hpp"

#include <atd/csv.hpp>
#include <atd/error.hpp>
#include <atd/memory.hpp>

#include <algorithm>
#include <map>
#include <set>
#include <unordered_map>

namespace atd {

using namespace report;

namespace {

// One change: codes for CSV, words in the document.
struct Row {
    std::string kind, change;  // status, criteria, merger; new, withdrawn, changed, criteria_moved
    std::string oblast, district, id, name;
    std::optional<double> pop_before, pop_now;
    const Settlement *before = nullptr, *now = nullptr;
    std::string old_members, new_members;  // mergers
    std::string detail;
};

// "attach:271010100 (provisional)": codes, as atd-classify writes them.
std::string proposal_code(const Settlement* s) {
    if (!s) return "-";
    std::string p = outcome_of(*s);
    return (s->target_code.empty() ? p : p + ":" + s->target_code) +
           (s->status.empty() || s->status == "decided" ? "" : " (" + s->status + ")");
}

std::string proposal_text(const Settlement* s, Lang lang) {
    if (!s) return "–";
    std::string p = value_word(lang, outcome_of(*s));
    return (s->target.empty() ? p : p + " → " + s->target) +
           (s->status.empty() || s->status == "decided" ? "" : " (" + value_word(lang, s->status) + ")");
}

std::optional<double> latest(const Settlement* s) {
    if (!s || s->pop.empty()) return std::nullopt;
    return s->pop.back().second;
}

// Criteria whose result moved: "C4 pass → fail; ...".
std::string criteria_moved(const Settlement& o, const Settlement& s, Lang lang, bool words) {
    std::string moved;
    for (int k = 1; k <= 8; ++k) {
        std::string key = "c" + std::to_string(k) + "_result";
        auto r0 = o.criteria.get_string(key), r1 = s.criteria.get_string(key);
        if (!r0 || !r1 || *r0 == *r1) continue;
        moved += (moved.empty() ? "" : "; ") + ("C" + std::to_string(k)) + " " + (words ? value_word(lang, *r0) : *r0) +
                 " → " + (words ? value_word(lang, *r1) : *r1);
    }
    return moved;
}

// words: results as words (a document), else as codes (CSV).
std::vector<Row> settlement_rows(const Model& before, const Model& now, Lang lang, bool words, CompareSummary& sum) {
    std::vector<Row> rows;
    std::unordered_map<std::string, const Settlement*> old_by_code;
    for (const auto& s : before.settlements) old_by_code[s.kato] = &s;
    std::set<std::string> seen;
    auto row = [&](const char* kind, const char* change, const Settlement* o, const Settlement* s, std::string detail) {
        const Settlement& any = s ? *s : *o;
        rows.push_back({kind, change, any.oblast, any.district, any.kato, any.name, latest(o), latest(s), o, s, {}, {},
                        std::move(detail)});
    };
    for (const auto& s : now.settlements) {
        seen.insert(s.kato);
        auto it = old_by_code.find(s.kato);
        const Settlement* o = it == old_by_code.end() ? nullptr : it->second;
        bool was = o && is_change(*o), is = is_change(s);
        if (is && !was) row("status", "new", o, &s, reasons_of(s, lang)), ++sum.new_proposals;
        else if (was && !is) row("status", "withdrawn", o, &s, reasons_of(s, lang)), ++sum.withdrawn;
        else if (was && is && proposal_code(o) != proposal_code(&s)) row("status", "changed", o, &s, reasons_of(s, lang)), ++sum.changed;
        if (!o) continue;
        if (std::string moved = criteria_moved(*o, s, lang, words); !moved.empty()) {
            row("criteria", "criteria_moved", o, &s, moved);
            ++sum.criteria_moved;
        }
    }
    for (const auto& o : before.settlements)
        if (!seen.count(o.kato) && is_change(o)) row("status", "withdrawn", &o, nullptr, ""), ++sum.withdrawn;
    return rows;
}

// Changed mergers by their members as a sorted set.
std::map<std::string, const Merger*> merger_sets(const Model& m) {
    std::map<std::string, const Merger*> out;
    for (const auto& g : m.mergers) {
        if (!g.changed) continue;
        std::vector<std::string> codes = member_codes(g.members);
        std::sort(codes.begin(), codes.end());
        std::string key;
        for (const auto& c : codes) key += (key.empty() ? "" : ";") + c;
        out[key] = &g;
    }
    return out;
}

void merger_rows(const Model& before, const Model& now, Lang lang, CompareSummary& sum, std::vector<Row>& rows) {
    auto old_sets = merger_sets(before), new_sets = merger_sets(now);
    for (const auto& [members, g] : new_sets)
        if (!old_sets.count(members)) {
            rows.push_back({"merger", "new", oblast_of_district(g->district), g->district, g->id, g->centre, {}, g->population,
                            nullptr, nullptr, "", members, reasons_of(*g, "trigger", lang)});
            ++sum.new_mergers;
        }
    for (const auto& [members, g] : old_sets)
        if (!new_sets.count(members)) {
            rows.push_back({"merger", "withdrawn", oblast_of_district(g->district), g->district, g->id, g->centre, g->population, {},
                            nullptr, nullptr, members, "", reasons_of(*g, "trigger", lang)});
            ++sum.dropped_mergers;
        }
}

std::string csv_population(const std::optional<double>& v) { return v ? fixed_text(*v, 0) : std::string(); }

std::string comparison_csv(const std::vector<Row>& rows, const ReportOptions& opts, Lang lang) {
    auto cell = [&](std::string_view v) { return csv_cell(v, !opts.csv_raw); };
    static const char* kColumns[] = {"kind", "change", "oblast", "district", "id", "name", "population_before",
                                     "population_now", "before", "now", "detail"};
    std::string doc;
    for (const char* c : kColumns)
        doc += (doc.empty() ? "" : ",") + cell(opts.csv_labels ? text_of(lang, "csv." + std::string(c)) : c);
    doc += "\n";
    for (const auto& r : rows) {
        bool merger = r.kind == "merger";
        doc += cell(r.kind) + "," + cell(r.change) + "," + cell(r.oblast) + "," + cell(r.district) + "," + cell(r.id) + "," +
               cell(r.name) + "," + csv_population(r.pop_before) + "," + csv_population(r.pop_now) + "," +
               cell(merger ? (r.old_members.empty() ? "-" : r.old_members) : proposal_code(r.before)) + "," +
               cell(merger ? (r.new_members.empty() ? "-" : r.new_members) : proposal_code(r.now)) + "," + cell(r.detail) + "\n";
    }
    return doc;
}

void comparison_doc(Doc& doc, const std::vector<Row>& rows, const CompareSummary& sum, const Model& now,
                    const std::string& title) {
    Lang lang = doc.lang();
    doc.begin(title);
    doc.heading(1, title);
    auto change = [&](const std::string& code) { return doc.L(code); };
    Table counts{"counts", {{doc.L("change"), false}, {doc.L("count"), true}}, {}};
    std::vector<std::pair<std::string, std::size_t>> c = {
        {doc.L("new") + " (" + doc.L("changes") + ")", sum.new_proposals}, {doc.L("withdrawn"), sum.withdrawn},
        {doc.L("changed"), sum.changed}, {doc.L("criteria_moved"), sum.criteria_moved},
        {doc.L("new") + " (" + doc.L("mergers") + ")", sum.new_mergers},
        {doc.L("withdrawn") + " (" + doc.L("mergers") + ")", sum.dropped_mergers}};
    for (const auto& [k, n] : c) counts.rows.push_back({{k, {}}, {doc.num(static_cast<double>(n)), {}}});
    doc.table(counts);
    if (rows.empty()) {
        doc.paragraph(doc.L("no_difference"));
        doc.end();
        return;
    }
    Table t{"changes", {{doc.L("change"), false}, {doc.L("oblast"), false}, {doc.L("district"), false}, {doc.L("code"), false},
                        {doc.L("name"), false}, {doc.L("population_before"), true}, {doc.L("population_now"), true},
                        {doc.L("old"), false}, {doc.L("now"), false}, {doc.L("reasons"), false, true}}, {}};
    auto pop = [&](const std::optional<double>& v) { return Cell{v ? doc.num(*v) : "", {}}; };
    for (const auto& r : rows) {
        bool merger = r.kind == "merger";
        t.rows.push_back({{change(r.change), {}}, {r.oblast.empty() ? "" : unit_name(now, r.oblast), {}},
                          {r.district.empty() ? "" : unit_name(now, r.district), {}}, {r.id, {}}, {r.name, {}},
                          pop(r.pop_before), pop(r.pop_now),
                          {merger ? (r.old_members.empty() ? "–" : r.old_members) : proposal_text(r.before, lang), {}},
                          {merger ? (r.new_members.empty() ? "–" : r.new_members) : proposal_text(r.now, lang), {}},
                          {r.detail, {}}});
    }
    doc.table(t);
    doc.end();
}

}  // namespace

CompareSummary write_comparison(const ReportOptions& opts, const std::vector<std::string>& new_inputs, Log& log) {
    check_format(opts);
    Lang lang = parse_lang(opts.lang);
    ReportOptions new_opts = opts;
    new_opts.inputs = new_inputs;
    Model before = read_model(opts, lang, log, true), now = read_model(new_opts, lang, log, true);
    Doing doing("comparing the runs");
    CompareSummary sum;
    std::vector<Row> rows = settlement_rows(before, now, lang, opts.format != "csv", sum);
    merger_rows(before, now, lang, sum, rows);
    for (const auto& d : before.districts)  // names of districts and oblasts the new run lacks
        for (const std::string* k : {&d.kato, &d.oblast})
            if (!now.unit_names.count(*k) && before.unit_names.count(*k)) now.unit_names[*k] = before.unit_names.at(*k);
    std::string doc;
    if (opts.format == "csv") {
        doc = comparison_csv(rows, opts, lang);
    } else {
        Doc d(opts.format == "html", lang);
        comparison_doc(d, rows, sum, now, opts.title.empty() ? text_of(lang, "compare_title") : opts.title);
        doc = d.take();
    }
    OutputFile out(opts.output == "-" ? "" : opts.output, opts.overwrite);
    if (std::fwrite(doc.data(), 1, doc.size(), out.stream()) != doc.size()) throw DataError(out.display_name() + ": cannot write");
    out.commit();
    return sum;
}

}  // namespace atd
