#include <atd/csv.hpp>
#include <atd/error.hpp>
#include <atd/geo.hpp>
#include <atd/memory.hpp>
#include <atd/model.hpp>
#include <atd/pipeline.hpp>
#include <atd/polygons.hpp>
#include <atd/report.hpp>

#include <algorithm>
#include <array>
#include <cctype>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <map>
#include <optional>
#include <set>
#include <sstream>
#include <unordered_map>
#include <unordered_set>

namespace atd {

namespace {

// ------------------------------------------------------------ labels

struct Label {
    std::string_view key, en, ru, kk;
};

const Label kLabels[] = {
    {"title", "Administrative-territorial proposals", "Предложения по административно-территориальному устройству",
     "Әкімшілік-аумақтық құрылыс бойынша ұсыныстар"},
    {"summary", "Summary", "Сводка", "Жиынтық"},
    {"settlements", "Settlements", "Населённые пункты", "Елді мекендер"},
    {"changes", "Proposed status changes", "Предлагаемые изменения статуса", "Ұсынылған мәртебе өзгерістері"},
    {"proposal", "Proposal", "Предложение", "Ұсыныс"},
    {"count", "Count", "Количество", "Саны"},
    {"status", "Status", "Статус", "Мәртебесі"},
    {"data_plan", "Data plan: the fields that would settle the undetermined and unassessed proposals",
     "План данных: сведения, которые решили бы неопределённые и неоценённые предложения",
     "Деректер жоспары: анықталмаған және бағаланбаған ұсыныстарды шешетін деректер"},
    {"field", "Field", "Поле", "Өріс"},
    {"undetermined", "Undetermined", "Не определено", "Анықталмаған"},
    {"not_assessed", "Not assessed", "Не оценено", "Бағаланбаған"},
    {"kents", "Kents", "Кенты", "Кенттер"},
    {"okrugs", "Rural okrugs and other units", "Сельские округа и другие единицы", "Ауылдық округтер және басқа бірліктер"},
    {"merger_proposals", "Proposed okrugs", "Предлагаемые округа", "Ұсынылған округтер"},
    {"merging", "of them merging two units or more", "из них объединяют две единицы и более",
     "оның ішінде екі және одан көп бірлікті біріктіреді"},
    {"district", "District", "Район", "Аудан"},
    {"oblast", "Oblast", "Область", "Облыс"},
    {"name", "Name", "Название", "Атауы"},
    {"code", "KATO", "КАТО", "ӘАОЖ"},
    {"category", "Category", "Категория", "Санаты"},
    {"rule", "Rule", "Правило", "Ереже"},
    {"reasons", "Reasons", "Обоснование", "Негіздеме"},
    {"lacks", "Data lacking", "Недостающие данные", "Жетіспейтін деректер"},
    {"population", "Population", "Население", "Халық саны"},
    {"criteria", "Criteria", "Критерии", "Критерийлер"},
    {"members", "Members", "Состав", "Құрамы"},
    {"centre", "Centre", "Центр", "Орталығы"},
    {"max_km", "Farthest settlement, km", "Самый дальний пункт, км", "Ең алыс елді мекен, км"},
    {"budget", "Self-sufficiency", "Самообеспеченность", "Өзін-өзі қамтамасыз ету"},
    {"trigger", "Why", "Причина", "Себебі"},
    {"stability", "Stability", "Устойчивость", "Тұрақтылық"},
    {"note", "Note", "Примечание", "Ескерту"},
    {"legend_keep", "no change", "без изменений", "өзгеріссіз"},
    {"map", "Map", "Карта", "Карта"},
    {"scale", "km", "км", "км"},
    {"no_geometry", "No map: the input has no geometry here.", "Карты нет: во входных данных нет геометрии.",
     "Карта жоқ: кіріс деректерінде геометрия жоқ."},
    {"empty", "The input holds no settlements and no merger proposals: there is nothing to report.",
     "Во входных данных нет ни населённых пунктов, ни предложений по объединению: отчёт пуст.",
     "Кіріс деректерінде елді мекендер де, біріктіру ұсыныстары да жоқ: есеп бос."},
    {"modelled", "modelled commuting flows (marked m)", "смоделированные маятниковые потоки (отмечены m)",
     "модельденген маятниктік ағындар (m белгісімен)"},
    {"derived", "okrug areas derived from settlements, not legal boundaries",
     "границы округов построены по населённым пунктам, это не юридические границы",
     "округ шекаралары елді мекендер бойынша құрылған, заңды шекаралар емес"},
    {"mergers", "Okrug mergers", "Объединение округов", "Округтерді біріктіру"},
    {"no_changes", "No status change proposed.", "Изменений статуса не предлагается.", "Мәртебе өзгерісі ұсынылмайды."},
    {"maps_need", "The maps need -o FILE or --maps-dir DIR.", "Для карт нужен -o ФАЙЛ или --maps-dir КАТАЛОГ.",
     "Карталар үшін -o ФАЙЛ немесе --maps-dir КАТАЛОГ қажет."},
    {"unknown", "unknown", "неизвестно", "белгісіз"},
    {"proposed_centre", "proposed okrug centre", "предлагаемый центр округа", "ұсынылған округ орталығы"},
    {"before", "Before: the units as they are", "До: единицы в нынешнем виде", "Бұрын: бірліктер қазіргі күйінде"},
    {"after", "After: the proposed okrugs", "После: предлагаемые округа", "Кейін: ұсынылған округтер"},
    {"compare_title", "What changed between two runs", "Что изменилось между двумя расчётами",
     "Екі есептеу арасында не өзгерді"},
    {"new", "new", "новое", "жаңа"},
    {"withdrawn", "withdrawn", "отозвано", "қайтарылды"},
    {"changed", "changed", "изменено", "өзгерді"},
    {"criteria_moved", "criteria moved", "критерии изменились", "критерийлер өзгерді"},
    {"old", "Before", "Было", "Бұрын"},
    {"now", "Now", "Стало", "Қазір"},
    {"change", "Change", "Изменение", "Өзгеріс"},
    {"no_difference", "Nothing changed.", "Изменений нет.", "Өзгеріс жоқ."},
};

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

// A CSV field, quoted when it holds a comma, a quote or a line break.
// Text for a Markdown cell: Markdown's marks escaped, and < too (a name
// holding <script> must stay text where the Markdown is rendered);
// line breaks and other control characters become spaces.
std::string md_escape(std::string_view s) {
    std::string out;
    for (char c : s) {
        if (c == '|' || c == '*' || c == '_' || c == '`' || c == '[' || c == ']' || c == '\\') out.push_back('\\');
        if (c == '<') out += "&lt;";  // no tag can open, so none can run
        else if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) out.push_back(' ');
        else out.push_back(c);
    }
    return out;
}

std::string num(double v, int digits = 0) {
    if (!std::isfinite(v)) return std::isnan(v) ? "NaN" : (v > 0 ? "∞" : "-∞");
    // Thousands separated by a thin space for readability.
    std::string s = fixed_text(v, std::clamp(digits, 0, 6));
    std::size_t dot = s.find('.');
    std::size_t end = dot == std::string::npos ? s.size() : dot;
    std::size_t start = s[0] == '-' ? 1 : 0;
    std::string out = s.substr(0, start);
    for (std::size_t i = start; i < end; ++i) {
        out.push_back(s[i]);
        std::size_t left = end - i - 1;
        if (left && left % 3 == 0) out += "\u202f";
    }
    return out + s.substr(end);
}

// ------------------------------------------------------------ model

struct Settlement {
    std::string kato, name, category, oblast, district, proposal, rule, target, reasons, lacks, flow_source;
    std::string status, options, decide_with;  // how firmly the data hold the proposal (METHODOLOGY §3.1)
    std::vector<std::pair<int, double>> pop;  // year, value
    Properties criteria;                      // the c1_* ... c8_* fields trim_settlement keeps
    Geometry geom;
};

struct Merger {
    std::string id, district, members, centre, centre_code, centre_reason, trigger, note, method;
    std::string status, status_reason;  // decided, provisional or undetermined, and why (atd-merge)
    std::int64_t member_count = 1;
    bool changed = false;
    std::optional<bool> legal;  // null: not testable on known data
    std::optional<double> population, population_known_sum, max_km, self_sufficiency, stability;
    Geometry geom;
};

// A proposal's population in a table: the figure, else unknown with the part known ("unknown (≥ 1 331)").
std::string merger_population(const Merger& g, const std::string& unknown) {
    if (g.population) return num(*g.population);
    return unknown + (g.population_known_sum ? " (≥ " + num(*g.population_known_sum) + ")" : "");
}

// A proposal's note in a table: its status when not decided, why, and the note.
std::string merger_note(const Merger& g) {
    std::string out = g.status.empty() || g.status == "decided" ? "" : g.status;
    if (!g.status_reason.empty()) out += (out.empty() ? "" : ": ") + g.status_reason;
    if (!g.note.empty()) out += (out.empty() ? "" : "; ") + g.note;
    return out;
}

struct District {
    std::string kato, oblast;
    std::vector<std::size_t> settlements, mergers;
};

std::string text(const Properties& p, std::string_view key) { return p.get_string(key).value_or(""); }

bool is_change(const Settlement& s) { return !s.proposal.empty() && s.proposal != "keep"; }

const char* colour_of(std::string_view proposal) {
    if (proposal == "city_district") return "#1f77b4";
    if (proposal == "attach") return "#9467bd";
    if (proposal == "aul") return "#ff7f0e";
    if (proposal == "abolish") return "#d62728";
    if (proposal.empty() || proposal == "keep") return "#9e9e9e";
    return "#2ca02c";
}

// Pale fills for proposed okrugs, cycling.
const char* kFills[] = {"#c6dbef", "#fdd0a2", "#c7e9c0", "#dadaeb", "#fcbba1", "#d9d9d9", "#fee391", "#a1d99b"};

// The criteria columns: result and the value shown with it.
struct CriterionColumn {
    const char* name;
    const char* value;
    const char* threshold;
};
const CriterionColumn kCriteria[] = {
    {"C1", "c1_pop", "c1_threshold"},        {"C2", "c2_net_int_per_1000", "c2_threshold"},
    {"C3", "c3_density", nullptr},           {"C4", "c4_nearest_city_km", nullptr},
    {"C5", "c5_agri_share", nullptr},        {"C6", "c6_is_centre", nullptr},
    {"C7", "c7_index", "c7_threshold"},      {"C8", "c8_support", "c8_threshold"},
};

struct Model {
    std::vector<Settlement> settlements;
    std::vector<Merger> mergers;
    std::unordered_map<std::string, std::string> unit_names;
    std::unordered_map<std::string, Geometry> unit_geoms;
    std::vector<District> districts;          // in order of first appearance, grouped by oblast below
    std::map<std::string, std::vector<std::pair<std::string, Geometry>>> areas;  // by district: units before merging
    bool modelled_flows = false, derived_areas = false;
};

// Whether a settlement field is one the report or the comparison shows:
// details (series, reasons, criteria values) only matter for proposed changes
// unless `details` asks for them everywhere; criterion results always do.
bool wanted_field(std::string_view k, bool details) {
    static const std::unordered_set<std::string_view> always = {
        field::feature_type, field::kato, field::name_ru, field::name_kk, field::category, field::oblast_kato,
        field::district_kato, "proposal", "proposal_status", "decide_with", "proposal_target_name", "proposal_target",
        "flow_source", "c1_result",
        "c2_result", "c3_result", "c4_result", "c5_result", "c6_result", "c7_result", "c8_result"};
    if (always.count(k)) return true;
    if (!details) return false;
    if (k == "proposal_rule" || k == "proposal_reasons" || k == "proposal_lacks" || k == "proposal_options") return true;
    for (const auto& c : kCriteria)
        if (k == c.value || (c.threshold && k == c.threshold)) return true;
    return field_year(k, "pop").has_value();
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

// all_details: every settlement's details, not only those of proposed changes (for comparisons).
Model read_model(const ReportOptions& opts, Log& log, bool all_details) {
    Model m;
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
        const Properties& p = f.props;
        if (*type == kUnit) {
            std::string kato = text(p, field::kato);
            std::string name = text(p, field::name_ru);
            if (name.empty()) name = text(p, field::name_kk);
            m.unit_names[kato] = name;
            if (!f.geom.empty()) m.unit_geoms[kato] = std::move(f.geom);
        } else if (*type == kSettlement) {
            Settlement s;
            s.kato = text(p, field::kato);
            if (s.kato.empty()) throw DataError(at.where() + ": a settlement without a kato code");
            s.name = text(p, field::name_ru);
            if (s.name.empty()) s.name = text(p, field::name_kk);
            s.category = text(p, field::category);
            s.oblast = text(p, field::oblast_kato);
            s.district = text(p, field::district_kato);
            s.proposal = text(p, "proposal");
            s.rule = text(p, "proposal_rule");
            s.target = text(p, "proposal_target_name");
            if (s.target.empty()) s.target = text(p, "proposal_target");
            s.reasons = text(p, "proposal_reasons");
            s.lacks = text(p, "proposal_lacks");
            s.status = text(p, "proposal_status");
            s.options = text(p, "proposal_options");
            s.decide_with = text(p, "decide_with");
            s.flow_source = text(p, "flow_source");
            if (s.flow_source == "modelled") m.modelled_flows = true;
            for (const auto& [k, v] : p.entries()) {
                if (auto year = field_year(k, "pop"))
                    if (auto n = as_number(v)) s.pop.emplace_back(*year, *n);
                if (k.size() > 2 && k[0] == 'c' && k[1] >= '1' && k[1] <= '8' && k[2] == '_') s.criteria.append(k, v);
            }
            std::sort(s.pop.begin(), s.pop.end());
            s.geom = std::move(f.geom);
            district_of(s.district, s.oblast).settlements.push_back(m.settlements.size());
            m.settlements.push_back(std::move(s));
        } else if (*type == "proposal") {
            Merger g;
            g.id = text(p, "proposal");
            if (g.id.empty()) throw DataError(at.where() + ": a merger proposal without its proposal id");
            g.district = text(p, field::district_kato);
            if (g.district.empty()) g.district = text(p, "region");
            g.members = text(p, "members");
            g.member_count = static_cast<std::int64_t>(p.get_number("member_count").value_or(1));
            auto changed = p.find("changed");
            g.changed = changed && std::holds_alternative<bool>(*changed) && std::get<bool>(*changed);
            if (auto legal = p.find("legal"); legal && std::holds_alternative<bool>(*legal)) g.legal = std::get<bool>(*legal);
            g.status = text(p, "proposal_status");
            g.status_reason = text(p, "status_reason");
            g.centre_code = text(p, "centre");
            g.centre = text(p, "centre_name");
            if (g.centre.empty()) g.centre = g.centre_code;
            g.centre_reason = text(p, "centre_reason");
            g.trigger = text(p, "trigger");
            g.note = text(p, "note");
            g.method = text(p, "method");
            g.population = p.get_number("population");
            g.population_known_sum = p.get_number("population_known_sum");
            g.max_km = p.get_number("max_distance_km");
            g.self_sufficiency = p.get_number("self_sufficiency");
            g.stability = p.get_number("stability");
            g.geom = std::move(f.geom);
            m.derived_areas = true;  // atd-merge's areas come from atd-areas unless real boundaries were given
            bool kato = g.district.size() == 9 &&
                        std::all_of(g.district.begin(), g.district.end(), [](char c) { return c >= '0' && c <= '9'; });
            std::string oblast = kato ? g.district.substr(0, 2) + "0000000" : "";
            district_of(g.district, oblast).mergers.push_back(m.mergers.size());
            m.mergers.push_back(std::move(g));
        } else if (*type == "area") {
            // The units before the merger (atd-areas output): the "before" map.
            std::string district = text(p, field::district_kato);
            if (!district.empty() && !f.geom.empty()) m.areas[district].push_back({text(p, field::kato), std::move(f.geom)});
            if (text(p, "area_source") == "derived") m.derived_areas = true;
        }
    }, trim);
    // Oblasts in code order, districts in code order within them.
    std::stable_sort(m.districts.begin(), m.districts.end(),
                     [](const District& a, const District& b) { return std::tie(a.oblast, a.kato) < std::tie(b.oblast, b.kato); });
    return m;
}

// "a;b" member codes, as atd-merge lists them.
std::vector<std::string> member_codes(const std::string& members) {
    std::vector<std::string> codes;
    std::size_t from = 0;
    while (from <= members.size()) {
        std::size_t to = members.find(';', from);
        if (to == std::string::npos) to = members.size();
        codes.push_back(members.substr(from, to - from));
        from = to + 1;
    }
    return codes;
}

// Member codes as names where the input names them: "Aksu s.o., b".
std::string member_names(const Model& m, const std::string& members) {
    std::string out;
    for (const auto& code : member_codes(members)) {
        auto it = m.unit_names.find(code);
        out += (out.empty() ? "" : ", ") + (it == m.unit_names.end() || it->second.empty() ? code : it->second);
    }
    return out;
}

std::string name_of(const Model& m, const std::string& kato) {
    auto it = m.unit_names.find(kato);
    return it == m.unit_names.end() || it->second.empty() ? kato : it->second + " (" + kato + ")";
}

// ------------------------------------------------------------ SVG

std::string sparkline(const std::vector<std::pair<int, double>>& series) {
    if (series.size() < 2) return {};
    double lo = series.front().second, hi = lo;
    for (const auto& [y, v] : series) {
        lo = std::min(lo, v);
        hi = std::max(hi, v);
    }
    double w = 80, h = 18;
    std::string pts;
    for (std::size_t i = 0; i < series.size(); ++i) {
        double x = w * static_cast<double>(i) / static_cast<double>(series.size() - 1);
        double y = hi > lo ? h - 2 - (h - 4) * (series[i].second - lo) / (hi - lo) : h / 2;
        pts += num(x, 1) + "," + num(y, 1) + " ";
    }
    std::string title = std::to_string(series.front().first) + ": " + num(series.front().second) + " … " +
                        std::to_string(series.back().first) + ": " + num(series.back().second);
    return "<svg class=\"spark\" width=\"80\" height=\"18\" viewBox=\"0 0 80 18\" role=\"img\"><title>" +
           html_escape(title) + "</title><polyline fill=\"none\" stroke=\"#444\" stroke-width=\"1.2\" points=\"" + pts +
           "\"/></svg>";
}

struct MapOutput {
    std::string svg;
    std::size_t points = 0, polygons = 0;
};

// A district map: its outline, proposed okrugs and settlements, with legend and scale bar.
MapOutput district_map(const Model& m, const District& d, std::string_view lang, bool before = false) {
    MapOutput out;
    const std::vector<std::pair<std::string, Geometry>>* areas = nullptr;
    if (before) {
        auto it = m.areas.find(d.kato);
        if (it == m.areas.end()) return out;
        areas = &it->second;
    }
    std::vector<Geometry> shapes;  // projected
    std::vector<std::size_t> shape_merger;
    std::vector<std::pair<double, double>> dots;
    std::vector<std::size_t> dot_settlement;
    double x0 = 1e300, y0 = 1e300, x1 = -1e300, y1 = -1e300;
    auto extend = [&](double lon, double lat) {
        x0 = std::min(x0, lon);
        x1 = std::max(x1, lon);
        y0 = std::min(y0, lat);
        y1 = std::max(y1, lat);
    };
    const Geometry* outline = nullptr;
    if (auto it = m.unit_geoms.find(d.kato); it != m.unit_geoms.end()) outline = &it->second;
    for (std::size_t i : d.settlements)
        if (!m.settlements[i].geom.empty()) {
            auto [lon, lat] = representative_point(m.settlements[i].geom);
            extend(lon, lat);
        }
    for (std::size_t g : d.mergers)
        for (std::size_t k = 0; k < m.mergers[g].geom.xy.size(); k += 2) extend(m.mergers[g].geom.xy[k], m.mergers[g].geom.xy[k + 1]);
    if (areas)
        for (const auto& [code, geom] : *areas)
            for (std::size_t k = 0; k < geom.xy.size(); k += 2) extend(geom.xy[k], geom.xy[k + 1]);
    if (outline)
        for (std::size_t k = 0; k < outline->xy.size(); k += 2) extend(outline->xy[k], outline->xy[k + 1]);
    if (x0 > x1) return out;  // nothing with a position
    LocalProjection proj((x0 + x1) / 2, (y0 + y1) / 2);
    double px0 = 1e300, py0 = 1e300, px1 = -1e300, py1 = -1e300;
    auto grow = [&](const Geometry& g) {
        for (std::size_t k = 0; k < g.xy.size(); k += 2) {
            px0 = std::min(px0, g.xy[k]);
            px1 = std::max(px1, g.xy[k]);
            py0 = std::min(py0, g.xy[k + 1]);
            py1 = std::max(py1, g.xy[k + 1]);
        }
    };
    Geometry outline_p;
    if (outline) {
        outline_p = *outline;
        proj.apply(outline_p);
        grow(outline_p);
    }
    std::vector<std::string> shape_code;  // before: the unit of each shape
    if (areas) {
        for (const auto& [code, geom] : *areas) {
            if (geom.type != GeomType::Polygon && geom.type != GeomType::MultiPolygon) continue;
            Geometry p = geom;
            proj.apply(p);
            grow(p);
            shapes.push_back(std::move(p));
            shape_code.push_back(code);
        }
    } else {
        for (std::size_t g : d.mergers) {
            if (m.mergers[g].geom.type != GeomType::Polygon && m.mergers[g].geom.type != GeomType::MultiPolygon) continue;
            Geometry p = m.mergers[g].geom;
            proj.apply(p);
            grow(p);
            shapes.push_back(std::move(p));
            shape_merger.push_back(g);
        }
    }
    for (std::size_t i : d.settlements)
        if (!m.settlements[i].geom.empty()) {
            auto [lon, lat] = representative_point(m.settlements[i].geom);
            auto xy = proj.forward(lon, lat);
            px0 = std::min(px0, xy.first);
            px1 = std::max(px1, xy.first);
            py0 = std::min(py0, xy.second);
            py1 = std::max(py1, xy.second);
            dots.push_back(xy);
            dot_settlement.push_back(i);
        }
    double span_x = std::max(px1 - px0, 1000.0), span_y = std::max(py1 - py0, 1000.0);
    double width = 640, map_h = std::clamp(width * span_y / span_x, 200.0, 560.0);
    double scale = std::min((width - 20) / span_x, (map_h - 20) / span_y);
    double ox = (width - span_x * scale) / 2, oy = (map_h - span_y * scale) / 2;
    auto sx = [&](double x) { return ox + (x - px0) * scale; };
    auto sy = [&](double y) { return map_h - oy - (y - py0) * scale; };
    auto path_of = [&](const Geometry& g) {
        Geometry simple = simplify_polygonal(g, 0.6 / scale);
        std::string d_attr;
        std::size_t from = 0;
        for (std::uint32_t end : simple.ring_ends) {
            for (std::size_t k = from; k < end; ++k)
                d_attr += (k == from ? "M" : "L") + num(sx(simple.xy[2 * k]), 1) + " " + num(sy(simple.xy[2 * k + 1]), 1);
            d_attr += "Z";
            from = end;
        }
        return d_attr;
    };
    std::set<std::string> kinds;
    for (std::size_t i : dot_settlement) kinds.insert(m.settlements[i].proposal.empty() ? "keep" : m.settlements[i].proposal);
    double legend_h = 24;
    double height = map_h + legend_h;
    std::ostringstream s;
    s << "<svg class=\"map\" xmlns=\"http://www.w3.org/2000/svg\" width=\"" << width << "\" height=\"" << num(height)
      << "\" viewBox=\"0 0 " << width << " " << num(height) << "\" data-settlements=\"" << dots.size()
      << "\" data-okrugs=\"" << (areas ? 0 : shapes.size()) << "\" data-units=\"" << (areas ? shapes.size() : 0)
      << "\" role=\"img\">";
    s << "<rect width=\"100%\" height=\"100%\" fill=\"#fbfbf8\"/>";
    if (outline)
        s << "<path class=\"outline\" d=\"" << path_of(outline_p)
          << "\" fill=\"none\" stroke=\"#555\" stroke-width=\"1.2\" fill-rule=\"evenodd\"/>";
    std::set<std::string> centres;
    for (std::size_t k = 0; k < shapes.size(); ++k) {
        if (areas) {
            s << "<path class=\"unit\" d=\"" << path_of(shapes[k])
              << "\" fill=\"#f0f0f0\" stroke=\"#777\" stroke-width=\"0.6\" fill-rule=\"evenodd\"><title>"
              << html_escape(name_of(m, shape_code[k])) << "</title></path>";
            continue;
        }
        const Merger& g = m.mergers[shape_merger[k]];
        if (g.changed && !g.centre_code.empty()) centres.insert(g.centre_code);
        s << "<path class=\"okrug\" data-proposal=\"" << html_escape(g.id) << "\" d=\"" << path_of(shapes[k]) << "\" fill=\""
          << (g.changed ? kFills[k % 8] : "#f0f0f0") << "\" stroke=\"#777\" stroke-width=\"0.6\" fill-rule=\"evenodd\"><title>"
          << html_escape(g.id + ": " + g.members) << "</title></path>";
    }
    for (std::size_t k = 0; k < dots.size(); ++k) {
        const Settlement& st = m.settlements[dot_settlement[k]];
        if (centres.count(st.kato))
            s << "<circle class=\"centre\" cx=\"" << num(sx(dots[k].first), 1) << "\" cy=\"" << num(sy(dots[k].second), 1)
              << "\" r=\"7.5\" fill=\"none\" stroke=\"#222\" stroke-width=\"1.4\"><title>"
              << html_escape(report_label(lang, "centre") + ": " + st.name) << "</title></circle>";
    }
    for (std::size_t k = 0; k < dots.size(); ++k) {
        const Settlement& st = m.settlements[dot_settlement[k]];
        bool change = is_change(st);
        s << "<circle class=\"settlement\" cx=\"" << num(sx(dots[k].first), 1) << "\" cy=\"" << num(sy(dots[k].second), 1)
          << "\" r=\"" << (change ? 4.5 : 2.5) << "\" fill=\"" << colour_of(st.proposal)
          << "\" stroke=\"#fff\" stroke-width=\"0.8\"><title>" << html_escape(st.name + " (" + st.kato + ")" +
                                                                              (change ? ": " + st.proposal : ""))
          << "</title></circle>";
    }
    // Scale bar: a round length near a fifth of the width.
    double target_m = span_x / 5, step = std::pow(10.0, std::floor(std::log10(target_m)));
    double bar_m = step;
    for (double f : {2.0, 5.0, 10.0})
        if (step * f <= target_m) bar_m = step * f;
    double bar_px = bar_m * scale;
    double by = map_h - 8;
    s << "<g class=\"scalebar\"><line x1=\"10\" y1=\"" << num(by, 1) << "\" x2=\"" << num(10 + bar_px, 1) << "\" y2=\""
      << num(by, 1) << "\" stroke=\"#222\" stroke-width=\"2\"/><text x=\"" << num(14 + bar_px, 1) << "\" y=\""
      << num(by + 4, 1) << "\" font-size=\"11\">" << num(bar_m / 1000, bar_m < 1000 ? 1 : 0) << " "
      << html_escape(report_label(lang, "scale")) << "</text></g>";
    // Legend.
    double lx = 10;
    s << "<g class=\"legend\" font-size=\"11\">";
    for (const auto& k : kinds) {
        std::string label = k == "keep" ? report_label(lang, "legend_keep") : k;
        s << "<circle cx=\"" << num(lx + 5, 1) << "\" cy=\"" << num(map_h + 12, 1) << "\" r=\"4\" fill=\"" << colour_of(k)
          << "\"/><text x=\"" << num(lx + 12, 1) << "\" y=\"" << num(map_h + 16, 1) << "\">" << html_escape(label)
          << "</text>";
        lx += 24 + 6.5 * static_cast<double>(label.size());
    }
    if (!centres.empty()) {
        std::string label = report_label(lang, "proposed_centre");
        s << "<circle cx=\"" << num(lx + 5, 1) << "\" cy=\"" << num(map_h + 12, 1)
          << "\" r=\"5\" fill=\"none\" stroke=\"#222\" stroke-width=\"1.4\"/><text x=\"" << num(lx + 13, 1) << "\" y=\""
          << num(map_h + 16, 1) << "\">" << html_escape(label) << "</text>";
    }
    s << "</g></svg>";
    out.svg = s.str();
    out.points = dots.size();
    out.polygons = shapes.size();
    return out;
}

// ------------------------------------------------------------ tables

// modelled: the criterion rests on modelled flows (C4, C6 with flow_source=modelled): marked "m".
std::string criterion_cell(const Properties& c, const CriterionColumn& col, bool html, bool modelled = false) {
    std::string key = std::string(col.name);
    key[0] = 'c';
    auto result = c.get_string(key + "_result");
    if (!result) return html ? "<td></td>" : "";
    const char* mark = *result == "pass" ? "✓" : *result == "fail" ? "✗" : "–";
    std::string value;
    if (const Value* v = c.find(col.value); v && !is_null(*v)) value = as_text(*v);
    std::string threshold;
    if (col.threshold)
        if (const Value* t = c.find(col.threshold); t && !is_null(*t)) threshold = as_text(*t);
    bool flows = modelled && (std::string_view(col.name) == "C4" || std::string_view(col.name) == "C6");
    if (!html) return std::string(mark) + (value.empty() ? "" : " " + value) + (flows ? " (m)" : "");
    std::string title = value + (threshold.empty() ? "" : " / " + threshold) + " (" + *result + ")" +
                        (flows ? ", modelled flows" : "");
    return "<td class=\"" + *result + "\" title=\"" + html_escape(title) + "\">" + mark +
           (value.empty() ? "" : "<small> " + html_escape(value) + "</small>") + (flows ? "<sup>m</sup>" : "") + "</td>";
}

// Settlements by proposal and status; a settlement not assessed has no
// proposal and is never counted as kept.
std::map<std::pair<std::string, std::string>, std::size_t> count_proposals(const Model& m) {
    std::map<std::pair<std::string, std::string>, std::size_t> c;
    for (const auto& s : m.settlements)
        ++c[{s.proposal.empty() && s.status.empty() ? "keep" : s.proposal, s.status}];
    return c;
}

// The data plan: per oblast and field, the undetermined and unassessed
// settlements whose decide_with lists it.
std::map<std::pair<std::string, std::string>, std::array<std::size_t, 2>> data_plan(const Model& m) {
    std::map<std::pair<std::string, std::string>, std::array<std::size_t, 2>> plan;
    for (const auto& s : m.settlements) {
        bool undetermined = s.status == "undetermined";
        if (!undetermined && s.status != "not_assessed") continue;
        std::string_view rest = s.decide_with;
        while (!rest.empty()) {
            auto comma = rest.find(',');
            ++plan[{s.oblast, std::string(rest.substr(0, comma))}][undetermined ? 0 : 1];
            rest = comma == std::string_view::npos ? std::string_view{} : rest.substr(comma + 1);
        }
    }
    return plan;
}

// The data plan as a table of the report, when any proposal is undetermined or not assessed.
template <class Label>
void write_data_plan(const Model& m, bool html, const Label& L, std::ostream& o) {
    auto plan = data_plan(m);
    if (plan.empty()) return;
    auto oblast_name = [&](const std::string& kato) {
        auto it = m.unit_names.find(kato);
        return it == m.unit_names.end() || it->second.empty() ? kato : it->second;
    };
    if (html) {
        o << "<section id=\"data-plan\"><h3>" << html_escape(L("data_plan")) << "</h3>\n<table><tr><th>" << L("oblast")
          << "</th><th>" << L("field") << "</th><th>" << L("undetermined") << "</th><th>" << L("not_assessed")
          << "</th></tr>";
        for (const auto& [key, n] : plan)
            o << "<tr><td>" << html_escape(oblast_name(key.first)) << "</td><td>" << html_escape(key.second)
              << "</td><td class=\"num\">" << num(static_cast<double>(n[0])) << "</td><td class=\"num\">"
              << num(static_cast<double>(n[1])) << "</td></tr>";
        o << "</table></section>\n";
        return;
    }
    o << "### " << L("data_plan") << "\n\n| " << L("oblast") << " | " << L("field") << " | " << L("undetermined")
      << " | " << L("not_assessed") << " |\n|---|---|---:|---:|\n";
    for (const auto& [key, n] : plan)
        o << "| " << md_escape(oblast_name(key.first)) << " | " << md_escape(key.second) << " | " << n[0] << " | " << n[1]
          << " |\n";
    o << "\n";
}

// "provisional", or "undetermined: city_district,attach:...,aul".
std::string status_text(const Settlement& s) {
    return s.status + (s.options.empty() ? "" : ": " + s.options);
}

const char* kStyle =
    "body{font:14px/1.45 system-ui,-apple-system,'Segoe UI',Roboto,'Noto Sans',Arial,sans-serif;margin:2em auto;"
    "max-width:1100px;padding:0 1em;color:#222}h1{font-size:1.6em}h2{border-bottom:2px solid #ddd;margin-top:2em}"
    "table{border-collapse:collapse;margin:.6em 0;font-size:13px}th,td{border:1px solid #ddd;padding:3px 6px;"
    "vertical-align:top;text-align:left}th{background:#f4f4f0}td.pass{color:#1a7f37}td.fail{color:#c62828}"
    "td.no_data{color:#999}small{color:#666}figure{margin:.5em 0}figcaption{color:#555;font-size:12px}.pair{display:flex;gap:1em}.pair figure{flex:1;min-width:0}.pair svg{width:100%;height:auto}.note{color:#8a6d3b;background:#fcf8e3;"
    "padding:4px 8px;border-left:3px solid #e0c070}nav a{margin-right:.8em}.num{text-align:right;white-space:nowrap}";

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
    void add(std::filesystem::path path, std::string text) { maps_.emplace_back(std::move(path), std::move(text)); }
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
    bool made_dir_ = false, committed_ = false;
};

}  // namespace

std::string report_label(std::string_view lang, std::string_view key) {
    for (const auto& l : kLabels)
        if (l.key == key) return std::string(lang == "ru" ? l.ru : lang == "kk" ? l.kk : l.en);
    return std::string(key);
}

ReportSummary write_report(const ReportOptions& opts, Log& log) {
    if (opts.format != "html" && opts.format != "md" && opts.format != "csv")
        throw UsageError("--format must be html, md or csv");
    if (opts.lang != "en" && opts.lang != "ru" && opts.lang != "kk") throw UsageError("--lang must be en, ru or kk");
    Model m = read_model(opts, log, false);
    Doing doing("writing the report");
    ReportSummary sum;
    sum.settlements = m.settlements.size();
    for (const auto& s : m.settlements) sum.changes += is_change(s);
    sum.merger_proposals = m.mergers.size();
    for (const auto& g : m.mergers) {
        sum.units += static_cast<std::size_t>(g.member_count);
        sum.merged += g.changed;
    }
    auto L = [&](std::string_view key) { return report_label(opts.lang, key); };
    std::string title = opts.title.empty() ? L("title") : opts.title;
    auto shown = [&](const District& d) {
        if (opts.all_districts) return true;
        for (std::size_t i : d.settlements)
            if (is_change(m.settlements[i])) return true;
        for (std::size_t g : d.mergers)
            if (m.mergers[g].changed) return true;
        return false;
    };
    OutputFile out(opts.output == "-" ? "" : opts.output, opts.overwrite);
    std::optional<MapFiles> map_files;  // md: written with the report, or not at all
    std::string doc;
    auto emit = [&](const std::string& text) {  // the document goes out as it is written
        if (std::fwrite(text.data(), 1, text.size(), out.stream()) != text.size())
            throw DataError(out.display_name() + ": cannot write");
        sum.bytes += text.size();
    };
    if (opts.format == "csv") {
        auto cell = [&](std::string_view v) { return csv_cell(v, !opts.csv_raw); };
        doc = "kind,oblast,district,id,name,from,to,status,options,decide_with,rule,reasons,lacks,population,members,"
              "centre,max_distance_km,self_sufficiency,stability,note\n";
        for (const auto& d : m.districts) {
            for (std::size_t i : d.settlements) {
                const Settlement& s = m.settlements[i];
                if (!is_change(s)) continue;
                std::string pop = s.pop.empty() ? std::string() : fixed_text(s.pop.back().second, 0);
                doc += "status," + cell(s.oblast) + "," + cell(s.district) + "," + cell(s.kato) + "," + cell(s.name) +
                       "," + cell(s.category) + "," + cell(s.proposal + (s.target.empty() ? "" : ":" + s.target)) + "," +
                       cell(s.status) + "," + cell(s.options) + "," + cell(s.decide_with) + "," + cell(s.rule) + "," +
                       cell(s.reasons) + "," + cell(s.lacks) + "," + pop + ",,,,,,\n";
            }
            for (std::size_t gi : d.mergers) {
                const Merger& g = m.mergers[gi];
                if (!g.changed && g.note.empty()) continue;
                auto opt = [](const std::optional<double>& v, int digits) { return v ? fixed_text(*v, digits) : std::string(); };
                doc += "merger," + cell(d.oblast) + "," + cell(g.district) + "," + cell(g.id) + ",," +
                       std::to_string(g.member_count) + " units," + (g.changed ? "merge" : "keep") + "," +
                       cell(g.status) + ",,," + cell(g.trigger) + ",," + cell(g.status_reason) + "," +
                       opt(g.population, 0) + "," + cell(g.members) + "," + cell(g.centre) +
                       "," + opt(g.max_km, 1) + "," + opt(g.self_sufficiency, 3) + "," + opt(g.stability, 2) + "," +
                       cell(g.note) + "\n";
            }
        }
    } else {
        bool html = opts.format == "html";
        std::string maps_dir;
        if (!html) {
            maps_dir = opts.maps_dir;
            if (maps_dir.empty() && !opts.output.empty() && opts.output != "-") {
                std::filesystem::path p(opts.output);
                maps_dir = (p.parent_path() / (p.stem().string() + "-maps")).string();
            }
        }
        map_files.emplace(maps_dir, opts.overwrite);
        std::ostringstream o;
        auto counts = count_proposals(m);
        if (html) {
            o << "<!DOCTYPE html>\n<html lang=\"" << opts.lang << "\"><head><meta charset=\"utf-8\"><title>"
              << html_escape(title) << "</title><style>" << kStyle << "</style></head><body>\n<h1>" << html_escape(title)
              << "</h1>\n<section id=\"summary\"><h2>" << L("summary") << "</h2>\n";
        } else {
            o << "# " << md_escape(title) << "\n\n## " << L("summary") << "\n\n";
        }
        if (m.settlements.empty() && m.mergers.empty()) {
            o << (html ? "<p class=\"note\">" + html_escape(L("empty")) + "</p>" : L("empty") + "\n");
        } else {
            if (html) {
                o << "<table><tr><th>" << L("proposal") << "</th><th>" << L("status") << "</th><th>" << L("count")
                  << "</th></tr>";
                for (const auto& [k, n] : counts)
                    o << "<tr><td><span style=\"color:" << colour_of(k.first) << "\">●</span> " << html_escape(k.first)
                      << "</td><td>" << html_escape(k.second) << "</td><td class=\"num\">" << num(static_cast<double>(n))
                      << "</td></tr>";
                o << "<tr><th>" << L("settlements") << "</th><th></th><th class=\"num\">"
                  << num(static_cast<double>(sum.settlements)) << "</th></tr></table>\n";
                if (!m.mergers.empty())
                    o << "<p>" << L("okrugs") << ": " << num(static_cast<double>(sum.units)) << " → " << L("merger_proposals")
                      << ": " << num(static_cast<double>(sum.merger_proposals)) << ", " << num(static_cast<double>(sum.merged))
                      << " " << L("merging") << ".</p>\n";
                if (m.modelled_flows) o << "<p class=\"note\">C4, C6: " << L("modelled") << ".</p>\n";
                if (m.derived_areas) o << "<p class=\"note\">" << L("mergers") << ": " << L("derived") << ".</p>\n";
                o << "</section>\n";
            } else {
                o << "| " << L("proposal") << " | " << L("status") << " | " << L("count") << " |\n|---|---|---:|\n";
                for (const auto& [k, n] : counts)
                    o << "| " << md_escape(k.first) << " | " << md_escape(k.second) << " | " << n << " |\n";
                o << "| **" << L("settlements") << "** | | **" << sum.settlements << "** |\n\n";
                if (!m.mergers.empty())
                    o << L("okrugs") << ": " << sum.units << " → " << L("merger_proposals") << ": " << sum.merger_proposals
                      << ", " << sum.merged << " " << L("merging") << ".\n\n";
                if (m.modelled_flows) o << "> C4, C6: " << L("modelled") << ".\n\n";
                if (m.derived_areas) o << "> " << L("mergers") << ": " << L("derived") << ".\n\n";
            }
            write_data_plan(m, html, L, o);
            std::string current_oblast = "\x01";
            // Maps are drawn a window of districts at a time, on all threads.
            using MapPair = std::pair<MapOutput, MapOutput>;  // after, before
            auto draw = [&](std::size_t di, MapPair& maps) {
                const District& d = m.districts[di];
                if (!shown(d)) return;
                maps.first = district_map(m, d, opts.lang);
                if (!d.mergers.empty()) maps.second = district_map(m, d, opts.lang, true);
            };
            ordered_windows<MapPair>(m.districts.size(), 64, default_threads(), draw, [&](std::size_t di, MapPair& maps) {
                const District& d = m.districts[di];
                if (!shown(d)) return;
                ++sum.districts;
                if (d.oblast != current_oblast) {
                    current_oblast = d.oblast;
                    std::string oname = L("oblast") + ": " + (d.oblast.empty() ? L("unknown") : name_of(m, d.oblast));
                    if (html)
                        o << "<h2 id=\"o-" << html_escape(d.oblast) << "\">" << html_escape(oname) << "</h2>\n";
                    else
                        o << "## " << md_escape(oname) << "\n\n";
                }
                std::string dname = L("district") + ": " + name_of(m, d.kato);
                MapOutput map = std::move(maps.first);
                MapOutput before = std::move(maps.second);
                if (html) {
                    o << "<section class=\"district\" id=\"d-" << html_escape(d.kato) << "\"><h3>" << html_escape(dname)
                      << "</h3>\n";
                    if (map.svg.empty())
                        o << "<p class=\"note\">" << L("no_geometry") << "</p>\n";
                    else if (!before.svg.empty())
                        o << "<div class=\"pair\"><figure class=\"before\">" << before.svg << "<figcaption>" << L("before")
                          << "</figcaption></figure>\n<figure class=\"after\">" << map.svg << "<figcaption>" << L("after")
                          << "</figcaption></figure></div>\n";
                    else
                        o << "<figure>" << map.svg << "</figure>\n";
                } else {
                    o << "### " << md_escape(dname) << "\n\n";
                    if (map.svg.empty() || maps_dir.empty()) {
                        o << "_" << (map.svg.empty() ? L("no_geometry") : L("maps_need")) << "_\n\n";
                    } else {
                        auto save = [&](std::string file, const std::string& svg_text, const std::string& alt) {
                            for (char& c : file)  // a code never leaves the maps directory
                                if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '.') c = '_';
                            auto path = std::filesystem::path(maps_dir) / file;
                            map_files->add(path, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n" + svg_text);
                            auto base = opts.output.empty() || opts.output == "-"
                                            ? std::filesystem::current_path()
                                            : std::filesystem::absolute(opts.output).parent_path();
                            std::string rel = std::filesystem::absolute(path).lexically_relative(base).generic_string();
                            o << "![" << md_escape(alt) << "](" << rel << ")\n\n";
                        };
                        if (!before.svg.empty()) save("district-" + d.kato + "-before.svg", before.svg, L("before"));
                        save("district-" + d.kato + ".svg", map.svg, before.svg.empty() ? L("map") : L("after"));
                    }
                }
                if (!map.svg.empty()) ++sum.maps;
                // Status changes.
                std::vector<std::size_t> changes;
                for (std::size_t i : d.settlements)
                    if (is_change(m.settlements[i])) changes.push_back(i);
                if (html) o << "<h4>" << L("changes") << "</h4>\n";
                else o << "#### " << L("changes") << "\n\n";
                if (changes.empty()) {
                    o << (html ? "<p>" + L("no_changes") + "</p>\n" : L("no_changes") + "\n\n");
                } else if (html) {
                    o << "<table class=\"proposals\"><tr><th>" << L("name") << "</th><th>" << L("code") << "</th><th>"
                      << L("category") << "</th><th>" << L("proposal") << "</th><th>" << L("rule") << "</th><th>"
                      << L("population") << "</th>";
                    for (const auto& c : kCriteria) o << "<th>" << c.name << "</th>";
                    o << "<th>" << L("reasons") << "</th><th>" << L("lacks") << "</th></tr>\n";
                    for (std::size_t i : changes) {
                        const Settlement& s = m.settlements[i];
                        o << "<tr><td>" << html_escape(s.name) << "</td><td>" << html_escape(s.kato) << "</td><td>"
                          << html_escape(s.category) << "</td><td><span style=\"color:" << colour_of(s.proposal)
                          << "\">●</span> " << html_escape(s.proposal) << (s.target.empty() ? "" : " → " + html_escape(s.target))
                          << (s.status.empty() ? "" : "<br><small>" + html_escape(status_text(s)) + "</small>")
                          << "</td><td>" << html_escape(s.rule) << "</td><td class=\"num\">"
                          << (s.pop.empty() ? "" : num(s.pop.back().second)) << " " << sparkline(s.pop) << "</td>";
                        for (const auto& c : kCriteria) o << criterion_cell(s.criteria, c, true, s.flow_source == "modelled");
                        o << "<td>" << html_escape(s.reasons) << "</td><td>" << html_escape(s.lacks) << "</td></tr>\n";
                    }
                    o << "</table>\n";
                } else {
                    o << "| " << L("name") << " | " << L("code") << " | " << L("category") << " | " << L("proposal") << " | "
                      << L("rule") << " | " << L("population") << " |";
                    for (const auto& c : kCriteria) o << " " << c.name << " |";
                    o << " " << L("reasons") << " | " << L("lacks") << " |\n|---|---|---|---|---|---:|";
                    for (std::size_t k = 0; k < std::size(kCriteria); ++k) o << "---|";
                    o << "---|---|\n";
                    for (std::size_t i : changes) {
                        const Settlement& s = m.settlements[i];
                        o << "| " << md_escape(s.name) << " | " << md_escape(s.kato) << " | " << md_escape(s.category) << " | "
                          << md_escape(s.proposal) << (s.target.empty() ? "" : " → " + md_escape(s.target))
                          << (s.status.empty() ? "" : " (" + md_escape(status_text(s)) + ")") << " | "
                          << md_escape(s.rule) << " | " << (s.pop.empty() ? "" : num(s.pop.back().second)) << " |";
                        for (const auto& c : kCriteria)
                            o << " " << md_escape(criterion_cell(s.criteria, c, false, s.flow_source == "modelled")) << " |";
                        o << " " << md_escape(s.reasons) << " | " << md_escape(s.lacks) << " |\n";
                    }
                    o << "\n";
                }
                // Mergers.
                std::vector<std::size_t> mergers;
                for (std::size_t g : d.mergers)
                    if (m.mergers[g].changed || !m.mergers[g].note.empty()) mergers.push_back(g);
                if (!mergers.empty()) {
                    if (html) {
                        o << "<h4>" << L("mergers") << "</h4>\n<table class=\"mergers\"><tr><th>" << L("proposal")
                          << "</th><th>" << L("members") << "</th><th>" << L("centre") << "</th><th>" << L("population")
                          << "</th><th>" << L("max_km") << "</th><th>" << L("budget") << "</th><th>" << L("stability")
                          << "</th><th>" << L("trigger") << "</th><th>" << L("note") << "</th></tr>\n";
                    } else {
                        o << "#### " << L("mergers") << "\n\n| " << L("proposal") << " | " << L("members") << " | "
                          << L("centre") << " | " << L("population") << " | " << L("max_km") << " | " << L("budget") << " | "
                          << L("stability") << " | " << L("trigger") << " | " << L("note")
                          << " |\n|---|---|---|---:|---:|---:|---:|---|---|\n";
                    }
                    for (std::size_t gi : mergers) {
                        const Merger& g = m.mergers[gi];
                        auto opt = [](const std::optional<double>& v, int digits) { return v ? num(*v, digits) : std::string(); };
                        if (html)
                            o << "<tr><td>" << html_escape(g.id) << "</td><td title=\"" << html_escape(g.members) << "\">"
                              << html_escape(member_names(m, g.members)) << "</td><td title=\""
                              << html_escape(g.centre_reason) << "\">" << html_escape(g.centre) << "</td><td class=\"num\">"
                              << html_escape(merger_population(g, L("unknown"))) << "</td><td class=\"num\">"
                              << opt(g.max_km, 1) << "</td><td class=\"num\">" << opt(g.self_sufficiency, 3)
                              << "</td><td class=\"num\">" << opt(g.stability, 2) << "</td><td>"
                              << html_escape(g.trigger) << "</td><td>" << html_escape(merger_note(g)) << "</td></tr>\n";
                        else
                            o << "| " << md_escape(g.id) << " | " << md_escape(member_names(m, g.members)) << " | "
                              << md_escape(g.centre)
                              << " | " << md_escape(merger_population(g, L("unknown"))) << " | " << opt(g.max_km, 1)
                              << " | " << opt(g.self_sufficiency, 3) << " | " << opt(g.stability, 2) << " | "
                              << md_escape(g.trigger) << " | " << md_escape(merger_note(g)) << " |\n";
                    }
                    o << (html ? "</table>\n" : "\n");
                }
                if (html) o << "</section>\n";
                emit(o.str());
                o.str("");
            });
        }
        if (html) o << "</body></html>\n";
        doc = o.str();
    }
    emit(doc);
    if (map_files) map_files->write();
    out.commit();
    if (map_files) map_files->commit();
    return sum;
}

CompareSummary write_comparison(const ReportOptions& opts, const std::vector<std::string>& new_inputs, Log& log) {
    if (opts.format != "html" && opts.format != "md" && opts.format != "csv")
        throw UsageError("--format must be html, md or csv");
    ReportOptions old_opts = opts, new_opts = opts;
    new_opts.inputs = new_inputs;
    Model before = read_model(old_opts, log, true), now = read_model(new_opts, log, true);
    Doing doing("comparing the runs");
    auto L = [&](std::string_view key) { return report_label(opts.lang, key); };
    struct Row {
        std::string kind, change, id, name, old_value, new_value, detail;
    };
    std::vector<Row> rows;
    CompareSummary sum;
    std::unordered_map<std::string, const Settlement*> old_by_code;
    for (const auto& s : before.settlements) old_by_code[s.kato] = &s;
    auto proposal_text = [](const Settlement* s) {
        if (!s) return std::string("-");
        std::string p = s->proposal.empty() ? "keep" : s->proposal;
        return s->target.empty() ? p : p + " → " + s->target;
    };
    std::set<std::string> seen;
    for (const auto& s : now.settlements) {
        seen.insert(s.kato);
        auto it = old_by_code.find(s.kato);
        const Settlement* o = it == old_by_code.end() ? nullptr : it->second;
        bool was = o && is_change(*o), is = is_change(s);
        std::string a = proposal_text(o), b = proposal_text(&s);
        if (is && !was) {
            rows.push_back({"status", L("new"), s.kato, s.name, a, b, s.reasons});
            ++sum.new_proposals;
        } else if (was && !is) {
            rows.push_back({"status", L("withdrawn"), s.kato, s.name, a, b, s.reasons});
            ++sum.withdrawn;
        } else if (was && is && a != b) {
            rows.push_back({"status", L("changed"), s.kato, s.name, a, b, s.reasons});
            ++sum.changed;
        }
        if (!o) continue;
        std::string moved;
        for (const auto& c : kCriteria) {
            std::string key = std::string(c.name);
            key[0] = 'c';
            auto r0 = o->criteria.get_string(key + "_result"), r1 = s.criteria.get_string(key + "_result");
            if (r0 && r1 && *r0 != *r1) moved += (moved.empty() ? "" : "; ") + std::string(c.name) + " " + *r0 + " → " + *r1;
        }
        if (!moved.empty()) {
            rows.push_back({"criteria", L("criteria_moved"), s.kato, s.name, a, b, moved});
            ++sum.criteria_moved;
        }
    }
    for (const auto& o : before.settlements)
        if (!seen.count(o.kato) && is_change(o)) {
            rows.push_back({"status", L("withdrawn"), o.kato, o.name, proposal_text(&o), "-", ""});
            ++sum.withdrawn;
        }
    auto merger_sets = [](const Model& m) {
        std::map<std::string, const Merger*> out;  // members as a sorted set -> proposal
        for (const auto& g : m.mergers) {
            if (!g.changed) continue;
            std::vector<std::string> codes = member_codes(g.members);
            std::sort(codes.begin(), codes.end());
            std::string key;
            for (const auto& c : codes) key += (key.empty() ? "" : ";") + c;
            out[key] = &g;
        }
        return out;
    };
    auto old_sets = merger_sets(before), new_sets = merger_sets(now);
    for (const auto& [members, g] : new_sets)
        if (!old_sets.count(members)) {
            rows.push_back({"merger", L("new"), g->id, g->centre, "-", members, g->trigger});
            ++sum.new_mergers;
        }
    for (const auto& [members, g] : old_sets)
        if (!new_sets.count(members)) {
            rows.push_back({"merger", L("withdrawn"), g->id, g->centre, members, "-", g->trigger});
            ++sum.dropped_mergers;
        }
    std::string doc;
    std::string title = opts.title.empty() ? L("compare_title") : opts.title;
    if (opts.format == "csv") {
        auto cell = [&](std::string_view v) { return csv_cell(v, !opts.csv_raw); };
        doc = "kind,change,id,name,before,now,detail\n";
        for (const auto& r : rows)
            doc += cell(r.kind) + "," + cell(r.change) + "," + cell(r.id) + "," + cell(r.name) + "," + cell(r.old_value) +
                   "," + cell(r.new_value) + "," + cell(r.detail) + "\n";
    } else {
        bool html = opts.format == "html";
        std::ostringstream o;
        if (html)
            o << "<!DOCTYPE html>\n<html lang=\"" << opts.lang << "\"><head><meta charset=\"utf-8\"><title>"
              << html_escape(title) << "</title><style>" << kStyle << "</style></head><body>\n<h1>" << html_escape(title)
              << "</h1>\n";
        else
            o << "# " << md_escape(title) << "\n\n";
        std::vector<std::pair<std::string, std::size_t>> counts{
            {L("new") + " (" + L("changes") + ")", sum.new_proposals}, {L("withdrawn"), sum.withdrawn},
            {L("changed"), sum.changed}, {L("criteria_moved"), sum.criteria_moved},
            {L("new") + " (" + L("mergers") + ")", sum.new_mergers}, {L("withdrawn") + " (" + L("mergers") + ")", sum.dropped_mergers}};
        if (html) {
            o << "<table><tr><th>" << L("change") << "</th><th>" << L("count") << "</th></tr>";
            for (const auto& [k, n] : counts) o << "<tr><td>" << html_escape(k) << "</td><td class=\"num\">" << n << "</td></tr>";
            o << "</table>\n";
        } else {
            o << "| " << L("change") << " | " << L("count") << " |\n|---|---:|\n";
            for (const auto& [k, n] : counts) o << "| " << md_escape(k) << " | " << n << " |\n";
            o << "\n";
        }
        if (rows.empty()) {
            o << (html ? "<p>" + L("no_difference") + "</p>\n" : L("no_difference") + "\n");
        } else if (html) {
            o << "<table class=\"changes\"><tr><th>" << L("change") << "</th><th>" << L("code") << "</th><th>" << L("name")
              << "</th><th>" << L("old") << "</th><th>" << L("now") << "</th><th>" << L("reasons") << "</th></tr>\n";
            for (const auto& r : rows)
                o << "<tr class=\"" << html_escape(r.kind) << "\"><td>" << html_escape(r.change) << "</td><td>"
                  << html_escape(r.id) << "</td><td>" << html_escape(r.name) << "</td><td>" << html_escape(r.old_value)
                  << "</td><td>" << html_escape(r.new_value) << "</td><td>" << html_escape(r.detail) << "</td></tr>\n";
            o << "</table>\n";
        } else {
            o << "| " << L("change") << " | " << L("code") << " | " << L("name") << " | " << L("old") << " | " << L("now")
              << " | " << L("reasons") << " |\n|---|---|---|---|---|---|\n";
            for (const auto& r : rows)
                o << "| " << md_escape(r.change) << " | " << md_escape(r.id) << " | " << md_escape(r.name) << " | "
                  << md_escape(r.old_value) << " | " << md_escape(r.new_value) << " | " << md_escape(r.detail) << " |\n";
        }
        if (html) o << "</body></html>\n";
        doc = o.str();
    }
    OutputFile out(opts.output == "-" ? "" : opts.output, opts.overwrite);
    if (std::fwrite(doc.data(), 1, doc.size(), out.stream()) != doc.size())
        throw DataError(out.display_name() + ": cannot write");
    out.commit();
    return sum;
}

}  // namespace atd
