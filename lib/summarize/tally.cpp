#include "tally.hpp"

#include <algorithm>
#include <array>

namespace casreport::detail {
namespace {

class folder {
public:
    explicit folder(const partial_state& st) {
        t_.by_service.assign(first_other_service_code + st.other_services.size(), {0, 0});
        for (section_tally& s : t_.sections) {
            s.by_user.assign(st.users.size(), 0);
            s.mail_by_user.assign(st.users.size(), 0);
            s.unremediated_by_user.assign(st.users.size(), 0);
        }
        t_.sections[static_cast<std::size_t>(section::virtual_analyzer)].risky_by_user.assign(
            st.users.size(), 0);
    }

    void add(const contribution& c, std::uint64_t count, std::int64_t first, std::int64_t last) {
        if (c.out_of_period()) {
            t_.out_of_period += count;
            return;
        }
        t_.accepted += count;
        if (!t_.any || first < t_.first) t_.first = first;
        if (!t_.any || last > t_.last) t_.last = last;
        t_.any = true;
        const std::uint8_t category = c.category();
        const bool dlp = category == static_cast<std::uint8_t>(section::dlp);
        t_.by_service[c.service_code()][dlp ? 1 : 0] += count;
        if (category == category_overview_only) return;
        section_tally& s = t_.sections[category];
        s.total += count;
        s.outcomes[static_cast<std::size_t>(c.result())] += count;
        s.by_user[c.user] += count;
        const auto where = static_cast<section>(category);
        const bool threat = is_threat(where, c.risk());
        if (threat && (c.result() == outcome::left_in_place || c.result() == outcome::failed)) {
            s.unremediated += count;
            s.unremediated_by_user[c.user] += count;
        }
        const std::uint32_t code = c.service_code();
        const bool mail = code < first_other_service_code &&
                          channel_of(static_cast<service>(code)) == channel::mail;
        if (where == section::virtual_analyzer) {
            s.risk[static_cast<std::size_t>(c.risk())] += count;
            if (c.risk() == risk_level::high || c.risk() == risk_level::medium) {
                s.risky_by_user[c.user] += count;
            }
        }
        if (dlp) s.channels[mail ? 0 : 1] += count;
        if (dlp || is_attack_signal(where, c.risk())) {
            s.signals += count;
            if (mail) s.mail_by_user[c.user] += count;
        }
    }

    /// Starts loading the per-user counters `c` will add to, ahead of `add`: users come in
    /// no order, and a month's per-user tables are larger than the cache.
    void prefetch(const contribution& c) const noexcept {
        const std::uint8_t category = c.category();
        if (c.out_of_period() || category == category_overview_only) return;
        const section_tally& s = t_.sections[category];
        __builtin_prefetch(&s.by_user[c.user], 1);
        __builtin_prefetch(&s.mail_by_user[c.user], 1);
    }

    tally take() { return std::move(t_); }

private:
    tally t_;
};

}  // namespace

tally fold(const partial_state& st) {
    folder f(st);
    // Each record is added `ahead` records after its counters were prefetched.
    constexpr std::size_t ahead = 8;
    std::array<contribution, ahead> queue{};
    std::size_t queued = 0;
    st.store.for_each([&](key128, const contribution& c) {
        contribution& slot = queue[queued++ % ahead];
        if (queued > ahead) f.add(slot, 1, slot.time(), slot.time());
        f.prefetch(c);
        slot = c;
    });
    for (std::size_t i = queued > ahead ? queued - ahead : 0; i < queued; ++i) {
        const contribution& c = queue[i % ahead];
        f.add(c, 1, c.time(), c.time());
    }
    for (const auto& [g, r] : st.groups) {
        contribution c;
        c.user = g.user;
        c.detail = g.detail;
        c.meta = g.meta;
        f.add(c, r.count, r.first, r.last);
    }
    return f.take();
}

}  // namespace casreport::detail
