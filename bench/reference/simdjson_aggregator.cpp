// The yardstick of issue 5: a single-purpose CAS aggregator on simdjson On-Demand, written the
// way the fast ones were described — 1 MiB reads into one reused buffer, values it does not need
// skipped without building a tree, each user interned once and counted by integer id — and as
// lean as we could make it: fields stay views into simdjson's string buffer (no copy per
// field), a user is looked up through one reused key string, services are a short list.
//
// It does the counting of the report (overview per service, every section's per-user counts and
// outcomes, Virtual Analyzer risk levels, DLP channels) but none of casreport's guarantees: no
// de-duplication, no month, no time validation, no recovery or line numbers for bad input.
// It only exists to be timed next to casreport by bench/run.sh.
//
//   simdjson_aggregator FILE   → prints records, per-section totals and distinct users
#include <fcntl.h>
#include <simdjson.h>
#include <unistd.h>

#include <array>
#include <cstdio>
#include <cstring>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace {

struct counts {
    std::unordered_map<std::string, std::uint32_t> user_ids;  // interned once
    std::string key;                                          // reused for lookups
    std::array<std::vector<std::uint64_t>, 6> by_user;        // section → user id → count
    std::array<std::uint64_t, 6> totals{};
    std::array<std::array<std::uint64_t, 4>, 6> outcomes{};
    std::vector<std::pair<std::string, std::array<std::uint64_t, 2>>> services;  // a dozen
    std::array<std::uint64_t, 5> risk{};
    std::array<std::uint64_t, 2> channels{};
    std::uint64_t records = 0;
    std::uint64_t errors = 0;

    std::uint32_t user(std::string_view u) {
        key.assign(u);
        for (char& c : key) c = static_cast<char>(c >= 'A' && c <= 'Z' ? c + 32 : c);
        if (const auto found = user_ids.find(key); found != user_ids.end()) return found->second;
        const auto id = static_cast<std::uint32_t>(user_ids.size());
        user_ids.emplace(key, id);
        for (auto& v : by_user) v.push_back(0);
        return id;
    }

    std::array<std::uint64_t, 2>& service(std::string_view name) {
        for (auto& [n, c] : services) {
            if (n == name) return c;
        }
        return services.emplace_back(std::string(name), std::array<std::uint64_t, 2>{}).second;
    }
};

bool contains_ci(std::string_view hay, std::string_view lower) {
    if (hay.size() < lower.size()) return false;
    for (std::size_t i = 0; i + lower.size() <= hay.size(); ++i) {
        std::size_t k = 0;
        while (k < lower.size() &&
               (hay[i + k] >= 'A' && hay[i + k] <= 'Z' ? hay[i + k] + 32 : hay[i + k]) ==
                   lower[k]) {
            ++k;
        }
        if (k == lower.size()) return true;
    }
    return false;
}

int outcome_of(std::string_view action, std::string_view result, std::string_view policy) {
    if (!result.empty() && result != "success") return 2;
    if (contains_ci(policy, "(monitor only)")) return 1;
    for (std::string_view w :
         {"quarantin", "delet", "replac", "block", "remov", "clean", "strip"}) {
        if (contains_ci(action, w)) return 0;
    }
    if (action.empty()) return 1;
    for (std::string_view w : {"pass", "log", "monitor", "deliver", "tag", "label"}) {
        if (contains_ci(action, w)) return 1;
    }
    return 3;
}

void count_line(simdjson::ondemand::parser& parser, const char* p, std::size_t n,
                std::size_t capacity, counts& c) {
    using namespace simdjson;
    ++c.records;
    ondemand::document doc;
    if (parser.iterate(p, n, capacity).get(doc) != SUCCESS) {
        ++c.errors;
        return;
    }
    std::string_view service;
    std::string_view event;
    // Views into the parser's string buffer: valid until the next document.
    std::string_view user;
    std::string_view filter;
    std::string_view action;
    std::string_view result;
    std::string_view policy;
    std::string_view risk;
    ondemand::object top;
    if (doc.get_object().get(top) != SUCCESS) {
        ++c.errors;
        return;
    }
    std::string_view service_s;
    std::string_view event_s;
    for (auto field : top) {
        std::string_view key;
        if (field.unescaped_key().get(key) != SUCCESS) {
            ++c.errors;
            return;
        }
        if (key == "service") {
            if (field.value().get_string().get(service) == SUCCESS) service_s = service;
        } else if (key == "event") {
            if (field.value().get_string().get(event) == SUCCESS) event_s = event;
        } else if (key == "message") {
            ondemand::object msg;
            if (field.value().get_object().get(msg) != SUCCESS) continue;
            for (auto m : msg) {
                std::string_view k;
                std::string_view v;
                if (m.unescaped_key().get(k) != SUCCESS) break;
                std::string_view* dst = k == "affected_user"               ? &user
                                        : k == "triggered_security_filter" ? &filter
                                        : k == "action"                    ? &action
                                        : k == "action_result"             ? &result
                                        : k == "triggered_policy_name"     ? &policy
                                        : k == "risk_level"                ? &risk
                                                                           : nullptr;
                if (dst != nullptr && m.value().get_string().get(v) == SUCCESS) *dst = v;
            }
        }
    }
    int section = -1;
    const bool dlp = event_s == "data_loss_prevention";
    if (event_s == "security_risk_scan") {
        section = filter == "Malware Scanning" ? 0
                  : filter == "File Blocking"  ? 1
                  : filter == "Web Reputation" ? 2
                                               : -1;
    } else if (event_s == "virtual_analyzer") {
        section = 3;
    } else if (dlp) {
        section = 4;
    } else if (event_s == "ransomware") {
        section = 5;
    }
    c.service(service_s)[dlp ? 1 : 0] += 1;
    if (section < 0) return;
    const auto s = static_cast<std::size_t>(section);
    c.by_user[s][c.user(user)] += 1;
    c.totals[s] += 1;
    c.outcomes[s][static_cast<std::size_t>(outcome_of(action, result, policy))] += 1;
    if (section == 3) {
        const std::size_t r = risk.rfind("High", 0) == 0  ? 0
                              : risk.rfind("Med", 0) == 0 ? 1
                              : risk.rfind("Low", 0) == 0 ? 2
                              : risk.rfind("No", 0) == 0  ? 3
                                                          : 4;
        c.risk[r] += 1;
    }
    if (section == 4) {
        const bool mail = service_s == "Exchange Online" || service_s == "Gmail" ||
                          service_s == "Exchange Server";
        c.channels[mail ? 0 : 1] += 1;
    }
}

}  // namespace

int main(int argc, char** argv) {
    if (argc != 2) {
        std::fprintf(stderr, "usage: simdjson_aggregator FILE\n");
        return 1;
    }
    const int fd = open(argv[1], O_RDONLY);
    if (fd < 0) {
        std::perror(argv[1]);
        return 1;
    }
    constexpr std::size_t read_size = std::size_t{1} << 20;
    // One reused buffer: the unfinished last line moves to the front before the next read.
    std::vector<char> buf(2 * read_size + simdjson::SIMDJSON_PADDING);
    std::size_t have = 0;
    simdjson::ondemand::parser parser;
    counts c;
    for (;;) {
        if (have >= read_size) {  // a line longer than a read: grow
            buf.resize(buf.size() + read_size);
        }
        const ssize_t n = read(fd, buf.data() + have, read_size);
        if (n < 0) {
            std::perror("read");
            return 1;
        }
        const bool eof = n == 0;
        have += static_cast<std::size_t>(n);
        const char* p = buf.data();
        const char* end = p + have;
        for (;;) {
            const char* nl = static_cast<const char*>(std::memchr(p, '\n', end - p));
            if (nl == nullptr) {
                if (eof && p < end)
                    nl = end;
                else
                    break;
            }
            if (nl > p) {
                count_line(parser, p, static_cast<std::size_t>(nl - p),
                           buf.size() - static_cast<std::size_t>(p - buf.data()), c);
            }
            p = nl < end ? nl + 1 : end;
        }
        const std::size_t rest = static_cast<std::size_t>(end - p);
        std::memmove(buf.data(), p, rest);
        have = rest;
        if (eof) break;
    }
    close(fd);
    std::printf("records %llu errors %llu users %zu\n", static_cast<unsigned long long>(c.records),
                static_cast<unsigned long long>(c.errors), c.user_ids.size());
    const char* names[] = {"malware",          "file_blocking", "web_reputation",
                           "virtual_analyzer", "dlp",           "ransomware"};
    for (std::size_t s = 0; s < 6; ++s) {
        std::size_t distinct = 0;
        for (std::uint64_t v : c.by_user[s]) distinct += v != 0;
        std::printf("%s total %llu distinct_users %zu\n", names[s],
                    static_cast<unsigned long long>(c.totals[s]), distinct);
    }
    return 0;
}
