// libFuzzer target: the GeoJSON / GeoJSON Sequence reader and the writer.
#include <atd/error.hpp>
#include <atd/geojson.hpp>

#include <cstdio>
#include <string>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    std::FILE* fp = fmemopen(const_cast<std::uint8_t*>(data), size, "rb");
    if (!fp) return 0;
    try {
        atd::GeoJsonReader reader(fp, "fuzz");
        atd::Feature f;
        std::string out;
        for (int n = 0; n < 10000 && reader.next(f); ++n) {
            out.clear();
            atd::append_feature_json(out, f);
        }
    } catch (const atd::DataError&) {
    }
    std::fclose(fp);
    return 0;
}
