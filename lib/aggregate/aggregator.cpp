// casreport::aggregator: sources → decoder → normalize → partial state → report.
#include "casreport/aggregator.hpp"

#include "../report/build.hpp"
#include "aggregator_impl.hpp"
#include "state_codec.hpp"

namespace casreport {
namespace {

/// A value quoted for a rejection detail, cut to a readable length on a UTF-8 boundary.
std::string quoted(std::string_view v) {
    constexpr std::size_t max = 60;
    std::string out = "\"";
    if (v.size() <= max) {
        out.append(v);
    } else {
        std::size_t cut = max;
        while (cut > 0 && (static_cast<unsigned char>(v[cut]) & 0xc0U) == 0x80U) --cut;
        out.append(v.substr(0, cut));
        out += "…";
    }
    out += '"';
    return out;
}

}  // namespace

std::string detail::explain(reject_reason why, const raw_event& ev) {
    switch (why) {
        case reject_reason::invalid_detection_time:
            return ev.detection_time.empty()
                       ? std::string("no detection_time")
                       : "detection_time " + quoted(ev.detection_time) +
                             " is not an ISO-8601 date-time";
        case reject_reason::unknown_event_kind:
            return ev.event.empty() ? std::string("no event kind")
                                    : "event " + quoted(ev.event) + " is not a known event kind";
        default: return std::string(to_string(why));
    }
}

namespace {

void fail(std::error_code& ec, error e) { ec = make_error_code(e); }

const report& empty_report() {
    static const report r{};
    return r;
}

}  // namespace


aggregator::aggregator(options opts) : impl_(std::make_unique<impl>(opts)) {}
aggregator::aggregator(std::unique_ptr<impl> p) noexcept : impl_(std::move(p)) {}
aggregator::~aggregator() = default;
aggregator::aggregator(aggregator&&) noexcept = default;
aggregator& aggregator::operator=(aggregator&&) noexcept = default;

const options& aggregator::opts() const noexcept { return impl_->opts; }

void aggregator::begin_source(std::string_view name, std::error_code& ec) {
    ec.clear();
    if (impl_->finished) return fail(ec, error::misuse);
    impl_->end_source();
    impl_->source = std::string(name);
}

void aggregator::feed(std::string_view bytes, std::error_code& ec) {
    ec.clear();
    impl& m = *impl_;
    if (m.finished) return fail(ec, error::misuse);
    if (m.opts.format == input_format::csv || m.opts.format == input_format::cef) {
        return fail(ec, error::invalid_argument);  // not available in this version
    }
    if (bytes.empty()) return;
    if (!m.dec) m.dec = detail::make_source_decoder(m, m.opts.format, m.opts);
    m.dec->feed(bytes);
}

void aggregator::end_source(std::error_code& ec) {
    ec.clear();
    if (impl_->finished) return fail(ec, error::misuse);
    impl_->end_source();
}

void aggregator::finish(std::error_code& ec) {
    ec.clear();
    if (impl_->finished) return;
    impl_->end_source();
    impl_->state.seal();
    impl_->finished = true;
}

bool aggregator::finished() const noexcept { return impl_->finished; }

const report& aggregator::report(std::error_code& ec) {
    ec.clear();
    impl& m = *impl_;
    if (!m.finished) {
        fail(ec, error::misuse);
        return empty_report();
    }
    if (!m.cached) m.cached = detail::build_report(m.state, m.opts);
    return *m.cached;
}

input_counts aggregator::counts() const noexcept {
    const detail::counters n = impl_->state.current();
    return {n.records, n.accepted, n.rejected, n.duplicates, n.out_of_period};
}

void aggregator::merge(const aggregator& other, std::error_code& ec) {
    ec.clear();
    if (&other == this) return fail(ec, error::invalid_argument);
    if (impl_->finished || !other.impl_->finished) return fail(ec, error::misuse);
    impl_->end_source();
    impl_->state.merge(other.impl_->state, ec);
    impl_->cached.reset();
}

void aggregator::merge(aggregator&& other, std::error_code& ec) {
    ec.clear();
    if (&other == this) return fail(ec, error::invalid_argument);
    if (impl_->finished || !other.impl_->finished) return fail(ec, error::misuse);
    impl_->end_source();
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
    m.finished = false;
    m.cached.reset();
}

// ---- throwing overloads ----

namespace {
void throw_if(const std::error_code& ec, const char* what) {
    if (ec) throw error_exception(ec, what);
}
}  // namespace

void aggregator::begin_source(std::string_view name) {
    std::error_code ec;
    begin_source(name, ec);
    throw_if(ec, "casreport::aggregator::begin_source");
}

void aggregator::feed(std::string_view bytes) {
    std::error_code ec;
    feed(bytes, ec);
    throw_if(ec, "casreport::aggregator::feed");
}

void aggregator::end_source() {
    std::error_code ec;
    end_source(ec);
    throw_if(ec, "casreport::aggregator::end_source");
}

void aggregator::finish() {
    std::error_code ec;
    finish(ec);
    throw_if(ec, "casreport::aggregator::finish");
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
    throw_if(ec, "casreport::aggregator::merge");
}

void aggregator::merge(aggregator&& other) {
    std::error_code ec;
    merge(std::move(other), ec);
    throw_if(ec, "casreport::aggregator::merge");
}

void aggregator::feed_file(const std::string& path, const file_options& fo) {
    std::error_code ec;
    feed_file(path, fo, ec);
    if (ec) throw error_exception(ec, path);
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
