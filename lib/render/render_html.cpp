// The report as one self-contained HTML page: inline CSS and inline SVG charts, no scripts, no
// fonts or links from outside, printable on A4 with each section on its own page. Written as
// well-formed XML (XHTML syntax), so XML tools can read it too.
#include <algorithm>

#include "advice.hpp"
#include "casreport/render.hpp"
#include "render_context.hpp"
#include "safe_text.hpp"

namespace casreport::detail {
namespace {

constexpr std::string_view style = R"css(
@page { size: A4; margin: 11mm 12mm 13mm;
  @bottom-center { content: counter(page) " / " counter(pages); font-size: 8.5pt; color: #5b6b7b; } }
* { box-sizing: border-box; }
html { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
body { margin: 0; background: #eef1f4; color: #1d2733; font-size: 10.5pt; line-height: 1.6;
  font-family: "Noto Sans CJK JP", "Noto Sans JP", "Hiragino Kaku Gothic ProN", "Hiragino Sans",
  "Yu Gothic", "YuGothic", "Meiryo", system-ui, sans-serif; }
main { max-width: 200mm; margin: 0 auto; background: #fff; padding: 12mm 13mm 10mm; }
h1 { font-size: 19pt; margin: 0 0 2mm; line-height: 1.3; }
h2 { font-size: 14pt; margin: 0 0 3mm; padding: 0 0 1.5mm 3mm; border-left: 5px solid #1e5a96;
  border-bottom: 1px solid #c9d3dd; }
h3 { font-size: 11pt; margin: 5mm 0 2mm; color: #1e5a96; }
p { margin: 0 0 2mm; }
.eyebrow { color: #5b6b7b; font-size: 9.5pt; margin: 0; letter-spacing: 0.04em; }
.month { font-size: 14pt; font-weight: bold; color: #1e5a96; margin: 0 0 4mm; }
table { border-collapse: collapse; width: 100%; margin: 0 0 3mm; }
th, td { padding: 1.2mm 2mm; border-bottom: 1px solid #e1e6eb; vertical-align: middle; text-align: left; }
th { background: #eef3f8; font-weight: bold; font-size: 9.5pt; }
td.nw { white-space: nowrap; }
td.n, th.n { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
tr.total td { font-weight: bold; border-top: 2px solid #9fb0c1; }
tr.other td:first-child { color: #5b6b7b; }
table.meta th { width: 32mm; background: none; color: #5b6b7b; font-weight: normal; }
table.meta td, table.meta th { border: none; padding: 0.6mm 2mm 0.6mm 0; }
.kpis { display: flex; gap: 3mm; margin: 5mm 0; }
.kpi { flex: 1; border: 1px solid #d5dde5; border-radius: 2mm; padding: 2.5mm 3mm; }
.kpi .k { font-size: 9pt; color: #5b6b7b; }
.kpi .v { font-size: 17pt; font-weight: bold; line-height: 1.25; }
.chg { font-size: 8.5pt; font-weight: normal; white-space: nowrap; margin-left: 1.5mm; }
.chg.up { color: #b3261e; }
.chg.down { color: #2e7d32; }
.chg.same, .chg.neutral { color: #6b7b8b; }
.cover { display: flex; justify-content: space-between; align-items: flex-start; gap: 6mm;
  border-bottom: 2px solid #1e5a96; padding-bottom: 3mm; margin-bottom: 4mm; }
.cover .customer { font-size: 16pt; font-weight: bold; margin: 2mm 0 1mm; }
.cover .issuer { text-align: right; color: #36506a; font-size: 9.5pt; }
.cover .issuer img { display: block; max-width: 45mm; max-height: 16mm; margin: 0 0 2mm auto; }
td.barcell { width: 38%; }
.bar { display: block; height: 3.2mm; background: #2f6fad; border-radius: 0.5mm; }
.bar.none { background: none; }
table.risk td:first-child, table.risk th { white-space: nowrap; }
table.risk td { font-size: 8.5pt; vertical-align: top; line-height: 1.35; }
.charts table.risk { width: 100%; }
.badge { display: inline-block; min-width: 10mm; text-align: center; border-radius: 1mm;
  padding: 0 1.5mm; font-size: 8.5pt; font-weight: bold; color: #fff; }
.sev-critical { background: #a4161a; }
.sev-high { background: #d9480f; }
.sev-medium { background: #f0a202; color: #2b2100; }
.sev-info { background: #5c7080; }
.summary-line { font-size: 11pt; margin: 0 0 3mm; }
.empty { color: #5b6b7b; padding: 4mm; background: #f6f8fa; border-radius: 1.5mm; }
.none { color: #5b6b7b; }
.note { background: #f5f8fb; border-left: 3px solid #8aa4bd; padding: 2mm 4mm 1mm; margin: 4mm 0; break-inside: avoid; }
.note h3 { margin: 0 0 1mm; color: #36506a; }
.note ul { margin: 0 0 1mm; padding-left: 5mm; }
.finding { border: 1px solid #d5dde5; border-left-width: 5px; border-radius: 1.5mm;
  padding: 2mm 4mm; margin: 0 0 3mm; break-inside: avoid; }
.finding.critical { border-left-color: #a4161a; }
.finding.high { border-left-color: #d9480f; }
.finding.medium { border-left-color: #f0a202; }
.finding.info { border-left-color: #5c7080; }
.finding .head { font-weight: bold; margin: 0 0 1mm; }
.finding ul, .finding ol { margin: 0 0 1mm; padding-left: 6mm; }
.finding .who { color: #36506a; font-size: 9.5pt; margin: 0 0 0.5mm; }
.finding .who ul { display: inline; margin: 0; padding: 0; }
.finding .who li { display: inline; }
.finding .who li + li::before { content: "、"; }
.finding .who:lang(en) li + li::before { content: "; "; }
.code { font-family: "DejaVu Sans Mono", Menlo, Consolas, monospace; font-size: 9pt; word-break: break-all; }
.charts { display: flex; gap: 6mm; align-items: center; margin: 0 0 3mm; }
.charts table { width: auto; min-width: 70mm; }
.sw { display: inline-block; width: 3mm; height: 3mm; border-radius: 0.6mm; margin-right: 1.5mm; vertical-align: -0.3mm; }
svg { display: block; }
svg text { font-family: inherit; }
.bars { margin: 0 0 3mm; break-inside: avoid; }
.legend { font-size: 9pt; color: #36506a; margin: 1mm 0 3mm; }
.legend span.item { margin-right: 4mm; white-space: nowrap; }
footer { margin-top: 8mm; padding-top: 3mm; border-top: 1px solid #c9d3dd; font-size: 8.5pt; color: #5b6b7b; }
footer table td, footer table th { font-size: 8.5pt; padding: 0.4mm 2mm; }
a { color: inherit; text-decoration: none; }
section.page { margin-top: 8mm; }
@media print {
  body { background: #fff; font-size: 9pt; line-height: 1.4; }
  th, td { padding: 0.4mm 2mm; }
  h2 { font-size: 13pt; margin: 0 0 2mm; }
  h3 { margin: 2.5mm 0 1mm; }
  .note { margin: 2mm 0; padding: 1.2mm 4mm 0.3mm; font-size: 8.5pt; line-height: 1.35; }
  .finding { font-size: 8.5pt; line-height: 1.35; }
  .finding { padding: 1.5mm 4mm; margin: 0 0 2mm; }
  .kpis { margin: 3mm 0; }
  main { max-width: none; padding: 0; }
  section.page { margin-top: 6mm; }
  h2, h3, .summary-line { break-after: avoid; }
  tr, .keep { break-inside: avoid; }
}
)css";

// Colours: ATP, DLP, risk levels, channels, outcomes.
constexpr std::string_view atp_colour = "#2f6fad";
constexpr std::string_view dlp_colour = "#7b4bb0";
constexpr std::string_view risk_colours[] = {"#b3261e", "#e8710a", "#f2c12e", "#3c8d40", "#9aa8b5"};
constexpr std::string_view channel_colours[] = {"#2f6fad", "#14897d"};
constexpr std::string_view outcome_colours[] = {"#3c8d40", "#e8710a", "#b3261e", "#9aa8b5"};

std::string esc(std::string_view s) { return xml_escape(s); }

std::string num(std::uint64_t v) { return grouped(v); }

/// `bytes` in base64, for a data URI.
std::string base64(std::string_view bytes) {
    static constexpr char alphabet[] =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    std::string out;
    out.reserve((bytes.size() + 2) / 3 * 4);
    for (std::size_t i = 0; i < bytes.size(); i += 3) {
        std::uint32_t v = static_cast<unsigned char>(bytes[i]) << 16U;
        if (i + 1 < bytes.size()) v |= static_cast<unsigned char>(bytes[i + 1]) << 8U;
        if (i + 2 < bytes.size()) v |= static_cast<unsigned char>(bytes[i + 2]);
        out += alphabet[(v >> 18U) & 63U];
        out += alphabet[(v >> 12U) & 63U];
        out += i + 1 < bytes.size() ? alphabet[(v >> 6U) & 63U] : '=';
        out += i + 2 < bytes.size() ? alphabet[v & 63U] : '=';
    }
    return out;
}

/// `num / den * scale` with two decimals, rounded half up, for SVG coordinates (no locale, no
/// floating point, so the bytes never vary).
std::string fixed(std::uint64_t num, std::uint64_t den, std::uint64_t scale) {
    if (den == 0) return "0";
    const std::uint64_t hundredths = (num * scale * 200 + den) / (2 * den);
    std::string frac = std::to_string(hundredths % 100);
    if (frac.size() < 2) frac.insert(0, "0");
    return std::to_string(hundredths / 100) + "." + frac;
}

/// A signed number of hundredths, "12.50" / "-3.25".
std::string hundredths_text(std::int64_t h) {
    const bool negative = h < 0;
    const std::uint64_t a =
        negative ? static_cast<std::uint64_t>(-h) : static_cast<std::uint64_t>(h);
    std::string frac = std::to_string(a % 100);
    if (frac.size() < 2) frac.insert(0, "0");
    return (negative ? "-" : "") + std::to_string(a / 100) + "." + frac;
}

/// A change, coloured by what it means: a rise of something bad is red, its fall green; a
/// change of something neutral (remediated threats, low-risk verdicts) stays grey.
std::string change_span(const cell& c) {
    if (!c.change) return {};
    const std::int64_t d = *c.change;
    const char* cls = d == 0                       ? "same"
                      : c.meaning == rise::neutral ? "neutral"
                      : d > 0                      ? "up"
                                                   : "down";
    return std::string("<span class=\"chg ") + cls + "\">" + esc(signed_change(d)) + "</span>";
}

std::string severity_class(severity s) { return std::string(to_string(s)); }

class html_writer {
public:
    explicit html_writer(const render_context& ctx) : ctx_(ctx), l_(ctx.l()) {}

    std::string render() {
        const report& r = ctx_.r;
        const std::string lang = ctx_.lang == language::en ? "en" : "ja";
        out_ += "<!DOCTYPE html>\n";
        out_ += "<html xmlns=\"http://www.w3.org/1999/xhtml\" lang=\"" + lang + "\" xml:lang=\"" +
                lang + "\">\n<head>\n<meta charset=\"utf-8\"/>\n";
        out_ += html_content_policy;
        out_ += "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"/>\n";
        out_ += "<meta name=\"generator\" content=\"" + esc(r.generator) + "\"/>\n";
        out_ += "<title>" + esc(l_.report_title) + " — " + esc(period_title(ctx_)) + "</title>\n";
        out_ += "<style>";
        out_ += style;
        out_ += "</style>\n</head>\n<body>\n<main>\n";
        cover();
        findings_summary();
        overview();
        for (section s : all_sections) section_page(s);
        footer();
        out_ += "</main>\n</body>\n</html>\n";
        return std::move(out_);
    }

private:
    // ---- cover: title, period, key numbers, findings ------------------------------------

    void cover() {
        const report& r = ctx_.r;
        out_ += "<header>\n";
        if (ctx_.has_tenant()) {
            const tenant_info& t = *ctx_.tenant;
            out_ += "<div class=\"cover\"><div>\n";
            out_ += "<p class=\"eyebrow\">Trend Micro Cloud App Security</p>\n";
            if (!t.name.empty()) {
                out_ += "<p class=\"customer\">";
                if (ctx_.lang == language::en) {
                    out_ += "<span class=\"eyebrow\">" + esc(l_.prepared_for) + "</span><br/>" +
                            esc(t.name);
                } else {
                    out_ += esc(t.name) + esc(l_.customer_suffix);
                }
                out_ += "</p>\n";
            }
            out_ += "</div><div class=\"issuer\">\n";
            if (!t.logo.empty()) {
                out_ += "<img alt=\"\" src=\"data:" + std::string(logo_type(t.logo)) + ";base64," +
                        base64(t.logo) + "\"/>\n";
            }
            if (!t.provider.empty()) {
                out_ += "<div>" + esc(l_.provider) + ": <b>" + esc(t.provider) + "</b></div>\n";
            }
            out_ += "<div>" + esc(l_.issued) + ": " + esc(date_text(ctx_.issued, ctx_.lang)) +
                    "</div>\n</div></div>\n";
        } else {
            out_ += "<p class=\"eyebrow\">Trend Micro Cloud App Security</p>\n";
        }
        out_ += "<h1>" + esc(l_.report_title) + "</h1>\n";
        out_ += "<p class=\"month\">" + esc(period_title(ctx_)) + "</p>\n";
        out_ += "<table class=\"meta\">\n";
        meta_row(l_.period,
                 period_range(ctx_) + (r.period ? " (" + zone_text(ctx_) + ")" : std::string()));
        if (ctx_.previous != nullptr) {
            meta_row(l_.previous_period, month_title(ctx_, ctx_.previous->period));
        }
        meta_row(l_.input, input_text(ctx_));
        const std::string between = detections_text(ctx_);
        if (!between.empty()) meta_row(l_.detections_between, between);
        out_ += "</table>\n";
        if (ctx_.redacted) out_ += "<p class=\"none\">" + esc(l_.redacted_note) + "</p>\n";

        const overview_row total = ctx_.overview_total();
        out_ += "<div class=\"kpis\">\n";
        kpi(l_.atp, total.atp, l_.unit_events);
        kpi(l_.dlp, total.dlp, l_.unit_events);
        std::array<std::size_t, 4> by_level{};
        for (const finding& f : r.findings) ++by_level[static_cast<std::size_t>(f.level)];
        out_ += "<div class=\"kpi\"><div class=\"k\">" + esc(l_.findings_title) +
                "</div><div class=\"v\">" +
                esc(quantity(r.findings.size(), l_.unit_findings, ctx_.lang)) + "</div><div>";
        for (std::size_t i = 0; i < by_level.size(); ++i) {
            if (by_level[i] == 0) continue;
            const auto level = static_cast<severity>(i);
            out_ += "<span class=\"badge sev-" + severity_class(level) + "\">" +
                    esc(severity_label(level, ctx_.lang)) + " " + num(by_level[i]) + "</span> ";
        }
        out_ += "</div></div>\n</div>\n</header>\n";
    }

    void meta_row(std::string_view key, const std::string& value) {
        out_ += "<tr><th>" + esc(key) + "</th><td>" + esc(value) + "</td></tr>\n";
    }

    void kpi(std::string_view label, const cell& c, std::string_view unit) {
        out_ += "<div class=\"kpi\"><div class=\"k\">" + esc(label) + "</div><div class=\"v\">" +
                esc(quantity(c.value, unit, ctx_.lang)) + change_span(c) + "</div></div>\n";
    }

    void findings_summary() {
        const report& r = ctx_.r;
        out_ += "<section id=\"findings\">\n<h2>" + esc(l_.findings_title) + "</h2>\n";
        if (r.findings.empty()) {
            out_ += "<p class=\"empty\">" + esc(l_.no_findings) + "</p>\n";
        } else {
            out_ += "<table>\n<tr><th>" + esc(l_.severity_title) + "</th><th>" +
                    esc(l_.section_title) + "</th><th>" + esc(l_.finding_title) +
                    "</th><th class=\"n\">" + esc(l_.count) + "</th></tr>\n";
            for (const finding& f : r.findings) {
                out_ += "<tr><td><span class=\"badge sev-" + severity_class(f.level) + "\">" +
                        esc(severity_label(f.level, ctx_.lang)) + "</span></td><td class=\"nw\">";
                if (f.where) {
                    out_ += "<a href=\"#" + std::string(to_string(*f.where)) + "\">" +
                            esc(section_title(ctx_.lang, *f.where)) + "</a>";
                } else {
                    out_ += "-";
                }
                out_ += "</td><td>" + esc(finding_title(f.rule, ctx_.lang)) +
                        "</td><td class=\"n\">" + num(f.count) + "</td></tr>\n";
            }
            out_ += "</table>\n";
        }
        findings_of(std::nullopt);
        out_ += "</section>\n";
    }

    // ---- overview -----------------------------------------------------------------------

    void overview() {
        const bool cmp = ctx_.comparing();
        std::vector<overview_row> rows = ctx_.overview();
        const std::size_t fixed_rows = rows.size();
        for (overview_row& o : ctx_.other_services()) rows.push_back(std::move(o));
        std::uint64_t max = 0;
        for (const overview_row& o : rows) max = std::max({max, o.atp.value, o.dlp.value});

        out_ += "<section class=\"page\" id=\"overview\">\n<h2>" + esc(l_.overview_title) +
                "</h2>\n<h3>" + esc(l_.overview_subtitle) + "</h3>\n<table>\n<tr><th>" +
                esc(l_.application) + "</th><th class=\"n\" colspan=\"2\">" + esc(l_.atp) + "</th>";
        if (cmp) out_ += "<th class=\"n\">" + esc(l_.change) + "</th>";
        out_ += "<th class=\"n\" colspan=\"2\">" + esc(l_.dlp) + "</th>";
        if (cmp) out_ += "<th class=\"n\">" + esc(l_.change) + "</th>";
        out_ += "</tr>\n";
        for (std::size_t i = 0; i < rows.size(); ++i) {
            const overview_row& o = rows[i];
            std::string name = o.label;
            if (i >= fixed_rows) name = std::string(l_.other_services) + ": " + name;
            out_ += std::string(i >= fixed_rows ? "<tr class=\"other\">" : "<tr>") + "<td>" +
                    esc(name) + "</td>";
            overview_cells(o.atp, max, atp_colour);
            overview_cells(o.dlp, max, dlp_colour);
            out_ += "</tr>\n";
        }
        const overview_row total = ctx_.overview_total();
        out_ += "<tr class=\"total\"><td>" + esc(total.label) + "</td><td class=\"n\">" +
                num(total.atp.value) + "</td><td></td>";
        if (cmp) out_ += "<td class=\"n\">" + change_span(total.atp) + "</td>";
        out_ += "<td class=\"n\">" + num(total.dlp.value) + "</td><td></td>";
        if (cmp) out_ += "<td class=\"n\">" + change_span(total.dlp) + "</td>";
        out_ += "</tr>\n</table>\n";
        notes(std::nullopt);
        out_ += "</section>\n";
    }

    /// A count, its bar (scaled to the largest count of the table) and its change.
    void overview_cells(const cell& c, std::uint64_t max, std::string_view colour) {
        out_ += "<td class=\"n\">" + num(c.value) + "</td><td>";
        out_ +=
            "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"110\" height=\"10\" "
            "viewBox=\"0 0 110 10\" aria-hidden=\"true\">"
            "<rect x=\"0\" y=\"0\" width=\"110\" height=\"10\" fill=\"#f0f3f6\"/>";
        if (c.value > 0) {
            out_ += "<rect x=\"0\" y=\"0\" width=\"" + fixed(c.value, max, 110) +
                    "\" height=\"10\" fill=\"" + std::string(colour) + "\"/>";
        }
        out_ += "</svg></td>";
        if (ctx_.comparing()) out_ += "<td class=\"n\">" + change_span(c) + "</td>";
    }

    // ---- detail sections ----------------------------------------------------------------

    void section_page(section s) {
        const section_report& sr = ctx_.r.at(s);
        out_ += "<section class=\"page\" id=\"" + std::string(to_string(s)) + "\">\n<h2>" +
                esc(section_title(ctx_.lang, s)) + "</h2>\n";
        const cell total = ctx_.total(s);
        const cell users = ctx_.distinct_users(s);
        out_ += "<p class=\"summary-line\">" + esc(l_.total) + " <b>" +
                esc(quantity(total.value, l_.unit_events, ctx_.lang)) + "</b>" +
                change_span(total) + " / ";
        if (ctx_.lang != language::en) out_ += esc(l_.distinct_users) + " ";
        out_ += "<b>" + esc(quantity(users.value, l_.unit_users, ctx_.lang)) + "</b>" +
                change_span(users) + "</p>\n";
        if (sr.total == 0) {
            out_ += "<p class=\"empty\">" + esc(l_.no_detections) + "</p>\n";
        } else {
            out_ += "<h3>" + esc(l_.top_users) + "</h3>\n";
            top_table(sr);
            out_ += "<div class=\"keep\"><h3>" + esc(l_.outcomes_title) + "</h3>\n";
            std::vector<std::pair<std::string_view, cell>> parts;
            for (std::size_t i = 0; i < outcome_count; ++i) {
                parts.emplace_back(ctx_.outcome_label(s, i), ctx_.outcome_count(s, i));
            }
            stacked_bar(parts, outcome_colours);
            out_ += "</div>\n";
        }
        const bool breakdown = sr.total > 0 || ctx_.prev(s).total > 0;
        if (s == section::virtual_analyzer && breakdown) {
            out_ += "<h3>" + esc(l_.risk_levels_title) + "</h3>\n";
            std::vector<std::pair<std::string_view, cell>> parts;
            for (std::size_t i = 0; i < risk_level_count; ++i) {
                parts.emplace_back(l_.risk_levels[i], ctx_.risk(i));
            }
            ring(parts, risk_colours, l_.risk_levels_title,
                 {l_.risk_descriptions.begin(), l_.risk_descriptions.end()});
        }
        if (s == section::dlp && breakdown) {
            out_ += "<h3>" + esc(l_.channels_title) + "</h3>\n";
            ring({{l_.mail, ctx_.channel(0)}, {l_.storage, ctx_.channel(1)}}, channel_colours,
                 l_.channels_title);
        }
        notes(s);
        findings_of(s);
        out_ += "</section>\n";
    }

    /// The top users: rank, user, a bar scaled to the first user's count, count and share.
    void top_table(const section_report& sr) {
        const std::uint64_t max = sr.top.empty() ? 0 : sr.top.front().count;
        out_ += "<table class=\"top\">\n<tr><th class=\"n\">" + esc(l_.rank) + "</th><th>" +
                esc(l_.user) + "</th><th></th><th class=\"n\">" + esc(l_.count) +
                "</th><th class=\"n\">" + esc(l_.percent) + "</th></tr>\n";
        std::size_t rank = 0;
        for (const user_row& row : sr.top) {
            out_ += "<tr><td class=\"n\">" + num(++rank) + "</td><td>" +
                    esc(ctx_.user_name(row.user)) + "</td><td class=\"barcell\">" +
                    "<span class=\"bar\" style=\"width:" + fixed(row.count, max, 100) +
                    "%\"></span></td><td class=\"n\">" + num(row.count) + "</td><td class=\"n\">" +
                    tenths_text(row.percent_tenths) + "%</td></tr>\n";
        }
        out_ += "</table>\n";
        if (sr.distinct_users > sr.top.size()) {
            out_ += "<p class=\"none\">… " +
                    esc(more_text(ctx_, sr.distinct_users - sr.top.size(), l_.unit_users)) +
                    "</p>\n";
        }
    }

    /// Shares of a whole as one bar, with a legend.
    template <std::size_t N>
    void stacked_bar(const std::vector<std::pair<std::string_view, cell>>& parts,
                     const std::string_view (&colours)[N]) {
        std::uint64_t total = 0;
        for (const auto& p : parts) total += p.second.value;
        out_ +=
            "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"100%\" viewBox=\"0 0 680 16\" "
            "aria-hidden=\"true\"><rect x=\"0\" y=\"0\" width=\"680\" height=\"16\" "
            "fill=\"#f0f3f6\"/>";
        std::uint64_t before = 0;
        for (std::size_t i = 0; i < parts.size(); ++i) {
            const std::uint64_t v = parts[i].second.value;
            if (v == 0 || total == 0) continue;
            out_ += "<rect x=\"" + fixed(before, total, 680) + "\" y=\"0\" width=\"" +
                    fixed(v, total, 680) + "\" height=\"16\" fill=\"" +
                    std::string(colours[i % N]) + "\"/>";
            before = saturating_add(before, v);
        }
        out_ += "</svg>\n<p class=\"legend\">";
        for (std::size_t i = 0; i < parts.size(); ++i) {
            out_ += "<span class=\"item\"><span class=\"sw\" style=\"background:" +
                    std::string(colours[i % N]) + "\"></span>" + esc(parts[i].first) + " " +
                    num(parts[i].second.value) + change_span(parts[i].second) + "</span>";
        }
        out_ += "</p>\n";
    }

    /// Shares of a whole as a ring, the total in its middle, with a legend table; with
    /// `meanings`, the legend also says what each part means (the guide's risk-level table).
    template <std::size_t N>
    void ring(const std::vector<std::pair<std::string_view, cell>>& parts,
              const std::string_view (&colours)[N], std::string_view title,
              const std::vector<std::string_view>& meanings = {}) {
        std::uint64_t total = 0;
        for (const auto& p : parts) total = saturating_add(total, p.second.value);
        // r = 100 / (2π): the circumference is 100, so dash lengths are percentages.
        const std::string circle = "<circle cx=\"21\" cy=\"21\" r=\"15.91549\" fill=\"none\" ";
        out_ +=
            "<div class=\"charts\"><svg xmlns=\"http://www.w3.org/2000/svg\" width=\"120\" "
            "height=\"120\" viewBox=\"0 0 42 42\" role=\"img\" aria-label=\"" +
            esc(title) + "\">" + circle + "stroke=\"#e6ebf0\" stroke-width=\"6\"/>";
        std::uint64_t before = 0;
        for (std::size_t i = 0; i < parts.size(); ++i) {
            const std::uint64_t v = parts[i].second.value;
            if (v == 0 || total == 0) continue;
            // Ends in hundredths of the circumference, so the segments meet exactly.
            const std::int64_t start = rounded_share(before, total, 10000);
            const std::int64_t end = rounded_share(saturating_add(before, v), total, 10000);
            out_ += circle + "stroke=\"" + std::string(colours[i % N]) +
                    "\" stroke-width=\"6\" stroke-dasharray=\"" + hundredths_text(end - start) +
                    " " + hundredths_text(10000 - (end - start)) + "\" stroke-dashoffset=\"" +
                    hundredths_text(2500 - start) + "\"/>";
            before = saturating_add(before, v);
        }
        out_ +=
            "<text x=\"21\" y=\"23.5\" text-anchor=\"middle\" font-size=\"7\" "
            "font-weight=\"bold\" fill=\"#1d2733\">" +
            num(total) + "</text></svg>\n";
        const bool explained = meanings.size() == parts.size();
        out_ += explained
                    ? "<table class=\"risk\">\n<tr><th>" + esc(title) + "</th><th class=\"n\">" +
                          esc(l_.count) + "</th><th class=\"n\">%</th>" +
                          (ctx_.comparing() ? "<th></th>" : "") + "<th>" + esc(l_.risk_meaning) +
                          "</th></tr>\n"
                    : std::string("<table>\n");
        for (std::size_t i = 0; i < parts.size(); ++i) {
            const cell& c = parts[i].second;
            out_ += "<tr><td><span class=\"sw\" style=\"background:" + std::string(colours[i % N]) +
                    "\"></span>" + esc(parts[i].first) + "</td><td class=\"n\">" + num(c.value) +
                    "</td><td class=\"n\">" +
                    (total == 0 ? std::string("-")
                                : tenths_text(percent_tenths(c.value, total)) + "%") +
                    "</td>";
            if (ctx_.comparing()) out_ += "<td class=\"n\">" + change_span(c) + "</td>";
            if (explained) out_ += "<td>" + esc(meanings[i]) + "</td>";
            out_ += "</tr>\n";
        }
        out_ += "</table></div>\n";
    }

    void notes(std::optional<section> s) {
        out_ += "<div class=\"note\"><h3>" + esc(l_.how_to_read) + "</h3><ul>\n";
        for (std::string_view n : reading_notes(s, ctx_.lang)) out_ += "<li>" + esc(n) + "</li>\n";
        out_ += "</ul></div>\n";
    }

    void findings_of(std::optional<section> s) {
        const auto list = ctx_.findings_of(s);
        if (list.empty()) return;
        out_ += "<h3>" + esc(l_.what_to_do) + "</h3>\n";
        for (const finding* f : list) finding_card(*f);
    }

    void finding_card(const finding& f) {
        out_ += "<div class=\"finding " + severity_class(f.level) +
                "\">\n<p class=\"head\">"
                "<span class=\"badge sev-" +
                severity_class(f.level) + "\">" + esc(severity_label(f.level, ctx_.lang)) +
                "</span> " + esc(finding_title(f.rule, ctx_.lang)) + " (" +
                esc(quantity(f.count, l_.unit_events, ctx_.lang)) + ")</p>\n";
        if (!f.subjects.empty()) {
            out_ += "<div class=\"who\">" + esc(l_.subjects) + ": <ul>\n";
            for (const finding_subject& s : f.subjects) {
                const bool code = s.type == finding_subject::kind::threat ||
                                  s.type == finding_subject::kind::file;
                out_ += "<li>" + esc(l_.subject_kinds[static_cast<std::size_t>(s.type)]) + " " +
                        (code ? "<span class=\"code\">" : "<b>") +
                        esc(s.type == finding_subject::kind::user ? ctx_.user_name(s.name)
                                                                  : std::string_view(s.name)) +
                        (code ? "</span>" : "</b>") + " (" +
                        esc(quantity(s.count, l_.unit_events, ctx_.lang));
                if (s.type != finding_subject::kind::user) {
                    out_ += ", " + esc(quantity(s.distinct_users, l_.unit_users, ctx_.lang));
                }
                out_ += ")</li>\n";
            }
            if (f.more_subjects > 0) {
                out_ += "<li>" + esc(more_subjects_text(ctx_, f)) + "</li>\n";
            }
            out_ += "</ul></div>\n";
        }
        const auto actions = finding_actions(f.rule, ctx_.lang);
        if (!actions.empty()) {
            out_ += "<ol>\n";
            for (std::string_view a : actions) out_ += "<li>" + esc(a) + "</li>\n";
            out_ += "</ol>\n";
        }
        out_ += "</div>\n";
    }

    // ---- footer -------------------------------------------------------------------------

    void footer() {
        const input_summary& in = ctx_.r.input;
        out_ += "<footer>\n";
        if (!in.rejections.empty()) {
            out_ += "<p>" + esc(l_.rejections_title) + " (" +
                    esc(quantity(in.rejected, l_.unit_records, ctx_.lang)) + ")</p>\n<table>\n";
            for (const rejection& j : in.rejections) {
                // The file name only (the MSP's folders are not the customer's business), the
                // reason in the report's language; the parser's English words in English only.
                out_ += "<tr><td class=\"code\">" + esc(source_name(j.source)) + ":" +
                        std::to_string(j.line) + "</td><td>" + esc(reason_text(ctx_, j.reason)) +
                        "</td>";
                if (ctx_.lang == language::en) out_ += "<td>" + esc(j.detail) + "</td>";
                out_ += "</tr>\n";
            }
            out_ += "</table>\n";
            if (in.rejected > in.rejections.size()) {
                out_ += "<p>… " +
                        esc(more_text(ctx_, in.rejected - in.rejections.size(), l_.unit_records)) +
                        "</p>\n";
            }
        }
        out_ += "<p>" + esc(l_.generated_by) + ": " + esc(ctx_.r.generator) + "</p>\n</footer>\n";
    }

    const render_context& ctx_;
    const labels& l_;
    std::string out_;
};

}  // namespace

std::string render_html(const render_context& ctx) { return html_writer(ctx).render(); }

}  // namespace casreport::detail
