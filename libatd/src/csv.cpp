#include <atd/csv.hpp>
#include <atd/error.hpp>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iostream>
#include <iterator>
#include <sstream>

namespace atd {

std::string_view trim(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '\r' || s.front() == '\n'))
        s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r' || s.back() == '\n'))
        s.remove_suffix(1);
    return s;
}

namespace {
std::string read_text(const std::string& path) {
    if (path == "-") {
        std::ostringstream ss;
        ss << std::cin.rdbuf();
        return ss.str();
    }
    std::FILE* fp = std::fopen(path.c_str(), "rb");
    if (!fp) throw DataError(path + ": " + (errno == ENOENT ? std::string("no such file") : std::strerror(errno)));
    std::string text;
    char buf[1 << 16];
    std::size_t n;
    while ((n = std::fread(buf, 1, sizeof buf, fp)) > 0) text.append(buf, n);
    bool bad = std::ferror(fp) != 0;
    std::fclose(fp);
    if (bad) throw DataError(path + ": read error");
    return text;
}

bool iequal(std::string_view a, std::string_view b) {
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i)
        if (std::tolower(static_cast<unsigned char>(a[i])) != std::tolower(static_cast<unsigned char>(b[i])))
            return false;
    return true;
}
}  // namespace

CsvReader::CsvReader(const std::string& path) : name_(path == "-" ? "<stdin>" : path), text_(read_text(path)) {
    init();
}

CsvReader::CsvReader(std::string text, std::string name) : name_(std::move(name)), text_(std::move(text)) { init(); }

void CsvReader::init() {
    if (text_.size() >= 3 && std::memcmp(text_.data(), "\xEF\xBB\xBF", 3) == 0) pos_ = 3;
    if (text_.find('\0') != std::string::npos) throw DataError(name_ + ": not a text table (binary data)");
    if (auto bad = invalid_utf8_at(text_)) {
        auto line = 1 + std::count(text_.begin(), text_.begin() + static_cast<std::ptrdiff_t>(*bad), '\n');
        throw DataError(name_ + ": line " + std::to_string(line) + ": " + not_utf8_message(text_, *bad));
    }
    // The delimiter is the most frequent of , ; TAB on the header line, outside quotes.
    std::size_t counts[3] = {0, 0, 0};
    bool quoted = false;
    for (std::size_t i = pos_; i < text_.size() && (quoted || text_[i] != '\n'); ++i) {
        char c = text_[i];
        if (c == '"') quoted = !quoted;
        else if (!quoted) counts[c == ',' ? 0 : c == ';' ? 1 : c == '\t' ? 2 : 0] += (c == ',' || c == ';' || c == '\t');
    }
    delim_ = counts[1] > counts[0] && counts[1] >= counts[2] ? ';' : counts[2] > counts[0] ? '\t' : ',';
    while (parse_row(header_)) {
        if (!(header_.size() == 1 && trim(header_[0]).empty())) break;
        header_.clear();
    }
    if (header_.empty()) throw DataError(name_ + ": empty file (no header row)");
    for (auto& h : header_) h = std::string(trim(h));
}

std::optional<std::size_t> CsvReader::column(std::string_view name) const {
    for (std::size_t i = 0; i < header_.size(); ++i)
        if (iequal(header_[i], name)) return i;
    return std::nullopt;
}

std::optional<std::size_t> CsvReader::column_any(std::initializer_list<std::string_view> names) const {
    for (auto n : names)
        if (auto c = column(n)) return c;
    return std::nullopt;
}

std::string CsvReader::where() const { return name_ + ": line " + std::to_string(row_line_); }

bool CsvReader::parse_row(std::vector<std::string>& row) {
    row.clear();
    if (pos_ >= text_.size()) return false;
    row_line_ = line_;
    std::string field;
    bool quoted = false, was_quoted = false;
    while (pos_ < text_.size()) {
        char c = text_[pos_++];
        if (quoted) {
            if (c == '"') {
                if (pos_ < text_.size() && text_[pos_] == '"') {
                    field.push_back('"');
                    ++pos_;
                } else {
                    quoted = false;
                }
            } else {
                if (c == '\n') ++line_;
                field.push_back(c);
            }
            continue;
        }
        if (c == '"' && trim(field).empty() && !was_quoted) {
            field.clear();
            quoted = was_quoted = true;
        } else if (c == delim_) {
            row.push_back(std::move(field));
            field.clear();
            was_quoted = false;
        } else if (c == '\n') {
            ++line_;
            break;
        } else if (c != '\r') {
            field.push_back(c);
        }
    }
    if (quoted) throw DataError(name_ + ": line " + std::to_string(row_line_) + ": quoted field is not closed");
    row.push_back(std::move(field));
    return true;
}

bool CsvReader::next(std::vector<std::string>& row) {
    while (parse_row(row)) {
        if (row.size() == 1 && trim(row[0]).empty()) continue;  // blank line
        if (row.size() != header_.size())
            throw DataError(where() + ": expected " + std::to_string(header_.size()) + " fields, found " +
                            std::to_string(row.size()) + " (delimiter '" +
                            (delim_ == '\t' ? std::string("TAB") : std::string(1, delim_)) + "')");
        return true;
    }
    return false;
}

std::optional<std::size_t> invalid_utf8_at(std::string_view text) {
    const auto* p = reinterpret_cast<const unsigned char*>(text.data());
    std::size_t n = text.size(), i = 0;
    while (i < n) {
        unsigned c = p[i];
        if (c < 0x80) { ++i; continue; }
        std::size_t len = c >= 0xC2 && c <= 0xDF ? 2 : c >= 0xE0 && c <= 0xEF ? 3 : c >= 0xF0 && c <= 0xF4 ? 4 : 0;
        if (len == 0 || i + len > n) return i;
        for (std::size_t k = 1; k < len; ++k)
            if ((p[i + k] & 0xC0) != 0x80) return i;
        unsigned second = p[i + 1];
        if ((c == 0xE0 && second < 0xA0) || (c == 0xED && second > 0x9F) || (c == 0xF0 && second < 0x90) ||
            (c == 0xF4 && second > 0x8F))
            return i;  // overlong, a surrogate, or beyond U+10FFFF
        i += len;
    }
    return std::nullopt;
}

std::string not_utf8_message(std::string_view text, std::size_t at) {
    char byte[8];
    std::snprintf(byte, sizeof byte, "0x%02X", static_cast<unsigned char>(text[at]));
    std::size_t high = 0, cyrillic = 0;  // bytes >= 0x80, and those in 0xC0..0xFF (А..я in Windows-1251)
    for (char ch : text.substr(0, 1 << 20)) {
        auto c = static_cast<unsigned char>(ch);
        high += c >= 0x80;
        cyrillic += c >= 0xC0;
    }
    std::string m = std::string("not UTF-8 (byte ") + byte + ")";
    if (cyrillic * 2 > high)
        m += "; it looks like a Cyrillic single-byte encoding (Windows-1251, or KZ-1048 for Kazakh): convert it, "
             "e.g. iconv -f CP1251 -t UTF-8 FILE > FILE.utf8";
    else
        m += "; convert it to UTF-8 (iconv -f ENCODING -t UTF-8)";
    return m;
}

NumberStatus parse_number(std::string_view text, double& out, bool allow_comma) {
    text = trim(text);
    if (text.empty()) return NumberStatus::Empty;
    std::string buf;
    if (allow_comma && text.find(',') != std::string_view::npos && text.find('.') == std::string_view::npos) {
        buf = std::string(text);
        for (auto& c : buf)
            if (c == ',') c = '.';
        text = buf;
    }
    if (!text.empty() && text.front() == '+') text.remove_prefix(1);
    const char* end = text.data() + text.size();
    auto r = std::from_chars(text.data(), end, out);
    if (r.ec == std::errc::result_out_of_range) return NumberStatus::OutOfRange;
    if (r.ec != std::errc() || r.ptr != end) return NumberStatus::NotANumber;
    if (!std::isfinite(out)) return NumberStatus::NotFinite;
    return NumberStatus::Ok;
}

std::string_view number_status_text(NumberStatus s) {
    switch (s) {
        case NumberStatus::Ok: return "ok";
        case NumberStatus::Empty: return "is empty";
        case NumberStatus::NotANumber: return "is not a number";
        case NumberStatus::NotFinite: return "is not a finite number";
        case NumberStatus::OutOfRange: return "is out of range";
    }
    return "is not a number";
}

bool looks_like_formula(std::string_view v) {
    double ignored = 0;
    return !v.empty() && std::strchr("=+-@\t\r", v.front()) && parse_number(v, ignored) != NumberStatus::Ok;
}

std::string csv_cell(std::string_view v, bool neutralise) {
    bool formula = neutralise && looks_like_formula(v);
    if (!formula && v.find_first_of(",\"\n\r") == std::string_view::npos) return std::string(v);
    std::string q = formula ? "\"'" : "\"";
    for (char c : v) q += c == '"' ? std::string("\"\"") : std::string(1, c);
    return q + "\"";
}

}  // namespace atd
