// Shared by the decoder tests: a sink that records what it is told, and a driver that feeds an
// input at many chunk sizes and checks that every split gives the same records.
#ifndef CASREPORT_TESTS_UNIT_DECODE_TEST_UTIL_HPP
#define CASREPORT_TESTS_UNIT_DECODE_TEST_UTIL_HPP

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "decode/decoder.hpp"

namespace casreport::test {

/// One event as a decoder reported it, copied out of the callback.
struct event_copy {
    std::uint64_t line = 0;
    int naive_zone_minutes = 0;
    std::string log_item_id, message_log_item_id, service, event, affected_user, detection_time,
        filter, policy, action, action_result, risk_level, security_risk_name, file_sha1, file_name,
        mail_message_id, mail_message_file_name, mail_message_sender;
};

/// Logs every record as "E<line>:<user>" (event), "R<line>:<reason>" (rejection) and a source
/// that cannot be used as "X:<message>".
class recorder final : public detail::event_sink {
public:
    void on_event(const raw_event& ev, std::uint64_t line, utc_offset naive_zone) override {
        log.push_back("E" + std::to_string(line) + ":" + std::string(ev.affected_user));
        event_copy c;
        c.line = line;
        c.naive_zone_minutes = naive_zone.minutes;
        c.log_item_id = ev.log_item_id;
        c.message_log_item_id = ev.message_log_item_id;
        c.service = ev.service;
        c.event = ev.event;
        c.affected_user = ev.affected_user;
        c.detection_time = ev.detection_time;
        c.filter = ev.triggered_security_filter;
        c.policy = ev.triggered_policy_name;
        c.action = ev.action;
        c.action_result = ev.action_result;
        c.risk_level = ev.risk_level;
        c.security_risk_name = ev.security_risk_name;
        c.file_sha1 = ev.file_sha1;
        c.file_name = ev.file_name;
        c.mail_message_id = ev.mail_message_id;
        c.mail_message_file_name = ev.mail_message_file_name;
        c.mail_message_sender = ev.mail_message_sender;
        events.push_back(std::move(c));
    }
    void on_reject(std::uint64_t line, reject_reason why, std::string_view detail) override {
        log.push_back("R" + std::to_string(line) + ":" + std::string(to_string(why)));
        details.emplace_back(detail);
    }
    void on_unusable(std::string_view message) override {
        log.push_back("X:" + std::string(message));
    }
    std::vector<std::string> log;
    std::vector<event_copy> events;
    std::vector<std::string> details;  // of the rejections, in order
};

using log_t = std::vector<std::string>;

/// Feeds `input` to a source decoder in chunks of `chunk` bytes (0: whole) and finishes it.
inline void decode_into(recorder& r, std::string_view input, std::size_t chunk,
                        const options& opts) {
    auto d = detail::make_source_decoder(r, opts.format, opts);
    if (chunk == 0) chunk = input.size() + 1;
    for (std::size_t i = 0; i < input.size(); i += chunk) d->feed(input.substr(i, chunk));
    d->finish();
}

/// The log of `input` decoded whole; every other split (1, 2, 3, 7, 64, 4096 bytes) must agree
/// record for record, field for field.
inline log_t decode_all(std::string_view input, const options& opts, recorder* out = nullptr) {
    recorder whole;
    decode_into(whole, input, 0, opts);
    for (std::size_t chunk : {1, 2, 3, 7, 64, 4096}) {
        recorder r;
        decode_into(r, input, chunk, opts);
        EXPECT_EQ(r.log, whole.log) << "chunk size " << chunk;
        EXPECT_EQ(r.details, whole.details) << "chunk size " << chunk;
        EXPECT_EQ(r.events.size(), whole.events.size()) << "chunk size " << chunk;
        for (std::size_t i = 0; i < r.events.size() && i < whole.events.size(); ++i) {
            const event_copy& a = r.events[i];
            const event_copy& b = whole.events[i];
            EXPECT_TRUE(a.detection_time == b.detection_time && a.event == b.event &&
                        a.service == b.service && a.filter == b.filter &&
                        a.security_risk_name == b.security_risk_name &&
                        a.mail_message_sender == b.mail_message_sender &&
                        a.log_item_id == b.log_item_id && a.action == b.action)
                << "chunk size " << chunk << ", event " << i;
        }
    }
    if (out != nullptr) *out = std::move(whole);
    return out != nullptr ? out->log : whole.log;
}

inline options with_format(input_format f) {
    options o;
    o.format = f;
    return o;
}

}  // namespace casreport::test

#endif  // CASREPORT_TESTS_UNIT_DECODE_TEST_UTIL_HPP
