#pragma once
// KATO codes (the classifier of administrative-territorial objects of Kazakhstan):
// 9-digit strings AA BB CC DDD for oblast, district, okrug and settlement.
#include <atd/feature.hpp>

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace atd {

class CsvReader;

// Checks that text is a 9-digit code; returns the problem in words, or nullopt when valid.
std::optional<std::string> kato_problem(std::string_view code);
// A code from a property value: a 9-digit string, or an integer of 9 digits.
// Returns nullopt and sets problem when the value is not a valid code.
std::optional<std::string> kato_from_value(const Value& v, std::string& problem);

// The level a code's trailing zeros give: 1 oblast (AA0000000), 2 district
// (AABB00000), 3 okrug (AABBCC000), 4 settlement; 0 for 000000000.
int kato_code_level(std::string_view code);
// The significant prefix of a code as a parent: 2, 4, 6 or 7 digits by level.
std::string_view kato_parent_prefix(std::string_view parent);
// Whether child's code lies under parent's code.
bool kato_extends(std::string_view child, std::string_view parent);

struct KatoEntry {
    std::string code;
    std::string parent;     // empty for roots
    int depth = 0;          // 1 oblast / republican city ... 5 sub-locality
    std::string unit_kind;  // as the classifier file names it
    std::string type_abbr;  // "с.", "п.", "г.", ...
    std::string name_ru;
    std::size_t line = 0;   // line in the classifier file
};

// The KATO hierarchy read from a classifier table with columns kato (or
// kato_code), parent_kato (or parent_kato_code), depth, unit_kind, name_ru,
// and optionally type_abbr (or type_abbr_ru).
class KatoClassifier {
public:
    static KatoClassifier load(const std::string& path);
    // The same from a table already open (text in memory, for instance).
    static KatoClassifier load(CsvReader& csv);
    const KatoEntry* find(std::string_view code) const;
    const KatoEntry* parent_of(const KatoEntry& e) const { return e.parent.empty() ? nullptr : find(e.parent); }
    // The ancestor (or the entry itself) at the given depth, if any.
    const KatoEntry* ancestor_at(const KatoEntry& e, int depth) const;
    const std::vector<KatoEntry>& entries() const { return entries_; }  // sorted by code

private:
    std::vector<KatoEntry> entries_;
    std::map<std::string, std::size_t, std::less<>> index_;
};

}  // namespace atd
