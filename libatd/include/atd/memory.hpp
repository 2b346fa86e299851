#pragma once
// Running out of memory, told in one line: the input and the feature being
// read, or how far the reading got and what the tool was doing after it.
#include <atd/error.hpp>

#include <cstddef>
#include <exception>
#include <new>
#include <string>
#include <string_view>

namespace atd {

// "WHERE: out of memory"; gives back the reserve first, so that the message can be built.
OutOfMemory out_of_memory(const std::string& where);

// The exception being handled, as OutOfMemory naming where() when it is std::bad_alloc.
template <class Where>
std::exception_ptr error_at(Where&& where) {
    try {
        throw;
    } catch (const std::bad_alloc&) {
        return std::make_exception_ptr(out_of_memory(where()));
    } catch (...) {
        return std::current_exception();
    }
}

// How far the reading has got: the input and the number of features read in
// all (BatchReader notes each batch). Kept without allocating.
void note_reading(std::string_view input, std::size_t features);

// What the tool is doing while the object lives (a string literal), for the
// message when memory runs out away from any feature; an exception leaving
// its scope leaves it in place, for the message.
class Doing {
public:
    explicit Doing(const char* what);
    ~Doing();
    Doing(const Doing&) = delete;
    Doing& operator=(const Doing&) = delete;

private:
    const char* previous_;
    int exceptions_;
};

// "FILE: out of memory after feature N, while DOING" (or as much of it as is
// known) written into buf without allocating; returns its length.
std::size_t describe_out_of_memory(char* buf, std::size_t size);

// Sets `bytes` of address space aside, given back when memory runs out.
void reserve_memory(std::size_t bytes);
void release_memory_reserve();

}  // namespace atd
