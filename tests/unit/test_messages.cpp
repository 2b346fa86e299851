// The message catalogues: every key in every language with the same
// arguments, templates filled, numbers per language, the JSON form.
#include <atd/error.hpp>
#include <atd/messages.hpp>

#include <doctest/doctest.h>

#include <algorithm>
#include <set>

using namespace atd;

TEST_CASE("every key of every catalogue is in the other two, once") {
    for (Lang a : {Lang::en, Lang::ru, Lang::kk}) {
        auto keys = catalogue_keys(a);
        std::set<std::string_view> unique(keys.begin(), keys.end());
        CHECK_MESSAGE(unique.size() == keys.size(), lang_code(a), " holds a key twice");
        for (Lang b : {Lang::en, Lang::ru, Lang::kk})
            for (auto k : keys) CHECK_MESSAGE(has_text(b, k), lang_code(b), " lacks ", k);
    }
    CHECK(catalogue_keys(Lang::en).size() > 100);
}

TEST_CASE("a template has the same arguments in every language") {
    for (auto key : catalogue_keys(Lang::en)) {
        auto en = template_arguments(text_of(Lang::en, key));
        std::sort(en.begin(), en.end());
        for (Lang l : {Lang::ru, Lang::kk}) {
            auto other = template_arguments(text_of(l, key));
            std::sort(other.begin(), other.end());
            CHECK_MESSAGE(other == en, key, " in ", lang_code(l));
        }
    }
    CHECK(template_arguments("C1 {value} {op:op} {threshold}[[ ({cite})]]") ==
          std::vector<std::string>{"value", "op", "threshold", "cite"});
}

TEST_CASE("a message filled in data style reads as the field always has") {
    Message m{"c1_min", {}};
    m.arg("years", std::string("2021-2023")).arg("value", 9999.0).arg("op", std::string(">=")).arg("threshold", 9500.0);
    CHECK(render(m, Lang::en, Style::data) == "C1 min population 2021-2023 = 9999 >= 9500");
    m.arg("cite", std::string("LAW L9"));
    CHECK(render(m, Lang::en, Style::data) == "C1 min population 2021-2023 = 9999 >= 9500 (LAW L9)");
    CHECK(render(m, Lang::ru, Style::document) ==
          "C1 минимальная численность населения за 2021-2023 гг. = 9999 ≥ 9500 (LAW L9)");
    Message share{"c5_share", {}};
    share.arg("value", 0.900195).arg("op", std::string(">=")).arg("threshold", 2.0 / 3);
    CHECK(render(share, Lang::en, Style::data) == "C5 non-agricultural share 0.900195 >= 0.666667");
    CHECK(render(share, Lang::kk, Style::document) ==
          "C5 ауыл шаруашылығынан тыс жұмыспен қамтылғандар үлесі 0,9 ≥ 0,667");
}

TEST_CASE("codes become words in a document and stay codes in data") {
    Message m{"c3_not_urban", {}};
    m.arg("degurba", std::string("dispersed_rural"));
    CHECK(render(m, Lang::en, Style::data) == "C3 dispersed_rural, not an urban cluster");
    CHECK(render(m, Lang::en, Style::document) == "C3 dispersed rural area, not an urban cluster");
    CHECK(render(m, Lang::ru, Style::document) == "C3 рассредоточенная сельская местность, не городской кластер");
    CHECK(value_word(Lang::kk, "aul") == "ауыл");
    CHECK(value_word(Lang::ru, "no such code") == "no such code");
}

TEST_CASE("an optional segment is left out when its argument is missing") {
    Message m{"c4_contiguous", {}};
    m.arg("city", std::string("Aksu")).arg("basis", std::string("boundary"));
    CHECK(render(m, Lang::en, Style::data) == "C4 contiguous with Aksu (boundary)");
    m.arg("km", 4.5);
    CHECK(render(m, Lang::en, Style::data) == "C4 contiguous with Aksu (boundary, 4.5 km)");
    CHECK(render(m, Lang::ru, Style::document) == "C4 граничит с городом Aksu (общая граница, 4,5 км)");
}

TEST_CASE("rules open groups of parts; sentences stand alone") {
    Messages ms(4);
    ms[0].key = "rule";
    ms[0].arg("rule", std::string("R6")).arg("result", std::string("pass"));
    ms[1].key = "c1_max";
    ms[1].arg("years", std::string("2021-2023")).arg("value", 45.0).arg("op", std::string("<=")).arg("threshold", 50.0);
    ms[2].key = "kent_abolished";
    ms[3].key = "merge_into_nearest";
    ms[3].arg("km", 3.4);
    CHECK(render(ms, Lang::en, Style::data) ==
          "R6 pass: C1 max population 2021-2023 = 45 <= 50, kent category abolished [C]; "
          "merge into the nearest settlement that stays, 3.4 km");
    CHECK(render(ms, Lang::en, Style::document) ==
          "R6 met: C1 max population 2021-2023 = 45 ≤ 50, kent category abolished [C]; "
          "merge into the nearest settlement that stays, 3.4 km");
    CHECK(render(Messages{ms[3], ms[2]}, Lang::en, Style::data) ==
          "merge into the nearest settlement that stays, 3.4 km; kent category abolished [C]");
}

TEST_CASE("every test of a criterion is a part of its rule, whatever its variant") {
    for (auto key : catalogue_keys(Lang::en)) {
        if (key.substr(0, 9) != "reason.c1" && key.substr(0, 9) != "reason.c4") continue;
        CHECK_MESSAGE(role_of(key.substr(7)) == MessageRole::part, key);
    }
    CHECK(role_of("c1_level_partial") == MessageRole::part);
    CHECK(role_of("rule") == MessageRole::rule);
    CHECK(role_of("no_feasible_merge") == MessageRole::detail);
    CHECK(role_of("merge_into_nearest") == MessageRole::sentence);
}

TEST_CASE("a value that differs from its threshold never reads the same") {
    Message m{"c4_share", {}};
    m.arg("value", 0.1499).arg("op", std::string("<")).arg("threshold", 0.15);
    CHECK(render(m, Lang::ru, Style::document) == "доля маятниковых поездок 0,1499 < 0,15");
    m.args[0].second = 0.1;
    CHECK(render(m, Lang::en, Style::document) == "commuting share 0.1 < 0.15");
}

TEST_CASE("the word for a count: one|other in English, one|few|many in Russian, one form in Kazakh") {
    auto settlements = [](double n, Lang lang) {
        return fill("reason.short_settlements", Message{"", {}}.arg("settlements", n).arg("min_settlements", 2.0), lang);
    };
    CHECK(settlements(1, Lang::en) == "1 settlement, a rural okrug needs 2");
    CHECK(settlements(0, Lang::en) == "0 settlements, a rural okrug needs 2");
    for (double n : {1.0, 21.0, 101.0})
        CHECK(settlements(n, Lang::ru).find(" населённый пункт,") != std::string::npos);
    for (double n : {2.0, 3.0, 24.0, 1002.0})
        CHECK(settlements(n, Lang::ru).find(" населённых пункта,") != std::string::npos);
    for (double n : {0.0, 5.0, 11.0, 12.0, 14.0, 111.0, 1e300})
        CHECK(settlements(n, Lang::ru).find(" населённых пунктов,") != std::string::npos);
    CHECK(settlements(3, Lang::kk) == "3 елді мекен, ауылдық округке кемінде 2 қажет");
}

TEST_CASE("numbers per language") {
    CHECK(format_number(467.0, Lang::en) == "467");
    CHECK(format_number(12000, Lang::en) == "12\u202f000");
    CHECK(format_number(9500, Lang::ru) == "9500");
    CHECK(format_number(1234567.26, Lang::ru, 1) == "1\u202f234\u202f567,3");
    CHECK(format_number(0.6666666, Lang::kk) == "0,667");
    CHECK(format_number(-0.0001, Lang::en) == "0");
    CHECK(format_number(-12345, Lang::en) == "-12\u202f345");
    CHECK(data_number(0.6666666) == "0.666667");
    CHECK(data_number(12000) == "12000");
}

TEST_CASE("messages go to JSON and back") {
    Messages ms(2);
    ms[0].key = "c4_contiguous";
    ms[0].arg("city", std::string("Қосшы \"new\"")).arg("basis", std::string("kato")).arg("km", 12.25);
    ms[1].key = "no_population";
    std::string json = encode_messages(ms);
    CHECK(json == "[{\"key\":\"c4_contiguous\",\"city\":\"Қосшы \\\"new\\\"\",\"basis\":\"kato\",\"km\":12.25},"
                  "{\"key\":\"no_population\"}]");
    CHECK(decode_messages(json, "f") == ms);
    CHECK(decode_messages("[]", "f").empty());
}

TEST_CASE("a bad message list is a data error naming the field") {
    auto error = [](std::string_view json) {
        try {
            decode_messages(json, "proposal_messages");
        } catch (const DataError& e) {
            return std::string(e.what());
        }
        return std::string("no error");
    };
    CHECK(error("{") == "proposal_messages: not a JSON array of messages");
    CHECK(error("{\"key\":\"x\"}") == "proposal_messages: not a JSON array of messages");
    CHECK(error("[1]") == "proposal_messages: a message is not a JSON object");
    CHECK(error("[{\"value\":1}]") == "proposal_messages: a message without its key");
    CHECK(error("[{\"key\":\"nonsense\"}]") == "proposal_messages: unknown message 'nonsense'");
    CHECK(error("[{\"key\":\"c4_share_below\"}]") ==
          "proposal_messages: message 'c4_share_below' lacks its argument 'threshold'");
    CHECK(error("[{\"key\":\"c4_share_below\",\"threshold\":[1]}]") ==
          "proposal_messages: message argument 'threshold' is neither a number nor text");
}

TEST_CASE("a language code other than en, ru, kk is a usage error") {
    CHECK(parse_lang("kk") == Lang::kk);
    CHECK_THROWS_AS(parse_lang("de"), UsageError);
}
