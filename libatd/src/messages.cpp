#include "messages_catalogue.hpp"

#include <atd/error.hpp>
#include <atd/feature.hpp>
#include <atd/geojson.hpp>
#include <atd/messages.hpp>

#include <simdjson.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <unordered_map>

namespace atd {

namespace {

std::span<const CatalogueEntry> catalogue(Lang lang) {
    switch (lang) {
        case Lang::ru: return catalogue_ru();
        case Lang::kk: return catalogue_kk();
        case Lang::en: break;
    }
    return catalogue_en();
}

using Index = std::unordered_map<std::string_view, std::string_view>;

const Index& index_of(Lang lang) {
    static const auto make = [](Lang l) {
        Index ix;
        for (const auto& e : catalogue(l)) ix.emplace(e.key, e.text);
        return ix;
    };
    static const Index en = make(Lang::en), ru = make(Lang::ru), kk = make(Lang::kk);
    return lang == Lang::ru ? ru : lang == Lang::kk ? kk : en;
}


// What follows a merger's trigger: why no merger lifts it.
constexpr std::string_view kDetails[] = {"no_neighbour", "no_geometry", "all_too_far", "all_too_many",
                                         "no_feasible_merge"};

// Groups digits by three with a narrow no-break space, from five digits on.
std::string group_thousands(std::string s, std::string_view decimal_mark) {
    std::size_t dot = s.find('.');
    std::size_t end = dot == std::string::npos ? s.size() : dot;
    std::size_t start = !s.empty() && s[0] == '-' ? 1 : 0;
    std::string out = s.substr(0, start);
    bool group = end - start >= 5;
    for (std::size_t i = start; i < end; ++i) {
        out.push_back(s[i]);
        std::size_t left = end - i - 1;
        if (group && left && left % 3 == 0) out += "\u202f";
    }
    if (dot != std::string::npos) out += std::string(decimal_mark) + s.substr(dot + 1);
    return out;
}

// The form of a word for a count, from "one|other" (English), "one|few|many"
// (Russian) or a single form (Kazakh, whose nouns do not change after numerals).
std::string plural_form(double n, std::string_view forms, Lang lang) {
    std::vector<std::string_view> f;
    for (std::size_t from = 0;;) {
        std::size_t bar = forms.find('|', from);
        f.push_back(forms.substr(from, bar - from));
        if (bar == std::string_view::npos) break;
        from = bar + 1;
    }
    double whole = std::isfinite(n) ? std::fabs(std::nearbyint(n)) : 0;  // as the count is shown (half to even)
    auto k = static_cast<int>(std::fmod(whole, 100));  // the last two digits decide, however large the count
    std::size_t pick = 0;
    if (lang == Lang::ru) pick = k % 10 == 1 && k != 11 ? 0 : k % 10 >= 2 && k % 10 <= 4 && (k < 12 || k > 14) ? 1 : 2;
    else if (lang == Lang::en) pick = whole == 1 ? 0 : 1;
    return std::string(f[std::min(pick, f.size() - 1)]);
}

}  // namespace

std::string format_trimmed(double v, Lang lang, int max_decimals) {
    if (max_decimals <= 0 || std::fabs(v - std::round(v)) < 1e-9) return format_number(v, lang, 0);
    std::string s = format_number(v, lang, max_decimals);
    while (s.back() == '0') s.pop_back();  // there is a decimal mark: max_decimals > 0
    if (s.back() == '.' || s.back() == ',') s.pop_back();
    return s;
}

namespace {

// Decimals enough for a value and its threshold that differ to read differently (0.1499 < 0.15, not 0.15 < 0.15).
int comparison_decimals(const Message& m, Lang lang) {
    const double* v = nullptr;
    const double* t = nullptr;
    if (const MessageArg* a = m.find("value")) v = std::get_if<double>(a);
    if (const MessageArg* a = m.find("threshold")) t = std::get_if<double>(a);
    int decimals = 3;
    if (v && t && *v != *t)
        while (decimals < 6 && format_trimmed(*v, lang, decimals) == format_trimmed(*t, lang, decimals)) ++decimals;
    return decimals;
}

// A code, or a comma-separated list of codes ("industry,trade"), in words.
std::string words_of_list(const std::string& codes, Lang lang) {
    if (codes.find(',') == std::string::npos) return value_word(lang, codes);
    std::string out;
    for (std::size_t from = 0; from <= codes.size();) {
        std::size_t to = std::min(codes.find(',', from), codes.size());
        out += (out.empty() ? "" : ", ") + value_word(lang, codes.substr(from, to - from));
        from = to + 1;
    }
    return out;
}

std::string format_arg(const MessageArg& a, std::string_view spec, Lang lang, Style style, int decimals) {
    if (const double* v = std::get_if<double>(&a)) {
        if (spec.find('|') != std::string_view::npos) return plural_form(*v, spec, lang);
        std::optional<int> digits;
        if (!spec.empty() && spec[0] >= '0' && spec[0] <= '6') digits = spec[0] - '0';
        if (style == Style::document) return digits ? format_number(*v, lang, digits) : format_trimmed(*v, lang, decimals);
        return digits ? fixed_text(*v, *digits) : data_number(*v);
    }
    const std::string& s = std::get<std::string>(a);
    if (style == Style::data) return s;
    if (spec == "term") return words_of_list(s, lang);
    if (spec == "op") return s == ">=" ? "≥" : s == "<=" ? "≤" : s;
    return s;
}

// Calls on(name, spec) for every placeholder of a template, with whether it
// sits in an optional segment.
template <class F>
void placeholders(std::string_view tpl, F&& on) {
    bool optional = false;
    for (std::size_t i = 0; i < tpl.size(); ++i) {
        if (tpl.compare(i, 2, "[[") == 0) optional = true;
        else if (tpl.compare(i, 2, "]]") == 0) optional = false;
        if (tpl[i] != '{') continue;
        std::size_t close = tpl.find('}', i);
        if (close == std::string_view::npos) return;
        std::string_view inner = tpl.substr(i + 1, close - i - 1);
        std::size_t colon = inner.find(':');
        on(inner.substr(0, colon), colon == std::string_view::npos ? std::string_view{} : inner.substr(colon + 1), optional);
        i = close;
    }
}

}  // namespace

Lang parse_lang(std::string_view code, std::string_view option) {
    if (code == "en") return Lang::en;
    if (code == "ru") return Lang::ru;
    if (code == "kk") return Lang::kk;
    throw UsageError(std::string(option) + " must be en, ru or kk, not '" + std::string(code) + "'");
}

std::string_view lang_code(Lang lang) { return lang == Lang::ru ? "ru" : lang == Lang::kk ? "kk" : "en"; }

bool has_text(Lang lang, std::string_view key) { return index_of(lang).count(key) > 0; }

std::string text_of(Lang lang, std::string_view key) {
    const Index& ix = index_of(lang);
    auto it = ix.find(key);
    return std::string(it == ix.end() ? key : it->second);
}

std::vector<std::string_view> catalogue_keys(Lang lang) {
    std::vector<std::string_view> keys;
    for (const auto& e : catalogue(lang)) keys.push_back(e.key);
    return keys;
}

std::string value_word(Lang lang, std::string_view code) {
    std::string key = "value." + std::string(code);
    return has_text(lang, key) ? text_of(lang, key) : std::string(code);
}

std::string format_number(double v, Lang lang, std::optional<int> digits) {
    if (!std::isfinite(v)) return std::isnan(v) ? "NaN" : (v > 0 ? "∞" : "−∞");
    if (!digits) return format_trimmed(v, lang, 3);
    std::string s = fixed_text(v, std::clamp(*digits, 0, 6));
    if (s.find_first_not_of("-0.") == std::string::npos) s = s.substr(s[0] == '-' ? 1 : 0);  // no "-0"
    return group_thousands(s, lang == Lang::en ? "." : ",");
}

std::string data_number(double v) {
    char buf[64];
    bool whole = std::fabs(v - std::round(v)) < 1e-9 && std::fabs(v) < 1e15;
    // An integer in full ("-0" for a negative zero), else six significant digits, in any locale.
    auto [end, ec] = whole ? std::to_chars(buf, buf + sizeof buf, std::round(v), std::chars_format::fixed, 0)
                           : std::to_chars(buf, buf + sizeof buf, v, std::chars_format::general, 6);
    return ec == std::errc() ? std::string(buf, end) : std::string("NaN");
}

const MessageArg* Message::find(std::string_view name) const {
    for (const auto& [k, v] : args)
        if (k == name) return &v;
    return nullptr;
}

MessageRole role_of(std::string_view key) {
    if (key == "rule") return MessageRole::rule;
    if (std::find(std::begin(kDetails), std::end(kDetails), key) != std::end(kDetails)) return MessageRole::detail;
    // The parts of a rule: the tests of METHODOLOGY §3, one criterion each (c1_min, c4_share, ...).
    bool criterion = key.size() > 3 && key[0] == 'c' && key[1] >= '1' && key[1] <= '8' && key[2] == '_';
    if (criterion || key == "kent_abolished") return MessageRole::part;
    return MessageRole::sentence;
}

std::vector<std::string> template_arguments(std::string_view tpl) {
    std::vector<std::string> names;
    placeholders(tpl, [&](std::string_view name, std::string_view, bool) {
        if (std::find(names.begin(), names.end(), name) == names.end()) names.emplace_back(name);
    });
    return names;
}

std::string render(const Message& m, Lang lang, Style style) { return fill("reason." + m.key, m, lang, style); }

std::string fill(std::string_view key, const Message& m, Lang lang, Style style) {
    std::string tpl = text_of(lang, key);
    const int decimals = comparison_decimals(m, lang);
    std::string out, segment;
    bool optional = false, missing = false;
    for (std::size_t i = 0; i < tpl.size(); ++i) {
        std::string& to = optional ? segment : out;
        if (tpl.compare(i, 2, "[[") == 0 || tpl.compare(i, 2, "]]") == 0) {
            if (optional && !missing) out += segment;
            optional = tpl[i] == '[';
            segment.clear();
            missing = false;
            ++i;
            continue;
        }
        std::size_t close = tpl[i] == '{' ? tpl.find('}', i) : std::string::npos;
        if (close == std::string::npos) {
            to.push_back(tpl[i]);
            continue;
        }
        std::string_view inner(tpl.data() + i + 1, close - i - 1);
        std::size_t colon = inner.find(':');
        std::string_view spec = colon == std::string_view::npos ? std::string_view{} : inner.substr(colon + 1);
        if (const MessageArg* a = m.find(inner.substr(0, colon))) to += format_arg(*a, spec, lang, style, decimals);
        else missing = true;
        i = close;
    }
    return out;
}

std::string render(const Messages& ms, Lang lang, Style style) {
    std::string out;
    bool in_rule = false, first_part = false;
    for (const auto& m : ms) {
        MessageRole role = role_of(m.key);
        if (role == MessageRole::detail && !out.empty()) {
            out += ": " + render(m, lang, style);
            continue;
        }
        if (role == MessageRole::part && in_rule) {
            out += (first_part ? " " : ", ") + render(m, lang, style);
            first_part = false;
            continue;
        }
        out += (out.empty() ? "" : "; ") + render(m, lang, style);
        in_rule = role == MessageRole::rule;
        first_part = in_rule;
    }
    return out;
}

std::string encode_messages(const Messages& ms) {
    std::string out = "[";
    for (const auto& m : ms) {
        out += out.size() > 1 ? ",{\"key\":" : "{\"key\":";
        append_json_string(out, m.key);
        for (const auto& [name, v] : m.args) {
            out.push_back(',');
            append_json_string(out, name);
            out.push_back(':');
            // A number JSON cannot hold (an infinite share) goes as the text it reads as.
            if (const double* d = std::get_if<double>(&v))
                std::isfinite(*d) ? append_json_number(out, *d) : append_json_string(out, format_number(*d, Lang::en));
            else append_json_string(out, std::get<std::string>(v));
        }
        out.push_back('}');
    }
    return out + "]";
}

namespace {

DataError bad_messages(std::string_view what, const std::string& why) { return DataError(std::string(what) + ": " + why); }

Message decode_message(simdjson::dom::element item, std::string_view what) {
    simdjson::dom::object obj;
    if (item.get_object().get(obj)) throw bad_messages(what, "a message is not a JSON object");
    Message m;
    for (auto [name, value] : obj) {
        if (name == "key") {
            std::string_view key;
            if (value.get_string().get(key)) throw bad_messages(what, "a message key is not text");
            m.key = std::string(key);
        } else if (double d; value.is_number() && !value.get_double().get(d)) {
            m.arg(std::string(name), d);
        } else if (std::string_view s; !value.get_string().get(s)) {
            m.arg(std::string(name), std::string(s));
        } else {
            throw bad_messages(what, "message argument '" + std::string(name) + "' is neither a number nor text");
        }
    }
    if (m.key.empty()) throw bad_messages(what, "a message without its key");
    if (!has_text(Lang::en, "reason." + m.key)) throw bad_messages(what, "unknown message '" + m.key + "'");
    placeholders(text_of(Lang::en, "reason." + m.key), [&](std::string_view name, std::string_view, bool optional) {
        if (!optional && !m.find(name))
            throw bad_messages(what, "message '" + m.key + "' lacks its argument '" + std::string(name) + "'");
    });
    return m;
}

Messages decode_list(simdjson::dom::element list, std::string_view what) {
    simdjson::dom::array items;
    if (list.get_array().get(items)) throw bad_messages(what, "not a JSON array of messages");
    Messages out;
    for (simdjson::dom::element item : items) out.push_back(decode_message(item, what));
    return out;
}

}  // namespace

Messages decode_messages(std::string_view json, std::string_view what) {
    thread_local simdjson::dom::parser parser;  // one a thread, its buffers reused feature after feature
    simdjson::dom::element doc;
    if (parser.parse(simdjson::padded_string(json)).get(doc)) throw bad_messages(what, "not a JSON array of messages");
    return decode_list(doc, what);
}

Value encode_message_fields(const std::vector<std::pair<std::string_view, const Messages*>>& fields) {
    std::string out = "{";
    for (const auto& [name, ms] : fields) {
        if (ms->empty()) continue;
        if (out.size() > 1) out.push_back(',');
        append_json_string(out, name);
        out += ":" + encode_messages(*ms);
    }
    return out.size() > 1 ? Value{out + "}"} : Value{};
}

std::map<std::string, Messages> decode_message_fields(std::string_view json, std::string_view what) {
    thread_local simdjson::dom::parser parser;
    simdjson::dom::element doc;
    simdjson::dom::object obj;
    if (parser.parse(simdjson::padded_string(json)).get(doc) || doc.get_object().get(obj))
        throw bad_messages(what, "not a JSON object of message lists");
    std::map<std::string, Messages> out;
    for (auto [name, list] : obj) out[std::string(name)] = decode_list(list, std::string(what) + "." + std::string(name));
    return out;
}

}  // namespace atd
