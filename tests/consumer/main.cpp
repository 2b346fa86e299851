#include <atd/kato.hpp>

#include <iostream>

int main() {
    std::string code = "101010000";
    std::cout << code << " level " << atd::kato_code_level(code) << "\n";
}
