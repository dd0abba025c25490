// Reading alone, no counting: the fields casreport needs from every line of an NDJSON dump,
// by casreport's decoder (its fast path) or by simdjson On-Demand through iterate_many, to
// weigh simdjson as casreport's NDJSON engine (docs/performance.md, "Which JSON engine").
// Run each under /usr/bin/time and compare CPU times; `read` times the reads alone.
//
//   g++ -O3 -DNDEBUG -march=native -std=c++17 -I include -I lib bench/reference/engine_compare.cpp \
//       build/release/lib/libcasreport_core.a -lsimdjson -lisal -lzstd -llzma -lbz2 -lz -lpthread \
//       -o engine_compare
//   engine_compare DUMP read|casreport|simdjson
#include <fcntl.h>
#include <unistd.h>

#include <casreport/casreport.hpp>
#include <cstdio>
#include <cstring>
#include <simdjson.h>
#include <string>
#include <string_view>
#include <vector>

#include "decode/decoder.hpp"

namespace {

/// Counts events and touches two fields, so that nothing is optimized away.
class counting_sink final : public casreport::detail::event_sink {
public:
    void on_event(const casreport::raw_event& ev, std::uint64_t, casreport::utc_offset) override {
        ++events;
        bytes += ev.affected_user.size() + ev.file_sha1.size();
    }
    void on_reject(std::uint64_t, casreport::reject_reason, std::string_view) override {
        ++rejected;
    }
    void on_unusable(std::string_view) override { ++rejected; }
    std::uint64_t events = 0;
    std::uint64_t rejected = 0;
    std::uint64_t bytes = 0;
};

constexpr std::size_t block = std::size_t{1} << 20;

/// The message fields casreport reads (the top-level ones are read by both in the same way).
bool wanted(std::string_view k) {
    return k == "affected_user" || k == "file_sha1" || k == "detection_time" || k == "action" ||
           k == "action_result" || k == "risk_level" || k == "security_risk_name" ||
           k == "triggered_policy_name" || k == "triggered_security_filter" ||
           k == "mail_message_sender" || k == "log_item_id" || k == "file_name" ||
           k == "mail_message_id" || k == "mail_message_file_name";
}

int by_simdjson(int fd) {
    simdjson::ondemand::parser parser;
    std::vector<char> buf(block + simdjson::SIMDJSON_PADDING);
    std::size_t have = 0;
    std::uint64_t events = 0;
    std::uint64_t bytes = 0;
    for (bool eof = false; !eof || have > 0;) {
        const ssize_t n = ::read(fd, buf.data() + have, block - have);
        if (n < 0) return 1;
        eof = n == 0;
        have += static_cast<std::size_t>(n);
        std::size_t end = have;
        if (!eof) {
            while (end > 0 && buf[end - 1] != '\n') --end;
        }
        simdjson::ondemand::document_stream stream;
        if (parser.iterate_many(buf.data(), end, block).get(stream) != simdjson::SUCCESS) return 2;
        for (auto doc : stream) {
            simdjson::ondemand::object message;
            if (doc["message"].get_object().get(message) != simdjson::SUCCESS) continue;
            for (auto field : message) {
                std::string_view key;
                if (field.unescaped_key().get(key) != simdjson::SUCCESS || !wanted(key)) continue;
                std::string_view value;
                if (field.value().get_string().get(value) == simdjson::SUCCESS &&
                    (key == "affected_user" || key == "file_sha1")) {
                    bytes += value.size();
                }
            }
            ++events;
        }
        std::memmove(buf.data(), buf.data() + end, have - end);
        have -= end;
        if (eof && end == 0) break;
    }
    std::printf("events %llu, %llu bytes\n", static_cast<unsigned long long>(events),
                static_cast<unsigned long long>(bytes));
    return 0;
}

int by_casreport(int fd) {
    counting_sink sink;
    const auto d = casreport::detail::make_json_decoder(
        sink, casreport::detail::json_layout::multi_line, true);
    std::vector<char> buf(block);
    for (ssize_t n; (n = ::read(fd, buf.data(), buf.size())) > 0;) {
        d->feed(std::string_view(buf.data(), static_cast<std::size_t>(n)));
    }
    d->finish();
    std::printf("events %llu, %llu bytes, %llu rejected\n",
                static_cast<unsigned long long>(sink.events),
                static_cast<unsigned long long>(sink.bytes),
                static_cast<unsigned long long>(sink.rejected));
    return 0;
}

}  // namespace

int main(int argc, char** argv) {
    if (argc != 3) {
        std::fprintf(stderr, "usage: engine_compare DUMP read|casreport|simdjson\n");
        return 1;
    }
    const int fd = ::open(argv[1], O_RDONLY);
    if (fd < 0) {
        std::perror(argv[1]);
        return 1;
    }
    const std::string how = argv[2];
    if (how == "casreport") return by_casreport(fd);
    if (how == "simdjson") return by_simdjson(fd);
    std::vector<char> buf(block);
    std::uint64_t total = 0;
    for (ssize_t n; (n = ::read(fd, buf.data(), buf.size())) > 0;) total += static_cast<std::uint64_t>(n);
    std::printf("%llu bytes\n", static_cast<unsigned long long>(total));
    return 0;
}
