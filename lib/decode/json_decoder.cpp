// JSON input: API pages, bare arrays and NDJSON, on Boost.JSON's incremental SAX parser.
//
// The driver cuts the input into pieces whose ends depend on the bytes alone, never on how the
// caller split them: a piece ends after a line break, or, in a line longer than `piece_bytes`,
// at every `piece_bytes` from the line's start. It holds back the part of a piece that has not
// fully arrived, so the parser sees the same pieces, and reports the same errors at the same
// places, whatever the chunks were. It feeds the parser one line at a time, so it always knows
// the line a record starts on, and it owns recovery: a valid JSON text can only hold a raw
// newline between tokens, so every line break is a safe place to look for the next document.
//
// Records: an NDJSON line's object, each element of a bare array or of a page's
// `security_events`. A document that is a single record (an event object, a scalar) is committed
// only when its line ends cleanly; text after it on the same line rejects the whole line.
#include <algorithm>
#include <array>
#include <boost/json/basic_parser_impl.hpp>
#include <cstring>
#include <string>

#include "../core/utf8.hpp"
#include "casreport/detail/ascii.hpp"
#include "cef.hpp"
#include "decoder.hpp"
#include "fast_scan.hpp"
#include "raw_fields.hpp"

namespace casreport::detail {
namespace {

namespace bj = boost::json;

// What the value of the key just read is: a row of raw_fields (a captured string), or one of
// these.
using field = std::uint8_t;
constexpr field f_none = 0xff;
constexpr field f_message = 0xfe;          // the event's `message` object
constexpr field f_security_events = 0xfd;  // an API page's records array

/// Longer than every key read (`mail_message_file_name`...): a longer key is none of ours.
constexpr std::size_t max_key_bytes = 64;

/// Whether a field holds a string value (rather than a container we descend into).
constexpr bool is_value_field(field f) noexcept { return f < raw_field_count; }

field top_field(std::string_view k) noexcept {
    if (k == "message") return f_message;
    return static_cast<field>(field_by_key(field_scope::top, k));
}

field message_field(std::string_view k) noexcept {
    return static_cast<field>(field_by_key(field_scope::message, k));
}

/// How many bytes at the end of [b, e) belong to a UTF-8 sequence that starts among them and
/// announces more bytes than there are (0 when none does).
inline std::size_t incomplete_utf8_tail(const char* b, const char* e) noexcept {
    const auto n = static_cast<std::size_t>(e - b);
    for (std::size_t k = n < 3 ? n : 3; k >= 1; --k) {
        const auto c = static_cast<unsigned char>(e[-static_cast<std::ptrdiff_t>(k)]);
        if (c >= 0xc0 && utf8_lead_length(c) > k) return k;
    }
    return 0;
}

/// SAX handler: tracks where in the document we are and captures the fields of each event.
struct json_handler {
    static constexpr std::size_t max_object_size = static_cast<std::size_t>(-1);
    static constexpr std::size_t max_array_size = static_cast<std::size_t>(-1);
    static constexpr std::size_t max_key_size = static_cast<std::size_t>(-1);
    static constexpr std::size_t max_string_size = static_cast<std::size_t>(-1);

    /// What the current top-level document is.
    enum class doc_type : std::uint8_t {
        none,
        object,        ///< an object without `security_events`: one event record
        page,          ///< an API page: its `security_events` elements are the records
        array,         ///< a bare array: its elements are the records
        scalar,        ///< a top-level string, number, true, false or null: a record to reject
        invalid_page,  ///< `security_events` holds neither an array nor null
    };

    event_sink* sink = nullptr;
    const std::uint64_t* line = nullptr;  // the driver's current line

    doc_type doc = doc_type::none;
    std::uint32_t depth = 0;          // open containers
    std::uint32_t records_depth = 0;  // depth of the array whose elements are records; 0: none
    bool element_open = false;        // an element record has begun and not ended
    std::uint64_t element_line = 0;
    std::uint32_t event_depth = 0;  // depth of the event object being read; 0: none
    bool in_message = false;
    field pending = f_none;        // the field whose value comes next
    field string_target = f_none;  // where the open string goes
    bool string_open = false;
    bool string_is_element = false;
    std::string key_buf;
    std::array<std::string, raw_field_count> values;  // by row of raw_fields
    /// The most bytes of a value kept: one past the field limit, so that the aggregator still
    /// sees the field is too long and rejects its record, and memory stays bounded.
    std::size_t value_cap = static_cast<std::size_t>(-1);
    std::string element_text;  // a string element of a records array: maybe a CEF record
    cef_record_parser cef;

    /// Inside a records array, between two elements: the next token may start a record.
    [[nodiscard]] bool between_elements() const noexcept {
        return records_depth != 0 && depth == records_depth && !element_open;
    }

    /// A page's `security_events` key has been read and its value has not begun.
    [[nodiscard]] bool awaiting_records() const noexcept { return pending == f_security_events; }

    void begin_document() noexcept {
        doc = doc_type::none;
        depth = 0;
        records_depth = 0;
        element_open = false;
        event_depth = 0;
        in_message = false;
        pending = f_none;
        string_target = f_none;
        string_open = false;
        string_is_element = false;
        key_buf.clear();
    }

    [[nodiscard]] raw_event event() const noexcept { return make_raw_event(values); }

    field take_pending() noexcept {
        const field f = pending;
        pending = f_none;
        return f;
    }

    void start_event() {
        event_depth = depth;
        in_message = false;
        for (std::string& v : values) v.clear();
    }

    void clear_message_fields() {
        for (std::size_t i = 0; i < raw_field_count; ++i) {
            if (raw_fields[i].scope == field_scope::message) values[i].clear();
        }
    }

    void begin_element() noexcept {
        element_open = true;
        element_line = *line;
    }

    void reject_element(std::string_view why) {
        element_open = false;
        sink->on_reject(element_line, reject_reason::not_an_object, why);
    }

    /// A value that is not a string, at the position given by the parent depth.
    void non_string_value(bool is_null) {
        const field f = take_pending();
        if (depth == 0) {
            doc = doc_type::scalar;
        } else if (records_depth != 0 && depth == records_depth) {
            begin_element();
            reject_element("an array element that is not an event object");
        } else if (f == f_security_events) {
            doc = is_null ? doc_type::page : doc_type::invalid_page;
        } else if (is_value_field(f)) {
            values[f].clear();  // null, or a value of the wrong type: the field is absent
        }
    }

    // ---- handler interface ----

    bool on_document_begin(bj::error_code&) { return true; }
    bool on_document_end(bj::error_code&) { return true; }

    bool on_object_begin(bj::error_code&) {
        const field f = take_pending();
        const std::uint32_t parent = depth++;
        if (parent == 0) {
            doc = doc_type::object;
            start_event();
        } else if (records_depth != 0 && parent == records_depth) {
            begin_element();
            start_event();
        } else if (event_depth != 0 && parent == event_depth && f == f_message) {
            in_message = true;
            clear_message_fields();  // a repeated `message` replaces the earlier one
        } else if (f == f_security_events) {
            doc = doc_type::invalid_page;
        } else if (is_value_field(f)) {
            values[f].clear();
        }
        return true;
    }

    bool on_object_end(std::size_t, bj::error_code&) {
        const std::uint32_t closed = depth--;
        if (event_depth != 0 && closed == event_depth) {
            event_depth = 0;
            in_message = false;
            if (element_open) {
                element_open = false;
                sink->on_event(event(), element_line, utc_offset{});
            }
            // A top-level event waits for the driver to see its line end cleanly.
        } else if (in_message && closed == event_depth + 1) {
            in_message = false;
        }
        return true;
    }

    bool on_array_begin(bj::error_code&) {
        const field f = take_pending();
        const std::uint32_t parent = depth++;
        if (parent == 0) {
            doc = doc_type::array;
            records_depth = 1;
        } else if (records_depth != 0 && parent == records_depth) {
            begin_element();  // an array where an event should be: rejected when it ends
        } else if (f == f_security_events) {
            doc = doc_type::page;
            records_depth = depth;
            event_depth = 0;  // the top object is a page, not an event
            in_message = false;
        } else if (is_value_field(f)) {
            values[f].clear();
        }
        return true;
    }

    bool on_array_end(std::size_t, bj::error_code&) {
        const std::uint32_t closed = depth--;
        if (records_depth != 0 && closed == records_depth) {
            records_depth = 0;
        } else if (element_open && event_depth == 0 && records_depth != 0 &&
                   closed == records_depth + 1) {
            reject_element("an array element that is not an event object");
        }
        return true;
    }

    void string_begin() {
        const field f = take_pending();
        string_target = f_none;
        string_is_element = false;
        if (depth == 0) {
            doc = doc_type::scalar;
        } else if (records_depth != 0 && depth == records_depth) {
            // Not yet an open element: a string element that breaks counts as the document's
            // (docs/input-formats.md). It is one when it completes (a string cannot span
            // lines, so this is its line then too).
            element_line = *line;
            string_is_element = true;
            element_text.clear();
        } else if (f == f_security_events) {
            doc = doc_type::invalid_page;
        } else if (is_value_field(f)) {
            string_target = f;
            values[f].clear();
        }
    }

    void string_chunk(bj::string_view s) {
        if (!string_open) {
            string_open = true;
            string_begin();
        }
        if (string_target != f_none) {
            append_capped(values[string_target], s, value_cap);
        } else if (string_is_element) {
            append_capped(element_text, s, max_text_record_bytes + 1);
        }
    }

    /// Appends `s` to `to` up to `cap` bytes in all.
    static void append_capped(std::string& to, bj::string_view s, std::size_t cap) {
        if (to.size() >= cap) return;
        to.append(s.data(), std::min(s.size(), cap - to.size()));
    }

    /// A string element of `security_events` or of a bare array: a CEF record (`format=cef`),
    /// else not an event.
    void element_string_done() {
        if (element_text.size() > max_text_record_bytes) {
            element_open = false;
            sink->on_reject(element_line, reject_reason::invalid_cef,
                            "a string element longer than 1 MiB");
            return;
        }
        if (trim(element_text).substr(0, 4) == "CEF:") {
            element_open = false;
            cef.decode(element_text, element_line, *sink);
        } else {
            reject_element("a string array element that is neither an event object nor CEF");
        }
    }

    bool on_string_part(bj::string_view s, std::size_t, bj::error_code&) {
        string_chunk(s);
        return true;
    }

    bool on_string(bj::string_view s, std::size_t, bj::error_code&) {
        string_chunk(s);
        string_open = false;
        string_target = f_none;
        if (string_is_element) {
            string_is_element = false;
            element_string_done();
        }
        return true;
    }

    bool on_key_part(bj::string_view s, std::size_t, bj::error_code&) {
        // No key we read is longer than this: a longer one is kept only as far as tells it
        // is none of ours.
        append_capped(key_buf, s, max_key_bytes);
        return true;
    }

    bool on_key(bj::string_view s, std::size_t, bj::error_code&) {
        std::string_view k(s.data(), s.size());
        if (!key_buf.empty()) {
            append_capped(key_buf, s, max_key_bytes);
            k = key_buf;
        }
        pending = f_none;
        if (depth == 1 && (doc == doc_type::object || doc == doc_type::page) &&
            k == "security_events") {
            pending = f_security_events;
        } else if (event_depth != 0 && depth == event_depth) {
            pending = top_field(k);
        } else if (in_message && depth == event_depth + 1) {
            pending = message_field(k);
        }
        key_buf.clear();
        return true;
    }

    bool on_number_part(bj::string_view, bj::error_code&) { return true; }
    bool on_int64(std::int64_t, bj::string_view, bj::error_code&) {
        non_string_value(false);
        return true;
    }
    bool on_uint64(std::uint64_t, bj::string_view, bj::error_code&) {
        non_string_value(false);
        return true;
    }
    bool on_double(double, bj::string_view, bj::error_code&) {
        non_string_value(false);
        return true;
    }
    bool on_bool(bool, bj::error_code&) {
        non_string_value(false);
        return true;
    }
    bool on_null(bj::error_code&) {
        non_string_value(true);
        return true;
    }
    bool on_comment_part(bj::string_view, bj::error_code&) { return true; }
    bool on_comment(bj::string_view, bj::error_code&) { return true; }
};

bj::parse_options parser_options() {
    bj::parse_options o;
    o.max_depth = 1024;  // unknown nested values are skipped, not refused
    return o;
}

constexpr bool is_json_space(char c) noexcept {
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

constexpr bool starts_json_value(char c) noexcept {
    return c == '{' || c == '[' || c == '"' || c == '-' || (c >= '0' && c <= '9') || c == 't' ||
           c == 'f' || c == 'n';
}

class json_decoder final : public decoder {
public:
    json_decoder(event_sink& sink, json_layout layout, bool fast_path, std::size_t max_field)
        : sink_(sink), layout_(layout), fast_(fast_path), parser_(parser_options()) {
        parser_.handler().sink = &sink_;
        parser_.handler().line = &line_;
        parser_.handler().value_cap =
            max_field == static_cast<std::size_t>(-1) ? max_field : max_field + 1;
    }

    void feed(std::string_view bytes) override {
        // Complete the piece held back from earlier chunks, one piece end at a time.
        while (!rest_.empty() && !bytes.empty()) {
            const std::size_t room = piece_bytes + mark_lookahead - rest_.size();
            const std::size_t n = std::min(room, bytes.size());
            const void* nl = std::memchr(bytes.data(), '\n', n);
            if (nl != nullptr) {
                const auto head =
                    static_cast<std::size_t>(static_cast<const char*>(nl) - bytes.data()) + 1;
                rest_.append(bytes.data(), head);
                bytes.remove_prefix(head);
                process(rest_);
                rest_.clear();
            } else {
                rest_.append(bytes.data(), n);
                bytes.remove_prefix(n);
                if (rest_.size() == piece_bytes + mark_lookahead) {
                    // No line break near its first mark: a piece ends there.
                    process(std::string_view(rest_).substr(0, piece_bytes));
                    rest_.erase(0, piece_bytes);
                }
            }
        }
        if (bytes.empty()) return;
        const std::size_t cut = last_piece_end(bytes);
        process(bytes.substr(0, cut));
        rest_.assign(bytes.data() + cut, bytes.size() - cut);
    }

    void finish() override {
        process(rest_);  // the end of the input ends the last piece
        rest_.clear();
        finish_document();
    }

    [[nodiscard]] bool at_record_boundary() const noexcept override {
        return state_ == state::between && rest_.empty() && at_line_start_;
    }

    [[nodiscard]] std::uint64_t line() const noexcept override { return line_; }

private:
    /// The longest piece of a line the parser is given at once, and the most bytes held back
    /// (a complete line up to this long also gets the fast path).
    static constexpr std::size_t piece_bytes = std::size_t{1} << 20;
    /// A line break this close after a `piece_bytes` mark ends the piece instead of the mark:
    /// the parser judges a UTF-8 sequence only once it has all the bytes the sequence announces
    /// (up to 4), so a piece must not leave it waiting past the end of its line.
    static constexpr std::size_t mark_lookahead = 4;

    /// Where the last piece that `bytes` completes ends: after its last line break, or at the
    /// last `piece_bytes` mark of the line it ends in that has `mark_lookahead` bytes after it.
    /// `bytes` starts where a piece starts, so its marks are every `piece_bytes` from its start
    /// or from its last line break. 0: none ends in it.
    static std::size_t last_piece_end(std::string_view bytes) noexcept {
        const std::size_t nl = bytes.rfind('\n');
        const std::size_t start = nl == std::string_view::npos ? 0 : nl + 1;
        const std::size_t tail = bytes.size() - start;
        const std::size_t marks = tail < mark_lookahead ? 0 : (tail - mark_lookahead) / piece_bytes;
        return start + marks * piece_bytes;
    }

    /// Processes whole pieces: `bytes` ends where a piece ends.
    void process(std::string_view bytes) {
        if (bytes.empty()) return;
        const char* p = bytes.data();
        const char* const end = p + bytes.size();
        chunk_begin_ = p;
        line_begin_ = at_line_start_ ? p : nullptr;
        while (p < end) {
            switch (state_) {
                case state::between: p = scan_between(p, end); break;
                case state::in_doc: p = document_step(p, end); break;
                case state::after_record: p = scan_after_record(p, end); break;
                case state::skip_line: p = skip_line(p, end); break;
                case state::seek: p = seek_document(p, end); break;
            }
        }
        at_line_start_ = (line_begin_ == end);
        carried_ = at_line_start_ ? line_prefix{} : prefix_at(end);
        line_begin_ = nullptr;
    }

    void finish_document() {
        if (state_ == state::in_doc) {
            const char none = 0;
            bj::error_code ec;
            parser_.write_some(false, &none, 0, ec);
            if (ec || !parser_.done()) {
                reject_rest("the input ends inside this JSON document");
            } else {
                document_done(true);
            }
        } else if (state_ == state::after_record) {
            commit_pending();
        }
        state_ = state::between;
    }

    enum class state : std::uint8_t {
        between,       ///< top level: white space, a document start, or garbage
        in_doc,        ///< inside a document: bytes go to the parser
        after_record,  ///< a single-record document ended; its line must end cleanly
        skip_line,     ///< the rest of this line belongs to a rejected record
        seek,          ///< after a failed multi-line document: find a line that can start one
    };

    /// The leading part of a line: its white space, and whether anything else came yet.
    struct line_prefix {
        std::uint32_t ws = 0;
        bool content = false;
        void scan(const char* b, const char* e) noexcept {
            for (; b < e && !content; ++b) {
                if (*b == ' ' || *b == '\t' || *b == '\r') {
                    ++ws;
                } else {
                    content = true;
                }
            }
        }
    };

    void newline(const char* next_line) noexcept {
        ++line_;
        line_begin_ = next_line;
        carried_ = {};
    }

    /// The prefix of the current line up to `x` (stops scanning at the first non-space byte).
    [[nodiscard]] line_prefix prefix_at(const char* x) const noexcept {
        line_prefix r = line_begin_ != nullptr ? line_prefix{} : carried_;
        r.scan(line_begin_ != nullptr ? line_begin_ : chunk_begin_, x);
        return r;
    }

    const char* scan_between(const char* p, const char* end) {
        for (; p < end; ++p) {
            const char c = *p;
            if (c == '\n') {
                newline(p + 1);
            } else if (c == ' ' || c == '\t' || c == '\r') {
                continue;
            } else if (starts_json_value(c)) {
                if (c == '{' && fast_) {
                    // The common case: a whole NDJSON event line in this chunk.
                    const char* const eol = classify_line(p, end, fast_scratch_);
                    if (eol != nullptr &&
                        scan_classified_line(p, eol, fast_event_, fast_scratch_) ==
                            fast_result::event) {
                        sink_.on_event(fast_event_, line_, utc_offset{});
                        newline(eol + 1);
                        p = eol;  // the loop steps past the line break
                        continue;
                    }
                }
                start_document(p);
                return p;
            } else {
                return not_json_line(p);
            }
        }
        return p;
    }

    /// Rejects the line at `p`, which cannot start a document, and skips it.
    const char* not_json_line(const char* p) {
        sink_.on_reject(line_, reject_reason::invalid_json,
                        "not JSON: a line must start a JSON document");
        resume_ = state::between;
        state_ = state::skip_line;
        return p;
    }

    void start_document(const char* at) {
        doc_line_ = line_;
        doc_indent_ = prefix_at(at).ws;
        parser_.reset();
        parser_.handler().begin_document();
        state_ = state::in_doc;
        line_fresh_ = false;
    }

    const char* document_step(const char* p, const char* end) {
        if (line_fresh_) {
            p = first_token_of_line(p, end);
            if (p == end || state_ != state::in_doc) return p;
        }
        // The parser's piece ends at the line break, or at the next piece_bytes mark of the line
        // unless the line breaks within mark_lookahead bytes of it (see last_piece_end).
        const auto left = static_cast<std::size_t>(end - p);
        const char* const base = line_begin_ != nullptr ? line_begin_ : chunk_begin_;
        const std::size_t to_mark = piece_bytes - static_cast<std::size_t>(p - base) % piece_bytes;
        const void* found = std::memchr(p, '\n', std::min(left, to_mark + mark_lookahead));
        const char* const nl = static_cast<const char*>(found);
        const char* const seg_end = nl != nullptr ? nl + 1 : p + std::min(left, to_mark);
        bj::error_code ec;
        const std::size_t n =
            parser_.write_some(true, p, static_cast<std::size_t>(seg_end - p), ec);
        const char* const q = p + n;
        if (ec) return document_failed(q, seg_end, ec.message());
        if (parser_.done()) {
            const bool eol = nl != nullptr && q == seg_end;
            if (eol) newline(seg_end);
            document_done(eol);
            return q;
        }
        if (q != seg_end) return document_failed(q, seg_end, "JSON syntax error");
        if (nl != nullptr) {
            // The parser took the line break as part of a UTF-8 sequence it still waits the
            // rest of: a line break cannot continue one, so the string breaks at its first
            // byte, as any other bad sequence does.
            if (const std::size_t bad = incomplete_utf8_tail(p, nl); bad != 0) {
                return document_failed(nl - bad, seg_end,
                                       bj::make_error_code(bj::error::syntax).message());
            }
            newline(seg_end);
            if (layout_ == json_layout::line_strict) {
                reject_rest("the JSON document does not end on its line");
                state_ = state::between;
            } else {
                line_fresh_ = true;
            }
        }
        return seg_end;
    }

    /// A document goes on to a new line. Leading white space is skipped (the parser does not
    /// need it); if the first token opens an object or array no deeper than the document began,
    /// the document was cut off at the end of the previous line (a truncated NDJSON line):
    /// reject it, and let this line start afresh. Pretty-printers indent what they nest, so
    /// valid documents are not split this way; the layouts that do not indent (Python's
    /// `indent=0`, a page's records array on the line after its key) put an element of a
    /// records array, or the array itself, there, and those go on.
    const char* first_token_of_line(const char* p, const char* end) {
        for (; p < end; ++p) {
            const char c = *p;
            if (c == '\n') {
                newline(p + 1);
            } else if (c != ' ' && c != '\t' && c != '\r') {
                line_fresh_ = false;
                const json_handler& h = parser_.handler();
                if ((c == '{' || c == '[') && prefix_at(p).ws <= doc_indent_ &&
                    !h.between_elements() && !(c == '[' && h.awaiting_records())) {
                    reject_rest("the JSON document ends early: the next line starts another");
                    state_ = state::between;
                }
                return p;
            }
        }
        return p;
    }

    void document_done(bool eol) {
        using doc_type = json_handler::doc_type;
        const doc_type d = parser_.handler().doc;
        if (d == doc_type::page || d == doc_type::array || d == doc_type::none) {
            state_ = state::between;  // its elements were counted as they completed
        } else if (eol) {
            commit_pending();
            state_ = state::between;
        } else {
            state_ = state::after_record;
        }
    }

    void commit_pending() {
        using doc_type = json_handler::doc_type;
        json_handler& h = parser_.handler();
        switch (h.doc) {
            case doc_type::object: sink_.on_event(h.event(), doc_line_, utc_offset{}); break;
            case doc_type::scalar:
                sink_.on_reject(doc_line_, reject_reason::not_an_object,
                                "a JSON value that is not an event object");
                break;
            case doc_type::invalid_page:
                sink_.on_reject(doc_line_, reject_reason::not_an_object,
                                "\"security_events\" is neither an array nor null");
                break;
            default: break;
        }
        h.doc = doc_type::none;
    }

    const char* scan_after_record(const char* p, const char* end) {
        for (; p < end; ++p) {
            const char c = *p;
            if (c == '\n') {
                commit_pending();
                newline(p + 1);
                state_ = state::between;
                return p + 1;
            }
            if (c == ' ' || c == '\t' || c == '\r') continue;
            return text_after_record(p);
        }
        return p;
    }

    /// Rejects the line of a single-record document that text follows at `p`, and skips it.
    const char* text_after_record(const char* p) {
        sink_.on_reject(doc_line_, reject_reason::invalid_json,
                        "unexpected text after the JSON value on the same line");
        parser_.handler().doc = json_handler::doc_type::none;
        resume_ = state::between;
        state_ = state::skip_line;
        return p;
    }

    /// The unparseable rest of the current document is one rejected record: it starts at the
    /// open element if there is one, else at the document.
    void reject_rest(std::string_view why) {
        json_handler& h = parser_.handler();
        const std::uint64_t at = h.element_open ? h.element_line : doc_line_;
        sink_.on_reject(at, reject_reason::invalid_json, why);
        h.begin_document();
        parser_.reset();
    }

    const char* document_failed(const char* at, const char* end, const std::string& why) {
        reject_rest("invalid JSON: " + why);
        const line_prefix pre = prefix_at(at);
        // A failure on what looks like a literal's first letter (`nul]`, `t x`) is not taken as
        // "the first token": such a line is skipped with the broken document
        // (docs/input-formats.md).
        const bool literal = at < end && (*at == 't' || *at == 'f' || *at == 'n');
        if (line_ > doc_line_ && !pre.content && pre.ws <= doc_indent_ && !literal) {
            // The failure is at the first token of a later line, no deeper than the document
            // began: that line starts afresh (a truncated NDJSON line followed by a good one).
            state_ = state::between;
            return at;
        }
        // A document that already spanned lines is pretty-printed: its remaining lines are
        // deeper than it began, so skip to the next line that can start a document.
        resume_indent_ = doc_indent_;
        resume_ = line_ > doc_line_ ? state::seek : state::between;
        state_ = state::skip_line;
        return at;
    }

    const char* skip_line(const char* p, const char* end) {
        const void* found = std::memchr(p, '\n', static_cast<std::size_t>(end - p));
        if (found == nullptr) return end;
        const char* const next = static_cast<const char*>(found) + 1;
        newline(next);
        state_ = resume_;
        return next;
    }

    /// Skips lines until one whose first token opens an object or array no deeper than the
    /// failed document did (a pretty-printed page's own lines are deeper).
    const char* seek_document(const char* p, const char* end) {
        for (; p < end; ++p) {
            const char c = *p;
            if (c == '\n') {
                newline(p + 1);
                continue;
            }
            if (c == ' ' || c == '\t' || c == '\r') continue;
            const line_prefix pre = prefix_at(p);
            if (!pre.content && (c == '{' || c == '[') && pre.ws <= resume_indent_) {
                state_ = state::between;
                return p;
            }
            resume_ = state::seek;
            state_ = state::skip_line;
            return p;
        }
        return p;
    }

    event_sink& sink_;
    json_layout layout_;
    bool fast_;  // try the fast path on complete event lines
    raw_event fast_event_;
    fast_scratch fast_scratch_;
    bj::basic_parser<json_handler> parser_;
    state state_ = state::between;
    state resume_ = state::between;  // where skip_line goes after the line break
    std::uint64_t line_ = 1;
    std::uint64_t doc_line_ = 0;
    std::uint32_t doc_indent_ = 0;
    std::uint32_t resume_indent_ = 0;
    const char* chunk_begin_ = nullptr;  // the start of the pieces being processed
    const char* line_begin_ = nullptr;   // the current line's start in them; null: earlier
    line_prefix carried_;                // the current line's prefix from earlier pieces
    bool at_line_start_ = true;
    std::string rest_;         // the start of a piece whose end has not arrived yet
    bool line_fresh_ = false;  // in a document, at a new line whose first token is still to come
};

}  // namespace

std::unique_ptr<decoder> make_json_decoder(event_sink& sink, json_layout layout, bool fast_path,
                                           std::size_t max_field_bytes) {
    return std::make_unique<json_decoder>(sink, layout, fast_path, max_field_bytes);
}

}  // namespace casreport::detail
