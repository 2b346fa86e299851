// libFuzzer target: the messages atd-classify and atd-merge store as JSON
// (proposal_messages, reason_messages), decoded and written in every
// language and style, as atd-report does with whatever an input holds.
#include <atd/error.hpp>
#include <atd/messages.hpp>

#include <string>

namespace {

void render_all(const atd::Messages& ms) {
    for (atd::Lang lang : {atd::Lang::en, atd::Lang::ru, atd::Lang::kk})
        for (atd::Style style : {atd::Style::data, atd::Style::document}) atd::render(ms, lang, style);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    std::string text(reinterpret_cast<const char*>(data), size);
    try {
        atd::Messages ms = atd::decode_messages(text, "proposal_messages");
        render_all(ms);
        std::string again = atd::encode_messages(ms);
        if (!(atd::decode_messages(again, "again") == ms)) __builtin_trap();  // what is written reads back the same
    } catch (const atd::DataError&) {
    }
    try {
        for (const auto& [name, ms] : atd::decode_message_fields(text, "reason_messages")) render_all(ms);
    } catch (const atd::DataError&) {
    }
    return 0;
}
