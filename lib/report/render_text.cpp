// A readable terminal report, in the guide's order.
#include <algorithm>

#include "casreport/render.hpp"
#include "labels.hpp"
#include "text_width.hpp"

namespace casreport {
namespace {

using detail::display_width;
using detail::pad;

std::string num(std::uint64_t v) { return std::to_string(v); }

std::string percent(std::uint32_t tenths) {
    return std::to_string(tenths / 10) + "." + std::to_string(tenths % 10) + "%";
}

void heading(std::string& out, std::string_view title, std::string_view extra = {}) {
    out += "\n■ ";
    out += title;
    if (!extra.empty()) {
        out += "   ";
        out += extra;
    }
    out += '\n';
}

void service_table(std::string& out, const detail::labels& l,
                   const std::vector<std::pair<std::string, const service_counts*>>& rows) {
    std::size_t w = display_width(l.application);
    for (const auto& row : rows) w = std::max(w, display_width(row.first));
    const std::size_t wa = std::max<std::size_t>(display_width(l.atp), 6);
    const std::size_t wd = std::max<std::size_t>(display_width(l.dlp), 6);
    out += "  " + pad(l.application, w) + "  " + pad(l.atp, wa, true) + "  " +
           pad(l.dlp, wd, true) + '\n';
    for (const auto& [name, c] : rows) {
        out += "  " + pad(name, w) + "  " + pad(num(c->atp), wa, true) + "  " +
               pad(num(c->dlp), wd, true) + '\n';
    }
}

std::string counted(std::uint64_t n, std::string_view unit) {
    return num(n) + " " + std::string(unit);
}

void section_block(std::string& out, const report& r, section s, language lang) {
    const detail::labels& l = detail::labels_for(lang);
    const section_report& sr = r.at(s);
    const std::string extra = std::string(l.total) + " " + counted(sr.total, l.unit_events) +
                              " / " + std::string(l.distinct_users) + " " +
                              counted(sr.distinct_users, l.unit_users);
    heading(out, l.sections[static_cast<std::size_t>(s)], extra);
    if (sr.total == 0) {
        out += "  ";
        out += l.no_detections;
        out += '\n';
        return;
    }
    std::size_t wu = display_width(l.user);
    for (const user_row& row : sr.top) {
        wu = std::max(wu, display_width(row.user.empty() ? l.unknown_user : row.user));
    }
    wu = std::min<std::size_t>(wu, 48);
    const std::size_t wr = std::max<std::size_t>(display_width(l.rank), 4);
    const std::size_t wc = std::max<std::size_t>(display_width(l.count), 6);
    constexpr std::size_t wp = 7;
    out += "  " + std::string(l.top_users) + '\n';
    out += "  " + pad(l.rank, wr, true) + "  " + pad(l.user, wu) + "  " + pad(l.count, wc, true) +
           "  " + pad(l.percent, wp, true) + '\n';
    std::size_t rank = 0;
    for (const user_row& row : sr.top) {
        out += "  " + pad(num(++rank), wr, true) + "  " +
               pad(row.user.empty() ? l.unknown_user : row.user, wu) + "  " +
               pad(num(row.count), wc, true) + "  " + pad(percent(row.percent_tenths), wp, true) +
               '\n';
    }
    out += "  " + std::string(l.outcomes_title) + ": ";
    for (std::size_t i = 0; i < outcome_count; ++i) {
        if (i != 0) out += " / ";
        out += std::string(l.outcomes[i]) + " " + num(sr.outcomes.by_outcome[i]);
    }
    out += '\n';
    if (s == section::virtual_analyzer) {
        out += "  " + std::string(l.risk_levels_title) + ": ";
        for (std::size_t i = 0; i < risk_level_count; ++i) {
            if (i != 0) out += " / ";
            out += std::string(l.risk_levels[i]) + " " + num(sr.risk_levels[i]);
        }
        out += '\n';
    }
    if (s == section::dlp) {
        out += "  " + std::string(l.channels_title) + ": " + std::string(l.mail) + " " +
               num(sr.channels[0]) + " / " + std::string(l.storage) + " " + num(sr.channels[1]) +
               '\n';
    }
}

}  // namespace

std::string to_text(const report& r, language lang) {
    const detail::labels& l = detail::labels_for(lang);
    std::string out;
    out += l.report_title;
    out += '\n';
    out.append(display_width(l.report_title), '=');
    out += '\n';

    const std::size_t wl =
        std::max({display_width(l.period), display_width(l.input), display_width(l.detections_between)});
    out += pad(l.period, wl) + "  ";
    if (r.period) {
        out += r.period->month_string() + " (" + to_string(r.period->zone()) + ")  " +
               format_in_zone(r.period->start(), r.period->zone()) + " – " +
               format_in_zone(r.period->end(), r.period->zone());
    } else {
        out += l.all_events;
    }
    out += '\n';
    const input_summary& in = r.input;
    out += pad(l.input, wl) + "  " + std::string(l.records) + " " + num(in.records) + " = " +
           std::string(l.accepted) + " " + num(in.accepted) + " + " + std::string(l.rejected) +
           " " + num(in.rejected) + " + " + std::string(l.duplicates) + " " + num(in.duplicates) +
           " + " + std::string(l.out_of_period) + " " + num(in.out_of_period) + '\n';
    if (in.first_detection && in.last_detection) {
        out += pad(l.detections_between, wl) + "  " + format_utc(*in.first_detection) + " – " +
               format_utc(*in.last_detection) + '\n';
    }

    heading(out, std::string(l.overview_title) + " — " + std::string(l.overview_subtitle));
    std::vector<std::pair<std::string, const service_counts*>> rows;
    for (std::size_t i = 0; i < overview_service_count; ++i) {
        rows.emplace_back(std::string(l.services[i]), &r.overview[i]);
    }
    service_table(out, l, rows);
    if (!r.other_services.empty()) {
        out += "  " + std::string(l.other_services) + '\n';
        rows.clear();
        for (const service_counts& c : r.other_services) {
            rows.emplace_back(c.key == "exchange_server" ? std::string(l.services.back()) : c.key,
                              &c);
        }
        service_table(out, l, rows);
    }

    for (section s : all_sections) section_block(out, r, s, lang);

    if (!in.rejections.empty()) {
        heading(out, l.rejections_title,
                counted(in.rejected, l.unit_events));
        for (const rejection& j : in.rejections) {
            out += "  " + j.source + ":" + num(j.line) + "  " + std::string(to_string(j.reason)) +
                   "  " + j.detail + '\n';
        }
        if (in.rejected > in.rejections.size()) {
            out += "  … " + std::string(l.rejections_more) + " " +
                   num(in.rejected - in.rejections.size()) + '\n';
        }
    }
    return out;
}

}  // namespace casreport
