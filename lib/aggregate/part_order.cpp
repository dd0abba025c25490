// Merging partial states in part order, whatever order they arrive in (part_origins.hpp), and
// what may merge with what (shard_scope.hpp).
#include "state.hpp"

namespace casreport::detail {
namespace {

std::string period_text(const std::optional<report_period>& p) {
    return p ? p->month_string() + " (" + to_string(p->zone()) + ")" : std::string("no month");
}

/// Whether a state holds nothing and has not been split or compacted: it takes on the scope
/// of whatever merges into it first.
bool blank(const partial_state& st) noexcept {
    return st.empty() && st.scope.whole_and_open() && !st.origins.mixed;
}

}  // namespace

std::string partial_state::merge_refusal(const partial_state& later) const {
    if (opts_.dedupe != later.opts_.dedupe) {
        return std::string("the states differ in de-duplication: ") +
               (opts_.dedupe ? "this one de-duplicates records, the other does not"
                             : "this one does not de-duplicate records, the other does") +
               " (--no-dedupe)";
    }
    if (!(opts_.period == later.opts_.period)) {
        return "the states are of different months: " + period_text(opts_.period) + " and " +
               period_text(later.opts_.period);
    }
    if (blank(*this) || blank(later)) return {};
    return scope.conflict(later.scope);
}

shard_scope partial_state::scope_after(const partial_state& later) const {
    if (blank(later)) return scope;
    if (blank(*this)) return later.scope;
    shard_scope s = scope;
    s.add(later.scope);
    return s;
}

void partial_state::merge_in_part_order(const partial_state& later, std::error_code& ec) {
    if (!merge_refusal(later).empty()) {
        ec = make_error_code(error::incompatible);
        return;
    }
    if (!can_hold(later)) {
        ec = make_error_code(error::input);
        return;
    }
    flush_pending();
    shard_scope after = scope_after(later);
    const std::uint32_t own = opts_.part;
    const std::uint32_t their_own = later.opts_.part;
    origins.start(store.size(), rejections.size(), own);

    translation t;
    translate_users(later, t);
    translate_strings(later, t);
    n.records += later.n.records;
    n.rejected += later.n.rejected;
    n.duplicates += later.n.duplicates;

    // Listed rejections: both lists are in part order; ours first among equal parts.
    {
        std::vector<rejection> listed;
        std::vector<std::uint32_t> parts;
        std::size_t a = 0;
        std::size_t b = 0;
        while (listed.size() < opts_.max_listed_rejections &&
               (a < rejections.size() || b < later.rejections.size())) {
            const bool ours =
                b == later.rejections.size() ||
                (a < rejections.size() &&
                 origins.rejection_part(a, own) <= later.origins.rejection_part(b, their_own));
            if (ours) {
                listed.push_back(std::move(rejections[a]));
                parts.push_back(origins.rejection_part(a, own));
                ++a;
            } else {
                listed.push_back(later.rejections[b]);
                parts.push_back(later.origins.rejection_part(b, their_own));
                ++b;
            }
        }
        rejections = std::move(listed);
        origins.rejections = std::move(parts);
    }

    // Groups (de-duplication off, or compact shards) only add up.
    for (const auto& [g, r] : later.groups) {
        contribution c;
        c.user = g.user;
        c.detail = g.detail;
        c.meta = g.meta;
        c = t(c);
        add_group({c.user, c.detail, c.meta}, r);
        (c.out_of_period() ? n.out_of_period : n.accepted) += r.count;
    }

    // Records: a key not seen is appended with its part; a key seen counts as a duplicate, and
    // its record is the one of the lower part.
    if (later.store.size() != 0) {
        store.ensure_index();
        store.reserve(store.size() + later.store.size());
        std::size_t j = 0;
        later.store.for_each(
            [&](key128 key, const contribution& c) {
                const std::uint32_t part = later.origins.entry_part(j++, their_own);
                const std::size_t i = store.find(key);
                if (i == record_store::npos) {
                    const contribution mine = t(c);
                    store.try_add(key, mine);
                    origins.appended(store.size() - 1, part);
                    ++(mine.out_of_period() ? n.out_of_period : n.accepted);
                    return;
                }
                ++n.duplicates;
                if (part >= origins.entry_part(i, own)) return;  // ours came first
                --(store.at(i).out_of_period() ? n.out_of_period : n.accepted);
                const contribution mine = t(c);
                store.set(i, mine);
                ++(mine.out_of_period() ? n.out_of_period : n.accepted);
                origins.moved[static_cast<std::uint32_t>(i)] = part;
            },
            [&](key128 key) { store.prefetch(key); });
    }
    scope = std::move(after);
}

}  // namespace casreport::detail
