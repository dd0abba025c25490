// A readable terminal report, in the guide's order: findings first, then the overview and each
// section with its numbers, its reading notes and the findings that concern it.
#include <algorithm>

#include "advice.hpp"
#include "casreport/render.hpp"
#include "labels.hpp"
#include "render_context.hpp"
#include "text_width.hpp"

namespace casreport::detail {
namespace {

constexpr std::size_t line_width = 100;

std::string num(std::uint64_t v) { return grouped(v); }

std::string percent(std::uint32_t tenths) { return tenths_text(tenths) + "%"; }

/// "12件 (+2)" when comparing, else "12件".
std::string with_change(const render_context& ctx, const cell& c, std::string_view unit) {
    std::string out = quantity(c.value, unit, ctx.lang);
    if (c.change) out += " (" + signed_change(*c.change) + ")";
    return out;
}

std::string plain_change(const cell& c) { return c.change ? signed_change(*c.change) : ""; }

/// Characters a Japanese line should not start with (kinsoku).
bool no_line_start(std::string_view ch) {
    static constexpr std::string_view closing[] = {"、", "。", "」", "』", "）", ")", "】", "・",
                                                   "ー", "々", "件", "名", ",",  ".", "!",  "?"};
    return std::find(std::begin(closing), std::end(closing), ch) != std::end(closing);
}

/// `text` wrapped at `width` columns: ASCII words stay whole, Japanese breaks between
/// characters. Each line starts with `first` (the first) or `rest` (the others).
std::string wrap(std::string_view text, std::string_view first, std::string_view rest,
                 std::size_t width = line_width) {
    // Units: a run of ASCII non-space bytes, one space, or one non-ASCII character.
    std::vector<std::string_view> units;
    for (std::size_t i = 0; i < text.size();) {
        const auto b = static_cast<unsigned char>(text[i]);
        std::size_t n = 1;
        if (b >= 0x80) {
            n = std::min(utf8_lead_length(b), text.size() - i);
        } else if (b != ' ') {
            while (i + n < text.size() && text[i + n] != ' ' &&
                   static_cast<unsigned char>(text[i + n]) < 0x80) {
                ++n;
            }
        }
        units.push_back(text.substr(i, n));
        i += n;
    }
    std::string out(first);
    std::size_t col = display_width(first);
    const std::size_t indent = display_width(rest);
    bool line_empty = true;
    for (std::size_t k = 0; k < units.size(); ++k) {
        const std::string_view u = units[k];
        if (u == " " && line_empty) continue;
        std::size_t w = display_width(u);
        // Keep closing punctuation with the character before it.
        if (k + 1 < units.size() && no_line_start(units[k + 1])) w += display_width(units[k + 1]);
        if (!line_empty && col + w > width && u != " ") {
            while (!out.empty() && out.back() == ' ') out.pop_back();
            out += '\n';
            out += rest;
            col = indent;
            line_empty = true;
        }
        if (u == " " && line_empty) continue;
        out += u;
        col += display_width(u);
        line_empty = false;
    }
    out += '\n';
    return out;
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

void overview_table(std::string& out, const render_context& ctx) {
    const labels& l = ctx.l();
    std::vector<overview_row> rows = ctx.overview();
    for (overview_row& row : ctx.other_services()) {
        row.label = std::string(l.other_services) + ": " + row.label;
        rows.push_back(std::move(row));
    }
    const overview_row total = ctx.overview_total();
    std::size_t w = display_width(l.application);
    for (const auto& row : rows) w = std::max(w, display_width(row.label));
    w = std::max(w, display_width(total.label));
    const std::size_t wa = std::max<std::size_t>(display_width(l.atp), 6);
    const std::size_t wd = std::max<std::size_t>(display_width(l.dlp), 6);
    const std::size_t wc = std::max<std::size_t>(display_width(l.change), 6);
    const bool cmp = ctx.comparing();
    const auto line = [&](std::string_view name, std::string_view atp, std::string_view atp_c,
                          std::string_view dlp, std::string_view dlp_c) {
        std::string s = "  " + pad(name, w) + "  " + pad(atp, wa, true);
        if (cmp) s += "  " + pad(atp_c, wc, true);
        s += "  " + pad(dlp, wd, true);
        if (cmp) s += "  " + pad(dlp_c, wc, true);
        while (!s.empty() && s.back() == ' ') s.pop_back();
        out += s + '\n';
    };
    line(l.application, l.atp, l.change, l.dlp, l.change);
    for (const auto& row : rows) {
        line(row.label, num(row.atp.value), plain_change(row.atp), num(row.dlp.value),
             plain_change(row.dlp));
    }
    line(total.label, num(total.atp.value), plain_change(total.atp), num(total.dlp.value),
         plain_change(total.dlp));
}

void notes(std::string& out, const render_context& ctx, std::optional<section> s) {
    out += "  " + std::string(ctx.l().how_to_read) + '\n';
    const std::string_view bullet = ctx.lang == language::en ? "  - " : "  ・";
    for (std::string_view note : reading_notes(s, ctx.lang)) out += wrap(note, bullet, "    ");
}

std::string finding_line(const render_context& ctx, const finding& f) {
    return "[" + std::string(severity_label(f.level, ctx.lang)) + "] " +
           std::string(finding_title(f.rule, ctx.lang)) + " (" +
           quantity(f.count, ctx.l().unit_events, ctx.lang) + ")";
}

/// A finding in full: heading, subjects, actions.
void finding_block(std::string& out, const render_context& ctx, const finding& f) {
    out += "  " + finding_line(ctx, f) + '\n';
    // One subject a line, under the "Concerns:" lead.
    const std::string lead = "    " + std::string(ctx.l().subjects) + ": ";
    const std::string indent(display_width(lead), ' ');
    bool first = true;
    for (const finding_subject& s : f.subjects) {
        out += wrap(subject_text(ctx, s), first ? lead : indent, indent + "  ");
        first = false;
    }
    if (f.more_subjects > 0) out += indent + more_subjects_text(ctx, f) + '\n';
    std::size_t n = 0;
    for (std::string_view a : finding_actions(f.rule, ctx.lang)) {
        out += wrap(a, "    " + std::to_string(++n) + ". ", "       ");
    }
}

void findings_of(std::string& out, const render_context& ctx, std::optional<section> s) {
    const auto list = ctx.findings_of(s);
    if (list.empty()) return;
    out += "  " + std::string(ctx.l().what_to_do) + '\n';
    for (const finding* f : list) finding_block(out, ctx, *f);
}

void section_block(std::string& out, const render_context& ctx, section s) {
    const labels& l = ctx.l();
    const section_report& sr = ctx.r.at(s);
    const std::string extra = section_summary(ctx, s);
    heading(out, l.sections[static_cast<std::size_t>(s)], extra);
    if (sr.total == 0) {
        out += "  " + std::string(l.no_detections) + '\n';
    } else {
        std::size_t wu = display_width(l.user);
        for (const user_row& row : sr.top) {
            wu = std::max(wu, display_width(ctx.user_name(row.user)));
        }
        wu = std::min<std::size_t>(wu, 48);
        const std::size_t wr = std::max<std::size_t>(display_width(l.rank), 4);
        const std::size_t wc = std::max<std::size_t>(display_width(l.count), 6);
        constexpr std::size_t wp = 7;
        out += "  " + std::string(l.top_users) + '\n';
        out += "  " + pad(l.rank, wr, true) + "  " + pad(l.user, wu) + "  " +
               pad(l.count, wc, true) + "  " + pad(l.percent, wp, true) + '\n';
        std::size_t rank = 0;
        for (const user_row& row : sr.top) {
            out += "  " + pad(num(++rank), wr, true) + "  " + pad(ctx.user_name(row.user), wu) +
                   "  " + pad(num(row.count), wc, true) + "  " +
                   pad(percent(row.percent_tenths), wp, true) + '\n';
        }
        if (sr.distinct_users > sr.top.size()) {
            out += "  … " + more_text(ctx, sr.distinct_users - sr.top.size(), l.unit_users) + '\n';
        }
        std::string line = std::string(l.outcomes_title) + ": ";
        for (std::size_t i = 0; i < outcome_count; ++i) {
            if (i != 0) line += " / ";
            line += std::string(ctx.outcome_label(s, i)) + " " +
                    with_change(ctx, ctx.outcome_count(s, i), "");
        }
        out += wrap(line, "  ", "    ");
    }
    // Risk levels and channels, when there is something to show or to compare.
    const bool breakdown = sr.total > 0 || ctx.prev(s).total > 0;
    if (s == section::virtual_analyzer && breakdown) {
        std::string line = std::string(l.risk_levels_title) + ": ";
        for (std::size_t i = 0; i < risk_level_count; ++i) {
            if (i != 0) line += " / ";
            line += std::string(l.risk_levels[i]) + " " + with_change(ctx, ctx.risk(i), "");
        }
        out += wrap(line, "  ", "    ");
    }
    if (s == section::dlp && breakdown) {
        out += wrap(std::string(l.channels_title) + ": " + std::string(l.mail) + " " +
                        with_change(ctx, ctx.channel(0), "") + " / " + std::string(l.storage) +
                        " " + with_change(ctx, ctx.channel(1), ""),
                    "  ", "    ");
    }
    notes(out, ctx, s);
    findings_of(out, ctx, s);
}

}  // namespace

std::string render_text(const render_context& ctx) {
    const report& r = ctx.r;
    const labels& l = ctx.l();
    std::string out;
    const std::string title = std::string(l.report_title) + " — " + period_title(ctx);
    out += title + '\n';
    out.append(display_width(title), '=');
    out += '\n';

    if (ctx.has_tenant()) {
        const tenant_info& t = *ctx.tenant;
        if (!t.name.empty()) {
            out += ctx.lang == language::en ? std::string(l.prepared_for) + ": " + t.name
                                            : t.name + std::string(l.customer_suffix);
            out += '\n';
        }
        if (!t.provider.empty()) out += std::string(l.provider) + ": " + t.provider + '\n';
        out += std::string(l.issued) + ": " + date_text(ctx.issued, ctx.lang) + "\n\n";
    }
    const std::size_t wl =
        std::max({display_width(l.period), display_width(l.input),
                  display_width(l.detections_between), display_width(l.previous_period)});
    out += pad(l.period, wl) + "  " + period_range(ctx);
    if (r.period) out += " (" + zone_text(ctx) + ")";
    out += '\n';
    if (ctx.previous != nullptr) {
        out += pad(l.previous_period, wl) + "  " + month_title(ctx, ctx.previous->period) + '\n';
    }
    const input_summary& in = r.input;
    out += wrap(input_text(ctx), pad(l.input, wl) + "  ", std::string(wl + 2, ' '));
    if (in.first_detection && in.last_detection) {
        out += pad(l.detections_between, wl) + "  " + detections_text(ctx) + '\n';
    }
    if (ctx.redacted) out += std::string(l.redacted_note) + '\n';

    heading(out, l.findings_title, quantity(r.findings.size(), l.unit_findings, ctx.lang));
    if (r.findings.empty()) out += "  " + std::string(l.no_findings) + '\n';
    for (const finding& f : r.findings) {
        std::string line = "[" + std::string(severity_label(f.level, ctx.lang)) + "] ";
        if (f.where) line += std::string(section_title(ctx.lang, *f.where)) + " — ";
        line += std::string(finding_title(f.rule, ctx.lang)) + " (" +
                quantity(f.count, l.unit_events, ctx.lang) + ")";
        out += wrap(line, "  ", "    ");
    }
    findings_of(out, ctx, std::nullopt);

    heading(out, std::string(l.overview_title) + " — " + std::string(l.overview_subtitle));
    overview_table(out, ctx);
    notes(out, ctx, std::nullopt);

    for (section s : all_sections) section_block(out, ctx, s);

    if (!in.rejections.empty()) {
        heading(out, l.rejections_title, quantity(in.rejected, l.unit_records, ctx.lang));
        for (const rejection& j : in.rejections) {
            std::string line = std::string(source_name(j.source)) + ":" + std::to_string(j.line) +
                               "  " + std::string(reason_text(ctx, j.reason));
            // The parser's own words are English: only the English report shows them.
            if (ctx.lang == language::en && !j.detail.empty()) line += " (" + j.detail + ")";
            out += wrap(line, "  ", "    ");
        }
        if (in.rejected > in.rejections.size()) {
            out +=
                "  … " + more_text(ctx, in.rejected - in.rejections.size(), l.unit_records) + '\n';
        }
    }
    out += '\n' + std::string(l.generated_by) + ": " + r.generator + '\n';
    return out;
}

}  // namespace casreport::detail
