// What every renderer draws from: the report, the language, and the previous month's report
// with the changes it implies. Private to lib/.
#ifndef CASREPORT_LIB_RENDER_RENDER_CONTEXT_HPP
#define CASREPORT_LIB_RENDER_RENDER_CONTEXT_HPP

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "casreport/render.hpp"
#include "casreport/report.hpp"
#include "labels.hpp"
#include "safe_text.hpp"

namespace casreport::detail {

/// What a rise of a number means to the reader, for the colour of its change: more threats
/// left in place is bad, more remediated is not.
enum class rise : std::uint8_t { bad = 0, neutral = 1 };

/// A count and, when a previous report was given, its change since then.
struct cell {
    std::uint64_t value = 0;
    std::optional<std::int64_t> change;
    rise meaning = rise::bad;
};

/// One row of the overview: a service's ATP and DLP detections.
struct overview_row {
    std::string key;    ///< "box", ..., "exchange_server", an unknown service's key, or "" (total)
    std::string label;  ///< shown name in the chosen language
    cell atp;
    cell dlp;
    bool fixed = true;  ///< one of the ten services of the guide (else: other services, total)
};

struct render_context {
    const report& r;
    language lang = language::ja;
    const report* previous = nullptr;     ///< month over month, when given
    bool redacted = false;                ///< addresses were masked (the JSON says so)
    const tenant_info* tenant = nullptr;  ///< who the report is for, when given
    calendar_date issued{};               ///< the issue date, shown with the tenant
    utc_offset zone = jst;                ///< dates and times shown to people

    [[nodiscard]] bool has_tenant() const noexcept { return tenant != nullptr && tenant->given(); }

    [[nodiscard]] const labels& l() const noexcept { return labels_for(lang); }
    [[nodiscard]] bool comparing() const noexcept { return previous != nullptr; }

    /// `value` with its change from `before` (when comparing), saturated to the range of
    /// `std::int64_t` however large the counts.
    [[nodiscard]] cell make(std::uint64_t value, std::uint64_t before,
                            rise meaning = rise::bad) const {
        cell c{value, std::nullopt, meaning};
        if (previous != nullptr) c.change = change_between(value, before);
        return c;
    }

    [[nodiscard]] const section_report& prev(section s) const noexcept {
        return previous != nullptr ? previous->at(s) : r.at(s);
    }
    [[nodiscard]] cell total(section s) const { return make(r.at(s).total, prev(s).total); }
    [[nodiscard]] cell distinct_users(section s) const {
        return make(r.at(s).distinct_users, prev(s).distinct_users);
    }
    /// More left in place or failed is bad; more remediated (or unknown) is not.
    [[nodiscard]] cell outcome_count(section s, std::size_t i) const {
        const auto o = static_cast<outcome>(i);
        const rise meaning =
            o == outcome::left_in_place || o == outcome::failed ? rise::bad : rise::neutral;
        return make(r.at(s).outcomes.by_outcome[i], prev(s).outcomes.by_outcome[i], meaning);
    }
    /// More high or medium risk is bad; more low, no risk or unknown is not.
    [[nodiscard]] cell risk(std::size_t i) const {
        const auto level = static_cast<risk_level>(i);
        const rise meaning =
            level == risk_level::high || level == risk_level::medium ? rise::bad : rise::neutral;
        return make(r.at(section::virtual_analyzer).risk_levels[i],
                    prev(section::virtual_analyzer).risk_levels[i], meaning);
    }
    [[nodiscard]] cell channel(std::size_t i) const {
        return make(r.at(section::dlp).channels[i], prev(section::dlp).channels[i]);
    }

    /// The ten services of the guide, in order.
    [[nodiscard]] std::vector<overview_row> overview() const;
    /// Exchange Server and unknown services with detections this month or the previous one,
    /// by key.
    [[nodiscard]] std::vector<overview_row> other_services() const;
    /// Every service, the other ones included.
    [[nodiscard]] overview_row overview_total() const;

    /// The findings of a section (or, with `std::nullopt`, those without one), in report order.
    [[nodiscard]] std::vector<const finding*> findings_of(std::optional<section> s) const;

    /// The label of an outcome in section `s`: DLP matches are policy matches, not threats
    /// ("未ブロック" rather than "脅威が残存").
    [[nodiscard]] std::string_view outcome_label(section s, std::size_t i) const noexcept {
        return s == section::dlp ? l().dlp_outcomes[i] : l().outcomes[i];
    }

    /// "(不明)" for the unknown user, else the address.
    [[nodiscard]] std::string_view user_name(std::string_view user) const noexcept {
        return user.empty() ? l().unknown_user : user;
    }
    /// The shown name of a service key ("exchange_server" → "Exchange Server").
    [[nodiscard]] std::string service_label(std::string_view key) const;
};

/// "12件" / "12 events": a number (with thousands separators) and its unit, spaced as each
/// language writes it.
[[nodiscard]] std::string quantity(std::uint64_t n, std::string_view unit, language lang);

/// "ほか 6名" / "6 more users": what a list leaves out.
[[nodiscard]] std::string more_text(const render_context& ctx, std::uint64_t n,
                                    std::string_view unit);

/// A finding's subject's numbers: "(5件, 3名)" (distinct users for all but users).
[[nodiscard]] std::string subject_counts(const render_context& ctx, const finding_subject& s);

/// A finding's subject in words: "送信元 a@b.example (5件, 3名)".
[[nodiscard]] std::string subject_text(const render_context& ctx, const finding_subject& s);

/// A section's size: "合計 12件 (+2) / ユーザ数 8名" / "Total 12 detections (+2) / 8 users".
/// Each quantity is wrapped in `open` and `close` (for emphasis), its change left outside.
[[nodiscard]] std::string section_summary(const render_context& ctx, section s,
                                          std::string_view open = {}, std::string_view close = {});

/// "+3", "-2", "±0" (thousands separated: "+1,200").
[[nodiscard]] std::string signed_change(std::int64_t d);

/// "12.5" from 125 tenths.
[[nodiscard]] std::string tenths_text(std::uint64_t tenths);

/// "2025年6月" / "June 2025", or the "all events" label without a period.
[[nodiscard]] std::string month_title(const render_context& ctx,
                                      const std::optional<report_period>& period);

/// The month of the report, as `month_title`.
[[nodiscard]] std::string period_title(const render_context& ctx);

/// "2025年6月1日〜2025年6月30日" / "1 June – 30 June 2025": the month's first and last day,
/// or the "all events" label without a period.
[[nodiscard]] std::string period_range(const render_context& ctx);

/// "2025年7月1日" / "1 July 2025".
[[nodiscard]] std::string date_text(calendar_date d, language lang);

/// "2025年6月1日 01:30" / "1 June 2025, 01:30": an instant in the report's zone.
[[nodiscard]] std::string instant_text(const render_context& ctx, timestamp t);

/// "日本時間" / "Japan time" for +09:00, else "UTC+05:30".
[[nodiscard]] std::string zone_text(const render_context& ctx);

/// "2025年6月1日 01:30 〜 2025年6月29日 10:30 (日本時間)": first and last detection.
[[nodiscard]] std::string detections_text(const render_context& ctx);

/// "記録 44件 = 集計 41件 + 読み込めなかった 1件 + ...": the input accounting in words.
[[nodiscard]] std::string input_text(const render_context& ctx);

/// A rejection's reason in the report's language.
[[nodiscard]] std::string_view reason_text(const render_context& ctx, reject_reason r) noexcept;

/// A source's file name without its folders ("/home/msp/logs/a.ndjson" → "a.ndjson"): the
/// MSP's paths are not the customer's business (the JSON keeps them whole).
[[nodiscard]] std::string_view source_name(std::string_view source) noexcept;

/// "image/png" or "image/svg+xml", told by a logo's bytes, or "" for anything else.
[[nodiscard]] std::string_view logo_type(std::string_view bytes) noexcept;

/// "ほか 3件" / "3 more": the subjects a finding left out, or "" when none.
[[nodiscard]] std::string more_subjects_text(const render_context& ctx, const finding& f);

// The renderers, one per format.
[[nodiscard]] std::string render_json(const render_context& ctx);
[[nodiscard]] std::string render_text(const render_context& ctx);
[[nodiscard]] std::string render_markdown(const render_context& ctx);
[[nodiscard]] std::string render_csv(const render_context& ctx);
[[nodiscard]] std::string render_html(const render_context& ctx);

}  // namespace casreport::detail

#endif  // CASREPORT_LIB_RENDER_RENDER_CONTEXT_HPP
