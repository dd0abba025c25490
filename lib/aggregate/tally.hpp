// The fold of a partial state into counters: what the report is built from. Private to lib/.
#ifndef CASREPORT_LIB_AGGREGATE_TALLY_HPP
#define CASREPORT_LIB_AGGREGATE_TALLY_HPP

#include <array>
#include <cstdint>
#include <vector>

#include "casreport/outcome.hpp"
#include "casreport/risk_level.hpp"
#include "casreport/section.hpp"
#include "casreport/service.hpp"
#include "state.hpp"

namespace casreport::detail {

struct section_tally {
    std::uint64_t total = 0;
    std::array<std::uint64_t, outcome_count> outcomes{};
    std::array<std::uint64_t, risk_level_count> risk{};
    std::array<std::uint64_t, 2> channels{};
    std::vector<std::uint64_t> by_user;  ///< indexed by user id (partial_state::users)
    /// Mail detections per user (targeted-attack findings).
    std::vector<std::uint64_t> mail_by_user;
    /// Detections left in place or failed, per user (threat-left-in-place finding).
    std::vector<std::uint64_t> unremediated_by_user;
    /// Virtual Analyzer only: high- and medium-risk detections per user (va_risky finding).
    std::vector<std::uint64_t> risky_by_user;
};

/// One accepted mail detection in an ATP section (with de-duplication off, a group of them):
/// its detail (sender, threat, file), its user and its section.
struct detail_tally {
    std::uint32_t detail = 0;
    std::uint32_t user = 0;
    std::uint64_t count = 0;
    section where = section::malware;  ///< an ATP section
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
    /// Every mail detection in the ATP sections, in input order.
    std::vector<detail_tally> mail_details;
};

[[nodiscard]] tally fold(const partial_state& st);

}  // namespace casreport::detail

#endif  // CASREPORT_LIB_AGGREGATE_TALLY_HPP
