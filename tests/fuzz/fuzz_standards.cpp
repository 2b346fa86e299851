// libFuzzer target: the standards profile parser.
#include <atd/error.hpp>
#include <atd/standards.hpp>

#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    try {
        auto st = atd::Standards::parse(std::string_view(reinterpret_cast<const char*>(data), size), "fuzz.toml");
        st.set_from_text("aul.min_population=49");
    } catch (const atd::DataError&) {
    } catch (const atd::UsageError&) {
    }
    return 0;
}
