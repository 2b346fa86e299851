// The report's SVG maps: one per district, after (proposed okrugs and
// settlements) and before (the units as they are).
#include "report_model.hpp"

#include <atd/geo.hpp>
#include <atd/polygons.hpp>

#include <algorithm>
#include <cmath>
#include <set>
#include <sstream>

namespace atd::report {

namespace {

// Pale fills for proposed okrugs, cycling; none of them grey, the fill of a unit left as it is.
const char* kFills[] = {"#c6dbef", "#fdd0a2", "#c7e9c0", "#dadaeb", "#fcbba1", "#fee391", "#a1d99b", "#d4b9da"};
const char* kUnchangedFill = "#f4f4f4";

std::string n1(double v) { return fixed_text(v, 1); }

// Characters, not bytes, of UTF-8 text: the width of a legend entry.
double text_width(const std::string& t) {
    double n = 0;
    for (unsigned char c : t) n += (c & 0xC0) != 0x80;
    return 6.6 * n;
}

// Room around the features for their labels, in pixels.
constexpr double kMargin = 18;

// Coordinates of a map: a local projection and the screen transform of the district's extent.
class Frame {
public:
    Frame(double lon0, double lat0) : proj_(lon0, lat0) {}
    void grow(const Geometry& projected) {
        for (std::size_t k = 0; k < projected.xy.size(); k += 2) grow(projected.xy[k], projected.xy[k + 1]);
    }
    void grow(double x, double y) {
        x0_ = std::min(x0_, x);
        x1_ = std::max(x1_, x);
        y0_ = std::min(y0_, y);
        y1_ = std::max(y1_, y);
    }
    Geometry project(const Geometry& g) const {
        Geometry p = g;
        proj_.apply(p);
        return p;
    }
    std::pair<double, double> project(double lon, double lat) const { return proj_.forward(lon, lat); }
    // Fixes the screen size once everything is grown in.
    void fit(double width) {
        span_x_ = std::max(x1_ - x0_, 1000.0);
        span_y_ = std::max(y1_ - y0_, 1000.0);
        width_ = width;
        height_ = std::clamp(width * span_y_ / span_x_, 200.0, 560.0);
        scale_ = std::min((width - 2 * kMargin) / span_x_, (height_ - 2 * kMargin) / span_y_);
        ox_ = (width - span_x_ * scale_) / 2;
        oy_ = (height_ - span_y_ * scale_) / 2;
    }
    double sx(double x) const { return ox_ + (x - x0_) * scale_; }
    double sy(double y) const { return height_ - oy_ - (y - y0_) * scale_; }
    double scale() const { return scale_; }
    double width() const { return width_; }
    double height() const { return height_; }
    double span_x() const { return span_x_; }
    std::string path(const Geometry& projected) const {
        Geometry simple = simplify_polygonal(projected, 0.6 / scale_);
        std::string d;
        std::size_t from = 0;
        for (std::uint32_t end : simple.ring_ends) {
            for (std::size_t k = from; k < end; ++k)
                d += (k == from ? "M" : "L") + n1(sx(simple.xy[2 * k])) + " " + n1(sy(simple.xy[2 * k + 1]));
            d += "Z";
            from = end;
        }
        return d;
    }

private:
    LocalProjection proj_;
    double x0_ = 1e300, y0_ = 1e300, x1_ = -1e300, y1_ = -1e300;
    double span_x_ = 0, span_y_ = 0, width_ = 0, height_ = 0, scale_ = 1, ox_ = 0, oy_ = 0;
};

bool polygonal(const Geometry& g) { return g.type == GeomType::Polygon || g.type == GeomType::MultiPolygon; }

// The lon/lat centre of everything the district's map shows; false when nothing has a position.
bool lonlat_centre(const Model& m, const District& d, const Geometry* outline,
                   const std::vector<std::pair<std::string, Geometry>>* areas, double& lon, double& lat) {
    double x0 = 1e300, y0 = 1e300, x1 = -1e300, y1 = -1e300;
    auto extend = [&](const Geometry& g) {
        for (std::size_t k = 0; k < g.xy.size(); k += 2) {
            x0 = std::min(x0, g.xy[k]);
            x1 = std::max(x1, g.xy[k]);
            y0 = std::min(y0, g.xy[k + 1]);
            y1 = std::max(y1, g.xy[k + 1]);
        }
    };
    for (std::size_t i : d.settlements) extend(m.settlements[i].geom);
    for (std::size_t g : d.mergers) extend(m.mergers[g].geom);
    if (areas)
        for (const auto& a : *areas) extend(a.second);
    if (outline) extend(*outline);
    lon = (x0 + x1) / 2;
    lat = (y0 + y1) / 2;
    return x0 <= x1;
}

// Text with a white halo, readable over fills and dots; `end` anchors it at its right end.
void label(std::ostringstream& s, double x, double y, const std::string& text, const char* cls, double size = 10,
           bool end = false) {
    s << "<text class=\"" << cls << "\" x=\"" << n1(x) << "\" y=\"" << n1(y) << "\" font-size=\"" << size
      << (end ? "\" text-anchor=\"end" : "") << "\" paint-order=\"stroke\" stroke=\"#fff\" stroke-width=\"3\" "
      << "stroke-linejoin=\"round\">" << html_escape(text) << "</text>";
}

void scale_bar(std::ostringstream& s, const Frame& f, Lang lang) {
    double target_m = f.span_x() / 5, step = std::pow(10.0, std::floor(std::log10(target_m)));
    double bar_m = step;
    for (double k : {2.0, 5.0, 10.0})
        if (step * k <= target_m) bar_m = step * k;
    double bar_px = bar_m * f.scale(), by = f.height() - 8;
    s << "<g class=\"scalebar\"><line x1=\"10\" y1=\"" << n1(by) << "\" x2=\"" << n1(10 + bar_px) << "\" y2=\"" << n1(by)
      << "\" stroke=\"#222\" stroke-width=\"2\"/><text x=\"" << n1(14 + bar_px) << "\" y=\"" << n1(by + 4)
      << "\" font-size=\"11\">" << format_number(bar_m / 1000, lang, bar_m < 1000 ? 1 : 0) << " "
      << html_escape(text_of(lang, "scale")) << "</text></g>";
}

// Legend entries: a coloured dot per kind of proposal shown, then the centre ring.
void legend(std::ostringstream& s, const std::set<std::string>& kinds, bool centres, double y, Lang lang) {
    double lx = 10;
    s << "<g class=\"legend\" font-size=\"11\">";
    auto entry = [&](const std::string& text, const std::string& mark) {
        s << mark << "<text x=\"" << n1(lx + 12) << "\" y=\"" << n1(y + 4) << "\">" << html_escape(text) << "</text>";
        lx += 24 + text_width(text);
    };
    for (const auto& k : kinds)
        entry(value_word(lang, k), "<circle cx=\"" + n1(lx + 5) + "\" cy=\"" + n1(y) + "\" r=\"4\" fill=\"" + colour_of(k) + "\"/>");
    if (centres)
        entry(text_of(lang, "proposed_centre"), "<circle cx=\"" + n1(lx + 5) + "\" cy=\"" + n1(y) +
                                                    "\" r=\"5\" fill=\"none\" stroke=\"#222\" stroke-width=\"1.4\"/>");
    s << "</g>";
}

struct Dot {
    double x, y;
    std::size_t settlement;
};

}  // namespace

MapOutput district_map(const Model& m, const District& d, bool before) {
    MapOutput out;
    const std::vector<std::pair<std::string, Geometry>>* areas = nullptr;
    if (before) {
        auto it = m.areas.find(d.kato);
        if (it == m.areas.end()) return out;
        areas = &it->second;
    }
    const Geometry* outline = nullptr;
    if (auto it = m.unit_geoms.find(d.kato); it != m.unit_geoms.end()) outline = &it->second;
    double lon0, lat0;
    if (!lonlat_centre(m, d, outline, areas, lon0, lat0)) return out;
    Frame f(lon0, lat0);
    Geometry outline_p;
    if (outline) f.grow(outline_p = f.project(*outline));
    struct Shape {
        Geometry geom;
        std::string code;       // before: the unit
        std::size_t merger = 0;  // after: the proposal
    };
    std::vector<Shape> shapes;
    if (areas) {
        for (const auto& [code, geom] : *areas)
            if (polygonal(geom)) shapes.push_back({f.project(geom), code, 0});
    } else {
        for (std::size_t g : d.mergers)
            if (polygonal(m.mergers[g].geom)) shapes.push_back({f.project(m.mergers[g].geom), {}, g});
    }
    for (const auto& sh : shapes) f.grow(sh.geom);
    std::vector<Dot> dots;
    for (std::size_t i : d.settlements)
        if (!m.settlements[i].geom.empty()) {
            auto [lon, lat] = representative_point(m.settlements[i].geom);
            auto [x, y] = f.project(lon, lat);
            f.grow(x, y);
            dots.push_back({x, y, i});
        }
    f.fit(640);
    for (auto& dot : dots) {
        dot.x = f.sx(dot.x);
        dot.y = f.sy(dot.y);
    }
    const double legend_h = 24, height = f.height() + legend_h;
    std::ostringstream s;
    s << "<svg class=\"map\" xmlns=\"http://www.w3.org/2000/svg\" width=\"640\" height=\"" << n1(height)
      << "\" viewBox=\"0 0 640 " << n1(height) << "\" data-settlements=\"" << dots.size() << "\" data-okrugs=\""
      << (areas ? 0 : shapes.size()) << "\" data-units=\"" << (areas ? shapes.size() : 0) << "\" role=\"img\">";
    s << "<rect width=\"100%\" height=\"100%\" fill=\"#fbfbf8\"/>";
    if (outline)
        s << "<path class=\"outline\" d=\"" << f.path(outline_p)
          << "\" fill=\"none\" stroke=\"#555\" stroke-width=\"1.2\" fill-rule=\"evenodd\"/>";
    std::set<std::string> centres;
    std::vector<std::pair<std::size_t, std::size_t>> numbered;  // shape, merger number
    for (std::size_t k = 0; k < shapes.size(); ++k) {
        if (areas) {
            s << "<path class=\"unit\" d=\"" << f.path(shapes[k].geom) << "\" fill=\"" << kUnchangedFill
              << "\" stroke=\"#777\" stroke-width=\"0.6\" fill-rule=\"evenodd\"><title>"
              << html_escape(name_and_code(m, shapes[k].code)) << "</title></path>";
            continue;
        }
        const Merger& g = m.mergers[shapes[k].merger];
        if (g.changed && !g.centre_code.empty()) centres.insert(g.centre_code);
        if (g.changed) numbered.emplace_back(k, static_cast<std::size_t>(g.number));
        s << "<path class=\"okrug\" data-proposal=\"" << html_escape(g.id) << "\" d=\"" << f.path(shapes[k].geom)
          << "\" fill=\"" << (g.changed ? kFills[static_cast<std::size_t>(g.number - 1) % 8] : kUnchangedFill)
          << "\" stroke=\"#777\" stroke-width=\"0.6\" fill-rule=\"evenodd\"><title>"
          << html_escape((g.changed ? std::to_string(g.number) + ". " : "") + g.centre) << "</title></path>";
    }
    std::set<std::string> kinds;
    for (const auto& dot : dots) {
        const Settlement& st = m.settlements[dot.settlement];
        kinds.insert(st.proposal.empty() ? "keep" : st.proposal);
        if (centres.count(st.kato))
            s << "<circle class=\"centre\" cx=\"" << n1(dot.x) << "\" cy=\"" << n1(dot.y)
              << "\" r=\"7.5\" fill=\"none\" stroke=\"#222\" stroke-width=\"1.4\"><title>"
              << html_escape(text_of(m.lang, "centre") + ": " + st.name) << "</title></circle>";
    }
    for (const auto& dot : dots) {
        const Settlement& st = m.settlements[dot.settlement];
        bool change = is_change(st);
        s << "<circle class=\"settlement\" cx=\"" << n1(dot.x) << "\" cy=\"" << n1(dot.y) << "\" r=\""
          << (change ? 4.5 : 2.5) << "\" fill=\"" << colour_of(st.proposal)
          << "\" stroke=\"#fff\" stroke-width=\"0.8\"><title>"
          << html_escape(st.name + " (" + st.kato + ")" + (change ? ": " + value_word(m.lang, st.proposal) : ""))
          << "</title></circle>";
    }
    // Labels: settlements with a proposal and proposed centres by name, proposed okrugs by number.
    for (const auto& dot : dots) {
        const Settlement& st = m.settlements[dot.settlement];
        if (!is_change(st) && !centres.count(st.kato)) continue;
        bool end = dot.x + 6 + text_width(st.name) * 10 / 11 > f.width();  // it would leave the map: to the left
        label(s, end ? dot.x - 6 : dot.x + 6, dot.y - 5, st.name, "name", 10, end);
    }
    for (const auto& [k, number] : numbered) {
        Geometry screen = shapes[k].geom;
        auto [x, y] = representative_point(screen);
        label(s, f.sx(x), f.sy(y) + 5, std::to_string(number), "number", 14);
    }
    scale_bar(s, f, m.lang);
    legend(s, kinds, !centres.empty(), f.height() + 12, m.lang);
    s << "</svg>";
    out.svg = s.str();
    out.points = dots.size();
    out.polygons = shapes.size();
    return out;
}

std::string sparkline(const std::vector<std::pair<int, double>>& series, Lang lang) {
    if (series.size() < 2) return {};
    double lo = series.front().second, hi = lo;
    for (const auto& [y, v] : series) {
        lo = std::min(lo, v);
        hi = std::max(hi, v);
    }
    std::string pts;
    for (std::size_t i = 0; i < series.size(); ++i) {
        double x = 80 * static_cast<double>(i) / static_cast<double>(series.size() - 1);
        double y = hi > lo ? 16 - 14 * (series[i].second - lo) / (hi - lo) : 9;
        pts += n1(x) + "," + n1(y) + " ";
    }
    std::string title = std::to_string(series.front().first) + ": " + format_number(series.front().second, lang) + " … " +
                        std::to_string(series.back().first) + ": " + format_number(series.back().second, lang);
    return "<svg class=\"spark\" width=\"80\" height=\"18\" viewBox=\"0 0 80 18\" role=\"img\"><title>" +
           html_escape(title) + "</title><polyline fill=\"none\" stroke=\"#444\" stroke-width=\"1.2\" points=\"" + pts +
           "\"/></svg>";
}

}  // namespace atd::report
