#include "build.hpp"

#include <algorithm>
#include <iterator>
#include <map>

#include "tally.hpp"
#include "../core/side_task.hpp"
#include "casreport/version.h"
#include "findings.hpp"

namespace casreport::detail {
namespace {

/// Count descending, then user ascending by bytes.
std::vector<user_row> top_users(const std::vector<std::uint64_t>& by_user, const string_pool& pool,
                                std::uint64_t total, std::size_t n, std::uint64_t& distinct) {
    std::vector<std::pair<std::uint64_t, std::uint32_t>> rows;
    for (std::uint32_t id = 0; id < by_user.size(); ++id) {
        if (by_user[id] != 0) rows.emplace_back(by_user[id], id);
    }
    distinct = rows.size();
    const auto before = [&](const auto& a, const auto& b) {
        if (a.first != b.first) return a.first > b.first;
        return pool.at(a.second) < pool.at(b.second);
    };
    const std::size_t k = std::min(n, rows.size());
    std::partial_sort(rows.begin(), rows.begin() + static_cast<std::ptrdiff_t>(k), rows.end(),
                      before);
    std::vector<user_row> top;
    top.reserve(k);
    for (std::size_t i = 0; i < k; ++i) {
        top.push_back({std::string(pool.at(rows[i].second)), rows[i].first,
                       percent_tenths(rows[i].first, total)});
    }
    return top;
}

}  // namespace

report build_report(const partial_state& st, const options& opts, unsigned threads) {
    // The state findings walk the records on their own; with a thread to spare they run while
    // the state is folded below. The helper is always joined, even when folding throws.
    std::vector<finding> from_state;
    side_task findings_of_state(threads > 1,
                                [&] { from_state = state_findings(st, opts.findings); });
    const tally t = fold(st);
    report r;
    r.schema_version = CASREPORT_SCHEMA_VERSION;
    r.generator = "casreport " CASREPORT_VERSION_STRING;
    r.period = st.opts().period;
    r.top_n = opts.top_n;

    r.input.records = st.n.records;
    r.input.accepted = st.n.accepted;
    r.input.rejected = st.n.rejected;
    r.input.duplicates = st.n.duplicates;
    r.input.out_of_period = st.n.out_of_period;
    if (t.any) {
        r.input.first_detection = timestamp(std::chrono::microseconds(t.first));
        r.input.last_detection = timestamp(std::chrono::microseconds(t.last));
    }
    r.input.rejections = st.rejections;

    for (std::size_t i = 0; i < overview_service_count; ++i) {
        r.overview[i] = {std::string(to_string(overview_services[i])), t.by_service[i][0],
                         t.by_service[i][1]};
    }
    std::map<std::string, std::array<std::uint64_t, 2>> others;  // sorted by key
    for (std::size_t code = overview_service_count; code < t.by_service.size(); ++code) {
        const auto& c = t.by_service[code];
        if (c[0] == 0 && c[1] == 0) continue;
        const std::string key =
            code < first_other_service_code
                ? std::string(to_string(static_cast<service>(code)))
                : std::string(st.strings.at(st.other_services[code - first_other_service_code]));
        auto& dst = others[key];
        dst[0] += c[0];
        dst[1] += c[1];
    }
    for (const auto& [key, c] : others) r.other_services.push_back({key, c[0], c[1]});

    for (section s : all_sections) {
        const section_tally& src = t.sections[static_cast<std::size_t>(s)];
        section_report& dst = r.sections[static_cast<std::size_t>(s)];
        dst.id = s;
        dst.total = src.total;
        dst.top = top_users(src.by_user, st.users, src.total, opts.top_n, dst.distinct_users);
        dst.outcomes.by_outcome = src.outcomes;
        dst.risk_levels = src.risk;
        dst.channels = src.channels;
    }
    r.findings = tally_findings(t, st, opts.findings);
    findings_of_state.finish();
    r.findings.insert(r.findings.end(), std::make_move_iterator(from_state.begin()),
                      std::make_move_iterator(from_state.end()));
    sort_findings(r.findings);
    return r;
}

}  // namespace casreport::detail
