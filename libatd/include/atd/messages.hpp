#pragma once
// The words atd writes for people, in English, Russian and Kazakh: one
// catalogue per language of labels, value words and message templates.
//
// A reason is a list of messages, each a catalogue key with its arguments.
// Tools store the list in a data field as JSON (encode_messages) next to its
// English text, and a report renders the list again in its own language.
//
// Templates: {name} is an argument (a number is formatted in the render
// style, {name:1} with one decimal), {name:term} the value word of a code
// ("aul" -> "аул"), {name:op} a comparison (">=" -> "≥" in a document),
// {name:settlement|settlements} the word for a count of name (Russian gives
// three forms, one|few|many; Kazakh one);
// [[ ... ]] is left out when an argument inside it is missing.
#include <atd/feature.hpp>

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

namespace atd {

enum class Lang { en, ru, kk };

// "en", "ru" or "kk"; anything else is a usage error naming the option.
Lang parse_lang(std::string_view code, std::string_view option = "--lang");
std::string_view lang_code(Lang lang);

// Data: numbers as a machine reads them (3.5, 12000), value codes as
// codes, comparisons as ">=". Document: numbers per language ("12 000",
// "3,5" in Russian and Kazakh), codes as words, comparisons as "≥".
enum class Style { data, document };

// A catalogue entry: a label, a value word ("value.aul") or a template
// ("reason.c1_min"). The key itself when no catalogue has it.
std::string text_of(Lang lang, std::string_view key);
// Whether the catalogue of lang holds key.
bool has_text(Lang lang, std::string_view key);
// Every key of a language's catalogue, in catalogue order.
std::vector<std::string_view> catalogue_keys(Lang lang);

// The word for a code in a field ("aul", "provisional", "pass", "true"), or
// the code itself when the catalogue has no word for it.
std::string value_word(Lang lang, std::string_view code);

// A number for people: thousands parted by a narrow no-break space (U+202F)
// from five digits on, and a decimal comma in Russian
// and Kazakh; `digits` decimals, or without them an integer when the value
// is one and else up to three decimals.
std::string format_number(double v, Lang lang, std::optional<int> digits = std::nullopt);
// A number for people with at most `max_decimals` decimals, trailing zeros
// dropped: 0.96 km to one decimal is "1", not "1.0".
std::string format_trimmed(double v, Lang lang, int max_decimals);
// A number for data: an integer as one, else up to six significant digits.
std::string data_number(double v);

using MessageArg = std::variant<double, std::string>;

struct Message {
    std::string key;  // without "reason."
    std::vector<std::pair<std::string, MessageArg>> args;

    Message& arg(std::string name, double v) {
        args.emplace_back(std::move(name), v);
        return *this;
    }
    Message& arg(std::string name, std::string v) {
        args.emplace_back(std::move(name), std::move(v));
        return *this;
    }
    const MessageArg* find(std::string_view name) const;
    bool operator==(const Message& o) const { return key == o.key && args == o.args; }
};

using Messages = std::vector<Message>;

// How messages join into one text: a `rule` message opens a group whose
// `part` messages follow it after ": ", parted by ", "; groups and
// `sentence` messages are parted by "; "; a `detail` follows the message
// before it after ": ".
enum class MessageRole { sentence, rule, part, detail };
MessageRole role_of(std::string_view key);

// The argument names of a template, each once, in order.
std::vector<std::string> template_arguments(std::string_view tpl);

std::string render(const Message& m, Lang lang, Style style);
// Any template of the catalogue (`key` in full) filled with m's arguments.
std::string fill(std::string_view key, const Message& m, Lang lang, Style style = Style::document);
std::string render(const Messages& ms, Lang lang, Style style);

// As JSON, an array of objects: [{"key":"c1_min","value":9500,...}, ...].
std::string encode_messages(const Messages& ms);
// Several lists as one JSON object, {"trigger":[...],"note":[...]}, empty
// lists left out; the empty object as null.
Value encode_message_fields(const std::vector<std::pair<std::string_view, const Messages*>>& fields);
// The lists of encode_message_fields, by name.
std::map<std::string, Messages> decode_message_fields(std::string_view json, std::string_view what);

// The messages of encode_messages. A text that is not such an array, or a
// key no catalogue knows, is a DataError naming `what` (the field).
Messages decode_messages(std::string_view json, std::string_view what);

}  // namespace atd
