// Progress of a long run, on standard error when it is a terminal.
#ifndef CASREPORT_EXAMPLES_CLI_PROGRESS_HPP
#define CASREPORT_EXAMPLES_CLI_PROGRESS_HPP

#include <casreport/aggregator.hpp>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>

namespace casreport_cli {

/// One status line, redrawn in place: the file, the bytes read (of the total when every
/// input's size is known: compressed bytes for a compressed file), records and records per second, and
/// the time left. It appears only after the run has taken a second, and ends with a summary
/// line; when disabled (stderr not a terminal, --quiet) it prints nothing at all.
class progress {
public:
    /// `total_bytes`: the sizes of all inputs, or 0 when one of them is unknown (a pipe).
    progress(std::FILE* out, bool enabled, std::uint64_t total_bytes, std::size_t files);
    /// Erases a status line still shown (an error cut the run short).
    ~progress() { clear(); }
    progress(const progress&) = delete;
    progress& operator=(const progress&) = delete;

    /// The next input begins.
    void start_file(std::string_view name, std::size_t index);

    /// After each read: bytes read from all inputs so far, and records decoded so far.
    void update(std::uint64_t bytes_done, std::uint64_t records);

    /// Ends the display: erases the status line and, if one was shown, prints a summary.
    void done(const casreport::input_counts& counts);

    /// Erases the status line (before an error message).
    void clear();

    /// Whether anything is shown at all.
    [[nodiscard]] bool enabled() const noexcept { return enabled_; }

    /// Whether `f` is a terminal.
    [[nodiscard]] static bool is_terminal(std::FILE* f) noexcept;

private:
    using clock = std::chrono::steady_clock;

    void draw();
    [[nodiscard]] double elapsed() const;

    std::FILE* out_;
    bool enabled_;
    bool shown_ = false;
    std::uint64_t total_;
    std::size_t files_;
    std::size_t index_ = 0;
    std::string name_;
    std::uint64_t bytes_ = 0;
    std::uint64_t records_ = 0;
    clock::time_point start_ = clock::now();
    clock::time_point last_draw_{};
};

/// `1234567` → "1,234,567".
[[nodiscard]] std::string with_commas(std::uint64_t n);

/// `1536` → "1.5 KiB"; below 1 KiB, bytes.
[[nodiscard]] std::string human_bytes(std::uint64_t n);

}  // namespace casreport_cli

#endif  // CASREPORT_EXAMPLES_CLI_PROGRESS_HPP
