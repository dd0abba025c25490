#include "state.hpp"

#include <atomic>
#include <type_traits>

#include "../core/side_task.hpp"
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

/// Whether no field of `r` is longer than `max`. The sizes OR-ed together bound the longest
/// from above, so one compare settles the usual case of short fields.
bool fields_fit(const raw_event& r, std::size_t max) noexcept {
    std::size_t any = 0;
    for_each_field(r, [&](std::string_view, std::string_view v) { any |= v.size(); });
    if (any <= max) return true;
    bool fit = true;
    for_each_field(r, [&](std::string_view, std::string_view v) { fit = fit && v.size() <= max; });
    return fit;
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
    detail_index_.clear();
    details_indexed_ = 0;
    recent_details_.clear();
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
    scope = shard_scope{};
    origins.clear();
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
    std::uint32_t id = strings.intern(key);
    if (const auto it = service_codes_.find(id); it != service_codes_.end()) return it->second;
    auto code = first_other_service_code + static_cast<std::uint32_t>(other_services.size());
    if (code >= last_service_code) {
        // No code left for another key: this service joins the ones counted together.
        id = strings.intern(more_services_key);
        if (const auto it = service_codes_.find(id); it != service_codes_.end()) return it->second;
        // A loaded state may have given the last code to a key of its own: it takes the rest.
        if (code > last_service_code) return last_service_code;
        code = last_service_code;
    }
    service_codes_.emplace(id, code);
    other_services.push_back(id);
    return code;
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
    users.drop_index();
    strings.drop_index();
}

partial_state::keyed_text partial_state::lower_key(std::string_view raw, std::string& buf) {
    // Users and hashes mostly come trimmed and lower-case already: then no copy.
    const std::string_view t = normalized_user(raw, buf);
    return {t, string_pool::key_of(t)};
}

std::uint32_t partial_state::service_code(std::string_view raw_service) {
    return service_memo_.get(raw_service, [&](std::string_view raw) {
        const service s = parse_service(raw);
        return s == service::other ? intern_service(other_service_key(raw))
                                   : static_cast<std::uint32_t>(s);
    });
}

mail_detail partial_state::detail_of(const raw_event& raw, const keyed_text& file,
                                     detail_hashes h) {
    mail_detail d;
    d.sender = sender_memo_.get(raw.mail_message_sender, h.sender, [&](std::string_view s) {
        normalize_address(s, text_buf_);
        return strings.intern(text_buf_);
    });
    d.threat = threat_memo_.get(raw.security_risk_name, h.threat,
                                [&](std::string_view s) { return strings.intern(trim(s)); });
    // Attachment hashes rarely repeat: no memo, straight to the (prefetched) pool slot.
    d.file = strings.intern(file.text, file.key);
    return d;
}

void partial_state::index_details() {
    // Details loaded may repeat (states saved before they were shared): the first of equal
    // ones is the shared id.
    for (; details_indexed_ < details.size(); ++details_indexed_) {
        const mail_detail& d = details[details_indexed_];
        if (detail_index_.find(d) == 0) {
            detail_index_.insert(d, static_cast<std::uint32_t>(details_indexed_ + 1));
        }
    }
}

std::uint32_t partial_state::shared_detail_id(const mail_detail& d) {
    index_details();
    if (const std::uint32_t id = detail_index_.find(d); id != 0) return id;
    details.push_back(d);
    const auto id = static_cast<std::uint32_t>(details.size());
    detail_index_.insert(d, id);
    details_indexed_ = details.size();
    return id;
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
    // A field too long to keep is a record that cannot be read; then the checks of DESIGN
    // section 2, in order: a valid time, then a known kind.
    if (!fields_fit(raw, opts_.max_field_bytes)) return reject_reason::field_too_long;
    const auto when = parse_timestamp(raw.detection_time, naive_zone);
    if (!when) return reject_reason::invalid_detection_time;
    const std::uint8_t kind = kind_memo_.get(raw.event, kind_code);
    if (kind == 0) return reject_reason::unknown_event_kind;
    ++n.records;

    const std::string_view id = record_id(raw);
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
    const bool has_detail = category != category_overview_only && is_mail_code(code);
    keyed_text file_text{};
    detail_hashes memo_hashes;
    if (has_detail) {
        file_text = lower_key(raw.file_sha1, file_buf_);
        strings.prefetch(file_text.key);
        // Senders and threat names outnumber what the cache holds of their memos.
        memo_hashes = {sender_memo_.hash_of(raw.mail_message_sender),
                       threat_memo_.hash_of(raw.security_risk_name)};
        sender_memo_.prefetch(memo_hashes.sender);
        threat_memo_.prefetch(memo_hashes.threat);
    }
    users.prefetch_key(user_text.key);  // its slot has arrived by now
    const std::int64_t time = when->time_since_epoch().count();
    const outcome result = classify_outcome_by(
        [&] { return raw.action_result != "success" && is_failed_result(raw.action_result); },
        [&] { return monitor_memo_.get(raw.triggered_policy_name, is_monitor_only); },
        [&] { return action_memo_.get(raw.action, action_outcome); });
    const bool outside = opts_.period && !opts_.period->contains(*when);
    if (has_detail) strings.prefetch_key(file_text.key);
    const std::uint32_t user = users.intern(user_text.text, user_text.key);

    contribution c;
    c.set_time(time);
    c.user = user;
    c.meta = contribution::make_meta(code, category, result,
                                     risk_memo_.get(raw.risk_level, parse_risk_level), outside);
    mail_detail detail;
    if (has_detail) detail = detail_of(raw, file_text, memo_hashes);
    if (!opts_.dedupe) {
        c.detail = has_detail ? shared_detail_id(detail) : 0;
        ++(outside ? n.out_of_period : n.accepted);
        add_group({c.user, c.detail, c.meta}, {1, time, time});
        return std::nullopt;
    }
    c.detail = has_detail ? detail_pending : 0;  // added if the record proves new
    if (id.empty()) {
        key = tuple_key(raw, code, kind, time, user);
        store.prefetch(key);
    }
    // Queue the insert; the oldest queued one goes into the store now. The order is kept, so
    // "the first one counts" holds exactly.
    if (queue_count_ == queue_size) {
        const pending_insert& oldest = queue_[queue_head_];
        insert(oldest.key, oldest.c, oldest.d);
        queue_head_ = (queue_head_ + 1) % queue_size;
        --queue_count_;
    }
    queue_[(queue_head_ + queue_count_) % queue_size] = {key, c, detail};
    ++queue_count_;
    return std::nullopt;
}

void partial_state::insert(key128 key, const contribution& c, const mail_detail& d) {
    const std::size_t i = store.add(key, c);
    if (i == record_store::npos) {
        ++n.duplicates;  // and its detail is not kept: repeats cost no memory
        return;
    }
    if (c.detail == detail_pending) {
        if (recent_details_.empty()) recent_details_.resize(recent_details);  // on first use
        recent_detail& r = recent_details_[triple_hash{}(d) & (recent_details - 1)];
        if (r.id == 0 || !(r.d == d)) {
            details.push_back(d);
            r = {d, static_cast<std::uint32_t>(details.size())};
        }
        store.set_detail(i, r.id);
    }
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
        insert(p.key, p.c, p.d);
        queue_head_ = (queue_head_ + 1) % queue_size;
    }
    queue_head_ = 0;
}

bool partial_state::can_merge(const partial_state& later) const noexcept {
    return opts_.dedupe == later.opts_.dedupe && opts_.period == later.opts_.period;
}

bool partial_state::can_hold(const partial_state& later) const noexcept {
    // Every other count is part of `records`, so no count of the merge can pass it either.
    return n.records <= max_count && later.n.records <= max_count - n.records;
}

void partial_state::merge(const partial_state& later, std::error_code& ec) {
    merge_from(later, 0, ec, false);
}

void partial_state::drop_memos() {
    sender_memo_.release();
    threat_memo_.release();
}

void partial_state::merge(partial_state&& later, std::uint64_t line_offset, std::error_code& ec,
                          bool last) {
    later.drop_memos();  // free what the merge does not need before our tables grow
    merge_from(std::move(later), line_offset, ec, last);
    if (!ec) later.clear();
}

// ---- merging: the pieces --------------------------------------------------------------------

contribution partial_state::translation::operator()(contribution c) const noexcept {
    c.user = user(c.user);
    c.detail = detail(c.detail);
    c.meta = meta(c.meta);
    return c;
}

void partial_state::translate_users(const partial_state& later, translation& t) {
    t.users.resize(later.users.size());
    for (std::uint32_t i = 0; i < t.users.size(); ++i) t.users[i] = users.intern(later.users.at(i));
}

void partial_state::translate_strings(const partial_state& later, translation& t) {
    translate_services(later, t);
    t.detail_base = static_cast<std::uint32_t>(details.size());
    translate_details(later, t);
}

void partial_state::translate_services(const partial_state& later, translation& t) {
    t.codes.resize(later.other_services.size());
    for (std::size_t i = 0; i < t.codes.size(); ++i) {
        t.codes[i] = intern_service(later.strings.at(later.other_services[i]));
    }
}

void partial_state::translate_details(const partial_state& later, translation& t) {
    // The pools are not reserved for the later ones in full: parts of one month share most
    // users, senders and hashes.
    std::vector<std::uint32_t> ids(later.strings.size());
    for (std::uint32_t i = 0; i < ids.size(); ++i) ids[i] = strings.intern(later.strings.at(i));
    if (!opts_.dedupe) {
        // Equal details share one id, so that equal groups of both sides become one.
        t.detail_ids.resize(later.details.size());
        for (std::size_t i = 0; i < t.detail_ids.size(); ++i) {
            const mail_detail& d = later.details[i];
            t.detail_ids[i] = shared_detail_id({ids[d.sender], ids[d.threat], ids[d.file]});
        }
        return;
    }
    // Later details are appended: a raw spelling seen on both sides gets a second entry with
    // the same ids, which the findings aggregate anyway.
    details.reserve(details.size() + later.details.size());
    for (const mail_detail& d : later.details) {
        details.push_back({ids[d.sender], ids[d.threat], ids[d.file]});
    }
}

void partial_state::take_counters(const partial_state& later, std::uint64_t line_offset) {
    n.records += later.n.records;
    n.rejected += later.n.rejected;
    n.duplicates += later.n.duplicates;
    for (const rejection& r : later.rejections) {
        if (!lists_more_rejections()) break;
        rejections.push_back(r);
        rejections.back().line += line_offset;
    }
}

void partial_state::take_groups(const partial_state& later, const translation& t) {
    n.accepted += later.n.accepted;
    n.out_of_period += later.n.out_of_period;
    for (const auto& [g, r] : later.groups) {
        contribution c;
        c.user = g.user;
        c.detail = g.detail;
        c.meta = g.meta;
        c = t(c);
        add_group({c.user, c.detail, c.meta}, r);
    }
}

template <class State>
void partial_state::merge_from(State&& later, std::uint64_t line_offset, std::error_code& ec,
                               bool last) {
    constexpr bool consume =
        !std::is_const_v<std::remove_reference_t<State>> && std::is_rvalue_reference_v<State&&>;
    if (!can_merge(later)) {
        ec = make_error_code(error::incompatible);
        return;
    }
    if (!can_hold(later)) {
        ec = make_error_code(error::input);
        return;
    }
    flush_pending();
    translation t;
    translate_users(later, t);
    translate_strings(later, t);
    if constexpr (consume) {  // only the ids are needed from here on
        later.users.release();
        later.strings.release();
        later.details.release();
    }
    take_counters(later, line_offset);
    if (!opts_.dedupe) {
        take_groups(later, t);
        return;
    }
    const auto ahead = [&](key128 key) { store.prefetch(key); };
    if (consume && last) {
        // Nothing comes after: check each record against ours, append it unindexed.
        store.ensure_index();
        const auto take = [&](key128 key, const contribution& c) {
            if (store.contains(key)) {
                ++n.duplicates;  // seen earlier: the first one counts
                return;
            }
            const contribution mine = t(c);
            store.append_unindexed(key, mine);
            ++(mine.out_of_period() ? n.out_of_period : n.accepted);
        };
        if constexpr (consume) later.store.drain(take, ahead);
        return;
    }
    store.reserve(store.size() + later.store.size());
    const auto take = [&](key128 key, const contribution& c) {
        const contribution mine = t(c);
        if (!store.try_add(key, mine)) {
            ++n.duplicates;  // seen earlier: the first one counts
            return;
        }
        ++(mine.out_of_period() ? n.out_of_period : n.accepted);
    };
    if constexpr (consume) {
        later.store.drain(take, ahead);
    } else {
        later.store.for_each(take, ahead);
    }
}

// ---- merging the parts of a split file -------------------------------------------------------

void partial_state::merge_parts(const std::vector<partial_state*>& parts,
                                const std::vector<std::uint64_t>& line_offsets, std::error_code& ec,
                                unsigned threads) {
    std::uint64_t records = n.records;
    for (const partial_state* p : parts) {
        if (!can_merge(*p)) {
            ec = make_error_code(error::incompatible);
            return;
        }
        if (records > max_count || p->n.records > max_count - records) {
            ec = make_error_code(error::input);
            return;
        }
        records += p->n.records;
    }
    if (!opts_.dedupe || parts.empty()) {  // nothing to check: merge them one by one
        for (std::size_t k = 0; k < parts.size(); ++k) {
            merge(std::move(*parts[k]), line_offsets[k], ec, k + 1 == parts.size());
            if (ec) return;
        }
        return;
    }
    flush_pending();
    // Phase 1. Each part's records are checked against our index and the indexes of the parts
    // before it (`seen[k][i]`: record i of part k is an earlier record's duplicate). No index
    // changes meanwhile, so several threads can check; the last part's index is never read.
    store.ensure_index();
    for (std::size_t k = 0; k < parts.size(); ++k) {
        parts[k]->flush_pending();
        parts[k]->drop_memos();
        parts[k]->users.drop_index();  // only read from now on, before our pools grow
        parts[k]->strings.drop_index();
        if (k + 1 < parts.size()) {
            parts[k]->store.ensure_index();
        } else {
            parts[k]->store.drop_index();
        }
    }
    std::vector<std::vector<char>> seen(parts.size());
    struct chunk {
        std::size_t part;
        std::size_t begin;
        std::size_t end;
    };
    std::vector<chunk> chunks;
    constexpr std::size_t chunk_size = 16384;
    for (std::size_t k = 0; k < parts.size(); ++k) {
        const std::size_t n_k = parts[k]->store.size();
        seen[k].assign(n_k, 0);
        for (std::size_t b = 0; b < n_k; b += chunk_size) {
            chunks.push_back({k, b, std::min(n_k, b + chunk_size)});
        }
    }
    std::atomic<std::size_t> next_chunk{0};
    const auto check = [&]() noexcept {
        for (;;) {
            const std::size_t c = next_chunk.fetch_add(1);
            if (c >= chunks.size()) return;
            const chunk& w = chunks[c];
            parts[w.part]->store.for_each_key(
                w.begin, w.end,
                [&](std::size_t i, key128 key) {
                    bool dup = store.contains(key);
                    for (std::size_t j = 0; j < w.part && !dup; ++j) {
                        dup = parts[j]->store.contains(key);
                    }
                    seen[w.part][i] = dup ? 1 : 0;
                },
                [&](key128 key) { store.prefetch(key); });
        }
    };
    {
        // The check claims chunks from a shared counter: whichever threads run it share it.
        side_task helper(threads > 1, [&] { check(); });
        check();
        helper.finish();
    }
    // The indexes are done with (phase 2 appends unindexed; ours catches up if a record is
    // ever added again). Freed before the translation grows our pools, they no longer add to
    // its peak, which is that of the whole run on a file split in two: both halves' records,
    // both halves' strings and our pools' growth are alive together.
    store.drop_index();
    for (partial_state* p : parts) p->store.drop_index();
    // Phase 2. The records need only the parts' users, unknown services and where their
    // details will start in ours, which come first; the strings and details, which take
    // longer, are translated on a second thread while the records move.
    std::vector<translation> t(parts.size());
    std::uint32_t details_after = static_cast<std::uint32_t>(details.size());
    for (std::size_t k = 0; k < parts.size(); ++k) {
        translate_users(*parts[k], t[k]);
        translate_services(*parts[k], t[k]);
        parts[k]->users.release();  // only the ids are needed from here on
        t[k].detail_base = details_after;
        details_after += static_cast<std::uint32_t>(parts[k]->details.size());
    }
    const auto translate_all_details = [&] {
        for (std::size_t k = 0; k < parts.size(); ++k) {
            translate_details(*parts[k], t[k]);
            parts[k]->strings.release();
            parts[k]->details.release();
        }
    };
    side_task details_helper(threads > 1, translate_all_details);
    // In file order, the records not seen before are appended to ours, unindexed (nothing is
    // added after a split file's parts; the index catches up if anything is).
    for (std::size_t k = 0; k < parts.size(); ++k) {
        partial_state& p = *parts[k];
        take_counters(p, line_offsets[k]);
        const std::vector<char>& dup = seen[k];
        const auto [taken, outside] = store.take(
            p.store, [&](std::size_t i) { return dup[i] == 0; }, t[k]);
        n.duplicates += dup.size() - taken;  // seen earlier: the first one counts
        n.accepted += taken - outside;
        n.out_of_period += outside;
        std::vector<char>().swap(seen[k]);
    }
    details_helper.finish();
    for (partial_state* p : parts) p->clear();
}

}  // namespace casreport::detail
