// The C interface facing hostile input (issue #13): the field limit of options version 2, and
// files that are not regular files.
#include <casreport.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstddef>
#include <cstring>
#include <fstream>
#include <memory>
#include <string>
#include <thread>

namespace {

struct agg_deleter {
    void operator()(casreport_aggregator* a) const noexcept { casreport_aggregator_free(a); }
};
using agg_ptr = std::unique_ptr<casreport_aggregator, agg_deleter>;

agg_ptr make(const casreport_options* o) {
    casreport_aggregator* a = nullptr;
    EXPECT_EQ(casreport_aggregator_new(o, &a), CASREPORT_OK) << casreport_last_error();
    return agg_ptr(a);
}

std::string event_with_user(const std::string& user) {
    return R"({"log_item_id":"1","service":"Exchange Online","event":"security_risk_scan",)"
           R"("message":{"affected_user":")" +
           user + R"(","detection_time":"2025-06-02T00:00:00Z"}})" + "\n";
}

casreport_counts counts_after(const casreport_options* o, const std::string& bytes) {
    agg_ptr a = make(o);
    casreport_counts c{};
    if (!a) return c;
    EXPECT_EQ(casreport_aggregator_feed(a.get(), bytes.data(), bytes.size()), CASREPORT_OK)
        << casreport_last_error();
    EXPECT_EQ(casreport_aggregator_finish(a.get()), CASREPORT_OK);
    EXPECT_EQ(casreport_aggregator_counts(a.get(), &c), CASREPORT_OK);
    return c;
}

}  // namespace

TEST(OptionsV2, MaxFieldBytesDefaultsTo4KiBAndIsSettable) {
    casreport_options o = CASREPORT_OPTIONS_INIT;
    EXPECT_GE(o.version, 2U);
    EXPECT_EQ(o.max_field_bytes, 4096U);
    casreport_options init;
    std::memset(&init, 0, sizeof init);
    ASSERT_EQ(casreport_options_init(&init, CASREPORT_OPTIONS_VERSION), CASREPORT_OK);
    EXPECT_EQ(init.max_field_bytes, 4096U);
    const std::string long_user = event_with_user(std::string(5000, 'u') + "@x.jp");
    EXPECT_EQ(counts_after(&o, long_user).rejected, 1U);
    o.max_field_bytes = 8192;
    EXPECT_EQ(counts_after(&o, long_user).accepted, 1U);
    o.max_field_bytes = 0;
    casreport_aggregator* a = nullptr;
    EXPECT_EQ(casreport_aggregator_new(&o, &a), CASREPORT_E_INVALID_ARGUMENT);
    EXPECT_EQ(a, nullptr);
    EXPECT_NE(std::strstr(casreport_last_error(), "max_field_bytes"), nullptr);
}

// A caller built against version 1 has a shorter struct: the library neither writes past its
// end nor reads the field it does not have.
TEST(OptionsV2, VersionOneCallersKeepTheirShorterStruct) {
    constexpr std::size_t v1_size = offsetof(casreport_options, max_field_bytes);
    unsigned char buf[sizeof(casreport_options)];
    std::memset(buf, 0xab, sizeof buf);
    ASSERT_EQ(casreport_options_init(reinterpret_cast<casreport_options*>(buf), 1), CASREPORT_OK);
    for (std::size_t i = v1_size; i < sizeof buf; ++i) EXPECT_EQ(buf[i], 0xab) << i;
    casreport_options o;
    std::memcpy(&o, buf, sizeof o);
    EXPECT_EQ(o.version, 1U);
    o.max_field_bytes = 0;  // not a version 1 field: ignored, the default applies
    const std::string long_user = event_with_user(std::string(5000, 'u') + "@x.jp");
    EXPECT_EQ(counts_after(&o, long_user).rejected, 1U);
    EXPECT_EQ(counts_after(&o, event_with_user("a@x.jp")).accepted, 1U);
}

// ---- files that are not regular files (issue #13, item 8) -----------------------------------

namespace {

/// A FIFO in the temporary directory, removed at the end.
class fifo {
public:
    fifo() : path_("/tmp/casreport_capi_fifo_" + std::to_string(::getpid())) {
        ::unlink(path_.c_str());
        EXPECT_EQ(::mkfifo(path_.c_str(), 0600), 0);
    }
    ~fifo() { ::unlink(path_.c_str()); }
    fifo(const fifo&) = delete;
    fifo& operator=(const fifo&) = delete;
    [[nodiscard]] const char* path() const { return path_.c_str(); }

private:
    std::string path_;
};

casreport_options june() {
    casreport_options o = CASREPORT_OPTIONS_INIT;
    o.month = "2025-06";
    return o;
}

std::string report_json(casreport_aggregator* a) {
    const char* p = nullptr;
    std::size_t n = 0;
    EXPECT_EQ(casreport_aggregator_report_json(a, &p, &n), CASREPORT_OK) << casreport_last_error();
    return p == nullptr ? std::string() : std::string(p, n);
}

}  // namespace

TEST(FeedFilePipes, AFifoIsReadToItsEnd) {
    const std::string lines =
        event_with_user("a@x.jp") + event_with_user("b@x.jp") + event_with_user("c@x.jp");
    const casreport_options o = june();
    for (const std::uint32_t threads : {1U, 0U}) {
        const fifo f;
        std::thread writer([&] {
            std::ofstream out(f.path(), std::ios::binary);
            out << lines;
        });
        agg_ptr a = make(&o);
        EXPECT_EQ(casreport_aggregator_feed_file(a.get(), f.path(), "pipe", threads), CASREPORT_OK)
            << casreport_last_error();
        writer.join();
        ASSERT_EQ(casreport_aggregator_finish(a.get()), CASREPORT_OK);
        casreport_counts c{};
        ASSERT_EQ(casreport_aggregator_counts(a.get(), &c), CASREPORT_OK);
        EXPECT_EQ(c.records, 3U) << threads;  // one log_item_id: the first counts
        EXPECT_EQ(c.accepted, 1U);
        EXPECT_EQ(c.duplicates, 2U);
    }
}

// Issue #13, 8: a directory poisoned the handle and lost what was fed; a missing file was
// E_INVALID_ARGUMENT.
TEST(FeedFilePipes, ADirectoryOrAMissingFileIsIoAndLosesNothing) {
    const casreport_options o = june();
    agg_ptr a = make(&o);
    const std::string first = event_with_user("a@x.jp");
    ASSERT_EQ(casreport_aggregator_begin_source(a.get(), "first"), CASREPORT_OK);
    ASSERT_EQ(casreport_aggregator_feed(a.get(), first.data(), first.size()), CASREPORT_OK);
    EXPECT_EQ(casreport_aggregator_feed_file(a.get(), "/tmp", nullptr, 1), CASREPORT_E_IO);
    EXPECT_NE(std::strstr(casreport_last_error(), "/tmp"), nullptr);
    EXPECT_EQ(casreport_aggregator_feed_file(a.get(), "/nonexistent/x.ndjson", nullptr, 1),
              CASREPORT_E_IO);
    EXPECT_NE(std::strstr(casreport_last_error(), "No such file"), nullptr);
    // Not poisoned, and what was fed is still there.
    const std::string second = R"({"log_item_id":"2","service":"Box","event":"security_risk_scan",)"
                               R"("message":{"affected_user":"b@x.jp",)"
                               R"("detection_time":"2025-06-03T00:00:00Z"}})"
                               "\n";
    ASSERT_EQ(casreport_aggregator_feed(a.get(), second.data(), second.size()), CASREPORT_OK)
        << casreport_last_error();
    ASSERT_EQ(casreport_aggregator_finish(a.get()), CASREPORT_OK);
    casreport_counts c{};
    ASSERT_EQ(casreport_aggregator_counts(a.get(), &c), CASREPORT_OK);
    EXPECT_EQ(c.accepted, 2U);
    EXPECT_NE(report_json(a.get()).find("\"records\": 2"), std::string::npos);
}
