// The fold of a partial state into counters: what the report is built from. Private to lib/.
#ifndef CASREPORT_LIB_SUMMARIZE_TALLY_HPP
#define CASREPORT_LIB_SUMMARIZE_TALLY_HPP

#include <array>
#include <cstdint>
#include <vector>

#include "casreport/outcome.hpp"
#include "casreport/risk_level.hpp"
#include "casreport/section.hpp"
#include "casreport/service.hpp"
#include "../aggregate/state.hpp"

namespace casreport::detail {

struct section_tally {
    std::uint64_t total = 0;
    std::array<std::uint64_t, outcome_count> outcomes{};
    std::array<std::uint64_t, risk_level_count> risk{};
    std::array<std::uint64_t, 2> channels{};
    std::vector<std::uint64_t> by_user;  ///< indexed by user id (partial_state::users)
    /// Detections that are attack signals (`is_attack_signal`; every DLP detection), the
    /// denominator of the targeted-attack share.
    std::uint64_t signals = 0;
    /// Mail detections per user among those signals (targeted-attack and DLP-mail findings).
    std::vector<std::uint64_t> mail_by_user;
    /// Threats (`is_threat`) left in place or failed: in all, and per user
    /// (threat_left_in_place finding).
    std::uint64_t unremediated = 0;
    std::vector<std::uint64_t> unremediated_by_user;
    /// Virtual Analyzer only: high- and medium-risk detections per user (va_risky finding).
    std::vector<std::uint64_t> risky_by_user;
};

/// One accepted mail detection that is an attack signal (with de-duplication off, a group of them):
/// its detail (sender, threat, file), its user and its section.
struct detail_tally {
    std::uint32_t detail = 0;
    std::uint32_t user = 0;
    std::uint64_t count = 0;
    section where = section::malware;  ///< malware, web reputation or Virtual Analyzer
};

struct tally {
    std::uint64_t accepted = 0;
    std::uint64_t out_of_period = 0;
    bool any = false;
    std::int64_t first = 0;
    std::int64_t last = 0;
    /// ATP and DLP per service code (0..10 the fixed services, then the unknown ones).
    std::vector<std::array<std::uint64_t, 2>> by_service;
    std::array<section_tally, section_count> sections;
    /// (detail, user, section) triples of mail detections in the ATP sections, with counts;
};

[[nodiscard]] tally fold(const partial_state& st);

/// Calls `f(const detail_tally&)` for every accepted mail detection that is an attack signal
/// (`is_attack_signal`; with de-duplication off, for every group of them), straight from the
/// state: nothing is copied.
template <class F>
void for_each_mail_detection(const partial_state& st, F&& f) {
    const auto visit = [&](const contribution& c, std::uint64_t count) {
        if (c.out_of_period() || c.detail == 0) return;
        const std::uint8_t category = c.category();
        if (category == category_overview_only ||
            !is_attack_signal(static_cast<section>(category), c.risk())) {
            return;
        }
        const std::uint32_t code = c.service_code();
        if (code >= first_other_service_code ||
            channel_of(static_cast<service>(code)) != channel::mail) {
            return;
        }
        f(detail_tally{c.detail, c.user, count, static_cast<section>(category)});
    };
    st.store.for_each_with_detail([&](key128, const contribution& c) { visit(c, 1); });
    for (const auto& [g, r] : st.groups) {
        contribution c;
        c.user = g.user;
        c.detail = g.detail;
        c.meta = g.meta;
        visit(c, r.count);
    }
}

}  // namespace casreport::detail

#endif  // CASREPORT_LIB_SUMMARIZE_TALLY_HPP
