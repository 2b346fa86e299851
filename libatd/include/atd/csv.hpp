#pragma once
// Delimited text tables as people really write them: BOM, CRLF, ';' or tab
// delimiters, quoted fields, Cyrillic text. Errors name the file and line.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace atd {

class CsvReader {
public:
    // path "-" reads stdin. Reads the header row; throws DataError on an empty file.
    explicit CsvReader(const std::string& path);
    // Parses text already in memory (name is used in messages).
    CsvReader(std::string text, std::string name);

    const std::vector<std::string>& header() const { return header_; }
    // Index of a column by name (case-insensitive, surrounding blanks ignored).
    std::optional<std::size_t> column(std::string_view name) const;
    // The first of several candidate names that exists.
    std::optional<std::size_t> column_any(std::initializer_list<std::string_view> names) const;
    // Next data row; false at the end. Blank lines are skipped. Throws
    // DataError when a row has a different number of fields than the header.
    bool next(std::vector<std::string>& row);
    std::size_t line() const { return row_line_; }  // line where the last row started
    char delimiter() const { return delim_; }
    const std::string& name() const { return name_; }
    // "FILE: line N" for the last row.
    std::string where() const;

private:
    void init();
    bool parse_row(std::vector<std::string>& row);

    std::string name_;
    std::string text_;
    std::size_t pos_ = 0;
    std::size_t line_ = 1;
    std::size_t row_line_ = 0;
    char delim_ = ',';
    std::vector<std::string> header_;
};

enum class NumberStatus { Ok, Empty, NotANumber, NotFinite, OutOfRange };

// Parses a number as written in a table, independent of the locale. A decimal
// comma is accepted when allow_comma is set (tables with ';' delimiters).
NumberStatus parse_number(std::string_view text, double& out, bool allow_comma = false);
std::string_view number_status_text(NumberStatus s);

// The offset of the first byte of text that is not well-formed UTF-8, if any.
std::optional<std::size_t> invalid_utf8_at(std::string_view text);
// What to say of text that is not UTF-8, bad at offset at: the byte, and the
// likely encoding (a Cyrillic single-byte one such as Windows-1251 or KZ-1048)
// with the command that converts it.
std::string not_utf8_message(std::string_view text, std::size_t at);

// Trims ASCII blanks.
std::string_view trim(std::string_view s);

// A text cell for CSV: quoted when it must be; a text a spreadsheet would
// take for a formula (=, +, -, @, TAB or CR first, and not a number) gets a
// leading ' and is quoted (OWASP's advice against CSV injection).
// With neutralise false, the text goes out as it is (quoted when it must be).
std::string csv_cell(std::string_view v, bool neutralise = true);
// Whether a spreadsheet would take text for a formula: =, +, -, @, TAB or CR
// first, and not a number.
bool looks_like_formula(std::string_view v);

}  // namespace atd
