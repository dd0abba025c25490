// The partial state of an aggregation: everything counted so far, mergeable and serializable.
// Private to lib/.
#ifndef CASREPORT_LIB_AGGREGATE_STATE_HPP
#define CASREPORT_LIB_AGGREGATE_STATE_HPP

#include <cstdint>
#include <string>
#include <string_view>
#include <system_error>
#include <unordered_map>
#include <vector>

#include "casreport/options.hpp"
#include "casreport/record.hpp"
#include "casreport/report.hpp"
#include "record_store.hpp"
#include "string_pool.hpp"

namespace casreport::detail {

struct counters {
    std::uint64_t records = 0;
    std::uint64_t accepted = 0;
    std::uint64_t rejected = 0;
    std::uint64_t duplicates = 0;
    std::uint64_t out_of_period = 0;
};

/// Sender, threat name and attachment hash of a mail detection (string_pool ids), for the
/// targeted-attack findings.
struct mail_detail {
    std::uint32_t sender = 0;
    std::uint32_t threat = 0;
    std::uint32_t file = 0;
    friend bool operator==(const mail_detail& a, const mail_detail& b) noexcept {
        return a.sender == b.sender && a.threat == b.threat && a.file == b.file;
    }
};

/// With de-duplication off, records that add the same thing (time aside) collapse into one
/// group, so memory stays bounded by distinct users and details.
struct record_group {
    std::uint64_t count = 0;
    std::int64_t first = 0;
    std::int64_t last = 0;
};

struct group_key {
    std::uint32_t user = 0;
    std::uint32_t detail = 0;
    std::uint32_t meta = 0;
    friend bool operator==(const group_key& a, const group_key& b) noexcept {
        return a.user == b.user && a.detail == b.detail && a.meta == b.meta;
    }
};

struct triple_hash {
    std::size_t operator()(const mail_detail& d) const noexcept {
        return mix(d.sender, d.threat, d.file);
    }
    std::size_t operator()(const group_key& g) const noexcept {
        return mix(g.user, g.detail, g.meta);
    }
    static std::size_t mix(std::uint32_t a, std::uint32_t b, std::uint32_t c) noexcept {
        return static_cast<std::size_t>(
            fold_mul((std::uint64_t{a} << 32 | b) ^ 0x9e3779b97f4a7c15ULL, c ^ 0xbf58476d1ce4e5b9ULL));
    }
};

class partial_state {
public:
    explicit partial_state(const options& opts);

    [[nodiscard]] const options& opts() const noexcept { return opts_; }

    /// Counts one rejected record; lists it while the list is shorter than the option's limit.
    void add_rejection(std::string_view source, std::uint64_t line, reject_reason why,
                       std::string_view detail);

    /// Counts one valid record: accepted, duplicate or out of period.
    void add_event(const record& rec, const raw_event& raw);

    /// Adds `later`, whose input comes after this one's. Fails with `error::incompatible` when
    /// the two were built with a different de-duplication setting or period.
    void merge(const partial_state& later, std::error_code& ec);

    void clear();

    // ---- read by the report builder and the codec ----
    counters n;
    std::vector<rejection> rejections;
    string_pool pool;
    /// Service code `first_other_service_code + i` is the unknown service keyed by
    /// `pool.at(other_services[i])`.
    std::vector<std::uint32_t> other_services;
    /// Detail id `i + 1` is `details[i]`; 0 means none.
    std::vector<mail_detail> details;
    record_store store;  ///< de-duplication on
    std::unordered_map<group_key, record_group, triple_hash> groups;  ///< de-duplication off

    /// Rebuilds the lookup maps after `other_services` and `details` were filled directly.
    void reindex();

    std::uint32_t intern_service(std::string_view key);
    std::uint32_t intern_detail(const mail_detail& d);
    void add_group(const group_key& g, const record_group& r);

private:
    key128 record_key(const record& rec, const raw_event& raw);

    options opts_;
    std::string key_buf_;
    std::string lower_buf_;
    std::unordered_map<std::uint32_t, std::uint32_t> service_codes_;  // pool id → code
    std::unordered_map<mail_detail, std::uint32_t, triple_hash> detail_ids_;
};

}  // namespace casreport::detail

#endif  // CASREPORT_LIB_AGGREGATE_STATE_HPP
