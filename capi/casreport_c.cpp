// The extern "C" bodies of casreport.h: check the arguments, convert, call the core, map errors.
// Every body is one call to capi::guarded, so no exception unwinds into C.
#include <casreport.h>

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstring>

#include "capi_internal.hpp"
#include "casreport/batch.hpp"

namespace cr = casreport;
using cr::capi::call;
using cr::capi::guarded;

// ---- the guard's helpers --------------------------------------------------------------------

namespace casreport::capi {
namespace {

using message_buffer = std::array<char, 1024>;

/// This thread's last error: a fixed buffer, so recording a failure never allocates or fails.
thread_local message_buffer last_error_text{};

/// Appends `s` to `buf` at `pos`, cut on a UTF-8 boundary so that the text stays valid.
std::size_t append_cut(message_buffer& buf, std::size_t pos, std::string_view s) noexcept {
    std::size_t n = std::min(s.size(), buf.size() - 1 - pos);
    if (n < s.size()) {
        while (n > 0 && (static_cast<unsigned char>(s[n]) & 0xc0U) == 0x80U) --n;
    }
    std::memcpy(buf.data() + pos, s.data(), n);
    return pos + n;
}

}  // namespace

casreport_status call::fail(casreport_status status, std::string_view message) const noexcept {
    message_buffer& buf = last_error_text;
    std::size_t pos = append_cut(buf, 0, function_);
    pos = append_cut(buf, pos, ": ");
    pos = append_cut(buf, pos, message);
    buf[pos] = '\0';
    return status;
}

casreport_status call::check(const std::error_code& ec, std::string_view misuse_hint,
                             std::string_view detail) const noexcept {
    if (!ec) return CASREPORT_OK;
    const casreport_status s = status_of(ec);
    if (!detail.empty()) return fail(s, detail);
    const std::string_view hint = s == CASREPORT_E_MISUSE ? misuse_hint : std::string_view();
    try {
        std::string message = ec.message();
        if (!hint.empty()) message.append(": ").append(hint);
        return fail(s, message);
    } catch (...) {  // no memory for the message: say what is known without allocating
        return fail(s, hint.empty() ? std::string_view(casreport_status_name(s)) : hint);
    }
}

casreport_status status_of(const std::error_code& ec) noexcept {
    if (ec.category() == casreport_category()) {
        switch (static_cast<error>(ec.value())) {
            case error::invalid_argument: return CASREPORT_E_INVALID_ARGUMENT;
            case error::misuse: return CASREPORT_E_MISUSE;
            case error::input: return CASREPORT_E_INPUT;
            case error::incompatible: return CASREPORT_E_INCOMPATIBLE;
            case error::io: return CASREPORT_E_IO;
            case error::unavailable: return CASREPORT_E_UNAVAILABLE;
        }
        return CASREPORT_E_INTERNAL;
    }
    if (ec == std::errc::not_enough_memory) return CASREPORT_E_NOMEM;
    return CASREPORT_E_INTERNAL;
}

}  // namespace casreport::capi

// ---- conversions ----------------------------------------------------------------------------

namespace {

constexpr const char* finished_hint = "the aggregator has finished: reset it to feed it again";
constexpr const char* not_finished_hint =
    "the aggregator has not finished: call casreport_aggregator_finish first";

/// The size of a casreport_options of `version` (1 or later): its fields end there.
constexpr std::size_t options_size(uint32_t version) noexcept {
    return version >= 3   ? sizeof(casreport_options)
           : version == 2 ? offsetof(casreport_options, part)
                          : offsetof(casreport_options, max_field_bytes);
}

/// The options of `in` (NULL: the defaults) as the core's, or a refusal recorded on `c`.
casreport_status to_core(const call& c, const casreport_options* in, cr::options& out) {
    out = cr::options{};
    if (in == nullptr) return CASREPORT_OK;
    if (in->version == 0 || in->version > CASREPORT_OPTIONS_VERSION) {
        return c.fail(CASREPORT_E_INVALID_ARGUMENT,
                      "opts->version is not a casreport_options version this library knows: "
                      "start from CASREPORT_OPTIONS_INIT or casreport_options_init()");
    }
    if (in->tz_offset_minutes <= -24 * 60 || in->tz_offset_minutes >= 24 * 60) {
        return c.fail(CASREPORT_E_INVALID_ARGUMENT,
                      "opts->tz_offset_minutes must be between -1439 and 1439");
    }
    if (in->dedupe > 1) return c.fail(CASREPORT_E_INVALID_ARGUMENT, "opts->dedupe must be 0 or 1");
    if (in->input_format > CASREPORT_INPUT_CEF) {
        return c.fail(CASREPORT_E_INVALID_ARGUMENT,
                      "opts->input_format is not one of CASREPORT_INPUT_*");
    }
    if (in->csv_event_kind > CASREPORT_EVENT_DLP) {
        return c.fail(CASREPORT_E_INVALID_ARGUMENT,
                      "opts->csv_event_kind is not one of CASREPORT_EVENT_*");
    }
    if (in->csv_columns_json != nullptr) {
        // The throwing overload, for its reason (which column, which field): the error_code
        // one tells only that the map is bad.
        try {
            out.csv_columns = cr::parse_csv_columns(in->csv_columns_json);
        } catch (const cr::error_exception& e) {
            return c.fail(CASREPORT_E_INVALID_ARGUMENT,
                          std::string("opts->csv_columns_json: ") + e.what());
        }
    }
    if (in->csv_event_kind != CASREPORT_EVENT_FROM_COLUMNS) {
        out.csv_event_kind = static_cast<cr::event_kind>(in->csv_event_kind);
    }
    const cr::utc_offset zone{in->tz_offset_minutes};
    if (in->month != nullptr) {
        out.period = cr::report_period::parse(in->month, zone);
        if (!out.period) {
            return c.fail(CASREPORT_E_INVALID_ARGUMENT,
                          "opts->month must be a month written YYYY-MM, such as 2025-06");
        }
    }
    out.top_n = in->top_n;
    out.naive_time_zone = zone;
    out.dedupe = in->dedupe == 1;
    out.format = static_cast<cr::input_format>(in->input_format);
    out.max_listed_rejections = in->max_listed_rejections;
    out.findings.company_min_users = in->company_min_users;
    out.findings.individual_min_count = in->individual_min_count;
    out.findings.individual_min_share_tenths = in->individual_min_share_tenths;
    out.findings.file_blocking_min_count = in->file_blocking_min_count;
    out.findings.max_subjects = in->max_subjects;
    if (in->version >= 2) {
        if (in->max_field_bytes == 0) {
            return c.fail(CASREPORT_E_INVALID_ARGUMENT, "opts->max_field_bytes must be at least 1");
        }
        out.max_field_bytes = in->max_field_bytes;
    }
    if (in->version >= 3) out.part = in->part;
    return CASREPORT_OK;
}

/// Clears the view outputs first, so that a failed call never leaves stale pointers behind.
template <class T>
bool view_outputs_ok(T** out, std::size_t* out_len) noexcept {
    if (out != nullptr) *out = nullptr;
    if (out_len != nullptr) *out_len = 0;
    return out != nullptr && out_len != nullptr;
}

/// The rendered report of a finished handle, rendered on first use and kept.
casreport_status rendered_view(const call& c, casreport_aggregator* agg, cr::output_format format,
                               cr::language lang, const char** out, std::size_t* out_len) {
    std::error_code ec;
    const cr::report& r = agg->core.report(ec);
    if (ec) return c.check(ec, not_finished_hint);
    auto it = agg->rendered.find({format, lang});
    if (it == agg->rendered.end()) {
        cr::render_options ro;
        ro.format = format;
        ro.lang = lang;
        it = agg->rendered.emplace(std::pair{format, lang}, cr::render(r, ro)).first;
    }
    *out = it->second.c_str();
    *out_len = it->second.size();
    return CASREPORT_OK;
}

}  // namespace

// ---- errors and versions --------------------------------------------------------------------

extern "C" {

const char* casreport_last_error(void) { return cr::capi::last_error_text.data(); }

const char* casreport_status_name(casreport_status status) {
    switch (status) {
        case CASREPORT_OK: return "ok";
        case CASREPORT_E_INVALID_ARGUMENT: return "invalid_argument";
        case CASREPORT_E_MISUSE: return "misuse";
        case CASREPORT_E_INPUT: return "input";
        case CASREPORT_E_INCOMPATIBLE: return "incompatible";
        case CASREPORT_E_IO: return "io";
        case CASREPORT_E_NOMEM: return "nomem";
        case CASREPORT_E_BUFFER_TOO_SMALL: return "buffer_too_small";
        case CASREPORT_E_INTERNAL: return "internal";
        case CASREPORT_E_UNAVAILABLE: return "unavailable";
        default: return "unknown";
    }
}

uint32_t casreport_version_number(void) { return CASREPORT_VERSION_NUMBER; }
const char* casreport_version_string(void) { return CASREPORT_VERSION_STRING; }
uint32_t casreport_abi_version(void) { return CASREPORT_ABI_VERSION; }

// ---- options --------------------------------------------------------------------------------

casreport_status casreport_options_init(casreport_options* opts, uint32_t version) {
    return guarded(__func__, [&](const call& c) -> casreport_status {
        if (opts == nullptr) return c.fail(CASREPORT_E_INVALID_ARGUMENT, "opts is NULL");
        if (version == 0 || version > CASREPORT_OPTIONS_VERSION) {
            return c.fail(CASREPORT_E_INVALID_ARGUMENT,
                          "version is not a casreport_options version this library knows: "
                          "pass CASREPORT_OPTIONS_VERSION");
        }
        // Only the fields of `version` are written: the caller's struct may be that short.
        const cr::options d{};
        casreport_options o{};
        o.version = version;
        o.top_n = static_cast<uint32_t>(d.top_n);
        o.month = nullptr;
        o.tz_offset_minutes = d.naive_time_zone.minutes;
        o.dedupe = d.dedupe ? 1 : 0;
        o.input_format = static_cast<uint32_t>(d.format);
        o.max_listed_rejections = static_cast<uint32_t>(d.max_listed_rejections);
        o.company_min_users = d.findings.company_min_users;
        o.individual_min_count = d.findings.individual_min_count;
        o.individual_min_share_tenths = d.findings.individual_min_share_tenths;
        o.file_blocking_min_count = d.findings.file_blocking_min_count;
        o.max_subjects = d.findings.max_subjects;
        o.csv_event_kind = CASREPORT_EVENT_FROM_COLUMNS;
        o.csv_columns_json = nullptr;
        o.max_field_bytes = static_cast<uint32_t>(d.max_field_bytes);
        o.part = d.part;
        std::memcpy(opts, &o, options_size(version));
        return CASREPORT_OK;
    });
}

casreport_status casreport_render_options_init(casreport_render_options* opts, uint32_t version) {
    return guarded(__func__, [&](const call& c) -> casreport_status {
        if (opts == nullptr) return c.fail(CASREPORT_E_INVALID_ARGUMENT, "opts is NULL");
        if (version == 0 || version > CASREPORT_RENDER_OPTIONS_VERSION) {
            return c.fail(CASREPORT_E_INVALID_ARGUMENT,
                          "version is not a casreport_render_options version this library "
                          "knows: pass CASREPORT_RENDER_OPTIONS_VERSION");
        }
        const casreport_render_options d = CASREPORT_RENDER_OPTIONS_INIT;
        *opts = d;
        opts->version = version;
        return CASREPORT_OK;
    });
}

size_t casreport_render_options_struct_size(void) { return sizeof(casreport_render_options); }

size_t casreport_options_struct_size(void) { return sizeof(casreport_options); }
size_t casreport_counts_struct_size(void) { return sizeof(casreport_counts); }

// ---- the aggregator -------------------------------------------------------------------------

casreport_status casreport_aggregator_new(const casreport_options* opts,
                                          casreport_aggregator** out) {
    return guarded(__func__, [&](const call& c) -> casreport_status {
        if (out == nullptr) return c.fail(CASREPORT_E_INVALID_ARGUMENT, "out is NULL");
        *out = nullptr;
        cr::options o;
        if (const casreport_status s = to_core(c, opts, o); s != CASREPORT_OK) return s;
        *out = new casreport_aggregator(cr::aggregator(std::move(o)));
        return CASREPORT_OK;
    });
}

void casreport_aggregator_free(casreport_aggregator* agg) { delete agg; }

casreport_status casreport_aggregator_reset(casreport_aggregator* agg) {
    return guarded(__func__, [&](const call& c) -> casreport_status {
        if (agg == nullptr) return c.fail(CASREPORT_E_INVALID_ARGUMENT, "agg is NULL");
        agg->forget_views();
        agg->core.reset();
        agg->poisoned = false;
        return CASREPORT_OK;
    });
}

casreport_status casreport_aggregator_begin_source(casreport_aggregator* agg, const char* name) {
    return guarded(__func__, agg, [&](const call& c) -> casreport_status {
        if (name == nullptr) return c.fail(CASREPORT_E_INVALID_ARGUMENT, "name is NULL");
        std::error_code ec;
        agg->core.begin_source(name, ec);
        return c.check(ec, finished_hint, agg->core.last_error());
    });
}

casreport_status casreport_aggregator_feed(casreport_aggregator* agg, const void* data,
                                           size_t size) {
    return guarded(__func__, agg, [&](const call& c) -> casreport_status {
        if (data == nullptr && size != 0) {
            return c.fail(CASREPORT_E_INVALID_ARGUMENT, "data is NULL but size is not 0");
        }
        std::error_code ec;
        agg->core.feed(std::string_view(static_cast<const char*>(data), size), ec);
        return c.check(ec, finished_hint, agg->core.last_error());
    });
}

casreport_status casreport_aggregator_feed_file(casreport_aggregator* agg, const char* path,
                                                const char* source, uint32_t threads) {
    return guarded(__func__, agg, [&](const call& c) -> casreport_status {
        if (path == nullptr) return c.fail(CASREPORT_E_INVALID_ARGUMENT, "path is NULL");
        if (agg->core.finished()) return c.check(make_error_code(cr::error::misuse), finished_hint);
        cr::file_options fo;
        fo.threads = threads;
        if (source != nullptr) fo.source_name = source;
        std::error_code ec;
        agg->core.feed_file(path, fo, ec);
        if (ec && ec.category() != cr::casreport_category()) {
            return c.fail(CASREPORT_E_IO, agg->core.last_error().empty()
                                              ? std::string(path) + ": " + ec.message()
                                              : agg->core.last_error());
        }
        return c.check(ec, finished_hint, agg->core.last_error());
    });
}

casreport_status casreport_aggregator_end_source(casreport_aggregator* agg) {
    return guarded(__func__, agg, [&](const call& c) -> casreport_status {
        std::error_code ec;
        agg->core.end_source(ec);
        return c.check(ec, finished_hint, agg->core.last_error());
    });
}

casreport_status casreport_aggregator_finish(casreport_aggregator* agg) {
    return guarded(__func__, agg, [&](const call& c) -> casreport_status {
        std::error_code ec;
        agg->core.finish(ec);
        return c.check(ec, {}, agg->core.last_error());
    });
}

casreport_status casreport_aggregator_counts(const casreport_aggregator* agg,
                                             casreport_counts* out) {
    return guarded(__func__, [&](const call& c) -> casreport_status {
        if (agg == nullptr) return c.fail(CASREPORT_E_INVALID_ARGUMENT, "agg is NULL");
        if (out == nullptr) return c.fail(CASREPORT_E_INVALID_ARGUMENT, "out is NULL");
        const cr::input_counts n = agg->core.counts();
        *out = {n.records, n.accepted, n.rejected, n.duplicates, n.out_of_period};
        return CASREPORT_OK;
    });
}

casreport_status casreport_aggregator_report_json(casreport_aggregator* agg, const char** out,
                                                  size_t* out_len) {
    const bool outputs_ok = view_outputs_ok(out, out_len);
    return guarded(__func__, agg, [&](const call& c) -> casreport_status {
        if (!outputs_ok) return c.fail(CASREPORT_E_INVALID_ARGUMENT, "out or out_len is NULL");
        return rendered_view(c, agg, cr::output_format::json, cr::language::ja, out, out_len);
    });
}

casreport_status casreport_aggregator_render(casreport_aggregator* agg, const char* format,
                                             const char* language, const char** out,
                                             size_t* out_len) {
    if (format != nullptr && language != nullptr && out != nullptr && out_len != nullptr &&
        cr::parse_output_format(format) == cr::output_format::pdf) {
        // Printing may fail for want of a Chromium, which must not poison the handle: the
        // path of _render_with, whose output is then kept like every other format's.
        casreport_render_options ro = CASREPORT_RENDER_OPTIONS_INIT;
        ro.format = format;
        ro.language = language;
        const void* pdf = nullptr;
        size_t size = 0;
        const casreport_status s = casreport_aggregator_render_with(agg, &ro, &pdf, &size);
        if (s != CASREPORT_OK) {
            *out = nullptr;
            *out_len = 0;
            return s;
        }
        return guarded(__func__, agg, [&](const call&) -> casreport_status {
            const auto lang = cr::parse_language(language).value_or(cr::language::ja);
            auto& kept = agg->rendered[{cr::output_format::pdf, lang}];
            kept.assign(static_cast<const char*>(pdf), size);
            *out = kept.c_str();
            *out_len = kept.size();
            return CASREPORT_OK;
        });
    }
    const bool outputs_ok = view_outputs_ok(out, out_len);
    return guarded(__func__, agg, [&](const call& c) -> casreport_status {
        if (!outputs_ok) return c.fail(CASREPORT_E_INVALID_ARGUMENT, "out or out_len is NULL");
        if (format == nullptr) return c.fail(CASREPORT_E_INVALID_ARGUMENT, "format is NULL");
        if (language == nullptr) return c.fail(CASREPORT_E_INVALID_ARGUMENT, "language is NULL");
        const std::optional<cr::output_format> f = cr::parse_output_format(format);
        if (!f) {
            return c.fail(CASREPORT_E_INVALID_ARGUMENT,
                          "format is not a report format this library knows (json, text, ...)");
        }
        const std::optional<cr::language> l = cr::parse_language(language);
        if (!l) return c.fail(CASREPORT_E_INVALID_ARGUMENT, "language must be \"ja\" or \"en\"");
        return rendered_view(c, agg, *f, *l, out, out_len);
    });
}

casreport_status casreport_aggregator_render_with(casreport_aggregator* agg,
                                                  const casreport_render_options* opts,
                                                  const void** out, size_t* out_len) {
    const bool outputs_ok = view_outputs_ok(out, out_len);
    if (agg == nullptr) return call(__func__).fail(CASREPORT_E_INVALID_ARGUMENT, "agg is NULL");
    if (agg->poisoned) {
        return call(__func__).fail(CASREPORT_E_MISUSE,
                                   "the aggregator failed earlier (poisoned): reset or free it");
    }
    // Rendering reads the handle and never changes its state: no failure here poisons it.
    return guarded(__func__, [&](const call& c) -> casreport_status {
        if (!outputs_ok) return c.fail(CASREPORT_E_INVALID_ARGUMENT, "out or out_len is NULL");
        const casreport_render_options defaults = CASREPORT_RENDER_OPTIONS_INIT;
        const casreport_render_options& o = opts != nullptr ? *opts : defaults;
        if (o.version == 0 || o.version > CASREPORT_RENDER_OPTIONS_VERSION) {
            return c.fail(CASREPORT_E_INVALID_ARGUMENT,
                          "opts->version is not a casreport_render_options version this library "
                          "knows: start from CASREPORT_RENDER_OPTIONS_INIT");
        }
        cr::render_options ro;
        const auto format = cr::parse_output_format(o.format != nullptr ? o.format : "json");
        if (!format) {
            return c.fail(CASREPORT_E_INVALID_ARGUMENT,
                          "opts->format is not a report format this library knows (json, text, "
                          "md, csv, html, pdf)");
        }
        const auto lang = cr::parse_language(o.language != nullptr ? o.language : "ja");
        if (!lang) return c.fail(CASREPORT_E_INVALID_ARGUMENT, "opts->language must be ja or en");
        if (o.redact > 1)
            return c.fail(CASREPORT_E_INVALID_ARGUMENT, "opts->redact must be 0 or 1");
        if (o.tz_offset_minutes <= -24 * 60 || o.tz_offset_minutes >= 24 * 60) {
            return c.fail(CASREPORT_E_INVALID_ARGUMENT,
                          "opts->tz_offset_minutes must be between -1439 and 1439");
        }
        ro.format = *format;
        ro.lang = *lang;
        ro.redact = o.redact == 1;
        ro.zone = cr::utc_offset{o.tz_offset_minutes};
        if (o.customer != nullptr) ro.tenant.name = o.customer;
        if (o.provider != nullptr) ro.tenant.provider = o.provider;
        if (o.issued != nullptr) {
            ro.tenant.issued = cr::parse_date(o.issued);
            if (!ro.tenant.issued) {
                return c.fail(CASREPORT_E_INVALID_ARGUMENT, "opts->issued must be YYYY-MM-DD");
            }
        }
        if (o.logo != nullptr && o.logo_size > 0) {
            if (o.logo_size > cr::tenant_info::max_logo_bytes) {
                return c.fail(CASREPORT_E_INVALID_ARGUMENT, "opts->logo is larger than 1 MiB");
            }
            ro.tenant.logo.assign(static_cast<const char*>(o.logo), o.logo_size);
        }
        if (o.chromium != nullptr) ro.chromium = o.chromium;
        cr::report previous;
        if (o.previous_json != nullptr) {
            std::error_code ec;
            previous = cr::parse_report_json(
                std::string_view(static_cast<const char*>(o.previous_json), o.previous_json_size),
                ec);
            if (ec) {
                return c.fail(CASREPORT_E_INPUT,
                              ec == cr::error::incompatible
                                  ? "opts->previous_json is a JSON report of another schema_version"
                                  : "opts->previous_json is not a casreport JSON report");
            }
            ro.previous = &previous;
        }
        // The report: the handle's own, or built again with other report-time settings.
        std::error_code ec;
        const cr::report& kept = agg->core.report(ec);
        if (ec) return c.check(ec, not_finished_hint);
        const cr::options& mine = agg->core.opts();
        const auto pick = [](uint32_t v, auto own) {
            return v == CASREPORT_FROM_AGGREGATOR ? own : static_cast<decltype(own)>(v);
        };
        cr::finding_policy policy;
        policy.company_min_users = pick(o.company_min_users, mine.findings.company_min_users);
        policy.individual_min_count =
            pick(o.individual_min_count, mine.findings.individual_min_count);
        policy.individual_min_share_tenths =
            pick(o.individual_min_share_tenths, mine.findings.individual_min_share_tenths);
        policy.file_blocking_min_count =
            pick(o.file_blocking_min_count, mine.findings.file_blocking_min_count);
        policy.max_subjects = pick(o.max_subjects, mine.findings.max_subjects);
        const std::size_t top_n = pick(o.top_n, mine.top_n);
        if (policy.individual_min_share_tenths > 1000) {
            return c.fail(CASREPORT_E_INVALID_ARGUMENT,
                          "opts->individual_min_share_tenths must be at most 1000 (100 %)");
        }
        const bool same =
            top_n == mine.top_n && policy.company_min_users == mine.findings.company_min_users &&
            policy.individual_min_count == mine.findings.individual_min_count &&
            policy.individual_min_share_tenths == mine.findings.individual_min_share_tenths &&
            policy.file_blocking_min_count == mine.findings.file_blocking_min_count &&
            policy.max_subjects == mine.findings.max_subjects;
        std::optional<cr::report> rebuilt;
        if (!same) {
            rebuilt = agg->core.report_with(top_n, policy, ec);
            if (ec) return c.check(ec, not_finished_hint);
        }
        std::string why;
        std::string document = cr::render(rebuilt ? *rebuilt : kept, ro, ec, &why);
        if (ec) return c.fail(cr::capi::status_of(ec), why);
        agg->rendered_with = std::move(document);
        *out = agg->rendered_with.c_str();
        *out_len = agg->rendered_with.size();
        return CASREPORT_OK;
    });
}

casreport_status casreport_aggregator_merge(casreport_aggregator* agg,
                                            const casreport_aggregator* other) {
    return guarded(__func__, agg, [&](const call& c) -> casreport_status {
        if (other == nullptr) return c.fail(CASREPORT_E_INVALID_ARGUMENT, "other is NULL");
        if (other == agg) {
            return c.fail(CASREPORT_E_INVALID_ARGUMENT, "an aggregator cannot merge itself");
        }
        if (other->poisoned) {
            return c.fail(CASREPORT_E_MISUSE,
                          "the other aggregator failed earlier (poisoned): reset or free it");
        }
        std::error_code ec;
        agg->core.merge(other->core, ec);
        if (!ec) agg->forget_views();  // a finished handle's state changed
        return c.check(ec, "the other aggregator has not finished: finish it first",
                       agg->core.last_error());
    });
}

casreport_status casreport_aggregator_save(casreport_aggregator* agg, const void** out,
                                           size_t* out_len) {
    const bool outputs_ok = view_outputs_ok(out, out_len);
    return guarded(__func__, agg, [&](const call& c) -> casreport_status {
        if (!outputs_ok) return c.fail(CASREPORT_E_INVALID_ARGUMENT, "out or out_len is NULL");
        if (!agg->saved) {
            std::error_code ec;
            std::string bytes = agg->core.save(ec);
            if (ec) return c.check(ec, not_finished_hint);
            agg->saved = std::move(bytes);
        }
        *out = agg->saved->data();
        *out_len = agg->saved->size();
        return CASREPORT_OK;
    });
}

casreport_status casreport_aggregator_load(const void* data, size_t size,
                                           casreport_aggregator** out) {
    return guarded(__func__, [&](const call& c) -> casreport_status {
        if (out == nullptr) return c.fail(CASREPORT_E_INVALID_ARGUMENT, "out is NULL");
        *out = nullptr;
        if (data == nullptr && size != 0) {
            return c.fail(CASREPORT_E_INVALID_ARGUMENT, "data is NULL but size is not 0");
        }
        std::error_code ec;
        cr::aggregator a =
            cr::aggregator::load(std::string_view(static_cast<const char*>(data), size), ec);
        if (ec == cr::error::input) {
            return c.fail(CASREPORT_E_INPUT, "not a casreport state: " + a.last_error());
        }
        if (const casreport_status s = c.check(ec); s != CASREPORT_OK) return s;
        *out = new casreport_aggregator(std::move(a));
        return CASREPORT_OK;
    });
}

casreport_status casreport_aggregator_save_shards(casreport_aggregator* agg, uint32_t shards,
                                                  const void** out, size_t* out_len) {
    return guarded(__func__, agg, [&](const call& c) -> casreport_status {
        if (out == nullptr || out_len == nullptr) {
            return c.fail(CASREPORT_E_INVALID_ARGUMENT, "out or out_len is NULL");
        }
        static_assert(CASREPORT_MAX_SHARDS == cr::max_shards);
        if (shards == 0 || shards > CASREPORT_MAX_SHARDS) {
            return c.fail(CASREPORT_E_INVALID_ARGUMENT, "shards must be from 1 to 4096");
        }
        std::fill(out, out + shards, nullptr);
        std::fill(out_len, out_len + shards, std::size_t{0});
        auto it = agg->saved_shards.find(shards);
        if (it == agg->saved_shards.end()) {
            std::error_code ec;
            std::vector<std::string> bytes = agg->core.save_shards(shards, ec);
            if (ec) return c.check(ec, not_finished_hint, agg->core.last_error());
            it = agg->saved_shards.emplace(shards, std::move(bytes)).first;
        }
        for (uint32_t i = 0; i < shards; ++i) {
            out[i] = it->second[i].data();
            out_len[i] = it->second[i].size();
        }
        return CASREPORT_OK;
    });
}

casreport_status casreport_aggregator_compact(casreport_aggregator* agg) {
    return guarded(__func__, agg, [&](const call& c) -> casreport_status {
        std::error_code ec;
        agg->core.compact(ec);
        if (ec) return c.check(ec, not_finished_hint);
        agg->forget_views();
        return CASREPORT_OK;
    });
}

casreport_status casreport_batch_run(const casreport_batch_options* opts, uint32_t* tenants,
                                     uint32_t* failed) {
    if (tenants != nullptr) *tenants = 0;
    if (failed != nullptr) *failed = 0;
    return guarded(__func__, [&](const call& c) -> casreport_status {
        if (opts == nullptr) return c.fail(CASREPORT_E_INVALID_ARGUMENT, "opts is NULL");
        if (opts->version == 0 || opts->version > CASREPORT_BATCH_OPTIONS_VERSION) {
            return c.fail(CASREPORT_E_INVALID_ARGUMENT,
                          "opts->version is not a casreport_batch_options version this library "
                          "knows: start from CASREPORT_BATCH_OPTIONS_INIT");
        }
        if (opts->tenants_dir == nullptr || opts->out_dir == nullptr || opts->month == nullptr) {
            return c.fail(CASREPORT_E_INVALID_ARGUMENT,
                          "opts->tenants_dir, opts->out_dir and opts->month are required");
        }
        cr::batch_options o;
        o.tenants_dir = opts->tenants_dir;
        o.out_dir = opts->out_dir;
        o.month = opts->month;
        o.jobs = opts->jobs;
        if (opts->formats != nullptr) {
            const auto formats = cr::parse_format_list(opts->formats);
            if (!formats) {
                return c.fail(CASREPORT_E_INVALID_ARGUMENT,
                              "opts->formats names a format this library does not know");
            }
            o.formats = *formats;
        }
        if (opts->defaults_path != nullptr) o.defaults_path = opts->defaults_path;
        if (opts->issued != nullptr) {
            o.issued = cr::parse_date(opts->issued);
            if (!o.issued)
                return c.fail(CASREPORT_E_INVALID_ARGUMENT, "opts->issued must be YYYY-MM-DD");
        }
        if (opts->chromium != nullptr) o.chromium = opts->chromium;
        std::error_code ec;
        std::string why;
        const cr::batch_summary s = cr::run_batch(o, ec, why);
        if (ec) return c.fail(cr::capi::status_of(ec), why);
        if (tenants != nullptr) *tenants = static_cast<uint32_t>(s.tenants.size());
        if (failed != nullptr) *failed = static_cast<uint32_t>(s.failed());
        return CASREPORT_OK;
    });
}

}  // extern "C"
