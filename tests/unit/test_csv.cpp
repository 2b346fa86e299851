#include "helpers.hpp"

#include <atd/csv.hpp>
#include <atd/error.hpp>

#include <doctest/doctest.h>

using namespace atd;

namespace {
std::vector<std::vector<std::string>> rows_of(CsvReader& r) {
    std::vector<std::vector<std::string>> out;
    std::vector<std::string> row;
    while (r.next(row)) out.push_back(row);
    return out;
}
}  // namespace

TEST_CASE("BOM, CRLF, quotes and blank lines") {
    CsvReader r("\xEF\xBB\xBF" "kato,name\r\n101010000,\"Семей, г.\"\r\n\r\n111033100,\"say \"\"hi\"\"\"\r\n", "t.csv");
    CHECK(r.header() == std::vector<std::string>{"kato", "name"});
    auto rows = rows_of(r);
    REQUIRE(rows.size() == 2);
    CHECK(rows[0][1] == "Семей, г.");
    CHECK(rows[1][1] == "say \"hi\"");
    CHECK(r.line() == 4);
}

TEST_CASE("the delimiter is detected from the header") {
    CsvReader semi("kato;pop_2023\n101010000;12,5\n", "s.csv");
    CHECK(semi.delimiter() == ';');
    CsvReader tab("kato\tpop_2023\n101010000\t12\n", "t.tsv");
    CHECK(tab.delimiter() == '\t');
    CHECK(rows_of(tab)[0][1] == "12");
}

TEST_CASE("quoted fields may span lines; line numbers follow") {
    CsvReader r("a,b\n1,\"x\ny\"\n2,z\n", "m.csv");
    auto rows = rows_of(r);
    REQUIRE(rows.size() == 2);
    CHECK(rows[0][1] == "x\ny");
    CHECK(r.line() == 4);
}

TEST_CASE("errors name the file and line") {
    auto error_of = [](std::string text) {
        try {
            CsvReader r(std::move(text), "bad.csv");
            rows_of(r);
        } catch (const DataError& e) {
            return std::string(e.what());
        }
        return std::string();
    };
    CHECK(error_of("a,b\n1,2\n3\n") == "bad.csv: line 3: expected 2 fields, found 1 (delimiter ',')");
    CHECK(error_of("a,b\n1,\"open\n") == "bad.csv: line 2: quoted field is not closed");
    CHECK(error_of("") == "bad.csv: empty file (no header row)");
    CHECK(error_of(std::string("a,b\n\0\x01", 6)) == "bad.csv: not a text table (binary data)");
    CHECK(error_of("x").empty());
}

TEST_CASE("numbers parse without the locale") {
    double d = 0;
    CHECK(parse_number("12.5", d) == NumberStatus::Ok);
    CHECK(d == 12.5);
    CHECK(parse_number(" 7 ", d) == NumberStatus::Ok);
    CHECK(parse_number("12,5", d) == NumberStatus::NotANumber);
    CHECK(parse_number("12,5", d, true) == NumberStatus::Ok);
    CHECK(d == 12.5);
    CHECK(parse_number("nan", d) == NumberStatus::NotFinite);
    CHECK(parse_number("inf", d) == NumberStatus::NotFinite);
    CHECK(parse_number("1e999", d) == NumberStatus::OutOfRange);
    CHECK(parse_number("", d) == NumberStatus::Empty);
    CHECK(parse_number("12a", d) == NumberStatus::NotANumber);
    CHECK(parse_number("1 000", d) == NumberStatus::NotANumber);
}

TEST_CASE("UTF-8 is checked, and a Windows-1251 table is named as such") {
    CHECK(!invalid_utf8_at("Ақсу, Астана"));
    CHECK(invalid_utf8_at("ab\xcf\xe5") == 2u);
    CHECK(invalid_utf8_at("\xc0\xaf") == 0u);          // overlong
    CHECK(invalid_utf8_at("a\xed\xa0\x80") == 1u);     // a surrogate
    CHECK(invalid_utf8_at("\xe2\x82") == 0u);          // cut short
    CHECK(!invalid_utf8_at("\xf0\x9f\x98\x80"));
    std::string cp1251 = "kato;name\n1;\xcf\xe5\xf2\xf0\xee\xef\xe0\xe2\xeb\xee\xe2\xf1\xea\n";
    try {
        CsvReader r(cp1251, "stats.csv");
        FAIL("accepted");
    } catch (const DataError& e) {
        std::string m = e.what();
        CHECK(m.rfind("stats.csv: line 2: not UTF-8 (byte 0xCF)", 0) == 0);
        CHECK(m.find("Windows-1251") != std::string::npos);
    }
}

TEST_CASE("formula-like text is neutralised unless asked to stay raw") {
    CHECK(looks_like_formula("=1+1"));
    CHECK(looks_like_formula("@SUM(A1)"));
    CHECK(!looks_like_formula("-5"));
    CHECK(!looks_like_formula("Астана"));
    CHECK(csv_cell("=1+1") == "\"'=1+1\"");
    CHECK(csv_cell("=1+1", false) == "=1+1");
}
