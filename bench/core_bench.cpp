// Micro benchmarks of the core: decode + aggregate records, merge partial states, render.
// Input: synthetic events in the shape of the CAS log API (mail and storage, every kind).
#include <benchmark/benchmark.h>

#include <casreport/casreport.hpp>
#include <random>
#include <string>

#include "decode/decoder.hpp"
#include "decode/fast_scan.hpp"

namespace {

/// `n` NDJSON events, about 900 bytes each like the real API's, over `users` users.
std::string make_events(std::size_t n, std::size_t users, std::uint32_t seed = 42) {
    std::mt19937 rng(seed);
    const char* services[] = {"Exchange Online", "Gmail", "SharePoint Online", "OneDrive", "Box"};
    const char* kinds[] = {"security_risk_scan", "security_risk_scan", "virtual_analyzer",
                           "ransomware", "data_loss_prevention"};
    const char* filters[] = {"Malware Scanning", "File Blocking", "Web Reputation",
                             "Advanced Spam Protection"};
    std::string out;
    out.reserve(n * 950);
    for (std::size_t i = 0; i < n; ++i) {
        const std::size_t u = rng() % users;
        out += "{\"log_item_id\":\"" + std::to_string(rng()) + "-" + std::to_string(i) +
               "\",\"service\":\"" + services[rng() % 5] + "\",\"event\":\"" + kinds[rng() % 5] +
               "\",\"message\":{\"scan_type\":\"Real-time scan\",\"affected_user\":\"user" +
               std::to_string(u) + "@example.co.jp\",\"location\":\"user" + std::to_string(u) +
               "@example.co.jp\\\\Inbox\",\"detection_time\":\"2026-10-" +
               std::to_string(10 + rng() % 20) +
               "T04:12:55.123Z\",\"mail_message_id\":\"<DM6PR01MB4186.prod.exchangelabs.com>\","
               "\"mail_message_sender\":\"\\\"Billing\\\" <billing@bad.example>\","
               "\"mail_message_recipient\":[\"user@example.co.jp\"],"
               "\"mail_message_subject\":\"\\u8acb\\u6c42\\u66f8 invoice 1234\","
               "\"mail_message_file_name\":\"invoice.xlsm\",\"triggered_policy_name\":"
               "\"Default Exchange Online Policy ATP\",\"triggered_security_filter\":\"" +
               filters[rng() % 4] +
               "\",\"action\":\"Quarantine\",\"action_result\":\"success\","
               "\"security_risk_name\":\"Malware: TrojanSpy.X97M.SYNTH.A\",\"detected_by\":"
               "\"Pattern-based scanning\",\"risk_level\":\"High risk\",\"file_sha1\":"
               "\"9c13c49ba052aba9eaeb62c1804d5afae10d4ad7\",\"file_sha256\":"
               "\"8a83d94d44b74afe4f81305048bf6e5b3f5f5ba22a2947652fdcf5b83290fc8c\"}}\n";
    }
    return out;
}

const std::string& events_10k() {
    static const std::string s = make_events(10000, 2000);
    return s;
}

casreport::options june_options() {
    casreport::options o;
    o.period = casreport::report_period::parse("2026-10");
    return o;
}

/// Decoding alone: one event line → its fields, by the fast path.
void BM_DecodeRecordFast(benchmark::State& state) {
    const std::string& input = events_10k();
    const std::string line = input.substr(0, input.find('\n'));
    casreport::raw_event ev;
    casreport::detail::fast_scratch scratch;
    for (auto _ : state) {
        const auto r =
            casreport::detail::scan_event_line(line.data(), line.data() + line.size(), ev, scratch);
        benchmark::DoNotOptimize(r);
        benchmark::DoNotOptimize(ev.affected_user.data());
    }
    state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * line.size()));
    state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
}
BENCHMARK(BM_DecodeRecordFast);

/// A sink that only counts, to time decoders alone.
class counting_sink final : public casreport::detail::event_sink {
public:
    void on_event(const casreport::raw_event& ev, std::uint64_t, casreport::utc_offset) override {
        events += ev.affected_user.size() != 0 ? 1 : 0;
    }
    void on_reject(std::uint64_t, casreport::reject_reason, std::string_view) override {
        ++rejected;
    }
    void on_unusable(std::string_view) override { ++rejected; }
    std::uint64_t events = 0;
    std::uint64_t rejected = 0;
};

/// Decoding alone, 10k lines: the fast path (arg 1) against the Boost.JSON SAX path (arg 0).
void BM_DecodeLines(benchmark::State& state) {
    const std::string& input = events_10k();
    const bool fast = state.range(0) != 0;
    for (auto _ : state) {
        counting_sink sink;
        auto d = casreport::detail::make_json_decoder(
            sink, casreport::detail::json_layout::multi_line, fast);
        for (std::size_t i = 0; i < input.size(); i += 65536) {
            d->feed(std::string_view(input).substr(i, 65536));
        }
        d->finish();
        benchmark::DoNotOptimize(sink.events);
    }
    state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * input.size()));
    state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * 10000));
}
BENCHMARK(BM_DecodeLines)->Arg(0)->Arg(1)->Unit(benchmark::kMillisecond);

/// Decode, normalize, de-duplicate and count N records (one feed of the whole buffer).
void BM_AggregateRecords(benchmark::State& state) {
    const std::string& input = events_10k();
    for (auto _ : state) {
        casreport::aggregator agg(june_options());
        agg.feed(input);
        agg.finish();
        benchmark::DoNotOptimize(agg.counts());
    }
    state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * input.size()));
    state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * 10000));
}
BENCHMARK(BM_AggregateRecords)->Unit(benchmark::kMillisecond);

/// The same input fed in small chunks, as a network reader would.
void BM_AggregateRecordsChunked(benchmark::State& state) {
    const std::string& input = events_10k();
    const auto chunk = static_cast<std::size_t>(state.range(0));
    for (auto _ : state) {
        casreport::aggregator agg(june_options());
        for (std::size_t i = 0; i < input.size(); i += chunk) {
            agg.feed(std::string_view(input).substr(i, chunk));
        }
        agg.finish();
        benchmark::DoNotOptimize(agg.counts());
    }
    state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * input.size()));
}
BENCHMARK(BM_AggregateRecordsChunked)->Arg(4096)->Arg(65536)->Unit(benchmark::kMillisecond);

/// Build the report from a finished aggregation (fold, rank, findings).
void BM_BuildReport(benchmark::State& state) {
    casreport::aggregator agg(june_options());
    agg.feed(events_10k());
    agg.finish();
    const std::string saved = agg.save();
    for (auto _ : state) {
        casreport::aggregator a = casreport::aggregator::load(saved);
        benchmark::DoNotOptimize(a.report().input.accepted);
    }
}
BENCHMARK(BM_BuildReport)->Unit(benchmark::kMillisecond);

/// Merge two partial states of 10k records each, half of them duplicates.
void BM_Merge(benchmark::State& state) {
    casreport::aggregator a(june_options());
    a.feed(events_10k());
    a.finish();
    const std::string saved = a.save();
    const casreport::aggregator other = casreport::aggregator::load(saved);
    for (auto _ : state) {
        casreport::aggregator target(june_options());
        target.merge(other);
        target.merge(other);
        benchmark::DoNotOptimize(target.counts());
    }
    state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * 20000));
}
BENCHMARK(BM_Merge)->Unit(benchmark::kMillisecond);

/// Render the JSON and text reports.
void BM_Render(benchmark::State& state) {
    casreport::aggregator agg(june_options());
    agg.feed(events_10k());
    agg.finish();
    const casreport::report& r = agg.report();
    const auto format = static_cast<casreport::output_format>(state.range(0));
    for (auto _ : state) {
        benchmark::DoNotOptimize(casreport::render(r, {format, casreport::language::ja}));
    }
}
BENCHMARK(BM_Render)->Arg(0)->Arg(1);

}  // namespace

BENCHMARK_MAIN();
