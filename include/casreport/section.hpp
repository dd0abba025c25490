// The report's detail sections and which events each one counts (DESIGN section 3).
#ifndef CASREPORT_SECTION_HPP
#define CASREPORT_SECTION_HPP

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

#include "casreport/event_kind.hpp"
#include "casreport/risk_level.hpp"
#include "casreport/security_filter.hpp"

namespace casreport {

/// A detail section, in report order. Values are mirrored by the C API; never renumber.
enum class section : std::uint8_t {
    malware = 0,
    file_blocking = 1,
    web_reputation = 2,
    virtual_analyzer = 3,
    dlp = 4,
    ransomware = 5,
};

inline constexpr std::size_t section_count = 6;

inline constexpr std::array<section, section_count> all_sections = {
    section::malware,          section::file_blocking, section::web_reputation,
    section::virtual_analyzer, section::dlp,           section::ransomware};

/// The JSON key of a section.
constexpr std::string_view to_string(section s) noexcept {
    switch (s) {
        case section::malware: return "malware";
        case section::file_blocking: return "file_blocking";
        case section::web_reputation: return "web_reputation";
        case section::virtual_analyzer: return "virtual_analyzer";
        case section::dlp: return "dlp";
        case section::ransomware: return "ransomware";
    }
    return "malware";
}

/// The section an event counts in, if any: security-risk events by their filter (spam and
/// unknown filters count in the overview only), the other kinds by kind.
constexpr std::optional<section> section_of(event_kind k, security_filter f) noexcept {
    switch (k) {
        case event_kind::security_risk:
            if (f == security_filter::malware_scanning) return section::malware;
            if (f == security_filter::file_blocking) return section::file_blocking;
            if (f == security_filter::web_reputation) return section::web_reputation;
            return std::nullopt;
        case event_kind::virtual_analyzer: return section::virtual_analyzer;
        case event_kind::ransomware: return section::ransomware;
        case event_kind::dlp: return section::dlp;
    }
    return std::nullopt;
}

/// Sections fed by Advanced Threat Protection (all but DLP).
constexpr bool is_atp(section s) noexcept { return s != section::dlp; }

/// Whether a kind counts in the overview's ATP column (every filter, spam included).
constexpr bool is_atp(event_kind k) noexcept { return k != event_kind::dlp; }

/// Whether a detection is a sign of an attack, for the targeted-attack findings (DESIGN
/// section 5): malware and web reputation always, Virtual Analyzer only at risk high or medium
/// (the guide: 中以上). File blocking never (the guide reads many blocks as a possible user
/// error), nor DLP (a policy match) or ransomware (its own finding).
constexpr bool is_attack_signal(section s, risk_level r) noexcept {
    switch (s) {
        case section::malware:
        case section::web_reputation: return true;
        case section::virtual_analyzer: return r == risk_level::high || r == risk_level::medium;
        case section::file_blocking:
        case section::dlp:
        case section::ransomware: return false;
    }
    return false;
}

/// Whether a detection left in place (or failed) leaves a threat behind, for the
/// threat_left_in_place finding (DESIGN section 5): the attack signals and ransomware. A
/// sandbox verdict of low, no risk or unknown that was let through is no threat left behind.
constexpr bool is_threat(section s, risk_level r) noexcept {
    return s == section::ransomware || is_attack_signal(s, r);
}

}  // namespace casreport

#endif  // CASREPORT_SECTION_HPP
