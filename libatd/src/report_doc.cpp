#include "report_doc.hpp"
#include "report_model.hpp"

namespace atd::report {

namespace {

// On screen: tables wrap, wide ones scroll inside their box, never the page.
// On paper: A4, each oblast on a new page, table headers repeated, maps whole.
const char* kStyle =
    "body{font:14px/1.45 system-ui,-apple-system,'Segoe UI',Roboto,'Noto Sans',Arial,sans-serif;margin:2em auto;"
    "max-width:1320px;padding:0 1em;color:#222}h1{font-size:1.6em}h2{border-bottom:2px solid #ddd;margin-top:2em}"
    ".wide{overflow-x:auto;max-width:100%}table{border-collapse:collapse;margin:.6em 0;font-size:13px}"
    "th,td{border:1px solid #ddd;padding:3px 6px;vertical-align:top;text-align:left;overflow-wrap:break-word}"
    "th{background:#f4f4f0;overflow-wrap:normal}td.num,th.num{text-align:right;white-space:nowrap}"
    "tr.detail td{background:#fcfcfa;color:#333;font-size:12px}tr.detail b{font-weight:600}"
    ".pass{color:#1a7f37}.fail{color:#c62828}.no_data,.unknown{color:#999}small{color:#666}"
    "figure{margin:.5em 0;max-width:100%}figure svg{max-width:100%;height:auto}figcaption{color:#555;font-size:12px}"
    ".pair{display:flex;flex-wrap:wrap;gap:1em}.pair figure{flex:1 1 300px;min-width:0}"
    ".note{color:#6b5223;background:#fcf8e3;padding:4px 8px;border-left:3px solid #e0c070}"
    "nav ol{columns:2;column-gap:2em}nav ol ol{columns:1}nav li{break-inside:avoid}"
    "dt{font-weight:600;margin-top:.5em}dd{margin-left:1.5em;overflow-wrap:anywhere}"
    ".map text.name{fill:#222}.map text.number{fill:#000;font-weight:700}"
    "@media print{@page{size:A4;margin:15mm}body{max-width:none;margin:0;font-size:10.5pt}"
    ".wide{overflow:visible}section.oblast{break-before:page}thead{display:table-header-group}"
    "tr,figure,svg{break-inside:avoid}h2,h3,h4{break-after:avoid}nav ol{columns:2}a{color:inherit;text-decoration:none}}";

}  // namespace

std::string md_escape(std::string_view s) {
    std::string out;
    // A line that starts like a heading, quote, list item or rule stays text.
    bool numbered = !s.empty() && s[0] >= '0' && s[0] <= '9' && s.find_first_not_of("0123456789") != std::string_view::npos &&
                    (s[s.find_first_not_of("0123456789")] == '.' || s[s.find_first_not_of("0123456789")] == ')');
    if (!s.empty() && (s[0] == '#' || s[0] == '>' || s[0] == '-' || s[0] == '+' || s[0] == '=' || s[0] == '~' || numbered))
        out.push_back('\\');
    for (char c : s) {
        if (c == '|' || c == '*' || c == '_' || c == '`' || c == '[' || c == ']' || c == '\\') out.push_back('\\');
        if (c == '<') out += "&lt;";
        else if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) out.push_back(' ');
        else out.push_back(c);
    }
    return out;
}

std::string Doc::esc(std::string_view s) const { return html_ ? html_escape(s) : md_escape(s); }

Cell Doc::swatch(const std::string& text, const char* colour) {
    return {text, "<span style=\"color:" + std::string(colour) + "\">●</span> " + html_escape(text)};
}

Cell Doc::link(const std::string& text, const std::string& anchor) {
    return {text, "<a href=\"#" + html_escape(anchor) + "\">" + html_escape(text) + "</a>"};
}

void Doc::begin(const std::string& title) {
    if (!html_) return;
    out_ += "<!DOCTYPE html>\n<html lang=\"" + std::string(lang_code(lang_)) +
            "\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>" +
            html_escape(title) + "</title><style>" + kStyle + "</style></head><body>\n";
}

void Doc::end() {
    if (html_) out_ += "</body></html>\n";
}

void Doc::open(std::string_view tag, std::string_view cls, std::string_view id) {
    if (!html_) return;
    out_ += "<" + std::string(tag) + " class=\"" + html_escape(cls) + "\"" +
            (id.empty() ? "" : " id=\"" + html_escape(id) + "\"") + ">\n";
}

void Doc::close(std::string_view tag) {
    if (html_) out_ += "</" + std::string(tag) + ">\n";
}

void Doc::heading(int level, const std::string& text) {
    if (html_) out_ += "<h" + std::to_string(level) + ">" + html_escape(text) + "</h" + std::to_string(level) + ">\n";
    else out_ += std::string(static_cast<std::size_t>(level), '#') + " " + md_escape(text) + "\n\n";
}

void Doc::paragraph(const std::string& text) { out_ += html_ ? "<p>" + html_escape(text) + "</p>\n" : md_escape(text) + "\n\n"; }

void Doc::note(const std::string& text) {
    out_ += html_ ? "<p class=\"note\">" + html_escape(text) + "</p>\n" : "> " + md_escape(text) + "\n\n";
}

void Doc::links(const std::vector<Link>& items) {
    if (!html_) {
        for (const auto& l : items) out_ += std::string(static_cast<std::size_t>(2 * l.level), ' ') + "- " + md_escape(l.text) + "\n";
        out_ += "\n";
        return;
    }
    // Two levels: an item, and under it the items of level 1 that follow.
    out_ += "<ol>";
    bool item_open = false, sub_open = false;
    for (const auto& l : items) {
        if (l.level == 0) {
            if (sub_open) out_ += "</ol>";
            if (item_open) out_ += "</li>";
            sub_open = false;
            item_open = true;
            out_ += "<li><a href=\"#" + html_escape(l.anchor) + "\">" + html_escape(l.text) + "</a>";
            continue;
        }
        if (!sub_open) out_ += "<ol>";
        sub_open = true;
        out_ += "<li><a href=\"#" + html_escape(l.anchor) + "\">" + html_escape(l.text) + "</a></li>";
    }
    if (sub_open) out_ += "</ol>";
    if (item_open) out_ += "</li>";
    out_ += "</ol>\n";
}

void Doc::terms(const std::vector<Term>& items) {
    if (!html_) {
        for (const auto& t : items)
            out_ += "- **" + md_escape(t.term) + "** " + md_escape(t.definition) + (t.url.empty() ? "" : " <" + t.url + ">") + "\n";
        out_ += "\n";
        return;
    }
    out_ += "<dl>";
    for (const auto& t : items) {
        out_ += "<dt>" + html_escape(t.term) + "</dt><dd>" + html_escape(t.definition);
        if (!t.url.empty()) out_ += " <a href=\"" + html_escape(t.url) + "\">" + html_escape(t.url) + "</a>";
        out_ += "</dd>";
    }
    out_ += "</dl>\n";
}

void Doc::table(const Table& t) {
    if (html_) html_table(t);
    else md_table(t);
}

void Doc::html_table(const Table& t) {
    std::size_t main = 0;
    for (const auto& c : t.columns) main += !c.detail;
    out_ += "<div class=\"wide\"><table class=\"" + html_escape(t.cls) + "\"><thead><tr>";
    for (const auto& c : t.columns)
        if (!c.detail) out_ += std::string(c.number ? "<th class=\"num\">" : "<th>") + html_escape(c.head) + "</th>";
    out_ += "</tr></thead><tbody>\n";
    for (const auto& row : t.rows) {
        std::string detail;
        out_ += "<tr>";
        for (std::size_t k = 0; k < row.size() && k < t.columns.size(); ++k) {
            const Cell& c = row[k];
            std::string body = c.html.empty() ? html_escape(c.text) : c.html;
            if (t.columns[k].detail) {
                if (!c.text.empty()) detail += (detail.empty() ? "" : "<br>") + ("<b>" + html_escape(t.columns[k].head) + ":</b> ") + body;
                continue;
            }
            out_ += std::string(t.columns[k].number ? "<td class=\"num\">" : "<td>") + body + "</td>";
        }
        out_ += "</tr>\n";
        if (!detail.empty()) out_ += "<tr class=\"detail\"><td colspan=\"" + std::to_string(main) + "\">" + detail + "</td></tr>\n";
    }
    out_ += "</tbody></table></div>\n";
}

void Doc::md_table(const Table& t) {
    std::string rule = "|";
    out_ += "|";
    for (const auto& c : t.columns) {
        out_ += " " + md_escape(c.head) + " |";
        rule += c.number ? "---:|" : "---|";
    }
    out_ += "\n" + rule + "\n";
    for (const auto& row : t.rows) {
        out_ += "|";
        for (const auto& c : row) out_ += " " + md_escape(c.text) + " |";
        out_ += "\n";
    }
    out_ += "\n";
}

void Doc::figure(const std::string& svg, const std::string& caption) {
    out_ += "<figure>" + svg + (caption.empty() ? "" : "<figcaption>" + html_escape(caption) + "</figcaption>") + "</figure>\n";
}

void Doc::figure_pair(const std::string& left, const std::string& left_caption, const std::string& right,
                      const std::string& right_caption) {
    out_ += "<div class=\"pair\"><figure class=\"before\">" + left + "<figcaption>" + html_escape(left_caption) +
            "</figcaption></figure>\n<figure class=\"after\">" + right + "<figcaption>" + html_escape(right_caption) +
            "</figcaption></figure></div>\n";
}

void Doc::image(const std::string& path, const std::string& alt) {
    std::string target;  // between < and >, where spaces and parentheses may stand
    for (char c : path) target += c == '<' ? "%3C" : c == '>' ? "%3E" : std::string(1, c);
    out_ += "![" + md_escape(alt) + "](<" + target + ">)\n\n";
}

std::string Doc::take() {
    std::string out;
    out.swap(out_);
    return out;
}

}  // namespace atd::report
