// The console's CSV export: RFC 4180 rows, and the header that says which column holds which
// field. Private to lib/.
#ifndef CASREPORT_LIB_DECODE_CSV_HPP
#define CASREPORT_LIB_DECODE_CSV_HPP

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "casreport/event_kind.hpp"
#include "casreport/options.hpp"
#include "decoder.hpp"
#include "raw_fields.hpp"

namespace casreport::detail {

/// The field a column map sends a column to: a JSON name (raw_field_by_name), or `none` for ""
/// (a column to ignore); nothing for any other text.
[[nodiscard]] std::optional<raw_field> csv_field_by_name(std::string_view name) noexcept;

/// "" when every entry of `opts.csv_columns` names a field, else what is wrong.
[[nodiscard]] std::string check_csv_columns(const options& opts);

/// A time as the console and spreadsheets display it, `YYYY/M/D H:MM[:SS[.fraction]][zone]`
/// (month, day and hour of one or two digits), rewritten in ISO-8601 form into `buf`; nothing
/// for any other text (which goes to normalize() as it is). Only the layout changes: whether
/// the date and time are valid is still normalize()'s to say.
[[nodiscard]] std::optional<std::string_view> slashed_time_to_iso(
    std::string_view text, std::array<char, 64>& buf) noexcept;

/// What a header row says: the field of each column, and how the kind of a row is decided.
struct csv_header {
    std::vector<raw_field> columns;
    std::size_t known = 0;  ///< columns mapped to a field
    bool has_time = false;
    bool has_kind_column = false;
    /// The kind of rows whose kind column is empty or absent: `options::csv_event_kind`, else
    /// told by the columns of one log type.
    std::optional<event_kind> kind;
    /// Why the rows cannot be read ("" when they can).
    std::string problem;
};

/// Maps a header row through `opts.csv_columns`, then the built-in English and Japanese names.
[[nodiscard]] csv_header read_csv_header(const std::vector<std::string_view>& names,
                                         const options& opts);

/// Splits a byte stream into RFC 4180 rows: `,` between fields, `"` around a field that holds
/// `,`, `"` (doubled) or a line break; rows end at LF or CRLF. Bytes may arrive split anywhere.
/// A row's memory is bounded by `max_text_record_bytes`: a longer row is still read to its end
/// (so quoting stays in step) but not kept, and reported as an error.
class csv_tokenizer {
public:
    /// One row, valid during the callback.
    struct row {
        std::string_view text;  ///< the fields' contents, unquoted, one after another
        const std::vector<std::uint32_t>* ends = nullptr;  ///< end offset of each field in text
        std::uint64_t line = 0;                            ///< where the row starts (1-based)
        std::string_view error;  ///< why the row cannot be read; empty when it can
        [[nodiscard]] std::size_t size() const noexcept { return ends->size(); }
        [[nodiscard]] std::string_view field(std::size_t i) const noexcept {
            const std::uint32_t b = i == 0 ? 0 : (*ends)[i - 1];
            return text.substr(b, (*ends)[i] - b);
        }
        /// A line with nothing on it, or only empty fields: not a record.
        [[nodiscard]] bool blank() const noexcept;
    };

    /// Reads `bytes`, calling `on_row(const row&)` for each row they complete.
    template <class OnRow>
    void feed(std::string_view bytes, OnRow&& on_row);

    /// Ends the input: a last row without a line break still counts.
    template <class OnRow>
    void finish(OnRow&& on_row);

    /// The line the next byte is on.
    [[nodiscard]] std::uint64_t line() const noexcept { return line_; }

private:
    enum class state : std::uint8_t {
        row_start,    ///< before the first byte of a row
        field_start,  ///< after a `,`
        unquoted,
        quoted,
        quote_in_quoted,  ///< a `"` inside a quoted field: doubled, or the closing one
        cr,               ///< a CR outside quotes: CRLF ends the row, a lone CR is data
    };

    void put(char c) {
        if (++row_bytes_ <= max_text_record_bytes) text_ += c;
    }
    void put(std::string_view s) {
        row_bytes_ += s.size();
        if (row_bytes_ <= max_text_record_bytes) text_.append(s);
    }
    void end_field() {
        ++row_bytes_;  // the separator: a row of many empty fields is bounded too
        if (row_bytes_ <= max_text_record_bytes)
            ends_.push_back(static_cast<std::uint32_t>(text_.size()));
    }
    void fault(std::string_view why) {
        if (error_.empty()) error_ = why;
    }
    template <class OnRow>
    void end_row(OnRow& on_row);

    state state_ = state::row_start;
    state before_cr_ = state::unquoted;
    std::string text_;
    std::vector<std::uint32_t> ends_;
    std::string error_;
    std::size_t row_bytes_ = 0;
    std::uint64_t line_ = 1;
    std::uint64_t row_line_ = 1;
};

/// The console's CSV export: a header row, then one record per row. See docs/input-formats.md.
[[nodiscard]] std::unique_ptr<decoder> make_csv_decoder(event_sink& sink, const options& opts);

// ---- csv_tokenizer, inline: the per-byte loop is the decoder's hot path ----

template <class OnRow>
void csv_tokenizer::end_row(OnRow& on_row) {
    end_field();
    if (row_bytes_ > max_text_record_bytes) {
        fault("a CSV row longer than " + std::to_string(max_text_record_bytes) + " bytes");
    }
    row r;
    r.text = text_;
    r.ends = &ends_;
    r.line = row_line_;
    r.error = error_;
    on_row(static_cast<const row&>(r));
    text_.clear();
    ends_.clear();
    error_.clear();
    row_bytes_ = 0;
    state_ = state::row_start;
}

template <class OnRow>
void csv_tokenizer::feed(std::string_view bytes, OnRow&& on_row) {
    const char* p = bytes.data();
    const char* const end = p + bytes.size();
    while (p < end) {
        const char c = *p;
        switch (state_) {
            case state::row_start:
                row_line_ = line_;
                state_ = state::field_start;
                continue;  // the same byte starts the first field
            case state::field_start:
                if (c == '"') {
                    state_ = state::quoted;
                    ++row_bytes_;
                    ++p;
                    continue;
                }
                state_ = state::unquoted;
                continue;
            case state::unquoted: {
                // The run up to the next byte that means something is plain data.
                const char* q = p;
                while (q < end && *q != ',' && *q != '\n' && *q != '\r') ++q;
                put(std::string_view(p, static_cast<std::size_t>(q - p)));  // a stray `"` is data
                p = q;
                if (p == end) return;
                if (*p == ',') {
                    end_field();
                    state_ = state::field_start;
                } else if (*p == '\n') {
                    ++line_;
                    end_row(on_row);
                } else {
                    before_cr_ = state::unquoted;
                    state_ = state::cr;
                }
                ++p;
                continue;
            }
            case state::quoted: {
                const char* q = p;
                while (q < end && *q != '"' && *q != '\n') ++q;
                put(std::string_view(p, static_cast<std::size_t>(q - p)));
                p = q;
                if (p == end) return;
                if (*p == '\n') {
                    ++line_;
                    put('\n');
                } else {
                    ++row_bytes_;
                    state_ = state::quote_in_quoted;
                }
                ++p;
                continue;
            }
            case state::quote_in_quoted:
                if (c == '"') {
                    put('"');
                    state_ = state::quoted;
                } else if (c == ',') {
                    end_field();
                    state_ = state::field_start;
                } else if (c == '\n') {
                    ++line_;
                    end_row(on_row);
                } else if (c == '\r') {
                    before_cr_ = state::quote_in_quoted;
                    state_ = state::cr;
                } else {
                    fault("text after the closing quote of a field");
                    put(c);
                    state_ = state::unquoted;
                }
                ++p;
                continue;
            case state::cr:
                if (c == '\n') {
                    ++line_;
                    end_row(on_row);
                    ++p;
                    continue;
                }
                // A lone CR is data; after a closing quote it is text after the quote.
                if (before_cr_ == state::quote_in_quoted) {
                    fault("text after the closing quote of a field");
                }
                put('\r');
                state_ = state::unquoted;
                continue;  // the same byte again, as data
        }
    }
}

template <class OnRow>
void csv_tokenizer::finish(OnRow&& on_row) {
    switch (state_) {
        case state::row_start: return;
        case state::quoted: fault("the input ends inside a quoted field"); break;
        default: break;  // a CR at the very end ends the row like CRLF
    }
    end_row(on_row);
}

}  // namespace casreport::detail

#endif  // CASREPORT_LIB_DECODE_CSV_HPP
