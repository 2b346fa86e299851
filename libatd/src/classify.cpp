#include <atd/classify.hpp>
#include <atd/csv.hpp>
#include <atd/error.hpp>
#include <atd/geo.hpp>
#include <atd/geojson.hpp>
#include <atd/model.hpp>
#include <atd/pipeline.hpp>
#include <atd/memory.hpp>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <memory>
#include <new>
#include <numeric>
#include <sstream>
#include <unordered_map>

#include <unistd.h>

namespace atd {

bool is_admin_centre(const std::optional<std::string>& v) {
    return v && (*v == "district" || *v == "okrug" || *v == "true" || *v == "yes" || *v == "1");
}

namespace {

// The sustained test's figures over the years of a window that are present.
struct WindowStat {
    std::optional<double> min, max;
    std::string_view basis;  // window, partial or level
    std::vector<int> missing;
    int first = 0, last = 0, years = 0;
};

WindowStat window_stat(const YearSeries& pop, int w) {
    WindowStat ws;
    if (pop.empty()) return ws;
    ws.last = pop.rbegin()->first;
    ws.first = ws.last - w + 1;
    double lo = 1e300, hi = -1e300;
    for (int y = ws.first; y <= ws.last; ++y) {
        auto it = pop.find(y);
        if (it == pop.end()) {
            ws.missing.push_back(y);
            continue;
        }
        lo = std::min(lo, it->second);
        hi = std::max(hi, it->second);
        ++ws.years;
    }
    ws.basis = ws.missing.empty() ? "window" : ws.years > 1 ? "partial" : "level";
    ws.min = lo;
    ws.max = hi;
    return ws;
}

// "C1 min population 2021-2023 = 12000 >= 10000", "C1 min population 2022-2023 (2 of 3 years) = 9761 ...",
// "C1 population 2023 (1 of 3 years) = 61221 ...": stat is min or max.
Message c1_message(std::string_view stat, const WindowStat& ws, double v, std::string op, double threshold) {
    int from = ws.last - ws.years + 1;
    std::string years = from == ws.last ? std::to_string(ws.last) : std::to_string(from) + "-" + std::to_string(ws.last);
    Message m{"c1_" + std::string(ws.years > 1 ? stat : "level") + (ws.basis == "window" ? "" : "_partial"), {}};
    m.arg("years", years);
    if (ws.basis != "window") m.arg("n", ws.years).arg("window", ws.last - ws.first + 1);
    m.arg("value", v).arg("op", std::move(op)).arg("threshold", threshold);
    return m;
}

std::string missing_text(const WindowStat& ws) {
    std::string out;
    for (int y : ws.missing) out += (out.empty() ? "" : ",") + std::string("pop_") + std::to_string(y);
    return out;
}

// A comma-separated list with each item once, in the order first seen.
std::string unique_items(const std::string& list) {
    std::string out;
    std::vector<std::string_view> seen;
    std::string_view rest = list;
    while (!rest.empty()) {
        auto comma = rest.find(',');
        std::string_view item = rest.substr(0, comma);
        rest = comma == std::string_view::npos ? std::string_view{} : rest.substr(comma + 1);
        if (item.empty() || std::find(seen.begin(), seen.end(), item) != seen.end()) continue;
        seen.push_back(item);
        out += (out.empty() ? "" : ",") + std::string(item);
    }
    return out;
}

void add_lack(std::string& lacks, const std::string& what) {
    if (what.empty()) return;
    if (!lacks.empty()) lacks += ",";
    lacks += what;
}

// A window large enough for every rule, over which population gaps are checked.
constexpr int kGapWindow = 10;

enum class Taken { Other, Settlement, Invalid };

// Reads a settlement feature into settlements. An invalid one gets why, and
// with skip_invalid is marked invalid=<why>.
Taken read_feature(Feature& f, bool skip_invalid, std::vector<SettlementData>& settlements, std::string& why,
                   UnitNames& units) {
    if (!is_settlement(f.props)) {
        units.take(f.props);
        return Taken::Other;
    }
    try {
        settlements.push_back(read_settlement(f, kGapWindow));
        return Taken::Settlement;
    } catch (const DataError& e) {
        why = e.what();
        if (skip_invalid) f.props.set("invalid", why);
        return Taken::Invalid;
    }
}

// The message for an invalid settlement at `where`: an error, or with
// skip_invalid a warning, counted.
void report_invalid(const std::string& where, const std::string& why, const RunOptions& opts, Log& log,
                    std::size_t& invalid) {
    std::string msg = where + " (" + why + ")";
    if (!opts.skip_invalid) throw DataError(msg);
    log.warn("invalid", msg + "; passed through marked invalid");
    ++invalid;
}

}  // namespace

Dataset read_dataset(std::vector<Feature>& features, const std::string& input_name, const RunOptions& opts,
                     Log& log) {
    Dataset d;
    d.features = &features;
    std::string why;
    for (std::size_t i = 0; i < features.size(); ++i) {
        Taken t = read_feature(features[i], opts.skip_invalid, d.settlements, why, d.units);
        if (t == Taken::Settlement) d.feature_of.push_back(i);
        if (t == Taken::Invalid)
            report_invalid(input_name + ": feature " + std::to_string(i + 1), why, opts, log, d.invalid);
    }
    return d;
}

bool UnitNames::take(const Properties& p) {
    auto type = p.get_string(field::feature_type);
    auto kind = p.get_string(field::unit_kind);
    auto kato = p.get_string(field::kato);
    if (!type || *type != kUnit || !kind || !kato) return false;
    if (*kind == "city_administration") city_administrations.insert(*kato);
    if (*kind == "oblast" || *kind == "city_republican")
        oblast_names[*kato] = p.get_string(field::name_ru).value_or("");
    return true;
}

void score_all(Dataset& d, const Standards& st) {
    Scorer scorer(st, d.settlements, d.units.city_administrations);
    for (std::size_t i = 0; i < d.settlements.size(); ++i) {
        Scores sc = scorer.score(d.settlements[i]);
        scorer.write(sc, (*d.features)[d.feature_of[i]].props);
    }
}

namespace {

// The rules of METHODOLOGY §3 for one settlement, given its scores, each
// test three-valued (§3.1). Abolished auls get their target in finish_proposals.

// One test of a rule: its value, what it found, the fields it lacks when
// unknown, and when it rests on weaker evidence than observed data, why
// (soft) and what would confirm it.
struct Test {
    Result result = Result::NoData;
    Messages text;
    std::string lacks, soft, confirm;
};

void join_to(std::string& out, const std::string& part, const char* sep = ",") {
    if (part.empty()) return;
    if (!out.empty()) out += sep;
    out += part;
}

// A rule as tested: the outcome it gives and its tests, in the order of the text.
struct RuleCheck {
    std::string_view rule, outcome;
    std::string target;
    std::vector<Test> tests;

    Result result() const {
        Result r = Result::Pass;
        for (const auto& t : tests) {
            if (t.result == Result::Fail) return Result::Fail;
            if (t.result == Result::NoData) r = Result::NoData;
        }
        return r;
    }
    // Why the result is provisional: a pass, by any soft test; a fail, only
    // when every failing test is soft (one certain fail decides it).
    const Test* firm_fail() const {
        for (const auto& t : tests)
            if (t.result == Result::Fail && t.soft.empty()) return &t;
        return nullptr;
    }
    void soft(std::string& why, std::string& confirm) const {
        Result r = result();
        if (r == Result::NoData || (r == Result::Fail && firm_fail())) return;
        for (const auto& t : tests)
            if (t.result == r) {
                join_to(why, t.soft, ", ");
                join_to(confirm, t.confirm);
            }
    }
    // The rule's outcome, then what each test found.
    void explain(Messages& out) const {
        out.push_back(Message{"rule", {}}.arg("rule", std::string(rule.substr(0, 2))).arg("result", std::string(result_name(result()))));
        for (const auto& t : tests) out.insert(out.end(), t.text.begin(), t.text.end());
    }
};

std::string option_text(const RuleCheck& r) {
    return std::string(r.outcome) + (r.target.empty() ? "" : ":" + r.target);
}

class RuleBook {
public:
    explicit RuleBook(const Standards& st)
        : st_(st),
          cd_(st.get("city_district.min_population")),
          aul_min_(st.get("aul.min_population")),
          min_index_(st.get("city_district.min_infrastructure_index")),
          min_support_(st.get("c8.min_support")),
          urban_share_(st.get("c5.urban_min_nonagri_share")),
          attach_share_(st.get("c4.attach_min_commuting_share")),
          rural_years_(static_cast<int>(st.get("windows.rural_years"))),
          up_years_(static_cast<int>(st.get("city_district.window_years"))),
          down_years_(static_cast<int>(st.get("aul.window_years"))),
          demotion_years_(static_cast<int>(st.get("city_district.demotion_window_years"))) {}
    void propose(const SettlementData& s, const Scores& sc, Proposal& p) const;

private:
    // A message citing the source of the standard `key`.
    Message cited(Message m, const char* key) const { return m.arg("cite", st_.cite(key)); }
    // Promotion: the minimum of the years present reaches the threshold.
    Test at_least(const WindowStat& ws, double threshold, const char* key) const;
    // Demotion: the maximum stays under (below, or with or_equal at most) the threshold.
    Test at_most(const WindowStat& ws, double threshold, bool or_equal, const char* key) const;
    Test infrastructure(const Scores& sc) const;
    Test urban_profile(const Scores& sc) const;
    Test urban_density(const Scores& sc) const;
    Test tied_to_city(const Scores& sc) const;
    std::vector<RuleCheck> rules_for(const SettlementData& s, const Scores& sc, WindowStat& ws) const;
    void screen_undated(const SettlementData& s, Proposal& p) const;

    const Standards& st_;
    double cd_, aul_min_, min_index_, min_support_, urban_share_, attach_share_;
    int rural_years_, up_years_, down_years_, demotion_years_;
};

// A pass on part of the window is provisional; a fail is not (the minimum
// can only fall, the maximum only rise, with the years missing).
void soften_partial(const WindowStat& ws, Test& t) {
    if (t.result != Result::Pass || ws.basis == "window") return;
    t.soft = "population of " + std::to_string(ws.years) + " of " + std::to_string(ws.last - ws.first + 1) + " years";
    t.confirm = missing_text(ws);
}

Test RuleBook::at_least(const WindowStat& ws, double threshold, const char* key) const {
    Test t;
    bool ok = *ws.min >= threshold;
    t.result = ok ? Result::Pass : Result::Fail;
    t.text = {cited(c1_message("min", ws, *ws.min, ok ? ">=" : "<", threshold), key)};
    soften_partial(ws, t);
    return t;
}

Test RuleBook::at_most(const WindowStat& ws, double threshold, bool or_equal, const char* key) const {
    Test t;
    bool ok = or_equal ? *ws.max <= threshold : *ws.max < threshold;
    t.result = ok ? Result::Pass : Result::Fail;
    t.text = {cited(c1_message("max", ws, *ws.max, ok ? (or_equal ? "<=" : "<") : (or_equal ? ">" : ">="), threshold), key)};
    soften_partial(ws, t);
    return t;
}

Test RuleBook::infrastructure(const Scores& sc) const {
    Test t;
    const Outcome& c7 = sc.c[6];
    t.result = c7.result;
    const char* key = "city_district.min_infrastructure_index";
    if (sc.infra_index)
        t.text = {cited(Message{"c7_index", {}}.arg("value", *sc.infra_index).arg("op", c7.result == Result::Pass ? ">=" : "<")
                            .arg("threshold", min_index_), key)};
    else if (c7.result == Result::Fail)
        t.text = {cited(Message{"c7_groups", {}}.arg("groups", sc.infra_groups.empty() ? std::string("none") : sc.infra_groups)
                            .arg("threshold", min_index_), key)};
    else
        t.text = {Message{"c7_unknown", {}}};
    if (c7.result == Result::NoData)
        for (const auto& l : c7.lacks) join_to(t.lacks, l);
    return t;
}

Test RuleBook::urban_profile(const Scores& sc) const {
    Test t;
    if (!sc.nonagri_share) {
        t.text = {Message{"c5_unknown", {}}};
        t.lacks = "emp_total,emp_agri";
        return t;
    }
    bool ok = sc.profile == "urban";
    t.result = ok ? Result::Pass : Result::Fail;
    t.text = {cited(Message{"c5_share", {}}.arg("value", *sc.nonagri_share).arg("op", ok ? ">=" : "<")
                        .arg("threshold", urban_share_), "c5.urban_min_nonagri_share")};
    return t;
}

Test RuleBook::urban_density(const Scores& sc) const {
    Test t;
    if (sc.degurba.empty()) {
        t.text = {Message{"c3_unknown", {}}};
        for (const auto& l : sc.c[2].lacks) join_to(t.lacks, l);
        return t;
    }
    bool ok = sc.degurba == "urban_centre" || sc.degurba == "urban_cluster";
    t.result = ok ? Result::Pass : Result::Fail;
    t.text = {cited(Message{ok ? "c3_class" : "c3_not_urban", {}}.arg("degurba", sc.degurba), "c3.urban_cluster_density")};
    return t;
}

Test RuleBook::tied_to_city(const Scores& sc) const {
    Test t;
    const Outcome& c4 = sc.c[3];
    const bool modelled = c4.provisional.find("modelled") != std::string::npos;
    t.result = sc.attach;
    if (!sc.c4_city) {
        t.text = {Message{"c4_no_city", {}}};
    } else {
        Message city{sc.contiguous == Result::Pass ? "c4_contiguous" : "c4_not_contiguous", {}};
        city.arg("city", *sc.c4_city).arg("basis", sc.c4_basis);
        if (sc.c4_city_km) city.arg("km", std::round(*sc.c4_city_km * 10) / 10);
        t.text = {std::move(city)};
        if (sc.commuting_share) {
            Message share = cited(Message{"c4_share", {}}.arg("value", *sc.commuting_share)
                                      .arg("op", *sc.commuting_share >= attach_share_ ? ">=" : "<")
                                      .arg("threshold", attach_share_), "c4.attach_min_commuting_share");
            if (modelled) share.arg("modelled", std::string("modelled"));
            t.text.push_back(std::move(share));
        } else if (sc.attach == Result::Fail && sc.contiguous == Result::Pass) {
            t.text.push_back(Message{"c4_share_below", {}}.arg("threshold", attach_share_));
        } else if (sc.contiguous != Result::Fail) {
            t.text.push_back(Message{"c4_share_unknown", {}});
        }
    }
    if (sc.attach == Result::NoData)
        for (const auto& l : c4.lacks) join_to(t.lacks, l);
    // A settlement no proxy ties to a city is not contiguous with one: that fail is firm.
    if (sc.attach != Result::NoData && !(sc.attach == Result::Fail && sc.contiguous == Result::Fail)) {
        t.soft = c4.provisional;
        if (sc.attach == Result::Pass && sc.c4_basis != "boundary") join_to(t.confirm, "boundaries");
        if (t.soft.find("modelled") != std::string::npos) join_to(t.confirm, "od_survey");
    }
    return t;
}

std::vector<RuleCheck> RuleBook::rules_for(const SettlementData& s, const Scores& sc, WindowStat& ws) const {
    std::vector<RuleCheck> rules;
    if (s.category == "kent") {
        ws = window_stat(s.pop, rural_years_);
        rules.push_back({"R1_kent_city", "city_district", {}, {at_least(ws, cd_, "city_district.min_population"), infrastructure(sc)}});
        rules.push_back({"R2_kent_attach", "attach", sc.c4_city.value_or(""),
                         {urban_profile(sc), urban_density(sc), tied_to_city(sc)}});
        rules.push_back({"R3_kent_aul", "aul", {}, {Test{Result::Pass, {Message{"kent_abolished", {}}}, {}, {}, {}}}});
    } else if (s.category == "aul") {
        ws = window_stat(s.pop, up_years_);
        rules.push_back({"R4_aul_city", "city_district", {}, {at_least(ws, cd_, "city_district.min_population"), infrastructure(sc)}});
        WindowStat down = window_stat(s.pop, down_years_);
        rules.push_back({"R6_aul_abolish", "abolish", {}, {at_most(down, aul_min_, true, "aul.min_population")}});
        if (rules.back().result() == Result::Pass) ws = down;
        rules.push_back({"keep", "keep", {}, {}});
    } else if (s.category == "city_district") {
        ws = window_stat(s.pop, demotion_years_);
        rules.push_back({"R5_city_aul", "aul", {}, {at_most(ws, cd_, false, "city_district.min_population")}});
        rules.push_back({"keep", "keep", {}, {}});
    } else {
        rules.push_back({"keep", "keep", {}, {}});
    }
    return rules;
}

// An undated population tag decides nothing (§3.1), but an aul tagged at or
// below the abolition threshold goes on a screening list, marked as such.
void RuleBook::screen_undated(const SettlementData& s, Proposal& p) const {
    static const Indicator* const pop_osm = find_indicator("pop_osm");
    auto tag = s.latest.find(pop_osm);
    if (s.category != "aul" || tag == s.latest.end() || tag->second > aul_min_) return;
    p.screening = "abolish";
    p.reasons.push_back(cited(Message{"screening_abolish", {}}.arg("value", tag->second).arg("op", "<=")
                                  .arg("threshold", aul_min_), "aul.min_population"));
}

void RuleBook::propose(const SettlementData& s, const Scores& sc, Proposal& p) const {
    if (sc.support) {
        bool supports = *sc.support > min_support_;
        if (sc.low_turnout) p.opinion = supports ? "supports (low turnout)" : "opposes (low turnout)";
        else p.opinion = supports ? "supports" : "opposes";
    }
    if (s.pop.empty()) {
        p.status = "not_assessed";
        p.proposal = {};
        p.rule = {};
        p.lacks = p.decide_with = "pop";
        p.reasons = {Message{"no_population", {}}};
        screen_undated(s, p);
        return;
    }
    WindowStat ws;
    std::vector<RuleCheck> rules = rules_for(s, sc, ws);
    // The outcomes still possible: every rule not failed, up to the first that passes.
    std::vector<const RuleCheck*> options;
    std::string soft, confirm, unknown_lacks;
    for (const auto& r : rules) {
        if (r.rule != "keep") r.explain(p.reasons);
        for (const auto& t : r.tests) join_to(p.lacks, t.lacks);
        Result res = r.result();
        if (res == Result::Fail) {
            r.soft(soft, confirm);
            continue;
        }
        options.push_back(&r);
        if (res == Result::Pass) break;
        for (const auto& t : r.tests) join_to(unknown_lacks, t.lacks);
    }
    const RuleCheck& lead = *options.front();
    p.proposal = lead.outcome;
    p.rule = lead.rule;
    p.target = lead.target;
    p.basis = ws.basis;
    p.years = ws.years;
    if (options.size() > 1)
        for (const auto* o : options) join_to(p.options, option_text(*o));
    if (lead.result() == Result::Pass) {
        lead.soft(soft, confirm);
        p.status = soft.empty() ? "decided" : "provisional";
        p.decide_with = confirm;
    } else {
        // Unknown: undetermined, unless the only other outcome is to keep the status.
        bool or_keep = std::all_of(options.begin() + 1, options.end(), [](const RuleCheck* o) { return o->outcome == "keep"; });
        p.status = or_keep ? "provisional" : "undetermined";
        p.decide_with = unknown_lacks;
        lead.soft(soft, confirm);
        for (const auto& t : lead.tests) join_to(p.decide_with, t.confirm);
    }
    p.lacks = unique_items(missing_text(ws) + "," + p.lacks);
    p.decide_with = unique_items(p.decide_with);
    if (p.proposal == "abolish" && !s.lon) add_lack(p.lacks, "geometry");
}

}  // namespace

bool changes_status(const Proposal& p) { return !p.proposal.empty() && p.proposal != "keep"; }

namespace {

// Abolished auls merge into the nearest settlement that is not abolished
// itself; targets named by code alone get that settlement's name.
void finish_proposals(const std::vector<SettlementData>& settlements, std::vector<Proposal>& out) {
    {
        // The settlements that stay make the index; the abolished ones query it.
        std::vector<double> lon, lat;
        std::vector<std::size_t> ids, abolished;
        std::vector<std::array<double, 2>> where;
        for (std::size_t i = 0; i < settlements.size(); ++i) {
            const auto& s = settlements[i];
            if (!s.lon) continue;
            if (out[i].proposal == "abolish") {
                abolished.push_back(i);
                where.push_back({*s.lon, *s.lat});
            } else {
                lon.push_back(*s.lon);
                lat.push_back(*s.lat);
                ids.push_back(i);
            }
        }
        PointIndex staying;
        staying.build(std::move(lon), std::move(lat), std::move(ids));
        auto nearest = staying.nearest_each(where);
        parallel_for(abolished.size(), default_threads(), [&](std::size_t from, std::size_t to) {
            for (std::size_t k = from; k < to; ++k) {
                Proposal& p = out[abolished[k]];
                if (const auto& n = nearest[k]) {
                    p.target = settlements[n->first].kato;
                    p.target_name = settlements[n->first].name;
                    p.reasons.push_back(Message{"merge_into_nearest", {}}.arg("km", std::round(n->second * 10) / 10));
                } else {
                    add_lack(p.lacks, "a settlement to merge into");
                }
            }
        });
    }
    // Targets named by code alone get the name of the first settlement with that code.
    std::unordered_map<std::string_view, std::size_t> by_kato;
    for (auto& p : out) {
        if (p.target.empty() || !p.target_name.empty()) continue;
        if (by_kato.empty())
            for (std::size_t i = settlements.size(); i-- > 0;) by_kato[settlements[i].kato] = i;
        if (auto it = by_kato.find(p.target); it != by_kato.end()) p.target_name = settlements[it->second].name;
    }
}

}  // namespace

std::vector<Proposal> propose(const std::vector<SettlementData>& settlements, const Standards& st,
                              const UnitNames& units) {
    Scorer scorer(st, settlements, units.city_administrations);
    RuleBook rules(st);
    std::vector<Proposal> out(settlements.size());
    parallel_for(settlements.size(), default_threads(), [&](std::size_t from, std::size_t to) {
        for (std::size_t i = from; i < to; ++i) rules.propose(settlements[i], scorer.score(settlements[i]), out[i]);
    });
    finish_proposals(settlements, out);
    return out;
}

namespace {

// Block scores of a rural settlement: demographic (population, growth),
// infrastructure (C7), economic (employment), geospatial (distance); and its
// population, -1 when unknown.
struct SupportBlocks {
    std::array<std::optional<double>, 4> raw;
    double pop = -1;
};

SupportBlocks support_blocks(const SettlementData& s, const Scores& sc) {
    static const Indicator* const pop_osm = find_indicator("pop_osm");
    static const Indicator* const emp_total = find_indicator("emp_total");
    SupportBlocks b;
    if (sc.pop) {
        b.pop = *sc.pop;
        b.raw[0] = std::log1p(*sc.pop);
    } else if (auto it = s.latest.find(pop_osm); it != s.latest.end()) {
        b.pop = it->second;
        b.raw[0] = std::log1p(it->second);
    }
    b.raw[1] = sc.infra_index;
    if (auto it = s.latest.find(emp_total); it != s.latest.end() && b.pop > 0) b.raw[2] = it->second / b.pop;
    if (sc.nearest_city_km) b.raw[3] = -*sc.nearest_city_km;
    return b;
}

// Support / satellite / other for rural settlements (METHODOLOGY §4), given
// the blocks of each rural settlement (rural: their indices, in order).
std::vector<SupportInfo> support_classes(const std::vector<SettlementData>& all, const std::vector<std::size_t>& rural,
                                         const std::vector<SupportBlocks>& blocks_of, const Standards& st,
                                         ClassifySummary& sum) {
    std::vector<SupportInfo> info(all.size());
    std::vector<double> score(rural.size(), 0.0);
    std::vector<int> n_blocks(rural.size(), 0);
    for (int b = 0; b < 4; ++b) {
        double n = 0, mean = 0, m2 = 0;
        for (const auto& bl : blocks_of)
            if (const auto& v = bl.raw[b]) {
                ++n;
                double delta = *v - mean;
                mean += delta / n;
                m2 += delta * (*v - mean);
            }
        double sd = n > 1 ? std::sqrt(m2 / (n - 1)) : 0.0;
        for (std::size_t r = 0; r < rural.size(); ++r)
            if (blocks_of[r].raw[b] && sd > 0) {
                score[r] += (*blocks_of[r].raw[b] - mean) / sd;
                ++n_blocks[r];
            }
    }
    for (std::size_t r = 0; r < rural.size(); ++r)
        if (n_blocks[r]) score[r] /= n_blocks[r];
    // Support: administrative centres, and the top quantile by score with enough residents.
    std::vector<std::size_t> order;
    for (std::size_t r = 0; r < rural.size(); ++r)
        if (n_blocks[r]) order.push_back(r);
    std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
        return score[a] > score[b] || (score[a] == score[b] && all[rural[a]].kato < all[rural[b]].kato);
    });
    auto top = static_cast<std::size_t>(std::ceil(st.get("support.top_quantile") * static_cast<double>(order.size())));
    std::vector<int> cls(rural.size(), 2);
    for (std::size_t k = 0; k < order.size() && k < top; ++k)
        if (blocks_of[order[k]].pop >= st.get("support.min_population")) cls[order[k]] = 0;
    for (std::size_t r = 0; r < rural.size(); ++r)
        if (is_admin_centre(all[rural[r]].admin_centre)) cls[r] = 0;
    // The support villages make the index; the other rural settlements query it.
    std::vector<double> lon, lat;
    std::vector<std::size_t> ids, others;
    std::vector<std::array<double, 2>> where;
    for (std::size_t r = 0; r < rural.size(); ++r) {
        const auto& s = all[rural[r]];
        if (!s.lon) continue;
        if (cls[r] == 0) {
            lon.push_back(*s.lon);
            lat.push_back(*s.lat);
            ids.push_back(rural[r]);
        } else {
            others.push_back(r);
            where.push_back({*s.lon, *s.lat});
        }
    }
    PointIndex supports;
    supports.build(std::move(lon), std::move(lat), std::move(ids));
    double radius = st.get("support.satellite_radius_km");
    auto nearest = supports.nearest_each(where);
    for (std::size_t k = 0; k < others.size(); ++k)
        if (const auto& n = nearest[k]; n && n->second <= radius) {
            std::size_t r = others[k];
            SupportInfo& si = info[rural[r]];
            cls[r] = 1;
            si.support = static_cast<std::int32_t>(n->first);
            si.km = static_cast<float>(n->second);
        }
    for (std::size_t r = 0; r < rural.size(); ++r) {
        SupportInfo& si = info[rural[r]];
        si.cls = static_cast<std::int8_t>(cls[r]);
        if (n_blocks[r]) si.score = static_cast<float>(score[r]);
        (cls[r] == 0 ? sum.support : cls[r] == 1 ? sum.satellite : sum.other)++;
        ++sum.rural;
        if (blocks_of[r].pop >= 0) {
            ++sum.rural_with_pop;
            sum.rural_pop_known += blocks_of[r].pop;
            if (cls[r] != 2) sum.cluster_pop += blocks_of[r].pop;
        }
    }
    return info;
}

std::vector<double> parse_list(const std::string& text, const std::string& key) {
    std::vector<double> out;
    std::stringstream ss(text);
    std::string item;
    while (std::getline(ss, item, ',')) {
        char* end = nullptr;
        double v = std::strtod(item.c_str(), &end);
        if (item.empty() || *end != '\0') throw UsageError("--vary " + key + ": '" + item + "' is not a number");
        out.push_back(v);
    }
    if (out.empty()) throw UsageError("--vary " + key + " needs a list of values");
    return out;
}

// Counts an undetermined or unassessed proposal in the data plan under each field it lacks.
void add_to_plan(const SettlementData& s, const Proposal& p, DataPlan& plan) {
    bool undetermined = p.status == "undetermined";
    if (!undetermined && p.status != "not_assessed") return;
    std::size_t n = std::count(p.decide_with.begin(), p.decide_with.end(), ',') + 1;
    std::string_view rest = p.decide_with;
    while (!rest.empty()) {
        auto comma = rest.find(',');
        DataPlanRow& row = plan[{s.oblast_kato, std::string(rest.substr(0, comma))}];
        ++(undetermined ? row.undetermined : row.not_assessed);
        if (n == 1) ++row.settles_alone;
        rest = comma == std::string_view::npos ? std::string_view{} : rest.substr(comma + 1);
    }
}

// The what-ifs of --vary, and the proposals counted by category and status.
void vary_and_count(const std::vector<SettlementData>& settlements, const Standards& st, const ClassifyOptions& opts,
                    const UnitNames& units, Classification& c) {
    c.varied = !opts.vary.empty();
    if (c.varied) c.whatif.resize(settlements.size());
    // What-if: rerun the rules for each value of each varied key.
    for (const auto& v : opts.vary) {
        auto eq = v.find('=');
        if (eq == std::string::npos) throw UsageError("--vary expects KEY=V1,V2,..., found '" + v + "'");
        std::string key = v.substr(0, eq);
        st.param(key);  // unknown keys are usage errors
        for (double value : parse_list(v.substr(eq + 1), key)) {
            Standards alt = st;
            alt.set(key, value);
            auto props = propose(settlements, alt, units);
            for (std::size_t i = 0; i < props.size(); ++i) {
                const Proposal& b = c.proposals[i];
                if (props[i].proposal == b.proposal && props[i].target == b.target) continue;
                c.whatif[i] += (c.whatif[i].empty() ? "" : "; ") + key + "=" + data_number(value) + ": " +
                               std::string(props[i].proposal) + (props[i].target.empty() ? "" : " " + props[i].target);
            }
        }
    }
    for (std::size_t i = 0; i < settlements.size(); ++i) {
        const Proposal& p = c.proposals[i];
        ++c.summary.by_category[settlements[i].category][std::string(p.status)][std::string(p.proposal)];
        add_to_plan(settlements[i], p, c.summary.plan);
    }
}

}  // namespace

Classification classify_settlements(const std::vector<SettlementData>& settlements, const Standards& st,
                                    const ClassifyOptions& opts, const UnitNames& units) {
    Classification c;
    // Each settlement is scored once, for its proposal and, when rural, its support blocks.
    std::vector<std::size_t> rural;
    std::vector<std::int32_t> rural_of(settlements.size(), -1);
    for (std::size_t i = 0; i < settlements.size(); ++i)
        if (!is_city(settlements[i].category)) {
            rural_of[i] = static_cast<std::int32_t>(rural.size());
            rural.push_back(i);
        }
    std::vector<SupportBlocks> blocks(rural.size());
    {
        Scorer scorer(st, settlements, units.city_administrations);
        RuleBook rules(st);
        c.proposals.resize(settlements.size());
        parallel_for(settlements.size(), default_threads(), [&](std::size_t from, std::size_t to) {
            for (std::size_t i = from; i < to; ++i) {
                Scores sc = scorer.score(settlements[i]);
                rules.propose(settlements[i], sc, c.proposals[i]);
                if (rural_of[i] >= 0) blocks[static_cast<std::size_t>(rural_of[i])] = support_blocks(settlements[i], sc);
            }
        });
    }
    // The support classes need only the blocks: they are found while the
    // proposals are finished, the what-ifs run and the proposals are counted.
    parallel_each(2, default_threads(), [&](std::size_t task) {
        if (task == 1) {
            c.classes = support_classes(settlements, rural, blocks, st, c.summary);
            return;
        }
        finish_proposals(settlements, c.proposals);
        vary_and_count(settlements, st, opts, units, c);
    });
    return c;
}

namespace {
template <class Fields>
void emit_classification(const Classification& c, const std::vector<SettlementData>& settlements, std::size_t i,
                         const Standards& st, Fields& props) {
    const Proposal& p = c.proposals[i];
    // Text, or null when empty; the long texts (reasons, lacks) go to JSON without a copy.
    auto text = [&props](const char* key, const std::string& s) {
        if (s.empty()) props.set(key, Value{});
        else props.set(key, s);
    };
    text("proposal", std::string(p.proposal));
    props.set("proposal_status", std::string(p.status));
    text("proposal_options", p.options);
    text("decide_with", p.decide_with);
    text("proposal_screening", std::string(p.screening));
    text("proposal_rule", std::string(p.rule));
    text("proposal_target", p.target);
    text("proposal_target_name", p.target_name);
    text("proposal_basis", std::string(p.basis));
    props.set("proposal_years", p.years ? Value{static_cast<std::int64_t>(p.years)} : Value{});
    text("proposal_reasons", render(p.reasons, Lang::en, Style::data));
    text("proposal_messages", p.reasons.empty() ? std::string() : encode_messages(p.reasons));
    text("proposal_lacks", p.lacks);
    props.set("proposal_opinion", std::string(p.opinion));
    props.set("proposal_profile", st.name());
    if (c.varied) {
        text("whatif", c.whatif[i]);
        props.set("whatif_stable", Value{c.whatif[i].empty()});
    }
    const SupportInfo& si = c.classes[i];
    if (si.cls >= 0) {
        static const char* names[] = {"support", "satellite", "other"};
        props.set("settlement_class", std::string(names[si.cls]));
        props.set("settlement_class_score", si.score ? Value{std::round(*si.score * 1e4) / 1e4} : Value{});
        if (si.cls == 1) {
            props.set("support_village", settlements[static_cast<std::size_t>(si.support)].kato);
            props.set("support_village_km", std::round(static_cast<double>(si.km) * 1000) / 1000);
        }
    }
}
}  // namespace

void annotate(const Classification& c, const std::vector<SettlementData>& settlements, std::size_t i,
              const Standards& st, Properties& out) {
    FieldList fields;
    fields.v.reserve(16);
    emit_classification(c, settlements, i, st, fields);
    out.set_all(std::move(fields.v));
}

void annotate_json(const Classification& c, const std::vector<SettlementData>& settlements, std::size_t i,
                   const Standards& st, std::string& out) {
    FieldJson fields{out};
    emit_classification(c, settlements, i, st, fields);
}

bool annotates_field(std::string_view key) {
    // Two letters rule out almost every other key (pop_..., synthetic) before a comparison.
    if (key.size() < 6) return false;
    switch (key[0] << 8 | key[1]) {
        case 'p' << 8 | 'r': return key.starts_with("proposal");
        case 'w' << 8 | 'h': return key.starts_with("whatif");
        case 's' << 8 | 'e': return key.starts_with("settlement_class");
        case 's' << 8 | 'u': return key.starts_with("support_village");
        case 'd' << 8 | 'e': return key == "decide_with";
        default: return false;
    }
}

ClassifySummary classify_all(Dataset& d, const Standards& st, const ClassifyOptions& opts) {
    Classification c = classify_settlements(d.settlements, st, opts, d.units);
    for (std::size_t i = 0; i < d.settlements.size(); ++i)
        annotate(c, d.settlements, i, st, (*d.features)[d.feature_of[i]].props);
    return c.summary;
}

namespace {

// A batch of process_stream: the features, what the first pass read of them,
// and the text the second pass writes.
struct StreamBatch : SourceBatch {
    std::vector<Taken> taken;              // first pass: what each feature is
    std::vector<SettlementData> read;      // the settlements, in order
    std::vector<std::string> errors;       // per feature: why it is invalid
    std::vector<std::uint32_t> splice_at, record_size;  // per feature: see process_stream
    std::string json;                      // the features as GeoJSON text
    std::vector<std::size_t> json_ends;
    std::vector<char> keep;                // second pass: written or left out
    std::string extra;
    UnitNames units;                       // first pass: what the batch's units say
};

constexpr std::uint32_t kNoSplice = UINT32_MAX;

}  // namespace

StreamSummary process_stream(const std::vector<std::string>& inputs, const ReadOptions& read, const Standards& st,
                             const StreamOptions& opts, FeatureSink& sink, Log& log) {
    StreamSummary sum;
    const std::size_t threads = default_threads();
    const bool again = rereadable(inputs);
    std::optional<FeatureSpill> spill;
    if (!again) spill.emplace();

    // First pass: the settlements, read and checked on the workers, taken in order.
    std::vector<SettlementData> settlements;
    std::vector<std::int32_t> settlement_of;  // per feature: settlement index, -1 other, -2 invalid
    std::unordered_map<std::size_t, std::string> invalid_reason;  // per invalid feature
    // Per feature: where its record's properties close, when the record is
    // exactly what atd writes and has none of the fields to add: the second
    // pass then inserts the fields there instead of parsing it again.
    std::vector<std::uint32_t> splice_at, record_size;
    const auto adds = [&](std::string_view key) {
        return key == "invalid" || (opts.classify ? annotates_field(key) : Scorer::writes_field(key));
    };
    {
        BatchReader reader(inputs, read, log);
        PipelineStages<StreamBatch> stages;
        stages.produce = std::ref(reader);
        stages.work = [&](StreamBatch& b) {
            std::size_t k = 0;
            try {
                b.source->parse(b.fb);
                b.taken.assign(b.fb.size(), Taken::Other);
                b.units = {};
                b.errors.resize(b.fb.size());
                b.read.clear();
                b.json.clear();
                b.splice_at.assign(b.fb.size(), kNoSplice);
                b.record_size.assign(b.fb.size(), 0);
                for (; k < b.fb.size(); ++k) {
                    Feature& f = b.fb.features[k];
                    b.taken[k] = read_feature(f, opts.run.skip_invalid, b.read, b.errors[k], b.units);
                    if (!spill && !b.fb.deferred) continue;
                    bool clash = false;
                    for (const auto& e : f.props.entries()) clash = clash || adds(e.first);
                    if (!spill) {
                        // The record is kept as it is when it reads back as itself.
                        std::string_view rec = b.fb.records.record(k);
                        b.record_size[k] = static_cast<std::uint32_t>(std::min<std::size_t>(rec.size(), kNoSplice));
                        if (clash) continue;
                        if (auto at = written_as(rec, f); at && *at < kNoSplice)
                            b.splice_at[k] = static_cast<std::uint32_t>(*at);
                        continue;
                    }
                    std::size_t from = b.json.size();
                    std::size_t at = append_feature_json(b.json, f) - from;
                    b.record_size[k] = static_cast<std::uint32_t>(std::min<std::size_t>(b.json.size() - from, kNoSplice));
                    b.json.push_back('\n');
                    if (!clash && at < kNoSplice) b.splice_at[k] = static_cast<std::uint32_t>(at);
                }
            } catch (const std::bad_alloc&) {
                throw out_of_memory_at(b, k);
            }
        };
        // Room for every settlement at once, from the first batch of records
        // and the inputs' size: a million of them are not moved as the vector grows.
        const std::uintmax_t bytes = input_bytes(inputs);
        bool reserved = bytes == 0;
        auto reserve = [&](const StreamBatch& b) {
            const auto& recs = b.fb.records;
            if (!b.fb.deferred || b.read.empty() || recs.size() != b.fb.size()) return;
            reserved = true;
            double batch_bytes = static_cast<double>(recs.stops.back() - recs.starts.front());
            double features = static_cast<double>(bytes) / std::max(1.0, batch_bytes) * static_cast<double>(recs.size());
            double share = static_cast<double>(b.read.size()) / static_cast<double>(recs.size());
            auto n = static_cast<std::size_t>(std::min(features * 1.05, static_cast<double>(bytes) / 64.0)) + 1024;
            auto n_settlements = static_cast<std::size_t>(static_cast<double>(n) * share) + 1024;
            // The first batch may not be like the rest (settlements first, then other
            // features): a guess beyond a quarter of the memory, or one the system
            // refuses, is dropped and the vectors grow as they go.
            const double memory = static_cast<double>(::sysconf(_SC_PHYS_PAGES)) * static_cast<double>(::sysconf(_SC_PAGESIZE));
            const double wanted = static_cast<double>(n_settlements) * sizeof(SettlementData) +
                                  static_cast<double>(n) * (sizeof(std::int32_t) + 2 * sizeof(std::uint32_t));
            if (memory > 0 && wanted > memory / 4) return;
            try {
                settlements.reserve(n_settlements);
                settlement_of.reserve(n);
                splice_at.reserve(n);
                record_size.reserve(n);
            } catch (const std::bad_alloc&) {
            }
        };
        stages.consume = [&](StreamBatch& b) {
            std::size_t k = 0;
            try {
                if (!reserved) reserve(b);
                std::size_t r = 0;
                for (k = 0; k < b.fb.size(); ++k) {
                    if (b.taken[k] == Taken::Settlement) {
                        settlement_of.push_back(static_cast<std::int32_t>(settlements.size()));
                        settlements.push_back(std::move(b.read[r++]));
                    } else if (b.taken[k] == Taken::Invalid) {
                        report_invalid(b.where(k), b.errors[k], opts.run, log, sum.invalid);
                        invalid_reason.emplace(settlement_of.size(), std::move(b.errors[k]));
                        settlement_of.push_back(-2);
                    } else {
                        settlement_of.push_back(-1);
                    }
                }
                sum.units.city_administrations.merge(b.units.city_administrations);
                sum.units.oblast_names.merge(b.units.oblast_names);
                splice_at.insert(splice_at.end(), b.splice_at.begin(), b.splice_at.end());
                record_size.insert(record_size.end(), b.record_size.begin(), b.record_size.end());
                if (spill) spill->write(b.json);
                finish_batch(b);
            } catch (const std::bad_alloc&) {
                throw out_of_memory_at(b, k);
            }
        };
        run_pipeline(stages, threads);
        sum.features = reader.count();
    }
    sum.settlements = settlements.size();
    Doing doing(opts.classify ? "classifying the settlements" : "scoring the settlements");
    std::optional<Scorer> scorer;
    if (!opts.classify) scorer.emplace(st, settlements, sum.units.city_administrations);
    Classification c;
    if (opts.classify) {
        c = classify_settlements(settlements, st, opts.classify_opts, sum.units);
        sum.classes = c.summary;
    }

    // Second pass: the features again, their fields added and written out on the workers.
    const bool as_json = sink.takes_json();
    const bool only_changes = opts.classify && opts.classify_opts.only_changes;
    // The temporary file is in lon/lat already; warnings were given on the first reading.
    Log again_log({}, Verbosity::Quiet);
    BatchReader reader(spill ? std::vector<std::string>{spill->finish()} : inputs, spill ? FeatureSpill::read_options() : read,
                       again_log);
    PipelineStages<StreamBatch> stages;
    stages.produce = [&](StreamBatch& b) {
        if (!reader(b)) return false;
        if (reader.count() > settlement_of.size())
            throw DataError(b.source->name() + ": the input changed while it was read");
        return true;
    };
    stages.work = [&](StreamBatch& b) {
        std::size_t k = 0;
        try {
            const bool splice = as_json && b.fb.deferred;
            if (!splice) b.source->parse(b.fb);
            b.keep.assign(b.fb.size(), 1);
            b.json.clear();
            b.json_ends.clear();
            for (; k < b.fb.size(); ++k) {
                const std::size_t at = b.first + k;
                const std::int32_t idx = settlement_of[at];
                if (only_changes && (idx < 0 || !changes_status(c.proposals[static_cast<std::size_t>(idx)]))) {
                    b.keep[k] = 0;
                    continue;
                }
                if (splice && splice_at[at] != kNoSplice) {
                    // The record as it came, the fields inserted where its properties close.
                    b.extra.clear();
                    if (idx >= 0) {
                        auto i = static_cast<std::size_t>(idx);
                        if (opts.classify) annotate_json(c, settlements, i, st, b.extra);
                        else scorer->write_json(scorer->score(settlements[i]), b.extra);
                    }
                    std::string_view rec = b.fb.records.record(k);
                    std::string_view extra = b.extra;
                    std::size_t close = splice_at[at];
                    if (rec.size() != record_size[at] || rec[close] != '}')
                        throw DataError(b.source->name() + ": the input changed while it was read");
                    if (rec[close - 1] == '{' && !extra.empty()) extra.remove_prefix(1);
                    b.json.append(rec.substr(0, close));
                    b.json.append(extra);
                    b.json.append(rec.substr(close));
                    b.json_ends.push_back(b.json.size());
                    b.json.push_back('\n');
                    continue;
                }
                if (splice) b.source->parse(b.fb, k);
                Feature& f = b.fb.features[k];
                if (idx == -2 && !spill) f.props.set("invalid", invalid_reason.at(at));
                if (idx >= 0) {
                    auto i = static_cast<std::size_t>(idx);
                    if (opts.classify) annotate(c, settlements, i, st, f.props);
                    else scorer->write(scorer->score(settlements[i]), f.props);
                }
                if (as_json) {
                    append_feature_json(b.json, f);
                    b.json_ends.push_back(b.json.size());
                    b.json.push_back('\n');
                }
            }
        } catch (const std::bad_alloc&) {
            throw out_of_memory_at(b, k);
        }
    };
    stages.consume = [&](StreamBatch& b) {
        std::size_t k = 0;
        try {
            if (as_json && sink.write_json_lines(b.json, b.json_ends.size())) {
                sum.written += b.json_ends.size();
                finish_batch(b);
                return;
            }
            std::size_t from = 0, j = 0;
            for (k = 0; k < b.fb.size(); ++k) {
                if (!b.keep[k]) continue;
                if (as_json) {
                    sink.write_json(std::string_view(b.json).substr(from, b.json_ends[j] - from));
                    from = b.json_ends[j++] + 1;
                } else {
                    sink.write(b.fb.features[k]);
                }
                ++sum.written;
            }
            finish_batch(b);
        } catch (const std::bad_alloc&) {
            throw out_of_memory_at(b, k);
        }
    };
    run_pipeline(stages, threads);
    if (reader.count() != settlement_of.size())
        throw DataError(inputs.front() + ": the input changed while it was read");
    sink.finish();
    return sum;
}

void write_data_plan(const DataPlan& plan, const UnitNames& units, std::FILE* out) {
    std::vector<std::pair<const DataPlan::key_type*, const DataPlanRow*>> rows;
    for (const auto& [key, row] : plan) rows.emplace_back(&key, &row);
    // Largest first within each oblast, oblasts by code.
    std::stable_sort(rows.begin(), rows.end(), [](const auto& a, const auto& b) {
        if (a.first->first != b.first->first) return a.first->first < b.first->first;
        return a.second->undetermined + a.second->not_assessed > b.second->undetermined + b.second->not_assessed;
    });
    std::fputs("oblast_kato,oblast,field,settlements,undetermined,not_assessed,settles_alone\n", out);
    for (const auto& [key, row] : rows) {
        auto name = units.oblast_names.find(key->first);
        std::fprintf(out, "%s,%s,%s,%zu,%zu,%zu,%zu\n", csv_cell(key->first).c_str(),
                     csv_cell(name == units.oblast_names.end() ? "" : name->second).c_str(), csv_cell(key->second).c_str(),
                     row->undetermined + row->not_assessed, row->undetermined, row->not_assessed, row->settles_alone);
    }
}

}  // namespace atd
