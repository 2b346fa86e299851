// atd: runs atd-<verb>, as git does.
#include <atd/version.hpp>

#include <cerrno>
#include <climits>
#include <cstdio>
#include <cstring>
#include <string>
#include <unistd.h>
#include <vector>

namespace {

const char* const kVerbs[] = {ATD_VERBS};

void usage(std::FILE* out) {
    std::fprintf(out,
                 "atd: administrative-territorial analysis toolkit\n\n"
                 "Usage: atd <verb> [options...]   runs atd-<verb>\n"
                 "       atd -h|--help | -V|--version\n\nVerbs:\n");
    for (const char* v : kVerbs) std::fprintf(out, "  %s\n", v);
    std::fprintf(out, "\nEach verb has its own --help and man page (man atd-<verb>).\n");
}

std::string self_dir() {
    char buf[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", buf, sizeof buf - 1);
    if (n <= 0) return {};
    std::string p(buf, static_cast<std::size_t>(n));
    auto slash = p.rfind('/');
    return slash == std::string::npos ? std::string() : p.substr(0, slash);
}

}  // namespace

int main(int argc, char** argv) {
    if (argc < 2) {
        usage(stderr);
        return 2;
    }
    std::string verb = argv[1];
    if (verb == "-h" || verb == "--help" || verb == "help") {
        usage(stdout);
        return 0;
    }
    if (verb == "-V" || verb == "--version") {
        std::printf("atd %s\n", atd::kVersion);
        return 0;
    }
    bool known = false;
    for (const char* v : kVerbs) known = known || verb == v;
    if (!known) {
        std::fprintf(stderr, "atd: error: '%s' is not an atd verb; run 'atd --help' for the list\n", verb.c_str());
        return 2;
    }
    std::string tool = "atd-" + verb;
    std::vector<char*> args;
    args.push_back(tool.data());
    for (int i = 2; i < argc; ++i) args.push_back(argv[i]);
    args.push_back(nullptr);
    // The tool beside this binary first (build trees, relocated installs), then PATH.
    std::string beside = self_dir() + "/" + tool;
    if (access(beside.c_str(), X_OK) == 0) execv(beside.c_str(), args.data());
    execvp(tool.c_str(), args.data());
    std::fprintf(stderr, "atd: error: cannot run %s: %s\n", tool.c_str(), std::strerror(errno));
    return 1;
}
