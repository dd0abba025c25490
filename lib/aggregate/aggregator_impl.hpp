// The state behind casreport::aggregator, shared by aggregator.cpp and feed_file.cpp.
// Private to lib/.
#ifndef CASREPORT_LIB_AGGREGATE_AGGREGATOR_IMPL_HPP
#define CASREPORT_LIB_AGGREGATE_AGGREGATOR_IMPL_HPP

#include <memory>
#include <optional>
#include <string>

#include "../decode/decoder.hpp"
#include "casreport/aggregator.hpp"
#include "state.hpp"

namespace casreport {

namespace detail {
/// The human-readable detail of a rejection found while normalizing `ev` under `opts`.
[[nodiscard]] std::string explain(reject_reason why, const raw_event& ev, const options& opts);

/// Why `opts` cannot be used (a bad CSV column map, a zero field limit), or empty.
[[nodiscard]] std::string check_options(const options& opts);
}  // namespace detail

struct aggregator::impl final : detail::event_sink {
    // Everything an aggregator holds; the public class is a thin handle to it.
    explicit impl(const options& o) : opts(o), state(o) {}

    void on_event(const raw_event& ev, std::uint64_t line, utc_offset naive_zone) override {
        if (const auto why = state.add(ev, naive_zone)) {
            const bool listed = state.lists_more_rejections();
            state.add_rejection(source, line, *why,
                                listed ? detail::explain(*why, ev, opts) : std::string());
        }
    }

    void on_reject(std::uint64_t line, reject_reason why, std::string_view detail) override {
        state.add_rejection(source, line, why, detail);
    }

    void on_unusable(std::string_view message) override {
        if (failed.empty()) failed = source + ": " + std::string(message);
    }

    /// One chunk of a file being read (aggregator::feed_file): fed to the current decoder (a
    /// source decoder, made on first use), the records it brought added to `fo.records_read`
    /// (`counted` is where that count stood). False once the source has proved unusable.
    bool feed_file_chunk(std::string_view chunk, const file_options& fo, std::uint64_t& counted) {
        if (!dec) dec = detail::make_source_decoder(*this, opts.format, opts);
        dec->feed(chunk);
        if (fo.records_read != nullptr) {
            fo.records_read->fetch_add(state.n.records - counted, std::memory_order_relaxed);
            counted = state.n.records;
        }
        return failed.empty();
    }

    /// Ends the current source. Returns true when that revealed a failure (now in last_error);
    /// a failure already reported by `feed` is dropped with the source.
    bool end_current() {
        const bool had = !failed.empty();
        if (dec && !had) dec->finish();
        dec.reset();
        state.flush_pending();
        const bool found = !had && !failed.empty();
        if (found) last_error = failed;
        failed.clear();
        return found;
    }

    /// Refuses input (`error::misuse`, true) once the state holds parts of other indexes,
    /// shards of a split input or compact records: what is fed then could not be put in order
    /// or de-duplicated against them.
    bool refuses_input(std::error_code& ec) {
        if (state.takes_records()) return false;
        last_error =
            "this aggregator holds merged parts of other indexes, shards of a split input or "
            "compact records: it takes no more input (feed another aggregator and merge it)";
        ec = make_error_code(error::misuse);
        return true;
    }

    /// Takes `other`'s records (see partial_state::merge, and its `last`), moving its
    /// rejections down by `line_offset` lines; `other` is left empty.
    void merge_consuming(impl& other, std::uint64_t line_offset, std::error_code& ec,
                         bool last = false) {
        state.merge(std::move(other.state), line_offset, ec, last);
        cached.reset();
        other.finished = false;
        other.cached.reset();
    }

    options opts;
    detail::partial_state state;
    std::unique_ptr<detail::decoder> dec;
    std::string source = "input";
    std::string failed;      // why the current source cannot be used; empty while it can
    std::string last_error;  // what the last failing call reported
    bool finished = false;
    /// The most threads a caller let this aggregation use (`feed_file`); building the report
    /// may use as many.
    unsigned threads = 1;
    std::optional<casreport::report> cached;
};

}  // namespace casreport

#endif  // CASREPORT_LIB_AGGREGATE_AGGREGATOR_IMPL_HPP
