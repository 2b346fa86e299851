#pragma once
// Errors that tools turn into exit codes: DataError -> 1, UsageError -> 2.
#include <stdexcept>
#include <string>
#include <string_view>

namespace atd {

// text with its control characters written as escapes (\n, \t, \x1b, \u0085),
// so that a message stays on one line and cannot drive a terminal. Applying it
// twice changes nothing more.
std::string escape_controls(std::string_view text);

// Bad input data or a failed processing step. The message is one line that
// names the file, feature or line, and what is wrong.
class DataError : public std::runtime_error {
public:
    explicit DataError(std::string_view what) : std::runtime_error(escape_controls(what)) {}
};

// Memory ran out; the message names the input and the feature being read
// (atd/memory.hpp makes it). Exit 1, as for DataError.
class OutOfMemory : public DataError {
public:
    using DataError::DataError;
};

// Wrong command-line usage (unknown format, conflicting options, ...).
class UsageError : public std::runtime_error {
public:
    explicit UsageError(std::string_view what) : std::runtime_error(escape_controls(what)) {}
};

}  // namespace atd
