#pragma once
// Errors that tools turn into exit codes: DataError -> 1, UsageError -> 2.
#include <stdexcept>
#include <string>

namespace atd {

// Bad input data or a failed processing step. The message is one line that
// names the file, feature or line, and what is wrong.
class DataError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
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
    using std::runtime_error::runtime_error;
};

}  // namespace atd
