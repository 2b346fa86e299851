#include <atd/csv.hpp>
#include <atd/error.hpp>
#include <atd/kato.hpp>

#include <algorithm>
#include <charconv>

namespace atd {

std::optional<std::string> kato_problem(std::string_view code) {
    if (code.empty()) return std::string("is empty");
    if (!std::all_of(code.begin(), code.end(), [](char c) { return c >= '0' && c <= '9'; }))
        return "'" + std::string(code) + "' has characters other than digits";
    if (code.size() != 9)
        return "'" + std::string(code) + "' has " + std::to_string(code.size()) + " digits, expected 9";
    return std::nullopt;
}

std::optional<std::string> kato_from_value(const Value& v, std::string& problem) {
    if (const auto* s = std::get_if<std::string>(&v)) {
        std::string_view t = trim(*s);
        if (auto p = kato_problem(t)) {
            problem = *p;
            return std::nullopt;
        }
        return std::string(t);
    }
    if (const auto* i = std::get_if<std::int64_t>(&v)) {
        std::string t = std::to_string(*i);
        if (auto p = kato_problem(t)) {
            problem = *p;
            return std::nullopt;
        }
        return t;
    }
    problem = is_null(v) ? "is null" : "is not a code (expected a string of 9 digits)";
    return std::nullopt;
}

int kato_code_level(std::string_view code) {
    auto zeros_from = [&](std::size_t i) { return code.substr(i).find_first_not_of('0') == std::string_view::npos; };
    if (code.size() != 9) return 0;
    if (zeros_from(0)) return 0;
    if (zeros_from(2)) return 1;
    if (zeros_from(4)) return 2;
    if (zeros_from(6)) return 3;
    return 4;
}

std::string_view kato_parent_prefix(std::string_view parent) {
    switch (kato_code_level(parent)) {
        case 1: return parent.substr(0, 2);
        case 2: return parent.substr(0, 4);
        case 3: return parent.substr(0, 6);
        case 4: return parent.substr(0, 7);
        default: return parent.substr(0, 0);
    }
}

bool kato_extends(std::string_view child, std::string_view parent) {
    if (child.size() != 9 || parent.size() != 9 || child == parent) return false;
    auto prefix = kato_parent_prefix(parent);
    return child.substr(0, prefix.size()) == prefix;
}

KatoClassifier KatoClassifier::load(const std::string& path) {
    CsvReader csv(path);
    return load(csv);
}

KatoClassifier KatoClassifier::load(CsvReader& csv) {
    auto c_code = csv.column_any({"kato", "kato_code", "code"});
    auto c_parent = csv.column_any({"parent_kato", "parent_kato_code", "parent"});
    auto c_depth = csv.column("depth");
    auto c_kind = csv.column_any({"unit_kind", "kind"});
    auto c_name = csv.column_any({"name_ru", "name_ru_clean", "name"});
    auto c_abbr = csv.column_any({"type_abbr", "type_abbr_ru"});
    auto need = [&](const std::optional<std::size_t>& c, const char* what) {
        if (!c) throw DataError(csv.name() + ": line 1: the classifier has no '" + what + "' column");
    };
    need(c_code, "kato");
    need(c_parent, "parent_kato");
    need(c_depth, "depth");
    need(c_kind, "unit_kind");
    need(c_name, "name_ru");
    KatoClassifier k;
    std::vector<std::string> row;
    while (csv.next(row)) {
        KatoEntry e;
        e.line = csv.line();
        e.code = std::string(trim(row[*c_code]));
        if (auto p = kato_problem(e.code)) throw DataError(csv.where() + ": KATO code " + *p);
        e.parent = std::string(trim(row[*c_parent]));
        if (!e.parent.empty())
            if (auto p = kato_problem(e.parent)) throw DataError(csv.where() + ": parent KATO code " + *p);
        auto d = trim(row[*c_depth]);
        auto r = std::from_chars(d.data(), d.data() + d.size(), e.depth);
        if (r.ec != std::errc() || r.ptr != d.data() + d.size() || e.depth < 1 || e.depth > 5)
            throw DataError(csv.where() + ": depth '" + std::string(d) + "' is not 1 to 5");
        e.unit_kind = std::string(trim(row[*c_kind]));
        e.name_ru = std::string(trim(row[*c_name]));
        if (c_abbr) e.type_abbr = std::string(trim(row[*c_abbr]));
        if (k.index_.count(e.code))
            throw DataError(csv.where() + ": KATO code " + e.code + " appears twice (first at line " +
                            std::to_string(k.entries_[k.index_[e.code]].line) + ")");
        k.index_.emplace(e.code, k.entries_.size());
        k.entries_.push_back(std::move(e));
    }
    if (k.entries_.empty()) throw DataError(csv.name() + ": the classifier has no rows");
    std::sort(k.entries_.begin(), k.entries_.end(), [](const auto& a, const auto& b) { return a.code < b.code; });
    k.index_.clear();
    for (std::size_t i = 0; i < k.entries_.size(); ++i) k.index_.emplace(k.entries_[i].code, i);
    for (const auto& e : k.entries_) {
        if (e.parent.empty()) continue;
        const KatoEntry* p = k.find(e.parent);
        std::string at = csv.name() + ": line " + std::to_string(e.line) + ": ";
        if (!p) throw DataError(at + "parent " + e.parent + " of " + e.code + " is not in the classifier");
        if (p->depth != e.depth - 1)
            throw DataError(at + e.code + " has depth " + std::to_string(e.depth) + " but its parent " + e.parent +
                            " has depth " + std::to_string(p->depth));
        if (!kato_extends(e.code, e.parent))
            throw DataError(at + e.code + " does not lie under its parent's code " + e.parent);
    }
    return k;
}

const KatoEntry* KatoClassifier::find(std::string_view code) const {
    auto it = index_.find(code);
    return it == index_.end() ? nullptr : &entries_[it->second];
}

const KatoEntry* KatoClassifier::ancestor_at(const KatoEntry& e, int depth) const {
    const KatoEntry* cur = &e;
    while (cur && cur->depth > depth) cur = parent_of(*cur);
    return cur && cur->depth == depth ? cur : nullptr;
}

}  // namespace atd
