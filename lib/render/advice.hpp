// What the MSP adds to the numbers: each section's "how to read" notes and each finding's
// title and recommended actions, in Japanese and English. Written for casreport in the spirit
// of the guide's 【読み解き方】 and 【確認・実施事項】. Private to lib/.
#ifndef CASREPORT_LIB_RENDER_ADVICE_HPP
#define CASREPORT_LIB_RENDER_ADVICE_HPP

#include <optional>
#include <string_view>
#include <vector>

#include "casreport/render.hpp"
#include "casreport/report.hpp"

namespace casreport::detail {

/// The title of a finding's rule; an unknown rule (from a newer report) is its own title.
[[nodiscard]] std::string_view finding_title(std::string_view rule, language lang) noexcept;

/// The recommended actions of a finding's rule, in order; none for an unknown rule.
[[nodiscard]] std::vector<std::string_view> finding_actions(std::string_view rule, language lang);

/// The "how to read" notes of a section; `std::nullopt` is the overview.
[[nodiscard]] std::vector<std::string_view> reading_notes(std::optional<section> s, language lang);

/// "緊急" / "Critical" ...
[[nodiscard]] std::string_view severity_label(severity s, language lang) noexcept;

}  // namespace casreport::detail

#endif  // CASREPORT_LIB_RENDER_ADVICE_HPP
