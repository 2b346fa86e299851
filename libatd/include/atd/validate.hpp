#pragma once
// atd-validate: checks a canonical dataset (schema, ranges, KATO hierarchy, geometry).
#include <atd/io.hpp>
#include <atd/log.hpp>

#include <map>
#include <string>
#include <vector>

namespace atd {

enum class Severity { Error, Warning };

struct Finding {
    Severity severity;
    std::string kind;     // e.g. bad_kato, duplicate_kato, invalid_geometry
    std::string where;    // "FILE: feature N (kato X)"
    std::string message;
};

struct ValidateOptions {
    std::vector<std::string> inputs;
    ReadOptions read;
    bool strict = false;  // warnings count as errors
};

struct ValidationResult {
    std::vector<Finding> findings;
    std::map<std::string, std::size_t> counts;  // by kind
    std::size_t features = 0, settlements = 0, units = 0, errors = 0, warnings = 0;
    bool failed() const { return errors > 0; }
};

// Streams the inputs and checks them; keeps only the little each feature
// needs for cross-feature checks (codes, parents, settlement positions).
ValidationResult validate(const ValidateOptions& opts, Log& log, Progress& progress);

std::string format_text(const ValidationResult& r);
std::string format_json(const ValidationResult& r);

}  // namespace atd
