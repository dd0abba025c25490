// A small JSON emitter for the report: fixed key order, integers and one-decimal percentages
// written as people write them (25.0, never 2.5E1), raw UTF-8. Private to lib/.
#ifndef CASREPORT_LIB_RENDER_JSON_WRITER_HPP
#define CASREPORT_LIB_RENDER_JSON_WRITER_HPP

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace casreport::detail {

/// Appends `s` as a JSON string literal: quotes, backslashes and control characters escaped,
/// valid UTF-8 kept as is, invalid bytes replaced by U+FFFD so the output is always valid.
void append_json_string(std::string& out, std::string_view s);

/// "12.5" from 125 tenths.
std::string tenths_to_string(std::uint64_t tenths);

class json_writer {
public:
    /// Containers opened `inline_` are written on one line.
    void begin_object(bool inline_ = false) { open('{', inline_); }
    void end_object() { close('}'); }
    void begin_array(bool inline_ = false) { open('[', inline_); }
    void end_array() { close(']'); }

    void key(std::string_view k) {
        element();
        append_json_string(out_, k);
        out_ += ": ";
        after_key_ = true;
    }
    void value(std::string_view s) {
        element();
        append_json_string(out_, s);
    }
    void value(const char* s) { value(std::string_view(s)); }
    void value(std::uint64_t v) {
        element();
        out_ += std::to_string(v);
    }
    void value(int v) {
        element();
        out_ += std::to_string(v);
    }
    void value_signed(std::int64_t v) {
        element();
        out_ += std::to_string(v);
    }
    void value(bool v) {
        element();
        out_ += v ? "true" : "false";
    }
    void value_tenths(std::uint64_t tenths) {
        element();
        out_ += tenths_to_string(tenths);
    }
    void null() {
        element();
        out_ += "null";
    }

    [[nodiscard]] std::string take() {
        out_ += '\n';
        return std::move(out_);
    }

private:
    struct level {
        bool inline_;
        bool empty;
    };

    void open(char c, bool inline_) {
        element();
        out_ += c;
        // A container inside an inline one is inline too.
        const bool in = inline_ || (!stack_.empty() && stack_.back().inline_);
        stack_.push_back({in, true});
    }

    void close(char c) {
        const level l = stack_.back();
        stack_.pop_back();
        if (!l.empty && !l.inline_) newline();
        out_ += c;
    }

    /// Separator and indentation before a value or key.
    void element() {
        if (after_key_) {
            after_key_ = false;
            return;
        }
        if (stack_.empty()) return;
        level& l = stack_.back();
        if (!l.empty) out_ += l.inline_ ? ", " : ",";
        if (!l.inline_) newline();
        l.empty = false;
    }

    void newline() {
        out_ += '\n';
        out_.append(2 * stack_.size(), ' ');
    }

    std::string out_;
    std::vector<level> stack_;
    bool after_key_ = false;
};

}  // namespace casreport::detail

#endif  // CASREPORT_LIB_RENDER_JSON_WRITER_HPP
