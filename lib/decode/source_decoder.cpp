// One source: decompress it, strip a UTF-8 byte-order mark, settle the format, hand the bytes on.
//
// Detection (input_format::auto_detect) reads the first non-blank lines, at most
// `detect_lines` of them within `detect_bytes`: a line that starts with `{` or `[` means JSON,
// one that starts with `CEF:` (or has a syslog prefix before it) means CEF, and a first line
// that is a CSV header naming a detection time and another known column means CSV. Lines
// before the deciding one are decoded with the rest (and rejected as that format's garbage).
// Anything else makes the source unusable, with a message that says what it looked like.
#include <algorithm>
#include <cstring>
#include <string>
#include <vector>

#include "../core/utf8.hpp"
#include "casreport/detail/ascii.hpp"
#include "csv.hpp"
#include "decoder.hpp"

namespace casreport::detail {
namespace {

constexpr std::string_view utf8_bom = "\xEF\xBB\xBF";
constexpr std::size_t detect_bytes = std::size_t{64} << 10;
constexpr std::size_t detect_lines = 8;

/// A syslog line carrying CEF: `<134>Jun  2 09:15:42 host CEF:0|...`. The prefix holds no
/// comma or quote (which keeps CSV and JSON lines out) and is at most 1 KiB.
bool is_syslog_cef(std::string_view line) noexcept {
    const std::size_t at = line.find(" CEF:");
    return at != std::string_view::npos && at < 1024 &&
           line.substr(0, at).find_first_of(",\"") == std::string_view::npos;
}

/// Whether `s` is UTF-8 that may end cut inside a character.
bool is_utf8_cut_anywhere(std::string_view s) noexcept {
    for (std::size_t drop = 0; drop < 4 && drop <= s.size(); ++drop) {
        if (is_valid_utf8(s.substr(0, s.size() - drop))) return true;
    }
    return false;
}

/// Names the archive formats people may try, by their magic bytes.
std::string what_binary(std::string_view head) {
    using namespace std::string_view_literals;
    if (head.substr(0, 4) == "PK\x03\x04"sv) {
        return "it is a zip archive: casreport reads gzip, zstd, xz and bzip2 but not zip; "
               "unzip it first";
    }
    return {};
}

/// The first line as a CSV header, when it is one casreport can read.
struct csv_guess {
    bool is_csv = false;
    std::string problem;  // why a line that looks like a header is not one we can read
};

csv_guess guess_csv(std::string_view line, const options& opts) {
    csv_guess g;
    csv_tokenizer tok;
    std::vector<std::string> names;
    bool ok = false;
    const auto take = [&](const csv_tokenizer::row& r) {
        if (!r.error.empty() || !names.empty()) return;
        for (std::size_t i = 0; i < r.size(); ++i) names.emplace_back(r.field(i));
        ok = true;
    };
    tok.feed(line, take);
    tok.finish(take);
    if (!ok || names.size() < 2) return g;
    std::vector<std::string_view> views(names.begin(), names.end());
    const csv_header h = read_csv_header(views, opts);
    g.is_csv = h.has_time && h.known >= 2;
    // Explain the header only when the line looks like one (a sentence may hold a comma).
    if (!g.is_csv && (names.size() >= 3 || h.known > 0)) {
        g.problem = h.problem.empty() ? "its columns are not known" : h.problem;
    }
    return g;
}

/// The decision on a source's first bytes (after any BOM): on its first `detect_bytes` at most,
/// whatever more has arrived, so that it never depends on how the source is cut into chunks.
struct detection {
    enum kind : std::uint8_t { need_more, json, cef, csv, unknown } what = need_more;
    std::string why;  // for unknown: what the source looked like
};

detection detect(std::string_view text, bool at_end, const options& opts) {
    detection d;
    // A full window is all there is to look at: its last line is cut, not complete.
    const bool window_full = text.size() >= detect_bytes;
    if (window_full) {
        text = text.substr(0, detect_bytes);
        at_end = false;
    }
    std::size_t pos = 0;
    std::size_t seen = 0;  // non-blank lines looked at
    std::size_t line_no = 1;
    std::string first_line;  // the start of the first non-blank line, for the message
    std::size_t first_line_no = 0;
    bool first_line_text = true;
    bool first_line_cut = false;  // it runs past the window
    std::string csv_problem;
    while (true) {
        const std::size_t nl = text.find('\n', pos);
        const bool complete = nl != std::string_view::npos || at_end;
        std::string_view line =
            text.substr(pos, nl == std::string_view::npos ? text.npos : nl - pos);
        if (!line.empty() && line.back() == '\r' && nl != std::string_view::npos) {
            line.remove_suffix(1);
        }
        std::string_view t = line;
        while (!t.empty() && (t.front() == ' ' || t.front() == '\t' || t.front() == '\r')) {
            t.remove_prefix(1);
        }
        if (!t.empty()) {
            if (seen == 0) {
                first_line = std::string(line.substr(0, 256));
                first_line_no = line_no;
                first_line_text = is_utf8_cut_anywhere(line);
                first_line_cut = !complete;
            }
            if (t.front() == '{' || t.front() == '[') {
                d.what = detection::json;
                return d;
            }
            if (t.substr(0, 4) == "CEF:") {
                d.what = detection::cef;
                return d;
            }
            if (!complete && !window_full) return d;  // need_more
            if (is_syslog_cef(t)) {  // the prefix is at most 1 KiB: a cut line is enough
                d.what = detection::cef;
                return d;
            }
            if (complete && seen == 0) {
                if (is_valid_utf8(line)) {
                    csv_guess g = guess_csv(line, opts);
                    if (g.is_csv) {
                        d.what = detection::csv;
                        return d;
                    }
                    csv_problem = std::move(g.problem);
                }
            }
            ++seen;
        } else if (!complete && !window_full) {
            return d;  // need_more
        }
        if (nl == std::string_view::npos || seen >= detect_lines) break;
        pos = nl + 1;
        ++line_no;
    }
    if (seen == 0 && at_end) {
        d.what = detection::json;  // nothing but blank lines: no records, nothing wrong
        return d;
    }
    d.what = detection::unknown;
    if (std::string binary = what_binary(text); !binary.empty()) {
        d.why = "not a CAS log: " + binary;
    } else if (!first_line_text) {
        d.why = "not a CAS log: line " + std::to_string(first_line_no) +
                " is not UTF-8 text (a Japanese CSV export saved as Shift_JIS? convert it "
                "first: iconv -f CP932 -t UTF-8)";
    } else if (first_line_no == 0) {
        d.why = "not a CAS log: its first " + std::to_string(detect_bytes >> 10) +
                " KiB are blank (spaces, tabs and line ends), and no record starts in them";
    } else if (!csv_problem.empty()) {
        d.why = "not JSON or CEF, and not a CSV export casreport can read: " + csv_problem;
    } else {
        d.why =
            "not a CAS log in a format casreport reads: no line starts a JSON document "
            "({ or [) or a CEF record (CEF:0|...), and line " +
            std::to_string(first_line_no) + " " + quoted_excerpt(first_line, 40) +
            " is not a CSV export header" +
            (first_line_cut ? " (it runs past the first " + std::to_string(detect_bytes >> 10) +
                                  " KiB, the most that is read to tell a source's format; "
                                  "--input-format csv reads it)"
                            : std::string());
    }
    return d;
}

/// The text of a source: BOM, format, then the decoder of that format.
class text_decoder final : public decoder {
public:
    text_decoder(event_sink& sink, input_format forced, const options& opts)
        : sink_(sink), forced_(forced), opts_(opts) {}

    void feed(std::string_view bytes) override {
        if (inner_) {
            inner_->feed(bytes);
            return;
        }
        if (failed_) return;
        // The first chunk usually settles everything: read it where it is, hold it only when
        // more is needed.
        if (head_.empty()) {
            if (start(bytes, false)) return;
            next_look_ = 2 * bytes.size();
        }
        head_.append(bytes);
        // Every look goes over all the held bytes: looking again only once they have doubled
        // (or fill the window) keeps a source fed a byte at a time linear. When the look is
        // taken does not change what it decides: `detect` answers the same on any longer text.
        if (head_.size() < next_look_ && head_.size() < detect_bytes) return;
        next_look_ = 2 * head_.size();
        if (start(head_, false)) release_head();
    }

    void finish() override {
        if (!inner_ && !failed_ && start(head_, true)) release_head();
        if (inner_) inner_->finish();
    }

    [[nodiscard]] bool at_record_boundary() const noexcept override {
        return inner_ ? inner_->at_record_boundary() : head_.empty();
    }

    [[nodiscard]] std::uint64_t line() const noexcept override {
        return inner_ ? inner_->line() : 1;
    }

private:
    void release_head() {
        head_.clear();
        head_.shrink_to_fit();
    }

    /// Starts the inner decoder and hands it `data` once the first bytes settle the BOM and
    /// the format; false while they do not.
    bool start(std::string_view data, bool at_end) {
        if (data.size() < utf8_bom.size() && !at_end && utf8_bom.substr(0, data.size()) == data) {
            return false;  // could still be a BOM
        }
        std::string_view rest(data);
        if (rest.substr(0, utf8_bom.size()) == utf8_bom) rest.remove_prefix(utf8_bom.size());
        input_format format = forced_;
        if (format == input_format::auto_detect) {
            const detection d = detect(rest, at_end, opts_);
            switch (d.what) {
                case detection::need_more: return false;
                case detection::json: format = input_format::json; break;
                case detection::cef: format = input_format::cef; break;
                case detection::csv: format = input_format::csv; break;
                case detection::unknown:
                    failed_ = true;
                    sink_.on_unusable(d.why);
                    return true;
            }
        }
        switch (format) {
            case input_format::cef: inner_ = make_cef_decoder(sink_); break;
            case input_format::csv: inner_ = make_csv_decoder(sink_, opts_); break;
            case input_format::ndjson:
                inner_ =
                    make_json_decoder(sink_, json_layout::line_strict, true, opts_.max_field_bytes);
                break;
            default:
                inner_ =
                    make_json_decoder(sink_, json_layout::multi_line, true, opts_.max_field_bytes);
                break;
        }
        inner_->feed(rest);
        return true;
    }

    event_sink& sink_;
    input_format forced_;
    const options& opts_;
    std::unique_ptr<decoder> inner_;
    std::string head_;           // the first bytes, held until the BOM and the format are settled
    std::size_t next_look_ = 0;  // the size of `head_` at which to look at it again
    bool failed_ = false;
};

/// A source: compressed data (told by its magic bytes, whatever the file is called) is
/// decompressed on the way to the text decoder.
class source_decoder final : public decoder {
public:
    source_decoder(event_sink& sink, input_format forced, const options& opts)
        : sink_(sink), forced_(forced), opts_(opts) {}

    void feed(std::string_view bytes) override {
        if (inner_) {
            inner_->feed(bytes);
            return;
        }
        if (head_.empty()) {
            if (const auto c = sniff_codec(bytes, false)) {
                start(*c, bytes);  // settled by this chunk: nothing to hold
                return;
            }
        }
        head_.append(bytes);
        if (const auto c = sniff_codec(head_, false)) start_from_head(*c);
    }

    void finish() override {
        if (!inner_) start_from_head(sniff_codec(head_, true).value_or(codec::none));
        inner_->finish();
    }

    [[nodiscard]] bool at_record_boundary() const noexcept override {
        return inner_ ? inner_->at_record_boundary() : head_.empty();
    }

    [[nodiscard]] std::uint64_t line() const noexcept override {
        return inner_ ? inner_->line() : 1;
    }

private:
    void start(codec c, std::string_view first) {
        auto text = std::make_unique<text_decoder>(sink_, forced_, opts_);
        if (c != codec::none) {
            inner_ = make_decompressing_decoder(sink_, c, std::move(text));
        } else {
            inner_ = std::move(text);
        }
        inner_->feed(first);
    }

    void start_from_head(codec c) {
        std::string held;
        held.swap(head_);
        start(c, held);
    }

    event_sink& sink_;
    input_format forced_;
    const options& opts_;
    std::unique_ptr<decoder> inner_;
    std::string head_;  // the first bytes, until they say whether the source is compressed
};

}  // namespace

std::unique_ptr<decoder> make_source_decoder(event_sink& sink, input_format forced,
                                             const options& opts) {
    return std::make_unique<source_decoder>(sink, forced, opts);
}

std::unique_ptr<decoder> make_text_decoder(event_sink& sink, input_format forced,
                                           const options& opts) {
    return std::make_unique<text_decoder>(sink, forced, opts);
}

}  // namespace casreport::detail
