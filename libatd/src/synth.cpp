#include <atd/error.hpp>
#include <atd/geojson.hpp>
#include <atd/io.hpp>
#include <atd/synth.hpp>
#include <atd/version.hpp>

#include <algorithm>
#include <array>
#include <charconv>
#include <cerrno>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <memory>
#include <string_view>
#include <vector>

// Proportions (see man atd-synth): cities 1.4 % of the settlements and kents
// 0.7 % (BNS: 89 cities and 42 kents among about 6.4 thousand settlements,
// 2023); auls log-normal with median 430 and sigma 1.4 (the villages' population
// in datasets/kz/population_osm.csv: quartiles 160, 432, 1084, 6.7 % at 50 or
// fewer); about 2.8 settlements per rural okrug (6,285 settlements in 2,132 rural
// okrugs, datasets/kz/kato.csv); city sizes Zipf-like from 2.2 million down.

namespace atd {

namespace fs = std::filesystem;

namespace {

constexpr double kPi = 3.14159265358979323846;
constexpr double kKmPerDegLat = 110.57, kKmPerDegLon = 111.32;
constexpr double kCityShare = 0.014, kKentShare = 0.007, kSettlementsPerOkrug = 2.8;
// The country's box at Kazakhstan's density (about its area for its 6,400
// settlements), grown with the settlements up to four times that area (60 by
// 24 degrees); past 25,600 settlements the density rises (at a million, about
// 0.09 settlements per km2, under half India's village density).
constexpr double kBoxLon = 30.0, kBoxLat = 12.0, kCentreLon = 67.0, kCentreLat = 48.0;
constexpr double kRealSettlements = 6400.0, kMaxBoxScale = 2.0;
constexpr std::uint32_t kMaxOblasts = 90, kMaxSide = 9;

enum Tag : std::uint64_t { kLayout = 1, kVertex, kPlace, kDetail, kFlow, kRoad, kUnitData };
enum Category : std::uint8_t { kCityOblast, kCityDistrict, kKent, kAul };
enum CellKind : std::uint8_t { kRural, kTown, kKentCell };
enum Centre : std::uint8_t { kNoCentre, kOkrugCentre, kDistrictCentre };

const char* category_name(std::uint8_t c) {
    static const char* names[] = {"city_oblast", "city_district", "kent", "aul"};
    return names[c];
}

std::uint64_t splitmix64(std::uint64_t& x) {
    std::uint64_t z = (x += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}

// A seed for one entity of one kind: the same whatever order things are made in.
std::uint64_t seed_for(std::uint64_t seed, Tag tag, std::uint64_t index) {
    std::uint64_t x = seed ^ (static_cast<std::uint64_t>(tag) << 56);
    splitmix64(x);
    x ^= index * 0xD6E8FEB86659FD93ULL;
    return splitmix64(x);
}

// xoshiro256**: the same numbers on every platform.
class Rng {
public:
    explicit Rng(std::uint64_t seed) {
        for (auto& w : s_) w = splitmix64(seed);
    }
    std::uint64_t next() {
        std::uint64_t result = rotl(s_[1] * 5, 7) * 9, t = s_[1] << 17;
        s_[2] ^= s_[0];
        s_[3] ^= s_[1];
        s_[1] ^= s_[2];
        s_[0] ^= s_[3];
        s_[2] ^= t;
        s_[3] = rotl(s_[3], 45);
        return result;
    }
    double uniform() { return static_cast<double>(next() >> 11) * 0x1.0p-53; }
    double uniform(double a, double b) { return a + (b - a) * uniform(); }
    std::uint64_t below(std::uint64_t n) { return n ? next() % n : 0; }
    bool chance(double p) { return uniform() < p; }
    double normal() {
        double u1 = std::max(uniform(), 1e-300), u2 = uniform();
        return std::sqrt(-2.0 * std::log(u1)) * std::cos(2.0 * kPi * u2);
    }
    double lognormal(double median, double sigma) { return median * std::exp(sigma * normal()); }

private:
    static std::uint64_t rotl(std::uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
    std::array<std::uint64_t, 4> s_{};
};

double round6(double x) { return std::round(x * 1e6) / 1e6; }

std::int64_t whole(double x) { return static_cast<std::int64_t>(std::llround(std::max(0.0, x))); }

// Cells [x0, x1) x [y0, y1) of the lattice.
struct Block {
    std::uint32_t x0, x1, y0, y1;
    std::uint32_t cells() const { return (x1 - x0) * (y1 - y0); }
};

struct District {
    Block block;
    std::uint32_t oblast, number;  // number: BB of the code
    std::uint32_t gx, gy;          // position in the grid of districts
};

struct Oblast {
    Block block;
    std::uint32_t number;  // AA of the code
};

struct Cell {
    std::uint32_t x, y, district;
    std::uint32_t first = 0, count = 0;  // its settlements
    std::uint8_t number = 0, kind = kRural;
};

struct Place {
    double lon, lat;
    float pop;
    std::uint32_t emp, cell;
    std::uint8_t category, centre = kNoCentre;
};

// Splits total into parts of at most side (and varied a little), as offsets.
std::vector<std::uint32_t> split(std::uint32_t total, std::uint32_t side, Rng& rng) {
    std::uint32_t parts = (total + side - 1) / side;
    std::vector<std::uint32_t> size(parts, total / parts);
    for (std::uint32_t i = 0; i < total % parts; ++i) ++size[i];
    for (std::uint32_t t = 0; t < parts; ++t) {
        auto i = static_cast<std::uint32_t>(rng.below(parts)), j = static_cast<std::uint32_t>(rng.below(parts));
        if (i != j && size[i] > 1 && size[i] + 2 > side && size[j] < side) {
            --size[i];
            ++size[j];
        }
    }
    std::vector<std::uint32_t> offsets{0};
    for (auto s : size) offsets.push_back(offsets.back() + s);
    return offsets;
}

// The lattice, its districts and oblasts, its cells and settlements.
class Country {
public:
    Country(const SynthOptions& o) : opts_(o) {
        plan();
        assign_cells();
        place_settlements();
    }

    std::pair<double, double> vertex(std::uint32_t i, std::uint32_t j) const {
        Rng r(seed_for(opts_.seed, kVertex, static_cast<std::uint64_t>(j) * (gx_ + 1) + i));
        double jx = r.uniform(-0.2, 0.2), jy = r.uniform(-0.2, 0.2);
        return {round6(lon0_ + (i + jx) * dlon_), round6(lat0_ + (j + jy) * dlat_)};
    }

    // The boundary of a block of cells, counter-clockwise, closed, through every lattice vertex on it.
    std::vector<std::pair<double, double>> ring(const Block& b) const {
        std::vector<std::pair<double, double>> r;
        for (auto i = b.x0; i < b.x1; ++i) r.push_back(vertex(i, b.y0));
        for (auto j = b.y0; j < b.y1; ++j) r.push_back(vertex(b.x1, j));
        for (auto i = b.x1; i > b.x0; --i) r.push_back(vertex(i, b.y1));
        for (auto j = b.y1; j > b.y0; --j) r.push_back(vertex(b.x0, j));
        r.push_back(r.front());
        return r;
    }

    const SynthOptions& opts_;
    std::uint32_t gx_ = 1, gy_ = 1;
    double lon0_ = 0, lat0_ = 0, dlon_ = 1, dlat_ = 1;
    std::vector<Oblast> oblasts_;
    std::vector<District> districts_;      // in code order
    std::vector<std::uint32_t> district_at_;  // grid position -> district
    std::uint32_t dgx_ = 1, dgy_ = 1;         // the grid of districts
    std::vector<Cell> cells_;                 // in code order
    std::vector<Place> places_;               // in code order
    std::vector<std::uint32_t> district_centre_, cell_centre_;
    std::uint64_t cities_ = 0, kents_ = 0;

private:
    void plan();
    void assign_cells();
    void place_settlements();
};

void Country::plan() {
    double n = static_cast<double>(opts_.settlements);
    double scale = std::min(kMaxBoxScale, std::sqrt(n / kRealSettlements));
    double width = kBoxLon * scale, height = kBoxLat * scale;
    double aspect = width * std::cos(kCentreLat * kPi / 180) * kKmPerDegLon / (height * kKmPerDegLat);
    // Districts up to 9 x 9 cells and oblasts up to 9 x 9 districts, at most 90
    // oblasts: KATO's two digits per level. Past that, okrugs get more settlements.
    std::uint32_t side = 4, oside = 4;
    for (double per_cell = kSettlementsPerOkrug;; per_cell *= 1.25) {
        double cells = std::max(1.0, std::floor(n / per_cell));
        gx_ = std::max<std::uint32_t>(1, static_cast<std::uint32_t>(std::llround(std::sqrt(cells * aspect))));
        gy_ = std::max<std::uint32_t>(1, static_cast<std::uint32_t>(cells / gx_));
        bool fits = false;
        for (side = 4; side <= kMaxSide && !fits; ++side)
            for (oside = 4; oside <= kMaxSide && !fits; ++oside) {
                std::uint32_t dx = (gx_ + side - 1) / side, dy = (gy_ + side - 1) / side;
                fits = ((dx + oside - 1) / oside) * ((dy + oside - 1) / oside) <= kMaxOblasts;
            }
        if (fits) {
            --side;
            --oside;
            break;
        }
    }
    lon0_ = kCentreLon - width / 2;
    lat0_ = kCentreLat - height / 2;
    dlon_ = width / gx_;
    dlat_ = height / gy_;
    Rng rng(seed_for(opts_.seed, kLayout, 0));
    auto dcol = split(gx_, side, rng), drow = split(gy_, side, rng);
    dgx_ = static_cast<std::uint32_t>(dcol.size() - 1);
    dgy_ = static_cast<std::uint32_t>(drow.size() - 1);
    auto ocol = split(dgx_, oside, rng), orow = split(dgy_, oside, rng);
    district_at_.assign(static_cast<std::size_t>(dgx_) * dgy_, 0);
    for (std::size_t oy = 0; oy + 1 < orow.size(); ++oy)
        for (std::size_t ox = 0; ox + 1 < ocol.size(); ++ox) {
            auto o = static_cast<std::uint32_t>(oblasts_.size());
            oblasts_.push_back({{dcol[ocol[ox]], dcol[ocol[ox + 1]], drow[orow[oy]], drow[orow[oy + 1]]}, 10 + o});
            std::uint32_t number = 0;
            for (auto y = orow[oy]; y < orow[oy + 1]; ++y)
                for (auto x = ocol[ox]; x < ocol[ox + 1]; ++x) {
                    district_at_[static_cast<std::size_t>(y) * dgx_ + x] = static_cast<std::uint32_t>(districts_.size());
                    districts_.push_back({{dcol[x], dcol[x + 1], drow[y], drow[y + 1]}, o, ++number, x, y});
                }
        }
    for (std::uint32_t d = 0; d < districts_.size(); ++d) {
        const auto& b = districts_[d].block;
        std::uint8_t number = 0;
        for (auto y = b.y0; y < b.y1; ++y)
            for (auto x = b.x0; x < b.x1; ++x) {
                Cell c{x, y, d};
                c.number = ++number;
                cells_.push_back(c);
            }
    }
}

void Country::assign_cells() {
    std::uint64_t n = opts_.settlements, cells = cells_.size();
    cities_ = static_cast<std::uint64_t>(std::llround(static_cast<double>(n) * kCityShare));
    kents_ = static_cast<std::uint64_t>(std::llround(static_cast<double>(n) * kKentShare));
    // Each town and kent has a cell of its own; every rural okrug keeps at least one aul.
    while (cities_ + kents_ > 0 && cities_ + kents_ >= cells) (kents_ ? kents_ : cities_)--;
    Rng rng(seed_for(opts_.seed, kLayout, 1));
    std::vector<std::uint32_t> order(districts_.size());
    for (std::uint32_t i = 0; i < order.size(); ++i) order[i] = i;
    for (std::size_t i = order.size(); i > 1; --i) std::swap(order[i - 1], order[rng.below(i)]);
    std::vector<std::uint32_t> first_cell(districts_.size() + 1, 0);
    for (std::uint32_t c = 0; c < cells; ++c) first_cell[cells_[c].district + 1] = c + 1;
    for (std::size_t d = 1; d < first_cell.size(); ++d) first_cell[d] = std::max(first_cell[d], first_cell[d - 1]);
    auto take = [&](std::uint32_t lo, std::uint32_t hi, std::uint8_t kind) {
        for (int attempt = 0; attempt < 20; ++attempt) {
            auto c = lo + static_cast<std::uint32_t>(rng.below(hi - lo));
            if (cells_[c].kind == kRural) return cells_[c].kind = kind, true;
        }
        for (auto c = lo; c < hi; ++c)
            if (cells_[c].kind == kRural) return cells_[c].kind = kind, true;
        return false;
    };
    // Cities go round the districts, largest first, so that most districts have a town.
    for (std::uint64_t r = 0, d = 0; r < cities_; ++r)
        for (bool placed = false; !placed; ++d) {
            auto district = order[d % order.size()];
            placed = take(first_cell[district], first_cell[district + 1], kTown);
        }
    // Two kents in five are suburbs: next to a town, whose jobs draw them.
    std::vector<std::uint32_t> towns, at(static_cast<std::size_t>(gx_) * gy_);
    for (std::uint32_t c = 0; c < cells; ++c) {
        at[static_cast<std::size_t>(cells_[c].y) * gx_ + cells_[c].x] = c;
        if (cells_[c].kind == kTown) towns.push_back(c);
    }
    auto beside_town = [&] {
        const auto& t = cells_[towns[rng.below(towns.size())]];
        auto turn = rng.below(8);
        for (std::uint64_t k = 0; k < 8; ++k) {
            static const int dx[] = {1, 1, 0, -1, -1, -1, 0, 1}, dy[] = {0, 1, 1, 1, 0, -1, -1, -1};
            auto x = static_cast<std::int64_t>(t.x) + dx[(k + turn) % 8], y = static_cast<std::int64_t>(t.y) + dy[(k + turn) % 8];
            if (x < 0 || y < 0 || x >= gx_ || y >= gy_) continue;
            auto& c = cells_[at[static_cast<std::size_t>(y) * gx_ + static_cast<std::size_t>(x)]];
            if (c.kind == kRural) return c.kind = kKentCell, true;
        }
        return false;
    };
    for (std::uint64_t k = 0; k < kents_; ++k)
        if (!(!towns.empty() && rng.chance(0.4) && beside_town())) take(0, static_cast<std::uint32_t>(cells), kKentCell);
    std::vector<std::uint32_t> rural;
    for (std::uint32_t c = 0; c < cells; ++c) {
        cells_[c].count = 1;
        if (cells_[c].kind == kRural) rural.push_back(c);
    }
    std::uint64_t auls = n - cities_ - kents_;
    if (auls < rural.size()) throw std::logic_error("synth: fewer auls than rural okrugs");
    for (std::uint64_t e = rural.size(); e < auls; ++e) ++cells_[rural[rng.below(rural.size())]].count;
}

void Country::place_settlements() {
    Rng rng(seed_for(opts_.seed, kPlace, 0));
    // City sizes: Zipf-like over ranks rescaled to Kazakhstan's 89 cities, 2.2 million down to about 8,000.
    std::vector<float> town_pop;
    for (std::uint64_t r = 0; r < cities_; ++r) {
        double x = 1.0 + static_cast<double>(r) * 89.0 / static_cast<double>(cities_);
        town_pop.push_back(static_cast<float>(2.2e6 * std::pow(x, -1.25) * rng.uniform(0.9, 1.1)));
    }
    // Towns in code order get the sizes in a shuffled order, so that big cities are spread.
    for (std::size_t i = town_pop.size(); i > 1; --i) std::swap(town_pop[i - 1], town_pop[rng.below(i)]);
    std::size_t next_town = 0;
    places_.reserve(opts_.settlements);
    cell_centre_.assign(cells_.size(), 0);
    district_centre_.assign(districts_.size(), 0);
    for (std::uint32_t c = 0; c < cells_.size(); ++c) {
        auto& cell = cells_[c];
        cell.first = static_cast<std::uint32_t>(places_.size());
        auto a = vertex(cell.x, cell.y), b = vertex(cell.x + 1, cell.y), cc = vertex(cell.x + 1, cell.y + 1),
             d = vertex(cell.x, cell.y + 1);
        for (std::uint32_t q = 0; q < cell.count; ++q) {
            Place p{};
            p.cell = c;
            double lo = 0.08, hi = 0.92;
            if (cell.kind == kTown) {
                p.pop = town_pop[next_town++];
                p.category = p.pop >= 50000 ? kCityOblast : kCityDistrict;
                lo = 0.3, hi = 0.7;
            } else if (cell.kind == kKentCell) {
                p.pop = static_cast<float>(std::min(60000.0, rng.lognormal(4800, 0.5)));
                p.category = kKent;
                lo = 0.3, hi = 0.7;
            } else {
                p.pop = static_cast<float>(std::clamp(std::round(rng.lognormal(430, 1.4)), 5.0, 40000.0));
                p.category = kAul;
            }
            double u = rng.uniform(lo, hi), v = rng.uniform(lo, hi);
            p.lon = round6((1 - u) * (1 - v) * a.first + u * (1 - v) * b.first + u * v * cc.first + (1 - u) * v * d.first);
            p.lat = round6((1 - u) * (1 - v) * a.second + u * (1 - v) * b.second + u * v * cc.second +
                           (1 - u) * v * d.second);
            p.emp = static_cast<std::uint32_t>(whole(p.pop * rng.uniform(0.40, 0.50)));
            places_.push_back(p);
        }
        std::uint32_t best = cell.first;
        for (auto i = cell.first; i < cell.first + cell.count; ++i)
            if (places_[i].pop > places_[best].pop) best = i;
        cell_centre_[c] = best;
        places_[best].centre = kOkrugCentre;
        auto& centre = district_centre_[cell.district];
        if (cell.number == 1 || places_[best].pop > places_[centre].pop) centre = best;
    }
    for (auto i : district_centre_) places_[i].centre = kDistrictCentre;
}

// A buffered writer on an output file that throws on a write error.
class Out {
public:
    Out(const fs::path& path) : file_(path.string(), true) { buf_.reserve(kChunk + 65536); }
    std::string& buf() { return buf_; }
    void line_done() {
        buf_ += '\n';
        if (buf_.size() >= kChunk) flush();
    }
    void flush() {
        if (!buf_.empty() && std::fwrite(buf_.data(), 1, buf_.size(), file_.stream()) != buf_.size())
            throw DataError(file_.path() + ": cannot write: " + std::strerror(errno));
        buf_.clear();
    }
    void commit() {
        flush();
        file_.commit();
    }

private:
    static constexpr std::size_t kChunk = 1 << 20;
    OutputFile file_;
    std::string buf_;
};

void append_int(std::string& out, std::int64_t v) {
    char tmp[24];
    auto r = std::to_chars(tmp, tmp + sizeof tmp, v);
    out.append(tmp, r.ptr);
}

// The properties of one feature, appended as JSON.
class Props {
public:
    explicit Props(std::string& out) : out_(out) { out_ += "{\"type\":\"Feature\",\"properties\":{"; }
    Props& key(std::string_view k) {
        if (!first_) out_ += ',';
        first_ = false;
        out_ += '"';
        out_ += k;
        out_ += "\":";
        return *this;
    }
    Props& text(std::string_view k, std::string_view v) {
        key(k);
        append_json_string(out_, v);
        return *this;
    }
    Props& integer(std::string_view k, std::int64_t v) {
        key(k);
        append_int(out_, v);
        return *this;
    }
    Props& real(std::string_view k, double v) {
        key(k);
        append_json_number(out_, v);
        return *this;
    }
    // Every feature atd-synth writes says so.
    Props& synthetic() {
        key("synthetic");
        out_ += "true";
        return *this;
    }
    Props& null(std::string_view k) {
        key(k);
        out_ += "null";
        return *this;
    }
    void point(double lon, double lat) {
        out_ += "},\"geometry\":{\"type\":\"Point\",\"coordinates\":[";
        coordinate(lon, lat);
        out_ += "]}}";
    }
    void polygon(const std::vector<std::pair<double, double>>& ring) { line_or_polygon("Polygon", "[[", ring, "]]"); }
    void line(const std::vector<std::pair<double, double>>& pts) { line_or_polygon("LineString", "[", pts, "]"); }

private:
    void coordinate(double lon, double lat) {
        append_json_number(out_, lon);
        out_ += ',';
        append_json_number(out_, lat);
    }
    void line_or_polygon(const char* type, const char* open, const std::vector<std::pair<double, double>>& pts,
                         const char* close) {
        out_ += "},\"geometry\":{\"type\":\"";
        out_ += type;
        out_ += "\",\"coordinates\":";
        out_ += open;
        for (std::size_t i = 0; i < pts.size(); ++i) {
            out_ += i ? ",[" : "[";
            coordinate(pts[i].first, pts[i].second);
            out_ += ']';
        }
        out_ += close;
        out_ += "}}";
    }
    std::string& out_;
    bool first_ = true;
};

std::string code(std::uint32_t aa, std::uint32_t bb, std::uint32_t cc, std::uint32_t ddd) {
    char tmp[16];
    std::snprintf(tmp, sizeof tmp, "%02u%02u%02u%03u", aa % 100, bb % 100, cc % 100, ddd % 1000);
    return tmp;
}

std::string name_for(std::uint64_t seed, Tag tag, std::uint64_t index) {
    static const char* syllables[] = {"Ak",   "Kara", "Zhana", "Bulak", "Tau",  "Kol",  "Su",  "Tobe",
                                      "Sai",  "Bel",  "Kum",   "Zhol",  "Esil", "Oy",   "Tas", "Kyzyl",
                                      "Shu",  "Aral", "Bai",   "Koktal", "Ulan", "Ken",  "Zhar", "Sary"};
    Rng r(seed_for(seed, tag, index));
    std::string name = "Synthetic-";
    auto parts = 2 + r.below(2);
    for (std::uint64_t i = 0; i < parts; ++i) {
        std::string s = syllables[r.below(std::size(syllables))];
        if (i) s[0] = static_cast<char>(s[0] - 'A' + 'a');
        name += s;
    }
    return name;
}

struct YearKeys {
    std::vector<std::string> pop, mig_in_int, mig_out_int, mig_in_ext, mig_out_ext;
    std::string last;  // "_YYYY" of the last year
    YearKeys(int first, int last_year) {
        for (int y = first; y <= last_year; ++y) {
            auto s = "_" + std::to_string(y);
            pop.push_back("pop" + s);
            mig_in_int.push_back("mig_in_int" + s);
            mig_out_int.push_back("mig_out_int" + s);
            mig_in_ext.push_back("mig_in_ext" + s);
            mig_out_ext.push_back("mig_out_ext" + s);
        }
        last = "_" + std::to_string(last_year);
    }
};

struct InfraGroup {
    const char* group;
    double per;                 // residents per object
    double floor_pop;           // from this population on, at least one
};
constexpr InfraGroup kInfra[] = {{"industry", 4000, 1e9},  {"utilities", 6000, 3000}, {"housing", 3000, 3000},
                                 {"education", 1500, 200}, {"culture", 3000, 1000},   {"health", 2500, 300},
                                 {"trade", 300, 100}};
// Facility kinds by group (housing has none), as the synthetic district of the tests names them.
constexpr std::pair<const char*, const char*> kFacilityKinds[] = {
    {"education", "school"}, {"culture", "culture"}, {"trade", "trade"}, {"industry", "industry"},
    {"utilities", "utility"}};

class Writer {
public:
    Writer(const Country& c, const SynthOptions& o, const fs::path& dir, SynthSummary& sum)
        : c_(c), o_(o), dir_(dir), sum_(sum), keys_(o.first_year, o.last_year) {}

    void settlements_and_facilities(Out& out, Out* facilities);
    void roads(Out& out);
    void flows(Out& out);

private:
    std::string unit_code(std::uint32_t d, std::uint32_t cc) const {
        const auto& dist = c_.districts_[d];
        return code(c_.oblasts_[dist.oblast].number, dist.number, cc, 0);
    }
    std::string place_code(std::uint32_t i) const {
        const auto& p = c_.places_[i];
        const auto& cell = c_.cells_[p.cell];
        return code(c_.oblasts_[c_.districts_[cell.district].oblast].number, c_.districts_[cell.district].number,
                    cell.number, 100 + (i - cell.first));
    }
    void oblast(Out& out, std::uint32_t o);
    void district(Out& out, std::uint32_t d);
    void cell(Out& out, std::uint32_t c);
    void settlement(Out& out, Out* facilities, std::uint32_t i);
    void facility(Out& out, const std::string& kato, const char* kind, std::int64_t objects, double lon, double lat,
                  int k);
    void road(Out& out, const char* highway, std::uint32_t from, std::uint32_t to);

    const Country& c_;
    const SynthOptions& o_;
    fs::path dir_;
    SynthSummary& sum_;
    YearKeys keys_;
    std::vector<double> pop_;
};

void Writer::oblast(Out& out, std::uint32_t o) {
    const auto& ob = c_.oblasts_[o];
    Props p(out.buf());
    p.text("feature_type", "unit").text("kato", code(ob.number, 0, 0, 0));
    auto name = name_for(o_.seed, kUnitData, 3ULL * o) + " oblast";
    p.text("name_ru", name).text("name_kk", name).text("unit_kind", "oblast").integer("unit_level", 1);
    p.null("parent_kato").synthetic();
    p.polygon(c_.ring(ob.block));
    out.line_done();
    ++sum_.oblasts;
}

void Writer::district(Out& out, std::uint32_t d) {
    const auto& dist = c_.districts_[d];
    auto oblast = code(c_.oblasts_[dist.oblast].number, 0, 0, 0);
    Props p(out.buf());
    p.text("feature_type", "unit").text("kato", unit_code(d, 0));
    auto name = name_for(o_.seed, kUnitData, 3ULL * d + 1) + " district";
    p.text("name_ru", name).text("name_kk", name).text("unit_kind", "district").integer("unit_level", 2);
    p.text("parent_kato", oblast).text("oblast_kato", oblast).synthetic();
    p.polygon(c_.ring(dist.block));
    out.line_done();
    ++sum_.districts;
}

void Writer::cell(Out& out, std::uint32_t c) {
    const auto& cell = c_.cells_[c];
    const auto& dist = c_.districts_[cell.district];
    auto oblast = code(c_.oblasts_[dist.oblast].number, 0, 0, 0);
    static const char* kinds[] = {"rural_okrug", "town_administration", "kent_administration"};
    static const char* suffix[] = {" rural okrug", " town administration", " kent administration"};
    Props p(out.buf());
    p.text("feature_type", "unit").text("kato", unit_code(cell.district, cell.number));
    auto name = name_for(o_.seed, kUnitData, 3ULL * c + 2) + suffix[cell.kind];
    p.text("name_ru", name).text("name_kk", name).text("unit_kind", kinds[cell.kind]).integer("unit_level", 3);
    auto district = unit_code(cell.district, 0);
    p.text("parent_kato", district).text("district_kato", district).text("oblast_kato", oblast);
    if (cell.kind != kTown) {
        // Okrug budgets (thousand tenge): a fixed part for the apparatus and a part per resident;
        // own revenue mostly below the Concept's 25 % target.
        double pop = 0;
        for (auto i = cell.first; i < cell.first + cell.count; ++i) pop += c_.places_[i].pop;
        Rng r(seed_for(o_.seed, kUnitData, c));
        double total = 15000 + pop * r.uniform(25, 60);
        p.integer("budget_total" + keys_.last, whole(total));
        p.integer("budget_own" + keys_.last, whole(total * r.lognormal(0.15, 0.5)));
    }
    p.synthetic();
    Block b{cell.x, cell.x + 1, cell.y, cell.y + 1};
    p.polygon(c_.ring(b));
    out.line_done();
    ++sum_.okrugs;
}

void Writer::facility(Out& out, const std::string& kato, const char* kind, std::int64_t objects, double lon,
                      double lat, int k) {
    // On a ring of 300-700 m around the settlement, a new angle each time.
    double km = 0.3 + 0.1 * (k % 5), angle = 37.0 * k * kPi / 180;
    double x = round6(lon + km * std::cos(angle) / (kKmPerDegLon * std::cos(lat * kPi / 180)));
    double y = round6(lat + km * std::sin(angle) / kKmPerDegLon);
    Props p(out.buf());
    p.text("id", kato + "-" + kind).text("kind", kind).text("kato", kato).integer("objects", objects).synthetic();
    p.point(x, y);
    out.line_done();
    ++sum_.facilities;
}

void Writer::settlement(Out& out, Out* facilities, std::uint32_t i) {
    const auto& s = c_.places_[i];
    const auto& cell = c_.cells_[s.cell];
    const auto& dist = c_.districts_[cell.district];
    Rng r(seed_for(o_.seed, kDetail, i));
    auto kato = place_code(i), okrug = unit_code(cell.district, cell.number), district = unit_code(cell.district, 0);
    auto oblast = code(c_.oblasts_[dist.oblast].number, 0, 0, 0);
    auto name = name_for(o_.seed, kPlace, i);
    Props p(out.buf());
    p.text("feature_type", "settlement").text("kato", kato).text("name_ru", name).text("name_kk", name);
    p.text("category", category_name(s.category)).text("category_source", "synthetic").synthetic();
    p.text("parent_kato", okrug).text("okrug_kato", okrug).text("district_kato", district).text("oblast_kato", oblast);
    if (s.centre == kDistrictCentre) p.text("admin_centre", "district");
    if (s.centre == kOkrugCentre) p.text("admin_centre", "okrug");
    // Trends: cities grow, the bigger the faster; kents stagnate; small auls shrink.
    double lg = std::log10(std::max<double>(s.pop, 1)), growth;
    if (s.category == kCityOblast || s.category == kCityDistrict)
        growth = 0.004 * (lg - 3.7) + 0.008 * r.normal();
    else if (s.category == kKent)
        growth = 0.012 * r.normal();
    else
        growth = -0.03 + 0.0174 * (lg - 1.7) + 0.01 * r.normal();
    auto years = static_cast<std::size_t>(o_.last_year - o_.first_year + 1);
    pop_.assign(years + 1, 0);
    pop_[years - 1] = std::round(s.pop);
    pop_[years] = std::round(s.pop * (1 + growth));
    for (std::size_t y = years - 1; y-- > 0;)
        pop_[y] = std::max(0.0, std::round(pop_[y + 1] / (1 + growth) * (1 + 0.004 * r.normal())));
    // Some auls have a series that starts late (registered later): leading years missing, never a gap.
    std::size_t start = s.category == kAul && years > 1 && r.chance(0.01) ? 1 + r.below(years - 1) : 0;
    for (auto y = start; y < years; ++y) p.integer(keys_.pop[y], whole(pop_[y]));
    // Migration: the change less a natural increase, split into internal and external flows.
    for (auto y = start; y < years; ++y) {
        double n = pop_[y], net = pop_[y + 1] - n - n * r.uniform(0.008, 0.018);
        double ext_in = n * r.uniform(0, 0.002), ext_out = n * r.uniform(0, 0.004);
        double in = n * r.uniform(0.01, 0.04), out_int = in - (net - ext_in + ext_out);
        if (out_int < 0) in -= out_int, out_int = 0;
        p.integer(keys_.mig_in_int[y], whole(in)).integer(keys_.mig_out_int[y], whole(out_int));
        p.integer(keys_.mig_in_ext[y], whole(ext_in)).integer(keys_.mig_out_ext[y], whole(ext_out));
    }
    // Employment by activity: the smaller the village, the more agricultural.
    std::int64_t total = s.emp;
    double agri_share = s.category == kAul    ? std::clamp(0.95 - 0.15 * lg + r.uniform(-0.1, 0.1), 0.05, 0.9)
                        : s.category == kKent ? r.uniform(0.05, 0.45)
                                              : r.uniform(0.01, 0.08);
    std::int64_t agri = whole(static_cast<double>(total) * agri_share), nonagri = total - agri;
    std::int64_t ind = whole(static_cast<double>(nonagri) * r.uniform(0.25, 0.5));
    std::int64_t self = whole(static_cast<double>(total) * r.uniform(0.08, 0.25));
    std::int64_t self_agri = std::min({agri, self, whole(static_cast<double>(self) * agri_share * r.uniform(0.8, 1.2))});
    const auto& last = keys_.last;
    p.integer("emp_total" + last, total).integer("emp_agri" + last, agri).integer("emp_ind" + last, ind);
    p.integer("emp_serv" + last, nonagri - ind).integer("emp_selfemp" + last, self);
    p.integer("emp_selfemp_agri" + last, self_agri);
    std::array<std::int64_t, std::size(kInfra)> infra{};
    double pop = pop_[years - 1];
    for (std::size_t g = 0; g < std::size(kInfra); ++g) {
        double expected = pop / kInfra[g].per * r.uniform(0.5, 1.5);
        infra[g] = static_cast<std::int64_t>(std::floor(expected + r.uniform()));
        if (pop >= kInfra[g].floor_pop) infra[g] = std::max<std::int64_t>(infra[g], 1);
        p.integer(std::string("infra_") + kInfra[g].group + last, infra[g]);
    }
    if (r.chance(0.92)) {
        double eligible = pop * r.uniform(0.65, 0.75), participants = std::round(eligible * r.uniform(0.03, 0.4));
        double yes = std::round(participants * r.uniform(0.3, 0.85));
        p.integer("opinion_yes" + last, whole(yes)).integer("opinion_no" + last, whole(participants - yes));
        p.integer("opinion_participants" + last, whole(participants)).integer("opinion_eligible" + last, whole(eligible));
    }
    double density = s.category == kAul ? r.lognormal(120, 0.8) : s.category == kKent ? r.lognormal(400, 0.5)
                                                                                     : r.lognormal(1500, 0.5);
    p.real("area_km2", std::max(0.05, std::round(pop / density * 1000) / 1000));
    p.point(s.lon, s.lat);
    out.line_done();
    ++sum_.settlements;
    if (!facilities) return;
    int k = 0;
    auto count = [&](const char* group) {
        for (std::size_t g = 0; g < std::size(kInfra); ++g)
            if (std::strcmp(kInfra[g].group, group) == 0) return infra[g];
        return std::int64_t{0};
    };
    for (const auto& [group, kind] : kFacilityKinds)
        if (auto n = count(group); n > 0) facility(*facilities, kato, kind, n, s.lon, s.lat, k++);
    // Health: a hospital where there are two objects or more, the others clinics.
    auto health = count("health");
    if (health >= 2) facility(*facilities, kato, "hospital", 1, s.lon, s.lat, k++);
    if (health >= 1) facility(*facilities, kato, "clinic", health >= 2 ? health - 1 : 1, s.lon, s.lat, k++);
}

void Writer::settlements_and_facilities(Out& out, Out* facilities) {
    std::uint32_t current_oblast = ~0u, current_district = ~0u;
    for (std::uint32_t c = 0; c < c_.cells_.size(); ++c) {
        const auto& cell = c_.cells_[c];
        if (cell.district != current_district) {
            current_district = cell.district;
            if (c_.districts_[current_district].oblast != current_oblast)
                oblast(out, current_oblast = c_.districts_[current_district].oblast);
            district(out, current_district);
        }
        this->cell(out, c);
        for (auto i = cell.first; i < cell.first + cell.count; ++i) settlement(out, facilities, i);
        if (cell.kind == kTown) ++sum_.cities;
        if (cell.kind == kKentCell) ++sum_.kents;
    }
    sum_.auls = sum_.settlements - sum_.cities - sum_.kents;
}

void Writer::road(Out& out, const char* highway, std::uint32_t from, std::uint32_t to) {
    const auto &a = c_.places_[from], &b = c_.places_[to];
    double km = std::hypot((b.lon - a.lon) * kKmPerDegLon * std::cos((a.lat + b.lat) / 2 * kPi / 180),
                           (b.lat - a.lat) * kKmPerDegLat);
    // A vertex about every 5 km, so that a place beside the road snaps to it.
    auto segments = static_cast<int>(std::clamp(std::ceil(km / 5), 1.0, 200.0));
    std::vector<std::pair<double, double>> pts{{a.lon, a.lat}};
    for (int k = 1; k < segments; ++k) {
        double t = static_cast<double>(k) / segments;
        pts.emplace_back(round6(a.lon + (b.lon - a.lon) * t), round6(a.lat + (b.lat - a.lat) * t));
    }
    pts.emplace_back(b.lon, b.lat);
    Props p(out.buf());
    p.text("highway", highway).synthetic();
    p.line(pts);
    out.line_done();
    ++sum_.roads;
}

void Writer::roads(Out& out) {
    // Trunk roads join the centres of neighbouring districts, so the network is connected.
    for (std::uint32_t d = 0; d < c_.districts_.size(); ++d) {
        const auto& dist = c_.districts_[d];
        if (dist.gx + 1 < c_.dgx_)
            road(out, "trunk", c_.district_centre_[d],
                 c_.district_centre_[c_.district_at_[static_cast<std::size_t>(dist.gy) * c_.dgx_ + dist.gx + 1]]);
        if (dist.gy + 1 < c_.dgy_)
            road(out, "trunk", c_.district_centre_[d],
                 c_.district_centre_[c_.district_at_[static_cast<std::size_t>(dist.gy + 1) * c_.dgx_ + dist.gx]]);
    }
    // Secondary roads from the district centre to every okrug centre.
    for (std::uint32_t c = 0; c < c_.cells_.size(); ++c) {
        auto centre = c_.district_centre_[c_.cells_[c].district];
        if (c_.cell_centre_[c] != centre) road(out, "secondary", centre, c_.cell_centre_[c]);
    }
    // Tracks from the okrug centre to its other settlements; one small aul in ten has none.
    for (std::uint32_t i = 0; i < c_.places_.size(); ++i) {
        const auto& s = c_.places_[i];
        auto centre = c_.cell_centre_[s.cell];
        if (i == centre) continue;
        Rng r(seed_for(o_.seed, kRoad, i));
        if (s.category == kAul && s.pop < 300 && r.chance(0.1)) continue;
        road(out, "track", centre, i);
    }
}

// Settlements by cells of a square grid about radius_km wide: neighbours come from 3 x 3 cells.
class GridIndex {
public:
    GridIndex(const std::vector<Place>& places, const std::vector<std::uint32_t>& members, double lon0, double lat0,
              double width, double height, double radius_km)
        : places_(places), lon0_(lon0), lat0_(lat0) {
        cell_lat_ = radius_km / kKmPerDegLat;
        double north = std::min(89.0, lat0 + height + cell_lat_);
        cell_lon_ = radius_km / (kKmPerDegLon * std::cos(north * kPi / 180));
        nx_ = static_cast<std::uint32_t>(std::clamp(std::ceil(width / cell_lon_), 1.0, 8192.0));
        ny_ = static_cast<std::uint32_t>(std::clamp(std::ceil(height / cell_lat_), 1.0, 8192.0));
        start_.assign(static_cast<std::size_t>(nx_) * ny_ + 1, 0);
        for (auto i : members) ++start_[key(places[i].lon, places[i].lat) + 1];
        for (std::size_t k = 1; k < start_.size(); ++k) start_[k] += start_[k - 1];
        items_.resize(members.size());
        auto fill = start_;
        for (auto i : members) items_[fill[key(places[i].lon, places[i].lat)]++] = i;
    }
    template <class F>
    void near(double lon, double lat, F&& f) const {
        auto cx = static_cast<std::int64_t>(column(lon)), cy = static_cast<std::int64_t>(row(lat));
        for (auto y = std::max<std::int64_t>(0, cy - 1); y <= std::min<std::int64_t>(ny_ - 1, cy + 1); ++y)
            for (auto x = std::max<std::int64_t>(0, cx - 1); x <= std::min<std::int64_t>(nx_ - 1, cx + 1); ++x) {
                auto k = static_cast<std::size_t>(y) * nx_ + static_cast<std::size_t>(x);
                for (auto p = start_[k]; p < start_[k + 1]; ++p) f(items_[p]);
            }
    }

private:
    std::uint32_t column(double lon) const {
        return static_cast<std::uint32_t>(std::clamp(std::floor((lon - lon0_) / cell_lon_), 0.0, nx_ - 1.0));
    }
    std::uint32_t row(double lat) const {
        return static_cast<std::uint32_t>(std::clamp(std::floor((lat - lat0_) / cell_lat_), 0.0, ny_ - 1.0));
    }
    std::size_t key(double lon, double lat) const { return static_cast<std::size_t>(row(lat)) * nx_ + column(lon); }
    const std::vector<Place>& places_;
    double lon0_, lat0_, cell_lon_ = 1, cell_lat_ = 1;
    std::uint32_t nx_ = 1, ny_ = 1;
    std::vector<std::uint32_t> start_, items_;
};

void Writer::flows(Out& out) {
    const auto& places = c_.places_;
    double width = c_.dlon_ * c_.gx_, height = c_.dlat_ * c_.gy_;
    double area = width * kKmPerDegLon * std::cos(kCentreLat * kPi / 180) * height * kKmPerDegLat;
    double spacing = std::sqrt(area / static_cast<double>(places.size()));
    // Villages commute within a few neighbours' distance; towns draw from farther (a day's commute at most).
    double local_km = std::min(60.0, 5 * spacing), town_km = std::min(60.0, 30 * spacing);
    std::vector<std::uint32_t> everyone(places.size()), towns;
    for (std::uint32_t i = 0; i < places.size(); ++i) {
        everyone[i] = i;
        if (places[i].category == kCityOblast || places[i].category == kCityDistrict) towns.push_back(i);
    }
    GridIndex local(places, everyone, c_.lon0_, c_.lat0_, width, height, local_km);
    GridIndex town(places, towns, c_.lon0_, c_.lat0_, width, height, town_km);
    std::vector<std::array<char, 9>> codes(places.size());
    for (std::uint32_t i = 0; i < places.size(); ++i) {
        auto s = place_code(i);
        std::copy(s.begin(), s.end(), codes[i].begin());
    }
    auto k_best = static_cast<std::size_t>(o_.flows_per_settlement);
    using Candidate = std::pair<double, std::uint32_t>;  // score, settlement
    auto better = [](const Candidate& a, const Candidate& b) {
        return a.first > b.first || (a.first == b.first && a.second < b.second);
    };
    std::vector<Candidate> best;
    std::vector<std::int64_t> persons;
    auto& buf = out.buf();
    buf += "origin,destination,persons";
    out.line_done();
    auto row = [&](std::uint32_t from, std::uint32_t to, std::int64_t n) {
        buf.append(codes[from].data(), 9);
        buf += ',';
        buf.append(codes[to].data(), 9);
        buf += ',';
        append_int(buf, n);
        out.line_done();
        ++sum_.flows;
    };
    for (std::uint32_t i = 0; i < places.size(); ++i) {
        const auto& o = places[i];
        if (o.emp == 0) continue;
        Rng r(seed_for(o_.seed, kFlow, i));
        double share = o.category == kAul ? r.uniform(0.15, 0.45) : o.category == kKent ? r.uniform(0.2, 0.45)
                                                                                       : r.uniform(0.03, 0.10);
        double kx = kKmPerDegLon * std::cos(o.lat * kPi / 180);
        best.clear();
        auto km2 = [&](std::uint32_t j) {
            double dx = (places[j].lon - o.lon) * kx, dy = (places[j].lat - o.lat) * kKmPerDegLat;
            return dx * dx + dy * dy;
        };
        // Gravity: destination population over squared distance (1 km at least).
        auto consider = [&](std::uint32_t j, double d2) {
            Candidate c{places[j].pop / std::max(d2, 1.0), j};
            if (best.size() < k_best) {
                best.push_back(c);
                std::push_heap(best.begin(), best.end(), better);
            } else if (better(c, best.front())) {
                std::pop_heap(best.begin(), best.end(), better);
                best.back() = c;
                std::push_heap(best.begin(), best.end(), better);
            }
        };
        local.near(o.lon, o.lat, [&](std::uint32_t j) {
            if (j == i) return;
            if (double d2 = km2(j); d2 <= local_km * local_km) consider(j, d2);
        });
        town.near(o.lon, o.lat, [&](std::uint32_t j) {
            if (j == i) return;
            if (double d2 = km2(j); d2 > local_km * local_km && d2 <= town_km * town_km) consider(j, d2);
        });
        std::sort(best.begin(), best.end(), better);
        double total = 0;
        for (const auto& c : best) total += c.first;
        auto commuters = static_cast<double>(whole(o.emp * share));
        std::int64_t away = 0;
        persons.clear();
        for (const auto& c : best) {
            persons.push_back(static_cast<std::int64_t>(std::floor(commuters * c.first / total)));
            away += persons.back();
        }
        row(i, i, static_cast<std::int64_t>(o.emp) - away);
        for (std::size_t k = 0; k < best.size(); ++k)
            if (persons[k] > 0) row(i, best[k].second, persons[k]);
    }
}

// Removes the output directory at a failure if this run created it (and it is empty).
struct CreatedDir {
    fs::path path;
    bool armed = false;
    ~CreatedDir() {
        std::error_code ec;
        if (armed) fs::remove(path, ec);
    }
};

std::string readme(const SynthOptions& o, const SynthSummary& s) {
    auto n = [](std::uint64_t v) { return std::to_string(v); };
    std::string t;
    t += "Synthetic country written by atd-synth " + std::string(kVersion) + ".\n\n";
    t += "Nothing here is real: every unit, settlement, figure, facility, road and flow is\n"
         "invented. Every feature carries \"synthetic\": true, names start with \"Synthetic-\",\n"
         "and the KATO codes are made up. Do not mix these files with real data.\n\n";
    t += "seed: " + n(o.seed) + "\n";
    t += "settlements: " + n(s.settlements) + " (" + n(s.cities) + " cities, " + n(s.kents) + " kents, " + n(s.auls) +
         " auls)\n";
    t += "units: " + n(s.oblasts) + " oblasts, " + n(s.districts) + " districts, " + n(s.okrugs) +
         " okrug-level units (rural okrugs, town and kent administrations)\n";
    t += "years: " + std::to_string(o.first_year) + "-" + std::to_string(o.last_year) + "\n";
    t += "flows per settlement: " + std::to_string(o.flows_per_settlement) + " destinations at most\n\n";
    t += "settlements.geojsons  units (oblasts, districts, okrugs: polygons that form a coverage) and\n"
         "                      settlements (points) with their statistics, in KATO code order\n";
    if (o.facilities) t += "facilities.geojsons   " + n(s.facilities) + " facility points (kind, objects)\n";
    if (o.roads) t += "roads.geojsons        " + n(s.roads) + " roads (highway: trunk, secondary, track)\n";
    if (o.flows) t += "od.csv                " + n(s.flows) + " commuting flows (origin,destination,persons; gravity model)\n";
    t += "\nSee man atd-synth.\n";
    return t;
}

}  // namespace

void parse_synth_years(const std::string& text, SynthOptions& opts) {
    int first = 0, last = 0;
    auto dash = text.find('-');
    auto number = [](std::string_view s, int& v) {
        auto r = std::from_chars(s.data(), s.data() + s.size(), v);
        return r.ec == std::errc{} && r.ptr == s.data() + s.size();
    };
    if (dash == std::string::npos || !number(std::string_view(text).substr(0, dash), first) ||
        !number(std::string_view(text).substr(dash + 1), last) || first < 1950 || last > 2100 || first > last ||
        last - first >= 50)
        throw UsageError("--years '" + text + "': expected FIRST-LAST, such as 2019-2023: years from 1950 to 2100, "
                         "at most 50 of them");
    opts.first_year = first;
    opts.last_year = last;
}

void check_synth_options(const SynthOptions& opts) {
    if (opts.settlements < 1 || opts.settlements > kSynthMaxSettlements)
        throw UsageError("--settlements " + std::to_string(opts.settlements) + ": must be from 1 to " +
                         std::to_string(kSynthMaxSettlements));
    if (opts.flows_per_settlement < 1 || opts.flows_per_settlement > 100)
        throw UsageError("--flows-per-settlement " + std::to_string(opts.flows_per_settlement) +
                         ": must be from 1 to 100");
    if (opts.first_year < 1950 || opts.last_year > 2100 || opts.first_year > opts.last_year)
        throw UsageError("--years: the years must run from 1950 to 2100, the first not after the last");
}

SynthSummary write_synthetic_country(const SynthOptions& opts, const std::string& dir, bool overwrite, Log& log) {
    check_synth_options(opts);
    if (dir.empty()) throw UsageError("--output-dir: give a directory to write into");
    std::error_code ec;
    auto status = fs::status(dir, ec);
    CreatedDir created{dir};
    if (fs::exists(status)) {
        if (!fs::is_directory(status)) throw DataError(dir + ": exists and is not a directory");
        if (!overwrite) throw DataError(dir + ": already exists; add --overwrite to replace its files");
    } else {
        if (!fs::create_directory(dir, ec))
            throw DataError(dir + ": cannot create the directory: " + ec.message());
        created.armed = true;
    }
    fs::path d(dir);
    // Every output is opened before the work, so that a file that cannot be written stops it at once.
    Out settlements(d / "settlements.geojsons");
    std::unique_ptr<Out> facilities, roads, od;
    if (opts.facilities) facilities = std::make_unique<Out>(d / "facilities.geojsons");
    if (opts.roads) roads = std::make_unique<Out>(d / "roads.geojsons");
    if (opts.flows) od = std::make_unique<Out>(d / "od.csv");
    Out about(d / "README.txt");

    Country country(opts);
    SynthSummary sum;
    Writer w(country, opts, d, sum);
    w.settlements_and_facilities(settlements, facilities.get());
    if (roads) w.roads(*roads);
    if (od) w.flows(*od);
    about.buf() = readme(opts, sum);
    settlements.commit();
    for (auto* f : {facilities.get(), roads.get(), od.get()})
        if (f) f->commit();
    about.commit();
    // Files of an earlier run that this one did not write would not match it.
    for (const char* stale : {"facilities.geojsons", "roads.geojsons", "od.csv"}) {
        bool wrote = (stale[0] == 'f' && opts.facilities) || (stale[0] == 'r' && opts.roads) ||
                     (stale[0] == 'o' && opts.flows);
        if (!wrote && fs::remove(d / stale, ec)) log.info(std::string("removed the old ") + stale);
    }
    created.armed = false;
    return sum;
}

}  // namespace atd
