#pragma once
// The standards profile: every threshold, window and weight of the method, read
// from a commented TOML file (datasets/standards/kz.toml); nothing of it is in code.
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace atd {

struct Param {
    double value = 0;
    std::string label;   // LAW, OFFICIAL, STD or PROPOSED
    std::string source;  // key of the sources list, e.g. L9
    std::string note;
    std::size_t line = 0;
};

class Standards {
public:
    // Reads and checks a profile: unknown sections or keys, wrong types and
    // missing values are DataErrors naming the file, the key and its line.
    static Standards load(const std::string& path);
    // Parses profile text (name is used in messages).
    static Standards parse(std::string_view text, const std::string& name);
    // The profile shipped with atd: $ATD_STANDARDS, else kz.toml beside the
    // installed tools (../share/atd/standards), else the source tree's.
    static std::string default_path();

    // A value by its dotted key ("city_district.min_population"); the key must exist.
    double get(std::string_view key) const;
    const Param& param(std::string_view key) const;
    // Changes a value (--set, --vary); UsageError for an unknown key or a bad value.
    void set(std::string_view key, double value);
    void set_from_text(std::string_view assignment);  // "KEY=VALUE"
    bool has(std::string_view key) const;
    std::vector<std::string> keys() const;

    const std::string& name() const { return name_; }
    const std::string& path() const { return path_; }
    // "LAW L9" for messages and reports.
    std::string cite(std::string_view key) const;

private:
    std::string name_, path_;
    std::map<std::string, Param, std::less<>> params_;
};

// The keys a profile must hold, with whether each is a whole number.
struct ParamSpec {
    std::string_view key;
    bool integer;
};
const std::vector<ParamSpec>& standards_schema();

}  // namespace atd
