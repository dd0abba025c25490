// Thresholds of the findings rules (DESIGN section 5); each is an option.
#ifndef CASREPORT_POLICY_HPP
#define CASREPORT_POLICY_HPP

#include <cstdint>

namespace casreport {

struct finding_policy {
    /// `targeted_attack_company`: one sender or threat reaching at least this many distinct
    /// users by mail in the ATP sections.
    std::uint32_t company_min_users = 3;
    /// `targeted_attack_individual`: one user with at least this many mail detections...
    std::uint32_t individual_min_count = 5;
    /// ...making up at least this share of an ATP section, in tenths of a percent (500 = 50 %).
    std::uint32_t individual_min_share_tenths = 500;
    /// `file_blocking_review`: the top file-blocking user has at least this many detections.
    std::uint32_t file_blocking_min_count = 5;
    /// How many subjects (users, senders, threats) a finding lists at most.
    std::uint32_t max_subjects = 10;
};

}  // namespace casreport

#endif  // CASREPORT_POLICY_HPP
