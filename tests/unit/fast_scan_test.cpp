// The fast path (decode/fast_scan) must give exactly what the Boost.JSON path gives: same
// events with the same fields, same rejections at the same lines. Checked on crafted edge cases
// and on thousands of randomly mutated event lines.
#include "decode/fast_scan.hpp"

#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

#include "decode/decoder.hpp"

namespace cr = casreport;
namespace crd = casreport::detail;

namespace {

/// Logs every field of every event, and every rejection.
class field_recorder final : public crd::event_sink {
public:
    void on_event(const cr::raw_event& e, std::uint64_t line, cr::utc_offset) override {
        std::string s = "E" + std::to_string(line);
        for (std::string_view f :
             {e.log_item_id, e.message_log_item_id, e.service, e.event, e.affected_user,
              e.detection_time, e.triggered_security_filter, e.triggered_policy_name, e.action,
              e.action_result, e.risk_level, e.security_risk_name, e.file_sha1, e.file_name,
              e.mail_message_id, e.mail_message_file_name, e.mail_message_sender}) {
            s += "|";
            s += f;
        }
        log.push_back(s);
    }
    void on_reject(std::uint64_t line, cr::reject_reason why, std::string_view) override {
        log.push_back("R" + std::to_string(line) + ":" + std::string(cr::to_string(why)));
    }
    void on_unusable(std::string_view message) override {
        log.push_back("U:" + std::string(message));
    }
    std::vector<std::string> log;
};

std::vector<std::string> run(const std::string& input, bool fast, std::size_t chunk) {
    field_recorder r;
    auto d = crd::make_json_decoder(r, crd::json_layout::multi_line, fast);
    for (std::size_t i = 0; i < input.size(); i += chunk) {
        d->feed(std::string_view(input).substr(i, chunk));
    }
    d->finish();
    return r.log;
}

void expect_same(const std::string& input) {
    const auto slow = run(input, false, input.size() + 1);
    EXPECT_EQ(run(input, true, input.size() + 1), slow) << input;
    EXPECT_EQ(run(input, true, 5), slow) << input;
}

const std::string base_event =
    R"j({"log_item_id":"id-1","service":"Exchange Online","event":"security_risk_scan",)j"
    R"j("message":{"scan_type":"Real-time scan","affected_user":"alice@example.co.jp",)j"
    R"j("location":"alice@example.co.jp\\Inbox","detection_time":"2025-06-02T00:15:42.000Z",)j"
    R"j("mail_message_id":"<TY@x.example>","mail_message_sender":"\"Bill\" <b@bad.example>",)j"
    R"j("mail_message_recipient":["alice@example.co.jp"],"mail_message_subject":"\u8acb\u6c42 \ud83d\ude00 請求",)j"
    R"j("mail_message_file_name":"invoice.xlsm","triggered_policy_name":"Default ATP (Monitor Only)",)j"
    R"j("triggered_security_filter":"Malware Scanning","action":"Quarantine","action_result":"success",)j"
    R"j("security_risk_name":"Malware: X","detected_by":"","risk_level":"","file_sha1":"9C13",)j"
    R"j("file_name":"","file_sha256":"8a83","extra":{"deep":[true,false,null,{"a":[]}]}}})j";

}  // namespace

TEST(FastScan, TakesTheCommonLine) {
    cr::raw_event ev;
    crd::fast_scratch scratch;
    ASSERT_EQ(
        crd::scan_event_line(base_event.data(), base_event.data() + base_event.size(), ev, scratch),
        crd::fast_result::event);
    EXPECT_EQ(ev.affected_user, "alice@example.co.jp");
    EXPECT_EQ(ev.mail_message_sender, "\"Bill\" <b@bad.example>");
    EXPECT_EQ(ev.triggered_policy_name, "Default ATP (Monitor Only)");
    EXPECT_EQ(ev.file_sha1, "9C13");
    expect_same(base_event + "\n");
}

TEST(FastScan, HandsBackWhatItDoesNotTake) {
    crd::fast_scratch scratch;
    cr::raw_event ev;
    for (const std::string& line :
         {std::string(R"({"security_events":[]})"), std::string(R"({"a":1})"),
          std::string(R"({"a":"x"} junk)"), std::string(R"({"a\u0041":"x"})"),
          std::string(R"({"a":tru})"), std::string("{\"a\":\"\x01\"}"),
          std::string(R"({"a":"\ud800"})"), std::string(R"({"a":"\x"})"),
          std::string("{\"a\":\"\xc0\x80\"}"), std::string(R"({"a":[1]})"),
          std::string(R"({"a":"x",})"), std::string(R"({"a" "x"})"), std::string(R"({)")}) {
        EXPECT_EQ(crd::scan_event_line(line.data(), line.data() + line.size(), ev, scratch),
                  crd::fast_result::fallback)
            << line;
    }
}

TEST(FastScan, EdgeCasesAgreeWithTheGeneralPath) {
    for (const std::string& line : {
             std::string(R"({})"),
             std::string(R"({"message":{}})"),
             std::string(R"({"message":"text","event":"dlp"})"),
             std::string(R"({"message":{"affected_user":"a"},"message":{"detection_time":"t"}})"),
             std::string(R"({"event":"dlp","event":null})"),
             std::string(R"({"event":"dlp","event":["x"]})"),
             std::string(R"({"message":{"affected_user":{"x":"y"}}})"),
             std::string(R"({"message":{"affected_user":"a\u0040b","log_item_id":"in"}})"),
             std::string(R"({"message":{"affected_user":"\"q\" \\ \/ \b\f\n\r\t"}})"),
             std::string("{\"message\":{\"affected_user\":\"\xf0\x9f\x98\x80\xe3\x81\x82\"}}"),
             // Three-byte sequences at the edges of the ranges, valid and not.
             std::string(
                 "{\"message\":{\"affected_user\":\"\xe1\x80\x80\xef\xbf\xbf\xec\xbf\xbf\"}}"),
             std::string("{\"message\":{\"affected_user\":\"a\xe0\x80\x80\"}}"),
             std::string("{\"message\":{\"affected_user\":\"\xe3\x81\x82\xed\xa0\x80\"}}"),
             std::string("{\"message\":{\"affected_user\":\"\xe0\xa0\x80\xed\x9f\xbf\"}}"),
             std::string("{\"message\":{\"affected_user\":\"\xe3\x81\xc0\"}}"),
             std::string("{\"message\":{\"affected_user\":\"\xe3\x81"),
             std::string(" \t{\"event\":\"dlp\"} \r"),
             std::string(R"({"x":{"message":{"affected_user":"nested"}}})"),
             // Escapes: hex digits of both cases, a pair, and the invalid ones.
             std::string(
                 R"({"message":{"affected_user":"\u00e9\u00E9\uD83D\uDE00","action":"x"}})"),
             std::string(R"({"message":{"affected_user":"\u00g9","action":"x"}})"),
             std::string(R"({"message":{"affected_user":"\uDE00","action":"x"}})"),
             std::string(R"({"message":{"affected_user":"\uD83Dx","action":"x"}})"),
             // Keys one byte off the known ones, far from and near the line end (the table
             // lookup and the switch), and keys longer than any known one.
             std::string(
                 R"({"message":{"triggered_security_filtex":"a","mail_message_idx":"b",)"
                 R"("Action":"c","file_sha":"d","risk_level_":"e","action":"kept"},)"
                 R"("padding_to_keep_the_keys_away_from_the_end":"xxxxxxxxxxxxxxxxxxxxx"})"),
             std::string(R"({"message":{"a_key_much_longer_than_thirty_two_bytes_in_all":"v",)"
                         R"("triggered_security_filter":"Malware Scanning"}})"),
             std::string(R"({"message":{"action":"y"},"servicE":"s","service":"Box"})"),
         }) {
        expect_same(line + "\n" + base_event + "\n");
    }
}

TEST(FastScan, MutatedLinesAgreeWithTheGeneralPath) {
    std::mt19937 rng(12345);
    const std::string specials[] = {
        "\"", "\\",   "\\u",  "\\ud800", "\\udc00",  "{", "}",  "[",    "]",  ":",    ",",
        "1",  "\x01", "\xff", "\xc3",    "\xe3\x81", " ", "\n", "null", "\t", "\\\"", "\\u0041"};
    for (int round = 0; round < 3000; ++round) {
        std::string line = base_event;
        const int edits = 1 + static_cast<int>(rng() % 3);
        for (int e = 0; e < edits && !line.empty(); ++e) {
            const std::size_t at = rng() % line.size();
            switch (rng() % 4) {
                case 0: line.erase(at, 1 + rng() % 4); break;
                case 1: line.insert(at, specials[rng() % std::size(specials)]); break;
                case 2: line[at] = static_cast<char>(rng() % 256); break;
                default: line = line.substr(0, at); break;
            }
        }
        expect_same(line + "\n" + base_event + "\n");
        if (HasFailure()) break;
    }
}

TEST(FastScan, FindsTheLineEndWhileClassifying) {
    // Lines of every length around the 64-byte blocks, with the chunk ending right after the
    // line break or further on: classify_line must find that break and nothing past it, and the
    // scan of the classified line must equal the scan of the line on its own.
    crd::fast_scratch fused;
    crd::fast_scratch apart;
    // Strings with a special byte every few bytes, and plain ones (whose end is far away).
    for (std::size_t len = 2; len < 600; ++len) {
        const bool plain = len >= 300;
        std::string line = R"({"message":{"affected_user":")";
        while (line.size() + 3 < len - (plain ? 298 : 0)) {
            line += !plain && line.size() % 7 == 0 ? "\xe3\x81\x82" : "a";
        }
        line += "\"}}";
        for (const std::string& after :
             {std::string(), std::string("{\"x\":\"\n\"}\n"), std::string(70, '"') + "\n"}) {
            const std::string chunk = line + "\n" + after;
            const char* eol = crd::classify_line(chunk.data(), chunk.data() + chunk.size(), fused);
            ASSERT_EQ(eol, chunk.data() + line.size()) << len;
            cr::raw_event a;
            cr::raw_event b;
            const auto r = crd::scan_classified_line(chunk.data(), eol, a, fused);
            ASSERT_EQ(r, crd::scan_event_line(chunk.data(), eol, b, apart)) << len;
            EXPECT_EQ(r, crd::fast_result::event) << len;
            EXPECT_EQ(a.affected_user, b.affected_user) << len;
            EXPECT_EQ(a.affected_user, line.substr(29, line.size() - 32)) << len;
            // Without its line break the line has no end in the chunk.
            EXPECT_EQ(crd::classify_line(chunk.data(), chunk.data() + line.size(), fused), nullptr);
        }
        // A string left open at the line break does not close on the next line.
        const std::string open = line.substr(0, line.size() - 3) + "\n\"}}\n";
        const char* eol = crd::classify_line(open.data(), open.data() + open.size(), fused);
        ASSERT_EQ(eol, open.data() + line.size() - 3) << len;
        cr::raw_event a;
        EXPECT_EQ(crd::scan_classified_line(open.data(), eol, a, fused), crd::fast_result::fallback)
            << len;
    }
}
