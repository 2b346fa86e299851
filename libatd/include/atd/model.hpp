#pragma once
// The data model: feature types, settlement categories, unit kinds, and the
// statistics indicators a settlement or unit can carry (man atd-data).
#include <atd/geojson.hpp>
#include <atd/kato.hpp>

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace atd {

namespace field {
inline constexpr std::string_view feature_type = "feature_type";
inline constexpr std::string_view kato = "kato";
inline constexpr std::string_view parent_kato = "parent_kato";
inline constexpr std::string_view okrug_kato = "okrug_kato";
inline constexpr std::string_view district_kato = "district_kato";
inline constexpr std::string_view oblast_kato = "oblast_kato";
inline constexpr std::string_view name_ru = "name_ru";
inline constexpr std::string_view name_kk = "name_kk";
inline constexpr std::string_view category = "category";
inline constexpr std::string_view category_source = "category_source";
inline constexpr std::string_view kato_kind = "kato_kind";
inline constexpr std::string_view unit_kind = "unit_kind";
inline constexpr std::string_view unit_level = "unit_level";
inline constexpr std::string_view n_settlements = "n_settlements";
inline constexpr std::string_view geom_source = "geom_source";
}  // namespace field

inline constexpr std::string_view kSettlement = "settlement";
inline constexpr std::string_view kUnit = "unit";
inline constexpr std::string_view kSubLocality = "sub_locality";
bool is_feature_type(std::string_view t);

// Legal settlement categories (Law "On the administrative-territorial structure", Art. 3).
inline constexpr std::string_view kCategories[] = {"city_republican", "city_oblast", "city_district", "kent", "aul"};
bool is_category(std::string_view c);

// Normalised kinds of administrative units.
inline constexpr std::string_view kUnitKinds[] = {
    "oblast", "city_republican", "city_administration", "district", "city_raion",
    "rural_okrug", "kent_administration", "town_administration", "village_administration",
    "city_raion_administration", "other"};
bool is_unit_kind(std::string_view k);

// What a classifier entry becomes in the canonical dataset.
struct KatoRole {
    bool unit = false;         // an administrative unit feature
    bool settlement = false;   // a settlement feature
    bool sub_locality = false; // a depth-5 locality inside a settlement
    std::string unit_kind;     // normalised, for units
    int unit_level = 0;        // 1 oblast level, 2 district level, 3 okrug level
    std::string category;      // for settlements, from the KATO type
};
KatoRole kato_role(const KatoEntry& e, const KatoEntry* parent);

enum class Measure { Count, Money, Share, Rate };

struct Indicator {
    std::string_view name;
    bool yearly;      // field is name_YYYY
    Measure measure;  // counts and money >= 0, shares in [0,1]
    std::string_view unit;
    std::string_view description;
};
const std::vector<Indicator>& indicators();
const Indicator* find_indicator(std::string_view name);

// Splits a statistics field name such as "pop_2023" or "pop_osm" into its
// indicator and year; nullopt when it is not a statistics field.
struct StatField {
    const Indicator* indicator;
    std::optional<int> year;
};
std::optional<StatField> parse_stat_field(std::string_view field);
// admin_centre marks district and okrug centres: "district", "okrug", or a
// true value ("true", "yes", "1").
bool is_admin_centre(const std::optional<std::string>& v);

// Whether a feature is a settlement: its feature_type says so, or it has none.
bool is_settlement(const Properties& p);
// A reader's FieldFilter for a tool that needs a few fields of each
// settlement: settlements keep the fields `wanted` accepts (and their
// feature_type), other features all of theirs, or none when `others` is false.
// Each reading thread asks `wanted` once per key.
FieldFilter settlement_fields(std::function<bool(std::string_view)> wanted, bool others = true);

// The year of a field of a yearly indicator ("pop_2023" for "pop": 2023);
// nullopt for any other field. parse_stat_field's reading, for one indicator.
std::optional<int> field_year(std::string_view key, std::string_view indicator);

// The value of a yearly indicator for its latest year (pop_2023 over pop_2021).
std::optional<double> latest_yearly(const Properties& p, std::string_view indicator);
inline constexpr int kMinYear = 1950;
inline constexpr int kMaxYear = 2100;

}  // namespace atd
