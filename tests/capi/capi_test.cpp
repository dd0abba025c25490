// The C interface, through casreport.h alone: every function with NULL and invalid arguments,
// call order, poisoned handles, the size and lifetime of views, last error per thread, separate
// handles on several threads, and running out of memory anywhere.
#include <casreport.h>
#include <gtest/gtest.h>

#include <cstring>
#include <fstream>
#include <iterator>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "failing_new.hpp"

namespace {

std::string read_file(const char* path) {
    std::ifstream in(path, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

const std::string& sample() {
    static const std::string s = read_file(CASREPORT_SAMPLE);
    return s;
}

struct agg_deleter {
    void operator()(casreport_aggregator* a) const noexcept { casreport_aggregator_free(a); }
};
using agg_ptr = std::unique_ptr<casreport_aggregator, agg_deleter>;

casreport_options june() {
    casreport_options o = CASREPORT_OPTIONS_INIT;
    o.month = "2025-06";
    return o;
}

agg_ptr make(const casreport_options* o) {
    casreport_aggregator* a = nullptr;
    EXPECT_EQ(casreport_aggregator_new(o, &a), CASREPORT_OK) << casreport_last_error();
    return agg_ptr(a);
}

agg_ptr make() {
    const casreport_options o = june();
    return make(&o);
}

/// Feeds `bytes` in chunks of `chunk` (0: whole).
void feed(casreport_aggregator* a, const std::string& bytes, std::size_t chunk = 0) {
    const std::size_t step = chunk == 0 ? bytes.size() + 1 : chunk;
    for (std::size_t i = 0; i < bytes.size(); i += step) {
        ASSERT_EQ(casreport_aggregator_feed(a, bytes.data() + i, std::min(step, bytes.size() - i)),
                  CASREPORT_OK)
            << casreport_last_error();
    }
}

std::string report_json(casreport_aggregator* a) {
    const char* p = nullptr;
    std::size_t n = 0;
    EXPECT_EQ(casreport_aggregator_report_json(a, &p, &n), CASREPORT_OK) << casreport_last_error();
    return p == nullptr ? std::string() : std::string(p, n);
}

/// A finished aggregator of `bytes`, fed in chunks of `chunk` (0: whole).
agg_ptr finished(const std::string& bytes, const casreport_options& o = june(),
                 std::size_t chunk = 0) {
    agg_ptr a = make(&o);
    feed(a.get(), bytes, chunk);
    EXPECT_EQ(casreport_aggregator_finish(a.get()), CASREPORT_OK);
    return a;
}

/// The JSON report of `bytes`, fed in chunks of `chunk`.
std::string json_of(const std::string& bytes, std::size_t chunk = 0) {
    return report_json(finished(bytes, june(), chunk).get());
}

std::string finished_state(const std::string& bytes, const casreport_options& o = june()) {
    agg_ptr a = finished(bytes, o);
    const void* p = nullptr;
    std::size_t n = 0;
    EXPECT_EQ(casreport_aggregator_save(a.get(), &p, &n), CASREPORT_OK);
    return std::string(static_cast<const char*>(p), n);
}

bool contains(const char* haystack, const char* needle) {
    return std::strstr(haystack, needle) != nullptr;
}

// ---- versions, names, errors ------------------------------------------------------------------

TEST(Version, LibraryMatchesTheHeader) {
    EXPECT_EQ(casreport_version_number(), static_cast<uint32_t>(CASREPORT_VERSION_NUMBER));
    EXPECT_STREQ(casreport_version_string(), CASREPORT_VERSION_STRING);
    EXPECT_EQ(casreport_abi_version(), static_cast<uint32_t>(CASREPORT_ABI_VERSION));
}

TEST(Status, NamesAreStableAndTotal) {
    EXPECT_STREQ(casreport_status_name(CASREPORT_OK), "ok");
    EXPECT_STREQ(casreport_status_name(CASREPORT_E_INVALID_ARGUMENT), "invalid_argument");
    EXPECT_STREQ(casreport_status_name(CASREPORT_E_MISUSE), "misuse");
    EXPECT_STREQ(casreport_status_name(CASREPORT_E_INPUT), "input");
    EXPECT_STREQ(casreport_status_name(CASREPORT_E_INCOMPATIBLE), "incompatible");
    EXPECT_STREQ(casreport_status_name(CASREPORT_E_IO), "io");
    EXPECT_STREQ(casreport_status_name(CASREPORT_E_NOMEM), "nomem");
    EXPECT_STREQ(casreport_status_name(CASREPORT_E_BUFFER_TOO_SMALL), "buffer_too_small");
    EXPECT_STREQ(casreport_status_name(CASREPORT_E_INTERNAL), "internal");
    EXPECT_STREQ(casreport_status_name(1), "unknown");
    EXPECT_STREQ(casreport_status_name(CASREPORT_E_UNAVAILABLE), "unavailable");
    EXPECT_STREQ(casreport_status_name(-10), "unknown");
    EXPECT_STREQ(casreport_status_name(INT32_MIN), "unknown");
}

TEST(LastError, IsNeverNullAndNamesTheFailingFunction) {
    std::thread([] { EXPECT_STREQ(casreport_last_error(), ""); }).join();  // a fresh thread
    ASSERT_EQ(casreport_aggregator_new(nullptr, nullptr), CASREPORT_E_INVALID_ARGUMENT);
    ASSERT_NE(casreport_last_error(), nullptr);
    EXPECT_TRUE(contains(casreport_last_error(), "casreport_aggregator_new"))
        << casreport_last_error();
    // A successful call leaves the message of the last failure.
    agg_ptr a = make();
    EXPECT_TRUE(contains(casreport_last_error(), "casreport_aggregator_new"));
}

TEST(LastError, IsPerThread) {
    ASSERT_EQ(casreport_aggregator_begin_source(nullptr, "x"), CASREPORT_E_INVALID_ARGUMENT);
    const std::string mine = casreport_last_error();
    std::string theirs_before;
    std::string theirs_after;
    std::thread([&] {
        theirs_before = casreport_last_error();
        EXPECT_EQ(casreport_aggregator_finish(nullptr), CASREPORT_E_INVALID_ARGUMENT);
        theirs_after = casreport_last_error();
    }).join();
    EXPECT_EQ(theirs_before, "");
    EXPECT_TRUE(theirs_after.find("casreport_aggregator_finish") != std::string::npos);
    EXPECT_EQ(casreport_last_error(), mine);
}

// ---- options ------------------------------------------------------------------------------------

TEST(Options, InitGivesTheMacroDefaults) {
    const casreport_options macro = CASREPORT_OPTIONS_INIT;
    casreport_options o;
    std::memset(&o, 0xab, sizeof o);
    ASSERT_EQ(casreport_options_init(&o, CASREPORT_OPTIONS_VERSION), CASREPORT_OK);
    EXPECT_EQ(o.version, macro.version);
    EXPECT_EQ(o.top_n, macro.top_n);
    EXPECT_EQ(o.month, macro.month);
    EXPECT_EQ(o.tz_offset_minutes, macro.tz_offset_minutes);
    EXPECT_EQ(o.dedupe, macro.dedupe);
    EXPECT_EQ(o.input_format, macro.input_format);
    EXPECT_EQ(o.max_listed_rejections, macro.max_listed_rejections);
    EXPECT_EQ(o.company_min_users, macro.company_min_users);
    EXPECT_EQ(o.individual_min_count, macro.individual_min_count);
    EXPECT_EQ(o.individual_min_share_tenths, macro.individual_min_share_tenths);
    EXPECT_EQ(o.file_blocking_min_count, macro.file_blocking_min_count);
    EXPECT_EQ(o.max_subjects, macro.max_subjects);
    EXPECT_EQ(o.csv_event_kind, macro.csv_event_kind);
    EXPECT_EQ(o.csv_columns_json, macro.csv_columns_json);
    EXPECT_EQ(o.csv_event_kind, static_cast<uint32_t>(CASREPORT_EVENT_FROM_COLUMNS));
    EXPECT_EQ(o.tz_offset_minutes, 9 * 60);
    EXPECT_EQ(casreport_options_struct_size(), sizeof(casreport_options));
    EXPECT_EQ(casreport_counts_struct_size(), sizeof(casreport_counts));
}

TEST(Options, InitRefusesNullAndUnknownVersions) {
    casreport_options o = CASREPORT_OPTIONS_INIT;
    EXPECT_EQ(casreport_options_init(nullptr, CASREPORT_OPTIONS_VERSION),
              CASREPORT_E_INVALID_ARGUMENT);
    EXPECT_EQ(casreport_options_init(&o, 0), CASREPORT_E_INVALID_ARGUMENT);
    EXPECT_EQ(casreport_options_init(&o, CASREPORT_OPTIONS_VERSION + 1),
              CASREPORT_E_INVALID_ARGUMENT);
    EXPECT_TRUE(contains(casreport_last_error(), "casreport_options_init"));
}

TEST(Options, NullMeansTheDefaults) {
    casreport_aggregator* a = nullptr;
    ASSERT_EQ(casreport_aggregator_new(nullptr, &a), CASREPORT_OK);
    agg_ptr owner(a);
    const casreport_options d = CASREPORT_OPTIONS_INIT;
    ASSERT_EQ(casreport_aggregator_finish(a), CASREPORT_OK);
    agg_ptr b = make(&d);
    ASSERT_EQ(casreport_aggregator_finish(b.get()), CASREPORT_OK);
    EXPECT_EQ(report_json(a), report_json(b.get()));
}

TEST(Options, BadValuesAreRefusedWithoutAHandle) {
    const auto refused = [](const casreport_options& o, const char* field) {
        casreport_aggregator* a = reinterpret_cast<casreport_aggregator*>(&a);  // not NULL
        EXPECT_EQ(casreport_aggregator_new(&o, &a), CASREPORT_E_INVALID_ARGUMENT) << field;
        EXPECT_EQ(a, nullptr) << field;
        EXPECT_TRUE(contains(casreport_last_error(), field)) << casreport_last_error();
    };
    casreport_options o = CASREPORT_OPTIONS_INIT;
    o.version = 0;
    refused(o, "version");
    o.version = CASREPORT_OPTIONS_VERSION + 1;
    refused(o, "version");
    for (const char* m : {"2025-13", "2025-6", "June", "", "2025-06-01", "10000-01"}) {
        o = CASREPORT_OPTIONS_INIT;
        o.month = m;
        refused(o, "month");
    }
    for (int32_t tz : {24 * 60, -24 * 60, INT32_MIN}) {
        o = CASREPORT_OPTIONS_INIT;
        o.tz_offset_minutes = tz;
        refused(o, "tz_offset_minutes");
    }
    o = CASREPORT_OPTIONS_INIT;
    o.dedupe = 2;
    refused(o, "dedupe");
    o = CASREPORT_OPTIONS_INIT;
    o.input_format = CASREPORT_INPUT_CEF + 1;
    refused(o, "input_format");
    o = CASREPORT_OPTIONS_INIT;
    o.csv_event_kind = CASREPORT_EVENT_DLP + 1;
    refused(o, "csv_event_kind");
    for (const char* map : {"", "[1]", "{\"When\": 3}", "{\"When\": \"no_such_field\"}"}) {
        o = CASREPORT_OPTIONS_INIT;
        o.csv_columns_json = map;
        refused(o, "csv_columns_json");
    }
}

TEST(Options, EveryFieldReachesTheReport) {
    casreport_options o = june();
    o.top_n = 1;
    o.tz_offset_minutes = 0;
    const std::string utc_top1 = report_json(finished(sample(), o).get());
    EXPECT_NE(utc_top1.find("\"timezone\": \"+00:00\""), std::string::npos) << utc_top1;
    EXPECT_NE(utc_top1, json_of(sample()));

    o = june();
    o.dedupe = 0;
    agg_ptr copies = make(&o);
    feed(copies.get(), sample());
    casreport_counts n{};
    ASSERT_EQ(casreport_aggregator_counts(copies.get(), &n), CASREPORT_OK);
    EXPECT_EQ(n.duplicates, 0U);

    agg_ptr deduped = make();
    feed(deduped.get(), sample());
    ASSERT_EQ(casreport_aggregator_counts(deduped.get(), &n), CASREPORT_OK);
    EXPECT_GT(n.duplicates, 0U);
}

// ---- NULL and invalid arguments -----------------------------------------------------------------

TEST(Arguments, NullHandleIsRefusedEverywhere) {
    const char* p = "x";
    const void* v = p;
    std::size_t n = 7;
    casreport_counts counts{};
    EXPECT_EQ(casreport_aggregator_reset(nullptr), CASREPORT_E_INVALID_ARGUMENT);
    EXPECT_EQ(casreport_aggregator_begin_source(nullptr, "a"), CASREPORT_E_INVALID_ARGUMENT);
    EXPECT_EQ(casreport_aggregator_feed(nullptr, "a", 1), CASREPORT_E_INVALID_ARGUMENT);
    EXPECT_EQ(casreport_aggregator_end_source(nullptr), CASREPORT_E_INVALID_ARGUMENT);
    EXPECT_EQ(casreport_aggregator_finish(nullptr), CASREPORT_E_INVALID_ARGUMENT);
    EXPECT_EQ(casreport_aggregator_counts(nullptr, &counts), CASREPORT_E_INVALID_ARGUMENT);
    EXPECT_EQ(casreport_aggregator_report_json(nullptr, &p, &n), CASREPORT_E_INVALID_ARGUMENT);
    EXPECT_EQ(p, nullptr);  // outputs are cleared on failure
    EXPECT_EQ(n, 0U);
    EXPECT_EQ(casreport_aggregator_render(nullptr, "json", "ja", &p, &n),
              CASREPORT_E_INVALID_ARGUMENT);
    agg_ptr other = make();
    EXPECT_EQ(casreport_aggregator_merge(nullptr, other.get()), CASREPORT_E_INVALID_ARGUMENT);
    EXPECT_EQ(casreport_aggregator_save(nullptr, &v, &n), CASREPORT_E_INVALID_ARGUMENT);
    EXPECT_EQ(v, nullptr);
    casreport_aggregator_free(nullptr);  // a no-op
}

TEST(Arguments, NullOutputsAndInputsAreRefused) {
    agg_ptr a = make();
    const char* p = nullptr;
    const void* v = nullptr;
    std::size_t n = 0;
    EXPECT_EQ(casreport_aggregator_new(nullptr, nullptr), CASREPORT_E_INVALID_ARGUMENT);
    EXPECT_EQ(casreport_aggregator_begin_source(a.get(), nullptr), CASREPORT_E_INVALID_ARGUMENT);
    EXPECT_EQ(casreport_aggregator_feed(a.get(), nullptr, 1), CASREPORT_E_INVALID_ARGUMENT);
    EXPECT_EQ(casreport_aggregator_feed(a.get(), nullptr, 0), CASREPORT_OK);  // nothing to read
    EXPECT_EQ(casreport_aggregator_counts(a.get(), nullptr), CASREPORT_E_INVALID_ARGUMENT);
    EXPECT_EQ(casreport_aggregator_merge(a.get(), nullptr), CASREPORT_E_INVALID_ARGUMENT);
    EXPECT_EQ(casreport_aggregator_merge(a.get(), a.get()), CASREPORT_E_INVALID_ARGUMENT);
    ASSERT_EQ(casreport_aggregator_finish(a.get()), CASREPORT_OK);
    EXPECT_EQ(casreport_aggregator_report_json(a.get(), nullptr, &n), CASREPORT_E_INVALID_ARGUMENT);
    EXPECT_EQ(casreport_aggregator_report_json(a.get(), &p, nullptr), CASREPORT_E_INVALID_ARGUMENT);
    EXPECT_EQ(casreport_aggregator_render(a.get(), nullptr, "ja", &p, &n),
              CASREPORT_E_INVALID_ARGUMENT);
    EXPECT_EQ(casreport_aggregator_render(a.get(), "json", nullptr, &p, &n),
              CASREPORT_E_INVALID_ARGUMENT);
    EXPECT_EQ(casreport_aggregator_render(a.get(), "json", "ja", nullptr, &n),
              CASREPORT_E_INVALID_ARGUMENT);
    EXPECT_EQ(casreport_aggregator_render(a.get(), "json", "ja", &p, nullptr),
              CASREPORT_E_INVALID_ARGUMENT);
    EXPECT_EQ(casreport_aggregator_save(a.get(), nullptr, &n), CASREPORT_E_INVALID_ARGUMENT);
    EXPECT_EQ(casreport_aggregator_save(a.get(), &v, nullptr), CASREPORT_E_INVALID_ARGUMENT);
    EXPECT_EQ(casreport_aggregator_load("x", 1, nullptr), CASREPORT_E_INVALID_ARGUMENT);
    casreport_aggregator* loaded = nullptr;
    EXPECT_EQ(casreport_aggregator_load(nullptr, 1, &loaded), CASREPORT_E_INVALID_ARGUMENT);
    EXPECT_EQ(loaded, nullptr);
    // None of these poisoned the handle.
    EXPECT_EQ(casreport_aggregator_report_json(a.get(), &p, &n), CASREPORT_OK);
}

TEST(Arguments, UnknownFormatAndLanguageNames) {
    agg_ptr a = make();
    ASSERT_EQ(casreport_aggregator_finish(a.get()), CASREPORT_OK);
    const char* p = nullptr;
    std::size_t n = 0;
    EXPECT_EQ(casreport_aggregator_render(a.get(), "rtf", "ja", &p, &n),
              CASREPORT_E_INVALID_ARGUMENT);
    EXPECT_TRUE(contains(casreport_last_error(), "format")) << casreport_last_error();
    EXPECT_EQ(casreport_aggregator_render(a.get(), "JSON ", "ja", &p, &n),
              CASREPORT_E_INVALID_ARGUMENT);
    EXPECT_EQ(casreport_aggregator_render(a.get(), "json", "fr", &p, &n),
              CASREPORT_E_INVALID_ARGUMENT);
    EXPECT_TRUE(contains(casreport_last_error(), "language")) << casreport_last_error();
    EXPECT_EQ(casreport_aggregator_render(a.get(), "", "", &p, &n), CASREPORT_E_INVALID_ARGUMENT);
    EXPECT_EQ(casreport_aggregator_render(a.get(), "text", "en", &p, &n), CASREPORT_OK);
}

TEST(Arguments, EveryFormatByNameAndAlias) {
    agg_ptr a = finished(sample());
    for (const char* lang : {"ja", "en"}) {
        for (const auto& [name, alias] :
             {std::pair{"text", "txt"}, std::pair{"md", "markdown"}, std::pair{"csv", "csv"},
              std::pair{"html", "htm"}, std::pair{"json", "json"}}) {
            const char* p = nullptr;
            std::size_t n = 0;
            ASSERT_EQ(casreport_aggregator_render(a.get(), name, lang, &p, &n), CASREPORT_OK)
                << name << " " << casreport_last_error();
            EXPECT_GT(n, 100U) << name;
            EXPECT_EQ(std::strlen(p), n) << name;
            const char* q = nullptr;
            std::size_t m = 0;
            ASSERT_EQ(casreport_aggregator_render(a.get(), alias, lang, &q, &m), CASREPORT_OK);
            EXPECT_EQ(q, p) << alias << " is " << name;  // one view per format and language
        }
    }
}

// ---- call order ---------------------------------------------------------------------------------

TEST(Order, QueriesBeforeFinishAreMisuse) {
    agg_ptr a = make();
    feed(a.get(), sample());
    const char* p = nullptr;
    const void* v = nullptr;
    std::size_t n = 0;
    EXPECT_EQ(casreport_aggregator_report_json(a.get(), &p, &n), CASREPORT_E_MISUSE);
    EXPECT_TRUE(contains(casreport_last_error(), "finish")) << casreport_last_error();
    EXPECT_EQ(casreport_aggregator_render(a.get(), "text", "ja", &p, &n), CASREPORT_E_MISUSE);
    EXPECT_EQ(casreport_aggregator_save(a.get(), &v, &n), CASREPORT_E_MISUSE);
    // Misuse does not poison: the handle goes on.
    ASSERT_EQ(casreport_aggregator_finish(a.get()), CASREPORT_OK);
    EXPECT_EQ(report_json(a.get()), json_of(sample()));
}

TEST(Order, FeedingAFinishedHandleIsMisuse) {
    agg_ptr a = finished(sample());
    EXPECT_EQ(casreport_aggregator_finish(a.get()), CASREPORT_OK);  // again: a no-op
    EXPECT_EQ(casreport_aggregator_feed(a.get(), "{}", 2), CASREPORT_E_MISUSE);
    EXPECT_TRUE(contains(casreport_last_error(), "finished")) << casreport_last_error();
    EXPECT_EQ(casreport_aggregator_feed(a.get(), nullptr, 0), CASREPORT_E_MISUSE);
    EXPECT_EQ(casreport_aggregator_begin_source(a.get(), "b"), CASREPORT_E_MISUSE);
    EXPECT_EQ(casreport_aggregator_end_source(a.get()), CASREPORT_E_MISUSE);
    EXPECT_EQ(report_json(a.get()), json_of(sample()));
}

TEST(Order, MergeNeedsAFinishedSourceAndTakesAnyTarget) {
    agg_ptr open = make();
    agg_ptr other_open = make();
    EXPECT_EQ(casreport_aggregator_merge(open.get(), other_open.get()), CASREPORT_E_MISUSE);
    EXPECT_TRUE(contains(casreport_last_error(), "other")) << casreport_last_error();
    agg_ptr done = make();
    ASSERT_EQ(casreport_aggregator_finish(done.get()), CASREPORT_OK);
    agg_ptr done2 = make();
    ASSERT_EQ(casreport_aggregator_finish(done2.get()), CASREPORT_OK);
    EXPECT_EQ(casreport_aggregator_merge(done.get(), done2.get()), CASREPORT_OK);  // stays finished
    EXPECT_EQ(casreport_aggregator_feed(done.get(), "{}", 2), CASREPORT_E_MISUSE);
    EXPECT_EQ(casreport_aggregator_merge(open.get(), done.get()), CASREPORT_OK);
}

TEST(Order, CountsWorkInEveryState) {
    agg_ptr a = make();
    casreport_counts n{};
    ASSERT_EQ(casreport_aggregator_counts(a.get(), &n), CASREPORT_OK);
    EXPECT_EQ(n.records, 0U);
    feed(a.get(), sample());
    ASSERT_EQ(casreport_aggregator_counts(a.get(), &n), CASREPORT_OK);
    EXPECT_GT(n.records, 0U);
    ASSERT_EQ(casreport_aggregator_finish(a.get()), CASREPORT_OK);
    ASSERT_EQ(casreport_aggregator_counts(a.get(), &n), CASREPORT_OK);
    EXPECT_EQ(n.records, n.accepted + n.rejected + n.duplicates + n.out_of_period);
    EXPECT_GT(n.rejected, 0U);
    EXPECT_GT(n.duplicates, 0U);
    EXPECT_GT(n.out_of_period, 0U);
}

TEST(Order, ResetStartsOverWithTheSameOptions) {
    agg_ptr a = make();
    feed(a.get(), "{\"not\": \"an event\"}\n");  // one rejected record
    ASSERT_EQ(casreport_aggregator_finish(a.get()), CASREPORT_OK);
    const std::string junk = report_json(a.get());
    ASSERT_EQ(casreport_aggregator_reset(a.get()), CASREPORT_OK);
    casreport_counts n{};
    ASSERT_EQ(casreport_aggregator_counts(a.get(), &n), CASREPORT_OK);
    EXPECT_EQ(n.records, 0U);
    feed(a.get(), sample(), 1000);
    ASSERT_EQ(casreport_aggregator_finish(a.get()), CASREPORT_OK);
    EXPECT_EQ(report_json(a.get()), json_of(sample()));  // June 2025 still
    EXPECT_NE(report_json(a.get()), junk);
}

TEST(Order, SourcesNameTheirRejections) {
    agg_ptr a = make();
    ASSERT_EQ(casreport_aggregator_begin_source(a.get(), "first.ndjson"), CASREPORT_OK);
    feed(a.get(), "{broken\n");
    ASSERT_EQ(casreport_aggregator_end_source(a.get()), CASREPORT_OK);
    ASSERT_EQ(casreport_aggregator_begin_source(a.get(), "\xe7\xac\xac\xe4\xba\x8c.json"),
              CASREPORT_OK);
    feed(a.get(), "\n\n[1]");
    ASSERT_EQ(casreport_aggregator_finish(a.get()), CASREPORT_OK);
    const std::string json = report_json(a.get());
    EXPECT_NE(json.find("\"source\": \"first.ndjson\", \"line\": 1"), std::string::npos) << json;
    EXPECT_NE(json.find("\"source\": \"\xe7\xac\xac\xe4\xba\x8c.json\", \"line\": 3"),
              std::string::npos)
        << json;
}

// ---- unusable sources and CSV options ----------------------------------------------------------

std::string golden(const char* relative) {
    return read_file((std::string(CASREPORT_GOLDEN_DIR) + "/" + relative).c_str());
}

/// Feeds one unusable source, then the sample; the sample still counts and the handle goes on.
TEST(Sources, AnUnusableSourceIsInputAndTheOthersCount) {
    const char* junk = "hello world\nthis is not a log\n";
    agg_ptr a = make();
    ASSERT_EQ(casreport_aggregator_begin_source(a.get(), "junk.txt"), CASREPORT_OK);
    casreport_status s = casreport_aggregator_feed(a.get(), junk, std::strlen(junk));
    if (s == CASREPORT_OK)
        s = casreport_aggregator_begin_source(a.get(), "sample.ndjson");
    else
        ASSERT_EQ(casreport_aggregator_begin_source(a.get(), "sample.ndjson"), CASREPORT_OK);
    EXPECT_EQ(s, CASREPORT_E_INPUT);
    EXPECT_TRUE(contains(casreport_last_error(), "junk.txt")) << casreport_last_error();
    feed(a.get(), sample(), 4096);
    ASSERT_EQ(casreport_aggregator_finish(a.get()), CASREPORT_OK);
    casreport_counts got{};
    casreport_counts want{};
    ASSERT_EQ(casreport_aggregator_counts(a.get(), &got), CASREPORT_OK);
    ASSERT_EQ(casreport_aggregator_counts(finished(sample()).get(), &want), CASREPORT_OK);
    EXPECT_EQ(std::memcmp(&got, &want, sizeof got), 0);
}

TEST(Sources, FinishReportsAnUnusableLastSourceAndStillFinishes) {
    const std::string gz = golden("same_events/input.ndjson.gz");
    agg_ptr a = make();
    ASSERT_EQ(casreport_aggregator_begin_source(a.get(), "cut.ndjson.gz"), CASREPORT_OK);
    // A gzip stream cut short: the source fails when its end shows it.
    casreport_status s = casreport_aggregator_feed(a.get(), gz.data(), gz.size() / 2);
    if (s == CASREPORT_OK) s = casreport_aggregator_finish(a.get());
    EXPECT_EQ(s, CASREPORT_E_INPUT);
    EXPECT_TRUE(contains(casreport_last_error(), "cut.ndjson.gz")) << casreport_last_error();
    EXPECT_EQ(casreport_aggregator_finish(a.get()), CASREPORT_OK);
    const char* p = nullptr;
    std::size_t n = 0;
    EXPECT_EQ(casreport_aggregator_report_json(a.get(), &p, &n), CASREPORT_OK);  // not poisoned
}

TEST(Sources, CompressedAndCsvReportLikeNdjson) {
    const std::string expected = json_of(golden("same_events/input.ndjson"));
    EXPECT_EQ(json_of(golden("same_events/input.ndjson.gz"), 100), expected);
    EXPECT_EQ(json_of(golden("same_events/input.ndjson.zst"), 100), expected);
    EXPECT_EQ(json_of(golden("same_events/input.ndjson.xz"), 100), expected);
    EXPECT_EQ(json_of(golden("same_events/input.ndjson.bz2"), 100), expected);
    casreport_options o = june();
    o.input_format = CASREPORT_INPUT_CSV;
    EXPECT_EQ(report_json(finished(golden("same_events/events_en.csv"), o).get()), expected);
}

TEST(Sources, CsvColumnsAndEventKindOptions) {
    const std::string csv = golden("same_events/events_en.csv");
    const std::string expected = json_of(csv);
    // The same export with its time column renamed: unusable without a map.
    std::string renamed = csv;
    const std::size_t at = renamed.find("Detection Time");
    ASSERT_NE(at, std::string::npos);
    renamed.replace(at, 14, "Seen At");
    agg_ptr plain = make();
    EXPECT_EQ(casreport_aggregator_feed(plain.get(), renamed.data(), renamed.size()),
              CASREPORT_E_INPUT);
    EXPECT_TRUE(contains(casreport_last_error(), "column map")) << casreport_last_error();
    casreport_options o = june();
    o.csv_columns_json = "{\"Seen At\": \"detection_time\"}";
    EXPECT_EQ(report_json(finished(renamed, o).get()), expected);

    // Without its log-type column, the kind comes from the option.
    o = june();
    o.csv_event_kind = CASREPORT_EVENT_DLP;
    o.csv_columns_json = "{\"Log Type\": \"\"}";  // ignore the column
    agg_ptr a = finished(csv, o);
    const std::string json = report_json(a.get());
    EXPECT_NE(json.find("\"dlp\": {\n      \"total\": "), std::string::npos);
    casreport_counts n{};
    ASSERT_EQ(casreport_aggregator_counts(a.get(), &n), CASREPORT_OK);
    EXPECT_GT(n.accepted, 0U);
}

// ---- views --------------------------------------------------------------------------------------

TEST(Views, AreSizedNulTerminatedAndStableUntilReset) {
    agg_ptr a = finished(sample());
    const char* json = nullptr;
    std::size_t json_len = 0;
    ASSERT_EQ(casreport_aggregator_report_json(a.get(), &json, &json_len), CASREPORT_OK);
    ASSERT_NE(json, nullptr);
    EXPECT_EQ(json[json_len], '\0');
    EXPECT_EQ(std::strlen(json), json_len);
    const std::string head = "{\n  \"schema_version\": 1,";
    EXPECT_EQ(std::string(json, head.size()), head);
    const std::string json_copy(json, json_len);

    // Every format and language: its own view, rendered once and kept.
    const char* text_en = nullptr;
    std::size_t text_en_len = 0;
    ASSERT_EQ(casreport_aggregator_render(a.get(), "text", "en", &text_en, &text_en_len),
              CASREPORT_OK);
    EXPECT_EQ(std::strlen(text_en), text_en_len);
    const char* again = nullptr;
    std::size_t again_len = 0;
    ASSERT_EQ(casreport_aggregator_render(a.get(), "text", "en", &again, &again_len), CASREPORT_OK);
    EXPECT_EQ(again, text_en);
    ASSERT_EQ(casreport_aggregator_render(a.get(), "json", "ja", &again, &again_len), CASREPORT_OK);
    EXPECT_EQ(again, json);  // report_json is the Japanese JSON
    ASSERT_EQ(casreport_aggregator_render(a.get(), "json", "en", &again, &again_len), CASREPORT_OK);
    EXPECT_NE(again, json);  // its own view (the texts differ once there are findings)
    ASSERT_EQ(casreport_aggregator_render(a.get(), "text", "ja", &again, &again_len), CASREPORT_OK);
    EXPECT_NE(std::string(again, again_len), std::string(text_en, text_en_len));

    const void* state = nullptr;
    std::size_t state_len = 0;
    ASSERT_EQ(casreport_aggregator_save(a.get(), &state, &state_len), CASREPORT_OK);
    EXPECT_GT(state_len, 0U);
    const void* state2 = nullptr;
    std::size_t state2_len = 0;
    ASSERT_EQ(casreport_aggregator_save(a.get(), &state2, &state2_len), CASREPORT_OK);
    EXPECT_EQ(state2, state);
    EXPECT_EQ(state2_len, state_len);

    // Failed calls and counts leave the views alone.
    casreport_counts n{};
    EXPECT_EQ(casreport_aggregator_feed(a.get(), "x", 1), CASREPORT_E_MISUSE);
    EXPECT_EQ(casreport_aggregator_counts(a.get(), &n), CASREPORT_OK);
    EXPECT_EQ(std::string(json, json_len), json_copy);
    EXPECT_EQ(std::strlen(text_en), text_en_len);
}

TEST(Views, ChunkSplitsDoNotChangeTheReport) {
    const std::string whole = json_of(sample());
    for (std::size_t chunk : {1, 2, 7, 64, 4096}) {
        EXPECT_EQ(json_of(sample(), chunk), whole) << "chunk size " << chunk;
    }
}

// ---- saved states and merges --------------------------------------------------------------------

TEST(State, RoundTripsThroughBytes) {
    agg_ptr a = finished(sample());
    const std::string bytes = finished_state(sample());
    std::string copy = bytes;  // the caller's buffer: may change as soon as load returns
    casreport_aggregator* raw = nullptr;
    ASSERT_EQ(casreport_aggregator_load(copy.data(), copy.size(), &raw), CASREPORT_OK);
    agg_ptr b(raw);
    std::fill(copy.begin(), copy.end(), '\0');
    EXPECT_EQ(report_json(b.get()), report_json(a.get()));
    casreport_counts na{};
    casreport_counts nb{};
    ASSERT_EQ(casreport_aggregator_counts(a.get(), &na), CASREPORT_OK);
    ASSERT_EQ(casreport_aggregator_counts(b.get(), &nb), CASREPORT_OK);
    EXPECT_EQ(std::memcmp(&na, &nb, sizeof na), 0);
    const void* p = nullptr;
    std::size_t n = 0;
    ASSERT_EQ(casreport_aggregator_save(b.get(), &p, &n), CASREPORT_OK);
    EXPECT_EQ(std::string(static_cast<const char*>(p), n), bytes);
    // A loaded handle is finished.
    EXPECT_EQ(casreport_aggregator_feed(b.get(), "{}", 2), CASREPORT_E_MISUSE);
}

TEST(State, DamagedBytesAreRefused) {
    const std::string bytes = finished_state(sample());
    casreport_aggregator* a = nullptr;
    EXPECT_EQ(casreport_aggregator_load(nullptr, 0, &a), CASREPORT_E_INPUT);
    EXPECT_EQ(a, nullptr);
    EXPECT_EQ(casreport_aggregator_load("junk", 4, &a), CASREPORT_E_INPUT);
    EXPECT_TRUE(contains(casreport_last_error(), "casreport_aggregator_load"));
    for (std::size_t cut : {std::size_t{8}, bytes.size() / 2, bytes.size() - 1}) {
        EXPECT_EQ(casreport_aggregator_load(bytes.data(), cut, &a), CASREPORT_E_INPUT) << cut;
        EXPECT_EQ(a, nullptr);
    }
    std::string flipped = bytes;
    flipped[flipped.size() / 2] ^= 0x40;
    EXPECT_EQ(casreport_aggregator_load(flipped.data(), flipped.size(), &a), CASREPORT_E_INPUT);
    EXPECT_EQ(a, nullptr);
}

/// The lines of the sample, to split it at record boundaries.
std::vector<std::string> sample_lines() {
    std::vector<std::string> out;
    std::size_t b = 0;
    while (b < sample().size()) {
        std::size_t e = sample().find('\n', b);
        e = e == std::string::npos ? sample().size() : e + 1;
        out.push_back(sample().substr(b, e - b));
        b = e;
    }
    return out;
}

TEST(State, MergedSplitsCountLikeTheWhole) {
    const std::vector<std::string> lines = sample_lines();
    casreport_counts whole{};
    {
        agg_ptr a = finished(sample());
        ASSERT_EQ(casreport_aggregator_counts(a.get(), &whole), CASREPORT_OK);
    }
    for (std::size_t cut = 0; cut <= lines.size(); ++cut) {
        std::string first;
        std::string second;
        for (std::size_t i = 0; i < lines.size(); ++i) (i < cut ? first : second) += lines[i];
        const std::string state = finished_state(second);
        casreport_aggregator* raw = nullptr;
        ASSERT_EQ(casreport_aggregator_load(state.data(), state.size(), &raw), CASREPORT_OK);
        agg_ptr part(raw);
        agg_ptr total = make();
        feed(total.get(), first);
        ASSERT_EQ(casreport_aggregator_merge(total.get(), part.get()), CASREPORT_OK);
        ASSERT_EQ(casreport_aggregator_finish(total.get()), CASREPORT_OK);
        casreport_counts n{};
        ASSERT_EQ(casreport_aggregator_counts(total.get(), &n), CASREPORT_OK);
        EXPECT_EQ(std::memcmp(&n, &whole, sizeof n), 0) << "cut at line " << cut;
    }
}

TEST(State, MergedSplitsReportLikeTheWhole) {
    // Records without rejections (their lines would restart in each part), the duplicate of a
    // record of the first part in the second.
    std::vector<std::string> lines;
    for (const std::string& l : sample_lines()) {
        if (!l.empty() && l.front() == '{' && l.size() > 2 && l[l.size() - 2] == '}') {
            lines.push_back(l);
        }
    }
    lines.push_back(lines.front());
    std::string all;
    for (const std::string& l : lines) all += l;
    const std::string whole = json_of(all);
    for (std::size_t cut = 1; cut < lines.size(); cut += 5) {
        std::string first;
        std::string second;
        for (std::size_t i = 0; i < lines.size(); ++i) (i < cut ? first : second) += lines[i];
        agg_ptr total = make();
        for (const std::string& s : {first, second}) {
            const std::string state = finished_state(s);
            casreport_aggregator* raw = nullptr;
            ASSERT_EQ(casreport_aggregator_load(state.data(), state.size(), &raw), CASREPORT_OK);
            agg_ptr part(raw);
            ASSERT_EQ(casreport_aggregator_merge(total.get(), part.get()), CASREPORT_OK);
        }
        ASSERT_EQ(casreport_aggregator_finish(total.get()), CASREPORT_OK);
        EXPECT_EQ(report_json(total.get()), whole) << "cut at line " << cut;
    }
}

TEST(State, IncompatibleMergeIsRefusedAndChangesNothing) {
    casreport_options may = june();
    may.month = "2025-05";
    const std::string other_month = finished_state(sample(), may);
    casreport_options nodedupe = june();
    nodedupe.dedupe = 0;
    const std::string other_dedupe = finished_state(sample(), nodedupe);
    agg_ptr a = make();
    const std::string& s = sample();
    const std::size_t half = s.size() / 2;  // inside a record
    feed(a.get(), s.substr(0, half));
    for (const auto& [state, why] : {std::pair{&other_month, "different months: 2025-06"},
                                     std::pair{&other_dedupe, "differ in de-duplication"}}) {
        casreport_aggregator* raw = nullptr;
        ASSERT_EQ(casreport_aggregator_load(state->data(), state->size(), &raw), CASREPORT_OK);
        agg_ptr part(raw);
        EXPECT_EQ(casreport_aggregator_merge(a.get(), part.get()), CASREPORT_E_INCOMPATIBLE);
        EXPECT_TRUE(contains(casreport_last_error(), why)) << casreport_last_error();
    }
    feed(a.get(), s.substr(half));  // not poisoned, and the record split above is whole
    ASSERT_EQ(casreport_aggregator_finish(a.get()), CASREPORT_OK);
    EXPECT_EQ(report_json(a.get()), json_of(sample()));
}

// ---- threads ------------------------------------------------------------------------------------

TEST(Threads, SeparateHandlesRunInParallel) {
    const std::string expected = json_of(sample());
    std::vector<std::string> got(6);
    std::vector<std::thread> threads;
    for (std::size_t t = 0; t < got.size(); ++t) {
        threads.emplace_back([&got, t] {
            for (int round = 0; round < 5; ++round) got[t] = json_of(sample(), 1 + t * 13);
        });
    }
    for (std::thread& t : threads) t.join();
    for (const std::string& g : got) EXPECT_EQ(g, expected);
}

TEST(Threads, AFinishedReportIsReadByManyThreads) {
    agg_ptr a = finished(sample());
    const char* p = nullptr;
    std::size_t n = 0;
    ASSERT_EQ(casreport_aggregator_report_json(a.get(), &p, &n), CASREPORT_OK);
    const std::string expected(p, n);
    std::vector<std::thread> threads;
    std::vector<int> same(4, 0);
    for (std::size_t t = 0; t < same.size(); ++t) {
        threads.emplace_back([&, t] { same[t] = std::string(p, n) == expected ? 1 : 0; });
    }
    for (std::thread& t : threads) t.join();
    for (int s : same) EXPECT_EQ(s, 1);
}

// ---- running out of memory: NOMEM, poisoning, no leaks ------------------------------------------

TEST(Poison, AFailedFeedPoisonsUntilReset) {
    agg_ptr a = make();
    feed(a.get(), sample().substr(0, 1000));
    long budget = 0;  // the very next allocation fails
    casreport_status s = CASREPORT_OK;
    {
        capi_test::fault_window w(budget);
        s = casreport_aggregator_feed(a.get(), sample().data() + 1000, sample().size() - 1000);
    }
    ASSERT_EQ(s, CASREPORT_E_NOMEM) << "the library does not use this program's operator new";
    EXPECT_TRUE(contains(casreport_last_error(), "out of memory")) << casreport_last_error();

    const char* p = nullptr;
    std::size_t n = 0;
    casreport_counts counts{};
    EXPECT_EQ(casreport_aggregator_feed(a.get(), "{}", 2), CASREPORT_E_MISUSE);
    EXPECT_TRUE(contains(casreport_last_error(), "poisoned")) << casreport_last_error();
    EXPECT_EQ(casreport_aggregator_begin_source(a.get(), "x"), CASREPORT_E_MISUSE);
    EXPECT_EQ(casreport_aggregator_end_source(a.get()), CASREPORT_E_MISUSE);
    EXPECT_EQ(casreport_aggregator_finish(a.get()), CASREPORT_E_MISUSE);
    EXPECT_EQ(casreport_aggregator_report_json(a.get(), &p, &n), CASREPORT_E_MISUSE);
    EXPECT_EQ(casreport_aggregator_counts(a.get(), &counts), CASREPORT_OK);  // any time

    agg_ptr target = make();
    EXPECT_EQ(casreport_aggregator_merge(target.get(), a.get()), CASREPORT_E_MISUSE);
    EXPECT_EQ(casreport_aggregator_merge(a.get(), target.get()), CASREPORT_E_MISUSE);

    ASSERT_EQ(casreport_aggregator_reset(a.get()), CASREPORT_OK);
    feed(a.get(), sample());
    ASSERT_EQ(casreport_aggregator_finish(a.get()), CASREPORT_OK);
    EXPECT_EQ(report_json(a.get()), json_of(sample()));
}

/// One whole life cycle, with allocations counted against `budget`; returns whether it ran to
/// the end. Every call must succeed, or fail with NOMEM (and then poison its handle).
bool cycle_with_budget(long& budget, const std::string& input, std::string& json_out) {
    const auto call = [&](auto&& f) {
        capi_test::fault_window w(budget);
        return f();
    };
    const auto ok_or_nomem = [](casreport_status s) {
        EXPECT_TRUE(s == CASREPORT_OK || s == CASREPORT_E_NOMEM) << casreport_status_name(s);
        return s == CASREPORT_OK;
    };
    const auto poisoned = [](casreport_aggregator* a) {
        EXPECT_EQ(casreport_aggregator_end_source(a), CASREPORT_E_MISUSE);
        return false;
    };
    casreport_aggregator* raw = nullptr;
    if (!ok_or_nomem(call([&] { return casreport_aggregator_new(nullptr, &raw); }))) {
        EXPECT_EQ(raw, nullptr);
        return false;
    }
    agg_ptr a(raw);
    for (std::size_t i = 0; i < input.size(); i += 300) {
        const std::size_t n = std::min<std::size_t>(300, input.size() - i);
        if (!ok_or_nomem(call([&] { return casreport_aggregator_feed(a.get(), &input[i], n); }))) {
            return poisoned(a.get());
        }
    }
    if (!ok_or_nomem(call([&] { return casreport_aggregator_finish(a.get()); }))) {
        return poisoned(a.get());
    }
    const char* p = nullptr;
    std::size_t n = 0;
    if (!ok_or_nomem(
            call([&] { return casreport_aggregator_render(a.get(), "text", "en", &p, &n); }))) {
        EXPECT_EQ(p, nullptr);
        return poisoned(a.get());
    }
    const void* state = nullptr;
    std::size_t state_len = 0;
    if (!ok_or_nomem(
            call([&] { return casreport_aggregator_save(a.get(), &state, &state_len); }))) {
        return poisoned(a.get());
    }
    casreport_aggregator* raw_loaded = nullptr;
    if (!ok_or_nomem(
            call([&] { return casreport_aggregator_load(state, state_len, &raw_loaded); }))) {
        EXPECT_EQ(raw_loaded, nullptr);
        return false;
    }
    agg_ptr loaded(raw_loaded);
    casreport_aggregator* raw_total = nullptr;
    if (!ok_or_nomem(call([&] { return casreport_aggregator_new(nullptr, &raw_total); }))) {
        return false;
    }
    agg_ptr total(raw_total);
    if (!ok_or_nomem(call([&] { return casreport_aggregator_merge(total.get(), loaded.get()); }))) {
        return poisoned(total.get());
    }
    if (!ok_or_nomem(call([&] { return casreport_aggregator_finish(total.get()); }))) {
        return poisoned(total.get());
    }
    if (!ok_or_nomem(call([&] { return casreport_aggregator_report_json(total.get(), &p, &n); }))) {
        return poisoned(total.get());
    }
    json_out.assign(p, n);
    return true;
}

TEST(Poison, RunningOutOfMemoryAnywhereIsReportedCleanly) {
    const std::vector<std::string> lines = sample_lines();
    std::string input;
    for (std::size_t i = 0; i < 6; ++i) input += lines[i];
    input += "{\"truncated\": \n";
    std::string expected;
    long unlimited = -1;
    ASSERT_TRUE(cycle_with_budget(unlimited, input, expected));
    long failures = 0;
    for (long fail_at = 0;; ++fail_at) {
        long budget = fail_at;
        capi_test::reset_injected();
        std::string json;
        const bool completed = cycle_with_budget(budget, input, json);
        if (::testing::Test::HasFailure()) FAIL() << "allocation " << fail_at;
        if (!capi_test::injected()) {
            ASSERT_TRUE(completed);
            EXPECT_EQ(json, expected);
            break;
        }
        ++failures;
        ASSERT_LT(fail_at, 1000000);
    }
    EXPECT_GT(failures, 10);
}

}  // namespace

// ---- files ------------------------------------------------------------------------------------

TEST(FeedFile, ReadsLikeFeedingTheBytesOnAnyNumberOfThreads) {
    // The bytes fed by hand under the same source name must report the same.
    agg_ptr by_hand = make();
    ASSERT_EQ(casreport_aggregator_begin_source(by_hand.get(), CASREPORT_SAMPLE), CASREPORT_OK);
    feed(by_hand.get(), sample());
    ASSERT_EQ(casreport_aggregator_finish(by_hand.get()), CASREPORT_OK);
    const std::string expected = report_json(by_hand.get());
    for (std::uint32_t threads : {0U, 1U, 2U, 4U}) {
        agg_ptr a = make();
        ASSERT_EQ(casreport_aggregator_feed_file(a.get(), CASREPORT_SAMPLE, nullptr, threads),
                  CASREPORT_OK)
            << casreport_last_error();
        ASSERT_EQ(casreport_aggregator_finish(a.get()), CASREPORT_OK);
        EXPECT_EQ(report_json(a.get()), expected) << threads << " threads";
    }
}

TEST(FeedFile, NamesTheSourceAndRefusesBadArgumentsWithoutPoisoning) {
    agg_ptr a = make();
    EXPECT_EQ(casreport_aggregator_feed_file(nullptr, CASREPORT_SAMPLE, nullptr, 1),
              CASREPORT_E_INVALID_ARGUMENT);
    EXPECT_EQ(casreport_aggregator_feed_file(a.get(), nullptr, nullptr, 1),
              CASREPORT_E_INVALID_ARGUMENT);
    EXPECT_EQ(casreport_aggregator_feed_file(a.get(), "/nonexistent/x.ndjson", nullptr, 1),
              CASREPORT_E_IO);  // issue #13, 8: a file that cannot be read is I/O
    EXPECT_TRUE(contains(casreport_last_error(), "/nonexistent/x.ndjson"));
    // Still usable: a missing file changed nothing.
    ASSERT_EQ(casreport_aggregator_feed_file(a.get(), CASREPORT_SAMPLE, "june.ndjson", 2),
              CASREPORT_OK);
    ASSERT_EQ(casreport_aggregator_finish(a.get()), CASREPORT_OK);
    EXPECT_TRUE(contains(report_json(a.get()).c_str(), "\"source\": \"june.ndjson\""));
    EXPECT_EQ(casreport_aggregator_feed_file(a.get(), CASREPORT_SAMPLE, nullptr, 1),
              CASREPORT_E_MISUSE);
}

// ---- rendering with every report option ------------------------------------------------------

TEST(RenderWith, ArgumentsAndVersionsAreChecked) {
    casreport_render_options ro = CASREPORT_RENDER_OPTIONS_INIT;
    EXPECT_EQ(casreport_render_options_init(nullptr, CASREPORT_RENDER_OPTIONS_VERSION),
              CASREPORT_E_INVALID_ARGUMENT);
    EXPECT_EQ(casreport_render_options_init(&ro, 0), CASREPORT_E_INVALID_ARGUMENT);
    EXPECT_EQ(casreport_render_options_init(&ro, CASREPORT_RENDER_OPTIONS_VERSION + 1),
              CASREPORT_E_INVALID_ARGUMENT);
    casreport_render_options from_init{};
    ASSERT_EQ(casreport_render_options_init(&from_init, CASREPORT_RENDER_OPTIONS_VERSION),
              CASREPORT_OK);
    // The macro and the function agree.
    EXPECT_STREQ(from_init.format, ro.format);
    EXPECT_STREQ(from_init.language, ro.language);
    EXPECT_EQ(from_init.top_n, CASREPORT_FROM_AGGREGATOR);
    EXPECT_EQ(from_init.max_subjects, CASREPORT_FROM_AGGREGATOR);
    EXPECT_EQ(from_init.redact, 0U);
    EXPECT_EQ(from_init.previous_json, nullptr);
    EXPECT_EQ(from_init.customer, nullptr);
    EXPECT_EQ(from_init.logo_size, 0U);
    EXPECT_EQ(from_init.tz_offset_minutes, ro.tz_offset_minutes);
    EXPECT_EQ(casreport_render_options_struct_size(), sizeof(casreport_render_options));

    const void* p = reinterpret_cast<const void*>(1);
    std::size_t n = 7;
    EXPECT_EQ(casreport_aggregator_render_with(nullptr, &ro, &p, &n), CASREPORT_E_INVALID_ARGUMENT);
    EXPECT_EQ(p, nullptr);
    EXPECT_EQ(n, 0U);
    agg_ptr a = make();
    EXPECT_EQ(casreport_aggregator_render_with(a.get(), &ro, nullptr, &n),
              CASREPORT_E_INVALID_ARGUMENT);
    EXPECT_EQ(casreport_aggregator_render_with(a.get(), &ro, &p, nullptr),
              CASREPORT_E_INVALID_ARGUMENT);
    EXPECT_EQ(casreport_aggregator_render_with(a.get(), &ro, &p, &n), CASREPORT_E_MISUSE);
    ASSERT_EQ(casreport_aggregator_feed(a.get(), sample().data(), sample().size()), CASREPORT_OK);
    ASSERT_EQ(casreport_aggregator_finish(a.get()), CASREPORT_OK);

    const auto refused = [&](casreport_render_options bad, const char* what) {
        EXPECT_EQ(casreport_aggregator_render_with(a.get(), &bad, &p, &n),
                  CASREPORT_E_INVALID_ARGUMENT)
            << what;
        EXPECT_TRUE(contains(casreport_last_error(), what)) << casreport_last_error();
    };
    casreport_render_options bad = ro;
    bad.version = 0;
    refused(bad, "version");
    bad = ro;
    bad.format = "rtf";
    refused(bad, "format");
    bad = ro;
    bad.language = "fr";
    refused(bad, "language");
    bad = ro;
    bad.issued = "2025-13-01";
    refused(bad, "issued");
    bad = ro;
    bad.logo = "GIF89a";
    bad.logo_size = 6;
    refused(bad, "PNG");
    bad = ro;
    bad.individual_min_share_tenths = 1001;
    refused(bad, "individual_min_share_tenths");
    bad = ro;
    bad.previous_json = "{}";
    bad.previous_json_size = 2;
    EXPECT_EQ(casreport_aggregator_render_with(a.get(), &bad, &p, &n), CASREPORT_E_INPUT);
    bad = ro;
    bad.format = "pdf";
    bad.chromium = "/nonexistent/chromium";
    EXPECT_EQ(casreport_aggregator_render_with(a.get(), &bad, &p, &n), CASREPORT_E_UNAVAILABLE);
    EXPECT_TRUE(contains(casreport_last_error(), "/nonexistent/chromium"));
    // None of these poisoned the handle.
    EXPECT_EQ(casreport_aggregator_render_with(a.get(), nullptr, &p, &n), CASREPORT_OK);
}

TEST(RenderWith, DefaultsAreTheJsonReportAndOptionsApply) {
    agg_ptr a = make();
    ASSERT_EQ(casreport_aggregator_feed(a.get(), sample().data(), sample().size()), CASREPORT_OK);
    ASSERT_EQ(casreport_aggregator_finish(a.get()), CASREPORT_OK);
    const char* json = nullptr;
    std::size_t json_len = 0;
    ASSERT_EQ(casreport_aggregator_report_json(a.get(), &json, &json_len), CASREPORT_OK);
    const void* p = nullptr;
    std::size_t n = 0;
    ASSERT_EQ(casreport_aggregator_render_with(a.get(), nullptr, &p, &n), CASREPORT_OK);
    EXPECT_EQ(std::string(static_cast<const char*>(p), n), std::string(json, json_len));

    casreport_render_options ro = CASREPORT_RENDER_OPTIONS_INIT;
    ro.format = "md";
    ro.language = "en";
    ro.redact = 1;
    ro.top_n = 2;
    ro.customer = "Sample Co.";
    ro.provider = "Example MSP";
    ro.issued = "2025-07-01";
    ASSERT_EQ(casreport_aggregator_render_with(a.get(), &ro, &p, &n), CASREPORT_OK)
        << casreport_last_error();
    const std::string md(static_cast<const char*>(p), n);
    EXPECT_EQ(static_cast<const char*>(p)[n], '\0');
    EXPECT_TRUE(contains(md.c_str(), "**Prepared for: Sample Co.**")) << md;
    EXPECT_TRUE(contains(md.c_str(), "Issued: 1 July 2025"));
    EXPECT_TRUE(contains(md.c_str(), "| 2 | `user-"));
    EXPECT_FALSE(contains(md.c_str(), "\n| 3 | `")) << "top 2";
    EXPECT_FALSE(contains(md.c_str(), "@example.co.jp")) << "redacted";
    // The handle's own report is untouched: its view still holds all eight malware users.
    EXPECT_TRUE(contains(json, "yoshida.dai@example.co.jp"));
}
