// The same events in every input form (tests/golden/same_events, written by
// tests/data/convert_events.py) normalize to the same records, field by field: a stronger check
// than the equal reports of the golden cases, since it covers fields that only some report
// sections or findings use.
#include <gtest/gtest.h>

#include <casreport/record.hpp>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "decode/decoder.hpp"

namespace cr = casreport;
namespace fs = std::filesystem;

namespace {

/// Every record as one line of its normalized fields and the raw fields de-duplication and the
/// findings read.
class normalizer final : public cr::detail::event_sink {
public:
    void on_event(const cr::raw_event& ev, std::uint64_t, cr::utc_offset zone) override {
        cr::record r;
        cr::record_scratch scratch;
        if (const auto why = cr::normalize(ev, r, scratch, zone)) {
            records.push_back("rejected: " + std::string(cr::to_string(*why)));
            return;
        }
        std::ostringstream s;
        s << to_string(r.kind) << '|' << r.service_key << '|' << to_string(r.filter) << '|'
          << to_string(r.risk) << '|' << to_string(r.result) << '|'
          << r.detection_time.time_since_epoch().count() << '|' << r.user << '|' << r.sender << '|'
          << r.log_item_id << '|' << ev.security_risk_name << '|' << ev.file_sha1 << '|'
          << ev.file_name << '|' << ev.mail_message_id << '|' << ev.mail_message_file_name << '|'
          << ev.triggered_policy_name << '|' << ev.action << '|' << ev.action_result;
        records.push_back(s.str());
    }
    void on_reject(std::uint64_t line, cr::reject_reason why, std::string_view) override {
        records.push_back("line " + std::to_string(line) + ": " + std::string(to_string(why)));
    }
    void on_unusable(std::string_view message) override {
        records.push_back("unusable: " + std::string(message));
    }
    std::vector<std::string> records;
};

std::string bytes_of(const std::string& file) {
    const fs::path path = fs::path(CASREPORT_GOLDEN_DIR) / "same_events" / file;
    std::ifstream in(path, std::ios::binary);
    std::ostringstream bytes;
    bytes << in.rdbuf();
    return bytes.str();
}

/// The records of `bytes`, fed in two pieces cut at `cut` (0: in one).
std::vector<std::string> records_in(std::string_view bytes, std::size_t cut = 0) {
    normalizer n;
    cr::options opts;  // auto-detected; CSV times in Japan time, the default
    auto d = cr::detail::make_source_decoder(n, opts.format, opts);
    d->feed(bytes.substr(0, cut));
    d->feed(bytes.substr(cut));
    d->finish();
    return n.records;
}

std::vector<std::string> records_of(const std::string& file) { return records_in(bytes_of(file)); }

/// The compressed forms of input.ndjson, each made by its own command-line tool.
const char* const compressed_forms[] = {"input.ndjson.gz", "input.ndjson.zst", "input.ndjson.xz",
                                        "input.ndjson.bz2"};

}  // namespace

TEST(SameEvents, EveryFormGivesTheSameRecords) {
    const std::vector<std::string> json = records_of("input.ndjson");
    ASSERT_EQ(json.size(), 43U);
    for (const char* other :
         {"events_en.csv", "events_ja.csv", "events.cef", "events_cef_pages.json",
          "input.ndjson.gz", "input.ndjson.zst", "input.ndjson.xz", "input.ndjson.bz2"}) {
        const std::vector<std::string> got = records_of(other);
        ASSERT_EQ(got.size(), json.size()) << other;
        for (std::size_t i = 0; i < json.size(); ++i) {
            EXPECT_EQ(got[i], json[i]) << other << ", record " << i + 1;
        }
    }
}

// The golden cases feed the compressed forms in chunks of a few sizes; here every cut of the
// compressed bytes into two pieces gives the records of the plain text.
TEST(SameEvents, EveryCompressedFormForEveryCutOfItsBytes) {
    const std::vector<std::string> plain = records_of("input.ndjson");
    for (const char* form : compressed_forms) {
        const std::string bytes = bytes_of(form);
        ASSERT_GT(bytes.size(), 100U) << form;
        for (std::size_t cut = 1; cut < bytes.size(); ++cut) {
            ASSERT_EQ(records_in(bytes, cut), plain) << form << " cut at byte " << cut;
        }
    }
}
