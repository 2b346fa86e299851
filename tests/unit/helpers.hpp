#pragma once
// Small helpers shared by the unit tests.
#include <atd/io.hpp>

#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>
#include <unistd.h>

namespace atd::test {

// A file with the given content, removed when the object goes away.
class TempFile {
public:
    explicit TempFile(const std::string& content, const std::string& suffix = "") {
        std::string tmpl = "/tmp/atd_test_XXXXXX" + suffix;
        path_ = tmpl;
        int fd = mkstemps(path_.data(), static_cast<int>(suffix.size()));
        if (fd < 0) std::abort();
        std::FILE* f = fdopen(fd, "wb");
        std::fwrite(content.data(), 1, content.size(), f);
        std::fclose(f);
    }
    ~TempFile() { std::remove(path_.c_str()); }
    TempFile(const TempFile&) = delete;
    TempFile& operator=(const TempFile&) = delete;
    const std::string& path() const { return path_; }

private:
    std::string path_;
};

inline std::string read_file(const std::string& path) {
    std::string out;
    std::FILE* f = std::fopen(path.c_str(), "rb");
    if (!f) return out;
    char buf[4096];
    std::size_t n;
    while ((n = std::fread(buf, 1, sizeof buf, f)) > 0) out.append(buf, n);
    std::fclose(f);
    return out;
}

// A sink that keeps the features it is given.
class MemorySink : public FeatureSink {
public:
    std::vector<Feature> features;
    bool finished = false;
    void write(const Feature& f) override { features.push_back(f); }
    void finish() override { finished = true; }
    const Feature* find(const std::string& type, const std::string& kato) const {
        for (const auto& f : features)
            if (f.props.get_string("feature_type") == type && f.props.get_string("kato") == kato) return &f;
        return nullptr;
    }
};

}  // namespace atd::test
