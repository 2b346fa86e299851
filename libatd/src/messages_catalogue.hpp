#pragma once
// The catalogues of messages.hpp, one per language (messages_en.cpp, _ru, _kk).
#include <span>
#include <string_view>

namespace atd {

struct CatalogueEntry {
    std::string_view key, text;
};

std::span<const CatalogueEntry> catalogue_en();
std::span<const CatalogueEntry> catalogue_ru();
std::span<const CatalogueEntry> catalogue_kk();

}  // namespace atd
