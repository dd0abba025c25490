#include "shard.hpp"

#include <algorithm>
#include <unordered_map>

namespace casreport::detail {
namespace {

constexpr std::uint32_t none = 0xffffffffU;
constexpr std::uint64_t group_shard_seed = 0x5a;

/// The times a compact state keeps: the report needs only the first and last detection among
/// the records counted, so each group of a compact state carries these bounds rather than its
/// own (which would be as many random numbers as groups, half the bytes of a compact state).
/// Groups out of the period carry one time out of it, as their flag must agree with.
struct time_bounds {
    bool any = false;
    std::int64_t first = 0;
    std::int64_t last = 0;
    bool any_outside = false;
    std::int64_t outside = 0;

    void add(bool out_of_period, std::int64_t from, std::int64_t to) noexcept {
        if (out_of_period) {
            if (!any_outside) outside = from;
            any_outside = true;
            return;
        }
        first = any ? std::min(first, from) : from;
        last = any ? std::max(last, to) : to;
        any = true;
    }

    [[nodiscard]] record_group group(bool out_of_period, std::uint64_t count) const noexcept {
        return out_of_period ? record_group{count, outside, outside}
                             : record_group{count, first, last};
    }
};

contribution contribution_of(const group_key& g) noexcept {
    contribution c;
    c.user = g.user;
    c.detail = g.detail;
    c.meta = g.meta;
    return c;
}

}  // namespace

/// Copies into another state what contributions of `from` name — users, unknown services,
/// mail details and their strings — each once, and rewrites the contributions' ids. Its tables
/// are as large as `from`'s and are reset between targets by what was touched, so that making
/// K shards costs one pass over each shard's records, not K over the whole state.
class id_copier {
public:
    /// `merge_details`: equal (sender, threat, file) triples get one detail id in the target
    /// (compact states, where records are grouped by detail); else one per detail of `from`.
    id_copier(const partial_state& from, bool merge_details)
        : from_(from),
          merge_details_(merge_details),
          users_(from.users.size()),
          strings_(from.strings.size()),
          codes_(from.other_services.size()),
          details_(from.details.size() + 1) {}

    /// From now on, ids are copied into `to`.
    void start(partial_state& to) {
        for (table* t : {&users_, &strings_, &codes_, &details_}) t->reset();
        by_triple_.clear();
        to_ = &to;
    }

    contribution operator()(contribution c) {
        c.user = users_.copy(c.user, [&] { return to_->users.intern(from_.users.at(c.user)); });
        const std::uint32_t code = c.service_code();
        if (code >= first_other_service_code) {
            const std::uint32_t k = code - first_other_service_code;
            const std::uint32_t mine = codes_.copy(
                k, [&] { return to_->intern_service(from_.strings.at(from_.other_services[k])); });
            c.meta = (mine << 16) | (c.meta & 0xffffU);
        }
        if (c.detail != 0) {
            c.detail = details_.copy(c.detail, [&] {
                const mail_detail& d = from_.details[c.detail - 1];
                const mail_detail m{string(d.sender), string(d.threat), string(d.file)};
                if (merge_details_) {
                    const auto [it, added] = by_triple_.try_emplace(
                        m, static_cast<std::uint32_t>(to_->details.size() + 1));
                    if (added) to_->details.push_back(m);
                    return it->second;
                }
                to_->details.push_back(m);
                return static_cast<std::uint32_t>(to_->details.size());
            });
        }
        return c;
    }

private:
    /// Ids of `from` → ids in the target (`none`: not copied yet), and which were set.
    struct table {
        explicit table(std::size_t n) : ids(n, none) {}
        template <class Make>
        std::uint32_t copy(std::uint32_t id, Make&& make) {
            std::uint32_t& slot = ids[id];
            if (slot == none) {
                slot = make();
                touched.push_back(id);
            }
            return slot;
        }
        void reset() {
            for (const std::uint32_t i : touched) ids[i] = none;
            touched.clear();
        }
        std::vector<std::uint32_t> ids;
        std::vector<std::uint32_t> touched;
    };

    std::uint32_t string(std::uint32_t id) {
        return strings_.copy(id, [&] { return to_->strings.intern(from_.strings.at(id)); });
    }

    const partial_state& from_;
    partial_state* to_ = nullptr;
    bool merge_details_;
    table users_;
    table strings_;
    table codes_;
    table details_;
    std::unordered_map<mail_detail, std::uint32_t, triple_hash> by_triple_;
};

state_splitter::state_splitter(const partial_state& st, std::uint32_t shards)
    : st_(st),
      shards_(shards),
      first_(std::size_t{shards} + 1, 0),
      groups_(shards),
      copy_(std::make_unique<id_copier>(st, false)) {
    const std::size_t n = st.store.size();
    for (std::size_t i = 0; i < n; ++i) ++first_[shard_of(st.store.key_at(i), shards) + 1];
    for (std::uint32_t s = 0; s < shards; ++s) first_[s + 1] += first_[s];
    order_.resize(n);
    std::vector<std::uint32_t> next(first_.begin(), first_.end() - 1);
    for (std::size_t i = 0; i < n; ++i) {
        order_[next[shard_of(st.store.key_at(i), shards)]++] = static_cast<std::uint32_t>(i);
    }
    for (const auto& entry : st.groups) {
        const key128 k = hash128(st.users.at(entry.first.user), group_shard_seed);
        groups_[shard_of(k, shards)].push_back(&entry);
    }
}

state_splitter::~state_splitter() = default;

partial_state state_splitter::shard(std::uint32_t index) {
    partial_state out(st_.opts());
    out.scope = shard_scope::one(shards_, index);
    if (index == 0) {
        out.n.rejected = st_.n.rejected;
        out.n.duplicates = st_.n.duplicates;
        out.rejections = st_.rejections;
    }
    id_copier& copy = *copy_;
    copy.start(out);
    const std::uint32_t b = first_[index];
    const std::uint32_t e = first_[index + 1];
    out.store.reserve(e - b);
    for (std::uint32_t k = b; k < e; ++k) {
        const std::uint32_t i = order_[k];
        const contribution c = copy(st_.store.at(i));
        out.store.try_add(st_.store.key_at(i), c);
        ++(c.out_of_period() ? out.n.out_of_period : out.n.accepted);
    }
    for (const auto* g : groups_[index]) {
        const contribution c = copy(contribution_of(g->first));
        out.add_group({c.user, c.detail, c.meta}, g->second);
        (c.out_of_period() ? out.n.out_of_period : out.n.accepted) += g->second.count;
    }
    out.n.records = out.n.accepted + out.n.out_of_period + out.n.rejected + out.n.duplicates;
    out.seal();
    return out;
}

void partial_state::compact() {
    flush_pending();
    partial_state out(opts_);
    out.scope = scope;
    out.scope.close();
    time_bounds times;
    store.for_each(
        [&](key128, const contribution& c) { times.add(c.out_of_period(), c.time(), c.time()); });
    for (const auto& [g, r] : groups)
        times.add(contribution_of(g).out_of_period(), r.first, r.last);
    try {
        id_copier copy(*this, true);
        copy.start(out);
        // The records are drained: their memory goes as the groups grow.
        store.drain(
            [&](key128, const contribution& c) {
                const contribution m = copy(c);
                out.add_group({m.user, m.detail, m.meta}, times.group(m.out_of_period(), 1));
            },
            [](key128) {});
        for (const auto& [g, r] : groups) {
            const contribution m = copy(contribution_of(g));
            out.add_group({m.user, m.detail, m.meta}, times.group(m.out_of_period(), r.count));
        }
    } catch (...) {
        clear();  // out of memory halfway: an empty state rather than half of one
        throw;
    }
    out.seal();
    out.n = n;
    out.rejections = std::move(rejections);
    out.origins.mixed = origins.mixed;
    out.origins.rejections = std::move(origins.rejections);
    *this = std::move(out);
}

}  // namespace casreport::detail
