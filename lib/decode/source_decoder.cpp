// One source: strip a UTF-8 byte-order mark, settle the format, hand the bytes on.
#include <cstring>
#include <string>

#include "csv.hpp"
#include "decoder.hpp"

namespace casreport::detail {
namespace {

constexpr std::string_view utf8_bom = "\xEF\xBB\xBF";

class source_decoder final : public decoder {
public:
    source_decoder(event_sink& sink, input_format forced, const options& opts)
        : sink_(sink), forced_(forced), opts_(opts) {}

    void feed(std::string_view bytes) override {
        if (inner_) {
            inner_->feed(bytes);
            return;
        }
        head_.append(bytes);
        start(false);
    }

    void finish() override {
        if (!inner_) start(true);
        if (inner_) inner_->finish();
    }

private:
    /// Starts the inner decoder once the first bytes settle the BOM question.
    void start(bool at_end) {
        if (head_.size() < utf8_bom.size() && !at_end &&
            utf8_bom.substr(0, head_.size()) == std::string_view(head_)) {
            return;  // could still be a BOM
        }
        std::string_view rest(head_);
        if (rest.substr(0, utf8_bom.size()) == utf8_bom) rest.remove_prefix(utf8_bom.size());
        if (forced_ == input_format::cef) {
            inner_ = make_cef_decoder(sink_);
        } else if (forced_ == input_format::csv) {
            inner_ = make_csv_decoder(sink_, opts_);
        } else {
            inner_ = make_json_decoder(sink_, forced_ == input_format::ndjson
                                                  ? json_layout::line_strict
                                                  : json_layout::multi_line);
        }
        inner_->feed(rest);
        head_.clear();
        head_.shrink_to_fit();
    }

    event_sink& sink_;
    input_format forced_;
    const options& opts_;
    std::unique_ptr<decoder> inner_;
    std::string head_;  // the first bytes, held until the BOM question is settled
};

}  // namespace

std::unique_ptr<decoder> make_source_decoder(event_sink& sink, input_format forced,
                                             const options& opts) {
    return std::make_unique<source_decoder>(sink, forced, opts);
}

}  // namespace casreport::detail
