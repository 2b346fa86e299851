#pragma once
// The report's document, written once for both HTML and Markdown: headings,
// paragraphs, tables, term lists and figures, text escaped for either.
#include <atd/messages.hpp>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace atd::report {

// A table cell: plain text, and optionally the markup an HTML page shows instead.
struct Cell {
    std::string text = {}, html = {};
};

struct Column {
    std::string head;
    bool number = false;
    bool detail = false;  // HTML: in a row of its own under the others, so long text wraps across the table
};

struct Table {
    std::string cls;
    std::vector<Column> columns;
    std::vector<std::vector<Cell>> rows = {};
};

// Text for a Markdown cell or line: Markdown's marks escaped, < as &lt; (no
// tag can open), control characters as spaces, and a start that would make a
// heading, quote or list item escaped.
std::string md_escape(std::string_view s);

class Doc {
public:
    Doc(bool html, Lang lang) : html_(html), lang_(lang) {}

    bool html() const { return html_; }
    Lang lang() const { return lang_; }
    std::string L(std::string_view key) const { return text_of(lang_, key); }
    // A number in the report's language, with at most `digits` decimals (trailing zeros dropped).
    std::string num(double v, std::optional<int> digits = std::nullopt) const {
        return digits ? format_trimmed(v, lang_, *digits) : format_number(v, lang_);
    }

    struct Link {
        std::string text, anchor;
        int level = 0;
    };
    struct Term {
        std::string term, definition, url = {};
    };
    // A coloured dot before text; a link to an anchor of the page.
    static Cell swatch(const std::string& text, const char* colour);
    static Cell link(const std::string& text, const std::string& anchor);

    void begin(const std::string& title);
    void end();
    // An HTML element around what follows (nothing in Markdown).
    void open(std::string_view tag, std::string_view cls, std::string_view id = {});
    void close(std::string_view tag);
    void heading(int level, const std::string& text);
    void paragraph(const std::string& text);
    void note(const std::string& text);
    void links(const std::vector<Link>& items);
    void terms(const std::vector<Term>& items);
    void table(const Table& t);
    void figure(const std::string& svg, const std::string& caption);
    void figure_pair(const std::string& left, const std::string& left_caption, const std::string& right,
                     const std::string& right_caption);
    void image(const std::string& path, const std::string& alt);  // Markdown
    // What is written so far, which then starts again empty.
    std::string take();

private:
    std::string esc(std::string_view s) const;
    void html_table(const Table& t);
    void md_table(const Table& t);

    bool html_;
    Lang lang_;
    std::string out_;
};

}  // namespace atd::report
