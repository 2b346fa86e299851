#include <atd/error.hpp>
#include <atd/standards.hpp>

#include <toml++/toml.h>

#include <charconv>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <sstream>
#include <unistd.h>

namespace atd {

namespace fs = std::filesystem;

const std::vector<ParamSpec>& standards_schema() {
    static const std::vector<ParamSpec> schema = {
        {"city_republican.min_population", true},
        {"city_oblast.min_population", true},
        {"city_district.min_population", true},
        {"city_district.window_years", true},
        {"city_district.demotion_window_years", true},
        {"city_district.min_infrastructure_index", false},
        {"kent.min_population", true},
        {"kent.resort_min_population", true},
        {"aul.min_population", true},
        {"aul.window_years", true},
        {"okrug.min_settlements", true},
        {"okrug.min_population", true},
        {"windows.city_years", true},
        {"windows.rural_years", true},
        {"c1.declining_growth", false},
        {"c1.severe_growth", false},
        {"c2.structural_outmigration", false},
        {"c3.urban_centre_density", false},
        {"c3.urban_centre_population", true},
        {"c3.urban_cluster_density", false},
        {"c3.urban_cluster_population", true},
        {"c3.village_min_population", true},
        {"c3.dispersed_min_density", false},
        {"c4.attach_min_commuting_share", false},
        {"c4.detach_max_distance_km", false},
        {"c4.contiguity_max_km", false},
        {"c5.rural_min_agri_share", false},
        {"c5.urban_min_nonagri_share", false},
        {"c6.fua_min_share", false},
        {"c6.centre_min_jobs_ratio", false},
        {"c6.centre_min_demand_self_containment", false},
        {"c6.ttwa_min_size", true},
        {"c6.ttwa_target_size", true},
        {"c6.ttwa_min_self_containment", false},
        {"c6.ttwa_target_self_containment", false},
        {"c6.cz_cut_height", false},
        {"c7.weight_industry", false},
        {"c7.weight_utilities", false},
        {"c7.weight_housing", false},
        {"c7.weight_education_culture", false},
        {"c7.weight_health", false},
        {"c7.weight_trade", false},
        {"c8.min_support", false},
        {"c8.min_turnout", false},
        {"composite.weight_c1", false},
        {"composite.weight_c2", false},
        {"composite.weight_c3", false},
        {"composite.weight_c4", false},
        {"composite.weight_c5", false},
        {"composite.weight_c6", false},
        {"composite.weight_c7", false},
        {"composite.weight_c8", false},
        {"support.min_population", true},
        {"support.top_quantile", false},
        {"support.satellite_radius_km", false},
        {"support.target_count", true},
        {"support.target_population_share", false},
        {"merge.soft_floor_population", true},
        {"merge.max_distance_km", false},
        {"merge.max_members", true},
        {"merge.self_sufficiency_target", false},
        {"merge.lambda_per_1000_person_km", false},
        {"merge.mu_per_pf", false},
    };
    return schema;
}

namespace {

const ParamSpec* find_spec(std::string_view key) {
    for (const auto& s : standards_schema())
        if (s.key == key) return &s;
    return nullptr;
}

std::string at(const std::string& name, const toml::source_region& r) {
    return name + ": line " + std::to_string(r.begin.line);
}

// Only rates and growth thresholds may be negative; windows are at least a year.
// Shares and indices lie in [0, 1]; windows are 1 to 100 years.
bool is_share(std::string_view key) {
    for (std::string_view part : {"share", "self_containment", "min_support", "turnout", "quantile", "infrastructure_index",
                                  "cut_height", "sufficiency"})
        if (key.find(part) != std::string_view::npos) return true;
    return false;
}

std::string range_problem(std::string_view key, double v) {
    bool may_be_negative = key.find("growth") != std::string_view::npos ||
                           key.find("outmigration") != std::string_view::npos;
    if (v < 0 && !may_be_negative) return "must not be negative";
    if (key.ends_with("_years") && (v < 1 || v > 100)) return "must be 1 to 100 years";
    if (!may_be_negative && is_share(key) && v > 1) return "is a share and must not be above 1";
    return {};
}

// A weight set whose weights are all 0 weighs nothing: the first key of such a set, or empty.
std::string_view zero_weight_set(const std::function<double(std::string_view)>& get) {
    for (std::string_view prefix : {"composite.weight_", "c7.weight_"}) {
        bool any = false;
        std::string_view first;
        for (const auto& spec : standards_schema()) {
            if (!spec.key.starts_with(prefix)) continue;
            if (first.empty()) first = spec.key;
            any = any || get(spec.key) > 0;
        }
        if (!first.empty() && !any) return prefix;
    }
    return {};
}

bool known_section(std::string_view section) {
    for (const auto& s : standards_schema())
        if (s.key.substr(0, s.key.find('.')) == section) return true;
    return false;
}

bool valid_label(std::string_view l) { return l == "LAW" || l == "OFFICIAL" || l == "STD" || l == "PROPOSED"; }

// What a profile may hand the TOML parser, which recurses on nesting and on
// the parts of a dotted key: a profile is a page of keys, not a stack test.
constexpr std::size_t kMaxProfileBytes = 1 << 20, kMaxLine = 4096;
constexpr int kMaxDepth = 8, kMaxKeyParts = 8;

// What is open at the end of a line: brackets, and a multi-line string (""" or ''').
struct OpenState {
    std::string brackets;
    char multiline = 0;
};

// The first bound a line breaks, or empty: its length, the nesting of its
// arrays and inline tables, or the parts of a dotted key, outside strings
// and comments.
std::string line_problem(std::string_view line, OpenState& st) {
    if (line.size() > kMaxLine) return "longer than " + std::to_string(kMaxLine) + " characters";
    std::string& open = st.brackets;
    bool in_key = open.empty() || open.back() == '{';
    int dots = 0;
    char quote = 0;
    for (std::size_t i = 0; i < line.size(); ++i) {
        char c = line[i];
        bool triple = line.compare(i, 3, std::string(3, c)) == 0;
        if (st.multiline) {
            if (c == '\\' && st.multiline == '"') ++i;
            else if (c == st.multiline && triple) st.multiline = 0, i += 2;
            continue;
        }
        if (quote) {
            if (c == '\\' && quote == '"') ++i;
            else if (c == quote) quote = 0;
            continue;
        }
        if (c == '#') break;
        if ((c == '"' || c == '\'') && triple) {
            st.multiline = c;
            i += 2;
        } else if (c == '"' || c == '\'') {
            quote = c;
        } else if (c == '=') {
            in_key = false;
        } else if (c == '.' && in_key) {
            if (++dots >= kMaxKeyParts) return "a dotted key of more than " + std::to_string(kMaxKeyParts) + " parts";
        } else if ((c == '[' && !in_key) || c == '{') {
            open.push_back(c);
            if (open.size() > static_cast<std::size_t>(kMaxDepth))
                return "arrays or tables nested more than " + std::to_string(kMaxDepth) + " deep";
            in_key = c == '{';
            dots = 0;
        } else if (!open.empty() && ((c == ']' && open.back() == '[') || (c == '}' && open.back() == '{'))) {
            open.pop_back();
        } else if (c == ',' && !open.empty() && open.back() == '{') {
            in_key = true;
            dots = 0;
        }
    }
    return {};
}

// Refuses, with the bound and the line, a profile the parser should not see.
void check_bounds(std::string_view text, const std::string& name) {
    if (text.size() > kMaxProfileBytes)
        throw DataError(name + ": larger than " + std::to_string(kMaxProfileBytes >> 20) + " MiB: not a standards profile");
    OpenState open;
    std::size_t line_no = 0;
    while (!text.empty()) {
        ++line_no;
        std::size_t end = text.find('\n');
        std::string why = line_problem(text.substr(0, end), open);
        if (!why.empty()) throw DataError(name + ": line " + std::to_string(line_no) + ": " + why);
        text = end == std::string_view::npos ? std::string_view{} : text.substr(end + 1);
    }
}

}  // namespace

Standards Standards::parse(std::string_view text, const std::string& name) {
    check_bounds(text, name);
    toml::table root;
    try {
        root = toml::parse(text, name);
    } catch (const toml::parse_error& e) {
        throw DataError(name + ": line " + std::to_string(e.source().begin.line) + ": " +
                        std::string(e.description()));
    }
    Standards s;
    s.path_ = name;
    for (const auto& [section_key, section_node] : root) {
        std::string section(section_key.str());
        const toml::table* table = section_node.as_table();
        if (!table)
            throw DataError(at(name, section_node.source()) + ": '" + section + "' must be a table");
        if (section == "profile") {
            for (const auto& [k, v] : *table) {
                std::string key(k.str());
                if (key != "name" && key != "description")
                    throw DataError(at(name, v.source()) + ": unknown key 'profile." + key + "'");
                if (!v.is_string())
                    throw DataError(at(name, v.source()) + ": 'profile." + key + "' must be a string");
                if (key == "name") s.name_ = *v.value<std::string>();
            }
            continue;
        }
        if (!known_section(section) && table->empty())
            throw DataError(at(name, section_node.source()) + ": unknown section '" + section + "'");
        for (const auto& [k, v] : *table) {
            std::string key = section + "." + std::string(k.str());
            const ParamSpec* spec = find_spec(key);
            if (!spec) throw DataError(at(name, v.source()) + ": unknown key '" + key + "'");
            const toml::table* p = v.as_table();
            if (!p)
                throw DataError(at(name, v.source()) + ": '" + key +
                                "' must be { value = ..., label = ..., source = ... }");
            Param param;
            param.line = v.source().begin.line;
            for (const auto& [pk, pv] : *p) {
                std::string field(pk.str());
                if (field == "value") {
                    if (pv.is_integer()) {
                        param.value = static_cast<double>(*pv.value<std::int64_t>());
                    } else if (pv.is_floating_point()) {
                        if (spec->integer)
                            throw DataError(at(name, pv.source()) + ": '" + key + "' must be a whole number");
                        param.value = *pv.value<double>();
                    } else {
                        throw DataError(at(name, pv.source()) + ": '" + key + "' value must be a number");
                    }
                    if (!std::isfinite(param.value))
                        throw DataError(at(name, pv.source()) + ": '" + key + "' value must be finite");
                } else if (field == "label" || field == "source" || field == "note") {
                    if (!pv.is_string())
                        throw DataError(at(name, pv.source()) + ": '" + key + "." + field + "' must be a string");
                    std::string t = *pv.value<std::string>();
                    if (field == "label") param.label = t;
                    else if (field == "source") param.source = t;
                    else param.note = t;
                } else {
                    throw DataError(at(name, pv.source()) + ": unknown field '" + field + "' in '" + key + "'");
                }
            }
            std::string where = name + ": line " + std::to_string(param.line) + ": '" + key + "'";
            if (!p->contains("value")) throw DataError(where + " has no value");
            if (!valid_label(param.label))
                throw DataError(where + " needs a label: LAW, OFFICIAL, STD or PROPOSED");
            if (param.source.empty()) throw DataError(where + " needs a source key");
            if (auto problem = range_problem(key, param.value); !problem.empty())
                throw DataError(where + " " + problem);
            s.params_.emplace(key, std::move(param));
        }
    }
    for (const auto& spec : standards_schema())
        if (!s.params_.count(spec.key))
            throw DataError(name + ": missing required value '" + std::string(spec.key) + "'");
    if (auto set = zero_weight_set([&](std::string_view k) { return s.get(k); }); !set.empty())
        throw DataError(name + ": line " +
                        std::to_string(s.params_.at(std::string(set) + (set == "c7.weight_" ? "industry" : "c1")).line) +
                        ": every '" + std::string(set) + "*' is 0: the weights must not all be 0");
    if (s.name_.empty()) s.name_ = fs::path(name).stem().string();
    return s;
}

Standards Standards::load(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw DataError(path + ": cannot read the standards profile");
    // One byte past the bound is enough to refuse it (a device such as /dev/zero never ends).
    std::string text(kMaxProfileBytes + 1, '\0');
    in.read(text.data(), static_cast<std::streamsize>(text.size()));
    text.resize(static_cast<std::size_t>(in.gcount()));
    if (in.bad()) throw DataError(path + ": cannot read the standards profile");
    return parse(text, path);
}

std::string Standards::default_path() {
    if (const char* env = std::getenv("ATD_STANDARDS"); env && *env) return env;
    char buf[4096];
    ssize_t n = readlink("/proc/self/exe", buf, sizeof buf - 1);
    if (n > 0) {
        fs::path exe(std::string(buf, static_cast<std::size_t>(n)));
        fs::path installed = exe.parent_path().parent_path() / "share" / "atd" / "standards" / "kz.toml";
        if (fs::exists(installed)) return installed.string();
    }
    return ATD_SOURCE_STANDARDS;
}

const Param& Standards::param(std::string_view key) const {
    auto it = params_.find(key);
    if (it == params_.end()) throw UsageError("unknown standards key '" + std::string(key) + "'");
    return it->second;
}

double Standards::get(std::string_view key) const { return param(key).value; }

bool Standards::has(std::string_view key) const { return params_.count(key) > 0; }

void Standards::set(std::string_view key, double value) {
    auto it = params_.find(key);
    if (it == params_.end()) throw UsageError("unknown standards key '" + std::string(key) + "'");
    const ParamSpec* spec = find_spec(key);
    if (!std::isfinite(value)) throw UsageError("'" + std::string(key) + "' must be a finite number");
    if (spec && spec->integer && std::nearbyint(value) != value)
        throw UsageError("'" + std::string(key) + "' must be a whole number");
    if (auto problem = range_problem(key, value); !problem.empty())
        throw UsageError("'" + std::string(key) + "' " + problem);
    double before = it->second.value;
    it->second.value = value;
    if (auto set = zero_weight_set([&](std::string_view k) { return get(k); }); !set.empty()) {
        it->second.value = before;
        throw UsageError("'" + std::string(key) + "': every '" + std::string(set) + "*' would be 0");
    }
}

void Standards::set_from_text(std::string_view assignment) {
    auto eq = assignment.find('=');
    if (eq == std::string_view::npos) throw UsageError("expected KEY=VALUE, found '" + std::string(assignment) + "'");
    std::string_view key = assignment.substr(0, eq), text = assignment.substr(eq + 1);
    double v = 0;
    auto r = std::from_chars(text.data(), text.data() + text.size(), v);
    if (r.ec != std::errc() || r.ptr != text.data() + text.size())
        throw UsageError("'" + std::string(text) + "' is not a number for '" + std::string(key) + "'");
    set(key, v);
}

std::vector<std::string> Standards::keys() const {
    std::vector<std::string> out;
    for (const auto& [k, p] : params_) out.push_back(k);
    return out;
}

std::string Standards::cite(std::string_view key) const {
    const Param& p = param(key);
    return p.label + " " + p.source;
}

}  // namespace atd
