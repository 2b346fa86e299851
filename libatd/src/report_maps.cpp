// The report's SVG maps: one per district, after (proposed okrugs and
// settlements) and before (the units as they are), and an overview per oblast.
#include "report_model.hpp"

#include <atd/geo.hpp>
#include <atd/polygons.hpp>

#include <algorithm>
#include <cmath>
#include <functional>
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

// Legend entries from y on, in rows within the width: a coloured dot per kind
// of proposal shown, then the centre ring and the marks of support and
// satellite villages. Returns the number of rows.
int legend(std::ostringstream& s, const std::set<std::string>& kinds, bool centres, bool support, bool satellite,
           double y, double width, Lang lang) {
    double lx = 10;
    int rows = 1;
    s << "<g class=\"legend\" font-size=\"11\">";
    auto entry = [&](const std::string& text, const std::function<std::string(double, double)>& mark) {
        double w = 24 + text_width(text);
        if (lx > 10 && lx + w > width - 10) {
            lx = 10;
            y += 16;
            ++rows;
        }
        s << mark(lx, y) << "<text x=\"" << n1(lx + 12) << "\" y=\"" << n1(y + 4) << "\">" << html_escape(text) << "</text>";
        lx += w;
    };
    for (const auto& k : kinds)
        entry(value_word(lang, k), [&](double x, double cy) {
            return "<circle cx=\"" + n1(x + 5) + "\" cy=\"" + n1(cy) + "\" r=\"4\" fill=\"" + colour_of(k) + "\"/>";
        });
    if (centres)
        entry(text_of(lang, "proposed_centre"), [](double x, double cy) {
            return "<circle cx=\"" + n1(x + 5) + "\" cy=\"" + n1(cy) + "\" r=\"5\" fill=\"none\" stroke=\"#222\" stroke-width=\"1.4\"/>";
        });
    if (support)
        entry(value_word(lang, "support"), [](double x, double cy) {
            return "<rect x=\"" + n1(x + 1) + "\" y=\"" + n1(cy - 4) + "\" width=\"8\" height=\"8\" fill=\"none\" stroke=\"#444\"/>";
        });
    if (satellite)
        entry(value_word(lang, "satellite"), [](double x, double cy) {
            return "<path d=\"M" + n1(x + 5) + " " + n1(cy - 5) + "l5 5l-5 5l-5 -5Z\" fill=\"none\" stroke=\"#444\"/>";
        });
    s << "</g>";
    return rows;
}

struct Dot {
    double x, y;
    std::size_t settlement;
};

// Labels placed where they overlap no label or dot placed before and stay
// inside the map: right of the point first, then left, above and below; a
// label that fits nowhere takes its first place all the same (every
// settlement with a proposal is named).
class Labels {
public:
    Labels(double width, double height) : width_(width), height_(height) {}
    void occupy(double x, double y, double r) { taken_.push_back({x - r, y - r, x + r, y + r}); }
    void place(std::ostringstream& s, double x, double y, const std::string& text, const char* cls, double size) {
        double w = text_width(text) * size / 11, h = size;
        struct Try {
            double ax, by;
            int anchor;  // 0 start, 1 end, 2 middle
        };
        const Try tries[] = {{x + 6, y - 4, 0}, {x + 6, y + h + 2, 0}, {x - 6, y - 4, 1},
                             {x - 6, y + h + 2, 1}, {x, y - 8, 2},     {x, y + h + 6, 2}};
        const Try* chosen = nullptr;
        Box box{};
        for (const auto& t : tries) {
            double x0 = t.anchor == 0 ? t.ax : t.anchor == 1 ? t.ax - w : t.ax - w / 2;
            Box b{x0, t.by - h * 0.8, x0 + w, t.by + h * 0.2};
            bool inside = b.x0 >= 0 && b.x1 <= width_ && b.y0 >= 0 && b.y1 <= height_;
            bool free = std::none_of(taken_.begin(), taken_.end(), [&](const Box& o) { return o.overlaps(b); });
            if (!chosen || (inside && free)) {
                chosen = &t;
                box = b;
                if (inside && free) break;
            }
        }
        taken_.push_back(box);
        static const char* anchors[] = {"start", "end", "middle"};
        s << "<text class=\"" << cls << "\" x=\"" << n1(chosen->ax) << "\" y=\"" << n1(chosen->by) << "\" font-size=\""
          << n1(size) << "\" text-anchor=\"" << anchors[chosen->anchor] << "\" paint-order=\"stroke\" stroke=\"#fff\" "
          << "stroke-width=\"3\" stroke-linejoin=\"round\">" << html_escape(text) << "</text>";
    }

private:
    struct Box {
        double x0, y0, x1, y1;
        bool overlaps(const Box& o) const { return x0 < o.x1 && o.x0 < x1 && y0 < o.y1 && o.y0 < y1; }
    };
    double width_, height_;
    std::vector<Box> taken_;
};

// A settlement's mark: a square for a support village, a diamond for a
// satellite, a circle otherwise; filled with its proposal's colour.
void marker(std::ostringstream& s, const Dot& dot, const Settlement& st, Lang lang) {
    bool change = is_change(st);
    double r = change ? 4.5 : 2.5;
    std::string paint = "fill=\"" + std::string(colour_of(st.proposal)) + "\" stroke=\"#fff\" stroke-width=\"0.8\"";
    std::string title = "<title>" + html_escape(st.name + " (" + st.kato + ")" + (change ? ": " + value_word(lang, st.proposal) : "") +
                                                (st.settlement_class == "support" || st.settlement_class == "satellite"
                                                     ? ", " + value_word(lang, st.settlement_class) : "")) + "</title>";
    if (st.settlement_class == "support") {
        r += 0.8;
        s << "<rect class=\"settlement support\" x=\"" << n1(dot.x - r) << "\" y=\"" << n1(dot.y - r) << "\" width=\""
          << n1(2 * r) << "\" height=\"" << n1(2 * r) << "\" " << paint << ">" << title << "</rect>";
    } else if (st.settlement_class == "satellite") {
        r += 1;
        s << "<path class=\"settlement satellite\" d=\"M" << n1(dot.x) << " " << n1(dot.y - r) << "L" << n1(dot.x + r) << " "
          << n1(dot.y) << "L" << n1(dot.x) << " " << n1(dot.y + r) << "L" << n1(dot.x - r) << " " << n1(dot.y) << "Z\" "
          << paint << ">" << title << "</path>";
    } else {
        s << "<circle class=\"settlement\" cx=\"" << n1(dot.x) << "\" cy=\"" << n1(dot.y) << "\" r=\"" << n1(r) << "\" "
          << paint << ">" << title << "</circle>";
    }
}

}  // namespace

namespace {

// An SVG map: the background, then body; its height grows with the legend's rows.
std::string svg_map(const char* cls, double map_height, int legend_rows, const std::string& data, const std::string& body) {
    double height = map_height + 8 + 16 * legend_rows;
    return "<svg class=\"" + std::string(cls) + "\" xmlns=\"http://www.w3.org/2000/svg\" width=\"640\" height=\"" +
           n1(height) + "\" viewBox=\"0 0 640 " + n1(height) + "\" " + data +
           " role=\"img\"><rect width=\"100%\" height=\"100%\" fill=\"#fbfbf8\"/>" + body + "</svg>";
}

// One district's map, drawn in layers: outline, okrugs or units, settlements, labels, scale and legend.
class DistrictDrawing {
public:
    DistrictDrawing(const Model& m, const District& d, const std::vector<std::pair<std::string, Geometry>>* areas,
                    const Geometry* outline, double lon0, double lat0)
        : m_(m), d_(d), areas_(areas), outline_(outline), f_(lon0, lat0) {}

    MapOutput draw() {
        project();
        if (outline_)
            s_ << "<path class=\"outline\" d=\"" << f_.path(outline_p_)
               << "\" fill=\"none\" stroke=\"#555\" stroke-width=\"1.2\" fill-rule=\"evenodd\"/>";
        draw_shapes();
        draw_settlements();
        draw_labels();
        scale_bar(s_, f_, m_.lang);
        int rows = legend(s_, kinds_, !centres_.empty(), classes_.count("support") > 0, classes_.count("satellite") > 0,
                          f_.height() + 12, f_.width(), m_.lang);
        std::string data = "data-settlements=\"" + std::to_string(dots_.size()) + "\" data-okrugs=\"" +
                           std::to_string(areas_ ? 0 : shapes_.size()) + "\" data-units=\"" +
                           std::to_string(areas_ ? shapes_.size() : 0) + "\"";
        return {svg_map("map", f_.height(), rows, data, s_.str()), dots_.size(), shapes_.size()};
    }

private:
    struct Shape {
        Geometry geom;
        std::string code;        // before: the unit
        std::size_t merger = 0;  // after: the proposal
    };

    // Everything into the local projection, then onto the screen.
    void project() {
        if (outline_) f_.grow(outline_p_ = f_.project(*outline_));
        if (areas_) {
            for (const auto& [code, geom] : *areas_)
                if (polygonal(geom)) shapes_.push_back({f_.project(geom), code, 0});
        } else {
            for (std::size_t g : d_.mergers)
                if (polygonal(m_.mergers[g].geom)) shapes_.push_back({f_.project(m_.mergers[g].geom), {}, g});
        }
        for (const auto& sh : shapes_) f_.grow(sh.geom);
        for (std::size_t i : d_.settlements)
            if (!m_.settlements[i].geom.empty()) {
                auto [lon, lat] = representative_point(m_.settlements[i].geom);
                auto [x, y] = f_.project(lon, lat);
                f_.grow(x, y);
                dots_.push_back({x, y, i});
            }
        f_.fit(640);
        for (auto& dot : dots_) {
            dot.x = f_.sx(dot.x);
            dot.y = f_.sy(dot.y);
        }
    }

    // Units as they are (before), or proposed okrugs, those that merge filled and numbered.
    void draw_shapes() {
        for (std::size_t k = 0; k < shapes_.size(); ++k) {
            if (areas_) {
                s_ << "<path class=\"unit\" d=\"" << f_.path(shapes_[k].geom) << "\" fill=\"" << kUnchangedFill
                   << "\" stroke=\"#777\" stroke-width=\"0.6\" fill-rule=\"evenodd\"><title>"
                   << html_escape(name_and_code(m_, shapes_[k].code)) << "</title></path>";
                continue;
            }
            const Merger& g = m_.mergers[shapes_[k].merger];
            if (g.changed && !g.centre_code.empty()) centres_.insert(g.centre_code);
            if (g.changed) numbered_.emplace_back(k, static_cast<std::size_t>(g.number));
            s_ << "<path class=\"okrug\" data-proposal=\"" << html_escape(g.id) << "\" d=\"" << f_.path(shapes_[k].geom)
               << "\" fill=\"" << (g.changed ? kFills[static_cast<std::size_t>(g.number - 1) % 8] : kUnchangedFill)
               << "\" stroke=\"#777\" stroke-width=\"0.6\" fill-rule=\"evenodd\"><title>"
               << html_escape((g.changed ? std::to_string(g.number) + ". " : "") + g.centre) << "</title></path>";
        }
    }

    // Rings round the proposed centres, then every settlement's mark.
    void draw_settlements() {
        for (const auto& dot : dots_) {
            const Settlement& st = m_.settlements[dot.settlement];
            kinds_.insert(st.proposal.empty() ? "keep" : st.proposal);
            classes_.insert(st.settlement_class);
            if (centres_.count(st.kato))
                s_ << "<circle class=\"centre\" cx=\"" << n1(dot.x) << "\" cy=\"" << n1(dot.y)
                   << "\" r=\"7.5\" fill=\"none\" stroke=\"#222\" stroke-width=\"1.4\"><title>"
                   << html_escape(text_of(m_.lang, "centre") + ": " + st.name) << "</title></circle>";
        }
        for (const auto& dot : dots_) marker(s_, dot, m_.settlements[dot.settlement], m_.lang);
    }

    // Proposed okrugs by number, settlements with a proposal and proposed centres by name.
    void draw_labels() {
        Labels labels(f_.width(), f_.height());
        for (const auto& dot : dots_)
            if (is_change(m_.settlements[dot.settlement])) labels.occupy(dot.x, dot.y, 5);
        for (const auto& [k, number] : numbered_) {
            auto [x, y] = representative_point(shapes_[k].geom);
            labels.place(s_, f_.sx(x), f_.sy(y) + 5, std::to_string(number), "number", 14);
        }
        for (const auto& dot : dots_) {
            const Settlement& st = m_.settlements[dot.settlement];
            if (is_change(st) || centres_.count(st.kato)) labels.place(s_, dot.x, dot.y, st.name, "name", 10);
        }
    }

    const Model& m_;
    const District& d_;
    const std::vector<std::pair<std::string, Geometry>>* areas_;
    const Geometry* outline_;
    Frame f_;
    Geometry outline_p_;
    std::vector<Shape> shapes_;
    std::vector<Dot> dots_;
    std::set<std::string> centres_, kinds_, classes_;
    std::vector<std::pair<std::size_t, std::size_t>> numbered_;  // shape, merger number
    std::ostringstream s_;
};

}  // namespace

MapOutput district_map(const Model& m, const District& d, bool before) {
    const std::vector<std::pair<std::string, Geometry>>* areas = nullptr;
    if (before) {
        auto it = m.areas.find(d.kato);
        if (it == m.areas.end()) return {};
        areas = &it->second;
    }
    const Geometry* outline = nullptr;
    if (auto it = m.unit_geoms.find(d.kato); it != m.unit_geoms.end()) outline = &it->second;
    double lon0, lat0;
    if (!lonlat_centre(m, d, outline, areas, lon0, lat0)) return {};
    return DistrictDrawing(m, d, areas, outline, lon0, lat0).draw();
}

MapOutput oblast_map(const Model& m, const std::string& oblast) {
    MapOutput out;
    std::vector<const District*> districts;
    for (const auto& d : m.districts)
        if (d.oblast == oblast) districts.push_back(&d);
    std::vector<std::pair<const District*, const Geometry*>> outlines;
    for (const District* d : districts)
        if (auto it = m.unit_geoms.find(d->kato); it != m.unit_geoms.end() && polygonal(it->second))
            outlines.emplace_back(d, &it->second);
    const Geometry* outline = nullptr;
    if (auto it = m.unit_geoms.find(oblast); it != m.unit_geoms.end() && polygonal(it->second)) outline = &it->second;
    if (!outline && outlines.empty()) return out;  // nothing to draw the oblast by
    Geometry extent = outline ? *outline : *outlines.front().second;
    auto [lon0, lat0] = representative_point(extent);
    Frame f(lon0, lat0);
    Geometry outline_p;
    if (outline) f.grow(outline_p = f.project(*outline));
    std::vector<Geometry> district_p, okrugs_p;
    for (const auto& [d, g] : outlines) f.grow(district_p.emplace_back(f.project(*g)));
    for (const District* d : districts)
        for (std::size_t gi : d->mergers)
            if (m.mergers[gi].changed && polygonal(m.mergers[gi].geom)) okrugs_p.push_back(f.project(m.mergers[gi].geom));
    f.fit(640);
    std::ostringstream s;
    for (const auto& g : okrugs_p) s << "<path class=\"okrug\" d=\"" << f.path(g) << "\" fill=\"" << kFills[0] << "\" stroke=\"none\"/>";
    for (const auto& g : district_p)
        s << "<path class=\"district\" d=\"" << f.path(g) << "\" fill=\"none\" stroke=\"#888\" stroke-width=\"0.7\"/>";
    if (outline)
        s << "<path class=\"outline\" d=\"" << f.path(outline_p) << "\" fill=\"none\" stroke=\"#333\" stroke-width=\"1.4\"/>";
    std::set<std::string> kinds;
    std::size_t changes = 0;
    for (const District* d : districts)
        for (std::size_t i : d->settlements) {
            const Settlement& st = m.settlements[i];
            if (!is_change(st) || st.geom.empty()) continue;
            auto [lon, lat] = representative_point(st.geom);
            auto [x, y] = f.project(lon, lat);
            s << "<circle class=\"change\" cx=\"" << n1(f.sx(x)) << "\" cy=\"" << n1(f.sy(y)) << "\" r=\"3.5\" fill=\""
              << colour_of(st.proposal) << "\" stroke=\"#fff\" stroke-width=\"0.6\"><title>"
              << html_escape(st.name + ": " + value_word(m.lang, st.proposal)) << "</title></circle>";
            kinds.insert(st.proposal);
            ++changes;
        }
    Labels labels(f.width(), f.height());
    for (std::size_t k = 0; k < outlines.size(); ++k) {
        auto [x, y] = representative_point(district_p[k]);
        labels.place(s, f.sx(x), f.sy(y), unit_name(m, outlines[k].first->kato), "district-name", 9);
    }
    scale_bar(s, f, m.lang);
    int rows = legend(s, kinds, false, false, false, f.height() + 12, f.width(), m.lang);
    out.svg = svg_map("map overview", f.height(), rows,
                      "data-districts=\"" + std::to_string(outlines.size()) + "\" data-changes=\"" + std::to_string(changes) + "\"",
                      s.str());
    out.points = changes;
    out.polygons = outlines.size();
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
