// The C interface facing hostile input (issue #13): the field limit of options version 2, and
// files that are not regular files.
#include <casreport.h>
#include <gtest/gtest.h>

#include <cstddef>
#include <cstring>
#include <memory>
#include <string>

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
    EXPECT_EQ(o.version, 2U);
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
