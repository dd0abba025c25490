// Every label the renderers print, in Japanese (the guide's wording) and English.
// Private to lib/.
#ifndef CASREPORT_LIB_RENDER_LABELS_HPP
#define CASREPORT_LIB_RENDER_LABELS_HPP

#include <array>
#include <string_view>

#include "casreport/outcome.hpp"
#include "casreport/render.hpp"
#include "casreport/risk_level.hpp"
#include "casreport/section.hpp"
#include "casreport/service.hpp"

namespace casreport::detail {

struct labels {
    std::string_view report_title;
    std::string_view period;
    std::string_view all_events;  ///< shown when no month was chosen
    std::string_view input;
    std::string_view records;
    std::string_view accepted;
    std::string_view rejected;
    std::string_view duplicates;
    std::string_view out_of_period;
    std::string_view detections_between;
    std::string_view overview_title;
    std::string_view overview_subtitle;
    std::string_view application;
    std::string_view atp;
    std::string_view dlp;
    std::string_view other_services;
    std::string_view top_users;
    std::string_view rank;
    std::string_view user;
    std::string_view count;
    std::string_view percent;
    std::string_view total;
    std::string_view distinct_users;
    std::string_view unknown_user;
    std::string_view no_detections;
    std::string_view outcomes_title;
    std::string_view risk_levels_title;
    std::string_view channels_title;
    std::string_view mail;
    std::string_view storage;
    std::string_view rejections_title;
    std::string_view rejections_more;  ///< "...and N more" prefix
    std::string_view unit_events;      ///< after a count: "件" / "events"
    std::string_view unit_users;       ///< "名" / "users"
    std::array<std::string_view, section_count> sections;
    std::array<std::string_view, overview_service_count + 1> services;  ///< + exchange_server
    std::array<std::string_view, outcome_count> outcomes;
    std::array<std::string_view, risk_level_count> risk_levels;
    // ---- findings, notes, month over month, redaction ----
    std::string_view findings_title;  ///< the list of findings
    std::string_view no_findings;
    std::string_view how_to_read;      ///< 【読み解き方】
    std::string_view what_to_do;       ///< 【確認・実施事項】
    std::string_view subjects;         ///< "対象" / "Concerns"
    std::string_view change;           ///< "前月比" / "Change"
    std::string_view previous_period;  ///< "比較した前月" / "Compared with"
    std::string_view redacted_note;
    std::string_view generated_by;
    std::string_view severity_title;                ///< column heading
    std::string_view section_title;                 ///< column heading
    std::string_view finding_title;                 ///< column heading
    std::array<std::string_view, 4> subject_kinds;  ///< indexed by finding_subject::kind
    std::string_view unit_findings;                 ///< "件" / "findings"
    std::string_view unit_records;                  ///< "件" / "records"
    // ---- the customer's report: identity, plain words, the guide's tables ----
    std::string_view customer_suffix;  ///< after the customer's name: " 御中" / ""
    std::string_view prepared_for;     ///< "" / "Prepared for"
    std::string_view provider;         ///< "提供" / "Prepared by"
    std::string_view issued;           ///< "発行日" / "Issued"
    std::string_view japan_time;       ///< "日本時間" / "Japan time"
    std::string_view line;             ///< "行" / "line"
    /// Outcome labels of DLP: policy matches, not threats.
    std::array<std::string_view, outcome_count> dlp_outcomes;
    /// Rejection reasons, indexed by `reject_reason` - 1.
    std::array<std::string_view, 7> reasons;
    std::string_view risk_table_title;
    std::string_view risk_meaning;  ///< column heading
    /// What each Virtual Analyzer risk level means (the guide's table), by `risk_level`.
    std::array<std::string_view, risk_level_count> risk_descriptions;
};

[[nodiscard]] const labels& labels_for(language lang) noexcept;

[[nodiscard]] inline std::string_view section_title(language lang, section s) noexcept {
    return labels_for(lang).sections[static_cast<std::size_t>(s)];
}

}  // namespace casreport::detail

#endif  // CASREPORT_LIB_RENDER_LABELS_HPP
