// Fuzz target: the NDJSON fast path (lib/decode/fast_scan.cpp) against Boost.JSON. Any bytes,
// read as JSON lines by the decoder with and without its fast path, in one piece and split at
// points the first byte chooses: every event (with every field) and every rejection (with its
// reason) must be the same, at the same line. Built like fuzz_feed (replay driver for
// ctest, or libFuzzer).
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "decode/decoder.hpp"

namespace {

namespace crd = casreport::detail;

/// Writes down every record the decoder reports, fields and all.
class recorder final : public crd::event_sink {
public:
    void on_event(const casreport::raw_event& e, std::uint64_t line,
                  casreport::utc_offset) override {
        log += "E" + std::to_string(line);
        for (std::string_view f :
             {e.log_item_id, e.message_log_item_id, e.service, e.event, e.affected_user,
              e.detection_time, e.triggered_security_filter, e.triggered_policy_name, e.action,
              e.action_result, e.risk_level, e.security_risk_name, e.file_sha1, e.file_name,
              e.mail_message_id, e.mail_message_file_name, e.mail_message_sender}) {
            log += '|' + std::to_string(f.size()) + ':';
            log += f;
        }
        log += '\n';
    }
    // The detail is left out: Boost.JSON's own messages can depend on the split ("illegal
    // leading surrogate" whole, "illegal trailing surrogate" in pieces).
    void on_reject(std::uint64_t line, casreport::reject_reason why, std::string_view) override {
        log += "R" + std::to_string(line) + ":" + std::string(casreport::to_string(why)) + "\n";
    }
    void on_unusable(std::string_view message) override {
        log += "U:" + std::string(message) + "\n";
    }
    std::string log;
};

std::string decode(std::string_view input, crd::json_layout layout, bool fast, std::size_t step) {
    recorder r;
    const auto d = crd::make_json_decoder(r, layout, fast);
    for (std::size_t at = 0; at < input.size(); at += step) d->feed(input.substr(at, step));
    d->finish();
    return r.log;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size == 0) return 0;
    const auto layout =
        (data[0] & 1) != 0 ? crd::json_layout::line_strict : crd::json_layout::multi_line;
    const std::size_t step = 1 + (data[0] >> 1);  // 1..128 bytes a feed
    const std::string_view input(reinterpret_cast<const char*>(data) + 1, size - 1);
    const std::string expected = decode(input, layout, false, input.size() + 1);
    if (decode(input, layout, true, input.size() + 1) != expected ||
        decode(input, layout, true, step) != expected) {
        std::fprintf(stderr, "fuzz_fast_scan: the fast path and Boost.JSON disagree\n");
        std::abort();
    }
    return 0;
}
