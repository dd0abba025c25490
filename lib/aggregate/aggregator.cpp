// casreport::aggregator: sources → decoder → normalize → partial state. Its report, built from
// the state by the next stage, is in lib/summarize/aggregator_report.cpp.
#include "casreport/aggregator.hpp"

#include "../core/utf8.hpp"
#include "../decode/csv.hpp"
#include "aggregator_impl.hpp"
#include "shard.hpp"
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
    if (!other.finished) return refuse(error::misuse);
    m.last_error.clear();
    if (std::string why = m.state.merge_refusal(other.state); !why.empty()) {
        m.last_error = std::move(why);
        return refuse(error::incompatible);
    }
    if (!m.finished && m.end_current()) return refuse(error::input);
    if (!m.state.can_hold(other.state)) {
        m.last_error =
            "the merged state would count more than " + std::to_string(max_count) + " records";
        return refuse(error::input);
    }
    return true;
}

/// Whether `partial_state::merge`, which puts `later` after `into`, gives what the part order
/// gives (same part on both sides), and can take `later`'s records (compact ones have none).
bool merges_in_arrival_order(const detail::partial_state& into,
                             const detail::partial_state& later) noexcept {
    return into.same_part(later) && !later.scope.any_compact();
}

/// What both merges do once the records are in: a finished aggregator stays finished (and
/// frees the index its merge needed), and its report is built again.
void after_merge(aggregator::impl& m) {
    if (m.finished) m.state.seal();
    m.cached.reset();
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
    if (m.refuses_input(ec)) return;
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
    detail::partial_state& st = impl_->state;
    const detail::partial_state& later = other.impl_->state;
    if (merges_in_arrival_order(st, later)) {
        detail::shard_scope scope = st.scope_after(later);
        st.merge(later, ec);
        if (!ec) st.scope = std::move(scope);
    } else {
        st.merge_in_part_order(later, ec);
    }
    after_merge(*impl_);
}

void aggregator::merge(aggregator&& other, std::error_code& ec) {
    if (!may_merge(*impl_, *other.impl_, ec)) return;
    detail::partial_state& st = impl_->state;
    impl& o = *other.impl_;
    if (merges_in_arrival_order(st, o.state)) {
        detail::shard_scope scope = st.scope_after(o.state);
        impl_->merge_consuming(o, 0, ec);
        if (!ec) st.scope = std::move(scope);
    } else {
        st.merge_in_part_order(o.state, ec);
        if (!ec) other.reset();
    }
    after_merge(*impl_);
}

std::vector<std::string> aggregator::save_shards(std::uint32_t shards, std::error_code& ec) const {
    ec.clear();
    impl& m = *impl_;
    m.last_error.clear();
    if (!m.finished) {
        fail(ec, error::misuse);
        return {};
    }
    if (shards == 0 || shards > detail::max_shards) {
        m.last_error = "shards must be from 1 to " + std::to_string(detail::max_shards);
        fail(ec, error::invalid_argument);
        return {};
    }
    if (shards == 1) return {detail::save_state(m.state)};
    if (!m.state.takes_records()) {
        m.last_error =
            "only the state of one aggregator's own input can be split into shards: this one "
            "is split already, compact, or a merge of parts of other indexes";
        fail(ec, error::misuse);
        return {};
    }
    detail::state_splitter split(m.state, shards);
    std::vector<std::string> out;
    out.reserve(shards);
    for (std::uint32_t i = 0; i < shards; ++i) out.push_back(detail::save_state(split.shard(i)));
    return out;
}

void aggregator::compact(std::error_code& ec) {
    ec.clear();
    impl& m = *impl_;
    m.last_error.clear();
    if (!m.finished) return fail(ec, error::misuse);
    m.state.compact();
    m.cached.reset();
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
    std::string why;
    std::unique_ptr<detail::partial_state> st = detail::load_state(bytes, ec, &why);
    if (!st) {
        aggregator empty;
        empty.impl_->last_error = std::move(why);
        return empty;
    }
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
    throw_if(ec, a.last_error(), "casreport::aggregator::load");
    return a;
}

std::vector<std::string> aggregator::save_shards(std::uint32_t shards) const {
    std::error_code ec;
    std::vector<std::string> out = save_shards(shards, ec);
    throw_if(ec, impl_->last_error, "casreport::aggregator::save_shards");
    return out;
}

void aggregator::compact() {
    std::error_code ec;
    compact(ec);
    throw_if(ec, "casreport::aggregator::compact");
}

}  // namespace casreport
