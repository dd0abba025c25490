// What every renderer draws from: the report, the language, and the previous month's report
// with the changes it implies. Private to lib/.
#ifndef CASREPORT_LIB_REPORT_RENDER_CONTEXT_HPP
#define CASREPORT_LIB_REPORT_RENDER_CONTEXT_HPP

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "casreport/render.hpp"
#include "casreport/report.hpp"
#include "labels.hpp"

namespace casreport::detail {

/// A count and, when a previous report was given, its change since then.
struct cell {
    std::uint64_t value = 0;
    std::optional<std::int64_t> change;
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
    const report* previous = nullptr;  ///< month over month, when given
    bool redacted = false;             ///< addresses were masked (the JSON says so)

    [[nodiscard]] const labels& l() const noexcept { return labels_for(lang); }
    [[nodiscard]] bool comparing() const noexcept { return previous != nullptr; }

    /// `value` with its change from `before` (when comparing).
    [[nodiscard]] cell make(std::uint64_t value, std::uint64_t before) const {
        cell c{value, std::nullopt};
        if (previous != nullptr) {
            c.change = static_cast<std::int64_t>(value) - static_cast<std::int64_t>(before);
        }
        return c;
    }

    [[nodiscard]] const section_report& prev(section s) const noexcept {
        return previous != nullptr ? previous->at(s) : r.at(s);
    }
    [[nodiscard]] cell total(section s) const { return make(r.at(s).total, prev(s).total); }
    [[nodiscard]] cell distinct_users(section s) const {
        return make(r.at(s).distinct_users, prev(s).distinct_users);
    }
    [[nodiscard]] cell outcome_count(section s, std::size_t i) const {
        return make(r.at(s).outcomes.by_outcome[i], prev(s).outcomes.by_outcome[i]);
    }
    [[nodiscard]] cell risk(std::size_t i) const {
        return make(r.at(section::virtual_analyzer).risk_levels[i],
                    prev(section::virtual_analyzer).risk_levels[i]);
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

    /// "(不明)" for the unknown user, else the address.
    [[nodiscard]] std::string_view user_name(std::string_view user) const noexcept {
        return user.empty() ? l().unknown_user : user;
    }
    /// The shown name of a service key ("exchange_server" → "Exchange Server").
    [[nodiscard]] std::string service_label(std::string_view key) const;
};

/// "12件" / "12 events": a number and its unit, spaced as each language writes it.
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

/// "+3", "-2", "±0".
[[nodiscard]] std::string signed_change(std::int64_t d);

/// "12.5" from 125 tenths.
[[nodiscard]] std::string tenths_text(std::uint64_t tenths);

/// "2025年6月" / "June 2025", or the "all events" label without a period.
[[nodiscard]] std::string period_title(const render_context& ctx);

// The renderers, one per format.
[[nodiscard]] std::string render_json(const render_context& ctx);
[[nodiscard]] std::string render_text(const render_context& ctx);
[[nodiscard]] std::string render_markdown(const render_context& ctx);
[[nodiscard]] std::string render_csv(const render_context& ctx);
[[nodiscard]] std::string render_html(const render_context& ctx);

}  // namespace casreport::detail

#endif  // CASREPORT_LIB_REPORT_RENDER_CONTEXT_HPP
