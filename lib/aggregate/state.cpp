#include "state.hpp"

#include <atomic>
#include <exception>
#include <system_error>
#include <thread>
#include <type_traits>

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

std::uint8_t kind_code(std::string_view raw) noexcept {
    const auto k = parse_event_kind(raw);
    return k ? static_cast<std::uint8_t>(*k) : 0;
}

std::uint8_t category_of(event_kind kind, security_filter filter) noexcept {
    const auto s = section_of(kind, filter);
    return s ? static_cast<std::uint8_t>(*s) : category_overview_only;
}

bool is_mail_code(std::uint32_t code) noexcept {
    return code < first_other_service_code &&
           channel_of(static_cast<service>(code)) == channel::mail;
}

}  // namespace

partial_state::partial_state(const options& opts) : opts_(opts) {}

void partial_state::clear() {
    n = {};
    queue_count_ = 0;
    queue_head_ = 0;
    rejections.clear();
    users.clear();
    strings.clear();
    other_services.clear();
    details.clear();
    store.clear();
    groups.clear();
    service_codes_.clear();
    sender_memo_ = {};
    threat_memo_ = {};
    kind_memo_.clear();
    service_memo_.clear();
    filter_memo_.clear();
    monitor_memo_.clear();
    action_memo_.clear();
    risk_memo_.clear();
}

void partial_state::add_rejection(std::string_view source, std::uint64_t line, reject_reason why,
                                  std::string_view detail) {
    ++n.records;
    ++n.rejected;
    if (lists_more_rejections()) {
        rejections.push_back({std::string(source), line, why, std::string(detail)});
    }
}

std::uint32_t partial_state::intern_service(std::string_view key) {
    const std::uint32_t id = strings.intern(key);
    const auto [it, added] = service_codes_.try_emplace(
        id, first_other_service_code + static_cast<std::uint32_t>(other_services.size()));
    if (added) other_services.push_back(id);
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
}

void partial_state::seal() {
    flush_pending();
    store.drop_index();
}

partial_state::keyed_text partial_state::lower_key(std::string_view raw, std::string& buf) {
    // Users and hashes mostly come trimmed and lower-case already: then no copy.
    std::string_view t = raw;
    if (!t.empty() && (is_ascii_space(t.front()) || is_ascii_space(t.back()))) t = trim(t);
    if (has_ascii_upper(t)) {
        buf.clear();
        append_lower(buf, t);
        t = buf;
    }
    return {t, string_pool::key_of(t)};
}

std::uint32_t partial_state::service_code(std::string_view raw_service) {
    return service_memo_.get(raw_service, [&](std::string_view raw) {
        const service s = parse_service(raw);
        return s == service::other ? intern_service(other_service_key(raw))
                                   : static_cast<std::uint32_t>(s);
    });
}

std::uint32_t partial_state::detail_id(const raw_event& raw, const keyed_text& file) {
    mail_detail d;
    d.sender = sender_memo_.get(raw.mail_message_sender, [&](std::string_view s) {
        normalize_address(s, text_buf_);
        return strings.intern(text_buf_);
    });
    d.threat = threat_memo_.get(raw.security_risk_name,
                                [&](std::string_view s) { return strings.intern(trim(s)); });
    // Attachment hashes rarely repeat: no memo, straight to the (prefetched) pool slot.
    d.file = strings.intern(file.text, file.key);
    details.push_back(d);
    return static_cast<std::uint32_t>(details.size());
}

key128 partial_state::tuple_key(const raw_event& raw, std::uint32_t code, std::uint8_t kind,
                                std::int64_t time, std::uint32_t user) {
    // The content tuple of DESIGN section 2: normalized service, kind, instant and user, and
    // the raw filter, threat, hash, file and message fields. Length-prefixed, so unambiguous.
    std::string& b = key_buf_;
    b.clear();
    put_field(b, code < first_other_service_code
                     ? to_string(static_cast<service>(code))
                     : strings.at(other_services[code - first_other_service_code]));
    b.push_back(static_cast<char>(kind));
    const auto t = static_cast<std::uint64_t>(time);
    put_u32(b, static_cast<std::uint32_t>(t));
    put_u32(b, static_cast<std::uint32_t>(t >> 32));
    put_field(b, users.at(user));
    put_field(b, raw.triggered_security_filter);
    put_field(b, raw.security_risk_name);
    put_field(b, raw.file_sha1);
    put_field(b, raw.file_name);
    put_field(b, raw.mail_message_id);
    put_field(b, raw.mail_message_file_name);
    return hash128(b, tuple_key_seed);
}

std::optional<reject_reason> partial_state::add(const raw_event& raw, utc_offset naive_zone) {
    // The checks of DESIGN section 2, in order: a valid time, then a known kind.
    const auto when = parse_timestamp(raw.detection_time, naive_zone);
    if (!when) return reject_reason::invalid_detection_time;
    const std::uint8_t kind = kind_memo_.get(raw.event, kind_code);
    if (kind == 0) return reject_reason::unknown_event_kind;
    ++n.records;

    const std::string_view id = raw.log_item_id.empty() ? raw.message_log_item_id : raw.log_item_id;
    key128 key;
    if (opts_.dedupe && !id.empty()) {
        key = hash128(id, id_key_seed);
        store.prefetch(key);  // hidden behind the work below
    }
    // Hash the user (and a mail attachment) now and let their pool slots load while the
    // rest of the record is read.
    const keyed_text user_text = lower_key(raw.affected_user, user_buf_);
    users.prefetch(user_text.key);
    const std::uint32_t code = service_code(raw.service);
    const security_filter filter =
        filter_memo_.get(raw.triggered_security_filter, parse_security_filter);
    const std::uint8_t category = category_of(static_cast<event_kind>(kind), filter);
    const bool mail_detail = category != category_overview_only && is_mail_code(code);
    keyed_text file_text{};
    if (mail_detail) {
        file_text = lower_key(raw.file_sha1, file_buf_);
        strings.prefetch(file_text.key);
    }
    const std::int64_t time = when->time_since_epoch().count();
    const bool failed = raw.action_result != "success" && is_failed_result(raw.action_result);
    const outcome result = failed ? outcome::failed
                           : monitor_memo_.get(raw.triggered_policy_name, is_monitor_only)
                               ? outcome::left_in_place
                               : action_memo_.get(raw.action, action_outcome);
    const bool outside = opts_.period && !opts_.period->contains(*when);
    const std::uint32_t user = users.intern(user_text.text, user_text.key);

    contribution c;
    c.set_time(time);
    c.user = user;
    c.meta = contribution::make_meta(code, category, result, risk_memo_.get(raw.risk_level, parse_risk_level),
                                     outside);
    c.detail = mail_detail ? detail_id(raw, file_text) : 0;
    if (!opts_.dedupe) {
        ++(outside ? n.out_of_period : n.accepted);
        add_group({c.user, c.detail, c.meta}, {1, time, time});
        return std::nullopt;
    }
    if (id.empty()) {
        key = tuple_key(raw, code, kind, time, user);
        store.prefetch(key);
    }
    // Queue the insert; the oldest queued one goes into the store now. The order is kept, so
    // "the first one counts" holds exactly.
    if (queue_count_ == queue_size) {
        const pending_insert& oldest = queue_[queue_head_];
        insert(oldest.key, oldest.c);
        queue_head_ = (queue_head_ + 1) % queue_size;
        --queue_count_;
    }
    queue_[(queue_head_ + queue_count_) % queue_size] = {key, c};
    ++queue_count_;
    return std::nullopt;
}

void partial_state::insert(key128 key, const contribution& c) {
    contribution* dst = store.try_add(key);
    if (dst == nullptr) {
        ++n.duplicates;
        return;
    }
    *dst = c;
    ++(c.out_of_period() ? n.out_of_period : n.accepted);
}

counters partial_state::current() const noexcept {
    counters c = n;
    for (std::size_t i = 0; i < queue_count_; ++i) {
        const pending_insert& p = queue_[(queue_head_ + i) % queue_size];
        bool seen = store.contains(p.key);
        for (std::size_t j = 0; j < i && !seen; ++j) {
            seen = queue_[(queue_head_ + j) % queue_size].key == p.key;
        }
        ++(seen ? c.duplicates : p.c.out_of_period() ? c.out_of_period : c.accepted);
    }
    return c;
}

void partial_state::flush_pending() {
    for (; queue_count_ > 0; --queue_count_) {
        const pending_insert& p = queue_[queue_head_];
        insert(p.key, p.c);
        queue_head_ = (queue_head_ + 1) % queue_size;
    }
    queue_head_ = 0;
}

bool partial_state::can_merge(const partial_state& later) const noexcept {
    return opts_.dedupe == later.opts_.dedupe && opts_.period == later.opts_.period;
}

void partial_state::merge(const partial_state& later, std::error_code& ec) {
    merge_from(later, 0, ec, false, 1);
}

void partial_state::drop_memos() {
    sender_memo_.release();
    threat_memo_.release();
}

void partial_state::merge(partial_state&& later, std::uint64_t line_offset, std::error_code& ec,
                          bool last, unsigned threads) {
    later.drop_memos();  // free what the merge does not need before our tables grow
    merge_from(std::move(later), line_offset, ec, last, threads);
    if (!ec) later.clear();
}

template <class State>
void partial_state::merge_from(State&& later, std::uint64_t line_offset, std::error_code& ec,
                               bool last, unsigned threads) {
    constexpr bool consume = !std::is_const_v<std::remove_reference_t<State>> &&
                             std::is_rvalue_reference_v<State&&>;
    if (!can_merge(later)) {
        ec = make_error_code(error::incompatible);
        return;
    }
    flush_pending();
    // Translate the later state's ids into ours. The pools are not reserved for the later
    // ones in full: parts of one month share most users, senders and hashes.
    std::vector<std::uint32_t> user_ids;
    const auto translate_users = [&] {
        user_ids.resize(later.users.size());
        for (std::uint32_t i = 0; i < user_ids.size(); ++i) {
            user_ids[i] = users.intern(later.users.at(i));
        }
    };
    std::vector<std::uint32_t> string_ids;
    std::vector<std::uint32_t> codes;
    const auto detail_base = static_cast<std::uint32_t>(details.size());
    const auto translate_strings = [&] {
        string_ids.resize(later.strings.size());
        for (std::uint32_t i = 0; i < string_ids.size(); ++i) {
            string_ids[i] = strings.intern(later.strings.at(i));
        }
        codes.resize(later.other_services.size());
        for (std::size_t i = 0; i < codes.size(); ++i) {
            codes[i] = intern_service(strings.at(string_ids[later.other_services[i]]));
        }
        // Later details are appended: a raw spelling seen on both sides gets a second entry
        // with the same ids, which the findings aggregate anyway.
        details.reserve(details.size() + later.details.size());
        for (const mail_detail& d : later.details) {
            details.push_back({string_ids[d.sender], string_ids[d.threat], string_ids[d.file]});
        }
    };
    // The last part of a split file, with a thread to spare: one thread translates the strings
    // while both check the later records against our index (which nothing changes meanwhile);
    // `ours[i]` then says whether the later record `i` is one we already hold.
    std::vector<char> ours;
    const bool checked_ahead = consume && last && opts_.dedupe && threads > 1;
    if (checked_ahead) {
        store.ensure_index();
        ours.assign(later.store.size(), 0);
        std::atomic<std::size_t> next{0};
        const auto check = [&] {
            constexpr std::size_t chunk = 16384;
            for (;;) {
                const std::size_t b = next.fetch_add(chunk);
                if (b >= ours.size()) return;
                later.store.for_each_key(
                    b, std::min(ours.size(), b + chunk),
                    [&](std::size_t i, key128 key) { ours[i] = store.contains(key) ? 1 : 0; },
                    [&](key128 key) { store.prefetch(key); });
            }
        };
        std::exception_ptr failure;
        std::thread helper;
        try {
            helper = std::thread([&] {
                try {
                    translate_strings();
                } catch (...) {
                    failure = std::current_exception();
                }
                check();
            });
        } catch (const std::system_error&) {
            // No thread to be had: all of it below, in turn.
        }
        const bool alone = !helper.joinable();
        struct joiner {
            std::thread& t;
            ~joiner() {
                if (t.joinable()) t.join();
            }
        } join_helper{helper};
        if (alone) translate_strings();
        translate_users();
        check();
        if (!alone) helper.join();
        if (failure) std::rethrow_exception(failure);
    } else {
        translate_users();
        translate_strings();
    }
    if constexpr (consume) {  // only the ids are needed from here on
        later.users.release();
        later.strings.release();
        std::vector<mail_detail>().swap(later.details);
    }
    const auto translate = [&](contribution c) {
        c.user = user_ids[c.user];
        if (c.detail != 0) c.detail += detail_base;
        std::uint32_t code = c.service_code();
        if (code >= first_other_service_code) code = codes[code - first_other_service_code];
        c.meta = (code << 16) | (c.meta & 0xffffU);
        return c;
    };

    n.records += later.n.records;
    n.rejected += later.n.rejected;
    n.duplicates += later.n.duplicates;
    for (const rejection& r : later.rejections) {
        if (!lists_more_rejections()) break;
        rejections.push_back(r);
        rejections.back().line += line_offset;
    }
    if (opts_.dedupe) {
        const auto ahead = [&](key128 key) {
            if (!checked_ahead) store.prefetch(key);
        };
        if (consume && last) {
            // Nothing comes after: check each record against ours, append it unindexed.
            store.ensure_index();
            std::size_t i = 0;
            const auto take = [&](key128 key, const contribution& c) {
                const bool seen = checked_ahead ? ours[i++] != 0 : store.contains(key);
                if (seen) {
                    ++n.duplicates;  // seen earlier: the first one counts
                    return;
                }
                const contribution t = translate(c);
                store.append_unindexed(key, t);
                ++(t.out_of_period() ? n.out_of_period : n.accepted);
            };
            if constexpr (consume) later.store.drain(take, ahead);
        } else {
            store.reserve(store.size() + later.store.size());
            const auto take = [&](key128 key, const contribution& c) {
                contribution* dst = store.try_add(key);
                if (dst == nullptr) {
                    ++n.duplicates;  // seen earlier: the first one counts
                    return;
                }
                *dst = translate(c);
                ++(dst->out_of_period() ? n.out_of_period : n.accepted);
            };
            if constexpr (consume) {
                later.store.drain(take, ahead);
            } else {
                later.store.for_each(take, ahead);
            }
        }
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
