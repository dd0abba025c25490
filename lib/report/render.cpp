// `render`: one report object, five formats; and the helpers they share.
#include "casreport/render.hpp"

#include <map>

#include "render_context.hpp"

namespace casreport {
namespace detail {

std::string signed_change(std::int64_t d) {
    if (d == 0) return "±0";
    return d > 0 ? "+" + std::to_string(d) : std::to_string(d);
}

std::string quantity(std::uint64_t n, std::string_view unit, language lang) {
    std::string out = std::to_string(n);
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
    return std::to_string(n) + " more" + (unit.empty() ? "" : " " + std::string(unit));
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

std::string period_title(const render_context& ctx) {
    if (!ctx.r.period) return std::string(ctx.l().all_events);
    const report_period& p = *ctx.r.period;
    if (ctx.lang == language::en) {
        static constexpr std::string_view months[] = {
            "January", "February", "March",     "April",   "May",      "June",
            "July",    "August",   "September", "October", "November", "December"};
        return std::string(months[p.month() - 1]) + " " + std::to_string(p.year());
    }
    return std::to_string(p.year()) + "年" + std::to_string(p.month()) + "月";
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
        for (const service_counts& c : x.overview) n += dlp ? c.dlp : c.atp;
        for (const service_counts& c : x.other_services) n += dlp ? c.dlp : c.atp;
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

std::string render(const report& r, const render_options& opts) {
    // Redacting masks last month's report too (its other services' keys are printed), with
    // the same tokens.
    std::optional<redacted_reports> masked;
    if (opts.redact) masked = redact(r, opts.previous != nullptr ? *opts.previous : report{});
    const report* previous = masked && opts.previous != nullptr ? &masked->previous : opts.previous;
    const detail::render_context ctx{masked ? masked->current : r, opts.lang, previous,
                                     opts.redact};
    switch (opts.format) {
        case output_format::json: return detail::render_json(ctx);
        case output_format::text: return detail::render_text(ctx);
        case output_format::markdown: return detail::render_markdown(ctx);
        case output_format::csv: return detail::render_csv(ctx);
        case output_format::html: return detail::render_html(ctx);
    }
    return detail::render_json(ctx);
}

}  // namespace casreport
