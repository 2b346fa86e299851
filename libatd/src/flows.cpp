#include <atd/csv.hpp>
#include <atd/error.hpp>
#include <atd/flows.hpp>
#include <atd/geo.hpp>
#include <atd/model.hpp>
#include <atd/zones.hpp>
#include <atd/memory.hpp>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <limits>

namespace atd {

namespace {

std::string round_text(double v, double scale) {
    return fixed_text(std::round(v * scale) / scale, scale >= 1000 ? 3 : 2);
}

// The latest value of a yearly indicator (e.g. emp_total_2023), or a named field.
std::optional<double> latest_value(const Properties& p, std::string_view indicator, const std::string& field_name) {
    if (!field_name.empty()) return p.get_number(field_name);
    return latest_yearly(p, indicator);
}

// All points, with their positions as ids.
PointIndex index_of(const std::vector<double>& lon, const std::vector<double>& lat) {
    PointIndex index;
    std::vector<std::size_t> ids(lon.size());
    for (std::size_t i = 0; i < ids.size(); ++i) ids[i] = i;
    index.build(lon, lat, ids);
    return index;
}

}  // namespace

namespace {

constexpr std::uint32_t kNotSettlement = UINT32_MAX;
std::size_t id_hash(std::string_view s) {
    std::uint64_t h = 1469598103934665603ull;  // FNV-1a
    for (unsigned char c : s) h = (h ^ c) * 1099511628211ull;
    return static_cast<std::size_t>(h ^ (h >> 29));
}
}  // namespace

TtwaParams ttwa_params(const Standards& st) {
    return {st.get("c6.ttwa_min_size"), st.get("c6.ttwa_target_size"), st.get("c6.ttwa_min_self_containment"),
            st.get("c6.ttwa_target_self_containment")};
}

double cz_cut_height(const Standards& st) { return st.get("c6.cz_cut_height"); }

SettlementIds::SettlementIds(std::initializer_list<std::pair<std::string, std::size_t>> ids) {
    for (const auto& [id, i] : ids) insert(id, i);
}

void SettlementIds::grow() {
    slots_.assign(std::max<std::size_t>(16, slots_.size() * 2), 0);
    std::size_t mask = slots_.size() - 1;
    for (std::size_t k = 0; k < ids_.size(); ++k) {
        std::size_t at = id_hash(ids_[k]) & mask;
        while (slots_[at]) at = (at + 1) & mask;
        slots_[at] = static_cast<std::uint32_t>(k + 1);
    }
}

bool SettlementIds::insert(std::string id, std::size_t index) {
    if (find(id)) return false;
    if (ids_.size() >= std::numeric_limits<std::uint32_t>::max() - 1) throw DataError("more than 4 billion settlements");
    ids_.push_back(std::move(id));
    index_.push_back(index);
    if (2 * ids_.size() > slots_.size()) {
        grow();
    } else {
        std::size_t mask = slots_.size() - 1, at = id_hash(ids_.back()) & mask;
        while (slots_[at]) at = (at + 1) & mask;
        slots_[at] = static_cast<std::uint32_t>(ids_.size());
    }
    return true;
}

std::optional<std::size_t> SettlementIds::find(std::string_view id) const {
    if (slots_.empty()) return std::nullopt;
    std::size_t mask = slots_.size() - 1;
    for (std::size_t at = id_hash(id) & mask; slots_[at]; at = (at + 1) & mask)
        if (ids_[slots_[at] - 1] == id) return index_[slots_[at] - 1];
    return std::nullopt;
}

std::vector<FlowRow> read_od_table(const std::string& path, const SettlementIds& ids,
                                   const FlowOptions& opts, FlowReport& report, Log& log) {
    CsvReader csv(path);
    std::error_code size_error;
    auto bytes = std::filesystem::file_size(path, size_error);
    return read_od_table(csv, ids, opts, report, log, size_error ? 0 : bytes);
}

std::vector<FlowRow> read_od_table(CsvReader& csv, const SettlementIds& ids, const FlowOptions& opts,
                                   FlowReport& report, Log& log, std::uintmax_t size_hint) {
    bool comma = csv.delimiter() == ';';
    auto co = csv.column(opts.origin_field), cd = csv.column(opts.destination_field);
    auto cp = csv.column(opts.persons_field);
    if (!cp && opts.persons_field == "persons") cp = csv.column_any({"flow", "commuters"});
    auto cv = csv.column(opts.vehicles_field);
    if (!co || !cd || !cp)
        throw DataError(csv.name() + ": line 1: needs the columns " + opts.origin_field + ", " +
                        opts.destination_field + " and " + opts.persons_field +
                        " (name them with --origin-field, --destination-field, --persons-field)");
    std::vector<FlowRow> out;
    // Pairs seen: open addressing on (origin << 32 | destination), empty = all ones.
    constexpr std::uint64_t kEmpty = ~std::uint64_t{0};
    std::vector<std::uint64_t> seen(1 << 16, kEmpty);
    std::size_t seen_count = 0;
    auto first_time = [&](std::uint64_t key) {
        if (2 * (seen_count + 1) > seen.size()) {
            std::vector<std::uint64_t> bigger(seen.size() * 2, kEmpty);
            for (std::uint64_t k : seen) {
                if (k == kEmpty) continue;
                std::size_t at = (k * 0x9E3779B97F4A7C15ull) >> 20 & (bigger.size() - 1);
                while (bigger[at] != kEmpty) at = (at + 1) & (bigger.size() - 1);
                bigger[at] = k;
            }
            seen.swap(bigger);
        }
        std::size_t mask = seen.size() - 1, at = (key * 0x9E3779B97F4A7C15ull) >> 20 & mask;
        for (; seen[at] != kEmpty; at = (at + 1) & mask)
            if (seen[at] == key) return false;
        seen[at] = key;
        ++seen_count;
        return true;
    };
    std::string last_origin;
    std::optional<std::size_t> last_origin_index;
    // Rows are about 20 bytes or more: reserve for a file, not one row at a time.
    if (size_hint > 0) out.reserve(static_cast<std::size_t>(size_hint / 20) + 16);
    std::vector<std::string> row;
    auto problem = [&](std::size_t& counter, const std::string& kind, const std::string& msg) {
        ++counter;
        if (opts.strict) throw DataError(csv.where() + ": " + msg);
        log.warn("od-" + kind, csv.where() + ": " + msg + " (counted; --strict makes it an error)");
    };
    while (csv.next(row)) {
        ++report.rows;
        std::string_view o = trim(row[*co]), d = trim(row[*cd]);
        double persons = 0;
        auto st = parse_number(row[*cp], persons, comma);
        if (st == NumberStatus::Empty) {
            ++report.empty;
            continue;
        }
        if (st != NumberStatus::Ok)
            throw DataError(csv.where() + ": " + csv.header()[*cp] + " '" + std::string(trim(row[*cp])) + "' " +
                            std::string(number_status_text(st)));
        double vehicles = -1;
        if (cv && !trim(row[*cv]).empty()) {
            auto sv = parse_number(row[*cv], vehicles, comma);
            if (sv != NumberStatus::Ok)
                throw DataError(csv.where() + ": " + csv.header()[*cv] + " '" + std::string(trim(row[*cv])) + "' " +
                                std::string(number_status_text(sv)));
            if (vehicles < 0) {
                problem(report.negative, "negative", "negative vehicle count " + std::string(trim(row[*cv])));
                continue;
            }
        }
        if (o != last_origin) {
            last_origin.assign(o);
            last_origin_index = ids.find(o);
        }
        auto io = last_origin_index, id = ids.find(d);
        if (!io || !id) {
            problem(report.unknown, "unknown", "code " + std::string(!io ? o : d) + " matches no settlement");
            continue;
        }
        if (persons < 0) {
            problem(report.negative, "negative", "negative count " + std::string(trim(row[*cp])));
            continue;
        }
        if (*io == *id) ++report.self;  // data (C_ii), not a problem, even with strict
        std::uint64_t key = (static_cast<std::uint64_t>(*io) << 32) | *id;
        if (!first_time(key)) {
            problem(report.duplicates, "duplicate",
                    "the pair " + std::string(o) + " to " + std::string(d) + " again; the first row is kept");
            continue;
        }
        ++report.used;
        report.persons += persons;
        out.push_back({*io, *id, persons, vehicles});
    }
    return out;
}

std::vector<FlowRow> radiation_flows(const std::vector<double>& lon, const std::vector<double>& lat,
                                     const std::vector<double>& population, const std::vector<double>& commuters,
                                     double max_km) {
    PointIndex index = index_of(lon, lat);
    std::vector<FlowRow> out;
    for (std::size_t i = 0; i < lon.size(); ++i) {
        if (!(commuters[i] > 0) || !(population[i] > 0)) continue;
        auto near = index.within(lon[i], lat[i], max_km);
        double m = population[i];
        double s = 0;       // population strictly closer than the current distance
        double group = 0;   // population at the current distance
        double group_d = -1;
        for (const auto& [j, d] : near) {
            if (j == i) continue;
            if (d != group_d) {
                s += group;
                group = 0;
                group_d = d;
            }
            double n = population[j];
            group += n;
            if (!(n > 0)) continue;
            double t = commuters[i] * m * n / ((m + s) * (m + n + s));
            if (t > 0) out.push_back({i, j, t, -1});
        }
    }
    return out;
}

std::vector<FlowRow> gravity_flows(const std::vector<double>& lon, const std::vector<double>& lat,
                                   const std::vector<double>& population, const std::vector<double>& commuters,
                                   double beta, double max_km) {
    PointIndex index = index_of(lon, lat);
    std::vector<FlowRow> out;
    for (std::size_t i = 0; i < lon.size(); ++i) {
        if (!(commuters[i] > 0)) continue;
        auto near = index.within(lon[i], lat[i], max_km);
        double total = 0;
        std::vector<std::pair<std::size_t, double>> w;
        for (const auto& [j, d] : near) {
            if (j == i || !(population[j] > 0)) continue;
            double weight = population[j] / std::pow(std::max(d, 0.1), beta);
            w.emplace_back(j, weight);
            total += weight;
        }
        for (const auto& [j, weight] : w) out.push_back({i, j, commuters[i] * weight / total, -1});
    }
    return out;
}

std::vector<FlowIndicators> flow_indicators(std::size_t n, const std::vector<FlowRow>& flows,
                                            const std::vector<std::optional<double>>& employed,
                                            const std::vector<std::optional<double>>& jobs) {
    std::vector<FlowIndicators> ind(n);
    std::vector<bool> has_self(n, false);
    // The flows between settlements by origin and by destination (counting sort).
    std::vector<std::uint32_t> out_start(n + 1, 0), in_start(n + 1, 0);
    for (const auto& f : flows) {
        auto& o = ind[f.origin];
        auto& d = ind[f.destination];
        if (f.origin == f.destination) {
            o.self += f.persons;
            has_self[f.origin] = true;
        } else {
            o.out += f.persons;
            d.in += f.persons;
            ++out_start[f.origin + 1];
            ++in_start[f.destination + 1];
            if (f.persons > o.dominant_persons ||
                (f.persons == o.dominant_persons && f.persons > 0 && f.destination < o.dominant)) {
                o.dominant_persons = f.persons;
                o.dominant = f.destination;
            }
        }
        if (f.vehicles >= 0) {
            o.vehicles_out = std::max(0.0, o.vehicles_out) + (f.origin == f.destination ? 0.0 : f.vehicles);
            if (f.origin != f.destination) d.vehicles_in = std::max(0.0, d.vehicles_in) + f.vehicles;
        }
    }
    for (std::size_t i = 0; i < n; ++i) {
        out_start[i + 1] += out_start[i];
        in_start[i + 1] += in_start[i];
    }
    struct Link {
        std::uint32_t partner;
        double persons;
    };
    std::vector<Link> out_links(out_start[n]), in_links(in_start[n]);
    {
        std::vector<std::uint32_t> out_at(out_start.begin(), out_start.end() - 1), in_at(in_start.begin(), in_start.end() - 1);
        for (const auto& f : flows) {
            if (f.origin == f.destination) continue;
            out_links[out_at[f.origin]++] = {static_cast<std::uint32_t>(f.destination), f.persons};
            in_links[in_at[f.destination]++] = {static_cast<std::uint32_t>(f.origin), f.persons};
        }
    }
    for (std::size_t i = 0; i < n; ++i) {
        auto& x = ind[i];
        if (employed[i]) {
            x.employed = *employed[i];
            x.employed_given = true;
            // Without a self-flow row, those who do not commute out work where they live.
            if (!has_self[i]) x.self = std::max(0.0, x.employed - x.out);
        } else {
            x.employed = x.self + x.out;
        }
    }
    for (std::size_t i = 0; i < n; ++i) {
        auto& x = ind[i];
        if (jobs[i]) {
            x.jobs = *jobs[i];
            x.jobs_given = true;
        } else {
            x.jobs = x.self + x.in;
        }
    }
    // PF to every partner, both directions summed, in a scratch row reset after each settlement.
    std::vector<double> both(n, 0.0);
    std::vector<std::uint32_t> touched;
    for (std::size_t i = 0; i < n; ++i) {
        touched.clear();
        auto add = [&](const Link& l) {
            if (both[l.partner] == 0.0) touched.push_back(l.partner);
            both[l.partner] += l.persons;
        };
        for (std::uint32_t k = out_start[i]; k < out_start[i + 1]; ++k) add(out_links[k]);
        for (std::uint32_t k = in_start[i]; k < in_start[i + 1]; ++k) add(in_links[k]);
        auto& partners = ind[i].partners;
        auto stronger = [](const std::pair<std::size_t, double>& p, const std::pair<std::size_t, double>& q) {
            return p.second > q.second || (p.second == q.second && p.first < q.first);
        };
        for (std::uint32_t j : touched) {
            double c = both[j];
            both[j] = 0.0;
            double lo = std::min(ind[i].employed, ind[j].employed);
            if (!(lo > 0) || !(c > 0)) continue;
            std::pair<std::size_t, double> p{j, std::min(0.999, c / lo)};
            if (partners.size() < 5) {
                partners.push_back(p);
                std::sort(partners.begin(), partners.end(), stronger);
            } else if (stronger(p, partners.back())) {
                partners.back() = p;
                std::sort(partners.begin(), partners.end(), stronger);
            }
        }
    }
    return ind;
}

FlowSummary run_flows(const FlowOptions& opts, FeatureSink& sink, Log& log) {
    if (opts.od.empty() == opts.model.empty())
        throw UsageError(opts.od.empty() ? "give the flows with --od FILE, or --model radiation|gravity"
                                         : "--od and --model exclude each other");
    if (!opts.model.empty() && opts.model != "radiation" && opts.model != "gravity")
        throw UsageError("--model must be radiation or gravity");
    if (!opts.zones.empty() && opts.zones != "ttwa" && opts.zones != "cz") throw UsageError("--zones must be ttwa or cz");
    if (!opts.zones.empty() && opts.lines) throw UsageError("--zones and --lines exclude each other");
    if (opts.zones.empty() && !opts.zones_output.path.empty()) throw UsageError("--zones-output needs --zones ttwa|cz");
    if (!(opts.cz_cut > 0 && opts.cz_cut < 1)) throw UsageError("--cz-cut must lie between 0 and 1");
    if (!(opts.ttwa.min_size >= 0 && opts.ttwa.target_size >= opts.ttwa.min_size))
        throw UsageError("the TTWA target size must be at least the minimum size");
    if (!(opts.ttwa.min_sc > 0 && opts.ttwa.min_sc <= opts.ttwa.target_sc && opts.ttwa.target_sc <= 1))
        throw UsageError("TTWA self-containment: need 0 < minimum <= target <= 1");
    FlowSummary sum;
    sum.modelled = !opts.model.empty();
    // First reading: the settlements, compactly (the features are read again
    // to be written, or kept in a temporary file when the input is a pipe).
    // Ids are checked as they are read, so that an error names its file and feature.
    const bool zone_features = !opts.zones_output.path.empty();
    std::optional<FeatureSpill> spill;
    if (!opts.lines && !rereadable(opts.inputs)) spill.emplace();
    SettlementIds ids;
    std::vector<std::string> id_text;
    std::vector<std::optional<std::string>> centre_names;
    std::vector<double> lon, lat, pop;
    std::vector<std::optional<double>> employed, jobs;
    std::vector<char> placed;
    std::vector<Geometry> shapes;  // with --zones-output: the settlements' geometries
    std::size_t feature_count = 0;
    std::vector<std::uint32_t> settlement_at;  // per feature: its settlement's index, or kNotSettlement
    {
        std::string text;
        // Read from a file, each settlement needs only the fields below (a
        // pipe's records are kept whole in the temporary file).
        ReadOptions read = opts.read;
        if (!spill) {
            read.keep_field = settlement_fields(
                [id = opts.id_field, population = opts.population_field, employed = opts.employed_field,
                 jobs = opts.jobs_field, names = zone_features ? opts.name_field : std::string(), zone_features](std::string_view k) {
                    if (k == id) return true;
                    if (population.empty() ? k == "pop_osm" || field_year(k, "pop") : k == population) return true;
                    if (employed.empty() ? field_year(k, "emp_total").has_value() : k == employed) return true;
                    if (jobs.empty() ? field_year(k, "jobs").has_value() : k == jobs) return true;
                    if (!zone_features) return false;
                    return names.empty() ? k == "name" || k == "name_ru" || k == "name_kk" : k == names;
                },
                false);
        }
        read_features(opts.inputs, read, log, [&](Feature& f, const FeatureOrigin& at) {
            ++feature_count;
            if (spill) {
                text.clear();
                append_feature_json(text, f);
                text.push_back('\n');
                spill->write(text);
            }
            if (!is_settlement(f.props)) {
                settlement_at.push_back(kNotSettlement);
                return;
            }
            settlement_at.push_back(static_cast<std::uint32_t>(id_text.size()));
            const auto& p = f.props;
            auto id = p.get_string(opts.id_field);
            if (!id || id->empty())
                throw DataError(at.where() + ": no '" + opts.id_field +
                                "' field to match the flows (name it with --id-field)");
            if (!ids.insert(*id, id_text.size())) throw DataError(at.where() + ": id " + *id + " appears twice");
            id_text.push_back(*id);
            double x = 0, y = 0;
            if (!f.geom.empty()) std::tie(x, y) = representative_point(f.geom);
            lon.push_back(x);
            lat.push_back(y);
            placed.push_back(!f.geom.empty());
            auto population = latest_value(p, "pop", opts.population_field);
            if (!population && opts.population_field.empty()) population = p.get_number("pop_osm");
            pop.push_back(population.value_or(0.0));
            employed.push_back(latest_value(p, "emp_total", opts.employed_field));
            jobs.push_back(latest_value(p, "jobs", opts.jobs_field));
            if (zone_features) {
                shapes.push_back(f.geom);
                std::optional<std::string> name;
                for (const std::string& fld : opts.name_field.empty() ? std::vector<std::string>{"name", "name_ru", "name_kk"}
                                                                      : std::vector<std::string>{opts.name_field})
                    if (!name) name = p.get_string(fld);
                centre_names.push_back(std::move(name));
            }
        });
    }
    std::size_t n = id_text.size();
    sum.settlements = n;
    Doing doing("computing the flows and indicators");
    std::vector<FlowRow> flows;
    if (!sum.modelled) {
        flows = read_od_table(opts.od, ids, opts, sum.report, log);
        log.info("flows: " + std::to_string(sum.report.rows) + " rows, " + std::to_string(sum.report.used) +
                 " used (" + std::to_string(sum.report.self) + " self-flows), " + std::to_string(sum.report.unknown) +
                 " with unknown codes, " + std::to_string(sum.report.duplicates) + " repeated pairs, " +
                 std::to_string(sum.report.negative) + " negative, " + std::to_string(sum.report.empty) + " empty");
    } else {
        std::vector<double> commuters(n), emp(n);
        std::size_t unplaced = 0;
        for (std::size_t i = 0; i < n; ++i) {
            if (!placed[i]) {
                ++unplaced;
                continue;
            }
            emp[i] = employed[i].value_or(opts.employment_rate * pop[i]);
            commuters[i] = opts.commuter_share * emp[i];
        }
        if (unplaced) log.warn("flows-unplaced", std::to_string(unplaced) + " settlements without a position take no part in the model");
        std::vector<double> pop_placed = pop;
        for (std::size_t i = 0; i < n; ++i)
            if (!placed[i]) pop_placed[i] = 0;
        flows = opts.model == "radiation" ? radiation_flows(lon, lat, pop_placed, commuters, opts.max_km)
                                          : gravity_flows(lon, lat, pop_placed, commuters, opts.beta, opts.max_km);
        // The employed who are not modelled as commuting out work where they live.
        std::vector<double> out(n, 0.0);
        for (const auto& f : flows) out[f.origin] += f.persons;
        for (std::size_t i = 0; i < n; ++i) {
            if (emp[i] > 0) flows.push_back({i, i, std::max(0.0, emp[i] - out[i]), -1});
            if (!employed[i] && emp[i] > 0) employed[i] = emp[i];
        }
        log.info("flows: " + std::to_string(flows.size()) + " modelled by the " + opts.model + " model (" +
                 std::to_string(n) + " settlements, commuter share " + round_text(opts.commuter_share, 100) + ")");
    }
    sum.flows = flows.size();
    std::string source = sum.modelled ? "modelled" : "observed";
    if (opts.lines) {
        for (const auto& f : flows) {
            if (f.origin == f.destination || f.persons < opts.min_persons) continue;
            if (!placed[f.origin] || !placed[f.destination]) continue;
            Feature line;
            auto id_of = [&](std::size_t i) { return id_text[i]; };
            line.props.append("feature_type", std::string("flow"));
            line.props.append("origin", id_of(f.origin));
            line.props.append("destination", id_of(f.destination));
            line.props.append("persons", std::round(f.persons * 1000) / 1000);
            line.props.append("vehicles", f.vehicles >= 0 ? Value{f.vehicles} : Value{});
            line.props.append("length_km",
                              std::round(geodesic_km(lon[f.origin], lat[f.origin], lon[f.destination], lat[f.destination]) * 1000) / 1000);
            line.props.append("flow_source", source);
            line.geom.type = GeomType::LineString;
            line.geom.xy = {lon[f.origin], lat[f.origin], lon[f.destination], lat[f.destination]};
            line.geom.ring_ends = {2};
            sink.write(line);
            ++sum.written;
        }
        sink.finish();
        return sum;
    }
    auto ind = flow_indicators(n, flows, employed, jobs);
    auto ratio = [](double a, double b) { return b > 0 ? Value{std::round(a / b * 1e4) / 1e4} : Value{}; };
    auto count = [](double v) { return Value{std::round(v * 1000) / 1000}; };
    auto id_of = [&](std::size_t j) -> const std::string& { return id_text[j]; };
    Zoning zoning;
    std::unique_ptr<FeatureSink> zone_sink;
    if (!opts.zones.empty()) {
        ZoneInput zi;
        for (std::size_t i = 0; i < n; ++i) {
            zi.employed.push_back(ind[i].employed);
            zi.jobs.push_back(ind[i].jobs);
            if (ind[i].self > 0) zi.flows.push_back({i, i, ind[i].self, -1});
        }
        for (const auto& f : flows)
            if (f.origin != f.destination) zi.flows.push_back(f);
        zoning = opts.zones == "ttwa" ? ttwa_zones(zi, opts.ttwa) : commuting_zones(zi, opts.cz_cut);
        sum.zones = zoning.zones.size();
        for (const auto& z : zoning.zones) sum.valid_zones += z.valid;
        if (!zoning.converged)
            log.warn("ttwa-limit", "the TTWA dissolutions stopped at their limit of " + std::to_string(zoning.steps) +
                                       ": zones still invalid are written as they stand (valid false)");
        if (opts.zones == "ttwa")
            log.info("zones: " + std::to_string(sum.zones) + " travel-to-work areas, " + std::to_string(sum.valid_zones) +
                     " valid, after " + std::to_string(zoning.steps) + " dissolutions");
        else
            log.info("zones: " + std::to_string(sum.zones) + " commuting zones after " + std::to_string(zoning.steps) +
                     " merges (cut at " + round_text(opts.cz_cut, 1000) + ")");
        if (!opts.zones_output.path.empty()) zone_sink = FeatureSink::open(opts.zones_output);
    }
    // Second reading: each feature written with its fields, on all threads.
    Log again_log({}, Verbosity::Quiet);  // warnings were given on the first reading
    const std::string changed = opts.inputs.front() + ": the input changed while it was read";
    auto add_fields = [&](Feature& f, std::size_t index) {
        bool settlement = is_settlement(f.props);
        if (index >= feature_count || settlement != (settlement_at[index] != kNotSettlement)) throw DataError(changed);
        if (!settlement) return;
        std::size_t i = settlement_at[index];
        const auto& x = ind[i];
        std::string partners;
        for (const auto& [j, pf] : x.partners)
            partners += (partners.empty() ? "" : ";") + id_of(j) + ":" + round_text(pf, 1e4);
        std::vector<Properties::Entry> out;
        out.emplace_back("employed", count(x.employed));
        out.emplace_back("employed_source", std::string(x.employed_given ? "given" : sum.modelled ? "modelled" : "flows"));
        out.emplace_back("jobs", count(x.jobs));
        out.emplace_back("jobs_source", std::string(x.jobs_given ? "given" : "flows"));
        out.emplace_back("commuters_out", count(x.out));
        out.emplace_back("commuters_in", count(x.in));
        out.emplace_back("sc_supply", ratio(x.self, x.employed));
        out.emplace_back("sc_demand", ratio(x.self, x.jobs));
        out.emplace_back("jobs_ratio", ratio(x.jobs, x.employed));
        out.emplace_back("dominant_destination", x.dominant != SIZE_MAX ? Value{id_of(x.dominant)} : Value{});
        out.emplace_back("dominant_share", x.dominant != SIZE_MAX ? ratio(x.dominant_persons, x.employed) : Value{});
        out.emplace_back("vehicles_out", x.vehicles_out >= 0 ? count(x.vehicles_out) : Value{});
        out.emplace_back("vehicles_in", x.vehicles_in >= 0 ? count(x.vehicles_in) : Value{});
        out.emplace_back("pf_partners", partners.empty() ? Value{} : Value{partners});
        out.emplace_back("flow_source", source);
        if (!opts.zones.empty()) {
            std::size_t z = zoning.zone_of[i];
            out.emplace_back("zone", z != SIZE_MAX ? Value{static_cast<std::int64_t>(z + 1)} : Value{});
            out.emplace_back("zone_centre", z != SIZE_MAX ? Value{id_of(zoning.zones[z].centre)} : Value{});
            out.emplace_back("zone_method", opts.zones);
        }
        f.props.set_all(std::move(out));
    };
    sum.written = map_features(spill ? std::vector<std::string>{spill->finish()} : opts.inputs,
                               spill ? FeatureSpill::read_options() : opts.read, again_log, sink, add_fields);
    if (sum.written != feature_count) throw DataError(changed);
    if (zone_sink) {
        for (std::size_t k = 0; k < zoning.zones.size(); ++k) {
            const Zone& z = zoning.zones[k];
            Feature out;
            std::vector<const Geometry*> parts;
            for (std::size_t u : z.units) parts.push_back(&shapes[u]);
            out.geom = dissolve_geometries(parts);
            auto& p = out.props;
            p.append("feature_type", std::string("zone"));
            p.append("zone", static_cast<std::int64_t>(k + 1));
            p.append("zone_method", opts.zones);
            p.append("centre", id_of(z.centre));
            const auto& centre_name = centre_names[z.centre];
            p.append("centre_name", centre_name ? Value{*centre_name} : Value{});
            p.append("units", static_cast<std::int64_t>(z.units.size()));
            p.append("employed", count(z.employed));
            p.append("jobs", count(z.jobs));
            p.append("internal", count(z.internal));
            p.append("sc_supply", ratio(z.internal, z.employed));
            p.append("sc_demand", ratio(z.internal, z.jobs));
            if (opts.zones == "ttwa") {
                p.append("valid", z.valid);
                p.append("isolated", z.isolated);
            }
            p.append("flow_source", source);
            zone_sink->write(out);
        }
        zone_sink->finish();
    }
    sink.finish();
    return sum;
}

}  // namespace atd
