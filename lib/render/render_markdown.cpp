// The report as Markdown (GitHub-flavoured tables), for tickets and mail.
#include <algorithm>

#include "advice.hpp"
#include "casreport/render.hpp"
#include "render_context.hpp"

namespace casreport::detail {
namespace {

std::string num(std::uint64_t v) { return grouped(v); }

/// Text with Markdown's special characters escaped, safe inside a table cell.
std::string md(std::string_view s) {
    std::string out;
    out.reserve(s.size());
    for (char c : s) {
        if (std::string_view("\\`*_[]<>|~#").find(c) != std::string_view::npos) out += '\\';
        if (c == '\n' || c == '\r') {
            out += ' ';
            continue;
        }
        out += c;
    }
    return out;
}

/// `s` as a code span: shown as is, never turned into a link (a threat's URL or an address
/// like www.evil.example must not become clickable in a ticket) nor into formatting. In a
/// table cell a `|` still ends the cell, even in a code span, so it is escaped there.
std::string code(std::string_view s, bool in_table = false) {
    std::string body;
    for (char c : s) {
        if (c == '|' && in_table) body += '\\';
        body += (c == '\n' || c == '\r') ? ' ' : c;
    }
    // A fence longer than any run of backticks inside.
    std::size_t run = 0;
    std::size_t longest = 0;
    for (char c : body) {
        run = c == '`' ? run + 1 : 0;
        longest = std::max(longest, run);
    }
    const std::string fence(longest + 1, '`');
    const bool pad = !body.empty() && (body.front() == '`' || body.back() == '`');
    return fence + (pad ? " " : "") + body + (pad ? " " : "") + fence;
}

/// A user: the address as a code span (never a link), the unknown user in words.
std::string user(const render_context& ctx, std::string_view name, bool in_table = false) {
    return name.empty() ? md(ctx.user_name(name)) : code(name, in_table);
}

/// A subject: its kind in words, its name as a code span.
std::string subject(const render_context& ctx, const finding_subject& s) {
    std::string out = md(ctx.l().subject_kinds[static_cast<std::size_t>(s.type)]) + " ";
    out += s.type == finding_subject::kind::user ? user(ctx, s.name) : code(s.name);
    return out + " " + md(subject_counts(ctx, s));
}

std::string change_cell(const cell& c) { return c.change ? signed_change(*c.change) : ""; }

std::string plain_with_change(const cell& c) {
    std::string out = num(c.value);
    if (c.change) out += " (" + signed_change(*c.change) + ")";
    return out;
}

void notes(std::string& out, const render_context& ctx, std::optional<section> s) {
    out += "**" + std::string(ctx.l().how_to_read) + "**\n\n";
    for (std::string_view note : reading_notes(s, ctx.lang)) out += "- " + md(note) + '\n';
    out += '\n';
}

void finding_block(std::string& out, const render_context& ctx, const finding& f) {
    out += "### [" + std::string(severity_label(f.level, ctx.lang)) + "] " +
           md(finding_title(f.rule, ctx.lang)) + " (" +
           quantity(f.count, ctx.l().unit_events, ctx.lang) + ")\n\n";
    if (!f.subjects.empty()) {
        out += std::string(ctx.l().subjects) + ":\n\n";
        for (const finding_subject& s : f.subjects) out += "- " + subject(ctx, s) + '\n';
        if (f.more_subjects > 0) out += "- " + md(more_subjects_text(ctx, f)) + '\n';
        out += '\n';
    }
    std::size_t n = 0;
    for (std::string_view a : finding_actions(f.rule, ctx.lang)) {
        out += std::to_string(++n) + ". " + md(a) + '\n';
    }
    if (n != 0) out += '\n';
}

void findings_of(std::string& out, const render_context& ctx, std::optional<section> s) {
    const auto list = ctx.findings_of(s);
    if (list.empty()) return;
    out += "**" + std::string(ctx.l().what_to_do) + "**\n\n";
    for (const finding* f : list) finding_block(out, ctx, *f);
}

void overview(std::string& out, const render_context& ctx) {
    const labels& l = ctx.l();
    const bool cmp = ctx.comparing();
    out += "## " + md(l.overview_title) + " — " + md(l.overview_subtitle) + "\n\n";
    out += "| " + md(l.application) + " | " + md(l.atp) + " | ";
    if (cmp) out += md(l.change) + " | ";
    out += md(l.dlp) + " |";
    if (cmp) out += ' ' + md(l.change) + " |";
    out += cmp ? "\n|---|---:|---:|---:|---:|\n" : "\n|---|---:|---:|\n";
    const auto row = [&](const std::string& name, const overview_row& r, bool bold) {
        const std::string b = bold ? "**" : "";
        out += "| " + b + name + b + " | " + b + num(r.atp.value) + b + " | ";
        if (cmp) out += change_cell(r.atp) + " | ";
        out += b + num(r.dlp.value) + b + " |";
        if (cmp) out += ' ' + change_cell(r.dlp) + " |";
        out += '\n';
    };
    for (const overview_row& r : ctx.overview()) row(md(r.label), r, false);
    for (const overview_row& r : ctx.other_services()) {
        // An unknown service's key is log text: a code span, never a link.
        row(md(l.other_services) + ": " + (r.label == r.key ? code(r.label, true) : md(r.label)), r,
            false);
    }
    const overview_row total = ctx.overview_total();
    row(md(total.label), total, true);
    out += '\n';
    notes(out, ctx, std::nullopt);
}

void section_block(std::string& out, const render_context& ctx, section s) {
    const labels& l = ctx.l();
    const section_report& sr = ctx.r.at(s);
    out += "## " + md(section_title(ctx.lang, s)) + "\n\n";
    out += section_summary(ctx, s, "**", "**") + "\n\n";
    if (sr.total == 0) {
        out += md(l.no_detections) + "\n\n";
    } else {
        out += md(l.top_users) + "\n\n";
        out += "| " + md(l.rank) + " | " + md(l.user) + " | " + md(l.count) + " | " +
               md(l.percent) + " |\n|---:|---|---:|---:|\n";
        std::size_t rank = 0;
        for (const user_row& row : sr.top) {
            out += "| " + num(++rank) + " | " + user(ctx, row.user, true) + " | " + num(row.count) +
                   " | " + tenths_text(row.percent_tenths) + "% |\n";
        }
        out += '\n';
        if (sr.distinct_users > sr.top.size()) {
            out +=
                "… " + md(more_text(ctx, sr.distinct_users - sr.top.size(), l.unit_users)) + "\n\n";
        }
        out += md(l.outcomes_title) + ": ";
        for (std::size_t i = 0; i < outcome_count; ++i) {
            if (i != 0) out += " / ";
            out += md(ctx.outcome_label(s, i)) + " " + plain_with_change(ctx.outcome_count(s, i));
        }
        out += "\n\n";
    }
    const bool breakdown = sr.total > 0 || ctx.prev(s).total > 0;
    if (s == section::virtual_analyzer && breakdown) {
        out += md(l.risk_levels_title) + ": ";
        for (std::size_t i = 0; i < risk_level_count; ++i) {
            if (i != 0) out += " / ";
            out += md(l.risk_levels[i]) + " " + plain_with_change(ctx.risk(i));
        }
        out += "\n\n";
    }
    if (s == section::dlp && breakdown) {
        out += md(l.channels_title) + ": " + md(l.mail) + " " + plain_with_change(ctx.channel(0)) +
               " / " + md(l.storage) + " " + plain_with_change(ctx.channel(1)) + "\n\n";
    }
    notes(out, ctx, s);
    findings_of(out, ctx, s);
}

}  // namespace

std::string render_markdown(const render_context& ctx) {
    const report& r = ctx.r;
    const labels& l = ctx.l();
    std::string out = "# " + md(l.report_title) + " — " + md(period_title(ctx)) + "\n\n";

    if (ctx.has_tenant()) {
        const tenant_info& t = *ctx.tenant;
        if (!t.name.empty()) {
            out += "**" +
                   (ctx.lang == language::en ? md(l.prepared_for) + ": " + md(t.name)
                                             : md(t.name) + md(l.customer_suffix)) +
                   "**\n\n";
        }
        if (!t.provider.empty()) out += md(l.provider) + ": " + md(t.provider) + "  \n";
        out += md(l.issued) + ": " + md(date_text(ctx.issued, ctx.lang)) + "\n\n";
    }
    out += "| | |\n|---|---|\n";
    out += "| " + md(l.period) + " | " + md(period_range(ctx));
    if (r.period) out += " (" + md(zone_text(ctx)) + ")";
    out += " |\n";
    if (ctx.previous != nullptr) {
        out += "| " + md(l.previous_period) + " | " + md(month_title(ctx, ctx.previous->period)) +
               " |\n";
    }
    const input_summary& in = r.input;
    out += "| " + md(l.input) + " | " + md(input_text(ctx)) + " |\n";
    if (in.first_detection && in.last_detection) {
        out += "| " + md(l.detections_between) + " | " + md(detections_text(ctx)) + " |\n";
    }
    out += '\n';
    if (ctx.redacted) out += "> " + md(l.redacted_note) + "\n\n";

    out += "## " + md(l.findings_title) + "\n\n";
    if (r.findings.empty()) {
        out += md(l.no_findings) + "\n\n";
    } else {
        out += "| " + md(l.severity_title) + " | " + md(l.section_title) + " | " +
               md(l.finding_title) + " | " + md(l.count) + " |\n|---|---|---|---:|\n";
        for (const finding& f : r.findings) {
            out += "| " + md(severity_label(f.level, ctx.lang)) + " | " +
                   (f.where ? md(section_title(ctx.lang, *f.where)) : std::string("-")) + " | " +
                   md(finding_title(f.rule, ctx.lang)) + " | " + num(f.count) + " |\n";
        }
        out += '\n';
    }
    findings_of(out, ctx, std::nullopt);

    overview(out, ctx);
    for (section s : all_sections) section_block(out, ctx, s);

    if (!in.rejections.empty()) {
        out += "## " + md(l.rejections_title) + " (" +
               quantity(in.rejected, l.unit_records, ctx.lang) + ")\n\n";
        for (const rejection& j : in.rejections) {
            out += "- " + code(std::string(source_name(j.source)) + ":" + std::to_string(j.line)) +
                   " " + md(reason_text(ctx, j.reason));
            // The parser's own words are English: only the English report shows them.
            if (ctx.lang == language::en && !j.detail.empty()) out += " (" + code(j.detail) + ")";
            out += '\n';
        }
        if (in.rejected > in.rejections.size()) {
            out += "- … " + md(more_text(ctx, in.rejected - in.rejections.size(), l.unit_records)) +
                   '\n';
        }
        out += '\n';
    }
    out += "---\n\n" + md(l.generated_by) + ": " + md(r.generator) + '\n';
    return out;
}

}  // namespace casreport::detail
