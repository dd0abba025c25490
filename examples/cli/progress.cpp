#include "progress.hpp"

#include <sys/ioctl.h>
#include <unistd.h>

#include <cstdio>

namespace casreport_cli {
namespace {

constexpr double first_draw_after = 1.0;  // seconds: short runs stay silent
constexpr auto redraw_every = std::chrono::milliseconds(250);

std::size_t terminal_width(std::FILE* f) {
    winsize ws{};
    if (ioctl(fileno(f), TIOCGWINSZ, &ws) == 0 && ws.ws_col > 20) return ws.ws_col;
    return 80;
}

std::string duration(double seconds) {
    const auto s = static_cast<std::uint64_t>(seconds + 0.5);
    char buf[32];
    if (s >= 3600) {
        std::snprintf(
            buf, sizeof buf, "%llu:%02llu:%02llu", static_cast<unsigned long long>(s / 3600),
            static_cast<unsigned long long>(s / 60 % 60), static_cast<unsigned long long>(s % 60));
    } else {
        std::snprintf(buf, sizeof buf, "%llu:%02llu", static_cast<unsigned long long>(s / 60),
                      static_cast<unsigned long long>(s % 60));
    }
    return buf;
}

/// Cuts `s` to `width` columns, counting each UTF-8 character as one (wide characters in file
/// names may overflow a little; the line is redrawn anyway).
std::string fit(const std::string& s, std::size_t width) {
    std::size_t cols = 0;
    for (std::size_t i = 0; i < s.size(); ++i) {
        if ((static_cast<unsigned char>(s[i]) & 0xC0U) == 0x80U) continue;
        if (++cols > width) return s.substr(0, i);
    }
    return s;
}

}  // namespace

std::string with_commas(std::uint64_t n) {
    std::string digits = std::to_string(n);
    std::string out;
    for (std::size_t i = 0; i < digits.size(); ++i) {
        if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
        out += digits[i];
    }
    return out;
}

std::string human_bytes(std::uint64_t n) {
    if (n < 1024) return std::to_string(n) + " B";
    const char* units[] = {"KiB", "MiB", "GiB", "TiB"};
    double v = static_cast<double>(n) / 1024.0;
    std::size_t u = 0;
    while (v >= 1024.0 && u + 1 < std::size(units)) {
        v /= 1024.0;
        ++u;
    }
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.1f %s", v, units[u]);
    return buf;
}

progress::progress(std::FILE* out, bool enabled, std::uint64_t total_bytes, std::size_t files)
    : out_(out), enabled_(enabled), total_(total_bytes), files_(files) {}

bool progress::is_terminal(std::FILE* f) noexcept { return isatty(fileno(f)) == 1; }

void progress::start_file(std::string_view name, std::size_t index) {
    name_ = name == "-" ? std::string("standard input") : std::string(name);
    index_ = index;
}

void progress::update(std::uint64_t bytes_done, std::uint64_t records) {
    bytes_ = bytes_done;
    records_ = records;
    if (!enabled_) return;
    const clock::time_point now = clock::now();
    if (!shown_ && elapsed() < first_draw_after) return;
    if (shown_ && now - last_draw_ < redraw_every) return;
    last_draw_ = now;
    draw();
}

double progress::elapsed() const {
    return std::chrono::duration<double>(clock::now() - start_).count();
}

void progress::draw() {
    const double secs = elapsed();
    // The numbers first: when the terminal is narrow, the file name gives way.
    std::string stats;
    if (total_ > 0) {
        char pct[16];
        std::snprintf(pct, sizeof pct, "%3.0f%%",
                      100.0 * static_cast<double>(bytes_) / static_cast<double>(total_));
        stats += std::string(pct) + " of " + human_bytes(total_);
    } else {
        stats += human_bytes(bytes_);
    }
    stats += "  " + with_commas(records_) + " records";
    if (secs > 0) {
        stats += "  " +
                 with_commas(static_cast<std::uint64_t>(static_cast<double>(records_) / secs)) +
                 "/s";
    }
    if (total_ > 0 && bytes_ > 0 && bytes_ < total_) {
        stats += "  ETA " + duration(secs * static_cast<double>(total_ - bytes_) /
                                     static_cast<double>(bytes_));
    }
    std::string name = name_;
    if (files_ > 1) name += " [" + std::to_string(index_ + 1) + "/" + std::to_string(files_) + "]";
    const std::size_t width = terminal_width(out_) - 1;
    const std::size_t room = width > stats.size() + 2 ? width - stats.size() - 2 : 0;
    if (name.size() > room) {
        // Keep the end of the name, where the file name is.
        std::size_t cut = name.size() - (room > 3 ? room - 3 : 0);
        while (cut < name.size() && (static_cast<unsigned char>(name[cut]) & 0xC0U) == 0x80U) {
            ++cut;
        }
        name = room > 3 ? "..." + name.substr(cut) : std::string();
    }
    const std::string line = name.empty() ? stats : name + "  " + stats;
    std::fprintf(out_, "\r\033[K%s", fit(line, width).c_str());
    std::fflush(out_);
    shown_ = true;
}

void progress::clear() {
    if (!shown_) return;
    std::fputs("\r\033[K", out_);
    std::fflush(out_);
    shown_ = false;
}

void progress::done(const casreport::input_counts& c) {
    if (!shown_) return;
    clear();
    // What was read, now that the status line is gone.
    char secs[32];
    std::snprintf(secs, sizeof secs, "%.1f s", elapsed());
    std::fprintf(out_,
                 "casreport: read %s in %s: %s records (%s accepted, %s rejected, %s duplicates, "
                 "%s out of period)\n",
                 human_bytes(bytes_).c_str(), secs, with_commas(c.records).c_str(),
                 with_commas(c.accepted).c_str(), with_commas(c.rejected).c_str(),
                 with_commas(c.duplicates).c_str(), with_commas(c.out_of_period).c_str());
    std::fflush(out_);
}

}  // namespace casreport_cli
