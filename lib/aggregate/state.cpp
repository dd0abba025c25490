#include "state.hpp"

#include <cstring>

#include "casreport/section.hpp"

namespace casreport::detail {
namespace {

constexpr std::uint64_t id_key_seed = 0x1d;
constexpr std::uint64_t tuple_key_seed = 0x7e;

void put_u32(std::string& b, std::uint32_t v) {
    for (int i = 0; i < 4; ++i) b.push_back(static_cast<char>((v >> (8 * i)) & 0xff));
}

void put_field(std::string& b, std::string_view s) {
    put_u32(b, static_cast<std::uint32_t>(s.size()));
    b.append(s);
}

std::uint8_t category_of(const record& rec) noexcept {
    const auto s = section_of(rec.kind, rec.filter);
    return s ? static_cast<std::uint8_t>(*s) : category_overview_only;
}

bool same_period(const std::optional<report_period>& a,
                 const std::optional<report_period>& b) noexcept {
    return a.has_value() == b.has_value() && (!a || *a == *b);
}

}  // namespace

partial_state::partial_state(const options& opts) : opts_(opts) {}

void partial_state::clear() {
    n = {};
    rejections.clear();
    pool.clear();
    other_services.clear();
    details.clear();
    store.clear();
    groups.clear();
    service_codes_.clear();
    detail_ids_.clear();
}

void partial_state::add_rejection(std::string_view source, std::uint64_t line, reject_reason why,
                                  std::string_view detail) {
    ++n.records;
    ++n.rejected;
    if (rejections.size() < opts_.max_listed_rejections) {
        rejections.push_back({std::string(source), line, why, std::string(detail)});
    }
}

key128 partial_state::record_key(const record& rec, const raw_event& raw) {
    if (!rec.log_item_id.empty()) return hash128(rec.log_item_id, id_key_seed);
    // The content tuple of DESIGN section 2: normalized service, kind, instant and user, and
    // the raw filter, threat, hash, file and message fields. Length-prefixed, so unambiguous.
    std::string& b = key_buf_;
    b.clear();
    put_field(b, rec.service_key);
    b.push_back(static_cast<char>(rec.kind));
    const auto t = static_cast<std::uint64_t>(rec.detection_time.time_since_epoch().count());
    put_u32(b, static_cast<std::uint32_t>(t));
    put_u32(b, static_cast<std::uint32_t>(t >> 32));
    put_field(b, rec.user);
    put_field(b, raw.triggered_security_filter);
    put_field(b, raw.security_risk_name);
    put_field(b, raw.file_sha1);
    put_field(b, raw.file_name);
    put_field(b, raw.mail_message_id);
    put_field(b, raw.mail_message_file_name);
    return hash128(b, tuple_key_seed);
}

std::uint32_t partial_state::intern_service(std::string_view key) {
    const std::uint32_t id = pool.intern(key);
    const auto [it, added] = service_codes_.try_emplace(
        id, first_other_service_code + static_cast<std::uint32_t>(other_services.size()));
    if (added) other_services.push_back(id);
    return it->second;
}

std::uint32_t partial_state::intern_detail(const mail_detail& d) {
    const auto [it, added] =
        detail_ids_.try_emplace(d, static_cast<std::uint32_t>(details.size() + 1));
    if (added) details.push_back(d);
    return it->second;
}

void partial_state::add_group(const group_key& g, const record_group& r) {
    const auto [it, added] = groups.try_emplace(g, r);
    if (added) return;
    record_group& dst = it->second;
    dst.count += r.count;
    if (r.first < dst.first) dst.first = r.first;
    if (r.last > dst.last) dst.last = r.last;
}

void partial_state::reindex() {
    service_codes_.clear();
    for (std::size_t i = 0; i < other_services.size(); ++i) {
        service_codes_.emplace(other_services[i],
                               first_other_service_code + static_cast<std::uint32_t>(i));
    }
    detail_ids_.clear();
    for (std::size_t i = 0; i < details.size(); ++i) {
        detail_ids_.emplace(details[i], static_cast<std::uint32_t>(i + 1));
    }
}

void partial_state::add_event(const record& rec, const raw_event& raw) {
    ++n.records;
    contribution local;
    contribution* c = &local;
    if (opts_.dedupe) {
        c = store.try_add(record_key(rec, raw));
        if (c == nullptr) {
            ++n.duplicates;
            return;
        }
    }
    const bool outside = opts_.period && !opts_.period->contains(rec.detection_time);
    const std::uint8_t category = category_of(rec);
    std::uint32_t code = static_cast<std::uint32_t>(rec.svc);
    if (rec.svc == service::other) code = intern_service(rec.service_key);
    c->set_time(rec.detection_time.time_since_epoch().count());
    c->user = pool.intern(rec.user);
    c->meta = contribution::make_meta(code, category, rec.result, rec.risk, outside);
    c->detail = 0;
    if (category != category_overview_only && channel_of(rec.svc) == channel::mail) {
        mail_detail d;
        d.sender = pool.intern(rec.sender);
        d.threat = pool.intern(detail::trim(raw.security_risk_name));
        lower_buf_.clear();
        append_lower(lower_buf_, detail::trim(raw.file_sha1));
        d.file = pool.intern(lower_buf_);
        c->detail = intern_detail(d);
    }
    if (outside) {
        ++n.out_of_period;
    } else {
        ++n.accepted;
    }
    if (!opts_.dedupe) {
        const std::int64_t t = c->time();
        add_group({c->user, c->detail, c->meta}, {1, t, t});
    }
}

void partial_state::merge(const partial_state& later, std::error_code& ec) {
    if (opts_.dedupe != later.opts_.dedupe || !same_period(opts_.period, later.opts_.period)) {
        ec = make_error_code(error::incompatible);
        return;
    }
    // Translate the later state's ids into ours.
    std::vector<std::uint32_t> ids(later.pool.size());
    for (std::uint32_t i = 0; i < ids.size(); ++i) ids[i] = pool.intern(later.pool.at(i));
    std::vector<std::uint32_t> codes(later.other_services.size());
    for (std::size_t i = 0; i < codes.size(); ++i) {
        codes[i] = intern_service(pool.at(ids[later.other_services[i]]));
    }
    std::vector<std::uint32_t> detail_map(later.details.size() + 1, 0);
    for (std::size_t i = 0; i < later.details.size(); ++i) {
        const mail_detail& d = later.details[i];
        detail_map[i + 1] = intern_detail({ids[d.sender], ids[d.threat], ids[d.file]});
    }
    const auto translate = [&](contribution c) {
        c.user = ids[c.user];
        c.detail = detail_map[c.detail];
        std::uint32_t code = c.service_code();
        if (code >= first_other_service_code) code = codes[code - first_other_service_code];
        c.meta = (code << 16) | (c.meta & 0xffffU);
        return c;
    };

    n.records += later.n.records;
    n.rejected += later.n.rejected;
    n.duplicates += later.n.duplicates;
    for (const rejection& r : later.rejections) {
        if (rejections.size() >= opts_.max_listed_rejections) break;
        rejections.push_back(r);
    }
    if (opts_.dedupe) {
        store.reserve(store.size() + later.store.size());
        later.store.for_each([&](key128 key, const contribution& c) {
            contribution* dst = store.try_add(key);
            if (dst == nullptr) {
                ++n.duplicates;  // seen earlier: the first one counts
                return;
            }
            *dst = translate(c);
            if (dst->out_of_period()) {
                ++n.out_of_period;
            } else {
                ++n.accepted;
            }
        });
    } else {
        n.accepted += later.n.accepted;
        n.out_of_period += later.n.out_of_period;
        for (const auto& [g, r] : later.groups) {
            contribution c;
            c.user = g.user;
            c.detail = g.detail;
            c.meta = g.meta;
            c = translate(c);
            add_group({c.user, c.detail, c.meta}, r);
        }
    }
}

}  // namespace casreport::detail
