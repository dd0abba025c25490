#include "render_pdf.hpp"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <sstream>
#include <thread>
#include <vector>

#include "casreport/error.hpp"

extern char** environ;

namespace casreport::detail {
namespace {

namespace fs = std::filesystem;

bool is_executable(const std::string& path) {
    struct stat st {};
    return ::stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode) &&
           ::access(path.c_str(), X_OK) == 0;
}

/// `name` as a path: itself when it holds a '/', else the first match on PATH.
std::string on_path(std::string_view name) {
    if (name.empty()) return {};
    if (name.find('/') != std::string_view::npos) {
        return is_executable(std::string(name)) ? std::string(name) : std::string();
    }
    const char* path = std::getenv("PATH");
    std::string_view dirs = path != nullptr ? path : "/usr/local/bin:/usr/bin:/bin";
    while (!dirs.empty()) {
        const std::size_t colon = dirs.find(':');
        std::string dir(dirs.substr(0, colon));
        dirs = colon == std::string_view::npos ? std::string_view() : dirs.substr(colon + 1);
        if (dir.empty()) dir = ".";
        std::string candidate = dir + "/" + std::string(name);
        if (is_executable(candidate)) return candidate;
    }
    return {};
}

std::string read_file(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

/// The last non-empty line of Chromium's output, for a message.
std::string last_line(const std::string& log) {
    std::istringstream lines(log);
    std::string line;
    std::string last;
    while (std::getline(lines, line)) {
        if (line.find_first_not_of(" \t\r") != std::string::npos) last = line;
    }
    if (last.size() > 300) last.resize(300);
    return last;
}

/// A temporary folder, removed with everything in it when the object goes.
class temp_dir {
public:
    temp_dir() {
        const char* tmp = std::getenv("TMPDIR");
        std::string pattern =
            std::string(tmp != nullptr && *tmp != '\0' ? tmp : "/tmp") + "/casreport-pdf-XXXXXX";
        std::vector<char> buf(pattern.begin(), pattern.end());
        buf.push_back('\0');
        if (::mkdtemp(buf.data()) != nullptr) path_ = buf.data();
    }
    ~temp_dir() {
        std::error_code ignored;
        if (!path_.empty()) fs::remove_all(path_, ignored);
    }
    temp_dir(const temp_dir&) = delete;
    temp_dir& operator=(const temp_dir&) = delete;
    [[nodiscard]] const fs::path& path() const noexcept { return path_; }

private:
    fs::path path_;
};

}  // namespace

std::string find_chromium(std::string_view chromium) {
    if (!chromium.empty()) return on_path(chromium);
    if (const char* env = std::getenv("CASREPORT_CHROMIUM"); env != nullptr && *env != '\0') {
        return on_path(env);
    }
    for (const char* name :
         {"chromium", "chromium-browser", "google-chrome", "google-chrome-stable"}) {
        std::string found = on_path(name);
        if (!found.empty()) return found;
    }
    return {};
}

std::string print_pdf(std::string_view html, std::string_view chromium, std::error_code& ec,
                      std::string& why) {
    ec.clear();
    const auto fail = [&](error e, std::string message) {
        ec = e;
        why = std::move(message);
        return std::string();
    };
    const std::string program = find_chromium(chromium);
    if (program.empty()) {
        const char* env = std::getenv("CASREPORT_CHROMIUM");
        const std::string named = !chromium.empty()                ? std::string(chromium)
                                  : env != nullptr && *env != '\0' ? std::string(env)
                                                                   : std::string();
        if (!named.empty()) {
            return fail(error::unavailable, "PDF output needs a headless Chromium, and '" + named +
                                                "' is not a program that can be run");
        }
        return fail(error::unavailable,
                    "PDF output needs a headless Chromium: install Debian's package 'chromium' "
                    "(apt-get install chromium fonts-noto-cjk), or name one with --chromium PATH "
                    "or CASREPORT_CHROMIUM");
    }
    const temp_dir dir;
    if (dir.path().empty()) {
        return fail(error::io,
                    std::string("cannot make a temporary folder: ") + std::strerror(errno));
    }
    const fs::path page = dir.path() / "report.html";
    const fs::path pdf = dir.path() / "report.pdf";
    const fs::path log = dir.path() / "chromium.log";
    {
        std::ofstream out(page, std::ios::binary);
        out.write(html.data(), static_cast<std::streamsize>(html.size()));
        if (!out)
            return fail(error::io, "cannot write the page to print in " + dir.path().string());
    }
    std::vector<std::string> args = {
        program,
        "--headless",
        "--disable-gpu",
        "--no-first-run",
        "--no-default-browser-check",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-extensions",
        "--disable-quic",
        "--user-data-dir=" + (dir.path() / "profile").string(),
        "--no-pdf-header-footer",
        "--print-to-pdf=" + pdf.string(),
    };
    // Chromium refuses to run as root with its sandbox on; the page is our own, with no
    // scripts and nothing from the network.
    if (::geteuid() == 0) args.emplace_back("--no-sandbox");
    args.push_back("file://" + page.string());
    std::vector<char*> argv;
    for (std::string& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);

    // Chromium gets this process's environment but for LD_PRELOAD: a library preloaded into
    // the host (a sanitizer's runtime under a Python test, say) is not meant for the browser.
    std::vector<char*> env;
    for (char** e = environ; *e != nullptr; ++e) {
        if (std::strncmp(*e, "LD_PRELOAD=", 11) != 0) env.push_back(*e);
    }
    env.push_back(nullptr);

    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_addopen(&actions, 1, log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    posix_spawn_file_actions_adddup2(&actions, 1, 2);
    pid_t pid = 0;
    const int rc = ::posix_spawn(&pid, program.c_str(), &actions, nullptr, argv.data(), env.data());
    posix_spawn_file_actions_destroy(&actions);
    if (rc != 0) return fail(error::io, "cannot start " + program + ": " + std::strerror(rc));

    using clock = std::chrono::steady_clock;
    const auto deadline = clock::now() + std::chrono::minutes(2);
    int status = 0;
    for (;;) {
        const pid_t done = ::waitpid(pid, &status, WNOHANG);
        if (done == pid) break;
        if (done < 0 && errno != EINTR) return fail(error::io, "lost track of " + program);
        if (clock::now() > deadline) {
            ::kill(pid, SIGKILL);
            ::waitpid(pid, &status, 0);
            return fail(error::io, program + " did not print the report within two minutes");
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    std::string bytes = read_file(pdf);
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0 || bytes.compare(0, 5, "%PDF-") != 0) {
        const std::string said = last_line(read_file(log));
        return fail(error::io, program + " could not print the report" +
                                   (said.empty() ? std::string() : ": " + said));
    }
    return bytes;
}

}  // namespace casreport::detail
