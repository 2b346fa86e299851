#include "report_model.hpp"

#include <atd/csv.hpp>
#include <atd/error.hpp>
#include <atd/geo.hpp>
#include <atd/kato.hpp>
#include <atd/model.hpp>
#include <atd/pipeline.hpp>

#include <algorithm>
#include <array>
#include <tuple>
#include <unordered_set>

namespace atd::report {

namespace {

// The criteria fields a report shows beside each criterion's result.
constexpr std::string_view kCriterionValues[] = {
    "c1_pop", "c1_threshold", "c2_net_int_per_1000", "c2_threshold", "c3_density", "c4_nearest_city_km",
    "c5_agri_share", "c6_is_centre", "c7_index", "c7_threshold", "c8_support", "c8_threshold"};

// Whether a settlement field is one the report or the comparison shows:
// details (series, reasons, criteria values) only matter for proposed changes
// unless `details` asks for them everywhere; criterion results always do.
bool wanted_field(std::string_view k, bool details) {
    static const std::unordered_set<std::string_view> always = {
        field::feature_type, field::kato, field::name_ru, field::name_kk, field::category, field::oblast_kato,
        field::district_kato, "proposal", "proposal_status", "decide_with", "proposal_target_name", "proposal_target",
        "flow_source", "settlement_class", "proposal_profile", "c1_result", "c2_result", "c3_result", "c4_result", "c5_result",
        "c6_result", "c7_result", "c8_result"};
    if (always.count(k) || field_year(k, "pop")) return true;
    if (!details) return false;
    if (k == "proposal_rule" || k == "proposal_reasons" || k == "proposal_messages" || k == "proposal_lacks" ||
        k == "proposal_options")
        return true;
    return std::find(std::begin(kCriterionValues), std::end(kCriterionValues), k) != std::end(kCriterionValues);
}

// Read on the worker threads: a settlement keeps only the fields the report
// shows and its position as a point.
void trim_settlement(Feature& f, bool all_details) {
    auto type = f.props.get_string(field::feature_type);
    if (type && *type != kSettlement) return;
    auto proposal = f.props.get_string("proposal");
    bool details = all_details || (proposal && !proposal->empty() && *proposal != "keep");
    thread_local KeyCache<std::array<bool, 2>> wanted(
        [](std::string_view k) { return std::array<bool, 2>{wanted_field(k, false), wanted_field(k, true)}; });
    wanted.start();
    f.props.retain([&](std::string_view k) { return wanted.get(k)[details]; });
    if (!f.geom.empty() && f.geom.type != GeomType::Point) {
        auto [lon, lat] = representative_point(f.geom);
        f.geom = Geometry::point(lon, lat);
    }
}

std::string text(const Properties& p, std::string_view key) { return p.get_string(key).value_or(""); }

// The name in the report's language where the data has it, else the other one.
std::string name_in(const Properties& p, Lang lang) {
    std::string kk = text(p, field::name_kk), ru = text(p, field::name_ru);
    if (lang == Lang::kk) return kk.empty() ? ru : kk;
    return ru.empty() ? kk : ru;
}

Settlement read_settlement(Feature& f, const FeatureOrigin& at, Lang lang) {
    const Properties& p = f.props;
    Settlement s;
    s.kato = text(p, field::kato);
    if (s.kato.empty()) throw DataError(at.where() + ": a settlement without a kato code");
    s.name = name_in(p, lang);
    s.category = text(p, field::category);
    s.oblast = text(p, field::oblast_kato);
    s.district = text(p, field::district_kato);
    s.proposal = text(p, "proposal");
    s.rule = text(p, "proposal_rule");
    s.target_code = text(p, "proposal_target");
    s.target = text(p, "proposal_target_name");
    if (s.target.empty()) s.target = s.target_code;
    s.reasons_text = text(p, "proposal_reasons");
    if (auto json = p.get_string("proposal_messages"); json && !trim(*json).empty())  // empty: a null through a CSV
        s.reasons = decode_messages(*json, at.where() + ": proposal_messages");
    s.lacks = text(p, "proposal_lacks");
    s.status = text(p, "proposal_status");
    s.options = text(p, "proposal_options");
    s.decide_with = text(p, "decide_with");
    s.flow_source = text(p, "flow_source");
    s.settlement_class = text(p, "settlement_class");
    for (const auto& [k, v] : p.entries()) {
        if (auto year = field_year(k, "pop"))
            if (auto n = as_number(v)) s.pop.emplace_back(*year, *n);
        if (k.size() > 2 && k[0] == 'c' && k[1] >= '1' && k[1] <= '8' && k[2] == '_') s.criteria.append(k, v);
    }
    std::sort(s.pop.begin(), s.pop.end());
    s.geom = std::move(f.geom);
    return s;
}

Merger read_merger(Feature& f, const FeatureOrigin& at) {
    const Properties& p = f.props;
    Merger g;
    g.id = text(p, "proposal");
    if (g.id.empty()) throw DataError(at.where() + ": a merger proposal without its proposal id");
    g.district = text(p, field::district_kato);
    if (g.district.empty()) g.district = text(p, "region");
    g.members = text(p, "members");
    double members = p.get_number("member_count").value_or(1);
    if (!(members >= 1 && members <= 1e9)) throw DataError(at.where() + ": member_count " + data_number(members) + " is not a count");
    g.member_count = static_cast<std::int64_t>(members);
    auto changed = p.find("changed");
    g.changed = changed && std::holds_alternative<bool>(*changed) && std::get<bool>(*changed);
    if (auto legal = p.find("legal"); legal && std::holds_alternative<bool>(*legal)) g.legal = std::get<bool>(*legal);
    g.status = text(p, "proposal_status");
    for (const char* list : {"trigger", "note", "status_reason", "centre_reason"}) g.reasons_text[list] = text(p, list);
    if (auto json = p.get_string("reason_messages"); json && !trim(*json).empty())
        g.reasons = decode_message_fields(*json, at.where() + ": reason_messages");
    g.centre_code = text(p, "centre");
    g.centre = text(p, "centre_name");
    if (g.centre.empty()) g.centre = g.centre_code;
    g.method = text(p, "method");
    g.population = p.get_number("population");
    g.population_known_sum = p.get_number("population_known_sum");
    g.max_km = p.get_number("max_distance_km");
    g.self_sufficiency = p.get_number("self_sufficiency");
    g.stability = p.get_number("stability");
    g.geom = std::move(f.geom);
    return g;
}


// Numbers the changed proposals of each district 1, 2, ... in their order.
void number_mergers(Model& m) {
    for (const auto& d : m.districts) {
        int n = 0;
        for (std::size_t g : d.mergers)
            if (m.mergers[g].changed) m.mergers[g].number = ++n;
    }
}

// Cities named by code in the reasons ("C4 contiguous with 991010100") by
// name where the input has that settlement.
void name_cities(Model& m) {
    for (const auto& s : m.settlements)
        if (!s.name.empty()) m.settlement_names.emplace(s.kato, s.name);
    for (auto& s : m.settlements)
        for (auto& msg : s.reasons)
            for (auto& [name, arg] : msg.args)
                if (auto* code = std::get_if<std::string>(&arg); code && name == "city") arg = place_name(m, *code);
}

// The members of unknown population in a merger's status ("591035000, 591036000") by name.
void name_members(Model& m) {
    for (auto& g : m.mergers)
        for (auto& [list, messages] : g.reasons)
            for (auto& msg : messages)
                for (auto& [name, arg] : msg.args)
                    if (auto* codes = std::get_if<std::string>(&arg); codes && name == "members") {
                        std::string named;
                        for (const auto& code : split_list(*codes, ", ")) named += (named.empty() ? "" : ", ") + unit_name(m, code);
                        arg = named;
                    }
}

}  // namespace

Model read_model(const ReportOptions& opts, Lang lang, Log& log, bool all_details) {
    Model m;
    m.lang = lang;
    std::map<std::string, std::size_t> district_index;
    auto district_of = [&](const std::string& kato, const std::string& oblast) -> District& {
        auto [it, fresh] = district_index.try_emplace(kato, m.districts.size());
        if (fresh) m.districts.push_back({kato, oblast, {}, {}});
        return m.districts[it->second];
    };
    auto trim = [all_details](Feature& f) { trim_settlement(f, all_details); };
    // Settlements keep, as they are read, what a proposed change shows; the
    // trim then drops the details of those that keep their status.
    ReadOptions read = opts.read;
    read.keep_field = settlement_fields([](std::string_view k) { return wanted_field(k, true); });
    read_features(opts.inputs, read, log, [&](Feature& f, const FeatureOrigin& at) {
        auto type = f.props.get_string(field::feature_type);
        if (!type) throw DataError(at.where() + ": no feature_type (atd-report reads atd-classify and atd-merge output)");
        if (*type == kUnit) {
            std::string kato = text(f.props, field::kato);
            m.unit_names[kato] = name_in(f.props, lang);
            if (!f.geom.empty()) m.unit_geoms[kato] = std::move(f.geom);
        } else if (*type == kSettlement) {
            Settlement s = read_settlement(f, at, lang);
            if (s.flow_source == "modelled") m.modelled_flows = true;
            if (auto profile = f.props.get_string("proposal_profile"); profile && !profile->empty()) m.profiles.insert(*profile);
            if (!s.pop.empty()) {
                m.first_year = m.first_year ? std::min(m.first_year, s.pop.front().first) : s.pop.front().first;
                m.last_year = std::max(m.last_year, s.pop.back().first);
            }
            district_of(s.district, s.oblast).settlements.push_back(m.settlements.size());
            m.settlements.push_back(std::move(s));
        } else if (*type == "proposal") {
            Merger g = read_merger(f, at);
            m.derived_areas = true;  // atd-merge's areas come from atd-areas unless real boundaries were given
            district_of(g.district, oblast_of_district(g.district))
                .mergers.push_back(m.mergers.size());
            m.mergers.push_back(std::move(g));
        } else if (*type == "area") {
            // The units before the merger (atd-areas output): the "before" map.
            std::string district = text(f.props, field::district_kato);
            if (!district.empty() && !f.geom.empty()) m.areas[district].push_back({text(f.props, field::kato), std::move(f.geom)});
            if (text(f.props, "area_source") == "derived") m.derived_areas = true;
        }
    }, trim);
    std::stable_sort(m.districts.begin(), m.districts.end(),
                     [](const District& a, const District& b) { return std::tie(a.oblast, a.kato) < std::tie(b.oblast, b.kato); });
    number_mergers(m);
    name_cities(m);
    name_members(m);
    return m;
}

bool is_change(const Settlement& s) { return !s.proposal.empty() && s.proposal != "keep"; }

std::string outcome_of(const Settlement& s) {
    if (!s.proposal.empty()) return s.proposal;
    return s.status.empty() ? "keep" : "not_assessed";
}

std::string oblast_of_district(const std::string& district) {
    return kato_problem(district) ? std::string() : district.substr(0, 2) + "0000000";
}

std::vector<std::string> split_list(std::string_view list, std::string_view sep) {
    std::vector<std::string> items;
    for (std::size_t from = 0; from <= list.size();) {
        std::size_t to = std::min(list.find(sep, from), list.size());
        if (to > from) items.emplace_back(list.substr(from, to - from));
        from = to + sep.size();
    }
    return items;
}

void check_format(const ReportOptions& opts) {
    if (opts.format != "html" && opts.format != "md" && opts.format != "csv")
        throw UsageError("--format must be html, md or csv");
}

std::string reasons_of(const Settlement& s, Lang lang) {
    return s.reasons.empty() ? s.reasons_text : render(s.reasons, lang, Style::document);
}

std::string reasons_of(const Merger& g, const std::string& list, Lang lang) {
    if (auto it = g.reasons.find(list); it != g.reasons.end()) return render(it->second, lang, Style::document);
    auto it = g.reasons_text.find(list);
    return it == g.reasons_text.end() ? std::string() : it->second;
}

std::vector<std::string> member_codes(const std::string& members) { return split_list(members, ";"); }

std::string unit_name(const Model& m, const std::string& kato) {
    auto it = m.unit_names.find(kato);
    return it == m.unit_names.end() || it->second.empty() ? kato : it->second;
}

std::string place_name(const Model& m, const std::string& code) {
    if (auto it = m.settlement_names.find(code); it != m.settlement_names.end()) return it->second;
    return unit_name(m, code);
}

std::string name_and_code(const Model& m, const std::string& kato) {
    auto it = m.unit_names.find(kato);
    return it == m.unit_names.end() || it->second.empty() ? kato : it->second + " (" + kato + ")";
}

const char* colour_of(std::string_view proposal) {
    // Okabe-Ito: told apart with every common colour-vision deficiency; grey is "no change" alone.
    if (proposal == "city_district") return "#0072b2";
    if (proposal == "attach") return "#cc79a7";
    if (proposal == "aul") return "#e69f00";
    if (proposal == "abolish") return "#d55e00";
    if (proposal.empty() || proposal == "keep") return "#9e9e9e";
    return "#009e73";
}

std::string html_escape(std::string_view s) {
    std::string out;
    out.reserve(s.size());
    for (char c : s) {
        switch (c) {
            case '&': out += "&amp;"; break;
            case '<': out += "&lt;"; break;
            case '>': out += "&gt;"; break;
            case '"': out += "&quot;"; break;
            default: out.push_back(c);
        }
    }
    return out;
}

}  // namespace atd::report
