// What the fuzz targets share: a sink that writes down every record a decoder reports, feeding
// in data-chosen pieces, and the checks every record must pass. Header-only, for the targets.
#ifndef CASREPORT_TESTS_FUZZ_FUZZ_UTIL_HPP
#define CASREPORT_TESTS_FUZZ_FUZZ_UTIL_HPP

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "core/utf8.hpp"
#include "decode/decoder.hpp"

namespace casreport::fuzz {

/// Stops the run with a message: libFuzzer saves the input as a crash.
[[noreturn]] inline void fail(const char* target, const char* what) {
    std::fprintf(stderr, "%s: %s\n", target, what);
    std::abort();
}

/// The bytes a target reads its settings from, then the input: `take()` gives the next
/// setting byte (0 once they run out), `rest()` what follows them.
class settings {
public:
    settings(const std::uint8_t* data, std::size_t size, std::size_t n)
        : data_(data), n_(size < n ? size : n), size_(size) {}
    std::uint8_t take() noexcept { return at_ < n_ ? data_[at_++] : 0; }
    [[nodiscard]] std::string_view rest() const noexcept {
        return {reinterpret_cast<const char*>(data_) + n_, size_ - n_};
    }

private:
    const std::uint8_t* data_;
    std::size_t n_;
    std::size_t size_;
    std::size_t at_ = 0;
};

/// Piece sizes for feeding an input: from `seed`, mostly short (a split inside every kind of
/// token) with some long ones, so that a large input still takes few calls.
inline std::vector<std::size_t> cuts_of(std::size_t size, std::uint8_t seed) {
    std::vector<std::size_t> cuts;
    std::uint32_t x = 0x9e3779b9U ^ seed;
    for (std::size_t at = 0; at < size;) {
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        const std::size_t step = (x & 7U) == 0 ? 4096 + x % 65536 : 1 + x % 97;
        at += step;
        if (at < size) cuts.push_back(at);
    }
    return cuts;
}

/// Writes down every record a decoder reports, with every field, and checks what holds for
/// any input: lines are 1-based, fields are UTF-8 (the decoders reject what is not). The one
/// exception: a value that ran past `max_field` may be kept as its first `max_field` + 1 bytes,
/// cut wherever the limit fell (inside a character too), as the sign that it was too long;
/// the aggregator rejects the record (`field_too_long`) without reading the value.
class recorder final : public detail::event_sink {
public:
    explicit recorder(const char* target, bool with_details = false,
                      std::size_t max_field = static_cast<std::size_t>(-1))
        : target_(target), with_details_(with_details), max_field_(max_field) {}

    void on_event(const raw_event& e, std::uint64_t line, utc_offset zone) override {
        if (line == 0) fail(target_, "an event at line 0");
        log += "E" + std::to_string(line) + "@" + std::to_string(zone.minutes);
        for_each_field(e, [&](std::string_view, std::string_view f) {
            if (f.size() != max_field_ + 1 && !detail::is_valid_utf8(f)) {
                fail(target_, "an event field that is not UTF-8");
            }
            log += '|' + std::to_string(f.size()) + ':';
            log += f;
        });
        log += '\n';
        ++events;
    }
    void on_reject(std::uint64_t line, reject_reason why, std::string_view d) override {
        if (line == 0) fail(target_, "a rejection at line 0");
        if (!detail::is_valid_utf8(d)) fail(target_, "a rejection detail that is not UTF-8");
        log += "R" + std::to_string(line) + ":" + std::string(to_string(why));
        if (with_details_) log += ":" + std::string(d);
        log += '\n';
    }
    void on_unusable(std::string_view message) override {
        log += "U:" + std::string(message) + "\n";
    }

    std::string log;
    std::size_t events = 0;

private:
    const char* target_;
    bool with_details_;
    std::size_t max_field_;
};

/// Feeds `input` to `d` cut at `cuts` (empty: in one piece), then finishes it.
inline void feed_in_pieces(detail::decoder& d, std::string_view input,
                           const std::vector<std::size_t>& cuts) {
    std::size_t at = 0;
    for (const std::size_t cut : cuts) {
        d.feed(input.substr(at, cut - at));
        at = cut;
    }
    d.feed(input.substr(at));
    d.finish();
}

}  // namespace casreport::fuzz

#endif  // CASREPORT_TESTS_FUZZ_FUZZ_UTIL_HPP
