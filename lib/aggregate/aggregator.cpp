// casreport::aggregator: sources → decoder → normalize → partial state. Its report, built from
// the state by the next stage, is in lib/summarize/aggregator_report.cpp.
#include "casreport/aggregator.hpp"

#include "../decode/csv.hpp"
#include "../decode/utf8.hpp"
#include "aggregator_impl.hpp"
#include "state_codec.hpp"

namespace casreport {

std::string detail::explain(reject_reason why, const raw_event& ev, const options& opts) {
    switch (why) {
        case reject_reason::field_too_long: {
            std::string out;
            for_each_field(ev, [&](std::string_view name, std::string_view v) {
                if (out.empty() && v.size() > opts.max_field_bytes) {
                    out = std::string(name) + " is longer than the " +
                          std::to_string(opts.max_field_bytes) + " bytes allowed (max_field_bytes)";
                }
            });
            return out;
        }
        case reject_reason::invalid_detection_time:
            return ev.detection_time.empty()
                       ? std::string("no detection_time")
                       : "detection_time " + detail::quoted_excerpt(ev.detection_time) +
                             " is not an ISO-8601 date-time";
        case reject_reason::unknown_event_kind:
            return ev.event.empty()
                       ? std::string("no event kind")
                       : "event " + detail::quoted_excerpt(ev.event) + " is not a known event kind";
        default: return std::string(to_string(why));
    }
}

std::string detail::check_options(const options& opts) {
    if (opts.max_field_bytes == 0) return "max_field_bytes must be at least 1";
    return check_csv_columns(opts);
}

namespace {

void fail(std::error_code& ec, error e) { ec = make_error_code(e); }

/// What both merges check, in this order, before taking anything from `other`; false, with
/// `ec` set, when they must not go on. A refused merge changes nothing: compatibility is checked
/// before the current source is ended.
bool may_merge(aggregator::impl& m, const aggregator::impl& other, std::error_code& ec) {
    ec.clear();
    const auto refuse = [&ec](error e) {
        fail(ec, e);
        return false;
    };
    if (&other == &m) return refuse(error::invalid_argument);
    if (m.finished || !other.finished) return refuse(error::misuse);
    m.last_error.clear();
    if (!m.state.can_merge(other.state)) return refuse(error::incompatible);
    if (m.end_current()) return refuse(error::input);
    if (!m.state.can_hold(other.state)) {
        m.last_error =
            "the merged state would count more than " + std::to_string(max_count) + " records";
        return refuse(error::input);
    }
    return true;
}

}  // namespace

aggregator::aggregator(options opts) : impl_(std::make_unique<impl>(opts)) {}
aggregator::aggregator(std::unique_ptr<impl> p) noexcept : impl_(std::move(p)) {}
aggregator::~aggregator() = default;
aggregator::aggregator(aggregator&&) noexcept = default;
aggregator& aggregator::operator=(aggregator&&) noexcept = default;

const options& aggregator::opts() const noexcept { return impl_->opts; }

const std::string& aggregator::last_error() const noexcept { return impl_->last_error; }

void aggregator::begin_source(std::string_view name, std::error_code& ec) {
    ec.clear();
    impl& m = *impl_;
    m.last_error.clear();
    if (m.finished) return fail(ec, error::misuse);
    const bool ended_badly = m.end_current();
    m.source = std::string(name);
    if (ended_badly) fail(ec, error::input);
}

void aggregator::feed(std::string_view bytes, std::error_code& ec) {
    ec.clear();
    impl& m = *impl_;
    m.last_error.clear();
    if (m.finished) return fail(ec, error::misuse);
    if (!m.failed.empty()) {
        m.last_error = m.failed;
        return fail(ec, error::input);
    }
    if (bytes.empty()) return;
    if (!m.dec) {
        if (std::string why = detail::check_options(m.opts); !why.empty()) {
            m.last_error = std::move(why);
            return fail(ec, error::invalid_argument);
        }
        m.dec = detail::make_source_decoder(m, m.opts.format, m.opts);
    }
    m.dec->feed(bytes);
    if (!m.failed.empty()) {
        m.dec.reset();
        m.last_error = m.failed;
        fail(ec, error::input);
    }
}

void aggregator::end_source(std::error_code& ec) {
    ec.clear();
    impl& m = *impl_;
    m.last_error.clear();
    if (m.finished) return fail(ec, error::misuse);
    if (m.end_current()) fail(ec, error::input);
}

void aggregator::finish(std::error_code& ec) {
    ec.clear();
    impl& m = *impl_;
    m.last_error.clear();
    if (m.finished) return;
    const bool ended_badly = m.end_current();
    m.state.seal();
    m.finished = true;
    if (ended_badly) fail(ec, error::input);
}

bool aggregator::finished() const noexcept { return impl_->finished; }

input_counts aggregator::counts() const noexcept {
    const detail::counters n = impl_->state.current();
    return {n.records, n.accepted, n.rejected, n.duplicates, n.out_of_period};
}

void aggregator::merge(const aggregator& other, std::error_code& ec) {
    if (!may_merge(*impl_, *other.impl_, ec)) return;
    impl_->state.merge(other.impl_->state, ec);
    impl_->cached.reset();
}

void aggregator::merge(aggregator&& other, std::error_code& ec) {
    if (!may_merge(*impl_, *other.impl_, ec)) return;
    impl_->merge_consuming(*other.impl_, 0, ec);
}

std::string aggregator::save(std::error_code& ec) const {
    ec.clear();
    if (!impl_->finished) {
        fail(ec, error::misuse);
        return {};
    }
    return detail::save_state(impl_->state);
}

aggregator aggregator::load(std::string_view bytes, std::error_code& ec) {
    ec.clear();
    std::unique_ptr<detail::partial_state> st = detail::load_state(bytes, ec);
    if (!st) return aggregator();
    auto m = std::make_unique<impl>(st->opts());
    m->state = std::move(*st);
    m->state.seal();
    m->finished = true;
    return aggregator(std::move(m));
}

void aggregator::reset() {
    impl& m = *impl_;
    m.dec.reset();
    m.state.clear();
    m.source = "input";
    m.failed.clear();
    m.last_error.clear();
    m.finished = false;
    m.threads = 1;
    m.cached.reset();
}

// ---- throwing overloads ----

namespace {
void throw_if(const std::error_code& ec, const char* what) {
    if (ec) throw error_exception(ec, what);
}
/// For the calls that can fail on a source: the message names it.
void throw_if(const std::error_code& ec, const std::string& detail, const char* what) {
    if (ec) throw error_exception(ec, detail.empty() ? std::string(what) : detail);
}
}  // namespace

void aggregator::begin_source(std::string_view name) {
    std::error_code ec;
    begin_source(name, ec);
    throw_if(ec, impl_->last_error, "casreport::aggregator::begin_source");
}

void aggregator::feed(std::string_view bytes) {
    std::error_code ec;
    feed(bytes, ec);
    throw_if(ec, impl_->last_error, "casreport::aggregator::feed");
}

void aggregator::end_source() {
    std::error_code ec;
    end_source(ec);
    throw_if(ec, impl_->last_error, "casreport::aggregator::end_source");
}

void aggregator::finish() {
    std::error_code ec;
    finish(ec);
    throw_if(ec, impl_->last_error, "casreport::aggregator::finish");
}

const report& aggregator::report() {
    std::error_code ec;
    const casreport::report& r = report(ec);
    throw_if(ec, "casreport::aggregator::report");
    return r;
}

void aggregator::merge(const aggregator& other) {
    std::error_code ec;
    merge(other, ec);
    throw_if(ec, impl_->last_error, "casreport::aggregator::merge");
}

void aggregator::merge(aggregator&& other) {
    std::error_code ec;
    merge(std::move(other), ec);
    throw_if(ec, impl_->last_error, "casreport::aggregator::merge");
}

void aggregator::feed_file(const std::string& path, const file_options& fo) {
    std::error_code ec;
    feed_file(path, fo, ec);
    throw_if(ec, impl_->last_error.empty() ? path + ": " + ec.message() : impl_->last_error,
             "casreport::aggregator::feed_file");
}

std::string aggregator::save() const {
    std::error_code ec;
    std::string s = save(ec);
    throw_if(ec, "casreport::aggregator::save");
    return s;
}

aggregator aggregator::load(std::string_view bytes) {
    std::error_code ec;
    aggregator a = load(bytes, ec);
    throw_if(ec, "casreport::aggregator::load");
    return a;
}

}  // namespace casreport
