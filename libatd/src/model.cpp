#include <atd/model.hpp>

#include <algorithm>
#include <atomic>
#include <charconv>
#include <cstdint>
#include <memory>
#include <unordered_map>

namespace atd {

bool is_feature_type(std::string_view t) { return t == kSettlement || t == kUnit || t == kSubLocality; }

bool is_category(std::string_view c) {
    return std::find(std::begin(kCategories), std::end(kCategories), c) != std::end(kCategories);
}

bool is_unit_kind(std::string_view k) {
    return std::find(std::begin(kUnitKinds), std::end(kUnitKinds), k) != std::end(kUnitKinds);
}

KatoRole kato_role(const KatoEntry& e, const KatoEntry* parent) {
    KatoRole r;
    const std::string& k = e.unit_kind;
    auto unit = [&](std::string kind, int level) {
        r.unit = true;
        r.unit_kind = std::move(kind);
        r.unit_level = level;
    };
    if (e.depth == 1) {
        if (k == "city_republican") {
            unit("city_republican", 1);
            r.settlement = true;
            r.category = "city_republican";
        } else {
            unit("oblast", 1);
        }
    } else if (e.depth == 2) {
        if (k == "city_administration") unit("city_administration", 2);
        else if (k == "city_district") unit("city_raion", 2);
        else unit("district", 2);
    } else if (e.depth == 3) {
        if (k == "direct_city") {
            r.settlement = true;
            r.category = parent && parent->unit_kind == "city_administration" ? "city_oblast" : "city_district";
        } else if (k == "direct_kent") {
            r.settlement = true;
            r.category = "kent";
        } else if (k == "direct_village") {
            r.settlement = true;
            r.category = "aul";
        } else if (k == "rural_okrug" || k == "kent_administration" || k == "town_administration" ||
                   k == "village_administration" || k == "city_raion_administration") {
            unit(k, 3);
        } else {
            unit("other", 3);
        }
    } else if (e.depth == 4) {
        r.settlement = true;
        r.category = k == "city" ? "city_district" : k == "kent" ? "kent" : "aul";
    } else {
        r.sub_locality = true;
    }
    return r;
}

const std::vector<Indicator>& indicators() {
    static const std::vector<Indicator> list = {
        {"pop", true, Measure::Count, "persons", "resident population on 1 January"},
        {"pop_male", true, Measure::Count, "persons", "male residents on 1 January"},
        {"pop_female", true, Measure::Count, "persons", "female residents on 1 January"},
        {"pop_urban", true, Measure::Count, "persons", "urban residents on 1 January"},
        {"pop_rural", true, Measure::Count, "persons", "rural residents on 1 January"},
        {"pop_osm", false, Measure::Count, "persons", "OpenStreetMap population tag, undated"},
        {"births", true, Measure::Count, "persons", "live births in the year"},
        {"deaths", true, Measure::Count, "persons", "deaths in the year"},
        {"mig_in_int", true, Measure::Count, "persons", "arrivals from elsewhere in Kazakhstan"},
        {"mig_out_int", true, Measure::Count, "persons", "departures to elsewhere in Kazakhstan"},
        {"mig_in_ext", true, Measure::Count, "persons", "arrivals from abroad"},
        {"mig_out_ext", true, Measure::Count, "persons", "departures abroad"},
        {"emp_total", true, Measure::Count, "persons", "employed residents"},
        {"emp_agri", true, Measure::Count, "persons", "employed in agriculture, forestry, fishing (OKED A)"},
        {"emp_ind", true, Measure::Count, "persons", "employed in industry and construction (OKED B-F)"},
        {"emp_serv", true, Measure::Count, "persons", "employed in services (OKED G-U)"},
        {"emp_selfemp", true, Measure::Count, "persons", "self-employed"},
        {"emp_selfemp_agri", true, Measure::Count, "persons", "self-employed in agriculture"},
        {"jobs", true, Measure::Count, "jobs", "jobs located in the settlement"},
        {"infra_industry", true, Measure::Count, "objects", "industrial enterprises"},
        {"infra_utilities", true, Measure::Count, "objects", "utility networks and services"},
        {"infra_housing", true, Measure::Count, "objects", "state housing stock objects"},
        {"infra_education", true, Measure::Count, "objects", "schools and other education objects"},
        {"infra_culture", true, Measure::Count, "objects", "culture objects"},
        {"infra_health", true, Measure::Count, "objects", "health objects"},
        {"infra_trade", true, Measure::Count, "objects", "trade objects"},
        {"opinion_yes", true, Measure::Count, "persons", "residents supporting the proposed change"},
        {"opinion_no", true, Measure::Count, "persons", "residents opposing the proposed change"},
        {"opinion_participants", true, Measure::Count, "persons", "participants of the gathering or hearing"},
        {"opinion_eligible", true, Measure::Count, "persons", "adult residents eligible to take part"},
        {"budget_total", true, Measure::Money, "thousand tenge", "okrug budget revenue, total"},
        {"budget_own", true, Measure::Money, "thousand tenge", "okrug budget own revenue"},
    };
    return list;
}

const Indicator* find_indicator(std::string_view name) {
    static const std::unordered_map<std::string_view, const Indicator*> index = [] {
        std::unordered_map<std::string_view, const Indicator*> m;
        for (const auto& i : indicators()) m.emplace(i.name, &i);
        return m;
    }();
    auto it = index.find(name);
    return it == index.end() ? nullptr : it->second;
}

std::optional<StatField> parse_stat_field(std::string_view field) {
    // "indicator_YYYY" for a yearly indicator, else a whole name for an undated one.
    auto us = field.rfind('_');
    if (us != std::string_view::npos && field.size() - us == 5) {
        int year = 0;
        auto digits = field.substr(us + 1);
        auto r = std::from_chars(digits.data(), digits.data() + digits.size(), year);
        if (r.ec == std::errc() && r.ptr == digits.data() + digits.size()) {
            const Indicator* i = find_indicator(field.substr(0, us));
            if (i && i->yearly) return StatField{i, year};
        }
    }
    if (const Indicator* i = find_indicator(field); i && !i->yearly) return StatField{i, std::nullopt};
    return std::nullopt;
}

bool is_settlement(const Properties& p) {
    const Value* v = p.find(field::feature_type);
    return !v || is_null(*v) || as_text(*v) == kSettlement;
}

FieldFilter settlement_fields(std::function<bool(std::string_view)> wanted, bool others) {
    // Each filter has a number of its own, never reused, under which every
    // thread keeps its cache of answers.
    static std::atomic<std::uint64_t> filters{0};
    auto ask = std::make_shared<const std::function<bool(std::string_view)>>(std::move(wanted));
    return [ask, others, id = ++filters](std::string_view type, std::string_view key) {
        if (type != kSettlement) return others;
        thread_local std::unordered_map<std::uint64_t, std::unique_ptr<KeyCache<bool>>> caches;
        thread_local std::uint64_t last_id = 0;
        thread_local KeyCache<bool>* last = nullptr;
        if (last_id != id) {
            auto& cache = caches[id];
            if (!cache) cache = std::make_unique<KeyCache<bool>>([ask](std::string_view k) { return (*ask)(k); });
            last = cache.get();
            last_id = id;
        }
        return last->get(key);
    };
}

std::optional<int> field_year(std::string_view key, std::string_view indicator) {
    if (key.size() != indicator.size() + 5 || key[indicator.size()] != '_' || key.compare(0, indicator.size(), indicator) != 0)
        return std::nullopt;
    int year = 0;
    const char* digits = key.data() + indicator.size() + 1;
    auto r = std::from_chars(digits, digits + 4, year);
    if (r.ec != std::errc() || r.ptr != digits + 4) return std::nullopt;
    return year;
}

std::optional<double> latest_yearly(const Properties& p, std::string_view indicator) {
    const Indicator* wanted = find_indicator(indicator);
    if (!wanted || !wanted->yearly) return std::nullopt;
    std::optional<double> best;
    int best_year = -1;
    for (const auto& [k, v] : p.entries()) {
        auto year = field_year(k, indicator);
        if (!year) continue;
        auto n = as_number(v);
        if (n && *year > best_year) {
            best = n;
            best_year = *year;
        }
    }
    return best;
}

}  // namespace atd
