// `render`: one report object, five formats; and the helpers they share.
#include "casreport/render.hpp"

#include <ctime>
#include <map>

#include "render_context.hpp"
#include "render_pdf.hpp"
#include "safe_text.hpp"

namespace casreport {
namespace detail {

std::string signed_change(std::int64_t d) {
    if (d == 0) return "±0";
    // The magnitude as unsigned: -INT64_MIN does not fit an int64_t.
    const std::uint64_t magnitude =
        d > 0 ? static_cast<std::uint64_t>(d) : ~static_cast<std::uint64_t>(d) + 1;
    return (d > 0 ? "+" : "-") + grouped(magnitude);
}

std::string quantity(std::uint64_t n, std::string_view unit, language lang) {
    std::string out = grouped(n);
    if (lang == language::en && !unit.empty()) {
        out += ' ';
        // "1 event", "2 events".
        if (n == 1 && !unit.empty() && unit.back() == 's') unit.remove_suffix(1);
    }
    out.append(unit);
    return out;
}

std::string more_text(const render_context& ctx, std::uint64_t n, std::string_view unit) {
    if (ctx.lang != language::en) {
        return std::string(ctx.l().rejections_more) + " " + quantity(n, unit, ctx.lang);
    }
    if (n == 1 && !unit.empty() && unit.back() == 's') unit.remove_suffix(1);
    return grouped(n) + " more" + (unit.empty() ? "" : " " + std::string(unit));
}

std::string more_subjects_text(const render_context& ctx, const finding& f) {
    if (f.more_subjects == 0) return {};
    if (ctx.lang == language::en) return grouped(f.more_subjects) + " more";
    return std::string(ctx.l().rejections_more) + " " + quantity(f.more_subjects, "件", ctx.lang);
}

std::string subject_counts(const render_context& ctx, const finding_subject& s) {
    const labels& l = ctx.l();
    std::string out = "(" + quantity(s.count, l.unit_events, ctx.lang);
    if (s.type != finding_subject::kind::user) {
        out += ", " + quantity(s.distinct_users, l.unit_users, ctx.lang);
    }
    return out + ')';
}

std::string subject_text(const render_context& ctx, const finding_subject& s) {
    std::string out(ctx.l().subject_kinds[static_cast<std::size_t>(s.type)]);
    out += ' ';
    out += s.type == finding_subject::kind::user ? ctx.user_name(s.name) : s.name;
    return out + ' ' + subject_counts(ctx, s);
}

std::string section_summary(const render_context& ctx, section s, std::string_view open,
                            std::string_view close) {
    const labels& l = ctx.l();
    const auto part = [&](const cell& c, std::string_view unit) {
        std::string out =
            std::string(open) + quantity(c.value, unit, ctx.lang) + std::string(close);
        if (c.change) out += " (" + signed_change(*c.change) + ")";
        return out;
    };
    std::string out = std::string(l.total) + " " + part(ctx.total(s), l.unit_events) + " / ";
    if (ctx.lang != language::en) out += std::string(l.distinct_users) + " ";
    return out + part(ctx.distinct_users(s), l.unit_users);
}

std::string tenths_text(std::uint64_t tenths) {
    return std::to_string(tenths / 10) + "." + std::to_string(tenths % 10);
}

namespace {

constexpr std::string_view month_names[] = {"January",   "February", "March",    "April",
                                            "May",       "June",     "July",     "August",
                                            "September", "October",  "November", "December"};

}  // namespace

std::string month_title(const render_context& ctx, const std::optional<report_period>& period) {
    if (!period) return std::string(ctx.l().all_events);
    const report_period& p = *period;
    if (ctx.lang == language::en) {
        return std::string(month_names[p.month() - 1]) + " " + std::to_string(p.year());
    }
    return std::to_string(p.year()) + "年" + std::to_string(p.month()) + "月";
}

std::string period_title(const render_context& ctx) { return month_title(ctx, ctx.r.period); }

std::string date_text(calendar_date d, language lang) {
    if (lang == language::en) {
        return std::to_string(d.day) + " " + std::string(month_names[d.month - 1]) + " " +
               std::to_string(d.year);
    }
    return std::to_string(d.year) + "年" + std::to_string(d.month) + "月" + std::to_string(d.day) +
           "日";
}

std::string period_range(const render_context& ctx) {
    if (!ctx.r.period) return std::string(ctx.l().all_events);
    const report_period& p = *ctx.r.period;
    const calendar_date first{p.year(), p.month(), 1};
    // The last day: the day before the end, read in the period's zone.
    const calendar_date last = date_in_zone(p.end() - std::chrono::microseconds(1), p.zone());
    if (ctx.lang == language::en) {
        return std::to_string(first.day) + " " + std::string(month_names[first.month - 1]) + " – " +
               date_text(last, ctx.lang);
    }
    return date_text(first, ctx.lang) + "〜" + date_text(last, ctx.lang);
}

std::string instant_text(const render_context& ctx, timestamp t) {
    // The wall clock in the zone, to the minute, from the ISO form of the instant there.
    const std::string iso = format_in_zone(t, ctx.zone);  // 2025-06-01T09:15:42+09:00
    const calendar_date d = date_in_zone(t, ctx.zone);
    const std::string clock = iso.size() >= 16 ? iso.substr(11, 5) : std::string();
    return date_text(d, ctx.lang) + (ctx.lang == language::en ? ", " : " ") + clock;
}

std::string zone_text(const render_context& ctx) {
    if (ctx.zone == jst) return std::string(ctx.l().japan_time);
    return "UTC" + to_string(ctx.zone);
}

std::string detections_text(const render_context& ctx) {
    const input_summary& in = ctx.r.input;
    if (!in.first_detection || !in.last_detection) return {};
    return instant_text(ctx, *in.first_detection) + (ctx.lang == language::en ? " – " : " 〜 ") +
           instant_text(ctx, *in.last_detection) + " (" + zone_text(ctx) + ")";
}

std::string input_text(const render_context& ctx) {
    const labels& l = ctx.l();
    const input_summary& in = ctx.r.input;
    const auto part = [&](std::uint64_t n, std::string_view what) {
        if (ctx.lang == language::en) return grouped(n) + " " + std::string(what);
        return std::string(what) + " " + quantity(n, l.unit_records, ctx.lang);
    };
    return part(in.records, l.records) + " = " + part(in.accepted, l.accepted) + " + " +
           part(in.rejected, l.rejected) + " + " + part(in.duplicates, l.duplicates) + " + " +
           part(in.out_of_period, l.out_of_period);
}

std::string_view reason_text(const render_context& ctx, reject_reason r) noexcept {
    const auto i = static_cast<std::size_t>(r);
    const auto& reasons = ctx.l().reasons;
    if (i == 0 || i > reasons.size()) return to_string(r);
    return reasons[i - 1];
}

std::string_view source_name(std::string_view source) noexcept {
    while (source.size() > 1 && source.back() == '/') source.remove_suffix(1);
    const std::size_t slash = source.find_last_of('/');
    return slash == std::string_view::npos || source.size() == 1 ? source
                                                                 : source.substr(slash + 1);
}

std::string render_context::service_label(std::string_view key) const {
    for (std::size_t i = 0; i < overview_service_count; ++i) {
        if (key == to_string(overview_services[i])) return std::string(l().services[i]);
    }
    if (key == to_string(service::exchange_server)) return std::string(l().services.back());
    return std::string(key);
}

std::vector<overview_row> render_context::overview() const {
    std::vector<overview_row> rows;
    for (std::size_t i = 0; i < overview_service_count; ++i) {
        const service_counts& c = r.overview[i];
        const service_counts& p = previous != nullptr ? previous->overview[i] : c;
        rows.push_back(
            {c.key, std::string(l().services[i]), make(c.atp, p.atp), make(c.dlp, p.dlp), true});
    }
    return rows;
}

std::vector<overview_row> render_context::other_services() const {
    std::map<std::string, std::pair<const service_counts*, const service_counts*>> keys;
    for (const service_counts& c : r.other_services) keys[c.key].first = &c;
    if (previous != nullptr) {
        for (const service_counts& c : previous->other_services) keys[c.key].second = &c;
    }
    std::vector<overview_row> rows;
    for (const auto& [key, pair] : keys) {
        const service_counts zero{};
        const service_counts& c = pair.first != nullptr ? *pair.first : zero;
        const service_counts& p = pair.second != nullptr ? *pair.second : zero;
        rows.push_back({key, service_label(key), make(c.atp, p.atp), make(c.dlp, p.dlp), false});
    }
    return rows;
}

overview_row render_context::overview_total() const {
    const auto sum = [](const report& x, bool dlp) {
        std::uint64_t n = 0;
        for (const service_counts& c : x.overview) n = saturating_add(n, dlp ? c.dlp : c.atp);
        for (const service_counts& c : x.other_services) {
            n = saturating_add(n, dlp ? c.dlp : c.atp);
        }
        return n;
    };
    const report& p = previous != nullptr ? *previous : r;
    return {"", std::string(l().total), make(sum(r, false), sum(p, false)),
            make(sum(r, true), sum(p, true)), false};
}

std::vector<const finding*> render_context::findings_of(std::optional<section> s) const {
    std::vector<const finding*> out;
    for (const finding& f : r.findings) {
        if (f.where == s) out.push_back(&f);
    }
    return out;
}

}  // namespace detail

std::string to_json(const report& r, language lang) {
    return detail::render_json(detail::render_context{r, lang});
}

std::string to_text(const report& r, language lang) {
    return detail::render_text(detail::render_context{r, lang});
}

namespace detail {

std::string_view logo_type(std::string_view bytes) noexcept {
    if (bytes.substr(0, 8) == std::string_view("\x89PNG\r\n\x1a\n", 8)) return "image/png";
    // SVG: text that opens, after an optional BOM, XML declaration or comments, an <svg element.
    std::string_view t = bytes.substr(0, 4096);
    if (t.substr(0, 3) == "\xef\xbb\xbf") t.remove_prefix(3);
    const std::size_t first = t.find_first_not_of(" \t\r\n");
    if (first == std::string_view::npos || t[first] != '<') return {};
    if (t.find("<svg") != std::string_view::npos) return "image/svg+xml";
    return {};
}

}  // namespace detail

std::string render(const report& r, const render_options& opts, std::error_code& ec,
                   std::string* message) {
    ec.clear();
    const auto fail = [&](error e, std::string why) {
        ec = e;
        if (message != nullptr) *message = std::move(why);
        return std::string();
    };
    if (!opts.tenant.logo.empty()) {
        if (opts.tenant.logo.size() > tenant_info::max_logo_bytes) {
            return fail(error::invalid_argument, "the logo is larger than 1 MiB");
        }
        if (detail::logo_type(opts.tenant.logo).empty()) {
            return fail(error::invalid_argument, "the logo is neither a PNG nor an SVG image");
        }
    }
    // What is shown: masked when asked; for people, every log string made safe first (the JSON
    // escapes instead, losing nothing).
    // Redacting masks last month's report too (its other services' keys are printed), with
    // the same tokens.
    const bool for_people = opts.format != output_format::json;
    std::optional<report> before;
    report shown;
    if (opts.redact) {
        redacted_reports masked = redact(r, opts.previous != nullptr ? *opts.previous : report{});
        shown = std::move(masked.current);
        if (opts.previous != nullptr) before = std::move(masked.previous);
    } else {
        shown = r;
        if (opts.previous != nullptr) before = *opts.previous;
    }
    tenant_info tenant = opts.tenant;
    if (for_people) {
        detail::make_safe(shown);
        if (before) detail::make_safe(*before);
        detail::make_safe(tenant);
    }
    detail::render_context ctx{shown, opts.lang, before ? &*before : nullptr, opts.redact};
    ctx.tenant = &tenant;
    ctx.zone = shown.period ? shown.period->zone() : opts.zone;
    ctx.issued = tenant.issued.value_or(date_in_zone(
        std::chrono::time_point_cast<std::chrono::microseconds>(std::chrono::system_clock::now()),
        ctx.zone));
    switch (opts.format) {
        case output_format::json: return detail::render_json(ctx);
        case output_format::text: return detail::render_text(ctx);
        case output_format::markdown: return detail::render_markdown(ctx);
        case output_format::csv: return detail::render_csv(ctx);
        case output_format::html: return detail::render_html(ctx);
        case output_format::pdf: {
            std::string why;
            std::string pdf = detail::print_pdf(detail::render_html(ctx), opts.chromium, ec, why);
            if (ec) return fail(static_cast<error>(ec.value()), std::move(why));
            return pdf;
        }
    }
    return detail::render_json(ctx);
}

std::string render(const report& r, const render_options& opts) {
    std::error_code ec;
    std::string message;
    std::string out = render(r, opts, ec, &message);
    if (ec) throw error_exception(ec, message);
    return out;
}

}  // namespace casreport
